"""The vocabularies of the RDF export: ours (``vocab/mlkg.ttl``) as an rdflib ``DefinedNamespace``, and the
standard ones, with their prefixes.  A test keeps :class:`MLKG` and ``mlkg.ttl`` in step."""

from __future__ import annotations

from pathlib import Path

from rdflib import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, URIRef
from rdflib.namespace import DefinedNamespace, Namespace

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
ONTOLOGY_PATH = VOCAB_DIR / "mlkg.ttl"
SHAPES_PATH = VOCAB_DIR / "shapes.ttl"


class MLKG(DefinedNamespace):
    """Terms SKOS, PROV-O and Dublin Core do not already give: the prerequisite relation, the kinds of node,
    and qualified relations that keep each mined edge's evidence."""

    _NS = Namespace("https://mlkg.dev/vocab#")

    Section: URIRef
    Subsection: URIRef
    Concept: URIRef
    Relation: URIRef
    requires: URIRef
    simpleExplanation: URIRef
    order: URIRef
    file: URIRef
    line: URIRef
    source: URIRef
    target: URIRef
    kind: URIRef
    confidence: URIRef
    rule: URIRef
    cue: URIRef
    curated: URIRef
    field: URIRef
    evidenceCount: URIRef


NAMESPACES = {
    "mlkg": str(MLKG), "skos": str(SKOS), "dcterms": str(DCTERMS), "prov": str(PROV), "rdf": str(RDF),
    "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
}
