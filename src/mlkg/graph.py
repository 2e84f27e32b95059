"""Stage 3, graph: one frozen networkx MultiDiGraph, the single source of truth for every view.

Nodes are sections (``sec:13``), subsections (``sec:13.1``) and concepts
(the entry IDs), each with a ``kind`` attribute.  Edges are keyed by their
kind: ``parent`` edges run concept → subsection → section; mined and curated
edges are ``requires`` (source needs target first) or ``related``.

The graph is frozen when built: ``networkx.freeze`` stops nodes and edges
being added or removed, and their attributes are :class:`FrozenDict`,
:class:`FrozenList` and :class:`SealedEvidence`, which refuse every write
(:class:`~mlkg.errors.FrozenGraphError`).  A changed corpus or curation file
makes a new graph.  Indexes derived from it are ``cached_property``
attributes, and views keep what they derive in
:meth:`ConceptGraph.derived`, so nothing derived can go stale.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, TypeVar

import networkx as nx
import orjson

from .errors import CANDIDATES_SHOWN, AmbiguousNameError, FrozenGraphError, InputError, UnknownConceptError, similar
from .mine.evidence import Evidence, Mined, Relation
from .mine.lexicon import fold, name_key, singular_key
from .read import Corpus, Entry, Heading, plain_title, section_node_id

CROSS_KINDS = ("requires", "related")
EDGE_KINDS = ("parent", *CROSS_KINDS)
T = TypeVar("T")


def _edge_kinds(kind: str | Iterable[str] | None) -> set[str] | None:
    """The edge kinds ``kind`` names, None for every kind.  A kind the graph has none of by definition is refused,
    as ``mlkg edges --kind`` refuses it, rather than answered with no edges."""
    if kind is None:
        return None
    names = [kind] if isinstance(kind, str) or not isinstance(kind, Iterable) else list(kind)
    wrong = next((k for k in names if k not in EDGE_KINDS), None)
    if wrong is not None:
        raise InputError(f"unknown edge kind {wrong!r}; use {', '.join(EDGE_KINDS[:-1])} or {EDGE_KINDS[-1]}")
    return set(names)


# --- what a built graph holds: read-only ------------------------------------------------------

def _refused(what: str) -> Callable[..., NoReturn]:
    def refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise FrozenGraphError(what)

    return refuse


class FrozenDict(dict):
    """A dict that refuses every write: a node's or an edge's attributes in a built graph, and the dicts among them.

    ``networkx.freeze`` stops only nodes and edges being added or removed: a write into their attributes
    (``kg["vae"]["label"] = …``) went through, and the graph then disagreed with what was derived from it (the
    SPARQL store, the names :meth:`ConceptGraph.resolve` knows).  To every reader it is still a dict
    (``isinstance``, ``{**d}``, orjson, json, Jinja), read at the speed of one, since only the methods that write
    are its own; ``d.copy()`` and ``dict(d)`` are plain dicts, to change at will.  The graph's builders fill it
    when they make it (``FrozenDict(attrs)``), never after."""

    __slots__ = ()

    def __setitem__(self, key: Any, value: Any) -> NoReturn:
        raise FrozenGraphError(f"setting {key!r}")

    def __delitem__(self, key: Any) -> NoReturn:
        raise FrozenGraphError(f"deleting {key!r}")

    update = _refused("update()")
    setdefault = _refused("setdefault()")
    pop = _refused("pop()")
    popitem = _refused("popitem()")
    clear = _refused("clear()")
    __ior__ = _refused("|=")

    def __reduce__(self):  # pickle and copy would fill it item by item, and be refused
        return type(self), (dict(self),)


class FrozenList(list):
    """A list that refuses every write: a list among a built graph's attributes (alternative labels, aliases,
    evidence).  A list to every reader, as :class:`FrozenDict` is a dict (equal to a list, written as one);
    ``x.copy()``, ``list(x)`` and ``x + y`` are plain lists."""

    __slots__ = ()

    def __setitem__(self, index: Any, value: Any) -> NoReturn:
        raise FrozenGraphError("setting an item")

    def __delitem__(self, index: Any) -> NoReturn:
        raise FrozenGraphError("deleting an item")

    append = _refused("append()")
    extend = _refused("extend()")
    insert = _refused("insert()")
    pop = _refused("pop()")
    remove = _refused("remove()")
    clear = _refused("clear()")
    sort = _refused("sort()")
    reverse = _refused("reverse()")
    __iadd__ = _refused("+=")
    __imul__ = _refused("*=")

    def __reduce__(self):
        return type(self), (list(self),)


_EVIDENCE_FIELDS = Evidence.__match_args__
_evidence_fields = operator.attrgetter(*_EVIDENCE_FIELDS)


class SealedEvidence(Evidence):
    """:class:`Evidence` as a built graph holds it: every field read-only.

    A build seals the evidence mining made where it is (:func:`_seal`: ``ev.__class__ = SealedEvidence``, the same
    slots) rather than making it a frozen dataclass: that sets each field through ``object.__setattr__``, seven
    times slower, a tenth of a second per 10k build and as much per graph.json read.  Equal to an
    :class:`Evidence` with the same fields."""

    __slots__ = ()
    __dataclass_fields__ = Evidence.__dataclass_fields__  # orjson knows a dataclass by this, in its class's own dict

    def __init__(self, *args: Any, **kwargs: Any):  # made whole (dataclasses.replace, a copy): past __setattr__
        made = Evidence(*args, **kwargs)
        for name in _EVIDENCE_FIELDS:
            object.__setattr__(self, name, getattr(made, name))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise FrozenGraphError(f"setting the evidence's {name}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenGraphError(f"deleting the evidence's {name}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Evidence):
            return _evidence_fields(self) == _evidence_fields(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as Evidence's: equal by its fields, which a plain one may change

    def __reduce__(self):
        return _sealed_of, _evidence_fields(self)


def _sealed_of(*fields: Any) -> SealedEvidence:
    """Sealed evidence of its fields, as pickle and copy make it again: through __init__ it was field by field."""
    ev = Evidence(*fields)
    ev.__class__ = SealedEvidence
    return ev


def _seal(ev: Any) -> Any:
    """``ev`` sealed where it is, if it is an :class:`Evidence` (not a subclass of its own)."""
    if type(ev) is Evidence:
        ev.__class__ = SealedEvidence
    return ev


_is_frozen = frozenset({str, int, float, bool, type(None), SealedEvidence, FrozenDict, FrozenList}).__contains__
"""Whether a value's type is frozen all the way down (a FrozenDict or a FrozenList is only ever made of frozen
values)."""


def frozen(x: Any) -> Any:
    """``x`` as a built graph holds it: every dict a :class:`FrozenDict` and every list a :class:`FrozenList`, all
    the way down, a set a frozenset and evidence sealed; anything else as it is."""
    if _is_frozen(type(x)):
        return x
    if isinstance(x, dict):
        return _frozen_values(FrozenDict(x))
    if isinstance(x, list):
        return FrozenList(x if all(map(_is_frozen, map(type, x))) else map(frozen, x))  # a list of names: in C
    if type(x) is tuple:
        return tuple(map(frozen, x))
    if isinstance(x, set):
        return frozenset(x)
    return _seal(x)


def _frozen_values(d: FrozenDict) -> FrozenDict:
    """``d``, a FrozenDict being made, with each value :func:`frozen`.  The values with nothing to freeze are
    sorted out in C: a loop of Python over every attribute of every node took longer than copying the node."""
    for k in itertools.compress(d, map(operator.not_, map(_is_frozen, map(type, d.values())))):
        dict.__setitem__(d, k, frozen(d[k]))
    return d


def _frozen_evidence(found: list[Any]) -> FrozenList:
    """An edge's evidence as sealed :class:`Evidence`, made of dicts where it is given as dicts (graph.json read
    back, a graph a caller made), as a build makes it: the views read its attributes."""
    return FrozenList(map(_sealed_evidence, found))


def _frozen_edge(d: dict[str, Any]) -> FrozenDict:
    """An edge's attributes, of any making, as a :class:`FrozenDict`."""
    if type(d) is FrozenDict:
        return d
    out = FrozenDict(d)
    found = d.get("evidence")
    if type(found) is list:
        dict.__setitem__(out, "evidence", _frozen_evidence(found))
    return _frozen_values(out)


def _freeze_attrs(g: nx.MultiDiGraph) -> None:
    """Every node's and edge's attributes of a graph made elsewhere (a caller's, one unpickled) made frozen, in
    place: a dict seen from both ends of its edge is replaced at both."""
    node, pred = g._node, g._pred
    for n, d in node.items():
        node[n] = frozen(d)
    for u, nbrs in g._succ.items():
        for v, keys in nbrs.items():
            theirs = pred[v][u]
            for k, d in keys.items():
                keys[k] = _frozen_edge(d)
                if theirs is not keys:
                    theirs[k] = keys[k]


_NO_NAMES = FrozenList()
"""The empty list of names most nodes have (aliases, alternative labels): one for all, since none can change."""


def _names(names: Iterable[str]) -> FrozenList:
    return FrozenList(names) if names else _NO_NAMES


def _heading_attrs(h: Heading) -> FrozenDict:
    return FrozenDict({"kind": h.kind, "number": h.number, "title": h.title, "label": h.label,
                       "alt_labels": _names(h.alt_labels), "file": h.location.path, "line": h.location.line})


def _entry_attrs(e: Entry, aliases: list[str]) -> FrozenDict:
    return FrozenDict({
        "kind": "concept", "number": e.number, "title": e.title, "label": e.label,
        "alt_labels": _names(e.alt_labels), "aliases": _names(aliases), "full": e.full, "simple": e.simple,
        "example": e.example, "file": e.location.path, "line": e.location.line,
        "field_lines": FrozenDict({name: f.line for name, f in e.fields.items()}),
        "words": FrozenDict({name: len(f.text.split()) for name, f in e.fields.items()}),
        "section": section_node_id(e.section_number), "subsection": section_node_id(e.parent),
        "order": e.order,
    })


def _relation_attrs(r: Relation) -> FrozenDict:
    for ev in r.evidence:  # sealed where they are, as _seal does
        if type(ev) is Evidence:
            ev.__class__ = SealedEvidence
    return FrozenDict({"kind": r.kind, "confidence": r.confidence, "rule": r.rule, "curated": r.curated,
                       "evidence": FrozenList(r.evidence)})


NODE_LISTS = ("alt_labels", "aliases")
NODE_DICTS = ("field_lines", "words")
NODE_KEYS = frozenset({"id", "kind", "number", "title", "label", "full", "simple", "example", "file", "line",
                       "section", "subsection", "order", *NODE_LISTS, *NODE_DICTS})
EDGE_KEYS = frozenset({"source", "target", "key", "kind", "confidence", "rule", "curated", "evidence"})
"""The keys of the nodes and edges in graph.json, which a build writes: what each holds is known (a list of
names, a dict of numbers, evidence, else a string, a number, a bool or None), and so is frozen by name as a build's
graph is read back.  Only the keys are checked, all at once in C (0.02 s at hard 10k): looking at each value's
type took 0.05 s."""


def build_graph(corpus: Corpus, mined: Mined) -> nx.MultiDiGraph:
    """The hierarchy of the corpus and the mined relations, as one MultiDiGraph (not yet frozen), each node's and
    edge's attributes made read-only as they are made (:class:`FrozenDict`).

    Concepts and their edges are written straight into networkx's adjacency dicts (``_node``, ``_succ``,
    ``_pred``), with what ``add_nodes_from``/``add_edges_from`` would leave there: networkx makes two view
    objects and copies the attributes twice per edge, a third of this stage on a large corpus.  The evidence
    mining made is sealed where it is (:class:`SealedEvidence`).
    """
    g = nx.MultiDiGraph()
    g.graph.update(sources=[str(p) for p in corpus.sources], curation=list(corpus.curation.paths),
                   mining=mined.report.summary())
    node, succ, pred = g._node, g._succ, g._pred
    for h in corpus.sections:
        if h.node_id not in g:
            g.add_node(h.node_id)
            node[h.node_id] = _heading_attrs(h)
    for h in corpus.subsections:
        if h.node_id not in g:
            g.add_node(h.node_id)
            node[h.node_id] = _heading_attrs(h)
            parent = section_node_id(h.number.split(".")[0])
            if parent in g:
                g.add_edge(h.node_id, parent, key="parent")
                succ[h.node_id][parent]["parent"] = FrozenDict({"kind": "parent", "evidence": None})
    aliases = corpus.curation.aliases
    for e in corpus.entries:
        attrs = _entry_attrs(e, aliases.get(e.id, []))
        if e.id in node:
            node[e.id] = FrozenDict({**node[e.id], **attrs})
        else:
            node[e.id], succ[e.id], pred[e.id] = attrs, {}, {}
    parents = ((e.id, section_node_id(e.parent), "parent", FrozenDict({"kind": "parent", "evidence": None}))
               for e in corpus.entries)
    relations = ((r.source, r.target, r.kind, _relation_attrs(r)) for r in mined.relations)
    for u, v, key, attrs in itertools.chain(parents, relations):
        if u not in succ or v not in succ:  # as add_edge does: an end not yet in the graph becomes a bare node
            for end in (u, v):
                if end not in succ:
                    node[end], succ[end], pred[end] = FrozenDict(), {}, {}
        keys = succ[u].get(v)
        if keys is None:
            succ[u][v] = pred[v][u] = {key: attrs}
        elif key in keys:
            keys[key] = FrozenDict({**keys[key], **attrs})  # the same edge twice: its attributes are updated
        else:
            keys[key] = attrs
    return g


LEADING_WORDS = 6
"""The most first words of a label kept as a start to suggest it by ("softmax" of "Softmax Function")."""


def shown_title(d: dict[str, Any], default: str = "") -> str:
    """A node's title as the views show it (its attributes ``d``; ``default`` if it has none).  A section's or
    subsection's as it reads rendered, emphasis, code spans, links and tags dropped as they are from every label:
    it is only ever shown as a name.  An entry's as written, as its other fields are kept."""
    title = d.get("title", default)
    return title if d.get("kind") == "concept" else plain_title(title)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items, for writers that serialise a list in one call rather than an item a call."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def edge_items(g: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(source, target, key, data) of every edge, in networkx's order, read from its adjacency dicts: its
    edge views make a tuple and copy attributes per edge, and the writers walk every edge of a large graph."""
    for u, nbrs in g._succ.items():
        for v, keys in nbrs.items():
            for k, d in keys.items():
                yield u, v, k, d


_evidence_values = operator.itemgetter(*_EVIDENCE_FIELDS)


def _sealed_evidence(e: Any) -> Evidence:
    """``e`` sealed if it is :class:`Evidence`, else ``Evidence(**e)`` sealed, made from the values by position
    where ``e`` holds its fields and nothing else, as graph.json does: matching a dozen keywords to parameters was
    over a third of the time evidence took to read."""
    if isinstance(e, Evidence):
        return _seal(e)
    try:
        if len(e) == len(_EVIDENCE_FIELDS):
            ev = Evidence(*_evidence_values(e))
            ev.__class__ = SealedEvidence
            return ev
    except (KeyError, TypeError):
        pass
    ev = Evidence(**e)
    ev.__class__ = SealedEvidence
    return ev


def _dataclass_dict(obj: Any) -> dict[str, Any]:
    """A dataclass as orjson writes one, its fields in order, for ``orjson.dumps(default=…)``: evidence as the dict
    :meth:`Evidence.as_dict` makes.  orjson reads a slotted dataclass's fields one by one after failing to find its
    ``__dict__``, which made evidence a third of the time graph.json took to write."""
    if isinstance(obj, Evidence):
        return obj.as_dict()
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def deciding_evidence(d: dict[str, Any]) -> dict[str, Any] | None:
    """The evidence a relation shows: a curation note if curated, else the strongest of the deciding rule.  A
    curator's empty note says nothing: what the text said is shown where there is any, as the map quotes it."""
    evidence = d.get("evidence") or []
    if d.get("curated"):
        notes = [e for e in evidence if e.get("field") == "curation"]
        said = [e for e in notes if e.get("sentence")]
        if said or (notes and len(notes) == len(evidence)):
            return (said or notes)[-1]
        evidence = [e for e in evidence if e.get("field") != "curation"] or evidence
    if len(evidence) == 1:  # most edges
        return evidence[0]
    pool = [e for e in evidence if e.get("rule") == d.get("rule")] or evidence
    return max(pool, key=lambda e: e.get("confidence") or 0.0) if pool else None


def _node_link_problem(data: Any) -> str | None:
    """What makes ``data`` other than node-link data, or None: the message of the InputError, for data that
    :func:`_node_link_graph` could not take in.  It walks the data again, and so only runs once that failed."""
    if not isinstance(data, dict):
        return f"must be an object with nodes and edges, not {type(data).__name__}"
    for key in ("nodes", "edges"):
        if not isinstance(data.get(key), list):
            return f"has no {key} list" if key not in data else f"has {key} that is not a list"
    if not isinstance(data.get("graph", {}), dict):
        return "has a graph that is not an object"
    ids = set()
    for i, node in enumerate(data["nodes"]):
        if not isinstance(node, dict) or "id" not in node:
            return f"node {i} is not an object with an id"
        try:
            ids.add(node["id"])
        except TypeError:
            return f"node {i} has an id that is a list or an object"
    for i, edge in enumerate(data["edges"]):
        missing = [k for k in ("source", "target", "key") if k not in edge] if isinstance(edge, dict) else None
        if missing is None or missing:
            return f"edge {i} is not an object" if missing is None else f"edge {i} has no {', '.join(missing)}"
        for end in ("source", "target"):
            if not isinstance(edge[end], Hashable) or edge[end] not in ids:
                return f"edge {i}'s {end} {edge[end]!r} is not a node"
    return None


def _node_link_graph(data: Any) -> nx.MultiDiGraph:
    """The graph of node-link ``data``, made of its dicts and written straight into networkx's adjacency dicts
    as :func:`build_graph` writes them, with what ``add_nodes_from``/``add_edges_from`` would leave there: those
    copy every dict twice, and took half the time of reading a build's graph once it was parsed.

    The first walk takes the dicts in as they are, and so checks their shape on the way without changing one;
    what it trips on is named by :func:`_node_link_problem`.  Only then are the IDs, ends and keys taken out, and
    each dict copied once into the :class:`FrozenDict` the graph keeps, its evidence sealed :class:`Evidence`, as
    :class:`ConceptGraph` would make it."""
    g = nx.MultiDiGraph()
    node, succ, pred = g._node, g._succ, g._pred
    try:
        if not (isinstance(data, dict) and isinstance(data.get("nodes"), list) and isinstance(data.get("edges"), list)
                and isinstance(data.get("graph", {}), dict)):
            raise TypeError("not node-link data")
        for d in data["nodes"]:
            if not isinstance(d, dict):
                raise TypeError("a node that is not an object")
            n = d["id"]
            if n in node:
                node[n] = {**node[n], **d}  # a node given twice: updated, as networkx does, in a dict of its own
            elif n is None:
                raise ValueError("None cannot be a node")  # networkx's error
            else:
                node[n], succ[n], pred[n] = d, {}, {}
        for d in data["edges"]:
            if not isinstance(d, dict):
                raise TypeError("an edge that is not an object")
            u, v, key = d["source"], d["target"], d["key"]
            nbrs = succ[u]
            if v not in succ:
                raise KeyError(v)
            if key is None:
                key = g.new_edge_key(u, v)
            keys = nbrs.get(v)
            if keys is None:
                nbrs[v] = pred[v][u] = {key: d}
            elif key in keys:
                keys[key] = {**keys[key], **d}  # the same edge twice, likewise
            else:
                keys[key] = d
    except (KeyError, TypeError, ValueError):
        problem = _node_link_problem(data)
        if problem is None:
            raise
        raise InputError(f"node-link data {problem} (graph.json as to_node_link writes it)") from None
    g.graph.update(data.get("graph", {}))
    if set().union(*data["nodes"]) <= NODE_KEYS and set().union(*data["edges"]) <= EDGE_KEYS:
        _freeze_by_name(g)  # graph.json as a build writes it
    else:
        for attrs in node.values():
            del attrs["id"]
        for nbrs in succ.values():
            for keys in nbrs.values():
                for attrs in keys.values():
                    del attrs["source"], attrs["target"], attrs["key"]
        _freeze_attrs(g)
    return g


CYCLE_SHOWN = 6


def requires_cycle(g: nx.MultiDiGraph) -> list[str]:
    """The concepts of one cycle of ``requires`` edges, in order, or [] where there is none.  Kahn's algorithm
    over the adjacency dicts (linear, no subgraph made); a cycle is then walked from what it could not order."""
    indegree = dict.fromkeys(g._succ, 0)
    for nbrs in g._succ.values():
        for v, keys in nbrs.items():
            if "requires" in keys:
                indegree[v] += 1
    ready = [n for n, k in indegree.items() if not k]
    while ready:
        for v, keys in g._succ[ready.pop()].items():
            if "requires" in keys:
                indegree[v] -= 1
                if not indegree[v]:
                    ready.append(v)
    left = {n for n, k in indegree.items() if k}
    if not left:
        return []
    # every node left has a requires edge from another node left; walking those edges backwards meets one again
    n, seen = next(iter(sorted(left))), {}
    while n not in seen:
        seen[n] = len(seen)
        n = next(u for u, keys in g._pred[n].items() if "requires" in keys and u in left)
    walk = list(seen)[seen[n]:]
    return walk[::-1]


def _frozen_node(attrs: dict[str, Any]) -> FrozenDict:
    """A node's attributes as graph.json holds them (the keys a build writes, ``id`` taken out), made frozen: the
    lists and dicts among them are known by their keys."""
    for k in NODE_LISTS:
        if type(v := attrs.get(k)) is list:
            attrs[k] = FrozenList(v) if v else _NO_NAMES
    for k in NODE_DICTS:
        if type(v := attrs.get(k)) is dict:
            attrs[k] = FrozenDict(v)
    return FrozenDict(attrs)


def _frozen_edge_by_name(attrs: dict[str, Any]) -> FrozenDict:
    """An edge's attributes as graph.json holds them (``source``, ``target`` and ``key`` taken out), made frozen."""
    if type(found := attrs.get("evidence")) is list:
        attrs["evidence"] = _frozen_evidence(found)
    return FrozenDict(attrs)


def _freeze_by_name(g: nx.MultiDiGraph) -> None:
    """The attributes of a graph read from graph.json, whose nodes and edges have only the keys a build writes
    (:data:`NODE_KEYS`, :data:`EDGE_KEYS`), made frozen, their ``id``, ``source``, ``target`` and ``key`` taken
    out."""
    node = g._node
    for n, attrs in node.items():
        del attrs["id"]
        node[n] = _frozen_node(attrs)
    for nbrs in g._succ.values():
        for keys in nbrs.values():
            for key, attrs in keys.items():
                del attrs["source"], attrs["target"], attrs["key"]
                keys[key] = _frozen_edge_by_name(attrs)


NODE_LINK_HEAD = b'{"directed":true,"multigraph":true,"graph":'
_NODES_OPEN, _EDGES_OPEN, _NODE_LINK_END = b',"nodes":[\n', b'],"edges":[\n', b"]}\n"


def _items(lines: Iterator[bytes], digest: Any, end: bytes) -> Iterator[dict[str, Any]]:
    """The items of graph.json's lines up to the line ``end``, each line added to ``digest``; ValueError where the
    file ends first."""
    for line in lines:
        digest.update(line)
        if line == end:
            return
        yield orjson.loads(line.rstrip(b",\n"))
    raise ValueError("graph.json ends before its end")


def read_node_link_lines(f: BinaryIO, place: Callable[[str], str] | None = None,
                         settle: Callable[[dict[str, Any]], None] | None = None) -> tuple[nx.MultiDiGraph, str] | None:
    """graph.json as :meth:`ConceptGraph.write_node_link` writes it, a node or an edge a line, each taken in and
    frozen as it is read, and the SHA-256 of the file's bytes.  Parsed whole, it was held three times over (its
    bytes, orjson's parse, the parsed objects): 3.4 GiB to answer `mlkg prereqs` on a 100k build.

    ``place`` is given each file path a node or evidence names, and returns it as it is to be kept (named from
    here); strings evidence repeats are kept once.  ``settle`` is given the graph's own attributes last.  None
    where the file is not laid out so, or an item is not as a build writes it: :meth:`ConceptGraph.from_node_link`
    reads such a file whole, and says what is wrong."""
    digest = hashlib.sha256()
    lines = iter(f)
    head = next(lines, b"")
    digest.update(head)
    if not (head.startswith(NODE_LINK_HEAD) and head.endswith(_NODES_OPEN)):
        return None
    strings: dict[str, str] = {}
    keep = strings.setdefault  # keep(x, x): the one copy of x
    place = place or (lambda path: keep(path, path))
    g = nx.MultiDiGraph()
    node, succ, pred = g._node, g._succ, g._pred
    try:
        about = orjson.loads(head[len(NODE_LINK_HEAD):-len(_NODES_OPEN)])
        if type(about) is not dict:
            return None
        for d in _items(lines, digest, _EDGES_OPEN):
            n = d.pop("id")
            if type(n) is not str or n in node or not d.keys() <= NODE_KEYS:
                return None
            if "file" in d:
                d["file"] = place(d["file"])
            node[n], succ[n], pred[n] = _frozen_node(d), {}, {}
        for d in _items(lines, digest, _NODE_LINK_END):
            u, v, key = d.pop("source"), d.pop("target"), d.pop("key")
            if not d.keys() <= EDGE_KEYS or type(key) is not str or u not in node or v not in node:
                return None
            d["kind"] = keep(d["kind"], d["kind"])
            if "rule" in d:
                d["rule"] = keep(d["rule"], d["rule"])
            for e in d.get("evidence") or ():
                e["file"] = place(e["file"])
                for k in ("source", "target", "field", "rule", "vote"):
                    e[k] = keep(e[k], e[k])
            nbrs = succ[u]
            keys = nbrs.get(v)
            if keys is None:
                nbrs[v] = pred[v][u] = {key: _frozen_edge_by_name(d)}
            elif key in keys:
                return None
            else:
                keys[key] = _frozen_edge_by_name(d)
        if next(lines, None) is not None:  # nothing after the end
            return None
        if settle is not None:
            settle(about)
    except (ValueError, KeyError, TypeError, AttributeError):  # orjson's errors are ValueErrors
        return None
    g.graph.update(about)
    return g, digest.hexdigest()


SHARED_LISTED = 5
"""Places a duplicate-title line names."""


class _Prerequisites(dict):
    """Concept → the concepts it ``requires``, in the order of its edges; each list made as it is looked up."""

    def __init__(self, succ: dict[str, dict[str, dict[str, Any]]]):
        super().__init__()
        self._succ = succ

    def __missing__(self, concept: str) -> list[str]:
        found = self[concept] = [v for v, keys in self._succ[concept].items() if "requires" in keys]
        return found


class ConceptGraph:
    """A built graph, its lookups and the indexes derived from it.  ``cg.graph`` is the networkx graph.

    The graph is frozen: ``networkx.freeze`` for its nodes and edges, and their attributes read-only all the way
    down (:class:`FrozenDict`, :class:`FrozenList`, :class:`SealedEvidence`; a write raises
    :class:`~mlkg.errors.FrozenGraphError`), so that nothing derived from it can go stale.  ``graph`` becomes
    this object's: a graph made elsewhere is frozen where it is.

    ``built``: the graph is one :func:`build_graph` or :meth:`from_node_link` made, whose attributes are frozen
    and whose evidence is :class:`Evidence` already, so its nodes and edges are not walked again (0.6 s on hard
    10k's graph, each value looked at).
    """

    def __init__(self, graph: nx.MultiDiGraph, built: bool = False):
        if not built:
            _freeze_attrs(graph)
        graph.graph = frozen(graph.graph)
        self.graph = nx.freeze(graph)
        self._derived: dict[Hashable, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        # the graph as it is, its attributes pickled frozen, so not walked again; what it derived is made again
        # where it is unpickled
        return {"graph": self.graph, "frozen": True}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["graph"], built=state.get("frozen", False))

    @classmethod
    def from_node_link(cls, data: dict[str, Any], consume: bool = False):
        """The graph :meth:`to_node_link` wrote (``graph.json``), made of read-only copies of ``data``'s dicts.

        ``data`` is left as it was; with ``consume`` (data nobody else holds, as a build's graph.json just parsed)
        its node and edge dicts are taken apart instead of copied first, left without their ``id``, ``source``,
        ``target`` and ``key``.  Data of another shape raises :class:`~mlkg.errors.InputError` naming what is
        missing, before any dict is taken apart."""
        if not consume and isinstance(data, dict):
            data = {**data, **{part: [dict(d) if isinstance(d, dict) else d for d in data[part]]
                               for part in ("nodes", "edges") if isinstance(data.get(part), list)}}
        return cls._read_back(_node_link_graph(data))

    @classmethod
    def from_node_link_lines(cls, f: BinaryIO, place: Callable[[str], str] | None = None,
                             settle: Callable[[dict[str, Any]], None] | None = None):
        """(the graph, the SHA-256 of the bytes read) of graph.json as :meth:`write_node_link` writes it, each item
        taken in as it is read (see :func:`read_node_link_lines`), or None for a file laid out otherwise: read
        that with :meth:`from_node_link`."""
        read = read_node_link_lines(f, place, settle)
        return None if read is None else (cls._read_back(read[0]), read[1])

    @classmethod
    def _read_back(cls, g: nx.MultiDiGraph):
        if cycle := requires_cycle(g):
            shown = " → ".join(cycle[:CYCLE_SHOWN] + (["…"] if len(cycle) > CYCLE_SHOWN else []) + cycle[:1])
            raise InputError(f"node-link data has a cycle of requires edges ({shown}), which no learning order "
                             "can follow and mlkg build never writes: build the graph again")
        return cls(g, built=True)

    def to_node_link(self) -> dict[str, Any]:
        """What ``networkx.node_link_data(graph, edges="edges")`` returns."""
        return nx.node_link_data(self.graph, edges="edges")

    def write_node_link(self, f: BinaryIO) -> str:
        """Write :meth:`to_node_link` as compact JSON into ``f``, item by item (a large graph's JSON never
        exists whole in memory); returns the SHA-256 of what was written."""
        digest = hashlib.sha256()

        def put(data: bytes | memoryview) -> None:
            digest.update(data)
            f.write(data)

        def put_items(items: Iterator[dict[str, Any]]) -> None:
            # one a line, so that read_node_link_lines can take each in as it reads it
            dumps = functools.partial(orjson.dumps, default=_dataclass_dict, option=orjson.OPT_PASSTHROUGH_DATACLASS)
            first = True
            for chunk in chunked(items, 1000):
                put((b"" if first else b",\n") + b",\n".join(map(dumps, chunk)))
                first = False
            if not first:
                put(b"\n")

        g = self.graph
        put(orjson.dumps({"directed": True, "multigraph": True, "graph": g.graph})[:-1] + _NODES_OPEN)
        put_items({**d, "id": n} for n, d in g._node.items())
        put(_EDGES_OPEN)
        put_items({**d, "source": u, "target": v, "key": k} for u, v, k, d in edge_items(g))
        put(_NODE_LINK_END)
        return digest.hexdigest()

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per graph: where views keep what they derive (a store, a page)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def kept(self, key: Hashable) -> Any:
        """What :meth:`derived` keeps under ``key``, or None if nothing made it yet."""
        return self._derived.get(key)

    # what the graph holds ---------------------------------------------------------------
    @property
    def sources(self) -> list[Path]:
        return [Path(p) for p in self.graph.graph.get("sources", [])]

    @property
    def mining(self) -> dict[str, Any] | None:
        return self.graph.graph.get("mining")

    @cached_property
    def entries(self) -> dict[str, dict[str, Any]]:
        """Concept ID → its node's attributes, in document order; read-only, as they are."""
        found = [(d["order"], n, d) for n, d in self.graph.nodes(data=True) if d["kind"] == "concept"]
        return FrozenDict({n: d for _, n, d in sorted(found, key=lambda t: t[0])})

    @cached_property
    def requires_index(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """(prerequisites of each concept, dependents of each concept): the ``requires`` edges both ways."""
        down: dict[str, list[str]] = {c: [] for c in self.entries}
        up: dict[str, list[str]] = {c: [] for c in self.entries}
        for u, nbrs in self.graph._succ.items():  # networkx's edge view makes a tuple per edge, of all kinds
            for v, keys in nbrs.items():
                if "requires" in keys:
                    down[u].append(v)
                    up[v].append(u)
        return down, up

    @cached_property
    def prerequisite_lists(self) -> dict[str, list[str]]:
        """The first half of :attr:`requires_index`, each concept's list made when ``[]`` first looks it up (``in``
        and ``get`` see only those): a learning plan reads the concepts it reaches, where the index walks every
        edge (0.9 s at 100k concepts)."""
        return _Prerequisites(self.graph._succ)

    @cached_property
    def _names(self) -> dict[str, dict[str, str]]:
        """Node kind → {a name's singular key: the one node of that kind it names}.  Of two nodes with a name, the
        one whose name it is the more takes it (label or title, then an alternative label, an alias, the ID read
        as words): "Experience Replay" is the label of experience-replay and only an alternative label of
        rehearsal.  A name two nodes have at the same rank names neither (:attr:`_ambiguous`): taking the first
        in document order picked one silently."""
        return self._name_index[0]

    @cached_property
    def _ambiguous(self) -> dict[str, dict[str, list[str]]]:
        """Node kind → {a name's singular key: the nodes that have it at the same best rank, in document order}."""
        return self._name_index[1]

    @cached_property
    def _name_index(self) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, list[str]]]]:
        best: dict[str, dict[str, tuple[int, list[str]]]] = {"concept": {}, "subsection": {}, "section": {}}
        for n, d in self.graph.nodes(data=True):
            ranked = ((0, d["label"]), (0, d["title"]), *((1, x) for x in d.get("alt_labels", [])),
                      *((2, x) for x in d.get("aliases", [])), (3, n.replace("-", " ")))
            names = best[d["kind"]]
            for rank, x in ranked:
                key = name_key(x)
                found = names.get(key)
                if found is None or rank < found[0]:
                    names[key] = (rank, [n])
                elif rank == found[0] and found[1][-1] != n:  # a node's names come together: only the last can be n
                    found[1].append(n)
        unique = {kind: {k: ns[0] for k, (_, ns) in names.items() if len(ns) == 1} for kind, names in best.items()}
        shared = {kind: {k: ns for k, (_, ns) in names.items() if len(ns) > 1} for kind, names in best.items()}
        return unique, shared

    @cached_property
    def _titles(self) -> dict[str, str]:
        """A concept's whole title or label, as looked up (its key) → the concept, where no other has it."""
        names = self._names["concept"]
        return {k: n for n, d in self.entries.items() for k in (name_key(d["title"]), name_key(d["label"]))
                if names.get(k) == n}

    def _title_of_another(self, node_id: str, folded: str, wanted: str) -> str | None:
        """The concept whose title or label ``node_id`` is, where it is also ``folded``'s ID in other letters
        ("Encoder-Decoder": 11.4.3's ID in capitals, 15.2.2's title): which one is meant is not guessed."""
        titled = self._titles.get(wanted)
        return titled if titled is not None and titled != folded and node_id.strip() != folded else None

    @cached_property
    def _closed_names(self) -> dict[str, list[str]]:
        """A concept's label, title or ID closed up, without spaces or hyphens ("kmeans", "tsne") → the concepts
        so written: what a user types for "K-Means" or "t-SNE", looked up only where no name matched as written."""
        closed: dict[str, list[str]] = {}
        for n, d in self.entries.items():
            for x in dict.fromkeys(name_key(y).replace(" ", "") for y in (d["label"], d["title"], n)):
                closed.setdefault(x, []).append(n)
        return closed

    @cached_property
    def _leading_names(self) -> dict[str, list[str]]:
        """The first words of a concept's label ("softmax" of "Softmax Function") → the concepts whose label
        begins so: the first suggestions for a name that matched none.  Not taken for the concept itself: "gradient"
        begins Gradient Boosting's label without naming it."""
        leading: dict[str, list[str]] = {}
        for n, d in self.entries.items():
            words = name_key(d["label"]).split()
            for k in range(1, min(len(words), LEADING_WORDS + 1)):  # a title of 8,000 words: not its every start
                leading.setdefault(" ".join(words[:k]), []).append(n)
        return leading

    @cached_property
    def _id_words(self) -> dict[str, str]:
        """A concept's ID read as words, as :attr:`_names` keys it → the concept."""
        return {name_key(n.replace("-", " ")): n for n in self.entries}

    def _order(self, concept: str) -> int:
        return self.graph.nodes[concept]["order"]

    @cached_property
    def _folded_ids(self) -> dict[str, str]:
        """A node ID as typed in any case ("MAE" for mae) → the node: an ID is a name no other node can share."""
        return {fold(n).casefold(): n for n in self.graph}

    def duplicate_titles(self) -> list[str]:
        """One line per title or label two or more entries share (as a reader sees it, in any case), naming each
        entry's place: each is then found only by its ID or number, and a reader of the map cannot tell them apart.
        Not an error: a corpus may hold one concept twice on purpose, under two sections.  At most
        :data:`SHARED_LISTED` places a line: a name a thousand entries share makes a line, not a page."""
        lines = []
        for name, ids in self._shared_labels:
            first = self.entries[ids[0]]
            places = ", ".join(f"{n} ({self.entries[n]['number']}, {self.entries[n]['file']}:"
                               f"{self.entries[n]['line']})" for n in ids[:SHARED_LISTED])
            more = f" and {len(ids) - SHARED_LISTED} more" if len(ids) > SHARED_LISTED else ""
            what = f"have the title {first['title']!r}" if all(
                name_key(self.entries[n]["title"]) == name_key(first["title"]) for n in ids) \
                else f"share the name {name!r}"
            lines.append(f"{len(ids)} entries {what}: {places}{more}; a name they share finds neither: give them "
                         "different titles, or name them by ID")
        return lines

    @cached_property
    def _shared_labels(self) -> list[tuple[str, list[str]]]:
        """(the name, the entries it names alike) for each title or label several entries share, in document
        order."""
        seen: set[tuple[str, ...]] = set()
        out = []
        for n, d in self.entries.items():
            for x in (d["title"], d["label"]):
                ids = self._ambiguous["concept"].get(name_key(x))
                if ids and ids[0] == n and tuple(ids) not in seen:
                    seen.add(tuple(ids))
                    out.append((x, ids))
        return out

    @cached_property
    def _entry_numbers(self) -> dict[str, str]:
        """An entry's number (``13.1.2``) → its concept: numbers are unique in a corpus."""
        return {d["number"]: n for n, d in self.entries.items()}

    def __contains__(self, node_id: object) -> bool:
        """Whatever ``kg[...]`` takes: an ID, a label, an acronym, an alias or an entry number, of a concept or a
        section; looked up as :meth:`resolve` looks, in its order, without its suggestions on a miss."""
        if not isinstance(node_id, str):
            return False
        if node_id in self.graph:
            return True
        name = fold(node_id.strip())
        wanted = name_key(name)
        folded = self._folded_ids.get(name.casefold())
        if folded is not None:
            return not self._title_of_another(node_id, folded, wanted)  # resolve() refuses that
        for kind in ("concept", "subsection", "section"):
            found = self._names[kind].get(wanted)
            if found is not None:
                # another concept's ID in other words: resolve() refuses it too
                return kind != "concept" or self._id_words.get(wanted) in (None, found)
            if wanted in self._ambiguous[kind]:
                return False
        if name in self._entry_numbers:
            return True
        closed = self._closed_names.get(wanted.replace(" ", ""))
        if closed:
            return len(closed) == 1
        return f"sec:{name}" in self.graph

    def __iter__(self) -> Iterator[str]:
        """Concept IDs in document order, as ``len()`` counts them."""
        return iter(self.entries)

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

    def resolve(self, node_id: str, sections: bool = False, kinds: tuple[str, ...] | None = None) -> str:
        """The node ``node_id`` names: its ID, or a label, acronym or alias (``VAE``, ``Stable Diffusion``), or a
        concept's entry number (``13.1.2``).

        Concepts come first: "GANs" is both a subsection's label and a name of
        the concept ``gan``, and means the concept.  Sections and subsections
        (``sec:13.1``) are only returned with ``sections=True`` (or ``kinds``,
        the node kinds to look for, in order); otherwise naming one is an
        :class:`UnknownConceptError` with suggestions.
        """
        if not isinstance(node_id, str):
            raise InputError(f"a concept is named by a string (its ID, label or alias), not {type(node_id).__name__} "
                             f"{node_id!r}")
        if not node_id.strip():  # every concept would be as near as the next: suggestions would be the first ones
            raise UnknownConceptError(node_id)
        if kinds is None:
            kinds = ("concept", "subsection", "section") if sections else ("concept",)
        if node_id in self.graph and self.graph.nodes[node_id]["kind"] in kinds:
            return node_id
        name = fold(node_id.strip())  # "Ｖａｅ" and "vae", "Café" and "cafe": as search reads them
        folded = self._folded_ids.get(name.casefold())
        wanted = singular_key(name)  # "Autoencoders" and "GANs" find autoencoder and gan
        if folded is not None and self.graph.nodes[folded]["kind"] in kinds:
            if titled := self._title_of_another(node_id, folded, wanted):
                raise AmbiguousNameError(node_id, [(n, self.graph.nodes[n]["number"]) for n in (folded, titled)])
            return folded
        for kind in kinds:
            found = self._names[kind].get(wanted)
            if found is not None:
                # another's ID in other words ("encoder decoders" for encoder-decoder), as typed in capitals above
                if kind == "concept" and (owner := self._id_words.get(wanted)) not in (None, found):
                    raise AmbiguousNameError(node_id, [(n, self.graph.nodes[n]["number"]) for n in
                                                       sorted((found, owner), key=self._order)])
                return found
            shared = self._ambiguous[kind].get(wanted)
            if shared is not None:
                raise AmbiguousNameError(node_id, [(n, self.graph.nodes[n]["number"]) for n in shared])
        if "concept" in kinds and name in self._entry_numbers:  # 13.1.2, as `mlkg show` prints it
            return self._entry_numbers[name]
        if "concept" in kinds and (closed := self._closed_names.get(wanted.replace(" ", ""))):
            if len(closed) == 1:
                return closed[0]
            raise AmbiguousNameError(node_id, [(n, self.graph.nodes[n]["number"]) for n in closed])
        numbered = f"sec:{name}"  # 13.1, where sections are asked for: as the map and /concept/13.1 take it
        if numbered in self.graph and self.graph.nodes[numbered]["kind"] in kinds:
            return numbered
        # a section's node ID, number or title, where a concept was asked for: the error says what it is
        section = next((s for s in (name, f"sec:{name}") if s in self.graph
                        and self.graph.nodes[s]["kind"] in ("section", "subsection")), None) \
            or self._names["subsection"].get(wanted) or self._names["section"].get(wanted)
        begun = self._leading_names.get(wanted, [])[:CANDIDATES_SHOWN] if "concept" in kinds else []
        raise UnknownConceptError(node_id, list(dict.fromkeys([*begun, *self.suggest(node_id)]))[:max(3, len(begun))],
                                  section=self.graph.nodes[section]["number"] if section else None)

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Concept IDs whose ID or label looks most like ``text`` (:func:`~mlkg.errors.similar`), most alike first:
        a typo, or a part of a longer name.  Those that merely contained it came in document order ("a" suggested
        the first three concepts with an "a")."""
        ids = list(self.entries)
        owners = [i for i in ids for _ in range(2)]
        choices = [x for i, d in self.entries.items() for x in (i, d["label"])]
        return list(dict.fromkeys(owners[k] for k in similar(fold(text), choices)))[:n]

    def section_path(self, node_id: str) -> list[str]:
        """Node IDs from the top-level section down to ``node_id``."""
        path = [node_id]
        while True:
            parents = [v for _, v, k in self.graph.out_edges(path[-1], keys=True) if k == "parent"]
            if not parents:
                return path[::-1]
            path.append(parents[0])

    # edges --------------------------------------------------------------------------------
    def edges(self, kind: str | Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Every edge as a plain dict (``source``, ``target``, ``kind``, ``evidence``, …), of the kinds ``kind``
        names (one, or several; None: every kind)."""
        kinds = _edge_kinds(kind)
        return [{"source": u, "target": v, **d} for u, v, k, d in self.graph.edges(keys=True, data=True)
                if kinds is None or k in kinds]

    def out_edges(self, node_id: str, kind: str | Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The edges from the node ``node_id`` names (whatever ``kg[...]`` takes), as :meth:`edges` gives them."""
        kinds = _edge_kinds(kind)
        return [{"source": u, "target": v, **d} for u, v, k, d in
                self.graph.out_edges(self.resolve(node_id, sections=True), keys=True, data=True)
                if kinds is None or k in kinds]

    def in_edges(self, node_id: str, kind: str | Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The edges into the node ``node_id`` names, as :meth:`out_edges`."""
        kinds = _edge_kinds(kind)
        return [{"source": u, "target": v, **d} for u, v, k, d in
                self.graph.in_edges(self.resolve(node_id, sections=True), keys=True, data=True)
                if kinds is None or k in kinds]

    def stats(self) -> dict[str, Any]:
        """Counts of nodes and edges by kind, and what mining dropped or changed."""
        return {**self._stats, "edges": dict(self._stats["edges"])}

    @cached_property
    def _stats(self) -> dict[str, Any]:
        kinds = Counter(d["kind"] for d in self.graph._node.values())
        # straight from the adjacency dicts: networkx's edge views make a tuple per edge, twice over
        by_pair = [keys for nbrs in self.graph._succ.values() for keys in nbrs.values()]
        edges = Counter(k for keys in by_pair for k in keys)
        curated = sum(1 for keys in by_pair for d in keys.values() if d.get("curated"))
        out: dict[str, Any] = {
            "files": len(self.sources),
            "sections": kinds["section"], "subsections": kinds["subsection"], "concepts": kinds["concept"],
            "edges": {**{k: edges.get(k, 0) for k in EDGE_KINDS}, "curated": curated},
        }
        if self.mining is not None:
            out["mining"] = self.mining
        return out

    def __repr__(self) -> str:
        s = self.stats()
        return (f"<{type(self).__name__} {s['concepts']} concepts, {s['edges']['requires']} requires, "
                f"{s['edges']['related']} related>")
