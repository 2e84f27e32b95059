"""Every file of the shared cheatsheet parses, alone and together."""

from __future__ import annotations

import re

import pytest
from conftest import shared_dir

import mlkg
from mlkg.read import parse_files

pytestmark = pytest.mark.shared


def id_lines(path) -> int:
    return len(re.findall(r"^\*\*ID:\*\*", path.read_text(encoding="utf-8"), flags=re.M))


def shared_files():
    try:
        return sorted(shared_dir().glob("*.md"))
    except pytest.skip.Exception:
        return []


@pytest.mark.parametrize("path", shared_files() or [pytest.param(None, marks=pytest.mark.skip("no corpus"))],
                         ids=lambda p: p.name if p else "none")
def test_each_file_parses_alone_with_one_concept_per_id_line(path):
    kg = mlkg.load(path)
    assert len(kg) == id_lines(path) > 0
    assert all(d["kind"] == "concept" for n, d in kg.graph.nodes(data=True) if n in kg.entries)


def test_all_files_together(shared, shared_files):
    kg = mlkg.load(shared)
    assert len(kg) == sum(id_lines(p) for p in shared_files) == 211
    assert kg.stats()["sections"] == 16


def test_the_shared_corpus_has_one_duplicate_id_that_curation_resolves(shared):
    with pytest.raises(mlkg.CheatsheetError) as err:
        mlkg.load(shared, curation=[])
    (problem,) = err.value.problems
    assert "duplicate ID 'encoder-decoder'" in problem.message
    assert "14-15-specialized-learning-structured-prediction.md" in str(problem.location.path)
    assert "10-11-neural-networks-deep-learning.md" in problem.message


def test_parse_every_file_together_directly(shared_files):
    corpus = parse_files(shared_files, {("15.2.2", "encoder-decoder"): "x"})
    assert len(corpus.entries) == 211
