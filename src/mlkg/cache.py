"""Reuse a finished build instead of parsing and mining again.

``mlkg build`` leaves ``cache.key`` beside its outputs: a hash of everything
the graph depends on (mlkg's code, each source file's path and bytes, the
curation files' bytes).  Later commands hash the same inputs (cheap: reading
and hashing is far faster than parsing and mining) and, when the key
matches, load the build's own ``graph.json`` (the whole graph) or
``chains.pickle`` (the small index that learning plans need, loaded in
milliseconds).  When it does not match, they say the build is stale and load
from the sources, so an answer is never out of date.

A pickle can run code when it is loaded, so ``chains.pickle`` is only loaded
when it carries an HMAC made with a secret of the user's own
(``~/.cache/mlkg/secret``, created on first use, readable by the user alone):
one that came with someone else's checkout is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .fsutil import atomic_path

if TYPE_CHECKING:  # pragma: no cover
    from .graph import KnowledgeGraph

GRAPH_FILE = "graph.json"
TURTLE_FILE = "graph.ttl"
CHAINS_FILE = "chains.pickle"
KEY_FILE = "cache.key"
OLD_FILES = ("cache.pickle",)  # what earlier versions left in a build folder
FORMAT = 2


def default_build_dir() -> Path:
    return Path(os.environ.get("MLKG_BUILD_DIR", "out"))


def inputs(sources, curation) -> tuple[list[Path], list[Path]]:
    from . import paths
    from .parse import expand_paths

    files = expand_paths(sources or paths.default_sources())
    cur = [Path(p) for p in (paths.default_curation() if curation is None else curation)]
    return files, cur


def _code_digest() -> bytes:
    """mlkg's own code and vocabulary, so that a new version of the miner never reuses an old build."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(here.rglob("*.py")) + sorted(here.rglob("*.ttl")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.digest()


def cache_key(files: list[Path], curation: list[Path]) -> str:
    from . import __version__

    h = hashlib.sha256(f"mlkg {__version__} cache {FORMAT}\n".encode())
    h.update(_code_digest())
    for kind, group in (("source", files), ("curation", curation)):
        for p in group:
            h.update(f"{kind} {p}\n".encode())
            try:
                h.update(p.read_bytes())
            except OSError:
                h.update(b"<missing>")
    return h.hexdigest()


def _secret() -> bytes | None:
    """This user's key for signing caches; None where it cannot be kept (then nothing is cached)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlkg"
    path = base / "secret"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return None


def _sign(data: bytes, secret: bytes) -> str:
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def save(kg: KnowledgeGraph, out: Path, key: str, files: list[Path], curation: list[Path],
         base_iri: str | None = None) -> Path | None:
    """Write the chains index and then the key, atomically, beside the build's graph.json and graph.ttl.

    The key file goes last, so a half-written build never matches.  ``base_iri``
    is the one graph.ttl was written with, so that queries can load that file.
    """
    secret = _secret()
    if secret is None:
        return None
    light = pickle.dumps((FORMAT, key, kg.chains_index()), protocol=pickle.HIGHEST_PROTOCOL)
    with atomic_path(out / CHAINS_FILE) as tmp:
        tmp.write_bytes(light)
    meta = {"key": key, "sources": [str(p) for p in files], "curation": [str(p) for p in curation],
            "base_iri": base_iri, "hmac": {CHAINS_FILE: _sign(light, secret)}}
    with atomic_path(out / KEY_FILE) as tmp:
        tmp.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return out / KEY_FILE


def load_cached(sources, curation=None, out: str | Path | None = None, light: bool = False) -> KnowledgeGraph:
    """The graph for these sources: from the build in ``out`` when it is fresh, else built now.

    With ``light``, a fresh build answers with its :class:`~mlkg.graph.ChainIndex`
    (enough for learning plans, and fast to load) instead of the whole graph.
    """
    out = Path(out) if out is not None else default_build_dir()
    files, cur = inputs(sources, curation)
    meta = _meta(out)
    if meta:
        key = cache_key(files, cur)
        if meta.get("key") == key:
            kg = _chains(out, key, meta) if light else _graph(out, files, cur, meta)
            if kg is not None:
                return kg
        elif meta.get("sources") == [str(p) for p in files] and meta.get("curation") == [str(p) for p in cur]:
            print(f"mlkg: the build in {out}/ is out of date (its sources, curation or mlkg changed); "
                  "reading the sources instead. Run `mlkg build` to refresh it.", file=sys.stderr)
    from .graph import load

    return load(*files, curation=cur)


def _chains(out: Path, key: str, meta: dict):
    secret = _secret()
    if secret is None:
        return None
    try:
        data = (out / CHAINS_FILE).read_bytes()
        if hmac.compare_digest(meta.get("hmac", {}).get(CHAINS_FILE, ""), _sign(data, secret)):
            fmt, pickled_key, index = pickle.loads(data)
            if fmt == FORMAT and pickled_key == key:
                return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass
    return None


def _graph(out: Path, files: list[Path], cur: list[Path], meta: dict):
    import orjson

    from .curation import load_curation
    from .graph import KnowledgeGraph
    from .perf import gc_paused

    try:
        with gc_paused():
            data = orjson.loads((out / GRAPH_FILE).read_bytes())
            kg = KnowledgeGraph.from_node_link(data, files, load_curation(cur))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # unreadable: build from the sources
        return None
    if isinstance(meta.get("base_iri"), str):
        from .rdf import use_export

        use_export(kg, meta["base_iri"], out / TURTLE_FILE)  # queries load it instead of writing it again
    return kg


def _meta(out: Path) -> dict | None:
    try:
        return json.loads((out / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
