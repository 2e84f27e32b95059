"""Corpora shaped unlike ours: a few thousand entries whose references form many cycles still build,
and long builds report progress on a terminal only."""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import networkx as nx
import pytest

import mlkg

ROOT = Path(__file__).resolve().parents[1]


def _hard():
    spec = importlib.util.spec_from_file_location("hard", ROOT / "benchmarks" / "hard.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cyclic_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hard")
    _hard().write(3000, folder, seed=1, clean=True)
    return folder


def test_a_cyclic_corpus_of_thousands_of_entries_builds_with_requires_acyclic(cyclic_corpus):
    kg = mlkg.load(cyclic_corpus, curation=[])
    assert len(kg) == 3000
    requires = nx.DiGraph([(e["source"], e["target"]) for e in kg.edges("requires")])
    assert nx.is_directed_acyclic_graph(requires)
    downgraded = kg.stats()["mining"]["downgraded"]
    assert downgraded, "the corpus is built to have cycles: some requires edges must give way"
    for d in downgraded:
        assert d["reason"].startswith("closed "), d
        assert kg.graph.has_edge(d["source"], d["target"], "related")


def _build_on_a_terminal(cyclic_corpus, out) -> str:
    """Run mlkg build with stderr on a pseudo-terminal; return what it wrote there."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a terminal 120 wide
    proc = subprocess.Popen([sys.executable, "-m", "mlkg", "build", "--source", str(cyclic_corpus), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_build_shows_its_stages_on_a_terminal_and_nothing_in_a_pipe(cyclic_corpus, tmp_path):
    shown = _build_on_a_terminal(cyclic_corpus, tmp_path / "tty")
    assert "mining" in shown and "writing graph.ttl" in shown
    piped = subprocess.run([sys.executable, "-m", "mlkg", "build", "--source", str(cyclic_corpus), "--out",
                            str(tmp_path / "pipe")], capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0
    # the hard generator's acronyms collide ("2 entries share the name 'PoL'"): warnings, at most a screenful, no bar
    assert all(line.startswith("mlkg: warning: ") for line in piped.stderr.splitlines())
    assert len(piped.stderr.splitlines()) <= 4 and "mining" not in piped.stderr


def _hostile():
    spec = importlib.util.spec_from_file_location("hostile", ROOT / "benchmarks" / "hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case, n, concepts, named", [
    ("shared shortened name", 400, 440, 0),  # 400 "Zorb Quux …": no sense far more frequent, so no edge
    ("one acronym title", 300, 300, None),  # 300 entries of one title: a name of each, none of another
    ("closed compounds", 4400, 2, None),  # 22 "Feedforward"s: 2^22 forms of one name before
    ("one-word title", 16000, 2, None),  # 64,000 letters: 43 s and 2.1 GB before
])
def test_inputs_written_to_break_one_piece_build(tmp_path, case, n, concepts, named):
    """The hostile benchmark's corpora (benchmarks/hostile.py) at a small size: each builds, as it says."""
    make, _ = _hostile().CASES[case]
    path = tmp_path / "hostile.md"
    path.write_text(make(n), encoding="utf-8")
    kg = mlkg.load(path, curation=[])
    assert len(kg.entries) == concepts
    if named is not None:
        assert len(kg.edges(("requires", "related"))) == named


def _shapes():
    spec = importlib.util.spec_from_file_location("shapes", ROOT / "benchmarks" / "shapes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHAPES = _shapes()


@pytest.mark.parametrize("shape, means", [
    # a name all titles share, written in an entry's text, is that entry's own: it links no pair
    ("sametitle", lambda kg: not any(ev.surface.lower() == "overview" and ev.field != "title"
                                     for e in kg.edges(("requires", "related")) for ev in e["evidence"])),
    # the acronym all titles carry is every one's: a mention of it links nothing
    ("sameacr", lambda kg: not any(e["evidence"][0].surface.startswith("ZQV")
                                   for e in kg.edges(("requires", "related")))),
    # QV, never spelled out where it is used, is the entry titled with it: the titles of its initials stay apart
    ("initials", lambda kg: {e["target"] for e in kg.edges(("requires", "related"))
                             if e["evidence"][0].surface == "QV"} == {"a0"}),
    # "SI-<word>" spelled out nowhere is a compound of Scale Invariance (SI)'s acronym
    ("compound", lambda kg: any(e["target"] == "c1-" + SHAPES.word(1).lower()
                                for e in kg.edges(("requires", "related")))),
])
def test_corpora_of_odd_shapes_build_and_mean_what_they_say(tmp_path, shape, means):
    """Each shape made a step of mining quadratic (benchmarks/shapes.py times them); at a few hundred entries
    they build, and the names mean what the text says."""
    SHAPES.write(SHAPES.SHAPES[shape](400, __import__("random").Random(0)), tmp_path)
    kg = mlkg.load(tmp_path, curation=[])
    assert len(kg) == 400 and means(kg)
