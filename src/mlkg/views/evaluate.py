"""Precision, recall and F1 of mined edges against a hand-labelled gold file.

A gold file has one link per line, ``SOURCE requires TARGET`` or
``SOURCE related TARGET``, with ``#`` comments.  Two scores are reported:
*links* compares unordered pairs whatever their type; *requires* compares
directed ``requires`` edges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Location, Problem

if TYPE_CHECKING:  # pragma: no cover
    from ..graph import ConceptGraph

_LINE = re.compile(r"([a-z0-9-]+)\s+(requires|related)\s+([a-z0-9-]+)\Z")


@dataclass(frozen=True)
class Gold:
    links: frozenset[frozenset[str]]
    requires: frozenset[tuple[str, str]]
    concepts: frozenset[str]


def read_gold(path: str | Path) -> Gold:
    links, requires, concepts, problems = set(), set(), set(), []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(problems=[Problem(Location(str(path), 1), f"cannot read gold file: {exc}")]) from None
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(" ".join(line.split()))
        if not m:
            problems.append(Problem(Location(str(path), n), "expected 'SOURCE requires|related TARGET'"))
            continue
        a, kind, b = m.groups()
        pair = frozenset((a, b))
        if pair in links:
            problems.append(Problem(Location(str(path), n), f"pair {a} / {b} is listed twice"))
        links.add(pair)
        concepts.update((a, b))
        if kind == "requires":
            requires.add((a, b))
    if problems:
        raise InputError(problems=problems)
    return Gold(frozenset(links), frozenset(requires), frozenset(concepts))


def _prf(predicted: set, gold: set) -> dict[str, float]:
    tp = len(predicted & gold)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(gold) if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "predicted": len(predicted), "gold": len(gold)}


def evaluate(kg: ConceptGraph, gold: Gold, scope: set[str] | None = None) -> dict:
    """Score the graph's requires/related edges among ``scope`` (default: the gold's concepts' file)."""
    missing = sorted(c for c in gold.concepts if c not in kg.entries)
    if missing:
        raise InputError(f"gold names concepts the graph does not have: {', '.join(missing)}")
    scope = scope or set(gold.concepts)
    edges = [e for e in kg.edges(("requires", "related")) if e["source"] in scope and e["target"] in scope]
    links = {frozenset((e["source"], e["target"])) for e in edges}
    requires = {(e["source"], e["target"]) for e in edges if e["kind"] == "requires"}
    return {
        "links": _prf(links, set(gold.links)),
        "requires": _prf(requires, set(gold.requires)),
        "errors": {
            "missing_links": sorted(tuple(sorted(p)) for p in gold.links - links),
            "extra_links": sorted(tuple(sorted(p)) for p in links - gold.links),
            "missing_requires": sorted(gold.requires - requires),
            "extra_requires": sorted(requires - gold.requires),
        },
    }
