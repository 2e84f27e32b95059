"""Large inputs are split between forked processes; the answers must be the same as in one process.

mlkg only forks where no other thread runs (a fork can copy a lock that
another thread holds), and the suite's browser fixtures keep a thread
alive, so each check runs in a fresh interpreter and reports by exit code.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import SEED, entry, sheet


def run_fresh(code: str, *args: str) -> str:
    """Run ``code`` in a new interpreter that must be able to fork; fail with its stderr if it fails."""
    prelude = "import sys\nfrom mlkg import perf\nassert perf.can_fork(), 'cannot fork here'\n"
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


PARSE = """
from mlkg.errors import CheatsheetError
from mlkg.parse import parse_paths

files = sys.argv[1:]
def parsed(parallel):
    return parse_paths(files, parallel=parallel).documents  # every heading, entry, field and line

def problems(parallel):
    try:
        parse_paths(files + ["{broken}", "{duplicate}"], parallel=parallel)
    except CheatsheetError as exc:
        return exc.lines()
    raise AssertionError("no error")

assert parsed(True) == parsed(False)
assert problems(True) == problems(False)
print(problems(True))
"""


def test_parsing_in_two_processes_gives_the_same_entries_and_problems(write):
    files = [write(sheet(entry(f"{k}.1.1", f"Topic {k}"), section=str(k)), f"{k}.md") for k in range(1, 5)]
    broken = write(sheet(entry("8.1.1", "Empty", full=""), section="8"), "8.md")
    duplicate = write(sheet(entry("9.1.1", "Topic 1"), section="9"), "9.md")
    out = run_fresh(PARSE.format(broken=broken, duplicate=duplicate), *map(str, files))
    assert "empty **Full Explanation:**" in out and "duplicate ID 'topic-1'" in out


MINE = """
from mlkg.curation import load_curation
from mlkg.mine import mine
from mlkg.parse import expand_paths, parse_paths
from mlkg.paths import default_curation

curation = load_curation(default_curation())
corpus = parse_paths(expand_paths(sys.argv[1:]), renames=curation.renames)
relations = [[r.attrs() | {"pair": (r.source, r.target)} for r in mine(corpus, curation, parallel=p)[0]]
             for p in (False, True)]
assert relations[0] == relations[1]
assert any(r["rule"] == "shared-vocabulary" for r in relations[0])
print(len(relations[0]))
"""


@pytest.mark.parametrize("corpus", ["seed", pytest.param("shared", marks=pytest.mark.shared)])
def test_mining_in_three_processes_finds_what_one_process_does(request, corpus):
    """Sibling similarity and half of the text search go to forked children."""
    path = SEED if corpus == "seed" else request.getfixturevalue("shared")
    assert int(run_fresh(MINE, str(path))) > 20


BUILD = """
from pathlib import Path
from mlkg import build, cache

out = Path(sys.argv[1])
serial = build.build_outputs([sys.argv[2]], None, out / "serial")
perf.PARALLEL_FROM = 0
parallel = build.build_outputs([sys.argv[2]], None, out / "parallel")
for name in ("graph.json", "graph.ttl", "map.html"):
    assert (out / "serial" / name).read_bytes() == (out / "parallel" / name).read_bytes(), name
assert serial.files.keys() == parallel.files.keys()
plans = [cache.load_cached([sys.argv[2]], out=out / d, light=True) for d in ("serial", "parallel")]
assert all(type(p).__name__ == "ChainIndex" for p in plans)
assert [plans[0].prerequisites(c) for c in plans[0].entries] == \\
    [plans[1].prerequisites(c) for c in plans[1].entries]
"""


def test_a_parallel_build_writes_what_a_serial_one_does(tmp_path):
    """From PARALLEL_FROM concepts on, mining and the outputs are split between processes."""
    run_fresh(BUILD, str(tmp_path), str(SEED))


FAILING = """
from pathlib import Path
from mlkg import build, viz
from mlkg.errors import InputError, MlkgError

out = Path(sys.argv[1])
build.build_outputs([sys.argv[2]], None, out)
before = {p.name: p.read_bytes() for p in out.iterdir()}

def broken(*args, **kwargs):
    raise InputError("disk full (simulated)")

perf.PARALLEL_FROM = 0
viz.write_map = broken  # the map is written by a forked child
try:
    build.build_outputs([sys.argv[2]], None, out)
    raise AssertionError("the build did not fail")
except MlkgError as exc:
    assert "disk full" in str(exc), exc
assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # every file as it was, no leftovers
"""


def test_a_failing_output_process_fails_the_build_and_keeps_the_previous_build(tmp_path):
    run_fresh(FAILING, str(tmp_path / "o"), str(SEED))



@pytest.mark.parametrize("corpus", ["seed", pytest.param("shared", marks=pytest.mark.shared)])
def test_what_a_child_sends_back_as_tuples_is_rebuilt_exactly(request, corpus):
    """Children pickle plain rows (``Forked(pack=, unpack=)``); the parent must rebuild equal objects."""
    from mlkg.curation import load_curation
    from mlkg.lexicon import build_lexicon
    from mlkg.mine import Miner, _pack_mentions, _unpack_mentions
    from mlkg.parse import _pack, _parse_file, _unpack, expand_paths, parse_paths
    from mlkg.paths import default_curation

    files = expand_paths([SEED if corpus == "seed" else request.getfixturevalue("shared")])
    for k in range(len(files)):
        parsed = _parse_file(k, files)
        assert parsed[0] is not None and _unpack(_pack(parsed)) == parsed
    corpus = parse_paths(files, renames=load_curation(default_curation()).renames, parallel=False)
    found = Miner(corpus, build_lexicon(corpus))._text_mentions(0, 3 * len(corpus.entries))
    assert found[0] and _unpack_mentions(_pack_mentions(found)) == found


def test_work_deferred_to_a_wait_runs_once():
    """``mine(meanwhile=perf.Now(...))`` builds the hierarchy while a child searches; asked again, it is not redone."""
    from mlkg import perf

    calls = []
    later = perf.Now(lambda x: calls.append(x) or len(calls), "a")
    assert (later.result(), later.result(), calls) == (1, 1, ["a"])


SPILL = """
import glob, os, tempfile

before = set(glob.glob(os.path.join(tempfile.gettempdir(), "mlkg-result-*")))
big = perf.Forked(os.urandom, perf.SPILL_BYTES + 1, nice=19)   # more than fits in the pipe: a file
parts = perf.Forked(lambda: (b"a" * perf.SPILL_BYTES, b"", b"b" * 3), nice=19)  # a tuple of bytes: a file too
small = perf.Forked(bytes, 10)
failing = perf.Forked(int, "not a number")
data = big.result()
assert len(data) == perf.SPILL_BYTES + 1 and small.result() == bytes(10)
assert big.result() is data  # kept, not asked for again
first, last = perf.Part(parts, 0), perf.Part(parts, 2)  # each reader takes its own part
assert (last.result(), first.result()) == (b"bbb", b"a" * perf.SPILL_BYTES)
try:
    failing.result()   # redone here, so the error is this process's own
    raise AssertionError("no error")
except ValueError:
    pass
assert set(glob.glob(os.path.join(tempfile.gettempdir(), "mlkg-result-*"))) == before  # nothing left behind
"""


def test_large_results_come_back_whole_through_a_file_that_is_then_removed():
    """A niced child's large result goes through a file: through the pipe it waits for CPU every 64 KiB."""
    run_fresh(SPILL)


SHARED = """
import os, time
from mlkg.perf import Now, Tasks, shared

parent = os.getpid()

def square(i, offset, die_at=None):
    if os.getpid() != parent and i == die_at:
        os._exit(1)  # the child dies holding the tasks it took
    return (i * i + offset, os.getpid() == parent)

late = Now(time.sleep, 0.3)  # this process starts after the child
for die_at in (None, 10):
    done = shared(square, 40, 1, die_at, meanwhile=late)
    assert [value for value, _ in done] == [i * i + 1 for i in range(40)]
    assert all(here for _, here in done) == (die_at is not None)  # the child's share, or all of it redone here
    late = Now(time.sleep, 0.3)
assert shared(square, 0, 1) == []

def fails_here(i):
    if os.getpid() == parent:
        raise ValueError("failed here")
    time.sleep(0.05)

try:
    shared(fails_here, 40)
    raise AssertionError("no error")
except ValueError:
    pass
import multiprocessing
assert not multiprocessing.active_children()  # the child was stopped, not left working
many = Tasks.MAX + 5  # more numbers than the pipe holds: each task is a run of them
assert [value for value, _ in shared(square, many, 0, pack=tuple, unpack=tuple)] == [i * i for i in range(many)]
"""


def test_shared_work_is_whole_and_in_order_whoever_does_it():
    """``perf.shared`` hands out numbers through a pipe; a child that dies loses nothing."""
    run_fresh(SHARED)
