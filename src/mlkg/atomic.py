"""Writing files so that a failure never leaves a half-written or lost output: write a temporary file, then rename."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InputError


@contextlib.contextmanager
def atomic_path(path: str | Path, follow_symlinks: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    The new file keeps the permissions of the one it replaces (0644 when new).
    ``follow_symlinks`` writes through a link to the file it names, for a file
    the user keeps elsewhere (a shared curation file); otherwise the link
    itself is replaced.  A missing folder is an :class:`~mlkg.errors.InputError`
    naming it, not made: a mistyped path would otherwise leave a tree of
    folders behind.  So is a folder that cannot be written, not a traceback.
    """
    path = Path(os.path.realpath(path)) if follow_symlinks else Path(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.is_file() and not path.is_symlink() else 0o644
    except OSError:
        mode = 0o644
    folder = path.parent
    if not folder.is_dir():
        what = "not a folder" if os.path.lexists(folder) else "no such folder"
        raise InputError(f"{folder}: {what}; make it first, or write elsewhere")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: cannot write here: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise InputError(f"{path}: cannot write here: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def output(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file to write an output to ``path`` through, as a user who names that path means it.

    A regular file (or a new one) is written beside it and renamed over it
    (:func:`atomic_path`), through a link to the file it names.  A FIFO, a
    character device (a terminal, ``/dev/null``) or an open file of this
    process (``/dev/stdout``) is written directly, as the bytes are made (see
    :func:`streamed`).
    """
    path = Path(path)
    if not streamed(path):
        with atomic_path(path, follow_symlinks=True) as tmp, open(tmp, "wb") as f:
            yield f
        return
    try:
        # appended: /dev/stdout may be a file the shell opened, with lines before ours (`{ echo; mlkg …; } > x`)
        with open(path, "ab") as f:
            yield f
    except BrokenPipeError:
        raise  # the reader went away, as with standard output: not an error of ours to report
    except OSError as exc:
        raise InputError(f"{path}: cannot write here: {exc.strerror or exc}") from None


def streamed(path: str | Path) -> bool:
    """Whether :func:`output` writes ``path`` directly rather than by a rename: a FIFO, a character device, or
    an open file of this process.  A rename would put a file in the FIFO's or device's place, unread (and, for
    root, a file where ``/dev/full`` or ``/dev/stdout`` was).  A socket, a block device or a folder is no place
    to write an output: an :class:`~mlkg.errors.InputError`."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False  # a new file: atomic_path says what is wrong with its folder, if anything
    except OSError as exc:
        raise InputError(f"{path}: cannot write here: {exc.strerror or exc}") from None
    if _names_a_descriptor(path) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return True
    if stat.S_ISREG(mode):
        return False
    what = "a folder" if stat.S_ISDIR(mode) else "a socket" if stat.S_ISSOCK(mode) else \
        "a block device" if stat.S_ISBLK(mode) else "no regular file"
    raise InputError(f"{path}: {what}; give a file (or a FIFO or terminal) to write to")


_DESCRIPTOR = re.compile(r"/proc/(self|thread-self|\d+)/fd/\d+|/dev/(fd/\d+|stdout|stderr)")


def _names_a_descriptor(path: Path) -> bool:
    """Whether ``path`` is, or links through, an open file of this process (``/dev/stdout``, ``/dev/fd/3``): written
    to directly whatever it is, as the shell set it up, never replaced (where it is a file, the shell holds it open)."""
    seen = 0
    current = os.path.abspath(path)
    while seen < 40:  # the kernel's own limit on links followed
        if _DESCRIPTOR.fullmatch(current):
            return True
        try:
            target = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
        seen += 1
    return False
