"""Plain-text and JSON renderings of the graph for the command line."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from ..graph import ConceptGraph, deciding_evidence, shown_title

_EVIDENCE_KEYS = ("field", "sentence", "file", "line", "surface", "rule", "cue", "confidence", "source")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _indent(text: str, prefix: str = "  ") -> str:
    return textwrap.indent(text, prefix, lambda line: True)


def evidence_list(edge: dict[str, Any], files: Mapping[str, str] | None = None) -> list[dict[str, Any]] | None:
    """An edge's evidence as JSON; ``files`` renames the files it names (see :func:`concept_json`)."""
    ev = edge.get("evidence")
    if ev is None:
        return None
    out = [{k: e.get(k) for k in _EVIDENCE_KEYS} for e in ev]
    if files:
        for e in out:
            e["file"] = files.get(e["file"], e["file"])
    return out


def edges_json(rows: list[dict[str, Any]], files: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    return [{
        "source": r["source"], "target": r["target"], "kind": r["kind"],
        "confidence": r.get("confidence"), "rule": r.get("rule"), "curated": bool(r.get("curated", False)),
        "evidence": evidence_list(r, files),
    } for r in rows]


def edges_tsv(rows: list[dict[str, Any]]) -> str:
    out = ["source\ttarget\tkind\tconfidence\trule\tcurated\tevidence"]
    for r in rows:
        ev = r.get("evidence") or []
        first = deciding_evidence(r) if ev else None  # where it stands, as a file:line an editor opens
        text = (f"{first['file']}:{first['line']} ({first['field']}) {_one_line(first['sentence'])}"
                + (f" (+{len(ev) - 1} more)" if len(ev) > 1 else "")) if first else ""
        conf = r.get("confidence")
        out.append("\t".join([
            r["source"], r["target"], r["kind"], "" if conf is None else f"{conf:.3f}",
            r.get("rule") or "", "yes" if r.get("curated") else "no", text.replace("\t", " "),
        ]))
    return "\n".join(out) + "\n"


def _title(kg: ConceptGraph, node: str) -> str:
    d = kg.graph.nodes[node]
    return f"{d['number']} {shown_title(d)}"


def concept_json(kg: ConceptGraph, cid: str, files: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One concept as ``mlkg show --format json`` gives it.  Its files are named as the graph holds them, as
    typed (an editor opens them), unless ``files`` maps them to other names: the server's are the export's,
    relative to the corpus (:func:`mlkg.views.rdf.file_names`), never where the server keeps them."""
    d = kg.graph.nodes[cid]
    files = files or {}
    path = kg.section_path(cid)[:-1]
    return {
        "id": cid, "number": d["number"], "title": d["title"], "label": d["label"],
        "alt_labels": d["alt_labels"], "aliases": list(d.get("aliases", ())),
        "section_path": [{"id": p, "title": _title(kg, p)} for p in path],
        "file": files.get(d["file"], d["file"]), "line": d["line"],
        "simple": d["simple"], "full": d["full"], "example": d["example"],
        "requires": edges_json(kg.out_edges(cid, "requires"), files),
        "required_by": edges_json(kg.in_edges(cid, "requires"), files),
        "related": edges_json(kg.out_edges(cid, "related") + kg.in_edges(cid, "related"), files),
    }


def _edge_lines(kg: ConceptGraph, rows: list[dict[str, Any]], other: str, arrow: str) -> list[str]:
    lines = []
    for r in sorted(rows, key=lambda r: kg.graph.nodes[r[other]]["order"]):
        n = r[other]
        tag = "curated" if r.get("curated") else f"{r.get('rule')} {r.get('confidence', 0):.2f}"
        lines.append(f"  {arrow} {n}  {kg.graph.nodes[n]['title']}  [{tag}]")
        first = deciding_evidence(r)  # the sentence that decided the edge, as every other view quotes it first
        evidence = [first, *(e for e in r.get("evidence") or [] if e is not first)] if first else []
        for ev in evidence[:3]:
            where = f"{ev['source']}, {ev['field']}, line {ev['line']}" if ev["field"] != "curation" else \
                f"curation {ev['file']}:{ev['line']}"
            sentence = _one_line(ev["sentence"]) or "(no note)"
            lines.append(textwrap.fill(f'"{sentence}" ({where})', width=96,
                                       initial_indent="      ", subsequent_indent="       "))
        if len(r.get("evidence") or []) > 3:
            lines.append(f"      … and {len(r['evidence']) - 3} more")
    return lines or ["  (none)"]


def concept_text(kg: ConceptGraph, cid: str) -> str:
    d = kg.graph.nodes[cid]
    path = " › ".join(_title(kg, p) for p in kg.section_path(cid)[:-1])
    related = kg.out_edges(cid, "related") + [
        {**e, "target": e["source"]} for e in kg.in_edges(cid, "related")]
    parts = [
        f"{d['title']}  [{cid} · {d['number']}]",
        f"Section: {path}",
        f"Source:  {d['file']}:{d['line']}",
        *([f"Aliases: {', '.join(d['aliases'])} (curation)"] if d.get("aliases") else []),
        "",
        "Simple explanation:", _indent(textwrap.fill(_one_line(d["simple"]), 94)), "",
        "Full explanation:", _indent(textwrap.fill(_one_line(d["full"]), 94)), "",
        "Example:", _indent(d["example"]), "",
        f"Requires ({len(kg.out_edges(cid, 'requires'))}):",
        *_edge_lines(kg, kg.out_edges(cid, "requires"), "target", "→"), "",
        f"Required by ({len(kg.in_edges(cid, 'requires'))}):",
        *_edge_lines(kg, kg.in_edges(cid, "requires"), "source", "←"), "",
        f"Related ({len(related)}):",
        *_edge_lines(kg, related, "target", "~"),
    ]
    return "\n".join(parts) + "\n"


def stats_text(kg: ConceptGraph) -> str:
    s = kg.stats()
    e = s["edges"]
    lines = [
        f"files        {s['files']}",
        f"sections     {s['sections']}",
        f"subsections  {s['subsections']}",
        f"concepts     {s['concepts']}",
        f"edges        parent {e['parent']}, requires {e['requires']}, related {e['related']}"
        f" ({e['curated']} curated)",
    ]
    m = s.get("mining")
    if m:
        lines.append(f"mining       {m['mentions']} mentions; dropped {m['homonyms_dropped']} as homonyms, "
                     f"{m['weak_dropped']} as too weak; "
                     f"{m['direction_conflicts']} direction conflicts resolved")
        lines.append(f"downgraded   {len(m['downgraded'])} requires → related to keep requires acyclic")
        lines.extend(f"  {d['source']} → {d['target']}: {d['reason']}" for d in m["downgraded"])
        if m["curation"]:
            lines.append("curation")
            lines.extend(f"  {c}" for c in m["curation"])
    notes = kg.duplicate_titles()
    if notes:
        lines.append("warnings")
        lines.extend(f"  {n}" for n in notes)
    return "\n".join(lines) + "\n"


def eval_text(result: dict[str, Any], errors: bool = False) -> str:
    """One row per section and per split: links and requires P/R/F1, plan checks."""
    head = (f"{'section':<48} {'split':<8} {'links P':>7} {'R':>5} {'F1':>5}   {'requires P':>10} {'R':>5} "
            f"{'F1':>5}   plans")
    lines = [head]
    def score(value: float | None, width: int) -> str:  # None: nothing to score it on (nothing mined, or labelled)
        return f"{'–' if value is None else f'{value:.2f}':>{width}}"

    for name, r in result["sections"].items():
        ln, rq, pl = r["links"], r["requires"], r["plans"]
        lines.append(f"{name:<48} {r['split']:<8} {score(ln['precision'], 7)} {score(ln['recall'], 5)} "
                     f"{score(ln['f1'], 5)}   {score(rq['precision'], 10)} {score(rq['recall'], 5)} "
                     f"{score(rq['f1'], 5)}   {pl['checks'] - len(pl['failed'])}/{pl['checks']}")
    for c in result["conflicts"]:
        lines.append(f"gold conflict: {c}")
    if errors:
        for name, r in result["sections"].items():
            if name.startswith("all "):
                continue
            e = r["errors"]
            for key, label, sep in (("missing_links", "missing link", " — "), ("extra_links", "extra link", " — "),
                                    ("missing_requires", "missing requires", " → "),
                                    ("extra_requires", "extra requires", " → ")):
                lines += [f"{name}: {label:17} {sep.join(pair)}" for pair in e[key]]
            lines += [f"{name}: plan check failed: {f}" for f in r["plans"]["failed"]]
    return "\n".join(lines) + "\n"


def ablation_text(result: dict[str, Any]) -> str:
    """Per rule switched off: the change in links F1, requires precision and recall, on each split."""
    base = result["sections"]
    splits = [k for k in ("all tune", "all heldout") if k in base] or list(base)[:1]
    lines = ["", "ablation (change when the rule is switched off; negative: the rule helps)",
             f"{'rule':<36}" + "".join(f"{s + ': links F1':>22} {'req P':>7} {'req R':>7}" for s in splits)]
    for rule, rows in result["ablation"].items():
        cells = []
        for s in splits:
            new, old = rows.get(s, {}), base[s]
            cells.append(" ".join(_change(new, old, kind, measure, width) for kind, measure, width in
                                  (("links", "f1", 22), ("requires", "precision", 7), ("requires", "recall", 7))))
        lines.append(f"{rule:<36}" + "".join(cells))
    return "\n".join(lines) + "\n"


def _change(new: dict[str, Any], old: dict[str, Any], kind: str, measure: str, width: int) -> str:
    """A score's change with a rule switched off, or "–" where either score is undefined (nothing to score)."""
    a, b = new.get(kind, {}).get(measure), old[kind][measure]
    return f"{'–':>{width}}" if a is None or b is None else f"{a - b:+{width}.3f}"


def _minutes(m: float) -> str:
    return f"{m:g} min"


def plan_text(kg: ConceptGraph, concept: str, steps: list[dict[str, Any]], depth: int | None = None,
              goal_known: bool = False, all_known: int = 0) -> str:
    """The numbered plan; ``depth`` as asked for (0 hops: the concept alone, whatever it needs).  An empty plan
    says why: the learner knows the concept (``goal_known``) or all its ``all_known`` prerequisites, or it needs
    none."""
    title = kg.graph.nodes[concept]["title"]
    if not steps and depth == 0:
        return f"{title} [{concept}]: no prerequisite is 0 requires-hops away (--depth 0); leave --depth out for all.\n"
    if not steps:
        return f"{_nothing_left(kg, concept, goal_known, all_known, depth)}\n"
    width = max(len(s["label"]) + len(s["id"]) for s in steps) + 4
    n = len(steps)
    lines = [f"Before {title} [{concept}], learn {'this concept' if n == 1 else f'these {n} concepts in order'}:"]
    for i, s in enumerate(steps, 1):
        name = f"{s['label']}  [{s['id']}]"
        needs = f"  needs {', '.join(s['requires'])}" if s["requires"] else ""
        lines.append(f"{i:3}. {name:<{width}} {s['number']:>8}{needs}")
    return "\n".join(lines) + "\n"


def _nothing_left(kg: ConceptGraph, concept: str, goal_known: bool, all_known: int, depth: int | None) -> str:
    title = kg.graph.nodes[concept]["title"]
    if goal_known:
        return f"You already know {title} [{concept}], and so all it requires."
    if all_known:
        within = "" if depth is None else f" within {depth} requires-hop{'' if depth == 1 else 's'}"
        return (f"Nothing left to learn before {title} [{concept}]: you know "
                f"{'its prerequisite' if all_known == 1 else f'all {all_known} of its prerequisites'}{within}.")
    return f"{title} [{concept}] has no prerequisites in this graph."


def plan_tree(kg: ConceptGraph, concept: str, depth: int | None = None) -> str:
    """The prerequisites as an indented tree; a concept met again is marked instead of repeated."""
    down, _ = kg.requires_index
    order = lambda c: kg.graph.nodes[c]["order"]  # noqa: E731
    lines = [f"{concept}  {kg.graph.nodes[concept]['title']}"]
    seen = {concept}

    def walk(node: str, prefix: str, level: int) -> None:
        if depth is not None and level >= depth:
            return
        kids = sorted(down[node], key=order)
        for i, kid in enumerate(kids):
            last = i == len(kids) - 1
            mark = " (see above)" if kid in seen else ""
            lines.append(f"{prefix}{'└── ' if last else '├── '}{kid}  {kg.graph.nodes[kid]['title']}{mark}")
            if not mark:
                seen.add(kid)
                walk(kid, prefix + ("    " if last else "│   "), level + 1)

    walk(concept, "", 0)
    return "\n".join(lines) + "\n"


def plan_md(kg: ConceptGraph, concept: str, steps: list[dict[str, Any]], depth: int | None = None,
            goal_known: bool = False, all_known: int = 0) -> str:
    """The plan as a Markdown checklist; ``depth`` as :func:`plan_text` takes it."""
    title = kg.graph.nodes[concept]["title"]
    lines = [f"# Learning plan: {title}", ""]
    for s in steps:
        extra = f" — {_minutes(s['minutes'])}" if "minutes" in s else ""
        done = goal_known and s.get("goal")
        goal = " (goal, which you already know)" if done else " (goal)" if s.get("goal") else ""
        lines.append(f"- [{'x' if done else ' '}] **{s['label']}**{goal} (`{s['id']}`, {s['number']}){extra}")
    if not steps:
        lines.append("- No prerequisite is 0 requires-hops away (--depth 0); leave --depth out for all." if depth == 0
                     else f"- {_nothing_left(kg, concept, goal_known, all_known, depth)}")
    return "\n".join(lines) + "\n"


def learn_text(kg: ConceptGraph, plan: dict[str, Any]) -> str:
    c = plan["concept"]
    title = kg.graph.nodes[c]["title"]
    lines = []
    if c in plan["known"]:
        lines.append(f"You said you know {title} [{c}]; its plan all the same:")
    elif plan["already_known"]:
        lines.append(f"You already know {title} [{c}]: it is a prerequisite of something you know.")
    if plan["skipped"]:
        lines.append(f"Skipping {len(plan['skipped'])} you already know: {', '.join(plan['skipped'])}")
    n = len(plan["plan"])
    lines.append(f"Plan for {title} [{c}]: {n} step{'s' if n != 1 else ''}, about {_minutes(plan['total_minutes'])}")
    width = max(len(s["label"]) + len(s["id"]) for s in plan["plan"]) + 4
    for i, s in enumerate(plan["plan"], 1):
        name = f"{s['label']}  [{s['id']}]"
        lines.append(f"{i:3}. {name:<{width}} {_minutes(s['minutes']):>8}{'   ← goal' if s.get('goal') else ''}")
    return "\n".join(lines) + "\n"


def path_text(kg: ConceptGraph, source: str, target: str, steps: list[dict[str, Any]]) -> str:
    if not steps:
        return f"{source} is {target}.\n"
    plural = "s" if len(steps) > 1 else ""
    lines = [f"{kg.graph.nodes[source]['title']} → {kg.graph.nodes[target]['title']} in {len(steps)} step{plural}:"]
    for s in steps:
        e = s["edge"]
        verb = {"requires": "requires", "related": "is related to", "parent": "is part of"}[s["kind"]]
        name = lambda n: _title(kg, n) if kg.graph.nodes[n]["kind"] != "concept" else n  # noqa: E731
        lines.append(f"  {name(e['source'])} {verb} {name(e['target'])}")
        ev = s["evidence"]
        if ev:
            lines.append(textwrap.fill(f'"{_one_line(ev["sentence"])}" ({ev["from"]}, {ev["field"]}, '
                                       f'line {ev["line"]})', 96, initial_indent="      ",
                                       subsequent_indent="       "))
    return "\n".join(lines) + "\n"


def ready_text(rows: list[dict[str, Any]], limit: int) -> str:
    if not rows:
        return "Nothing left: you know every concept of this graph.\n"
    width = max(len(r["label"]) + len(r["id"]) for r in rows[:limit]) + 4
    lines = [f"Ready to learn ({len(rows)}; the {min(limit, len(rows))} that unlock most):"]
    for i, r in enumerate(rows[:limit], 1):
        name = f"{r['label']}  [{r['id']}]"
        lines.append(f"{i:3}. {name:<{width}} unlocks {r['unlocks']:>3}   {_minutes(r['minutes']):>8}")
    return "\n".join(lines) + "\n"
