"""``make bench``: how fast mlkg is, from the seed to 10,000 entries.

For each corpus (the seed, the whole shared cheatsheet, and synthetic corpora
of 1,000 and 10,000 entries from ``benchmarks/synth.py``) it measures, as the
median of ``--repeat`` runs (5 by default: the same build varies by ±15% from minute
to minute on a shared machine):

* the stages of a build in one process: parse, mine, graph, RDF (Turtle), map HTML;
* ``mlkg build`` end to end as a user runs it, with its peak memory;
* the ``prerequisites`` named query on a pyoxigraph store and on rdflib's default
  in-memory store, loaded from the same export;
* ``mlkg prereqs ID`` on an already-built graph (wall time of the command);
* the map's time to interactive in headless Chromium (first frame drawn, physics
  not running), read from the page's own timings.

It prints a Markdown table and the targets of the scale issue.  Nothing here
asserts a time: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import synth  # noqa: E402

MLKG = [sys.executable, "-m", "mlkg"]


def median_time(fn, repeat: int, back_to_back: bool = False) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, each after a full collection, or (``back_to_back``) all
    after one, with the collector off while they run.

    Queries are timed back to back: a collection of the whole heap (a loaded 10k graph) right before a
    query of a few milliseconds leaves the CPU caches cold, and rdflib's time then depends on whether
    a collection falls inside it; both engines are timed the same way.
    """
    times, value = [], None
    gc.collect()
    paused = back_to_back and gc.isenabled()
    if paused:
        gc.disable()
    try:
        for _ in range(repeat):
            if not back_to_back:
                gc.collect()
            t = time.perf_counter()
            value = fn()
            times.append(time.perf_counter() - t)
    finally:
        if paused:
            gc.enable()
    return statistics.median(times), value


def stages(path: Path, repeat: int) -> dict[str, float]:
    """Parse, mine, graph, RDF and map times of one build in one process, no forks (median of ``repeat``).

    This is the work each stage does; ``mlkg build`` spreads it over two
    cores on large corpora, so its wall time is less than the sum.
    """
    from mlkg import rdf
    from mlkg.curation import load_curation
    from mlkg.graph import KnowledgeGraph, add_relations, build_graph
    from mlkg.mine import mine
    from mlkg.parse import expand_paths, parse_paths
    from mlkg.paths import default_curation
    from mlkg.perf import gc_paused
    from mlkg.viz import map_html

    rows: dict[str, list[float]] = {k: [] for k in ("parse", "mine", "graph", "rdf", "map")}
    for _ in range(repeat):
        gc.collect()
        with gc_paused():
            files = expand_paths([path])
            cur = load_curation(default_curation())
            t0 = time.perf_counter()
            corpus = parse_paths(files, renames=cur.renames, parallel=False)
            t1 = time.perf_counter()
            relations, report = mine(corpus, cur, parallel=False)
            t2 = time.perf_counter()
            g = build_graph(corpus)
            add_relations(g, relations)
            kg = KnowledgeGraph(g, corpus, files, report, cur)
            t3 = time.perf_counter()
        rdf.turtle(kg)
        t4 = time.perf_counter()
        map_html(kg)
        t5 = time.perf_counter()
        for k, v in zip(rows, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            rows[k].append(v)
    return {k: statistics.median(v) for k, v in rows.items()}


def build_command(path: Path, out: Path, repeat: int) -> tuple[float, float]:
    """Median wall time of ``mlkg build`` and the peak memory of its processes together (MiB).

    Memory is the proportional set size (PSS) summed over the command and its
    forked children, sampled every 20 ms in one more run (not timed): pages
    the children share with their parent count once, as they take physical
    memory once.
    """
    times, peaks = [], []
    for sample in [False] * repeat + [True]:  # timed runs first, then one run sampling memory
        t = time.perf_counter()
        proc = subprocess.Popen([*MLKG, "build", "--source", str(path), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, "MLKG_BUILD_DIR": str(out)})
        peak = 0
        while sample and proc.poll() is None:
            peak = max(peak, _tree_pss(proc.pid))
            time.sleep(0.02)
        proc.wait()
        if proc.returncode:
            raise SystemExit(f"mlkg build failed: {proc.stderr.read().decode()}")
        if sample:
            peaks.append(peak / 1024)
        else:
            times.append(time.perf_counter() - t)
    return statistics.median(times), max(peaks)


def _tree_pss(pid: int) -> int:
    """PSS in KiB of a process and all its descendants (0 for those that already left)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def query_latency(path: Path, repeat: int) -> tuple[float, float, str]:
    """The prerequisites query on pyoxigraph and on rdflib's default store, same triples."""
    import mlkg
    from mlkg.sparql import named_queries, run_query

    kg = mlkg.load(path)
    order = sorted(kg.entries, key=lambda c: len(kg.prerequisites(c)))
    concept = order[-1]  # the one with the longest chain
    q = named_queries()["prerequisites"]
    run_query(kg, q, {"concept": concept})            # build the stores outside the timing
    run_query(kg, q, {"concept": concept}, engine="rdflib")
    ox, _ = median_time(lambda: run_query(kg, q, {"concept": concept}), repeat, back_to_back=True)
    rl, _ = median_time(lambda: run_query(kg, q, {"concept": concept}, engine="rdflib"), repeat, back_to_back=True)
    return ox, rl, concept


def prereqs_command(path: Path, out: Path, concept: str, repeat: int) -> float:
    env = {**os.environ, "MLKG_BUILD_DIR": str(out)}
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([*MLKG, "prereqs", concept, "--source", str(path)], check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def time_to_interactive(html: Path, repeat: int) -> float | None:
    """Seconds from navigation to the map's ready mark (drawn, physics stopped), median of ``repeat``."""
    try:
        from browser import launch, open_map
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        browser = launch(p)
        if browser is None:
            return None
        values = []
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            view = open_map(context, html, ready=True)
            values.append(view.js("mlkg.timings.ready") / 1000)
            context.close()
        browser.close()
    return statistics.median(values)


def corpora(work: Path) -> list[tuple[str, Path]]:
    out = [("seed", ROOT / "data" / "13-generative-models.md")]
    shared = os.environ.get("MLKG_SHARED_CHEATSHEETS") or str(ROOT.parent / "shared" / "cheatsheets")
    if Path(shared).is_dir():
        out.append(("shared", Path(shared)))
    for n in (1000, 10000):
        d = work / f"synth-{n}"
        if not d.is_dir() or len(list(d.glob("*.md"))) == 0:
            synth.write(n, d, seed=0, clean=True)
        out.append((f"{n // 1000}k", d))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "mlkg-bench"))
    parser.add_argument("--only", nargs="*", help="corpora to run (seed, shared, 1k, 10k)")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, path in corpora(work):
        if args.only and name not in args.only:
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        out = work / f"out-{name}"
        st = stages(path, args.repeat)
        total, peak = build_command(path, out, args.repeat)
        ox, rl, concept = query_latency(path, args.repeat)
        pq = prereqs_command(path, out, concept, args.repeat)
        tti = time_to_interactive(out / "map.html", args.repeat)
        rows.append((name, st, total, peak, ox, rl, pq, tti))
    header = ("| corpus | parse | mine | graph | RDF | map | `mlkg build` | peak MiB | query oxigraph | "
              "query rdflib | speed-up | `mlkg prereqs` | map interactive |")
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    for name, st, total, peak, ox, rl, pq, tti in rows:
        print(f"| {name} | {st['parse']:.2f} s | {st['mine']:.2f} s | {st['graph']:.2f} s | {st['rdf']:.2f} s | "
              f"{st['map']:.2f} s | {total:.2f} s | {peak:.0f} | {ox * 1000:.1f} ms | {rl * 1000:.0f} ms | "
              f"{rl / ox:.0f}× | {pq:.2f} s | {'n/a' if tti is None else f'{tti:.2f} s'} |")
    by = {r[0]: r for r in rows}
    if "10k" in by:
        _, _, total, peak, ox, rl, pq, tti = by["10k"]
        print()
        print("Targets (scale issue), 10k entries:")
        print(f"- mlkg build ≤ 5 s: {total:.2f} s {'✓' if total <= 5 else '✗'}; peak ≤ 1 GiB: {peak:.0f} MiB "
              f"{'✓' if peak <= 1024 else '✗'}")
        if "1k" in by:
            ratio = total / by["1k"][2]
            print(f"- 1k → 10k costs ≤ 11×: {ratio:.1f}× {'✓' if ratio <= 11 else '✗'}")
        print(f"- prerequisites query ≥ 30× faster than rdflib: {rl / ox:.0f}× {'✓' if rl / ox >= 30 else '✗'}")
        print(f"- mlkg prereqs ≤ 0.5 s: {pq:.2f} s {'✓' if pq <= 0.5 else '✗'}")
        if tti is not None:
            print(f"- map interactive ≤ 5 s: {tti:.2f} s {'✓' if tti <= 5 else '✗'}")
    if "shared" in by and by["shared"][7] is not None:
        print(f"- shared corpus map interactive ≤ 1 s: {by['shared'][7]:.2f} s {'✓' if by['shared'][7] <= 1 else '✗'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
