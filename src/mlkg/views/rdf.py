"""The graph as RDF: a SKOS concept scheme plus the mlkg vocabulary (``vocab/mlkg.ttl``).

Sections, subsections and concepts are ``skos:Concept``\\ s (typed more
precisely as ``mlkg:Section``, ``mlkg:Subsection`` and ``mlkg:Concept``)
linked by ``skos:broader``/``skos:narrower``.  A ``requires`` edge is asserted
as ``mlkg:requires`` and a ``related`` edge as ``skos:related`` both ways;
each is also an ``mlkg:Relation`` resource (a qualified relation) with its
kind, confidence, rule, curated flag and the sentence that decided it.  Only
that one piece of evidence goes into RDF (graph.json keeps them all): it is
what a reader needs, and all of them would triple the size of the export.

The export is defined once, as Turtle text (:func:`turtle_chunks`): making
a pyoxigraph term per triple in Python costs 2.5 µs for a literal, ten times
the cost of its text.  pyoxigraph parses that text, in Rust, into its SPARQL
store (the default engine) and every other format.  rdflib is reached
(through N-Triples) only by :func:`to_rdflib`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, unquote

import pyoxigraph as ox

from ..atomic import output as output_file
from ..errors import InputError
from ..graph import ConceptGraph, chunked, deciding_evidence
from ..read import example_plain
from .vocab import NAMESPACES, ONTOLOGY_PATH, SHAPES_PATH, TERMS

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
_MLKG = {t: _n(NAMESPACES["mlkg"] + t) for t in TERMS}
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
    taken = next((p for p, ns in NAMESPACES.items() if iri.startswith(ns.rstrip("#/"))), None)
    if taken is not None:  # the graph's nodes would be minted as terms of that vocabulary (an RDF review)
        raise InputError(f"base IRI {value!r} is inside the {taken}: vocabulary's namespace ({NAMESPACES[taken]}): "
                         f"the concepts would read as its terms; use one of your own, such as {DEFAULT_BASE_IRI}")
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


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LOCAL = re.compile(r"[A-Za-z0-9_%](?:[A-Za-z0-9_.%-]*[A-Za-z0-9_%-])?")  # a Turtle local name, conservatively


def _escaped(text: str) -> str:
    # Nothing to escape unless a quote, a backslash or a control character (which is never printable) is
    # there; these three scans take two thirds of the time of a regex search, and most texts pass them
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if text.isprintable():  # no other control character (most texts: their line breaks were all)
        return text
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def _string(text: str) -> str:
    return f'"{_escaped(text)}"'


def _english(text: str) -> str:
    return f'"{_escaped(text)}"@en'


def _decimal_text(value: float) -> str:
    return f'"{f"{float(value):.6f}".rstrip("0").removesuffix(".") or "0"}"^^xsd:decimal'


class _Terms(dict):
    """Turtle text made once per value: IRIs, kinds, rules, files and numbers repeat thousands of times."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, value):
        made = self[value] = self.make(value)
        return made


def _iri(prefixes: dict[str, str]):
    """IRI → its Turtle form, made once per IRI."""
    return _Terms(_iri_maker(prefixes))


def _iri_maker(prefixes: dict[str, str]):
    """IRI → its Turtle form: ``prefix:local`` where a prefix covers it and the rest is a safe local name."""
    spaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def make(iri: str) -> str:
        for name, ns in spaces:
            if iri.startswith(ns) and _LOCAL.fullmatch(iri, len(ns)):
                return f"{name}:{iri[len(ns):]}"
        return f"<{iri}>"
    return make


@cache
def _ontology_text() -> str:
    return ox.serialize(ox.parse(path=ONTOLOGY_PATH, format=ox.RdfFormat.TURTLE),
                        format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    return subject + " " + " ;\n    ".join(f"{p} {o}" for p, o in pairs) + " .\n"


def _node_maker(pfx: dict[str, str]):
    """Node ID → the Turtle form of its IRI, as :func:`_iri_maker` makes it.

    Where ``concept:`` (or ``section:``) is the one prefix that can cover a concept's (or section's) IRI
    (always, unless a vocabulary's namespace overlaps the base), the IRI is ``concept:ID`` exactly when the
    quoted ID is a local name, and the other prefixes need not be tried for each node.
    """
    make = _iri_maker(pfx)
    alone = {name: all(not (ns.startswith(pfx[name]) or pfx[name].startswith(ns)) for other, ns in pfx.items()
                       if other != name) for name in ("concept", "section")}

    def term(node_id: str) -> str:
        name, local = ("section", node_id[4:]) if node_id.startswith("sec:") else ("concept", node_id)
        quoted = _quote(local)
        if not alone[name]:
            return make(pfx[name] + quoted)
        return f"{name}:{quoted}" if _LOCAL.fullmatch(quoted) else f"<{pfx[name]}{quoted}>"
    return term


def _relation_maker(pfx: dict[str, str], relation: str, quoted: dict[str, str]):
    """(source, kind, target) → the Turtle form of the relation's IRI, which is written once and not kept.

    Where ``relation:`` is the one prefix that can cover a relation IRI (always, unless a vocabulary's
    namespace overlaps the base), ``relation:A--kind--B`` is a local name exactly when ``A--x``, ``x--kind--x``
    and ``x--B`` are (the rule is one test per character, and one more on the first and the last), so
    each node and kind is tested once instead of every IRI.  Otherwise each IRI is matched against the
    prefixes that can cover it, as :func:`_iri_maker` does.
    """
    covering = {name: ns for name, ns in pfx.items() if ns.startswith(relation) or relation.startswith(ns)}
    if covering != {"relation": relation}:
        make = _iri_maker(covering)
        return lambda u, k, t: make(f"{relation}{quoted[u]}{_SEP}{k}{_SEP}{quoted[t]}")
    head = {n: _LOCAL.fullmatch(f"{q}{_SEP}x") is not None for n, q in quoted.items()}
    tail = {n: _LOCAL.fullmatch(f"x{_SEP}{q}") is not None for n, q in quoted.items()}
    kind = _Terms(lambda k: _LOCAL.fullmatch(f"x{_SEP}{k}{_SEP}x") is not None)

    def term(u: str, k: str, t: str) -> str:
        local = f"{quoted[u]}{_SEP}{k}{_SEP}{quoted[t]}"
        return f"relation:{local}" if head[u] and tail[t] and kind[k] else f"<{relation}{local}>"
    return term


def file_names(kg: ConceptGraph) -> dict[str, str]:
    """Each cheatsheet's and curation file's path as the export writes it: relative to the folder that holds the
    cheatsheets, so that the same corpus exports the same triples from any working directory
    ("13-generative-models.md", not "data/13-…" in the checkout and "/home/you/mlkg/data/13-…" elsewhere).  A
    curation file outside that folder goes by its file name.  Standard input stays "-".  The server names files
    by it too, so that it never shows where it keeps them."""
    return kg.derived("file_names", lambda: _file_names(kg))


def _file_names(kg: ConceptGraph) -> dict[str, str]:
    files = {d["file"] for d in kg.entries.values()}
    # as the curation notes name them: a build read back from another folder has them named from there
    curation = {ev.file for _, _, d in kg.graph.edges(data=True) if d.get("curated")
                for ev in d.get("evidence") or () if ev.field == "curation"}
    return corpus_names(files, curation)


def corpus_names(sources: Iterable[str], curation: Iterable[str] = ()) -> dict[str, str]:
    """Cheatsheets named relative to the folder that holds them all, curation files too where they are inside
    it, else by their file name: the names of :func:`file_names`, for files as given (standard input left out)."""
    sources = {str(f) for f in sources} - {"-"}
    curation = {str(f) for f in curation} - sources - {"-"}
    root = corpus_root(sources)
    if root is None:
        return {f: Path(f).name for f in curation}
    names = {f: Path(os.path.relpath(os.path.abspath(f), root)).as_posix() for f in sources}
    for f in curation:
        a = os.path.abspath(f)
        names[f] = Path(os.path.relpath(a, root)).as_posix() if os.path.commonpath([a, root]) == root \
            else Path(f).name
    return names


def corpus_root(sources: Iterable[str]) -> str | None:
    """The folder that holds every cheatsheet (standard input aside), absolute; None without one."""
    dirs = [os.path.dirname(os.path.abspath(f)) for f in map(str, sources) if f != "-"]
    return os.path.commonpath(dirs) if dirs else None


def turtle_chunks(kg: ConceptGraph, base: str | None = None) -> Iterator[str]:
    """The whole export as Turtle text, one subject at a time: the single definition of what the export holds.

    Every other format, the SPARQL store and :func:`triples` are parsed from
    this text by pyoxigraph, in Rust: building one pyoxigraph term per triple
    in Python costs ten times as much as writing its text.

    Edges are read from networkx's adjacency dicts (its views make an object
    per edge), a node's links to its neighbours as ``predicate object`` text
    made once per neighbour and predicate, and evidence by attribute (a
    graph's evidence is always :class:`~mlkg.mine.Evidence`).
    """
    base = base_iri(base)
    pfx = prefixes(base)
    iri = _iri(pfx)
    g = kg.graph
    succ = g._succ
    node_term = _node_maker(pfx)
    node = {n: node_term(n) for n in g}
    relation_term = _relation_maker(pfx, f"{base}relation/", {n: _quote(n) for n in g})
    plain = _Terms(_string)
    names = file_names(kg)
    file = _Terms(lambda f: _string(names.get(f, f)))
    integer = _Terms(lambda n: str(int(n)))
    decimal = _Terms(_decimal_text)
    # "predicate object" for a link to a node, by predicate, made for every node at once: a node has links to a few
    # dozen others, and making each on its first use was a call of Python's per link
    link = {p: {n: f"{p} {term}" for n, term in node.items()}
            for p in ("skos:broader", "mlkg:requires", "skos:related", "skos:narrower")}
    out_link = {"parent": link["skos:broader"], "requires": link["mlkg:requires"]}  # else skos:related
    related, narrower = link["skos:related"], link["skos:narrower"]
    derived = _Terms(lambda n: f" ;\n    prov:wasDerivedFrom {node[n]}" if n in node else "")
    # a subsection's heading (the subsection-head rule) is derived from that subsection, not from the entry under it
    by_field = {"section": _Terms(lambda n: derived[g._node[n].get("subsection", "")] if n in node else "")}
    # each node's links to the nodes it points to, in the order of its edges, and from those that point to it,
    # in one walk of _succ: walking _pred for each node visits the same edges again, out of memory order
    outgoing: dict[str, list[str]] = {n: [] for n in succ}
    incoming: dict[str, list[str]] = {n: [] for n in succ}
    for u, nbrs in succ.items():
        out = outgoing[u]
        for t, keys in nbrs.items():
            for k in keys:
                out.append(out_link.get(k, related)[t])
                if k != "requires":
                    incoming[t].append((narrower if k == "parent" else related)[u])

    yield "".join(f"@prefix {name}: <{ns}> .\n" for name, ns in pfx.items()) + "\n"
    yield _ontology_text()
    scheme = iri[base + "scheme"]
    title = _english("Machine-learning cheatsheets")
    tops = [("skos:hasTopConcept", node[n]) for n, d in g.nodes(data=True) if d["kind"] == "section"]
    yield "\n" + _block(scheme, [
        ("a", "skos:ConceptScheme"), ("skos:prefLabel", title), ("dcterms:title", title),
        ("dcterms:description", _english(
            f"{len(kg.entries)} concepts from {len(kg.sources)} cheatsheet file(s), with requires and related "
            "edges mined from their text.")), *tops])
    classes = {kind: f"a skos:Concept ;\n    a {cls} ;\n    skos:inScheme {scheme}" for kind, cls in
               (("section", "mlkg:Section"), ("subsection", "mlkg:Subsection"), ("concept", "mlkg:Concept"))}
    top = f"skos:topConceptOf {scheme}"
    for n, d in g._node.items():
        kind, label = d["kind"], d["label"]
        po = [classes[kind], "dcterms:identifier " + _string(n), "skos:notation " + _string(d["number"]),
              "skos:prefLabel " + _english(label)]
        po.extend("skos:altLabel " + _english(alt) for alt in dict.fromkeys([*d.get("alt_labels", []),
                                                                            *d.get("aliases", [])])
                  if alt != label)
        if kind == "concept":
            po += ["skos:definition " + _english(d["full"]), "mlkg:simpleExplanation " + _english(d["simple"]),
                   "skos:example " + _string(example_plain(d["example"])), "mlkg:order " + integer[d["order"]]]
        po += ["mlkg:file " + file[d["file"]], "mlkg:line " + integer[d["line"]]]
        if kind == "section":
            po.append(top)
        po += outgoing[n]
        # sorted: the order edges came in differs between a built graph and one read back from graph.json
        # (as text, "skos:narrower …" before "skos:related …", each by its object: as the pairs would sort)
        po += sorted(incoming[n])
        yield node[n] + " " + " ;\n    ".join(po) + " .\n"
    # a relation's edge and evidence read in one walk of _succ, its sentence escaped inline (most need nothing)
    for u, nbrs in succ.items():
        source = node[u]
        for t, keys in nbrs.items():
            for k, d in keys.items():
                if k == "parent":
                    continue
                evidence = d.get("evidence") or []
                ev = evidence[0] if len(evidence) == 1 else deciding_evidence(d)  # as it decides one
                head = (f"{relation_term(u, k, t)} a mlkg:Relation ;\n    mlkg:source {source} ;\n"
                        f"    mlkg:target {node[t]} ;\n    mlkg:kind {plain[k]} ;\n"
                        f"    mlkg:confidence {decimal[d.get('confidence', 1.0)]} ;\n"
                        f"    mlkg:rule {plain[d.get('rule') or '']} ;\n"
                        f"    mlkg:curated {'true' if d.get('curated') else 'false'} ;\n"
                        f"    mlkg:evidenceCount {integer[len(evidence)]}")
                if ev is None:
                    yield head + " .\n"
                    continue
                sentence = ev.sentence or ""
                if not sentence and ev.field == "curation":  # an empty value says nothing (an RDF review)
                    sentence = f"curated in {ev.file}{f':{ev.line}' if ev.line else ''}, without a note"
                if not (sentence.isprintable() and '"' not in sentence and "\\" not in sentence):
                    sentence = _escaped(sentence)
                cue = f" ;\n    mlkg:cue {_string(ev.cue)}" if ev.cue else ""
                yield (f"{head} ;\n    prov:value \"{sentence}\" ;\n"
                       f"    mlkg:field {plain[ev.field]} ;\n    mlkg:line {integer[ev.line or 0]} ;\n"
                       f"    mlkg:file {file[ev.file or '']}{cue}"
                       f"{'' if ev.field == 'curation' else by_field.get(ev.field, derived)[ev.source]} .\n")


def _encoded(chunks: Iterable[str]) -> bytes:
    """Text chunks as UTF-8, each encoded on its own: most are ASCII, which encodes as a copy, whereas
    their join would be widened to the widest character among them and then encoded whole (half as fast)."""
    return b"".join([chunk.encode("utf-8") for chunk in chunks])


def turtle(kg: ConceptGraph, base: str | None = None) -> bytes:
    """The whole export as Turtle, made once per graph and base IRI."""
    base = base_iri(base)
    return kg.derived(("turtle", base), lambda: _encoded(turtle_chunks(kg, base)))


def triples(kg: ConceptGraph, base: str | None = None) -> Iterator[ox.Triple]:
    """Every triple of the export, as pyoxigraph terms."""
    return (q.triple for q in ox.parse(turtle(kg, base), format=ox.RdfFormat.TURTLE))


def store(kg: ConceptGraph, base: str | None = None) -> ox.Store:
    """An in-memory pyoxigraph store holding the export; made once per graph and base IRI."""
    base = base_iri(base)

    def make() -> ox.Store:
        s = ox.Store()
        # the text a server already keeps for its workers, or else made for this and let go: a store that holds
        # the triples need not keep their text too
        text = kg.kept(("turtle", base)) or _encoded(turtle_chunks(kg, base))
        s.load(text, format=ox.RdfFormat.TURTLE)
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
    """The whole export in ``fmt``: bytes, or written into ``output``.  Turtle is streamed as it is made."""
    if format_name(fmt) != "ttl":
        return serialize_triples(triples(kg, base), fmt, base, output)
    if output is None:
        return turtle(kg, base)
    for batch in chunked(turtle_chunks(kg, base), 1000):
        output.write(_encoded(batch))
    return None


def write(kg: ConceptGraph, path: str | Path, fmt: str | None = None, base: str | None = None) -> Path:
    """Write the export to ``path`` (a file atomically, a FIFO or terminal as it is made: see
    :func:`~mlkg.atomic.output`); the format comes from ``fmt`` or the file extension."""
    path = Path(path)
    with output_file(path) as f:
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
