"""Corrections a user makes to the graph without touching code: a TOML curation file.

::

    [[alias]]              # extra names for a concept
    concept = "gan"
    names = ["adversarial nets"]

    [[rename]]             # give one entry another ID (for example to resolve a duplicate)
    number = "15.2.2"
    id = "encoder-decoder"
    to = "seq2seq-encoder-decoder"

    [[add]]                # an edge the miner missed (turning a mined requires round is an error: use force)
    source = "stable-diffusion"
    target = "diffusion-model"
    kind = "requires"      # or "related"
    note = "why"

    [[remove]]             # an edge the miner got wrong (either direction; kind optional)
    source = "a"
    target = "b"

    [[force]]              # fix the type or direction of a mined edge
    source = "a"
    target = "b"
    kind = "requires"      # a requires b, whatever was mined

Every item is checked when the graph is built; a mistake is reported as
``file:line`` of the item.  Items that name concepts not in the loaded
corpus are errors, except ``rename``, which only applies where its entry is
loaded, so one file can serve several corpora.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CurationError, Location, Problem
from .markdown import CONTROL, INVISIBLE, REORDERING, SLUG, character, mixed_script, reordering, reordering_problem
from .sources import STDIN, each_once, empty_path_problem, name_problem, read_input

SECTIONS = {
    "alias": ({"concept", "names"}, set()),
    "rename": ({"number", "id", "to"}, set()),
    "add": ({"source", "target", "kind"}, {"note"}),
    "remove": ({"source", "target"}, {"kind", "note"}),
    "force": ({"source", "target", "kind"}, {"note"}),
}
KINDS = ("requires", "related")


@dataclass
class Item:
    section: str
    data: dict[str, Any]
    location: Location
    same_as: Location | None = None  # an earlier item that makes the same correction (in this file or another)


@dataclass
class Curation:
    """Parsed curation files; :meth:`check` validates them against a corpus."""

    items: list[Item] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    digests: dict[Path, bytes] = field(default_factory=dict)  # SHA-256 of each file's bytes, as they were read

    def of(self, section: str) -> list[Item]:
        return [i for i in self.items if i.section == section]

    @property
    def renames(self) -> dict[tuple[str, str], str]:
        return {(i.data["number"], i.data["id"]): i.data["to"] for i in self.of("rename")}

    @property
    def rename_items(self) -> dict[tuple[str, str], Location]:
        """Where each rename is written, by (entry number, ID)."""
        return {(i.data["number"], i.data["id"]): i.location for i in self.of("rename")}

    @property
    def aliases(self) -> dict[str, list[str]]:
        """Concept → its curated names, each with its spaces made single ("VAE " was exported as a label with a
        trailing space, beside "VAE"), each once."""
        out: dict[str, dict[str, None]] = {}
        for i in self.of("alias"):
            out.setdefault(i.data["concept"], {}).update(dict.fromkeys(" ".join(n.split()) for n in i.data["names"]))
        return {c: list(names) for c, names in out.items()}

    def check(self, concepts: set[str], suggest) -> None:
        """Raise :class:`CurationError` for items that name unknown concepts."""
        problems = []
        for item in self.items:
            keys = ["concept"] if item.section == "alias" else [] if item.section == "rename" \
                else ["source", "target"]
            for key in keys:
                value = item.data[key]
                if value not in concepts:
                    hint = suggest(value)
                    problems.append(Problem(item.location, f"[[{item.section}]] {key} {value!r} is not a "
                                            "concept ID" + (f"; did you mean {', '.join(hint)}?" if hint else "")))
            if item.section in ("add", "force") and item.data["source"] == item.data["target"]:
                problems.append(Problem(item.location, f"[[{item.section}]] links {item.data['source']!r} "
                                        "to itself"))
        if problems:
            raise CurationError(problems=problems)


_HEADER = re.compile(r"""[ \t]*\[\[[ \t]*([A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')[ \t]*\]\]""")


_TOKENS = re.compile(r'"""|' r"'''" r'''|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*|\n''')


def _escaped(text: str, at: int) -> bool:
    """Whether an odd run of backslashes stands just before ``at``."""
    start = at
    while start and text[start - 1] == "\\":
        start -= 1
    return (at - start) % 2 == 1


def _outside_strings(text: str) -> list[tuple[int, str]]:
    """(number, line) of the lines that start outside a multi-line string: a ``[[add]]`` line in a note is text."""
    outside, pos, n = {1}, 0, 1
    while (m := _TOKENS.search(text, pos)) is not None:
        token, pos = m.group(), m.end()
        if token == "\n":
            n += 1
            outside.add(n)
        elif token in ('"""', "'''"):
            close = pos
            while (close := text.find(token, close)) >= 0 and token == '"""' and _escaped(text, close):
                close += 1  # an escaped quote: the string goes on
            if close < 0:
                break
            while text[close + 3:close + 4] == token[0]:  # quotes just before the closing ones are the string's
                close += 1
            n += text.count("\n", pos, close)
            pos = close + 3
    return [(i, line) for i, line in enumerate(text.split("\n"), 1) if i in outside]


def item_lines(text: str) -> dict[str, list[int]]:
    """The line of each ``[[section]]`` header, by section: TOML also writes ``[[ add ]]``, ``[["add"]]`` and
    ``[['add']]``, and an item found by the bare form only was reported at another item's line."""
    lines: dict[str, list[int]] = {}
    for n, line in _outside_strings(text):
        m = _HEADER.match(line)
        if m:
            key = m.group(1)
            if key[0] == "'":
                key = key[1:-1]
            elif key[0] == '"':
                try:
                    key = tomllib.loads(f"k = {key}")["k"]  # with its escapes, as TOML reads the header
                except tomllib.TOMLDecodeError:  # a line of a multi-line string, say: no header
                    continue
            lines.setdefault(key, []).append(n)
    return lines


def load_curation(paths: list[str | Path], replacing: Mapping[Path, bytes] | None = None) -> Curation:
    """Read curation files in order; missing files and bad items raise :class:`CurationError`.

    ``replacing`` gives the bytes of a file about to be written (``mlkg serve --edit``), read in its place: the
    items are named by the file and its lines as they will be."""
    cur = Curation()
    problems: list[Problem] = []
    replacing = replacing or {}
    empty = empty_path_problem(paths, "a curation file")
    if empty is not None:
        raise CurationError(problems=[empty])
    for path in each_once(paths):  # a file given twice would repeat every item
        name = str(path)
        bad = name_problem(path, "curation file")
        if bad is not None:
            problems.append(bad)
            continue
        try:
            if Path(path) in replacing:
                data = replacing[Path(path)]
            elif Path(path) != STDIN and not stat.S_ISREG(os.stat(path).st_mode):
                problems.append(Problem(Location(name, 1), "curation file is not a regular file"))
                continue
            else:
                data = read_input(Path(path))
            cur.digests[Path(path)] = hashlib.sha256(data).digest()
            text = data.decode("utf-8-sig")
        except FileNotFoundError:
            problems.append(Problem(Location(name, 1), "curation file does not exist"))
            continue
        except OSError as exc:
            problems.append(Problem(Location(name, 1), f"cannot read curation file: {exc.strerror or exc}"))
            continue
        except UnicodeDecodeError as exc:
            problems.append(Problem(Location(name, 1), f"curation file is not UTF-8 ({exc.reason})"))
            continue
        try:
            doc = parse_toml(name, text)
        except CurationError as exc:
            problems += exc.problems
            continue
        cur.paths.append(name)
        lines = item_lines(text)
        for section, value in doc.items():
            if section not in SECTIONS:
                tables = ", ".join(f"[[{s}]]" for s in SECTIONS)
                tabled = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
                if isinstance(value, dict) or tabled:
                    message = f"unknown table {section!r}; use one of {tables}"
                else:  # "foo = 1" at the top: "unknown table 'foo'" named what is not there
                    message = (f"unknown key {section!r} at the top of the file, outside any table; a curation file "
                               f"holds only {tables} tables")
                problems.append(Problem(Location(name, _find_line(text, section)), message))
                continue
            if not isinstance(value, list):
                problems.append(Problem(Location(name, _find_line(text, section)),
                                        f"{section!r} must be written as [[{section}]] tables"))
                continue
            where = lines.get(section) or _inline_item_lines(text, section)
            for idx, data in enumerate(value):
                loc = Location(name, where[idx] if idx < len(where) else _find_line(text, section))
                problems.extend(_check_item(section, data, loc))
                cur.items.append(Item(section, data, loc))
    problems += _contradictions(cur)
    if problems:
        raise CurationError(problems=problems)
    return cur


def parse_toml(name: str, text: str) -> dict[str, Any]:
    """``tomllib.loads``, its errors a :class:`CurationError` at their line: a syntax error, or brackets nested so
    deep that the parser runs out of stack (a kilobyte of "[" did it, where a SPARQL query is held to 100)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(problems=[toml_problem(name, text, exc)]) from None
    except RecursionError:
        raise CurationError(problems=[too_deep(name, text)]) from None


def too_deep(name: str, text: str) -> Problem:
    """A file the TOML parser ran out of stack on, at the line where its brackets and braces (outside strings and
    comments) first nest more than :data:`TOML_DEPTH` deep: the parser's own limit is Python's stack, not a number."""
    depth, quote = 0, ""
    for n, line in enumerate(text.splitlines() or [""], 1):
        for c in line:
            if quote:
                quote = "" if c == quote else quote  # a basic string's escaped quote is rare enough to ignore here
            elif c in "\"'":
                quote = c
            elif c == "#":
                break
            else:
                depth += (c in "[{") - (c in "]}")
                if depth > TOML_DEPTH:
                    return Problem(Location(name, n), "invalid TOML: arrays and tables nested too deep to read (past "
                                                      f"{TOML_DEPTH} levels from this line); write them flatter")
        quote = ""
    return Problem(Location(name, 1), "invalid TOML: nested too deep to read; write it flatter")


TOML_DEPTH = 100


def toml_problem(name: str, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """A TOML error at its line (the last one for "at end of document"), the position out of the message."""
    m = re.search(r"line (\d+)", str(exc))
    line = int(m.group(1)) if m else text.count("\n") + (not text.endswith("\n"))
    msg = re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)", "", str(exc))
    return Problem(Location(name, max(line, 1)), f"invalid TOML: {msg}")


def _contradictions(cur: Curation) -> list[Problem]:
    """Corrections that cannot all hold: an edge both added (or forced) and removed, forced or added both ways
    or as two kinds, an entry renamed twice.  Each names both places.  One correction made twice (a shared file
    and a personal one may both remove an edge) is no contradiction: the repeat is marked ``same_as``."""
    problems = []
    seen: dict[Any, Item] = {}
    for item in cur.items:
        d = item.data
        if item.section == "rename":
            key: Any = ("rename", d.get("number"), d.get("id"))
            clash = seen.get(key)
            if clash is not None and clash.data.get("to") != d.get("to"):
                problems.append(Problem(item.location, f"[[rename]] {d.get('id')!r} ({d.get('number')}) is renamed "
                                        f"twice, also at {clash.location}; keep one"))
            seen.setdefault(key, item)
            continue
        if item.section not in ("add", "remove", "force") or not isinstance(d.get("source"), str):
            continue
        pair = ("edge", frozenset((d["source"], d.get("target"))))
        clash = seen.get(pair)
        if clash is not None:
            if "remove" in (clash.section, item.section) and clash.section != item.section:
                other = clash.section if clash.section != "remove" else item.section
                why = "both removed and " + {"add": "added", "force": "forced"}.get(other, other)
            elif _same_correction(clash, item):
                item.same_as = clash.location
                continue
            else:
                why = "corrected two ways"
            problems.append(Problem(item.location, f"[[{item.section}]] {d['source']} – {d.get('target')} is {why}, "
                                    f"also at {clash.location}; keep one"))
        seen.setdefault(pair, item)
    return problems


def _same_correction(first: Item, then: Item) -> bool:
    """Whether two items of one pair make one correction: two removes (a remove works in either direction) whose
    kinds do not differ, or an add or force of one kind in one direction (either direction for ``related``, which
    has none)."""
    a, b = first.data, then.data
    if first.section == "remove":
        return None in (a.get("kind"), b.get("kind")) or a.get("kind") == b.get("kind")
    return a.get("kind") == b.get("kind") and (a.get("source") == b.get("source") or a.get("kind") == "related")


_INLINE_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}\n]')


def _inline_item_lines(text: str, section: str) -> list[int]:
    """The line of each item of ``section = [ {…}, {…} ]``, an array of inline tables: every item was reported
    at the array's first line."""
    key = rf"(?:{re.escape(section)}|\"{re.escape(section)}\"|'{re.escape(section)}')"
    start = next((n for n, line in _outside_strings(text) if re.match(rf"[ \t]*{key}[ \t]*=[ \t]*\[", line)), None)
    if start is None:
        return []
    at = sum(len(line) + 1 for line in text.split("\n")[:start - 1])
    found, square, curly, n = [], 0, 0, start
    for m in _INLINE_TOKENS.finditer(text, at):
        token = m.group()
        if token == "\n" or token[0] in "\"'":
            n += token.count("\n")
        elif token == "[":
            square += 1
        elif token == "]":
            square -= 1
            if not square:
                break
        elif token == "{":
            if square == 1 and not curly:
                found.append(n)
            curly += 1
        elif token == "}":
            curly -= 1
    return found


def _find_line(text: str, word: str) -> int:
    for n, line in enumerate(text.split("\n"), 1):
        if word in line:
            return n
    return 1


NOTE_MAX = 2000
"""The most characters a curator's note holds, in the file as from the map's editor."""


def _check_item(section: str, data: Any, loc: Location) -> list[Problem]:
    required, optional = SECTIONS[section]
    if not isinstance(data, dict):
        return [Problem(loc, f"[[{section}]] must be a table")]
    out = []
    missing = sorted(required - data.keys())
    if missing:
        out.append(Problem(loc, f"[[{section}]] is missing {', '.join(missing)}"))
    unknown = sorted(data.keys() - required - optional)
    if unknown:
        out.append(Problem(loc, f"[[{section}]] has unknown key {', '.join(unknown)}; "
                           f"allowed: {', '.join(sorted(required | optional))}"))
    concept = data.get("concept")
    owner = f" of {concept!r}" if isinstance(concept, str) else ""  # one that is no string is said on its own
    for key, value in data.items():
        if key in unknown:  # said once above: its value is not judged as if the key were known
            continue
        if key == "names":
            if not (isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)):
                out.append(Problem(loc, f"[[{section}]] names must be a list of non-empty strings"))
                continue
            short = next((v for v in value if len(v.strip()) < 2), None)
            if short is not None:  # mining would find it everywhere; an everyday word is caught when mining
                out.append(Problem(loc, f"[[{section}]] {short!r}{owner} is shorter than 2 "
                                   "characters: a single letter is a variable, a word or an initial far more often "
                                   "than the concept; use a longer name"))
            wordless = next((v for v in value if not any(c.isalnum() for c in v)), None)
            if short is None and wordless is not None:  # matched on words, it would name nothing, without a word
                out.append(Problem(loc, f"[[{section}]] {wordless!r}{owner} has no letter or "
                                   "digit: names are matched word by word, so it would name nothing"))
            mixed = next(((v, m) for v in value if (m := mixed_script(v)) is not None), None)
            if mixed is not None:  # as in a heading: it looks like a name it is not, and is never found as typed
                out.append(Problem(loc, f"[[{section}]] {mixed[0]!r}{owner}: its {mixed[1]}"))
        elif not isinstance(value, str):
            out.append(Problem(loc, f"[[{section}]] {key} must be a string"))
            continue
        elif key == "note" and len(value) > NOTE_MAX:  # it goes into every output: a 2 MB note was printed whole
            out.append(Problem(loc, f"[[{section}]] note of {len(value):,} characters: a note holds at most "
                                    f"{NOTE_MAX:,} (as the map's editor takes); keep the longer text elsewhere"))
            continue
        values = value if key == "names" else [value]
        bad = next(filter(None, map(CONTROL.search, values)), None)
        if bad:
            out.append(Problem(loc, f"[[{section}]] {key} holds control character U+{ord(bad.group()):04X}; no "
                               "export format can carry it (XML forbids it): remove it"))
            continue
        # a name or note is refused what a cheatsheet is: reordering anywhere, and what shows as nothing in a name
        bad = next(filter(None, map(INVISIBLE.search if key == "names" else reordering, values)), None)
        if bad and REORDERING.match(bad.group()):
            out.append(Problem(loc, f"[[{section}]] {key}: {reordering_problem(bad.group())}"))
        elif bad:
            out.append(Problem(loc, f"[[{section}]] {key} holds invisible character {character(bad.group())}: a name "
                               "with it looks like one without it, and is not found as it is typed; remove it"))
    if "kind" in data and isinstance(data["kind"], str) and data["kind"] not in KINDS:
        out.append(Problem(loc, f"[[{section}]] kind {data['kind']!r} must be one of {', '.join(KINDS)}"))
    if section == "rename":
        for key in ("id", "to"):
            if isinstance(data.get(key), str) and not SLUG.match(data[key]):
                out.append(Problem(loc, f"[[rename]] {key} {data[key]!r} is not a lowercase slug "
                                        "(letters, digits and single hyphens)"))
        if isinstance(data.get("number"), str) and not re.fullmatch(r"\d+\.\d+\.\d+", data["number"]):
            out.append(Problem(loc, f"[[rename]] number {data['number']!r} must be an entry number such as 15.2.2"))
    return out
