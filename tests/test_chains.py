"""Prerequisite chains: learning plans in a valid order, known concepts skipped, explanation paths."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlkg.views.chains import PARENT_COST, learning_order, minutes_to_read, reading_minutes


@st.composite
def dags(draw):
    """A random DAG: edges only from a higher to a lower node number (node requires lower ones)."""
    n = draw(st.integers(min_value=1, max_value=30))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((max(a, b), min(a, b)) for a, b in edges if a != b)
    keys = draw(st.permutations(list(range(n))))
    return g, dict(enumerate(keys))


@settings(max_examples=200, deadline=None)
@given(dags())
def test_every_plan_is_a_topological_order_with_ties_by_document_order(case):
    g, key = case
    order = learning_order({n: list(g.successors(n)) for n in g}, key.__getitem__)
    assert sorted(order) == sorted(g)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[v] < position[u] for u, v in g.edges)  # prerequisites first
    # greedy tie-break: at each step the smallest-key ready node is taken
    done: set = set()
    for n in order:
        ready = [m for m in g if m not in done and all(p in done for p in g.successors(m))]
        assert key[n] == min(key[m] for m in ready)
        done.add(n)


def closure(kg, concept):
    down = nx.DiGraph([(e["source"], e["target"]) for e in kg.edges("requires")])
    return nx.descendants(down, concept) if concept in down else set()


@pytest.mark.parametrize("kg_name", ["seed_kg", pytest.param("shared_kg", marks=pytest.mark.shared)])
def test_prereqs_equals_the_transitive_closure_of_requires_for_every_concept(request, kg_name):
    kg = request.getfixturevalue(kg_name)
    for concept in kg.entries:
        plan = kg.prerequisites(concept)
        assert {s["id"] for s in plan} == closure(kg, concept), concept
        seen = set()
        for s in plan:
            assert set(s["requires"]) <= seen, (concept, s)
            seen.add(s["id"])


def test_prereqs_cli_agrees_with_edges_cli(cli):
    _, out, _ = cli("edges", "--kind", "requires", "--format", "json")
    down = nx.DiGraph([(e["source"], e["target"]) for e in json.loads(out)])
    _, out, _ = cli("prereqs", "stable-diffusion", "--format", "json")
    data = json.loads(out)
    assert data["concept"] == "stable-diffusion"
    assert {s["id"] for s in data["plan"]} == nx.descendants(down, "stable-diffusion")
    assert set(data["plan"][0]) == {"id", "label", "number", "requires", "depth"}


@pytest.mark.parametrize("known, plan", [
    ([], ["autoencoder", "vae", "denoising-autoencoder", "diffusion-model"]),
    (["vae"], ["denoising-autoencoder", "diffusion-model"]),  # vae and what it needs
    (["VAE", "Diffusion Model"], []),  # diffusion-model needs denoising-autoencoder: known too
])
def test_prereqs_leaves_out_what_you_know(cli, seed_kg, known, plan):
    """A user typed `mlkg prereqs X --know Y`: the plan less what Y covers is what learn gives, without times."""
    args = ["--known", ",".join(known)] if known else []
    code, out, err = cli("prereqs", "stable-diffusion", *args, "--format", "json")
    assert code == 0, err
    assert [s["id"] for s in json.loads(out)["plan"]] == plan
    assert [s["id"] for s in seed_kg.prerequisites("stable-diffusion", known=known)] == plan
    assert plan == [s["id"] for s in seed_kg.learning_plan("stable-diffusion", known)["plan"][:-1]]


@pytest.mark.parametrize("concept, known, says", [
    ("stable-diffusion", "vae,diffusion-model",
     "Nothing left to learn before Stable Diffusion [stable-diffusion]: you know all 4 of its prerequisites."),
    ("wgan", "gan", "Nothing left to learn before Wasserstein GAN (WGAN) [wgan]: you know its prerequisite."),
    ("stable-diffusion --depth 1", "diffusion-model,vae", "Nothing left to learn before Stable Diffusion "
     "[stable-diffusion]: you know all 2 of its prerequisites within 1 requires-hop."),
    ("vae", "stable-diffusion", "You already know Variational Autoencoder (VAE) [vae], and so all it requires."),
    ("vae", "vae", "You already know Variational Autoencoder (VAE) [vae], and so all it requires."),
    ("autoencoder", "gan", "Autoencoder [autoencoder] has no prerequisites in this graph."),
])
@pytest.mark.parametrize("fmt, line", [("text", "{}\n"), ("md", "- {}\n")])
def test_an_empty_plan_says_whether_you_know_it_all(cli, concept, known, says, fmt, line):
    """`prereqs llm --known decoder-only,language-model` said llm "has no prerequisites in this graph": it has 9."""
    code, out, err = cli("prereqs", *concept.split(), "--known", known, "--format", fmt)
    assert code == 0, err
    assert out.endswith(line.format(says))


@pytest.mark.parametrize("command", [["prereqs", "stable-diffusion"], ["learn", "stable-diffusion"], ["next"]])
def test_known_given_twice_adds_up(cli, command):
    """`-k vae -k diffusion-model` kept only the last and planned as if vae were new."""
    repeated = cli(*command, "-k", "vae", "-k", "diffusion-model", "--format", "json")
    listed = cli(*command, "--known", "vae,diffusion-model", "--format", "json")
    assert repeated == listed and repeated[0] == 0
    assert json.loads(repeated[1])["known"] == ["vae", "diffusion-model"]


@pytest.mark.parametrize("command", [["prereqs", "stable-diffusion", "--format", "json"],
                                     ["learn", "stable-diffusion", "--format", "json"]])
@pytest.mark.parametrize("known", ["autoencoder", "denoising-autoencoder", "vae,denoising-autoencoder"])
def test_a_steps_requires_name_only_steps_of_the_plan(cli, command, known):
    """With --known, diffusion-model's step still listed the known denoising-autoencoder, which the plan left out
    (the goal's step did not): "requires" is within the plan."""
    code, out, err = cli(*command, "--known", known)
    assert code == 0, err
    plan = json.loads(out)["plan"]
    ids = {s["id"] for s in plan}
    assert all(set(s["requires"]) <= ids for s in plan)
    assert not ids & set(known.split(","))


def test_learn_md_ticks_a_goal_you_know(cli):
    code, out, _ = cli("learn", "autoencoder", "--known", "vae", "--format", "md")
    assert code == 0 and "- [x] **Autoencoder** (goal, which you already know) (`autoencoder`, 13.1.1)" in out


def test_prereqs_refuses_a_tree_as_json(cli):
    """--tree --format json printed the flat plan, the tree silently dropped."""
    code, out, err = cli("prereqs", "stable-diffusion", "--tree", "--format", "json")
    assert (code, out) == (2, "") and "--tree is drawn as text" in err


def test_prereqs_refuses_a_tree_that_leaves_out_what_you_know(cli):
    code, out, err = cli("prereqs", "stable-diffusion", "--known", "vae", "--tree")
    assert (code, out) == (2, "") and "--tree shows every prerequisite; --known leaves some out" in err


@pytest.mark.parametrize("concept, plan", [
    ("stable-diffusion", ["autoencoder", "vae", "denoising-autoencoder", "diffusion-model"]),
    ("rlhf", ["language-model", "llm"]),
    ("wgan", ["gan"]),
    ("autoencoder", []),
])
def test_seed_plans(seed_kg, concept, plan):
    assert [s["id"] for s in seed_kg.prerequisites(concept)] == plan


def test_depth_limits_the_plan(seed_kg):
    plan = seed_kg.prerequisites("stable-diffusion", depth=1)
    assert {s["id"] for s in plan} == {"vae", "diffusion-model"}
    assert all(s["depth"] == 1 for s in plan)


def test_learning_plan_skips_what_you_know_and_its_prerequisites(seed_kg):
    plan = seed_kg.learning_plan("stable-diffusion", known=["vae"])
    ids = [s["id"] for s in plan["plan"]]
    assert ids == ["denoising-autoencoder", "diffusion-model", "stable-diffusion"]
    assert plan["skipped"] == ["autoencoder", "vae"]
    assert plan["plan"][-1]["goal"]
    assert plan["total_minutes"] == sum(s["minutes"] for s in plan["plan"])


@pytest.mark.parametrize("words_full, words_example, minutes", [
    (200, 0, 1.0),        # 200 prose words a minute
    (0, 100, 1.0),        # examples read at half speed
    (10, 0, 0.5),         # at least half a minute
    (250, 60, 2.0),       # 1.25 + 0.6 = 1.85, rounded up to the half minute
])
def test_reading_time_formula(words_full, words_example, minutes):
    assert minutes_to_read({"full": words_full, "simple": 0, "example": words_example}) == minutes


def test_a_concepts_reading_time_counts_the_words_of_its_fields(seed_kg):
    words = {f: len(seed_kg.entries["vae"][f].split()) for f in ("full", "simple", "example")}
    assert reading_minutes(seed_kg, "vae") == minutes_to_read(words)


def test_learn_cli_shows_times_and_total(cli):
    code, out, _ = cli("learn", "stable-diffusion", "--known", "autoencoder")
    assert code == 0
    assert "Skipping 1 you already know: autoencoder" in out
    assert "← goal" in out and "min" in out


def test_dependents(seed_kg):
    assert {d["id"] for d in seed_kg.dependents("autoencoder")} == {
        "vae", "denoising-autoencoder", "diffusion-model", "ddpm", "stable-diffusion"}
    assert {d["id"] for d in seed_kg.dependents("autoencoder", depth=1)} == {"vae", "denoising-autoencoder"}


def test_path_prefers_cross_references_and_carries_evidence(seed_kg):
    steps = seed_kg.path("stable-diffusion", "autoencoder")
    assert [(s["source"], s["target"], s["kind"]) for s in steps] == [
        ("stable-diffusion", "vae", "requires"), ("vae", "autoencoder", "requires")]
    assert all(s["evidence"]["sentence"] for s in steps)
    assert PARENT_COST > 1


def test_path_json_walks_from_to_and_reads_each_edge_its_own_way(cli, seed_kg):
    """vae → stable-diffusion walks the edge "stable-diffusion requires vae" backwards: the step says both."""
    code, out, _ = cli("path", "vae", "stable-diffusion", "--format", "json")
    assert code == 0
    (step,) = json.loads(out)["path"]
    assert (step["from"], step["to"]) == ("vae", "stable-diffusion")
    assert (step["source"], step["kind"], step["target"]) == ("stable-diffusion", "requires", "vae")
    assert seed_kg.graph.has_edge("stable-diffusion", "vae", "requires")


def test_unknown_concept_suggests_and_exits_2(cli):
    code, _, err = cli("prereqs", "stable-difusion")
    assert code == 2
    assert err == "mlkg: unknown concept 'stable-difusion'; did you mean stable-diffusion?\n"


def test_no_path_exits_1(cli, write):
    from conftest import entry, sheet

    two = write(sheet(entry("1.1.1", "Alpha")) + "\n## 2. OTHER\n\n### 2.1 More\n\n" + entry("2.1.1", "Beta"))
    code, _, err = cli("path", "alpha", "beta", "--source", two)
    assert code == 1
    assert err.startswith("mlkg: no path links alpha and beta")


@pytest.mark.parametrize("args", [["prereqs", "rlhf", "--format", "md"], ["prereqs", "stable-diffusion", "--tree"]])
def test_other_formats(cli, args):
    code, out, _ = cli(*args)
    assert code == 0 and out.strip()


@pytest.mark.parametrize("kg_name", ["seed_kg", pytest.param("shared_kg", marks=pytest.mark.shared)])
def test_prereqs_agrees_with_the_prerequisites_sparql_query_for_every_concept(request, kg_name):
    kg = request.getfixturevalue(kg_name)
    for concept in kg.entries:
        plan = {s["id"]: s["depth"] for s in kg.prerequisites(concept)}
        rows = kg.query("prerequisites", {"concept": concept}).records()
        assert {r["prerequisite"] for r in rows} == set(plan), concept
        # the query works depth out up to four steps; beyond, it leaves it empty
        assert all(r["depth"] == plan[r["prerequisite"]] for r in rows if r["depth"] is not None), concept


@pytest.mark.parametrize("known, first, absent", [
    ([], ["language-model", "autoencoder", "gan"], ["vae", "llm"]),                 # no prerequisites, most unlocking
    (["autoencoder", "gan"], ["language-model", "denoising-autoencoder"], ["gan", "autoencoder"]),
    (["vae"], ["language-model"], ["vae", "autoencoder"]),                          # knowing vae means autoencoder
])
def test_ready_to_learn_is_the_fringe_ranked_by_what_each_unlocks(seed_kg, known, first, absent):
    rows = seed_kg.ready_to_learn(known)
    ids = [r["id"] for r in rows]
    assert ids[:len(first)] == first
    assert not set(absent) & set(ids)
    assert [r["unlocks"] for r in rows] == sorted((r["unlocks"] for r in rows), reverse=True)
    have = set(known) | {p["id"] for k in known for p in seed_kg.prerequisites(k)}
    for r in rows:
        assert all(p in have for p in r["requires"])


def test_next_command_lists_what_is_ready(cli):
    code, out, _ = cli("next", "--known", "autoencoder,gan", "-n", "2")
    assert code == 0
    assert out.splitlines()[0] == "Ready to learn (7; the 2 that unlock most):"
    assert "[language-model]" in out.splitlines()[1]


@given(st.integers(2, 40).flatmap(lambda n: st.tuples(
    st.just(n), st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] < e[1]),
                        max_size=3 * n), st.sets(st.integers(0, n - 1), max_size=5), st.sampled_from([1, 3, 4096]))))
@settings(max_examples=200, deadline=None)
def test_unlocks_counted_bit_parallel_equal_one_walk_per_concept(case):
    """Each fringe concept's count of what it leads to, as one walk per concept would give it, in chunks of any
    width. (Edge (a, b): b requires a, so the edges are acyclic.)"""
    from mlkg.views.chains import count_unlocks

    n, edges, known, width = case
    concepts = [f"c{i}" for i in range(n)]
    down = {c: [] for c in concepts}
    up = {c: [] for c in concepts}
    for a, b in edges:
        down[f"c{b}"].append(f"c{a}")
        up[f"c{a}"].append(f"c{b}")
    have, stack = set(), [f"c{k}" for k in known]
    while stack:
        c = stack.pop()
        if c not in have:
            have.add(c)
            stack.extend(down[c])
    fringe = [c for c in concepts if c not in have and all(p in have for p in down[c])]

    def walk(c):
        seen, stack = {c}, [c]
        while stack:
            for d in up[stack.pop()]:
                if d not in seen:
                    seen.add(d)
                    stack.append(d)
        return len([d for d in seen - {c} if d not in have])

    assert count_unlocks(fringe, down, have, width) == {c: walk(c) for c in fringe}
