"""Plain-text and JSON renderings of the graph for the command line."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .graph import KnowledgeGraph

_EVIDENCE_KEYS = ("field", "sentence", "file", "line", "surface", "rule", "confidence", "source")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _indent(text: str, prefix: str = "  ") -> str:
    return textwrap.indent(text, prefix, lambda line: True)


def evidence_list(edge: dict[str, Any]) -> list[dict[str, Any]] | None:
    ev = edge.get("evidence")
    if ev is None:
        return None
    return [{k: e.get(k) for k in _EVIDENCE_KEYS} for e in ev]


def edges_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{
        "source": r["source"], "target": r["target"], "kind": r["kind"],
        "confidence": r.get("confidence"), "rule": r.get("rule"), "curated": bool(r.get("curated", False)),
        "evidence": evidence_list(r),
    } for r in rows]


def edges_tsv(rows: list[dict[str, Any]]) -> str:
    out = ["source\ttarget\tkind\tconfidence\trule\tcurated\tevidence"]
    for r in rows:
        ev = r.get("evidence") or []
        first = ev[0] if ev else None
        text = (f"{first['field']}:{first['line']}: {_one_line(first['sentence'])}"
                + (f" (+{len(ev) - 1} more)" if len(ev) > 1 else "")) if first else ""
        conf = r.get("confidence")
        out.append("\t".join([
            r["source"], r["target"], r["kind"], "" if conf is None else f"{conf:.3f}",
            r.get("rule") or "", "yes" if r.get("curated") else "no", text.replace("\t", " "),
        ]))
    return "\n".join(out) + "\n"


def _title(kg: KnowledgeGraph, node: str) -> str:
    d = kg.graph.nodes[node]
    return f"{d['number']} {d['title']}"


def concept_json(kg: KnowledgeGraph, cid: str) -> dict[str, Any]:
    d = kg.graph.nodes[cid]
    path = kg.section_path(cid)[:-1]
    return {
        "id": cid, "number": d["number"], "title": d["title"], "label": d["label"],
        "alt_labels": d["alt_labels"], "section_path": [{"id": p, "title": _title(kg, p)} for p in path],
        "file": d["file"], "line": d["line"],
        "simple": d["simple"], "full": d["full"], "example": d["example"],
        "requires": edges_json(kg.out_edges(cid, "requires")),
        "required_by": edges_json(kg.in_edges(cid, "requires")),
        "related": edges_json(kg.out_edges(cid, "related") + kg.in_edges(cid, "related")),
    }


def _edge_lines(kg: KnowledgeGraph, rows: list[dict[str, Any]], other: str, arrow: str) -> list[str]:
    lines = []
    for r in sorted(rows, key=lambda r: kg.graph.nodes[r[other]]["order"]):
        n = r[other]
        tag = "curated" if r.get("curated") else f"{r.get('rule')} {r.get('confidence', 0):.2f}"
        lines.append(f"  {arrow} {n}  {kg.graph.nodes[n]['title']}  [{tag}]")
        for ev in (r.get("evidence") or [])[:3]:
            where = f"{ev['field']}, line {ev['line']}" if ev["field"] != "curation" else \
                f"curation {ev['file']}:{ev['line']}"
            sentence = _one_line(ev["sentence"]) or "(no note)"
            lines.append(textwrap.fill(f'"{sentence}" ({where})', width=96,
                                       initial_indent="      ", subsequent_indent="       "))
        if len(r.get("evidence") or []) > 3:
            lines.append(f"      … and {len(r['evidence']) - 3} more")
    return lines or ["  (none)"]


def concept_text(kg: KnowledgeGraph, cid: str) -> str:
    d = kg.graph.nodes[cid]
    path = " › ".join(_title(kg, p) for p in kg.section_path(cid)[:-1])
    related = kg.out_edges(cid, "related") + [
        {**e, "target": e["source"]} for e in kg.in_edges(cid, "related")]
    parts = [
        f"{d['title']}  [{cid} · {d['number']}]",
        f"Section: {path}",
        f"Source:  {d['file']}:{d['line']}",
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


def stats_text(kg: KnowledgeGraph) -> str:
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
                     f"{m['weak_dropped']} as too weak, {m['implied_dropped']} as implied by a chain; "
                     f"{m['direction_conflicts']} direction conflicts resolved")
        lines.append(f"downgraded   {len(m['downgraded'])} requires → related to keep requires acyclic")
        lines.extend(f"  {d['source']} → {d['target']}: {d['reason']}" for d in m["downgraded"])
        if m["curation"]:
            lines.append("curation")
            lines.extend(f"  {c}" for c in m["curation"])
    return "\n".join(lines) + "\n"


def eval_text(result: dict[str, Any]) -> str:
    lines = ["            precision  recall     f1   (tp / predicted / gold)"]
    for name in ("links", "requires"):
        r = result[name]
        lines.append(f"{name:10}  {r['precision']:9.3f}  {r['recall']:6.3f}  {r['f1']:5.3f}   "
                     f"({r['tp']} / {r['predicted']} / {r['gold']})")
    err = result["errors"]
    for key, label in (("missing_links", "missing link"), ("extra_links", "extra link"),
                       ("missing_requires", "missing requires"), ("extra_requires", "extra requires")):
        for pair in err[key]:
            sep = " → " if "requires" in key else " — "
            lines.append(f"{label:17} {sep.join(pair)}")
    return "\n".join(lines) + "\n"
