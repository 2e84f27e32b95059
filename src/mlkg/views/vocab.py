"""The vocabularies of the RDF export: ours (``vocab/mlkg.ttl``) as an rdflib ``DefinedNamespace``, and the
standard ones, with their prefixes.  A test keeps :data:`TERMS` and ``mlkg.ttl`` in step, and the prefixes
in step with rdflib's namespaces.

The export itself is written as text and needs only the IRIs, so rdflib is imported when someone asks for
:class:`MLKG`, not by every build (it took 45 ms of a 0.3 s one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"
ONTOLOGY_PATH = VOCAB_DIR / "mlkg.ttl"
SHAPES_PATH = VOCAB_DIR / "shapes.ttl"

MLKG_NS = "https://mlkg.dev/vocab#"
TERMS = ("Section", "Subsection", "Concept", "Relation", "requires", "simpleExplanation", "order", "file", "line",
         "source", "target", "kind", "confidence", "rule", "cue", "curated", "field", "evidenceCount")
"""Terms SKOS, PROV-O and Dublin Core do not already give: the prerequisite relation, the kinds of node,
and qualified relations that keep each mined edge's evidence."""

NAMESPACES = {
    "mlkg": MLKG_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def __getattr__(name: str) -> Any:
    if name != "MLKG":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import URIRef
    from rdflib.namespace import DefinedNamespace, Namespace

    namespace = type("MLKG", (DefinedNamespace,), {
        "__doc__": "mlkg's own terms (:data:`TERMS`) as an rdflib namespace.",
        "__annotations__": dict.fromkeys(TERMS, URIRef), "_NS": Namespace(MLKG_NS)})
    globals()["MLKG"] = namespace
    return namespace
