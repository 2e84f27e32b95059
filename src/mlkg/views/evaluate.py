"""How good the mined edges are: precision, recall and F1 against hand-labelled gold, per section.

A gold file holds one item per line, with ``#`` comments::

    vae requires autoencoder          # learn the target before the source
    normalizing-flow related vae      # a cross-reference with no learning order
    plan stable-diffusion includes vae diffusion-model   # among its transitive prerequisites
    plan stable-diffusion excludes gan                   # and these are not
    # corpus: 7-22 30 (the sections its labeller read)    # at most once; without it, every section loaded

Gold files are read from files or folders; a file under a folder named
``heldout`` is part of the held-out set, which is scored but never tuned
on.  Pairs are merged over all files (a pair is labelled where its mention
is, which may be another section's file), then each gold file is scored on
the pairs that touch its own section's concepts; a mined pair no file labels is judged only by a file whose own
section holds one of its concepts and whose corpus the other.  *links* compares
unordered pairs whatever their type; *requires* compares directed
``requires`` edges; *plans* counts the learning-plan checks that hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Location, Problem, close_matches
from ..graph import ConceptGraph
from .chains import prerequisites

_LINK = re.compile(r"([a-z0-9-]+)\s+(requires|related)\s+([a-z0-9-]+)\Z")
_PLAN = re.compile(r"plan\s+([a-z0-9-]+)\s+(includes|excludes)((?:\s+[a-z0-9-]+)+)\Z")
_CORPUS = re.compile(r"#\s*corpus\s*:([^(]*)(?:\(.*)?\Z", re.I)  # "# corpus: 7-22 23-28 (a comment)"
_RANGE = re.compile(r"(\d+)(?:-(\d+))?\Z")


@dataclass
class GoldFile:
    path: Path
    heldout: bool
    links: dict[frozenset[str], tuple[str, str, str]] = field(default_factory=dict)  # pair → (source, kind, target)
    plans: list[tuple[str, str, tuple[str, ...], int]] = field(default_factory=list)  # (concept, includes?, ids, line)
    corpus: tuple[tuple[int, int], ...] | None = None  # the sections its labeller read, as ranges; None: all
    lines: dict[str, int] = field(default_factory=dict)  # concept ID → the first line naming it

    @property
    def name(self) -> str:
        return self.path.stem


def gold_files(paths: Iterable[str | Path]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(p.rglob("*.gold"))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(problems=[Problem(Location(str(p), 1), "no such gold file or folder")])
    if not out:
        raise InputError("no .gold files found; give gold files or a folder of them (tests/gold)")
    return out


def read_gold(path: str | Path) -> GoldFile:
    path = Path(path)
    gold = GoldFile(path, heldout="heldout" in path.parts)
    problems = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(problems=[Problem(Location(str(path), 1), f"cannot read gold file: {exc}")]) from None
    for n, raw in enumerate(text.split("\n"), 1):
        if m := _CORPUS.match(raw.strip()):
            tokens = re.split(r"[\s,]+", m.group(1).strip())
            ranges = [(int(r[1]), int(r[2] or r[1])) for t in tokens if (r := _RANGE.match(t))]
            if gold.corpus is not None or len(ranges) != len(tokens) or any(a > b for a, b in ranges):
                problems.append(Problem(Location(str(path), n), "expected one '# corpus: 7-22 30' line: the sections "
                                                                "its labeller read, or ranges of them, low to high"))
            else:
                gold.corpus = tuple(ranges)
        line = " ".join(raw.split("#", 1)[0].split())
        if not line:
            continue
        if m := _LINK.match(line):
            a, kind, b = m.groups()
            gold.lines.setdefault(a, n)
            gold.lines.setdefault(b, n)
            pair = frozenset((a, b))
            if pair in gold.links or a == b:
                problems.append(Problem(Location(str(path), n), f"pair {a} / {b} is listed twice" if a != b
                                        else f"{a} is linked to itself"))
            gold.links[pair] = (a, kind, b)
        elif m := _PLAN.match(line):
            gold.plans.append((m.group(1), m.group(2), tuple(m.group(3).split()), n))
            for concept in (m.group(1), *m.group(3).split()):
                gold.lines.setdefault(concept, n)
        else:
            problems.append(Problem(Location(str(path), n), "expected 'SOURCE requires|related TARGET' or "
                                                            "'plan CONCEPT includes|excludes ID …'"))
    if problems:
        raise InputError(problems=problems)
    return gold


def agreement(first: GoldFile, second: GoldFile) -> dict[str, Any]:
    """How far two labellers of one section agree: the second's pairs scored against the first's as if mined.

    The miner's scores against one labeller mean little until two people's scores against each other say
    what a careful reader reaches.  ``same_type`` counts the pairs both found, and those they also typed
    alike (the same direction of ``requires``, or both ``related``).
    """
    def requires(g: GoldFile) -> set[tuple[str, str]]:
        return {(a, b) for a, kind, b in g.links.values() if kind == "requires"}

    shared = first.links.keys() & second.links.keys()
    alike = sum(_typed(first.links[p]) == _typed(second.links[p]) for p in shared)
    return {"links": _prf(set(second.links), set(first.links)),
            "requires": _prf(requires(second), requires(first)),
            "same_type": {"pairs": len(shared), "alike": alike}}


def _typed(label: tuple[str, str, str]) -> tuple[str, ...]:
    a, kind, b = label
    return (a, kind, b) if kind == "requires" else ("related", *sorted((a, b)))


def _prf(predicted: set, gold: set) -> dict[str, Any]:
    """Precision, recall and F1, each None where it is undefined: precision with nothing predicted, recall with
    nothing labelled (either was 1.00, a perfect score for nothing), F1 with neither (nothing mined of something
    labelled is an F1 of 0)."""
    tp = len(predicted & gold)
    p = tp / len(predicted) if predicted else None
    r = tp / len(gold) if gold else None
    f = 2 * tp / (len(predicted) + len(gold)) if predicted or gold else None
    return {"precision": _round(p), "recall": _round(r), "f1": _round(f),
            "tp": tp, "predicted": len(predicted), "gold": len(gold)}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _section_of(kg: ConceptGraph, gold: GoldFile) -> str | None:
    """The cheatsheet a gold file is named after ("13-generative-models-cross" → 13-generative-models)."""
    stems = {Path(d["file"]).stem for d in kg.entries.values()}
    found = [s for s in stems if gold.name == s or gold.name.startswith(s + "-")]
    return max(found, key=len) if found else None


def evaluate(kg: ConceptGraph, golds: list[GoldFile]) -> dict[str, Any]:
    """Scores per gold file and for the tuning and held-out sets, with every error listed."""
    labels: dict[frozenset[str], tuple[str, str, str]] = {}
    conflicts = []
    for g in golds:
        for pair, label in g.links.items():
            if pair in labels and labels[pair][1:] != label[1:] and (labels[pair][1], label[1]) != ("related",) * 2:
                conflicts.append(f"{g.path}: {' '.join(label)} (elsewhere: {' '.join(labels[pair])})")
            labels.setdefault(pair, label)
    present = {p: lab for p, lab in labels.items() if p <= kg.entries.keys()}
    edges = kg.edges(("requires", "related"))
    mined = {frozenset((e["source"], e["target"])): e for e in edges}
    by_file: dict[str, set[str]] = {}
    for c, d in kg.entries.items():
        by_file.setdefault(Path(d["file"]).stem, set()).add(c)
    section_number = {c: int(d["number"].split(".")[0]) for c, d in kg.entries.items()}
    loaded = set(section_number.values())
    own = {id(g): _section_of(kg, g) for g in golds}  # it reads every entry's file: once per gold file
    say = [(by_file.get(own[id(g)] or "", set()),
            None if g.corpus is None else {x for x in loaded if any(a <= x <= b for a, b in g.corpus)})
           for g in golds]
    mined = {p: e for p, e in mined.items() if p in present or _judged(p, say, section_number)}
    rows = {}
    empty = []  # gold files of sections nothing labelled can score: no pair of loaded concepts, no plan check
    for split in ("tune", "heldout"):
        mine = [g for g in golds if g.heldout == (split == "heldout")]
        sections: dict[str, list[GoldFile]] = {}
        for g in mine:
            section = own[id(g)]
            if section is not None:
                sections.setdefault(section, []).append(g)
        for section, group in sorted(sections.items()):
            row = _score(kg, present, mined, by_file[section], group, split)
            if row["links"]["gold"] or row["plans"]["checks"]:
                rows[section] = row
            else:  # every mined link would count as wrong, against a file that says nothing (empty, or a typo)
                empty += group
                del sections[section]
        if len(sections) > 1:
            scope = set().union(*(by_file[s] for s in sections))
            rows[f"all {split}"] = _score(kg, present, mined, scope, mine, split)
    nothing = [{"file": str(g.path), "line": 1, "message": "holds no label or plan check: nothing to score"
                if not (g.links or g.plans) else f"no label names a pair of loaded concepts of {own[id(g)]}, and no "
                "plan check one: nothing to score (do its IDs name that cheatsheet's concepts?)"} for g in empty]
    return {"sections": rows, "conflicts": conflicts, "warnings": nothing + _unused(kg, golds, own)}


def _unused(kg: ConceptGraph, golds: list[GoldFile], own: dict[int, str | None]) -> list[dict[str, Any]]:
    """What of the gold given scores nothing (``file``, ``line``, ``message``): a file named after no loaded
    cheatsheet, and IDs that name no loaded concept but nearly name one (a typo, most likely; an ID of a section
    not loaded is expected, and says nothing)."""
    stem = min(Path(d["file"]).stem for d in kg.entries.values()) if kg.entries else "13-generative-models"
    out = [{"file": str(g.path), "line": 1, "message": f"named after no loaded cheatsheet (name it after one, as "
            f"{stem}.gold or {stem}-cross.gold); not scored"}
           for g in golds if own[id(g)] is None]
    known = sorted(kg.entries)
    for g in golds:
        if own[id(g)] is None:
            continue  # not scored: a near miss there says nothing ("semi-supervised-learning", of a section not loaded)
        for concept, line in g.lines.items():
            if concept not in kg.entries:
                # a near miss, a typo: above 90, where a name merely inside another scores ("viterbi" holds "vit")
                near = close_matches(concept, known, n=1, cutoff=91)
                if near:
                    out.append({"file": str(g.path), "line": line,
                                "message": f"{concept!r} is no loaded concept; did you mean {near[0]!r}?"})
    return out


def _judged(pair: frozenset[str], say: list[tuple[set[str], set[int] | None]], section_number: dict[str, int]) -> bool:
    """Whether some gold file given has a say on a mined pair that no gold file labels: one concept is of the
    file's own cheatsheet, and the other of it too or of a section its labeller read (every section, unless its
    ``# corpus:`` line says which).  A section written after a gold file was labelled holds no errors of the
    miner's in that file's eyes."""
    a, b = pair
    return any((a in own and (corpus is None or b in own or section_number[b] in corpus))
               or (b in own and (corpus is None or a in own or section_number[a] in corpus)) for own, corpus in say)


def _score(kg: ConceptGraph, labels, mined, scope: set[str], golds: list[GoldFile], split: str) -> dict[str, Any]:
    def inside(pair: frozenset[str]) -> bool:
        return bool(pair & scope)

    gold_links = {p for p in labels if inside(p)}
    gold_requires = {(a, b) for p, (a, kind, b) in labels.items() if kind == "requires" and inside(p)}
    links = {p for p in mined if inside(p)}
    requires = {(e["source"], e["target"]) for p, e in mined.items() if e["kind"] == "requires" and inside(p)}
    checks, failed = 0, []
    for g in golds:
        for concept, how, ids, line in g.plans:
            if concept not in kg.entries:
                continue
            before = {s["id"] for s in prerequisites(kg, concept)}
            for x in ids:
                if x not in kg.entries:
                    continue
                checks += 1
                if (x in before) != (how == "includes"):
                    failed.append(f"{g.path}:{line}: {concept} {'lacks' if how == 'includes' else 'has'} {x}")
    return {
        "split": split, "concepts": len(scope),
        "links": _prf(links, gold_links), "requires": _prf(requires, gold_requires),
        "plans": {"checks": checks, "failed": failed},
        "errors": {
            "missing_links": sorted(tuple(sorted(p)) for p in gold_links - links),
            "extra_links": sorted(tuple(sorted(p)) for p in links - gold_links),
            "missing_requires": sorted(gold_requires - requires),
            "extra_requires": sorted(requires - gold_requires),
        },
    }
