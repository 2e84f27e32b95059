"""The knowledge graph: one networkx MultiDiGraph that every view is derived from.

Nodes are sections (``sec:13``), subsections (``sec:13.1``) and concepts
(the entry IDs), each with a ``kind`` attribute.  Edges are keyed by their
kind: ``parent`` edges run concept → subsection → section; mined and curated
edges are ``requires`` (source needs target first) or ``related``.
"""

from __future__ import annotations

import difflib
import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UnknownConceptError
from .parse import Corpus, Entry, Heading, section_node_id, split_title

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .curation import Curation
    from .mine import MiningReport

CROSS_KINDS = ("requires", "related")
EDGE_KINDS = ("parent", *CROSS_KINDS)


def _heading_attrs(h: Heading) -> dict[str, Any]:
    return {
        "kind": h.kind, "number": h.number, "title": h.title, "label": h.label,
        "alt_labels": list(h.alt_labels), "file": h.location.path, "line": h.location.line,
    }


def _entry_attrs(e: Entry) -> dict[str, Any]:
    label, alt_labels = split_title(e.title)
    return {
        "kind": "concept", "number": e.number, "title": e.title, "label": label,
        "alt_labels": list(alt_labels), "full": e.full, "simple": e.simple, "example": e.example,
        "file": e.location.path, "line": e.location.line,
        "field_lines": {name: f.line for name, f in e.fields.items()},
        "words": {name: len(f.text.split()) for name, f in e.fields.items()},
        "section": section_node_id(e.section_number), "subsection": section_node_id(e.parent),
        "order": e.order,
    }


def build_graph(corpus: Corpus) -> nx.MultiDiGraph:
    """The hierarchy alone: nodes for every section, subsection and entry, and parent edges."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for h in corpus.sections:
        if h.node_id not in g:
            g.add_node(h.node_id, **_heading_attrs(h))
    for h in corpus.subsections:
        if h.node_id not in g:
            g.add_node(h.node_id, **_heading_attrs(h))
            parent = section_node_id(h.number.split(".")[0])
            if parent in g:
                g.add_edge(h.node_id, parent, key="parent", kind="parent", evidence=None)
    entries = sorted(corpus.entries, key=lambda e: e.order)
    g.add_nodes_from((e.id, _entry_attrs(e)) for e in entries)
    parent = {"kind": "parent", "evidence": None}  # copied into each edge
    g.add_edges_from((e.id, section_node_id(e.parent), "parent", parent) for e in entries)
    return g


def add_relations(g: nx.MultiDiGraph, relations) -> None:
    """Add mined and curated relations (:class:`~mlkg.mine.Relation`) as edges keyed by kind."""
    g.add_edges_from((r.source, r.target, r.kind, r.attrs()) for r in relations)


class KnowledgeGraph:
    """A loaded corpus: the graph plus lookups, and the views hanging off it.

    Build one with :func:`mlkg.load`.  ``kg.graph`` is the networkx graph;
    ``kg.entries`` maps concept IDs to parsed entries in document order.
    """

    def __init__(self, graph: nx.MultiDiGraph, corpus: Corpus, sources: list[Path],
                 report: MiningReport | None = None, curation: Curation | None = None):
        self.graph = graph
        self.corpus = corpus
        self.sources = sources
        self.report = report
        self.curation = curation
        self.entries: dict[str, Entry] = {e.id: e for e in sorted(corpus.entries, key=lambda e: e.order)}

    def chains_index(self) -> ChainIndex:
        """The part of the graph that learning plans need, small enough to load in milliseconds."""
        keep = ("kind", "number", "title", "label", "alt_labels", "order", "words")
        nodes = {c: {k: self.graph.nodes[c][k] for k in keep} for c in self.entries}
        from .chains import _requires

        return ChainIndex(nodes, _requires(self), [str(p) for p in self.sources])

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the graph itself; caches (attributes starting with "_") are rebuilt on demand."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    # lookups -------------------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return node_id in self.graph

    def __getitem__(self, node_id: str) -> dict[str, Any]:
        return self.graph.nodes[self.resolve(node_id, sections=True)]

    def __len__(self) -> int:
        return len(self.entries)

    def concepts(self) -> list[str]:
        """Concept IDs in document order."""
        return list(self.entries)

    def nodes(self, kind: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        for n, d in self.graph.nodes(data=True):
            if kind is None or d["kind"] == kind:
                yield n, d

    def resolve(self, node_id: str, sections: bool = False,
                kinds: tuple[str, ...] | None = None) -> str:
        """The concept ``node_id`` names: its ID, or a label or acronym (``VAE``, ``Stable Diffusion``).

        Concepts come first: "GANs" is both a subsection's label and a name of
        the concept ``gan``, and means the concept.  Sections and subsections
        (``sec:13.1``) are only returned with ``sections=True`` (or ``kinds``,
        the node kinds to look for, in order); otherwise naming one is an
        :class:`UnknownConceptError` with suggestions.
        """
        if kinds is None:
            kinds = ("concept", "subsection", "section") if sections else ("concept",)
        if node_id in self.graph and self.graph.nodes[node_id]["kind"] in kinds:
            return node_id
        from .lexicon import _singular_key

        wanted = _singular_key(node_id.strip())  # "Autoencoders" and "GANs" find autoencoder and gan
        for kind in kinds:
            for n, d in self.graph.nodes(data=True):
                names = (d["label"], d["title"], *d.get("alt_labels", []), n.replace("-", " "))
                if d["kind"] == kind and any(wanted == _singular_key(x) for x in names):
                    return n
        raise UnknownConceptError(node_id, self.suggest(node_id))

    def suggest(self, text: str, n: int = 3) -> list[str]:
        ids = list(self.entries)
        by_label = {self.graph.nodes[i]["label"].casefold(): i for i in ids}
        found = difflib.get_close_matches(text, ids, n=n, cutoff=0.6)
        found += [by_label[x] for x in difflib.get_close_matches(text.casefold(), list(by_label), n=n)]
        found += [i for i in ids if text.casefold() in i or text.casefold() in by_label.get(i, "")]
        return list(dict.fromkeys(found))[:n]

    def section_path(self, node_id: str) -> list[str]:
        """Node ids from the top-level section down to ``node_id``."""
        path = [node_id]
        while True:
            parents = [v for _, v, k in self.graph.out_edges(path[-1], keys=True) if k == "parent"]
            if not parents:
                return path[::-1]
            path.append(parents[0])

    # edges -----------------------------------------------------------------
    def edges(self, kind: str | Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Every edge as a plain dict (``source``, ``target``, ``kind``, ``evidence``, …)."""
        kinds = {kind} if isinstance(kind, str) else set(kind) if kind is not None else None
        out = []
        for u, v, k, d in self.graph.edges(keys=True, data=True):
            if kinds is None or k in kinds:
                out.append({"source": u, "target": v, **d})
        return out

    def out_edges(self, node_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [{"source": u, "target": v, **d} for u, v, k, d in
                self.graph.out_edges(node_id, keys=True, data=True) if kind is None or k == kind]

    def in_edges(self, node_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [{"source": u, "target": v, **d} for u, v, k, d in
                self.graph.in_edges(node_id, keys=True, data=True) if kind is None or k == kind]

    def stats(self) -> dict[str, Any]:
        kinds = Counter(d["kind"] for _, d in self.graph.nodes(data=True))
        edges: Counter = Counter()
        curated = 0
        for _, nbrs in self.graph.adjacency():  # the edge views cost ten times as much at 10k
            for keyed in nbrs.values():
                edges.update(keyed.keys())
                curated += sum(1 for d in keyed.values() if d.get("curated"))
        out: dict[str, Any] = {
            "files": len(self.sources),
            "sections": kinds["section"], "subsections": kinds["subsection"], "concepts": kinds["concept"],
            "edges": {k: edges.get(k, 0) for k in EDGE_KINDS},
        }
        out["edges"]["curated"] = curated
        if "mining" in self.graph.graph:
            out["mining"] = self.graph.graph["mining"]
        return out

    def to_node_link(self) -> dict[str, Any]:
        """What ``networkx.node_link_data(graph, edges="edges")`` returns, made straight from the adjacency."""
        g = self.graph
        return {"directed": g.is_directed(), "multigraph": True, "graph": g.graph,
                "nodes": self.node_link_nodes(), "edges": self.node_link_edges()}

    def node_link_nodes(self) -> list[dict[str, Any]]:
        return [{**d, "id": n} for n, d in self.graph.nodes(data=True)]

    def node_link_edges(self) -> list[dict[str, Any]]:
        return [{**d, "source": u, "target": v, "key": k}
                for u, nbrs in self.graph.adjacency() for v, keyed in nbrs.items() for k, d in keyed.items()]

    @classmethod
    def from_node_link(cls, data: dict[str, Any], sources: Iterable[str | Path] = (),
                       curation: Curation | None = None) -> KnowledgeGraph:
        """The graph that :meth:`to_node_link` wrote (``graph.json``), with its entries rebuilt from the nodes.

        ``data`` is consumed: its dicts become the graph's attribute dicts.

        A build's ``graph.json`` is also what later commands load it from; only
        the mining report's objects are not kept (its summary is, in
        ``graph.graph["mining"]``).
        """
        import networkx as nx

        from .errors import Location
        from .parse import Document, Field

        # node_link_graph's generic reading, done directly (the dicts are ours to reuse)
        g = nx.MultiDiGraph()
        g.graph.update(data.get("graph", {}))
        g.add_nodes_from((d.pop("id"), d) for d in data["nodes"])
        g.add_edges_from((d.pop("source"), d.pop("target"), d.pop("key"), d) for d in data["edges"])
        docs = {str(p): Document(str(p)) for p in sources}
        for n, d in g.nodes(data=True):
            doc = docs.setdefault(d["file"], Document(d["file"]))
            where = Location(d["file"], d["line"])
            if d["kind"] == "concept":
                fields = {f: Field(f, d[f], d["field_lines"][f]) for f in ("full", "simple", "example")}
                doc.entries.append(Entry(n, d["number"], d["title"], d["subsection"].removeprefix("sec:"), fields,
                                         where, d["order"]))
            else:
                (doc.sections if d["kind"] == "section" else doc.subsections).append(
                    Heading(d["kind"], d["number"], d["title"], where))
        return cls(g, Corpus(list(docs.values())), [Path(p) for p in sources], None, curation)

    # views hanging off the graph (each module imported only when used) -----------
    def to_rdf(self, base_iri: str | None = None):
        """The graph as an :class:`rdflib.Graph` (SKOS plus the mlkg vocabulary); see :mod:`mlkg.rdf`."""
        from .rdf import to_rdflib

        return to_rdflib(self, base_iri)

    def query(self, query: str, params: dict[str, str] | None = None, engine: str = "oxigraph",
              base_iri: str | None = None):
        """Run SPARQL (a named query from ``queries/``, a ``.rq`` path, or query text); see :mod:`mlkg.sparql`."""
        from .sparql import run_query

        return run_query(self, query, params or {}, engine=engine, base_iri=base_iri)

    def prerequisites(self, concept: str, depth: int | None = None) -> list[dict[str, Any]]:
        """Every transitive prerequisite of ``concept`` in a valid learning order; see :mod:`mlkg.chains`."""
        from .chains import prerequisites

        return prerequisites(self, concept, depth)

    def learning_plan(self, concept: str, known: Iterable[str] = ()) -> dict[str, Any]:
        from .chains import learning_plan

        return learning_plan(self, concept, known)

    def dependents(self, concept: str, depth: int | None = None) -> list[dict[str, Any]]:
        from .chains import dependents

        return dependents(self, concept, depth)

    def path(self, source: str, target: str) -> list[dict[str, Any]]:
        from .chains import explanation_path

        return explanation_path(self, source, target)

    def __repr__(self) -> str:
        s = self.stats()
        return (f"<KnowledgeGraph {s['concepts']} concepts, {s['edges']['requires']} requires, "
                f"{s['edges']['related']} related>")


class _NodeView(dict):
    """A dict of node attributes that also answers ``nodes(data=True)`` like networkx."""

    def __call__(self, data: bool = False):
        return self.items() if data else self.keys()


class _LightGraph:
    def __init__(self, nodes: dict[str, dict[str, Any]]):
        self.nodes = _NodeView(nodes)

    def __contains__(self, node: object) -> bool:
        return node in self.nodes


class ChainIndex(KnowledgeGraph):
    """Concepts and their ``requires`` edges only: what ``prereqs``, ``learn`` and ``dependents`` need.

    Built from a full graph by :meth:`KnowledgeGraph.chains_index` and cached
    beside a build, so those commands answer without loading the whole graph
    (or importing networkx).  Evidence, hierarchy and RDF are not here.
    """

    def __init__(self, nodes: dict[str, dict[str, Any]], requires: tuple[dict, dict], sources: list[str]):
        self.graph = _LightGraph(nodes)
        self.entries = dict.fromkeys(nodes)  # type: ignore[assignment]
        self.sources = [Path(s) for s in sources]
        self.report = None
        self.corpus = None  # type: ignore[assignment]
        self.curation = None
        self._requires_index = requires

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def load(*paths: str | Path, curation: Iterable[str | Path] | None = None,
         on_hierarchy: Callable[[KnowledgeGraph], Any] | None = None) -> KnowledgeGraph:
    """Parse cheatsheets (files or folders of ``.md``), mine their cross-references, build the graph.

    With no paths, the shipped ``data/`` corpus is loaded.  ``curation``
    lists curation files; by default ``data/curation.toml`` if it exists,
    and ``[]`` turns curation off.  ``on_hierarchy`` is called with the
    graph as soon as it holds the hierarchy, before any mined edge: a
    build starts rendering what depends on the hierarchy alone.
    """
    from .perf import gc_paused

    with gc_paused():
        return _load(paths, curation, on_hierarchy)


def _load(paths, curation, on_hierarchy=None) -> KnowledgeGraph:
    from . import paths as _paths
    from . import perf
    from .curation import load_curation
    from .mine import mine, text_digest
    from .parse import expand_paths, parse_paths

    sources = expand_paths(paths or _paths.default_sources())
    cur = load_curation(list(_paths.default_curation() if curation is None else curation))
    # networkx takes a fifth of a second to import: imported while a child parses, if there is one
    corpus = parse_paths(sources, renames=cur.renames, meanwhile=perf.Now(importlib.import_module, "networkx"),
                         digest=text_digest)
    concepts = {e.id for e in corpus.entries}
    cur.check(concepts, lambda x: difflib.get_close_matches(x, sorted(concepts), n=3))

    def hierarchy() -> KnowledgeGraph:
        kg = KnowledgeGraph(build_graph(corpus), corpus, sources, None, cur)
        if on_hierarchy is not None:
            on_hierarchy(kg)
        return kg

    later = perf.Now(hierarchy)  # built while a child searches the text, if there is one
    relations, report = mine(corpus, cur, meanwhile=later)
    kg = later.result()
    add_relations(kg.graph, relations)
    kg.graph.graph["mining"] = report.summary()
    kg.report = report
    return kg
