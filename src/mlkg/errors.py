"""The exceptions mlkg raises.

Every error a user can cause derives from :class:`MlkgError`.  Each carries
the exit code the CLI should use, and one or more :class:`Problem` lines of
the form ``file:line: message`` so that editors and CI logs can jump to the
offending spot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

TERMINAL_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""The characters a terminal obeys rather than shows: what a message or a result quotes is escaped first.  The
C0 and C1 controls, and the bidirectional embeddings, overrides and isolates, which show what follows them in
another order than it is written ("Trojan Source", refused in every input)."""


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file (1-based line)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Problem:
    location: Location | None
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


SIMILAR = 70
"""The least similarity (rapidfuzz's 0–100) of a "did you mean" suggestion."""
SIMILAR_SHORT = 65
"""The same for a query of three characters or fewer, matched whole: one letter of three changed or moved is 67."""


def similar(text: str, choices: Sequence[str], cutoff: float | None = None) -> list[int]:
    """Where in ``choices`` the strings most like ``text`` stand, most alike first: the one measure of every "did
    you mean".  Alike is rapidfuzz's WRatio, case and punctuation aside: a typo ("transfomer"), a part of a longer
    name ("trans*", "diffusion") or its words in another order; then the plain edit similarity, then the order
    given.  A query of three characters or fewer is matched whole only: as a part of a name it is in too many.
    ``cutoff`` raises the least similarity (:data:`SIMILAR`) where only a near miss is worth a word."""
    from rapidfuzz import fuzz, process, utils  # an error's hint only: not every command's start

    query = utils.default_process(text)
    short = len(query) <= 3
    found = process.extract(query, choices, scorer=fuzz.ratio if short else fuzz.WRatio,
                            processor=utils.default_process, limit=None,
                            score_cutoff=max(cutoff or 0, SIMILAR_SHORT if short else SIMILAR))
    ranked = sorted((-score, -fuzz.ratio(query, utils.default_process(choice)), i) for choice, score, i in found)
    return [i for *_, i in ranked]


def close_matches(text: str, choices: Sequence[str], n: int = 3, cutoff: float | None = None) -> list[str]:
    """The ``n`` strings of ``choices`` most like ``text``, most alike first (:func:`similar`)."""
    return list(dict.fromkeys(choices[i] for i in similar(text, choices, cutoff)))[:n]


class MlkgError(Exception):
    """Base class: something the user can fix; never shown as a traceback."""

    exit_code = 1

    def __init__(self, message: str | None = None, problems: list[Problem] | None = None):
        self.problems = list(problems or [])
        if message is not None and not self.problems:
            self.problems = [Problem(None, message)]
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class InputError(MlkgError):
    """Bad data or bad usage (exit code 2)."""

    exit_code = 2


class CheatsheetError(InputError):
    """A cheatsheet file that does not follow the format."""


class CurationError(InputError):
    """A mistake in a curation file."""


class UnknownConceptError(InputError, KeyError):
    """An ID that names no concept; carries "did you mean" suggestions."""

    def __init__(self, concept_id: str, suggestions: list[str] | None = None, section: str | None = None):
        self.concept_id = concept_id
        self.suggestions = list(suggestions or [])
        self.section = section
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        if section is not None:  # a section's number or title: say what it is and where its concepts are
            hint = (f": that is section {section}, not a concept; its concepts: mlkg query section --param "
                    f"section={section}")
        if not concept_id.strip():  # nothing to look up: every concept is as near, and none is meant
            what = "blank" if concept_id else "empty"
            super().__init__(f"a concept ID is needed: {shown_name(concept_id)} is {what}; give a concept's ID, label, "
                             "acronym or entry number")
            return
        super().__init__(f"unknown concept {shown_name(concept_id)}{hint}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.lines()[0]


SHOWN_NAME = 100
"""Characters of a name an error repeats: a 100 kB parameter value was echoed whole, in one line."""


def shown_name(name: str) -> str:
    return repr(name) if len(name) <= SHOWN_NAME else f"{name[:SHOWN_NAME]!r}… ({len(name):,} characters)"


CANDIDATES_SHOWN = 5


class AmbiguousNameError(UnknownConceptError):
    """A name two concepts have alike (the same title, or an acronym of both): which one is meant is not guessed.
    Carries the candidates as suggestions, as an unknown name carries its near misses."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.candidates = candidates
        shown = candidates[:CANDIDATES_SHOWN]  # "Overview" of a thousand entries: one line, not a page
        listed = ", ".join(f"{n} ({number})" for n, number in shown[:-1]) + f" or {shown[-1][0]} ({shown[-1][1]})"
        if len(candidates) > len(shown):
            listed += f" (or {len(candidates) - len(shown)} more)"
        InputError.__init__(self, f"{shown_name(name)} names {len(candidates)} concepts alike; did you mean {listed}? "
                                  "give its ID or entry number")
        self.concept_id, self.suggestions, self.section = name, [n for n, _ in candidates], None

    def __reduce__(self):  # rebuilt from its arguments, as a process pool hands an error back
        return type(self), (self.concept_id, self.candidates)


class QueryError(InputError):
    """A SPARQL query that cannot run: bad syntax, missing parameter, unknown name."""


class NoPathError(MlkgError):
    """Two concepts that no chain of edges connects (exit code 1)."""


class FrozenGraphError(MlkgError, TypeError, AttributeError):
    """A write into a built graph: a node's or an edge's attributes, or a list, dict or evidence among them.  The
    graph never changes once built, so that every view derived from it (the SPARQL store, the name index, a
    page) answers as it does.  A TypeError, as writing into a tuple is, and an AttributeError, as setting a field
    of a frozen dataclass is."""

    def __init__(self, what: str):
        self.what = what
        super().__init__(f"the graph is frozen: {what} is refused, as is every change to a node's or an edge's "
                         "attributes; to correct the graph, edit the cheatsheet or the curation file and load again "
                         "(a new graph), or change a copy of what you read: dict(d), list(x), evidence.as_dict()")

    def __reduce__(self):  # rebuilt from what was refused, not from the whole message
        return type(self), (self.what,)


class RemoteError(MlkgError):
    """A remote store refused or failed a request (exit code 1)."""


class ReaderGone(Exception):
    """The program reading a stream mlkg writes to (``-o /dev/stdout | head``) went away.  Not an error of the
    user's, as a closed standard output is not; and no OSError, which click takes for its own and exits 1 on."""
