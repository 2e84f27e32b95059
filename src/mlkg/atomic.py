"""Writing files so that a failure never leaves a half-written or lost output: write a temporary file, then rename.

Where an output goes is decided once, by :func:`target`: links followed as the kernel would follow them for
``open()``, nothing written into a build, and whether the path is replaced by a rename or written to directly (a
FIFO, a terminal).  :func:`output` and :func:`atomic_path` write what it decided.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, ReaderGone

BUILD_MARK = ".mlkg-build"  # in every build folder from the moment it is made (see mlkg.project): only mlkg build
# writes into such a folder, and its build.json vouches for what is in it


@dataclass(frozen=True)
class Target:
    """Where an output named ``given`` goes, as :func:`target` decided it."""

    given: Path  # the path as the user gave it: what messages name
    path: Path  # what is written: the file at the end of its links (for a stream, the path as given)
    streamed: bool  # written to directly, as the bytes are made (a FIFO, a terminal, /dev/stdout), never replaced


def target(path: str | Path) -> Target:
    """Decide where an output to ``path`` goes, as a user who names that path means it; an
    :class:`~mlkg.errors.InputError` (one line) where nothing can or may be written.

    A regular file (or a new one) is written beside the file its links lead to and renamed over it, keeping the
    links.  A FIFO, a character device (a terminal, ``/dev/null``) or an open file of this process
    (``/dev/stdout``) is written to directly: a rename would put a file in its place, unread (and, for root, a
    file where ``/dev/full`` or ``/dev/stdout`` was).  A socket, a block device or a folder is no place to write
    an output.  Refused too: a link the kernel's ``protected_symlinks`` rule would not follow (see
    :func:`resolve`), and a file of a build (a folder holding :data:`BUILD_MARK`), such as ``out/graph.ttl``.
    """
    given = Path(path)
    if _names_a_descriptor(given):
        return Target(given, given, streamed=True)  # as the shell set it up; never replaced
    resolved = resolve(given)
    try:
        mode = os.stat(resolved).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a new file: its folder is checked below
    except OSError as exc:
        raise InputError(f"{given}: cannot write here: {exc.strerror or exc}") from None
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return Target(given, resolved, streamed=True)
    if mode is not None and not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "a socket" if stat.S_ISSOCK(mode) else \
            "a block device" if stat.S_ISBLK(mode) else "no regular file"
        raise InputError(f"{given}: {what}; give a file (or a FIFO or terminal) to write to")
    _check_folder(given, resolved)
    return Target(given, resolved, streamed=False)


@contextlib.contextmanager
def output(where: str | Path | Target) -> Iterator[BinaryIO]:
    """A binary file to write an output through, to ``where``: a path, decided here by :func:`target`, or a
    target already decided.  A file is written beside its place and renamed over it at the end
    (:func:`atomic_path`); a stream is written to as the bytes are made."""
    where = where if isinstance(where, Target) else target(where)
    if not where.streamed:
        with _replacing(where.given, where.path) as tmp, open(tmp, "wb") as f:
            yield f
        return
    try:
        # appended: /dev/stdout may be a file the shell opened, with lines before ours (`{ echo; mlkg …; } > x`)
        with open(where.path, "ab") as f:
            yield f
    except BrokenPipeError:
        raise ReaderGone(where.given) from None  # as with standard output: not an error of ours to report
    except OSError as exc:
        raise InputError(f"{where.given}: cannot write here: {exc.strerror or exc}") from None


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside the file ``path`` names; on success it replaces that file in one rename.

    Links are followed (:func:`resolve`): a file the user keeps elsewhere (a shared curation file) is written
    where it is, and the link stays.  The new file keeps the permissions of the one it replaces (0644 when new).
    A missing folder is an :class:`~mlkg.errors.InputError` naming it, not made: a mistyped path would otherwise
    leave a tree of folders behind.  So is a folder that cannot be written, and a build's folder.
    """
    given = Path(path)
    resolved = resolve(given)
    _check_folder(given, resolved)
    with _replacing(given, resolved) as tmp:
        yield tmp


@contextlib.contextmanager
def _replacing(given: Path, path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` (links resolved, folder checked), renamed over it on success."""
    try:
        st = os.lstat(path)
        mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o644
    except OSError:
        mode = 0o644
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{given}: cannot write here: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise InputError(f"{given}: cannot write here: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _check_folder(given: Path, path: Path) -> None:
    """Refuse to write the file ``path`` (``given``, links resolved) where its folder is missing, no folder, or a
    build's.  The folder is named as the user gave it, unless it is where a link of theirs leads."""
    folder = path.parent
    if not folder.is_dir():
        what = "not a folder" if os.path.lexists(folder) else "no such folder"
        shown = f"{folder} (where the link {given} leads)" if os.path.islink(given) else str(given.parent)
        raise InputError(f"{shown}: {what}; make it first, or write elsewhere")
    if os.path.lexists(folder / BUILD_MARK):
        out = folder.parent.parent if folder.parent.name == "builds" else folder
        raise InputError(f"{given}: a file of the build in {out}/, which only mlkg build writes; give another file")


_LINKS_FOLLOWED = 40  # the kernel's own limit


def resolve(path: str | Path) -> Path:
    """``os.path.realpath(path)``, but following each link, of every component, only as the kernel follows one
    for ``open()`` under its ``fs.protected_symlinks`` rule, whether or not this system turns it on.

    realpath reads links itself, so writing to what it returns would bypass that rule: another user's link
    ``/tmp/graph.ttl -> ~/.bashrc`` would have ``-o /tmp/graph.ttl`` replace the victim's file.  A link in a
    sticky folder anyone may write in (``/tmp``) is followed only when it is this user's, or the folder owner's;
    any other is an :class:`~mlkg.errors.InputError`.  Components that do not exist are taken as written.
    """
    given = os.fspath(path)
    pending = list(reversed(os.path.join(os.getcwd(), given).split("/")))
    resolved, followed = "/", 0
    while pending:
        name = pending.pop()
        if name in ("", "."):
            continue
        if name == "..":
            resolved = os.path.dirname(resolved)
            continue
        here = os.path.join(resolved, name)
        try:
            st = os.lstat(here)
        except (OSError, ValueError):  # missing (or under no folder), or a NUL in the name
            resolved = here
            continue
        if not stat.S_ISLNK(st.st_mode):
            resolved = here
            continue
        followed += 1
        if followed > _LINKS_FOLLOWED:
            raise InputError(f"{given}: too many levels of links")
        _may_follow(given, here, st)
        try:
            to = os.readlink(here)
        except OSError as exc:
            raise InputError(f"{given}: cannot follow the link {here}: {exc.strerror or exc}") from None
        if to.startswith("/"):
            resolved = "/"
        pending.extend(reversed(to.split("/")))
    return Path(resolved)


def _may_follow(given: str, link: str, st: os.stat_result) -> None:
    """The kernel's rule (``may_follow_link``): a link is followed when it is the follower's, when its folder is
    not both sticky and writable by anyone, or when the link and its folder have one owner."""
    if st.st_uid == os.geteuid():
        return
    folder = os.path.dirname(link)
    try:
        fst = os.stat(folder)
    except OSError:
        return  # it was just found in it: gone since, and nothing to follow
    sticky_and_open = stat.S_ISVTX | stat.S_IWOTH
    if fst.st_mode & sticky_and_open != sticky_and_open or fst.st_uid == st.st_uid:
        return
    way = "" if link == os.path.abspath(given) else f"leads through {link}, "
    raise InputError(f"{given}: {way}another user's link in {folder}, a sticky folder anyone may write in: not "
                     "followed, as the kernel's protected_symlinks rule says; remove it, or write elsewhere")


_DESCRIPTOR = re.compile(r"/proc/(self|thread-self|\d+)/fd/\d+|/dev/(fd/\d+|stdout|stderr)")


def _names_a_descriptor(path: Path) -> bool:
    """Whether ``path`` is, or links through, an open file of this process (``/dev/stdout``, ``/dev/fd/3``): written
    to directly whatever it is, as the shell set it up, never replaced (where it is a file, the shell holds it open)."""
    seen = 0
    current = os.path.abspath(path)
    while seen < _LINKS_FOLLOWED:
        if _DESCRIPTOR.fullmatch(current):
            return True
        try:
            target = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
        seen += 1
    return False
