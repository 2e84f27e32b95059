"""Cross-reference mining: names from the text, typed edges with evidence, curation, and measured quality."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import networkx as nx
import pytest
from conftest import GOLD, ROOT, SEED, entry, sheet
from hypothesis import given, settings
from hypothesis import strategies as st

import mlkg
from mlkg.errors import CurationError, InputError
from mlkg.knowledge import build
from mlkg.mine import Evidence, Relation, rules
from mlkg.mine.lexicon import build_lexicon, head_spelled, phrase_at, spelled_out, title_initials, variants
from mlkg.mine.mentions import CorpusText
from mlkg.mine.text import normalize
from mlkg.read import Corpus, read
from mlkg.read.markdown import parse_text
from mlkg.views.evaluate import agreement, evaluate, gold_files, read_gold

# --- names ------------------------------------------------------------------------------------

LEXICON_SHEET = sheet(
    entry("1.1.1", "Generative Adversarial Network (GAN)", "gan"),
    entry("1.1.2", "StyleGAN", "stylegan"),
    entry("1.1.3", "Autoencoder", "autoencoder"),
    entry("1.1.4", "Denoising Autoencoder", "denoising-autoencoder"),
    entry("1.1.5", "Language Model", "language-model"),
    entry("1.1.6", "Large Language Model (LLM)", "llm"),
    entry("1.1.7", "Self-Attention", "self-attention"),
    entry("1.1.8", "Entropy", "entropy"),
    entry("1.1.9", "K-Means Clustering", "k-means"),
    entry("1.2.1", "Diffusion Model", "diffusion-model"),
    subsections={"1.1": "Things", "1.2": "Diffusion Models"},
)


@pytest.fixture(scope="module")
def lexicon():
    return build_lexicon(parse_text(LEXICON_SHEET))


@pytest.mark.parametrize("text, found", [
    ("GANs train two networks", ["gan"]),
    ("a GAN and an organ", ["gan"]),
    ("StyleGAN is not a GAN mention; it is its own", ["stylegan", "gan"]),
    ("the gan of lowercase is not the acronym", []),
    ("generative adversarial networks compete", ["gan"]),
    ("Large Language Models are language models", ["llm", "language-model"]),
    ("LLMs and an LLM's weights", ["llm", "llm"]),
    ("Denoising autoencoders beat autoencoders", ["denoising-autoencoder", "autoencoder"]),
    ("self attention, self-attention and selfattention", ["self-attention"] * 3),
    # a hyphenated compound is a kind of its last part: "log-mel spectrogram", "Gumbel-softmax", "Pre-pruning"
    ("cross-entropy generalises entropy", ["entropy", "entropy"]),
    ("a log-Diffusion Model", ["diffusion-model"]),
    ("k-means and K-means clustering", ["k-means", "k-means"]),
    ("Diffusion Models and diffusion model", ["diffusion-model", "diffusion-model"]),
    ("", []),
])
def test_names_match_on_word_boundaries_longest_first(lexicon, text, found):
    assert [m.names[0].concept for m in lexicon.find(text)] == found


@pytest.mark.parametrize("name, expected", [
    ("Autoencoder", {"Autoencoder", "Autoencoders", "Auto-encoder", "Auto-encoders"}),  # a closed compound
    ("Feedforward Network", {"Feedforward Network", "Feedforward Networks", "Feed-forward Network",
                             "Feed-forward Networks"}),
    ("Alignment", {"Alignment", "Alignments"}),  # "-ment" is no word
    ("Transformer", {"Transformer", "Transformers"}),  # English writes it closed
    ("Lookahead", {"Lookahead", "Lookaheads"}),        # "look ahead" is a verb phrase
    ("Pooling", {"Pooling", "Poolings"}),        # nor "-ling"
    ("Normalizing Flows", {"Normalizing Flows", "Normalizing Flow"}),
    ("Bayes Theorem", {"Bayes Theorem", "Bayes Theorems", "Bayes' Theorem"}),
    ("GANs", {"GANs", "GAN"}),
    ("Fine-Tuning", {"Fine-Tuning", "Fine-Tunings", "FineTuning", "FineTunings"}),
    ("Policy", {"Policy", "Policies"}),
    ("Bias", {"Bias", "Biases"}),  # no plural of "bia": English uses "bias" far more, and "bia" is rare
    ("Test Statistics", {"Test Statistics", "Test Statistic"}),  # "statistic" is a word of its own
    ("GPT-4", {"GPT-4", "GPT-4s", "GPT4", "GPT4s"}),
    ("Stochastic GE4", {"Stochastic GE4", "Stochastic GE4s"}),
    ("T5s", {"T5s", "T5"}),
])
def test_variants(name, expected):
    assert variants(name) == expected


def test_subsection_title_names_its_head_entry(lexicon):
    # "### 1.2 Diffusion Models" names the same thing as entry diffusion-model
    assert {n.source for n in lexicon.names_of("diffusion-model")} >= {"title", "subsection"}


@pytest.mark.parametrize("title, named, unnamed", [
    # each name a title's brackets list, comma by comma
    ("QSAR Modelling (Quantitative Zint Relationship, Molecular Blorp Prediction)",
     {"Molecular Blorp Prediction", "Quantitative Zint Relationship"},
     {"Quantitative Zint Relationship, Molecular Blorp Prediction"}),  # the list is its items, no name of its own
    ("Neuromorphic Chip (Loihi, TrueNorth)", {"Loihi", "TrueNorth"}, {"Loihi, TrueNorth"}),
    ("Information Coefficient (IC, Rank IC)", {"IC", "Rank IC"}, set()),
    # not a list under a shared head, nor an everyday word alone
    ("Censoring (Right, Left and Interval Censoring)", set(), {"Right", "Left and Interval Censoring"}),
    ("Pretext Task (Rotation, Jigsaw Puzzles)", {"Jigsaw Puzzles"}, {"Rotation"}),
    # a hedge before a name is no part of it, and a remark is no name
    ("Expected Shortfall (ES, also CVaR)", {"CVaR"}, {"also CVaR"}),
    ("Quorb Net (see below, QN)", {"QN"}, {"see below"}),
    # one that is another entry's title names that entry
    ("Ensembles (Zint Bagging, Blorp Stacking)", {"Zint Bagging"}, {"Blorp Stacking"}),
])
def test_a_bracketed_list_in_a_title_gives_each_name(title, named, unnamed):
    lexicon = build_lexicon(read([_write_tmp(sheet(entry("1.1.1", title, "listed", full="A thing."),
                                                   entry("1.1.2", "Blorp Stacking", "stacking", full="Stacks.")))],
                                 None))
    names = {n.surface for n in lexicon.names_of("listed")}
    assert named <= names and not unnamed & names


@pytest.mark.parametrize("heading, titles, head", [
    ("Boosting Methods", ["Boosting", "AdaBoost"], "boosting"),
    ("Time Series Fundamentals", ["Stationarity", "Time Series"], "time-series"),
    ("Bias & Fairness", ["Algorithmic Bias", "Bias Mitigation"], None),  # "Fairness" is no plural, "bias" none
    ("Physics Methods", ["Physic Rules", "Physics"], "physics"),  # nor is "physics" a plural of "physic"
])
def test_which_entry_a_subsection_heading_names(write, heading, titles, head):
    from mlkg.mine.lexicon import subsection_heads

    text = sheet(*(entry(f"1.1.{i}", t) for i, t in enumerate(titles, 1)), subsections={"1.1": heading})
    corpus = read([write(text)], [])
    assert subsection_heads(corpus).get("1.1") == head


@pytest.mark.parametrize("title", ["Loss Functions and . . .", "Tips and — …", "Alpha and - -", "R and Python"])
def test_a_title_joining_a_name_and_punctuation_builds_and_names_nothing_new(title):
    """"Loss Functions and . . ." once made a name with no word in it, and the build fell over."""
    kg = mlkg.load(_write_tmp(sheet(entry("1.1.1", title, "odd"), entry("1.1.2", "Alpha Net", "alpha"))), curation=[])
    assert "odd" in kg.graph


@pytest.mark.parametrize("title, joins", [
    ("Variance and Standard Deviation", True),
    ("GDPR & ML", True),
    ("Sampling, Filtering and Smoothing", False),  # a longer list
    ("Alpha and Beta and Gamma", False),
    ("Rock and", False),
    ("Alpha" + " " * 200_000 + "and Beta", True),  # a heading of 200 KB of spaces: one pass, not one per space
])
def test_a_title_that_joins_two_names(title, joins):
    from mlkg.mine.lexicon import _joins_two

    assert _joins_two(title) is joins


@pytest.mark.parametrize("before", ["", "Long words here. " * 2000], ids=["short text", "after 34 KB"])
def test_names_come_from_the_text_itself(before):
    """An abbreviation a definition spells out becomes a name ("Gaussian Mixture Model (GMM)")."""
    text = sheet(
        entry("1.1.1", "Gaussian Mixture Model", "gmm",
              full=before + "A Gaussian Mixture Model (GMM) mixes Gaussians."),
        entry("1.1.2", "Soft Clustering", "soft-clustering", full="Soft clustering uses a GMM for soft labels."),
    )
    kg_edges = _mine(text)
    assert ("soft-clustering", "gmm") in {(s, t) for s, t, _ in kg_edges}


@pytest.mark.parametrize("title, linked", [
    ("Quorb-to-Blint Ratio (QBR, SI-QBR and Zint Eval)", True),  # an acronym the bracketed list spells the title by
    ("Quorb-to-Blint Ratio (ZBR, SI-QBR and Zint Eval)", False),  # one that spells something else
    ("Quorb-to-Blint Ratio (QBR)", True),
])
def test_an_acronym_among_the_names_a_title_lists_in_brackets_names_it(title, linked):
    edges = _mine(sheet(entry("1.1.1", title, "qbr-metric", full="A loudness ratio."),
                        entry("1.2.1", "Blorp Net", "blorp", full="It scores 5 dB QBR on the test set."),
                        subsections={"1.1": "Metrics", "1.2": "Nets"}))
    assert (("blorp", "qbr-metric") in {(s, t) for s, t, _ in edges}) is linked


def _contested_sheet(extra: str, smoothing: str = "Labels move toward a Quorb distribution.",
                     distribution: str = "Quorb Distribution") -> str:
    """"Quorb" shortens two titles (each head is shared: "Distribution", "Process"), as "Gaussian" does; three
    entries name the distribution, one (Kriging) the process."""
    return sheet(
        entry("1.1.1", distribution, "normal", full="A bell curve with a mean and a variance."),
        entry("1.1.2", "Bernoulli Distribution", "bernoulli", full="One coin flip."),
        entry("1.1.3", "Quorb Process", "gp", full="A prior over functions; any finite set is jointly Quorb."),
        entry("1.1.4", "Markov Decision Process", "mdp", full="States, actions and rewards."),
        entry("1.1.5", "Quorb Naive Bayes", "gnb", full="Naive Bayes with one Quorb distribution per class."),
        entry("1.2.1", "Weight Decay", "decay", full="A penalty; it equals a Quorb distribution prior."),
        entry("1.2.2", "Label Smoothing", "smoothing", full=smoothing),
        entry("1.2.3", "Kriging", "kriging", full="Kriging is a Quorb process mean."),
        entry("1.3.1", "Denoiser", "denoiser", full=extra),
        subsections={"1.1": "Distributions", "1.2": "Methods", "1.3": "Images"})


@pytest.mark.parametrize("full, smoothing, named", [
    ("It removes Quorb noise from images.", None, "normal"),  # the sense three entries name, against one
    ("It removes noise that a Quorb process models.", None, "gp"),  # the longer name still wins
    ("It removes noise with no name.", None, None),
    # two entries name each: neither sense is the far more frequent, so "Quorb" says nothing
    ("It removes Quorb noise from images.", "Labels move toward a Quorb process posterior.", None),
])
def test_a_shortened_name_two_titles_share_means_the_concept_far_more_entries_name(full, smoothing, named):
    text = _contested_sheet(full) if smoothing is None else _contested_sheet(full, smoothing)
    edges = {(s, t) for s, t, _ in _mine(text)}
    assert {t for s, t in edges if s == "denoiser"} == ({named} if named else set())
    assert not {("gp", "normal"), ("normal", "gp")} & edges  # the process's "jointly Quorb" is its own name


@pytest.mark.parametrize("text, linked", [
    ("The penalty is chosen by generalized cross-validation.", {"cv"}),  # "cross-validation", no "generalized cross"
    ("It is a Quorb-Blint matter.", {"qb-tradeoff"}),  # a title less its last word: its own hyphen is no cut
    ("It trains with the generalized cross-entropy.", {"gce"}),
])
def test_a_title_is_not_shortened_inside_a_hyphenated_word(text, linked):
    """"Generalized Cross-Entropy" less its head "Entropy" would leave half a word, "generalized cross", which
    "generalized cross-validation" writes."""
    edges = _mine(sheet(
        entry("1.1.1", "Generalized Cross-Entropy", "gce", full="A loss between cross-entropy and MAE."),
        entry("1.1.2", "Binary Cross-Entropy", "bce", full="A loss for two classes."),
        entry("1.1.3", "Cross-Validation", "cv", full="Rotating held-out folds."),
        entry("1.1.4", "Quorb-Blint Tradeoff", "qb-tradeoff", full="Error splits into quorbs and blints."),
        entry("1.2.1", "Smoothing Spline", "spline", full=text),
        subsections={"1.1": "Basics", "1.2": "Splines"}))
    assert {t for s, t, _ in edges if s == "spline"} == linked


@pytest.mark.parametrize("game, others, linked", [
    ("Quorb Game", [], {"quorb-game"}),  # "Quorb Game" less its generic head "Game" names it
    ("Quorb Game", ["Quorb Chain Sampler", "Quorb Random Field"], set()),  # a first word titles share: a modifier
    ("Quorb Game", ["Zint Sampler (Quorb Chain Sampler)"], set()),  # a bracketed name begins with it too
    ("ZQ Game", ["ZQ Chain Sampler", "ZQ Random Field"], {"quorb-game"}),  # an acronym is a name whatever follows
    ("Blint (Quorb) Game", ["Quorb Chain Sampler", "Quorb Random Field"], {"quorb-game"}),  # the author's own word
])
def test_a_word_other_titles_begin_with_names_none_of_them_alone(game, others, linked):
    """"Markov" is what Markov Game, Markov Chain Monte Carlo and Markov Random Field share, not a short name of the
    game: "the causal Markov condition" is no mention of it."""
    word = "ZQ" if game.startswith("ZQ") else "Quorb"
    extra = [entry(f"1.1.{i}", t, f"other-{i}", full="Other things.") for i, t in enumerate(others, 3)]
    edges = _mine(sheet(
        entry("1.1.1", game, "quorb-game", full="Agents play."),
        entry("1.1.2", "Zint Game", "zint-game", full="Agents play again."), *extra,
        entry("1.2.1", "Causal Rule", "rule", full=f"It rests on the causal {word} condition."),
        subsections={"1.1": "Games", "1.2": "Rules"}))
    assert {t for s, t, _ in edges if s == "rule"} == linked


@pytest.mark.parametrize("definition, kind, rule", [
    # the defining sentence shares no other word with Graph's own text: "graph" may be the everyday word
    ("The slope is the tangent to the graph of f at x.", "related", "everyday-word"),
    # it does ("nodes"): the graph of the graph entry
    ("The slope is a walk over the graph from nodes to nodes.", "requires", "in-definition"),
])
def test_an_everyday_word_in_a_definition_sharing_nothing_else_with_the_concept_is_no_prerequisite(
        definition, kind, rule):
    """"the graph of f" in Derivative named Graph (of graph learning), and every plan through calculus began with
    it."""
    first = sheet(entry("1.1.1", "Graph", "graph", full="A set of nodes joined by edges, directed or not."),
                  entry("1.1.2", "Adjacency Matrix", "adjacency", full="Which nodes are joined."),
                  title="GRAPHS", subsections={"1.1": "Graphs"})
    second = sheet(entry("2.1.1", "Slope", "slope", full=definition),
                   entry("2.1.2", "Jacobian", "jacobian", full="It is laid out like an adjacency matrix."),
                   section="2", title="CALCULUS")
    kg = mlkg.load(_write_tmp(first + "\n" + second), curation=[])
    [edge] = [e for e in kg.edges(("requires", "related")) if {e["source"], e["target"]} == {"slope", "graph"}]
    assert (edge["kind"], edge["rule"]) == (kind, rule)


@pytest.mark.parametrize("title, text, linked", [
    # cut down to a hyphenated word that opens with a preposition: it qualifies a noun, and names nothing alone
    ("Off-Policy Evaluation", "Q-learning is off-policy and learns from old data.", False),
    ("Off-Policy Evaluation", "Q-learning is judged by off-policy evaluation on old data.", True),
    ("Quorb-Policy Evaluation", "Q-learning is quorb-policy and learns from old data.", True),
    # a noun after the preposition names the thing: "over-smoothing of node features"
    ("Over-Smoothing Evaluation", "Q-learning suffers over-smoothing of its values.", True),
])
def test_a_title_cut_to_a_compound_opening_with_a_preposition_gives_no_name(title, text, linked):
    edges = _mine(sheet(entry("1.1.1", title, "ope", full="Estimates a policy's value from logs."),
                        entry("1.1.2", "Zint Evaluation", "zint", full="Estimates zints."),
                        entry("1.1.3", "Blorp Evaluation", "blorp", full="Estimates blorps."),
                        entry("1.2.1", "Temporal Learner", "learner", full=text),
                        subsections={"1.1": "Evaluation", "1.2": "Learners"}))
    assert any(s == "learner" and t == "ope" for s, t, _ in edges) is linked


@pytest.mark.parametrize("title, text, linked", [
    # a coined name whose capitals make it no English word matches only as written
    ("RotatE", "Angle encoding rotates one qubit per feature.", False),
    ("RotatE", "Unlike RotatE, it keeps phases apart.", True),
    ("ComplEx", "Each weight is a complex number.", False),
    ("ComplEx", "It scores triples as ComplEx does.", True),
    # one that is no English word either way matches in any case, as an acronym written low does
    ("DistMult", "It scores triples as distmult does.", True),
])
def test_a_coined_name_matches_an_english_word_only_as_written(title, text, linked):
    edges = _mine(sheet(entry("1.1.1", title, "coined", full="A model of knowledge-graph triples."),
                        entry("1.2.1", "Angle Encoder", "encoder", full=text),
                        subsections={"1.1": "Embeddings", "1.2": "Encoders"}))
    assert any(s == "encoder" and t == "coined" for s, t, _ in edges) is linked


@pytest.mark.parametrize("text, named", [
    # a name that ends in a sign ("PointNet++", "SPO+") is written with it: the sign tells it from its base
    ("It samples points as PointNet++ does.", {"plusplus"}),
    ("It samples points as PointNet does.", {"base"}),
    ("It stores subject, predicate and object as SPO, POS and OSP.", set()),
    ("It is trained with the SPO+ loss.", {"regret"}),
    # a name without the sign still names the base where the variant is none of the corpus's ("K-means++")
    ("It seeds centres as Quorbing++ does.", {"quorbing"}),
    ("It samples points as PointNet＋＋ does.", {"plusplus"}),  # full width
    ("It writes C# and C++ alike.", {"csharp", "cpp"}),
    ("It writes C+ only.", {"cplus"}),
    ("It writes C code.", set()),
    ("It picks a star as the A* search does.", {"astar"}),
    ("It picks *a* model, not the other one.", set()),  # an emphasis, no sign
])
def test_a_name_ending_in_a_sign_is_named_only_with_it(text, named):
    edges = _mine(sheet(entry("1.1.1", "PointNet", "base", full="A network on point sets."),
                        entry("1.1.2", "PointNet++", "plusplus", full="PointNet applied to nested neighbourhoods."),
                        entry("1.1.3", "Decision Loss (SPO+)", "regret", full="A surrogate of regret."),
                        entry("1.1.4", "Quorbing", "quorbing", full="Seeds centres far apart."),
                        entry("1.1.5", "C#", "csharp", full="A language."),
                        entry("1.1.6", "C++", "cpp", full="A language."),
                        entry("1.1.7", "C+", "cplus", full="A language."),
                        entry("1.1.8", "A*", "astar", full="A best-first search."),
                        entry("1.2.1", "Zint Sampler", "zint", full=text),
                        subsections={"1.1": "Networks", "1.2": "Samplers"}))
    assert {t for s, t, _ in edges if s == "zint"} == named


@pytest.mark.parametrize("titles, text, named", [
    # a sign inside a name is written too: "A* search" is no "A search"
    (("A* Search", "A Search"), "It expands nodes as A* search does.", {"first"}),
    (("A* Search", "A Search"), "It expands nodes as A search does.", {"second"}),
    (("C++ Templates", "C Templates"), "It is written as C templates are.", {"second"}),
])
def test_a_name_with_a_sign_inside_is_named_only_with_it(titles, text, named):
    edges = _mine(sheet(entry("1.1.1", titles[0], "first", full="A way to look."),
                        entry("1.1.2", titles[1], "second", full="Another way to look."),
                        entry("1.2.1", "Zint Sampler", "zint", full=text),
                        subsections={"1.1": "Searches", "1.2": "Samplers"}))
    assert {t for s, t, _ in edges if s == "zint"} == named


@pytest.mark.parametrize("base, variant", [("PointNet", "PointNet++"), ("K-Means", "K-Means++"), ("Zorb", "Zorb#")])
def test_a_title_that_adds_a_sign_contains_the_name_it_extends(base, variant):
    """"PointNet++" is a PointNet: its title names it, as "Denoising Autoencoder" names Autoencoder."""
    edges = _mine(sheet(entry("1.1.1", base, "base", full="A network on point sets."),
                        entry("1.1.2", variant, "variant", full="Nested neighbourhoods, one level each."),
                        subsections={"1.1": "Networks"}))
    assert ("variant", "base", "requires") in edges


@pytest.mark.parametrize("titles, text, named", [
    # the signed name alone in the corpus: its base written without the sign names nothing
    (("PointNet++",), "It samples points as PointNet does.", set()),
    # one concept's signed and plain names both kept: "Zorb++ (Zorb)" is named by either
    (("Zorb++ (Zorb)",), "It samples points as Zorb does.", {"first"}),
    (("Zorb++ (Zorb)",), "It samples points as Zorb++ does.", {"first"}),
])
def test_a_signed_name_and_its_base(titles, text, named):
    edges = _mine(sheet(*(entry(f"1.1.{i}", t, ("first", "second")[i - 1], full="A network on point sets.")
                          for i, t in enumerate(titles, 1)),
                        entry("1.2.1", "Zint Sampler", "zint", full=text),
                        subsections={"1.1": "Networks", "1.2": "Samplers"}))
    assert {t for s, t, _ in edges if s == "zint"} == named


def test_what_works_free_of_a_signed_name_reads_past_its_sign():
    """"SPO+-free": the match ends after the sign, where "-free" begins."""
    edges = _mine(sheet(entry("1.1.1", "Decision Loss (SPO+)", "regret", full="A surrogate of regret."),
                        entry("1.2.1", "Zint Sampler", "zint", full="It is SPO+-free and samples."),
                        subsections={"1.1": "Losses", "1.2": "Samplers"}))
    assert ("zint", "regret", "related") in edges


def test_a_name_ending_in_a_sign_has_no_other_number():
    """"SPO+s" is no word; "GANs" is."""
    assert variants("SPO+") == {"SPO+"}
    assert "GANs" in variants("GAN")


@pytest.mark.parametrize("surface, before, after, cue", [
    ("generalization", "Hedge is a ", " of voting.", True),
    ("generalisation", "Hedge is a ", " of voting.", True),
    ("extension", "It is a natural ", " of k-means.", True),
    ("Generalizations", "", " of voting abound.", True),
    ("GENERALIZATION", "IT IS A ", " OF VOTING.", True),
    *((noun, "It is a ", " of boosting.", True) for noun in ("variant", "version", "type", "kind", "form",
                                                               "special case")),
    ("variants", "Its ", " of boosting differ.", True),
    # the noun as the property of what follows, not a cue
    ("generalization", "Augmentation improves the ", " of CNNs.", False),
    ("generalization", "Good ", " of deep networks is not understood.", False),
    ("generalization", "It is a ", " offset.", False),
    ("generalization", "It tightens a ", " bound.", False),
    ("generalization error", "It is a ", " of voting.", False),
])
def test_the_noun_of_a_cue(surface, before, after, cue):
    assert rules.cue_word(surface, before, after) is cue


@pytest.mark.parametrize("text, disabled, linked", [
    ("Hedge is a generalization of weighted majority voting.", frozenset(), False),
    ("Hedge is a generalization of weighted majority voting.", frozenset({rules.CUE_WORD_RULE}), True),
    ("Hedge is an extension of weighted majority voting.", frozenset(), False),
    ("Hedge tightens the generalization bound of voting.", frozenset(), True),
    ("Hedge improves the generalization of voting.", frozenset(), True),
])
def test_a_cue_s_own_word_names_nothing(text, disabled, linked):
    """Hedge, "a generalization of weighted majority", required Generalization Error."""
    text = sheet(entry("1.1.1", "Generalization Error", "gen", full="The expected loss on unseen data."),
                 entry("1.1.2", "Training Error", "train", full="The loss on the training data."),
                 entry("1.1.3", "Extension", "ext", full="A word a quorb takes on."),
                 entry("1.2.1", "Hedge", "hedge", full=text),
                 subsections={"1.1": "Errors", "1.2": "Experts"})
    kg = build(read([_write_tmp(text)], []), disabled)
    assert any(e["source"] == "hedge" and e["target"] in ("gen", "ext")
               for e in kg.edges(("requires", "related"))) is linked
    assert (rules.CUE_WORD_RULE in rules.SWITCHES) is True


@pytest.mark.parametrize("title, text, linked", [
    ("Bootstrap Sampling (Posterior Sampling)", "It averages bootstrap samples.", True),  # the title's own verb
    ("Bootstrap Sampling (Posterior Sampling)", "It averages posterior samples.", False),  # the bracketed name's
    ("Bootstrap Sampling (Posterior Sampling)", "It is posterior sampling.", True),
    # but the doer of the bracketed name's verb is its too
    ("Action Recognition (Video Classification)", "It averages a video classifier.", True),
])
def test_only_a_title_gives_its_verb_s_other_forms(title, text, linked):
    """Thompson Sampling (Posterior Sampling) was named by "posterior samples" in MCMC entries, where "a video
    classifier" does name Action Recognition (Video Classification)."""
    edges = _mine(sheet(entry("1.1.1", title, "boot", full="Draws with repeats."),
                        entry("1.2.1", "Bagged Estimator", "bagged", full=text),
                        subsections={"1.1": "Sampling", "1.2": "Estimators"}))
    assert any(s == "bagged" and t == "boot" for s, t, _ in edges) is linked


@pytest.mark.parametrize("title, text, kind", [
    # "T-free", "T-less": S works without T
    ("Quorb-Free Reader", "It reads pages as images.", "related"),
    ("Quorb Reader", "It reads pages as images.", "requires"),
    ("Page Reader", "A quorb-free model, it reads pages as images.", "related"),
    ("Page Reader", "A quorb-less model, it reads pages as images.", "related"),
    ("Page Reader", "A quorb model, it reads pages as images.", "requires"),
    ("Page Reader", "A quorb\u2011free model, it reads pages as images.", "related"),
    ("Page Reader", "A quorb\u2013free model, it reads pages as images.", "related"),
    ("Page Reader", "A quorb-freedom model, it reads pages as images.", "requires"),
    ("Page Reader", "A quorb-free-form model, it reads pages as images.", "requires"),
    ("Page Reader", "A quorb free of charge, it reads pages as images.", "requires"),
])
def test_what_works_free_of_a_concept_does_not_require_it(title, text, kind):
    """"OCR-Free Document Understanding" required OCR, by its title."""
    edges = _mine(sheet(entry("1.1.1", "Quorb", "quorb", full="Reads the characters of a page."),
                        entry("1.2.1", title, "reader", full=text),
                        subsections={"1.1": "Recognition", "1.2": "Readers"}))
    assert {k for s, t, k in edges if (s, t) == ("reader", "quorb")} == {kind}


@pytest.mark.parametrize("disabled, rule, cue", [
    (frozenset(), "cue-negation", "Quorb-Free"),
    (frozenset({"cue-negation"}), "title-contains", "Quorb"),
])
def test_a_title_free_of_a_concept_says_so_in_its_evidence(disabled, rule, cue):
    text = sheet(entry("1.1.1", "Quorb", "quorb", full="Reads the characters of a page."),
                 entry("1.2.1", "Quorb-Free Reader", "reader", full="It reads pages as images."),
                 subsections={"1.1": "Recognition", "1.2": "Readers"})
    kg = build(read([_write_tmp(text)], []), disabled)
    [edge] = [e for e in kg.edges(("requires", "related")) if (e["source"], e["target"]) == ("reader", "quorb")]
    assert [(ev.rule, ev.cue) for ev in edge["evidence"] if ev.field == "title"] == [(rule, cue)]


@pytest.mark.parametrize("distribution, named", [
    ("Normal (Quorb) Distribution", {"normal"}),  # the title gives "Quorb" as its own other word for "Normal"
    ("Quorb Distribution", set()),                 # a plain shortening, as the process's: a contest, undecided
])
def test_a_shortened_name_one_title_gives_in_brackets_is_that_concepts_whatever_the_counts(distribution, named):
    text = _contested_sheet("It removes Quorb noise from images.", "Labels move toward a Quorb process "
                            "posterior.", distribution)
    assert {t for s, t, _ in _mine(text) if s == "denoiser"} == named


def test_a_title_of_many_closed_compounds_has_linearly_many_forms():
    """Each closed-up word ("Feedforward") split once a form: twenty of them in a title had made 2^20 forms."""
    assert len(variants(" ".join(["Feedforward"] * 20))) < 100


def test_a_title_of_many_words_has_few_forms():
    """A possessive form per word ending in "s" ("Bayes' Theorem"), each as long as the name: a title of thousands
    of words had thousands of forms."""
    assert variants("Bayes Theorem") >= {"Bayes' Theorem", "Bayes Theorems"}
    assert len(variants(" ".join(["Bayes"] * 200 + ["Theorem"]))) <= 2


def test_a_title_of_half_a_million_characters_builds():
    """The automaton's trie is as deep as its longest key, and freeing it recursed once a level: such a title
    crashed the build (a C stack overflow)."""
    title = " ".join(["Zorb"] * 120_000)
    kg = mlkg.load(_write_tmp(sheet(entry("1.1.1", title, "long"), entry("1.1.2", "Other Thing", "other",
                                                                          full=f"The {title}."))), curation=[])
    assert len(kg.entries) == 2


# --- types and direction ------------------------------------------------------------------------

def _mine(text: str, tmp_path=None):
    kg = mlkg.load(_write_tmp(text), curation=[])
    return [(e["source"], e["target"], e["kind"]) for e in kg.edges(("requires", "related"))]


def _write_tmp(text: str):
    import tempfile
    from pathlib import Path

    d = Path(tempfile.mkdtemp())
    (d / "sheet.md").write_text(text, encoding="utf-8")
    return d / "sheet.md"


def pair(alpha_full: str, beta_full: str, beta_title: str = "Beta Method", section: str = "ALPHA NETS") -> str:
    """Two entries in different subsections: Alpha Net (1.1.1, earlier) and Beta (1.2.1, later), in a section
    named after Alpha Net (so Alpha Net may list Beta as one of its kinds)."""
    return sheet(
        entry("1.1.1", "Alpha Net", "alpha", full=alpha_full, simple="Simple words here."),
        entry("1.2.1", beta_title, "beta", full=beta_full, simple="Other plain words."),
        subsections={"1.1": "First", "1.2": "Second"}, title=section,
    )


@pytest.mark.parametrize("alpha_full, beta_full, expected", [
    # where a plain mention stands: in the sentence that defines S, or later, in passing, whatever the order
    ("Nothing here.", "A method that refines the Alpha Net.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method that stops attacks such as Alpha Nets.", ("beta", "alpha", "related")),  # examples
    ("Nothing here.", "A method that stops attacks such as gamma and Alpha Nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method that stops attacks, e.g. Alpha Nets.", ("beta", "alpha", "related")),
    ("A method that refines the Beta Method.", "Nothing here.", ("alpha", "beta", "requires")),
    ("Nothing here.", "A method. It is faster than most, and the Alpha Net is slower.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Popular: Alpha Nets, Gamma Nets, Delta Nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method (much like an Alpha Net) for counts.", ("beta", "alpha", "related")),
    ("Nothing here.", "Since Alpha Nets forget order, it adds positions.", ("beta", "alpha", "related")),
    ("Nothing here.", "Since order matters, it refines alpha nets.", ("beta", "alpha", "requires")),
    # cue phrases type the mention wherever it stands
    ("Nothing here.", "It uses an Alpha Net inside.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. Its gates use alpha nets to weigh inputs.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. The use of alpha nets is rare.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Its use of alpha nets is rare.", ("beta", "alpha", "related")),
    ("It is used later by the Beta Method.", "Nothing here.", ("beta", "alpha", "requires")),
    # cue phrases flip or override the default
    ("It is the foundation for Beta Methods.", "Nothing here.", ("beta", "alpha", "requires")),
    ("The Beta Method builds on this.", "Nothing here.", ("beta", "alpha", "requires")),
    ("A net. Its bandit version is the Beta Method.", "Nothing here.", ("beta", "alpha", "requires")),
    ("A net. Its version is the Beta Method.", "Nothing here.", ("alpha", "beta", "related")),
    ("A net. Its original version is the Beta Method.", "Nothing here.", ("alpha", "beta", "related")),
    ("A net. The closest variant is the Beta Method.", "Nothing here.", ("alpha", "beta", "related")),
    ("A net. Most modern Beta Methods use this design.", "Nothing here.", ("beta", "alpha", "requires")),
    ("A net. Take a Beta Method and use it well.", "Nothing here.", ("alpha", "beta", "related")),
    ("A net. A model trained with Beta Methods uses this.", "Nothing here.", ("alpha", "beta", "related")),
    ("A net. No Beta Method uses this.", "Nothing here.", ("alpha", "beta", "related")),
    ("State of the art (e.g. Beta Method).", "Nothing here.", ("beta", "alpha", "requires")),
    ("Nothing here.", "Unlike Alpha Nets, it is exact.", ("beta", "alpha", "related")),
    ("Nothing here.", "Quality rivaling Alpha Nets with less compute.", ("beta", "alpha", "related")),
    ("Nothing here.", "Simpler to train than Alpha Nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "It beats Alpha Nets on every benchmark.", ("beta", "alpha", "related")),
    ("Nothing here.", "It surpassed the alpha net of 2019.", ("beta", "alpha", "related")),
    ("Nothing here.", "Deep stacks could win, improving on the winning Alpha Net by 3%.", ("beta", "alpha", "related")),
    ("Nothing here.", "It works instead of an Alpha Net.", ("beta", "alpha", "related")),
    ("Nothing here.", "The other standard method besides Alpha Nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method that steps instead of relying on a fixed alpha net.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method that scores rather than using the Alpha Net.", ("beta", "alpha", "related")),
    # a comparison links two concepts without ordering them: what orders them still decides
    ("Nothing here.", "A simpler variant of alpha nets. Faster than alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It is based on data, like alpha nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Fit a model, add to ensemble with alpha net shrinkage.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. A sample may contain few cases, making alpha nets unstable.",
     ("beta", "alpha", "related")),  # a participle after a comma opens another clause, not a list
    ("Nothing here.", "A method. It applies it to the gradient and how an alpha net handles it.",
     ("beta", "alpha", "related")),  # a question word opens another clause, not a list
    ("Nothing here.", "A method. It is the simplest form of search, an alpha net with one state.",
     ("beta", "alpha", "related")),  # ", an …" describes what comes before it: an appositive, not an item
    # S is T, with an article or without: a genus; not "is not T", nor "this is why T …"
    ("Nothing here.", "A method. It is alpha net training applied to graphs.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It is an alpha net applied to graphs.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. The bias is not alpha net drift, so it stays.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. This is why most alpha nets use two layers.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. This is because alpha nets forget order.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It is unclear whether alpha nets help.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It is seldom alpha net driven.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It requires on-policy alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It is used in the gamma entry, low in alpha nets but biased.",
     ("beta", "alpha", "related")),  # "low in …" after a comma is a phrase of its own, not an item of the list
    ("Nothing here.", "A method. It contains gates, alpha nets and pools.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It contains gates, pooling and alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It uses gates, and the alpha net scores every input.",
     ("beta", "alpha", "related")),  # "…, and T verbs every …": T opens a clause of its own, no item of the list
    ("Nothing here.", "A method. It applies alpha nets to inputs.", ("beta", "alpha", "requires")),
    # "uses T" says what its subject works through: S, a pronoun or a part of S, not another name
    ("Nothing here.", "A method. Each block uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. Beta methods use alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. The GammaNet model uses alpha nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. GammaNet (Smith, 2019) uses alpha nets.", ("beta", "alpha", "related")),
    # a cue of parts in a clause after a comma, semicolon or colon: S's only where that clause names S or a pronoun
    ("Nothing here.", "A method. Systems replace the chain, using alpha nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It is small; in its layers the queries apply alpha nets.",
     ("beta", "alpha", "related")),
    ("Nothing here.", "A method. In practice, it uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. For images, beta methods use alpha nets.", ("beta", "alpha", "requires")),
    # a verb whose subject is S, an aside between them
    ("Nothing here.", "A method. The beta method, in practice, uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. The beta method, a kind of search, uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It (see below) uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. Unlike the Gamma rule, which uses alpha nets, it is exact.",
     ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Typical uses are alpha nets.", ("beta", "alpha", "related")),
    # what the subject checks must not refuse: S's article, an opening phrase, a later cue, S's genus
    ("Nothing here.", "A method. A beta method uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. For NLP tasks it uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. In 2017 it uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. Like GammaNet, which uses pairs, it uses alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It is a technique that uses alpha nets.", ("beta", "alpha", "requires")),
    ("A net. It is simple and widely used in Beta Methods.", "Nothing here.", ("beta", "alpha", "requires")),
    ("A net. It was proposed by Sennrich and used in Beta Methods.", "Nothing here.", ("beta", "alpha", "requires")),
    ("A net. It is also the layer used in Beta Methods.", "Nothing here.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. Leakage is a form of alpha net.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Web pairs, a form of alpha net.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. For images it typically uses alpha nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It often applies alpha nets to inputs.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It extends the task, while alpha nets help.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Tuning it is a costly alpha net search.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It is a costly alpha net search.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It is one kind of alpha net.", ("beta", "alpha", "requires")),
    # "a variant of T" says what S is only where S (or a pronoun) is its subject, or the sentence opens with it
    ("Nothing here.", "A method. A smooth version of alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. Beta methods are a simpler variant of alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It reads pairs from the web, a form of alpha net.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Letting a class slip in is a form of alpha net.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It is the rule the alpha net uses.", ("beta", "alpha", "related")),  # a clause
    ("Nothing here.", "A method. It is a rule that alpha nets use.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It derives the dual form of the alpha net.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. This form of search, and the alpha net built on it, win.",
     ("beta", "alpha", "related")),  # one genus: a kind of search, not of the next item
    ("Nothing here.", "A method. Beta methods are costly alpha net searches.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. The result is a costly alpha net search.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Warning signs are that alpha nets fail.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. The same fix applies in alpha nets.", ("beta", "alpha", "related")),
    ("Applications: clustering, Beta Methods, search.", "Nothing here.", ("alpha", "beta", "related")),
    ("Nothing here.", "It adds probabilistic structure to alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. It is built on alpha nets.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. The bound is sharp, the argument built on alpha nets.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. It applies the Gamma rule, the extension of alpha nets.",
     ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Earlier, GammaNet extends alpha nets.", ("beta", "alpha", "related")),
    ("It is used in the Beta Method.", "Nothing here.", ("beta", "alpha", "requires")),
    ("It is used in search and as a Beta Method.", "Nothing here.", ("alpha", "beta", "requires")),  # a role
    # "used in T" says T uses what stands before it: S only if that is S
    ("A net. Used in the Beta Method.", "Nothing here.", ("beta", "alpha", "requires")),
    ("A net. Alpha nets, introduced in 2001 and used by Beta Methods, win.", "Nothing here.",
     ("beta", "alpha", "requires")),
    ("A net. This architecture is widely used in Beta Methods.", "Nothing here.", ("beta", "alpha", "requires")),
    ("A net. Pooling, used by Beta Methods, is cheap.", "Nothing here.", ("alpha", "beta", "related")),
    ("A net. The training used in Beta Methods is long.", "Nothing here.", ("alpha", "beta", "related")),
    ("A net. The loss, which is used in Beta Methods, is long.", "Nothing here.", ("alpha", "beta", "related")),
    ("An Alpha Net is a simple Beta Method.", "Nothing here.", ("alpha", "beta", "requires")),
    ("A net. This net is a model with Beta Methods inside.", "Nothing here.", ("alpha", "beta", "related")),  # no genus
    ("Nothing here.", "A method. Tests that monitoring uses to flag alpha nets.", ("beta", "alpha", "related")),
    # a parenthesis holding bare names lists instances; one that describes does not
    ("Popular ones (Beta Method, Gamma).", "Nothing here.", ("beta", "alpha", "requires")),
    ("GloVe (beta method of counts) is popular.", "Nothing here.", ("alpha", "beta", "related")),
    ("Nothing here.", "A model (compared with " + "many " * 90 + "others, and alpha nets) that works.",
     ("beta", "alpha", "related")),
    # a name written as a function in a formula: an operation S's mathematics performs
    ("Nothing here.", "A method. Its score is y = Alpha Net(x) + b.", ("beta", "alpha", "requires")),
    ("Nothing here.", "A method. Later, Alpha Net(x) may help.", ("beta", "alpha", "related")),  # no formula
    ("Nothing here.", "A method. Later, Alpha Net(s) may help, with y = 2.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Later, Alpha Net (x) may help, with y = 2.", ("beta", "alpha", "related")),
    ("Nothing here.", "A method. Alpha Net(2017) came first, with k = 5.", ("beta", "alpha", "related")),  # a year
    ("Nothing here.", "A method. Later, Alpha Net(x) may help the many other things here, so y = 2.",
     ("beta", "alpha", "related")),  # a sign of a formula, but far from the name
    # weak cues turn a document-order prerequisite into an association
    ("Nothing here.", "Tasks: forecasting, alpha nets, imputation.", ("beta", "alpha", "related")),
    ("Nothing here.", "Fast, and no alpha net needed.", ("beta", "alpha", "related")),
    ("Nothing here.", "It can be combined with alpha nets.", ("beta", "alpha", "related")),
])
def test_cues_and_document_order_type_the_edge(alpha_full, beta_full, expected):
    assert _mine(pair(alpha_full, beta_full)) == [expected]


def test_a_formula_switched_off_leaves_its_mention_to_the_rule_it_would_have_had():
    """The ablation measures what in-formula buys: without it the mention is in passing, not gone."""
    text = pair("Nothing here.", "A method. Its score is y = Alpha Net(x) + b.")
    kg = build(read([_write_tmp(text)], []), frozenset({"in-formula"}))
    assert [(e["source"], e["target"], e["kind"], e["rule"]) for e in kg.edges(("requires", "related"))] == [
        ("beta", "alpha", "related", "in-passing")]


@pytest.mark.parametrize("alpha_full, expected", [
    ("A model built on the gamma (beta scoring) method throughout.", ("alpha", "beta", "requires")),
    ("Popular ones (Beta Scoring, Gamma) work.", ("beta", "alpha", "requires")),
])
def test_a_parenthesis_inside_a_name_gives_another_word_for_it_not_an_instance(alpha_full, expected):
    """"the logistic (sigmoid) function": the words after the parenthesis complete T's name."""
    assert _mine(pair(alpha_full, "Nothing here.", beta_title="Beta Scoring Method")) == [expected]


@pytest.mark.parametrize("joined, kind", [("or", "related"), ("and", "requires")])
def test_two_alternatives_are_options_not_prerequisites(joined, kind):
    """"Trees split nodes to lower the error, measured by MSE or MAE": either will do, so neither is needed."""
    text = sheet(entry("1.1.1", "Alpha Net", "alpha", full="Counts red apples."),
                 entry("1.1.2", "Beta Method", "beta", full="Weighs heavy stones."),
                 entry("1.1.3", "Gamma Split", "gamma", full=f"Gamma splits data, scored by alpha nets {joined} beta "
                                                             "methods."))
    assert sorted(_mine(text)) == [("gamma", "alpha", kind), ("gamma", "beta", kind)]


@pytest.mark.parametrize("beta_full, expected", [
    # "which is why Alpha Net uses it" (Alpha needs Beta) against Alpha's passing mention of Beta: the stronger
    # vote stands as it would alone
    ("Beta methods add noise to a sum. It composes well, which is why Alpha Net uses it.",
     [("alpha", "beta", "requires")]),
    # a passing mention each way: peers
    ("Beta methods add noise to a sum. It composes well with an Alpha Net.", [("beta", "alpha", "related")]),
])
def test_a_link_both_texts_make_survives_their_disagreeing_on_its_type(beta_full, expected):
    """The two texts' votes weaken each other below what either is alone, and dropping the pair as too weak lost
    a link both texts make."""
    edges = _mine(pair("Alpha nets stack layers of units. Second, the beta method adds noise to each unit.",
                       beta_full))
    assert edges == expected


@pytest.mark.parametrize("votes, kind, confidence, rule", [
    # a passing mention against a cue: the weaker it is, the stronger the edge, never the other way round
    ([("cue-used-in", "required-by", 0.6), ("in-passing", "related", 0.45)], "requires", 0.465, "cue-used-in"),
    ([("cue-used-in", "required-by", 0.6), ("in-passing", "related", 0.50)], "requires", 0.45, "cue-used-in"),
    ([("cue-used-in", "required-by", 0.6), ("in-passing", "related", 0.55)], "requires", 0.45, "cue-used-in"),
    # no vote of the winner stands alone: unordered, named by the strongest related vote
    ([("cue-used-in", "required-by", 0.5), ("in-passing", "related", 0.35), ("in-passing", "related", 0.35)],
     "related", 0.45, "in-passing"),
    # ... or by the vote that stands alone, where no related vote was cast
    ([("in-passing", "requires", 0.4), ("in-passing", "requires", 0.4), ("cue-used-in", "required-by", 0.6)],
     "related", 0.45, "cue-used-in"),
])
def test_disagreeing_votes_keep_a_link_at_the_floor_in_the_order_of_a_vote_that_stands_alone(write, votes, kind,
                                                                                                 confidence, rule):
    from mlkg.mine.evidence import Evidence
    from mlkg.mine.rules import Positions, relate
    from mlkg.read import read

    corpus = read([write(pair("Alpha nets stack layers.", "Beta methods add noise."))], curation=[])
    evidence = [Evidence("beta", "alpha", "full", f"s{i}", "x.md", i, "Alpha Net", name, vote, c)
                for i, (name, vote, c) in enumerate(votes, 1)]
    r, _, weak = relate("alpha", "beta", evidence, {}, Positions(corpus, {}))
    assert (r.kind, r.confidence, r.rule, weak) == (kind, confidence, rule, False)


def test_instances_are_only_recognised_within_a_section():
    text = sheet(entry("1.1.1", "Alpha Net", "alpha", full="Works on grids (images, beta series).")) + (
        "\n## 2. OTHER\n\n### 2.1 More\n\n" + entry("2.1.1", "Beta Series", "beta", full="Ordered data."))
    assert _mine(text) == [("alpha", "beta", "related")]


@pytest.mark.parametrize("section, beta_number, listed, expected", [
    ("TOPIC", "1.1.2", "Alpha nets such as beta methods help.", ("beta", "alpha", "requires")),  # one family
    ("TOPIC", "1.1.2", "These, like beta methods, help.", ("beta", "alpha", "requires")),
    ("TOPIC", "1.1.2", "Key algorithms: beta methods, gammas.", ("beta", "alpha", "requires")),
    # Alpha Net is named like the section: it heads it
    ("ALPHA NETS", "1.2.1", "Alpha nets such as beta methods help.", ("beta", "alpha", "requires")),
    # "optimizers such as RMSProp" in Saddle Point
    ("TOPIC", "1.2.1", "Alpha nets such as beta methods help.", ("alpha", "beta", "related")),
    # instances of something else: "wrapper methods such as RFE" in Filter Feature Selection
    ("TOPIC", "1.1.2", "Tools such as beta methods help.", ("alpha", "beta", "related")),
    ("TOPIC", "1.1.2", "Later work, including beta methods, helps.", ("alpha", "beta", "related")),
])
def test_an_instance_is_one_of_the_listing_entrys_family(section, beta_number, listed, expected):
    text = sheet(entry("1.1.1", "Alpha Net", "alpha", full=f"Nothing here. {listed}"),
                 entry(beta_number, "Beta Method", "beta", full="Nothing here."),
                 subsections={"1.1": "First", "1.2": "Second"}, title=section)
    assert _mine(text) == [expected]


@pytest.mark.parametrize("beta_title, expected", [
    ("Denoising Alpha Net", ("beta", "alpha", "requires")),
    ("Alpha Net Architecture", ("beta", "alpha", "requires")),
    # one name for two entries ("Learning with Noisy Labels" in two sections, "Overview" in many): neither is a
    # kind of the other; a chain of entries titled "Overview" each required the one before
    ("Alpha Net", ("beta", "alpha", "related")),
    ("Alpha Net (AN)", ("beta", "alpha", "related")),
])
def test_title_containing_another_name_means_a_kind_of_it(beta_title, expected):
    assert _mine(pair("Nothing here.", "Nothing here.", beta_title=beta_title)) == [expected]


def test_entries_of_one_title_are_related_not_a_chain_of_prerequisites():
    text = "\n".join(sheet(entry(f"{s}.1.1", "Overview", f"overview-{s}", full="Nothing here."),
                           entry(f"{s}.1.2", f"Zeta {s} Net", f"zeta-{s}", full="Nothing here."), section=str(s),
                           title=f"TOPIC {s}") for s in range(1, 5))
    kg = mlkg.load(_write_tmp(text), curation=[])
    assert {(e["kind"], e["rule"]) for e in kg.edges(("requires", "related"))
            if e["source"].startswith("overview") and e["target"].startswith("overview")} == {("related", "same-title")}


def test_a_concept_mentioning_itself_makes_no_edge():
    assert _mine(pair("Alpha Nets are alpha nets.", "Nothing here.")) == []


def test_peers_that_mention_each_other_are_related():
    text = pair("It feeds the Beta Method.", "It fools the Alpha Net.")
    assert _mine(text) == [("beta", "alpha", "related")]


def two_sections(vision_text: str, extra: str = "") -> str:
    """An ensemble section with Stacking, and a vision section whose entry uses the text given."""
    return sheet(
        entry("1.1.1", "Stacking", "stacking",
              full="Stacking trains a meta-learner on base model predictions from cross-validation folds."),
        entry("1.1.2", "Blending", "blending", full="Blending is like stacking with a holdout set of predictions."),
        entry("1.1.3", "Random Forest", "random-forest", full="Many decorrelated trees vote."),
    ) + "\n## 2. VISION\n\n### 2.1 Nets\n\n" + entry("2.1.1", "Deep Conv Net", "conv-net", full=vision_text + extra)


@pytest.mark.parametrize("vision_text, linked", [
    # a lone ordinary word, across sections, no cue, and nothing else links the sections: another sense
    ("Deep nets work by stacking convolution layers with pooling.", False),
    # a cue phrase marks the word as a term
    ("Unlike stacking, one deep net is trained end to end.", True),
    # another cross-reference shows the two topics meet, so the word keeps its sense
    ("Deep nets work by stacking convolution layers. A random forest is an alternative.", True),
])
def test_homonyms_make_no_edge(vision_text, linked):
    edges = _mine(two_sections(vision_text))
    assert ("blending", "stacking", "requires") in edges
    assert any(t == "stacking" for s, t, _ in edges if s == "conv-net") is linked


@pytest.mark.parametrize("title, mention, linked", [
    ("Zorbagation", "Deep nets are trained by zorbagation.", True),  # a whole title, no word of everyday English
    ("Stacking", "Deep nets work by stacking layers.", False),       # ... which "stacking" is
    ("Zorbagation Sampling", "Deep nets are trained by zorbagation.", False),  # a title cut short: its everyday sense
])
def test_a_rare_word_that_is_a_whole_title_keeps_its_sense_across_unlinked_sections(title, mention, linked):
    text = sheet(entry("1.1.1", title, "target", full="It is a method of its own.")) \
        + "\n## 2. VISION\n\n### 2.1 Nets\n\n" + entry("2.1.1", "Deep Conv Net", "conv-net", full=mention)
    assert any(t == "target" for s, t, _ in _mine(text) if s == "conv-net") is linked


@pytest.mark.parametrize("text, spelled", [
    ("Achieved via gradient penalty (WGAN-GP).", {"GP": "gradient penalty"}),  # the last part of a compound
    ("A Gaussian process (GP) is a prior.", {"GP": "Gaussian process"}),
    ("Ranked by mean average precision (mAP).", {"mAP": "mean average precision"}),
    ("The mean of squared errors (MSE) is used.", {"MSE": "mean of squared errors"}),  # function words between
    ("Long Short-Term Memory (LSTM) nets.", {"LSTM": "Long Short-Term Memory"}),
    # or of the words before the kind of thing it names, which it leaves out
    ("Aligned by the iterative closest point algorithm (ICP).", {"ICP": "iterative closest point"}),
    ("Aligned by the closest point matching algorithm (ICP).", {}),
    # the initials must spell it: a loose match of letters through a sentence is no definition
    ("It discovers structure. Clustering can be density-based (DBSCAN).", {}),
    ("Fit on the masked tokens (MAE).", {}),
    ("Trees (the forest) vote.", {}),  # no acronym
    # the first of the names a bracket gives
    ("Expected shortfall (ES, also CVaR) is coherent.", {"ES": "Expected shortfall"}),
    ("The signal-to-artifacts ratio (SAR; musical noise) falls.", {"SAR": "signal-to-artifacts ratio"}),
])
def test_an_acronym_is_spelled_out_by_the_initials_before_it(text, spelled):
    assert spelled_out([text]) == spelled


@pytest.mark.parametrize("text, compound, spelled", [
    # the acronym that opens a compound, spelled by the words before the compound's last part standing alone
    ("It is the scale-invariant SDR. SI-SDR is cheap.", "SI-SDR", "scale-invariant"),
    ("MAP-Elites (Multi-dimensional Archive of Phenotypic Elites) keeps a grid.", "MAP-Elites",
     "Multi-dimensional Archive of Phenotypic"),
    ("Trained with DP-SGD, the differentially private SGD.", "DP-SGD", "differentially private"),
    ("Trained with DP-SGD, a private form of SGD.", "DP-SGD", None),
    ("SI-SDR is cheap; the plain SDR is not.", "SI-SDR", None),
    ("SI-SDR is cheap; the plain SDRs are sensitive.", "SI-SDR", None),  # inside another word
    ("It is the scale-invariant SDRs' mean. SI-SDR is cheap.", "SI-SDR", None),
    # a noun phrase, not words that happen to have those initials: "doing plain" is no "DP"
    ("Training with DP-SGD is slower than doing plain SGD.", "DP-SGD", None),
    ("Training with DP-SGD is slower than the differentially private SGD.", "DP-SGD", "differentially private"),
    ("Differentially Private SGD (DP-SGD) clips gradients.", "DP-SGD", "Differentially Private"),
    ("It is the scale-invariant SDR.", "SI-", None),  # nothing to look for
    ("It is the 12 SDR.", "12-SDR", None),  # no letters to spell
])
def test_an_acronym_opening_a_compound_is_spelled_out_by_the_initials_before_its_last_part(text, compound, spelled):
    assert head_spelled(text, *compound.split("-")) == spelled


@pytest.mark.parametrize("wgan_text, linked", [
    # the entry spells GP out as something else: in it, GP is not Gaussian Process
    ("Uses weight clipping or gradient penalty (WGAN-GP). GP keeps the critic smooth.", False),
    # spelled out as the concept itself, or not at all: a mention as usual
    ("Unlike a GP, it has no prior. A Gaussian process (GP) is another tool.", True),
    ("Unlike a GP, it has no prior.", True),
    # the acronym spelled out as something else does not use up the sentence's mention of the concept itself
    ("It adds a gradient penalty (WGAN-GP) as in a Gaussian process.", True),
    # or spells out the compound it opens as something else
    ("Scored by GP-UCB, the greedy penalized UCB.", False),
    ("Scored by GP-UCB, the Gaussian process UCB.", True),
    ("Scored by GP-UCB.", True),
])
def test_an_acronym_means_what_its_entry_spells_out(wgan_text, linked):
    text = sheet(entry("1.1.1", "Gaussian Process (GP)", "gp", full="A Gaussian process (GP) is a prior."),
                 entry("1.2.1", "Wasserstein Net", "wnet", full=wgan_text), subsections={"1.1": "GPs", "1.2": "Nets"})
    assert any(s == "wnet" and t == "gp" for s, t, _ in _mine(text)) is linked


@pytest.mark.parametrize("first, second, linked", [
    # each compound means what its own last part is spelled with: GP-UCB's spelling says nothing of GP-based
    ("A GP-based surrogate models the loss.", "Its GP-UCB rule, the greedy penalized UCB, explores.", True),
    ("A GP-UCB surrogate models the loss.", "Its GP-UCB rule, the greedy penalized UCB, explores.", False),
    # or one its own extends ("GP-UCBs" of GP-UCB)
    ("Two GP-UCBs model the loss.", "Its GP-UCB rule, the greedy penalized UCB, explores.", False),
    # and a plain mention is no compound's
    ("A GP models the loss.", "Its GP-UCB rule, the greedy penalized UCB, explores.", True),
])
def test_an_acronym_opening_a_compound_means_what_the_section_spells_that_compound(first, second, linked):
    text = sheet(entry("1.1.1", "Gaussian Process (GP)", "gp", full="A Gaussian process (GP) is a prior."),
                 section="1", title="PRIORS") + "\n" + sheet(
        entry("2.1.1", "Surrogate Model", "surrogate", full=first),
        entry("2.2.1", "Bandit Rule", "bandit", full=second),
        section="2", title="SEARCH", subsections={"2.1": "Models", "2.2": "Rules"})
    assert any(s == "surrogate" and t == "gp" for s, t, _ in _mine(text)) is linked


@pytest.mark.parametrize("title, full, sibling, linked", [
    # section 2 has a Dirichlet-like "Blorp Process": its BP is that, not section 1's Bazz Privacy
    ("Blorp Process", "Draw G from BP(α, H), then cluster.", "", set()),
    ("Blorp Process", "Zint mixtures use a BP prior.", "", set()),
    ("Blorp Process", "It is private (BP) by design.", "", set()),  # spelled out nowhere, still the section's
    ("Blorp Pruning Process", "Draw G from BP(α, H).", "", {"bazz-privacy"}),  # no title of it has those initials
    ("Blorp", "Draw G from BP(α, H).", "", {"bazz-privacy"}),
    # another entry of the section spells it out: the section means that
    ("Blorp", "Draw G from BP(α, H).", "It keeps the blorp pattern (BP) of each cluster.", set()),
])
def test_an_acronym_a_sections_own_title_makes_means_that_title_there(title, full, sibling, linked):
    """A section that writes "DP" for its Dirichlet Process without ever spelling it out means that, not the
    Differential Privacy (DP) of another section; so does one that spells it out in another of its entries."""
    first = sheet(entry("1.1.1", "Bazz Privacy (BP)", "bazz-privacy", full="A guarantee on what leaks."))
    second = sheet(entry("2.1.1", title, "blorp", full="A random measure."),
                   entry("2.1.2", "Zint Mixture", "zint", full=full),
                   entry("2.1.3", "BP-Means", "bp-means", full=f"A hard clustering limit. {sibling}"), section="2")
    edges = _mine(first + "\n" + second)
    assert {t for s, t, _ in edges if s == "zint"} - {"blorp"} == linked
    assert (("bp-means", "bazz-privacy") in {(s, t) for s, t, _ in edges}) is bool(linked)  # in a title alike


@pytest.mark.parametrize("labels, spelled", [
    (["Confidence Interval"], {"ci": ["confidence interval"]}),
    (["Coefficient of Variation"], {"cv": ["coefficient of variation"]}),  # function words left out
    (["Quasi-Monte Carlo Methods"], {"qmcm": ["quasi monte carlo method"]}),
    (["Confidence Intervals", "Confidence Interval"], {"ci": ["confidence interval"]}),  # one key
    (["Dropout", "GAN Training", "Vision Transformer"], {"vt": ["vision transformer"]}),  # no word, no acronym
])
def test_a_title_of_two_words_or_more_is_what_its_initials_may_stand_for(labels, spelled):
    assert title_initials(labels) == spelled


@pytest.mark.parametrize("text, key, at", [
    ("a 95% confidence interval", "confidence interval", 6),
    ("the confidence intervals", "confidence interval", 4),  # either number
    ("confidence-interval width", "confidence interval", 0),  # at the start
    ("a confidence, interval", "confidence interval", -1),  # no one phrase
    ("unconfidence interval", "confidence interval", -1),  # whole words
    ("confidence intervalized", "confidence interval", -1),
    ("confidence intervalss", "confidence interval", -1),
    ("unconfidence interval, then a confidence interval", "confidence interval", 30),  # the first whole one
])
def test_where_a_text_writes_a_name_as_whole_words(text, key, at):
    assert phrase_at(normalize(text), key) == at


@pytest.mark.parametrize("full, linked", [
    # the entry writes a title of the corpus whose initials are the acronym: it means that, unexplained
    ("Report the blorp process mean and its 95% BP.", False),
    ("Blorp processes vary; report the 95% BP.", False),  # plural, and in another sentence
    ("Report the 95% BP.", True),  # no other term of those initials: the acronym's own concept
    ("Report the 95% BP, as in a bazz privacy audit of the blorp process.", True),  # its own long form too
    ("Report the big pine mean and its 95% BP.", True),  # those initials, but no concept's title
    ("Report the blorp, process mean and its 95% BP.", True),  # no one phrase
    ("Report the blorp-process mean and its 95% BP.", False),
    ("Report its 95% BP. Then fit a blorp process.", True),  # written only after the mention's sentence
    ("Report its 95% BP of the blorp process.", False),  # in the mention's sentence
    ("Run a bazz privacy check. Report the blorp process mean and its 95% BP.", True),  # its own long form too
    ("The bazz privacy (BP) audit; report the blorp process mean and its 95% BP.", True),  # the entry spells it out
    ("Report the bazz pattern mean and its 95% BP.", True),  # a title of those initials that shares a word with it
])
@pytest.mark.parametrize("namesakes", [0, 40], ids=["few titles of the initials", "many"])
def test_an_acronym_means_the_title_whose_initials_its_entry_writes(full, linked, namesakes):
    """"95% CI" in an A/B-testing entry that writes "confidence interval" is no Conditional Independence Test (CI
    Test) of another section, though the entry never spells CI out.  Past a few titles of the initials, those an
    entry may write are found by their first word (each entry searching for every one was quadratic)."""
    third = sheet(entry("3.1.1", "Blorp Process (Stick Breaking)", "blorp", full="A random measure."),
                  entry("3.1.2", "Bazz Pattern", "bazz-pattern", full="A motif."), section="3")
    more = [entry(f"4.1.{i}", f"Bo{'x' * i}ly Pe{'y' * i}n", f"namesake-{i}", full="A thing.")
            for i in range(1, namesakes + 1)]
    assert _zint_names_bazz_privacy("Zint Trial", full, "\n".join((third, sheet(*more, section="4")) if more
                                                                 else (third,))) is linked


def _zint_names_bazz_privacy(title: str, full: str, third: str) -> bool:
    """Whether Zint (section 2) is linked to Bazz Privacy Test (BP Test), of section 1, beside ``third``."""
    first = sheet(entry("1.1.1", "Bazz Privacy Test (BP Test)", "bazz-privacy", full="A guarantee on what leaks."),
                  entry("1.1.2", "Quorb Test", "quorb", full="A test."),
                  entry("1.1.3", "Zeta Test", "zeta", full="A test."))
    other = sheet(entry("2.1.1", title, "zint", full=full), section="2")
    return ("zint", "bazz-privacy") in {(s, t) for s, t, _ in _mine("\n".join((first, other, third)))}


@pytest.mark.parametrize("title, linked", [
    ("Blorp Process Audit", False),  # the entry's title writes the other title: that comes first of all
    ("Zint Audit", True),
])
def test_an_acronym_means_the_title_its_entrys_own_title_writes(title, linked):
    third = sheet(entry("3.1.1", "Blorp Process", "blorp", full="A random measure."), section="3")
    assert _zint_names_bazz_privacy(title, "Report its 95% BP.", third) is linked


@pytest.mark.parametrize("second, linked", [
    ("It is a bilinear projection (BP).", False),  # spelled out one way in the section: that
    ("It is a bilinear projection (BP), as in bee pollen (BP).", False),  # an entry's first word is its
    ("It is a bee pollen count (BP).", True),  # two entries spell it two ways: the section means no one thing
])
def test_an_acronym_two_entries_of_a_section_spell_out_two_ways_means_nothing_there(second, linked):
    first = sheet(entry("1.1.1", "Bazz Privacy (BP)", "bazz-privacy", full="A guarantee on what leaks."))
    other = sheet(entry("2.1.1", "Blorp", "blorp", full="A random measure, a bilinear projection (BP)."),
                  entry("2.1.2", "Quint", "quint", full=second),
                  entry("2.1.3", "Zint Mixture", "zint", full="Draw G from BP(α, H)."), section="2")
    assert (("zint", "bazz-privacy") in {(s, t) for s, t, _ in _mine(first + "\n" + other)}) is linked


@pytest.mark.parametrize("full, linked", [
    ("It averages mean average precision (MAP) over queries.", False),  # MAP spelled as no part of the title
    ("It reads the MAP of the weights.", True),
])
def test_a_titles_acronym_stands_for_the_whole_title_however_loosely_it_spells_it(full, linked):
    """"Maximum A Posteriori Estimation (MAP)": its initials spell the acronym only with a function word and
    without the last word, yet the title is what the acronym stands for."""
    text = sheet(entry("1.1.1", "Maximum A Posteriori Estimation (MAP)", "map-estimation", full="A point estimate."),
                 entry("1.2.1", "Ranking Score", "rank", full=full), subsections={"1.1": "Estimates", "1.2": "Ranks"})
    assert any(s == "rank" and t == "map-estimation" for s, t, _ in _mine(text)) is linked


@pytest.mark.parametrize("text, meant", [
    # Zonal Quilt is the nearer entry: the words around the mention tell which is meant
    ("Outliers hurt a squared loss, so a robust loss such as the ZQ or the median is used.", "zeta-quantile"),
    ("Patches are masked and the encoder reconstructs them, as in ZQ.", "zonal-quilt"),
    ("It is compared with ZQ.", "zonal-quilt"),  # no words to tell: the nearest, as before
])
def test_a_name_two_sections_share_means_the_concept_whose_text_is_about_the_same_things(text, meant):
    """An acronym two entries of other sections give themselves ("MAE": mean absolute error, masked autoencoder)
    means the one whose own text shares the rare words of the mentioning entry (Lesk's overlap of
    definitions), where the nearest one is only nearer."""
    text = (sheet(entry("1.1.1", "Zeta Quantile (ZQ)", "zeta-quantile",
                        full="An error measure for regression that is robust to outliers, like the median."))
            + "\n## 2. IMAGES\n\n### 2.1 Pretraining\n\n"
            + entry("2.1.1", "Zonal Quilt (ZQ)", "zonal-quilt",
                    full="Pretraining: random patches of an image are masked and the encoder reconstructs them.")
            + "\n## 3. TABLES\n\n### 3.1 Cleaning\n\n" + entry("3.1.1", "Winsor Clip", "winsor-clip", full=text))
    assert {t for s, t, _ in _mine(text) if s == "winsor-clip"} == {meant}


@pytest.mark.parametrize("line, linked", [
    ("x = torch.zorbmax(logits)", False),  # an attribute: the library's function
    ("model = nn.Sequential(nn.Linear(4, 2), nn.Zorbmax())", False),
    ("scores = evaluate(model, scoring='zorbmax')", False),  # a string literal of its own
    ('log("zorbmax", 0.9)', False),
    ("opt = SGD(params, zorbmax=0.9)", False),  # a keyword argument
    ("import zorbmax as zm", False),  # a module an import line names
    ("from sklearn.layers import Zorbmax", False),
    ("# import the data, then zorbmax it", True),  # a comment, not an import
    ("    import zorbmax as zm", False),  # indented, as inside a function
    ("Features: zm1, zm2, zm3, zm4", False),  # one of a run of indexed symbols: four or more
    ("Features: [zm1, zm2, zm3]", False),  # or three in brackets
    ("ZM0, ZM1 and ZM2 penalties", True),  # three names of a kind, not a run
    ("the ZM0.5, ZM1 and ZM2 scores", True),  # 0.5 is no index
    ("y = zorbmax(W·x + b)", True),  # a formula: the function itself
    ("1. Zorbmax → [0.1, 0.9]", True),  # a numbered step, not an attribute
    ("zorbmax == 3 means …", True),
    ("Apply zorbmax to the scores", True),
])
def test_a_name_an_example_writes_as_code_is_an_identifier_not_a_mention(line, linked):
    text = sheet(entry("1.1.1", "Zorbmax (ZM1)", "zorbmax", full="A function that squashes scores."),
                 entry("1.2.1", "Quibble Net", "quibble", full="A network of layers.", example=f"```\n{line}\n```"),
                 subsections={"1.1": "Functions", "1.2": "Nets"})
    assert any(s == "quibble" and t == "zorbmax" for s, t, _ in _mine(text)) is linked


@pytest.mark.parametrize("example", [
    'Calling it "zorbmax" is common: the scores are squashed.',  # quoted in prose: a name
    "With zorbmax=0.64 on the test set, the model is fine.",  # "F1=0.64" in prose
    "```\nprint(1)\n```\nAfterwards, torch.zorbmax is the usual call.",  # after the fence has closed
])
def test_an_example_outside_code_fences_names_as_prose_does(example):
    text = sheet(entry("1.1.1", "Zorbmax (ZM1)", "zorbmax", full="A function that squashes scores."),
                 entry("1.2.1", "Quibble Net", "quibble", full="A network of layers.", example=example),
                 subsections={"1.1": "Functions", "1.2": "Nets"})
    assert any(s == "quibble" and t == "zorbmax" for s, t, _ in _mine(text))


def test_a_name_written_as_code_is_reported_with_its_reason():
    text = sheet(entry("1.1.1", "Zorbmax (ZM1)", "zorbmax", full="A function that squashes scores."),
                 entry("1.2.1", "Quibble Net", "quibble", full="A network.", example="```\ny = np.zorbmax(x)\n```"),
                 subsections={"1.1": "Functions", "1.2": "Nets"})
    kg = mlkg.load(_write_tmp(text), curation=[])
    dropped = kg.stats()["mining"]["homonyms"]
    assert [(d["source"], d["target"], d["surface"]) for d in dropped] == [("quibble", "zorbmax", "zorbmax")]
    assert "written as code" in dropped[0]["reason"]


@pytest.mark.parametrize("text, target, linked", [
    ("Trade precision for speed.", "precision", False),   # everyday, and the only metric this entry names
    ("Trade precision for speed; watch recall.", "precision", True),   # it names the section's ideas
    ("Unlike precision, it is fast.", "precision", True),  # a cue marks the word as the term
    ("It adds attention to each layer.", "attention", True),  # a subsection's head: a topic others build on
    ("Trade precision for speed. It uses precision as its score.", "precision", True),  # the cue's mention stays
    ("Its local fit has an R² of 0.87.", "r-squared", True),  # a symbol, no word: wordfreq reads "R²" as "r2"
    ("It keeps the Adam moment estimates.", "adam", True),  # a name: written capitalised in sentences, never lower
    ("It keeps the Adam moment estimates, as adam does.", "adam", False),   # ... a word, written in lower case too
    ("Adam said so. It is fast.", "adam", False),            # ... a capital that opens a sentence says nothing
])
def test_an_everyday_word_from_another_section_needs_that_sections_company(text, target, linked):
    """Sections 1 and 2 are linked ("reports precision and recall"), so only the entry's own company decides."""
    sheet_text = sheet(entry("1.1.1", "Precision", "precision", full="The share of predicted positives, right."),
                       entry("1.1.2", "Recall", "recall", full="The share of positives found."),
                       entry("1.1.3", "Coefficient of Determination (R²)", "r-squared", full="Explained variance."),
                       entry("1.1.4", "Adam", "adam", full="Adam keeps moment estimates."),
                       entry("1.2.1", "Attention", "attention", full="Weights inputs by relevance."),
                       subsections={"1.1": "Metrics", "1.2": "Attention"})
    sheet_text += "\n## 2. TREES\n\n### 2.1 Kinds\n\n" + entry("2.1.1", "Tree Method", "tree", full=text) \
        + entry("2.1.2", "Eval Method", "evaluation", full="Nothing here. It reports precision and recall.")
    assert any(s == "tree" and t == target for s, t, _ in _mine(sheet_text)) is linked


@pytest.mark.parametrize("text, proper", [
    ("It keeps the Adam moment estimates.", True),
    ("Adam said so.", False),                        # a capital that opens a sentence says nothing
    ("It keeps the Adam moments, as adam does.", False),
    ("It keeps, as before, Adam moments.", True),
    ("İİİİİİİİİİİİ is long; it keeps the Adam moments.", True),  # "İ" lower-cases to two characters
    ("Extends it. " + "İ" * 9 + " Adam", False),      # ... and once ran the search off the text's end
])
def test_a_word_written_capitalised_inside_sentences_and_never_in_lower_case_is_a_name(text, proper):
    corpus = Corpus([parse_text(sheet(entry("1.1.1", "Alpha Net", "alpha", full=text,
                                            example='opt = make(optimizer="adam")')))])
    assert (rules.proper_names({"Adam"}, CorpusText(corpus).prose) == {"Adam"}) is proper


@pytest.mark.parametrize("text, proper", [
    ("Then the Th unit thaws the rest.", True),  # "th" inside "then", "the", "thaws" is no lower-case "th"
    ("Then the Th unit sets th to zero.", False),
    ("Th", False),  # the whole text, opening it
    ("It uses Th", True),  # ... closing it
])
def test_a_name_is_looked_for_as_a_whole_word(text, proper):
    """Looked for inside words, a two-letter name cost two million matches at 100k entries (0.1 s at 10k, 4 s)."""
    corpus = Corpus([parse_text(sheet(entry("1.1.1", "Alpha Net", "alpha", full=text)))])
    assert (rules.proper_names({"Th"}, CorpusText(corpus).prose) == {"Th"}) is proper


@pytest.mark.parametrize("source, text, linked", [
    ("soft-margin", "Margins widen as the C parameter falls.", True),   # in its own section: the SVM's C
    ("mamba", "Its A, B, C parameters depend on the input.", False),    # elsewhere: whatever the text calls C
    ("mamba", "Its A, B, C\nparameters depend on the input.", False),  # ... across a line break too
    ("mamba", "Unlike the U-Net method, it is exact.", True),           # "U-Net" is no letter standing alone
    ("mamba", "Unlike a p value, it is exact.", True),                  # P-Value is no letter and a word
])
def test_a_letter_and_an_everyday_word_name_a_concept_only_in_its_own_section(source, text, linked):
    def says(cid: str) -> str:
        return text if cid == source else "Nothing here."

    sheet_text = sheet(entry("1.1.1", "C Parameter", "c-parameter", full="C trades margin for errors."),
                       entry("1.1.2", "Soft Margin", "soft-margin", full=says("soft-margin")),
                       entry("1.1.3", "U-Net Method", "u-net", full="Nothing here."),
                       entry("1.1.4", "P-Value", "p-value", full="Nothing here."))
    sheet_text += "\n## 2. SEQUENCES\n\n### 2.1 Models\n\n" + entry("2.1.1", "Mamba Model", "mamba", full=says("mamba"))
    assert any(s == source for s, _, _ in _mine(sheet_text)) is linked


def test_requires_stays_acyclic_and_the_downgrade_is_reported(tmp_path):
    text = sheet(
        entry("1.1.1", "Alpha Net", "alpha", full="It is based on the Gamma Rule."),
        entry("1.2.1", "Beta Method", "beta", full="It is based on the Alpha Net."),
        entry("1.3.1", "Gamma Rule", "gamma", full="It is based on the Beta Method."),
        subsections={"1.1": "A", "1.2": "B", "1.3": "C"},
    )
    path = tmp_path / "cycle.md"
    path.write_text(text)
    kg = mlkg.load(path, curation=[])
    req = nx.DiGraph([(e["source"], e["target"]) for e in kg.edges("requires")])
    assert nx.is_directed_acyclic_graph(req)
    (downgraded,) = kg.stats()["mining"]["downgraded"]
    assert downgraded["reason"].startswith("closed the cycle ")


def test_a_curated_edge_that_makes_mined_ones_give_way_is_named_where_they_did(cli, tmp_path, monkeypatch):
    """An [[add]] closing cycles of mined requires edges turned them related with only a count to show for it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "add.toml").write_text('[[add]]\nsource = "autoencoder"\ntarget = "stable-diffusion"\n'
                                       'kind = "requires"\n', encoding="utf-8")
    code, _, err = cli("build", "--source", SEED, "--curation", ROOT / "data" / "curation.toml",
                       "--curation", "add.toml", "--out", tmp_path / "out")
    assert code == 0
    warned = [line for line in err.splitlines() if line.startswith("mlkg: warning: mined ")]
    assert warned and all(line.endswith("; the curated autoencoder requires stable-diffusion (add.toml:1) is on it")
                          for line in warned)
    assert ("mlkg: warning: mined vae requires autoencoder is now related: it closed the cycle vae -> autoencoder "
            "-> stable-diffusion -> vae; the curated autoencoder requires stable-diffusion (add.toml:1) is on it"
            in warned)


def test_every_mined_edge_carries_its_evidence(seed_kg):
    edges = seed_kg.edges(("requires", "related"))
    assert edges
    for e in edges:
        assert 0 <= e["confidence"] <= 1 and e["rule"] and e["evidence"]
        for ev in e["evidence"]:
            assert {"sentence", "field", "line", "surface", "rule", "confidence", "file"} <= ev.as_dict().keys()
            assert ev["field"] in {"title", "full", "simple", "example", "section", "curation"}


def test_evidence_of_vae_requires_autoencoder(seed_kg):
    (edge,) = [e for e in seed_kg.out_edges("vae", "requires") if e["target"] == "autoencoder"]
    sentences = {(ev["source"], ev["field"], ev["sentence"]) for ev in edge["evidence"]}
    assert ("vae", "full", "VAE adds probabilistic structure to autoencoders.") in sentences
    with open(seed_kg.graph.nodes["vae"]["file"], encoding="utf-8") as f:
        lines = f.read().split("\n")
    for ev in edge["evidence"]:
        if ev["field"] in ("full", "simple", "example"):
            assert ev["sentence"] in lines[ev["line"] - 1]


def test_several_mentions_make_one_edge(seed_kg):
    pairs = [frozenset((e["source"], e["target"])) for e in seed_kg.edges(("requires", "related"))]
    assert len(pairs) == len(set(pairs))


# --- quality --------------------------------------------------------------------------------------

@pytest.mark.parametrize("metric, score, floor", [
    ("links", "precision", 0.9), ("links", "recall", 0.95),
    ("requires", "precision", 0.95), ("requires", "recall", 0.9),
])
def test_seed_quality_against_its_own_gold_labels(seed_kg, metric, score, floor):
    """Precision first: a missing prerequisite is better than a wrong one (measured 1.00 and 0.91 for requires).
    Links measured 0.93 and 0.96: a lone example line is a weak related edge, which the seed's labels
    leave out once ("Generator loss:" in WGAN's example) and the other gold sets mostly keep."""
    result = evaluate(seed_kg, [read_gold(GOLD)])["sections"]["13-generative-models"]
    assert result[metric][score] >= floor, result["errors"]


@pytest.mark.shared
def test_eval_scores_every_section_of_the_public_corpus_and_the_held_out_set_apart(shared_kg):
    golds = [read_gold(p) for p in gold_files([GOLD.parent])]
    result = evaluate(shared_kg, golds)
    sections = result["sections"]
    assert {"all tune", "all heldout"} <= sections.keys()
    assert len([s for s in sections if not s.startswith("all ")]) == 9
    assert not result["conflicts"]
    for row in sections.values():
        assert row["links"]["gold"] > 0 and row["plans"]["checks"] > 0


def test_eval_scores_the_fresh_sections_loaded_beside_the_public_corpus(shared):
    """tests/fresh holds sections written and labelled apart from the miner; some tuned on, the rest held out."""
    fresh = sorted((ROOT / "tests" / "fresh").glob("*.md"))
    golds = [read_gold(p) for p in gold_files([GOLD.parent]) if p.stem in {f.stem for f in fresh}]
    result = evaluate(mlkg.load(shared, *fresh), golds)
    assert {s for s in result["sections"] if not s.startswith("all ")} == {p.stem for p in fresh}
    assert not result["conflicts"]
    for row in result["sections"].values():
        assert row["links"]["gold"] > 50 and row["plans"]["checks"] > 0


def test_eval_scores_the_blind_section_loaded_beside_the_public_corpus(shared):
    """tests/blind holds a section in the public cheatsheet's style, labelled before any run; loaded apart from
    tests/fresh, whose sections share two of its IDs, as a maintainer's section would arrive."""
    blind = sorted((ROOT / "tests" / "blind").glob("*.md"))
    golds = [read_gold(p) for p in gold_files([GOLD.parent]) if p.stem in {f.stem for f in blind}]
    assert blind and len(golds) == len(blind)
    result = evaluate(mlkg.load(shared, *blind), golds)
    assert {s for s in result["sections"] if not s.startswith("all ")} == {p.stem for p in blind}
    assert not result["conflicts"]
    assert all(row["links"]["gold"] > 50 for row in result["sections"].values())


@pytest.mark.parametrize("header, judged", [
    ("", True),                                # no corpus line: the labeller read every section loaded
    ("# corpus: 1  (the sections read)\n", False),  # section 2 came later: gamma -> beta is not judged
    ("# corpus: 1-2\n", True),
    ("# corpus: 2\n", True),                   # its own section goes without saying
])
def test_eval_judges_a_pair_only_within_the_sections_its_gold_files_labeller_read(tmp_path, header, judged):
    one = tmp_path / "01-one.md"
    one.write_text(sheet(entry("1.1.1", "Alpha Net", "alpha"),
                         entry("1.1.2", "Beta Method", "beta", full="It extends the Alpha Net."),
                         entry("1.1.3", "Delta Rule", "delta", full="It is based on the Beta Method.")))
    two = tmp_path / "02-two.md"
    two.write_text(sheet(entry("2.1.1", "Gamma Rule", "gamma", full="It is based on the Beta Method."),
                         section="2", subsections={"2.1": "More"}))
    gold = tmp_path / "01-one.gold"
    gold.write_text(header + "beta requires alpha\n")
    row = evaluate(mlkg.load(one, two, curation=[]), [read_gold(gold)])["sections"]["01-one"]
    assert row["errors"]["extra_links"] == [("beta", "delta")] + ([("beta", "gamma")] if judged else [])
    assert row["requires"]["recall"] == 1.0


@pytest.mark.parametrize("line, corpus", [
    ("# corpus: 7-22", ((7, 22),)),
    ("# corpus: 7-22, 30 (a comment)", ((7, 22), (30, 30))),
    ("#Corpus : 1-999999999", ((1, 999999999),)),  # kept as a range, never spelled out
])
def test_a_gold_file_says_which_sections_its_labeller_read(write, line, corpus):
    assert read_gold(write(line + "\na requires b\n", "x.gold")).corpus == corpus


@pytest.mark.parametrize("line", ["# corpus: abc", "# corpus: 7-22 see notes", "# corpus: 22-7", "# corpus:",
                                  "# corpus: 7–22", "# corpus: 7-22\n# corpus: 30",
                                  "# corpus: " + " ".join(map(str, range(7, 40))) + " see notes"])
def test_a_bad_corpus_line_is_reported_not_ignored(write, line):
    """Ignored, it would have the file judge every section; the last one backtracked for seconds as a regex."""
    with pytest.raises(InputError, match="expected one '# corpus: 7-22 30' line"):
        read_gold(write(line + "\na requires b\n", "x.gold"))


FIRST = "a requires b\nc requires d\ne related f\ng requires h\n"


@pytest.mark.parametrize("second, links, requires, alike", [
    (FIRST, (1.0, 1.0), (1.0, 1.0), (4, 4)),
    ("b requires a\nc requires d\nf related e\n", (1.0, 0.75), (0.5, 1 / 3), (2, 3)),  # one turned, one unseen
    ("a related b\nc requires d\ne requires f\ng requires h\nx requires y\n", (0.8, 1.0), (0.5, 2 / 3), (2, 4)),
    ("x related y\n", (0.0, 0.0), (None, 0.0), (0, 0)),  # no requires labelled: no precision (it was 1.00)
])
def test_two_labellings_of_a_section_are_scored_against_each_other(write, second, links, requires, alike):
    a = agreement(read_gold(write(FIRST, "first.gold")), read_gold(write(second, "second.gold")))
    assert (a["links"]["precision"], a["links"]["recall"]) == pytest.approx(links, abs=1e-3)
    assert (a["requires"]["precision"], a["requires"]["recall"]) == pytest.approx(requires, abs=1e-3)
    assert (a["same_type"]["alike"], a["same_type"]["pairs"]) == alike


@pytest.mark.parametrize("second", sorted((ROOT / "tests" / "agreement").glob("*.gold")), ids=lambda p: p.stem)
def test_a_second_labelling_reads_no_section_the_first_did_not(second):
    """Scored against each other, two labellings of different scope would measure the scope, not the readers."""
    first = [p for p in gold_files([GOLD.parent]) if p.name == second.name]
    assert len(first) == 1
    a, b = read_gold(first[0]), read_gold(second)
    assert all(any(lo <= x and y <= hi for lo, hi in a.corpus) for x, y in b.corpus) and not b.plans
    assert agreement(a, b)["links"]["gold"] == len(a.links)


def test_the_agreement_script_prints_a_row_per_second_labelling():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "agreement.py")], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0].split()[:2] == ["section", "links"]
    assert [line.split()[0] for line in out[1:]] == sorted(p.stem for p in (ROOT / "tests/agreement").glob("*.gold"))


@pytest.mark.parametrize("text, message", [
    ("a requires b\na related b\n", "pair a / b is listed twice"),
    ("a requires a\n", "a is linked to itself"),
    ("a needs b\n", "expected 'SOURCE requires|related TARGET'"),
    ("plan a includes\n", "expected 'SOURCE requires|related TARGET'"),
])
def test_a_bad_gold_line_is_reported_with_file_and_line(write, text, message):
    path = write(text, "x.gold")
    with pytest.raises(InputError) as err:
        read_gold(path)
    assert err.value.lines()[0].startswith(f"{path}:") and message in err.value.lines()[0]


@pytest.mark.shared
@pytest.mark.parametrize("source, target", [
    ("llm", "transformer"),        # 13.6 → 11.4: "Key innovations: transformer architecture"
    ("vit", "transformer"),
    ("stable-diffusion", "vae"),
])
def test_cross_section_prerequisites_in_the_shared_corpus(shared_kg, source, target):
    assert target in {e["target"] for e in shared_kg.out_edges(source, "requires")}


@pytest.mark.parametrize("kg_name", ["seed_kg", pytest.param("shared_kg", marks=pytest.mark.shared)])
def test_requires_is_acyclic(request, kg_name):
    kg = request.getfixturevalue(kg_name)
    assert nx.is_directed_acyclic_graph(nx.DiGraph([(e["source"], e["target"]) for e in kg.edges("requires")]))


# --- curation -------------------------------------------------------------------------------------

CURATION = """
[[alias]]
concept = "stable-diffusion"
names = ["latent diffusion"]

[[add]]
source = "stable-diffusion"
target = "ddpm"
kind = "related"
note = "both predict noise with a U-Net"

[[remove]]
source = "normalizing-flow"
target = "vae"

[[force]]
source = "generator"
target = "discriminator"
kind = "requires"
note = "learn the discriminator's job first"
"""


def test_curation_adds_removes_and_forces_edges(write):
    from conftest import SEED

    path = write(CURATION, "curation.toml")
    kg = mlkg.load(SEED, curation=[path])
    edges = {(e["source"], e["target"]): e for e in kg.edges(("requires", "related"))}
    added = edges[("stable-diffusion", "ddpm")]
    assert added["curated"] and added["kind"] == "related"
    assert added["evidence"][-1]["sentence"] == "both predict noise with a U-Net"
    assert added["evidence"][-1]["line"] == CURATION.split("\n").index("[[add]]") + 1
    assert ("normalizing-flow", "vae") not in edges and ("vae", "normalizing-flow") not in edges
    forced = edges[("generator", "discriminator")]
    assert forced["kind"] == "requires" and forced["curated"]
    assert any(ev["field"] != "curation" for ev in forced["evidence"])  # the mined evidence stays
    assert kg.stats()["edges"]["curated"] == 2


def test_curated_alias_creates_mentions(write):
    text = sheet(entry("1.1.1", "Alpha Net", "alpha"), entry("1.1.2", "Beta", "beta", full="It uses the AN trick."))
    sheet_path = write(text)
    cur = write('[[alias]]\nconcept = "alpha"\nnames = ["AN"]\n', "c.toml")
    kg = mlkg.load(sheet_path, curation=[cur])
    assert [(e["source"], e["target"]) for e in kg.edges("requires")] == [("beta", "alpha")]


@pytest.mark.parametrize("names", ['["Kingma net"]', '["Kingma net "]', '[" Kingma  net", "Kingma net"]'])
def test_show_lists_curated_aliases(cli, write, names):
    """Each once, its spaces single: "VAE " was exported as an altLabel beside "VAE" (an RDF review)."""
    cur = write(f'[[alias]]\nconcept = "vae"\nnames = {names}\n', "c.toml")
    code, out, _ = cli("show", "vae", "--curation", cur, "--format", "json")
    assert code == 0 and json.loads(out)["aliases"] == ["Kingma net"]
    assert "Aliases: Kingma net (curation)" in cli("show", "vae", "--curation", cur)[1]


def test_only_the_first_unknown_curated_ids_get_a_suggestion(write):
    """Each suggestion compares an ID with every concept: a file of thousands for another corpus took minutes."""
    from mlkg.read import SUGGESTED

    text = sheet(*(entry(f"1.1.{i}", f"Thing {i}", f"thing-{i}") for i in range(1, 4)))
    items = "".join(f'[[alias]]\nconcept = "thing-{i}x"\nnames = ["Quxal {i}"]\n\n' for i in range(SUGGESTED + 5))
    with pytest.raises(CurationError) as err:
        mlkg.load(write(text), curation=[write(items, "c.toml")])
    messages = [p.message for p in err.value.problems]
    assert len(messages) == SUGGESTED + 5 and "did you mean thing-1," in messages[1]
    assert sum("did you mean" in m for m in messages) == SUGGESTED


@pytest.mark.parametrize("header", ["[[add]]", "[[ add ]]", '[["add"]]', "[['add']]", '[[ "a\\u0064d" ]]', '\t[[add]]'])
def test_an_item_is_reported_at_its_header_however_toml_writes_it(write, cli, header):
    """The header of the second item is looked for in every form TOML reads as ``[[add]]``."""
    good = '[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\n'
    path = write(f'# we add edges\n{good}\n{header}\nsource = "vae"\ntarget = "nope"\nkind = "requires"\n', "c.toml")
    code, _, err = cli("stats", "--curation", path)
    assert code == 2 and err == f"{path}:7: [[add]] target 'nope' is not a concept ID\n"


@pytest.mark.parametrize("text, line, message", [
    ('[[add]]\nsource = "vae"\ntarget = "nope"\nkind = "requires"\n', 1,
     "[[add]] target 'nope' is not a concept ID"),
    ('\n\n[[force]]\nsource = "vae"\ntarget = "gan"\nkind = "sometimes"\n', 3, "kind 'sometimes' must be one of"),
    ('[[remove]]\nsource = "vae"\n', 1, "[[remove]] is missing target"),
    ('[[alias]]\nconcept = "vae"\nnames = "VAE"\n', 1, "names must be a list"),
    ('[[teleport]]\nx = 1\n', 1, "unknown table 'teleport'"),
    ('[teleport]\nx = 1\n', 1, "unknown table 'teleport'"),
    # a key above every table is no table
    ('\nfoo = 1\n', 2, "unknown key 'foo' at the top of the file, outside any table; a curation file holds only "
     "[[alias]], [[rename]], [[add]], [[remove]], [[force]] tables"),
    ('\nfoo = []\n', 2, "unknown key 'foo' at the top of the file, outside any table; a curation file holds only "
     "[[alias]], [[rename]], [[add]], [[remove]], [[force]] tables"),
    ('[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "requires"\ncolour = "red"\n', 1, "unknown key colour"),
    ('[[add]\nsource = "vae"\n', 1, "invalid TOML"),
    # nested past the parser's stack (a kilobyte of brackets): it had been a RecursionError traceback
    ('\n[[alias]]\nconcept = "vae"\nnames = ' + "[" * 600 + "]" * 600 + "\n", 4,
     "invalid TOML: arrays and tables nested too deep to read"),
    ('[[add]]\nsource = "vae"\ntarget = "vae"\nkind = "related"\n', 1, "links 'vae' to itself"),
    ('[[rename]]\nnumber = "13.2.1"\nid = "gan"\nto = "sec:13.2"\n', 1, "to 'sec:13.2' is not a lowercase slug"),
    ('[[rename]]\nnumber = "13.2"\nid = "gan"\nto = "gan-2"\n', 1, "must be an entry number"),
    # a character no export format can carry
    ('[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\nnote = "a \\u0000 b"\n', 1,
     "note holds control character U+0000"),
    ('[[alias]]\nconcept = "vae"\nnames = ["zz\\u0007top"]\n', 1, "names holds control character U+0007"),
    # what a cheatsheet is refused: a reordering control anywhere, what shows as nothing in a name
    ('[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\nnote = "a \\u202e b"\n', 1,
     "[[add]] note: bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ('[[alias]]\nconcept = "vae"\nnames = ["Kingma\\u200bnet"]\n', 1, "[[alias]] names holds invisible character "
     "U+200B (ZERO WIDTH SPACE): a name with it looks like one without it, and is not found as it is typed"),
    # an alias that is another concept's name would move every mention of it
    ('[[alias]]\nconcept = "vae"\nnames = ["GANs"]\n', 1, "'GANs' of 'vae' is already a name of 'gan'"),
    ('[[alias]]\nconcept = "gan"\nnames = ["autoencoder"]\n', 1, "is already a name of 'autoencoder'"),
    # in any form the lexicon reads a name: another plural, a hyphen
    ('[[alias]]\nconcept = "gan"\nnames = ["Diffusion Models"]\n', 1, "is already a name of 'diffusion-model'"),
    ('[[alias]]\nconcept = "gan"\nnames = ["variational auto-encoder"]\n', 1, "is already a name of 'vae'"),
    # as every lookup folds it: an accent, fullwidth letters
    ('[[alias]]\nconcept = "autoencoder"\nnames = ["G\u00e1n"]\n', 1,
     "'G\u00e1n' of 'autoencoder' is already a name of 'gan'"),
    ('[[alias]]\nconcept = "vae"\nnames = ["\uff27\uff21\uff2e"]\n', 1, "is already a name of 'gan'"),
    ('[[alias]]\nconcept = "gan"\nnames = ["Zorb"]\n\n[[alias]]\nconcept = "vae"\nnames = ["zorb"]\n', 5,
     "'zorb' of 'vae' is already a name of 'gan'"),
    # an entry's or a section's number, or a section's ID, is what every command takes for that node: as an alias
    # it named the alias's concept instead (`mlkg show 13.2.1` showed vae)
    ('[[alias]]\nconcept = "vae"\nnames = ["13.2.1"]\n', 1, "[[alias]] '13.2.1' of 'vae' is entry 13.2.1's number "
     "(gan): `mlkg show 13.2.1`, and every command, would take it for 'vae'; an alias cannot be an entry's or a "
     "section's number or ID"),
    ('[[alias]]\nconcept = "vae"\nnames = ["13.1"]\n', 1, "[[alias]] '13.1' of 'vae' is subsection 13.1's number "
     "(Autoencoders): `mlkg show 13.1`"),
    ('[[alias]]\nconcept = "vae"\nnames = ["Kingma net", "13"]\n', 1, "'13' of 'vae' is section 13's number "
     "(GENERATIVE MODELS)"),
    ('[[alias]]\nconcept = "vae"\nnames = ["sec:13.2"]\n', 1, "'sec:13.2' of 'vae' is subsection 13.2's ID (GANs "
     "(Generative Adversarial Networks)): `mlkg show sec:13.2`"),
    ('[[alias]]\nconcept = "vae"\nnames = ["13 2 1"]\n', 1, "'13 2 1' of 'vae' is entry 13.2.1's number (gan): "
     "`mlkg show 13.2.1`"),
    # as the resolver folds it: fullwidth digits and accents are the number too
    ('[[alias]]\nconcept = "vae"\nnames = ["\uff11\uff13.\uff12.\uff11"]\n', 1, "is entry 13.2.1's number (gan)"),
    ('[[alias]]\nconcept = "vae"\nnames = ["s\u00e9c:13.2"]\n', 1, "is subsection 13.2's ID"),
    # a word of two scripts, refused in a heading, looks like a name it is not and is never found as typed
    ('[[alias]]\nconcept = "vae"\nnames = ["v\u0430riational thing"]\n', 1, "[[alias]] 'v\u0430riational thing' of "
     "'vae': its word 'v\u0430riational' mixes U+0430 (CYRILLIC SMALL LETTER A) with Latin letters: it looks like "
     "another word and is not found as that one is typed; write the word in one script"),
    ('[[alias]]\nconcept = "vae"\nnames = ["Kingma net", "\u03c1ixel VAE"]\n', 1, "its word '\u03c1ixel' mixes "
     "U+03C1 (GREEK SMALL LETTER RHO) with Latin letters"),
    # an everyday word, or a single letter, would name the concept in nearly every entry
    ('[[alias]]\nconcept = "vae"\nnames = ["the"]\n', 1, "'the' of 'vae' is an everyday English word (Zipf frequency "
     "7.73; an alias must be under 5.12): nearly every entry would seem to name the concept; use a longer, more "
     "specific phrase"),
    ('[[alias]]\nconcept = "vae"\nnames = ["Kingma net", "data"]\n', 1, "'data' of 'vae' is an everyday English "
     "word (Zipf frequency 5.34"),
    ('\n[[alias]]\nconcept = "vae"\nnames = ["Model"]\n', 2, "'Model' of 'vae' is an everyday English word (Zipf "
     "frequency 5.13"),
    ('[[alias]]\nconcept = "vae"\nnames = ["a"]\n', 1, "'a' of 'vae' is shorter than 2 characters: a single letter "
     "is a variable, a word or an initial far more often than the concept; use a longer name"),
    ('[[alias]]\nconcept = "vae"\nnames = [" z "]\n', 1, "' z ' of 'vae' is shorter than 2 characters"),
    ('[[alias]]\nconcept = 1979-05-27T07:32:00Z\nnames = ["x"]\n', 1, "[[alias]] concept must be a string\n"
     "{path}:1: [[alias]] 'x' is shorter than 2 characters: a single"),
    ('[[alias]]\nconcept = "vae"\nnames = ["VAE net", ".*"]\n', 1, "'.*' of 'vae' has no letter or digit"),
    ('[[alias]]\nconcept = "vae"\nnames = ["\u200b\u200b"]\n', 1, "of 'vae' has no letter or digit"),
    # a note goes into every output; 2 MB of one was printed whole by `mlkg show`
    ('[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\nnote = "' + "x" * 2001 + '"\n', 1,
     "[[add]] note of 2,001 characters: a note holds at most 2,000 (as the map's editor takes); keep the longer "
     "text elsewhere"),
    # an array of inline tables: each item at its own line (all were at the array's first)
    ('add = [\n  {source = "vae", target = "autoencoder", kind = "related"},\n  {source = "vae", target = "nope", '
     'kind = "related"},\n]\n', 3, "[[add]] target 'nope' is not a concept ID"),
    ('add = [{source = "vae", target = "autoencoder", kind = "related", note = "{ [ ] } \\" #"},  # {\n\n  '
     '{source = "vae", target = "nope", kind = "related"}]\n', 3, "[[add]] target 'nope' is not a concept ID"),
    # a header's words in a multi-line note are text, not the next item's line
    ('[[remove]]\nsource = "gan"\ntarget = "wgan"\nnote = """\n[[add]]\n"""\n\n[[add]]\nsource = "vae"\n'
     'target = "nope"\nkind = "related"\n', 8, "[[add]] target 'nope' is not a concept ID"),
    ("[[remove]]\nsource = 'gan'\ntarget = 'wgan'\nnote = \"\"\"a \\\"\"\"\n[[add]]\n\"\"\"\n[[add]]\nsource = 'vae'\n"
     "target = 'nope'\nkind = 'related'\n", 7, "[[add]] target 'nope' is not a concept ID"),
])
def test_curation_mistakes_are_reported_with_file_and_line(write, cli, text, line, message):
    path = write(text, "bad.toml")
    code, _, err = cli("stats", "--curation", path)
    assert code == 2
    assert err.startswith(f"{path}:{line}: ") and message.format(path=path) in err, err


@pytest.mark.parametrize("text, message", [
    ('[[alias]]\nconcept = "vae"\nnames = ["Kingma net"]\nfoo = 1\n', "[[alias]] has unknown key foo; allowed: "
     "concept, names"),
    ('[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\ncolour = ["red"]\n', "[[add]] has unknown key "
     "colour; allowed: kind, note, source, target"),
    ('[[remove]]\nsource = "vae"\ntarget = "autoencoder"\nnote = "x"\nwhy = {a = 1}\n', "[[remove]] has unknown "
     "key why; allowed: kind, note, source, target"),
    # a concept that is no string is said once, and not shown as Python writes it in what else is said
    ('[[alias]]\nconcept = 1979-05-27T07:32:00Z\nnames = ["Kingma net"]\n', "[[alias]] concept must be a string"),
])
def test_an_unknown_key_is_one_problem_one_line(write, cli, text, message):
    """An unknown key whose value was no string was said twice: "has unknown key foo" and "foo must be a
    string", as if the key were known and wrongly typed."""
    path = write(text, "bad.toml")
    code, _, err = cli("stats", "--curation", path)
    assert (code, err) == (2, f"{path}:1: {message}\n")


@pytest.mark.parametrize("name", ["GAN", "autoencoder", "dropout", "attention", "IT", "ML", "adversarial nets",
                                  "Kingma net", "time series", "one-hot", "big data", "state of the art"])
def test_a_specific_alias_is_accepted_however_common_its_words(cli, write, name):
    """Real names, even "attention" (Zipf 5.11), acronyms that are words in lower case ("IT": matched as written) and
    phrases of everyday words ("time series": the phrase names something specific)."""
    path = write(sheet(entry("1.1.1", "Zeta Net", "zeta"), entry("1.1.2", "Beta", "beta")))
    cur = write(f'[[alias]]\nconcept = "zeta"\nnames = ["{name}"]\n', "c.toml")
    code, out, err = cli("show", "zeta", "--source", path, "--curation", cur, "--format", "json")
    assert code == 0 and json.loads(out)["aliases"] == [name], err


def test_eval_ablation_scores_the_corpus_of_the_table(cli, tmp_path, monkeypatch):
    """With a build of another corpus in force, the ablation once mined the shipped one."""
    monkeypatch.setenv("MLKG_BUILD_DIR", str(tmp_path / "kg"))
    other = tmp_path / "sheets"
    other.mkdir()
    seed = (ROOT / "data" / "13-generative-models.md").read_text(encoding="utf-8")
    (other / "13-generative-models.md").write_text(seed[:seed.rindex("\n#### ")] + "\n", encoding="utf-8")
    assert cli("build", "--source", other, "--no-map")[0] == 0
    code, out, _ = cli("eval", GOLD, "--ablation", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["sections"]["13-generative-models"]["concepts"] == 19  # one entry fewer
    assert all(rows["13-generative-models"]["concepts"] == 19 for rows in result["ablation"].values())


@pytest.mark.parametrize("number, old, to, note", [
    ("13.1.2", "vae", "vae-2", "renamed vae (13.1.2) to vae-2"),
    ("13.1.2", "vea", "vae-2", "rename matched no entry (entry 13.1.2 is 'vae')"),  # a typo, most likely
    ("13.9.9", "vae", "vae-2", "rename matched no entry (there is no entry 13.9.9)"),
    # to the ID the entry has anyway: nothing was renamed
    ("13.1.1", "nope", "autoencoder", "rename matched no entry (entry 13.1.1 is 'autoencoder')"),
    ("15.2.2", "encoder-decoder", "vae-2", None),  # for a section not loaded: another corpus's, and says nothing
])
def test_stats_say_what_each_rename_did(cli, write, number, old, to, note):
    path = write(f'[[rename]]\nnumber = "{number}"\nid = "{old}"\nto = "{to}"\n', "c.toml")
    code, out, err = cli("stats", "--curation", path, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["mining"]["curation"] == ([f"{path}:1: {note}"] if note else [])


RENAME = '[[rename]]\nnumber = "{}"\nid = "{}"\nto = "{}"\n'


def test_a_rename_of_what_another_rename_made_says_which_id_to_match(cli, write):
    """Renames match the cheatsheet's IDs; "matched no entry (entry 13.1.2 is 'vae2')" for a rename of 'vae2'
    contradicted itself."""
    path = write(RENAME.format("13.1.2", "vae", "vae2") + RENAME.format("13.1.2", "vae2", "vae3"), "c.toml")
    code, out, err = cli("stats", "--curation", path, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["mining"]["curation"] == [
        f"{path}:1: renamed vae (13.1.2) to vae2",
        f"{path}:5: rename matched no entry: renames match the IDs in the cheatsheet, where entry 13.1.2 is 'vae' "
        f"({path}:1 renames it to 'vae2'); to name it 'vae3', give that rename to = 'vae3'"]


def test_a_rename_of_an_id_no_entry_has_says_what_the_cheatsheet_writes(cli, write):
    """A typo ('vea') beside a rename of the same entry is no chain: its fix is the ID, not the other rename."""
    path = write(RENAME.format("13.1.2", "vae", "vae2") + RENAME.format("13.1.2", "vea", "vae3"), "c.toml")
    code, out, err = cli("stats", "--curation", path, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["mining"]["curation"][1] == f"{path}:5: rename matched no entry (entry 13.1.2 is 'vae')"



@pytest.mark.parametrize("curation, line, message", [
    # to the ID of an entry further on, or of one before
    (RENAME.format("13.1.2", "vae", "gan"), 1, "[[rename]] 'vae' (13.1.2) to 'gan': that ID is already entry 13.2.1's "
     "({seed}:{gan}); choose another"),
    (RENAME.format("13.2.1", "gan", "vae"), 1, "[[rename]] 'gan' (13.2.1) to 'vae': that ID is already entry 13.1.2's "
     "({seed}:{vae}); choose another"),
    (RENAME.format("13.1.2", "vae", "x") + RENAME.format("13.2.1", "gan", "x"), 5,
     "[[rename]] 'gan' (13.2.1) to 'x': that ID is already entry 13.1.2's ({seed}:{vae}, given by the [[rename]] at "
     "{path}:1); choose another"),
    # to another's name, which an ID is too: it took that name's mentions (a same-title edge, "VAE requires
    # Autoencoder" turned related), where an alias so named is refused
    (RENAME.format("13.1.2", "vae", "gans"), 1, "[[rename]] 'vae' (13.1.2) to 'gans': that ID reads as a name of "
     "'gan', and would take its mentions; choose an ID no other entry is named by"),
    (RENAME.format("13.1.2", "vae", "generator-network"), 1, "[[rename]] 'vae' (13.1.2) to 'generator-network': that "
     "ID reads as a name of 'generator', and would take its mentions; choose an ID no other entry is named by"),
    (RENAME.format("13.1.2", "vae", "autoencoder") + RENAME.format("13.1.1", "autoencoder", "ae"), 1,
     "[[rename]] 'vae' (13.1.2) to 'autoencoder': that ID reads as a name of 'ae', and would take its mentions; "
     "choose an ID no other entry is named by"),
    # two renames that read alike: each was checked against the others' names, not against the other renames
    (RENAME.format("13.1.2", "vae", "foo-net") + RENAME.format("13.2.1", "gan", "foo-nets"), 5,
     "[[rename]] 'gan' (13.2.1) to 'foo-nets': that ID reads as a name of 'foo-net', and would take its mentions; "
     "choose an ID no other entry is named by"),
    # to a section's number: it was blamed on the cheatsheet's **ID:** line
    (RENAME.format("13.1.2", "vae", "13"), 1, "[[rename]] 'vae' (13.1.2) to '13': that ID is the number of section 13 "
     "({seed}:3): every command would take it for this entry, never the section; rename it to an ID with a letter "
     "in it"),
])
def test_a_rename_to_an_id_taken_is_the_curation_files_mistake(write, cli, curation, line, message):
    from conftest import SEED

    path = write(curation, "c.toml")
    code, _, err = cli("stats", "--source", SEED, "--curation", path)
    ids = {m: n for n, text in enumerate(SEED.read_text(encoding="utf-8").split("\n"), 1)
           for m in ("vae", "gan") if text == f"**ID:** `{m}`"}
    assert code == 2
    assert err == f"{path}:{line}: " + message.format(seed=SEED, path=path, **ids) + "\n"


@pytest.mark.parametrize("to", ["variational-autoencoder", "vae-2", "seq2seq-vae"])
def test_a_rename_to_a_name_of_its_own_entry_or_none_is_kept(write, cli, to):
    code, out, err = cli("stats", "--curation", write(RENAME.format("13.1.2", "vae", to), "c.toml"), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["mining"]["curation"][0].endswith(f"renamed vae (13.1.2) to {to}")


ADD_VAE = '[[add]]\nsource = "vae"\ntarget = "autoencoder"\nkind = "requires"\n'


@pytest.mark.parametrize("second, message", [
    ('[[add]]\nsource = "autoencoder"\ntarget = "vae"\nkind = "requires"\n', "is corrected two ways"),
    ('[[remove]]\nsource = "autoencoder"\ntarget = "vae"\n', "is both removed and added"),
    ('[[force]]\nsource = "vae"\ntarget = "autoencoder"\nkind = "related"\n', "is corrected two ways"),
])
def test_contradictory_curation_is_an_error_naming_both_places(write, cli, second, message):
    path = write(ADD_VAE + second, "c.toml")
    code, _, err = cli("stats", "--curation", path)
    assert code == 2 and f"{path}:5: " in err and message in err and f"also at {path}:1" in err


@pytest.mark.parametrize("item, said", [
    # the seed's miner finds vae requires autoencoder: an add of that pair another way would turn it round unseen
    ('[[add]]\nsource = "autoencoder"\ntarget = "vae"\nkind = "requires"\n',
     "[[add]] autoencoder requires vae contradicts the mined edge vae requires autoencoder; [[add]] is for an edge the "
     "miner missed: use [[force]] to change a mined one"),
    ('[[add]]\nsource = "autoencoder"\ntarget = "vae"\nkind = "related"\n',
     "[[add]] autoencoder related vae contradicts the mined edge vae requires autoencoder"),
    ('[[add]]\nsource = "vae"\ntarget = "autoencoder"\nkind = "related"\n',
     "[[add]] vae related autoencoder contradicts the mined edge vae requires autoencoder"),
    ('[[add]]\nsource = "vae"\ntarget = "autoencoder"\nkind = "requires"\n', None),  # the mined edge: curated
    ('[[force]]\nsource = "autoencoder"\ntarget = "vae"\nkind = "requires"\n', None),  # what turns it round
    # a mined related edge has no direction: the requires the miner missed takes its place
    ('[[add]]\nsource = "generator"\ntarget = "discriminator"\nkind = "requires"\n', None),
])
def test_an_add_that_contradicts_a_mined_edge_is_an_error_that_points_at_force(write, cli, item, said):
    import tomllib

    path = write("# ours\n" + item, "c.toml")
    code, out, err = cli("edges", "--curation", path, "--format", "json")
    if said is None:
        assert code == 0, err
        (d,) = tomllib.loads(item).values()
        pair = [(e["source"], e["kind"], e["target"], e["curated"]) for e in json.loads(out)
                if {e["source"], e["target"]} == {d[0]["source"], d[0]["target"]}]
        assert pair == [(d[0]["source"], d[0]["kind"], d[0]["target"], True)]
    else:
        assert code == 2 and err.startswith(f"{path}:2: {said}") and err.count("\n") == 1, err


REMOVE = '[[remove]]\nsource = "{}"\ntarget = "{}"\n'


# (first item, second item, what `mlkg stats` says of each, how many edges end up curated)
SAME_CORRECTION = [
    (REMOVE.format("vae", "autoencoder"), REMOVE.format("autoencoder", "vae"),  # a remove works either way
     ["removed vae requires autoencoder", "remove repeats {first}"], 0),
    (REMOVE.format("vae", "autoencoder"), REMOVE.format("vae", "autoencoder") + 'kind = "requires"\n',
     ["removed vae requires autoencoder", "remove repeats {first}"], 0),
    # the narrower remove matches nothing, the other removes the edge, in either order
    (REMOVE.format("vae", "autoencoder") + 'kind = "related"\n', REMOVE.format("autoencoder", "vae"),
     ["remove matched no mined edge", "removed vae requires autoencoder"], 0),
    (ADD_VAE, ADD_VAE.replace("[[add]]", "[[force]]"), ["add vae requires autoencoder", "force repeats {first}"], 1),
    (ADD_VAE, ADD_VAE, ["add vae requires autoencoder", "add repeats {first}"], 1),
    # related has no direction
    ('[[add]]\nsource = "vae"\ntarget = "gan"\nkind = "related"\n',
     '[[add]]\nsource = "gan"\ntarget = "vae"\nkind = "related"\n', ["add vae related gan", "add repeats {first}"], 1),
]


def _curation_files(write, first: str, second: str, files: int) -> tuple[list, list[str]]:
    """Two corrections in one curation file or in two: the CLI arguments, and where each correction starts."""
    if files == 1:
        path = write(first + second, "c.toml")
        return ["--curation", path], [f"{path}:1", f"{path}:{first.count(chr(10)) + 1}"]
    a, b = write(first, "a.toml"), write(second, "b.toml")
    return ["--curation", a, "--curation", b], [f"{a}:1", f"{b}:1"]


@pytest.mark.parametrize("first, second, notes, curated", SAME_CORRECTION)
@pytest.mark.parametrize("files", [1, 2])  # in one file, or a shared file and a personal one
def test_one_correction_made_twice_is_no_contradiction(write, cli, first, second, notes, curated, files):
    args, at = _curation_files(write, first, second, files)
    code, out, err = cli("stats", *args, "--format", "json")
    assert code == 0, err
    stats = json.loads(out)
    said = dict(zip(at, [note.format(first=at[0], second=at[1]) for note in notes], strict=True))
    assert sorted(stats["mining"]["curation"]) == sorted(f"{where}: {note}" for where, note in said.items())
    assert stats["edges"]["curated"] == curated


@pytest.mark.parametrize("item, note", [
    ('[[force]]\nsource = "gan"\ntarget = "vae"\nkind = "requires"\n', "force gan requires vae (no mined edge: added)"),
    ('[[force]]\nsource = "vae"\ntarget = "autoencoder"\nkind = "related"\n', "force vae related autoencoder"),
])
def test_a_force_says_when_the_miner_never_linked_its_pair(write, cli, item, note):
    """As a remove that matched nothing says so: a force meant to turn an edge round may name a pair never found."""
    path = write(item, "c.toml")
    code, out, err = cli("stats", "--curation", path, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["mining"]["curation"] == [f"{path}:1: {note}"]


@pytest.mark.parametrize("names, note", [
    ('["latent space"]', "alias 'latent space' of vae: names it in 2 other entries"),  # autoencoder, stable diffusion
    ('["Latent Spaces", "zorbnet"]', "alias 'Latent Spaces', 'zorbnet' of vae: names it in 2 other entries"),
    ('["zorbnet"]', "alias 'zorbnet' of vae: written in no other entry (the names are matched as words, in any case "
                    "and plural)"),
    ('["Human Feedback"]', "alias 'Human Feedback' of vae: names it in 1 other entry"),  # RLHF's title: it was "no"
])
def test_an_alias_says_how_many_entries_it_names_its_concept_in(write, cli, names, note):
    """A reviewer found aliases missing from the curation's account: one misspelled did nothing, silently."""
    path = write(f'[[alias]]\nconcept = "vae"\nnames = {names}\n', "c.toml")
    code, out, err = cli("stats", "--curation", path, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["mining"]["curation"] == [f"{path}:1: {note}"]


@pytest.mark.parametrize("first, second, message", [
    (REMOVE.format("vae", "autoencoder") + 'kind = "related"\n',
     REMOVE.format("autoencoder", "vae") + 'kind = "requires"\n', "is corrected two ways"),
    (ADD_VAE, ADD_VAE.replace("requires", "related"), "is corrected two ways"),
    (ADD_VAE.replace("requires", "related"), ADD_VAE.replace("requires", "related").replace("[[add]]", "[[remove]]"),
     "is both removed and added"),
])
def test_two_corrections_of_one_edge_across_files_are_an_error_naming_both(write, cli, first, second, message):
    a, b = write(first, "a.toml"), write(second, "b.toml")
    code, _, err = cli("stats", "--curation", a, "--curation", b)
    assert code == 2 and err.startswith(f"{b}:1: ") and message in err and f"also at {a}:1" in err, err


TURN_VAE_ROUND = '[[{}]]\nsource = "autoencoder"\ntarget = "vae"\nkind = "requires"\n'


@pytest.mark.parametrize("first, second", [("add", "force"), ("force", "add")])
@pytest.mark.parametrize("files", [1, 2])  # in one file, or a shared file and a personal one
def test_an_add_of_a_pair_also_forced_is_the_forces_whatever_the_order(write, cli, first, second, files):
    """The mined edge is vae requires autoencoder; a force turns it round and an add says the same.  The force
    decides, so the add is not held against the mined edge, whichever item or file comes first (`serve --edit`
    puts its own file first and wrote exactly this, which every later load then refused)."""
    args, at = _curation_files(write, TURN_VAE_ROUND.format(first), TURN_VAE_ROUND.format(second), files)
    code, out, err = cli("edges", *args, "--format", "json")
    assert code == 0, err
    pair = [(e["source"], e["kind"], e["target"], e["curated"]) for e in json.loads(out)
            if {e["source"], e["target"]} == {"autoencoder", "vae"}]
    assert pair == [("autoencoder", "requires", "vae", True)]
    code, out, err = cli("stats", *args, "--format", "json")
    assert code == 0, err
    assert sorted(json.loads(out)["mining"]["curation"]) == [
        f"{at[0]}: {first} autoencoder requires vae", f"{at[1]}: {second} repeats {at[0]}"]


def test_two_renames_of_one_entry_are_an_error(write, cli):
    rename = '[[rename]]\nnumber = "13.1.2"\nid = "vae"\nto = "{}"\n'
    path = write(rename.format("vae-a") + rename.format("vae-b"), "c.toml")
    code, _, err = cli("stats", "--curation", path)
    assert code == 2 and "renamed twice" in err


def test_a_toml_error_at_the_end_of_the_file_names_the_last_line(write, cli):
    path = write(ADD_VAE + '[[add]]\nsource = "vae"\ntarget = "gan', "c.toml")
    code, _, err = cli("stats", "--curation", path)
    assert code == 2 and err.startswith(f"{path}:7: invalid TOML")


def test_shipped_curation_carries_no_seed_fixes():
    """The shipped file may only resolve input problems (renames), never tune the seed's edges."""
    from mlkg.read.curation import load_curation
    from mlkg.read.sources import default_curation

    cur = load_curation(default_curation())
    assert {i.section for i in cur.items} <= {"rename"}


def test_edges_mark_curated_edges(write, cli):
    import json

    path = write(CURATION, "curation.toml")
    _, out, _ = cli("edges", "--curation", path, "--format", "json")
    curated = [e for e in json.loads(out) if e["curated"]]
    assert {(e["source"], e["target"]) for e in curated} == {
        ("stable-diffusion", "ddpm"), ("generator", "discriminator")}


def test_eval_command_prints_a_row_per_section_and_the_rules_ablation(cli):
    code, out, _ = cli("eval", GOLD, "--ablation")
    assert code == 0, out
    lines = out.split("\n")
    assert lines[0].split()[:4] == ["section", "split", "links", "P"]
    assert lines[1].startswith("13-generative-models ")
    assert any(line.startswith("cue-contrast ") for line in lines)
    assert any(line.startswith("in-definition ") for line in lines)


@pytest.mark.parametrize("name, text, code, said", [
    # a near-miss ID is most likely a typo: said, with the ID it nearly is
    ("13-generative-models.gold", "vae requires autoencodr\ngan requires generator\n", 0,
     ":1: 'autoencodr' is no loaded concept; did you mean 'autoencoder'?"),
    ("13-generative-models.gold", "plan vae includes autoencodr\ngan requires generator\n", 0,
     "did you mean 'autoencoder'?"),
    # an ID of a section not loaded is expected, and says nothing
    ("13-generative-models.gold", "vae related random-forest\ngan requires generator\n", 0, ""),
    # a file named after no loaded cheatsheet scores nothing: with nothing else to score, a usage error
    ("vae.gold", "vae requires autoencoder\n", 2, "vae.gold:1: named after no loaded cheatsheet"),
    # so does one with no label of loaded concepts: it scored recall 1.00, every mined link counted wrong
    ("13-generative-models.gold", "", 2, "13-generative-models.gold:1: holds no label or plan check: nothing to "
                                         "score\n"),
    ("13-generative-models.gold", "# nothing yet\n", 2, "13-generative-models.gold:1: holds no label"),
    ("13-generative-models.gold", "vaex requires autoencoder\n", 2, "13-generative-models.gold:1: no label names "
     "a pair of loaded concepts of 13-generative-models, and no plan check one: nothing to score (do its IDs name "
     "that cheatsheet's concepts?)\n"),
])
def test_eval_says_what_of_the_gold_scores_nothing(cli, write, name, text, code, said):
    path = write(text, name)
    got, _, err = cli("eval", path)
    assert got == code
    assert (said in err and err.startswith(f"mlkg: {path}:" if code == 0 else f"{path}:")) if said else err == ""


def test_eval_from_another_folder_asks_for_the_gold(cli, tmp_path, monkeypatch):
    """Run away from the project, the default tests/gold was reported as "tests/gold:1: no such gold file"."""
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("eval")
    assert code == 2 and err == ("mlkg: no gold given, and no tests/gold here: name gold files or folders, e.g. "
                                 "`mlkg eval path/to/mlkg/tests/gold`\n")


@pytest.mark.parametrize("text, undefined", [
    # nothing labelled requires: recall undefined, and what was mined all wrong by this file (F1 0, as precision)
    ("gan related vae\n", {"requires recall"}),
    ("plan stable-diffusion includes vae\n", {"links recall", "requires recall"}),
    ("gan requires generator\n", set()),
])
def test_eval_shows_a_score_with_nothing_to_score_it_on_as_a_dash(cli, write, text, undefined):
    """Recall with nothing labelled was 1.00, which reads as a perfect score: it is undefined ("–", null)."""
    path = write(text, "13-generative-models.gold")
    code, out, err = cli("eval", path, "--format", "json")
    assert code == 0, err
    row = json.loads(out)["sections"]["13-generative-models"]
    assert {f"{kind} {m}" for kind in ("links", "requires") for m in ("precision", "recall", "f1")
            if row[kind][m] is None} == undefined
    code, out, _ = cli("eval", path)
    cells = out.split("\n")[1].split()[2:8]  # links P R F1, requires P R F1
    names = [f"{kind} {m}" for kind in ("links", "requires") for m in ("precision", "recall", "f1")]
    assert {n for n, c in zip(names, cells, strict=True) if c == "–"} == undefined


def test_eval_of_two_gold_files_that_score_nothing_says_why_of_each(cli, tmp_path):
    """Two files named after the loaded cheatsheet, neither with a usable label, were said to be "named after no
    loaded cheatsheet"."""
    for name in ("13-generative-models.gold", "13-generative-models-cross.gold"):
        (tmp_path / name).write_text("vaex requires autoencoder\n", encoding="utf-8")
    code, _, err = cli("eval", tmp_path)
    assert code == 2 and "named after no loaded" not in err
    assert err.count("no label names a pair of loaded concepts") == 2


@pytest.mark.parametrize("gold, said", [
    # a folder for another corpus: one line, not one per file, with advice naming a loaded cheatsheet
    (["tests/gold"], r"^mlkg: none of the \d+ gold files is named after a loaded cheatsheet \(name it after one, as "
                     r"one\.gold or one-cross\.gold\): nothing to score\n\Z"),
    (["tests/gold/09-ensemble-methods.gold"], r"^tests/gold/09-ensemble-methods\.gold:1: named after no loaded "
                                              r"cheatsheet \(name it after one, as one\.gold or one-cross\.gold\)"),
])
def test_eval_of_gold_for_another_corpus_says_so_once_and_names_a_loaded_sheet(cli, write, monkeypatch, gold, said):
    """It printed a line per gold file (25), each advising a name after the seed, not the sheet loaded."""
    monkeypatch.chdir(ROOT)
    one = write(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method", full="Extends Alpha Nets.")),
                "one.md")
    code, _, err = cli("eval", *gold, "--source", one, "--no-curation")
    assert code == 2 and re.search(said, err), err


def test_eval_checks_no_ids_in_gold_it_does_not_score(cli, write):
    """A section not loaded may name concepts that nearly match loaded ones: no typo of ours to report."""
    path = write("vae requires autoencodr\n", "35-other-section.gold")
    code, _, err = cli("eval", GOLD, path)
    assert code == 0 and "named after no loaded cheatsheet" in err and "did you mean" not in err


def _requires(edges: list[tuple[int, int, float]], curated: frozenset = frozenset()) -> list[Relation]:
    return [Relation(f"c{u}", f"c{v}", "requires", w, "defined-earlier",
                     (Evidence(f"c{u}", f"c{v}", "full", "s", "f.md", 1, "x", "defined-earlier", "requires", w),),
                     curated=(u, v) in curated)
            for u, v, w in edges if u != v]


_EDGES = st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15), st.sampled_from([0.3, 0.5, 0.6, 0.7, 0.9])),
                  max_size=60, unique_by=lambda e: (e[0], e[1]))


@given(_EDGES)
@settings(max_examples=300, deadline=None)
def test_breaking_cycles_leaves_requires_acyclic_and_touches_only_edges_on_cycles(edges):
    relations = _requires(edges)
    rank = {f"c{i}": i for i in range(16)}
    out, downgraded = rules.break_cycles(relations, rank)
    kept = nx.DiGraph([(r.source, r.target) for r in out if r.kind == "requires"])
    assert nx.is_directed_acyclic_graph(kept)
    before = nx.DiGraph([(r.source, r.target) for r in relations])
    component = {n: i for i, c in enumerate(nx.strongly_connected_components(before)) for n in c}
    for r, new in zip(relations, out, strict=True):
        if component[r.source] != component[r.target]:  # on no cycle: never touched
            assert new == r
        if new.kind == "related":
            assert new.rule == rules.DOWNGRADED
            # each downgraded edge was needed: with it, what is kept has a cycle again
            assert nx.has_path(kept, r.target, r.source) if kept.has_node(r.target) and kept.has_node(r.source) \
                else False
    assert len(downgraded) == sum(r.kind == "related" for r in out)
    assert rules.break_cycles(relations, rank) == (out, downgraded)  # the same input, the same graph


@pytest.mark.parametrize("edges", [
    # keeping (5, 4) and (8, 0) reorders what is kept; a search in a stale order would miss 2 -> 4 -> 7 -> 2
    [(2, 4, 0.7), (4, 7, 0.9), (4, 6, 0.7), (6, 5, 0.3), (4, 8, 0.9), (7, 2, 0.5), (3, 4, 0.9), (0, 6, 0.5),
     (5, 4, 0.6), (8, 0, 0.5), (6, 3, 0.6), (4, 3, 0.3), (0, 2, 0.9)],
    # an edge kept after all points backwards in the first order; unless the order moves, a later search misses it
    [(6, 2, 0.6), (7, 0, 0.5), (1, 3, 0.3), (6, 5, 0.7), (3, 0, 0.5), (5, 7, 0.6), (2, 5, 0.9), (7, 1, 0.5),
     (3, 5, 0.7), (1, 0, 0.9), (0, 1, 0.7), (5, 6, 0.9)],
])
def test_edges_kept_after_all_keep_the_order_searches_rely_on(edges):
    out, downgraded = rules.break_cycles(_requires(edges), {f"c{i}": i for i in range(10)})
    kept = nx.DiGraph([(r.source, r.target) for r in out if r.kind == "requires"])
    assert nx.is_directed_acyclic_graph(kept)
    assert all(nx.has_path(kept, t, s) for s, t, _ in downgraded)  # each one had to go


def test_the_weakest_edge_of_a_cycle_is_the_one_downgraded():
    relations = _requires([(0, 1, 0.9), (1, 2, 0.7), (2, 0, 0.5), (2, 3, 0.6)])
    out, downgraded = rules.break_cycles(relations, {f"c{i}": i for i in range(4)})
    assert [(r.source, r.target) for r in out if r.kind == "related"] == [("c2", "c0")]
    assert downgraded == [("c2", "c0", "closed the cycle c2 -> c0 -> c1 -> c2")]


@pytest.mark.parametrize("ring, chord, reason", [
    (3, None, "closed the cycle c2 -> c0 -> c1 -> c2"),
    (40, (0, 33), "closed the cycle c39 -> c0 -> c33 -> c34 -> c35 -> c36 -> c37 -> c38 -> c39"),
    (40, None, "closed the cycle c39 -> c0 -> c1 -> c2 -> c3 -> c4 -> (29 more) -> c34 -> c35 -> c36 -> c37 -> c38 -> "
               "c39"),
])
def test_a_downgraded_edge_names_the_shortest_cycle_it_closed_in_a_line_a_reader_can_take_in(ring, chord, reason):
    """A chord gives a short way round, and the report takes it; a long cycle is shown by its ends."""
    edges = [(i, (i + 1) % ring, 0.9) for i in range(ring - 1)] + [(ring - 1, 0, 0.5)]
    if chord:
        edges.append((*chord, 0.9))
    _, downgraded = rules.break_cycles(_requires(edges), {f"c{i}": i for i in range(ring)})
    assert downgraded == [(f"c{ring - 1}", "c0", reason)]


def test_a_cycle_of_curated_edges_is_the_curators_to_fix():
    relations = _requires([(0, 1, 1.0), (1, 0, 1.0)], curated=frozenset({(0, 1), (1, 0)}))
    with pytest.raises(CurationError, match="curated requires edges form a cycle"):
        rules.break_cycles(relations, {"c0": 0, "c1": 1})


NAMED = [  # the titles, IDs and definitions the names below come from
    ("Bayes Theorem", "bayes-theorem"),
    ("ReLU", "relu"),
    ("Bias-Variance Tradeoff", "bias-variance-tradeoff"),
    ("Boosting", "boosting"),
    ("Gradient Boosting", "gradient-boosting"),
    ("Base Learner", "base-learner", "A base learner (weak learner) is one model."),
    ("Voting", "voting", "Voting (classification) takes the majority."),
    ("Convolution", "convolution"),
    ("Sigmoid Function", "sigmoid-function"),
    ("Softmax Function", "softmax-function"),
    ("Sequential Recommendation", "sequential-recommendation"),
    ("Hybrid Recommendation", "hybrid-recommendation"),
    ("Lanczos Iteration", "lanczos-iteration"),
    ("Block Lanczos Iteration", "block-lanczos-iteration"),
    ("Normal (Gaussian) Distribution", "normal-distribution"),
    ("Bernoulli Distribution", "bernoulli-distribution"),
    ("He Init", "he-init", "He init, also called Kaiming init, scales weights."),
    ("Gate Unit", "gate-unit", "It squashes with a gate, also called a zorbic net, here."),
    ("Bootstrap Sampling", "bootstrap-sampling"),
    ("Language Model", "language-model"),
    ("Diffusion Model", "diffusion-model"),
    ("Weighted Averaging", "weighted-averaging"),
    ("ReLU (Rectified Linear Unit)", "relu-unit"),
    ("Information Gain (Entropy)", "info-gain"),
    ("Residual Network (ResNet)", "resnet"),
    ("Stride and Padding", "stride-padding"),
    ("Local and Global Minima", "local-minimum"),
    ("GDPR and ML", "gdpr-ml"),
    ("A/B Testing", "ab-testing"),
    ("Randomized Smoothing", "randomized-smoothing"),
    ("Label Smoothing", "label-smoothing"),
    ("Calibration", "calibration"),
    ("Temporal Difference Learning (TD Learning)", "td-learning"),
    ("Distribution Drift (Zorpus Drift)", "distribution-drift"),
    ("Label Drift", "label-drift"),
    ("**Weight Drift (Zorpex Drift)**", "weight-drift"),
    ("Zorbian Network", "zorbian-network"),
    ("Nabla (∇)", "nabla"),  # a bracketed name with no word in it names nothing, and breaks nothing
    ("Sum (...)", "sum-of-things"),
    ("Hessian Matrix", "hessian-matrix", "The Hessian is square. Each Hessian matrix is symmetric."),
    ("Sparse Matrix", "sparse-matrix"),
    ("Neural Network", "neural-network"),
    ("Zorb Learning", "zorb-learning"),
    ("Entropy Penalty", "entropy-penalty"),
    ("Weight Penalty", "weight-penalty"),
    ("Implicit Penalty", "implicit-penalty"),
    ("Shannon Entropy", "shannon-entropy"),
    ("Joint Entropy", "joint-entropy"),
    ("Regularization", "regularization"),
    ("Zorbagation", "zorbagation"),
    ("Estimation", "estimation"),
    ("Zorp and Quib Mechanisms", "zorp-quib-mechanism", "Each zorp mechanism adds noise, and so does a quib one."),
    ("Spread and Standard Zorbation", "spread"),
    ("Zorbic Learning", "zorbic-learning"),
    ("Offline Zorbic Learning (Offline ZL)", "offline-zl"),
    ("Quibble Sampling", "quibble-sampling"),
    ("Quibble Sampling Nets (QS Net)", "qs-net"),
    ("Quixization", "quixization"),
    ("Batch Quixization (Batch Quix)", "batch-quixization"),
    ("Quark Boosting", "quark-boosting"),
    ("Over-Heating", "over-heating"),
    ("Zorbic Classification", "zorbic-classification"),
    ("Quark Detection", "quark-detection"),
    ("Zero-Shot Learning", "zero-shot-learning", "Zero-shot transfer is common; models work zero-shot."),
    ("Long-Term Forecasting", "long-term-forecasting", "It needs long-term memory of long-term trends."),
    ("Test-Time Adaptation", "test-time-adaptation", "It adapts at test time, on test-time batches."),
    ("Text-to-Speech", "text-to-speech"),
    ("Tree-Based Regression", "tree-regression"),
]


@pytest.mark.parametrize("text, found", [
    ("It applies Bayes' theorem to features.", ["bayes-theorem"]),       # a possessive
    ("A relu follows each layer.", ["relu"]),                            # an acronym in lower case, no English word
    ("The bias-variance view explains it.", ["bias-variance-tradeoff"]),  # a title without its last word
    ("Gradient descent finds it.", []),                                  # "Gradient" alone is no name of a boosting
    ("Each weak learner votes.", ["base-learner"]),                      # another name the definition opens with
    ("It splits the classification data.", []),                          # an everyday word in brackets is none
    ("It stacks convolutional layers.", ["convolution"]),                # the adjective English makes of a name
    ("Gates apply a sigmoid squash.", ["sigmoid-function"]),              # a title without its generic head
    ("It reads sequential data.", []),                                   # an adjective alone names nothing
    ("A randomized trial.", []),                                         # ... nor a participle
    ("Each implicit centroid moves.", []),    # ... nor one English makes an adverb of ("implicitly")
    ("Add an implicit penalty.", ["implicit-penalty"]),
    ("Apply randomized smoothing.", ["randomized-smoothing"]),
    ("A well calibrated, regularized model.", ["calibration", "regularization"]),  # the participle of a name's verb
    ("Its TD error is small.", ["td-learning"]),  # the other name in brackets less its generic head: an acronym
    ("A td file.", []),                           # ... matched as written
    ("Each zorpus is split.", []),                # ... not a word: the author never wrote it alone for the name
    ("Zorpus drift hits it.", ["distribution-drift"]),
    ("Each zorpex is split.", []),                # ... however the title is marked up
    ("In the Zorbian reading.", []),              # an adjective made of a name is no name alone ...
    ("A Zorbian network.", ["zorbian-network"]),
    ("Its Hessian is full.", ["hessian-matrix"]),  # ... unless the corpus uses it as a noun ("The Hessian is")
    ("The entropy of p.", []),        # a title less its generic head, not where other titles share it as theirs
    ("Add an entropy penalty.", ["entropy-penalty"]),
    ("The estimated value.", []),                                     # ... not where it is an everyday word
    ("It keeps the lanczos vectors.", []),      # "Iteration" ends two titles, but one is the other extended
    ("Noise is Gaussian noise here.", ["normal-distribution"]),          # the other name in a title's brackets
    ("It fits a Gaussian distribution.", ["normal-distribution"]),
    ("The Kaiming init scales weights.", ["he-init"]),                   # "also called …" in its explanation
    ("A zorbic net gates it.", []),                        # "also called …" of something its text talks about
    ("Draw bootstrap samples.", ["bootstrap-sampling"]),                # the last word's other verb form
    ("Trained by language modeling.", ["language-model"]),              # ... the "-ing" of a shared head
    ("Take a weighted average.", []),                                   # ... not where the phrase is everyday
    ("Run an A/B test first.", ["ab-testing"]),       # ... which letters standing for things never make it
    ("Uses rectified linear maps.", []),           # a longer name in brackets is not shortened like a title
    ("Its entropy is high.", []),                  # one word in brackets, sharing none, is another idea
    ("A ResNet block.", ["resnet"]),               # ... not a short form
    ("Splits by information gain.", ["info-gain"]),
    ("Pick a stride and padding.", ["stride-padding"]),     # a title that joins two names, whole
    ("Pick a stride and a padding.", []),                   # ... and no "Stride and" made of it
    ("GDPR fines; ML models.", []),                         # ... nor its conjuncts alone (see _joins_two)
    ("A quib mechanism adds noise.", ["zorp-quib-mechanism"]),  # each of two names a title joins under one head
    ("Zorp mechanisms add noise.", ["zorp-quib-mechanism"]),
    ("A quib here.", []),                                   # ... not the first word alone
    ("A standard zorbation of one.", []),  # ... not where the first is no modifier: nobody wrote "spread zorbation"
    ("The global minima are flat.", []),   # ... nor where nobody wrote the first with the head ("local minima")
    ("Most ZL agents explore.", ["zorbic-learning"]),  # an acronym another title spells out in its other name
    ("A QS step.", ["quibble-sampling"]),              # ... before or after the words the two names share
    ("Offline ZL agents.", ["offline-zl"]),
    ("The quix of the weights.", []),       # ... an acronym, not a word cut short ("Batch Norm" is no "norm")
    ("Calibrate it twice.", ["calibration"]),          # the verb of an "-ation" name, where it is no everyday word
    ("Estimate it twice.", []),
    ("Calibrating it twice.", ["calibration"]),        # ... and its "-ing" form
    ("Gradients are zorbagated back.", ["zorbagation"]),  # ... even one wordfreq does not know
    ("A quark-boosted model.", ["quark-boosting"]),   # the participle of an "-ing" title's last word
    ("The engine overheated.", []),                   # ... after a word of its own, not a prefix
    ("Two zorbic classifiers.", ["zorbic-classification"]),  # the noun of what does the action a title names
    ("A quark detector.", ["quark-detection"]),
    ("A zero-shot model.", ["zero-shot-learning"]),  # a compound of everyday words the corpus only writes hyphenated
    ("A test-time trick.", []),                      # ... not one it also writes as two words ("at test time")
    ("A text-to image model.", []),                  # ... nor one made of a function word
    ("Tree-based models.", []),                      # ... nor one ending in an adjective
    ("A long-term plan.", []),                       # ... nor one the corpus writes only before other words
])
def test_names_the_text_uses_beyond_the_titles(text, found):
    corpus = parse_text(sheet(*(entry(f"1.1.{i}", *row[:2], **({"full": row[2]} if len(row) > 2 else {}))
                                for i, row in enumerate(NAMED, 1))))
    from mlkg.read import Corpus

    lexicon = build_lexicon(Corpus([corpus]))
    assert [m.names[0].concept for m in lexicon.find(text)] == found


def test_a_name_several_titles_shorten_to_makes_no_title_a_kind_of_either(write):
    """"Support Vector" shortens both Machine and Regression: "Support Vector Data Description" is a kind of
    neither, though its text may still mention either."""
    users = [entry(f"1.3.{i}", f"User {name}", f"user-{i}", full="It trains a support vector machine.")
             for i, name in enumerate(("Alpha", "Beta", "Gamma"), 1)]  # the machine is the sense more entries name
    kg = mlkg.load(write(sheet(entry("1.1.1", "Support Vector Machine", "svm"),
                               entry("1.1.2", "Support Vector Regression", "svr"),
                               entry("1.2.1", "Support Vector Data Description", "svdd"), *users,
                               subsections={"1.1": "Margins", "1.2": "Spheres", "1.3": "Users"})), curation=[])
    assert not [e for e in kg.edges(("requires",)) if e["source"] == "svdd"]


def test_a_participle_in_another_title_makes_it_no_kind_of_the_concept(write):
    """"a calibrated model" names Calibration, but "Simulated Annealing" is no simulation: a participle is a name
    in running text, not a part of another title."""
    kg = mlkg.load(write(sheet(entry("1.1.1", "Simulation"), entry("1.1.2", "Simulated Annealing", "annealing"),
                               entry("1.1.3", "Alpha Net", "alpha", full="Its weights are simulated first."))),
                   curation=[])
    assert not kg.graph.has_edge("annealing", "simulation", "requires")
    assert kg.graph.has_edge("alpha", "simulation")


def test_the_corpus_is_searched_in_blocks_without_losing_or_moving_a_mention(monkeypatch):
    """Blocks end between fields, so a block of a few hundred characters finds what one search of all finds."""
    from mlkg.mine import mentions

    corpus = read([ROOT / "data" / "13-generative-models.md"], [])
    lexicon = build_lexicon(corpus)
    whole = list(mentions.text_mentions(mentions.CorpusText(corpus), lexicon))
    monkeypatch.setattr(mentions, "BLOCK", 300)
    assert list(mentions.text_mentions(mentions.CorpusText(corpus), lexicon)) == whole
    assert len(whole) > 50


def test_the_explanations_are_searched_for_proper_names_in_blocks_without_losing_one(monkeypatch):
    """The automaton copies what it searches at four bytes a character: the whole corpus at once was the peak of
    a 100k build. Blocks of whole explanations, however small, find what one search of all finds."""
    corpus = read([ROOT / "data" / "13-generative-models.md"], [])
    prose = CorpusText(corpus).prose
    words = {"Generator", "GAN", "VAE", "U-Net", "Critic", "Wasserstein", "Gaussian", "CLIP", "Stable"}
    whole = rules.proper_names(words, prose)
    monkeypatch.setattr(rules, "PROSE_BLOCK", 200)
    assert rules.proper_names(words, prose) == whole == words - {"Generator", "Stable"}


def test_a_name_never_runs_on_from_one_field_into_the_next():
    """Fields are joined by a blank line to be searched at once; "… Bayes" and "Theorem …" are two fields."""
    from mlkg.mine import mentions
    from mlkg.read import Corpus

    corpus = Corpus([parse_text(sheet(
        entry("1.1.1", "Bayes' Theorem", "bayes-theorem"),
        entry("1.1.2", "Alpha Net", "alpha", full="It applies the rule of Bayes", simple="Theorem of counts."),
        entry("1.1.3", "Beta Net", "beta", full="It applies Bayes' theorem.")))])
    found = [(m.entry.id, m.names[0].concept) for m in mentions.text_mentions(mentions.CorpusText(corpus),
                                                                             build_lexicon(corpus))]
    assert found == [("beta", "bayes-theorem")]


@pytest.mark.parametrize("text, expected", [
    ("It uses e.g. Ridge models.", ["It uses e.g. Ridge models."]),
    ("A code built for q. It equals p.", ["A code built for q.", "It equals p."]),  # a variable ends it
    ("Drawn from the law of X. The estimate is fair.", ["Drawn from the law of X.", "The estimate is fair."]),
    ("Written by Andrew Y. Ng in 2011.", ["Written by Andrew Y. Ng in 2011."]),  # an initial
    ("Proposed by J. A. Hartigan.", ["Proposed by J. A. Hartigan."]),
    ("See p. 42 for more.", ["See p. 42 for more."]),
    ("Fit it. Then predict.\nNext line", ["Fit it.", "Then predict.", "Next line"]),
])
def test_sentences_end_at_a_full_stop_before_a_capital_not_after_an_abbreviation_or_initial(text, expected):
    from mlkg.mine.text import sentences

    assert [chunk.strip() for _, _, chunk in sentences(text)] == expected


@given(st.lists(st.sampled_from(["Alpha", "beta", "e.g.", "U.S.", "x.", "end.", "Why?", "(A)", "1.5", "\n", "  "]),
                max_size=40))
@settings(max_examples=300, deadline=None)
def test_the_sentence_around_each_word_is_the_one_the_splitter_cuts(words):
    """Units finds each line's breaks once; asked word after word, it must agree with cutting the whole text."""
    from mlkg.mine.text import Units, sentences

    text = " ".join(words)
    units = Units(text)
    cut = [(start, start + len(chunk)) for start, _, chunk in sentences(text)]
    for word in re.finditer(r"\w+", text):
        pos = word.start()
        if pos and (text[pos - 1] == "." or text[pos - 1].isalnum()):
            continue  # inside a number or an abbreviation: not where a name starts
        whole = next(text[a:b] for a, b in cut if a <= pos < b)
        lo, hi = units.at(pos, False)
        assert text[lo:hi].strip() == whole.strip() and (lo == 0 or not text[lo].isspace())


def test_a_sentence_as_long_as_a_paragraph_is_quoted_around_each_mention():
    """Every edge carries its sentence: copied whole, one 700 KB sentence made 135 MB of output."""
    from mlkg.mine import mentions
    from mlkg.read import Corpus

    names = [f"Zorb{c}" for c in "bcdfghjk"]
    long = "When it runs it differs from " + " then from ".join(f"{n} in step {i}" for i, n in
                                                                  enumerate(names * 40)) + "."
    corpus = Corpus([parse_text(sheet(
        entry("1.1.1", "Alpha Net", "alpha", full=long),
        *(entry(f"1.1.{i}", n, n.lower()) for i, n in enumerate(names, 2))))])
    found = list(mentions.text_mentions(mentions.CorpusText(corpus), build_lexicon(corpus)))
    assert len(long) > 4 * mentions.QUOTE and len(found) == 320
    for m in found:
        assert len(m.sentence) <= mentions.QUOTE + len(m.surface) + 2 and m.surface in m.sentence
        assert m.sentence.startswith("…") or m.sentence.startswith("When")
    # the opening clause runs to the sentence's end: every name in it sets the scene
    assert not any(m.first for m in found)


def _shared_name_corpus(fillers: int):
    """"Shared Thing" is the title of entries in 1.1, 1.2, 2.1 and ``fillers`` more in 3.1; others mention it."""
    from mlkg.read import Corpus

    dupes = {"1.1.2": "t-a", "1.1.5": "t-b", "1.2.3": "t-c", "2.1.4": "t-d",
             **{f"3.1.{i}": f"t-f{i}" for i in range(1, fillers + 1)}}
    others = {n: f"x-{n.replace('.', '-')}" for n in
              ("1.1.1", "1.1.3", "1.1.4", "1.2.1", "1.2.2", "1.3.1", "2.1.1", "2.2.1", "4.1.1")}
    sections: dict[str, list[str]] = {}
    for number, cid in sorted({**dupes, **others}.items(), key=lambda kv: [int(x) for x in kv[0].split(".")]):
        title = "Shared Thing" if number in dupes else f"Other {cid}"
        sections.setdefault(number.split(".")[0], []).append(entry(number, title, cid))
    text = "".join(sheet(*es, section=s, subsections={f"{s}.{k}": f"Sub {s}.{k}" for k in range(1, 4)})
                   for s, es in sections.items())
    return Corpus([parse_text(text)])


@pytest.mark.parametrize("fillers", [0, 12], ids=["few names", "more names than _MANY"])
@pytest.mark.parametrize("mentioned_in, own, meant", [
    ("1.1.3", True, "t-a"),    # the same subsection, nearest in the corpus order
    ("1.1.4", True, "t-b"),
    ("1.2.1", True, "t-c"),    # the same subsection before the same section
    ("1.3.1", True, "t-c"),    # the same section: 1.2.3 is nearer than 1.1.5
    ("2.2.1", True, "t-d"),
    ("4.1.1", True, "LAST"),   # nowhere near: the nearest in the corpus
    ("1.1.2", True, "t-a"),    # its own name, in its own text
    ("1.1.2", False, "t-b"),   # its own name, in its title: the nearest other
    ("1.2.3", False, "t-b"),
])
def test_a_name_shared_by_many_entries_means_the_nearest(fillers, mentioned_in, own, meant):
    """The same answer whether the name is shared by three entries or by a thousand, which are looked up by
    bisection rather than one by one for every mention."""
    from mlkg.mine.lexicon import subsection_heads

    corpus = _shared_name_corpus(fillers)
    heads = subsection_heads(corpus)
    pos = rules.Positions(corpus, heads)
    (match,) = build_lexicon(corpus, heads=heads).find("a Shared Thing")
    at = next(e for e in corpus.entries if e.number == mentioned_in)
    expected = {"LAST": f"t-f{fillers}" if fillers else "t-d"}.get(meant, meant)
    assert rules.choose_concept(match.names, at, pos, own=own) == expected
    assert (len(match.names) > rules._MANY) == (fillers > 0)


@pytest.mark.parametrize("own, meant", [(True, "t-a"), (False, "t-b")])
def test_a_title_that_alone_holds_the_best_name_means_the_nearest_other_namesake(own, meant):
    """Its own title is the only title among fifteen names (the rest are IDs): searched for other concepts,
    the title means the nearest of the others, as it did when the names came filtered."""
    from mlkg.mine.lexicon import Name

    corpus = _shared_name_corpus(12)
    pos = rules.Positions(corpus)
    others = [c for c in pos.entries if c.startswith("t-") and c != "t-a"]
    names = (Name("Shared Thing", "t-a", "title", (False, False)),
             *(Name("shared thing", c, "id", (False, False)) for c in others))
    assert len(names) > rules._MANY
    assert rules.choose_concept(names, pos.entries["t-a"], pos, own=own) == meant


# --- word frequencies ------------------------------------------------------------------------


def test_the_frequency_table_is_wordfreqs_own():
    """Read from wordfreq's data file without importing wordfreq (0.15 s): it must be the very same table."""
    import wordfreq

    from mlkg.mine import text

    assert text._frequencies() == wordfreq.get_frequency_dict("en")


@pytest.mark.parametrize("words", ["the", "attention", "stacking", "weighted average", "one class", "t-sne",
                                   "feed-forward", "a b test", "zzzqx", "zzzqx model", "seq2seq",
                                   "l2 regularization", "f1 score", "3d", "gpt 100", "naïve", "Transformer",
                                   " ".join(["zzzqx"] * 12)])
def test_zipf_is_wordfreqs_zipf_frequency(words):
    import wordfreq

    from mlkg.mine import text

    assert text.zipf(words) == wordfreq.zipf_frequency(words, "en")


@pytest.mark.parametrize("sources", [[], ["shared.md"]], ids=["the seed", "a name two sections share"])
def test_a_build_of_plain_words_does_not_import_wordfreq(tmp_path, sources):
    """wordfreq's tokenizers, ftfy and langcodes cost 0.15 s and 40 MiB to import: its table is read directly.
    The words weighed for a name two sections share ("pre-" and "multi-" of "pre- and multi-task") once sent
    every build of the hard benchmark to the import."""
    (tmp_path / "shared.md").write_text(
        sheet(entry("1.1.1", "Zeta Quantile (ZQ)", "zeta-quantile", full="An error robust to outliers."))
        + "\n## 2. IMAGES\n\n### 2.1 Pretraining\n\n"
        + entry("2.1.1", "Zonal Quilt (ZQ)", "zonal-quilt", full="Pre- and multi-task pretraining of images.")
        + "\n## 3. TABLES\n\n### 3.1 Cleaning\n\n"
        + entry("3.1.1", "Winsor Clip", "winsor-clip", full="Clips outliers, pre- and post-hoc, like the ZQ."),
        encoding="utf-8")
    given = [a for path in sources for a in ("--source", str(tmp_path / path))]
    script = ("import sys; from mlkg.cli import main\n"
              f"assert main(['build', *{given!r}, '--out', {str(tmp_path / 'out')!r}, '--no-map']) == 0\n"
              "assert 'wordfreq' not in sys.modules, 'wordfreq imported'\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env={"MLKG_BUILD_DIR": str(tmp_path / "none"), "PATH": ""})
    assert run.returncode == 0, run.stderr


def test_the_word_caches_hold_one_corpus_not_every_corpus_a_process_has_mined():
    """Full, the caches of words, names and titles took about 1 GiB in a long-lived process."""
    from mlkg.mine.text import zipf

    for i in range(5000):
        zipf(f"pastcorpusword{i}")
    mlkg.load(curation=[])
    assert zipf.cache_info().currsize < 5000


@pytest.mark.parametrize("before, typed", [
    ("GPs are ", True),                 # its acronym, plural
    ("A GP is a ", True),
    ("Gaussian processes are ", True),  # its name
    ("It is a ", True),                 # a pronoun
    ("The result is a ", False),        # another noun: this sentence defines something else
])
def test_a_genus_is_read_only_where_the_entry_is_the_subject(before, typed):
    gp = parse_text(sheet(entry("1.1.1", "Gaussian Process (GP)", "gp"))).entries[0]
    found = rules.cue_for(before, " that", forward=True, own=rules.name_stems(gp))
    assert (found is not None and found[0] is rules.CUE_USES) == typed


def _first_letters(alternation: str) -> set[str]:
    """The letters a regex alternation ``(?:a|b(?:c|d)|…)`` can start with (lower case; groups followed in)."""
    body, depth, parts, part = alternation[3:], 0, [], ""
    for ch in body:
        if ch == ")" and depth == 0:
            break
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += ch
    parts.append(part)
    return set().union(*(_first_letters(p) if p.startswith("(?:") else {p[0].lower()} for p in parts))


def test_a_cue_pattern_that_looks_ahead_for_first_letters_has_every_cue_s_letter():
    """Five cue patterns test a first letter before their alternatives (for speed); a cue added without its
    letter would silently never match."""
    checked = 0
    for _, _, pattern in (*rules.BEFORE, *rules.WEAK_BEFORE):
        m = re.match(r"\\b\(\?=\[([a-z]+)\]\)", pattern.pattern)
        if m:
            checked += 1
            assert _first_letters(pattern.pattern[m.end():]) <= set(m.group(1)), pattern.pattern[:60]
    assert checked == 5


@pytest.mark.parametrize("first, second, linked", [
    (("DARTS (Differentiable Architecture Search)", "darts"), ("DART (Dropouts Meet Trees)", "dart"), False),
    (("GANs (Adversarial Nets)", "gans"), ("GAN (One Net)", "gan"), False),  # a plural of another's name is a form
    (("Encoder-Decoder", "seq2seq"), ("Encoder-Decoder Architecture", "encoder-decoder"), True),  # one name, two
])
def test_a_title_names_another_concept_by_a_whole_name_not_by_a_form_of_its_own(first, second, linked):
    """"DART" is DART's own name, and the singular of DARTS: DART's title named DARTS, so DART required DARTS.
    "Encoder-Decoder" is one entry's title and the other's ID: one name for two links them, as before."""
    text = sheet(entry("1.1.1", *first), entry("1.2.1", *second), subsections={"1.1": "A", "1.2": "B"})
    assert bool(_mine(text)) is linked


def _mentions_of(full: str):
    from mlkg.mine import mentions
    from mlkg.read import Corpus

    corpus = Corpus([parse_text(sheet(entry("1.1.1", "Alpha Net", "alpha"), entry("1.1.2", "Beta Net", "beta"),
                                      entry("1.1.3", "Gamma Net", "gamma", full=full)))])
    return list(mentions.text_mentions(mentions.CorpusText(corpus), build_lexicon(corpus)))


@pytest.mark.parametrize("full, subject", [
    # a mention opens its sentence after punctuation or one of a few words, read from the sentence's first word
    ("Alpha Net encodes images.", [True]),
    ("— Alpha Net encodes images.", [True]),
    ("The Alpha Net encodes images.", [True]),
    ("(Using   Alpha Net) it encodes images.", [True]),
    ("It uses Alpha Net.", [False]),
    ("The big Alpha Net encodes.", [False]),
    ("Fit it.\n,,,,,, Alpha Net then Beta Net.", [True, False]),
    # a run of punctuation before many names: each name read it back whole (64 KB took 28 s)
    ("Fit it.\n" + "," * 3000 + " Alpha Net" * 400, [True] + [False] * 399),
])
def test_a_mention_opens_its_sentence_after_punctuation_or_a_leading_word(full, subject):
    assert [m.subject for m in _mentions_of(full)] == subject


@pytest.mark.parametrize("full, listed", [
    ("It uses Alpha Net or Beta Net.", [True, True]),  # two alternatives
    ("It uses Alpha Net" + " " * 30 + "or Beta Net here.", [True, True]),
    ("It uses Alpha Net, then Beta Net.", [False, False]),
    # two names far apart are no list, however blank the gap (a run of blanks was read back and forth, quadratic)
    ("It uses Alpha Net" + " " * 5000 + "or Beta Net here.", [False, False]),
])
def test_two_names_are_a_list_only_across_a_short_gap(full, listed):
    assert [m.listed for m in _mentions_of(full)] == listed
