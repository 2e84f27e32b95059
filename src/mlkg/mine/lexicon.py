"""Names of concepts, all derived from the corpus, and a linear-time matcher for them.

A concept is named by its title's label, the parenthesised alternative,
its ID read as words, the subsection it heads, abbreviations the text
defines ("Gaussian Mixture Model (GMM)"), and curated aliases.  Each name
yields variants: singular and plural, hyphen, space and joined forms.
Acronym tokens ("GAN", "ReLU") must match case-sensitively; ordinary words
match case-insensitively; every match sits on word boundaries.

Matching runs one Aho-Corasick automaton over text normalised by
:func:`normalize`, which lowercases and turns every non-word character
into a space without changing the length, so match offsets index the
original text directly.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import ahocorasick

from ..read import Corpus, Entry, Heading, plain_title, split_title
from .text import COMMON, RARE, common_phrase, everyday, normalize, normalize_many, rare_word, zipf

_WORD = re.compile(r"\w+")
_HYPHEN = re.compile(r"(-)")
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")

# Lower rank wins when two concepts share a name.
RANK = {"alias": 0, "title": 0, "alt": 0, "subsection": 1, "abbrev": 1, "defined": 1, "conjunct": 1, "id": 2,
        "lowercase": 2, "verbal": 2, "short": 3, "contested": 3, "adjective": 3, "participle": 3}


def is_acronym(token: str) -> bool:
    """"GAN", "GANs", "ReLU", "ViT", "StyleGAN" are acronyms; "Tanh", "XGBoost", "K" are not."""
    if token[1:].islower():
        return False  # most words: at most one capital
    upper = sum(map(str.isupper, token))
    return upper >= 2 and upper >= sum(map(str.islower, token))


def _plural(word: str) -> str:
    if is_acronym(word) or (word[-1:].isdigit() and any(c.isupper() for c in word)):
        return word + "s"  # GANs, GPT-4s, T5s
    low = word.lower()
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(low) > 2 and low.endswith("y") and low[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


_SINGULAR_FLOOR = 3.0


def forget() -> None:
    """Empty the word and key caches: they hold one corpus's words and names."""
    for cache in (_singular, _other_number, _compound):
        cache.cache_clear()
    _KEYS.clear()
    _HEAD_KEYS.clear()


@functools.lru_cache(maxsize=1 << 20)  # a title's last word recurs in every name made from it
def _singular(word: str) -> str | None:
    if len(word) > 2 and word.endswith("s") and (word[-2].isupper() or word[-2].isdigit()) and (
            is_acronym(word[:-1]) or any(c.isupper() for c in word)):
        return word[:-1]
    low = word.lower()
    if len(low) > 4 and low.endswith("ies"):
        single = word[:-3] + "y"
    elif len(low) > 4 and low.endswith(("ches", "shes", "sses", "xes", "zes")):
        single = word[:-2]
    elif len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        single = word[:-1]
    else:
        return None
    # no plural at all where English uses the word ten times as often as its supposed singular and that is rare:
    # "bias" is no plural of "bia", nor "series" of "sery", "physics" of "physic" ("statistics" is of "statistic")
    rare = zipf(single.lower())
    return None if rare < _SINGULAR_FLOOR and zipf(low) > rare + 1 else single


LONGEST_VARIED = 12
"""The most words a name has that is given possessive and split-compound forms: there is one such form per word,
each as long as the name, so a title of thousands of words made forms (and automaton keys) quadratic in its length
(a title of 12,800 words took 10 s and 820 MiB).  Cheatsheet titles have at most eight."""


def variants(name: str) -> set[str]:
    """Surface forms of one name: itself, its other grammatical number, hyphen joined, possessive."""
    name = " ".join(name.split())
    out = {name}
    words = name.split(" ")
    varied = len(words) <= LONGEST_VARIED
    # "Bayes Theorem" is written "Bayes' theorem" (and "Bayes' Theorem" "Bayes theorem"); most names have no word
    # but the last that ends in "s" or "s'", and skip the loop
    for i, w in enumerate(words[:-1] if varied and ("s " in name or "s'" in name) else ()):
        stem = w.removesuffix("'")
        if stem[:1].isupper() and stem.isalpha() and stem.endswith("s") and not stem.endswith("ss"):
            for form in (stem, stem + "'"):
                out.add(" ".join([*words[:i], form, *words[i + 1:]]))
    cut = name.rfind(" ") + 1
    other = _other_number(name[cut:])
    if other is not None:
        out.add(name[:cut] + other)
    if "-" in name:
        for form in list(out):
            if "-" in form:
                out.add(_INNER_HYPHEN.sub("", form))
    # "Feedforward" is written "feed-forward" too; one such split a form, or a title of twenty such words would
    # have 2^20 forms
    forms = list(out)
    for i, w in enumerate(words if varied else ()):
        if (at := _compound(w)) is not None:
            for f in forms:
                fw = f.split(" ")
                if len(fw) == len(words) and fw[i][:at].lower() == w[:at].lower():
                    out.add(" ".join([*fw[:i], f"{fw[i][:at]}-{fw[i][at:]}", *fw[i + 1:]]))
    return out


@functools.cache  # names share their last word: "Model", "Learning", "Networks"
def _other_number(last: str) -> str | None:
    """A name's last word in the other grammatical number ("Models" "Model", "GAN" "GANs", "Auto-encoder"
    "Auto-encoders"), or None where it has none (a number, a symbol)."""
    last_word = _HYPHEN.split(last) if "-" in last else [last]
    tail = last_word[-1]
    if tail and (tail[-1].isalpha() or any(c.isupper() for c in last)) and not _SIGN.search(tail):
        single = _singular(tail)
        return "".join(last_word[:-1]) + (single if single else _plural(tail))
    return None


_PARTICLES = frozenset({"ahead", "through", "over", "back", "down", "away", "along", "around", "about", "under"})


LONGEST_COMPOUND = 48
"""No English word wordfreq weighs above :data:`RARE` has more than 21 letters, so no closed compound of two has
more than 42.  Each split of a longer word looked up a prefix as long as the word: a title of one word of 32,000
letters took 12 s and 580 MiB."""


@functools.cache  # "Feedforward" recurs in every name made from a title that has it
def _compound(word: str) -> int | None:
    """Where a word written closed up splits in two as English also writes it ("Feedforward": "Feed-forward"): into
    two words of four letters or more that wordfreq knows (the rarer at least :data:`RARE`, the two on average
    :data:`COMMON`: "Auto-encoder", not "Align-ment"), the most common such split; none where English writes the
    word closed ("Transformer"), nor before a particle ("look ahead" is no Lookahead)."""
    if not 8 <= len(word) <= LONGEST_COMPOUND or not word.isalpha() or is_acronym(word):
        return None
    low = word.lower()
    if not rare_word(low):  # English writes it closed: "Transformer", "Knowledge", "Bootstrap"
        return None
    best, score = None, -1.0
    for i in range(4, len(low) - (5 if low.endswith("ing") else 3)):  # not "Boo-sting"
        if low[i:] in _PARTICLES:  # "look ahead", "pass through": a verb phrase, not the term
            continue
        a = zipf(low[:i])
        if a <= RARE:  # no split here whatever the second word is: its frequency need not be looked up
            continue
        b = zipf(low[i:])
        if b > RARE and a + b >= 2 * COMMON and min(a, b) > score:
            best, score = i, min(a, b)
    return best


_AGENT = (("ification", "ifier"), ("ization", "izer"), ("isation", "iser"), ("ation", "ator"), ("ction", "ctor"),
          ("ssion", "ssor"))
"""The noun of what does an action, from the noun of the action, as English regularly makes it."""


def _verbal_forms(prefix: str, word: str, heads: set[str], doer_only: bool = False) -> Iterator[str]:
    """The last word of a name in the verb's other forms, and the noun of its doer (:data:`_AGENT`): "bootstrap
    samples" names Bootstrap Sampling, unless the
    phrase is an everyday one ("weighted average" is not Weighted Averaging); and where the word is a head several
    titles share (``heads``), its "-ing" form: "language modeling" names Language Model."""
    low = word.lower()
    if prefix.endswith(" "):
        # what does it, after a word of its own: "an audio classifier" does Audio Classification, "a density
        # estimator" Density Estimation
        agent = next((word[:-len(a)] + b for a, b in _AGENT if low.endswith(a) and len(low) > len(a) + 1), None)
        if agent and zipf(agent.lower()) > 0 and not common_phrase(prefix + agent, COMMON):  # no "Bellman Equator"
            yield agent
    if doer_only:
        return
    if low.endswith("ing") and len(low) > 5:
        stem = word[:-3]
        # and its participle, after a word of its own: "a gradient-boosted model" has had Gradient Boosting; not
        # "oversmoothed" (Over-Smoothing), an adjective of everyday English as well
        participle = stem + "ed"
        if prefix.endswith(" ") and zipf(participle.lower()) > RARE and not common_phrase(prefix + participle, COMMON):
            yield participle
        for noun in (stem + "e", stem, stem[:-1] if stem[-1] == stem[-2] else ""):
            if noun and zipf(noun.lower()) >= COMMON:
                if not common_phrase(prefix + noun, COMMON):
                    yield noun
                return
    elif low in heads and zipf((gerund := (word[:-1] if low.endswith("e") else word) + "ing").lower()) >= RARE:
        yield gerund
        if low.endswith("l"):
            yield word + "ling"


class Name(NamedTuple):
    """One surface form of one concept."""

    surface: str
    concept: str
    source: str
    strict: tuple[bool, ...]  # per token: must match case-sensitively

    @property
    def rank(self) -> int:
        return RANK[self.source]


_BY_RANK = operator.attrgetter("rank")


class Match(NamedTuple):
    """One mention in a text: [start, end) and the names it could be."""

    start: int
    end: int
    names: tuple[Name, ...]

    @property
    def surface(self) -> str:
        return self.names[0].surface


_SIGNS = ("+", "#", "*")
_SIGN = re.compile(rf"(?<=\w)[{re.escape(''.join(_SIGNS))}]+\Z")
"""The signs a name may end in, part of it as written: "PointNet++" is no "PointNet", "SPO+" no "SPO", "C#" no "C"."""


def _by_sign(names: tuple[Name, ...], signs: dict[Name, str], text: str, start: int, at: int,
             exclude: frozenset[str]) -> tuple[tuple[Name, ...], int]:
    """Of names that share a key, matched at ``start`` to ``at``, those a text's sign after the match is the end of
    (``signs``: each name's, "" for none), with the sign's length; where it is none's, those that end in no sign.
    "PointNet++" names its own entry and PointNet none, though both keys are "pointnet".  A star that closes an
    emphasis ("*a*") is no sign; in a title, its own signed name set aside, the rest is the name it extends
    ("PointNet++" holds "PointNet")."""
    after = text[at:at + 4].translate(_FULL_WIDTH)
    emphasis = text[start - 1:start] == "*"
    signed = [(len(sign), n) for n in names if (sign := signs[n]) and after.startswith(sign)
              and not (emphasis and sign[0] == "*")]
    if signed:
        longest = max(k for k, _ in signed)
        written = tuple(n for k, n in signed if k == longest)
        if not (exclude and all(n.concept in exclude for n in written)):
            return written, longest
    return tuple(n for n in names if not signs[n]), 0


_INNER_SIGN = re.compile(r"\w[+#*]+\W")
_FULL_WIDTH = str.maketrans("\uff0b\uff03\uff0a", "+#*")


def _make_name(surface: str, concept: str, source: str) -> Name | None:
    tokens = _WORD.findall(surface)
    if not tokens or len(surface.strip()) < 2 or "".join(tokens).isdigit():
        return None
    return Name(surface, concept, source, tuple(map(_written_as_is, tokens)))


def _written_as_is(token: str) -> bool:
    """Whether a name's word matches only as written: an acronym ("GAN"), or a coined word whose capitals make it
    no English word ("RotatE", "DAgger", "ComplEx"; not "rotates", "dagger", "complex")."""
    rest = token[1:]
    if rest.islower():
        return False  # most words: checked first, as every form of every name passes here
    return is_acronym(token) or (rest.isalpha() and not rare_word(token.lower()))


def fold(text: str) -> str:
    """``text`` lowercased and decomposed (NFKD) without its combining marks: "Ｖａｅ" is "vae", "Café" "cafe".  How
    every lookup of a name reads it, ``ConceptGraph.resolve`` as search does (``mlkg.views.search``), and how a
    curation alias is checked against the numbers those lookups take."""
    if text.isascii():  # most names: nothing to decompose
        return text.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if unicodedata.category(c) != "Mn")


def singular_key(name: str) -> str:
    """A name normalised with its last word singular: "GANs" and "gan" have the same key."""
    tokens = normalize(name).split()
    if tokens:
        tokens[-1] = _singular(tokens[-1]) or tokens[-1]
    return " ".join(tokens)


class _Memo(dict):
    """``fn``'s results for the length of one build. A cache of fixed size thrashes once a corpus has more names
    than it holds (at 100k entries the lexicon took 14 times as long as at 10k); this one grows with the corpus
    and goes with the build."""

    def __init__(self, fn: Callable[[str], Any]):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.fn(key)
        return value


def name_key(name: str) -> str:
    """The key a name is looked up by: folded (:func:`fold`), its words normalised and its last word singular
    ("GANs", "gan" and "ＧＡＮ" are one key): ``ConceptGraph.resolve``'s, and a curation alias's against the
    numbers it resolves."""
    return singular_key(fold(name))


# singular_key of every name asked for since forget(): shared, not one per call, because the subsection heads,
# the section heads and the lexicon all ask for the keys of the same titles
_KEYS = _Memo(singular_key)


_BRACKETED_SHORT = re.compile(r"\(([A-Za-z][\w-]{1,9})\)")


def _abbreviations(text: str) -> Iterable[tuple[str, str]]:
    """(short form, long form) pairs defined in text as "Long Form (LF)" (Schwartz & Hearst, 2003)."""
    for m in _BRACKETED_SHORT.finditer(text):
        short = m.group(1)
        if not any(c.isupper() for c in short):
            continue
        letters = [c.lower() for c in short if c.isalnum()]
        need = min(len(letters) + 5, 2 * len(letters))
        lo = max(0, m.start() - 64 * need)  # the words just before, not the whole text again for each one
        words = text[lo:m.start()].split()[1 if lo else 0:][-need:]
        long_text = " ".join(words)
        # walk the short form right to left through the candidate long form
        li, si = len(long_text) - 1, len(letters) - 1
        while si >= 0:
            c = letters[si]
            while li >= 0 and (long_text[li].lower() != c or (
                    si == 0 and li > 0 and long_text[li - 1].isalnum())):
                li -= 1
            if li < 0:
                break
            si -= 1
            li -= 1
        if si < 0:
            yield short, long_text[li + 1:].strip(" ,;:")


_LISTED = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def title_abbreviations(names: tuple[str, ...]) -> Iterator[str]:
    """"Reinforcement Learning (RL)", from a title whose other name shortens the same words: "Offline Reinforcement
    Learning (Offline RL)" spells RL out as another title names it, though no text does."""
    label, *alts = names
    words = label.split()
    same = None
    for alt in alts:
        # an acronym among the names a title lists in brackets: "Signal-to-Distortion Ratio (SDR, SI-SDR and BSS Eval)"
        items = _LISTED.split(alt)
        if len(items) > 1:
            yield from (f"{label} ({item})" for item in items if is_acronym(item))
            continue
        other = alt.split()
        if len(other) < 2:  # an acronym alone ("VAE"): it shares no words with the title
            continue
        same = same or [(_singular(w) or w).lower() for w in words]
        also = [(_singular(w) or w).lower() for w in other]
        shorter = min(len(words), len(other))
        lead = next((i for i, (a, b) in enumerate(zip(same, also, strict=False)) if a != b), shorter)
        tail = next((i for i, (a, b) in enumerate(zip(same[::-1], also[::-1], strict=False)) if a != b), shorter)
        if (lead or tail) and len(other) - lead - tail == 1 and is_acronym(other[lead]):  # not "Batch Norm"
            yield f"{' '.join(words[lead:len(words) - tail])} ({other[lead]})"


_BRACKETED_FIRST = re.compile(r"\(([A-Za-z][\w-]{1,9})[),;]")  # "(ES)", or the first of "(ES, also CVaR)"


def spelled_out(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms these texts spell out themselves, each with its long form: "gradient penalty (GP)", and the last
    part of a compound, "gradient penalty (WGAN-GP)".  The initials of the words before the parenthesis must
    spell it exactly (function words may sit between them), so a loose match through a sentence never counts.
    Stricter than :func:`_abbreviations`, which finds names: this decides a word's sense, and an acronym whose
    letters include a function word's ("bag of words (BoW)") is simply not found, which drops nothing.

    Within its entry such an acronym means what the entry says, whatever else the corpus calls by it.
    """
    out: dict[str, str] = {}
    for text in texts:
        if "(" not in text:
            continue
        for m in _BRACKETED_FIRST.finditer(text):
            short = m.group(1).rsplit("-", 1)[-1]
            if not is_acronym(short) or short in out:
                continue
            letters = [c.lower() for c in short if c.isalpha()]
            words = list(_WORD.finditer(text, max(0, m.start() - 24 * len(letters)), m.start()))
            # the words just before the parenthesis, or those before a last word the acronym leaves out, the kind
            # of thing the named one is: "the iterative closest point algorithm (ICP)"
            for before in (words, words[:-1]):
                taken = _initials(before, letters)
                if taken:
                    out[short] = text[taken[-1].start():taken[0].end()]
                    break
    return out


_WHOLE_WORD = re.compile(r"\w+(?:-\w+)*")


def head_spelled(text: str, head: str, tail: str) -> str | None:
    """The words that spell ``head``, the acronym opening the compound "head-tail", just before ``tail`` standing
    alone in ``text``: "the scale-invariant SDR" for the SI of "SI-SDR", "Multi-dimensional Archive of Phenotypic
    Elites" for the MAP of "MAP-Elites".  As strict as :func:`spelled_out`, and a noun phrase: the words open a
    bracket or a clause or follow a determiner, or are capitalised; not "than doing plain SGD" for DP-SGD."""
    letters = [c.lower() for c in head if c.isalpha()]
    if not tail or not letters:
        return None
    at = text.find(tail)
    while at >= 0:
        end = at + len(tail)
        last = _WORD.findall(text, max(0, at - 40), at)
        # not inside a word, nor the compound itself; and the word before gives the last initial
        if (at == 0 or (text[at - 1] != "-" and not text[at - 1].isalnum())) \
                and (end == len(text) or not text[end].isalnum()) \
                and last and last[-1][0].lower() == letters[-1]:
            lo = max(0, at - 24 * len(letters))
            for word in (_WORD, _WHOLE_WORD):  # "scale-invariant" is two initials, "Multi-dimensional" one
                taken = _initials(list(word.finditer(text, lo, at)), letters)
                if taken and text[taken[0].end():at].strip() == "" and _opens_noun_phrase(text, taken):
                    return text[taken[-1].start():taken[0].end()]
        at = text.find(tail, end)
    return None


def title_initials(labels: Iterable[str]) -> dict[str, list[str]]:
    """The first letters of the words of each label of two words or more, function words left out ("cv" of
    "Coefficient of Variation") → the singular keys of the labels so spelled: what an acronym may stand for."""
    out: dict[str, list[str]] = {}
    for label in labels:
        words = [w for w in _WORD.findall(label) if w.lower() not in _FUNCTION_WORDS]
        if len(words) >= 2 and not any(is_acronym(w) for w in words):
            out.setdefault("".join(w[0].lower() for w in words), []).append(_KEYS[label])
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def phrase_at(norm: str, key: str, start: int = 0, end: int | None = None) -> int:
    """Where normalised text first writes a name's key as whole words, its last word in either number
    ("confidence intervals" writes "confidence interval"), between ``start`` and ``end``; -1 if nowhere."""
    end = len(norm) if end is None else end
    at = norm.find(key, start, end)
    while at >= 0:
        after = at + len(key)
        if (at == 0 or not norm[at - 1].isalnum()) and (after >= len(norm) or not norm[after].isalnum() or (
                norm.startswith(("s", "es"), after)
                and ((stop := after + (1 if norm[after] == "s" else 2)) >= len(norm) or not norm[stop].isalnum()))):
            return at
        at = norm.find(key, at + 1, end)
    return -1


_DETERMINER = re.compile(r"(?:\b(?:the|a|an|its|their|this|that|these|those|each|every|our|his|her)|[(,;:])\s*\Z",
                         re.I)


def _opens_noun_phrase(text: str, taken: list[re.Match]) -> bool:
    """Whether the words ``taken`` (last first) open a noun phrase: capitalised, or at the start of the text, a
    bracket or a clause, or after a determiner."""
    first = taken[-1]
    return first.group()[0].isupper() or _DETERMINER.search(text, max(0, first.start() - 12), first.start()) \
        is not None or not text[:first.start()].strip()


def _initials(words: list[re.Match], letters: list[str]) -> list[re.Match] | None:
    """The last words of ``words`` whose initials spell ``letters`` (function words may sit between them), last
    first; None where they do not."""
    taken: list[re.Match] = []
    for w in reversed(words):
        if len(taken) == len(letters) or (taken and w.group().lower() not in _FUNCTION_WORDS
                                          and w.group()[0].lower() != letters[-1 - len(taken)]):
            break
        if not taken or w.group().lower() not in _FUNCTION_WORDS:
            taken.append(w)
    if len(taken) == len(letters) and [w.group()[0].lower() for w in reversed(taken)] == letters:
        return taken
    return None


_ALSO_CALLED = re.compile(r"\b(?:also|often|sometimes) (?:called|known as|termed|referred to as)\s+(?:the\s+|an?\s+)?"
                          r"([A-Za-z][\w'-]*(?:\s+[\w'-]+){0,3}?)(?=\s*(?:[,.;:()]|\bor\b|\Z))", re.I)
_OPENING = re.compile(r"\s*(?:(?:an?|the)\s+)?([^()]{2,80}?)\s*\(([A-Za-z][\w' -]{2,60})\)\s+[a-z]", re.I)
_OPENING_BRACKET = re.compile(r"[A-Za-z][\w' -]{2,60}\)\s+[a-z]", re.I)  # _OPENING from just after its "("


# One word that English makes an adjective ("sequential", "logistic", "contrastive") or a participle
# ("randomized"): alone it names no concept, it qualifies a noun that may be any ("sequential data", "the logistic
# function", "a randomized trial").
_ADJECTIVE = re.compile(r"[A-Za-z]+(?:ive|ic|al|ous|ful|less|able|ible|ary|ed)", re.I)


def _adjective(word: str) -> bool:
    """One word English makes an adjective: by its ending, or by the adverb "-ly" makes of it, where wordfreq
    knows one ("implicit": "implicitly"; most nouns have none: "gradiently", "lassoly").  A few nouns do ("partly",
    "costly", "timely"), but those are everyday words, which no shortened name may be anyway."""
    if _ADJECTIVE.fullmatch(word):
        return True
    w = word.lower()
    return w.isalpha() and not rare_word(w[:-1] + "ily" if w.endswith("y") else w + "ly")


# An adjective made of a name ("Bayesian", "Euclidean") may be a noun as well ("the Hessian", "a Gaussian"):
# alone it names a concept only where the corpus uses it as one (:func:`_used_as_nouns`) or a title gives it
# as the other word for its first ("Normal (Gaussian) Distribution").
_EPONYM_ADJECTIVE = re.compile(r"[A-Z][a-z]+(?:ian|ean)")


def _used_as_nouns(corpus: Corpus, words: list[str]) -> set[str]:
    """The words the corpus writes in a plural ("Gaussians"), or after an article and before punctuation or a
    verb or preposition ("the Hessian is", "the Gaussian."): nouns, where "the Bayesian reading" is none."""
    wanted = {w.lower(): w for w in words}
    found: set[str] = set()
    if wanted:
        for e in corpus.entries:
            for f in e.fields.values():
                found.update(wanted[w] for m in _NOUN_USE.finditer(f.text)
                             if (w := (m.group(1) or m.group(2)).lower()) in wanted)
    return found


_NOUN_USE = re.compile(r"\b(?:(?:a|an|the|its|this|that|each)\s+([A-Za-z]+(?:ian|ean))(?:'s)?"
                       r"(?=\s*[.,;:)]|\s+(?:is|are|was|were|has|have|had|can|may|of|and|or|in|at|to|with|for)\b)"
                       r"|([A-Za-z]+(?:ian|ean))s\b)", re.I)


def _generic_heads(titles: list[str]) -> set[str]:
    """The titles (normalised keys of two words or more) whose last word is a generic head: another title ends
    with it too and is not the same name extended ("Sigmoid Function" and "Softmax Function", not "Gradient
    Descent" and "Stochastic Gradient Descent", where "Gradient" alone would name the wrong thing)."""
    groups: dict[str, set[str]] = {}
    for t in titles:
        groups.setdefault(t.rsplit(" ", 1)[-1], set()).add(t)
    out = set()
    for group in groups.values():
        # each title read from its last word back is a path of a trie of the group's titles: the titles it ends with
        # end on its path, those that end with it pass through its end (joining every suffix of every title took
        # time quadratic in a title's length: 1.7 s for one of 6,400 words)
        node: dict[tuple[int, str], int] = {}
        paths = []
        for t in group:
            path, at = [], 0
            for w in reversed(t.split()):
                at = node.setdefault((at, w), len(node) + 1)
                path.append(at)
            paths.append((t, path))
        ends = {path[-1] for _, path in paths}
        extended: Counter = Counter()  # a title's end → the titles of its group that end with it
        for _, path in paths:
            extended.update(path[:-1])
        for t, path in paths:
            related = extended[path[-1]] + sum(at in ends for at in path[:-1])
            if len(group) - 1 > related:
                out.add(t)
    return out


_STOP = re.compile(r"[.;:!?]")
CLAUSE_REACH = 300
"""Characters before "also called" in which the entry's own name is looked for ("The RBF kernel, also called …")."""


def _names_itself(e: Entry, text: str, end: int, stops: list[int], key: _Memo) -> bool:
    """The clause of ``text`` ending at ``end`` names entry ``e`` ("The RBF kernel" before ", also called …"), so
    what it is also called is another name of ``e``, not of something ``e``'s text talks about.  ``stops`` are where
    ``text``'s sentence and clause stops are: the clause starts after the last before ``end`` (splitting all the
    text before each "also called" took time quadratic in a text that says it often)."""
    i = bisect_left(stops, end)
    # its last CLAUSE_REACH characters: a clause saying "also called" a thousand times was read whole at each
    clause = f" {singular_key(text[max(stops[i - 1] + 1 if i else 0, end - CLAUSE_REACH):end])} "
    return any(f" {key[n]} " in clause for n in (e.label, *e.alt_labels, e.id.replace("-", " ")) if key[n])


def _bracketed_term(label: str, alt: str) -> bool:
    """"Information Gain (Entropy)": one plain word in brackets, no rare one, sharing no word with a longer label
    names another idea the entry leans on, not the entry ("Residual Network (ResNet)", "Gaussian Process (Kriging)"
    and "Ensemble Learning (Ensembles)" name it)."""
    if not (alt.isalpha() and alt[1:].islower()):
        return False
    words, other = _KEYS[label].split(), _KEYS[alt].split()
    return len(other) == 1 and len(words) > 1 and not set(words) & set(other) and not rare_word(alt.lower())


# Words that join or introduce others: a name never ends with one ("Stride and", "Mixture of")
_CAPITALS = re.compile(r"[A-Z][A-Z0-9]+")
_HYPHENATED = re.compile(r"[A-Za-z]+-[A-Za-z]+")
_FUNCTION_WORDS = frozenset({"and", "or", "&", "of", "for", "to", "in", "on", "with", "by", "the", "a", "an", "vs"})


_LEADING_PREPOSITIONS = frozenset({"off", "on", "in", "out", "over", "under", "up", "down", "through", "across",
                                   "within", "without", "after", "before", "between", "at", "of", "for", "to", "by"})


def _modifier_compound(short: str) -> bool:
    """A hyphenated word a title was cut down to that opens with a preposition: it qualifies a noun rather than
    names one ("Off-Policy" of Off-Policy Evaluation: "off-policy learners", "off-policy data").  Measured: a
    compound ending in an adjective ("Self-Supervised", "One-Hot") as well lost more true links than it dropped
    false ones; readers link "self-supervised pretraining" and "one-hot vectors"."""
    return " " not in short and "-" in short and short.split("-", 1)[0].lower() in _LEADING_PREPOSITIONS \
        and not _ACTION_NOUN.search(short)  # "Over-Smoothing", "Up-Sampling", "Over-Parameterization" are nouns


_ACTION_NOUN = re.compile(r"(?:ing|tion|sion|ment|ness|ity)\Z", re.I)


def _listed_names(alt: str) -> list[str]:
    """The names a title's brackets list, comma by comma: "Molecular Property Prediction" of "QSAR Modelling
    (Quantitative Structure-Activity Relationship, Molecular Property Prediction)".  Not a list under a shared
    head ("Right, Left and Interval Censoring": no "Right"), nor an everyday word alone."""
    items = [_HEDGE.sub("", item.strip()) for item in alt.split(",")]
    if any(_JOINED_ITEM.search(item) for item in items):
        return []
    # not a remark, which opens with a function word or a hedge in lower case ("see below")
    return [item for item in items if item and (is_acronym(item) or " " in item or not everyday(item))
            and item.split()[0] not in _REMARK_OPENERS]


_JOINED_ITEM = re.compile(r"\s(?:and|or|&)\s")
_REMARK_OPENERS = _FUNCTION_WORDS | {"also", "see", "e.g.", "i.e.", "eg", "ie", "such", "including", "like", "cf."}
_HEDGE = re.compile(r"\A(?:also|e\.g\.|i\.e\.|see|such as|including|like|cf\.)\s+", re.I)


def _joins_two(label: str) -> bool:
    """"Variance and Standard Deviation": a title that joins two names.  Each conjunct is not made a name of its
    own (but see :func:`_shared_head`): tried, "Gaussian Mechanisms" and "GDPR" found more links on held-out
    sections but cost `requires` (precision 0.77 -> 0.76 over them), and one word of it names other things
    ("padding" of sequences)."""
    words = label.split()
    joins = [i for i, w in enumerate(words) if w in ("and", "&")]
    return "," not in label and len(joins) == 1 and 0 < joins[0] < len(words) - 1


def _shared_head(label: str) -> tuple[str, str] | None:
    """The two names a title joins under one head ("L1 and L2 Norms": "L1 Norms", "L2 Norms"), or None where the
    words before "and" are no modifier of the head: one word, and what follows "and" two words or more."""
    words = label.split()
    if not _joins_two(label) or words.index("and" if "and" in words else "&") != 1 or len(words) < 4 \
            or not all(map(_WORD.search, words)):
        return None
    return f"{words[0]} {' '.join(words[3:])}", " ".join(words[2:])


def _written(corpus: Corpus, phrases: list[str]) -> set[str]:
    """The phrases the corpus writes anywhere, in either number of their last word, whatever the case: one pass of
    an automaton, however many phrases there are."""
    # a phrase longer than any name the lexicon looks for is left out: at every word of the text, the automaton
    # walks back through each key the text so far ends with a suffix of
    phrases = [p for p in phrases if len(p) <= LONGEST_NAME]
    if not phrases:
        return set()
    automaton = ahocorasick.Automaton()
    for p in phrases:
        *first, last = normalize(p).split()
        for w in {last, normalize(_singular(last) or last)}:
            for form in (w, w + "s", w + "es"):
                key = f" {' '.join([*first, form])} "  # whole words: normalised text has a space for every other
                automaton.add_word(key, (key, p))
    automaton.make_automaton()
    found: set[str] = set()
    for e in corpus.entries:
        for f in e.fields.values():
            found.update(p for _, (_, p) in automaton.iter(f" {normalize(f.text)} "))
    return found


_CLOSED = _FUNCTION_WORDS | {"is", "are", "was", "were", "be", "been", "at", "from", "as", "than", "that", "which",
                              "across", "into", "via", "it", "its", "this", "these", "can", "may", "will", "not"}
"""Words of English's closed classes: a compound before one of them stands alone, as a noun does."""


def _compound_terms(corpus: Corpus, heads: dict[str, set[str]]) -> set[str]:
    """The hyphenated compounds (each with the head words of the titles it shortens) that the corpus uses as terms:
    never written as two words ("at test time" makes "test-time" an everyday phrase), and standing alone or before
    its own head in a third of its uses or more: one only ever before other words is a compound adjective ("low-rank
    matrices", "long-term memory": English hyphenates any), while "zero-shot" stands alone 7 times in 19."""
    if not heads:
        return set()
    automaton = ahocorasick.Automaton()
    for c in heads:
        for key, hyphenated in ((c.lower().replace("-", " "), False), (c.lower(), True)):
            automaton.add_word(key, (len(key), c, hyphenated))
    automaton.make_automaton()
    spaced, alone, before = set(), Counter(), Counter()
    for e in corpus.entries:
        for f in e.fields.values():
            text = f" {' '.join(f.text.lower().split())} "  # a line break or two spaces part two words as well
            for end, (n, c, hyphenated) in automaton.iter(text):
                if text[end - n].isalnum() or text[end - n] in "-_" or text[end + 1].isalnum() or text[end + 1] in "-_":
                    continue  # inside a longer word or compound
                if not hyphenated:
                    spaced.add(c)
                    continue
                after = _NEXT_WORD.match(text, end + 1)
                word = after.group(1) if after else None
                if word is None or word in _CLOSED or (_singular(word) or word) in heads[c] or word in heads[c]:
                    alone[c] += 1
                else:
                    before[c] += 1
    return {c for c in heads if c not in spaced and alone[c] and 2 * alone[c] >= before[c]}


_NEXT_WORD = re.compile(r" ([a-z][a-z0-9]*)\b")


def _defined_alias(text: str) -> tuple[str, str] | None:
    """(name, other name) where a definition opens "A base learner (weak learner) is …"."""
    # _OPENING's bracket can only be the text's first "(": nothing the pattern allows before it is one.  What
    # follows that "(" is tested first, and most texts fail it, before the pattern backtracks over the opening
    # words of every text
    bracket = text.find("(")
    if bracket < 0 or not _OPENING_BRACKET.match(text, bracket + 1):
        return None
    m = _OPENING.match(text)
    if m is None or is_acronym(m.group(2)) or len(m.group(2).split()) > 5:
        return None
    return m.group(1), m.group(2).strip()


def _key(surface: str, norm: str) -> str:
    """The automaton's key for a name: its normalised words, one space apart, except where an apostrophe
    left a space of its own ("Bayes' theorem" is "bayes  theorem" in normalised text), or a sign inside the name
    ("A* search" is "a  search": no "A search")."""
    if "'" in surface or "\u2019" in surface or _INNER_SIGN.search(surface):
        return norm.strip()
    return " ".join(norm.split())


LONGEST_NAME = 1000
"""The most characters of a name the automaton looks for.  Its trie is as deep as its longest key, and freeing it
recurses once per level: a title of 500,000 characters crashed the build (a C stack overflow).  No text names a
concept in a thousand characters; a name so long is matched nowhere (titles run to about sixty)."""


class Lexicon:
    """Every name of every concept, compiled into one Aho-Corasick automaton.

    Each key is stored padded with spaces (" large language model ") and the
    text is searched padded the same way, so the automaton only reports
    whole-word matches: no substring hit ever reaches Python.
    """

    def __init__(self, names: Iterable[Name]):
        names = list(dict.fromkeys(names))
        # every surface normalised in one call: the lengths are kept, so slices find each one
        surfaces = list(dict.fromkeys(n.surface for n in names))
        keys = {s: _key(s, norm) for s, norm in zip(surfaces, normalize_many(surfaces), strict=True)}
        by_key: dict[str, list[Name]] = {}
        for n in names:
            by_key.setdefault(keys[n.surface], []).append(n)
        self.by_key = by_key
        self.contested = frozenset(n.concept for n in names if n.source == "contested")
        # a name's candidates that pass its case rules: one tuple per outcome, since callers keep what they work
        # out from a tuple by its identity (a title 2,000 entries share, "Zorb GAN", took 22 s without)
        self._passing: dict[tuple[int, frozenset], tuple[Name, ...]] = {}
        self._rules: dict[int, tuple] = {}
        self.automaton = ahocorasick.Automaton()
        add = self.automaton.add_word
        for key, bucket in by_key.items():
            if len(key) > LONGEST_NAME:
                continue
            first = bucket[0]
            signs = {n: found[0] if (found := _SIGN.search(n.surface)) else "" for n in bucket} \
                if any(n.surface.endswith(_SIGNS) for n in bucket) else None
            # the common cases, made quick: one name, or names of one concept (title and ID), no acronym, no sign
            if signs:
                pass
            elif len(bucket) == 1:
                if True not in first.strict:
                    add(f" {key} ", (len(key), (first,), None, None, None))
                    continue
            elif all(n.concept == first.concept and True not in n.strict for n in bucket):
                add(f" {key} ", (len(key), (min(bucket, key=_BY_RANK),), None, None, None))
                continue
            # one name per concept, case rule and sign: the best-ranked (title over ID, say)
            kept: dict[tuple, tuple[Name, tuple]] = {}
            for n in sorted(bucket, key=_BY_RANK) if len(bucket) > 1 else bucket:
                # the (token index, exact token) pairs that must match case-sensitively
                check = tuple((i, t) for i, (s, t) in enumerate(zip(n.strict, _WORD.findall(n.surface),
                                                                     strict=True)) if s) if True in n.strict else ()
                kept.setdefault((n.concept, tuple(t for _, t in check), signs and signs[n]), (n, check))
            ranked = tuple(n for n, _ in kept.values())
            checks = tuple(c for _, c in kept.values())
            if not any(checks):
                add(f" {key} ", (len(key), ranked, None, None, signs))
            elif " " not in key and all(len(n.strict) == 1 for n in ranked) and not signs:
                # one-token names: the matched text → the names it can be, found with one lookup
                loose = tuple(n for n, c in zip(ranked, checks, strict=True) if not c)
                # once per surface, not per name: an acronym a thousand concepts share made it quadratic
                written = dict.fromkeys(n.surface for n, c in zip(ranked, checks, strict=True) if c)
                exact = {w: tuple(m for m, c in zip(ranked, checks, strict=True) if not c or m.surface == w)
                         for w in written}
                add(f" {key} ", (len(key), loose, exact, None, None))
            else:
                add(f" {key} ", (len(key), ranked, None, checks, signs))
        if by_key:
            self.automaton.make_automaton()

    def names_of(self, concept: str) -> list[Name]:
        return [n for bucket in self.by_key.values() for n in bucket if n.concept == concept]

    def find(self, text: str, norm: str | None = None, exclude: frozenset[str] = frozenset(),
             offset: int = 0) -> list[Match]:
        """Leftmost-longest matches on word boundaries, acronyms checked for case.

        ``norm`` is ``normalize(text)`` when the caller already has it.  A
        name only of concepts in ``exclude`` is ignored, so a title can be
        searched for the other concepts it contains ("Denoising Autoencoder");
        a name others share is returned whole, for the caller to choose from.
        ``offset`` is added to every position (where ``text`` starts in a longer one).
        """
        if not self.by_key:
            return []
        norm = normalize(text) if norm is None else norm
        found: list[tuple[int, int, tuple[Name, ...]]] = []
        for end, (length, names, exact, checks, signs) in self.automaton.iter(f" {norm} "):
            start = end - length - 1  # in text coordinates: the padded key ends at end, one space each side
            if exact is not None:
                ok = exact.get(text[start:end - 1], names)
                if not ok:
                    continue
            elif checks is not None:
                tokens = _WORD.findall(text, start, start + length)
                rules = self._rules.get(id(checks))
                if rules is None:  # each case rule tested once, however many names share it
                    rules = self._rules[id(checks)] = tuple(set(checks))
                passed = frozenset(c for c in rules if all(i < len(tokens) and tokens[i] == t for i, t in c))
                ok = self._passing.get((id(names), passed))
                if ok is None:
                    ok = self._passing[id(names), passed] = tuple(
                        n for n, c in zip(names, checks, strict=True) if c in passed)
            else:
                ok = names
            if signs:
                ok, sign = _by_sign(ok, signs, text, start, end - 1, exclude)
                length += sign
            if exclude and all(n.concept in exclude for n in ok):
                continue
            if ok:
                found.append((start, -length, ok))  # no two share a start and a length: ok is never compared
        found.sort()
        chosen: list[Match] = []
        last_end = -1
        for start, length, names in found:
            if start >= last_end:
                last_end = start - length
                chosen.append(Match(start + offset, last_end + offset, names))
        return chosen


def subsection_heads(corpus: Corpus) -> dict[str, str]:
    """Subsection number → the entry that names the same thing ("GANs" → ``gan``)."""
    return _heads(corpus.subsections, corpus.entries, lambda e: e.parent)


def section_heads(corpus: Corpus) -> dict[str, str]:
    """Section number → the entry that names the same thing ("9. ENSEMBLE METHODS" → ``ensemble-learning``)."""
    return _heads(corpus.sections, corpus.entries, lambda e: e.section_number)


def _heads(headings: list[Heading], entries: list[Entry], group: Callable[[Entry], str]) -> dict[str, str]:
    heads: dict[str, str] = {}
    key = _KEYS
    entries_by_group: dict[str, list[Entry]] = {}
    for e in entries:
        entries_by_group.setdefault(group(e), []).append(e)
    for h in headings:
        keys = {key[x] for x in (h.label, *h.alt_labels)}
        # "Boosting Methods" names Boosting; "Time Series Fundamentals" names Time Series
        words = h.label.split()
        if len(words) > 1 and _singular(words[-1]):
            keys.add(key[" ".join(words[:-1])])
        for e in entries_by_group.get(h.number, []):
            if not keys.isdisjoint(_head_keys(e)):
                heads.setdefault(h.number, e.id)
                break
    return heads


def _head_keys(e: Entry) -> set[str]:
    """The keys of the names a heading may give entry ``e``: its label, alternatives, ID, and label without its
    last word ("8.5 Decision Trees" is named after "Decision Tree Classifier").  Kept until :func:`forget`: the
    subsection heads and the section heads both ask for every entry's."""
    found = _HEAD_KEYS.get((e.id, e.title))
    if found is None:
        key = _KEYS
        label, alt_labels = split_title(e.title)
        mine = {key[x] for x in (label, *(a for a in alt_labels if not _bracketed_term(label, a)),
                                 e.id.replace("-", " "))}
        words = label.split()
        if len(words) > 1:
            mine.add(key[" ".join(words[:-1])])
        found = _HEAD_KEYS[e.id, e.title] = mine
    return found


_HEAD_KEYS: dict[tuple[str, str], set[str]] = {}  # (ID, title) → _head_keys


def _title_again(name: str, words: str) -> bool:
    """Whether an ID read as ``words`` is a name in its title again (the label or another name in brackets), each
    word the name's or the name's with its first letter in lower case ("Cedul GAN" and "cedul GAN").  Each name the
    ID would give is then one the title gives: the same key, the same acronyms to check, a lower rank; it could
    never be chosen (on the hard 10k corpus, over a quarter of all names were such)."""
    name_words, id_words = name.split(" "), words.split(" ")
    return len(name_words) == len(id_words) and all(
        a == b or (a[1:] == b[1:] and a[:1].lower() == b[:1] and a.isascii() and a.isalpha())
        for a, b in zip(name_words, id_words, strict=False))


def build_lexicon(corpus: Corpus, aliases: dict[str, list[str]] | None = None,
                  heads: dict[str, str] | None = None) -> Lexicon:
    """The lexicon of a corpus, plus curated aliases (concept ID → extra names)."""
    raw: list[tuple[str, str, str]] = []
    key = _KEYS
    acronyms: dict[str, str] = {}
    conjoined = set()
    inserted = set()  # another word for a title's first words, bracketed inside it: "Normal (Gaussian) Distribution"
    in_titles = []  # each entry's names from its title
    labels: set[str] | None = None  # every title's label: an item of a bracketed list that is one names that entry
    for e in corpus.entries:
        label, alt_labels = split_title(e.title)
        alts = [alt for alt in alt_labels if not _bracketed_term(label, alt)]
        if alts and not plain_title(e.title).rstrip().endswith(")"):
            inserted.update(alts)
        if any(", " in alt for alt in alts):
            labels = {key[split_title(x.title)[0]] for x in corpus.entries} if labels is None else labels
            # a list is its items, not a name ("Foqal, Fuqal, …" read as the phrase "foqal fuqal …")
            listed = {alt: _listed_names(alt) for alt in alts if ", " in alt}
            alts = [alt for alt in alts if not listed.get(alt)] + \
                [item for items in listed.values() for item in items if key[item] not in labels]
        in_titles.append((label, *alts))
        raw.append((label, e.id, "title"))
        raw.extend((alt, e.id, "alt") for alt in alts)
        if _joins_two(label):  # "Stride and Padding": not shortened to "Stride and", nor made a verb of
            conjoined.add(label)
    # a title joining two names under one head names each ("the Gaussian mechanism" of "Laplace and Gaussian
    # Mechanisms"), where the corpus writes the first with the head: "Variance and Standard Deviation" joins two
    # names, and "variance deviation" is written nowhere
    shared = {t: pair for t, _, src in raw if src in ("title", "alt") and (pair := _shared_head(t))}
    written = _written(corpus, [first for first, _ in shared.values()])
    raw.extend((form, concept, "conjunct") for t, concept, src in list(raw) if src in ("title", "alt")
               and t in shared and shared[t][0] in written for form in shared[t])
    heads = subsection_heads(corpus) if heads is None else heads
    subs: dict[str, Heading] = {h.number: h for h in corpus.subsections}
    for number, concept in heads.items():
        h = subs[number]
        raw.extend((x, concept, "subsection") for x in (h.label, *h.alt_labels))
    for concept, names in (aliases or {}).items():
        raw.extend((a, concept, "alias") for a in names)
    for surface, _, _ in raw:
        for t in _WORD.findall(surface):
            if is_acronym(t):
                acronyms.setdefault(t.lower(), t)
                single = _singular(t)
                if single:
                    acronyms.setdefault(single.lower(), single)
    # an ID read as words takes the case of a known acronym ("gan" → "GAN")
    again = set()
    for e, title_names in zip(corpus.entries, in_titles, strict=True):
        words = " ".join(acronyms.get(w, w) for w in e.id.split("-"))
        raw.append((words, e.id, "id"))
        if any(_title_again(name, words) for name in title_names):
            again.add((words, e.id))
    # abbreviations the text itself defines, where the long form is a known name
    by_norm = {key[s]: c for s, c, src in raw if src in ("title", "alt", "subsection")}
    for e, title_names in zip(corpus.entries, in_titles, strict=True):
        for text in (e.full, e.simple, *title_abbreviations(title_names)):
            for short, long_form in _abbreviations(text):
                concept = by_norm.get(key[long_form])
                if concept:
                    raw.append((short, concept, "abbrev"))
    # another name the definition gives in its opening words ("A base learner (weak learner) is …")
    taken = {key[s] for s, _, _ in raw}
    for e in corpus.entries:
        found = _defined_alias(e.full)
        if found and by_norm.get(key[found[0]]) == e.id and key[found[1]] not in taken \
                and not everyday(found[1]):
            raw.append((found[1], e.id, "defined"))
        # or says outright of it: "The RBF kernel, also called Gaussian kernel, …"
        for text in (e.full, e.simple):
            if "called" not in text and "known as" not in text and "termed" not in text and "referred" not in text:
                continue  # most texts: a substring search, not a regex, rules them out
            stops = [m.start() for m in _STOP.finditer(text)]
            for m in _ALSO_CALLED.finditer(text):
                name = m.group(1)
                if key[name] not in taken and not everyday(name) and _names_itself(e, text, m.start(), stops, key):
                    raw.append((name, e.id, "defined"))
                    taken.add(key[name])
    # A title without its last word names the concept too, where that word is a generic head shared by several
    # titles ("Sigmoid" for "Sigmoid Function", "Lasso" for "Lasso Regression") or more words precede it
    # ("Bias-Variance" for "Bias-Variance Tradeoff"); not where the last word is a concept of its own ("Gradient
    # Boosting" is a kind of boosting, "Gradient" no name of it), nor where anything else has that name or it is
    # an everyday word or phrase.  An acronym written in lower case names it where that is no English word ("relu").
    # A word bracketed inside a title as another for its first words ("Normal (Gaussian) Distribution") is
    # shortened the same way, where its last word is the generic head of a title; not a whole other name the
    # title ends with ("Distribution Shift (Dataset Shift)": the author never said "dataset" alone names it)
    # unless what is left is an acronym ("TD" of "Temporal-Difference Learning (TD Learning)").
    titles = [(tokens, concept, source) for surface, concept, source in raw
              if source in ("title", "alt") and surface not in conjoined and (tokens := list(_WORD.finditer(surface)))]
    generic = _generic_heads([key[t[0].string] for t, _, source in titles if len(t) >= 2 and source == "title"])
    generic_words = {g.rsplit(" ", 1)[-1] for g in generic}
    named = {key[s] for s, _, _ in raw}
    shortened: dict[str, set[str]] = {}
    heads_of: dict[str, set[str]] = {}  # a shortened name → the last words its titles lost
    offered: dict[str, set[str]] = {}  # a shortened name → the concepts whose titles give it in brackets
    for tokens, concept, source in titles:
        if len(tokens) < 2 or is_acronym(tokens[-1].group()) or key[tokens[-1].group()] in named \
                or tokens[-1].string[tokens[-2].end():tokens[-1].start()] == "-":
            continue  # nor half a hyphenated word: "Generalized Cross-Entropy" gives no "generalized cross"
        short = tokens[0].string[tokens[0].start():tokens[-2].end()]
        full = key[tokens[0].string]
        bracketed = source == "alt" and tokens[0].string in inserted
        if (source == "title" and (len(tokens) >= 3 or full in generic)) \
                or (source == "alt" and (bracketed or _CAPITALS.fullmatch(short))
                    and full.rsplit(" ", 1)[-1] in generic_words):
            shortened.setdefault(short, set()).add(concept)
            heads_of.setdefault(short, set()).add(tokens[-1].group().lower())
            if bracketed:
                offered.setdefault(short, set()).add(concept)  # the author's own other word for the title's first words
    for surface, concept, source in list(raw):
        if source in ("title", "alt", "abbrev") and is_acronym(surface) and rare_word(surface.lower()):
            raw.append((surface.lower(), concept, "lowercase"))
    known = {key[s] for s, _, _ in raw}
    # a compound of everyday words that the corpus only ever writes hyphenated is a term ("zero-shot",
    # "cross-attention"): wordfreq weighs its words, not it; one also written as two words is an everyday phrase
    # ("at test time"), and one made of a function word or ending in an adjective ("Text-to", "Tree-Based") none
    compounds = {s: heads_of[s] for s in shortened if _HYPHENATED.fullmatch(s)
                 and not _ADJECTIVE.fullmatch(s.rsplit("-", 1)[1])
                 and not _FUNCTION_WORDS.intersection(s.lower().split("-")) and everyday(s)}
    terms = _compound_terms(corpus, compounds)
    adjectives = [s for s in shortened if _EPONYM_ADJECTIVE.fullmatch(s) and s not in offered]
    nouns = offered.keys() | _used_as_nouns(corpus, adjectives)
    # a word one title shortens to and other titles begin with is a modifier they share, no name of the one
    # ("Markov" of Markov Game, as of Markov Chain Monte Carlo and Markov Random Field); an acronym is a name whatever
    # follows it, and a word several titles shorten to is contested between them (below)
    begun: dict[str, set[str]] = {}
    for tokens, concept, _ in titles:
        if len(tokens) >= 2:
            begun.setdefault(key[tokens[0].group()], set()).add(concept)
    for short, concepts in list(shortened.items()):
        if len(concepts) == 1 and begun.get(key[short], concepts) - concepts and not is_acronym(short) \
                and short not in offered:
            del shortened[short]
    for short, concepts in shortened.items():
        # not the head that several other titles share: "Entropy" is what Shannon, Joint and Conditional Entropy
        # are kinds of, not "Entropy Regularization" without its head
        # an acronym of two capitals or more is matched only as written: "TD" (of "TD Learning") is no everyday "td"
        if key[short] not in known and key[short] not in generic_words \
                and (_CAPITALS.fullmatch(short) or short in terms or not everyday(short)) \
                and not _adjective(short) and short.rsplit(None, 1)[-1].lower() not in _FUNCTION_WORDS \
                and not _modifier_compound(short) \
                and (short in nouns or not _EPONYM_ADJECTIVE.fullmatch(short)):
            # one several titles shorten to ("Gaussian"): the miner decides by how many entries name each, unless one
            # title alone gives it as its own other word ("Normal (Gaussian) Distribution" over "Gaussian Process")
            given = offered.get(short, set()) & concepts
            if len(given) == 1:
                concepts = given
            raw.extend((short, c, "short" if len(concepts) == 1 else "contested") for c in sorted(concepts))
    for tokens, concept, source in titles:
        last = tokens[-1]
        if len(tokens) >= 2 and last.group().isalpha() and not is_acronym(last.group()):
            prefix = last.string[:last.start()]
            # an other name in brackets, once removed already, gives only its doer ("Action Recognition (Video
            # Classification)": "a video classifier"); what its verb makes is what other things make too ("Thompson
            # Sampling (Posterior Sampling)" is no "posterior samples" of an MCMC entry)
            raw.extend((prefix + f, concept, "verbal")
                       for f in _verbal_forms(prefix, last.group(), generic_words, doer_only=source != "title"))
    # the adjective of a one-word name, where English has it ("convolutional" layers use convolution)
    for surface, concept, source in list(raw):
        word = surface.strip()
        if source in ("title", "alt", "id", "short") and word.isalpha() and word.lower().endswith("ion") \
                and key[word + "al"] not in known and zipf(word.lower() + "al") > 0:
            raw.append((word + "al", concept, "adjective"))
        # and its verb and the verb's participle, where English has them and they are no everyday words: "a
        # calibrated model" has had Calibration, "tokenize the text" is Tokenization; not "estimated" (Estimation)
        if source in ("title", "alt") and word.isalpha() and word.lower().endswith("ation") and len(word) > 8:
            stem = word[:-5] if word[-6] == "z" else word[:-3]
            for form in (stem + "ed", stem + "e", stem + "ing"):
                if key[form] not in known and zipf(form.lower()) < COMMON:
                    raw.append((form, concept, "participle"))
    names = []
    for surface, concept, source in dict.fromkeys(raw):
        if source == "id" and (surface, concept) in again:
            continue
        for form in variants(surface):
            name = _make_name(form, concept, source)
            if name:
                names.append(name)
    return Lexicon(names)

