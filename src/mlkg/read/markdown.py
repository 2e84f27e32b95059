"""Read cheatsheet markdown into entries, keeping every field verbatim.

The format (one file holds one or more sections)::

    # Document title
    ## 13. SECTION TITLE
    ### 13.1 Subsection Title
    ---
    #### 13.1.2 Entry Title (ALT)
    **ID:** `slug`
    **Parent:** `13.1`
    **Full Explanation:** / **Simple Explanation:** / **Example:** blocks

An entry's body ends at the next heading of any level.  Headings inside code
fences are code, not structure.  Every problem is collected (not just the
first) and raised together as :class:`~mlkg.errors.CheatsheetError`.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import CheatsheetError, Location, Problem

FIELDS = {
    "Full Explanation": "full",
    "Simple Explanation": "simple",
    "Example": "example",
}
FIELD_TITLES = {v: k for k, v in FIELDS.items()}

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_HEADING = re.compile(r"(#{1,6})[ \t]+(.*)\Z")  # its text, less the trailing spaces and #s, is cut after:
# a lazy group before "[ \t#]*\Z" tried the rest of the line at every space (a 32k-space heading took 3 s)
# ASCII digits only: "1.1.２" (fullwidth) would be another entry than "1.1.2" that reads as the same
_SECTION = re.compile(r"([0-9]+)\.?[ \t]+(\S.*)\Z")
_SUBSECTION = re.compile(r"([0-9]+\.[0-9]+)\.?[ \t]+(\S.*)\Z")
_ENTRY = re.compile(r"([0-9]+\.[0-9]+\.[0-9]+)\.?[ \t]+(\S.*)\Z")
_MARKER = re.compile(r"\*\*([A-Za-z][A-Za-z ]*?):\*\*[ \t]*(.*)\Z")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)\Z")
_SEPARATOR = re.compile(r"(?:-[ \t]*){3,}\Z")
_SPECIAL = frozenset("#-*`~ \t")
_DASHES = "- \t"
_STRUCTURAL = re.compile(r" {0,3}(?:## [0-9]+\.?\s|### [0-9]+\.[0-9]+\.?\s|#### [0-9]+\.[0-9]+\.[0-9]+\.?\s"
                         r"|\*\*ID:\*\*)")
_WORD_START = re.compile(r"\w")
_LEADING_ZERO = re.compile(r"(?<![0-9])0[0-9]")


def number_key(number: str) -> tuple[tuple[int, str], ...]:
    """A heading number's parts in numeric order, without ``int``: a part of 5,000 digits is no error of ours
    (Python refuses to convert one), and parts are digits with no leading zero, so a longer one is larger."""
    return tuple((len(p), p) for p in number.split(".")) if number else ()


_LETTERS = re.compile(r"[^\W\d_]+")  # a word's letters: digits, "_" and "-" part words
_ODD_SPACE = re.compile(r" {0,3}#{2,4}([^\S \t])\s*\d")  # a heading but for the space after its #s
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_GREEK_LIKE_LATIN = frozenset("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧικνορυχϲϳ")
_WORD_CHAR = re.compile(r"[^\W_]")  # a letter or digit: what a title needs to name anything
# a parenthesis glued to the word before it is part of that word, function notation: "AR(p)", "TD(λ)", "σ(x)"
_GLUED = r"(?:[^()]|(?<=[^\s(])\([^()]*\))"
_PAREN_TITLE = re.compile(rf"(?P<label>{_GLUED}*?(?:[^()\s]|(?<=[^\s(])\([^()]*\)))\s+\((?P<alt>[^()]+)\)\s*\Z")
_PAREN_INSIDE = re.compile(rf"(?P<before>{_GLUED}*?\S)\s+\((?P<alt>[A-Za-z][\w' -]*)\)\s+(?P<after>[\w'-]+)\s*\Z")


_MARKUP = frozenset("*_`[<\\&")
_HIDDEN = 0xF0000  # plane 15, private use: no title holds it
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark's backslash escapes: any ASCII punctuation
_TICKS = re.compile(r"`+")
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")  # CommonMark's: with ";"
_HTML = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = (  # strong before emphasis; "_" only at word edges, as CommonMark has it ("max_pool_size" is no emphasis)
    # each at most 500 characters long: a title of unclosed "**" was searched from each to its end, quadratic
    re.compile(r"\*\*(?=\S)(.{1,500}?)(?<=\S)\*\*"), re.compile(r"(?<!\w)__(?=\S)(.{1,500}?)(?<=\S)__(?!\w)"),
    re.compile(r"\*(?=[^\s*])(.{1,500}?)(?<=[^\s*])\*"), re.compile(r"(?<!\w)_(?=[^\s_])(.{1,500}?)(?<=[^\s_])_(?!\w)"),
)


def _code_spans(text: str, replace) -> str:
    """``text`` with each code span replaced by ``replace(its text)``: a run of backticks opens one and the next
    run of as many closes it (CommonMark).  Runs are paired by length in one pass; a regex backtracked over every
    pair of runs (a thousand backticks in a title took 3 s, five thousand over a minute)."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    if len(runs) < 2:
        return text
    by_length: dict[int, list[int]] = {}
    for i, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(i)
    parts, last, i = [], 0, 0
    while i < len(runs):
        start, end = runs[i]
        same = by_length[end - start]
        j = bisect_right(same, i)
        if j == len(same):
            i += 1  # no closing run: the backticks are text
            continue
        close = runs[same[j]]
        parts += [text[last:start], replace(text[end:close[0]].strip())]
        last, i = close[1], same[j] + 1
    return "".join([*parts, text[last:]])


def _reference(hide):
    """A character reference read as the character it stands for, hidden from the patterns that follow as an
    escape is ("&#42;" is a star, not emphasis); one that stands for a character no heading may hold (a control,
    a direction override, an invisible one) stays as written, as the reader refuses those when written."""
    def read(m: re.Match) -> str:
        char = html.unescape(m.group())
        return m.group() if CONTROL.search(char) or INVISIBLE.search(char) or REORDERING.search(char) else hide(char)
    return read


def plain_title(title: str) -> str:
    """A title as a reader sees it rendered: without emphasis (``**x**``, ``*x*``, ``_x_``), code spans, links
    (their text stays) and inline HTML tags, its character references read ("Q&amp;A" is "Q&A").  Labels and names
    are made of this, or "**Beta**" would be a label and a name no text ever writes; the title itself stays as
    written, as every field does."""
    if not _MARKUP.intersection(title):
        return title
    # escaped characters and code spans are text as they stand: hidden from the patterns as private-use characters
    hidden: list[str] = []

    def hide(text: str) -> str:
        hidden.append(text)
        return chr(_HIDDEN + len(hidden) - 1)

    text = _ESCAPED.sub(lambda m: hide(m.group(1)), title)
    text = _code_spans(text, hide)
    text = _ENTITY.sub(_reference(hide), text)
    text = _HTML.sub("", _LINK.sub(r"\1", text))
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    if hidden:
        text = re.sub(f"[{chr(_HIDDEN)}-{chr(_HIDDEN + len(hidden) - 1)}]", lambda m: hidden[ord(m.group()) - _HIDDEN],
                      text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=1 << 20)  # an entry's label and alternatives are asked for again and again
def split_title(title: str) -> tuple[str, tuple[str, ...]]:
    """Split "Variational Autoencoder (VAE)" into its label and alternative labels.

    The part outside the parentheses is the label, the part inside an
    alternative label, whichever of the two is the acronym.  Parentheses
    inside the title give another word for the words before them: "Normal
    (Gaussian) Distribution" is also "Gaussian Distribution".  Markdown is
    read as the reader sees it (:func:`plain_title`).
    """
    title = plain_title(title).strip()
    if "(" not in title:  # most titles: neither pattern can match without a parenthesis
        return title, ()
    m = _PAREN_TITLE.match(title)
    if m:
        return m.group("label").strip(), (m.group("alt").strip(),)
    m = _PAREN_INSIDE.match(title)
    if m:  # "Normal (Gaussian) Distribution": another word for the words before it
        return f"{m.group('before')} {m.group('after')}", (f"{m.group('alt').strip()} {m.group('after')}",)
    return title, ()


@dataclass(frozen=True)
class Field:
    """A field's verbatim text and the line its first text line sits on."""

    name: str
    text: str
    line: int

    def lines(self) -> Iterable[tuple[int, str]]:
        """Yield (source line, text) for each line of the field."""
        for offset, text in enumerate(self.text.split("\n")):
            yield self.line + offset, text


class _Titled:
    """A heading or an entry: its title read as a label and the alternative labels in parentheses."""

    title: str

    @property
    def label(self) -> str:
        return split_title(self.title)[0]

    @property
    def alt_labels(self) -> tuple[str, ...]:
        return split_title(self.title)[1]


@dataclass
class Heading(_Titled):
    """A section (``## 13. TITLE``) or subsection (``### 13.1 Title``)."""

    kind: str
    number: str
    title: str
    location: Location

    @property
    def node_id(self) -> str:
        return section_node_id(self.number)


def example_plain(text: str) -> str:
    """An example without the code fence that encloses it, for display as preformatted text."""
    first, last = text.find("\n"), text.rfind("\n")
    if first >= 0 and _FENCE.match(text, 0, first) and text[last + 1:].strip() in ("```", "~~~"):
        return text[first + 1:last]
    return text


def section_node_id(number: str) -> str:
    """Sections and subsections get ids that no entry slug can take (":" is not a slug character)."""
    return f"sec:{number}"


@dataclass
class Entry(_Titled):
    """One ``#### N.M.K`` cheatsheet entry."""

    id: str
    number: str
    title: str
    parent: str
    fields: dict[str, Field]
    location: Location
    order: int = 0
    id_line: int = 0

    @property
    def full(self) -> str:
        return self.fields["full"].text

    @property
    def simple(self) -> str:
        return self.fields["simple"].text

    @property
    def example(self) -> str:
        return self.fields["example"].text

    @property
    def example_plain(self) -> str:
        return example_plain(self.example)

    @property
    def section_number(self) -> str:
        return self.number.split(".")[0]

    @property
    def subsection_number(self) -> str:
        return ".".join(self.number.split(".")[:2])


@dataclass
class Document:
    path: str
    title: str | None = None
    sections: list[Heading] = field(default_factory=list)
    subsections: list[Heading] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without a byte-order mark) to text; anything else is a CheatsheetError."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + bom
        line = data[:start].count(b"\n") + 1
        raise CheatsheetError(problems=[Problem(
            Location(path, line),
            f"not UTF-8 (byte 0x{data[start]:02x} at offset {start}); save the file as UTF-8",
        )]) from None
    return text


# What XML 1.0 cannot hold (and no cheatsheet needs): C0 controls but tab and newline, and the non-characters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in b"\t\n\r")  # its C0 controls, as UTF-8 writes them
# The bidirectional embeddings, overrides and isolates: each changes the order in which the text after it shows,
# past its own field (a terminal line, a table row, a page), so what is shown is not what is read, mined and
# searched ("Trojan Source": one title can show as another, a sentence quoted as evidence as other words).  No
# cheatsheet needs one: a right-to-left word shows right to left without it.  Refused anywhere, as CONTROL is.
REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
_REORDERING_CHARS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# What shows as nothing, or as a blank where a letter seems to be: direction marks, zero-width spaces, the
# invisible operators, a byte-order mark inside the text, a soft hyphen, the Hangul fillers, the tags.  Harmless
# in an explanation; in a title it makes a name look like another (or like none) and not be found as typed, so
# headings refuse it.  The zero-width joiner and non-joiner stay: scripts and emoji need them.
INVISIBLE = re.compile("[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u202a-\u202e"
                       "\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f]")


def character(c: str) -> str:
    """A character as a message names it: ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X}" + (f" ({name})" if name else "")


def reordering(text: str) -> re.Match | None:
    """The first character of :data:`REORDERING` in ``text`` (nine ``in`` tests pass a text five times as fast as
    the pattern would)."""
    return REORDERING.search(text) if any(c in text for c in _REORDERING_CHARS) else None


def reordering_problem(char: str) -> str:
    """Why a character of :data:`REORDERING` is refused."""
    return (f"bidirectional control character {character(char)}: it shows the text after it in another order than "
            "it is read, so one title can look like another; remove it (right-to-left words need none)")


def _heading_text(raw: str) -> str:
    """A heading's text less its closing run of #s, which CommonMark reads only after a space: "#### 1.1.2 C#" is
    C#, "#### 1.1.2 C# ##" too."""
    text = raw.rstrip(" \t")
    cut = len(text.rstrip("#"))
    if cut < len(text) and (cut == 0 or text[cut - 1] in " \t"):
        text = text[:cut].rstrip(" \t")
    return text


class _Parser:
    """A line-by-line state machine over one file."""

    def __init__(self, text: str, path: str):
        self.path = path
        self.lines = text.split("\n")
        self.doc = Document(path)
        self.problems: list[Problem] = []
        self.section: Heading | None = None
        self.subsection: Heading | None = None
        self.entry: dict | None = None
        self.field_name: str | None = None
        self.field_start = 0
        self.field_marker = 0
        self.field_lines: list[str] = []
        self.code_fence = 0  # the opening line of the fence last found to hold headings as code
        # since the last heading: a line that looks like one and is not ((line, why)), a heading of 5 or 6 #s that
        # ended an entry ((line, its number)), and whether a field line outside any entry was reported
        self.odd_heading: tuple[int, str] | None = None
        self.ended_by: tuple[int, str] | None = None
        self.stray_told = False

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line), message))

    def run(self) -> Document:
        fence: list[tuple[str, int]] = []  # stack of (fence chars, opening line)
        region: list[tuple[str, bool]] = []  # every fence line since the outermost opened: (chars, info string?)
        for lineno, line in enumerate(self.lines, 1):
            if not line or line[0] not in _SPECIAL or (
                    line[0] == "-" and line.strip(_DASHES)) or (line[0] == "*" and line[1:2] != "*"):
                # plain text: no heading, marker, separator or fence starts this way (a list item, say)
                if self.field_name is not None:
                    self.field_lines.append(line)
                continue
            body = line.lstrip(" ")
            fm = _FENCE.match(body) if body[:1] in "`~" and len(line) - len(body) < 4 else None
            if fence:
                if body[:1] in "#*" and self._looks_structural(line):
                    if not _closes_flat(region):
                        # once one heading is found inside a fence closed further on, so is every other one:
                        # reading on from each of them again would take time quadratic in the fence's length
                        hint = None if fence[0][1] == self.code_fence else self._left_open(lineno, fence, region)
                        if hint is None:
                            self.code_fence = fence[0][1]
                            self._text(lineno, line)  # a heading inside a fence closed further on is code
                            continue
                        self.error(fence[0][1], "unterminated code fence; close it with a line of "
                                   f"{fence[0][0]} before the next entry{hint}")
                    fence.clear()
                elif fm and fm.group(1)[0] == fence[-1][0][0] and len(fm.group(1)) >= len(fence[-1][0]):
                    # An info string ("```python") inside a fence opens a nested one: authors nest
                    # fenced code inside fenced examples, and only a bare fence closes.
                    info = bool(_WORD_START.match(fm.group(2).strip()))
                    region.append((fm.group(1), info))
                    if info:
                        fence.append((fm.group(1), lineno))
                    else:
                        fence.pop()
                    self._text(lineno, line)
                    continue
                else:
                    self._text(lineno, line)
                    continue
            elif fm:
                fence.append((fm.group(1), lineno))
                region[:] = [(fm.group(1), False)]
                self._text(lineno, line)
                continue
            self._line(lineno, line)
        if fence and not _closes_flat(region):
            self.error(fence[0][1], f"unterminated code fence; close it with a line of {fence[0][0]}")
        self._end_entry()
        return self.doc

    @staticmethod
    def _looks_structural(line: str) -> bool:
        return bool(_STRUCTURAL.match(line))

    def _left_open(self, lineno: int, fence: list[tuple[str, int]], region: list[tuple[str, bool]]) -> str | None:
        """None if the fence open at the heading (or **ID:** line) on ``lineno`` is closed further on, which makes
        the heading code, as CommonMark reads it (a sample cheatsheet is a fair example); else a hint for the
        error that it was left open.

        Read on as CommonMark does, every line text until a line of the fence's character, at least as long,
        closes it.  A fence left open is told apart by that would-be closing line: one that follows a field
        marker (``**Example:**``) opens the next entry's example, and the heading was the next entry's.  So
        does a line of ``` that closes an entry heading with its **ID:** line: the next entry, whose example
        opens in its text (two fences left open in a row would swallow the entry between them without a word),
        or a sample entry, whose fence must then be longer than the fences it may hold.  Past the closing line,
        the file must come back to a heading outside any fence, or end with every fence closed.
        """
        fence, region = list(fence), list(region)
        previous = ""  # the last line with text
        heading = sample = 0  # the line of an entry heading inside the fence; whether an **ID:** line follows it
        lines = self.lines
        for i in range(lineno - 1, len(lines)):  # not a slice, which would copy the rest of the file every time
            line = lines[i]
            body = line.lstrip(" ")
            if body[:1] in "#*" and self._looks_structural(line):
                if not fence or _closes_flat(region):
                    return None
                if body[:1] == "#" and body.startswith("#### ") and not heading:
                    heading = i + 1
                sample = sample or bool(heading and body[:1] == "*")
            elif body[:1] in "`~" and len(line) - len(body) < 4 and (fm := _FENCE.match(body)):
                if not fence:
                    fence.append((fm.group(1), 0))
                    region[:] = [(fm.group(1), False)]
                    heading = sample = 0
                elif fm.group(1)[0] == fence[-1][0][0] and len(fm.group(1)) >= len(fence[-1][0]):
                    info = bool(_WORD_START.match(fm.group(2).strip()))
                    region.append((fm.group(1), info))
                    if info:
                        fence.append((fm.group(1), 0))
                    elif _is_marker(previous):
                        return ""
                    elif sample and len(fence) == 1 and len(fence[0][0]) == 3:
                        return (f", or if line {heading} starts a sample entry inside it, fence the sample with "
                                f"{fence[0][0]}{fence[0][0][0]}")
                    else:
                        fence.pop()
            if line.strip():
                previous = line
        return None if not fence or _closes_flat(region) else ""

    def _line(self, lineno: int, line: str) -> None:
        # the lines most often here, a field's marker and an entry's "---", are told at once by their first character
        if line[0] == "*":  # "**" (run() passes no other "*"): a marker or bold text, which nothing else can be
            self._marker_line(lineno, line, line.rstrip())
            return
        if line[0] == "-":  # a separator, or text
            if _SEPARATOR.match(line.strip()):
                self._end_field()
            else:
                self._text(lineno, line)
            return
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        # CommonMark lets a heading stand 1-3 spaces in (4 make code); here only a numbered one may, since an
        # indented "# compute the loss" in an unfenced example is a comment of the example, not a new section
        h = _HEADING.match(body) if body[:1] == "#" and (indent == 0 or (indent < 4 and _STRUCTURAL.match(body))) \
            else None
        if h:
            self._heading(lineno, len(h.group(1)), _heading_text(h.group(2)))
            return
        if body[:1] in "#\t" and (why := _not_a_heading(body)):
            # a line that reads as a heading and is none: the errors that follow (a "second **ID:**") say so
            self.odd_heading = (lineno, why)
            if self.entry is not None and self.entry["code_heading"] is None:
                self.entry["code_heading"] = self.odd_heading
        stripped = line.strip()
        if stripped[:1] == "-" and _SEPARATOR.match(stripped):
            self._end_field()
            return
        if stripped[:2] == "**":
            self._marker_line(lineno, line, stripped)
        else:
            self._text(lineno, line)

    def _marker_line(self, lineno: int, line: str, stripped: str) -> None:
        """A line that starts with ``**`` once stripped: a field's marker, or text."""
        m = _MARKER.match(stripped)
        name = m.group(1) if m else None
        if name in FIELDS or name in ("ID", "Parent"):
            if self.entry is None:
                self._stray_field(lineno, name)
            else:
                self._marker(lineno, name, m.group(2))
            return
        self._text(lineno, line)

    def _stray_field(self, lineno: int, name: str) -> None:
        """A field line outside every entry: its entry would be dropped without a word.  Reported once for the
        lines that follow one heading, with the heading that most likely ended or hid their entry."""
        if self.stray_told:
            return
        self.stray_told = True
        hint = ""
        if self.ended_by is not None:
            line, number = self.ended_by
            hint = (f"; line {line} ({self.lines[line - 1].strip()!r}) ended entry {number} above it, as a heading "
                    "of any level does: make it bold text (**…**) instead")
        elif self.odd_heading is not None:
            line, why = self.odd_heading
            hint = f"; line {line} ({self.lines[line - 1].strip()!r}) looks like an entry heading, {why}"
        self.error(lineno, f"**{name}:** line outside any entry (an entry starts with a '#### N.M.K Title' "
                           f"heading){hint}")

    def _heading(self, lineno: int, level: int, text: str) -> None:
        ended = self.entry["number"] if self.entry is not None else None
        if level >= 5 and self.entry is not None:
            self.entry["ended_by"] = lineno
        self.odd_heading, self.stray_told = None, False
        self._end_entry()
        self.ended_by = (lineno, ended) if level >= 5 and ended else None
        text = unicodedata.normalize("NFC", text)  # "Café" typed either way is one title, found as either is typed
        hidden = INVISIBLE.search(text)
        if hidden:
            self.error(lineno, f"the heading holds invisible character {character(hidden.group())}: a title with it "
                               "looks like one without it, and is not found as it is typed; remove it")
        mixed = mixed_script(text) if 2 <= level <= 4 else None  # other headings name nothing to look up
        if mixed:
            self.error(lineno, f"the heading's {mixed}")
        if level >= 5:
            m = _ENTRY.match(text)
            if m:
                self.error(lineno, f"heading {'#' * level} {m.group(1)} looks like an entry heading with {level} #s: "
                                   f"an entry heading has 4, so entry {m.group(1)} is not read; write '#### "
                                   f"{m.group(1)} {m.group(2).strip()}'")
                self.stray_told = True  # its field lines have just been explained
            return
        if level == 1:
            if self.doc.title is None:
                self.doc.title = text
            return
        if level == 2:
            m = _SECTION.match(text)
            if not m:
                self.error(lineno, f"section heading {text!r} must look like '## N. TITLE'")
                return
            number = self._number(lineno, "section", m.group(1))
            self.section = Heading("section", number, m.group(2).strip(), Location(self.path, lineno))
            self.subsection = None
            self.doc.sections.append(self.section)
        elif level == 3:
            m = _SUBSECTION.match(text)
            if not m:
                self.error(lineno, f"subsection heading {text!r} must look like '### N.M Title'")
                return
            number = self._number(lineno, "subsection", m.group(1))
            if self.section is None:
                self.error(lineno, f"subsection {number} is outside any section; add a '## N. TITLE' line above it")
            elif number.split(".")[0] != self.section.number:
                self.error(lineno, f"subsection {number} does not belong to section {self.section.number}")
            self.subsection = Heading("subsection", number, m.group(2).strip(), Location(self.path, lineno))
            self.doc.subsections.append(self.subsection)
        elif level == 4:
            m = _ENTRY.match(text)
            if not m:
                self.error(lineno, f"entry heading {text!r} must look like '#### N.M.K Title'")
                return
            if self.section is None:
                self.error(lineno, f"entry {m.group(1)} is outside any section; add a '## N. TITLE' line above it")
            if not _WORD_CHAR.search(split_title(m.group(2))[0]):
                self.error(lineno, f"entry {m.group(1)}'s title {m.group(2).strip()!r} has no letter or digit once "
                                   "its markdown is read: give it a name")
            self.entry = {
                "number": self._number(lineno, "entry", m.group(1)), "title": m.group(2).strip(), "line": lineno,
                "id": None, "id_line": None, "parent": None, "parent_line": None, "fields": {},
                "code_heading": None, "ended_by": None,
            }

    def _number(self, lineno: int, kind: str, number: str) -> str:
        """A heading's number, an error if a part has a leading zero: "50.1.02" would be another entry than
        "50.1.2" that reads as the same, and a [[rename]] would have to guess which.  Read on as written without
        the zero, so that one mistake makes one error."""
        if not _LEADING_ZERO.search(number):
            return number
        fixed = ".".join(part.lstrip("0") or "0" for part in number.split("."))
        self.error(lineno, f"{kind} number {number} has a leading zero; write {fixed}")
        return fixed

    def _marker(self, lineno: int, name: str, rest: str) -> None:
        self._end_field()
        assert self.entry is not None
        if name in ("ID", "Parent"):
            key = name.lower()
            if self.entry[key] is not None:
                self.error(lineno, f"second **{name}:** line in entry {self.entry['number']}" + self._code_heading())
            self.entry[key] = rest.strip().strip("`").strip()
            self.entry[f"{key}_line"] = lineno
            return
        fname = FIELDS[name]
        if fname in self.entry["fields"]:
            self.error(lineno, f"second **{name}:** block in entry {self.entry['number']}" + self._code_heading())
        self.field_name = fname
        self.field_marker = lineno
        self.field_start = lineno if rest else lineno + 1
        self.field_lines = [rest] if rest else []

    def _code_heading(self) -> str:
        """Why an entry has a second ID or field, if a heading indented into a code line is the likely cause (said
        once: the errors that follow have the same cause)."""
        assert self.entry is not None
        line, self.entry["code_heading"] = self.entry["code_heading"], 0
        if not line:
            return ""
        return f"; line {line[0]} ({self.lines[line[0] - 1].strip()!r}) looks like a heading, {line[1]}"

    def _text(self, lineno: int, line: str) -> None:
        if self.field_name is not None:
            self.field_lines.append(line)

    def _end_field(self) -> None:
        if self.field_name is None or self.entry is None:
            self.field_name = None
            return
        lines = self.field_lines
        first = 0
        while first < len(lines) and not lines[first].strip():
            first += 1
        last = len(lines)
        while last > first and not lines[last - 1].strip():
            last -= 1
        text = "\n".join(lines[first:last])
        self.entry["fields"][self.field_name] = (text, self.field_start + first, self.field_marker)
        self.field_name = None

    def _end_entry(self) -> None:
        self._end_field()
        raw, self.entry = self.entry, None
        if raw is None:
            return
        number, line = raw["number"], raw["line"]
        ok = True
        if not raw["id"] or not SLUG.match(raw["id"]):
            suggestion = re.sub(r"[^a-z0-9]+", "-", split_title(raw["title"])[0].lower()).strip("-") or "my-concept"
        if raw["id"] is None:
            self.error(line, f"entry {number} has no **ID:** line; add one such as **ID:** `{suggestion}`")
            ok = False
        elif not raw["id"]:
            self.error(raw["id_line"], f"empty **ID:** in entry {number}; give it a slug such as `{suggestion}`")
            ok = False
        elif not SLUG.match(raw["id"]):
            self.error(raw["id_line"], f"ID {raw['id']!r} is not a lowercase slug "
                       "(letters, digits and single hyphens, e.g. `stable-diffusion`)")
            ok = False
        expected = ".".join(number.split(".")[:2])
        if raw["parent"] is None:
            self.error(line, f"entry {number} has no **Parent:** line; add **Parent:** `{expected}`")
            ok = False
        elif raw["parent"] != expected:
            self.error(raw["parent_line"], f"parent {raw['parent']!r} does not match entry number {number}; "
                       f"expected `{expected}`")
            ok = False
        elif self.subsection is None or self.subsection.number != expected:
            sub = self.subsection  # the heading above may be the mistake: a number typed for another
            under = "" if sub is None else (f": entry {number} stands under subsection {sub.number} (line "
                                            f"{sub.location.line}); renumber that heading, or")
            self.error(raw["parent_line"], f"parent {raw['parent']!r} names no subsection{under or ';'} add a "
                       f"'### {expected} Title' heading above entry {number}")
            ok = False
        fields = {}
        ended = raw["ended_by"]
        ended = (f"; line {ended} ({self.lines[ended - 1].strip()!r}) ended the entry, as a heading of any level "
                 "does: make it bold text (**…**) instead") if ended else ""
        for fname, title in FIELD_TITLES.items():
            if fname not in raw["fields"]:
                self.error(line, f"entry {number} has no **{title}:** block{ended}")
                self.stray_told = self.stray_told or bool(ended)  # the field lines after it are explained
                ok = False
                continue
            text, start, marker_line = raw["fields"][fname]
            if not text.strip():
                self.error(marker_line, f"empty **{title}:** in entry {number}")
                ok = False
            fields[fname] = Field(fname, text, start)
        if ok and self.section is not None:
            self.doc.entries.append(Entry(
                id=raw["id"], number=number, title=raw["title"], parent=raw["parent"], fields=fields,
                location=Location(self.path, line), id_line=raw["id_line"],
            ))


def _not_a_heading(body: str) -> str | None:
    """Why a line that reads as a numbered heading (or an **ID:** line), and was not read as one, is none, or
    None: indented into a code line, or with another space than a space or tab after its #s (a no-break space,
    pasted from a page)."""
    if _STRUCTURAL.match(body.lstrip("\t")):  # read as a heading it would have been one: it is indented
        return "but indented by a tab or 4 spaces or more it is a code line: indent it 3 spaces at most"
    odd = _ODD_SPACE.match(body)
    if odd:
        return f"but {character(odd.group(1))} after its #s is no space to markdown: type a plain space"
    return None


def mixed_script(text: str) -> str | None:
    """What is wrong with the first word of ``text`` that mixes Latin, Cyrillic and Greek letters, or None: the
    check of a heading, and of a curation alias, which is looked up and mined as a title is."""
    found = _mixed_script(text)
    if found is None:
        return None
    return (f"word {found[0]!r} mixes {found[1]}: it looks like another word and is not found as that one is typed; "
            "write the word in one script (a Greek letter that stands alone as a symbol, as in β-VAE, is fine)")


def _mixed_script(text: str) -> tuple[str, str] | None:
    """The first word of ``text`` that mixes Latin, Cyrillic and Greek letters, and what it mixes: a Cyrillic
    "А" among Latin letters makes a title that looks like another and is another name.  A Greek letter that looks
    like no Latin one is a symbol, glued on or not ("εG", "μP"); one that does ("ρ" for "p") is refused."""
    if text.isascii():  # most titles: every word is Latin alone, and walking them was a sixth of reading a corpus
        return None
    for m in _LETTERS.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        by_script: dict[str, list[str]] = {}
        for c in word:
            script = next((s for s in _SCRIPTS if unicodedata.name(c, "").startswith(s)), None)
            if script:
                by_script.setdefault(script, []).append(c)
        if by_script.keys() == {"LATIN", "GREEK"}:
            by_script["GREEK"] = [c for c in by_script["GREEK"] if c in _GREEK_LIKE_LATIN]
            if not by_script["GREEK"]:
                continue
        if len(by_script) > 1:
            most = max(by_script, key=lambda s: len(by_script[s]))
            odd = next(c for s, cs in by_script.items() if s != most for c in cs)
            return word, f"{character(odd)} with {most.title()} letters"
    return None


def _is_marker(line: str) -> bool:
    """Whether a line is the ``**Example:**`` (or another field's) marker line, which a field's text follows."""
    m = _MARKER.match(line.strip())
    return bool(m) and m.group(1) in FIELDS


def _closes_flat(fences: list[tuple[str, bool]]) -> bool:
    """Whether fence lines balance as CommonMark reads them: inside a fence, a line with an info string
    ("```python") is code, and the next bare fence closes.  Authors write both this and nested fences."""
    opened = None
    for chars, info in fences:
        if opened is None:
            opened = chars
        elif not info and chars[0] == opened[0] and len(chars) >= len(opened):
            opened = None
    return opened is None


def parse_text(text: str, path: str = "<string>") -> Document:
    """Parse one cheatsheet held in a string."""
    doc, problems = _parse(text, path)
    if problems:
        raise CheatsheetError(problems=problems)
    return doc


def parse_bytes(data: bytes, path: str) -> Document:
    """Parse one cheatsheet file's bytes (UTF-8, with or without a byte-order mark)."""
    doc, problems = read_document(data, path)
    if problems:
        raise CheatsheetError(problems=problems)
    return doc


def read_document(data: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """One cheatsheet file's bytes as far as they could be read, and the problems found in them (a file that is
    no UTF-8 raises :class:`CheatsheetError`).  A file with problems still gives its headings and the entries that
    were whole, or None where nothing could be read: a section number it reuses is named with its problems, and
    may be their cause (a reused subsection number leaves the entries after it with no subsection)."""
    text = decode(data, path)
    # A control character is one byte in UTF-8, which bytes.translate finds five times as fast as CONTROL
    # searches the text (and str's "in" rules out the two non-characters at once in most text)
    clean = len(data.translate(None, _CONTROL_BYTES)) == len(data) and "\ufffe" not in text and "\uffff" not in text
    return _parse(text, path, clean)


def _parse(text: str, path: str, clean: bool = False) -> tuple[Document | None, list[Problem]]:
    """``clean``: the text is known to hold nothing that CONTROL finds."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = None if clean else CONTROL.search(text)
    if bad:
        return None, [Problem(Location(path, text.count("\n", 0, bad.start()) + 1),
                              f"control character U+{ord(bad.group()):04X} in the text; no export format can carry "
                              "it (XML forbids it): remove it")]
    bad = reordering(text)
    if bad:
        return None, [Problem(Location(path, text.count("\n", 0, bad.start()) + 1), reordering_problem(bad.group()))]
    parser = _Parser(text, path)
    doc = parser.run()
    return doc, parser.problems
