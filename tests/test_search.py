"""Search (mlkg.views.search): typo-tolerant and ranked, and ranked the same by the map page's own copy of it."""

from __future__ import annotations

import itertools
import random

import pytest
from browser import browser, context, open_map  # noqa: F401  (pytest fixtures)
from conftest import entry, sheet
from rapidfuzz.distance import OSA

import mlkg
from mlkg.views import map as viz
from mlkg.views.search import normalize, search, similarity


def ids(kg, text, **kw):
    return [r["id"] for r in search(kg, text, **kw)]


def test_normalize_folds_case_accents_and_punctuation():
    assert normalize("Variational Auto-Encoder (VAE)") == "variational auto encoder vae"
    assert normalize("  t-SNE  ") == "t sne"
    assert normalize("Café Señor_x") == "cafe senor x"
    assert normalize("İstanbul ß 中文") == "istanbul ß 中文"
    assert normalize("(!)") == ""


def test_similarity_is_osa_in_thousandths():
    assert similarity("transfomer", "transformer") == 1000 * 10 // 11
    assert similarity("teh", "the") == 666  # one transposition
    assert similarity("", "") == 1000


def test_names_acronyms_typos_definitions_and_prefixes(seed_kg):
    assert ids(seed_kg, "vae")[0] == "vae"
    assert ids(seed_kg, "Variational Autoencoder")[0] == "vae"
    assert search(seed_kg, "VAE")[0]["match"] == "exact"
    assert ids(seed_kg, "denoising diff")[0] == "ddpm"
    assert ids(seed_kg, "stable-diffusion")[0] == "stable-diffusion"
    typo = search(seed_kg, "autoencodr")
    assert typo[0]["id"] == "autoencoder" and typo[0]["match"] == "fuzzy"
    assert search(seed_kg, "auto encoder")[0] == {
        "id": "autoencoder", "title": "Autoencoder", "number": "13.1.1", "kind": "concept", "match": "exact",
        "score": 71000}
    latent = search(seed_kg, "latent space")
    assert latent and {r["match"] for r in latent} <= {"text", "text-words"}
    assert all("latent" in (seed_kg.entries[r["id"]]["full"] + seed_kg.entries[r["id"]]["simple"]).lower()
               for r in latent)
    prefix = search(seed_kg, "diffus")
    assert prefix[0]["id"] == "diffusion-model" and prefix[0]["match"] == "prefix"
    assert prefix[1]["match"] == "words"  # "Stable Diffusion": a word of it starts so
    assert search(seed_kg, "") == [] and search(seed_kg, "  ?! ") == []
    assert search(seed_kg, "zzzzqqq") == []


def test_a_name_in_the_other_number_comes_after_the_name_itself(write):
    """"tokenizer" put Tokenizers first, both exact matches, tied in document order."""
    kg = mlkg.load(write(sheet(entry("1.1.1", "Tokenizers", "tokenizers-lib"),
                               entry("1.1.2", "Tokenizer", "tokenizer"))), curation=[])
    assert [(r["id"], r["score"]) for r in search(kg, "tokenizer")] == [("tokenizer", 71000), ("tokenizers-lib", 70999)]
    assert [r["id"] for r in search(kg, "tokenizers")] == ["tokenizers-lib", "tokenizer"]


@pytest.mark.parametrize("query, first", [("GANs", "gan"), ("autoencoders", "autoencoder"),
                                          ("diffusion models", "diffusion-model"), ("13.1", "sec:13.1")])
def test_with_sections_a_concept_comes_before_the_section_its_plural_names(seed_kg, query, first):
    """"GANs" is 13.2's title and the plural of gan's name: Enter in the map's search box took the subsection."""
    assert search(seed_kg, query, sections=True)[0]["id"] == first


@pytest.mark.parametrize("query, first", [
    ("autoencoders", "autoencoder"),  # came after names that begin with "autoencoder", as a fuzzy match
    ("Diffusion Models", "diffusion-model"),
    ("GAN", "gan"),
    ("vaes", "vae"),
])
def test_a_name_in_the_other_number_is_an_exact_match(seed_kg, query, first):
    found = search(seed_kg, query)
    assert (found[0]["id"], found[0]["match"]) == (first, "exact")


def test_ranking_order_and_limit(seed_kg):
    found = search(seed_kg, "a", limit=None)
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True)
    order = {c: d["order"] for c, d in seed_kg.entries.items()}
    for a, b in itertools.pairwise(found):
        if a["score"] == b["score"]:
            assert order[a["id"]] < order[b["id"]]  # ties in document order
    assert len(search(seed_kg, "a", limit=3)) == 3
    assert all(r["kind"] == "concept" for r in found)
    hubs = search(seed_kg, "13.1", sections=True)
    assert hubs[0]["id"] == "sec:13.1" and hubs[0]["match"] == "exact"
    assert [r["id"] for r in hubs[1:4]] == ["autoencoder", "vae", "denoising-autoencoder"]


def test_aliases_are_names(write):
    path = write(sheet(entry("1.1.1", "Alpha Beta", full="Plain."), entry("1.1.2", "Gamma", full="Uses Alpha Beta.")))
    cur = path.parent / "curation.toml"
    cur.write_text('[[alias]]\nconcept = "alpha-beta"\nnames = ["Zorblax"]\n', encoding="utf-8")
    kg = mlkg.load(path, curation=[cur])
    assert ids(kg, "zorblax") == ["alpha-beta"]
    nodes = {n["id"]: n for n in viz.map_data(kg)[0]}
    assert nodes["alpha-beta"]["aliases"] == ["Zorblax"] and "aliases" not in nodes["gamma"]


# ---- the page ranks exactly as Python does ---------------------------------------------------------------

QUERIES = [
    "vae", "VAE", "Variational Autoencoder", "transfomer", "tranformer", "latent space", "space latent", "llm",
    "denoising diff", "atten", "auto encoder", "autoencodr", "neural netwrk", "gan", "GANs", "diffusion", "13.1",
    "13", "knn", "tsne", "t-SNE", "x", "bert", "reinforcement learning", "gradient", "grad desc", "convolution",
    "Café", "attention is all", "probabilistic", "zzzz", "autoencoders", "Transformers", "as", "diffusions",
]


def _ranks_like_python(view, kg, queries: list[str]) -> list:
    """The page's top 20 for each query, asserted equal to the Python ranking's; returned for more checks."""
    page = view.js("qs => qs.map(q => mlkg.searchResults(q, 20))", queries)
    for query, got in zip(queries, page, strict=True):
        want = [{"id": r["id"], "score": r["score"], "match": r["match"]}
                for r in search(kg, query, limit=20, sections=True)]
        assert got == want, query
    return page


@pytest.mark.browser
@pytest.mark.shared
def test_page_ranks_like_python_on_the_shared_corpus(context, shared_kg, tmp_path):  # noqa: F811
    view = open_map(context, viz.write_map(shared_kg, tmp_path / "map.html"))
    page = _ranks_like_python(view, shared_kg, QUERIES)
    assert page[QUERIES.index("transfomer")][0]["id"] == "transformer"
    assert page[QUERIES.index("latent space")], "a phrase from the definitions finds concepts"
    assert view.errors == [] and view.blocked == []


@pytest.mark.browser
def test_page_ranks_like_python_on_the_seed_and_with_odd_text(context, write, tmp_path):  # noqa: F811
    kg = mlkg.load(write(sheet(
        entry("1.1.1", "Ångström Scaling (ÅS)", cid="angstrom-scaling",
              full="Señor naïve café text about latent space and latent spaces."),
        entry("1.1.2", "K-Nearest Neighbours", full="Uses Ångström Scaling; 中文 words, emoji 🙂 and ß."),
        entry("1.1.3", "Straße Model", cid="strasse-model", full="Latent space again: latent space.",
              simple="𝒳-space 🙂🙂"),
        entry("1.1.4", "Tokenizers", cid="tokenizers-lib"), entry("1.1.5", "Tokenizer", cid="tokenizer"),
        entry("1.1.6", "𠀀a", cid="astral"),  # two code points, three UTF-16 units
    )), curation=[])
    queries = ["angstrom", "ÅS", "as", "Angstrom scalng", "senor", "naive cafe", "latent space", "latent spac",
               "knn", "k nearest", "k-nearest neighbors", "中文", "🙂", "strasse", "straße", "straβe", "x space",
               "neighbours k", "model", "1.1", "1.1.2", "tokenizer", "tokenizers", "𠀀as"]
    view = open_map(context, viz.write_map(kg, tmp_path / "odd.html"))
    _ranks_like_python(view, kg, queries)
    assert view.js("qs => qs.map(q => mlkg.normalize(q))", queries) == [normalize(q) for q in queries]
    rng = random.Random(7)
    pairs = [("".join(rng.choice("abcé中 ") for _ in range(rng.randint(0, 9))),
              "".join(rng.choice("abcé中 ") for _ in range(rng.randint(0, 9)))) for _ in range(300)]
    got = view.js("ps => ps.map(([a, b]) => mlkg.similarity(a, b))", pairs)
    want = [1000 if not (a or b) else 1000 * (max(len(a), len(b)) - OSA.distance(a, b)) // max(len(a), len(b))
            for a, b in pairs]
    assert got == want
    assert view.errors == [] and view.blocked == []


@pytest.mark.browser
def test_search_box_finds_typos_and_definitions(context, seed_kg, tmp_path):  # noqa: F811
    view = open_map(context, viz.write_map(seed_kg, tmp_path / "seed.html"))
    box = view.page.locator("#search-input")
    options = view.page.locator("#search-results [role=option]")
    box.fill("autoencodr")
    assert options.first.get_attribute("data-id") == "autoencoder"
    assert options.first.get_attribute("data-match") == "fuzzy"
    box.fill("latent space")
    assert options.count() and options.first.get_attribute("data-match") in ("text", "text-words")
    assert options.evaluate_all("els => els.map(e => e.dataset.id)") == ids(seed_kg, "latent space", limit=12,
                                                                              sections=True)
