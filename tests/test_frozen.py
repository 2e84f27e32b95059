"""The frozen graph: a built graph's nodes' and edges' attributes refuse every write, by every public path.

``networkx.freeze`` stopped only nodes and edges being added or removed: ``kg["vae"]["label"] = …`` went through,
and then the SPARQL store (made before) still said the old label while the RDF export and search (made after) said
the new one, and ``resolve`` knew neither.  Every view is derived from the graph once; it must never change.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle

import networkx as nx
import orjson
import pytest
from conftest import SEED

import mlkg
from mlkg import FrozenGraphError, KnowledgeGraph
from mlkg.errors import MlkgError, UnknownConceptError
from mlkg.views import search

REQUIRES = ("stable-diffusion", "vae", "requires")  # an edge of the seed, with evidence


def _built():
    return mlkg.load(SEED)


def _from_graph_json():
    return KnowledgeGraph.from_node_link(orjson.loads(orjson.dumps(_built().to_node_link())))


def _from_node_link_with_a_key_no_build_writes():
    data = orjson.loads(orjson.dumps(_built().to_node_link()))
    for node in data["nodes"]:
        node["tags"] = [{"by": "me"}]
    return KnowledgeGraph.from_node_link(data)


def _unpickled():
    return pickle.loads(pickle.dumps(_built()))


def _from_a_networkx_graph_of_plain_dicts():
    return KnowledgeGraph(nx.node_link_graph(orjson.loads(orjson.dumps(_built().to_node_link())), edges="edges"))


MAKINGS = {
    "built by load()": _built,
    "read back from graph.json": _from_graph_json,
    "node-link data with a key no build writes": _from_node_link_with_a_key_no_build_writes,
    "unpickled": _unpickled,
    "a networkx graph of plain dicts": _from_a_networkx_graph_of_plain_dicts,
}


@pytest.fixture(scope="module", params=list(MAKINGS))
def kg(request):
    """A graph of its own per module and per way of making it: a write that went through must not spoil the
    session's ``seed_kg`` for the tests after this one."""
    return MAKINGS[request.param]()


def _evidence(kg):
    u, v, k = REQUIRES
    return kg.graph[u][v][k]["evidence"]


def _set_ior(d, other):
    d |= other


def _list_iadd(x, other):
    x += other


WRITES = [
    # (what is written, how, what the error names)
    ("a node's label by kg[id]", lambda kg: kg["vae"].__setitem__("label", "Something Else"), "setting 'label'"),
    ("a node's label by kg.graph.nodes", lambda kg: kg.graph.nodes["vae"].__setitem__("label", "X"), "setting"),
    ("a node's label deleted", lambda kg: kg["vae"].__delitem__("label"), "deleting 'label'"),
    ("a node's attributes updated", lambda kg: kg["vae"].update(label="X"), "update()"),
    ("a node's attribute added", lambda kg: kg["vae"].setdefault("new", 1), "setdefault()"),
    ("a node's attribute popped", lambda kg: kg["vae"].pop("label"), "pop()"),
    ("a node's attributes cleared", lambda kg: kg["vae"].clear(), "clear()"),
    ("a node's attributes merged with |=", lambda kg: _set_ior(kg["vae"], {"label": "X"}), "|="),
    ("an alternative label appended", lambda kg: kg.graph.nodes["gan"]["alt_labels"].append("ZZZ"), "append()"),
    ("an alternative label added with +=", lambda kg: _list_iadd(kg["vae"]["alt_labels"], ["ZZZ"]), "+="),
    ("an alternative label replaced", lambda kg: kg["vae"]["alt_labels"].__setitem__(0, "ZZZ"), "setting an item"),
    ("alternative labels sorted", lambda kg: kg["vae"]["alt_labels"].sort(), "sort()"),
    ("a field's line number", lambda kg: kg["vae"]["field_lines"].__setitem__("full", 1), "setting 'full'"),
    ("a node by kg.nodes()", lambda kg: dict(kg.nodes("concept"))["vae"].__setitem__("label", "X"), "setting"),
    ("a node by kg.entries", lambda kg: kg.entries["vae"].__setitem__("label", "X"), "setting 'label'"),
    ("kg.entries itself", lambda kg: kg.entries.__setitem__("new", {}), "setting 'new'"),
    ("an edge's confidence by edges(data=True)",
     lambda kg: next(iter(kg.graph.edges(data=True)))[2].__setitem__("confidence", 99), "setting 'confidence'"),
    ("an edge's rule by graph[u][v][k]",
     lambda kg: kg.graph["stable-diffusion"]["vae"]["requires"].__setitem__("rule", "x"), "setting 'rule'"),
    ("an edge by graph.edges[u, v, k]", lambda kg: kg.graph.edges[REQUIRES].__setitem__("kind", "related"),
     "setting 'kind'"),
    ("an edge by get_edge_data", lambda kg: kg.graph.get_edge_data(*REQUIRES).__setitem__("curated", True),
     "setting 'curated'"),
    ("an edge by in_edges(data=True)",
     lambda kg: next(iter(kg.graph.in_edges("vae", data=True)))[2].pop("kind"), "pop()"),
    ("evidence appended", lambda kg: _evidence(kg).append(_evidence(kg)[0]), "append()"),
    ("evidence removed by kg.edges()", lambda kg: kg.edges("requires")[0]["evidence"].pop(), "pop()"),
    ("a piece of evidence's confidence", lambda kg: setattr(_evidence(kg)[0], "confidence", 9.0),
     "setting the evidence's confidence"),
    ("a piece of evidence's sentence deleted", lambda kg: delattr(_evidence(kg)[0], "sentence"),
     "deleting the evidence's sentence"),
    ("the graph's sources", lambda kg: kg.graph.graph["sources"].append("x.md"), "append()"),
    ("the graph's attributes", lambda kg: kg.graph.graph.__setitem__("name", "mine"), "setting 'name'"),
    ("the graph's name, as networkx sets it", lambda kg: setattr(kg.graph, "name", "mine"), "setting 'name'"),
    ("what mining reported", lambda kg: kg.stats()["mining"]["downgraded"].clear(), "clear()"),
]


@pytest.mark.parametrize("what, write, names", WRITES, ids=[w[0] for w in WRITES])
def test_every_write_into_the_graph_is_refused_and_says_what_to_do(kg, what, write, names):
    """Each public path to a node's or an edge's attributes (and to the lists, dicts and evidence among them) gives
    the graph's own objects: a write through any of them is refused with an error that says the graph is frozen
    and how to change it, and nothing changes."""
    before = kg.to_node_link()
    with pytest.raises(FrozenGraphError) as err:
        write(kg)
    message = str(err.value)
    assert message.startswith(f"the graph is frozen: {names}")
    assert "edit the cheatsheet or the curation file and load again" in message and "dict(d)" in message
    assert kg.to_node_link() == before


@pytest.mark.parametrize("error_class", [MlkgError, TypeError, AttributeError])
def test_the_refusal_is_caught_as_what_python_raises_for_such_writes(seed_kg, error_class):
    """A TypeError as writing into a tuple is, an AttributeError as setting a field of a frozen dataclass is, and
    one of ours, which the command line shows as one line."""
    with pytest.raises(error_class):
        seed_kg["vae"]["label"] = "Something Else"


def test_the_refusal_pickles_as_itself():
    """A process pool hands an error back pickled: it must come back with its own message, once."""
    err = FrozenGraphError("setting 'label'")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is FrozenGraphError and str(back) == str(err) and back.what == "setting 'label'"


ATTEMPTS = [
    ("the label, by kg[id]", lambda kg: kg["vae"].__setitem__("label", "Something Else")),
    ("an alternative label", lambda kg: kg["vae"]["alt_labels"].append("Something Else")),
    ("the label, by kg.graph.nodes", lambda kg: kg.graph.nodes["vae"].update(label="Something Else")),
]


@pytest.mark.parametrize("what, attempt", ATTEMPTS, ids=[a[0] for a in ATTEMPTS])
def test_a_value_read_is_the_same_in_sparql_rdf_search_and_resolve_after_a_write_is_tried(what, attempt):
    """The review's case: SPARQL's store was made before the write and kept the old label, the RDF export and
    search were made after it and showed the new one, resolve knew neither.  The write is refused, so all agree."""
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from mlkg.views import rdf

    kg = mlkg.load(SEED)
    label = "SELECT ?l WHERE { concept:vae skos:prefLabel ?l }"
    assert kg.query(label).records() == [{"l": "Variational Autoencoder"}]  # the store is made, and kept
    with pytest.raises(FrozenGraphError):
        attempt(kg)
    assert kg["vae"]["label"] == "Variational Autoencoder" and kg["vae"]["alt_labels"] == ["VAE"]
    assert kg.query(label).records() == [{"l": "Variational Autoencoder"}]
    g, vae = kg.to_rdf(), URIRef(rdf.concept_iri(rdf.DEFAULT_BASE_IRI, "vae"))
    assert [str(x) for x in g.objects(vae, SKOS.prefLabel)] == ["Variational Autoencoder"]
    assert [str(x) for x in g.objects(vae, SKOS.altLabel)] == ["VAE"]
    assert search.search(kg, "Variational Autoencoder")[0]["id"] == "vae"
    assert search.search(kg, "Something Else") == []
    assert kg.resolve("Variational Autoencoder") == "vae"
    with pytest.raises(UnknownConceptError):
        kg.resolve("Something Else")


COPIES = [
    ("dict(kg[id])", lambda kg: dict(kg["vae"])),
    ("kg[id].copy()", lambda kg: kg["vae"].copy()),
    ("{**kg[id]}", lambda kg: {**kg["vae"]}),
    ("a row of kg.edges()", lambda kg: kg.edges("requires")[0]),
    ("a node of to_node_link()", lambda kg: kg.to_node_link()["nodes"][0]),
]


@pytest.mark.parametrize("what, make", COPIES, ids=[c[0] for c in COPIES])
def test_a_copy_is_a_plain_dict_to_change_at_will(seed_kg, what, make):
    """What the error tells a user to do works: a copy is an ordinary dict, and changing it leaves the graph as it
    was."""
    mine = make(seed_kg)
    assert type(mine) is dict
    mine["label"] = "Mine"
    assert seed_kg["vae"]["label"] == "Variational Autoencoder"
    names = list(seed_kg["vae"]["alt_labels"])  # a list copy, as the message says
    names.append("Mine")
    assert seed_kg["vae"]["alt_labels"] == ["VAE"]


def test_a_piece_of_evidence_replaced_is_a_new_one(seed_kg):
    """dataclasses.replace (and as_dict) make new evidence; the graph's stays as it was."""
    ev = _evidence(seed_kg)[0]
    other = dataclasses.replace(ev, confidence=0.01)
    assert other.confidence == 0.01 and ev.confidence != 0.01 and other != ev
    assert dataclasses.replace(ev) == ev and ev.as_dict()["confidence"] == ev.confidence


def test_what_is_frozen_still_reads_writes_and_copies_as_dicts_and_lists(kg):
    """Frozen attributes are a dict subclass and a list subclass: every reader that took a dict takes them (json,
    orjson, isinstance, ==), and pickle and copy make frozen copies of them without writing into one."""
    d = kg["vae"]
    assert isinstance(d, dict) and isinstance(d["alt_labels"], list) and d["alt_labels"] == ["VAE"]
    assert json.loads(json.dumps(d)) == orjson.loads(orjson.dumps(d)) == {**d, "alt_labels": ["VAE"]}
    edge = kg.graph.edges[REQUIRES]
    assert orjson.loads(orjson.dumps(edge))["evidence"][0] == edge["evidence"][0].as_dict()
    for same in (copy.copy(d), copy.deepcopy(d), pickle.loads(pickle.dumps(d))):
        assert same == d and type(same) is type(d)
        with pytest.raises(FrozenGraphError):
            same["label"] = "X"
    ev = edge["evidence"][0]
    for same in (copy.copy(ev), copy.deepcopy(ev), pickle.loads(pickle.dumps(ev))):
        assert same == ev and type(same) is type(ev)
    assert pickle.loads(pickle.dumps(kg)).to_node_link() == kg.to_node_link()


def test_a_node_link_key_no_build_writes_is_frozen_too():
    """graph.json is frozen by name, its lists and dicts known by their keys; node-link data with another key (a
    list of dicts, here) takes the careful way, value by value."""
    kg = _from_node_link_with_a_key_no_build_writes()
    with pytest.raises(FrozenGraphError):
        kg["vae"]["tags"].append({})
    with pytest.raises(FrozenGraphError):
        kg["vae"]["tags"][0]["by"] = "you"


def test_graph_json_is_read_by_name_as_a_build_writes_it(seed_kg, monkeypatch):
    """A build's graph.json has only the keys NODE_KEYS and EDGE_KEYS know: a key added to a build and not there
    would send every command that reads a build the careful way, value by value, which is slower."""
    from mlkg import graph

    def careful(g):
        raise AssertionError("graph.json of a build was frozen value by value")

    monkeypatch.setattr(graph, "_freeze_attrs", careful)
    back = KnowledgeGraph.from_node_link(orjson.loads(orjson.dumps(seed_kg.to_node_link())))
    assert back.to_node_link() == seed_kg.to_node_link()
