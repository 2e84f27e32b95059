"""The concept graph: one MultiDiGraph with the section hierarchy, lookups, and node-link JSON."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT, SEED, entry, sheet

import mlkg
from mlkg.errors import InputError, UnknownConceptError


def test_nodes_have_kinds_and_parent_edges_run_up_the_hierarchy(seed_kg):
    g = seed_kg.graph
    assert isinstance(g, nx.MultiDiGraph)
    kinds = {n: d["kind"] for n, d in g.nodes(data=True)}
    assert kinds["sec:13"] == "section"
    assert kinds["sec:13.2"] == "subsection"
    assert kinds["gan"] == "concept"
    assert sum(k == "concept" for k in kinds.values()) == 20
    parents = {(u, v) for u, v, k in g.edges(keys=True) if k == "parent"}
    assert ("vae", "sec:13.1") in parents
    assert ("sec:13.1", "sec:13") in parents
    assert seed_kg.section_path("vae") == ["sec:13", "sec:13.1", "vae"]


def test_concept_attributes(seed_kg):
    d = seed_kg["vae"]
    assert d["number"] == "13.1.2"
    assert d["label"] == "Variational Autoencoder"
    assert d["alt_labels"] == ["VAE"]
    assert d["full"].startswith("VAE adds probabilistic structure")
    assert d["file"] == str(SEED)
    assert d["section"] == "sec:13" and d["subsection"] == "sec:13.1"


@pytest.mark.parametrize("asked, found", [
    ("vae", "vae"),
    ("VAE", "vae"),
    ("Stable Diffusion", "stable-diffusion"),
    ("large language model", "llm"),
    ("13.1.2", "vae"),  # the entry number `mlkg show` prints beside the ID: it was "unknown concept"
    (" 13.1.2 ", "vae"),
    # folded as search folds a name (NFKD, accents dropped): search found vae, and this said "unknown concept"
    ("\uff36\uff41\uff45", "vae"),  # fullwidth "Vae"
    ("\uff11\uff13.\uff11.\uff12", "vae"),  # fullwidth "13.1.2"
    ("Variatio\u0301nal Autoencoder", "vae"),
    ("Stáble Diffusion", "stable-diffusion"),
])
def test_resolve_accepts_ids_labels_acronyms_and_entry_numbers(seed_kg, asked, found):
    assert seed_kg.resolve(asked) == found and asked in seed_kg


@pytest.mark.parametrize("asked, found", [
    ("13.1", "sec:13.1"),  # a section's number, where sections are asked for: it was "not a concept"
    ("13", "sec:13"),
    ("sec:13.2", "sec:13.2"),
    ("13.1.2", "vae"),  # an entry's number is still its concept's
])
def test_resolve_with_sections_takes_a_sections_number(seed_kg, asked, found):
    assert seed_kg.resolve(asked, sections=True) == found


@pytest.mark.parametrize("asked, says", [
    ("", "a concept ID is needed: '' is empty; give a concept's ID, label, acronym or entry number"),
    ("  ", "a concept ID is needed: '  ' is blank; give a concept's ID, label, acronym or entry number"),
])
def test_an_empty_name_asks_for_a_concept_and_suggests_none(seed_kg, asked, says):
    """It was "unknown concept ''; did you mean autoencoder, vae, denoising-autoencoder?": the first concepts."""
    with pytest.raises(UnknownConceptError) as err:
        seed_kg.resolve(asked, sections=True)
    assert str(err.value) == says and err.value.suggestions == [] and asked not in seed_kg


@pytest.mark.parametrize("asked, suggestion", [
    ("vea", "vae"),
    ("stable-difusion", "stable-diffusion"),
    ("diffusion", "diffusion-model"),
])
def test_unknown_id_suggests_close_ones(seed_kg, asked, suggestion):
    with pytest.raises(UnknownConceptError) as err:
        seed_kg.resolve(asked)
    assert suggestion in err.value.suggestions
    assert "did you mean" in str(err.value)


@pytest.mark.parametrize("asked, suggestions", [
    ("a", []),  # it was the first three concepts with an "a" in them: autoencoder, vae, denoising-autoencoder
    ("auto*", ["autoencoder", "denoising-autoencoder", "vae"]),  # a part of a name, the nearest first (it was none)
    ("diffus*", ["diffusion-model", "stable-diffusion"]),
    ("gans thing", ["gan", "wgan"]),
    ("network", ["generator", "discriminator", "gan"]),  # "Generator Network" is nearer than "Generative Adversarial
    ("vea", ["vae"]),                                    # Network", which came first, in document order
])
def test_suggestions_are_the_concepts_most_like_the_name_first(seed_kg, asked, suggestions):
    """Did-you-mean was close spellings (difflib), then every concept whose ID or label contained the name, in
    document order: `mlkg learn transformer --known a,b` suggested linear-regression, and `prereqs 'trans*'` tanh."""
    assert seed_kg.suggest(asked) == suggestions


def test_node_link_json_round_trips(seed_kg):
    data = seed_kg.to_node_link()
    assert data == nx.node_link_data(seed_kg.graph, edges="edges")  # made directly, but networkx's format
    back = nx.node_link_graph(data, edges="edges", multigraph=True, directed=True)
    assert set(back.nodes) == set(seed_kg.graph.nodes)
    assert back.number_of_edges() == seed_kg.graph.number_of_edges()


def exactly(g: nx.MultiDiGraph, in_edge_order: bool = True) -> list:
    """Everything ``g`` holds, in the order networkx keeps it: its attributes, its nodes, and its edges from both
    ends with their keys, each attribute dict in its own key order, each value with its type (evidence as the
    :class:`~mlkg.mine.Evidence` it must be); and whether each edge's dict is one, seen from either end.

    Without ``in_edge_order``, each node's in-edges come in the order of their sources: graph.json lists edges
    by source, so that is the order a graph read back from it has, where a built one has the order of mining."""
    from mlkg.mine import Evidence

    def value(x):
        if isinstance(x, dict):
            return "dict", [(k, value(v)) for k, v in x.items()]
        if isinstance(x, list):
            return "list", [value(v) for v in x]
        if isinstance(x, Evidence):
            return "Evidence", value(x.as_dict())
        return type(x).__name__, x

    def edges(adj, ends=lambda nbrs: nbrs.items()):
        return [(a, [(b, [(k, value(d)) for k, d in keys.items()]) for b, keys in ends(nbrs)])
                for a, nbrs in adj.items()]

    place = {n: i for i, n in enumerate(g)}
    by_source = None if in_edge_order else lambda nbrs: sorted(nbrs.items(), key=lambda item: place[item[0]])
    shared = all(d is g.pred[v][u][k] for u, v, k, d in g.edges(keys=True, data=True))
    return [value(g.graph), [(n, value(d)) for n, d in g.nodes(data=True)], edges(g.succ),
            edges(g.pred, *filter(None, [by_source])), shared]


@pytest.mark.parametrize("kg_name", ["seed_kg", pytest.param("shared_kg", marks=pytest.mark.shared)])
def test_a_graph_read_back_from_its_json_answers_like_the_original(request, kg_name):
    """Commands after a build load its graph.json: every view must come out the same."""
    import orjson

    from mlkg import KnowledgeGraph
    from mlkg.views import rdf
    from mlkg.views import text as views

    kg = request.getfixturevalue(kg_name)
    back = KnowledgeGraph.from_node_link(orjson.loads(orjson.dumps(kg.to_node_link())))
    assert exactly(back.graph) == exactly(kg.graph, in_edge_order=False)
    assert back.to_node_link() == kg.to_node_link()
    assert back.stats() == kg.stats()
    assert list(back.entries) == list(kg.entries)
    for cid in kg.entries:
        assert views.concept_text(back, cid) == views.concept_text(kg, cid)
        assert back.prerequisites(cid) == kg.prerequisites(cid)
    assert rdf.turtle(back) == rdf.turtle(kg)
    assert back.map_html() == kg.map_html()
    # a node's in-edges come back in another order: the explanation path must not depend on it (it did, for 388
    # pairs of 20,000 on the shared corpus)
    ids = list(kg.entries)
    for a in ids[::1 if len(ids) < 50 else 25]:
        for b in ids:
            if a != b:
                assert _path_or_none(back, a, b) == _path_or_none(kg, a, b), (a, b)


def _path_or_none(kg, a: str, b: str):
    from mlkg.errors import NoPathError
    from mlkg.views.chains import explanation_path

    try:
        return explanation_path(kg, a, b)
    except NoPathError:
        return None


@pytest.mark.parametrize("kg_name", ["seed_kg", pytest.param("shared_kg", marks=pytest.mark.shared)])
def test_the_graph_a_build_reads_back_is_the_graph_built_in_memory(request, kg_name, tmp_path):
    """Commands answer from a build's graph.json, which is read straight into networkx's adjacency dicts rather
    than through add_edges_from: the graph must be the one a load builds, to the order of its keys."""
    from mlkg import project

    kg = request.getfixturevalue(kg_name)
    source = SEED if kg_name == "seed_kg" else request.getfixturevalue("shared")
    project.build([source], out=tmp_path / "out", with_map=False)
    back = project.built_graph((tmp_path / "out" / "current").resolve())
    assert exactly(back.graph) == exactly(kg.graph, in_edge_order=False)


def _odd(evidence):
    return {"directed": True, "multigraph": True, "graph": {"name": "odd"}, "nodes": [
        {"id": "a", "kind": "concept", "label": "A"}, {"kind": "concept", "id": "b", "label": "B"},
        {"id": "a", "extra": 1, "label": "A again"},  # a node given twice
        {"id": 3, "kind": "section"},
    ], "edges": [
        {"source": "a", "target": "b", "key": "requires", "rule": "r", "evidence": [evidence]},
        {"source": "a", "target": "b", "key": "related", "evidence": None},
        {"curated": True, "source": "a", "target": "b", "key": "requires", "rule": "s"},  # an edge given twice
        {"source": "b", "target": "b", "key": None}, {"source": "b", "target": "b", "key": None},  # keys made
        {"source": "b", "target": 3, "key": 0, "evidence": [{**evidence, "cue": "built on"}]},
    ]}


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_node_link_data_is_read_as_networkx_reads_it(seed_kg, order):
    """from_node_link writes networkx's dicts itself: a node or an edge given twice, an edge without a key and
    evidence whose fields come in another order must come out as networkx's own reader makes them."""
    import copy

    from mlkg import KnowledgeGraph
    from mlkg.mine import Evidence

    evidence = next(e for e in seed_kg.edges("requires") if e["evidence"])["evidence"][0].as_dict()
    if order == "reversed":
        evidence = dict(reversed(evidence.items()))
    data = _odd(evidence)
    theirs = KnowledgeGraph(nx.node_link_graph(copy.deepcopy(data), edges="edges"))
    ours = KnowledgeGraph.from_node_link(data)
    assert exactly(ours.graph) == exactly(theirs.graph)
    assert ours.graph["a"]["b"]["requires"]["evidence"] == [Evidence(**evidence)]


@pytest.mark.parametrize("how", ["from its own node-link data", "a networkx graph of plain dicts"])
def test_a_graph_made_elsewhere_renders_like_the_built_one(seed_kg, how):
    """Evidence arrives as Evidence objects (to_node_link) or as dicts (networkx read graph.json): the views read
    its attributes either way."""
    import orjson

    from mlkg import KnowledgeGraph
    from mlkg.views import rdf

    if how == "from its own node-link data":
        back = KnowledgeGraph.from_node_link(seed_kg.to_node_link())
    else:
        plain = nx.node_link_graph(orjson.loads(orjson.dumps(seed_kg.to_node_link())), edges="edges")
        back = KnowledgeGraph(plain)
    assert rdf.turtle(back) == rdf.turtle(seed_kg)
    assert back.map_html() == seed_kg.map_html()


def test_node_link_data_is_read_not_used_up(seed_kg):
    """from_node_link took each dict's id, source, target and key out of the caller's data: read twice, the same
    data was "not an object with an id"."""
    import copy

    from mlkg import KnowledgeGraph

    data = seed_kg.to_node_link()
    kept = copy.deepcopy(data)
    first, second = KnowledgeGraph.from_node_link(data), KnowledgeGraph.from_node_link(data)
    assert data == kept and first.to_node_link() == second.to_node_link() == kept


@pytest.mark.parametrize("data, error", [
    ({"nodes": []}, "has no edges list"),
    ({"edges": []}, "has no nodes list"),
    ([], "must be an object with nodes and edges, not list"),
    ({"nodes": {}, "edges": []}, "has nodes that is not a list"),
    ({"nodes": [{"kind": "concept"}], "edges": []}, "node 0 is not an object with an id"),
    ({"nodes": [{"id": ["a"]}], "edges": []}, "node 0 has an id that is a list or an object"),
    ({"nodes": [{"id": "a"}], "edges": [{"source": "a"}]}, "edge 0 has no target, key"),
    ({"nodes": [{"id": "a"}], "edges": [{"source": "a", "target": "b", "key": "requires"}]},
     "edge 0's target 'b' is not a node"),
])
def test_node_link_data_of_another_shape_says_what_is_missing(data, error):
    """It raised a bare KeyError ('edges'), and left the caller's dicts taken apart."""
    import copy

    from mlkg import KnowledgeGraph

    given = copy.deepcopy(data)
    with pytest.raises(InputError) as err:
        KnowledgeGraph.from_node_link(data)
    assert str(err.value) == f"node-link data {error} (graph.json as to_node_link writes it)"
    assert data == given


def test_node_link_data_with_a_requires_cycle_is_refused_naming_it(seed_kg):
    from mlkg import KnowledgeGraph

    data = seed_kg.to_node_link()
    data["edges"].append({"kind": "requires", "source": "autoencoder", "target": "stable-diffusion",
                          "key": "requires", "evidence": []})
    with pytest.raises(InputError) as err:
        KnowledgeGraph.from_node_link(data)
    assert str(err.value).startswith("node-link data has a cycle of requires edges (")
    assert "(stable-diffusion → vae → autoencoder → stable-diffusion)" in str(err.value)


@pytest.mark.parametrize("pattern", ["data/*.md", "data/**/*.md", "data/13-*.md", "{root}/data/[0-9]*.md"])
def test_load_takes_a_glob_as_the_readme_says(monkeypatch, pattern):
    """`mlkg.load("data/*.md")` said "no such file or folder": Python expands no pattern by itself."""
    monkeypatch.chdir(ROOT)
    assert len(mlkg.load(pattern.format(root=ROOT), curation=[])) == 20


def test_a_glob_that_matches_nothing_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        mlkg.load("data/*.md")
    assert err.value.lines() == ["data/*.md:1: no file or folder matches this pattern"]


def test_load_defaults_to_the_shipped_corpus():
    kg = mlkg.load()
    assert len(kg) == 20 and "stable-diffusion" in kg


def test_stats_counts(seed_kg):
    s = seed_kg.stats()
    assert (s["sections"], s["subsections"], s["concepts"]) == (1, 6, 20)
    assert s["edges"]["parent"] == 26
    assert s["edges"]["requires"] > 0 and s["edges"]["related"] > 0



@pytest.mark.parametrize("kg_name", ["seed_kg", pytest.param("shared_kg", marks=pytest.mark.shared)])
def test_graph_json_is_networkx_node_link_data_and_its_digest(request, kg_name, tmp_path):
    """A build streams graph.json item by item, one a line; it must be exactly the node-link data, and say its
    digest; and read back a line at a time, it is the graph read whole."""
    import hashlib
    import io
    import json

    import orjson

    from mlkg import KnowledgeGraph

    kg = request.getfixturevalue(kg_name)
    with open(tmp_path / "graph.json", "wb") as f:
        digest = kg.write_node_link(f)
    data = (tmp_path / "graph.json").read_bytes()
    whole = orjson.dumps(nx.node_link_data(kg.graph, edges="edges"))
    assert data.replace(b"\n", b"") == whole  # every key in its place, an item a line
    assert data.count(b"\n") == 3 + len(kg.graph) + kg.graph.number_of_edges()
    assert json.loads(data) == json.loads(whole)
    assert digest == hashlib.sha256(data).hexdigest()
    streamed, read_digest = KnowledgeGraph.from_node_link_lines(io.BytesIO(data))
    assert read_digest == digest
    assert streamed.to_node_link() == KnowledgeGraph.from_node_link(json.loads(data)).to_node_link()
    assert list(streamed.graph.edges(keys=True)) == list(kg.graph.edges(keys=True))


@pytest.mark.parametrize("damage", [
    lambda b: b.replace(b"\n", b""),  # laid out otherwise: read whole
    lambda b: b.replace(b',"edges":[\n', b',"edges":[ \n'),
    lambda b: b + b"\n",
    lambda b: b.replace(b'"id":"vae"', b'"id":"vae","extra":1'),  # a key no build writes
    lambda b: b[:-40],  # cut short
    lambda b: b.replace(b'],"edges":[\n', b'],"edges":[\n' + b.split(b"\n")[-3].rstrip(b",") + b",\n"),  # twice
])
def test_node_link_lines_not_as_a_build_writes_them_are_left_to_the_whole_reader(seed_kg, damage):
    import io

    from mlkg import KnowledgeGraph

    out = io.BytesIO()
    seed_kg.write_node_link(out)
    assert KnowledgeGraph.from_node_link_lines(io.BytesIO(damage(out.getvalue()))) is None


@pytest.mark.parametrize("args", [
    ("data/13-generative-models.md",),
    (["data/13-generative-models.md"],),
    ((Path("data/13-generative-models.md"),),),
])
def test_load_takes_paths_one_by_one_or_as_a_list(args, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert len(mlkg.load(*args)) == 20


@pytest.mark.parametrize("args", [(None,), ([["data"]],), (b"data",), (3,)])
def test_load_of_what_is_no_path_is_an_input_error(args):
    with pytest.raises(InputError, match="expected cheatsheet paths"):
        mlkg.load(*args)


def test_load_takes_a_glob(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert len(mlkg.load(Path("data").glob("*.md"))) == 20


def test_load_of_an_empty_list_is_an_error_not_the_shipped_corpus():
    with pytest.raises(InputError, match="empty"):
        mlkg.load([])


def test_a_graph_iterates_over_its_concepts_and_contains_what_it_resolves(seed_kg):
    assert list(seed_kg) == seed_kg.concepts() and len(list(seed_kg)) == len(seed_kg)
    assert "VAE" in seed_kg and "vae" in seed_kg and "sec:13.1" in seed_kg
    assert "nothing-like-this" not in seed_kg and 3 not in seed_kg


@pytest.mark.parametrize("call, message", [
    (lambda kg: kg.prerequisites(None), "not NoneType None"),
    (lambda kg: kg.prerequisites(3), "not int 3"),
    (lambda kg: kg.prerequisites("vae", depth="2"), "depth must be a whole number"),
    (lambda kg: kg.prerequisites("vae", depth=-1), "depth must be a whole number"),
    (lambda kg: kg.query("prerequisites", {"concept": ["vae"]}), "expected a string, not list"),
    (lambda kg: kg.query(None), "not NoneType None"),
    (lambda kg: kg.query(b"ASK {}"), "not bytes"),
    (lambda kg: kg.ready_to_learn(known=5), "known: expected concept names"),
])
def test_a_wrong_argument_type_is_an_input_error_not_a_traceback(seed_kg, call, message):
    with pytest.raises(InputError, match=message):
        call(seed_kg)


@pytest.mark.parametrize("call, error, message", [
    # `mlkg edges --kind nope` is refused; kg.edges("nope") answered [], as if the graph had no such edges
    (lambda kg: kg.edges("nope"), InputError, "unknown edge kind 'nope'; use parent, requires or related"),
    (lambda kg: kg.edges(["requires", "Related"]), InputError, "unknown edge kind 'Related'"),
    (lambda kg: kg.edges(3), InputError, "unknown edge kind 3"),
    (lambda kg: kg.out_edges("vae", "require"), InputError, "unknown edge kind 'require'"),
    # every other method raises for a concept it does not know; these answered []
    (lambda kg: kg.out_edges("nope"), UnknownConceptError, "unknown concept 'nope'"),
    (lambda kg: kg.in_edges("vea", "requires"), UnknownConceptError, "unknown concept 'vea'; did you mean vae"),
    (lambda kg: kg.in_edges(None), InputError, "not NoneType None"),
])
def test_edges_of_no_kind_or_of_no_concept_are_an_error_not_an_empty_list(seed_kg, call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(seed_kg)


@pytest.mark.parametrize("call, edges", [
    (lambda kg: kg.out_edges("VAE", "requires"), [("vae", "autoencoder")]),  # whatever kg[...] takes
    (lambda kg: kg.out_edges("13.1.2", "requires"), [("vae", "autoencoder")]),
    (lambda kg: kg.in_edges("sec:13.1"), [("autoencoder", "sec:13.1"), ("vae", "sec:13.1"),
                                         ("denoising-autoencoder", "sec:13.1")]),
])
def test_edges_of_a_named_concept_or_section(seed_kg, call, edges):
    """out_edges and in_edges take what kg[...] takes, a section too; "VAE" answered [] as "nope" did."""
    assert [(e["source"], e["target"]) for e in call(seed_kg)] == edges


@pytest.mark.parametrize("call", [
    lambda kg: kg.learning_plan("stable-diffusion", known="vae")["known"] == ["vae"],
    lambda kg: "vae" not in {c["id"] for c in kg.ready_to_learn("vae")},
    lambda kg: kg.learning_plan("stable-diffusion", known=None)["known"] == [],
])
def test_one_name_where_a_list_is_expected_means_that_one(seed_kg, call):
    assert call(seed_kg)


def test_load_takes_one_curation_file_as_well_as_a_list(tmp_path):
    cur = tmp_path / "c.toml"
    cur.write_text('[[remove]]\nsource = "vae"\ntarget = "autoencoder"\n', encoding="utf-8")
    for given in (str(cur), cur, [cur]):
        kg = mlkg.load(SEED, curation=given)
        assert "autoencoder" not in {p["id"] for p in kg.prerequisites("vae")}


def test_query_parameters_may_be_keywords(seed_kg):
    as_dict = seed_kg.query("prerequisites", {"concept": "stable-diffusion"}).records()
    assert seed_kg.query("prerequisites", concept="stable-diffusion").records() == as_dict and as_dict


def _names_kg(write):
    from conftest import entry, sheet

    return mlkg.load(write(sheet(
        entry("1.1.1", "Rehearsal (Experience Replay)", "rehearsal"),
        entry("1.1.2", "Experience Replay (Replay Buffer)", "experience-replay"),
        entry("1.1.3", "Mean Absolute Error (MAE)", "mae"),
        entry("1.1.4", "Masked Autoencoder (MAE)", "masked-autoencoder"),
        entry("1.1.5", "Learning with Noisy Labels (Label Noise)", "label-noise"),
        entry("1.1.6", "Learning with Noisy Labels (Label Noise)", "noisy-label-learning"),
        entry("1.1.7", "Caf\u00e9 Thing", "cafe"),
    )), curation=[])


@pytest.mark.parametrize("asked, found", [
    ("Experience Replay", "experience-replay"),  # its label, only rehearsal's alternative
    ("experience replays", "experience-replay"),
    ("Replay Buffer", "experience-replay"),
    ("MAE", "mae"),  # an ID, in any case, before the acronym two concepts have
    ("Masked Autoencoder", "masked-autoencoder"),
    ("Cafe\u0301 Thing", "cafe"),  # typed decomposed
])
def test_a_name_is_the_concept_whose_name_it_is_the_most(write, asked, found):
    kg = _names_kg(write)
    assert kg.resolve(asked) == found and asked in kg


@pytest.mark.parametrize("asked", ["Label Noise", "learning with noisy labels"])
def test_a_name_two_concepts_have_alike_is_refused_with_both(write, asked):
    kg = _names_kg(write)
    with pytest.raises(UnknownConceptError) as err:
        kg.resolve(asked)
    assert str(err.value) == (f"{asked!r} names 2 concepts alike; did you mean label-noise (1.1.5) or "
                              "noisy-label-learning (1.1.6)? give its ID or entry number")
    assert asked not in kg


def test_in_says_what_resolve_takes(write):
    """`"GAN" in kg` was True where two concepts have the acronym and kg["GAN"] refuses it (a subsection is titled
    so too); `"1.1" in kg` False where kg["1.1"] is the subsection."""
    kg = mlkg.load(write(sheet(entry("1.1.1", "Generative Net (GAN)", "gen-net"),
                               entry("1.1.2", "Graph Attention Net (GAN)", "gat"), subsections={"1.1": "GAN"})),
                   curation=[])
    for name in ("GAN", "gans", "1.1", "sec:1.1", "1.1.1", "Generative Net", "gen net", "nothing", "1", "1.9"):
        try:
            kg.resolve(name, sections=True)
        except UnknownConceptError:
            taken = False
        else:
            taken = True
        assert (name in kg) is taken, name


@pytest.mark.parametrize("asked", ["Encoder-Decoder", "encoder-decoders", "encoder decoder", "ENCODER DECODERS"])
def test_another_concepts_id_in_other_words_is_refused_with_both(write, asked):
    """"Encoder-Decoder" was refused as 15.2.2's title and 11.4.3's ID, but its plural or spaced forms went to the
    title's concept without a word (a title was taken before an ID read as words)."""
    kg = mlkg.load(write(sheet(entry("1.1.1", "Encoder-Decoder Architecture", "encoder-decoder"),
                               entry("1.1.2", "Encoder-Decoder", "seq2seq-encoder-decoder"))), curation=[])
    with pytest.raises(UnknownConceptError) as err:
        kg.resolve(asked)
    assert "names 2 concepts alike; did you mean encoder-decoder (1.1.1) or seq2seq-encoder-decoder (1.1.2)?" \
        in str(err.value)
    assert kg.resolve("encoder-decoder") == "encoder-decoder"
    assert asked not in kg and "encoder-decoder" in kg  # `in` says what resolve() takes


@pytest.mark.parametrize("asked, found", [
    ("kmeans", "k-means"),  # closed up, as users type "K-Means": it was "unknown concept"
    ("K means", "k-means"),
    ("tsne", "tsne"),
    ("TSNE", "tsne"),
    ("t sne", "tsne"),
    ("layernorm", "layer-norm"),
])
def test_a_name_typed_closed_up_finds_its_concept(write, asked, found):
    kg = mlkg.load(write(sheet(entry("1.1.1", "K-Means Clustering", "k-means"), entry("1.1.2", "t-SNE", "tsne"),
                               entry("1.1.3", "Layer Norm", "layer-norm"))), curation=[])
    assert kg.resolve(asked) == found and asked in kg


def test_a_closed_up_name_two_concepts_share_is_refused_with_both(write):
    kg = mlkg.load(write(sheet(entry("1.1.1", "Ro Bert", "ro-bert"), entry("1.1.2", "Rob Ert", "rob-ert"))),
                   curation=[])
    with pytest.raises(UnknownConceptError) as err:
        kg.resolve("robert")
    assert "names 2 concepts alike; did you mean ro-bert (1.1.1) or rob-ert (1.1.2)?" in str(err.value)
    assert "robert" not in kg


def _two_encoders(write):
    return mlkg.load(write(sheet(entry("1.1.1", "Encoder-Decoder Architecture", "encoder-decoder"),
                                 entry("1.1.2", "Encoder-Decoder", "seq2seq"))), curation=[])


@pytest.mark.parametrize("asked, found", [
    ("encoder-decoder", "encoder-decoder"),  # an ID as written is that ID
    ("Encoder-Decoder Architecture", "encoder-decoder"),
])
def test_an_id_as_written_and_a_title_each_find_their_own(write, asked, found):
    assert _two_encoders(write).resolve(asked) == found


def test_an_id_in_other_letters_that_is_another_concepts_title_is_refused_with_both(write):
    """A reviewer typed the title "Encoder-Decoder" and got the concept with that ID, titled otherwise."""
    kg = _two_encoders(write)
    with pytest.raises(UnknownConceptError) as err:
        kg.resolve("Encoder-Decoder")
    assert err.value.suggestions == ["encoder-decoder", "seq2seq"] and "Encoder-Decoder" not in kg


@pytest.mark.parametrize("asked, first", [
    ("softmax", ["softmax-function"]),  # the start of a label: the first suggestion, not taken for it
    ("gradient", ["gradient-boosting", "gradient-descent"]),  # nor where it begins several
])
def test_the_start_of_a_label_is_suggested_first(write, asked, first):
    kg = mlkg.load(write(sheet(entry("1.1.1", "Soft Margin", "soft-margin"), entry("1.1.2", "Gradient Boosting"),
                               entry("1.1.3", "Softmax Function"), entry("1.1.4", "Gradient Descent"))), curation=[])
    with pytest.raises(UnknownConceptError) as err:
        kg.resolve(asked)
    assert err.value.suggestions[:len(first)] == first and asked not in kg


def test_two_entries_with_one_title_are_reported_with_both_places(write):
    kg = _names_kg(write)
    path = kg.entries["label-noise"]["file"]
    assert kg.duplicate_titles() == [
        f"2 entries have the title 'Learning with Noisy Labels (Label Noise)': label-noise (1.1.5, {path}:"
        f"{kg.entries['label-noise']['line']}), noisy-label-learning (1.1.6, {path}:"
        f"{kg.entries['noisy-label-learning']['line']}); a name they share finds neither: give them different "
        "titles, or name them by ID"]


def test_a_title_many_entries_share_is_one_line_naming_the_first_few(write):
    kg = mlkg.load(write(sheet(*(entry(f"1.1.{i}", "Zorb Net", f"zorb-{i}") for i in range(1, 9)))), curation=[])
    [line] = kg.duplicate_titles()
    assert line.startswith("8 entries have the title 'Zorb Net': zorb-1 (1.1.1, ") and " and 3 more; " in line
    assert "zorb-6" not in line


def test_an_ambiguous_name_survives_a_trip_through_pickle(write):
    """A process pool hands a worker's error back pickled: it must come back as itself."""
    import pickle

    with pytest.raises(UnknownConceptError) as err:
        _names_kg(write).resolve("Label Noise")
    back = pickle.loads(pickle.dumps(err.value))
    assert type(back) is type(err.value) and str(back) == str(err.value) and back.suggestions == err.value.suggestions


def test_a_name_many_entries_share_lists_the_first_few(write):
    kg = mlkg.load(write(sheet(*(entry(f"1.1.{i}", "Zorb Net", f"zorb-{i}") for i in range(1, 9)))), curation=[])
    with pytest.raises(UnknownConceptError) as err:
        kg.resolve("Zorb Net")
    assert str(err.value) == ("'Zorb Net' names 8 concepts alike; did you mean zorb-1 (1.1.1), zorb-2 (1.1.2), "
                              "zorb-3 (1.1.3), zorb-4 (1.1.4) or zorb-5 (1.1.5) (or 3 more)? give its ID or entry "
                              "number")


def test_an_error_repeats_a_long_name_cut_short(seed_kg):
    """A 100 kB parameter value was echoed whole, in one line of stderr (an RDF review)."""
    with pytest.raises(UnknownConceptError) as err:
        seed_kg.resolve("z" * 100_000)
    assert str(err.value).startswith("unknown concept '" + "z" * 100 + "'… (100,000 characters)")
    assert len(str(err.value)) < 300


def test_the_starts_of_labels_suggested_are_few(write):
    """A word sixty labels begin with made an error line of sixty IDs (a diff review)."""
    kg = mlkg.load(write(sheet(*(entry(f"1.1.{i}", f"Neural Thing {i}", f"neural-{i}") for i in range(1, 61)))),
                   curation=[])
    with pytest.raises(UnknownConceptError) as err:
        kg.resolve("neural")
    assert err.value.suggestions == [f"neural-{i}" for i in range(1, 6)]


@pytest.mark.parametrize("asked", [" " * 100_000, "\t" * 5_000])
def test_a_long_blank_name_is_said_by_its_length(seed_kg, asked):
    with pytest.raises(UnknownConceptError) as err:
        seed_kg.resolve(asked)
    assert len(str(err.value)) < 400 and "characters)" in str(err.value)
