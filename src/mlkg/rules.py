"""The rules that type a mention as ``requires`` or ``related``, in one place.

A mention of concept T in the text of concept S is a *vote*.  Each rule
below turns one kind of evidence into a vote for one of three outcomes:

* ``REQUIRES``    – S needs T first (S requires T)
* ``REQUIRED_BY`` – T needs S first (the direction flips: T requires S)
* ``RELATED``     – an association with no learning order

Every rule has a *tier*.  For each pair of concepts, the votes of the
lowest tier present decide the outcome (ties go to ``RELATED``); lower
tiers are more specific evidence.  The confidence of a vote is in [0, 1];
an edge's confidence combines its deciding votes (noisy-OR) and is reduced
when the other outcomes also had support.

To change how mlkg types edges, change this file: the cue phrases, the
tiers and the confidences are all here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REQUIRES = "requires"
REQUIRED_BY = "required-by"
RELATED = "related"


@dataclass(frozen=True)
class Rule:
    name: str
    tier: int
    outcome: str
    confidence: float
    doc: str


# Tier 0: the names themselves.
TITLE_CONTAINS = Rule(
    "title-contains", 0, REQUIRES, 0.95,
    "S's title contains T's name (\"Denoising Autoencoder\" contains \"Autoencoder\"): S is a kind of T.")

# Tier 1: cue phrases around the mention (patterns below).
CUE_FLIP = Rule(
    "cue-foundation", 1, REQUIRED_BY, 0.9,
    "\"foundation for T\", \"basis of T\", \"used in T\", \"T builds on this\": T needs S.")
CUE_INSTANCE = Rule(
    "cue-instance", 1, REQUIRED_BY, 0.8,
    "T, defined later in the same section, is given as an instance of S: \"(DALL-E, T, …)\", "
    "\"such as T\", \"e.g. T\", \"Key algorithms: T\".")
CUE_CONTRAST = Rule(
    "cue-contrast", 1, RELATED, 0.9,
    "\"unlike T\", \"instead of T\", \"rivaling T\", \"simpler than T\", \"compared to T\": a comparison.")
CUE_APPLICATION = Rule(
    "cue-application", 1, RELATED, 0.85,
    "\"Applications: T\", \"used for T\", \"Solutions: T\": T is a use or an alternative, not a prerequisite.")
CUE_USES = Rule(
    "cue-uses", 1, REQUIRES, 0.8,
    "\"extends T\", \"adds … to T\", \"based on T\", \"built on T\", \"a variant of T\", "
    "\"S is a … T\": S builds on T.")

# Tier 2: where the two concepts stand in the sections, and how they cite each other.
SUBSECTION_HEAD = Rule(
    "subsection-head", 2, REQUIRES, 0.75,
    "T heads S's subsection (its name is the subsection's, as gan for \"13.2 GANs\"); "
    "S is one of T's family and is taught after it.")
MUTUAL = Rule(
    "mutual-mention", 2, RELATED, 0.7,
    "S and T mention each other and no cue or structure orders them: peers.")

# Tier 3: document order, and vocabulary.
BACKWARD = Rule(
    "defined-earlier", 3, REQUIRES, 0.7,
    "T is defined before S and S uses T's name: T is usually a prerequisite.")
FORWARD = Rule(
    "defined-later", 3, RELATED, 0.5,
    "T is defined after S: S only points ahead to it.")
ENUMERATION = Rule(
    "cue-enumeration", 3, RELATED, 0.75,
    "T, defined earlier, is one item of a labelled list (\"Tasks: …, T\", \"Approaches: …\", \"Causes: …\"): "
    "an option or a facet, not by itself a prerequisite. Outweighed by other mentions of T.")
NEGATION = Rule(
    "cue-negation", 3, RELATED, 0.75,
    "\"no T needed\", \"without T\", \"combined with T\": S does not build on T.")

SHARED_VOCABULARY = Rule(
    "shared-vocabulary", 3, RELATED, 0.6,
    "S and T sit in the same subsection, neither names the other, and each is the other's most similar "
    "sibling by TF-IDF cosine (at least SIBLING_SIMILARITY): they explain the same idea in other words.")

RULES = (TITLE_CONTAINS, CUE_FLIP, CUE_INSTANCE, CUE_CONTRAST, CUE_APPLICATION, CUE_USES,
         SUBSECTION_HEAD, MUTUAL, BACKWARD, FORWARD, SHARED_VOCABULARY, ENUMERATION, NEGATION)

# A pair whose only votes are document-order votes this weak is not an edge at all
# (a lone mention in an example line, say).
MIN_CONFIDENCE = 0.45

# Sibling entries at least this similar (TF-IDF cosine) may be linked by SHARED_VOCABULARY.
SIBLING_SIMILARITY = 0.10

# Homonyms.  A name that is one ordinary word ("stacking", "attention") may be used in
# its everyday sense: "stacking linear layers", "pays more attention to".  Such a mention
# is dropped when it crosses sections, no cue phrase marks it as a term, and no other
# cross-reference links the two sections: the topics do not otherwise meet.  Acronyms,
# multi-word and hyphenated names are specific enough to be trusted.
HOMONYM_RULE = "lone-word-across-unlinked-sections"

# A mention in the example or the simple explanation is weaker evidence than one in the
# full explanation; the confidence of its vote is multiplied by this factor.
FIELD_FACTOR = {"title": 1.0, "full": 1.0, "simple": 0.85, "example": 0.6}

# A short list may sit between a cue and the mention: "unlike VAEs and GANs".
_LIST = r"(?:[^.;:!?()]{0,60}?(?:,|\band\b|\bor\b)\s*)?(?:[\w-]+\s+){0,2}"

# Each pattern is matched against the text of the sentence *before* the mention.
BEFORE = (
    (CUE_FLIP, ("foundation", "basis", "building block", "prerequisite", "precursor", "groundwork",
                "starting point", "used "), re.compile(
        r"\b(?:(?:foundation|foundations|basis|building blocks?|prerequisite|precursor|groundwork|"
        r"starting point)\s+(?:for|of|to)|used (?:in|by|inside|within))\s+" + _LIST + r"\Z", re.I)),
    (CUE_CONTRAST, ("unlike", "instead", "rather", "rival", "compared", "contrast", "opposed", "versus", "vs",
                    "than", "alternative", "outperform", "similar", "differ"), re.compile(
        r"(?:\bunlike|\binstead of|\brather than|\brival(?:ing|s|ed)?|\bcompared (?:to|with)|"
        r"\bin contrast (?:to|with)|\bas opposed to|\bversus|\bvs\.?|\bthan|\balternatives? to|"
        r"\boutperform(?:s|ed|ing)?|\bsimilar to|\bdiffers? from|\bdifferent from)\s+" + _LIST + r"\Z", re.I)),
    (CUE_APPLICATION, ("application", "used for", "use case", "solution", "remedies", "fixes", "tool"),
     re.compile(
        r"\b(?:applications?|used for|use cases?|solutions?|remedies|fixes|tools?)\s*:?\s+"
        r"(?:[^.;:!?]{0,120}?(?:,|\band\b|\bor\b)\s*)?\Z", re.I)),
    (CUE_USES, ("extend", "extension", "add", "based", "build", "built", "top of", "variant", "version",
                "type of", "kind of", "form of", "special case", "generali", "relies", "requires"), re.compile(
        r"\b(?:extends?|extending|extension of|adds? (?:[\w-]+ ){0,3}to|based on|builds? (?:up)?on|"
        r"built (?:up)?on|on top of|variant of|version of|type of|kind of|form of|special case of|"
        r"generali[sz](?:es|ation of)|relies on|requires)\s+" + _LIST + r"\Z", re.I)),
    # a definition: "GPT is a decoder-only transformer", "LLMs are language models"
    (CUE_USES, (" is ", " are "), re.compile(
        r"\A\s*(?:[\w()/-]+\s+){1,4}(?:is\s+(?:an?|the)|are(?:\s+(?:an?|the))?)\s+(?:[\w-]+\s+){0,2}\Z", re.I)),
)

# Per-mention cues that only turn a document-order "requires" into "related" (tier 3).
WEAK_BEFORE = (
    (NEGATION, ("no ", "without", "never", "need", "combin", "together", "alongside", "paired"), re.compile(
        r"\b(?:no|without|never|(?:does|do)(?:n't| not) need|combined with|in combination with|"
        r"together with|alongside|paired with)\s+(?:[\w-]+\s+){0,2}\Z", re.I)),
    (ENUMERATION, (":",), re.compile(r"(?:\A|[.;]\s)\s*[A-Z][\w-]*(?:\s+[\w/-]+){0,2}:\s+[^:.;]*\Z")),
)

# Matched against the text *after* the mention: "T builds on this".
AFTER = (
    (CUE_FLIP, ("build", "built", "rel", "depend", "draw"), re.compile(
        r"\A\s+(?:builds?|is built|are built|rel(?:y|ies)|depends?|draws?)\s+(?:up)?on\s+(?:this|it|them)\b",
        re.I)),
)

# An instance cue: the mention is a later concept listed as an example of S.
INSTANCE_BEFORE = re.compile(
    r"\b(?:such as|e\.g\.,?|for example|for instance|including|like|"
    r"(?:key\s+)?(?:examples?|algorithms?|variants?|types?|kinds?|methods?|models?|tools?)\s*:)\s+"
    r"(?:[^.;:!?()]{0,80}?,\s*)?\Z", re.I)
_INSTANCE_WORDS = ("such as", "e.g", "for example", "for instance", "including", "like", ":")
# A parenthesised list of bare names: "(DALL-E, Stable Diffusion, Midjourney)", "(StyleGAN)".
PAREN_BEFORE = re.compile(r"\(\s*(?:[^.;:!?()]{0,80}?,\s*)?\Z")
PAREN_AFTER = re.compile(r"\A\s*[,)]")


def cue_for(before: str, after: str, forward: bool, prose: bool = True, same_section: bool = True) -> Rule | None:
    """The cue rule that applies to a mention, given the sentence text around it.

    ``prose`` is false for example lines, where "Label: value" is layout, not a list.
    Instances are only recognised within a section: "(images, time series)" in a
    vision entry lists kinds of data, not instances of the vision model.
    """
    # Each pattern runs only when one of its words is in the window: most mentions have no cue.
    hits: set[int] = set()
    for _, ids in _TRIGGERS.iter(before.lower()):
        hits |= ids
    low_after = after[:60].lower()
    for rule, triggers, pattern in AFTER:
        if any(t in low_after for t in triggers) and pattern.search(after):
            return rule
    for i, (rule, _, pattern) in enumerate(BEFORE):
        if i in hits and pattern.search(before):
            return rule
    if forward and same_section and (
            (_INSTANCE_ID in hits and INSTANCE_BEFORE.search(before))
            or ("(" in before and PAREN_BEFORE.search(before) and PAREN_AFTER.search(after))):
        return CUE_INSTANCE
    if not forward:
        for i, (rule, _, pattern) in enumerate(WEAK_BEFORE, len(BEFORE)):
            if i in hits and (prose or rule is not ENUMERATION) and pattern.search(before):
                return rule
    return None


def _trigger_automaton():
    """Every trigger word of every pattern, mapped to the patterns it may start (one pass per mention)."""
    import ahocorasick

    by_word: dict[str, set[int]] = {}
    tables = [*BEFORE, *WEAK_BEFORE, (CUE_INSTANCE, _INSTANCE_WORDS, INSTANCE_BEFORE)]
    for i, (_, triggers, _) in enumerate(tables):
        for t in triggers:
            by_word.setdefault(t.lower(), set()).add(i)
    a = ahocorasick.Automaton()
    for word, ids in by_word.items():
        a.add_word(word, frozenset(ids))
    a.make_automaton()
    return a


_INSTANCE_ID = len(BEFORE) + len(WEAK_BEFORE)
_TRIGGERS = _trigger_automaton()


def decide(votes: list[tuple[int, str, float, str]]) -> tuple[str, float, str]:
    """Pick the outcome for a pair from its votes, each (tier, outcome, confidence, rule name).

    The lowest tier present decides; within it the outcome with the highest
    noisy-OR score wins, ties going to RELATED.  Returns (outcome, confidence,
    name of the strongest rule for that outcome).
    """
    tier = min(v[0] for v in votes)
    scores: dict[str, float] = {}
    best: dict[str, tuple[float, str]] = {}
    for t, outcome, conf, name in votes:
        if t != tier:
            continue
        scores[outcome] = 1 - (1 - scores.get(outcome, 0.0)) * (1 - conf)
        if conf > best.get(outcome, (-1.0, ""))[0]:
            best[outcome] = (conf, name)
    outcome = max(scores, key=lambda o: (scores[o], o == RELATED))
    others = [s for o, s in scores.items() if o != outcome]
    confidence = scores[outcome] * (1 - 0.5 * max(others, default=0.0))
    return outcome, round(confidence, 3), best[outcome][1]
