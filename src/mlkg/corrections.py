"""Corrections made in the browser (``mlkg serve --edit``), written into the curation file.

tomlkit edits the file as a document, so its comments, order and layout stay
as the curator left them; the new item is checked with everything already
there (a contradiction is refused, naming both places) before the file is
replaced in one rename, so a failed write leaves it as it was.  The server's
:class:`Editor` also loads the sources with the correction before writing it:
what loading would refuse (an ``[[add]]`` against the edge as mined, a cycle
of curated edges) is refused by the load itself, never by a second check that
could judge otherwise.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from . import knowledge
from .atomic import atomic_path
from .errors import CurationError, InputError, Location, MlkgError, Problem
from .read import read
from .read.curation import KINDS, NOTE_MAX, item_lines, load_curation, parse_toml, too_deep
from .read.markdown import SLUG

ACTIONS = ("add", "remove", "force")
KEYS = ("action", "source", "target", "kind", "note")  # what a correction from the map holds
HEADER = """# mlkg curation file: corrections to the graph, applied on every load (see the README).
"""


def start_file(path: Path) -> None:
    """A curation file holding only its header, where there is none yet."""
    if not path.exists():
        with atomic_path(path) as tmp:
            tmp.write_text(HEADER, encoding="utf-8")


def correct(path: str | Path, action: str, source: str, target: str, kind: str | None = None, note: str = "",
            concepts: set[str] | None = None, curation: Sequence[str | Path] = ()) -> int:
    """Append one ``[[add]]``, ``[[remove]]`` or ``[[force]]`` item to the curation file at ``path`` and return
    the line it starts on.  Raises :class:`~mlkg.errors.InputError` for a malformed correction and
    :class:`~mlkg.errors.CurationError` for one that contradicts the file or any of ``curation``, the files
    loaded with it in their order (``path`` among them): a contradiction with another file, once written,
    would stop every later load of the corpus.  What the correction would do to a corpus is not judged here: that
    takes the corpus (:class:`Editor` loads it)."""
    edit = _prepare(Path(path), action, source, target, kind, note, concepts, curation)
    if not edit.already:
        edit.write()
    return edit.line


@dataclass
class _Edit:
    """A correction made into the text of its curation file, checked with the other files, not yet written."""

    path: Path  # the file written
    name: str  # that file as ``files`` names it: as a load names its items
    files: list[str | Path]  # the curation files, in the order they are loaded, the file among them
    text: str  # the file with the correction in it
    line: int  # the line the correction starts on
    size: int  # the lines it adds
    already: bool = False  # the file holds this correction already, at ``line``: nothing to write
    newline: str = "\n"  # the file's line ending, and whether it opens with a byte-order mark: both kept
    bom: bool = False

    @property
    def replacing(self) -> dict[Path, bytes]:
        """For a load of the curation files as they will be once the correction is written."""
        return {Path(self.name): self.text.encode("utf-8")}

    def told(self, problems: list[Problem]) -> list[Problem]:
        """Problems of a load of :attr:`replacing`, told as lines of the files on disk, and the correction as
        itself: the text with it is not written."""
        def where(line: int) -> str:
            if self.line <= line < self.line + self.size:
                return "the correction sent"
            return f"{self.name}:{line - self.size if line >= self.line + self.size else line}"

        ours = re.compile(r"(?<![^\s(])" + re.escape(self.name) + r":(\d+)")

        def told(p: Problem) -> Problem:
            message = ours.sub(lambda m: where(int(m.group(1))), p.message)
            if p.location is None or p.location.path != self.name:
                return Problem(p.location, message)
            return Problem(None, f"{where(p.location.line)}: {message}")

        return [told(p) for p in problems]

    def write(self) -> None:
        """Replace the file in one rename: a failed write leaves it as it was."""
        with atomic_path(self.path) as tmp:
            tmp.write_text(("\ufeff" if self.bom else "") + self.text, encoding="utf-8", newline=self.newline)


def _prepare(path: Path, action: str, source: str, target: str, kind: str | None, note: str,
             concepts: set[str] | None, curation: Sequence[str | Path]) -> _Edit:
    """The correction made into the text of ``path`` and checked with every curation file (see :func:`correct`)."""
    if action not in ACTIONS:
        raise InputError(f"unknown correction {action!r}; use one of {', '.join(ACTIONS)}")
    for name, value in (("source", source), ("target", target)):
        if not isinstance(value, str) or not SLUG.match(value):
            raise InputError(f"{name} {value!r} is not a concept ID")
        if concepts is not None and value not in concepts:
            raise InputError(f"{name} {value!r} is not a concept of this graph")
    if source == target:
        raise InputError(f"a correction cannot link {source!r} to itself")
    if not (kind in KINDS or (action == "remove" and kind is None)):  # JSON's null has no TOML: never a 500
        raise InputError(f"kind {kind!r} must be one of {', '.join(KINDS)}" if isinstance(kind, str) else
                         f"{action} needs kind, one of {', '.join(KINDS)}" if kind is None else
                         f"kind must be text, one of {', '.join(KINDS)}")
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise InputError(f"the note must be text of at most {NOTE_MAX:,} characters")
    try:
        raw = path.read_bytes() if path.exists() else HEADER.encode("utf-8")
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:  # as loading it would say
        raise CurationError(problems=[Problem(Location(str(path), 1), f"curation file is not UTF-8 ({exc.reason})")]
                            ) from None
    except OSError as exc:
        raise CurationError(problems=[Problem(Location(str(path), 1),
                                              f"cannot read curation file: {exc.strerror or exc}")]) from None
    parse_toml(str(path), text)  # half-edited by hand, maybe: its mistake, at its line, as loading would say
    try:
        doc = tomlkit.parse(text)
    except RecursionError:  # tomlkit's stack may end before tomllib's
        raise CurationError(problems=[too_deep(str(path), text)]) from None
    item = tomlkit.table()
    item.add("source", source)
    item.add("target", target)
    if kind is not None:
        item.add("kind", kind)
    if note.strip():
        item.add("note", " ".join(note.split()))
    items = doc.get(action)
    if items is None:
        doc.append(action, tomlkit.aot())
        items = doc[action]
    elif not isinstance(items, tomlkit.items.AoT):  # "add = [{…}]": loading reads it, a [[add]] cannot join it
        line = next((n for n, raw in enumerate(text.split("\n"), 1) if re.match(rf"\s*\[?\s*{action}\b", raw)), 1)
        raise CurationError(problems=[Problem(Location(str(path), line), f"this file writes its {action} items "
                                              f"another way; the editor appends [[{action}]] tables: write them "
                                              f"as [[{action}]] tables, or correct into another --curation file")])
    items.append(item)
    new = tomlkit.dumps(doc)
    files = list(curation)
    named = next((str(p) for p in files if _same_file(Path(p), path)), None)
    if named is None:
        named = str(path)
        files.insert(0, path)
    edit = _Edit(path, named, files, new, item_lines(new)[action][-1], new.count("\n") - text.count("\n"),
                 newline="\r\n" if b"\r\n" in raw else "\n", bom=raw.startswith(b"\xef\xbb\xbf"))
    try:
        loaded = load_curation(edit.files, edit.replacing)
    except CurationError as exc:
        raise CurationError(problems=edit.told(exc.problems)) from None
    for item in loaded.items:  # sent twice (a second click): the file keeps it once, as loading would judge
        if item.location == Location(named, edit.line) and item.same_as and item.same_as.path == named:
            return _Edit(path, named, files, text, item.same_as.line, 0, already=True)
    return edit


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.absolute() == b.absolute()


def _given_way(graph) -> set[tuple[str, str]]:
    """The mined requires edges a curated one made related (see the build's warnings)."""
    return {(d["source"], d["target"]) for d in (graph.mining or {}).get("downgraded", ())
            if "; the curated " in d["reason"]}


class Editor:
    """What ``mlkg serve --edit`` does with a correction from the map: judge it by loading the sources with it,
    write it into the curation file, and put the new graph in force, one correction at a time."""

    def __init__(self, path: str | Path, sources: list[str], curation: list[str], live):
        self.path, self.sources, self.curation, self.live = Path(path), sources, curation, live
        self._lock = threading.Lock()
        start_file(self.path)

    def __call__(self, data: dict[str, Any]) -> dict[str, Any]:
        action = data.get("action")
        if action not in ACTIONS:  # said first: "needs source" would send the client after the wrong field
            raise InputError(f"unknown correction {action!r}; use one of {', '.join(ACTIONS)}"
                             if isinstance(action, str) else f"a correction needs action, one of {', '.join(ACTIONS)}")
        extra = next((k for k in data if k not in KEYS), None)  # as a curation file's unknown key: never dropped
        if extra is not None:
            raise InputError(f"a correction has unknown key {extra!r}; it takes {', '.join(KEYS[:-1])} and {KEYS[-1]}")
        for key in ("source", "target"):
            if not isinstance(data.get(key), str):
                raise InputError(f"a correction needs {key} (text)")
        with self._lock:
            edit = _prepare(self.path, data["action"], data["source"], data["target"], data.get("kind"),
                            data.get("note") or "", set(self.live.graph.entries), self.curation)
            graph, pending = self._load(edit)  # a repeat too: the file may have been edited by hand meanwhile
            answer = {"file": str(self.path), "line": edit.line}
            if edit.already:
                answer["already"] = True
            else:
                edit.write()
            if graph is None:  # saved all the same: it takes effect once the sources load again
                return {**answer, "pending": pending}
            # mined requires edges the correction turned related, to keep the graph acyclic: told, as a build tells
            given = sorted(_given_way(graph) - _given_way(self.live.graph))
            if given:
                answer["made_related"] = [f"{s} requires {t}" for s, t in given]
            self.live.publish(graph)
        return answer

    def _load(self, edit: _Edit) -> tuple[knowledge.KnowledgeGraph | None, str | None]:
        """The graph of the sources with the correction, loaded before it is written, as every later load will
        (the graph to put in force); or None and the first problem, where the sources fail to load without it
        too, for the same reasons (a broken cheatsheet: the correction waits for its fix).  A correction that
        makes loading fail (an ``[[add]]`` against a mined edge, a cycle of curated edges) raises
        :class:`CurationError` with what it breaks: it is not written."""
        try:
            with knowledge.collector_paused():
                return knowledge.build(read(self.sources, edit.files, replacing=edit.replacing)), None
        except MlkgError as exc:
            failed = exc
        try:
            knowledge.load(*self.sources, curation=self.curation)  # the files on disk: without the correction
        except MlkgError as exc:
            before: set[str] | None = set(exc.lines())
        else:
            before = None
        told = edit.told(failed.problems)
        new = [p for p in told if before is None or str(p) not in before]
        if new:
            raise CurationError(problems=new + [p for p in told if p not in new])
        return None, failed.lines()[0]
