"""Text as the miner sees it: normalised for matching, cut into sentences and example lines.

:func:`normalize` lowercases and turns every non-word character into a space
without changing the length, so offsets in the normalised text index the
original text directly.
"""

from __future__ import annotations

import codecs
import functools
import math
import re
import threading
from bisect import bisect_left
from collections.abc import Iterator

RARE = 2.5
"""Words at or below this Zipf frequency (2.5: a few times per ten million words of English) are rare."""
COMMON = 3.5
"""Words at or above this Zipf frequency (once per thirty thousand words of English) are common."""


_PLAIN = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")
_DIGITS = re.compile(r"[0-9][0-9]")  # wordfreq turns a run of digits to zeros and weighs it apart
_SEPARATOR = re.compile(r"[ -]")


@functools.lru_cache(maxsize=1 << 20)  # more words than a 100k-entry corpus holds: a smaller cache thrashed
def zipf(word: str) -> float:
    """How common a word or phrase is in everyday English: the Zipf scale of wordfreq (0 unknown, 7 "the").

    Plain lowercase words, one space or hyphen apart, are looked up in wordfreq's table directly and combined
    as wordfreq combines them (1/f = 1/f₁ + 1/f₂ + …): its tokenizer costs thirty times the lookup, thousands
    of times a build; a digit on its own is looked up as it is, as wordfreq does.  Anything else (runs of
    digits, other scripts) goes through ``zipf_frequency``.
    """
    if _PLAIN.fullmatch(word) and not _DIGITS.search(word):
        table = _frequencies()
        one_over = 0.0
        for token in _SEPARATOR.split(word):
            freq = table.get(token)
            if not freq:
                return 0.0
            one_over += 1.0 / freq
        freq = max(1.0 / one_over, 1e-9)  # wordfreq's floor: Zipf 0
        freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # wordfreq's data is precise to 3 digits
        return round(math.log(freq, 10) + 9, 2)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@functools.cache
def _frequencies() -> dict[str, float]:
    """wordfreq's English table, read from its cBpack file (gzipped msgpack: a header, then a list of words per
    centibel of frequency) without importing wordfreq, whose tokenizers, ftfy and langcodes take 0.15 s to
    import, more than the seed's whole build takes to mine.  wordfreq reads it if the file is not there."""
    import gzip
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("wordfreq")
    try:
        import msgpack

        with gzip.open(Path(spec.submodule_search_locations[0], "data", "large_en.msgpack.gz"), "rb") as f:
            pack = msgpack.load(f, raw=False)
        if not isinstance(pack[0], dict) or pack[0].get("format") != "cB" or pack[0].get("version") != 1:
            raise ValueError("not a cBpack")
    except (ImportError, OSError, ValueError, TypeError, IndexError, AttributeError):
        from wordfreq import get_frequency_dict

        return get_frequency_dict("en")
    table: dict[str, float] = {}
    for index, bucket in enumerate(pack[1:]):
        table.update(dict.fromkeys(bucket, 10 ** (-index / 100)))
    return table


def rare_word(word: str) -> bool:
    return zipf(word) <= RARE


COMMON_PHRASE = 4.0


def common_word(word: str) -> bool:
    """A word of everyday English ("ridge", "attention", "he"), by wordfreq."""
    return zipf(word.lower()) >= COMMON


_LETTERS = re.compile(r"(?<![\w'])[A-Z]/[A-Z](?![\w'])")


def common_phrase(words: str, at: float = COMMON_PHRASE) -> bool:
    """Words that together are an everyday phrase ("one class", "state space"), by wordfreq: at least ``at``.
    Not where capital letters stand for things ("A/B test"): wordfreq would weigh "a" and "b" as words."""
    return not _LETTERS.search(words) and zipf(" ".join(normalize(words).split())) >= at


def everyday(words: str) -> bool:
    """An everyday word or phrase: :func:`common_word` for one word, :func:`common_phrase` for more."""
    words = words.strip()
    return common_word(words) if " " not in words and "-" not in words else common_phrase(words)

# ASCII letters and digits (lowercased) and "_" are word characters; every other byte becomes a space.
_ASCII_WORD = bytes((b | 32 if chr(b).isalpha() else b) if (chr(b).isalnum() and b < 128) or b == 95 else 32
                    for b in range(256))
_RUNS = threading.local()


def _non_ascii(exc: UnicodeEncodeError) -> tuple[str, int]:
    """Encoding error handler: note each run of non-ASCII characters, and write spaces for it."""
    _RUNS.found.append((exc.start, exc.end))
    return " " * (exc.end - exc.start), exc.end


codecs.register_error("mlkg-normalize", _non_ascii)


def normalize(text: str) -> str:
    """Lowercase, with every non-word character replaced by a space; same length as ``text``.

    ASCII is lowercased and mapped in one byte-table lookup; the encoder hands
    each run of other characters to :func:`_non_ascii`, and only those runs are
    handled in Python, so "μ" and "中" stay word characters.
    """
    _RUNS.found = runs = []
    out = text.encode("ascii", "mlkg-normalize").translate(_ASCII_WORD).decode("ascii")
    if not runs:
        return out
    parts, last = [], 0
    for start, end in runs:
        low = _word_chars(text[start:end])
        if low is not None:
            parts.append(out[last:start])
            parts.append(low)
            last = end
    parts.append(out[last:])
    return "".join(parts)


def normalize_many(texts: list[str]) -> list[str]:
    """:func:`normalize` of each text, in one call: the lengths are kept, so slices find each one."""
    joined, out, pos = normalize("\n".join(texts)), [], 0
    for text in texts:
        out.append(joined[pos:pos + len(text)])
        pos += len(text) + 1
    return out


def forget() -> None:
    """Empty the word cache: it holds one corpus's words."""
    zipf.cache_clear()


@functools.lru_cache(maxsize=4096)
def _word_chars(run: str) -> str | None:
    """A run of non-ASCII characters, lowercased, with non-word characters as spaces; None if all are."""
    low = run.lower()
    if len(low) != len(run):  # a few characters (e.g. "İ") lowercase to two
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in run)
    if low.isalnum():
        return low
    if not any(c.isalnum() for c in low):
        return None
    return "".join(c if c.isalnum() else " " for c in low)


# A sentence ends at . ! or ? and a space before a capital, digit or bracket, but not after an
# abbreviation ("e.g. Stable Diffusion") or an initial ("U.S. data"); a line break always ends one.
# The pattern opens with the character class "[\n.!?]" (each alternative then checks, by a lookbehind, which
# one it stands on), so the regex engine skips to those characters in C instead of trying every position; a
# full stop must have a blank after it before the abbreviation lookbehinds run (most of the full stops that end
# no sentence: "0.5", "e.g", "U.S").  Written as "\n\s*|[.!?]…" it matched the same spans at twice the cost.
# A capital letter and a full stop may be an initial ("Andrew Y. Ng"), unless a word that opens sentences follows
# ("… drawn from the distribution of X. The estimate …"); a small letter and a full stop end a sentence ("… q. It"),
# unless a number follows ("see p. 42").
_OPENERS = ("The|This|That|These|Those|It|Its|In|On|For|With|When|Where|While|If|As|So|But|And|Or|Each|Every|"
            "We|Here|Then|Thus|Both|All|Any|No|Not|At|By|To|From|Since|Because|Unlike|There|Such|One|An")
_SENTENCE_END = re.compile(
    r"[\n.!?](?:(?<=\n)\s*|(?<=[.!?])(?=[ \t])"
    r"(?<!\be\.g\.)(?<!\bE\.g\.)(?<!\bi\.e\.)(?<!\bI\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bcf\.)"
    r"(?<!\bal\.)(?<!\bno\.)(?<!\bfig\.)(?<!\beq\.)(?<!\bapprox\.)(?<!\bincl\.)(?<!\bresp\.)"
    r"(?:(?<![^\w.][A-Z]\.)(?<!^[A-Z]\.)[ \t]+(?=[A-Z\"'(\[])|(?<![^\w.][A-Za-z]\.)(?<!^[A-Za-z]\.)[ \t]+(?=[0-9])"
    r"|[ \t]+(?=(?:" + _OPENERS + r")\b)))")


def sentence_breaks(text: str) -> list[tuple[int, int]]:
    """(end of a sentence, start of the next) for each break in ``text``.

    The punctuation stays with its sentence; a sentence that ends at a line
    break may keep blanks before it, which callers strip.
    """
    return [(a + (text[a] != "\n"), b) for a, b in (m.span() for m in _SENTENCE_END.finditer(text))]


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


class Units:
    """The sentence (or example line) around each of a run of rising positions in ``text``.

    Each line's sentence breaks are found once, when the first position on it
    is asked for, and looked up by bisection after: a paragraph written on one
    line with thousands of mentions is read once, not once per sentence (an
    850 KB paragraph took three minutes that way).
    """

    def __init__(self, text: str):
        self.text = text
        self.lo = self.hi = -1  # the line [lo, hi) whose breaks are held
        self.starts: list[int] = []  # where each break begins ("." or "\n") ...
        self.ends: list[int] = []  # ... and where the sentence after it begins

    def at(self, pos: int, line: bool) -> tuple[int, int]:
        """[start, end) of the line (``line``) or sentence around ``pos``, the start of a word."""
        text = self.text
        if not self.lo <= pos < self.hi:
            self.lo = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            self.hi = len(text) if end < 0 else end
            self.starts, self.ends = [], []
        lo, hi = self.lo, self.hi
        if line:
            return lo, hi
        if not self.ends:  # this line's breaks, found once
            first = lo
            if first:
                while first < hi and text[first].isspace():
                    first += 1
            self.ends.append(first)  # ends[i] opens the sentence that breaks at starts[i]
            for m in _SENTENCE_END.finditer(text, first, hi + 1):
                self.starts.append(m.start())
                self.ends.append(m.end())
        i = bisect_left(self.starts, pos)  # a break never begins on a word
        if i < len(self.starts):
            b = self.starts[i]
            return self.ends[i], b + (text[b] != "\n")
        return self.ends[i], hi
