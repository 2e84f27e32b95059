"""Reuse a finished build instead of parsing and mining again."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .graph import KnowledgeGraph


def load_cached(sources, curation=None, out=None) -> KnowledgeGraph:
    from .graph import load

    return load(*sources, curation=curation)
