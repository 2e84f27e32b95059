"""``make bench``: how mlkg's build grows with the corpus, on corpora of two different shapes.

Corpora: the seed, the public cheatsheet (``$MLKG_SHARED_CHEATSHEETS``), and
1k, 10k and 100k entries from two generators written apart from each other:
``synth.py`` (cheatsheets like the public one) and ``hard.py`` (written to
break the build: forward references, reversed cues, dense cycles, long
entries, many acronyms, names that are common words).

For every corpus, ``mlkg build`` runs as a user runs it (a new process, every
output), and the table gives its wall time, CPU time (user + system, steadier
than wall time on a shared machine) and peak resident memory, each the median
of ``--repeat`` runs, and the growth of CPU time and memory per tenfold.
Then, on the larger corpora: the stages of one build in one process, the
``prerequisites`` named query on pyoxigraph and on rdflib, ``mlkg prereqs`` on
a built graph, and the map's time to interactive in headless Chromium.
Nothing here asserts a time: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
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

MLKG = [sys.executable, "-m", "mlkg"]
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one command, from the kernel's own accounting (wait4)."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def build(path: Path, out: Path, repeat: int) -> dict[str, float]:
    env = {**os.environ, "MLKG_BUILD_DIR": str(out)}
    runs = [run_measured([*MLKG, "build", "--source", str(path), "--out", str(out)], env) for _ in range(repeat)]
    return {"wall": statistics.median(r[0] for r in runs), "cpu": statistics.median(r[1] for r in runs),
            "rss": statistics.median(r[2] for r in runs)}


def stages(path: Path) -> dict[str, float]:
    """CPU seconds of each stage of one build, in this process."""
    from mlkg import knowledge
    from mlkg.read import read
    from mlkg.views import rdf
    from mlkg.views.map import write_map

    out = {}
    with knowledge.collector_paused():
        t = time.process_time()
        corpus = read([path])
        out["read"] = time.process_time() - t
        t = time.process_time()
        kg = knowledge.build(corpus)
        out["mine + graph"] = time.process_time() - t
        t = time.process_time()
        with open(os.devnull, "wb") as sink:  # streamed, as a build writes it
            rdf.serialize(kg, "ttl", output=sink)
        out["turtle"] = time.process_time() - t
        t = time.process_time()
        with tempfile.TemporaryDirectory() as folder:  # streamed, as a build writes it (map_html would hold it whole)
            write_map(kg, Path(folder) / "map.html")
        out["map"] = time.process_time() - t
    return out


def queries(path: Path, out: Path, repeat: int) -> dict[str, float]:
    """The prerequisites query on both engines, and ``mlkg prereqs`` after a build, for the longest chain."""
    import mlkg
    from mlkg.views.sparql import named_queries, run_query

    kg = mlkg.load(path)
    concept = max(kg.entries, key=lambda c: len(kg.requires_index[0][c]) and len(kg.prerequisites(c)))
    q = named_queries()["prerequisites"]
    timings = {}
    for engine in ("oxigraph", "rdflib"):
        run_query(kg, q, {"concept": concept}, engine=engine)  # the store is built outside the timing
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            run_query(kg, q, {"concept": concept}, engine=engine)
            times.append(time.perf_counter() - t)
        timings[engine] = statistics.median(times)
    env = {**os.environ, "MLKG_BUILD_DIR": str(out)}
    timings["prereqs"] = statistics.median(
        run_measured([*MLKG, "prereqs", concept, "--source", str(path)], env)[0] for _ in range(repeat))
    return timings


def time_to_interactive(html: Path, repeat: int) -> float | None:
    """Seconds from navigation to the map's ready mark (drawn, physics stopped), median of ``repeat``."""
    try:
        import browser as pages
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    pages.READY_TIMEOUT_MS = 600_000  # a 100k map may take minutes; the bench reports it, whatever it is
    with sync_playwright() as p:
        browser = pages.launch(p)
        if browser is None:
            return None
        values = []
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            view = pages.open_map(context, html, ready=True)
            values.append(view.js("mlkg.timings.ready") / 1000)
            context.close()
        browser.close()
    return statistics.median(values)


def corpora(work: Path, sizes: list[str], generators: list[str]) -> list[tuple[str, str, Path]]:
    out = [("seed", "", ROOT / "data" / "13-generative-models.md")]
    shared = os.environ.get("MLKG_SHARED_CHEATSHEETS") or str(ROOT.parent / "shared" / "cheatsheets")
    if Path(shared).is_dir():
        out.append(("shared", "", Path(shared)))
    for gen in generators:
        for size in sizes:
            d = work / f"{gen}-{size}"
            if not any(d.glob("*.md")):  # in a process of its own: a build's peak memory must not count it
                subprocess.run([sys.executable, str(ROOT / "benchmarks" / f"{gen}.py"), str(SIZES[size]), str(d),
                                "--clean"], check=True, stdout=subprocess.DEVNULL)
            out.append((gen, size, d))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (100k: once)")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "mlkg-bench"))
    parser.add_argument("--sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--generators", nargs="*", default=["synth", "hard"])
    parser.add_argument("--no-browser", action="store_true", help="skip the map's time to interactive")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for gen, size, path in corpora(work, args.sizes, args.generators):
        name = f"{gen} {size}".strip()
        print(f"… {name}", file=sys.stderr, flush=True)
        out = work / f"out-{gen}-{size}"
        rows.append((gen, size, name, path, out, build(path, out, 1 if size == "100k" else args.repeat)))

    print("| corpus | `mlkg build` wall | CPU (user + sys) | peak RSS | CPU growth per 10× | RSS growth per 10× |")
    print("|---|---|---|---|---|---|")
    previous: dict[str, dict[str, float]] = {}
    for gen, size, name, _, _, b in rows:
        before = previous.get(gen) if size in ("10k", "100k") else None
        growth = (f"{b['cpu'] / before['cpu']:.1f}×", f"{b['rss'] / before['rss']:.1f}×") if before else ("", "")
        print(f"| {name} | {b['wall']:.2f} s | {b['cpu']:.2f} s | {b['rss']:.0f} MiB | {growth[0]} | {growth[1]} |")
        if size:
            previous[gen] = b

    print("\n| corpus | read | mine + graph | Turtle | map | prerequisites query: oxigraph | rdflib | "
          "`mlkg prereqs` | map interactive |")
    print("|---|---|---|---|---|---|---|---|---|")
    for gen, size, name, path, out, _ in rows:
        if size == "1k" or (size == "100k" and gen != "hard"):
            continue
        st = stages(path)
        q = queries(path, out, args.repeat) if size != "100k" else None
        tti = None if args.no_browser else time_to_interactive(out / "map.html", 1 if size == "100k" else 3)
        qtext = (f"{q['oxigraph'] * 1000:.1f} ms | {q['rdflib'] * 1000:.0f} ms | {q['prereqs']:.2f} s"
                 if q else "– | – | –")
        print(f"| {name} | {st['read']:.2f} s | {st['mine + graph']:.2f} s | {st['turtle']:.2f} s | "
              f"{st['map']:.2f} s | {qtext} | {'n/a' if tti is None else f'{tti:.2f} s'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
