"""Where the shipped corpus, curation file and named queries live.

In a clone (or an editable install) they are the repository's ``data/`` and
``queries/`` folders; in a wheel they are packaged as ``mlkg/_data`` and
``mlkg/_queries``.  ``MLKG_DATA`` overrides the data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _find(repo_name: str, packaged: str) -> Path:
    repo = _HERE.parents[1] / repo_name
    if repo.is_dir():
        return repo
    return _HERE / packaged


def data_dir() -> Path:
    env = os.environ.get("MLKG_DATA")
    return Path(env) if env else _find("data", "_data")


def queries_dir() -> Path:
    return _find("queries", "_queries")


def _relative(path: Path) -> Path:
    """``path`` relative to the working directory when it lies inside it: messages and exports stay short
    and carry no local directory names."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def default_sources() -> list[Path]:
    return [_relative(data_dir())]


def default_curation() -> list[Path]:
    path = _relative(data_dir()) / "curation.toml"
    return [path] if path.is_file() else []
