"""The graph as RDF: a SKOS concept scheme plus the mlkg vocabulary (``mlkg/vocab/mlkg.ttl``).

Sections, subsections and concepts are ``skos:Concept``\\ s (typed more
precisely as ``mlkg:Section``, ``mlkg:Subsection`` and ``mlkg:Concept``)
linked by ``skos:broader``/``skos:narrower``.  A ``requires`` edge is asserted
as ``mlkg:requires`` and a ``related`` edge as ``skos:related`` both ways;
each is also an ``mlkg:Relation`` resource (a qualified relation) with its
kind, confidence, rule, curated flag and the sentence that decided it.  Only
that one piece of evidence goes into RDF (graph.json keeps them all): it is
what a reader needs, and all of them would triple the size of the export.

The export is written once as Turtle text and cached on the
:class:`~mlkg.graph.KnowledgeGraph`; a pyoxigraph store loaded from it is the
default SPARQL engine and writes the other formats, both in Rust.  rdflib is
only reached (through N-Triples) for :func:`to_rdflib`.  Both libraries are
imported inside functions, so commands that never touch RDF never load them.
"""

from __future__ import annotations

import json
import re
import weakref
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    import pyoxigraph
    import rdflib

    from .graph import KnowledgeGraph

DEFAULT_BASE_IRI = "https://mlkg.dev/id/"
VOCAB = "https://mlkg.dev/vocab#"
VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
ONTOLOGY_PATH = VOCAB_DIR / "mlkg.ttl"
SHAPES_PATH = VOCAB_DIR / "shapes.ttl"

NAMESPACES = {
    "mlkg": VOCAB,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Where each kind of resource lives under the base IRI; also the prefixes of exports and queries.
PATHS = {"concept": "concept/", "section": "section/", "relation": "relation/"}

# name: (pyoxigraph RdfFormat attribute, file extension, media type)
FORMATS = {
    "ttl": ("TURTLE", "ttl", "text/turtle"),
    "nt": ("N_TRIPLES", "nt", "application/n-triples"),
    "jsonld": ("JSON_LD", "jsonld", "application/ld+json"),
    "xml": ("RDF_XML", "rdf", "application/rdf+xml"),
}
_EXTENSIONS = {"ttl": "ttl", "turtle": "ttl", "nt": "nt", "ntriples": "nt", "jsonld": "jsonld", "json": "jsonld",
               "rdf": "xml", "xml": "xml", "owl": "xml"}

_SAFE = "-._~"
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")  # what quote() leaves as it is


def _quote(text: str) -> str:
    """Percent-encode for an IRI path segment; IDs and numbers, which need none, pass straight through."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe=_SAFE)

_SEP = "--"  # never inside a concept ID (slugs have single hyphens), so relation IRIs cannot collide


def base_iri(value: str | None = None) -> str:
    """The base IRI to mint node IRIs under: ``value`` checked, or :data:`DEFAULT_BASE_IRI`.

    A base without a trailing ``/`` or ``#`` gets a ``/``, so that
    ``https://example.org/kg`` means ``https://example.org/kg/concept/vae``.
    """
    if value is None or value == "":
        return DEFAULT_BASE_IRI
    from pyoxigraph import NamedNode

    iri = value.strip()
    if not iri.endswith(("/", "#")):
        iri += "/"
    try:
        NamedNode(iri)
    except ValueError as exc:
        raise InputError(f"base IRI {value!r} is not an absolute IRI ({exc}); "
                         f"use one such as {DEFAULT_BASE_IRI}") from None
    return iri


def prefixes(base: str | None = None) -> dict[str, str]:
    """Prefixes for exports and queries: the vocabularies, and ``concept:``/``section:``/… under ``base``."""
    base = base_iri(base)
    return {**NAMESPACES, **{name: base + path for name, path in PATHS.items()}}


def concept_iri(base: str, concept_id: str) -> str:
    return f"{base}concept/{_quote(concept_id)}"


def section_iri(base: str, number: str) -> str:
    return f"{base}section/{_quote(number)}"


def node_iri(base: str, node_id: str) -> str:
    """The IRI of a graph node: ``sec:13.1`` → ``{base}section/13.1``, ``vae`` → ``{base}concept/vae``."""
    if node_id.startswith("sec:"):
        return section_iri(base, node_id[4:])
    return concept_iri(base, node_id)


def relation_iri(base: str, source: str, kind: str, target: str) -> str:
    return f"{base}relation/{_relation_key(source, kind, target)}"


def _relation_key(source: str, kind: str, target: str) -> str:
    return _SEP.join(_quote(x) for x in (source, kind, target))


def node_id(base: str, iri: str) -> str | None:
    """The graph node ID an IRI names (the inverse of :func:`node_iri`), or None."""
    for path, prefix in (("concept/", ""), ("section/", "sec:")):
        head = base + path
        if iri.startswith(head) and "/" not in iri[len(head):]:
            return prefix + unquote(iri[len(head):])
    return None


@cache
def _ontology(base: str) -> str:
    """The shipped vocabulary (``vocab/mlkg.ttl``) as Turtle with our prefix lines, opening every export."""
    import pyoxigraph as ox

    quads = ox.parse(path=ONTOLOGY_PATH, format=ox.RdfFormat.TURTLE)
    body = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.TURTLE, prefixes=prefixes(base))
    header = "".join(f"@prefix {name}: <{ns}> .\n" for name, ns in prefixes(base).items())
    return header + "\n" + "".join(line + "\n" for line in body.decode("utf-8").splitlines()
                                   if line and not line.startswith("@prefix "))


_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?\Z")


# JSON's string escapes (\\, \", \n, \uXXXX …) are all valid in Turtle; this is json's C encoder.
_string = json.encoder.encode_basestring


def _decimal(value: float) -> str:
    """An xsd:decimal in the lexical form pyoxigraph's store keeps, so a dump compares equal to the export."""
    text = f"{float(value):.6f}".rstrip("0")
    return f'"{text[:-1]}"^^xsd:decimal' if text.endswith(".") else text


def _evidence(d: dict[str, Any]) -> dict[str, Any] | None:
    """The evidence a relation shows: a curation note if curated, else the strongest of the deciding rule."""
    evidence = d.get("evidence") or []
    if d.get("curated"):
        notes = [e for e in evidence if e.get("field") == "curation"]
        if notes:
            return notes[-1]
    deciding = [e for e in evidence if e.get("rule") == d.get("rule")]
    pool = deciding or evidence
    return max(pool, key=lambda e: e.get("confidence") or 0.0) if pool else None


_HIERARCHY_LINKS = (("parent", "skos:broader"), ("child", "skos:narrower"))
_CROSS_LINKS = (("requires", "mlkg:requires"), ("related", "skos:related"))


class _Names:
    """Prefixed names where Turtle allows them, full IRIs otherwise."""

    def __init__(self, base: str):
        self.pfx = sorted(prefixes(base).items(), key=lambda kv: -len(kv[1]))

    def __call__(self, iri: str) -> str:
        for name, ns in self.pfx:
            if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns):]):
                return f"{name}:{iri[len(ns):]}"
        return f"<{iri}>"


def _generate(kg: KnowledgeGraph, base: str) -> str:
    """The whole export as Turtle text: the ontology, the scheme, every node, every relation.

    Writing the text directly, a subject at a time from f-strings, is several
    times faster than building pyoxigraph terms and serialising them (the
    suite checks that rdflib and pyoxigraph read it into the same graph).
    The first part depends only on the hierarchy, so a build can render it
    early (:func:`prerender`).
    """
    head, tail = _parts(kg, base)
    return (head.decode("utf-8") if isinstance(head, bytes) else head) + tail


def _parts(kg: KnowledgeGraph, base: str) -> tuple[bytes | str, str]:
    """The hierarchy's part (as UTF-8 bytes if :func:`prerender` made it) and the relations' part."""
    early = graph_cache(kg).pop(hierarchy_part(kg, base)[0], None)
    head = early.result() if early is not None else _hierarchy_turtle(kg, base)
    return head, _relations_turtle(kg, base)


def _hierarchy_turtle_bytes(kg: KnowledgeGraph, base: str) -> bytes:
    return _hierarchy_turtle(kg, base).encode("utf-8")


def hierarchy_part(kg: KnowledgeGraph, base: str | None = None) -> tuple[tuple, Any, tuple]:
    """(key, function, arguments) of the part of the Turtle export that the hierarchy fixes, for :func:`prerender`."""
    base = base_iri(base)
    return ("ttl-hierarchy", base), _hierarchy_turtle_bytes, (kg, base)


def prerender(kg: KnowledgeGraph, parts: Iterable[tuple[tuple, Any, tuple]], nice: int = 0) -> Any:
    """Start rendering parts of ``kg``'s exports in one forked child, and return it (None where forking is not safe).

    Each part is a (key, function, arguments) triple such as :func:`hierarchy_part` or
    :func:`mlkg.viz.nodes_part` gives, whose function returns bytes and depends on ``kg``'s hierarchy
    alone: ``kg`` need not have its mined edges yet.  The export that owns a key later finds its
    part done in :func:`graph_cache`.  The child runs with ``nice``.
    """
    from . import perf

    if not perf.can_fork():
        return None
    parts = list(parts)
    child = perf.Forked(_render_parts, [(render, args) for _, render, args in parts], nice=nice)
    cache = graph_cache(kg)
    for i, (key, _, _) in enumerate(parts):
        cache[key] = perf.Part(child, i)
    return child


def _render_parts(parts: list[tuple[Any, tuple]]) -> tuple[bytes, ...]:
    return tuple(render(*args) for render, args in parts)


class _NodeNames(dict):
    """Node ID → its name in Turtle, made when first asked for."""

    def __init__(self, name: _Names, base: str):
        super().__init__()
        self.name, self.base = name, base

    def __missing__(self, n: str) -> str:
        value = self[n] = self.name(node_iri(self.base, n))
        return value


class _Context:
    """What both parts of the export need: prefixed names, and literals used many times, escaped once."""

    def __init__(self, base: str):
        self.name = _Names(base)
        self.node = _NodeNames(self.name, base)
        self.files: dict[Any, str] = {}

    def file(self, path: Any) -> str:
        return self.files.get(path) or self.files.setdefault(path, _string(str(path)))


def _hierarchy_turtle(kg: KnowledgeGraph, base: str) -> str:
    """The ontology, the scheme, and every node with its labels, texts and place in the hierarchy."""
    c = _Context(base)
    g, node = kg.graph, c.node
    aliases = kg.curation.aliases if kg.curation is not None else {}
    scheme = c.name(base + "scheme")
    title = _string("Machine-learning cheatsheets") + "@en"
    about = _string(f"{len(kg.entries)} concepts from {len(kg.sources)} cheatsheet file(s), "
                    "with requires and related edges mined from their text.")
    tops = " , ".join(node[n] for n, d in g.nodes(data=True) if d["kind"] == "section")
    out = [_ontology(base), "\n", f"{scheme} a skos:ConceptScheme ;\n    skos:prefLabel {title} ;\n"
           f"    dcterms:title {title} ;\n    dcterms:description {about}@en"
           + (f" ;\n    skos:hasTopConcept {tops}" if tops else "") + " .\n\n"]
    add = out.append
    classes = {"section": "mlkg:Section", "subsection": "mlkg:Subsection", "concept": "mlkg:Concept"}
    links: dict[str, dict[str, list[str]]] = {n: {} for n in g.nodes}
    for u, v, k in g.edges(keys=True):
        if k == "parent":
            links[u].setdefault(k, []).append(node[v])
            links[v].setdefault("child", []).append(node[u])
    for n, d in g.nodes(data=True):
        kind, label = d["kind"], d["label"]
        text = (f"{node[n]} a skos:Concept , {classes[kind]} ;\n    skos:inScheme {scheme} ;\n"
                f"    dcterms:identifier {_string(n)} ;\n    skos:notation {_string(d['number'])} ;\n"
                f"    skos:prefLabel {_string(label)}@en")
        alts = [x for x in dict.fromkeys([*d.get("alt_labels", []), *aliases.get(n, [])]) if x != label]
        if alts:
            text += " ;\n    skos:altLabel " + " , ".join(_string(x) + "@en" for x in alts)
        if kind == "concept":
            entry = kg.entries.get(n)
            example = entry.example_plain if entry is not None else d["example"]
            text += (f" ;\n    skos:definition {_string(d['full'])}@en ;\n"
                     f"    mlkg:simpleExplanation {_string(d['simple'])}@en ;\n"
                     f"    skos:example {_string(example)} ;\n    mlkg:order {int(d['order'])}")
        text += f" ;\n    mlkg:file {c.file(d['file'])} ;\n    mlkg:line {int(d['line'])}"
        if kind == "section":
            text += f" ;\n    skos:topConceptOf {scheme}"
        edges = links[n]
        for key, p in _HIERARCHY_LINKS:
            if key in edges:
                text += f" ;\n    {p} " + " , ".join(edges[key])
        add(text + " .\n\n")
    return "".join(out)


def _relations_turtle(kg: KnowledgeGraph, base: str) -> str:
    """The mined and curated edges: asserted on their nodes, and each as a qualified mlkg:Relation."""
    c = _Context(base)
    g, node = kg.graph, c.node
    out: list[str] = []
    add = out.append
    links: dict[str, dict[str, list[str]]] = {}
    for u, v, k in g.edges(keys=True):
        if k != "parent":
            links.setdefault(u, {}).setdefault(k, []).append(node[v])
            if k == "related":
                links.setdefault(v, {}).setdefault(k, []).append(node[u])
    for n in g.nodes:
        edges = links.get(n)
        if edges:
            add(f"{node[n]} " + " ;\n    ".join(f"{p} " + " , ".join(edges[key])
                                                for key, p in _CROSS_LINKS if key in edges) + " .\n\n")
    decimals: dict[float, str] = {}
    relation = c.name(base + PATHS["relation"] + "x").removesuffix("x")
    qid = {n: _quote(n) for n in g.nodes}
    kinds: dict[str, str] = {}
    for u, v, k, d in g.edges(keys=True, data=True):
        if k == "parent":
            continue
        evidence = d.get("evidence") or []
        conf = d.get("confidence", 1.0)
        key = f"{qid[u]}{_SEP}{kinds.get(k) or kinds.setdefault(k, _quote(k))}{_SEP}{qid[v]}"
        r = relation + key if relation.endswith(":") and _PN_LOCAL.match(key) else c.name(
            base + PATHS["relation"] + key)
        text = (f"{r} a mlkg:Relation ;\n    mlkg:source {node[u]} ;\n"
                f"    mlkg:target {node[v]} ;\n    mlkg:kind {_string(k)} ;\n"
                f"    mlkg:confidence {decimals.get(conf) or decimals.setdefault(conf, _decimal(conf))} ;\n"
                f"    mlkg:rule {_string(d.get('rule') or '')} ;\n"
                f"    mlkg:curated {'true' if d.get('curated') else 'false'} ;\n    mlkg:evidenceCount {len(evidence)}")
        ev = _evidence(d)
        if ev is not None:
            text += (f" ;\n    prov:value {_string(ev.get('sentence') or '')} ;\n"
                     f"    mlkg:field {_string(ev['field'])} ;\n    mlkg:line {int(ev.get('line') or 0)}")
            text += f" ;\n    mlkg:file {c.file(ev.get('file') or '')}"
            if ev["field"] != "curation" and ev.get("source") in g:
                text += f" ;\n    prov:wasDerivedFrom {node[ev['source']]}"
        add(text + " .\n\n")
    return "".join(out)


_CACHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def graph_cache(kg: KnowledgeGraph) -> dict[Any, Any]:
    """Exports and stores made from ``kg``, kept while ``kg`` lives.

    Kept beside the graph rather than in it, so that pickling a graph (the
    build cache does) never tries to pickle a store.  Replacing ``kg.graph``
    or adding nodes drops them.
    """
    stamp = (id(kg.graph), kg.graph.number_of_nodes())
    cached = _CACHES.get(kg)
    if cached is None or cached["stamp"] != stamp:
        cached = _CACHES[kg] = {"stamp": stamp}
    return cached


def turtle(kg: KnowledgeGraph, base: str | None = None) -> str:
    """The whole export (ontology included) as Turtle text; cached on ``kg``.

    A graph read back from a build reads the build's own graph.ttl (see
    :func:`use_export`) rather than writing the same text again.
    """
    base = base_iri(base)
    cached = graph_cache(kg)
    key = ("ttl", base)
    if key not in cached:
        text = None
        path = cached.get(("ttl-file", base))
        if path is not None:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
        cached[key] = _generate(kg, base) if text is None else text
    return cached[key]


def _has_turtle(kg: KnowledgeGraph, base: str) -> bool:
    """Whether :func:`turtle` has the text at hand (made already, or a build's file to read)."""
    cached = graph_cache(kg)
    return ("ttl", base) in cached or ("ttl-file", base) in cached


def use_export(kg: KnowledgeGraph, base: str, path: Path) -> None:
    """Let :func:`turtle` read ``path``, the export of exactly this graph under ``base`` (a build's graph.ttl)."""
    graph_cache(kg)[("ttl-file", base_iri(base))] = Path(path)


def store(kg: KnowledgeGraph, base: str | None = None) -> pyoxigraph.Store:
    """An in-memory pyoxigraph store holding the export; cached on ``kg`` for repeated queries and writes."""
    import pyoxigraph as ox

    base = base_iri(base)
    cached = graph_cache(kg)
    key = ("store", base)
    if key not in cached:
        s = ox.Store()
        s.load(turtle(kg, base).encode("utf-8"), format=ox.RdfFormat.TURTLE)
        cached[key] = s
    return cached[key]


def triples(kg: KnowledgeGraph, base: str | None = None) -> list[pyoxigraph.Triple]:
    """Every triple of the export as pyoxigraph terms."""
    return [q.triple for q in store(kg, base)]


def format_name(fmt: str | None = None, path: str | Path | None = None) -> str:
    """Normalise a format name (``ttl``, ``nt``, ``jsonld``, ``xml``), guessing from ``path`` when not given."""
    if fmt is None:
        if path is None:
            return "ttl"
        return _EXTENSIONS.get(Path(path).suffix.lstrip(".").lower(), "ttl")
    name = _EXTENSIONS.get(fmt.lower())
    if name is None:
        raise InputError(f"unknown RDF format {fmt!r}; use one of {', '.join(FORMATS)}")
    return name


def _rdf_format(fmt: str):
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, FORMATS[format_name(fmt)][0])


def serialize_triples(items, fmt: str = "ttl", base: str | None = None, output=None) -> bytes | None:
    """Write pyoxigraph triples (a query's CONSTRUCT result, say) in one of :data:`FORMATS`."""
    import pyoxigraph as ox

    return ox.serialize(items, output, _rdf_format(fmt), prefixes=_prefixes_for(fmt, base))


def _prefixes_for(fmt: str, base: str | None) -> dict[str, str] | None:
    return prefixes(base) if format_name(fmt) in ("ttl", "xml") else None


def serialize(kg: KnowledgeGraph, fmt: str = "ttl", base: str | None = None, output=None) -> bytes | None:
    """The whole export in ``fmt`` (``ttl``, ``nt``, ``jsonld`` or ``xml``): bytes, or written to ``output``."""
    import pyoxigraph as ox

    fmt, base = format_name(fmt), base_iri(base)
    if fmt == "ttl" and output is not None and not _has_turtle(kg, base):
        for part in _parts(kg, base):  # written as they are: no copy of the whole text is made
            output.write(part if isinstance(part, bytes) else part.encode("utf-8"))
        return None
    if fmt == "ttl":
        data = turtle(kg, base).encode("utf-8")
        if output is None:
            return data
        output.write(data)
        return None
    return store(kg, base).dump(output, _rdf_format(fmt), from_graph=ox.DefaultGraph(),
                                prefixes=_prefixes_for(fmt, base))


def write(kg: KnowledgeGraph, path: str | Path, fmt: str | None = None, base: str | None = None) -> Path:
    """Write the export to ``path`` atomically; the format comes from ``fmt`` or the file extension."""
    from .fsutil import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        serialize(kg, format_name(fmt, path), base, f)
    return path


def to_rdflib(kg: KnowledgeGraph, base_iri: str | None = None) -> rdflib.Graph:
    """The export as an :class:`rdflib.Graph`, with our prefixes bound (parsed from N-Triples)."""
    import rdflib

    graph = rdflib.Graph()
    for name, ns in prefixes(base_iri).items():
        graph.bind(name, ns, override=True)
    graph.parse(data=serialize(kg, "nt", base_iri), format="nt")
    return graph


def validate(data: Any, shapes: str | Path | None = None) -> tuple[bool, str]:
    """Check an export against the shipped SHACL shapes; returns (conforms, report text).

    ``data`` is a :class:`~mlkg.graph.KnowledgeGraph`, an :class:`rdflib.Graph`,
    or a path to an RDF file.  Needs pyshacl (a test dependency).
    """
    import pyshacl
    import rdflib

    if isinstance(data, rdflib.Graph):
        graph = data
    elif isinstance(data, str | Path):
        graph = rdflib.Graph().parse(str(data))
    else:
        graph = to_rdflib(data)
    shapes_graph = rdflib.Graph().parse(str(shapes or SHAPES_PATH), format="turtle")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes_graph, inference="none",
                                         advanced=True, allow_warnings=False, inplace=True)
    return bool(conforms), text
