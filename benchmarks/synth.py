"""A realistic synthetic cheatsheet corpus, for benchmarks at any scale.

Usage::

    python benchmarks/synth.py N OUTDIR [--seed S] [--clean]

writes N entries in the exact cheatsheet format (``# ML Cheatsheet Content …``
title, ``## N. TITLE`` sections, ``### N.M Title`` subsections, ``---``
separators, ``#### N.M.K Title`` entries with ``**ID:**``, ``**Parent:**``,
``**Full Explanation:**``, ``**Simple Explanation:**`` and ``**Example:**``),
split into files of one or more sections named like ``07-08-zanthic-learning.md``.

What makes it realistic, measured against the public cheatsheet:

* about 1 KB of text per entry (full ≈ 400 B, simple ≈ 200 B, example ≈ 420 B);
  most examples are fenced blocks, some are plain lines and bullets, some end
  in a ```` ```python ```` block;
* concept names are invented, pronounceable words ("Quorvex Flux Network") that
  collide neither with each other nor with English; about a third carry a unique
  acronym ("Quorvex Flux Network (QFN)" or "QFN (Quorvex Flux Network)"); some
  names extend another ("Denoising Quorvex Flux Network", "Sparse QFN"), so
  longest-match matters; a few are single words; about half the subsections are
  named after their first entry ("QFNs (Quorvex Flux Networks)");
* sections have 5–10 subsections, subsections 3–8 entries; a file holds one
  or two sections (more at large N, so 10,000 entries make a few dozen files);
* each entry mentions 0–7 other entries (about 2 on average, like the public
  cheatsheet's 1.8; its subsection head and the name it extends count) by title, plural,
  lowercase or acronym, with the cue phrases the miner reads ("foundation for
  X", "X builds on this", "unlike X", "instead of X", "rivaling X",
  "Applications: X, Y", "adds … to X", "a variant of X", "(e.g., X)",
  "simpler than X");
* about 80% of mentions point back, 20% ahead; about 70% stay in the section.
  Subsections and sections form a shallow tree (each builds on an earlier one):
  a mention reaches outside its subsection only to the first entries of the
  subsection, or the core entries of the section, it builds on.  Prerequisite
  chains so grow deep (≈ 10 at 130 entries, ≈ 30 at 1,000, ≈ 60 at 10,000)
  without running through the whole corpus.

The output depends only on N and the seed.  Pure standard library.

As a library::

    from synth import generate, write, plan, expected_edges
    files = generate(1000, seed=0)      # {filename: text}
    write(1000, "/tmp/corpus", seed=0)  # writes the files; {"files", "entries", "bytes"}
    expected_edges(1000, seed=0)        # [(source, target, kind)] the cues were written to produce
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------
# Vocabulary.  Names are built from invented words plus the English words below;
# the prose uses other English words, so a name only ever matches where it is meant.

_ONSETS = ("b", "br", "d", "dr", "f", "fl", "g", "gr", "k", "kr", "kl", "l", "m", "n", "p", "pr", "qu",
           "r", "s", "sk", "st", "t", "tr", "v", "vr", "z", "zh", "th", "x", "j", "sp", "gl")
_VOWELS = ("a", "e", "i", "o", "u", "ae", "ou", "y", "io", "ei")
_CODAS = ("", "", "", "n", "r", "l", "m", "rv", "nd", "x", "k", "v", "z", "th", "lt")
_ENDINGS = ("ex", "ix", "ax", "on", "ar", "enna", "ith", "ova", "ulm", "orin", "ynth", "ek", "ivo", "eron",
            "iq", "ant", "ora", "ux", "yr", "alt")
_RARE = frozenset("qxzvkj")
_RUDE = re.compile(r"sex|fu[ck]|cum|nig|ass|tit|dik|dick|cock|porn|kill|rape|nazi|shit|pis|poo|slut|jiz|kk|xx")
# hard to say: three consonants in a row (th, zh, qu count as one), three vowels, a doubled vowel
_UGLY = re.compile(r"[bcdfgjklmnpqrstvwxzTZQ]{3}|[aeiouy]{3}|([aeiouy])\1|(.)\2\2")

HEADS = ("Network", "Model", "Estimator", "Kernel", "Transform", "Encoder", "Decoder", "Sampler",
         "Regularizer", "Embedding", "Tree", "Forest", "Filter", "Machine", "Field", "Flow", "Gate", "Layer",
         "Classifier", "Regressor", "Autoencoder", "Transformer", "Optimizer", "Scheduler", "Memory", "Mixture",
         "Ensemble", "Tokenizer", "Projection", "Operator", "Critic", "Cell", "Codebook", "Block", "Policy",
         "Process", "Search", "Loss", "Pooling", "Distillation", "Alignment", "Objective")
MIDDLES = ("Flux", "Lattice", "Spectral", "Tensor", "Manifold", "Gradient", "Residual", "Wavelet", "Cascade",
           "Prism", "Vector", "Sketch", "Echo", "Anchor", "Pivot", "Ridge", "Fractal", "Harmonic", "Radial",
           "Ordinal", "Token", "Patch", "Graph", "Kinetic", "Orbit", "Mirror", "Beacon", "Helix", "Quantile")
MODIFIERS = ("Denoising", "Sparse", "Conditional", "Hierarchical", "Stochastic", "Bayesian", "Adaptive",
             "Deep", "Gated", "Masked", "Contrastive", "Federated", "Quantized", "Distilled", "Multiscale",
             "Recurrent", "Kernelized", "Online", "Robust", "Variational", "Latent", "Implicit", "Causal")
SECTION_KINDS = ("LEARNING", "MODELS", "METHODS", "SYSTEMS", "ARCHITECTURES", "FOUNDATIONS", "INFERENCE",
                 "OPTIMIZATION", "PARADIGMS", "PREDICTION")
SUBSECTION_KINDS = ("Methods", "Fundamentals", "Techniques", "Variants", "Estimators", "Pipelines",
                    "Objectives", "Building Blocks", "Core Concepts", "Evaluation", "Training", "Theory")

# Uppercase tokens the prose uses; no acronym may equal one.
RESERVED_ACRONYMS = frozenset({
    "MSE", "GPU", "CPU", "RAM", "API", "AUC", "RGB", "SGD", "KL", "ML", "AI", "NLL", "OK", "ID", "IO", "TPU",
    "CSV", "ROC", "RMSE", "MAE", "FLOP", "FLOPS", "SOTA", "LR", "AND", "OR", "NOT", "IF", "TO", "OF", "IN",
    "IS", "ON", "AT", "BY", "NO", "GB", "MB", "KB", "MS", "QPS", "ETA", "TODO",
})

# (section topic, words of that domain); every word pluralises with a plain "s"
_DOMAINS = (
    ("VISION", "image", "pixel", "crop", "channel", "texture", "frame"),
    ("LANGUAGE", "sentence", "token", "subword", "document", "phrase", "paragraph"),
    ("AUDIO", "waveform", "spectrogram", "pitch track", "utterance", "phoneme", "clip"),
    ("TABULAR DATA", "row", "column", "label", "record", "table", "attribute"),
    ("GRAPHS", "node", "edge", "neighbourhood", "subgraph", "walk", "motif"),
    ("TIME SERIES", "timestep", "lag", "season", "trend", "horizon", "reading"),
    ("CONTROL", "action", "reward", "policy rollout", "episode", "observation", "trajectory"),
    ("RECOMMENDATION", "user", "item", "rating", "session", "click", "basket"),
    ("CHEMISTRY", "atom", "bond", "conformer", "ligand", "residue", "molecule"),
    ("MONITORING", "sensor", "signal", "event", "spike", "log line", "alert"),
)
_NOUNS = ("representation", "gradient", "embedding", "feature", "sample", "distribution", "latent code",
          "weight", "prior", "posterior", "score", "residual", "estimate", "decision surface", "threshold",
          "state", "cluster", "projection", "variance", "mask", "activation", "constraint", "penalty term",
          "schedule", "step size", "codebook vector", "partition", "sequence", "window", "statistic",
          "parameter", "hidden unit", "logit", "margin", "neighbour", "coefficient", "bucket", "proposal")
_ADJ = ("noisy", "stable", "compressed", "local", "global", "smooth", "discrete", "continuous", "calibrated",
        "invertible", "low-rank", "high-dimensional", "sequential", "parallel", "convex", "unbounded", "shallow",
        "balanced", "redundant", "correlated", "independent", "expensive", "cheap", "interpretable", "biased",
        "unbiased", "well-conditioned", "heavy-tailed", "memory-efficient", "differentiable")
_VERBS = ("learn", "estimate", "compress", "align", "reweight", "sample", "factorize", "propagate", "smooth",
          "partition", "rank", "cluster", "project", "aggregate", "normalize", "decompose", "score", "prune")
_GERUNDS = ("learning", "estimating", "compressing", "aligning", "reweighting", "sampling", "factorizing",
            "propagating", "smoothing", "partitioning", "ranking", "clustering", "projecting", "aggregating",
            "normalizing", "decomposing", "scoring", "pruning")
_ADVERBS = ("jointly", "greedily", "iteratively", "in closed form", "in parallel", "one step at a time",
            "layer by layer", "without labels", "online", "per batch")
_MATH = ("L = ||x - x̂||² + λ·||θ||₁", "p(z|x) ∝ p(x|z)·p(z)", "h_t = σ(W·h_{t-1} + U·x_t + b)",
         "y = softmax(QKᵀ/√d)·V", "θ ← θ - η·∇L(θ)", "L = E[log p(x|z)] - KL(q(z|x) || p(z))",
         "s(x) = Σᵢ wᵢ·k(x, xᵢ)", "ŷ = argmax_c P(c|x)", "z = μ + σ⊙ε, ε ~ N(0, I)",
         "L = -Σ y·log ŷ", "r = (1 - α)·r + α·g²", "f(x) = Σₖ βₖ·φₖ(x)", "d(a, b) = ||a - b||₂",
         "P(xₜ|x₍<ₜ₎) = Πᵢ P(xᵢ|x₍<ᵢ₎)", "w ← w·exp(-γ·err)", "J(θ) = E[Σₜ γᵗ·rₜ]")
_COMPLEXITY = ("O(n)", "O(n log n)", "O(n²)", "O(n·d)", "O(k·n·d)", "O(n·d²)", "O(T·h²)", "O(L·n²)")
_ANALOGIES = ("sorting mail by postcode before reading it", "summarising a book in one paragraph",
              "asking several friends and averaging their answers", "tuning a radio until the static fades",
              "sketching the outline before adding detail", "packing a suitcase so nothing rattles",
              "a chef tasting the soup and adjusting the salt", "sanding wood with finer and finer paper",
              "following footprints back to where they started", "a librarian shelving books by topic",
              "zooming out on a map to see the whole route", "an editor cutting every word that adds nothing")
_PARAMS = ("n_components", "alpha", "depth", "n_heads", "temperature", "rank", "window", "n_estimators",
           "dropout", "margin", "lr", "beta")


# ---------------------------------------------------------------------------
# The plan: structure, names and references, before any text is written.

@dataclass
class Ref:
    """A planned mention of ``target`` in the text of the entry that holds it."""

    target: int
    forward: bool  # the target is defined later
    cue: str  # plain, uses, flip, instance, contrast, application
    style: str  # name, lower, acronym
    plural: bool
    field: str  # full, simple, example

    @property
    def intended(self) -> str:
        """The edge the mention is meant to produce: requires, required-by or related."""
        if self.cue in ("contrast", "application") or (self.cue == "plain" and self.forward):
            return "related"
        return "required-by" if self.forward else "requires"


@dataclass
class Concept:
    index: int
    number: str
    label: str
    slug: str
    acronym: str | None = None
    acronym_first: bool = False
    base: int | None = None  # the concept this one's name extends ("Denoising X" → X)
    refs: list[Ref] = field(default_factory=list)

    @property
    def title(self) -> str:
        if not self.acronym:
            return self.label
        return f"{self.acronym} ({self.label})" if self.acronym_first else f"{self.label} ({self.acronym})"


@dataclass
class Subsection:
    number: str
    title: str
    start: int  # entry index range [start, end)
    end: int
    head: int | None = None  # entry the subsection is named after
    parent: Subsection | None = None  # the earlier subsection of the section this one builds on
    children: list[Subsection] = field(default_factory=list)

    @property
    def front(self) -> range:
        """Its first entries, the ones other subsections cite."""
        return range(self.start, min(self.end, self.start + 2))


@dataclass
class Section:
    number: int
    title: str
    subsections: list[Subsection]
    domain: tuple[str, ...]
    parent: Section | None = None  # the earlier section this one builds on
    children: list[Section] = field(default_factory=list)
    core: list[int] = field(default_factory=list)  # its foundational entries, the ones other sections cite

    @property
    def start(self) -> int:
        return self.subsections[0].start

    @property
    def end(self) -> int:
        return self.subsections[-1].end


@dataclass
class Plan:
    seed: int
    sections: list[Section]
    concepts: list[Concept]
    files: list[tuple[str, list[int]]]  # file name, section indexes


def _is_acronym(token: str) -> bool:
    if token[1:].islower():
        return False
    upper = sum(c.isupper() for c in token)
    return upper >= 2 and upper >= sum(c.islower() for c in token)


def plural(name: str) -> str:
    """Pluralise the last word the way mlkg's lexicon does."""
    head, _, last = name.rpartition(" ")
    if _is_acronym(last):
        last += "s"
    elif last.lower().endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif len(last) > 2 and last[-1] == "y" and last[-2] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def _lower(name: str) -> str:
    return " ".join(w if _is_acronym(w) else w.lower() for w in name.split(" "))


def _key(name: str) -> str:
    """Case-insensitive, number-insensitive key used to keep every name unique."""
    words = re.sub(r"[^\w]+", " ", name.lower()).split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Names:
    """Fresh pseudo-words, labels and acronyms, none colliding with another."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words: set[str] = set()
        english = {w.lower() for w in (*HEADS, *MIDDLES, *MODIFIERS, *SECTION_KINDS, *SUBSECTION_KINDS)}
        for group in (_NOUNS, _ADJ, _VERBS, _GERUNDS, _ANALOGIES, *_DOMAINS):
            for phrase in group:
                english.update(re.findall(r"[a-z]+", phrase.lower()))
        self.english = english
        self.keys: set[str] = set()
        self.acronyms: set[str] = {a.lower() for a in RESERVED_ACRONYMS}
        self.slugs: set[str] = set()

    def word(self) -> str:
        rng = self.rng
        while True:
            w = rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            if rng.random() < 0.45:
                w += rng.choice(_ONSETS) + rng.choice(_VOWELS)
            w += rng.choice(_ENDINGS)
            if (5 <= len(w) <= 9 and _RARE & set(w) and w not in self.words and w not in self.english
                    and not _UGLY.search(w.replace("th", "T").replace("zh", "Z").replace("qu", "Q"))
                    and not _RUDE.search(w)):
                self.words.add(w)
                return w.capitalize()

    def claim(self, label: str) -> bool:
        key = _key(label)
        if key in self.keys:
            return False
        self.keys.add(key)
        return True

    def acronym(self, label: str) -> str:
        """A new acronym for label: its initials, else with a second letter of one word ("QFLN"), else padded.

        Only letters: mlkg makes no plural for a name ending in a digit ("GE4s" would not match "GE4").
        """
        words = label.split(" ")
        parts = [w if _is_acronym(w) else w[0].upper() for w in words]
        candidates = ["".join(parts)]
        for i, w in enumerate(words):
            if not _is_acronym(w):
                candidates.append("".join(parts[:i]) + w[:2].upper() + "".join(parts[i + 1:]))
        if not _is_acronym(words[0]) and len(words) > 2:  # mixed case, like "ViT"
            candidates.insert(0 if self.rng.random() < 0.15 else len(candidates), words[0][:2] + "".join(parts[1:]))
        for k in itertools.count():
            c = candidates[k] if k < len(candidates) else candidates[0] + "".join(
                self.rng.choice("ABCDEFGHKLMNPRSTVWXZ") for _ in range(1 + k // 20))
            if c.lower() not in self.acronyms and _key(c) not in self.keys:
                self.acronyms.add(c.lower())
                self.keys.add(_key(c))
                return c
        raise AssertionError("unreachable")

    def slug(self, concept: Concept) -> str:
        options = [_slugify(concept.label)]
        if concept.acronym and self.rng.random() < 0.4:
            options.insert(0, _slugify(concept.acronym))
        for s in options:
            if s not in self.slugs:
                self.slugs.add(s)
                return s
        n = 2
        while f"{options[-1]}-{n}" in self.slugs:
            n += 1
        self.slugs.add(f"{options[-1]}-{n}")
        return f"{options[-1]}-{n}"


def _sizes(total: int, lo: int, hi: int, rng: random.Random) -> list[int]:
    """Split total into parts of lo..hi (the last part may be smaller; never empty)."""
    out: list[int] = []
    left = total
    while left > 0:
        size = min(rng.randint(lo, hi), left)
        if 0 < left - size < lo:  # no tiny tail: take it all, or leave exactly lo
            size = left if left <= hi else left - lo
        out.append(size)
        left -= size
    return out


def _new_label(names: _Names, rng: random.Random, single_ok: bool = True) -> str:
    while True:
        r = rng.random()
        if single_ok and r < 0.08:
            label = names.word()
        elif r < 0.55:
            label = f"{names.word()} {rng.choice(HEADS)}"
        elif r < 0.85:
            label = f"{names.word()} {rng.choice(MIDDLES)} {rng.choice(HEADS)}"
        else:
            label = f"{names.word()} {names.word()} {rng.choice(HEADS)}"
        if names.claim(label):
            return label


def _derived_label(names: _Names, rng: random.Random, base: Concept) -> str | None:
    for _ in range(6):
        core = base.acronym if base.acronym and rng.random() < 0.3 else base.label
        mod = rng.choice(MODIFIERS)
        if mod in core.split(" "):
            continue
        label = f"{mod} {core}"
        if names.claim(label):
            return label
    return None


def plan(n: int, seed: int = 0) -> Plan:
    """Decide the structure, names and references of an n-entry corpus."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = random.Random(seed)
    names = _Names(rng)
    sub_sizes = _sizes(n, 3, 8, rng)
    grouping = _sizes(len(sub_sizes), 5, 10, rng)
    sections: list[Section] = []
    concepts: list[Concept] = []
    k = 0
    for s_no, n_subs in enumerate(grouping, 1):
        topic, *words = rng.choice(_DOMAINS)
        domain = tuple(words)
        stitle = f"{names.word().upper()} {rng.choice(SECTION_KINDS)}"
        if rng.random() < 0.25:
            stitle += f" - {topic}"
        subs: list[Subsection] = []
        for m_no in range(1, n_subs + 1):
            size = sub_sizes[k]
            k += 1
            sub = Subsection(f"{s_no}.{m_no}", "", len(concepts), len(concepts) + size)
            if subs:  # a shallow tree: most subsections build on the section's first one
                sub.parent = subs[0] if rng.random() < 0.7 else rng.choice(subs)
                sub.parent.children.append(sub)
            headed = size >= 2 and rng.random() < 0.45
            for e_no in range(1, size + 1):
                index = len(concepts)
                c = Concept(index, f"{sub.number}.{e_no}", "", "")
                if headed and e_no == 1:
                    c.label = _new_label(names, rng, single_ok=False)
                    sub.head = index
                else:
                    r = rng.random()
                    base = None
                    if headed and r < 0.4:
                        base = sub.head
                    elif r < 0.45 and index > sub.start:
                        base = rng.randrange(sub.start, index)
                    elif r < 0.55 and sub.parent is not None:
                        base = rng.choice(sub.parent.front)
                    if base is not None and concepts[base].base is not None and rng.random() < 0.7:
                        base = concepts[base].base  # keep "Modifier Modifier X" rare
                    label = _derived_label(names, rng, concepts[base]) if base is not None else None
                    if label:
                        c.label, c.base = label, base
                    else:
                        c.label = _new_label(names, rng)
                if " " in c.label and rng.random() < 0.36:
                    if c.base is not None and concepts[c.base].acronym and rng.random() < 0.5:
                        mod = c.label.split(" ")[0]
                        candidate = mod[0].upper() + concepts[c.base].acronym
                        if candidate.lower() not in names.acronyms and _key(candidate) not in names.keys:
                            names.acronyms.add(candidate.lower())
                            names.keys.add(_key(candidate))
                            c.acronym = candidate
                    c.acronym = c.acronym or names.acronym(c.label)
                    c.acronym_first = rng.random() < 0.25
                c.slug = names.slug(c)
                concepts.append(c)
            if sub.head is not None:
                h = concepts[sub.head]
                sub.title = (f"{plural(h.acronym)} ({plural(h.label)})" if h.acronym and rng.random() < 0.5
                             else plural(h.label))
            else:
                sub.title = f"{names.word()} {rng.choice(SUBSECTION_KINDS)}"
            subs.append(sub)
        sec = Section(s_no, stitle, subs, domain)
        if sections:  # a shallow tree of sections: often the previous one or two, else any earlier one
            r = rng.random()
            sec.parent = sections[-1 - int(r * 6)] if r < 0.3 and len(sections) > 1 else rng.choice(sections)
            sec.parent.children.append(sec)
        first = subs[0]
        sec.core = [*range(first.start, min(first.end, first.start + 2)), *(x.start for x in subs[1:])]
        sections.append(sec)
    _plan_refs(concepts, sections, rng)
    return Plan(seed, sections, concepts, _group_files(sections, rng))


# Weighted choices, spelled out so a draw is one random() call.
# How many other entries an entry mentions, drawn like the public cheatsheet's own distribution
# (211 entries: 22% none, 32% one, 22% two, 10% three, 7% four, 7% five to nine; mean 1.8).
_WANT = (0,) * 4 + (1,) * 6 + (2,) * 4 + (3,) * 2 + (4,) * 2 + (5,) + (7,)
_FORWARD_CUES = ("plain",) * 6 + ("flip",) * 5 + ("instance",) * 4 + ("contrast",) * 3 + ("application",) * 2
_BACKWARD_CUES = ("plain",) * 11 + ("uses",) * 4 + ("contrast",) * 3 + ("application",) * 2


def _plan_refs(concepts: list[Concept], sections: list[Section], rng: random.Random) -> None:
    """Give every concept 0–7 mentions: mostly of earlier concepts nearby, some of later ones.

    Earlier concepts come from the same subsection, else from the front of the subsection it builds
    on, else from the core of the section this one builds on (or, rarely, any earlier section): the
    links stay local and prerequisite chains grow deep, but not through the whole corpus.  Later
    concepts come from the same subsection, the subsections built on it, or the sections built on it.
    """
    rnd = rng.random
    where: list[tuple[Section, Subsection, int]] = []
    for si, sec in enumerate(sections):
        for sub in sec.subsections:
            where.extend((sec, sub, si) for _ in range(sub.start, sub.end))

    def pick(seq):
        return seq[int(rnd() * len(seq))]

    def backward(i: int) -> int | None:
        sec, sub, si = where[i]
        r = rnd()
        if r < 0.45 and i > sub.start:
            return sub.start + int(rnd() * (i - sub.start))
        if r < 0.75 and sub.parent is not None:
            up = sub.parent.parent if sub.parent.parent is not None and rnd() < 0.25 else sub.parent
            return pick(up.front)
        if r < 0.97 and sec.parent is not None:
            up = sec.parent.parent if sec.parent.parent is not None and rnd() < 0.3 else sec.parent
            return pick(up.core)
        if si > 0:
            return pick(sections[int(rnd() * si)].core)
        return sub.start + int(rnd() * (i - sub.start)) if i > sub.start else None

    def forward(i: int) -> int | None:
        sec, sub, _ = where[i]
        r = rnd()
        if r < 0.55 and i + 1 < sub.end:
            return i + 1 + int(rnd() * (sub.end - i - 1))
        if r < 0.85 and sub.children and i in sub.front:
            down = pick(sub.children)
            return down.start + int(rnd() * (down.end - down.start))
        if sec.children and i in sec.core:
            return pick(pick(sec.children).core)
        return i + 1 + int(rnd() * (sub.end - i - 1)) if i + 1 < sub.end else None

    for c in concepts:
        i = c.index
        want = _WANT[int(rnd() * len(_WANT))]
        chosen: dict[int, str] = {}
        if c.base is not None:
            chosen[c.base] = "uses"
        head = where[i][1].head
        if head is not None and head < i and head not in chosen and rnd() < 0.7:
            chosen[head] = "uses" if rnd() < 0.33 else "plain"
        tries = 0
        while len(chosen) < want and tries < 40:
            tries += 1
            fwd = rnd() < 0.22
            j = forward(i) if fwd else backward(i)
            if j is None or j == i or j in chosen:
                continue
            cues = _FORWARD_CUES if fwd else _BACKWARD_CUES
            chosen[j] = cues[int(rnd() * len(cues))]
        for j, cue in chosen.items():
            t = concepts[j]
            r = rnd()
            style = "acronym" if t.acronym and r < 0.5 else "name" if r < 0.75 else "lower"
            r = rnd()
            fld = "full" if r < 0.68 or cue == "application" else "simple" if r < 0.9 else "example"
            c.refs.append(Ref(j, j > i, cue, style, rnd() < 0.35, fld))


def _group_files(sections: list[Section], rng: random.Random) -> list[tuple[str, list[int]]]:
    """One file per one or two sections; more per file at large scale, so files stay a few dozen."""
    per = max(1, -(-len(sections) // 36))
    groups: list[list[int]] = []
    i = 0
    while i < len(sections):
        size = rng.randint(1, 2) if per == 1 else rng.randint(per, per + 1)
        groups.append(list(range(i, min(i + size, len(sections)))))
        i += size
    width = max(2, len(str(len(sections))))
    files = []
    for g in groups:
        first, last = sections[g[0]], sections[g[-1]]
        nums = f"{first.number:0{width}d}" + (f"-{last.number:0{width}d}" if len(g) > 1 else "")
        words = first.title.split(" - ")[0].split() + (last.title.split(" - ")[0].split() if len(g) > 1 else [])
        files.append((f"{nums}-{_slugify(' '.join(words))}.md", g))
    return files


# ---------------------------------------------------------------------------
# Text.  Templates are compiled once into positional format strings plus the
# pools their placeholders draw from, so filling one is a single short loop.


def _cap(s: str) -> str:
    return s[0].upper() + s[1:] if s and s[0].islower() else s


_NOUNS1 = tuple(n for n in _NOUNS if " " not in n)
_VERBS3 = tuple(v + ("es" if v.endswith(("s", "sh", "ch", "x", "z")) else "s") for v in _VERBS)
_QUALITIES = ("accurate", "flexible", "robust", "expressive", "stable", "sample-efficient", "predictable")
_POOLS: dict[str, tuple[str, ...]] = {
    "a": _ADJ, "a2": _ADJ, "n1": _NOUNS, "n2": _NOUNS, "n3": _NOUNS, "w": _NOUNS1, "v": _VERBS, "vs": _VERBS3,
    "vs2": _VERBS3, "g": _GERUNDS, "g2": _GERUNDS, "adv": _ADVERBS, "math": _MATH, "cx": _COMPLEXITY,
    "cx2": _COMPLEXITY, "q": _QUALITIES, "an": _ANALOGIES,
    "aa": tuple(("an " if w[0] in "aeiou" else "a ") + w for w in _ADJ),
    "aw": tuple(("an " if w[0] in "aeiou" else "a ") + w for w in _NOUNS1),
    "A": tuple(map(_cap, _ADJ)), "N": tuple(map(_cap, _NOUNS)), "N2": tuple(map(_cap, _NOUNS)),
    "G": tuple(map(_cap, _GERUNDS)), "V": tuple(map(_cap, _VERBS)),
    "pct": tuple(str(i) for i in range(2, 99)), "int": tuple(str(i) for i in range(1, 513)),
    "int2": tuple(str(i) for i in range(1, 513)), "k": tuple(str(i) for i in range(2, 10)),
    "k2": tuple(str(i) for i in range(10)), "int3": tuple(str(i) for i in range(50, 80)),
    "int4": tuple(str(i) for i in range(70, 99)), "A2": tuple(map(_cap, _ADJ)),
}
_POOLS.update({k: tuple(f"{i / 1000:.3f}" for i in range(1000)) for k in ("f3", "f3b", "f3c", "f3d")})
# supplied per entry or per mention
_GIVEN = frozenset({"x", "X", "xs", "low", "y", "me", "d", "cls", "mod", "p1", "p2"})


class _T:
    """A compiled template: a positional format string and, per position, its placeholder name."""

    __slots__ = ("fmt", "keys", "slots")

    def __init__(self, text: str):
        keys: list[str] = []

        def number(m: re.Match) -> str:
            if m.group(1) not in keys:
                keys.append(m.group(1))
            return "{" + str(keys.index(m.group(1))) + "}"

        self.fmt = re.sub(r"\{(\w+)\}", number, text)
        self.keys = tuple(keys)
        self.slots = tuple((k, None if k in _GIVEN else _POOLS[k], len(_POOLS.get(k, ""))) for k in keys)


def _compile(*texts: str) -> tuple[_T, ...]:
    return tuple(_T(t) for t in texts)


_CUE_TEMPLATES: dict[str, tuple[_T, ...]] = {
    "uses": _compile(
        "Adds {a} {n1}s to {x}.",
        "Adds {aw} to {x}, so each {d} is handled separately.",
        "A variant of {x} that {vs} {n1}s {adv}.",
        "Extends {x} with {a} {n1}s.",
        "Built on {x}, it {vs} every {d} before {g} the {n2}s.",
        "Based on {x}, with {aa} {n1} in place of the {n2}.",
        "Relies on {x} for {g} {n1}s.",
    ),
    "flip": _compile(
        "Foundation for {x}.",
        "Serves as the foundation for {xs} and later {d} methods.",
        "{X} builds on this.",
        "A building block for {x}.",
        "The basis of {x}, which {vs} {n1}s at scale.",
    ),
    "instance": _compile(
        "Widely used in {d} systems (e.g., {x}).",
        "Widely used in {d} systems (e.g. {low}).",
        "Many {a} {n1} methods, such as {x}, start from it.",
        "Shows up inside larger models (for example {x}).",
        "Common in practice, including {x} and its descendants.",
    ),
    "contrast": _compile(
        "Unlike {x}, it {vs} {n1}s directly.",
        "Uses {a} {n1}s instead of {x}.",
        "Produces {a} {n1}s rivaling {x} at a fraction of the cost.",
        "Simpler than {x} but less {q}.",
        "Compared to {x}, training is more {q}.",
        "Rather than {x}, it relies on {a} {n1}s.",
    ),
    "application": _compile(
        "Applications: {d} {g}, {xs}, {n1} {g2}.",
        "Used for {xs} and {d} {g}.",
    ),
    "forward": _compile(
        "See {x} for {aa} extension.",
        "Revisited later in {x}.",
        "{X} pushes this idea further.",
        "The same {n1} reappears in {x}.",
    ),
    "plain": _compile(
        "Uses {x} to {v} the {n1}s.",
        "Combines {x} with {aa} {n1} stage.",
        "Each {n1} is scored by {x} before {g}.",
        "Works well when {x} already gives {a} {n1}s.",
        "Trained jointly with {x}, sharing the {n1} {n2}s.",
        "{X} supplies the {n1}s that it {vs}.",
        "Needs {x} to produce the initial {n1}s.",
    ),
}
_APPLICATION_PAIR = _T("Applications: {xs}, {y}, {d} {g}.")
_SIMPLE_TEMPLATES: dict[str, tuple[_T, ...]] = {
    "contrast": _compile("Unlike {x}, no {n1}s are needed.", "Cheaper than {x}.",
                         "Think of it as a lighter alternative to {x}."),
    "flip": _compile("{X} builds on this.", "The starting point for {x}."),
    "uses": _compile("Basically a variant of {x} with extra {n1}s.", "Takes {x} and adds {a} {n1}s to it."),
    "forward": _compile("{X} takes this much further.", "You will meet this again in {x}."),
    "plain": _compile("Same idea as {x}, but for {d}s.", "Think of it as {x} with {a} {n1}s."),
    "application": _compile("Handy for {xs} and similar jobs."),
}
_SIMPLE_TEMPLATES["instance"] = _SIMPLE_TEMPLATES["flip"]
_OPENERS = _compile(
    "{me} {vs} {a} {n1}s of {d}s by {g} {n2}s.",
    "{me} {vs} each {d} into {a} {n1}s, then {vs2} them {adv}.",
    "{me} is a way of {g} {d}s with {a} {n1}s.",
)
_FILLERS = _compile(
    "Loss: {math}.",
    "Update rule: {math}.",
    "Complexity: {cx} per {d}, {cx2} memory.",
    "Key idea: {a} {n1}s make the {n2} {a2}.",
    "Trade-off: more {n1}s give {a} results but {a2} training.",
    "Works best with {a} {d}s and many {n1}s.",
    "Sensitive to the choice of {n1}; {aa} {n2} helps.",
    "Each {d} gets its own {n1}, shared across {n2}s.",
    "Training {vs} the {n1} {adv}.",
    "In practice the {n1} is {a} and the {n2} {a2}.",
)
_SIMPLE_OPENERS = _compile(
    "Squeeze the {d}s into a small code, then rebuild them.",
    "Give every {d} a score and keep only the useful ones.",
    "Split the problem into small pieces and solve each one.",
    "Learn what a typical {d} looks like, then spot the odd ones.",
    "Start rough, then refine the answer a little at every step.",
    "Turn each {d} into a list of numbers that capture its meaning.",
    "Mix many weak guesses into one strong guess.",
    "Look at nearby {d}s to decide what this one should be.",
)
_SIMPLE_FILLERS = _compile(
    "Like {an}.", "Good when {d}s are {a}.", "The {n1} does most of the work.", "Fast, {a}, and easy to tune.",
    "Watch out for {a} {n1}s.", "Needs fewer {n1}s than you'd think.",
)
_EXAMPLE_HEADS = _compile(
    # a diagram
    "{me} on {d}s:\n\nInput: {int} {d}s\n       ↓\n{G}: {n1} → {int2}D vector\n       ↓\n{V} the {n2}s\n"
    "       ↓\nOutput: {a} {n3}s per {d}",
    "{me} pipeline:\n\nRaw {d}s\n       ↓\n{G} ({a} {n1}s)\n       ↓\n{me}\n       ↓\n{A2} {n2}s → prediction",
    # a training loop
    "{me} training:\n\n1. Sample a batch of {int} {d}s\n2. {V} each {n1}\n3. Compute loss: {math}\n"
    "4. Update: θ ← θ - η·∇L\n5. Repeat until the {n2} stabilizes\n\nAfter {int2} epochs: loss {f3} → {f3b}",
    # a worked calculation
    "{G} {d}s with {me}:\n\n{n1} = [{f3}, {f3b}, {int}]\n{g2}: [{f3c}, {f3d}, {int2}]\n→ {a} {n2}s",
    # a comparison table
    "{me} on the {d} benchmark:\n\nMethod        Score    Time\nBaseline      0.{int3}     1.0×\n"
    "{me}    0.{int4}     {k}.{k2}×",
)
_EXAMPLE_FILLERS = _compile(
    "Benefits:\n- {A} {n1}s\n- Fewer {n2}s per {d}\n- Works with {a2} {n3}s",
    "Symptoms:\n- {A} {n1}s on {pct}% of {d}s\n- {N2} grows after {int} steps\nFix: {g} the {n3}s",
    "Before: {n1} = {f3}, {n2} = {int}\nAfter:  {n1} = {f3b}, {n2} = {int2}",
    "Cost per {d}: {int} ms → {int2} ms\nMemory: {cx}",
    "{G} step:\n{math}\n→ {a} {n1}s, {a2} {n2}s",
    "- {A} {n1}s: {pct}% of {d}s\n- {N2} = {f3}, {n3} = {int}",
)
_EXAMPLE_REFS = _compile("Compare: {x} needs {k}× more {n1}s", "Baseline: {x} ({a} {n1}s)",
                         "With {x}: {n1} drops by {pct}%")
_PYTHON = _compile(
    "from synthlib.{mod} import {cls}\nmodel = {cls}({p1}={int}, {p2}=0.{k})\nmodel.fit(X_train, y_train)",
    "import synthlib as sl\nmodel = sl.{cls}({p1}={int})\nscores = model.fit(X).score(X_test)",
)


class _Text:
    """Writes the three fields of every entry of a plan."""

    def __init__(self, p: Plan, rng: random.Random):
        self.p = p
        self.rng = rng
        self.rnd = rng.random
        self.domain_of: list[tuple[str, ...]] = []
        for sec in p.sections:
            self.domain_of.extend(sec.domain for _ in range(sec.start, sec.end))
        self._forms: dict[tuple[int, str, bool], dict[str, str]] = {}
        self._names: list[tuple[str, str, str, str] | None] = [None] * len(p.concepts)
        self._perms: dict[int, list[list[int]]] = {}

    def pick(self, seq):
        return seq[int(self.rnd() * len(seq))]

    def fill(self, t: _T, given: dict[str, str]) -> str:
        r = self.rnd
        return t.fmt.format(*[given[k] if pool is None else pool[int(r() * n)] for k, pool, n in t.slots])

    def form(self, t: Concept, style: str, many: bool) -> str:
        if style == "acronym" and t.acronym:
            return t.acronym + ("s" if many else "")
        names = self._names[t.index]
        if names is None:
            one, more = t.label, plural(t.label)
            names = self._names[t.index] = (one, more, _lower(one), _lower(more))
        return names[(2 if style == "lower" else 0) + many]

    def order(self, n: int) -> list[int]:
        """A random order of range(n), from a few hundred drawn once (shuffling every time is slow)."""
        perms = self._perms.get(n)
        if perms is None:
            perms = self._perms[n] = []
            for _ in range(256):
                q = list(range(n))
                self.rng.shuffle(q)
                perms.append(q)
        return perms[int(self.rnd() * 256)]

    def forms(self, ref: Ref) -> dict[str, str]:
        """The placeholders x, X, xs and low for one mention (cached)."""
        key = (ref.target, ref.style, ref.plural)
        out = self._forms.get(key)
        if out is None:
            t = self.p.concepts[ref.target]
            x = self.form(t, ref.style, ref.plural)
            out = self._forms[key] = {
                "x": x, "X": _cap(x), "xs": self.form(t, ref.style, True),
                "low": self.form(t, "acronym" if ref.style == "acronym" else "lower", ref.plural)}
        return out

    def given(self, c: Concept, ref: Ref | None = None) -> dict[str, str]:
        g = {"d": self.pick(self.domain_of[c.index])}
        if ref is not None:
            g.update(self.forms(ref))
        return g

    def ref_sentence(self, c: Concept, ref: Ref, table: dict[str, tuple[_T, ...]],
                     extra: Ref | None = None) -> str:
        g = self.given(c, ref)
        if extra is not None:
            g["y"] = self.form(self.p.concepts[extra.target], extra.style, True)
            return self.fill(_APPLICATION_PAIR, g)
        key = ref.cue if ref.cue != "plain" else "forward" if ref.forward else "plain"
        return self.fill(self.pick(table[key]), g)

    def full(self, c: Concept, refs: list[Ref]) -> str:
        rng, rnd = self.rng, self.rnd
        r = rnd()
        if c.acronym and r < 0.4:
            me = c.acronym
        elif c.acronym and not c.acronym_first and r < 0.6:
            me = f"The {c.label} ({c.acronym})"
        else:
            me = c.label
        g = self.given(c)
        g["me"] = me
        out = [self.fill(self.pick(_OPENERS), g)]
        apps = [x for x in refs if x.cue == "application"]
        body = [self.ref_sentence(c, x, _CUE_TEMPLATES) for x in refs if x.cue != "application"]
        if apps:
            body.append(self.ref_sentence(c, apps[0], _CUE_TEMPLATES, apps[1] if len(apps) > 1 else None))
            body.extend(self.ref_sentence(c, x, _CUE_TEMPLATES) for x in apps[2:])
        rng.shuffle(body)
        out.extend(body)
        target = rng.gauss(348, 65)
        size = sum(map(len, out)) + len(out)
        if size < target:
            extra = self.order(len(_FILLERS))
            k = 0
            while size < target and k < len(extra):
                g["d"] = self.pick(self.domain_of[c.index])
                s = self.fill(_FILLERS[extra[k]], g)
                k += 1
                out.insert(1 + int(rnd() * len(out)), s)
                size += len(s) + 1
        return " ".join(out)

    def simple(self, c: Concept, refs: list[Ref]) -> str:
        rng = self.rng
        g = self.given(c)
        out = [self.fill(self.pick(_SIMPLE_OPENERS), g)]
        out.extend(self.ref_sentence(c, x, _SIMPLE_TEMPLATES) for x in refs)
        target = rng.gauss(178, 40)
        size = sum(map(len, out)) + len(out)
        if size < target:
            extra = self.order(len(_SIMPLE_FILLERS))
            k = 0
            while size < target and k < len(extra):
                s = self.fill(_SIMPLE_FILLERS[extra[k]], g)
                k += 1
                out.append(s)
                size += len(s) + 1
        return " ".join(out)

    def example(self, c: Concept, refs: list[Ref]) -> str:
        rng, rnd, pick = self.rng, self.rnd, self.pick
        g = self.given(c)
        g["me"] = c.acronym or c.label
        parts = [self.fill(pick(_EXAMPLE_HEADS), g)]
        if refs:
            parts.append("\n".join(self.fill(pick(_EXAMPLE_REFS), self.given(c, r)) for r in refs))
        target = rng.gauss(396, 110)
        size = sum(map(len, parts)) + 2 * len(parts)
        fixed = len(parts)
        if size < target - 40:
            extra = self.order(len(_EXAMPLE_FILLERS))
            k = 0
            while size < target - 40 and k < len(extra):
                g["d"] = self.pick(self.domain_of[c.index])
                s = self.fill(_EXAMPLE_FILLERS[extra[k]], g)
                k += 1
                parts.append(s)
                size += len(s) + 2
        body = "\n\n".join(parts)
        style = rnd()
        if style < 0.68:
            return "```\n" + body + "\n```"
        if style < 0.86:
            return body
        # plain lines, then a python block, like the entries that show library code
        g["cls"] = "".join(w if _is_acronym(w) else w.capitalize() for w in c.label.split(" "))
        g["mod"] = pick(("models", "layers", "estimators", "ensemble"))
        g["p1"], g["p2"] = rng.sample(_PARAMS, 2)
        code = self.fill(pick(_PYTHON), g)
        return "\n\n".join(parts[:-1] if len(parts) > fixed else parts) + "\n\n```python\n" + code + "\n```"


def _render(p: Plan) -> dict[str, str]:
    rng = random.Random(f"text:{p.seed}")
    tx = _Text(p, rng)
    fields: list[tuple[str, str, str]] = []
    for c in p.concepts:
        by = {"full": [], "simple": [], "example": []}
        for r in c.refs:
            by[r.field].append(r)
        fields.append((tx.full(c, by["full"]), tx.simple(c, by["simple"]), tx.example(c, by["example"])))
    out: dict[str, str] = {}
    for fname, group in p.files:
        secs = [p.sections[g] for g in group]
        titles = [s.title.split(" - ")[0].title() for s in secs]
        if len(secs) == 1:
            head = f"Section {secs[0].number}: {titles[0]}"
        elif len(secs) == 2:
            head = f"Sections {secs[0].number}-{secs[-1].number}: {titles[0]} & {titles[1]}"
        else:
            head = f"Sections {secs[0].number}-{secs[-1].number}: {titles[0]} to {titles[-1]}"
        parts = [f"# ML Cheatsheet Content - {head}\n"]
        for s in secs:
            parts.append(f"## {s.number}. {s.title}\n")
            for sub in s.subsections:
                parts.append(f"### {sub.number} {sub.title}\n\n---\n")
                for c in p.concepts[sub.start:sub.end]:
                    full, simple, example = fields[c.index]
                    parts.append(
                        f"#### {c.number} {c.title}\n\n**ID:** `{c.slug}`\n**Parent:** `{sub.number}`\n\n"
                        f"**Full Explanation:**\n{full}\n\n**Simple Explanation:**\n{simple}\n\n"
                        f"**Example:**\n{example}\n\n---\n")
        out[fname] = "\n".join(parts).removesuffix("\n---\n")
    return out


def generate(n: int, seed: int = 0) -> dict[str, str]:
    """An n-entry corpus: file name → cheatsheet text, in file order."""
    return _render(plan(n, seed))


def expected_edges(n: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """(source, target, kind) for every planned mention: what a perfect miner would read from the cues.

    ``kind`` is ``requires`` (source needs target first) or ``related``.
    """
    p = plan(n, seed)
    out = []
    for c in p.concepts:
        for r in c.refs:
            t = p.concepts[r.target]
            kind = r.intended
            if kind == "required-by":
                out.append((t.slug, c.slug, "requires"))
            else:
                out.append((c.slug, t.slug, kind))
    return out


def write(n: int, outdir: str | Path, seed: int = 0, clean: bool = False) -> dict[str, int]:
    """Write an n-entry corpus into outdir; returns {"files", "entries", "bytes"}.

    Other ``.md`` files in outdir would be loaded with the corpus, so they are an
    error unless ``clean`` is set, which deletes them.
    """
    outdir = Path(outdir)
    files = generate(n, seed)
    outdir.mkdir(parents=True, exist_ok=True)
    stale = sorted(p for p in outdir.glob("*.md") if p.name not in files)
    if stale and not clean:
        raise FileExistsError(f"{outdir} holds other .md files ({stale[0].name}, …); use --clean to delete them")
    for p in stale:
        p.unlink()
    size = 0
    for name, text in files.items():
        data = text.encode("utf-8")
        (outdir / name).write_bytes(data)
        size += len(data)
    return {"files": len(files), "entries": n, "bytes": size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic N-entry ML cheatsheet corpus into OUTDIR.")
    ap.add_argument("n", type=int, metavar="N", help="number of entries")
    ap.add_argument("outdir", metavar="OUTDIR")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--clean", action="store_true", help="delete other .md files in OUTDIR")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    t0 = time.perf_counter()
    try:
        s = write(args.n, args.outdir, args.seed, args.clean)
    except FileExistsError as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 1
    print(f"{s['files']} files, {s['entries']} entries, {s['bytes']:,} bytes "
          f"({s['bytes'] / s['entries']:,.0f} B/entry) in {args.outdir} [seed {args.seed}, "
          f"{time.perf_counter() - t0:.2f} s]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
