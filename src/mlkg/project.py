"""Build folders: ``mlkg build`` writes every output of one graph and commits them as one unit; later
commands answer from that build while its inputs are unchanged.

A build folder (``out/`` by default, or ``$MLKG_BUILD_DIR``) looks like::

    out/current -> builds/<id>      the build in force: one symlink, replaced in one rename
    out/graph.json -> current/graph.json
    out/graph.ttl  -> current/graph.ttl
    out/map.html   -> current/map.html
    out/builds/<id>/build.json      what the build was made from, and the digest of its graph.json
    out/builds/<id>/.mlkg-build     the mark that tells a build folder of mlkg's from one of the user's

A build is written into ``builds/.tmp-…`` and committed by renaming a new
``current`` link over the old one, so a reader sees the old build or the new
one, never a mix, and a build that fails or is killed leaves the old one in
force (its leftovers are removed by the next build).  The folder may be one
the user keeps other things in, so mlkg removes or replaces only what it can
tell it made: build folders named as it names them and holding its mark, and
links that point where it points them; anything else in those places stops
the build with an error, before anything is written.  ``build.json`` holds a
key (a digest of mlkg's code and of the sources and curation files as the
build read them); a command answers from the build only while that key
matches, and from ``graph.json`` only while its digest matches, so an edited
source or a tampered build is never answered from.
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import glob
import hashlib
import json
import operator
import os
import re
import secrets
import shlex
import shutil
import stat
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import orjson

from . import __version__, knowledge
from .atomic import BUILD_MARK as MARK  # in every build folder: what tells it from a folder of the user's
from .errors import InputError, MlkgError, Problem
from .knowledge import KnowledgeGraph
from .read import read
from .read.sources import STDIN, default_curation, default_sources, expand_paths, is_pattern, pattern_base

T = TypeVar("T")
OUTPUTS = ("graph.json", "graph.ttl", "map.html")
META = "build.json"
FORMAT = 4  # 4: the key is made of the bytes the build read, and the "fresh" flag is gone
BUILD_NAME = re.compile(r"(\.tmp-)?\d+-[a-z0-9_]{8}")  # <pid>-<random>, and .tmp-<pid>-<random> while it is written


def default_build_dir() -> Path:
    """``$MLKG_BUILD_DIR``, else ``out`` in the project's folder (the one holding the project file, found from
    here upward), else ``out`` here."""
    if os.environ.get("MLKG_BUILD_DIR"):
        return Path(os.environ["MLKG_BUILD_DIR"])
    found = find_project_file()
    return _from_here(found[0].parent) / "out" if found is not None else Path("out")


@dataclass
class BuildResult:
    out: Path
    files: dict[str, Path] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    seconds: float = 0.0
    examples: tuple[str, str] = ("vae", "stable-diffusion")  # (most needed, most needing or ""): for the hint
    changed: list[Path] = field(default_factory=list)  # sources or curation files that changed during the build
    notes: list[str] = field(default_factory=list)  # what built but may not be meant: two entries with one title

    def warning(self) -> str | None:
        """What to say when a file changed while the build ran: the build holds the text it read, which commands
        will find out of date (they read the files instead) until it is built again, or the files restored."""
        if not self.changed:
            return None
        return (f"{', '.join(map(str, self.changed))} changed while the build ran: the build holds the text it read, "
                "which commands will call out of date; run `mlkg build` again")

    def summary(self) -> str:
        s = self.stats
        e = s["edges"]
        lines = [f"built {s['concepts']} concepts from {s['files']} file(s) in {self.seconds:.2f}s: "
                 f"{e['requires']} requires, {e['related']} related, {e['parent']} parent edges"]
        lines += [f"  {name:11} {path}" for name, path in self.files.items()]
        if "map" in self.files:
            lines.append(f"open the map:  {Path(os.path.abspath(self.files['map'])).as_uri()}")  # no "sub/../"
        show, prereqs = self.examples
        at = "" if self.out.absolute() == default_build_dir().absolute() else f" --build {shlex.quote(str(self.out))}"
        lines.append(f"next:  mlkg show {show}{at}  ·  " + (f"mlkg prereqs {prereqs}{at}  ·  " if prereqs else "")
                     + "mlkg query --list")
        return "\n".join(lines)


def inputs(sources: Iterable[str | Path] = (), curation: Iterable[str | Path] | None = None
           ) -> tuple[list[Path], list[Path]]:
    """The cheatsheet files and curation files a load of these arguments reads."""
    files = expand_paths(list(sources) or default_sources())
    return files, [Path(p) for p in (default_curation() if curation is None else curation)]


# --- which corpus a command answers from ---------------------------------------------------------

PROJECT_FILES = ("mlkg.toml", "pyproject.toml")


@dataclass
class Settings:
    """What a command reads and how it names things, and where that was decided (``origin``)."""

    sources: list[str]
    curation: list[str] | None
    base_iri: str | None
    origin: str  # "options", a project file's path, "the build in DIR", or "" for the shipped corpus
    build: Path | None = None  # a build made from standard input: answered from as it is, since stdin is gone


def find_project_file(folder: Path | None = None) -> tuple[Path, bytes] | None:
    """(path, bytes) of the project file: ``mlkg.toml``, or a ``pyproject.toml`` that holds ``[tool.mlkg]`` (or
    that does not parse and names it), in ``folder``; without ``folder``, the nearest one from the working folder
    upward to the root, as ruff and pytest find theirs."""
    import tomllib

    here = Path.cwd()
    for place in [folder] if folder is not None else [here, *here.parents]:
        for name in PROJECT_FILES:
            raw = _read_regular(place / name)
            if raw is None:
                continue
            if name == "pyproject.toml":
                try:
                    tool = tomllib.loads(raw.decode("utf-8-sig")).get("tool")
                except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
                    if b"tool.mlkg" not in raw:
                        continue  # not ours to judge, unless it holds our table
                else:
                    if not (isinstance(tool, dict) and "mlkg" in tool):
                        continue  # another tool's business, or none's
            return place / name, raw
    return None


def _from_here(folder: Path) -> Path:
    """A project's folder as a path from the working folder: ``.`` for this one, ``..`` or ``../..`` for one above
    (``Source: ../sheets/a.md:41`` names a file from here), else absolute."""
    here = Path.cwd()
    if folder == here:
        return Path(".")
    return Path(os.path.relpath(folder, here)) if folder in here.parents else folder


def project_settings(folder: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The ``[tool.mlkg]`` table of ``pyproject.toml``, or the whole of ``mlkg.toml``, in ``folder`` or (without
    it) the nearest folder from the working one upward: sources, curation and base-iri, relative paths taken from
    the file's folder."""
    from .errors import CurationError, Location
    from .read.curation import parse_toml

    found = find_project_file(folder)
    if found is not None:
        path, raw = found
        name = path.name
        shown = str(_from_here(path.parent) / name)  # as every other file is named: from the working folder
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CurationError(problems=[Problem(Location(shown, 1), f"not UTF-8 ({exc.reason})")]) from None
        doc = parse_toml(shown, text)
        if name == "pyproject.toml":
            tool = doc.get("tool")
            table = tool.get("mlkg") if isinstance(tool, dict) else None
            if table is not None and not isinstance(table, dict):
                at = re.search(r"^[ \t]*(?:[\"']?tool[\"']?[ \t]*\.[ \t]*)?[\"']?mlkg[\"']?[ \t]*=", text, re.M)
                line = text.count("\n", 0, at.start()) + 1 if at else 1
                raise InputError(problems=[Problem(Location(shown, line),
                                                   "[tool.mlkg] must be a table of sources, curation and base-iri")])
        else:
            table = doc
        if not isinstance(table, dict):
            return None
        problems = []
        for key, value in table.items():
            if key not in ("sources", "curation", "base-iri"):
                problems.append((key, f"unknown key {key!r}; use sources, curation or base-iri"))
            elif key == "base-iri" and not isinstance(value, str):
                problems.append((key, "base-iri must be a string"))
            elif key != "base-iri" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problems.append((key, f"{key} must be a list of paths"))
            elif key != "base-iri" and "" in value:  # the project's own folder, or the working one: say which
                problems.append((key, f"{key} holds an empty path ''; give a path (\".\" for this folder)"))
            elif key == "sources" and not value:  # it had meant "the remembered build's", as a missing key does
                problems.append((key, "sources is empty; list at least one path, or leave the key out"))
        if not problems and table.get("base-iri"):
            from .views.rdf import base_iri  # checked here, where the file can be named

            try:
                base_iri(table["base-iri"])
            except InputError as exc:
                problems.append(("base-iri", exc.lines()[0]))
        if not problems:  # a source that is not there: said at this line, not as "nope:1" of a file never written
            problems += [("sources", f"sources: {v!r}: no such file or folder (a path here is from this file's folder)")
                         for v in table.get("sources", []) if v != "-" and glob.escape(v) == v
                         and not os.path.lexists(path.parent / v)]
        if problems:
            raise InputError(problems=[Problem(Location(shown, _key_line(text, key, name == "pyproject.toml")),
                                               f"[tool.mlkg] {m}" if name != "mlkg.toml" else m)
                                       for key, m in problems])
        rel = relative_to(path.parent)
        return path, {"sources": [rel(v, pattern=True) for v in table.get("sources", [])] or None,
                      "curation": [rel(v) for v in table["curation"]] if "curation" in table else None,
                      "base_iri": table.get("base-iri")}
    return None


def _shown_project_file(path: Path) -> str:
    """A project file as a command names it: as it always was in the working folder (absolute), and as
    ``../pyproject.toml`` where it was found further up."""
    return str(path) if path.parent == Path.cwd() else str(_from_here(path.parent) / path.name)


def _key_line(text: str, key: str, in_tool_mlkg: bool) -> int:
    """The line that sets ``key`` of the project table, for a message at that line: ``key`` under
    ``[tool.mlkg]``, ``mlkg.key`` under ``[tool]`` or ``tool.mlkg.key`` (in ``mlkg.toml``, ``key`` at the top);
    else the table's header, or 1."""
    def dotted(*parts: str) -> str:
        return r"[ \t]*\.[ \t]*".join(rf"""(?:{re.escape(p)}|"{re.escape(p)}"|'{re.escape(p)}')""" for p in parts)

    def line(at: int) -> int:
        return text.count("\n", 0, at) + 1

    ways = [(dotted("tool", "mlkg"), ("",)), (dotted("tool"), ("mlkg",)), (None, ("tool", "mlkg"))] \
        if in_tool_mlkg else [(None, ())]
    for header, prefix in ways:
        start = 0
        if header is not None:
            found = re.search(rf"^[ \t]*\[[ \t]*{header}[ \t]*\]", text, re.M)
            if found is None:
                continue
            start = found.end()
        setting = re.compile(rf"^[ \t]*{dotted(*filter(None, prefix), key)}[ \t]*=", re.M).search(text, start)
        if setting is None:  # or a table of that name: "[colour]" in mlkg.toml
            setting = re.compile(rf"^[ \t]*\[\[?[ \t]*{dotted(*filter(None, prefix), key)}[ \t]*[.\]]",
                                 re.M).search(text, start if header is None else 0)
        if setting is not None:
            return line(setting.start())
    found = re.search(rf"^[ \t]*\[[ \t]*{dotted('tool', 'mlkg')}[ \t]*\]", text, re.M) if in_tool_mlkg else None
    return line(found.start()) if found else 1


def relative_to(folder: Path):
    """A project file's path ``value`` as a path from the working folder: joined onto the file's ``folder`` (as
    ``../sheets`` where that folder is above this one).  A source may be a pattern (``sheets/*.md``), which only
    its own part is: the folder's name is escaped, or a folder such as ``proj[1]/`` would make the pattern match
    nothing."""
    base = _from_here(folder)

    def rel(value: str, pattern: bool = False) -> str:
        p = Path(value)
        if p.is_absolute() or value == "-" or base == Path("."):
            return value
        if pattern and glob.escape(value) != value and not os.path.lexists(folder / p):  # as expand_paths takes it
            return str(Path(glob.escape(str(base))) / p)
        return str(base / p)
    return rel


def settings(sources: Iterable[str | Path] = (), curation: Iterable[str | Path] | None = None,
             base_iri: str | None = None, out: str | Path | None = None, building: bool = False) -> Settings:
    """Which corpus a command answers from (``building``: which one ``mlkg build`` builds): the options given,
    else a project file (``mlkg.toml`` or ``[tool.mlkg]`` in ``pyproject.toml``), else the corpus of the build in
    force, else the shipped one.  A build in force whose build.json is damaged remembers no corpus: said once."""
    _SAID.clear()  # a command starts here: what it meets is said again, once
    sources = [str(s) for s in sources]
    if "-" in sources and curation is not None and "-" in map(str, curation):
        raise InputError("--source - and --curation -: standard input can be only one of them; save the other to a "
                         "file and give its name")
    if sources:
        return Settings(sources, None if curation is None else [str(c) for c in curation], base_iri, "options")
    found = project_settings()
    if found is not None and found[1]["sources"]:
        path, table = found
        return Settings(table["sources"], table["curation"] if curation is None else [str(c) for c in curation],
                        base_iri or table["base_iri"], _shown_project_file(path))
    if found is not None:  # no sources: its curation and base IRI still apply, to the corpus chosen below
        curation = found[1]["curation"] if curation is None else curation
        base_iri = base_iri or found[1]["base_iri"]
    out = Path(out) if out is not None else default_build_dir()
    meta = build_meta(out)
    if meta is None and (why := build_damage(out)) is not None:
        what = "this build is of" if building else "this answers from"
        _say_damage(out, f"the build in {out}/ {why}, so its corpus is not known: {what} the shipped corpus"
                    + (" and replaces it (--source builds another)" if building else
                       f"; `{_rebuild_command(out)} --source PATH` replaces it"))
    if meta is not None and meta[1].get("arguments") and not _shipped_sources(meta[1]["arguments"]):
        # built from sources given on purpose: those again
        m = meta[1]
        if str(STDIN) in m["arguments"]:
            if curation is not None:  # a curation applies to sources, and these cannot be read again
                raise InputError(f"the build in {out}/ was made from standard input, which cannot be read again: "
                                 "give --source with --curation or --no-curation")
            return Settings([], None, base_iri or m.get("base_iri"),
                            f"the build in {out}/, made from standard input", build=meta[0])
        gone = [a for a in m["arguments"] if not is_pattern(a) and not os.path.lexists(a)]
        if gone and len(gone) == len(m["arguments"]):  # moved or removed, with the project folder as often as not
            where = ", ".join(map(shown_path, gone[:3])) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
            if building:
                raise InputError(f"the build in {out}/ was made from {where}, which is no longer there (moved or "
                                 "removed?): give the cheatsheets with --source PATH")
            return Settings([], None, base_iri or m.get("base_iri"),
                            f"the build in {out}/ as it is: its corpus, {where}, is no longer there", build=meta[0])
        # named from here as the user would (a bare rebuild wrote them into graph.json absolute, and every
        # command showed them so); the key is made of absolute paths either way
        remembered = m.get("curation")
        return Settings([shown_path(a) for a in m["arguments"]],
                        ([shown_path(c) if c != str(STDIN) else c for c in remembered]
                         if isinstance(remembered, list) else remembered) if curation is None
                        else [str(c) for c in curation], base_iri or m.get("base_iri"),
                        f"the corpus of the build in {out}/")
    if meta is not None and curation is None and isinstance(meta[1].get("curation"), list):
        # a build of the shipped corpus: with the curation it was made with, which may not be the shipped one
        made = meta[1]["curation"]
        return Settings([], made, base_iri or meta[1].get("base_iri"),
                        "" if _shipped_curation(made) else f"the curation of the build in {out}/")
    return Settings([], None if curation is None else [str(c) for c in curation], base_iri, "")


def describe(s: Settings) -> str | None:
    """One line saying which corpus a command answers from, where it is not the shipped one."""
    if s.origin in ("", "options"):
        return None
    if s.build is not None:
        return f"answering from {s.origin} (--source to choose another)"
    if not s.sources:
        cur = ", ".join(map(shown_path, s.curation or [])) or "no curation"
        return f"answering from the shipped corpus with {cur} ({s.origin}; --curation to choose another)"
    shown = ", ".join(map(shown_path, s.sources[:3])) + (f" and {len(s.sources) - 3} more"
                                                          if len(s.sources) > 3 else "")
    if s.curation is not None and s.origin.startswith("the corpus of the build") and not _shipped_curation(s.curation):
        shown += " with " + (", ".join(map(shown_path, s.curation)) or "no curation")  # said where not the shipped
    return f"answering from {shown} ({s.origin}; --source to choose another)"


def _shipped_sources(paths: Iterable[str | Path]) -> bool:
    """Whether a build's sources, as given, are the shipped corpus (``mlkg build --source data``): its commands
    answer as from the shipped corpus, without a line saying which."""
    from .read import default_sources

    paths = list(paths)
    return str(STDIN) not in paths and [os.path.realpath(p) for p in paths] == [
        os.path.realpath(p) for p in default_sources()]


def _shipped_curation(paths: Iterable[str | Path]) -> bool:
    """Whether a build's curation files are the ones a load reads when none is named."""
    from .read import default_curation

    return [absolute(p) for p in paths] == [absolute(p) for p in default_curation()]


def _code_digest() -> bytes:
    """mlkg's own code and vocabulary, so that a new version of the miner never reuses an old build."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(here.rglob("*.py")) + sorted(here.rglob("*.ttl")):
        h.update(p.relative_to(here).as_posix().encode() + b"\0" + p.read_bytes())
    return h.digest()


def absolute(path: str | Path) -> str:
    """A path as a build remembers it: absolute, so that a command run from another folder finds it too."""
    return str(path) if Path(path) == STDIN else os.path.abspath(path)


def shown_path(path: str) -> str:
    """A remembered path as a user would type it here: relative to the working folder where it is inside or
    near it (``../shared/cheatsheets``), else absolute."""
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return path if rel.startswith("../../..") else rel


def input_key(files: list[Path], curation: list[Path], digests: dict[Path, bytes] | None = None) -> str:
    """A digest of everything a graph depends on: mlkg's code, each source's and curation file's path and bytes.

    ``digests`` are the files' digests as a load read them (:attr:`Corpus.digests`): a build's key is made of
    the bytes it was made from, not of the files as they are a moment later, so a file that changes while a
    build reads it makes the build out of date until it holds those bytes again, and never vouches for bytes the
    build did not read.
    """
    h = hashlib.sha256(f"mlkg {__version__} build {FORMAT}\n".encode())
    h.update(_code_digest())
    for kind, group in (("source", files), ("curation", curation)):
        for p in group:
            h.update(f"{kind} {absolute(p)}\n".encode())
            digest = (digests or {}).get(Path(p)) or _file_digest(p)
            h.update(b"<missing>" if digest is None else digest)
    return h.hexdigest()


def _file_digest(path: Path) -> bytes | None:
    data = _read_regular(path)
    return None if data is None else hashlib.sha256(data).digest()


def _read_regular(path: Path, read: Callable[[BinaryIO], T] = operator.methodcaller("read")) -> T | None:
    """``read`` of a regular file opened for reading (by default its bytes); None for anything else (a FIFO would
    block, a folder cannot be read) and where it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return read(f)
    except OSError:
        return None
    finally:
        os.close(fd)


# --- writing a build -----------------------------------------------------------------------------

class _Progress:
    """One tqdm bar over a build's stages, on stderr, when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool, stages: int):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=stages, unit="stage", leave=False, file=sys.stderr,
                            bar_format="{desc:<18} {bar} {n_fmt}/{total_fmt} {elapsed}")

    def stage(self, name: str) -> None:
        if self.bar is not None:
            if self.bar.desc:
                self.bar.update(1)
            self.bar.set_description_str(name)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.close()


def build(sources: Iterable[str | Path] = (), curation: Iterable[str | Path] | None = None,
          out: str | Path | None = None, base_iri: str | None = None, with_map: bool = True,
          progress: bool = False) -> BuildResult:
    """Load, then write graph.json, graph.ttl and map.html into a new build and commit it in ``out``.

    Bad input raises before anything is written, and a failure while writing
    leaves the build in force as it was.
    """
    from .views import rdf
    from .views.map import write_page

    sources = list(sources)
    start = time.perf_counter()
    out = Path(out) if out is not None else default_build_dir()
    base = rdf.base_iri(base_iri)  # a bad --base-iri fails here, before any work
    _refuse_nested(out)
    _refuse_strangers(out)  # and something of the user's in the way; checked again under the lock
    with knowledge.collector_paused(), _Progress(progress, 4 + with_map) as bar:
        bar.stage("reading")
        files, cur = inputs(sources, curation)
        corpus = read(files, cur)
        key = input_key(files, cur, corpus.digests)
        bar.stage("mining")
        kg = knowledge.build(corpus)
        stats = kg.stats()
        with _locked(out):
            stage = _staging(out)
            try:
                bar.stage("writing graph.json")
                with open(stage / "graph.json", "wb") as f:
                    graph_sha256 = kg.write_node_link(f)
                # written as they are into the new, private build folder, which is committed whole by a rename;
                # rdf.write and write_map refuse a build's folder, which only this function writes
                bar.stage("writing graph.ttl")
                with open(stage / "graph.ttl", "wb") as f:
                    rdf.serialize(kg, "ttl", base, f)
                if with_map:
                    bar.stage("writing map.html")
                    with open(stage / "map.html", "wb") as f:
                        write_page(kg, f)
                meta = {"format": FORMAT, "mlkg": __version__, "key": key,
                        "sources": [absolute(p) for p in files], "curation": [absolute(p) for p in cur],
                        "base_iri": base, "arguments": [absolute(p) for p in sources] or None,
                        "cwd": os.getcwd(),  # what the relative paths in graph.json are relative to
                        "graph_sha256": graph_sha256, "stats": stats,
                        "outputs": [name for name in OUTPUTS if (stage / name).exists()]}
                (stage / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
                _commit(out, stage)
            except OSError as exc:  # a full disk, say: the message names no file, so this says where
                shutil.rmtree(stage, ignore_errors=True)
                raise MlkgError(f"{out}: cannot write the build: {exc.strerror or exc}; the build in force, if "
                                "any, is as it was") from None
            except BaseException:
                shutil.rmtree(stage, ignore_errors=True)
                raise
        down, up = kg.requires_index
    needing = max(down, key=lambda c: len(down[c]))
    changed = [p for p in (*files, *cur) if p != STDIN and _file_digest(p) != corpus.digests.get(Path(p))]
    result = BuildResult(out, stats=stats, seconds=time.perf_counter() - start,
                         examples=(max(up, key=lambda c: len(up[c])), needing if down[needing] else ""),
                         changed=changed, notes=kg.duplicate_titles())
    for name in OUTPUTS:
        if name != "map.html" or with_map:
            result.files[name if name.startswith("graph.") else "map"] = out / name
    return result


@contextlib.contextmanager
def _locked(out: Path):
    """One build at a time commits into ``out`` (others wait): the commit and the clean-up never interleave."""
    try:
        (out / "builds").mkdir(parents=True, exist_ok=True)
        fd = os.open(out / "builds" / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(f"{out}: cannot write here: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _staging(out: Path) -> Path:
    """A new, marked build folder under ``out/builds``, once nothing in the way is the user's."""
    _refuse_strangers(out)
    while True:
        stage = out / "builds" / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            stage.mkdir(mode=0o700)  # private until it is committed
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(f"{out}: cannot write here: {exc.strerror or exc}") from None
        try:
            (stage / MARK).write_text("A build folder of mlkg's: mlkg build removes it once a newer build is "
                                      "in force.\n", encoding="utf-8")
        except OSError as exc:
            shutil.rmtree(stage, ignore_errors=True)
            raise InputError(f"{out}: cannot write here: {exc.strerror or exc}") from None
        return stage


def _refuse_nested(out: Path) -> None:
    """An error where ``out`` lies in another build folder's ``builds`` or ``current`` (a build of its own
    there went with the build holding it once newer builds were made), as written or once links are followed."""
    for path in dict.fromkeys((os.path.abspath(out), os.path.realpath(out))):
        for folder in (Path(path), *Path(path).parents):
            above = folder.parent
            if folder.name in ("builds", "current") and (has_build(above) or (above / "builds" / ".lock").is_file()):
                raise InputError(f"--out {out}: that is inside a build folder, whose old builds mlkg removes; "
                                 f"build into that folder, --out {os.path.relpath(above)}, or one of its own")


def _refuse_strangers(out: Path) -> None:
    """An error, one line per thing, for whatever stands where mlkg writes in ``out`` and is not mlkg's: a build
    replaces ``current`` and the output links and removes old builds, and none of them may be the user's."""
    move = "move it away (or build into another --out)"
    problems = []
    current = out / "current"
    if os.path.lexists(current) and not _our_link(current):
        problems.append(f"{current}: {_what(current)} stands where mlkg keeps the link to the build in force; {move}")
    for name in OUTPUTS:
        link = out / name
        if os.path.lexists(link) and not _our_link(link):
            problems.append(f"{link}: {_what(link)} stands where mlkg keeps the link to the build's {name}; {move}")
    try:
        entries = sorted((out / "builds").iterdir())
    except OSError:
        entries = []
    problems += [f"{p}: not a build of mlkg's, in the folder where it keeps its builds (and removes old ones); {move}"
                 for p in entries if not _made_by_mlkg(p)]
    if problems:
        raise InputError(problems=[Problem(None, m) for m in problems])


def _our_link(path: Path) -> bool:
    """Whether ``path`` is a link a build made: ``current`` to one of its build folders, an output into ``current``."""
    try:
        target = os.readlink(path)
    except OSError:
        return False
    if path.name == "current":
        folder, _, name = target.partition("/")
        return folder == "builds" and BUILD_NAME.fullmatch(name) is not None
    return target == f"current/{path.name}"


def _what(path: Path) -> str:
    if path.is_symlink():
        return "a link of another's"
    return "a folder" if path.is_dir() else "a file"


def _made_by_mlkg(path: Path) -> bool:
    """Whether an entry of ``builds/`` is mlkg's: its lock file, or a folder named as mlkg names its builds and
    holding the mark each gets when it is made (or ``build.json``, which builds made before the mark have); an
    empty one too, a build killed as it was made (removing it loses nothing)."""
    if path.name == ".lock":
        return path.is_file() and not path.is_symlink()
    if BUILD_NAME.fullmatch(path.name) is None or path.is_symlink() or not path.is_dir():
        return False
    try:
        return (path / MARK).is_file() or (path / META).is_file() or not any(path.iterdir())
    except OSError:
        return False


def _replace_link(link: Path, target: str) -> None:
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except OSError:
        tmp.unlink()  # no stray link left behind
        raise


def _commit(out: Path, stage: Path) -> None:
    """Make ``stage`` the build in force with one rename, then remove builds nobody can be reading."""
    final = stage.with_name(stage.name.removeprefix(".tmp-"))
    stage.chmod(0o755)  # made private (0700) while it was written; a build is as readable as any other output
    os.rename(stage, final)
    previous = _current(out)
    try:
        for name in OUTPUTS:
            link = out / name
            if not (final / name).exists():
                if link.is_symlink():
                    link.unlink()  # a build without the map leaves no link to nothing
            elif not link.is_symlink() or os.readlink(link) != f"current/{name}":
                _replace_link(link, f"current/{name}")
        _replace_link(out / "current", f"builds/{final.name}")
    except OSError as exc:  # out/ itself is read-only: the build in force stays, and this one goes
        shutil.rmtree(final, ignore_errors=True)
        raise InputError(f"{out}: cannot write here: {exc.strerror or exc}") from None
    for name in ("current", *OUTPUTS):  # a link a killed build made and did not get to rename (we hold the lock)
        for stray in out.glob(f".{glob.escape(name)}.*.tmp"):
            if _STRAY_LINK.fullmatch(stray.name[len(name) + 1:]) and stray.is_symlink():
                with contextlib.suppress(OSError):
                    stray.unlink()
    keep = {final.name, previous.name if previous is not None else "", ".lock"}
    for old in (out / "builds").iterdir():
        # a staging folder but ours is a killed build's: builds are staged under the lock we hold (one kept while
        # any process had its pid outlived every build)
        if old.name not in keep and _made_by_mlkg(old):
            _remove_build(old)


def _remove_build(folder: Path) -> None:
    """Remove a build folder, its mark and build.json last: a build killed as it removed one left a folder that
    was mlkg's by neither, and every later build refused it as the user's."""
    with contextlib.suppress(OSError):
        last = (MARK, META)
        for entry in folder.iterdir():
            if entry.name not in last:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        if any(entry.name not in last or entry.is_dir() for entry in folder.iterdir()):
            return  # something would not go (rmtree says nothing): the mark stays, and the next build tries again
        for name in reversed(last):
            (folder / name).unlink(missing_ok=True)
        folder.rmdir()


_STRAY_LINK = re.compile(r"\.\d+\.tmp")  # what _replace_link adds to a link's name while it makes it


def _current(out: Path) -> Path | None:
    link = out / "current"
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = out / target
    return path if path.is_dir() else None


# --- answering from a build --------------------------------------------------------------------

def build_meta(out: str | Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """(folder, build.json) of the build in force in ``out``, or None where there is none it can answer from
    (:func:`build_damage` says why, where there is a build)."""
    out = Path(out) if out is not None else default_build_dir()
    folder = _current(out)
    meta = _meta_at(folder)[0] if folder is not None else None
    return (folder, meta) if meta is not None else None


def build_damage(out: str | Path | None = None) -> str | None:
    """What is wrong with the build.json of the build in force in ``out`` (``is damaged (…)``, or ``was made by
    another version of mlkg``), or None where it is whole or there is no build."""
    out = Path(out) if out is not None else default_build_dir()
    return _meta_at(_current(out))[1] if has_build(out) else None


def has_build(out: str | Path) -> bool:
    """Whether ``out`` holds a build in force at all, whole or not: its ``current`` a link mlkg made, to a folder."""
    return _our_link(Path(out) / "current") and _current(Path(out)) is not None


def _rebuild_command(out: Path) -> str:
    """``mlkg build``, with ``--out`` where ``out`` is not the folder it builds into by default."""
    default = out.absolute() == default_build_dir().absolute()
    return "mlkg build" + ("" if default else f" --out {shlex.quote(str(out))}")


_SAID: set[str] = set()  # the build folders whose damage has been said, since the command began (see settings)


def _say_damage(out: Path, message: str) -> None:
    """``message`` about the damaged build in ``out``, once: a command's settings and open_graph both meet it."""
    folder = _current(out)
    key = str(folder.resolve() if folder is not None else out.absolute())
    if key not in _SAID:
        _SAID.add(key)
        note(message)


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")

# What each field of build.json must be: a build writes every one of them, and each reader takes them as they are.
_FIELDS: dict[str, tuple[str, Any]] = {
    "format": ("a number", lambda v: type(v) is int),
    "mlkg": ("a version", lambda v: isinstance(v, str)),
    "key": ("a digest", lambda v: isinstance(v, str)),
    "graph_sha256": ("a digest", lambda v: isinstance(v, str)),
    "sources": ("a list of paths", lambda v: _paths(v)),
    "curation": ("a list of paths", lambda v: _paths(v)),
    "arguments": ("a list of paths or null", lambda v: v is None or _paths(v)),
    "base_iri": ("an absolute IRI", lambda v: isinstance(v, str) and _IRI.fullmatch(v) is not None),
    "cwd": ("a path", lambda v: isinstance(v, str) and "\0" not in v),
    "stats": ("an object", lambda v: isinstance(v, dict)),
    "outputs": ("a list of file names", lambda v: isinstance(v, list) and all(o in OUTPUTS for o in v)),
}


def _paths(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v and "\0" not in v for v in value)


def _meta_at(folder: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(the build.json of one build folder, None) where it is whole; else (None, what is wrong with it).

    The one place build.json is checked: every field of the shape a build writes, so that no command (nor the
    build that replaces it) meets a value of the wrong type."""
    raw = _read_regular(folder / META)
    if raw is None:
        return None, f"is damaged (its {META} is missing)"
    try:
        meta = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: valid JSON nested deeper than Python's stack
        return None, f"is damaged (its {META} is not JSON)"
    if not isinstance(meta, dict):
        return None, f"is damaged (its {META} is not an object)"
    if meta.get("format") != FORMAT:
        if type(meta.get("format")) is int:
            return None, f"was made by another version of mlkg (its {META} is of format {meta['format']}, not {FORMAT})"
        return None, f"is damaged (format in its {META} is not a number)"
    for name, (what, fits) in _FIELDS.items():
        if name not in meta:
            return None, f"is damaged (its {META} has no {name})"
        if not fits(meta[name]):
            return None, f"is damaged ({name} in its {META} is not {what})"
    return meta, None


def note(message: str) -> None:
    print(f"mlkg: {message}", file=sys.stderr)


def open_graph(sources: Iterable[str | Path] = (), curation: Iterable[str | Path] | None = None,
               out: str | Path | None = None) -> KnowledgeGraph:
    """The graph for these sources: from the build in ``out`` when it was made from them and is intact,
    else loaded from the sources now (saying why, when a build was there but could not be used)."""
    out = Path(out) if out is not None else default_build_dir()
    sources = list(sources)
    files, cur = inputs(sources, curation)
    if files == [Path("-")]:
        return knowledge.load(*files, curation=cur)  # standard input is read once, and never a build's
    found = build_meta(out)
    if found is None and (why := build_damage(out)) is not None:
        _say_damage(out, f"the build in {out}/ {why}; reading the sources instead. Run `{_rebuild_command(out)}` "
                    "to replace it.")
    if found is not None:
        folder, meta = found
        # the same corpus: the same files, or the same folders given (where a file has been added since)
        same = (meta.get("sources") == [absolute(p) for p in files]
                or (bool(sources) and meta.get("arguments") == [absolute(p) for p in sources])) \
            and meta.get("curation") == [absolute(p) for p in cur]
        if meta.get("key") == input_key(files, cur):
            kg = _from_build(folder, meta)
            if kg is not None:
                return kg
            note(f"the build in {out}/ is damaged; reading the sources instead. Run `{_rebuild_command(out)}` to "
                 "replace it.")
        elif same:
            note(f"the build in {out}/ is out of date (its sources, curation or mlkg changed); "
                 f"reading the sources instead. Run `{_rebuild_command(out)}` to refresh it.")
    return knowledge.load(*files, curation=cur)


def built_graph(folder: Path) -> KnowledgeGraph:
    """The graph of a build as it is, for a build whose sources cannot be read again (standard input)."""
    meta, _ = _meta_at(folder)
    kg = _from_build(folder, meta) if meta is not None else None
    if kg is None:
        raise InputError(f"the build in {folder.parent.parent}/ was made from standard input and is damaged; "
                         "build it again")
    return kg


def _from_build(folder: Path, meta: dict[str, Any]) -> KnowledgeGraph | None:
    places = _Places(meta["cwd"]) if isinstance(meta.get("cwd"), str) else None
    with knowledge.collector_paused():
        try:
            streamed = _read_regular(folder / "graph.json", lambda f: KnowledgeGraph.from_node_link_lines(
                f, places, places and places.about))
        except InputError:  # read, and not fit to answer from (a cycle of requires edges)
            return None
        if streamed is not None:
            kg, digest = streamed
            return kg if digest == meta.get("graph_sha256") else None
        # laid out otherwise (an older build's, one edited by hand): read whole
        data = _read_regular(folder / "graph.json")
        if data is None or hashlib.sha256(data).hexdigest() != meta.get("graph_sha256"):
            return None
        try:
            graph = orjson.loads(data)
            if places is not None:
                places.node_link(graph)
            return KnowledgeGraph.from_node_link(graph, consume=True)
        except (InputError, ValueError, KeyError, TypeError, AttributeError):
            return None


class _Places:
    """The paths of a build made in another working folder (``then``), made right from this one: a source is
    named there as it was given, often relative (``Source: x.md:41`` named no file from another folder).  Each
    becomes what :func:`shown_path` makes of it: relative where it is near, else absolute; one string for each."""

    def __init__(self, then: str):
        self.then = then
        self.same = os.path.realpath(then) == os.path.realpath(os.getcwd())
        self.moved: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        if path not in self.moved:
            self.moved[path] = path if self.same or path == str(STDIN) or os.path.isabs(path) else \
                shown_path(os.path.normpath(os.path.join(self.then, path)))
        return self.moved[path]

    def node_link(self, graph: dict[str, Any]) -> None:
        """Every path of node-link ``graph`` (graph.json parsed whole), in place."""
        for node in graph["nodes"]:
            if "file" in node:
                node["file"] = self(node["file"])
        for edge in graph["edges"]:
            for ev in edge.get("evidence") or ():
                ev["file"] = self(ev["file"])
        self.about(graph.get("graph") or {})

    def about(self, about: dict[str, Any]) -> None:
        """The paths of a graph's own attributes, once its nodes' and edges' have been made right."""
        if self.same:
            return
        here = self
        for key in ("sources", "curation"):
            if isinstance(about.get(key), list):
                about[key] = [here(p) if isinstance(p, str) else p for p in about[key]]
        mining = about.get("mining") or {}
        for dropped in mining.get("homonyms", ()):
            dropped["file"] = here(dropped["file"])
        # Curation notes name places as path:line: the item's own, which opens the note, and for a repeat the
        # earlier item's (`x.toml:3: remove repeats y.toml:1`).  Each such path, as the build was given it, is a
        # file the graph names or a curation file that opens a note (every item of a file gets one).
        notes = mining.get("curation", ())
        known = set(self.moved) | {m[1] for note in notes if (m := re.match(r"(.+?):\d+: ", note))}
        if known:
            place = re.compile(r"(?<!\S)(" + "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
                               + r")(?=:\d+(?::|\s|\Z))")
            mining["curation"] = [place.sub(lambda m: here(m[1]), note) for note in notes]


# --- live rebuild ------------------------------------------------------------------------------

def watch(sources: Iterable[str | Path], curation: Iterable[str | Path] | None, on_graph, on_error,
          stop=None) -> None:
    """Rebuild whenever a source or curation file changes, until ``stop`` (a threading.Event) is set.

    Each good rebuild goes to ``on_graph(kg)``; a broken edit goes to ``on_error(lines)``, its ``file:line``
    problems, while whoever serves the last good graph goes on serving it.  Folders given as sources are
    watched whole, so a new cheatsheet is picked up too.

    A watch ends with the folder it watches, and a folder made again under the same name (``git checkout``,
    a restore) is another folder, often with the same inode number: so the folders are watched anew, and
    the sources rebuilt, whenever one of them is removed, replaced or made again.  A missing folder is looked
    for every second until it is back.
    """
    from watchfiles import watch as changes

    sources = [Path(p) for p in sources] or [Path(p) for p in default_sources()]
    cur = [Path(p) for p in (default_curation() if curation is None else curation)]
    patterns = [p for p in sources if is_pattern(p)]  # "notes/*.md": its folder is watched, and what matches it
    given = [p for p in (*sources, *cur) if str(p) != "-" and p not in patterns]
    watched = sorted({str(p if p.is_dir() else p.parent) for p in given} | {str(pattern_base(p)) for p in patterns})
    roots = {os.path.abspath(w) for w in watched}
    files = {p.resolve() for p in given if not p.is_dir()}
    folders = [p.resolve() for p in given if p.is_dir()]
    # fnmatch's "*" crosses folders, as glob's "**/" does, which also matches no folder at all
    absolute = [str(p) if p.is_absolute() else os.path.join(glob.escape(os.getcwd()), p) for p in patterns]
    matching = [m for a in absolute for m in {a, a.replace("**/", "")}]

    def relevant(_, name: str) -> bool:
        path = Path(name).resolve()
        return os.path.abspath(name) in roots or path in files or (path.suffix == ".md" and path.parent in folders) \
            or any(fnmatch.fnmatch(name, m) for m in matching)

    owed = False  # a rebuild, once the folders are watched again
    while stop is None or not stop.is_set():
        armed = {w: _folder_identity(w) for w in watched}
        present = [w for w, identity in armed.items() if identity is not None]
        try:
            events = changes(*present, watch_filter=relevant, stop_event=stop, debounce=300, step=100,
                             rust_timeout=1000, yield_on_timeout=True) if present else _seconds(stop)
            for found in events:
                if any(os.path.abspath(name) in roots for _, name in found) \
                        or any(_folder_identity(w) != armed[w] for w in watched):
                    owed = True
                    break
                if found or owed:
                    owed = False
                    _rebuild(sources, cur, on_graph, on_error)
        except FileNotFoundError:  # a folder went between the look and the watch: look again
            owed = True
        except (OSError, RuntimeError) as exc:  # the watcher gave out (too many watches): say it, not die mute
            on_error([f"mlkg stopped watching for edits ({exc}); the last good graph is still served. Restart to "
                      "watch again."])
            return


def _folder_identity(folder: str) -> tuple[int, int] | None:
    """The folder at ``folder`` now (device and inode), or None where there is none."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _seconds(stop) -> Iterator[set]:
    """An empty set of changes each second until ``stop`` is set: the watch's pace while no folder is there."""
    while True:
        if stop is None:
            time.sleep(1)
        elif stop.wait(1):
            return
        yield set()


def _rebuild(sources: list[Path], cur: list[Path], on_graph, on_error) -> None:
    """One rebuild for :func:`watch`: its graph to ``on_graph``, or what went wrong to ``on_error``."""
    try:
        on_graph(knowledge.load(*sources, curation=cur))
    except InputError as exc:
        on_error(exc.lines())
    except Exception as exc:  # a bug of mlkg's must not end the watching: the next edit may build again
        where = traceback.extract_tb(exc.__traceback__)[-1]
        on_error([f"mlkg failed to rebuild ({type(exc).__name__}: {exc} at {Path(where.filename).name}:"
                  f"{where.lineno}); the last good graph is still served. Please report this."])
