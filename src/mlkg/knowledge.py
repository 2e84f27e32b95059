"""The library's front door: :func:`load` runs read → mine → graph, and :class:`KnowledgeGraph` puts the
views within reach of the graph they are derived from.

The views live below this module and know only the graph
(:class:`~mlkg.graph.ConceptGraph`); this class adds them as methods, so a
notebook user writes ``kg.prerequisites("vae")`` or ``kg.query("hubs")``.
The RDF, SPARQL and map views are imported when first used: learning plans
never pay for rdflib, pyoxigraph or pyvis.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputError
from .graph import ConceptGraph, build_graph
from .read import Corpus, read
from .views import chains


class KnowledgeGraph(ConceptGraph):
    """A loaded corpus: the frozen concept graph, its lookups, and every view of it.

    ``kg.graph`` is the networkx graph; ``kg.entries`` maps concept IDs to their
    attributes in document order.  The graph never changes: to correct it,
    edit the curation file and load again.
    """

    # learning plans ----------------------------------------------------------------------
    def prerequisites(self, concept: str, depth: int | None = None, known: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Every transitive prerequisite of ``concept`` in a valid learning order, less what ``known`` covers; see
        :mod:`~mlkg.views.chains`."""
        return chains.prerequisites(self, concept, depth, known)

    def learning_plan(self, concept: str, known: Iterable[str] = ()) -> dict[str, Any]:
        """The prerequisites of ``concept`` minus what ``known`` covers, then the concept, with reading times."""
        return chains.learning_plan(self, concept, known)

    def dependents(self, concept: str, depth: int | None = None) -> list[dict[str, Any]]:
        """Every concept that transitively builds on ``concept``."""
        return chains.dependents(self, concept, depth)

    def ready_to_learn(self, known: Iterable[str] = ()) -> list[dict[str, Any]]:
        """What can be learned next: concepts not known whose prerequisites all are, those that unlock most first."""
        return chains.ready_to_learn(self, known)

    def path(self, source: str, target: str) -> list[dict[str, Any]]:
        """The cheapest chain of edges linking two concepts, each step with its evidence."""
        return chains.explanation_path(self, source, target)

    # RDF and SPARQL ----------------------------------------------------------------------
    def to_rdf(self, base_iri: str | None = None):
        """The graph as an :class:`rdflib.Graph` (SKOS plus the mlkg vocabulary); see :mod:`~mlkg.views.rdf`."""
        from .views import rdf

        return rdf.to_rdflib(self, base_iri)

    def serialize(self, fmt: str = "ttl", base_iri: str | None = None) -> bytes:
        """The RDF export as bytes: ``ttl``, ``nt``, ``jsonld``, ``xml`` or ``n3``."""
        from .views import rdf

        return rdf.serialize(self, fmt, base_iri)

    def query(self, query: str, params: dict[str, str] | None = None, engine: str = "oxigraph",
              base_iri: str | None = None, **values: str):
        """Run SPARQL: a named query from ``queries/``, a ``.rq`` path, or query text; see :mod:`~mlkg.views.sparql`.
        Parameters come as a dict or as keywords: ``kg.query("prerequisites", concept="vae")``."""
        from .views import sparql

        return sparql.run_query(self, query, {**(params or {}), **values}, engine=engine, base_iri=base_iri)

    # the map -----------------------------------------------------------------------------
    def map_html(self, title: str | None = None) -> str:
        """The interactive concept map as one self-contained HTML page; see :mod:`~mlkg.views.map`."""
        from .views import map as concept_map

        return concept_map.map_html(self, title)


@contextlib.contextmanager
def collector_paused():
    """Loading makes millions of small objects that all live as long as the graph, and none in a cycle:
    the cyclic collector would only walk them again and again as they grow (a quarter of a 10k build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(corpus: Corpus, disabled: frozenset[str] = frozenset()) -> KnowledgeGraph:
    """Mine a corpus that :func:`~mlkg.read.read` returned and build its graph (``disabled``: rules to
    switch off, for an ablation)."""
    from .mine.pipeline import mine  # the miner is for building: reading a build back does without it

    with collector_paused():
        return KnowledgeGraph(build_graph(corpus, mine(corpus, disabled)), built=True)


def load(*paths: str | Path | Iterable[str | Path],
         curation: str | Path | Iterable[str | Path] | None = None) -> KnowledgeGraph:
    """Parse cheatsheets (files or folders of ``.md``), mine their cross-references, build the graph.

    Paths come one per argument or as lists (``load(["a.md", "b/"])``, as from a glob); a pattern that names no
    path itself is a glob (``load("data/*.md")``).
    With no paths, the shipped ``data/`` corpus is loaded.  ``curation``
    lists curation files (or names one); by default ``data/curation.toml`` if it exists,
    and ``[]`` turns curation off.
    """
    flat = []
    for arg in paths:
        if isinstance(arg, str | Path):
            items = [arg]
        elif isinstance(arg, Iterable) and not isinstance(arg, bytes):
            items = list(arg)  # a list, a tuple, a glob
        else:
            items = [None]
        if not all(isinstance(p, str | Path) for p in items):
            raise InputError(f"expected cheatsheet paths (str or Path, one by one or in a list), not {arg!r}")
        flat += items
    if paths and not flat:
        raise InputError("no cheatsheets given: the list of paths is empty (call load() for the shipped corpus)")
    if isinstance(curation, str | Path):  # one file, not a list of its characters
        curation = [curation]
    with collector_paused():
        return build(read(flat, curation))
