"""Mine typed cross-reference edges, with their evidence, from the entries' text.

For every entry, every sentence of its explanations and every line of its
example is searched for the names in the :class:`~mlkg.lexicon.Lexicon`.
Each mention becomes a vote typed by :mod:`mlkg.rules`; votes are grouped
by unordered pair of concepts, so each pair yields at most one edge that
carries all of its evidence.  Mentions whose word is used in another sense
than the concept it spells (homonyms) are dropped, and ``requires`` is kept
acyclic by downgrading the weakest edge of any cycle to ``related``.
"""

from __future__ import annotations

import math
import operator
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import perf, rules
from .curation import Curation
from .errors import CurationError, Location, Problem
from .lexicon import Lexicon, build_lexicon, is_acronym, normalize, normalize_many, subsection_heads
from .parse import Corpus, Document, Entry

# A sentence ends at . ! or ? and a space before a capital, digit or bracket, but not after an
# abbreviation ("e.g. Stable Diffusion") or an initial ("U.S. data"); a line break always ends one.
# Every alternative starts with one of "\n.!?", so the regex engine skips to those characters
# instead of trying every position.
_SENTENCE_END = re.compile(
    r"\n\s*|[.!?](?<!\be\.g\.)(?<!\bE\.g\.)(?<!\bi\.e\.)(?<!\bI\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bcf\.)"
    r"(?<!\bal\.)(?<!\bno\.)(?<!\bfig\.)(?<!\beq\.)(?<!\bapprox\.)(?<!\bincl\.)(?<!\bresp\.)"
    r"(?<![^\w.][A-Za-z]\.)(?<!^[A-Za-z]\.)[ \t]+(?=[A-Z0-9\"'(\[])")


def sentence_breaks(text: str) -> list[tuple[int, int]]:
    """(end of a sentence, start of the next) for each break in ``text``.

    The punctuation stays with its sentence; a sentence that ends at a line
    break may keep blanks before it, which callers strip.
    """
    return [(a + (text[a] != "\n"), b) for a, b in (m.span() for m in _SENTENCE_END.finditer(text))]


_SEPARATOR = "\n\n"  # between fields joined for one search: a word and sentence boundary
_CUE_WINDOW = 160  # characters of the sentence either side of a mention that cue phrases may use
_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "can't", "do", "does", "each", "for",
    "from", "has", "have", "in", "into", "is", "it", "its", "less", "more", "most", "not", "of", "on", "or",
    "per", "so", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "to", "via", "was", "were", "when", "where", "which", "while", "with", "without",
})


@dataclass(slots=True)
class Evidence:
    """One mention of ``target`` in the text of ``source`` (or a structural reason)."""

    source: str
    target: str
    field: str
    sentence: str
    file: str
    line: int
    surface: str
    rule: str
    vote: str
    confidence: float

    def row(self) -> tuple:
        """The fields in order: ``Evidence(*ev.row())`` is ``ev``."""
        return (self.source, self.target, self.field, self.sentence, self.file, self.line, self.surface,
                self.rule, self.vote, self.confidence)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "field": self.field, "sentence": self.sentence,
                "file": self.file, "line": self.line, "surface": self.surface, "rule": self.rule,
                "vote": self.vote, "confidence": self.confidence}


@dataclass
class Relation:
    """A mined edge: ``source`` requires (or is related to) ``target``."""

    source: str
    target: str
    kind: str
    confidence: float
    rule: str
    evidence: list[Evidence]
    curated: bool = False

    def attrs(self) -> dict[str, Any]:
        return {"kind": self.kind, "confidence": self.confidence, "rule": self.rule,
                "curated": self.curated, "evidence": [e.as_dict() for e in self.evidence]}


@dataclass
class MiningReport:
    """What mining decided beyond the edges themselves."""

    mentions: int = 0
    self_mentions: int = 0
    homonyms: list[Evidence] = field(default_factory=list)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)
    downgraded: list[tuple[str, str, str]] = field(default_factory=list)
    weak: list[tuple[str, str, str]] = field(default_factory=list)
    implied: list[tuple[str, str]] = field(default_factory=list)
    curation: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "mentions": self.mentions,
            "homonyms_dropped": len(self.homonyms),
            "direction_conflicts": len(self.conflicts),
            "weak_dropped": len(self.weak),
            "implied_dropped": len(self.implied),
            "downgraded": [{"source": s, "target": t, "reason": r} for s, t, r in self.downgraded],
            "curation": list(self.curation),
        }


def sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """(offset, line offset, sentence) for each sentence of a paragraph field."""
    start = line = 0
    for end, nxt in sentence_breaks(text):
        chunk = text[start:end]
        if chunk.strip():
            yield start, line, chunk
        line += text.count("\n", start, nxt)
        start = nxt
    if text[start:].strip():
        yield start, line, text[start:]


def unit_spans(field: str, text: str) -> list[tuple[int, int, int]]:
    """(start, end, line offset) of each sentence of a prose field, or each line of an example.

    Fence lines of an example are left out: they hold no text to cite.
    """
    if field != "example":
        return [(start, start + len(chunk), line_off) for start, line_off, chunk in sentences(text)]
    out, start = [], 0
    for n, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped and not stripped.startswith(("```", "~~~")):
            out.append((start, start + len(line), n))
        start += len(line) + 1
    return out


class _Text:
    """The explanations and examples of a whole corpus joined into one text, and that text normalised.

    Searching and tokenising one long string costs far less than doing it
    field by field; ``starts`` maps offsets back to fields.
    """

    def __init__(self, corpus: Corpus):
        self.fields = [(e, name, e.fields[name]) for e in corpus.entries for name in _FIELD_ORDER]
        self.text = _SEPARATOR.join(f.text for _, _, f in self.fields)
        # normalised file by file where they were parsed (text_digest), if they were: the same text
        pieces = [d.digest for d in corpus.documents if d.entries]
        norm = normalize(_SEPARATOR).join(pieces) if pieces and all(isinstance(p, str) for p in pieces) else None
        self.norm = norm if norm is not None and len(norm) == len(self.text) else normalize(self.text)
        self.starts, pos = [], 0
        for _, _, f in self.fields:
            self.starts.append(pos)
            pos += len(f.text) + len(_SEPARATOR)
        self.first_field = {e.id: k for k, (e, name, _) in enumerate(self.fields) if name == "full"}

    def titles(self) -> list[str]:
        """The normalised title of each entry, in corpus order."""
        return normalize_many([e.title for e, name, _ in self.fields if name == "full"])

    def normalized(self, k: int) -> str:
        """The normalised text of field ``k``."""
        start = self.starts[k]
        return self.norm[start:start + len(self.fields[k][2].text)]


_FIELD_ORDER = ("full", "simple", "example")


def text_digest(doc: Document) -> str:
    """A document's part of :class:`_Text`'s normalised text, for ``parse_paths(digest=)``.

    Normalising keeps lengths and never joins characters across the (ASCII) separator,
    so the parts joined by the normalised separator are the normalised joined text.
    """
    return normalize(_SEPARATOR.join(e.fields[name].text for e in doc.entries for name in _FIELD_ORDER))


def _unit_at(text: str, pos: int, line: bool) -> tuple[int, int]:
    """[start, end) of the line (``line``) or sentence around ``pos``, found without scanning ``text`` whole.

    A sentence never crosses a line break, so only the line before ``pos`` is searched for the
    sentence's start; the search may see ``text[pos]``, which a break's lookahead needs.
    """
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    if line:
        return start, end
    if start:
        while start < pos and text[start].isspace():
            start += 1
    for m in _SENTENCE_END.finditer(text, start, pos + 1):
        start = m.end()
    m = _SENTENCE_END.search(text, pos, end + 1)
    if m:
        end = m.start() + (text[m.start()] != "\n")
    return start, end


class _Similarity:
    """TF-IDF cosine between entries, each entry reduced to its most distinctive terms.

    Keeping the top :data:`TOP_TERMS` terms of each entry keeps the cost of a
    comparison fixed, whatever the length of the text.
    """

    TOP_TERMS = 40

    def __init__(self, corpus: Corpus, text: _Text):
        self.bags: dict[str, Counter] = {}
        df: Counter = Counter()
        k = 0
        for e, title in zip(corpus.entries, text.titles(), strict=True):
            # the full and simple explanations are the entry's first two fields
            bag = Counter(f"{title} {text.normalized(k)} {text.normalized(k + 1)}".split())
            k += 3
            self.bags[e.id] = bag
            df.update(bag.keys())
        n = max(len(self.bags), 1)
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
        # short words, numbers and stop words are no evidence of a shared topic: they weigh nothing
        self.idf.update((w, 0.0) for w in df if len(w) < 3 or w in _STOP or w.isdigit())
        self._vec: dict[str, dict[str, float]] = {}

    def vector(self, concept: str) -> dict[str, float]:
        v = self._vec.get(concept)
        if v is None:
            bag = self.bags[concept]
            words = list(bag)
            # weights computed by map() over C functions: this runs for every word of every entry
            weights = sorted(zip(map(operator.mul, map(_TF.__getitem__, bag.values()),
                                     map(self.idf.__getitem__, words)), words, strict=True))
            top = [t for t in weights[-self.TOP_TERMS:] if t[0] > 0.0]
            norm = math.sqrt(sum(x * x for x, _ in top)) or 1.0
            v = self._vec[concept] = {w: x / norm for x, w in top}
        return v

    def shared_terms(self, a: str, b: str) -> dict[str, float]:
        va, vb = self.vector(a), self.vector(b)
        return {w: x * vb[w] for w, x in va.items() if w in vb}

    def __call__(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        # fsum is exactly rounded, so the result does not depend on the set's (hash-seeded) order
        return math.fsum(va[w] * vb[w] for w in va.keys() & vb.keys())


class _TermFrequency(dict):
    """count → 1 + log(count), computed once per count."""

    def __missing__(self, count: int) -> float:
        value = self[count] = 1 + math.log(count)
        return value


_TF = _TermFrequency()


_ORDER_RULES = {r.name for r in rules.RULES if r.tier == 3} - {rules.SHARED_VOCABULARY.name}


def _lone_word(surface: str) -> bool:
    tokens = re.findall(r"\w+", surface)
    return len(tokens) == 1 and not is_acronym(tokens[0])


def document_order(corpus: Corpus) -> dict[str, int]:
    """Each entry's position in section-number order."""
    return {e.id: i for i, e in enumerate(sorted(
        corpus.entries, key=lambda e: (tuple(int(x) for x in e.number.split(".")), e.order)))}


def similar_siblings(corpus: Corpus, text: _Text) -> list[tuple[str, str, float, dict[str, float]]]:
    """Siblings that are each other's most similar sibling: (earlier, later, cosine, shared terms).

    These are the candidates for SHARED_VOCABULARY votes; :meth:`Miner.run`
    keeps those whose pair the text does not already link.  Needs only the
    corpus, so it can run in another process while the text is searched.
    """
    sim = _Similarity(corpus, text)
    order = document_order(corpus)
    by_sub: dict[str, list[str]] = defaultdict(list)
    for e in corpus.entries:
        by_sub[e.parent].append(e.id)
    out, done = [], set()
    for members in by_sub.values():
        best: dict[str, tuple[float, str]] = {}
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                s = sim(a, b)
                if s > best.get(a, (0.0, ""))[0]:
                    best[a] = (s, b)
                if s > best.get(b, (0.0, ""))[0]:
                    best[b] = (s, a)
        for a, (s, b) in best.items():
            if best.get(b, (0.0, ""))[1] != a or s < rules.SIBLING_SIMILARITY:
                continue
            a, b = sorted((a, b), key=order.__getitem__)
            if (a, b) not in done:
                done.add((a, b))
                out.append((a, b, s, sim.shared_terms(b, a)))
    return out


def _pack_mentions(found: tuple[list[Evidence], int, int]) -> tuple[list[tuple], int, int]:
    return [ev.row() for ev in found[0]], found[1], found[2]


def _unpack_mentions(packed: tuple[list[tuple], int, int]) -> tuple[list[Evidence], int, int]:
    return [Evidence(*row) for row in packed[0]], packed[1], packed[2]


CHUNKS = 32
"""In parallel, the text is searched in this many runs of entries, each taken by whichever process is free."""


_FLIP = {rules.REQUIRES: rules.REQUIRED_BY, rules.REQUIRED_BY: rules.REQUIRES}


def _single_vote(a: str, b: str, rule: rules.Rule, conf: float, ev: Evidence) -> Relation:
    """What :meth:`Miner._relation` decides for a pair with one piece of evidence (most pairs), found directly."""
    outcome = _FLIP.get(ev.vote, ev.vote) if ev.source == a else ev.vote
    confidence = round(1 - (1 - conf), 3)  # rules.decide's noisy-OR of one vote, to the last bit
    if outcome == rules.REQUIRES:
        return Relation(b, a, "requires", confidence, rule.name, [ev])
    if outcome == rules.REQUIRED_BY:
        return Relation(a, b, "requires", confidence, rule.name, [ev])
    source = a if ev.source == a else b
    return Relation(source, b if source == a else a, "related", confidence, rule.name, [ev])


class Miner:
    """Turns a parsed corpus into typed relations.  Use :func:`mine`."""

    def __init__(self, corpus: Corpus, lexicon: Lexicon, heads: dict[str, str] | None = None, siblings=None,
                 text: _Text | None = None, parallel: bool = False, meanwhile: perf.Now | None = None):
        """``siblings`` is a :class:`~mlkg.perf.Forked` computing :func:`similar_siblings` (else done here);
        with ``parallel``, a forked child searches part of the text, and this process runs ``meanwhile``."""
        self.corpus = corpus
        self.lexicon = lexicon
        self.entries = {e.id: e for e in corpus.entries}
        self.order = document_order(corpus)
        self.section = {e.id: e.section_number for e in corpus.entries}
        self.heads = subsection_heads(corpus) if heads is None else heads
        self.subsections = {h.number: h for h in corpus.subsections}
        self.text = text or _Text(corpus)
        self.siblings = siblings or perf.Now(similar_siblings, corpus, self.text)
        self.parallel = parallel
        self.meanwhile = meanwhile
        self.report = MiningReport()

    def mentions(self) -> list[Evidence]:
        """Every vote cast by the text of every entry.

        The fields of the whole corpus are joined into one text and searched
        in one pass of the automaton; every match is then placed in its field
        and sentence (explanations) or line (examples), which become the
        evidence and the cue window.  In parallel, the text is cut into
        :data:`CHUNKS` runs of entries that this process and a forked child
        take one at a time, this process after its work ``meanwhile``.
        """
        n = len(self.corpus.entries)
        if not self.parallel:
            found = [self._text_mentions(0, 3 * n)]
            out = self._title_mentions_after(self.meanwhile)
        else:
            k = min(CHUNKS, n)
            bounds = [3 * (j * n // k) for j in range(k + 1)]  # each run starts on an entry's first field
            titles = perf.Now(self._title_mentions_after, self.meanwhile)
            found = perf.shared(self._chunk_mentions, k, bounds, pack=_pack_mentions, unpack=_unpack_mentions,
                                meanwhile=titles)
            out = titles.result()
        for votes, mentions, self_mentions in found:
            out.extend(votes)
            self.report.mentions += mentions
            self.report.self_mentions += self_mentions
        return out

    def _title_mentions_after(self, meanwhile: perf.Now | None) -> list[Evidence]:
        if meanwhile is not None:
            meanwhile.result()
        return self._title_mentions()

    def _title_mentions(self) -> list[Evidence]:
        out = []
        for entry in self.corpus.entries:
            for m in self.lexicon.find(entry.title, exclude=frozenset({entry.id})):
                out.append(Evidence(entry.id, m.names[0].concept, "title", entry.title, entry.location.path,
                                    entry.location.line, entry.title[m.start:m.end], rules.TITLE_CONTAINS.name,
                                    rules.REQUIRES, rules.TITLE_CONTAINS.confidence))
        return out

    def _chunk_mentions(self, j: int, bounds: list[int]) -> tuple[list[Evidence], int, int]:
        return self._text_mentions(bounds[j], bounds[j + 1])

    def _text_mentions(self, first: int, stop: int) -> tuple[list[Evidence], int, int]:
        """The votes cast by fields ``first`` to ``stop`` of the joined text, and the mentions seen."""
        text = self.text
        fields, big, field_starts = text.fields, text.text, text.starts
        if first >= stop:
            return [], 0, 0
        lo = field_starts[first]
        hi = field_starts[stop - 1] + len(fields[stop - 1][2].text)
        out: list[Evidence] = []
        mentions = self_mentions = 0
        seen: set[tuple[str, str, int]] = set()
        us = ue = -1  # the sentence (or example line) of the previous match
        for m in self.lexicon.find(big[lo:hi], text.norm[lo:hi]):
            start, end = m.start + lo, m.end + lo
            k = bisect_right(field_starts, start) - 1
            entry, fname, f = fields[k]
            target = m.names[0].concept if len(m.names) == 1 else self._pick(m, entry)
            mentions += 1
            if target == entry.id:
                self_mentions += 1
                continue
            if not us <= start < ue:
                us, ue = _unit_at(big, start, fname == "example")
                sentence = big[us:ue].rstrip() if fname == "example" else big[us:ue].strip()
            if fname == "example" and sentence.lstrip().startswith(("```", "~~~")):
                continue  # a fence line
            if (target, entry.id, us) in seen:
                continue
            seen.add((target, entry.id, us))
            line = f.line + big.count("\n", field_starts[k], us)
            cue_lo = max(us, start - _CUE_WINDOW)
            before = ("\0 " if cue_lo > us else "") + big[cue_lo:start]
            after = big[end:min(ue, end + _CUE_WINDOW)]
            out.append(self._vote(entry, target, fname, line, sentence, before, after, big[start:end]))
        return out, mentions, self_mentions

    def _pick(self, m, entry: Entry) -> str:
        """The concept a shared name means here: best-ranked name, then nearest in the sections."""
        if len(m.names) == 1:
            return m.names[0].concept
        best = min(n.rank for n in m.names)
        candidates = list(dict.fromkeys(n.concept for n in m.names if n.rank == best))
        if len(candidates) == 1:
            return candidates[0]
        if entry.id in candidates:
            return entry.id

        def distance(c: str) -> tuple[int, int]:
            other = self.entries[c]
            return (0 if other.parent == entry.parent else 1 if other.section_number == entry.section_number
                    else 2, abs(self.order[c] - self.order[entry.id]))
        return min(candidates, key=distance)

    def _vote(self, entry: Entry, target: str, fname: str, line: int, text: str,
              before: str, after: str, surface: str) -> Evidence:
        forward = self.order[target] > self.order[entry.id]
        same_section = self.section[target] == self.section[entry.id]
        rule = rules.cue_for(before, after, forward, prose=fname != "example",
                             same_section=same_section) or (rules.FORWARD if forward else rules.BACKWARD)
        conf = round(rule.confidence * rules.FIELD_FACTOR[fname], 3)
        return Evidence(entry.id, target, fname, text, entry.location.path, line, surface,
                        rule.name, rule.outcome, conf)

    def _drop_homonyms(self, evidence: list[Evidence]) -> list[Evidence]:
        """Apply :data:`rules.HOMONYM_RULE`: see there for the signal and why."""
        section = self.section
        linking: dict[frozenset, set[frozenset]] = defaultdict(set)
        for ev in evidence:
            if section[ev.source] != section[ev.target]:
                linking[frozenset((section[ev.source], section[ev.target]))].add(frozenset((ev.source, ev.target)))
        kept = []
        for ev in evidence:
            s, t = section[ev.source], section[ev.target]
            if (s != t and ev.field != "title" and _lone_word(ev.surface) and ev.rule in _ORDER_RULES
                    and not linking[frozenset((s, t))] - {frozenset((ev.source, ev.target))}):
                self.report.homonyms.append(ev)
            else:
                kept.append(ev)
        return kept

    def run(self) -> list[Relation]:
        pairs: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
        mentions = self.mentions()
        order = self.order
        for ev in self._drop_homonyms(mentions):
            s, t = ev.source, ev.target
            pairs[(s, t) if order[s] < order[t] else (t, s)].append(ev)
        by_name = {r.name: r for r in rules.RULES}
        for a, b, cosine, shared in self.siblings.result():
            if (a, b) not in pairs:
                pairs[(a, b)].append(self._vocabulary_evidence(self.entries[b], a, cosine, shared))
        relations = []
        for (a, b), evidence in pairs.items():
            votes = [(by_name[ev.rule], ev.confidence, ev) for ev in evidence]
            votes.extend(self._structural(a, b, evidence))
            r = self._relation(a, b, votes)
            if r.confidence < rules.MIN_CONFIDENCE and min(v[0].tier for v in votes) == 3:
                self.report.weak.append((r.source, r.target, r.kind))
                continue
            relations.append(r)
        return relations

    def _vocabulary_evidence(self, entry: Entry, target: str, cosine: float, shared: dict[str, float]) -> Evidence:
        """Evidence for a shared-vocabulary link: the source sentence richest in the shared terms."""
        best, top = None, -1.0
        for k, name in enumerate(("full", "simple", "example"), self.text.first_field[entry.id]):
            f = entry.fields[name]
            norm = self.text.normalized(k)
            for start, end, line_off in unit_spans(name, f.text):
                # fsum is exact, so leaving out the terms that score zero changes nothing
                score = math.fsum(shared[t] for t in shared.keys() & norm[start:end].split())
                if score > top:
                    best, top = (name, f.line + line_off, start, end), score
        name, line, start, end = best
        text = entry.fields[name].text[start:end]
        terms = ", ".join(sorted(shared, key=shared.get, reverse=True)[:5])
        return Evidence(entry.id, target, name, text.rstrip() if name == "example" else text.strip(),
                        entry.location.path, line, terms, rules.SHARED_VOCABULARY.name, rules.RELATED,
                        round(min(1.0, rules.SHARED_VOCABULARY.confidence + cosine), 3))

    def _reduce(self, relations: list[Relation]) -> list[Relation]:
        """Drop weak ``requires`` edges that a chain of other ``requires`` edges already implies.

        Only edges typed by document order alone, with no mention in the full
        explanation, are dropped: a passing mention in the simple explanation
        or the example adds nothing to the learning order.
        Reachability is computed once, as bitsets, in topological order.
        """
        succ = _requires_graph(relations)
        bit = {n: 1 << i for i, n in enumerate(succ)}
        reach: dict[str, int] = {}
        for n in reversed(_topological(succ)):
            acc = 0
            for c in succ[n]:
                acc |= bit[c] | reach[c]
            reach[n] = acc
        implied = set()
        for u, targets in succ.items():
            for v, r in targets.items():
                # an explicit mention in the full explanation stays, even where a chain implies it
                if r.rule != rules.BACKWARD.name or r.curated or any(ev.field == "full" for ev in r.evidence):
                    continue
                if any(reach[c] & bit[v] for c in targets if c != v):
                    implied.add(id(r))
                    self.report.implied.append((u, v))
        return [r for r in relations if id(r) not in implied]

    def _structural(self, a: str, b: str, evidence: list[Evidence]):
        """Votes from the sections and from the pattern of mentions, for a pair already linked by text."""
        eb = self.entries[b]  # a is defined before b
        out = []
        if self.heads.get(eb.parent) == a:
            sub = self.subsections[eb.parent]
            out.append((rules.SUBSECTION_HEAD, rules.SUBSECTION_HEAD.confidence, Evidence(
                b, a, "section", f"{sub.number} {sub.title}", sub.location.path, sub.location.line,
                sub.title, rules.SUBSECTION_HEAD.name, rules.REQUIRES, rules.SUBSECTION_HEAD.confidence)))
        sources = {ev.source for ev in evidence}
        if len(sources) == 2 and not out and all(ev.rule in _ORDER_RULES for ev in evidence):
            out.append((rules.MUTUAL, rules.MUTUAL.confidence, None))
        return out

    def _relation(self, a: str, b: str, votes) -> Relation:
        if len(votes) == 1 and votes[0][2] is not None:
            return _single_vote(a, b, *votes[0])
        # Recast every vote from the point of view of the later concept b.
        oriented = []
        for rule, conf, ev in votes:
            outcome = rule.outcome if ev is None else ev.vote
            if ev is not None and ev.source == a:
                outcome = _FLIP.get(outcome, outcome)
            oriented.append((rule.tier, outcome, conf, rule.name))
        outcome, confidence, deciding = rules.decide(oriented)
        evidence = [ev for *_, ev in votes if ev is not None]
        directions = {o for _, o, _, _ in oriented if o != rules.RELATED}
        if len(directions) == 2 and outcome != rules.RELATED:
            self.report.conflicts.append((a, b, outcome))
        if outcome == rules.REQUIRES:
            source, target, kind = b, a, "requires"
        elif outcome == rules.REQUIRED_BY:
            source, target, kind = a, b, "requires"
        else:
            weight = Counter(ev.source for ev in evidence)
            source = b if weight[b] >= weight[a] else a
            target, kind = (a if source == b else b), "related"
        supports = {id(ev) for (_, o, _, _), (*_, ev) in zip(oriented, votes, strict=True)
                    if ev is not None and o == outcome}
        # evidence for the outcome first, and sentences a reader can check before titles and headings
        evidence.sort(key=lambda ev: (id(ev) not in supports, ev.field in ("title", "section"), -ev.confidence))
        return Relation(source, target, kind, confidence, deciding, evidence)

    def _acyclic(self, relations: list[Relation]) -> list[Relation]:
        """Keep ``requires`` acyclic: in every cycle, downgrade the weakest edge to ``related``.

        Cycles are found as strongly connected components (linear time); only
        the components that have one are revisited after each downgrade.
        """
        succ = _requires_graph(relations)
        work = [c for c in _strongly_connected(succ) if len(c) > 1]
        if not work:
            return relations
        import networkx as nx

        g = nx.DiGraph()
        for u, targets in succ.items():
            for v, r in targets.items():
                g.add_edge(u, v, relation=r)
        while work:
            sub = g.subgraph(work.pop()).copy()
            weakest = min(sub.edges(data="relation"), key=lambda e: (
                e[2].curated, e[2].confidence, self.order[e[0]] > self.order[e[1]], e[0], e[1]))
            r = weakest[2]
            if r.curated:
                cycle = " -> ".join(sorted(sub.nodes))
                raise CurationError(problems=[Problem(Location(r.evidence[-1].file, r.evidence[-1].line),
                                    f"curated requires edges form a cycle among {cycle}")])
            r.kind, r.rule = "related", "downgraded-cycle"
            self.report.downgraded.append((r.source, r.target, "closed a requires cycle"))
            g.remove_edge(r.source, r.target)
            sub.remove_edge(r.source, r.target)
            work.extend(c for c in nx.strongly_connected_components(sub) if len(c) > 1)
        return relations


def _requires_graph(relations: list[Relation]) -> dict[str, dict[str, Relation]]:
    """source → {target: relation} for the ``requires`` edges; every node a key, in first-seen order."""
    succ: dict[str, dict[str, Relation]] = {}
    for r in relations:
        if r.kind == "requires":
            succ.setdefault(r.source, {})[r.target] = r
            succ.setdefault(r.target, {})
    return succ


def _topological(succ: dict[str, dict]) -> list[str]:
    """Nodes with every node before its successors (Kahn); the graph must be acyclic."""
    indegree = dict.fromkeys(succ, 0)
    for targets in succ.values():
        for v in targets:
            indegree[v] += 1
    order = [n for n, d in indegree.items() if d == 0]
    for n in order:  # grows while it is read
        for v in succ[n]:
            indegree[v] -= 1
            if not indegree[v]:
                order.append(v)
    return order


def _strongly_connected(succ: dict[str, dict]) -> list[set[str]]:
    """The strongly connected components (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        n = stack.pop()
                        on_stack.discard(n)
                        component.add(n)
                        if n == node:
                            break
                    out.append(component)
    return out


def _curate(relations: list[Relation], curation: Curation, report: MiningReport) -> list[Relation]:
    """Apply a curation file's remove, force and add items, in that order."""
    index = {frozenset((r.source, r.target)): r for r in relations}

    def note(item) -> Evidence:
        d = item.data
        return Evidence(d["source"], d["target"], "curation", d.get("note", ""), item.location.path,
                        item.location.line, "", "curation", d.get("kind", ""), 1.0)

    for item in curation.of("remove"):
        key = frozenset((item.data["source"], item.data["target"]))
        r = index.get(key)
        if r is None or item.data.get("kind", r.kind) != r.kind:
            report.curation.append(f"{item.location}: remove matched no mined edge")
            continue
        del index[key]
        report.curation.append(f"{item.location}: removed {r.source} {r.kind} {r.target}")
    for item in [*curation.of("force"), *curation.of("add")]:
        d = item.data
        key = frozenset((d["source"], d["target"]))
        r = index.get(key)
        if r is None:
            r = index[key] = Relation(d["source"], d["target"], d["kind"], 1.0, "curation", [])
        r.source, r.target, r.kind, r.confidence, r.rule, r.curated = (
            d["source"], d["target"], d["kind"], 1.0, "curation", True)
        r.evidence.append(note(item))
        report.curation.append(f"{item.location}: {item.section} {r.source} {r.kind} {r.target}")
    return list(index.values())


def mine(corpus: Corpus, curation: Curation | None = None, lexicon: Lexicon | None = None,
         parallel: bool | None = None, meanwhile: perf.Now | None = None) -> tuple[list[Relation], MiningReport]:
    """Mine the corpus and apply curation; returns the relations and a report.

    The report says which mentions were dropped as homonyms, which pairs had
    conflicting directions, and which ``requires`` edges were downgraded to
    keep the graph acyclic.  With ``parallel`` (by default, from
    :data:`~mlkg.perf.PARALLEL_FROM` entries on, where a fork is safe) sibling
    similarity and part of the text search run in forked children; the result
    is the same.  ``meanwhile`` (a :class:`~mlkg.perf.Now`) is independent work
    this process does while a child searches: it runs exactly once, here.
    """
    curation = curation or Curation()
    if parallel is None:
        parallel = len(corpus.entries) >= perf.PARALLEL_FROM
    parallel = parallel and perf.can_fork()
    text = _Text(corpus)  # before the fork, so that both processes have it
    siblings = perf.Forked(similar_siblings, corpus, text) if parallel else None
    heads = subsection_heads(corpus)
    miner = Miner(corpus, lexicon or build_lexicon(corpus, curation.aliases, heads), heads, siblings, text, parallel,
                  meanwhile)
    relations = _curate(miner.run(), curation, miner.report)
    return miner._reduce(miner._acyclic(relations)), miner.report
