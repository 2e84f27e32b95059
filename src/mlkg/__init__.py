"""mlkg: machine-learning cheatsheets as a knowledge graph.

>>> import mlkg
>>> kg = mlkg.load("data/13-generative-models.md")
>>> kg.prerequisites("stable-diffusion")          # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import (
    CheatsheetError,
    CurationError,
    InputError,
    MlkgError,
    NoPathError,
    QueryError,
    UnknownConceptError,
)

if TYPE_CHECKING:  # pragma: no cover
    from .graph import KnowledgeGraph

__version__ = "0.1.0"
__all__ = [
    "CheatsheetError", "CurationError", "InputError", "KnowledgeGraph", "MlkgError", "NoPathError",
    "QueryError", "UnknownConceptError", "load",
]


def load(*paths, curation=None) -> KnowledgeGraph:
    """Load cheatsheets into a :class:`~mlkg.graph.KnowledgeGraph` (see :func:`mlkg.graph.load`)."""
    from .graph import load as _load

    return _load(*paths, curation=curation)


def __getattr__(name: str):
    if name == "KnowledgeGraph":
        from .graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(name)
