"""Corrections made in the browser (``mlkg serve --edit``), written into the curation file.

tomlkit edits the file as a document, so its comments, order and layout stay
as the curator left them; the new item is checked with everything already
there (a contradiction is refused, naming both places) before the file is
replaced in one rename, so a failed write leaves it as it was.
"""

from __future__ import annotations

import re
import tempfile
import threading
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit

from . import knowledge
from .atomic import atomic_path
from .errors import CurationError, InputError, Location, MlkgError, Problem
from .mine import mined_clash
from .read.curation import KINDS, item_lines, load_curation, toml_problem
from .read.markdown import SLUG

ACTIONS = ("add", "remove", "force")
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
    would stop every later load of the corpus."""
    path = Path(path)
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
    if not isinstance(note, str) or len(note) > 2000:
        raise InputError("the note must be text of at most 2,000 characters")
    try:
        text = path.read_text(encoding="utf-8-sig") if path.exists() else HEADER
    except UnicodeDecodeError as exc:  # as loading it would say
        raise CurationError(problems=[Problem(Location(str(path), 1), f"curation file is not UTF-8 ({exc.reason})")]
                            ) from None
    except OSError as exc:
        raise CurationError(problems=[Problem(Location(str(path), 1),
                                              f"cannot read curation file: {exc.strerror or exc}")]) from None
    try:  # the file may be half-edited by hand: its mistake, at its line, as loading it would say
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(problems=[toml_problem(str(path), text, exc)]) from None
    doc = tomlkit.parse(text)
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
    items.append(item)
    new = tomlkit.dumps(doc)
    _check(new, path, item_lines(new)[action][-1], new.count("\n") - text.count("\n"), curation)
    with atomic_path(path) as tmp:
        tmp.write_text(new, encoding="utf-8")
    return item_lines(new)[action][-1]


def _check(text: str, path: Path, added: int, size: int, curation: Sequence[str | Path] = ()) -> None:
    """Load ``text`` (the file with the correction's ``size`` lines inserted at line ``added``) in place of
    ``path`` among the ``curation`` files, as they would be loaded.  Its problems are told as lines of the files
    on disk, and the correction as itself: the text with it is never written."""
    def where(line: int) -> str:
        if added <= line < added + size:
            return "the correction sent"
        return f"{path}:{line - size if line >= added + size else line}"

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / path.name
        probe.write_text(text, encoding="utf-8")
        files = [probe if _same_file(Path(p), path) else p for p in curation]
        if probe not in files:
            files.insert(0, probe)
        try:
            load_curation(files)
        except CurationError as exc:
            def told(p: Problem) -> Problem:
                message = re.sub(re.escape(str(probe)) + r":(\d+)", lambda m: where(int(m.group(1))), p.message)
                if p.location is None or p.location.path != str(probe):
                    return Problem(p.location, message)
                return Problem(None, f"{where(p.location.line)}: {message}")

            raise CurationError(problems=[told(p) for p in exc.problems]) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.absolute() == b.absolute()


class Editor:
    """What ``mlkg serve --edit`` does with a correction from the map: write it into the curation file, load the
    sources again and put the new graph in force, one correction at a time."""

    def __init__(self, path: str | Path, sources: list[str], curation: list[str], live):
        self.path, self.sources, self.curation, self.live = Path(path), sources, curation, live
        self._lock = threading.Lock()
        start_file(self.path)

    def __call__(self, data: dict[str, Any]) -> dict[str, Any]:
        for key in ("action", "source", "target"):
            if not isinstance(data.get(key), str):
                raise InputError(f"a correction needs {key} (text)")
        with self._lock:
            if data["action"] == "add" and data.get("kind") in KINDS:
                self._check_add(data["source"], data["kind"], data["target"])
            line = correct(self.path, data["action"], data["source"], data["target"], data.get("kind"),
                           data.get("note") or "", concepts=set(self.live.graph.entries), curation=self.curation)
            try:
                self.live.publish(knowledge.load(*self.sources, curation=self.curation))
            except MlkgError as exc:  # saved all the same: it takes effect once the sources load again
                return {"file": str(self.path), "line": line, "pending": exc.lines()[0]}
        return {"file": str(self.path), "line": line}

    def _check_add(self, source: str, kind: str, target: str) -> None:
        """Refuse, before it is written, an add that loading would refuse: one whose pair the miner linked
        another way (see :func:`mlkg.mine.curate`)."""
        g = self.live.graph.graph
        for u, v in ((source, target), (target, source)):
            for k, d in (g[u][v].items() if g.has_edge(u, v) else ()):
                if k in KINDS and not d.get("curated"):
                    why = mined_clash((u, k, v), source, kind, target)
                    if why:
                        raise CurationError(f"the correction sent: {why}")
