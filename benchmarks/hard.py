#!/usr/bin/env python3
"""An adversarial synthetic cheatsheet corpus: built to stress a knowledge-graph
builder's speed and memory, not to flatter it.

Usage::

    python benchmarks/hard.py N OUTDIR [--seed S] [--clean]

writes N entries in the cheatsheet format (``# ML Cheatsheet Content - Section N: Title``,
``## N. TITLE``, ``### N.M Title``, ``---`` separators, ``#### N.M.K Title`` entries with
``**ID:**``, ``**Parent:**``, ``**Full Explanation:**``, ``**Simple Explanation:**`` and
``**Example:**``) into OUTDIR as several ``.md`` files, and prints one line with the
number of entries, files, bytes and seconds.  As a library::

    from hard import write
    write(100_000, "/tmp/hard", seed=0, clean=True)   # {"entries", "files", "bytes"}

What makes it hard (every choice comes from one seeded RNG, so a seed gives one corpus):

* names: 1-3 pronounceable pseudo-words ("Varnel Graddic"); ~30 % carry an acronym in
  parentheses ("Name (ACR)" or "ACR (Name)"), some ReLU-style with a lowercase letter,
  some plural-looking ("VGNs" for a plural title), some shared by two concepts in
  different sections, some differing from another only in case; a few carry a
  non-acronym alternative name; ~10 % of names are (or contain) common English words
  ("Attention", "Early Stopping", "Memory Gate") that also appear elsewhere in their
  everyday sense ("pay attention to the margins"); ~10 % extend another name, so names
  are prefixes/suffixes of other names ("Varnel" / "Varnel Graddic" / "Tesk Varnel");
  a few are hyphenated, so hyphen/space variants matter;
* 2-6 mentions per entry (title, lowercase, plural, acronym, hyphen/space variant,
  alternative name), about a fifth pointing forward and about half into another section,
  wrapped in cue phrases that set or reverse the prerequisite direction ("X extends Y",
  "built on Y", "a variant of Y", "Y is a kind of X", "is a foundation for Y",
  "Y builds on this") or are neutral ("unlike Y", "instead of Y", "compared to Y",
  "such as Y", "e.g. Y", "(Y, Z, W)", "used for Y", "no Y needed", "combined with Y"),
  several mentions per sentence with mixed cues;
* prerequisite cycles on purpose: read by their cues, the prerequisite edges are an
  acyclic backbone (hubs and subsection cores) plus planted cycles: mutual pairs,
  triangles, long rings across sections, and (from 2,000 entries on) large strongly
  connected tangles of hundreds of entries (a ring plus random chords); neutral
  mentions go anywhere, so a builder that takes every mention for a prerequisite
  sees one giant tangle instead;
* long entries (Full Explanation 2,000-8,000 characters with e.g./i.e., decimals,
  unicode, inline code, list lines, several paragraphs), long code examples, examples
  whose outer bare fence holds ```python lines (only a bare ``` closes);
* generic titles ("Overview", "Key Ideas") shared by three entries in a thousand, each
  mentioned like any other name (choosing among 100 namesakes one by one took 55 s at 5k
  entries sharing a title);
* walls of text: one entry in 500 writes its Full Explanation as one line naming 300-1,500
  concepts, as many sentences or as one unbroken sentence (a quadratic sentence search
  took three minutes on one such paragraph, and a copy of the sentence per edge made
  output a hundred times the input);
* uneven shape: files of 200-2,000 entries (smaller at small N) holding 1-4 sections;
  sections with one subsection; subsections of one entry and of 500+ entries.

Memory is linear in N: the plan (names, ids, mention lists) is held, the text is
streamed out entry by entry.  Pure standard library.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
from pathlib import Path

# ---------------------------------------------------------------------------
# Common English words that are also concept names, with everyday-sense sentences.

EVERYDAY: dict[str, tuple[str, ...]] = {
    "Attention": ("Pay attention to the margins of the printed page.",
                  "The toddler wanted attention all afternoon.",
                  "Attention to detail matters when sorting receipts."),
    "Stacking": ("Stacking boxes in the hallway took most of the morning.",
                 "The movers were stacking chairs by the door."),
    "Boosting": ("Boosting morale before the deadline helped the whole team.",
                 "A sunny day is good for boosting sales of ice cream."),
    "Dropout": ("He was a college dropout who later opened a bakery.",
                "A signal dropout on the train cut the call short."),
    "Memory": ("From memory, the shop closes at six.",
               "She has a fond memory of the lake in summer.",
               "The old laptop ran out of memory twice."),
    "Transfer": ("The bank transfer cleared on Monday.",
                 "A transfer at the airport took two hours."),
    "Early Stopping": ("The early stopping of the bus at the corner annoyed everyone.",
                       "Early-stopping trains are a nuisance on the coast line."),
    "Bagging": ("Bagging groceries at the till is a summer job for many students.",),
    "Drift": ("A snow drift blocked the garage door.", "Let your thoughts drift while you wait."),
    "Noise": ("The noise from the street kept us awake.",
              "Background noise in the cafe made the call difficult."),
    "Kernel": ("There is a kernel of truth in the rumour.",
               "Kernels of corn were scattered across the porch."),
    "Pooling": ("Car pooling to work saves money.",
                "Pooling money for a birthday gift is common in offices."),
    "Embedding": ("Embedding a photo in the newsletter took a minute.",),
    "Gate": ("The garden gate squeaks in the wind.", "Passengers waited at the gate for an hour.",
             "The gates of the old city close at dusk."),
    "Bias": ("I have a bias toward coffee over tea.", "The tailor cut the fabric on the bias."),
    "Gradient": ("The gradient of the hill made cycling hard.",
                 "A colour gradient covered the bedroom wall."),
    "Momentum": ("The campaign gained momentum after the debate.",
                 "The sledge kept its momentum down the slope."),
    "Pruning": ("Pruning the roses in early spring keeps them healthy.",),
    "Sampling": ("We spent the afternoon sampling cheeses at the market.",),
    "Smoothing": ("Smoothing the tablecloth before dinner is a family habit.",),
    "Clipping": ("A newspaper clipping was pinned to the fridge.",
                 "Clipping coupons saves a few dollars a week."),
    "Decay": ("Tooth decay is common in children who drink soda.", "The barn had fallen into decay."),
    "Matching": ("Matching socks after laundry is tedious.",),
    "Ranking": ("The ranking of the football clubs changed on Sunday.",),
    "Scaling": ("Scaling the wall took the climbers an hour.", "Scaling fish is messy work."),
    "Voting": ("Voting opens at seven on Tuesday.",),
    "Blending": ("Blending smoothies is loud at six in the morning.",),
    "Search": ("The search for the missing keys lasted all evening.",),
    "Masking": ("Masking tape held the poster to the wall.",),
    "Anchor": ("The ship dropped anchor near the harbour.", "The evening news anchor retired last year."),
    "Token": ("She gave him a small token of appreciation.", "Keep a bus token in your coat pocket."),
    "Shrinkage": ("Shrinkage of wool sweaters in a hot wash is common.",),
    "Warmup": ("A short warmup before the match prevents injuries.",),
    "Batch": ("She baked a batch of cookies for the neighbours.",),
    "Window": ("Open the window if the kitchen gets too warm.",),
    "Bridge": ("The bridge over the river was closed for repairs.",),
    "Lens": ("He cleaned the camera lens with a soft cloth.",),
    "Echo": ("Our voices made an echo in the canyon.",),
    "Filter": ("Replace the coffee filter every morning.",),
    "Margin": ("She wrote notes in the margin of the novel.",),
    "Reward": ("A reward was offered for the lost cat.",),
    "Fusion": ("The restaurant down the road serves fusion cuisine.",),
    "Distillation": ("The distillation of whisky takes years.",),
    "Calibration": ("Calibration of the kitchen scale is done once a year.",),
    "Alignment": ("The garage checked the wheel alignment.",),
    "Forest": ("We took a long walk in the forest.",),
    "Head": ("The head of the department signed the form.",),
    "Cell": ("The monk lived in a tiny stone cell.",),
    "Layer": ("A layer of dust covered the shelf.",),
    "Tree": ("The oak tree in the yard is a century old.",),
    "Flow": ("The flow of traffic slowed near the stadium.",),
    "Mixing": ("Mixing paint colours is fun for kids.",),
}
COMMON_SINGLE = [w for w in EVERYDAY if " " not in w]
GENERIC = ("Overview", "Key Ideas", "Practical Notes")

# ---------------------------------------------------------------------------
# Prose material.  Pools are filtered so that common concept words only appear where
# they are meant to (mentions and everyday sentences).

OBJ = ("estimate", "parameter vector", "weight matrix", "scoring rule", "objective", "posterior",
       "decision boundary", "feature map", "latent code", "hidden state", "residual", "covariance",
       "likelihood", "prior", "threshold", "step size", "learning rate", "loss surface", "codebook",
       "projection", "partition", "trajectory", "ensemble average", "confidence interval", "tail bound")
DATA = ("tabular data", "short sequences", "sparse counts", "image patches", "sensor logs", "click streams",
        "audio frames", "survey answers", "graph snapshots", "labelled pairs", "unlabelled rows")
VP = ("maps inputs to a compact code", "reduces variance on small samples", "trades accuracy for speed",
      "keeps the optimisation stable", "handles missing values gracefully", "scales to millions of rows",
      "needs careful tuning of one knob", "converges in a few passes", "is cheap at inference time",
      "copes with heavy-tailed targets", "exploits local structure", "shares statistics across groups",
      "avoids storing the full history", "works best with standardised inputs")
PART = ("penalty term", "normalisation step", "projection head", "mixing coefficient", "side channel",
        "second pass", "shared table", "temperature knob", "lookup table", "skip path")
ADJ = ("lightweight", "classic", "probabilistic", "greedy", "hierarchical", "sparse", "robust", "online",
       "two-stage", "nonparametric", "contrastive", "recursive", "amortised", "implicit")
KIND = ("method", "technique", "model family", "estimator", "procedure", "architecture", "objective",
        "regularisation scheme", "training recipe", "inference routine")
NUMS = ("0.5", "0.01", "1e-3", "3.14", "0.001", "2.5", "0.9", "0.999", "1.0", "12.5", "0.07", "4.2", "0.25",
        "1e-5", "7.5", "0.33", "99.9", "0.618")
UNI = ("μ = 0.0 and σ² = 1.0", "x → f(x) → ŷ", "α ∈ [0, 1]", "λ ≈ 0.1", "Σᵢ wᵢxᵢ", "β₁ = 0.9, β₂ = 0.999",
       "θ ← θ − η·∇L", "p(z|x) ∝ p(x|z)·p(z)", "‖w‖² ≤ C", "τ → 0", "Δ ≈ 1e-4", "ε ~ N(0, σ²)",
       "O(n·log n)", "κ(x, x′) = exp(−γ‖x − x′‖²)", "ρ ≥ 0.8", "φ: ℝᵈ → ℝᵏ")
CODE = ("`fit(X, y)`", "`lr=0.5`", "`predict_proba(X_test)`", "`np.mean(a, axis=0)`", "`torch.nn.Linear(64, 32)`",
        "`max_iter=200`", "`random_state=42`", "`tol=1e-4`", "`x.reshape(-1, 1)`", "`score(X_val, y_val)`")

FILLER_T = (
    "The {o} is estimated from {d} with a step size of {n}.",
    "In practice, the {o} is tuned on a held-out split (e.g. {p}% of rows).",
    "The update reads {u}, i.e. a small move against the slope of the objective.",
    "A typical setting is {c}, which gives about {n} error on {d}.",
    "Most implementations expose the {o} through {c}.",
    "With {u}, the {o} stays bounded even on {d}.",
    "It {v}, i.e. the {o} is reused across runs.",
    "Reported numbers vary: {p}% on {d}, {n} on harder splits.",
    "The cost is roughly {u} per pass over the {d}.",
    "A {a} view treats the {o} as a random quantity with {u}.",
    "Values near {n} are common, e.g. when the {d} are short.",
    "Set {c} first; the {o} rarely needs more than {k} passes.",
    "The {a} formulation {v}.",
    "Note that {u} holds only when the {o} is well conditioned.",
    "Checks on {d} show a gain of {n} points, i.e. {p}% fewer mistakes.",
    "Practitioners report that it {v} (cf. Sec. {k}.{k2}).",
    "The {o} at step t depends on the {o} at step t − 1 via {u}.",
    "Approx. {k} hyper-parameters matter; the rest can stay at defaults such as {c}.",
)
SIMPLE_T = (
    "Think of it as a recipe card: you give it {d} and it returns a {o}.",
    "It is a shortcut: instead of checking every option, it {v}.",
    "Most of the time the default settings work fine.",
    "Imagine sorting a drawer of spoons by size; this does the same for {d}.",
    "Start simple, measure, then adjust one knob at a time.",
    "It {v}, which is why people like it.",
    "The main idea fits on a postcard: learn a {o}, then reuse it.",
    "If it feels slow, try a smaller {o} first.",
    "It is like a thermostat that learns the right {o} for the room.",
    "Good results usually come within {k} tries.",
)
EXAMPLE_TEXT_T = (
    "Input: [0.2, 0.5, 0.9] → output {n}",
    "- Step {k}: update the {o} ({u})",
    "- Result: {p}% of cases handled, {n} average error",
    "Dataset: {k}00 rows of {d}",
    "Baseline: {n}  |  this method: {n2}",
    "Run time: {k}.{k2} s on a laptop",
    "Observation: the {o} settles after {k} passes",
)
IN_CL = ("{T} extends {Y}", "{T} is built on {Y}", "{T} is a variant of {Y}", "{T} is a kind of {Y}",
         "{T} extends {Y} with an extra {r}", "{T} is built on {Y} and keeps its {r}",
         "{T} is a variant of {Y} that {v}")
OUT_CL = ("{N} is a foundation for {Y}", "{Y} builds on this", "{Y} is a kind of {N}", "{Y} builds on this idea",
          "{N} is a foundation for {Y} in later work", "{Y} builds on this and {v}")
NEU_PRE = ("unlike {Y}", "instead of {Y}", "compared to {Y}", "combined with {Y}", "as with methods such as {Y}",
           "much like related tools (e.g. {Y})")
NEU_FULL = ("{T} is used for {Y}", "no {Y} needed", "methods such as {Y} are close relatives",
            "{T} is often combined with {Y}", "{T} is compared to {Y} in most benchmarks",
            "{T} works instead of {Y} when labels are scarce", "related tools (e.g. {Y}) share the same inputs",
            "unlike {Y}, {T} {v}")
LIST_T = ("Close relatives ({A}, {B}, {C}) share the same inputs.",
          "It is compared to methods such as {A}, {B} and {C}.",
          "Alternatives (e.g. {A}, {B}, {C}) trade speed for accuracy.",
          "Unlike {A}, {B} or {C}, it {v}.")
SUB_HEADS = ("Methods", "Models", "Techniques", "Foundations", "Variants", "Estimators", "Architectures",
             "Objectives", "Practices", "Systems", "Basics", "Extensions")
SEC_HEADS = ("Learning", "Modeling", "Systems", "Inference", "Analysis", "Methods", "Theory")

ONSETS = ("b", "br", "d", "dr", "f", "fl", "g", "gr", "k", "kr", "l", "m", "n", "p", "pl", "r", "s", "sk",
          "st", "t", "tr", "v", "z", "th", "sh", "j", "gl", "h", "c", "ch")
MIDS = ("b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "th", "nd", "nt", "rd", "st")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou", "y")
CODAS = ("", "", "", "n", "r", "l", "m")
ENDS = ("el", "ic", "or", "ax", "en", "ul", "ix", "ane", "oth", "ard", "ine", "ek", "ova", "um", "ir", "ent")
_RUDE = re.compile(r"sex|fu[ck]|cum|nig|ass|tit|dik|dick|cock|porn|kill|rape|nazi|shit|pis|poo|slut|jiz|fag|cun")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def _plural_word(w: str) -> str:
    lw = w.lower()
    if lw.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    if len(lw) > 1 and lw.endswith("y") and lw[-2] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def _plural(name: str) -> str:
    head, sep, last = name.rpartition(" ")
    if "-" in last and not sep:
        head, sep, last = name.rpartition("-")
    return head + sep + _plural_word(last)


def _norm(name: str) -> str:
    return name.lower().replace("-", " ")


def _make_pools(rng: random.Random):
    """Filler/simple/example-text sentence pools, filtered against common concept words."""
    bad = re.compile(r"\b(" + "|".join(re.escape(w.lower()) for w in EVERYDAY) + r")(s|es)?\b", re.I)
    ch, ri = rng.choice, rng.randint

    article = re.compile(r"\b([Aa]) (?=[aeiou])")

    def fill(t):
        return article.sub(r"\1n ", _fill(t))

    def _fill(t):
        return t.format(o=ch(OBJ), d=ch(DATA), n=ch(NUMS), n2=ch(NUMS), p=ri(1, 99), u=ch(UNI), c=ch(CODE),
                        v=ch(VP), a=ch(ADJ), k=ri(2, 9), k2=ri(1, 9))

    def pool(templates, size):
        out = []
        while len(out) < size:
            s = fill(ch(templates))
            if not bad.search(s):
                out.append(s)
        return out

    filler = pool(FILLER_T, 3000)
    simple = pool(SIMPLE_T, 800)
    extext = pool(EXAMPLE_TEXT_T, 800)
    vocab = set()
    for group in (filler, simple, extext, OBJ, DATA, VP, PART, ADJ, KIND, SUB_HEADS, SEC_HEADS, IN_CL, OUT_CL,
                  NEU_PRE, NEU_FULL, LIST_T, tuple(s for v in EVERYDAY.values() for s in v), tuple(EVERYDAY)):
        for s in group:
            vocab.update(re.findall(r"[a-z]+", s.lower()))
    return filler, simple, extext, vocab, bad


# ---------------------------------------------------------------------------
# The plan: layout, names, acronyms, ids, mentions.  Everything here is O(N).

class Plan:
    pass


def _layout(n: int, rng: random.Random):
    """-> list of files; a file is a list of sections; a section is a list of subsection sizes."""
    if n >= 6000:
        lo, hi = 200, 2000
    else:   # small corpora still get several files
        lo, hi = max(3, min(200, n // 12)), max(6, min(2000, n // 3))
    sizes, rem = [], n
    while rem > 0:
        s = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
        if rem - s < lo // 2:
            s = rem
        sizes.append(min(s, rem))
        rem -= sizes[-1]
    files = []
    for fs in sizes:
        k = min(fs, rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0])
        w = [rng.expovariate(1.0) + 0.05 for _ in range(k)]
        tot = sum(w)
        secs = [max(1, int(fs * x / tot)) for x in w]
        secs[-1] = fs - sum(secs[:-1])
        while secs[-1] < 1:  # rounding overflow: take from the largest
            j = secs.index(max(secs[:-1]))
            secs[j] -= 1
            secs[-1] += 1
        sections = []
        for ss in secs:
            subs = []
            if ss < 3 or rng.random() < 0.12:
                subs = [ss]
            else:
                rem2 = ss
                giant = 0
                if ss >= 600 and rng.random() < 0.6:
                    giant = rng.randint(500, max(500, int(ss * 0.85)))
                    rem2 -= giant
                while rem2 > 0:
                    r = rng.random()
                    if r < 0.25:
                        z = 1
                    elif r < 0.75:
                        z = rng.randint(2, 12)
                    elif r < 0.95:
                        z = rng.randint(13, 60)
                    else:
                        z = rng.randint(61, 200)
                    z = min(z, rem2)
                    subs.append(z)
                    rem2 -= z
                if giant:
                    subs.insert(rng.randint(0, len(subs)), giant)
            sections.append(subs)
        files.append(sections)
    return files


def plan(n: int, seed: int = 0) -> Plan:
    rng = random.Random(seed)
    rr, ch, ri = rng.random, rng.choice, rng.randint
    P = Plan()
    P.n = n
    P.rng = rng
    P.filler, P.simple, P.extext, vocab, _ = _make_pools(random.Random(seed * 7919 + 17))
    P.files = _layout(n, rng)

    # --- positions
    sec_of = [0] * n          # global section number (1-based)
    sub_of = [0] * n          # subsection number within section
    num_of = [0] * n          # entry number within subsection
    sec_range = {}            # section -> (start, end)
    i = 0
    secno = 0
    for f in P.files:
        for subs in f:
            secno += 1
            start = i
            for m, size in enumerate(subs, 1):
                for k in range(1, size + 1):
                    sec_of[i], sub_of[i], num_of[i] = secno, m, k
                    i += 1
            sec_range[secno] = (start, i)
    P.sec_of, P.sub_of, P.num_of, P.sec_range, P.nsec = sec_of, sub_of, num_of, sec_range, secno

    # --- pseudo-words
    words_seen = set(vocab)
    words_seen.update(w.lower() for w in EVERYDAY)
    pwords = []

    def pword():
        for _ in range(100):
            if rr() < 0.5:
                w = ch(ONSETS) + ch(VOWELS) + ch(CODAS) + ch(MIDS) + ch(ENDS)
            else:
                w = ch(ONSETS) + ch(VOWELS) + ch(MIDS) + ch(ENDS)
                if rr() < 0.3:
                    w = ch(ONSETS) + ch(VOWELS) + ch(MIDS) + ch(VOWELS) + ch(MIDS) + ch(ENDS)
            if len(w) < 4 or w in words_seen or _RUDE.search(w) or w.endswith("s"):
                continue
            words_seen.add(w)
            w = w.capitalize()
            pwords.append(w)
            return w
        return ch(pwords)

    n_pw = max(200, int(n * 0.6))
    for _ in range(n_pw):
        pword()
    P.pwords = pwords

    def some_pw():
        # mostly reuse the pool (shared words make partial overlaps), sometimes a fresh one
        return pword() if rr() < 0.15 else ch(pwords)

    # --- names
    taken = set()   # normalised names + plurals (and alternative names)

    def free(nm):
        k = _norm(nm)
        return k not in taken and _norm(_plural(nm)) not in taken

    def take(nm):
        taken.add(_norm(nm))
        taken.add(_norm(_plural(nm)))

    singles = COMMON_SINGLE[:]
    rng.shuffle(singles)
    specials = ["Early Stopping"]
    names = [""] * n
    is_common = bytearray(n)
    short_idx = []   # entries with 1-2 word names, bases for extensions

    for i in range(n):
        nm = None
        r = rr()
        if r >= 0.997:  # a generic title many entries share
            nm = ch(GENERIC)
        elif r < 0.10:
            is_common[i] = 1
            while singles and nm is None:
                c = singles.pop()
                if free(c):
                    nm = c
            if nm is None and specials:
                nm = specials.pop()
            for _ in range(10):
                if nm is not None:
                    break
                if rr() < 0.5:
                    c = ch(COMMON_SINGLE) + " " + ch(COMMON_SINGLE)
                else:
                    c = (some_pw() + " " + ch(COMMON_SINGLE)) if rr() < 0.6 else (ch(COMMON_SINGLE) + " " + some_pw())
                if free(c) and len(set(c.split())) == len(c.split()):
                    nm = c
        elif r < 0.20 and short_idx:
            base = names[ch(short_idx)]
            for _ in range(10):
                ext = some_pw() if rr() < 0.75 else ch(COMMON_SINGLE)
                c = base + " " + ext if rr() < 0.7 else ext + " " + base
                if free(c):
                    nm = c
                    break
        while nm is None:
            k = rng.choices((1, 2, 3), (30, 45, 25))[0]
            ws = [some_pw() for _ in range(k)]
            if k >= 2 and rr() < 0.12:
                ws[0:2] = [ws[0] + "-" + ws[1]]
            c = " ".join(ws)
            if rr() < 0.02:
                c += " " + ch(("2D", "3D", "V2", "X4", "9B"))
            if len(set(_norm(c).split())) == len(_norm(c).split()) and free(c):
                nm = c
        take(nm)
        names[i] = nm
        if len(nm.split()) <= 2 and nm not in GENERIC:
            short_idx.append(i)
    P.names, P.is_common = names, is_common

    # --- acronyms, alternative names, titles, ids
    acr = [None] * n
    plural_title = bytearray(n)
    alt = [None] * n
    acr_owner = {}   # acronym -> first entry
    acr_list = []
    used_ids = set()
    ids = [""] * n
    titles = [""] * n
    letters = "ABCDEFGHIJKLMNOPRSTVWXZ"
    for i in range(n):
        nm = names[i]
        r = rr()
        if r < 0.30:
            a = None
            r2 = rr()
            if r2 < 0.08 and acr_list:          # same acronym, another concept in another section
                for _ in range(5):
                    j = ch(acr_list)
                    if sec_of[j] != sec_of[i]:
                        a = acr[j]
                        break
            elif r2 < 0.13 and acr_list:        # differs only in case
                b = acr[ch(acr_list)]
                core = b[:-1] if b.endswith("s") and len(b) > 2 else b
                if any(c.islower() for c in core):
                    c2 = core.upper()
                else:
                    p = ri(1, len(core) - 1)
                    c2 = core[:p] + core[p].lower() + core[p + 1:]
                a = c2 + ((core != b and "s") or "")
            if a is None:
                ws = [w for w in _norm(nm).split() if w.isalpha()]
                ini = "".join(w[0] for w in ws).upper()
                target = ri(2, 5)
                extra = [c for w in ws for c in w[1:] if c.isalpha() and c not in "aeiouy"]
                core = ini
                while len(core) < target:
                    core += (extra.pop(0).upper() if extra else ch(letters))
                core = core[:5]
                for _ in range(3):
                    if core not in acr_owner:
                        break
                    core = (core[:-1] if len(core) >= 4 else core) + ch(letters)
                r3 = rr()
                if r3 < 0.15 and len(core) >= 2:      # ReLU-style
                    w0 = ws[0]
                    low = next((c for c in w0[1:] if c.isalpha()), "e")
                    a = (core[0] + low + core[1:])[:5] if len(core) < 5 else core[0] + low + core[1:4]
                elif r3 < 0.25:                       # plural-looking, plural title
                    a = core[:4] + "s"
                else:
                    a = core
            if a.endswith("s") and len(a) > 2 and a[-2].isupper():
                plural_title[i] = 1
            acr[i] = a
            acr_owner.setdefault(a, i)
            acr_list.append(i)
        elif r < 0.34:
            c = ch(COMMON_SINGLE) if rr() < 0.3 else some_pw() + (" " + some_pw() if rr() < 0.5 else "")
            if free(c):
                take(c)
                alt[i] = c
        shown = _plural(nm) if plural_title[i] else nm
        if acr[i]:
            titles[i] = f"{shown} ({acr[i]})" if rr() < 0.75 else f"{acr[i]} ({shown})"
        elif alt[i]:
            titles[i] = f"{nm} ({alt[i]})"
        else:
            titles[i] = nm
        cand = _slug(acr[i]) if acr[i] and rr() < 0.8 else _slug(nm)
        if cand in used_ids:
            cand = _slug(nm)
        base, k = cand, 2
        while cand in used_ids:
            cand = f"{base}-{k}"
            k += 1
        used_ids.add(cand)
        ids[i] = cand
    P.acr, P.alt, P.plural_title, P.titles, P.ids = acr, alt, plural_title, titles, ids
    del used_ids

    # --- mentions: (target, kind) with kind 0 = target is a prerequisite of this entry,
    #     1 = this entry is a prerequisite of target, 2 = neutral cue (unlike, compared to, ...).
    #
    # The prerequisite edges the cues spell out are a DAG backbone plus planted cycles:
    #   * backbone: the first entry of every subsection is a hub, its first three entries
    #     are its core; hubs build on 1-2 other hubs (hub index order); every other entry
    #     builds on one core entry of its subsection and on 0-2 hubs of other sections
    #     (earlier or later in the files, so forward references are common).  Only core
    #     entries have backbone descendants, and they take no part in the planted cycles,
    #     so the backbone is acyclic and never glues planted cycles together;
    #   * planted cycles among the other entries: big tangles (a ring over hundreds of
    #     random entries plus one random chord per node; disjoint from each other), long
    #     rings across sections, triangles and mutual pairs (A extends B, B extends A);
    #     tangles and rings are disjoint; triangles and pairs may share entries with them,
    #     which merges a few into mid-sized strongly connected components;
    #   * neutral mentions fill every entry up to 2-6 mentions, anywhere in the corpus; a
    #     builder that reads them as prerequisites sees one giant strongly connected tangle.
    CAP = 6
    ments = [[] for _ in range(n)]
    prereq_edges = []  # (u, v): u prerequisite of v, as written

    def put(host, tgt, kind):
        lst = ments[host]
        if len(lst) >= CAP or host == tgt:
            return False
        for t, _ in lst:
            if t == tgt:
                return False
        lst.append((tgt, kind))
        return True

    def edge(u, v, back=0.8):
        if u == v:
            return False
        # host v says "v extends u" (kind 0) or host u says "u is a foundation for v" (kind 1);
        # the host is chosen so the mention points back with probability `back`
        a_back = u < v
        prefer_a = rr() < (back if a_back else 1.0 - back)
        opts = ((v, u, 0), (u, v, 1)) if prefer_a else ((u, v, 1), (v, u, 0))
        for host, tgt, kind in opts:
            if put(host, tgt, kind):
                prereq_edges.append((u, v))
                return True
        return False

    sub_start = [0] * n
    hubs = []
    is_hub = bytearray(n)
    for i in range(n):
        if i == 0 or num_of[i] == 1:
            hubs.append(i)
            is_hub[i] = 1
        sub_start[i] = i - num_of[i] + 1
    nonhubs = [i for i in range(n) if not is_hub[i]]
    free_nodes = [i for i in nonhubs if num_of[i] > 3]
    if len(free_nodes) < n // 4:
        free_nodes = nonhubs if len(nonhubs) >= 10 else list(range(n))
    P.hubs = hubs

    def rand_nodes(k):
        return rng.sample(free_nodes, k)

    tangles = []
    if n >= 2000:
        nt = 2 + n // 40000 if n >= 10000 else 1
        fresh = free_nodes[:]
        rng.shuffle(fresh)
        for _ in range(nt):
            size = ri(200, 600) if n >= 10000 else max(20, n // 20)
            nodes, fresh = fresh[:size], fresh[size:]
            tangles.append(nodes)
            for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=False):
                edge(a, b)
            for a in nodes:
                edge(a, ch(nodes))
    P.tangles = tangles
    if n >= 20:
        budget = int(n * 0.06)
        if not tangles:
            fresh = free_nodes[:]
            rng.shuffle(fresh)
        while budget > 0:
            L = min(budget, ri(6, max(6, min(80, n // 4))))
            if L < 3 or len(fresh) < L:
                break
            nodes, fresh = fresh[-L:], fresh[:-L]
            for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=False):
                edge(a, b)
            budget -= L
        # triangles and pairs mostly use fresh entries; 1 in 20 may touch another structure
        for _ in range(int(n * 0.015)):
            if len(fresh) >= 3 and rr() < 0.95:
                a, b, c = fresh.pop(), fresh.pop(), fresh.pop()
            else:
                a, b, c = rand_nodes(3)
            edge(a, b), edge(b, c), edge(c, a)
    else:
        fresh = []
    if n >= 4:
        fresh_set = set(fresh)
        for _ in range(int(n * 0.03)):
            a = fresh.pop() if fresh and rr() < 0.95 else rand_nodes(1)[0]
            fresh_set.discard(a)
            s0, s1 = sec_range[sec_of[a]]
            b = -1
            if rr() < 0.5:           # same section
                for _ in range(5):
                    b = ri(s0, s1 - 1)
                    if b in fresh_set:
                        break
            else:
                b = fresh.pop() if fresh else rand_nodes(1)[0]
            if b < 0 or rr() < 0.05:
                b = rand_nodes(1)[0]
            fresh_set.discard(b)
            if a != b and num_of[b] > 3:
                edge(a, b), edge(b, a)

    # backbone
    hub_pos = {h: k for k, h in enumerate(hubs)}
    for k, h in enumerate(hubs[1:], 1):
        for _ in range(ch((1, 1, 2))):
            edge(hubs[ri(max(0, k - 40) if rr() < 0.5 else 0, k - 1)], h)
    nh = len(hubs)
    for i in nonhubs:
        s = sub_start[i]
        edge(ri(s, min(i - 1, s + 2)), i, 0.75)
        if nh > 1:
            for _ in range(ch((0, 1, 1, 1, 2))):
                for _ in range(4):
                    h = hubs[ri(0, nh - 1)] if rr() < 0.5 else hubs[ri(0, max(0, min(nh - 1, hub_pos[s] - 1)))]
                    if sec_of[h] != sec_of[i]:
                        edge(h, i, 0.9)
                        break
    del hub_pos

    # neutral mentions: fill every entry to 2-6 mentions
    wants = (2, 2, 3, 3, 3, 4, 4, 5, 6)
    for i in range(n):
        lst = ments[i]
        need = ch(wants) - len(lst)
        s0, s1 = sec_range[sec_of[i]]
        tries = 0
        while need > 0 and tries < 20 and n > 1:
            tries += 1
            fwd = rr() < 0.25
            cross = rr() < 0.5
            # ranges by (cross, forward); an empty one falls back to the other locality
            # in the same direction first, then to the other direction
            rngs = {(1, 1): (s1, n), (1, 0): (0, s0), (0, 1): (i + 1, s1), (0, 0): (s0, i)}
            for key in ((cross, fwd), (not cross, fwd), (cross, not fwd), (not cross, not fwd)):
                lo_, hi_ = rngs[(int(key[0]), int(key[1]))]
                if hi_ > lo_:
                    break
            else:
                lo_, hi_ = 0, n
            if put(i, ri(lo_, hi_ - 1), 2):
                need -= 1
    P.ments = ments
    P.prereq_edges = prereq_edges
    return P


# ---------------------------------------------------------------------------
# Rendering

def _renderer(P: Plan):
    rng = P.rng
    rr, ch, ri = rng.random, rng.choice, rng.randint
    names, acr, alt, plural_title, titles, ids = P.names, P.acr, P.alt, P.plural_title, P.titles, P.ids
    filler, simple, extext = P.filler, P.simple, P.extext
    everyday_all = [s for w in EVERYDAY for s in EVERYDAY[w]]

    def surface(j):
        a = acr[j]
        r = rr()
        if a is not None and r < 0.45:
            if plural_title[j]:
                return a if rr() < 0.5 else a[:-1]
            return a + "s" if rr() < 0.1 else a
        if alt[j] is not None and r < 0.55:
            return alt[j]
        nm = names[j]
        r = rr()
        if r < 0.38:
            return _plural(nm) if plural_title[j] else nm
        if r < 0.62:
            return nm.lower()
        if r < 0.84:
            return _plural(nm) if rr() < 0.6 else _plural(nm).lower()
        if " " in nm and "-" not in nm:
            return nm.replace(" ", "-").lower() if rr() < 0.6 else nm.replace(" ", "-")
        if "-" in nm:
            return nm.replace("-", " ")
        return nm

    def selfref(i):
        r = rr()
        if r < 0.45:
            return _plural(names[i]) if plural_title[i] else names[i]
        if r < 0.6 and acr[i]:
            return acr[i]
        if r < 0.85:
            return "it"
        return "this method"

    def fmt(t, i, y):
        return t.format(T=selfref(i), N=names[i], Y=y, r=ch(PART), v=ch(VP))

    def clause(i, tgt, kind):
        y = surface(tgt)
        if kind == 0:
            return fmt(ch(IN_CL), i, y)
        if kind == 1:
            return fmt(ch(OUT_CL), i, y)
        return fmt(ch(NEU_FULL), i, y)

    def sentences(i, ms):
        """Cue sentences for a list of (target, kind), several mentions per sentence, cues mixed."""
        out = []
        k = 0
        L = len(ms)
        while k < L:
            r = rr()
            if r < 0.5 and k + 2 < L and ms[k][1] == ms[k + 1][1] == ms[k + 2][1] == 2:
                a, b, c = (surface(t) for t, _ in ms[k:k + 3])
                out.append(ch(LIST_T).format(A=a, B=b, C=c, v=ch(VP)))
                k += 3
            elif r < 0.5 and k + 1 < L:
                (t1, k1), (t2, k2) = ms[k], ms[k + 1]
                if k1 == 2 and k2 != 2:
                    out.append(_cap(ch(NEU_PRE).format(Y=surface(t1))) + ", " + clause(i, t2, k2) + ".")
                elif k2 == 2 and k1 != 2:
                    out.append(_cap(clause(i, t1, k1)) + ", " + ch(NEU_PRE).format(Y=surface(t2)) + ".")
                else:
                    out.append(_cap(clause(i, t1, k1)) + ch((", and ", "; ", ", while ", " and ")) +
                               clause(i, t2, k2) + ".")
                k += 2
            else:
                t, kd = ms[k]
                out.append(_cap(clause(i, t, kd)) + ".")
                k += 1
        return out

    def code_lines(i, k):
        cls = "".join(w.capitalize() for w in re.split(r"[ -]", names[i]) if w.isalnum())
        if not cls or not cls[0].isalpha():
            cls = "Model" + cls
        lines = [f"from mlkit.models import {cls}", f"model = {cls}(alpha={ch(NUMS)}, depth={ri(2, 9)})"]
        pool = ("model.fit(X_train, y_train)", "scores = model.score(X_val, y_val)",
                f"# defaults: lr={ch(NUMS)}, tol={ch(NUMS)}", "for epoch in range(10):",
                "    loss = model.step(batch_x, batch_y)", f"print(f\"{{scores:.3f}}\")  # ≈ {ch(NUMS)}",
                "preds = model.predict(X_test)", f"assert abs(mu - {ch(NUMS)}) < 1e-3",
                "# σ² is estimated per feature", "X = np.random.randn(1000, 16)",
                "history.append({'step': t, 'value': v})")
        for _ in range(k):
            lines.append(ch(pool))
        return lines

    def example(i, ms):
        parts = []
        pre = [_cap(s) for s in sentences(i, ms)] if ms else []
        r = rr()
        if rr() < 0.03:      # long code example
            parts.extend(pre)
            parts.append("```python")
            parts.extend(code_lines(i, ri(40, 200)))
            parts.append("```")
            return "\n".join(parts)
        if r < 0.3:          # plain lines and bullets
            parts.append(f"{ch(simple)}")
            parts.extend(pre)
            for _ in range(ri(2, 6)):
                parts.append(ch(extext))
        elif r < 0.6:        # one bare fence
            parts.extend(pre)
            parts.append("```")
            for _ in range(ri(2, 7)):
                parts.append(ch(extext))
            parts.append("```")
        elif r < 0.8:        # text then python
            parts.append(ch(extext))
            parts.extend(pre)
            parts.append("")
            parts.append("```python")
            parts.extend(code_lines(i, ri(1, 6)))
            parts.append("```")
        elif r < 0.9:        # outer bare fence holding ```python lines; only the bare ``` closes
            parts.extend(pre)
            parts.append("```")
            parts.append(ch(extext))
            for _ in range(ri(1, 2)):
                parts.append(ch(("```python", "```py", "```text")))
                parts.extend(code_lines(i, ri(1, 4)))
            parts.append("```")
        else:                # fence then interpretation text
            parts.extend(pre)
            parts.append("```")
            for _ in range(ri(2, 5)):
                parts.append(ch(extext))
            parts.append("```")
            parts.append("")
            parts.append("Interpretation: " + ch(simple))
        return "\n".join(parts)

    def entry(i, number, parent):
        ms = P.ments[i][:]
        rng.shuffle(ms)
        full_m, simple_m, ex_m = [], [], []
        for m in ms:
            r = rr()
            (full_m if r < 0.8 else simple_m if r < 0.9 else ex_m).append(m)
        nm = _plural(names[i]) if plural_title[i] else names[i]
        adj = ch(ADJ)
        verb = "are" if plural_title[i] else ("is an" if adj[0] in "aeiou" else "is a")
        opening = f"{nm} {verb} {adj} {ch(KIND)}{'s' if plural_title[i] else ''} that {ch(VP)}."
        cues = sentences(i, full_m)
        long_ = rr() < 0.035
        if rr() < 0.002:  # a wall of text: one line naming hundreds of concepts, as sentences or as one sentence
            said = [ch(NEU_PRE).format(Y=surface(ri(0, len(names) - 1))) + " in case " + str(k)
                    for k in range(ri(300, 1500))]
            full = opening + " " + (" ".join(_cap(x) + "." for x in said) if rr() < 0.5 else
                                    "When it runs, " + ", then ".join(said) + ".")
        elif long_:
            target = ri(2000, 8000)
            paras, cur, size = [], [opening], len(opening)
            every = [ch(everyday_all) for _ in range(ri(1, 3))]
            pending = cues + every
            rng.shuffle(pending)
            while size < target:
                s = pending.pop() if pending and rr() < 0.25 else ch(filler)
                cur.append(s)
                size += len(s) + 1
                if len(cur) >= ri(5, 10):
                    paras.append(" ".join(cur))
                    cur = []
                    if rr() < 0.3:
                        paras.append("\n".join("- " + ch(filler) for _ in range(ri(2, 5))))
            cur.extend(pending)
            if cur:
                paras.append(" ".join(cur))
            full = "\n\n".join(paras)
        else:
            sents = cues + [ch(filler) for _ in range(ri(1, 4))]
            if rr() < 0.3:
                sents.append(ch(everyday_all))
            rng.shuffle(sents)
            full = opening + " " + " ".join(sents)
            if rr() < 0.08:
                full += "\n" + "\n".join("- " + ch(filler) for _ in range(ri(2, 4)))
        ss = [ch(simple) for _ in range(ri(1, 3))] + sentences(i, simple_m)
        if rr() < 0.1:
            ss.append(ch(everyday_all))
        simple_t = " ".join(ss)
        ex = example(i, ex_m)
        return (f"#### {number} {titles[i]}\n\n**ID:** `{ids[i]}`\n**Parent:** `{parent}`\n\n"
                f"**Full Explanation:**\n{full}\n\n**Simple Explanation:**\n{simple_t}\n\n"
                f"**Example:**\n{ex}")

    return entry


def _title_words(rng, pwords, k):
    return " ".join(rng.choice(pwords) for _ in range(k))


def write(n: int, outdir, seed: int = 0, clean: bool = False) -> dict:
    """Write an n-entry adversarial corpus into outdir; returns {"entries", "files", "bytes"}.

    Other ``.md`` files in outdir are an error unless ``clean`` is set, which deletes them.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    P = plan(n, seed)
    rng = P.rng
    entry = _renderer(P)
    width = max(2, len(str(P.nsec)))
    # file names and titles first, to check stale files before writing
    specs = []
    secno = 0
    for f in P.files:
        first = secno + 1
        sec_titles = []
        for _ in f:
            secno += 1
            sec_titles.append(f"{_title_words(rng, P.pwords, rng.randint(1, 2))} {rng.choice(SEC_HEADS)}")
        last = secno
        ftitle = " & ".join(sec_titles[:2]) if len(sec_titles) > 1 else sec_titles[0]
        rng_name = f"{first:0{width}d}-{last:0{width}d}" if last > first else f"{first:0{width}d}"
        fname = f"{rng_name}-{_slug(ftitle)[:60].strip('-')}.md"
        head = (f"# ML Cheatsheet Content - Sections {first}-{last}: {ftitle}" if last > first
                else f"# ML Cheatsheet Content - Section {first}: {ftitle}")
        specs.append((fname, head, first, sec_titles))
    wanted = {s[0] for s in specs}
    stale = sorted(p for p in outdir.glob("*.md") if p.name not in wanted)
    if stale and not clean:
        raise FileExistsError(f"{outdir} holds other .md files ({stale[0].name}, ...); use --clean to delete them")
    for p in stale:
        p.unlink()

    i = 0
    total = 0
    for (fname, head, first, sec_titles), sections in zip(specs, P.files, strict=False):
        path = outdir / fname
        with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            w = fh.write
            w(head + "\n\n")
            started = False
            for si, subs in enumerate(sections):
                sno = first + si
                stitle = sec_titles[si].upper()
                if rng.random() < 0.5:
                    stitle += " - " + _title_words(rng, P.pwords, 1).upper()
                if started:
                    w("\n\n---\n\n")
                w(f"## {sno}. {stitle}\n\n")
                for m, size in enumerate(subs, 1):
                    if m > 1:
                        w("\n\n---\n\n")
                    if P.acr[i] and rng.random() < 0.4:
                        sub_title = f"{_plural(P.names[i])} ({P.acr[i] if P.plural_title[i] else P.acr[i] + 's'})"
                    else:
                        sub_title = f"{_title_words(rng, P.pwords, 1)} {rng.choice(SUB_HEADS)}"
                    w(f"### {sno}.{m} {sub_title}\n\n---\n\n")
                    parent = f"{sno}.{m}"
                    for k in range(1, size + 1):
                        if k > 1:
                            w("\n\n---\n\n")
                        w(entry(i, f"{parent}.{k}", parent))
                        i += 1
                    started = True
            w("\n")
        total += path.stat().st_size
    assert i == n
    return {"entries": n, "files": len(specs), "bytes": total}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write an adversarial synthetic N-entry cheatsheet corpus into OUTDIR.")
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
        print(f"hard: {exc}", file=sys.stderr)
        return 1
    print(f"{s['entries']} entries, {s['files']} files, {s['bytes']:,} bytes "
          f"({s['bytes'] / 1e6:.1f} MB) in {args.outdir} [seed {args.seed}, {time.perf_counter() - t0:.2f} s]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
