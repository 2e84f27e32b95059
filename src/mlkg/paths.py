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


def default_sources() -> list[Path]:
    return [data_dir()]


def default_curation() -> list[Path]:
    path = data_dir() / "curation.toml"
    return [path] if path.is_file() else []
