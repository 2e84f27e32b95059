"""Find every mention of a concept's name in the text of every entry, with the sentence around it.

The fields of the whole corpus are joined into one text and searched in one
pass of the lexicon's Aho-Corasick automaton; every match is then placed in
its field and sentence (explanations) or line (examples).  Nothing here
decides what a mention means: :mod:`~mlkg.mine.rules` does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cached_property

from ..read import Corpus, Entry, split_title
from .evidence import Mention, Prose, Report
from .lexicon import Lexicon, Match, fold
from .text import Units, normalize, normalize_many

FIELDS = ("full", "simple", "example")
_SEPARATOR = "\n\n"  # between fields joined for one search: a word and sentence boundary
CUE_WINDOW = 160  # characters of the sentence either side of a mention that cue phrases may read
PAREN_WINDOW = 400  # how far either side of a mention its parentheses are looked for, in a very long sentence
QUOTE = 600
"""A sentence longer than this is quoted by the words around the mention, ``QUOTE // 2`` either side: every
edge carries its evidence, and a paragraph written as one sentence would be copied whole into each."""
BLOCK = 1 << 20


class CorpusText:
    """The explanations and examples of a whole corpus joined into one text, and that text normalised.

    Searching and tokenising one long string costs far less than doing it
    field by field; ``starts`` maps offsets back to fields.
    """

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.fields = [(e, name, e.fields[name]) for e in corpus.entries for name in FIELDS]
        self.text = _SEPARATOR.join(f.text for _, _, f in self.fields)
        self.norm = normalize(self.text)
        self.starts, pos = [], 0
        for _, _, f in self.fields:
            self.starts.append(pos)
            pos += len(f.text) + len(_SEPARATOR)
        self.first_field = {e.id: k for k, (e, name, _) in enumerate(self.fields) if name == FIELDS[0]}
        self._whole: dict[str, frozenset[str]] = {}

    def whole_names(self, concept: str) -> frozenset[str]:
        """A concept's title, label, bracketed names and ID as written, folded: the names it gives itself whole."""
        found = self._whole.get(concept)
        if found is None:
            e = self._entries[concept]
            label, alts = split_title(e.title)
            found = self._whole[concept] = frozenset(map(fold, (e.title, label, *alts, e.id, e.id.replace("-", " "))))
        return found

    @cached_property
    def _entries(self) -> dict[str, Entry]:
        return {e.id: e for e in self.corpus.entries}

    @cached_property
    def titles(self) -> list[str]:
        """The normalised title of each entry, in corpus order."""
        return normalize_many([e.title for e in self.corpus.entries])

    @property
    def prose(self) -> Prose:
        """The text, normalised, and the spans of the explanations (not the examples) in it."""
        return Prose(self.text, self.norm, [(self.starts[k], self.starts[k] + len(f.text))
                                                  for k, (_, name, f) in enumerate(self.fields) if name != "example"])

    def normalized(self, k: int, last: int | None = None) -> str:
        """The normalised text of field ``k``, or of fields ``k`` to ``last`` as they lie in the joined text: one
        slice, their separators a blank."""
        return self.norm[slice(*self.span(k, last))]

    def span(self, k: int, last: int | None = None) -> tuple[int, int]:
        """Where field ``k``, or fields ``k`` to ``last``, lie in the joined text: [start, end)."""
        last = k if last is None else last
        return self.starts[k], self.starts[last] + len(self.fields[last][2].text)


def title_mentions(text: CorpusText, lexicon: Lexicon) -> Iterator[Mention]:
    """Names of other concepts inside each entry's title ("Denoising Autoencoder" names Autoencoder), searched in
    the titles the corpus text has normalised once for all (the sibling vectors read them too)."""
    concepts: dict[int, tuple[tuple, frozenset[str]]] = {}  # id of a tuple of names → their concepts
    owners: dict[tuple[int, str], tuple[tuple, list[str]]] = {}  # (id of a tuple, a form) → who has it whole

    def names_of(names: tuple) -> frozenset[str]:
        """The concepts of a name's candidates, made once per tuple (the automaton hands each mention of a name
        one): a title thousands share ("Overview") made each entry's title walk them all, quadratic."""
        found = concepts.get(id(names))
        if found is None or found[0] is not names:
            found = concepts[id(names)] = (names, frozenset(n.concept for n in names))
        return found[1]

    def whole_owners(names: tuple, written: str) -> list[str]:
        """The candidates that give themselves the name, as written and folded, whole (a title, a bracketed
        name, an ID), found once per name and form (8,000 titles shortening to one name took 14 s): a title's
        own name that is one of them links the two, one name for two ("Encoder-Decoder", the title of 15.2.2
        and the ID of 11.4.3), where a form of another's does not ("DART" is no name DARTS gives itself)."""
        found = owners.get((id(names), written))
        if found is None or found[0] is not names:
            found = owners[id(names), written] = (names, [n.concept for n in names
                                                           if written in text.whole_names(n.concept)])
        return found[1]

    for entry, norm in zip(text.corpus.entries, text.titles, strict=True):
        for m in lexicon.find(entry.title, norm, exclude=frozenset({entry.id})):
            if entry.id in names_of(m.names) and all(
                    c == entry.id for c in whole_owners(m.names, fold(entry.title[m.start:m.end]))):
                continue  # its own name, another's only by a plural or a case: no other's in it
            yield Mention(entry, m.names, "title", entry.title, -1, entry.location.line,
                          entry.title[m.start:m.end], entry.title[:m.start], entry.title[m.end:], first=True)


# a mention that opens its sentence: after nothing but punctuation, or one of these words (matched once at the
# sentence's first word: "[\W_]*" before them backtracked over a run of punctuation at each mention, quadratic)
_LEAD = re.compile(r"(?:the|a|an|in|with|for|by|using)\s+", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[^\W_]")
_VERB = re.compile(r"\s+(?!(?:is|has|was|does|as|its|this|thus|plus)\b)[a-z]+s\b")
# A clause that opens the sentence and sets its scene ("Since transformers have no sense of order, …"): what it
# names is background to the definition that follows, not part of it.
_SUBORDINATE = re.compile(r"[\W_]*(?:since|because|although|though|whereas|while|when|whenever|if|unless|once)\b",
                          re.I)
_CLAUSE_END = re.compile(r"[,;:]")
_TEXT = re.compile(r"\S")  # text before a sentence in its field: found at once, where slicing it read it all
_OR = re.compile(r",?\s+or\s+", re.IGNORECASE)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+|/\s*|\s*&\s*)\Z", re.IGNORECASE)
_LIST_GAP_MOST = 40  # characters between two names of a list ("A, and B"): a longer gap is none, and was read
# back and forth by the pattern's two runs of spaces, quadratic in a long run of blanks


def text_mentions(text: CorpusText, lexicon: Lexicon, report: Report | None = None) -> Iterator[Mention]:
    """Every name found in the explanations and examples, with its sentence (or example line), where it stands
    in the sentence and the field, and whether it is one of a list of names.

    A name only of the entry's own concept is no cross-reference: it is counted in ``report`` and no Mention is
    made of it (a third of all matches), though it still counts towards a list of names.  What a sentence's
    mentions share (its text, its line, whether it opens its field) is worked out once per sentence, and the
    field of a match from the field of the one before: matches come in rising order.
    """
    fields, big, starts = text.fields, text.text, text.starts
    units = Units(big)
    us = ue = -1  # the sentence (or example line) of the previous match
    lo = hi = -1  # the field of the previous match
    sentence = ""
    k_seen, lines_to, line = -1, 0, 0  # lines are counted on from the previous match, not from the field's start
    k_code, code_to, in_code = -1, 0, False  # and an example's fence lines, to know a line inside code
    unit: list[tuple[int, int, Mention | None]] = []  # the matches of one sentence, held to see lists
    for m in _matches(text, lexicon):
        start, end = m.start, m.end
        if not lo <= start < hi:
            k = bisect_right(starts, start) - 1
            entry, fname, f = fields[k]
            lo, hi = starts[k], starts[k] + len(f.text)
            example = fname == "example"
        if end > hi:
            continue  # it runs on into the next field ("… Bayes" + "Theorem …"): no name of this field's
        if not us <= start < ue:
            if len(unit) > 1:
                yield from _listed(unit, big)
            elif unit and unit[0][2] is not None:
                yield unit[0][2]  # most sentences: one name, no list
            unit = []
            us, ue = units.at(start, example)
            sentence = big[us:ue].rstrip() if example else big[us:ue].strip()
            fence = example and sentence.lstrip().startswith(("```", "~~~"))
            if example and not fence:
                if k != k_code:
                    k_code, code_to, in_code = k, lo, False
                in_code ^= len(_FENCE.findall(big, code_to, us)) % 2 == 1
                code_to = us
            # a clause that opens the sentence and sets its scene ends at its first comma (or the sentence's end)
            opener = _SUBORDINATE.match(big, us, ue)
            comma = opener and _CLAUSE_END.search(big, opener.end(), ue)
            scene = -1 if opener is None else comma.start() if comma else ue
            opens = None  # whether the sentence opens its field, and its line: found at its first mention
            # where a mention opens the sentence: at its first word, or after a leading one ("The …"): read once a
            # sentence, not back from each mention over a run of punctuation or blanks
            word = _FIRST_WORD.search(big, us, ue)
            first_word = word.start() if word else ue
            lead_word = _LEAD.match(big, first_word, ue)
            after_lead = lead_word.end() if lead_word else -1
        if fence:
            continue  # a fence line
        names = m.names
        if names[0].concept == entry.id and (len(names) == 1 or all(n.concept == entry.id for n in names)):
            unit.append((start, end, None))
            if report is not None:
                report.mentions += 1
                report.self_mentions += 1
            continue
        if opens is None:
            if k != k_seen:
                k_seen, lines_to, line = k, lo, f.line
            line += big.count("\n", lines_to, us)
            lines_to = us
            opens = not _TEXT.search(big, lo, us)
        cue_lo = max(us, start - CUE_WINDOW)
        before = ("\0 " if cue_lo > us else "") + big[cue_lo:start]
        quote = sentence if len(sentence) <= QUOTE else _quote(big, us, ue, start, end)
        unit.append((start, end, Mention(
            entry, names, fname, quote, us, line, big[start:end], before, big[end:min(ue, end + CUE_WINDOW)],
            first=opens and not (opener is not None and opener.end() <= start <= scene),
            subject=(lead := start <= first_word or start == after_lead),
            aside=_aside(big, us, ue, start, end),
            agent=lead and bool(_VERB.match(big, end, ue)),
            code=example and in_code and _identifier(big, start, end))))
    yield from _listed(unit, big)


def _matches(text: CorpusText, lexicon: Lexicon) -> Iterator[Match]:
    """The lexicon's matches in the corpus text, searched :data:`BLOCK` characters of whole fields at a time:
    the matches of a whole corpus never exist at once (at 100k entries they took 500 MiB)."""
    big, norm, starts = text.text, text.norm, text.starts
    lo = 0
    while lo < len(big):
        k = bisect_right(starts, lo + BLOCK)
        hi = starts[k] - len(_SEPARATOR) if k < len(starts) else len(big)
        yield from lexicon.find(big[lo:hi], norm[lo:hi], offset=lo)
        lo = hi + len(_SEPARATOR)


_ATTRIBUTE = re.compile(r"[^\W\d]\w*\.\Z")  # "torch." of torch.relu; not "5. " of a numbered line
_KEYWORD = re.compile(r"=(?!=)")
_IMPORT = re.compile(r"[ \t]*(?:import|from)[ \t]+[\w.]+")  # a line that imports: every name on it is a library's
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.M)


def _identifier(big: str, start: int, end: int) -> bool:
    """Whether a name in an example's fenced code is written as code: an attribute (``torch.relu``,
    ``nn.ReLU()``), a string literal of its own (``scoring='f1'``), a keyword argument (``momentum=0.9``) or any
    name on an import line (``import lightgbm as lgb``, ``from lava.proc.lif.process import LIF``).  A
    library's name for a thing is no mention of the concept; a formula's ``relu(Wx + b)`` is, and stays one, as
    is all of an example's prose ("F1=0.64 on the test set")."""
    before = big[start - 1] if start else ""
    after = big[end] if end < len(big) else ""
    return ((before in ("'", '"') and after == before) or bool(_KEYWORD.match(big, end))
            or bool(_ATTRIBUTE.search(big, max(0, start - 40), start))
            or bool(_IMPORT.match(big, big.rfind("\n", 0, start) + 1)))


def _aside(big: str, us: int, ue: int, start: int, end: int) -> bool:
    """Whether the mention is inside parentheses within its sentence; in a sentence longer than :data:`QUOTE`,
    within :data:`PAREN_WINDOW` of it (each mention of a paragraph-long sentence would read it all)."""
    lo, hi = (us, ue) if ue - us <= QUOTE else (max(us, start - PAREN_WINDOW), min(ue, end + PAREN_WINDOW))
    opened = big.rfind("(", lo, start)
    return opened >= 0 and big.find(")", opened, start) < 0 and big.find(")", end, hi) >= 0


def _quote(big: str, us: int, ue: int, start: int, end: int) -> str:
    """The words of a long sentence around a mention, with "…" where the sentence goes on."""
    lo, hi = max(us, start - QUOTE // 2), min(ue, end + QUOTE // 2)
    if lo > us:
        lo = big.find(" ", lo, start) + 1 or lo  # from a word's start
    if hi < ue:
        space = big.rfind(" ", end, hi)
        hi = space if space > 0 else hi  # to a word's end
    return ("…" if lo > us else "") + big[lo:hi].strip() + ("…" if hi < ue else "")


def _listed(unit: list[tuple[int, int, Mention | None]], big: str) -> Iterator[Mention]:
    """The mentions of one sentence, those in a run of three or more joined by commas, "and", "or" marked, and
    two alternatives ("measured by MSE or MAE"): an option is not by itself a prerequisite."""
    if len(unit) < 2:  # too few to list
        yield from (m for _, _, m in unit if m is not None)
        return
    runs, run = [], [0]
    for i in range(1, len(unit)):
        if unit[i][0] - unit[i - 1][1] <= _LIST_GAP_MOST and _LIST_GAP.match(big, unit[i - 1][1], unit[i][0]):
            run.append(i)
        else:
            runs.append(run)
            run = [i]
    runs.append(run)
    listed = {i for r in runs if len(r) >= 3 or (len(r) == 2 and _OR.fullmatch(big, unit[r[0]][1], unit[r[1]][0]))
              for i in r}
    for i, (_, _, m) in enumerate(unit):
        if m is not None:
            yield m._replace(listed=True) if i in listed else m
