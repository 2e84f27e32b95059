"""The graph as RDF: a SKOS concept scheme plus the mlkg vocabulary (``vocab/mlkg.ttl``).

Sections, subsections and concepts are ``skos:Concept``\\ s (typed more
precisely as ``mlkg:Section``, ``mlkg:Subsection`` and ``mlkg:Concept``)
linked by ``skos:broader``/``skos:narrower``.  A ``requires`` edge is asserted
as ``mlkg:requires`` and a ``related`` edge as ``skos:related`` both ways;
each is also an ``mlkg:Relation`` resource (a qualified relation) with its
kind, confidence, rule, curated flag and the sentence that decided it.  Only
that one piece of evidence goes into RDF (graph.json keeps them all): it is
what a reader needs, and all of them would triple the size of the export.

The triples are made as pyoxigraph terms and written by pyoxigraph, in
every format; a pyoxigraph store of them is the default SPARQL engine.
rdflib is reached (through N-Triples) only by :func:`to_rdflib`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, unquote

import pyoxigraph as ox

from ..atomic import atomic_path
from ..errors import InputError
from ..graph import ConceptGraph
from ..read import example_plain
from .vocab import MLKG, NAMESPACES, ONTOLOGY_PATH, SHAPES_PATH

__all__ = ["DEFAULT_BASE_IRI", "FORMATS", "ONTOLOGY_PATH", "SHAPES_PATH", "base_iri", "prefixes", "serialize",
           "store", "to_rdflib", "triples", "validate", "write"]

DEFAULT_BASE_IRI = "https://mlkg.dev/id/"
PATHS = {"concept": "concept/", "section": "section/", "relation": "relation/"}

# name: (pyoxigraph RdfFormat, file extension, media type)
FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, "ttl", "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt", "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "jsonld", "application/ld+json"),
    "xml": (ox.RdfFormat.RDF_XML, "rdf", "application/rdf+xml"),
    "n3": (ox.RdfFormat.N3, "n3", "text/n3"),
}
_EXTENSIONS = {"ttl": "ttl", "turtle": "ttl", "nt": "nt", "ntriples": "nt", "jsonld": "jsonld", "json": "jsonld",
               "rdf": "xml", "xml": "xml", "owl": "xml", "n3": "n3"}
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")  # what quote() leaves as it is
_SEP = "--"  # never inside a concept ID (slugs have single hyphens), so relation IRIs cannot collide


def _n(term: Any) -> ox.NamedNode:
    return ox.NamedNode(str(term))


_SKOS = {t: _n(NAMESPACES["skos"] + t) for t in (
    "Concept", "ConceptScheme", "inScheme", "notation", "prefLabel", "altLabel", "definition", "example",
    "topConceptOf", "hasTopConcept", "broader", "narrower", "related")}
_MLKG = {t: _n(getattr(MLKG, t)) for t in MLKG.__annotations__}
_A = _n(NAMESPACES["rdf"] + "type")
_IDENTIFIER, _TITLE, _DESCRIPTION = (_n(NAMESPACES["dcterms"] + t) for t in ("identifier", "title", "description"))
_VALUE, _DERIVED = _n(NAMESPACES["prov"] + "value"), _n(NAMESPACES["prov"] + "wasDerivedFrom")
_DECIMAL, _INTEGER, _BOOLEAN = (_n(NAMESPACES["xsd"] + t) for t in ("decimal", "integer", "boolean"))


def _quote(text: str) -> str:
    """Percent-encode for an IRI path segment; IDs and numbers, which need none, pass straight through."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="-._~")


def base_iri(value: str | None = None) -> str:
    """The base IRI to mint node IRIs under: ``value`` checked, or :data:`DEFAULT_BASE_IRI`.

    A base without a trailing ``/`` or ``#`` gets a ``/``, so that
    ``https://example.org/kg`` means ``https://example.org/kg/concept/vae``.
    """
    if not value:
        return DEFAULT_BASE_IRI
    iri = value.strip()
    if not iri.endswith(("/", "#")):
        iri += "/"
    try:
        ox.NamedNode(iri)
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
    return f"{base}relation/" + _SEP.join(_quote(x) for x in (source, kind, target))


def node_id(base: str, iri: str) -> str | None:
    """The graph node ID an IRI names (the inverse of :func:`node_iri`), or None."""
    for path, prefix in (("concept/", ""), ("section/", "sec:")):
        head = base + path
        if iri.startswith(head) and "/" not in iri[len(head):]:
            return prefix + unquote(iri[len(head):])
    return None


@cache
def _ontology() -> tuple[ox.Triple, ...]:
    return tuple(q.triple for q in ox.parse(path=ONTOLOGY_PATH, format=ox.RdfFormat.TURTLE))


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{float(value):.6f}".rstrip("0").removesuffix(".") or "0", datatype=_DECIMAL)


def deciding_evidence(d: dict[str, Any]) -> dict[str, Any] | None:
    """The evidence a relation shows: a curation note if curated, else the strongest of the deciding rule."""
    evidence = d.get("evidence") or []
    if d.get("curated"):
        notes = [e for e in evidence if e.get("field") == "curation"]
        if notes:
            return notes[-1]
    pool = [e for e in evidence if e.get("rule") == d.get("rule")] or evidence
    return max(pool, key=lambda e: e.get("confidence") or 0.0) if pool else None


class _Literals(dict):
    """Literals made once per value: kinds, rules, files and numbers repeat thousands of times."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, value):
        made = self[value] = self.make(value)
        return made


_TRUE, _FALSE = ox.Literal("true", datatype=_BOOLEAN), ox.Literal("false", datatype=_BOOLEAN)


def triples(kg: ConceptGraph, base: str | None = None) -> Iterator[ox.Triple]:
    """Every triple of the export: the ontology, the scheme, every node, every edge and its relation."""
    base = base_iri(base)
    g = kg.graph
    skos, m = _SKOS, _MLKG
    node = {n: ox.NamedNode(node_iri(base, n)) for n in g}
    relation = f"{base}relation/"
    quoted = {n: _quote(n) for n in g}
    plain = _Literals(ox.Literal)
    integer = _Literals(lambda n: ox.Literal(str(int(n)), datatype=_INTEGER))
    decimal = _Literals(_decimal)

    yield from _ontology()
    scheme = ox.NamedNode(base + "scheme")
    title = ox.Literal("Machine-learning cheatsheets", language="en")
    yield ox.Triple(scheme, _A, skos["ConceptScheme"])
    yield ox.Triple(scheme, skos["prefLabel"], title)
    yield ox.Triple(scheme, _TITLE, title)
    yield ox.Triple(scheme, _DESCRIPTION, ox.Literal(
        f"{len(kg.entries)} concepts from {len(kg.sources)} cheatsheet file(s), with requires and related edges "
        "mined from their text.", language="en"))
    classes = {"section": m["Section"], "subsection": m["Subsection"], "concept": m["Concept"]}
    for n, d in g.nodes(data=True):
        s, kind, label = node[n], d["kind"], d["label"]
        yield ox.Triple(s, _A, skos["Concept"])
        yield ox.Triple(s, _A, classes[kind])
        yield ox.Triple(s, skos["inScheme"], scheme)
        yield ox.Triple(s, _IDENTIFIER, ox.Literal(n))
        yield ox.Triple(s, skos["notation"], ox.Literal(d["number"]))
        yield ox.Triple(s, skos["prefLabel"], ox.Literal(label, language="en"))
        for alt in dict.fromkeys([*d.get("alt_labels", []), *d.get("aliases", [])]):
            if alt != label:
                yield ox.Triple(s, skos["altLabel"], ox.Literal(alt, language="en"))
        if kind == "concept":
            yield ox.Triple(s, skos["definition"], ox.Literal(d["full"], language="en"))
            yield ox.Triple(s, m["simpleExplanation"], ox.Literal(d["simple"], language="en"))
            yield ox.Triple(s, skos["example"], ox.Literal(example_plain(d["example"])))
            yield ox.Triple(s, m["order"], integer[d["order"]])
        yield ox.Triple(s, m["file"], plain[d["file"]])
        yield ox.Triple(s, m["line"], integer[d["line"]])
        if kind == "section":
            yield ox.Triple(s, skos["topConceptOf"], scheme)
            yield ox.Triple(scheme, skos["hasTopConcept"], s)
    for u, t, k, d in g.edges(keys=True, data=True):
        s, o = node[u], node[t]
        if k == "parent":
            yield ox.Triple(s, skos["broader"], o)
            yield ox.Triple(o, skos["narrower"], s)
            continue
        if k == "requires":
            yield ox.Triple(s, m["requires"], o)
        else:
            yield ox.Triple(s, skos["related"], o)
            yield ox.Triple(o, skos["related"], s)
        r = ox.NamedNode(f"{relation}{quoted[u]}{_SEP}{k}{_SEP}{quoted[t]}")
        evidence = d.get("evidence") or []
        yield ox.Triple(r, _A, m["Relation"])
        yield ox.Triple(r, m["source"], s)
        yield ox.Triple(r, m["target"], o)
        yield ox.Triple(r, m["kind"], plain[k])
        yield ox.Triple(r, m["confidence"], decimal[d.get("confidence", 1.0)])
        yield ox.Triple(r, m["rule"], plain[d.get("rule") or ""])
        yield ox.Triple(r, m["curated"], _TRUE if d.get("curated") else _FALSE)
        yield ox.Triple(r, m["evidenceCount"], integer[len(evidence)])
        ev = deciding_evidence(d)
        if ev is not None:
            yield ox.Triple(r, _VALUE, ox.Literal(ev.get("sentence") or ""))
            yield ox.Triple(r, m["field"], plain[ev["field"]])
            yield ox.Triple(r, m["line"], integer[ev.get("line") or 0])
            yield ox.Triple(r, m["file"], plain[ev.get("file") or ""])
            if ev.get("cue"):
                yield ox.Triple(r, m["cue"], ox.Literal(ev["cue"]))
            if ev["field"] != "curation" and ev.get("source") in node:
                yield ox.Triple(r, _DERIVED, node[ev["source"]])


def store(kg: ConceptGraph, base: str | None = None) -> ox.Store:
    """An in-memory pyoxigraph store holding the export; made once per graph and base IRI."""
    base = base_iri(base)

    def make() -> ox.Store:
        s = ox.Store()
        s.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples(kg, base))
        return s
    return kg.derived(("rdf-store", base), make)


def format_name(fmt: str | None = None, path: str | Path | None = None) -> str:
    """A format name (``ttl``, ``nt``, ``jsonld``, ``xml``, ``n3``), guessed from ``path`` when not given."""
    if fmt is None:
        if path is None or str(path) == "-":
            return "ttl"
        return _EXTENSIONS.get(Path(path).suffix.lstrip(".").lower(), "ttl")
    name = _EXTENSIONS.get(fmt.lower())
    if name is None:
        raise InputError(f"unknown RDF format {fmt!r}; use one of {', '.join(FORMATS)}")
    return name


def serialize_triples(items, fmt: str = "ttl", base: str | None = None, output: IO[bytes] | None = None):
    """Write triples (the export, a CONSTRUCT result) in one of :data:`FORMATS`: bytes, or into ``output``.

    JSON-LD gets the export's prefixes as its ``@context`` and compact IRIs, so it reads as plain JSON too.
    """
    fmt = format_name(fmt)
    pfx = prefixes(base)
    if fmt == "jsonld":
        expanded = json.loads(ox.serialize(items, format=ox.RdfFormat.JSON_LD) or b"[]")
        data = json.dumps({"@context": pfx, "@graph": _compact(expanded, pfx)}, ensure_ascii=False,
                          indent=1).encode("utf-8")
        if output is None:
            return data
        output.write(data)
        return None
    return ox.serialize(items, output, FORMATS[fmt][0], prefixes=pfx if fmt in ("ttl", "xml", "n3") else None)


def _compact(value: Any, pfx: dict[str, str]) -> Any:
    """Expanded JSON-LD with IRIs shortened to ``prefix:local`` where a prefix covers them."""
    spaces = sorted(pfx.items(), key=lambda kv: -len(kv[1]))

    def short(iri: str) -> str:
        for name, ns in spaces:
            if iri.startswith(ns) and iri != ns:
                return f"{name}:{iri[len(ns):]}"
        return iri

    def walk(x: Any) -> Any:
        if isinstance(x, list):
            return [walk(i) for i in x]
        if isinstance(x, dict):
            out = {}
            for k, val in x.items():
                key = k if k.startswith("@") else short(k)
                if k in ("@id", "@type"):
                    out[key] = [short(i) for i in val] if isinstance(val, list) else short(val)
                else:
                    out[key] = walk(val)
            return out
        return x
    return walk(value)


def serialize(kg: ConceptGraph, fmt: str = "ttl", base: str | None = None, output: IO[bytes] | None = None):
    """The whole export in ``fmt``: bytes, or written into ``output``."""
    return serialize_triples(triples(kg, base), fmt, base, output)


def turtle(kg: ConceptGraph, base: str | None = None) -> bytes:
    """The whole export as Turtle, made once per graph and base IRI."""
    base = base_iri(base)
    return kg.derived(("turtle", base), lambda: serialize(kg, "ttl", base))


def write(kg: ConceptGraph, path: str | Path, fmt: str | None = None, base: str | None = None) -> Path:
    """Write the export to ``path`` atomically; the format comes from ``fmt`` or the file extension."""
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        serialize(kg, format_name(fmt, path), base, f)
    return path


def to_rdflib(kg: ConceptGraph, base: str | None = None):
    """The export as an :class:`rdflib.Graph`, with our prefixes bound (parsed from N-Triples)."""
    import rdflib

    graph = rdflib.Graph()
    for name, ns in prefixes(base).items():
        graph.bind(name, ns, override=True)
    graph.parse(data=serialize(kg, "nt", base), format="nt")
    return graph


def validate(data: Any, shapes: str | Path | None = None) -> tuple[bool, str]:
    """Check an export against the shipped SHACL shapes; returns (conforms, report text).

    ``data`` is a graph, an :class:`rdflib.Graph`, or a path to an RDF file.
    Needs pyshacl (a test dependency).
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
