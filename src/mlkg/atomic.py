"""Writing files so that a failure never leaves a half-written or lost output: write a temporary file, then rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError


@contextlib.contextmanager
def atomic_path(path: str | Path, follow_symlinks: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    The new file keeps the permissions of the one it replaces (0644 when new).
    ``follow_symlinks`` writes through a link to the file it names, for a file
    the user keeps elsewhere (a shared curation file); an output such as
    ``out/graph.ttl`` replaces its link instead, and never writes into a build.
    A folder that cannot be made or written is an :class:`~mlkg.errors.InputError`
    naming the path, not a traceback.
    """
    path = Path(os.path.realpath(path)) if follow_symlinks else Path(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.is_file() and not path.is_symlink() else 0o644
    except OSError:
        mode = 0o644
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
