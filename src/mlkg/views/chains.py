"""Prerequisite chains: learning plans, dependents and explanation paths.

``requires`` edges point from a concept to what must be learned first, so
the prerequisites of X are the nodes reachable from X.  A learning plan
lists them so that each comes after its own prerequisites, breaking ties
by document order (the order the cheatsheet teaches them in).
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from ..errors import InputError, NoPathError
from ..graph import ConceptGraph

# Reading speed used for time estimates: prose at 200 words per minute, examples
# (code, formulas, diagrams) at half that, and at least half a minute per concept.
PROSE_WPM = 200
EXAMPLE_WPM = 100
MIN_MINUTES = 0.5

# An explanation path prefers cross-references: a hierarchy hop costs this many cross-reference hops.
PARENT_COST = 3.0


def learning_order(prereqs: dict[Hashable, Iterable[Hashable]], key: Callable[[Hashable], Any]) -> list:
    """Order nodes so that each comes after all of its prerequisites, ties broken by ``key``.

    ``prereqs`` maps every node in the plan to its direct prerequisites; only
    those also in the plan count.  This is Kahn's algorithm with a heap, so
    among the nodes that are ready, the one with the smallest key goes first.
    """
    nodes = set(prereqs)
    waiting = {n: {p for p in prereqs[n] if p in nodes and p != n} for n in nodes}
    unlocks: dict[Hashable, list] = {n: [] for n in nodes}
    for n, ps in waiting.items():
        for p in ps:
            unlocks[p].append(n)
    ready = [(key(n), i, n) for i, n in enumerate(sorted(nodes, key=key)) if not waiting[n]]
    heapq.heapify(ready)
    out = []
    counter = len(ready)
    while ready:
        _, _, n = heapq.heappop(ready)
        out.append(n)
        for m in unlocks[n]:
            waiting[m].discard(n)
            if not waiting[m]:
                counter += 1
                heapq.heappush(ready, (key(m), counter, m))
    if len(out) != len(nodes):
        raise ValueError("the requires graph has a cycle")
    return out


def _reach(start: str, adj: dict[str, list[str]], depth: int | None) -> dict[str, int]:
    """Nodes reachable from ``start`` (excluded) with their hop distance, up to ``depth`` hops."""
    if depth is not None and (not isinstance(depth, int) or isinstance(depth, bool) or depth < 0):
        raise InputError(f"depth must be a whole number of hops, at least 0 (or None: all), not {depth!r}")
    dist = {start: 0}
    queue = deque([start])
    while queue:
        n = queue.popleft()
        if depth is not None and dist[n] >= depth:
            continue
        for m in adj[n]:
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    del dist[start]
    return dist


def minutes_to_read(words: dict[str, int]) -> float:
    """Reading time of fields with these word counts: prose / 200 + example / 100 words a minute,
    rounded up to half minutes, at least half a minute."""
    minutes = (words["full"] + words["simple"]) / PROSE_WPM + words["example"] / EXAMPLE_WPM
    return max(MIN_MINUTES, math.ceil(minutes * 2) / 2)


def reading_minutes(kg: ConceptGraph, concept: str) -> float:
    """Estimated reading time of a concept (a word is a whitespace-separated token of a field)."""
    return minutes_to_read(kg.graph.nodes[concept]["words"])


def _step(kg: ConceptGraph, concept: str, within: set[str], depth: int, down) -> dict[str, Any]:
    d = kg.graph.nodes[concept]
    return {"id": concept, "label": d["title"], "number": d["number"],
            "requires": [p for p in down[concept] if p in within], "depth": depth}


def _ordered(kg: ConceptGraph, dist: dict[str, int], adj: dict[str, list[str]]) -> list[str]:
    order = {c: kg.graph.nodes[c]["order"] for c in dist}
    return learning_order({c: adj[c] for c in dist}, order.__getitem__)


def prerequisites(kg: ConceptGraph, concept: str, depth: int | None = None,
                  known: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every transitive prerequisite of ``concept`` (up to ``depth`` hops) in learning order, without it, and
    without what a learner who knows ``known`` knows (:func:`known_closure`)."""
    return _plan(kg, kg.resolve(concept), depth, known_closure(kg, known) if known else set())


def _plan(kg: ConceptGraph, concept: str, depth: int | None, skipped: set[str]) -> list[dict[str, Any]]:
    down = kg.prerequisite_lists
    dist = _reach(concept, down, depth)
    within = set(dist) - skipped  # a step's requires name only steps of the plan, as the goal's do
    return [_step(kg, c, within, dist[c], down) for c in _ordered(kg, dist, down) if c not in skipped]


def dependents(kg: ConceptGraph, concept: str, depth: int | None = None) -> list[dict[str, Any]]:
    """Every concept that (transitively) builds on ``concept``, each after its own prerequisites."""
    concept = kg.resolve(concept)
    down, up = kg.requires_index
    dist = _reach(concept, up, depth)
    within = set(dist) | {concept}
    return [_step(kg, c, within, dist[c], down) for c in _ordered(kg, dist, down)]


def learning_plan(kg: ConceptGraph, concept: str, known: Iterable[str] = ()) -> dict[str, Any]:
    """The prerequisites of ``concept`` minus what the learner knows, then the concept itself.

    Knowing a concept implies knowing its prerequisites (Metacademy's
    convention), so everything reachable from a known concept is skipped.
    Each step carries an estimated reading time (see :func:`reading_minutes`).
    """
    concept = kg.resolve(concept)
    down, _ = kg.requires_index
    known_ids = list(dict.fromkeys(kg.resolve(k) for k in _names(known)))  # "vae" and "VAE" are one, once
    skipped = known_closure(kg, known_ids)
    steps = _plan(kg, concept, None, skipped)  # the closure walked once
    for s in steps:
        s["minutes"] = reading_minutes(kg, s["id"])
    goal = _step(kg, concept, {s["id"] for s in steps}, 0, down)
    goal["minutes"] = reading_minutes(kg, concept)
    goal["goal"] = True
    all_prereqs = _reach(concept, kg.prerequisite_lists, None)  # what a plan of nothing known would hold
    return {
        "concept": concept,
        "known": known_ids,
        "skipped": [c for c in kg.entries if c in skipped and c in all_prereqs],
        "plan": [*steps, goal],
        "total_minutes": sum(s["minutes"] for s in steps) + goal["minutes"],
        "already_known": concept in skipped,
    }


def explanation_path(kg: ConceptGraph, source: str, target: str) -> list[dict[str, Any]]:
    """The cheapest chain of edges from ``source`` to ``target``, edges walked in either direction.

    Cross-reference edges cost 1 and hierarchy edges :data:`PARENT_COST`, so the
    path explains the link through the text where it can.  Raises
    :class:`~mlkg.errors.NoPathError` when nothing connects the two.
    """
    source, target = kg.resolve(source), kg.resolve(target)
    if source == target:
        return []
    g = kg.graph
    best = {source: 0.0}
    back: dict[str, tuple[str, str, str, str]] = {}
    heap = [(0.0, source)]
    while heap:
        cost, n = heapq.heappop(heap)
        if n == target:
            break
        if cost > best[n]:
            continue
        hops = [(v, k, n, v) for _, v, k in g.out_edges(n, keys=True)]
        hops += [(u, k, u, n) for u, _, k in g.in_edges(n, keys=True)]
        # ties go by name, not by the order edges were added: a graph read from a build lists a node's edges in
        # another order than one mined now, and the same question had two answers
        for m, kind, u, v in sorted(hops):
            c = cost + (PARENT_COST if kind == "parent" else 1.0)
            if c < best.get(m, math.inf):
                best[m] = c
                back[m] = (n, kind, u, v)
                heapq.heappush(heap, (c, m))
    if target not in back:
        raise NoPathError(f"no path links {source} and {target}: they share no section and no "
                          "chain of cross-references")
    steps = []
    n = target
    while n != source:
        prev, kind, u, v = back[n]
        data = g.edges[u, v, kind]
        evidence = data.get("evidence") or []
        first = evidence[0] if evidence else None
        steps.append({
            "source": prev, "target": n, "kind": kind,
            "edge": {"source": u, "target": v},
            "evidence": None if first is None else {
                "sentence": first["sentence"], "field": first["field"], "file": first["file"],
                "line": first["line"], "from": first["source"]},
        })
        n = prev
    return steps[::-1]


def path_step(step: dict[str, Any]) -> dict[str, Any]:
    """A step of :func:`explanation_path` as the API and the command line give it: ``from`` and ``to`` in the
    order the path walks, ``source``, ``kind`` and ``target`` as the edge itself reads ("vae requires
    autoencoder", whichever way the path walks it)."""
    return {"from": step["source"], "to": step["target"], "source": step["edge"]["source"], "kind": step["kind"],
            "target": step["edge"]["target"], "evidence": step["evidence"]}


def _names(known: Iterable[str] | str | None) -> Iterable[str]:
    """``known="vae"`` means one concept, not three letters; None, nothing known."""
    if known is None:
        return ()
    if isinstance(known, str):
        return [known]
    if not isinstance(known, Iterable):
        raise InputError(f"known: expected concept names (a list, or one name), not {known!r}")
    return known


def known_closure(kg: ConceptGraph, known: Iterable[str]) -> set[str]:
    """What a learner who knows ``known`` knows: those concepts and all their prerequisites (Metacademy's rule)."""
    down, _ = kg.requires_index
    out: set[str] = set()
    stack = []
    for k in _names(known):
        c = kg.resolve(k)
        if c not in out:
            out.add(c)
            stack.append(c)
    while stack:  # one walk from all of them: what one known concept reached is not walked again
        for p in down[stack.pop()]:
            if p not in out:
                out.add(p)
                stack.append(p)
    return out


def count_unlocks(fringe: list[str], down: dict[str, list[str]], have: set[str],
                  width: int = 4096) -> dict[str, int]:
    """How many concepts not in ``have`` each of ``fringe`` leads to (its transitive dependents), exactly.

    One walk per fringe concept costs the fringe times the graph (at 100k concepts, 600 concepts that each
    lead to 97k others).  Instead each concept carries, as the bits of an integer, the fringe concepts that
    reach it, ``width`` of them at a time, taken in a topological order from its prerequisites; the counts
    are added up bit-parallel, in binary counters one bit plane per integer.
    """
    order = learning_order(down, key=str)  # any order with prerequisites first
    counts: dict[str, int] = {}
    for lo in range(0, len(fringe), width):
        chunk = fringe[lo:lo + width]
        own = {c: 1 << i for i, c in enumerate(chunk)}
        reached: dict[str, int] = {}
        planes: list[int] = []  # planes[b]: bit b of every fringe concept's count
        for v in order:
            m = own.get(v, 0)
            for p in down[v]:
                m |= reached.get(p, 0)
            if not m:
                continue
            reached[v] = m
            carry = m & ~own.get(v, 0) if v not in have else 0
            b = 0
            while carry:
                if b == len(planes):
                    planes.append(0)
                planes[b], carry = planes[b] ^ carry, planes[b] & carry
                b += 1
        for i, c in enumerate(chunk):
            counts[c] = sum(((plane >> i) & 1) << b for b, plane in enumerate(planes))
    return counts


def ready_to_learn(kg: ConceptGraph, known: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The concepts a learner can take up next: not known, every prerequisite known (the fringe).

    Ranked by how many concepts each unlocks (its transitive dependents not yet known), most first, then in
    document order.  With nothing known, the fringe is every concept without prerequisites.
    """
    have = known_closure(kg, known)
    down, _ = kg.requires_index
    fringe = [c for c in kg.entries if c not in have and all(p in have for p in down[c])]
    unlocks = count_unlocks(fringe, down, have)
    out = []
    for c in fringe:
        d = kg.graph.nodes[c]
        out.append({"id": c, "label": d["title"], "number": d["number"], "unlocks": unlocks[c],
                    "requires": list(down[c]), "minutes": reading_minutes(kg, c)})
    order = {c: i for i, c in enumerate(kg.entries)}
    out.sort(key=lambda r: (-r["unlocks"], order[r["id"]]))
    return out
