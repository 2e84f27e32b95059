"""Which sibling entries explain the same idea in other words: TF-IDF cosine of their texts.

Each entry is reduced to its :data:`TOP_TERMS` most distinctive terms, and
siblings are compared through an inverted index of those terms, so the cost
stays linear in the corpus however large a subsection grows.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from itertools import chain
from operator import mul

from ..read import Corpus
from .mentions import FIELDS, CorpusText
from .text import unit_spans

TOP_TERMS = 40
COMMON_IN_SUBSECTION = 20
"""A term among the top terms of more siblings than this says nothing about any two of them."""

_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "can't", "do", "does", "each", "for",
    "from", "has", "have", "in", "into", "is", "it", "its", "less", "more", "most", "not", "of", "on", "or",
    "per", "so", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "to", "via", "was", "were", "when", "where", "which", "while", "with", "without",
})


class _TermFrequency(dict):
    """count → 1 + log(count), computed once per count."""

    def __missing__(self, count: int) -> float:
        value = self[count] = 1 + math.log(count)
        return value


_TF = _TermFrequency()


class _Vocabulary(dict):
    """word → the one str kept for it, however many entries use it; "" for a word that weighs nothing (short
    words, numbers and stop words are no evidence of a shared topic).  Left out of each entry's bag, such words
    cost no weighing or sorting: they were a third of its distinct words."""

    def __missing__(self, word: str) -> str:
        value = self[word] = "" if len(word) < 3 or word in _STOP or word.isdigit() else word
        return value


def _words(text: CorpusText, i: int) -> list[str]:
    """The words of entry ``i``'s title and explanations (its first two fields, side by side in the corpus text),
    normalised."""
    return f"{text.titles[i]} {text.normalized(3 * i, 3 * i + 1)}".split()


def _vector(words: tuple[str, ...], counts: tuple[int, ...], idf: dict[str, float]) -> dict[str, float]:
    """A unit-length TF-IDF vector of the top terms of an entry's distinct ``words``, each seen ``counts`` times.
    Every word weighs more than 0: the weightless were left out of its bag."""
    # weights by map, not a loop: this runs once for every distinct word of every entry
    weights = map(mul, map(_TF.__getitem__, counts), map(idf.__getitem__, words))
    top = sorted(zip(weights, words, strict=True))[-TOP_TERMS:]
    norm = math.sqrt(sum(x * x for x, _ in top)) or 1.0
    return {w: x / norm for x, w in top}


def mutual_best_siblings(corpus: Corpus, text: CorpusText) -> list[tuple[str, str, float, dict[str, float]]]:
    """Siblings that are each other's most similar sibling: (earlier, later, cosine, shared terms).

    One pass over the corpus counts each entry's words and the document
    frequencies; vectors are then made one subsection at a time and dropped
    with it.  Each entry's counts are kept between the two as two tuples, its
    distinct words that weigh anything and how often each occurs, the words
    themselves held once in the vocabulary (about 1.1 KB an entry: 11 MB at
    hard 10k, let go subsection by subsection): reading the text again, as
    the vectors did, cost more than counting it.
    """
    df: Counter = Counter()
    vocabulary = _Vocabulary()
    bags: list[tuple[tuple[str, ...], tuple[int, ...]] | None] = []
    for i in range(len(corpus.entries)):
        counts = Counter(_words(text, i))
        words = tuple(filter(None, map(vocabulary.__getitem__, counts)))
        df.update(words)
        bags.append((words, tuple(map(counts.__getitem__, words))))
    del vocabulary
    n = max(len(corpus.entries), 1)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    by_sub: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(corpus.entries):
        by_sub[e.parent].append(i)
    out = []
    for indexes in by_sub.values():
        members = [corpus.entries[i].id for i in indexes]
        vec = {}
        for c, i in zip(members, indexes, strict=True):
            vec[c] = _vector(*bags[i], idf)
            bags[i] = None
        # a term in one vector only (most terms), or in too many, scores nothing: it has no postings
        held = Counter(chain.from_iterable(vec.values()))
        useful: dict[str, list[tuple[str, float]]] = {w: [] for w, k in held.items() if 1 < k <= COMMON_IN_SUBSECTION}
        for c in members:
            for w, x in vec[c].items():
                others = useful.get(w)
                if others is not None:
                    others.append((c, x))
        best: dict[str, tuple[float, int, str]] = {}
        rank = {c: i for i, c in enumerate(members)}
        for a in members:
            scores: defaultdict[str, float] = defaultdict(float)
            for w, x in vec[a].items():  # in the vector's own order: the sums come out the same every run
                others = useful.get(w)
                if others is not None:
                    for b, y in others:
                        scores[b] += x * y
            scores.pop(a, None)
            if scores:
                top = max(scores.values())
                b = min((b for b, v in scores.items() if v == top), key=rank.__getitem__)
                if top > 0.0:
                    best[a] = (top, -rank[b], b)
        for a, (s, _, b) in best.items():
            if best.get(b, (0.0, 0, ""))[2] == a and rank[a] < rank[b]:
                shared = {w: x * vec[a][w] for w, x in vec[b].items() if w in vec[a]}
                out.append((a, b, s, shared))
    return out


def richest_unit(text: CorpusText, concept: str, terms: dict[str, float]) -> tuple[str, int, str]:
    """(field, line, text) of the sentence or example line of ``concept`` that holds most of ``terms``.

    A field none of the terms is written in cannot hold a better unit than one already found (two fields in
    five at hard 10k): it is not cut into sentences."""
    best, top = None, -1.0
    k0 = text.first_field[concept]
    entry = text.fields[k0][0]
    for k, name in enumerate(FIELDS, k0):
        f = entry.fields[name]
        norm = text.normalized(k)
        if best is not None and not any(map(norm.__contains__, terms)):
            continue
        for start, end, line_off in unit_spans(name, f.text):
            held = terms.keys() & norm[start:end].split()
            score = math.fsum(map(terms.__getitem__, held)) if held else 0.0
            if score > top:
                best, top = (name, f.line + line_off, start, end), score
    name, line, start, end = best
    unit = entry.fields[name].text[start:end]
    return name, line, unit.rstrip() if name == "example" else unit.strip()
