"""What mining hands on: mentions found in the text, the evidence each becomes, and the relations decided.

:class:`Mention` is what :mod:`~mlkg.mine.mentions` finds (it decides
nothing); :mod:`~mlkg.mine.rules` turns each into :class:`Evidence` (a vote
with its rule and confidence) and the votes of a pair into one
:class:`Relation`.  :class:`Report` keeps what mining dropped or changed,
each with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..read import Entry
from .lexicon import Name


class Mention(NamedTuple):
    """A name of another concept in the text of ``entry``, with the sentence (or example line) around it.

    ``names`` are the concepts the words can name, best-ranked first;
    ``before`` and ``after`` are the sentence's text either side of the
    mention, up to a window, where cue phrases are looked for.
    """

    entry: Entry
    names: tuple[Name, ...]
    field: str
    sentence: str
    unit: int  # offset of the sentence in the corpus text: one vote per concept per sentence
    line: int
    surface: str
    before: str
    after: str
    first: bool = False  # in the first sentence of its field: the one that defines the entry
    subject: bool = False  # at the start of its sentence
    listed: bool = False  # one of three or more names listed together ("A, B and C")
    aside: bool = False  # inside parentheses within its sentence
    agent: bool = False  # it starts its sentence and a verb follows ("VAE encodes images …")
    code: bool = False  # an identifier in an example's fenced code: `torch.relu`, `scoring='f1'`, `momentum=0.9`


@dataclass(slots=True)
class Evidence:
    """One reason for an edge between ``source`` (whose text it is) and ``target``.

    ``vote`` is the outcome it argues for (see :mod:`~mlkg.mine.rules`),
    ``rule`` the rule that read it and ``cue`` the words that rule keyed on.
    """

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
    cue: str = ""
    agent: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "field": self.field, "sentence": self.sentence,
                "file": self.file, "line": self.line, "surface": self.surface, "rule": self.rule,
                "vote": self.vote, "confidence": self.confidence, "cue": self.cue, "agent": self.agent}

    # Read like the dict it is in graph.json (``ev["sentence"]``): a graph holds hundreds of thousands of
    # these, and a slotted object takes a fifth of a dict's memory.
    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


@dataclass(frozen=True)
class Relation:
    """An edge: ``source`` requires (or is related to) ``target``, decided by ``rule``."""

    source: str
    target: str
    kind: str
    confidence: float
    rule: str
    evidence: tuple[Evidence, ...]
    curated: bool = False


@dataclass
class Report:
    """What mining decided beyond the edges themselves, each item with its reason."""

    mentions: int = 0
    self_mentions: int = 0
    homonyms: list[tuple[Evidence, str]] = field(default_factory=list)  # each with the reason it was dropped
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)
    downgraded: list[tuple[str, str, str]] = field(default_factory=list)
    weak: list[tuple[str, str, str]] = field(default_factory=list)
    curation: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "mentions": self.mentions,
            "homonyms_dropped": len(self.homonyms),
            "homonyms": [{"source": ev.source, "target": ev.target, "surface": ev.surface, "line": ev.line,
                          "file": ev.file, "reason": why} for ev, why in self.homonyms],
            "direction_conflicts": len(self.conflicts),
            "weak_dropped": len(self.weak),
            "downgraded": [{"source": s, "target": t, "reason": r} for s, t, r in self.downgraded],
            "curation": list(self.curation),
        }


@dataclass
class Mined:
    """What :func:`~mlkg.mine.pipeline.mine` hands the graph: the relations, and the report of what it decided."""

    relations: list[Relation]
    report: Report = field(default_factory=Report)


class Prose(NamedTuple):
    """The corpus's text (one string), the same normalised, and the spans of its explanations in it, in order."""

    text: str
    norm: str
    spans: list[tuple[int, int]]
