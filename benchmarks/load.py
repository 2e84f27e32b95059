"""Load test of ``mlkg serve``: many clients at once while pathological queries run beside them.

    python benchmarks/load.py                    # 200 clients x 20 requests, 4 cross products beside them
    python benchmarks/load.py --clients 50 --requests 10 --pathological 0

Starts ``mlkg serve`` (the real command, in its own process, with its default
settings) on the shared corpus (``MLKG_SHARED_CHEATSHEETS``) or else the
shipped seed, then runs ``--clients`` threads that each make ``--requests``
requests, one new connection each: the map, concept pages, concept RDF, the
JSON API, named queries and small SPARQL queries.  Beside them,
``--pathological`` threads keep sending cross products (each honours the
Retry-After it gets, unless ``--impatient``).  Every request waits at most ``--deadline`` seconds.

Prints how many requests were answered and lost (no answer within the
deadline, or a refused or reset connection), the p50, p99 and slowest
latency, the answers by status (503s apart), what the pathological queries
got, and how many connections overflowed the kernel's listen queue meanwhile
(Linux).  Exit status 1 if any request was lost or answered with a 5xx other
than 503.  Not part of the test suite; ``main(argv)`` is importable.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "13-generative-models.md"
CROSS = [  # each needs minutes on the shared corpus; the server's time and memory limits must stop them
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT ?c ?f (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } GROUP BY ?c ?f",
    "SELECT (GROUP_CONCAT(STR(?c)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1",
]


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped because a listen queue was full (Linux), or None."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return None


def start_server(source: Path, extra: list[str]) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "mlkg", "serve", "--source", str(source), "--port", "0", "--quiet", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    line = proc.stdout.readline()
    m = re.search(r"http://[\d.]+:\d+/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"mlkg serve did not start: {line}{proc.stderr.read()}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep its pipes drained
    return proc, m.group(0)


def fetch(base: str, method: str, path: str, headers: dict[str, str], body: bytes | None, deadline: float):
    """(status, headers, seconds) of one request on a new connection; raises OSError or HTTPException when there
    is no answer (none in time, a refused or reset connection, half an answer)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=deadline)
    start = time.perf_counter()
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        headers = dict(resp.getheaders())
        if resp.status >= 500:  # why, in a few words
            headers["reason"] = re.sub(r"\d+(\.\d+)?", "N", body.decode("utf-8", "replace"))[:90].strip()
        return resp.status, headers, time.perf_counter() - start
    finally:
        conn.close()


def get_json(base: str, path: str):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        conn.request("GET", path)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def sparql_get(query: str, accept: str = "application/sparql-results+json") -> tuple:
    return "GET", "/sparql?" + urllib.parse.urlencode({"query": query}), {"Accept": accept}, None


def request_mix(concepts: list[str]) -> list[tuple]:
    """The requests clients make, in turn: pages, the API, named queries and small SPARQL."""
    mix: list[tuple] = []
    for i, cid in enumerate(concepts):
        iri = f"<https://mlkg.dev/id/concept/{cid}>"
        mix += [
            ("GET", f"/concept/{cid}", {"Accept": "text/html"}, None),
            ("GET", f"/api/concept/{cid}", {}, None),
            ("GET", f"/api/prereqs/{cid}", {}, None),
            ("GET", f"/api/search?q={urllib.parse.quote(cid[:4])}", {}, None),
            sparql_get(f"ASK {{ {iri} ?p ?o }}"),
            sparql_get(f"SELECT ?p ?o WHERE {{ {iri} ?p ?o }} LIMIT 20", "text/csv"),
            ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Accept": "text/turtle"},
             f"DESCRIBE {iri}".encode()),
            ("GET", f"/api/run/prerequisites?concept={cid}", {}, None),
            ("GET", f"/concept/{cid}", {"Accept": "text/turtle"}, None),
        ]
        if i % 4 == 0:
            mix.append(("GET", "/", {}, None))  # the map, the largest page
    return mix


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--requests", type=int, default=20, help="requests per client")
    ap.add_argument("--pathological", type=int, default=4, help="threads sending cross products meanwhile")
    ap.add_argument("--impatient", action="store_true",
                    help="pathological clients ignore Retry-After and send again at once")
    ap.add_argument("--deadline", type=float, default=60.0, help="seconds a request may wait for its answer")
    ap.add_argument("--source", type=Path, default=None,
                    help="cheatsheets to serve (default: $MLKG_SHARED_CHEATSHEETS, else the shipped seed)")
    ap.add_argument("serve_args", nargs="*", help="more arguments for mlkg serve (after --)")
    args = ap.parse_args(argv)
    source = args.source or Path(os.environ.get("MLKG_SHARED_CHEATSHEETS") or SEED)

    proc, base = start_server(source, args.serve_args)
    try:
        every = "SELECT ?c WHERE { ?c a mlkg:Concept } ORDER BY ?c"
        rows = get_json(base, "/sparql?" + urllib.parse.urlencode({"query": every}))["results"]["bindings"]
        concepts = [urllib.parse.unquote(r["c"]["value"].rsplit("/", 1)[1]) for r in rows]
        fetch(base, "GET", "/", {}, None, 120)  # the map is built on its first request: not part of the test
        mix = request_mix(concepts)

        results: list[tuple[int | None, float, str]] = []  # (status or None if lost, seconds, what)
        reasons: Counter = Counter()  # why clients got a 5xx
        patho: Counter = Counter()
        lock = threading.Lock()
        stop = threading.Event()
        go = threading.Barrier(args.clients + args.pathological + 1)

        def client(k: int) -> None:
            go.wait()
            for j in range(args.requests):
                method, path, headers, body = mix[(k * args.requests + j * 7) % len(mix)]
                start = time.perf_counter()
                try:
                    status, answer, took = fetch(base, method, path, headers, body, args.deadline)
                    if "reason" in answer:
                        with lock:
                            reasons[f"{status} {answer['reason']}"] += 1
                except (OSError, http.client.HTTPException) as exc:
                    status, took = None, time.perf_counter() - start
                    path = f"{path} ({type(exc).__name__})"
                with lock:
                    results.append((status, took, f"{method} {path[:60]}"))

        def pathological(k: int) -> None:
            go.wait()
            while not stop.is_set():
                try:
                    status, headers, _ = fetch(base, *sparql_get(CROSS[k % len(CROSS)]), args.deadline)
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        patho[type(exc).__name__] += 1
                    continue
                with lock:
                    patho[status] += 1
                if status == 503 and "Retry-After" in headers and not args.impatient:
                    stop.wait(float(headers["Retry-After"]))

        before = listen_overflows()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        others = [threading.Thread(target=pathological, args=(k,), daemon=True) for k in range(args.pathological)]
        for t in threads + others:
            t.start()
        go.wait()
        began = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
        stop.set()
        after = listen_overflows()
        for t in others:  # those waiting for a long query's answer are let go with the server
            t.join(0.1)

        answered = [r for r in results if r[0] is not None]
        lost = [r for r in results if r[0] is None]
        times = sorted(t for _, t, _ in answered)
        by_status = Counter(s for s, _, _ in answered)
        q = statistics.quantiles(times, n=100) if len(times) >= 2 else times * 99
        print(f"mlkg serve on {source} ({len(concepts)} concepts); {args.clients} clients x {args.requests} "
              f"requests, {args.pathological} pathological queries beside them")
        print(f"requests: {len(results)}  answered: {len(answered)}  lost: {len(lost)}  in {wall:.1f} s")
        if times:
            print(f"latency: p50 {q[49] * 1000:.0f} ms  p99 {q[98] * 1000:.0f} ms  slowest {times[-1] * 1000:.0f} ms")
        print("answers: " + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items())) +
              f"  (503: {by_status.get(503, 0)})")
        for reason, n in reasons.most_common(5):
            print(f"  {n} x {reason}")
        print("pathological queries got: " + (", ".join(f"{s}: {n}" for s, n in sorted(patho.items(), key=str))
                                              or "nothing yet"))
        if before is not None and after is not None:
            print(f"listen queue overflows meanwhile: {after - before}")
        for _, took, what in lost[:10]:
            print(f"  lost after {took:.1f} s: {what}")
        failed = [r for r in answered if r[0] >= 500 and r[0] != 503]
        for status, took, what in failed[:10]:
            print(f"  {status} after {took:.1f} s: {what}")
        return 1 if lost or failed else 0
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
