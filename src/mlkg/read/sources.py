"""Which files a load reads: the paths given, or the shipped corpus and curation file.

In a clone (or an editable install) the shipped files are the repository's
``data/`` folder; in a wheel they are packaged as ``mlkg/_data``.
``MLKG_DATA`` overrides the folder.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from ..errors import CheatsheetError, Location, Problem

_PACKAGE = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    env = os.environ.get("MLKG_DATA")
    if env:
        return Path(env)
    repo = _PACKAGE.parents[1] / "data"
    return repo if repo.is_dir() else _PACKAGE / "_data"


def relative(path: Path) -> Path:
    """``path`` relative to the working directory when it lies inside it: messages and exports stay short
    and carry no local directory names."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def default_sources() -> list[Path]:
    return [relative(data_dir())]


def default_curation() -> list[Path]:
    path = relative(data_dir()) / "curation.toml"
    return [path] if path.is_file() else []


STDIN = Path("-")
"""``-`` for a path means standard input."""

_stdin: bytes | None = None


# C0 and C1 controls and DEL, which a terminal obeys and XML forbids or discourages; the non-characters; the
# surrogates Python decodes a name that is not UTF-8 into, which no UTF-8 output can carry; and the bidirectional
# controls, which show the rest of a `file:line` in another order (see markdown.REORDERING)
_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def shown_name(path: str | Path) -> str:
    """A path as a message can print it: what :func:`name_problem` refuses written as an escape."""
    return _UNSAFE_NAME.sub(lambda m: f"\\x{ord(m.group()) & 0xFF:02x}" if 0xDC80 <= ord(m.group()) <= 0xDCFF
                            else f"\\u{ord(m.group()):04x}", str(path))


def name_problem(path: str | Path, what: str = "file") -> Problem | None:
    """A path whose name a graph cannot carry: it is written into every export (``mlkg:file``, evidence) and
    every ``file:line``, where a control character would make XML ill-formed and a terminal obey it.  Refused at
    read time like a control character in the text."""
    bad = _UNSAFE_NAME.search(str(path))
    if bad is None:
        return None
    char = ord(bad.group())
    why = ("is not UTF-8" if 0xD800 <= char <= 0xDFFF else
           f"holds bidirectional control character U+{char:04X}, which shows what follows it in another order"
           if 0x202A <= char <= 0x2069 else
           f"holds control character U+{char:04X}, which no export can carry and a terminal would obey")
    return Problem(Location(shown_name(path), 1), f"the {what} name {why}: rename the {what}")


def read_input(path: Path) -> bytes:
    """The bytes of a file, or of standard input for ``-`` (read once, however often it is asked for)."""
    global _stdin
    if path == STDIN:
        if _stdin is None:
            _stdin = sys.stdin.buffer.read()
        return _stdin
    return path.read_bytes()


def _globbed(paths: Iterable[str | Path], problems: list[Problem]) -> list[Path]:
    """The paths with each pattern (``data/*.md``, ``notes/**/*.md``) that names no path itself replaced by what
    it matches, in name order: a pattern from Python or quoted on a command line reaches no shell to expand it."""
    out: list[Path] = []
    for p in map(Path, paths):
        if not is_pattern(p):
            out.append(p)
            continue
        found = sorted(glob.glob(str(p), recursive=True))
        if not found:
            problems.append(Problem(Location(shown_name(p), 1), "no file or folder matches this pattern"))
        out += map(Path, found)
    return out


_MAGIC = re.compile(r"[*?[]")


def is_pattern(p: str | Path) -> bool:
    """Whether ``p`` is a glob pattern to expand: it has a wildcard and names no path itself."""
    p = Path(p)
    try:
        return p != STDIN and bool(_MAGIC.search(str(p))) and not os.path.lexists(p)
    except ValueError:  # a NUL in the name: said where it is read
        return False


def pattern_base(p: str | Path) -> Path:
    """The folder a pattern searches: its parts before the first wildcard ("notes" of "notes/**/*.md")."""
    parts = Path(p).parts
    fixed = next((i for i, part in enumerate(parts) if _MAGIC.search(part)), len(parts))
    return Path(*parts[:fixed]) if fixed else Path(".")


def _not_there(p: Path, exc: Exception) -> str:
    """Why ``p`` cannot be looked at: missing, a link to nothing (a checkout that has moved), a link loop."""
    if isinstance(exc, OSError) and exc.errno == errno.ELOOP:
        return "a loop of symbolic links; correct or remove the link"
    if isinstance(exc, OSError) and exc.errno not in (errno.ENOENT, errno.ENOTDIR):
        return f"cannot read: {exc.strerror or exc}"
    try:
        target = os.readlink(p)
    except (OSError, ValueError):  # not a link (ValueError: a NUL in the name)
        return "no such file or folder"
    return f"no such file or folder: a symbolic link to {shown_name(target)!r}, which does not exist; correct or " \
           "remove the link"


def _examined(p: Path, problems: list[Problem]) -> int | None:
    """The mode of what ``p`` names (links followed), or None with the reason added to ``problems``."""
    try:
        return p.stat().st_mode
    except (OSError, ValueError) as exc:
        problems.append(Problem(Location(shown_name(p), 1), _not_there(p, exc)))
        return None


def empty_path_problem(paths: Iterable[str | Path], what: str = "a cheatsheet file or folder") -> Problem | None:
    """An empty path, which ``Path`` would take for the working folder: an unset shell variable
    (``--source "$SHEETS"``) would read whatever happens to lie there."""
    if any(isinstance(p, str) and not p for p in paths):
        return Problem(None, f"'': empty path; give {what}")
    return None


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders as their ``*.md`` files in name order, patterns as what they match, ``-`` standard
    input, each file once (a file given twice, or also inside a folder given, and ``-`` given twice, are read
    once); missing paths are errors.  Only regular files are read: a FIFO or a device would block the command or
    never end, and one inside a folder given is as much an error as given by name, as is a link to nothing.
    """
    paths = list(paths)
    empty = empty_path_problem(paths)
    if empty is not None:
        raise CheatsheetError(problems=[empty])
    out: list[Path] = []
    problems: list[Problem] = []
    for p in _globbed(paths, problems):
        if p == STDIN:
            out.append(p)
            continue
        mode = _examined(p, problems)
        if mode is None:
            continue
        bad = name_problem(p, "folder" if stat.S_ISDIR(mode) else "file")
        if bad is not None:
            problems.append(bad)
            continue
        if stat.S_ISDIR(mode):
            found, before = [], len(problems)
            for q in sorted(p.glob("*.md")):
                if q.name.startswith("."):  # hidden, as a shell's *.md leaves it: an editor's lock (.#x.md), a backup
                    continue
                bad = name_problem(q)
                if bad is not None:
                    problems.append(bad)
                    continue
                inner = _examined(q, problems)
                if inner is None or stat.S_ISDIR(inner):  # a folder named x.md: folders given are not searched
                    continue
                if stat.S_ISREG(inner):
                    found.append(q)
                else:
                    problems.append(_irregular(q))
            if not found and len(problems) == before:
                problems.append(Problem(Location(str(p), 1), "folder holds no .md cheatsheet files"))
            out.extend(found)
        elif stat.S_ISREG(mode):
            out.append(p)
        else:
            problems.append(_irregular(p))
    if problems:
        raise CheatsheetError(problems=problems)
    return each_once(out)


def each_once(paths: Iterable[str | Path]) -> list:
    """The paths in order, each file once by where it resolves (stdin, ``-``, once too): a file given twice, or
    by two names, is read once.  A path that cannot be resolved (a NUL in its name, a loop of links) stands for
    itself, and is said to be wrong where it is read."""
    once, seen = [], set()
    for path in paths:
        try:
            key = Path(path) if Path(path) == STDIN else Path(path).resolve()
        except (OSError, ValueError, RuntimeError):
            key = Path(path)
        if key not in seen:
            seen.add(key)
            once.append(path)
    return once


def _irregular(p: Path) -> Problem:
    return Problem(Location(shown_name(p), 1), "not a regular file; give a cheatsheet file or folder")
