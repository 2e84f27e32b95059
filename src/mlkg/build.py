"""``mlkg build``: every output of one graph, written atomically into one folder."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import perf
from .errors import InputError
from .fsutil import atomic_path


@dataclass
class BuildResult:
    out: Path
    files: dict[str, Path] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        s = self.stats
        e = s["edges"]
        lines = [f"built {s['concepts']} concepts from {s['files']} file(s) in {self.seconds:.2f}s: "
                 f"{e['requires']} requires, {e['related']} related, {e['parent']} parent edges"]
        lines += [f"  {name:11} {path}" for name, path in self.files.items()]
        if "map" in self.files:
            lines.append(f"open the map:  {self.files['map'].resolve().as_uri()}")
        lines.append("next:  mlkg show vae  ·  mlkg prereqs stable-diffusion  ·  mlkg query --list")
        return "\n".join(lines)


def write_json(kg, path: Path) -> None:
    """Compact node-link JSON, UTF-8: ``orjson.dumps(kg.to_node_link())``, which writes the same bytes as
    ``json`` in a sixth of the time.  The node list is written as :func:`json_nodes_part` rendered it early,
    if a build did."""
    import orjson

    from .rdf import graph_cache

    key, render, args = json_nodes_part(kg)
    early = graph_cache(kg).pop(key, None)
    g = kg.graph
    head = orjson.dumps({"directed": g.is_directed(), "multigraph": True, "graph": g.graph})
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.writelines([head[:-1], b',"nodes":', early.result() if early is not None else render(*args),
                      b',"edges":', orjson.dumps(kg.node_link_edges()), b"}"])


def json_nodes_part(kg) -> tuple[tuple, Any, tuple]:
    """(key, function, arguments) of graph.json's node list, fixed by the hierarchy: for :func:`~mlkg.rdf.prerender`."""
    return ("json-nodes",), _json_nodes, (kg,)


def _json_nodes(kg) -> bytes:
    import orjson

    return orjson.dumps(kg.node_link_nodes())


def build_outputs(sources, curation, out: Path, base_iri: str | None = None, with_map: bool = True,
                  progress: bool = False) -> BuildResult:
    """Load, then write graph.json, graph.ttl, map.html and the cache into ``out``.

    Each output is rendered to a temporary file and renamed into place, and
    only after the whole graph has loaded, so bad input changes nothing.  On
    large graphs the outputs are split between this process and forked ones.
    """
    with perf.gc_paused():  # resumed collection would walk the whole graph before the outputs
        return _build(sources, curation, out, base_iri, with_map, progress)


def _build(sources, curation, out: Path, base_iri: str | None, with_map: bool, progress: bool) -> BuildResult:
    from .cache import CHAINS_FILE, KEY_FILE, OLD_FILES, cache_key, inputs, save
    from .graph import load
    from .rdf import base_iri as checked_base
    from .rdf import write as write_rdf

    start = time.perf_counter()
    base = checked_base(base_iri)  # a bad --base-iri fails here, before any work
    files, cur = inputs(sources, curation)
    key = cache_key(files, cur)
    bar = _progress(progress, 5 + with_map)
    bar.set_description("parsing and mining")
    early: list = []
    kg = load(*files, curation=cur, on_hierarchy=lambda h: early.append(_early(h, base, with_map)))
    bar.update(1)
    for child in early:  # its parts are taken here, before the outputs' child is forked
        if child is not None:
            child.result()
    # On large graphs a forked child writes some of these (CHILD_STEPS) while this process writes the rest.
    steps = []
    if with_map:
        from .viz import write_map

        steps.append(("map.html", lambda p: write_map(kg, p)))
    steps.append(("graph.ttl", lambda p: write_rdf(kg, p, "ttl", base)))
    steps.append(("graph.json", lambda p: write_json(kg, p)))
    # The cache only if the sources did not change while they were read: its key vouches for them.
    cached = cache_key(files, cur) == key
    if cached:
        steps.append(("cache", lambda p: save(kg, p.parent, key, files, cur, base)))
    # Everything is written into a staging folder and moved into place only when all of it
    # succeeded, the cache key last: a failed build leaves the previous one whole.
    stage = _staging(out)
    try:
        _run(steps, stage, bar, parallel=len(kg) >= perf.PARALLEL_FROM)
        names = [name for name, _ in steps if name != "cache"]
        (out / KEY_FILE).unlink(missing_ok=True)  # until the new outputs are all in place
        for old in OLD_FILES:
            (out / old).unlink(missing_ok=True)
        if cached and (stage / KEY_FILE).exists():
            names += [CHAINS_FILE, KEY_FILE]
        for name in names:
            os.replace(stage / name, out / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    bar.update(1)
    bar.close()
    result = BuildResult(out)
    for name, _ in sorted(steps):
        if name != "cache":
            result.files[name if name.startswith("graph.") else name.split(".")[0]] = out / name
    result.stats = kg.stats()
    result.seconds = time.perf_counter() - start
    return result


def _early(kg, base: str, with_map: bool):
    """On large graphs, render what the hierarchy alone fixes in a low-priority child while mining goes on.

    That is the Turtle of every node and the node lists of graph.json and the map.  The child fills the
    time when only this process has work (the relations are being decided, the graph is being finished).
    """
    if len(kg) < perf.PARALLEL_FROM:
        return None
    from .rdf import hierarchy_part, prerender

    parts = [hierarchy_part(kg, base), json_nodes_part(kg)]
    if with_map:
        from .viz import nodes_part

        parts.append(nodes_part(kg))
    return prerender(kg, parts, nice=19)


CHILD_STEPS = ("map.html", "graph.json")
"""The output steps one forked child writes on large graphs, while this process writes the others.

Balanced by measurement at 10k, with the node lists rendered early: the map and graph.json take
about as long as the rest of the Turtle and the chains cache.  Handing the steps out one at a time
(:func:`~mlkg.perf.shared`) measured no better, and a third process only adds contention and
copy-on-write.
"""


def _staging(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    except OSError as exc:
        raise InputError(f"{out}: cannot write here: {exc.strerror or exc}") from None


def _run(steps, out: Path, bar, parallel: bool) -> None:
    """Run the output steps; in parallel, those in :data:`CHILD_STEPS` go to one forked child."""
    with perf.gc_paused():
        _run_steps(steps, out, bar, parallel and perf.can_fork())


def _run_steps(steps, out: Path, bar, parallel: bool) -> None:
    """Serially, or with the steps in :data:`CHILD_STEPS` written by a forked child meanwhile.

    A child that fails is redone here (:class:`~mlkg.perf.Forked`), so its error is raised as if
    the steps had run here all along.
    """
    theirs = [(name, write) for name, write in steps if parallel and name in CHILD_STEPS]
    child = perf.Forked(_write_steps, theirs, out) if theirs else None
    try:
        for name, write in steps:
            if (name, write) not in theirs:
                bar.set_description(f"writing {name}")
                write(out / name)
                bar.update(1)
    except BaseException:
        if child is not None:
            child.cancel()
        raise
    if child is not None:
        bar.set_description("writing " + ", ".join(name for name, _ in theirs))
        child.result()
        bar.update(len(theirs))


def _write_steps(steps, out: Path) -> None:
    for name, write in steps:
        write(out / name)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(enabled: bool, total: int):
    """A progress bar on stderr for builds that take more than a second, when stderr is a terminal."""
    if not enabled:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - a dependency
        return _NoBar()
    tqdm.monitor_interval = 0  # no monitor thread: the build may fork
    return tqdm(total=total, unit="step", leave=False, delay=1.0, file=sys.stderr,
                bar_format="{desc}: {n_fmt}/{total_fmt} {bar} {elapsed}")
