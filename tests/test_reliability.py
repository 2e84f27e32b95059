"""Nothing lost, nothing mixed: hostile and broken input never gives a traceback nor damages a good build,
and a build killed at any moment leaves the previous one, or the new one, whole."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]


def build_in_force(out: Path) -> tuple[str, dict]:
    """(the build folder ``current`` names, its build.json), checking that it is whole: every output there and
    graph.json the one build.json vouches for."""
    folder = out / os.readlink(out / "current")
    meta = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    assert hashlib.sha256((folder / "graph.json").read_bytes()).hexdigest() == meta["graph_sha256"]
    for name in meta["outputs"]:
        assert (folder / name).stat().st_size > 0 and (out / name).resolve() == (folder / name).resolve()
    return folder.name, meta


LINES = SEED.read_text(encoding="utf-8").split("\n")


@st.composite
def mutated_seed(draw) -> str:
    """The seed cheatsheet with a few random edits: lines cut, repeated, swapped, or spliced with odd text."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "replace"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i:i + draw(st.integers(1, 30))]
        elif op == "duplicate":
            lines[i:i] = lines[i:i + draw(st.integers(1, 30))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, draw(st.text(max_size=80)))
        elif op == "truncate":
            lines = lines[:i]
        else:
            lines[i] = draw(st.sampled_from(["#### 13.1.9 Dup (VAE)", "**ID:** `vae`", "```", "**Parent:** `99.1`",
                                             "## 13. AGAIN", "### 13.1 Again", "---", "**Example:**", "\x00"]))
        if not lines:
            break
    return "\n".join(lines)


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "out"
    subprocess.run([sys.executable, "-m", "mlkg", "build", "--out", str(out)], check=True, capture_output=True,
                   env={**os.environ, "MLKG_BUILD_DIR": str(out)})
    return out


@given(text=mutated_seed())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
def test_broken_cheatsheets_give_a_clean_error_and_never_damage_a_good_build(cli, good_build, tmp_path_factory,
                                                                            text):
    path = tmp_path_factory.mktemp("mutant") / "sheet.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = build_in_force(good_build)
    code, _, err = cli("build", "--source", path, "--out", good_build, "--no-map")
    assert code in (0, 2) and "Traceback" not in err, err
    if code == 2:
        assert err and all(":" in line for line in err.strip().split("\n"))
        assert build_in_force(good_build) == before
    else:
        assert build_in_force(good_build)[1]["sources"] == [str(path)]
        assert cli("build", "--out", good_build)[0] == 0  # the good build back, for the next example


def _synth(n: int, folder: Path) -> Path:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(n), str(folder), "--clean"],
                   check=True, capture_output=True)
    return folder


def test_a_build_killed_at_any_moment_leaves_one_whole_build_in_force(tmp_path, cli):
    out = tmp_path / "out"
    env = {**os.environ, "MLKG_BUILD_DIR": str(out)}
    subprocess.run([sys.executable, "-m", "mlkg", "build", "--out", str(out)], check=True, capture_output=True, env=env)
    old = build_in_force(out)
    corpus = _synth(1500, tmp_path / "corpus")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mlkg", "build", "--source", str(corpus), "--out", str(tmp_path / "probe")],
                   check=True, capture_output=True, env=env)
    took = time.perf_counter() - start
    rng = random.Random(7)
    seen = set()
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-m", "mlkg", "build", "--source", str(corpus), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.3 * took, 1.1 * took))  # most kills land in the writing and the commit
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        name, meta = build_in_force(out)
        assert meta["stats"]["concepts"] in (20, 1500)
        seen.add(meta["stats"]["concepts"])
        code, text, _ = cli("stats", "--source", corpus)
        assert code == 0 and "concepts     1500" in text
    assert old[0] == name or 1500 in seen
    assert cli("build", "--source", corpus, "--out", out)[0] == 0
    leftovers = [p.name for p in (out / "builds").iterdir() if p.name.startswith(".tmp-")]
    assert not leftovers  # what killed builds left behind is gone after the next build


def test_a_source_changed_during_a_build_is_said_and_the_build_is_of_the_text_it_read(cli, tmp_path, monkeypatch):
    """A build whose source changes after it is read says so, and holds what it read: commands call it out of date
    (and read the file) until the file is back as the build read it, byte for byte.  (Its build.json had said
    "not fresh" for ever, without a word at build time.)"""
    import tqdm

    src = tmp_path / "seed.md"
    src.write_bytes(SEED.read_bytes())
    read = src.read_bytes()
    out = tmp_path / "out"
    stage = tqdm.tqdm.set_description_str

    def edit_while_writing(bar, desc=None, refresh=True):  # the progress bar's stages say when the build writes
        if desc == "writing graph.json":
            src.write_bytes(read.replace(b"foundation for VAEs", b"unrelated to it"))
        return stage(bar, desc, refresh)

    monkeypatch.setattr(tqdm.tqdm, "set_description_str", edit_while_writing)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the stages are told, to a terminal only
    code, _, err = cli("build", "--source", src, "--out", out, "--no-map")
    assert code == 0 and "Traceback" not in err
    assert err.splitlines()[-1] == (f"mlkg: {src} changed while the build ran: the build holds the text it read, "
                                    "which commands will call out of date; run `mlkg build` again")
    monkeypatch.undo()
    code, _, err = cli("prereqs", "vae", "--source", src, "--build", out)
    assert code == 0 and "is out of date" in err
    src.write_bytes(read)
    code, text, err = cli("prereqs", "vae", "--source", src, "--build", out)
    assert code == 0 and err == "" and "Autoencoder" in text  # answered from the build, which is in date again


def test_a_build_killed_before_any_change_it_makes_to_the_folder_is_cleaned_up_by_the_next(tmp_path, cli):
    """A build killed as it removed an old build left a folder without its mark or build.json, and every later
    build refused it as the user's ("not a build of mlkg's … move it away"), until removed by hand.  Killed before
    each of its calls that change the folder, the next build goes through and leaves the two newest builds."""
    made = tmp_path / "made"
    for _ in range(3):
        assert cli("build", "--out", made)[0] == 0
    killat = [sys.executable, str(ROOT / "tests" / "killat.py")]
    shutil.copytree(made, tmp_path / "probe", symlinks=True)
    counted = subprocess.run([*killat, "0", "build", "--out", str(tmp_path / "probe")], capture_output=True,
                             text=True, check=True)
    calls = int(counted.stderr.splitlines()[-1])
    assert calls > 10
    for n in range(1, calls + 2):
        out = tmp_path / f"out{n}"
        shutil.copytree(made, out, symlinks=True)
        killed = subprocess.run([*killat, str(n), "build", "--out", str(out)], capture_output=True)
        assert killed.returncode == (-signal.SIGKILL if n <= calls else 0)
        code, _, err = cli("build", "--out", out)
        assert code == 0, (n, err)
        assert len([p for p in (out / "builds").iterdir() if p.name != ".lock"]) == 2, n
