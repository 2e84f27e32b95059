"""Shared fixtures: the shipped seed, the shared corpus, and small cheatsheets written on the fly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import mlkg
from mlkg.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "13-generative-models.md"
GOLD = ROOT / "tests" / "gold" / "13-generative-models.gold"


@pytest.fixture(autouse=True, scope="session")
def _isolated_build_dir(tmp_path_factory):
    """Commands look for a build in ./out by default; the suite must not see the developer's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MLKG_BUILD_DIR", str(tmp_path_factory.mktemp("no-build")))
    yield
    mp.undo()


def shared_dir() -> Path:
    """The shared cheatsheet folder; skip where it is not configured, fail where it is configured but gone."""
    value = os.environ.get("MLKG_SHARED_CHEATSHEETS")
    if not value:
        pytest.skip("MLKG_SHARED_CHEATSHEETS is not set (the shared corpus is not part of a user's clone)")
    path = Path(value)
    if not path.is_dir() or not list(path.glob("*.md")):
        pytest.fail(f"MLKG_SHARED_CHEATSHEETS={value} is set but holds no cheatsheets")
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_dir()


@pytest.fixture(scope="session")
def shared_files(shared) -> list[Path]:
    return sorted(shared.glob("*.md"))


@pytest.fixture(scope="session")
def seed_kg():
    return mlkg.load(SEED)


@pytest.fixture(scope="session")
def shared_kg(shared):
    return mlkg.load(shared)


def entry(number: str, title: str, cid: str | None = None, *, parent: str | None = None,
          full: str = "Full text.", simple: str = "Simple text.", example: str = "```\nexample\n```") -> str:
    """The markdown of one entry, with every field filled unless given empty."""
    cid = cid if cid is not None else title.lower().split(" (")[0].replace(" ", "-")
    parent = parent if parent is not None else ".".join(number.split(".")[:2])
    return "\n".join([
        f"#### {number} {title}", "",
        f"**ID:** `{cid}`", f"**Parent:** `{parent}`", "",
        "**Full Explanation:**", full, "",
        "**Simple Explanation:**", simple, "",
        "**Example:**", example, "",
        "---", "", "",
    ])


def sheet(*entries: str, section: str = "1", title: str = "TOPIC", subsections: dict | None = None) -> str:
    """A cheatsheet with one section; entries go under subsection ``N.1`` unless ``subsections`` says otherwise."""
    subsections = subsections or {f"{section}.1": "Things"}
    out = [f"# ML Cheatsheet Content - Section {section}: Test\n", f"## {section}. {title}\n"]
    for number, name in subsections.items():
        out.append(f"### {number} {name}\n\n---\n")
        out.extend(e for e in entries if e.split()[1].startswith(number + "."))
    return "\n".join(out)


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file under tmp_path and return its path."""
    def _write(text: str | bytes, name: str = "sheet.md") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path
    return _write


@pytest.fixture
def cli(capsys):
    """Run ``mlkg ARGS`` in-process; returns (exit code, stdout, stderr)."""
    def _run(*args: str):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return _run
