"""The synthetic benchmark corpus (benchmarks/synth.py): deterministic, parseable, realistic."""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
from pathlib import Path

import pytest

from mlkg.mine.lexicon import build_lexicon
from mlkg.read import Corpus, parse_text, read

ROOT = Path(__file__).resolve().parents[1]


def _load_synth():
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", module)  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


synth = _load_synth()


def _corpus(n: int, seed: int = 0) -> Corpus:
    return Corpus([parse_text(text, name) for name, text in synth.generate(n, seed).items()])


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (20, 0), (20, 3), (150, 11)])
def test_generate_is_deterministic(n, seed):
    first = synth.generate(n, seed)
    assert first == synth.generate(n, seed)
    assert list(first) == sorted(first), "files must sort by name in document order"
    if n > 1:
        assert first != synth.generate(n, seed + 1)


@pytest.mark.parametrize("n", [1, 2, 7, 20, 61, 200])
@pytest.mark.parametrize("seed", [0, 5])
def test_every_entry_parses(n, seed):
    corpus = _corpus(n, seed)
    ids = [e.id for e in corpus.entries]
    assert len(ids) == n
    assert len(set(ids)) == n
    for e in corpus.entries:
        assert e.parent == e.subsection_number
        assert e.full and e.simple and e.example


def test_write_and_cli(tmp_path, capsys):
    out = tmp_path / "corpus"
    assert synth.main(["40", str(out), "--seed", "2"]) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and "40 entries" in line and "bytes" in line
    assert len(read([out]).entries) == 40
    (out / "stale.md").write_text("# old\n")
    assert synth.main(["40", str(out)]) == 1
    assert synth.main(["30", str(out), "--clean"]) == 0
    assert len(read([out]).entries) == 30


def test_structure_is_realistic():
    p = synth.plan(2000)
    subs = [sub.end - sub.start for s in p.sections for sub in s.subsections]
    assert min(subs) >= 3 and max(subs) <= 8 + 3 // 2
    assert all(5 <= len(s.subsections) <= 10 for s in p.sections[:-1])
    assert 10 <= len(p.files) <= 60
    for name, _ in p.files:
        assert re.fullmatch(r"\d{2,}(-\d{2,})?-[a-z0-9-]+\.md", name)


def test_names_acronyms_and_shared_heads():
    p = synth.plan(600)
    acronyms = [c.acronym for c in p.concepts if c.acronym]
    assert 0.25 <= len(acronyms) / len(p.concepts) <= 0.45
    assert len({a.lower() for a in acronyms}) == len(acronyms)
    assert all(sum(ch.isupper() for ch in a) >= 2 for a in acronyms)
    labels = [c.label.lower() for c in p.concepts]
    assert len(set(labels)) == len(labels)
    assert any(" " not in c.label for c in p.concepts), "a few single-word names"
    derived = [c for c in p.concepts if c.base is not None]
    for c in derived:  # "Denoising X" extends X, by name or by acronym ("Sparse QFN")
        base = p.concepts[c.base]
        assert c.label.endswith(" " + base.label) or (base.acronym and c.label.endswith(" " + base.acronym))
    assert any(c.acronym_first for c in p.concepts)


def test_references_go_both_ways_and_use_acronyms():
    p = synth.plan(400)
    refs = [(c, r) for c in p.concepts for r in c.refs]
    per_entry = [len(c.refs) for c in p.concepts]
    assert 1.5 <= statistics.mean(per_entry) <= 3.0 and max(per_entry) <= 8
    forward = [r for _, r in refs if r.forward]
    assert 0.1 <= len(forward) / len(refs) <= 0.35
    assert {r.cue for _, r in refs} == {"plain", "uses", "flip", "instance", "contrast", "application"}
    assert any(r.style == "acronym" for _, r in refs)
    assert any(r.plural for _, r in refs)
    near = sum(1 for c, r in refs if c.number.split(".")[0] == p.concepts[r.target].number.split(".")[0])
    assert near / len(refs) > 0.6, "mostly the same section"


def test_mentions_appear_in_the_text_and_resolve():
    """Every planned mention is in its entry's text, and mlkg's lexicon finds (nearly) all of them."""
    n = 200
    p = synth.plan(n)
    corpus = _corpus(n)
    entries = {e.id: e for e in corpus.entries}
    lexicon = build_lexicon(corpus)
    found = total = 0
    for c in p.concepts:
        e = entries[c.slug]
        text = "\n".join((e.full, e.simple, e.example))
        hits = {m.names[0].concept for m in lexicon.find(text)}
        for r in c.refs:
            t = p.concepts[r.target]
            forms = [t.label, synth.plural(t.label)] + ([t.acronym] if t.acronym else [])
            assert any(f.lower() in text.lower() for f in forms), (c.slug, t.slug)
            total += 1
            found += t.slug in hits
    assert found / total > 0.9


def test_cue_phrases_present():
    text = "\n".join(synth.generate(400).values())
    for cue in ("foundation for", "builds on this", "Unlike ", "instead of", "rivaling", "Applications: ",
                "Adds ", "A variant of", "(e.g.", "Simpler than"):
        assert cue in text, cue


def test_average_entry_is_about_a_kilobyte():
    corpus = _corpus(400, seed=1)
    sizes = [len((e.full + e.simple + e.example).encode()) for e in corpus.entries]
    assert 900 <= statistics.mean(sizes) <= 1150
    assert min(sizes) >= 400
    fenced = sum(e.example.startswith("```") for e in corpus.entries) / len(sizes)
    python = sum("```python" in e.example for e in corpus.entries) / len(sizes)
    assert 0.5 <= fenced <= 0.85 and 0.05 <= python <= 0.3


def test_expected_edges_follow_document_order():
    p = synth.plan(150)
    order = {c.slug: c.index for c in p.concepts}
    edges = synth.expected_edges(150)
    assert {kind for *_, kind in edges} == {"requires", "related"}
    assert all(order[s] > order[t] for s, t, kind in edges if kind == "requires"), "requires points back"
