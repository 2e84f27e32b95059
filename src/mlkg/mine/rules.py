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

import functools
import heapq
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

import ahocorasick
import networkx as nx

from ..errors import CurationError, Location, Problem
from ..read import Corpus, Entry, number_key, split_title
from .evidence import Evidence, Mention, Prose, Relation
from .lexicon import is_acronym, section_heads, variants
from .text import common_word, normalize, rare_word, zipf

REQUIRES = "requires"
REQUIRED_BY = "required-by"
RELATED = "related"


@dataclass(frozen=True, eq=False)  # each rule is one object: compared by identity
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

SAME_TITLE = Rule(  # tier -1: one name for two decides before a title that contains it ("Encoder-Decoder Model")
    "same-title", -1, RELATED, 0.9,
    "S's whole title is a name of T too (\"Learning with Noisy Labels\" twice, \"Overview\" in many sections): "
    "one concept written twice, or a generic heading several entries share; neither is a kind of the other.")

# Tier 1: cue phrases around the mention (patterns below).
CUE_FLIP = Rule(
    "cue-foundation", 1, REQUIRED_BY, 0.9,
    "\"foundation for T\", \"basis of T\", \"T builds on this\", \"its bandit version is T\": T needs S.")
CUE_USED_IN = Rule(
    "cue-used-in", 3, REQUIRED_BY, 0.6,
    "\"used in T\", \"used by T\", \"T uses this\": T works through S. A part as often as a foundation, so "
    "weaker than one: the sections and the sentence that defines T come first.")
CUE_INSTANCE = Rule(
    "cue-instance", 1, REQUIRED_BY, 0.8,
    "T, defined later in S's family (S's subsection, or the section S is named after), is given as an instance "
    "of S: \"(DALL-E, T, …)\", "
    "\"such as T\", \"e.g. T\", \"Key algorithms: T\"; not a parenthesis whose next words complete T's name "
    "(\"the logistic (sigmoid) function\" is Sigmoid Function itself).")
CUE_CONTRAST = Rule(
    "cue-contrast", 2, RELATED, 0.9,
    "\"unlike T\", \"instead of T\", \"besides T\", \"rivaling T\", \"simpler than T\", \"compared to T\": a "
    "comparison. It links the two without ordering them, so a cue that does order them (\"a variant of T\") decides.")
CUE_APPLICATION = Rule(
    "cue-application", 1, RELATED, 0.85,
    "\"Applications: T\", \"used for T\", \"Solutions: T\": T is a use or an alternative, not a prerequisite.")
CUE_USES = Rule(
    "cue-uses", 1, REQUIRES, 0.8,
    "\"extends T\", \"adds … to T\", \"based on T\", \"built on T\", \"(S is) a variant of T\", "
    "\"S is a … T\" (S named, or a pronoun), \"solves T\": S builds on T.")

CUE_PARTS = Rule(
    "cue-parts", 2, REQUIRES, 0.7,
    "\"uses T\", \"gates use T\", \"fed through T\", \"each block has T\", \"consists of T\": S works through T. "
    "Weaker than the sections: the parts of a family filed under T's subsection are taught after T.")

# Tier 2: where the two concepts stand in the sections, and how they cite each other.
SUBSECTION_HEAD = Rule(
    "subsection-head", 2, REQUIRES, 0.75,
    "T heads S's subsection (its name is the subsection's, as gan for \"13.2 GANs\"); "
    "S is one of T's family and is taught after it.")
MUTUAL = Rule(
    "mutual-mention", 2, RELATED, 0.7,
    "S and T mention each other and no cue or structure orders them: peers.")

# Where a plain mention (no cue) stands in S's text: defining S, driving a sentence, or in passing.
DEFINITION = Rule(
    "in-definition", 2, REQUIRES, 0.8,
    "T is named in the sentence that defines S (the first of its full or simple explanation): "
    "\"Ridge: linear regression that keeps weights small\". Wherever T is defined. Not in a clause that opens the "
    "sentence and sets the scene (\"Since transformers have no sense of order, …\").")
PASSING = Rule(
    "in-passing", 3, RELATED, 0.55,
    "T is named later in S's text, not as what S is or works through: a reference, not a prerequisite.")
LOOSE_WORD = Rule(
    "everyday-word", 3, RELATED, 0.55,
    "T, of another section, is named by one everyday English word in the sentence that defines S, and that sentence "
    "shares no other word with T's own text (\"the slope of the tangent to the graph of f\" in Derivative): the word "
    "may mean T or only its everyday sense, so it links the two and makes S need nothing.")
LISTED = Rule(
    "one-of-a-list", 3, RELATED, 0.6,
    "T is one of three or more names listed together (\"MLPs, CNNs and transformers\"), or one of two "
    "alternatives (\"measured by MSE or MAE\"), or an example the definition gives of something else "
    "(\"attacks such as FGSM and PGD\"): an instance, an option or a peer, not by itself a prerequisite.")
ASIDE = Rule(
    "in-parentheses", 3, RELATED, 0.5,
    "T is named inside parentheses in S's text: a remark, an instance or another name of the term before it "
    "(\"GloVe (a T of counts)\", \"pre-pruning (early stopping)\"), not what S is.")
MECHANISM = Rule(
    "acts-in-mechanism", 2, REQUIRES, 0.75,
    "T acts in S's full explanation (a sentence starts \"T <verb>s\": \"VAE encodes images to latent…\") and "
    "S's example names T too: S works through T.")
FORMULA = Rule(
    "in-formula", 2, REQUIRES, 0.75,
    "T is written as a function applied in a formula of S's prose, a sign of one (=, ≤, √ …) within FORMULA_REACH "
    "characters (\"= softmax(QKᵀ/√d)V\", \"+ KL(Q‖P)\"): an operation S's mathematics performs, wherever the "
    "sentence stands. Not a year cited (\"Net(2017)\"), nor in an example, whose code calls what it likes.")
INTRODUCES = Rule(
    "introduces-member", 3, RELATED, 0.5,
    "S heads the subsection T is filed under and names T in passing: a family's head introduces its members, "
    "which are taught after it (see subsection-head), so the mention makes S need nothing.")
EXAMPLE = Rule(
    "in-example", 3, RELATED, 0.55,
    "T is named in S's example: an illustration. Alone it makes a weak related edge (0.33).")
ENUMERATION = Rule(
    "cue-enumeration", 3, RELATED, 0.75,
    "T, defined earlier, is one item of a labelled list (\"Tasks: …, T\", \"Approaches: …\", \"Causes: …\"): "
    "an option or a facet, not by itself a prerequisite. Outweighed by other mentions of T.")
NEGATION = Rule(
    "cue-negation", 3, RELATED, 0.75,
    "\"no T needed\", \"without T\", \"T-free\", \"combined with T\": S does not build on T.")

SHARED_VOCABULARY = Rule(
    "shared-vocabulary", 3, RELATED, 0.6,
    "S and T sit in the same subsection, neither names the other, and each is the other's most similar "
    "sibling by TF-IDF cosine (at least SIBLING_SIMILARITY): they explain the same idea in other words.")

RULES = (TITLE_CONTAINS, SAME_TITLE, CUE_FLIP, CUE_USED_IN, CUE_INSTANCE, CUE_CONTRAST, CUE_APPLICATION, CUE_USES,
         CUE_PARTS, SUBSECTION_HEAD, MUTUAL, MECHANISM, FORMULA, DEFINITION, PASSING, LOOSE_WORD, LISTED, ASIDE,
         EXAMPLE, INTRODUCES, SHARED_VOCABULARY, ENUMERATION, NEGATION)
PLAIN = (DEFINITION, PASSING, LOOSE_WORD, LISTED, ASIDE, EXAMPLE, INTRODUCES)

# A pair whose only votes are plain tier-3 votes this weak is not an edge at all (a lone
# aside in parentheses, say).  A lone mention in an example line (0.33) is kept as a weak
# related edge, down to EXAMPLE_MIN_CONFIDENCE: scored on every gold set, the held-out
# ones too, keeping it raised link F1 (0.87 -> 0.88 held out) at no cost to requires.
MIN_CONFIDENCE = 0.45
EXAMPLE_MIN_CONFIDENCE = 0.30

# Sibling entries at least this similar (TF-IDF cosine) may be linked by SHARED_VOCABULARY.
SIBLING_SIMILARITY = 0.10

# Homonyms.  A name that is one ordinary word ("stacking", "attention") may be used in
# its everyday sense: "stacking linear layers", "pays more attention to".  Such a mention
# is dropped when it crosses sections, no cue phrase marks it as a term, and no other
# cross-reference links the two sections: the topics do not otherwise meet.  Where the sections
# do meet, a word of everyday English (wordfreq) naming a concept that heads no subsection still
# needs company: the mentioning entry must name another concept of that section ("Trade precision
# for speed" in Extra Trees names no other metric).  A subsection's head ("attention") is a topic
# other sections build on.  Acronyms, multi-word and hyphenated names are specific enough to be
# trusted, except for a concept whose title is a letter with everyday words ("C Parameter",
# "Choosing K"): outside its own section such a mention is always dropped.
HOMONYM_RULE = "lone-word-across-unlinked-sections"
# An acronym an entry spells out itself ("gradient penalty (WGAN-GP)") means, in that entry, what it says there,
# not the concept the rest of the corpus calls by it (Gaussian Process, "GP").
SPELLED_OUT_RULE = "acronym-spelled-out-otherwise"
CODE_RULE = "identifier-in-code"
"""A name an example writes as code (``torch.relu``, ``scoring='f1'``) is an identifier, not a mention."""
INDEXED_RULE = "indexed-symbol"
"""A name of letters and a number in a run of symbols numbered alike ("[f1, f2, f3, …]") is a symbol, not the name."""
CUE_WORD_RULE = "cue-word"
"""A name that is a cue's own word ("a generalization of T", "an extension of T") relates S to T, and names no
concept of its own (Generalization Error, by its shortened name)."""

# A mention in the example or the simple explanation is weaker evidence than one in the
# full explanation; the confidence of its vote is multiplied by this factor.
FIELD_FACTOR = {"title": 1.0, "full": 1.0, "simple": 0.85, "example": 0.6}

# A short list may sit between a cue and the mention: "unlike VAEs and GANs". Not past
# - a role ("used in X and as T") or a comparison ("based on content, like T");
# - a preposition that starts another phrase ("add to ensemble with T", "used in X, low in T"), or "to" ("which
#   monitoring uses to flag T": T is the object of another verb);
# - a question word that starts a clause ("applies H⁻¹ to the gradient and how a T handles it");
# - an appositive after a comma ("the simplest form of reinforcement learning, an MDP with one state");
# - a clause that a participle or a conjunction opens after a comma ("contains few cases, making T unstable"),
#   though an "-ing" word the list goes on from is an item of it ("uses normalization, pooling and T").
_CLAUSE = (r",\s*(?:[\w-]+ing\b(?!\s*(?:,|and\b|or\b))|(?:while|whereas|which|who|whose|because|although|though|"
           r"but|yet|so|where|when)\b)")
_LIST = (r"(?:(?:(?!" + _CLAUSE + r")[^.;:!?()]){0,60}?(?:,(?!" + _CLAUSE[1:] + r"|\s*an?\s)|\band\b|\bor\b)\s*)?"
         # (a hyphen goes on with the word: "on-policy T", "in-context T" are items)
         r"(?:(?!(?:as|like|unlike|with|without|for|from|by|via|into|in|on|at|to|how|why|what|whether|where|when)"
         r"\b(?!-))[\w-]+\s+){0,2}")

# A word between "is" and the genus; not a determiner or a relative pronoun, which opens a clause of its own ("It is
# the rule the T entry describes"), a negation ("is not T"), a conjunction or a question word ("This is why most T
# use …", "It is unaffected if T fails"), nor an adverb that denies ("It is seldom T-driven")
_GENUS_WORD = (r"(?:(?!(?:with|without|of|for|in|on|by|from|to|at|via|into|and|or|the|an?|its|their|this|that|which|"
               r"not|no|never|why|how|what|where|when|whether|because|if|unless|since|than|unlike|seldom|rarely|"
               r"hardly)\b)[\w-]+\s+)")

# Each pattern is matched against the text of the sentence *before* the mention.  A pattern of cues that each
# start a word may look ahead for the cues' first letters (``\b(?=[…])``) before trying them: most positions of a
# sentence fail that one test, where each cue was tried in turn (a third to a half of the search's time).
BEFORE = (
    (CUE_FLIP, ("foundation", "basis", "building block", "prerequisite", "precursor", "groundwork",
                "starting point"), re.compile(
        r"\b(?=[bfgps])(?:(?:foundation|foundations|basis|building blocks?|prerequisite|precursor|groundwork|"
        r"starting point)\s+(?:for|of|to))\s+" + _LIST + r"\Z", re.I)),
    # a version of S for a setting is T: "Its bandit version is EXP3"; not one of time, ancestry or closeness ("Its
    # original version is T": T comes first), nor "the …" (whose?)
    (CUE_FLIP, ("version", "variant"), re.compile(
        r"\b(?:its|their)\s+(?:(?!(?:original|earlier|older|old|previous|prior|first|early|classic|classical|vanilla|"
        r"standard|base|basic|plain|canonical|closest|nearest|latest|newest|recent|modern|current|official|default|"
        r"full|general|simplest|simple|best|usual)\b)[\w-]+\s+){1,2}(?:version|variant)\s+(?:is|are)\s+"
        r"(?:(?:an?|the)\s+)?\Z", re.I)),
    (CUE_USED_IN, ("used ",), USED := re.compile(r"\bused (?:\w+ )?(?:in|by|inside|within)\s+" + _LIST + r"\Z", re.I)),
    (CUE_CONTRAST, ("unlike", "instead", "rather", "rival", "compared", "contrast", "opposed", "versus", "vs",
                    "than", "alternative", "outperform", "beat", "surpass", "improv", "similar", "differ", "same",
                    " as ", "besides"), re.compile(
        r"\b(?=[abcdiorstuv])(?:unlike|besides|instead of|rather than|rival(?:ing|s|ed)?|compared (?:to|with)|"
        r"in contrast (?:to|with)|as opposed to|versus|vs\.?|than|alternatives? to|"
        r"outperform(?:s|ed|ing)?|beat(?:s|ing)?|surpass(?:es|ed|ing)?|improv(?:es|ed|ing)\s+(?:on|upon)|"
        r"similar to|differs? from|different from|same\s+(?:[\w-]+\s+){0,3}as|"
        r"as\s+\w+\s+as)\s+" + _LIST + r"\Z", re.I)),
    # the alternative a sentence sets aside, as a gerund's object: "instead of relying on a fixed T"
    (CUE_CONTRAST, ("instead", "rather"), re.compile(
        r"\b(?:instead of|rather than)\s+[\w-]+ing\s+(?:(?:on|to|with|in|from|over)\s+)?(?:(?:an?|the)\s+)?"
        r"(?:[\w-]+\s+){0,2}\Z", re.I)),
    (CUE_APPLICATION, ("application", "used for", "use case", "solution", "remedies", "fixes", "tool"),
     re.compile(
        r"\b(?=[afrstu])(?:applications?|used for|use cases?|solutions?|remedies|fixes|tools?)\s*:?\s+"
        r"(?:[^.;:!?]{0,120}?(?:,|\band\b|\bor\b)\s*)?\Z", re.I)),
    (CUE_USES, ("extend", "extension", "add", "based", "build", "built", "top of", "generali", "relies",
                "requires"), BUILDS := re.compile(
        r"\b(?=[abegor])(?:extends?|extending|extension of|adds? (?:[\w-]+ ){0,3}to|based on|builds? (?:up)?on|"
        r"built (?:up)?on|on top of|generali[sz](?:es|ation of)|relies on|requires)\s+" + _LIST + r"\Z", re.I)),
    # S is a kind of T: one genus, T right after the cue ("a variant of stacking"; not "a form of A, and the T
    # built on it"), and not a way of writing T down ("the dual form of the SVM")
    # (the cue's words are looked ahead for first: each lookbehind then runs only where a cue starts, not at
    # every position of the sentence, five times as fast)
    (CUE_USES, ("variant", "version", "type of", "kind of", "form of", "special case"), KIND := re.compile(
        r"\b(?=(?:variant|version|type|kind|form|special case)s? of\s)"
        r"(?<!\bdual )(?<!\bprimal )(?<!\bclosed )(?<!\bmatrix )(?<!\bvector )(?<!\bstandard )(?<!\bcanonical )"
        r"(?<!\bgeneral )(?<!\bcompact )(?<!\bexplicit )(?<!\bfunctional )"
        r"(?:variant|version|type|kind|form|special case)s? of\s+(?:(?:an?|the)\s+)?\Z", re.I)),
    # S answers T's problem: "solves T", "addresses T"
    (CUE_USES, ("solv", "address", "mitigat", "overcom"), re.compile(
        r"\b(?:solv(?:es|ing)|address(?:es|ing)|mitigat(?:es|ing)|overcom(?:es|ing))\s+" + _LIST + r"\Z", re.I)),
    # S works through T or is made of T: "uses T", "fed through T", "each block has T", "consists of T"
    (CUE_PARTS, ("use", "using", "appl", "employ", "through", "consist", "compos", "made of", "contain", "has ",
                 "have "), PARTS := re.compile(
        # "applies in T", "applies to T": T is where something holds, not what S applies
        r"(?:\b(?:uses|using|appl(?:ies|ying)(?!\s+(?:in|to|on|across|within)\b)|employs|fed (?:through|into)|"
        r"passe[sd] through|consists? of|composed of|made of|contains?|(?:block|layer|step|stage)s? ha(?:s|ve))\s+"
        + _LIST +
        # "gates use T": the plural verb after a plural subject, "they" or "we", T its object (not "its use of T")
        r"|(?:(?<=[a-z]s )|(?<=\bthey )|(?<=\bwe ))(?:use|apply|employ)\s+(?:(?:a|an|the)\s+)?)\Z", re.I)),
    # a definition: "GPT is a decoder-only transformer", "LLMs are language models"; not past a preposition
    # ("Tacotron 2 is an encoder-decoder with T": T is no genus)
    (CUE_USES, (" is ", " are "), GENUS := re.compile(
        # not an activity with its object as the subject: "Tuning it is a precision-recall trade-off"
        r"\A\s*(?![\w-]+ing\s+(?:it|them|this|these|those|the|an?)\s)(?:[\w()/-]+\s+){1,4}"
        # with an article, or without and at most one word before T ("It is group k-fold cross-validation in
        # which the groups are blocks", "It is projected gradient ascent"; not "It is unclear whether T …")
        r"(?:(?:is\s+(?:an?|the)|are(?:\s+(?:an?|the))?)\s+" + _GENUS_WORD + r"{0,2}|is\s+" + _GENUS_WORD + r"?)\Z",
        re.I)),
)

# Per-mention cues that only turn a document-order "requires" into "related" (tier 3).
WEAK_BEFORE = (
    (NEGATION, ("no ", "without", "never", "need", "combin", "together", "alongside", "paired"), re.compile(
        r"\b(?=[acdinptw])(?:no|without|never|(?:does|do)(?:n't| not) need|combined with|in combination with|"
        r"together with|alongside|paired with)\s+(?:[\w-]+\s+){0,2}\Z", re.I)),
    (ENUMERATION, (":",), re.compile(r"(?:\A|[.;]\s)\s*[A-Z][\w-]*(?:\s+[\w/-]+){0,2}:\s+[^:.;]*\Z")),
)

# Matched against the text *after* the mention, from its start (each opens with \A): "T builds on this".
AFTER = (
    (CUE_FLIP, ("build", "built", "rel", "depend", "draw"), re.compile(
        r"\A\s+(?:builds?|is built|are built|rel(?:y|ies)|depends?|draws?)\s+(?:up)?on\s+(?:this|it|them)\b",
        re.I)),
    # "most modern LLMs use this architecture": T, the subject, works through S, which the text points back to
    (CUE_USED_IN, ("use", "employ", "adopt"), re.compile(
        r"\A\s+(?:(?:also|all|both|often|typically|commonly|now)\s+)?(?:uses?|employs?|adopts?)\s+"
        r"(?:this|it|them|these)\b", re.I)),
)

_PRONOUNS = frozenset({"it", "this", "they", "these", "both", "each", "such"})


def name_stems(entry: Entry) -> frozenset[str]:
    """The words of an entry's names, as :func:`_is_subject` compares them."""
    text = " ".join((entry.title, entry.id.replace("-", " ")))
    words = _WORDS.findall(text)
    return frozenset(_stem(w.lower()) for w in words if len(w) >= 3 or (len(w) == 2 and w.isupper()))


def _stem(word: str) -> str:
    return word[:5].removesuffix("s")


def _is_subject(definition: str, own: frozenset[str]) -> bool:
    """Whether "X is a …" defines the entry: X is one of its names (a word of them: "LLMs are …", "One bit is
    …" in Bits and Nats) or a pronoun, not another noun ("The result is a …", "Warning signs are that …")."""
    subject = _WORDS.findall(re.split(r"\s(?:is|are)\b", definition, maxsplit=1)[0].lower())
    return bool(subject) and (subject[0] in _PRONOUNS or any(_stem(w) in own for w in subject if len(w) >= 2))


def _used_is_own(before: str, cue: str, own: frozenset[str]) -> bool:
    """Whether what "used in T" says is used is the entry itself: a pronoun ("it is used by T"), nothing ("Used in
    T" opens the sentence), one of its names or its genus ("S is the decoding rule used by T"), not another noun
    ("WordPiece, used by T", "the training used in T"; "this method used in T" points back to S).  A participle
    the use is joined to ("S, introduced by A and used by T") is passed over to the noun it describes, and a
    predicate to its subject ("It is simple and widely used in T")."""
    tokens = _CLAUSE_TOKENS.findall(before)
    opens = not before.startswith("\0")
    i = len(tokens) - 1
    while True:
        while i >= 0 and tokens[i].lower() in _PASSED_OVER:
            i -= 1
        if i < 0:
            return opens  # the sentence's start: the entry is its subject
        word = tokens[i].lower()
        if word in ("which", "that", ",", "("):
            i -= 1  # "S, which is used in T": the noun before the relative pronoun
            continue
        if word == "and":
            j = i - 1
            while j >= 0 and tokens[j] != ",":
                j -= 1
            if j >= 0 and j + 1 < i and tokens[j + 1].lower().endswith("ed"):
                i = j - 1  # "S, introduced by A and used by T"
                continue
            k = next((k for k in range(i - 1, max(i - 5, -1), -1) if tokens[k].lower() in _BE), None)
            i = i - 1 if k is None else k - 1  # "It is simple and used in T": the subject of the first predicate
            continue
        if word in _PRONOUNS or _stem(word) in own or (i > 0 and tokens[i - 1].lower() in ("this", "these")):
            return True
        return _genus(tokens, i, own, opens)


def _genus(tokens: list[str], i: int, own: frozenset[str], opens: bool) -> bool:
    """Whether ``tokens[i]``, a noun, is S's genus: what S or a pronoun is ("S is also the decoding rule", "It is a
    technique").  Not a noun phrase that opens the sentence: "The activation used in T" may be S, but "The
    training used in T is long" is not, and the words after the cue are not read here."""
    if not opens:
        return False
    k = next((k for k in range(i - 1, max(i - 6, -1), -1) if tokens[k].lower() in _BE), None)
    if k is None:
        return False
    a = k + 1
    while a < i and tokens[a].lower() in _PASSED_OVER:
        a += 1
    return tokens[a].lower() in ("a", "an", "the", "one") and _is_subject(" ".join(tokens[:k + 1]), own)


_BE = frozenset({"is", "are", "was", "were"})


def _uses_is_own(before: str, cue: str, own: frozenset[str]) -> bool:
    """Whether "uses T" speaks of S: not with a name that is none of S's as its subject ("RankNet uses T",
    "CMA-ME uses T"), nor a relative pronoun after another noun ("Chebyshev's inequality, which uses T", "a step
    that uses T"), and "uses" is no verb in "Typical uses are T".  A common noun may be S's part ("Gates use T",
    "Each tree uses T"), and a participle ("using T") has no subject to check."""
    if _USES_NOUN.match(cue):
        return False
    return not (_FINITE.match(cue) and _other_subject(before, own))


def _other_subject(before: str, own: frozenset[str]) -> bool:
    """Whether the verb after ``before`` has a subject that is not S: see :func:`_uses_is_own`.  The subject is
    read next to the verb ("For NLP tasks it uses T" is S's), a relative pronoun's from the noun before it, unless
    that noun is S's genus ("It is a technique that uses T")."""
    before = _aside_dropped(before)  # "LAMB (You and colleagues, 2019) applies T": LAMB is the subject
    tokens = _CLAUSE_TOKENS.findall(before)
    opens = not before.startswith("\0")
    if tokens and tokens[-1].lower() in ("which", "that"):
        i = len(tokens) - 2
        while i >= 0 and not tokens[i][0].isalnum():
            i -= 1
        if i < 0:
            return False
        w = tokens[i].lower()
        return not (w in _PRONOUNS or _stem(w) in own or _genus(tokens, i, own, opens))
    clauses = _CLAUSES.split(before)
    words = clauses[-1].split()
    first = words[0] if words and len(clauses) == 1 and opens else None  # capitalised anyway
    near = [w for w in words if w.lower() not in _PASSED_OVER][-3:]  # the subject stands next to its verb
    if any(w.lower() in _PRONOUNS or any(_stem(x.lower()) in own for x in _WORDS.findall(w)) for w in near):
        return False
    # a name by its capitals or digits ("RankNet", "doc2query"); a capital alone, not where the sentence opens
    # (so "Adam uses T" there is not told from "Gates use T")
    return any(any(c.isupper() for c in w[1:]) or any(c.isdigit() for c in w) or (w[:1].isupper() and w is not first)
               for w in near)


def _aside_dropped(text: str) -> str:
    """``text`` without its closed parentheses, innermost first: an aside between a subject and its verb."""
    while "(" in text and (dropped := _ASIDE.sub(" ", text)) != text:
        text = dropped
    return text


_ASIDE = re.compile(r"\s*\([^()]*\)")
_BOUNDARY = re.compile(r"[,;:]")


def _clause_is_own(before: str, own: frozenset[str], finite: bool) -> bool:
    """Whether a cue after a comma, semicolon or colon of its sentence is said of S: the clause it opens names S
    or a pronoun ("Like GammaNet, which uses pairs, it uses T"), or, a verb (``finite``) with no subject of its
    own there, the sentence's first clause does ("VAE, a generative model, uses T"); where a participle after a
    comma ("End-to-end systems replace the chain, using T") and a clause of another subject ("…; in its layers
    the queries apply T") say what something else works through.  On the tune gold, such cues of parts were
    right 2 times in 25."""
    head = _aside_dropped(before)
    if not _BOUNDARY.search(head):
        return True
    clauses = _BOUNDARY.split(head)
    words = _WORDS.findall(clauses[-1].lower())
    if not words and finite:  # "VAE, a generative model, uses T": the verb's subject opens the sentence
        words = _WORDS.findall(clauses[0].lower())
    return _names_s(words, own)


def _names_s(words: list[str], own: frozenset[str]) -> bool:
    """Whether words (lower case) name S, by a word of its names, or point to it, by a pronoun."""
    return any(w in _PRONOUNS or _stem(w) in own for w in words)


_USES_NOUN = re.compile(r"uses\s+(?:are|is|include|of)\b", re.I)
_FINITE = re.compile(r"(?:uses|use|appl(?:ies|y)|employs?|contains?|consists?)\b", re.I)
_CLAUSES = re.compile(r"[,;:()]|\b(?:and|but|while|whereas)\b")


def _builds_is_own(before: str, cue: str, own: frozenset[str]) -> bool:
    """Whether S is what "extends T", "an extension of T" or "built on T" speaks of: a verb's subject (see
    :func:`_uses_is_own`), or, for a noun or a participle, what S is or the sentence opens with (see
    :func:`_kind_is_own`): not "McDiarmid's inequality, the extension of T", nor "the argument built on T"."""
    if _BUILDS_VERB.match(cue):
        return not _other_subject(before, own)
    return _kind_is_own(before, cue, own)


_BUILDS_VERB = re.compile(r"(?:extends?|adds?|builds?|generali[sz]es|relies|requires)\b", re.I)


def _kind_is_own(before: str, cue: str, own: frozenset[str]) -> bool:
    """Whether "a variant of T" says what the entry is: the sentence (or its clause after ";") opens with it, with
    no verb or comma on the way ("A smooth version of T"; S's own name and a comma, "Random forest, based on T"),
    or it is what S or a pronoun is ("Blending is a simpler variant of T", "so it is a sampled version of T");
    not an appositive of another noun ("pairs from the web, a form of weak supervision"), nor what another
    subject is ("letting a test class slip in is a form of data leakage")."""
    clause = re.split(r"[;:]", before)[-1]
    if not before.startswith("\0") or clause is not before:
        if _FRAGMENT.fullmatch(clause):
            return True
        named = _NAMED.fullmatch(clause)
        if named and any(_stem(w) in own for w in _WORDS.findall(named.group(1).lower())):
            return True
    m = _PREDICATE.search(clause)
    if m is None:
        return False
    subject = _WORDS.findall(_CLAUSES.split(clause[:m.start()])[-1].lower())
    return bool(subject) and (subject[0] in _PRONOUNS or subject[-1] in _PRONOUNS
                              or any(_stem(w) in own for w in subject if len(w) >= 2))


_FRAGMENT = re.compile(r"\s*(?:(?:an?|the)\s+)?(?:(?!(?:is|are|was|were)\b)[\w-]+\s+){0,3}", re.I)
_NAMED = re.compile(r"\s*((?:[\w-]+\s+){0,3}[\w-]+),\s*", re.I)
_PREDICATE = re.compile(r"\b(?:is|are|was|were)\s+(?:(?:also|therefore|thus|essentially|simply|just|then)\s+)*"
                        r"(?:(?:an?|the|one)\s+)?(?:[\w-]+,?\s+){0,3}\Z", re.I)


def _genus_is_own(before: str, cue: str, own: frozenset[str]) -> bool:
    return _is_subject(cue, own)


_SPEAKS_OF_S = {GENUS: _genus_is_own, BUILDS: _builds_is_own, KIND: _kind_is_own, PARTS: _uses_is_own,
                USED: _used_is_own}
"""Cues that speak of their own subject, each with the test that it is S (given the sentence before the cue, the
cue and S's name stems): "WordPiece, used by T" in S's text says what T uses, and it is not S."""
_OWN_TESTS = tuple(_SPEAKS_OF_S.get(pattern) for _, _, pattern in BEFORE)
"""The test of each pattern of :data:`BEFORE`, by index: a compiled pattern hashes its whole program each lookup."""


_CLAUSE_TOKENS = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[,;:()]")
_PASSED_OVER = frozenset({"is", "are", "was", "were", "be", "been", "being", "also", "widely", "commonly", "often",
                        "typically", "now", "mainly", "mostly", "primarily", "still", "first", "originally",
                        "frequently", "heavily", "extensively", "routinely", "usually", "sometimes", "can", "may",
                        "might", "could", "already", "later", "largely", "then", "as"})
"""Words between a verb and its subject that say nothing of who the subject is: forms of "be", adverbs, modals."""


_HEDGE = re.compile(r"\b(?:typically|often|usually|sometimes|commonly|optionally|can|may|might|could)\s+\Z", re.I)

# T is not who uses this: the object of a preposition ("a model trained with T uses this") or negated ("no T").
_NOT_SUBJECT = re.compile(r"\b(?:with|by|of|in|on|for|from|to|than|via|using|no|not|never|without)\s+"
                          r"(?:[\w-]+\s+){0,2}\Z", re.I)

# An instance cue: the mention is a later concept listed as an example of S.
INSTANCE_BEFORE = re.compile(
    r"\b(?:such as|e\.g\.,?|for example|for instance|including|like|"
    r"(?:key\s+)?(?:examples?|algorithms?|variants?|types?|kinds?|methods?|models?|tools?)\s*:)\s+"
    r"(?:[^.;:!?()]{0,80}?,\s*)?\Z", re.I)
_INSTANCE_WORDS = ("such as", "e.g", "for example", "for instance", "including", "like", ":")
# A parenthesised list of bare names: "(DALL-E, Stable Diffusion, Midjourney)", "(StyleGAN)".
PAREN_BEFORE = re.compile(r"\(\s*(?:[^.;:!?()]{0,80}?,\s*)?\Z")
PAREN_AFTER = re.compile(r"\A\s*[,)]")


def cue_for(before: str, after: str, forward: bool, prose: bool = True,
            family: bool = True, own: frozenset[str] | None = None) -> tuple[Rule, str] | None:
    """The cue rule that applies to a mention, and the words it keyed on, given the sentence around it.

    ``prose`` is false for example lines, where "Label: value" is layout, not a list.
    Instances are only recognised within a family (``family``): T in S's subsection,
    or S the entry named like T's section. "(images, time series)" in a vision entry
    lists kinds of data, not instances of the vision model; "optimizers such as
    RMSProp" in the saddle-point entry lists optimizers, not kinds of saddle point.
    """
    # Each pattern runs only when one of its words is in the window: most mentions have no cue.
    hits: set[int] = set()
    for _, ids in _TRIGGERS.iter(before.lower()):
        hits |= ids
    # Each AFTER pattern is anchored at the mention's end: a failed match costs less than looking for its words
    for rule, triggers, pattern in AFTER:
        if (m := pattern.match(after)) and any(t in after[:60].lower() for t in triggers) \
                and not (rule is CUE_USED_IN and _NOT_SUBJECT.search(before)):
            return rule, _cue(m)
    for i in sorted(hits):  # the patterns a trigger word is in the window of, in the table's order
        if i >= len(BEFORE):
            break
        rule, _, pattern = BEFORE[i]
        if m := pattern.search(before):
            if own is not None and (speaks_of_s := _OWN_TESTS[i]):
                # the cue nearest the mention may speak of S where the first did not: "Like RankNet, which uses
                # pairs, it uses T"
                while m is not None and not speaks_of_s(before[:m.start()], m.group(), own):
                    m = pattern.search(before, m.start() + 1)
                if m is None:
                    continue  # the cue speaks of another subject: "The result is a saddle point problem"
                if rule is CUE_PARTS and not _clause_is_own(before[:m.start()], own, bool(_FINITE.match(m.group()))):
                    continue  # "…, using T" of another clause's subject: "End-to-end systems replace …, using T"
            if rule.outcome == REQUIRES and _HEDGE.search(before, 0, m.start()):
                break  # "typically uses T", "often applies T": an option S may take, no part it needs
            if _JOINED.search(m.group()) and _OWN_VERB.match(after):
                continue  # "applying its activation function, and attention scores …": T opens a clause of its own
            return rule, _cue(m)
    if forward and family:
        if _INSTANCE_ID in hits and (m := INSTANCE_BEFORE.search(before)) \
                and _instances_of_s(before[:m.start()], m.group(), own):
            return CUE_INSTANCE, _cue(m)
        if "(" in before and (m := PAREN_BEFORE.search(before)) and PAREN_AFTER.search(after):
            return CUE_INSTANCE, _cue(m)
    if not forward:
        for i, (rule, _, pattern) in enumerate(WEAK_BEFORE, len(BEFORE)):
            if i in hits and (prose or rule is not ENUMERATION) and (m := pattern.search(before)):
                return rule, _cue(m)
    return None


def _instances_of_s(before: str, cue: str, own: frozenset[str] | None) -> bool:
    """Whether "N such as T" (or "like", "including", "e.g.") gives T as an instance of S: N, the words before the
    cue, names S or is a pronoun ("GAN variants such as T", "these, e.g. T"), or there are none.  "wrapper methods
    such as T" in Filter Feature Selection, "a scale-free metric such as T" in Rolling-Origin Evaluation give
    instances of something else (right 4 times in 11 on the tune gold).  A labelled list ("Key algorithms: T")
    is S's own, and so is one in brackets ("State of the art (e.g. T)"), as any list in brackets is."""
    if own is None or cue.rstrip().endswith(":") or before.rstrip().endswith("("):
        return True  # "(e.g. T)": a list in brackets, read as PAREN_BEFORE reads one
    words = _WORDS.findall(before.lower())[-3:]
    return not words or _names_s(words, own)


_JOINED = re.compile(r"(?:,|\band)\s*(?:[\w-]+\s+){0,2}\Z")
# a verb of T's own, told by the determiner of its object: "and attention scores every query"
_OWN_VERB = re.compile(r"\s+(?!(?:is|has|was|does|as|its|this|thus|plus)\b)[a-z]+s\s+"
                       r"(?:every|each|all|the|an?|its|their)\b")


def cue_word(surface: str, before: str, after: str) -> bool:
    """Whether a mention is the noun of a cue that relates its sentence's subject to what follows ("a
    generalization of T", "a special case of T", "generalizations of T"): see :data:`CUE_WORD_RULE`.  Not where
    the noun is the property of what follows: "improves the generalization of CNNs"."""
    return bool(_CUE_NOUN.fullmatch(surface) and _OF.match(after)
                and (surface[-1] in "sS" or _ONE_OF.search(before)))


_CUE_NOUN = re.compile(r"(?:variant|version|type|kind|form|special case|extension|generali[sz]ation)s?", re.I)
_OF = re.compile(r"\s+of\b", re.I)
_ONE_OF = re.compile(r"\b(?:an?|one)\s+(?:[\w-]+\s+)?\Z", re.I)  # "a generalization", "a natural extension"


def _cue(m: re.Match) -> str:
    """The words a cue pattern matched; of a long stretch (a list after "Tasks:"), its last words up to 60
    characters, whole."""
    text = " ".join(m.group(0).replace("\0", "").split())
    if len(text) <= 60:
        return text
    tail = text[-59:]
    return "…" + (tail.split(" ", 1)[1] if " " in tail and not text[-60].isspace() else tail)


def _trigger_automaton():
    """Every trigger word of every pattern, mapped to the patterns it may start (one pass per mention)."""
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


TIE = 0.05
"""Votes for both directions closer than this cancel out into ``related``."""


def decide(votes: list[tuple[int, str, float, str]]) -> tuple[str, float, str]:
    """Pick the outcome for a pair from its votes, each (tier, outcome, confidence, rule name).

    The lowest tier present decides; within it the outcome with the highest
    noisy-OR score wins, ties going to RELATED.  Returns (outcome, confidence,
    name of the strongest rule for that outcome).  Most pairs have one vote, whose score is its own.
    """
    if len(votes) == 1:
        _, outcome, conf, name = votes[0]
        score = 1 - (1 - conf)  # the noisy-OR of one vote, as the loop below computes it
        if outcome == RELATED or score >= TIE:
            return outcome, round(score, 3), name
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
    if outcome != RELATED and abs(scores.get(REQUIRES, 0.0) - scores.get(REQUIRED_BY, 0.0)) < TIE:
        # each needs the other, as strongly: no learning order can be read off them
        outcome = RELATED
        scores[RELATED] = max(scores.get(RELATED, 0.0), scores[REQUIRES], scores[REQUIRED_BY])
        best.setdefault(RELATED, best[REQUIRES])
    others = [s for o, s in scores.items() if o != outcome]
    confidence = scores[outcome] * (1 - 0.5 * max(others, default=0.0))
    return outcome, round(confidence, 3), best[outcome][1]


# --- Where concepts stand ---------------------------------------------------------------------

TOPIC_RARITY = 5.0
"""Words at least this common in everyday English (wordfreq's Zipf scale: "model" 5.13) say nothing of a topic."""
_TOPIC_WORD = re.compile(r"[a-z]{4,}(?:-[a-z]+)*|[a-z]+(?:-[a-z]+)+")  # plain words: wordfreq weighs them unimported


class _Rarity(dict):
    """word → how much it says of a topic: :data:`TOPIC_RARITY` less its Zipf frequency, 0 for an everyday word."""

    def __missing__(self, word: str) -> float:
        value = self[word] = max(TOPIC_RARITY - zipf(word), 0.0)
        return value


class Positions:
    """Each concept's place in the corpus: what the order and hierarchy rules read."""

    def __init__(self, corpus: Corpus, heads: dict[str, str] | None = None):
        self.entries: dict[str, Entry] = {e.id: e for e in corpus.entries}
        self.heads = heads or {}  # subsection number → the entry it is named after
        self.head_concepts = frozenset(self.heads.values())
        # section-number order, which the cheatsheet teaches in
        self.order = {e.id: i for i, e in enumerate(sorted(
            corpus.entries, key=lambda e: (number_key(e.number), e.order)))}
        self.section = {e.id: e.section_number for e in corpus.entries}
        self.subsections = {h.number: h for h in corpus.subsections}
        self.shared: dict[int, _Shared] = {}  # id of a names tuple → its concepts, indexed by place
        self.section_heads = section_heads(corpus)  # section number → the entry named like the section
        self._stems: dict[str, frozenset[str]] = {}
        self._whole: dict[str, frozenset[str]] = {}
        self._topic: dict[str, dict[str, float]] = {}
        self._rarity = _Rarity()

    def topic(self, concept: str) -> dict[str, float]:
        """The words of a concept's title and explanations that say what it is about, each weighed by how rare
        it is in everyday English (wordfreq): "outliers" and "median" weigh, "model" and "data" hardly."""
        found = self._topic.get(concept)
        if found is None:
            e = self.entries[concept]
            text = " ".join((e.title, e.fields["full"].text, e.fields["simple"].text)).lower()
            weight = self._rarity  # word → its weight, looked up once however many entries use it
            found = self._topic[concept] = {w: x for w in set(_TOPIC_WORD.findall(text)) if (x := weight[w]) > 0}
        return found

    def whole_word_names(self, concept: str) -> frozenset[str]:
        """The one-word names a concept's title gives it in full, lower case ("backpropagation", "resnet"); not
        the words a longer title shortens to."""
        found = self._whole.get(concept)
        if found is None:
            label, alts = split_title(self.entries[concept].title)
            found = self._whole[concept] = frozenset(
                v.lower() for name in (label, *alts) if " " not in name.strip() for v in variants(name.strip()))
        return found

    def stems(self, concept: str) -> frozenset[str]:
        found = self._stems.get(concept)
        if found is None:
            found = self._stems[concept] = name_stems(self.entries[concept])
        return found


def choose_concept(names, entry: Entry, pos: Positions, own: bool = True) -> str:
    """The concept a name shared by several means here: the best-ranked kind of name (a title over an ID),
    then the entry itself, then the nearest concept in the sections; where none is of the entry's section, the
    one whose text shares most of the entry's rare words, the nearest only where that ties.  With ``own`` false
    the entry itself is not one of them (its title names the other concepts it contains)."""
    if len(names) == 1:
        return names[0].concept
    if len(names) > _MANY:  # a name a thousand entries share ("Overview") must not cost a thousand steps a mention
        shared = pos.shared.get(id(names))
        if shared is None or shared.names is not names:
            if len(pos.shared) >= 256:
                pos.shared.clear()
            shared = pos.shared[id(names)] = _Shared(names, pos)
        if own or entry.id not in shared.members or len(shared.members) > 1:
            return shared.choose(entry, pos, own)
    if not own:
        names = [n for n in names if n.concept != entry.id]
        if len(names) == 1:
            return names[0].concept
    candidates = _best_ranked(names)
    if len(candidates) == 1:
        return candidates[0]
    if entry.id in candidates:
        return entry.id

    def distance(c: str) -> tuple[int, int]:
        other = pos.entries[c]
        return (0 if other.parent == entry.parent else 1 if other.section_number == entry.section_number
                else 2, abs(pos.order[c] - pos.order[entry.id]))
    if all(pos.section[c] != entry.section_number for c in candidates):
        # none is of the entry's section, where a name means its own: the one whose text is about what the entry
        # is about (Lesk's sense by overlap), "MAE" in a text of outliers and robust losses the error, not the
        # autoencoder; the nearest where the words do not tell
        ours = pos.topic(entry.id)
        overlap = {c: math.fsum(ours.get(w, 0.0) for w in pos.topic(c)) for c in candidates}  # in any order alike
        return min(candidates, key=lambda c: (-overlap[c], distance(c)))
    return min(candidates, key=distance)


_MANY = 8


def contested_sense(names, entries_naming: dict[str, int]) -> str | None:
    """The concept a shortened name that several titles share means ("Gaussian", of Normal (Gaussian)
    Distribution and Gaussian Process): the one that at least :data:`CONTESTED_MARGIN` times as many entries
    name, by any of their names, as name any other (the most frequent sense), and at least two; else None, and
    the name says nothing.  Decided once per name, not per mention."""
    counts = sorted((entries_naming.get(c, 0) for c in {n.concept for n in names}), reverse=True)
    if counts[0] < 2 or counts[0] < CONTESTED_MARGIN * counts[1]:
        return None
    return next(n.concept for n in names if entries_naming.get(n.concept, 0) == counts[0])


CONTESTED_MARGIN = 2


def _best_ranked(names) -> list[str]:
    """The concepts of the best-ranked names, in the names' order."""
    best = min(n.rank for n in names)
    return list(dict.fromkeys(n.concept for n in names if n.rank == best))


class _Shared:
    """:func:`choose_concept` for one long tuple of names, answered by bisection: the candidates sorted by
    place, within each subsection, each section and the corpus."""

    def __init__(self, names, pos: Positions):
        self.names = names  # held, so that its id names no other tuple while this is kept
        candidates = _best_ranked(names)
        self.members = frozenset(candidates)
        by_parent: dict[str, list] = defaultdict(list)
        by_section: dict[str, list] = defaultdict(list)
        everywhere = []
        for i, c in enumerate(candidates):
            e, place = pos.entries[c], (pos.order[c], i, c)
            by_parent[e.parent].append(place)
            by_section[e.section_number].append(place)
            everywhere.append(place)
        self.tiers = [{k: sorted(v) for k, v in by_parent.items()}, {k: sorted(v) for k, v in by_section.items()},
                      {"": sorted(everywhere)}]
        self.only = candidates[0] if len(candidates) == 1 else None

    def choose(self, entry: Entry, pos: Positions, own: bool) -> str:
        if self.only is not None:
            return self.only
        if own and entry.id in self.members:
            return entry.id
        at = pos.order[entry.id]
        for tier, key in zip(self.tiers, (entry.parent, entry.section_number, ""), strict=True):
            places = tier.get(key)
            if places:
                i = bisect_left(places, (at,))
                # the nearest before and after, not the entry itself; ties go to the earlier name
                near = [p for p in places[max(i - 1, 0):i + 2] if p[2] != entry.id]
                if near:
                    return min(near, key=lambda p: (abs(p[0] - at), p[1]))[2]
        raise AssertionError("unreachable: the corpus tier holds every candidate")


# --- One mention, one vote ------------------------------------------------------------------

def vote(m: Mention, target: str, pos: Positions, disabled: frozenset[str] = frozenset()) -> Evidence | None:
    """The vote a mention of ``target`` in ``m.entry``'s text casts: a title's name, a cue phrase, or the
    documents' order, weighted by the field it was found in (:data:`FIELD_FACTOR`).

    Rules named in ``disabled`` are switched off (for an ablation): a switched-off cue leaves the
    fallback, a switched-off fallback leaves no vote.
    """
    source = m.entry.id
    if m.field == "title":
        # a shortened name or a participle in a title is no part of it: "Simulated Annealing" is no simulation
        if TITLE_CONTAINS.name in disabled or all(n.source in ("short", "contested", "participle") for n in m.names
                                                   if n.concept != source):
            return None
        free = _FREE.match(m.after)
        rule = NEGATION if free and NEGATION.name not in disabled else TITLE_CONTAINS  # "OCR-Free Document …"
        if rule is TITLE_CONTAINS and SAME_TITLE.name not in disabled and not m.before.strip() \
                and (not m.after.strip() or m.after.lstrip()[0] == "("):
            rule = SAME_TITLE  # S's whole label is T's name: two entries of one name, neither a kind of the other
        return Evidence(source, target, "title", m.sentence, m.entry.location.path, m.line, m.surface,
                        rule.name, rule.outcome, rule.confidence, m.surface + (free[0] if rule is NEGATION else ""))
    forward = pos.order[target] > pos.order[source]
    found = (NEGATION, m.surface + free[0]) if (free := _FREE.match(m.after)) else \
        cue_for(m.before, m.after, forward, prose=m.field != "example", own=pos.stems(source),
                family=pos.entries[target].parent == pos.entries[source].parent
                or pos.section_heads.get(pos.section[target]) == source)
    instance = found is not None and found[0] is CUE_INSTANCE
    if (m.aside or instance) and _names_the_phrase(m, pos.entries[target].label):
        m = m._replace(aside=False)  # the parenthesis is part of T's name: no remark, and no instance
        found = None if instance else found
    if found is not None and found[0].name in disabled:
        found = None
    rule, cue = found or (plain_rule(m, formula=FORMULA.name not in disabled), "")
    if rule is FORMULA:
        cue = m.surface + "(…)"
    if rule in (DEFINITION, PASSING, LISTED, CUE_PARTS) and pos.heads.get(pos.entries[target].parent) == source:
        rule = INTRODUCES
    if rule is DEFINITION and pos.section[target] != pos.section[source] and _everyday_word(m.surface) \
            and not _shares_topic(m, target, pos):
        rule = LOOSE_WORD
    if rule.name in disabled:
        return None
    return Evidence(source, target, m.field, m.sentence, m.entry.location.path, m.line, m.surface,
                    rule.name, rule.outcome, round(rule.confidence * FIELD_FACTOR[m.field], 3), cue, m.agent)


_FREE = re.compile(r"[-\u2010-\u2013](?:free|less)\b(?!-)", re.I)  # "OCR-free", "tokenizer-less": what S does without T


def _shares_topic(m: Mention, target: str, pos: Positions) -> bool:
    """Whether the sentence of a mention shares a word other than the name with the concept's own text."""
    theirs = pos.topic(target)
    name = m.surface.lower()
    return any(w in theirs and w != name for w in _TOPIC_WORD.findall(m.sentence.lower()))


def _names_the_phrase(m: Mention, label: str) -> bool:
    """"the logistic (sigmoid) function" names T, Sigmoid Function: the parenthesis gives another word for the
    start of a phrase whose next words complete T's name.  The mention is T itself, not an instance of S."""
    rest = _WORDS.findall(label.lower())[len(_WORDS.findall(m.surface)):]
    after = m.after.lstrip()
    return bool(rest) and after.startswith(")") and _WORDS.findall(after[1:200].lower())[:len(rest)] == rest


_WORDS = re.compile(r"[^\W_]+")


def plain_rule(m: Mention, formula: bool = True) -> Rule:
    """The rule for a mention no cue phrase types: where it stands in S's text decides, not where T is defined.
    Without ``formula`` (switched off for an ablation) a name in a formula is read as any other."""
    if m.field == "example":
        return EXAMPLE
    if formula and _APPLIED.match(m.after) and (_MATH.search(m.before[-FORMULA_REACH:])
                                                 or _MATH.search(m.after, 0, FORMULA_REACH)):
        return FORMULA
    if m.listed:
        return LISTED
    if m.aside:
        return ASIDE
    if m.first:
        # an example given of something else the definition names ("attacks such as FGSM and PGD"): no part of S
        return LISTED if _EXAMPLE_OF.search(m.before) else DEFINITION
    return PASSING


# "KL(Q‖P)", "softmax(QKᵀ)": not "GAN(s)", "ReLU (rectified …)", nor a year cited, "Alpha Net(2017)"
_APPLIED = re.compile(r"\((?!s\))(?![0-9]{4}[a-z]?\))[^()\s]")
_MATH = re.compile(r"[=≤≥≈∝√∑∏∫]")
FORMULA_REACH = 40
"""Characters either side of a name applied to arguments within which a sign of a formula must stand."""


# INSTANCE_BEFORE's words less "like" (a comparison, "Like stacking but simpler"), after any list ("such as FGSM
# and PGD"): the instance cue orders a family, this one only says the mention is an example
_EXAMPLE_OF = re.compile(r"\b(?:such as|e\.g\.,?|for example|for instance|including)\s+"
                         r"(?:[^.;:!?()]{0,80}?(?:,|\band\b|\bor\b)\s*)?(?:(?:an?|the)\s+)?\Z", re.I)


PLAIN_NAMES = frozenset(r.name for r in PLAIN)
_ORDER_RULES = PLAIN_NAMES | {ENUMERATION.name, NEGATION.name}
_BY_NAME = {r.name: r for r in RULES}
_FLIP = {REQUIRES: REQUIRED_BY, REQUIRED_BY: REQUIRES}


@functools.lru_cache(maxsize=1 << 20)  # a name's surface recurs in every mention of it
def _lone_word(surface: str) -> bool:
    tokens = _TOKEN.findall(surface)
    return len(tokens) == 1 and not is_acronym(tokens[0])


def forget() -> None:
    """Empty the lone-word cache: it holds one corpus's names."""
    _lone_word.cache_clear()


_TOKEN = re.compile(r"\w+")


def drop_homonyms(evidence: list[Evidence], pos: Positions, prose: Prose
                  ) -> tuple[list[Evidence], list[tuple[Evidence, str]]]:
    """(kept, dropped with the reason) under :data:`HOMONYM_RULE`: a lone ordinary word, with no cue, linking
    two sections that nothing else links, or an everyday one that is the only concept of its section the entry
    names, is taken in its everyday sense.  A rare word that is a whole title ("backpropagation", "ResNet") has
    none to take."""
    section = pos.section
    first: dict[tuple[str, str], tuple[str, str]] = {}  # two sections → the first pair of concepts linking them
    linked_more: set[tuple[str, str]] = set()  # sections that more than one pair of concepts links
    for ev in evidence:
        s, t = section[ev.source], section[ev.target]
        if s != t:
            pair = (ev.source, ev.target) if ev.source < ev.target else (ev.target, ev.source)
            sections = (s, t) if s < t else (t, s)
            if first.setdefault(sections, pair) != pair:
                linked_more.add(sections)
    company = _company(evidence, pos)
    kept, dropped = [], []
    for ev in evidence:
        s, t = section[ev.source], section[ev.target]
        if s == t or ev.field == "title":
            kept.append(ev)
        elif _lone_word(ev.surface) and ev.rule in _ORDER_RULES and ((s, t) if s < t else (t, s)) not in linked_more \
                and not (rare_word(low := ev.surface.lower()) and low in pos.whole_word_names(ev.target)):
            dropped.append((ev, "a lone word linking two sections nothing else links"))
        elif (ev.source, t) in company and len(company[ev.source, t]) < 2 and _everyday_mention(ev, pos):
            dropped.append((ev, "an everyday word, the only concept of its section this entry names"))
        elif _letter_name(ev.surface) and _letter_name(pos.entries[ev.target].label):
            dropped.append((ev, "a letter and an everyday word, outside the section that names them"))
        else:
            kept.append(ev)
    proper = proper_names({ev.surface for ev, why in dropped if ev.surface[:1].isupper() and _lone_word(ev.surface)},
                          prose)
    if proper:
        kept += [ev for ev, _ in dropped if ev.surface in proper]
        dropped = [(ev, why) for ev, why in dropped if ev.surface not in proper]
    return kept, dropped


def proper_names(words: set[str], prose: Prose) -> set[str]:
    """Those of ``words`` that the explanations write capitalised inside a sentence and never in lower case:
    names, not words of everyday English ("the Adam optimizer", "Whisper transcribes"; not "Recall that …").
    Examples are not read: code writes names in lower case (``optimizer="adam"``).

    A word once seen in lower case is decided, and is no longer looked for: the words are everyday ones, and
    searching each through the whole corpus made this the one step of the build that grew faster than the
    corpus (37 times from 10k entries to 100k)."""
    if not words:
        return set()
    big, firsts, spans = prose.text, [lo for lo, _ in prose.spans], prose.spans
    inside: set[str] = set()
    lower: set[str] = set()
    norm = prose.norm
    wanted = {normalize(w) for w in words}
    automaton = _automaton(wanted)
    for lo, hi in _blocks(prose):
        before = len(lower)
        # whole words only: each is looked for with the separators around it ("th" inside "the" cost 2 million
        # matches at 100k entries), and a block starts one character early to see the one before its first word
        base = lo - 1 if lo else 0
        text = ("" if lo else " ") + norm[base:hi + 1] + (" " if hi + 1 > len(norm) else "")
        shift = base - (0 if lo else 1) - 1
        for end, w in automaton.iter(text):
            end += shift
            start = end - len(w) + 1
            k = bisect_right(firsts, start) - 1
            if w in lower or k < 0 or end >= spans[k][1] \
                    or (start and big[start - 1].isalnum()) or (end + 1 < len(big) and big[end + 1].isalnum()):
                continue  # decided, outside the explanations, or inside another word
            if big[start].islower():
                lower.add(w)
                continue
            i = start - 1
            while i >= firsts[k] and big[i].isspace():
                i -= 1
            if i >= firsts[k] and (big[i].islower() or big[i] in ",;"):
                inside.add(w)
        if len(lower) > before:
            wanted -= lower
            if not wanted:
                break
            automaton = _automaton(wanted)
    return {w for w in words if normalize(w) in inside and normalize(w) not in lower}


def _automaton(words: Iterable[str]) -> ahocorasick.Automaton:
    """Each of ``words`` between the spaces :func:`normalize` makes of whatever is no word character."""
    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(f" {w} ", w)
    automaton.make_automaton()
    return automaton


PROSE_BLOCK = 1 << 20
"""Characters of explanations searched at once: the automaton copies what it searches into four bytes a
character, and the whole corpus at 100k entries made that copy the build's peak."""


def _blocks(prose: Prose) -> Iterator[tuple[int, int]]:
    """[lo, hi) of blocks of whole explanations, :data:`PROSE_BLOCK` characters or fewer (one may be longer), to
    search the normalised corpus text ("İ" lower-cased keeps its length) a block at a time; a match across two
    explanations counts for nothing anyway."""
    spans = prose.spans
    i = 0
    while i < len(spans):
        lo = spans[i][0]
        j = i + 1
        while j < len(spans) and spans[j][1] - lo <= PROSE_BLOCK:
            j += 1
        yield lo, spans[j - 1][1]
        i = j


def _company(evidence: list[Evidence], pos: Positions) -> dict[tuple[str, str], set[str]]:
    """(entry, section) → the concepts of that section the entry names or is named by, for just the entries that
    name a concept of another section by an everyday word alone, in passing, where the concept heads nothing."""
    section = pos.section
    company: dict[tuple[str, str], set[str]] = {
        (ev.source, section[ev.target]): set() for ev in evidence if _everyday_mention(ev, pos)}
    if company:
        for ev in evidence:
            if (found := company.get((ev.source, section[ev.target]))) is not None:
                found.add(ev.target)
            if (found := company.get((ev.target, section[ev.source]))) is not None:
                found.add(ev.source)
    return company


def _everyday_mention(ev: Evidence, pos: Positions) -> bool:
    """A mention of a concept of another section, that heads no subsection, by one everyday word, no cue
    marking it as a term: what needs company (not every mention of the pair: "uses momentum" is a cue)."""
    return ev.rule in _ORDER_RULES and ev.field != "title" and pos.section[ev.source] != pos.section[ev.target] \
        and ev.target not in pos.head_concepts and _everyday_word(ev.surface)


def _everyday_word(surface: str) -> bool:
    """A name that is one everyday English word, letters only (wordfreq reads "R²" as "r2": a symbol, not a word)."""
    return _lone_word(surface) and surface.isalpha() and common_word(surface)


def _letter_name(surface: str) -> bool:
    """"C parameter", "choosing K": one letter and everyday words. In the SVM section "the C parameter" is the SVM's;
    elsewhere ("Mamba's A, B, C parameters") a letter names whatever that text calls so."""
    tokens = surface.split()  # "U-Net" and "Newton's method" hold no letter standing alone
    if len(tokens) < 2:
        return False  # one word: most names, and no letter with words ("C\nparameter" is two)
    letters = [t for t in tokens if len(t) == 1 and t not in ("I", "a")]
    return len(letters) == 1 and len(tokens) > 1 and all(len(t) == 1 or (t.isalpha() and common_word(t))
                                                         for t in tokens)


def vocabulary_evidence(source: str, target: str, cosine: float, shared: dict[str, float], unit: tuple[str, int, str],
                        file: str) -> Evidence:
    """The SHARED_VOCABULARY vote for two siblings, quoting ``unit`` (field, line, text) of ``source``."""
    field_name, line, text = unit
    terms = ", ".join(sorted(shared, key=shared.get, reverse=True)[:5])
    return Evidence(source, target, field_name, text, file, line, terms, SHARED_VOCABULARY.name, RELATED,
                    round(min(1.0, SHARED_VOCABULARY.confidence + cosine), 3), terms)


# --- A pair's votes, one relation ------------------------------------------------------------

def structural_votes(a: str, b: str, evidence: list[Evidence], heads: dict[str, str], pos: Positions,
                     disabled: frozenset[str] = frozenset()) -> list[tuple[Rule, float, Evidence | None]]:
    """Votes from the sections and from the pattern of mentions, for a pair the text already links
    (``a`` comes before ``b``)."""
    eb = pos.entries[b]
    if heads.get(eb.parent) == a and SUBSECTION_HEAD.name not in disabled:
        sub = pos.subsections[eb.parent]
        return [(SUBSECTION_HEAD, SUBSECTION_HEAD.confidence, Evidence(
            b, a, "section", f"{sub.number} {sub.title}", sub.location.path, sub.location.line,
            sub.title, SUBSECTION_HEAD.name, REQUIRES, SUBSECTION_HEAD.confidence, sub.title))]
    out: list[tuple[Rule, float, Evidence | None]] = []
    if len(evidence) < 2:  # acting in the mechanism and mutual mention each take two pieces of evidence
        return out
    if MECHANISM.name not in disabled:
        for src in (a, b):
            acts = next((ev for ev in evidence if ev.source == src and ev.agent and ev.field == "full"), None)
            if acts is not None and any(ev.source == src and ev.field == "example" for ev in evidence):
                out.append((MECHANISM, MECHANISM.confidence, replace(
                    acts, rule=MECHANISM.name, vote=REQUIRES, confidence=MECHANISM.confidence, cue=acts.surface)))
    if not out and len({ev.source for ev in evidence}) == 2 and all(ev.rule in _ORDER_RULES for ev in evidence) \
            and MUTUAL.name not in disabled:
        out.append((MUTUAL, MUTUAL.confidence, None))
    return out


def _too_weak(outcome: str, confidence: float, deciding: str) -> bool:
    if outcome == RELATED and deciding == EXAMPLE.name:
        return confidence < EXAMPLE_MIN_CONFIDENCE
    return confidence < MIN_CONFIDENCE


def relate(a: str, b: str, evidence: list[Evidence], heads: dict[str, str], pos: Positions,
           disabled: frozenset[str] = frozenset()) -> tuple[Relation, bool, bool]:
    """The relation between ``a`` (earlier) and ``b`` that their evidence decides, whether the votes
    disagreed on its direction, and whether it is too weak to keep: only document-order votes, adding up
    to less than :data:`MIN_CONFIDENCE` (:data:`EXAMPLE_MIN_CONFIDENCE` for a mention in an example)."""
    if len(evidence) == 1 and (heads.get(pos.entries[b].parent) != a or SUBSECTION_HEAD.name in disabled):
        return _relate_one(a, b, evidence[0])  # no structural vote: see structural_votes
    votes = [(_BY_NAME[ev.rule], ev.confidence, ev) for ev in evidence]
    votes += structural_votes(a, b, evidence, heads, pos, disabled)
    # every vote recast from the point of view of the later concept b
    oriented = []
    for rule, conf, ev in votes:
        outcome = rule.outcome if ev is None else ev.vote
        if ev is not None and ev.source == a:
            outcome = _FLIP.get(outcome, outcome)
        oriented.append((rule.tier, outcome, conf, rule.name))
    outcome, confidence, deciding = decide(oriented)
    if min(v[0].tier for v in votes) == 3 and _too_weak(outcome, confidence, deciding):
        # weakened below the floor by a vote for another outcome, where a vote alone would stand: the link stays, at
        # the floor, in the winner's order if one of its votes would stand alone, else unordered
        strong = [o for o in oriented if not _too_weak(o[1], o[2], o[3])]
        if strong:
            if not any(o[1] == outcome for o in strong):
                outcome = RELATED
            deciding = max([o for o in oriented if o[1] == outcome] or strong, key=lambda o: o[2])[3]
            confidence = EXAMPLE_MIN_CONFIDENCE if outcome == RELATED and deciding == EXAMPLE.name \
                else MIN_CONFIDENCE
    # a structural reading of a mention (acts-in-mechanism) stands in its place, not beside it
    kept = list({(ev.source, ev.field, ev.line, ev.sentence, ev.target): ev
                 for *_, ev in votes if ev is not None}.values())
    conflict = len({o for _, o, _, _ in oriented if o != RELATED}) == 2 and outcome != RELATED
    if outcome == REQUIRES:
        source, target, kind = b, a, "requires"
    elif outcome == REQUIRED_BY:
        source, target, kind = a, b, "requires"
    else:
        weight = Counter(ev.source for ev in kept)
        source = b if weight[b] >= weight[a] else a
        target, kind = (a if source == b else b), "related"
    weak = min(v[0].tier for v in votes) == 3 and _too_weak(outcome, confidence, deciding)
    supports = {id(ev) for (_, o, _, _), (*_, ev) in zip(oriented, votes, strict=True)
                if ev is not None and o == outcome}
    # evidence for the outcome first, and sentences a reader can check before titles and headings
    kept.sort(key=lambda ev: (id(ev) not in supports, ev.field in ("title", "section"), -ev.confidence))
    return Relation(source, target, kind, confidence, deciding, tuple(kept)), conflict, weak


def _relate_one(a: str, b: str, ev: Evidence) -> tuple[Relation, bool, bool]:
    """:func:`relate` for most pairs: one mention, nothing to merge, weigh or sort."""
    rule = _BY_NAME[ev.rule]
    outcome = _FLIP.get(ev.vote, ev.vote) if ev.source == a else ev.vote
    outcome, confidence, deciding = decide([(rule.tier, outcome, ev.confidence, rule.name)])
    source, target = (b, a) if outcome == REQUIRES or (outcome == RELATED and ev.source == b) else (a, b)
    weak = rule.tier == 3 and _too_weak(outcome, confidence, deciding)
    return Relation(source, target, "related" if outcome == RELATED else "requires", confidence, deciding,
                    (ev,)), False, weak


# --- The requires graph as a whole ------------------------------------------------------------

DOWNGRADED = "downgraded-cycle"
CURATED_WEIGHT = 1e9
CYCLE_SEARCH_BUDGET = 40
"""Node visits per edge of a cyclic component spent trying to keep edges the ordering dropped (40: enough for
every edge of the hard 100k benchmark to be searched in full)."""


def _requires_succ(relations: Iterable[Relation]) -> dict[str, dict[str, Relation]]:
    """source → {target: relation} for the ``requires`` edges; every node a key, in first-seen order."""
    succ: dict[str, dict[str, Relation]] = {}
    for r in relations:
        if r.kind == "requires":
            succ.setdefault(r.source, {})[r.target] = r
            succ.setdefault(r.target, {})
    return succ


def _weight(r: Relation) -> float:
    return CURATED_WEIGHT if r.curated else r.confidence


def feedback_order(nodes: list[str], succ: dict[str, dict[str, Relation]], rank: dict[str, int]) -> list[str]:
    """A linear order of one component's nodes that most edge weight follows (Eades, Lin and Smyth, 1993).

    Sinks go last, sources first; otherwise the node whose outgoing weight most
    exceeds its incoming weight goes next.  Edges that point backwards in the
    order form a feedback arc set, light edges first.  A heap keeps it
    O(E log V); ties go to ``rank`` (document order), so the order is deterministic.
    """
    inside = set(nodes)
    out_w = dict.fromkeys(nodes, 0.0)
    in_w = dict.fromkeys(nodes, 0.0)
    out_n = dict.fromkeys(nodes, 0)
    in_n = dict.fromkeys(nodes, 0)
    pred: dict[str, list[str]] = {n: [] for n in nodes}
    for u in nodes:
        for v, r in succ[u].items():
            if v in inside:
                w = _weight(r)
                out_w[u] += w
                in_w[v] += w
                out_n[u] += 1
                in_n[v] += 1
                pred[v].append(u)
    left = set(nodes)
    head: list[str] = []
    tail: list[str] = []
    ends = [n for n in nodes if not out_n[n] or not in_n[n]]
    heap = [(in_w[n] - out_w[n], rank[n], n) for n in nodes]
    heapq.heapify(heap)

    def remove(n: str) -> None:
        left.discard(n)
        for v in succ[n]:
            if v in left:
                in_w[v] -= _weight(succ[n][v])
                in_n[v] -= 1
                heapq.heappush(heap, (in_w[v] - out_w[v], rank[v], v))
                if not in_n[v]:
                    ends.append(v)
        for u in pred[n]:
            if u in left:
                out_w[u] -= _weight(succ[u][n])
                out_n[u] -= 1
                heapq.heappush(heap, (in_w[u] - out_w[u], rank[u], u))
                if not out_n[u]:
                    ends.append(u)

    while left:
        while ends:
            n = ends.pop()
            if n in left:
                (tail if not out_n[n] else head).append(n)
                remove(n)
        if not left:
            break
        delta, _, n = heapq.heappop(heap)
        if n in left and delta == in_w[n] - out_w[n]:
            head.append(n)
            remove(n)
    return head + tail[::-1]


def _cycle_text(names: list[str], most: int = 12) -> str:
    """``a -> b -> c -> a``; a long cycle shows its ends and how many concepts it passes in between."""
    if len(names) <= most:
        return " -> ".join(names)
    return " -> ".join([*names[:most // 2], f"({len(names) - most} more)", *names[-(most // 2):]])


def _search(edges: dict[str, dict], start: str, goal: str, budget: list[int],
            window: tuple[dict[str, int], int, int] | None = None) -> tuple[list[str] | None, dict[str, str]]:
    """Breadth-first from ``start`` over ``edges`` towards ``goal``, through nodes whose place is in the
    ``window`` (places, lowest, highest), if one is given: (the shortest path, or None; every node reached,
    with the node it was reached from).  Each visit spends one unit of ``budget``.  Shortest, so that the
    cycle a downgraded edge reports can be read."""
    back = {start: start}
    queue = deque([start])
    place, lo, hi = window or ({}, 0, 0)
    while queue and budget[0] > 0:
        n = queue.popleft()
        budget[0] -= 1
        if n == goal:
            path = [n]
            while path[-1] != start:
                path.append(back[path[-1]])
            return path[::-1], back
        for w in edges[n]:
            if w not in back and (window is None or lo <= place[w] <= hi):
                back[w] = n
                queue.append(w)
    return None, back


def break_cycles(relations: list[Relation], rank: dict[str, int]) -> tuple[list[Relation], list[tuple[str, str, str]]]:
    """Keep ``requires`` acyclic: in every cycle, the weakest edges become ``related``.

    Strongly connected components are found once; edges between them lie on no
    cycle and are never touched.  Inside each, :func:`feedback_order` orders the
    nodes and the edges pointing backwards are set aside; each is then kept
    after all, strongest first, where no path in what is kept leads back.  What
    is kept stays in a topological order, updated as each edge is kept (Pearce
    and Kelly, 2006), so a search for the way back only walks the nodes placed
    between the edge's ends; it spends at most :data:`CYCLE_SEARCH_BUDGET`
    visits per edge of the component.  Each downgraded edge says which cycle it
    closed.  A cycle of curated edges alone is the curator's to fix: a
    :class:`CurationError`.  Returns the relations and (source, target, reason)
    per downgraded edge.
    """
    succ = _requires_succ(relations)
    changed: dict[int, Relation] = {}
    report = []
    # a node no edge leaves or none enters is on no cycle: the components are found among the others only
    entered = {v for vs in succ.values() for v in vs}
    inner = {u: [v for v in vs if v in entered and succ[v]] for u, vs in succ.items() if vs and u in entered}
    cyclic = [c for c in nx.strongly_connected_components(nx.DiGraph(inner)) if len(c) > 1]
    for nodes in sorted((sorted(c, key=rank.__getitem__) for c in cyclic), key=lambda c: rank[c[0]]):
        inside = set(nodes)
        order = feedback_order(nodes, succ, rank)
        place = {n: i for i, n in enumerate(order)}
        kept = {n: {v: r for v, r in succ[n].items() if v in inside and place[v] > place[n]} for n in nodes}
        pred: dict[str, dict[str, Relation]] = {n: {} for n in nodes}
        for n, targets in kept.items():
            for v, r in targets.items():
                pred[v][n] = r
        back = sorted((r for n in nodes for v, r in succ[n].items() if v in inside and place[v] < place[n]),
                      key=lambda r: (-_weight(r), rank[r.source], rank[r.target]))
        budget = [CYCLE_SEARCH_BUDGET * (len(back) + sum(map(len, kept.values())))]
        for r in back:
            u, v = r.source, r.target
            spend = [2 * len(inside) + 2] if r.curated else budget  # a curated edge is always searched in full
            # every kept edge points forward in the order: a way back from v to u stays between them
            lo, hi = place[v], place[u]
            cycle, ahead = _search(kept, v, u, spend, (place, lo, hi))
            if cycle is None and spend[0] > 0:
                _, behind = _search(pred, u, v, spend, (place, lo, hi))
                if spend[0] > 0:
                    # u and what leads to it move before v and what follows it, into the places they held
                    moved = sorted(behind, key=place.__getitem__) + sorted(ahead, key=place.__getitem__)
                    for n, i in zip(moved, sorted(place[n] for n in moved), strict=True):
                        place[n] = i
                    kept[u][v] = pred[v][u] = r
                    continue
            names = _cycle_text([u, *cycle]) if cycle else f"a requires cycle among {len(nodes)} concepts"
            if r.curated:
                ev = r.evidence[-1]
                raise CurationError(problems=[Problem(Location(ev.file, ev.line),
                                                      f"curated requires edges form a cycle: {names}")])
            changed[id(r)] = replace(r, kind="related", rule=DOWNGRADED)
            # a curated edge on the cycle is why a mined one gave way: said, with where the curator wrote it
            curated = [kept[a][b] for a, b in pairwise(cycle)] if cycle else []
            why = "".join(f"; the curated {c.source} requires {c.target} ({c.evidence[-1].file}:"
                          f"{c.evidence[-1].line}) is on it" for c in curated if c.curated)
            report.append((u, v, f"closed the cycle {names}{why}" if cycle else f"closed {names}"))
    return [changed.get(id(r), r) for r in relations], report


SWITCHES = (*(r.name for r in RULES), HOMONYM_RULE, SPELLED_OUT_RULE, CODE_RULE, INDEXED_RULE, CUE_WORD_RULE)
"""What ``mine(disabled=…)`` can switch off, one at a time, to measure what each rule buys."""
