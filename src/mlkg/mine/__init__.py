"""Stage 2, mine: a corpus in, typed relations with their evidence out.

:mod:`~mlkg.mine.lexicon` knows every name, :mod:`~mlkg.mine.mentions`
finds them in the text, and :mod:`~mlkg.mine.rules` decides everything:
what each mention votes for, what each pair of concepts becomes, which
edges break cycles (:mod:`~mlkg.mine.pipeline` runs them in turn).  The
curation file has the last word.

The miner is imported by what mines (:func:`mlkg.knowledge.build`), not by
what reads a graph built before: :mod:`mlkg.graph` needs only the evidence
types, and ``mlkg prereqs`` on a build must not pay for compiling every cue
rule.
"""

from __future__ import annotations

from .evidence import Evidence, Mention, Mined, Relation, Report

__all__ = ["Evidence", "Mention", "Mined", "Relation", "Report"]
