"""Search: concept names, acronyms, aliases and definitions, typo-tolerant and ranked.

This module is the one definition of the ranking.  The map page
(``templates/map.js``, ``searchIndex`` and ``search``) implements the same
formula step for step, so the offline page and ``/api/search`` order results
identically; ``tests/test_search.py`` checks that they do.

Text is **normalised** before anything is compared: lowercased, decomposed
(NFKD) with combining marks dropped, and cut into words (runs of letters and
digits); the words are joined by single spaces.  ``"Variational
Auto-Encoder (VAE)"`` becomes ``"variational auto encoder vae"``.  A name's
*compact* form leaves the spaces out (``"tsne"`` for ``t-SNE``).

A node's **names** are its label, title, alternative labels (acronyms),
curation aliases and, for a concept, its ID.  Its **number** (``13.1.2``) is
matched whole or by leading parts only.  Its **text** is the simple and the
full explanation.

For a query ``q`` (normalised; compact form ``qc``; words ``qw``) a node
scores in the best tier it reaches, and within a tier by ``within``:

====  ==========  ====================================================  ====================================
tier  match       a name ``n`` (or the node's text) such that           ``within``
====  ==========  ====================================================  ====================================
7     exact       ``n == q``, compact forms equal, or number ``== q``;   1000 (a section's: 999);
                  or one compact form the other plus "s" or "es"        999
                  (three characters or more)
6     prefix      ``n`` starts with ``q`` (or compact with ``qc``), or  ``1000 * len(qc) // len(compact n)``
                  the number starts with ``q``'s words                  (numbers: ``1000 * len(q) // len``)
5     words       every word of ``q`` starts a word of ``n``            ``1000 * len(qc) // len(compact n)``
4     contains    ``q`` occurs anywhere in ``n``                        as above
3     fuzzy       OSA similarity of ``q`` and ``n`` ≥ 750 (below)       the similarity, 750–999
2     text        ``q`` starts a word of the text, as a phrase          occurrences of the phrase (≤ 999)
1     text words  every word of ``q`` starts a word of the text         0
====  ==========  ====================================================  ====================================

``within`` is capped at 999 below tier 7.  The **fuzzy** similarity compares
``q`` with each name and, where a name has more words than ``q``, with every
run of as many consecutive words: ``1000 * (m - d) // m`` with ``d`` the
optimal-string-alignment distance (Levenshtein plus adjacent transpositions,
``rapidfuzz.distance.OSA``) and ``m`` the longer length, lengths counted in
code points.  Queries shorter than four characters are not matched fuzzily.

``score = 10000 * tier + within``; results are sorted by score (highest
first), concepts before sections and subsections, then in document order
(concepts by their place in the cheatsheets, sections by number), then by ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import OSA

from ..graph import ConceptGraph, fold, shown_title
from ..read import number_key

FUZZY_MIN = 750
"""The least OSA similarity, in thousandths, that counts as a fuzzy match."""
FUZZY_MIN_LENGTH = 4
PLURAL_MIN = 3
"""The shortest compact form whose plural counts as an exact match ("gan" of "GANs"; not "a" of "as")."""
"""Shorter queries are matched exactly, by prefix or as a part only."""

TIERS = {7: "exact", 6: "prefix", 5: "words", 4: "contains", 3: "fuzzy", 2: "text", 1: "text-words"}

_WORD = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    """Lowercase, drop accents and punctuation: the words of ``text`` joined by single spaces.  Folded as
    :meth:`~mlkg.graph.ConceptGraph.resolve` folds a name (:func:`~mlkg.graph.fold`), so that what search finds
    exactly every command takes."""
    return " ".join(_WORD.findall(fold(str(text))))


@dataclass(frozen=True, slots=True)
class _Item:
    id: str
    concept: bool
    key: tuple  # document order among its kind
    names: tuple[str, ...]
    compacts: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]
    number: str
    text: str


def _names(node_id: str, d: dict[str, Any]) -> list[str]:
    raw = [d.get("label", ""), shown_title(d), *d.get("alt_labels", ()), *d.get("aliases", ())]
    if d.get("kind") == "concept":
        raw.append(node_id)
    return list(dict.fromkeys(n for n in map(normalize, raw) if n))




def _index(kg: ConceptGraph) -> list[_Item]:
    items = []
    for n, d in kg.graph.nodes(data=True):
        names = _names(n, d)
        concept = d.get("kind") == "concept"
        text = " " + normalize(d.get("simple", "")) + " . " + normalize(d.get("full", "")) + " " if concept else ""
        items.append(_Item(n, concept, (d["order"],) if concept else number_key(d.get("number", "")),
                           tuple(names), tuple(x.replace(" ", "") for x in names),
                           tuple(tuple(x.split(" ")) for x in names), normalize(d.get("number", "")), text))
    return items


def similarity(a: str, b: str) -> int:
    """OSA similarity of two normalised strings in thousandths: ``1000 * (m - d) // m``."""
    m = max(len(a), len(b))
    if not m:
        return 1000
    return 1000 * (m - OSA.distance(a, b)) // m


def _fuzzy(q: str, qn: int, item: _Item) -> int:
    best = 0
    for name, words in zip(item.names, item.words, strict=True):
        # the whole name, or each run of as many consecutive words as the query has
        runs = [" ".join(words[i:i + qn]) for i in range(len(words) - qn + 1)] if len(words) > qn else [name]
        for run in runs:
            m = max(len(q), len(run))
            if 1000 * (m - abs(len(q) - len(run))) // m < max(FUZZY_MIN, best + 1):
                continue  # the length difference alone rules it out
            best = max(best, similarity(q, run))
    return best


def _numbered(a: str, b: str) -> bool:
    """Whether one compact form is the other with a plural's "s" or "es" ("autoencoders", "Transformers"): the
    exact concept came fourth, as a fuzzy match, behind names that merely begin with the query."""
    if len(a) < len(b):
        a, b = b, a
    return len(b) >= PLURAL_MIN and (a == b + "s" or a == b + "es")


def _match(q: str, qc: str, qw: list[str], item: _Item) -> tuple[int, int]:
    """(tier, within) of ``item`` for the normalised query, (0, 0) for no match."""
    tier, within = 0, 0
    # a section's exact match is one below a concept's, as low as a concept's name in the other number: "GANs"
    # is the subsection's title and the plural of gan's name, and means the concept
    if any(name == q or compact == qc for name, compact in zip(item.names, item.compacts, strict=True)) \
            or (item.number and item.number == q):
        return 7, 1000 if item.concept else 999
    if any(_numbered(compact, qc) for compact in item.compacts):
        return 7, 999  # below the concept whose name the query is ("tokenizer" before "Tokenizers")
    for name, compact in zip(item.names, item.compacts, strict=True):
        part = min(999, 1000 * len(qc) // len(compact)) if compact else 0
        if name.startswith(q) or compact.startswith(qc):
            found = (6, part)
        elif all((" " + w) in (" " + name) for w in qw):
            found = (5, part)
        elif q in name:
            found = (4, part)
        else:
            continue
        tier, within = max((tier, within), found)
    if item.number and (item.number + " ").startswith(q + " "):
        tier, within = max((tier, within), (6, min(999, 1000 * len(q) // len(item.number))))
    if tier:
        return tier, within
    if len(q) >= FUZZY_MIN_LENGTH:
        sim = _fuzzy(q, len(qw), item)
        if sim >= FUZZY_MIN:
            return 3, min(999, sim)
    if item.text:
        count = item.text.count(" " + q)
        if count:
            return 2, min(999, count)
        if all((" " + w) in item.text for w in qw):
            return 1, 0
    return 0, 0


def search(kg: ConceptGraph, text: str, limit: int | None = 20, sections: bool = False) -> list[dict[str, Any]]:
    """Concepts matching ``text``, best first: ``[{"id", "title", "number", "kind", "match", "score"}]``.

    ``match`` names the tier (``exact``, ``prefix``, ``words``, ``contains``,
    ``fuzzy``, ``text``, ``text-words``); the module's docstring gives the
    formula.  With ``sections``, sections and subsections are searched too
    (after concepts of the same score), as the map page does.  ``limit=None``
    returns every match.
    """
    q = normalize(text)
    if not q:
        return []
    qc, qw = q.replace(" ", ""), q.split(" ")
    hits = []
    for item in kg.derived(("search-index",), lambda: _index(kg)):
        if not (item.concept or sections):
            continue
        tier, within = _match(q, qc, qw, item)
        if tier:
            hits.append((-(tier * 10000 + within), not item.concept, item.key, item.id, tier))
    hits.sort()
    g = kg.graph
    return [{"id": n, "title": shown_title(g.nodes[n], n), "number": g.nodes[n].get("number", ""),
             "kind": g.nodes[n].get("kind"), "match": TIERS[tier], "score": -neg}
            for neg, _, _, n, tier in hits[:limit]]
