"""The RDF export: SKOS plus the mlkg vocabulary, SHACL-valid, the same graph in rdflib and pyoxigraph."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib
from conftest import SEED, entry, sheet
from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.compare import isomorphic

import mlkg
from mlkg.read import example_plain
from mlkg.views import rdf, vocab
from mlkg.views.vocab import MLKG

BASE = rdf.DEFAULT_BASE_IRI
M = rdflib.Namespace(str(MLKG))
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
OWL = rdflib.Namespace("http://www.w3.org/2002/07/owl#")


def c(cid: str, base: str = BASE) -> URIRef:
    return URIRef(rdf.concept_iri(base, cid))


def sec(number: str, base: str = BASE) -> URIRef:
    return URIRef(rdf.section_iri(base, number))


def parsed_by_oxigraph(data: bytes, fmt: str = "ttl") -> rdflib.Graph:
    """What pyoxigraph reads from ``data``, handed to rdflib through canonical N-Triples."""
    quads = ox.parse(data, format=rdf.FORMATS[fmt][0])
    nt = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=nt, format="nt")


@pytest.fixture(scope="module")
def seed_graph(seed_kg) -> rdflib.Graph:
    return rdflib.Graph().parse(data=rdf.serialize(seed_kg, "ttl"), format="turtle")


# --- the Turtle is one graph, whoever reads it ---------------------------------------------------

def _same_in_both(kg) -> rdflib.Graph:
    ttl = rdf.serialize(kg, "ttl")
    by_rdflib = rdflib.Graph().parse(data=ttl, format="turtle")
    by_oxigraph = parsed_by_oxigraph(ttl)
    assert len(by_rdflib) == len(by_oxigraph) == len(rdf.store(kg)) > 0
    assert isomorphic(by_rdflib, by_oxigraph)
    assert isomorphic(by_rdflib, kg.to_rdf())
    return by_rdflib


def test_seed_turtle_parses_into_the_same_graph_in_rdflib_and_pyoxigraph(seed_kg):
    _same_in_both(seed_kg)


@pytest.mark.shared
def test_shared_corpus_turtle_parses_into_the_same_graph_in_rdflib_and_pyoxigraph(shared_kg):
    g = _same_in_both(shared_kg)
    assert len(set(g.subjects(RDF.type, M.Concept))) == len(shared_kg)


@pytest.mark.parametrize("fmt", ["nt", "jsonld", "xml"])
def test_every_format_holds_the_same_graph(seed_kg, seed_graph, fmt):
    data = rdf.serialize(seed_kg, fmt)
    rdflib_format = {"nt": "nt", "jsonld": "json-ld", "xml": "xml"}[fmt]
    assert isomorphic(rdflib.Graph().parse(data=data, format=rdflib_format), seed_graph)
    assert isomorphic(parsed_by_oxigraph(data, fmt), seed_graph)


def test_awkward_text_survives_the_round_trip(write):
    tricky = 'Quotes " and \'\'\' and """, a backslash \\ and \\n, a tab\t, unicode μσ² ⊙ 😀.'
    example = '```\nline one "quoted"\n  indented \\ back\n```'
    path = write(sheet(entry("1.1.1", "Tricky Thing (TT)", full=tricky, simple="Simple \"x\".", example=example)))
    kg = mlkg.load(path, curation=[])
    g = _same_in_both(kg)
    node = c("tricky-thing")
    assert g.value(node, SKOS.definition) == Literal(tricky, lang="en")
    assert g.value(node, SKOS.example) == Literal('line one "quoted"\n  indented \\ back')


# --- SHACL -----------------------------------------------------------------------------------

def test_seed_export_conforms_to_the_shipped_shapes(seed_kg):
    conforms, report = rdf.validate(seed_kg)
    assert conforms, report


@pytest.mark.shared
def test_shared_corpus_export_conforms_to_the_shipped_shapes(shared_kg):
    conforms, report = rdf.validate(shared_kg)
    assert conforms, report


@pytest.fixture(scope="module")
def small_kg(tmp_path_factory):
    """Four concepts with curated edges, so that the shapes can be tested quickly on a known graph."""
    d = tmp_path_factory.mktemp("small")
    (d / "s.md").write_text(sheet(entry("1.1.1", "Alpha"), entry("1.1.2", "Beta"), entry("1.1.3", "Gamma"),
                                  entry("1.1.4", "Delta")), encoding="utf-8")
    (d / "c.toml").write_text("".join(
        f'[[add]]\nsource = "{a}"\ntarget = "{b}"\nkind = "{k}"\nnote = "{a} {k} {b}."\n'
        for a, b, k in [("beta", "alpha", "requires"), ("gamma", "beta", "requires"), ("delta", "alpha", "related")]),
        encoding="utf-8")
    return mlkg.load(d / "s.md", curation=[d / "c.toml"])


def _drop(g, s, p, o=None):
    g.remove((s, p, o))


def _replace(g, s, p, o):
    g.remove((s, p, None))
    g.add((s, p, o))


REL = URIRef(rdf.relation_iri(BASE, "beta", "requires", "alpha"))
BREAKAGES = [
    ("no prefLabel", lambda g: _drop(g, c("beta"), SKOS.prefLabel), "skos:prefLabel"),
    ("two prefLabels in one language",
     lambda g: g.add((c("beta"), SKOS.prefLabel, Literal("Beta again", lang="en"))), "skos:prefLabel"),
    ("altLabel equal to prefLabel", lambda g: g.add((c("beta"), SKOS.altLabel, Literal("Beta", lang="en"))),
     "prefLabel"),
    ("bad notation", lambda g: _replace(g, c("beta"), SKOS.notation, Literal("1.1")), "skos:notation"),
    ("bad ID", lambda g: _replace(g, c("beta"), DCT.identifier, Literal("Beta!")), "dcterms:identifier"),
    ("requires cycle", lambda g: g.add((c("alpha"), M.requires, c("gamma"))), "must not require itself"),
    ("requires without its relation", lambda g: g.add((c("delta"), M.requires, c("gamma"))),
     "must have its mlkg:Relation"),
    ("relation without its edge", lambda g: _drop(g, c("beta"), M.requires, c("alpha")),
     "must be asserted on its source"),
    ("related one way only", lambda g: _drop(g, c("alpha"), SKOS.related, c("delta")), "symmetric"),
    ("narrower without broader", lambda g: _drop(g, c("beta"), SKOS.broader), "mirror each other"),
    ("a concept without a definition", lambda g: _drop(g, c("beta"), SKOS.definition), "skos:definition"),
    ("confidence above 1", lambda g: _replace(g, REL, M.confidence, Literal("1.5", datatype=rdflib.XSD.decimal)),
     "mlkg:confidence"),
    ("relation without its sentence", lambda g: _drop(g, REL, PROV.value), "prov:value"),
    ("unknown field", lambda g: _replace(g, REL, M.field, Literal("margin")), "mlkg:field"),
    ("unknown kind", lambda g: _replace(g, REL, M.kind, Literal("likes")), "mlkg:kind"),
    # passed before: a label of nothing but a space, a hidden label that is the preferred one (SKOS S13)
    ("a prefLabel of spaces", lambda g: _replace(g, c("beta"), SKOS.prefLabel, Literal(" ", lang="en")),
     "skos:prefLabel"),
    ("hiddenLabel equal to prefLabel", lambda g: g.add((c("beta"), SKOS.hiddenLabel, Literal("Beta", lang="en"))),
     "skos:hiddenLabel"),
    ("derived from a literal", lambda g: g.add((REL, PROV.wasDerivedFrom, Literal("beta"))), "prov:wasDerivedFrom"),
]


def test_the_small_graph_conforms(small_kg):
    conforms, report = rdf.validate(small_kg)
    assert conforms, report


@pytest.mark.parametrize("name, breaks, message", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_shapes_catch_a_broken_export(small_kg, name, breaks, message):
    g = small_kg.to_rdf()
    breaks(g)
    conforms, report = rdf.validate(g)
    assert not conforms
    assert message in report


def test_each_relation_is_derived_from_the_node_whose_text_holds_its_sentence(shared_kg):
    """Evidence read off a subsection's heading ("7.1 Linear Models", the subsection-head rule) was said to be
    derived from the concept filed under it, at a line before that concept's entry begins."""
    g = shared_kg.to_rdf()
    fields = {}
    for rel in g.subjects(RDF.type, M.Relation):
        node, field = g.value(rel, PROV.wasDerivedFrom), str(g.value(rel, M.field))
        fields[field] = fields.get(field, 0) + 1
        if field == "section":
            assert M.Subsection in set(g.objects(node, RDF.type)) and g.value(node, M.line) == g.value(rel, M.line)
            assert str(g.value(rel, PROV.value)).startswith(str(g.value(node, SKOS.notation)) + " ")
        elif field != "curation":
            assert M.Concept in set(g.objects(node, RDF.type)) and node in (g.value(rel, M.source),
                                                                              g.value(rel, M.target))
            assert g.value(node, M.line).toPython() <= g.value(rel, M.line).toPython()
    assert fields.get("section", 0) > 10 and fields.get("full", 0) > 100


def test_a_long_cue_is_its_last_whole_words(shared_kg):
    """A cue of a long list was cut to its last 59 characters wherever they began: "…nditioned on previous"."""
    cues = [ev.cue for _, _, d in shared_kg.graph.edges(data=True) for ev in d.get("evidence") or ()
            if ev.cue.startswith("…")]
    assert cues and all(len(cue) <= 60 for cue in cues)
    for _, _, d in shared_kg.graph.edges(data=True):
        for ev in d.get("evidence") or ():
            if ev.cue.startswith("…") and ev.rule != "shared-vocabulary":
                sentence = " ".join(ev.sentence.split())
                at = sentence.find(ev.cue[1:])
                assert at > 0 and sentence[at - 1] == " ", (ev.cue, sentence)


# --- the model -------------------------------------------------------------------------------

def test_concepts_are_skos_concepts_with_labels_notation_definition_and_example(seed_kg, seed_graph):
    g, vae = seed_graph, c("vae")
    d = seed_kg["vae"]
    assert {SKOS.Concept, M.Concept} <= set(g.objects(vae, RDF.type))
    assert g.value(vae, SKOS.prefLabel) == Literal("Variational Autoencoder", lang="en")
    assert set(g.objects(vae, SKOS.altLabel)) == {Literal("VAE", lang="en")}
    assert g.value(vae, SKOS.notation) == Literal("13.1.2")
    assert g.value(vae, DCT.identifier) == Literal("vae")
    assert g.value(vae, SKOS.definition) == Literal(d["full"], lang="en")
    assert g.value(vae, M.simpleExplanation) == Literal(d["simple"], lang="en")
    assert g.value(vae, SKOS.example) == Literal(example_plain(seed_kg.entries["vae"]["example"]))
    assert not str(g.value(vae, SKOS.example)).startswith("```")
    assert g.value(vae, M.line).toPython() == d["line"]
    assert g.value(vae, M.file) == Literal(SEED.name)  # relative to the folder of the corpus: see below


def test_hierarchy_is_broader_narrower_under_one_scheme(seed_kg, seed_graph):
    g = seed_graph
    (scheme,) = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == {sec("13")}
    assert g.value(sec("13"), SKOS.topConceptOf) == scheme
    assert (c("vae"), SKOS.broader, sec("13.1")) in g
    assert (sec("13.1"), SKOS.broader, sec("13")) in g
    assert set(g.objects(sec("13.1"), SKOS.narrower)) == {c("autoencoder"), c("vae"), c("denoising-autoencoder")}
    assert {SKOS.Concept, M.Subsection} <= set(g.objects(sec("13.2"), RDF.type))
    assert g.value(sec("13.2"), SKOS.prefLabel) == Literal("GANs", lang="en")
    assert g.value(sec("13.2"), SKOS.altLabel) == Literal("Generative Adversarial Networks", lang="en")
    nodes = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(nodes) == seed_kg.graph.number_of_nodes()
    assert all(g.value(n, SKOS.inScheme) == scheme for n in nodes)


def test_every_edge_is_asserted_and_qualified(seed_kg, seed_graph):
    g = seed_graph
    cross = seed_kg.edges(["requires", "related"])
    assert len(set(g.subjects(RDF.type, M.Relation))) == len(cross)
    for e in cross:
        s, t = c(e["source"]), c(e["target"])
        if e["kind"] == "requires":
            assert (s, M.requires, t) in g
        else:
            assert (s, SKOS.related, t) in g and (t, SKOS.related, s) in g
        r = URIRef(rdf.relation_iri(BASE, e["source"], e["kind"], e["target"]))
        assert g.value(r, M.source) == s and g.value(r, M.target) == t
        assert g.value(r, M.kind) == Literal(e["kind"])
        assert g.value(r, M.rule) == Literal(e["rule"])
        assert float(g.value(r, M.confidence)) == pytest.approx(e["confidence"], abs=1e-6)
        assert g.value(r, M.curated).toPython() is bool(e["curated"])
        assert g.value(r, M.evidenceCount).toPython() == len(e["evidence"])
        sentences = {ev["sentence"] for ev in e["evidence"]}
        assert str(g.value(r, PROV.value)) in sentences
    assert len(list(g.triples((None, M.requires, None)))) == len(seed_kg.edges("requires"))


def test_the_relation_shows_the_evidence_of_its_deciding_rule(seed_graph):
    r = URIRef(rdf.relation_iri(BASE, "vae", "requires", "autoencoder"))
    assert seed_graph.value(r, M.rule) == Literal("title-contains")
    assert seed_graph.value(r, PROV.value) == Literal("Variational Autoencoder (VAE)")
    assert seed_graph.value(r, M.field) == Literal("title")
    assert seed_graph.value(r, PROV.wasDerivedFrom) == c("vae")


def test_curated_edges_carry_the_curation_note(small_kg):
    g = small_kg.to_rdf()
    assert g.value(REL, M.curated) == Literal(True)
    assert g.value(REL, M.rule) == Literal("curation")
    assert g.value(REL, M.field) == Literal("curation")
    assert g.value(REL, PROV.value) == Literal("beta requires alpha.")
    assert str(g.value(REL, M.file)).endswith("c.toml")
    assert g.value(REL, PROV.wasDerivedFrom) is None


def test_the_vocabulary_ships_in_every_export(seed_graph):
    g = seed_graph
    assert (URIRef("https://mlkg.dev/vocab"), RDF.type, OWL.Ontology) in g
    assert (M.requires, RDF.type, OWL.ObjectProperty) in g
    assert g.value(M.requires, RDFS.label) == Literal("requires", lang="en")
    # every term says where it is defined, and its label's language (as qSKOS checks: an RDF review)
    terms = {s for s in g.subjects() if isinstance(s, URIRef) and s.startswith(str(M))}
    assert terms and all((t, RDFS.isDefinedBy, URIRef("https://mlkg.dev/vocab")) in g for t in terms)
    assert all(label.language == "en" for t in terms for label in g.objects(t, RDFS.label))
    assert g.value(M.requires, RDFS.comment) is not None
    assert (M.requires, RDFS.subPropertyOf, SKOS.semanticRelation) in g
    assert (M.Relation, RDFS.subClassOf, PROV.Entity) in g
    for term in (M.source, M.target, M.kind, M.confidence, M.rule, M.curated, M.field, M.evidenceCount):
        assert g.value(term, RDFS.label) is not None and g.value(term, RDFS.comment) is not None, term
    ontology = rdflib.Graph().parse(rdf.ONTOLOGY_PATH)
    assert all(t in g for t in ontology)


# --- IRIs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, used", [
    (None, "https://mlkg.dev/id/"),
    ("", "https://mlkg.dev/id/"),
    ("https://example.org/kg/", "https://example.org/kg/"),
    ("https://example.org/kg", "https://example.org/kg/"),
    ("http://example.org/vocab#", "http://example.org/vocab#"),
    ("urn:x-ml:", "urn:x-ml:/"),
])
def test_base_iri(given, used):
    assert rdf.base_iri(given) == used


@pytest.mark.parametrize("bad", ["not an iri", "relative/path/", "https://ex.org/<x>/", "http://ex.org/a b/",
                                 # inside a vocabulary's namespace: the concepts would read as its terms
                                 str(SKOS), str(SKOS) + "x/", "https://mlkg.dev/vocab#", "https://mlkg.dev/vocab/x",
                                 "http://www.w3.org/ns/prov#"])
def test_a_bad_base_iri_is_an_input_error(bad):
    with pytest.raises(mlkg.InputError, match="base IRI"):
        rdf.base_iri(bad)


def test_the_base_iri_moves_every_node_but_not_the_vocabulary(seed_kg):
    base = "https://example.org/ml/"
    g = seed_kg.to_rdf(base)
    assert (c("vae", base), M.requires, c("autoencoder", base)) in g
    assert (c("vae", base), SKOS.broader, sec("13.1", base)) in g
    assert not any(str(s).startswith(BASE) for s in g.subjects())
    assert (M.requires, RDF.type, OWL.ObjectProperty) in g


@pytest.mark.parametrize("node", ["vae", "a-b-c", "sec:13", "sec:13.1", "with space", "a/b", "x>y", "é", "50%", "#?"])
def test_ids_become_safe_iris_and_back(node):
    iri = rdf.node_iri(BASE, node)
    ox.NamedNode(iri)  # raises on anything that is not a valid IRI
    assert iri.startswith(BASE + ("section/" if node.startswith("sec:") else "concept/"))
    assert rdf.node_id(BASE, iri) == node


# --- the command line and the build ----------------------------------------------------------

def test_build_writes_graph_ttl(cli, tmp_path, seed_kg):
    code, out, err = cli("build", "--out", tmp_path / "o", "--no-map")
    assert code == 0, err
    ttl = (tmp_path / "o" / "graph.ttl").read_bytes()
    assert isomorphic(rdflib.Graph().parse(data=ttl, format="turtle"), mlkg.load().to_rdf())
    assert "graph.ttl" in out


def test_build_passes_the_base_iri_and_refuses_a_bad_one_before_writing(cli, tmp_path):
    code, _, err = cli("build", "--out", tmp_path / "o", "--no-map", "--base-iri", "https://example.org/kg/")
    assert code == 0, err
    assert "<https://example.org/kg/concept/>" in (tmp_path / "o" / "graph.ttl").read_text()
    code, _, err = cli("build", "--out", tmp_path / "bad", "--no-map", "--base-iri", "no iri")
    assert code == 2 and err.count("\n") == 1 and "base IRI" in err
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("fmt, parse_as", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml"),
                                           ("n3", "n3")])
def test_export_writes_each_format_to_stdout(cli, seed_graph, fmt, parse_as):
    code, out, err = cli("export", "--source", SEED, "--format", fmt)
    assert code == 0, err
    assert isomorphic(rdflib.Graph().parse(data=out, format=parse_as), seed_graph)


@pytest.mark.parametrize("name, parse_as", [("g.ttl", "turtle"), ("g.nt", "nt"), ("g.jsonld", "json-ld"),
                                            ("g.rdf", "xml")])
def test_export_to_a_file_takes_the_format_from_its_extension(cli, tmp_path, seed_graph, name, parse_as):
    code, out, err = cli("export", "--source", SEED, "-o", tmp_path / name)
    assert code == 0 and out == ""
    assert f"({rdf.FORMATS[rdf.format_name(None, name)][2]}, " in err
    assert isomorphic(rdflib.Graph().parse(tmp_path / name, format=parse_as), seed_graph)


def test_export_help_has_an_example(cli):
    code, out, _ = cli("export", "--help")
    assert code == 0 and "Example:" in out and "mlkg export" in out


def test_commands_that_need_no_rdf_import_no_rdf_library(tmp_path):
    script = (
        "import sys; from mlkg.cli import main\n"
        "assert main(['show', 'vae']) == 0\n"
        "assert main(['query', '--list']) == 0\n"
        "bad = [m for m in ('rdflib', 'pyoxigraph', 'pyshacl') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env={"MLKG_BUILD_DIR": str(tmp_path / "none"), "PATH": ""})
    assert run.returncode == 0, run.stderr


def test_a_build_writes_turtle_without_importing_rdflib(tmp_path):
    """The export is written as text: rdflib (45 ms to import) is for those who ask for an rdflib graph."""
    script = (
        "import sys; from mlkg.cli import main\n"
        f"assert main(['build', '--out', {str(tmp_path / 'out')!r}, '--no-map']) == 0\n"
        "assert 'rdflib' not in sys.modules, 'rdflib imported'\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env={"MLKG_BUILD_DIR": str(tmp_path / "none"), "PATH": ""})
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0


def test_the_vocabulary_module_agrees_with_the_ontology_and_rdflib():
    ontology = rdflib.Graph().parse(rdf.ONTOLOGY_PATH)
    defined = {str(s).removeprefix(vocab.MLKG_NS) for s in ontology.subjects(RDFS.label, None)
               if str(s).startswith(vocab.MLKG_NS)}
    assert defined == set(vocab.TERMS)
    assert all(getattr(MLKG, t) == URIRef(vocab.MLKG_NS + t) for t in vocab.TERMS)
    standard = {"skos": SKOS, "dcterms": DCT, "prov": PROV, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD}
    assert {k: vocab.NAMESPACES[k] for k in standard} == {k: str(ns) for k, ns in standard.items()}


def test_a_graph_with_a_cached_store_still_pickles(seed_kg):
    rdf.store(seed_kg)
    copy = pickle.loads(pickle.dumps(seed_kg))
    assert rdf.store(copy) is not rdf.store(seed_kg)
    assert len(rdf.store(copy)) == len(rdf.store(seed_kg))
    assert rdf.store(seed_kg) is rdf.store(seed_kg)


def test_export_to_dash_writes_standard_output(cli):
    code, out, err = cli("export", "-o", "-", "--format", "nt")
    assert code == 0 and out.count("\n") > 100 and err == ""


def test_json_ld_carries_a_context_so_it_reads_as_plain_json(seed_kg):
    import json

    doc = json.loads(rdf.serialize(seed_kg, "jsonld"))
    assert doc["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    vae = next(n for n in doc["@graph"] if n["@id"] == "concept:vae")
    assert vae["skos:prefLabel"][0]["@value"] == "Variational Autoencoder"


@pytest.mark.parametrize("iri", [BASE + "concept/vae", BASE + "concept/a.", BASE + "concept/-x", BASE + "concept/~y",
                                 BASE + "concept/50%25", BASE + "section/13.1", BASE + "concept/a.b-c_d",
                                 BASE + "concept/", "https://other.example/x", str(SKOS.related)])
def test_turtle_names_every_iri_so_it_reads_back_as_itself(iri):
    """The writer shortens IRIs to prefixed names only where Turtle's grammar allows the local part."""
    head = "".join(f"@prefix {k}: <{v}> .\n" for k, v in rdf.prefixes().items())
    term = rdf._iri(rdf.prefixes())[iri]
    [quad] = ox.parse(f"{head}<urn:s> <urn:p> {term} .".encode(), format=ox.RdfFormat.TURTLE)
    assert quad.object == ox.NamedNode(iri)


@pytest.mark.parametrize("base", [None, "https://example.org/kg/", "urn:x:", "http://www.w3.org/2004/02/",
                                  "https://mlkg.dev/"])  # a base above a vocabulary's namespace overlaps it
def test_node_terms_are_the_iri_terms_whatever_the_base(seed_kg, base):
    """Node terms skip trying every prefix where only concept: (or section:) can cover a node's IRI; where a
    vocabulary's namespace overlaps the base they must still come out as the prefix search makes them."""
    base = rdf.base_iri(base)
    pfx = rdf.prefixes(base)
    ids = [*seed_kg.graph, "sec:", "sec:1.x y", "a.", "-a", "_a", "é", "50%", "a/b", "x>y"]
    assert [rdf._node_maker(pfx)(n) for n in ids] == [rdf._iri(pfx)[rdf.node_iri(base, n)] for n in ids]


@pytest.mark.parametrize("text", ["plain", 'a "quote"', "back\\slash", "new\nline\r\n", "tab\there", "bell\x07\x1f\x7f",
                                  "é μσ² 😀", "", '"""', "ends with \\"])
def test_turtle_strings_read_back_as_themselves(text):
    [quad] = ox.parse(f"<urn:s> <urn:p> {rdf._english(text)} .".encode(), format=ox.RdfFormat.TURTLE)
    assert quad.object == ox.Literal(text, language="en")


def test_the_export_is_the_same_from_any_working_directory(tmp_path, monkeypatch):
    """Files are named relative to the folder that holds the corpus, not to where the command ran."""
    sheets = tmp_path / "corpus" / "sheets"
    (sheets / "more").mkdir(parents=True)
    (sheets / "one.md").write_text(sheet(entry("1.1.1", "Alpha Net", "alpha")), encoding="utf-8")
    (sheets / "more" / "two.md").write_text(sheet(entry("2.1.1", "Beta Net", "beta", full="Extends the Alpha Net."),
                                                  section="2"), encoding="utf-8")
    exports = []
    for here in (tmp_path, sheets, tmp_path / "corpus"):
        monkeypatch.chdir(here)
        exports.append(rdf.turtle(mlkg.load(sheets / "one.md", sheets / "more" / "two.md", curation=[])))
    assert exports[0] == exports[1] == exports[2]
    text = exports[0].decode()
    assert 'mlkg:file "one.md"' in text and 'mlkg:file "more/two.md"' in text


@pytest.mark.parametrize("where, named", [("corpus/sheets/fix.toml", "fix.toml"),
                                          ("corpus/sheets/more/fix.toml", "more/fix.toml"),
                                          ("elsewhere/fix.toml", "fix.toml")])
def test_a_curation_file_is_named_like_the_cheatsheets_from_any_working_directory(tmp_path, monkeypatch, where,
                                                                                    named):
    """A curated edge's evidence named its file as given on the command line, an absolute path too: the export
    and the server showed where the user keeps it.  Inside the cheatsheets' folder it is named relative to it,
    outside by its file name."""
    sheets = tmp_path / "corpus" / "sheets"
    sheets.mkdir(parents=True)
    (sheets / "one.md").write_text(sheet(entry("1.1.1", "Alpha Net", "alpha"), entry("1.1.2", "Beta Net", "beta")),
                                   encoding="utf-8")
    fix = tmp_path / where
    fix.parent.mkdir(parents=True, exist_ok=True)
    fix.write_text('[[add]]\nsource = "beta"\ntarget = "alpha"\nkind = "requires"\nnote = "Beta refines Alpha."\n',
                   encoding="utf-8")
    exports = []
    for here in (tmp_path, sheets, fix.parent):
        monkeypatch.chdir(here)
        kg = mlkg.load(sheets, curation=[os.path.relpath(fix)])
        exports.append(rdf.turtle(kg))
        assert rdf.file_names(kg)[os.path.relpath(fix)] == named
    assert exports[0] == exports[1] == exports[2]
    assert f'mlkg:file "{named}"' in exports[0].decode() and str(tmp_path) not in exports[0].decode()


@pytest.mark.parametrize("item, relation, value", [
    ('[[add]]\nsource = "beta"\ntarget = "gamma"\nkind = "related"\n', "beta--related--gamma",
     "curated in {path}:1, without a note"),  # nothing else to quote: said so, not ""
    ('[[force]]\nsource = "alpha"\ntarget = "beta"\nkind = "requires"\n', "alpha--requires--beta",
     "It extends the Alpha Net."),  # what the text said, as the map quotes it
    ('[[add]]\nsource = "beta"\ntarget = "gamma"\nkind = "related"\nnote = "Both rank."\n', "beta--related--gamma",
     "Both rank."),
])
def test_a_curated_edge_without_a_note_exports_a_value_that_says_something(write, item, relation, value):
    """An RDF review found prov:value "" on every curated edge without a note."""
    path = write(item, "c.toml")
    kg = mlkg.load(write(sheet(entry("1.1.1", "Alpha Net", "alpha"),
                               entry("1.1.2", "Beta Method", "beta", full="It extends the Alpha Net."),
                               entry("1.1.3", "Gamma Rule", "gamma"))), curation=[path])
    g = kg.to_rdf()
    assert g.value(URIRef(f"https://mlkg.dev/id/relation/{relation}"), PROV.value) == Literal(value.format(path=path))
