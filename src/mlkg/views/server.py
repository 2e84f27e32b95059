"""``mlkg serve``: the map, concept pages, a JSON API and a read-only SPARQL 1.1 endpoint.

The standard library's threading HTTP server is enough for a local tool and
keeps web frameworks out of every other command; a listen backlog of 1,024
lets hundreds of clients connect at once.  SPARQL runs in worker processes
that each hold a pyoxigraph store (:class:`QueryPool`): a query is stopped by
stopping its worker, which a fresh one replaces, so a query can never hang
the server, exhaust its memory or crash it.

Each worker runs one query at a time with a time limit and an address-space
limit, and can open no file or socket.  Every query starts in the *quick
lane*; one still running after ``quick`` seconds moves to the *long lane*,
which holds ``long_queries`` at a time, so long queries cannot take the
workers that short ones need.  Requests wait for a worker in a bounded
queue; beyond it, and when the long lane is full, the answer is 503 with
Retry-After.  Pages, the map and the JSON API never wait for SPARQL.

Safety: binds to 127.0.0.1 by default; exactly one Host header, naming this
server (DNS rebinding); CORS is off unless asked for; SPARQL Update gets 403
and ``SERVICE`` is refused, so no request ever leaves the machine; request
bodies, addresses, query sizes and result sizes are bounded, and so are the
time a request may take to arrive and the connections open at once; every page
escapes its text (Jinja2 autoescape); every answer, the standard library's
own error pages too, carries a Content-Security-Policy that allows nothing
from other origins and no framing.  A client that goes away mid-request
costs one quiet log line, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gzip
import io
import ipaddress
import json
import math
import multiprocessing
import os
import queue
import re
import secrets
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pyoxigraph as ox

from ..errors import InputError, MlkgError, NoPathError, QueryError, UnknownConceptError
from ..graph import ConceptGraph, deciding_evidence, shown_title
from ..read import example_plain
from . import chains, rdf
from .live import Live
from .search import search
from .sparql import (
    MEDIA_FORMATS,
    UPDATE_KEYWORDS,
    ServiceRefusedError,
    TooManyResults,
    UpdateRefusedError,
    check_query,
    content_type,
    format_name,
    named_queries,
    on_big_stack,
    prepare,
    query_form,
    run_store,
    syntax_error,
)
from .text import concept_json

STATIC = Path(__file__).resolve().parent / "static"
CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {  # on every answer
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
FORMAT_HELP = "json, xml, csv, tsv, turtle, n3, nt, json-ld or rdf+xml (or a media type)"
_VOID = "http://rdfs.org/ns/void#"
_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0            # seconds per SPARQL query
    max_rows: int = 100_000          # SELECT rows / CONSTRUCT and DESCRIBE triples per response; more: 422
    max_body: int = 1 << 20          # bytes per request body
    max_url: int = 16_384            # bytes per request line
    workers: int = 2                 # SPARQL worker processes in the quick lane
    long_queries: int = 1            # queries that may run longer than `quick` at once (one worker each)
    quick: float = 0.5               # seconds after which a query moves to the long lane
    queue: int = 512                 # SPARQL requests that may wait for a worker; more get 503
    max_memory: int = 512            # MiB a query worker may grow by (address space); 0: no limit
    backlog: int = 1024              # connections the kernel may hold before they are accepted
    idle: float = 30.0               # seconds an idle or slow connection may hold its thread
    request_time: float = 30.0       # seconds a request may take to arrive whole, from its first byte
    max_connections: int = 1024      # connections open at once (a thread each); see Server.process_request
    max_streams: int = 64            # /events streams open at once, at most half of max_connections; more get 503
    cors: str | None = None          # an origin (or "*") to allow; None: no CORS headers
    allow_hosts: tuple[str, ...] = ()  # Host names to answer to besides this machine's own (--allow-host)
    base_iri: str | None = None
    quiet: bool = False

    @property
    def stream_limit(self) -> int:
        """The event streams kept open at once: ``max_streams``, but never more than half the connections.  A stream
        holds its connection for as long as its page is open and is never dropped to make room, so streams that
        could take every connection would shut out every other request, the map itself included."""
        return min(self.max_streams, self.max_connections // 2)


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None  # sent piece by piece after ``body`` (server-sent events)


GZIP_MIN = 1024
"""Bodies shorter than this (bytes) go as they are: gzip's header and a round trip cost more than they save."""
_COMPRESSIBLE = ("text/", "application/json", "application/sparql-results", "application/n-triples",
                 "application/rdf+xml", "application/ld+json", "application/javascript")


def takes_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header accepts gzip (named, or ``*``, with a q above 0); its weights are read as
    an Accept header's are (:func:`_accept_entries`)."""
    said = {coding: q for q, coding in _accept_entries(accept_encoding)}
    return said.get("gzip", said.get("x-gzip", said.get("*", 0.0))) > 0


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


_LOG_LOCK = threading.Lock()


_CONTROL_CHARS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}
"""C0, DEL and C1 escaped in a log line, as http.server escapes them since Python 3.11.1 (its table is private)."""


LOG_LIMIT = 1000
"""Characters of a request's log message kept: the rest is said to be there, not written."""


def log_line(text: str) -> None:
    """One log event on stderr, whole: its text and newline in one write, under a lock, so that lines from many
    threads never run together (``print`` writes the text and the newline separately)."""
    with _LOG_LOCK:
        try:
            sys.stderr.write(text.rstrip("\n") + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # no stderr to write to (closed, or a pipe nobody reads any more)
            pass


def _log_time() -> str:
    """The time as the request log writes it (``07/Dec/2026 01:27:18``)."""
    year, month, day, hh, mm, ss, *_ = time.localtime()
    return f"{day:02d}/{BaseHTTPRequestHandler.monthname[month]}/{year:04d} {hh:02d}:{mm:02d}:{ss:02d}"


def busy(message: str, retry_after: float) -> HTTPError:
    """503 with a Retry-After header (whole seconds, at least one)."""
    return HTTPError(503, message, {"Retry-After": str(max(1, math.ceil(retry_after)))})


# --- SPARQL workers --------------------------------------------------------------------------

def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _confine(memory_mib: int) -> None:  # pragma: no cover - runs in the worker
    """Cap the worker's address space at what it uses now plus ``memory_mib``, and let it open nothing more.

    The file-descriptor limit is set to the lowest free descriptor number, so
    no file or socket can be opened at all: a SERVICE that slipped through
    could not connect anywhere.  Where ``resource`` or ``/proc`` are missing
    (not Linux), the worker runs without these limits.
    """
    try:
        import resource
    except ImportError:
        return
    size = _address_space()
    if memory_mib and size:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + (memory_mib << 20)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    lowest_free = os.open(os.devnull, os.O_RDONLY)
    os.close(lowest_free)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, lowest_free))


def _worker_main(conn, data: bytes, base: str, prefixes: dict[str, str], memory_mib: int) -> None:  # pragma: no cover
    """Serve queries from ``conn`` against a store loaded once from ``data`` (Turtle)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops the workers itself
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.TURTLE)
    del data
    with contextlib.suppress(QueryError):  # load the checks' parser now, while files can still be opened
        check_query("ASK { SERVICE <urn:x:y> { } }")
    # from here on the server reports what happens to a worker (the engine's own last words when it runs out of
    # memory would only repeat it, with a Rust backtrace)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    on_big_stack(_worker_loop, conn, store, base, prefixes, memory_mib)


def _worker_loop(conn, store, base: str, prefixes: dict[str, str], memory_mib: int) -> None:  # pragma: no cover
    _confine(memory_mib)
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        text, formats, max_rows, dataset = job
        try:
            check_query(text)
            result = run_store(store, text, base, prefixes, max_rows, **_dataset(dataset))
            fmt = formats.get(result.kind)
            if fmt is None:  # the form the query turned out to have, in no format Accept takes
                reply: tuple = ("error", 406, not_acceptable(result.kind))
            else:
                reply = ("ok", result.kind, fmt, result.serialize(fmt))
        except (UpdateRefusedError, ServiceRefusedError) as exc:
            reply = ("error", 403, str(exc))
        except TooManyResults as exc:  # a sound query whose result is larger than the server sends: not 400
            reply = ("error", 422, exc.lines()[0])
        except QueryError as exc:  # too deep or long
            reply = ("error", 400, exc.lines()[0])
        except SyntaxError as exc:
            reply = ("error", 400, syntax_error(exc, text).lines()[0])
        except MemoryError:
            reply = ("memory",)
        except Exception as exc:  # the query's own failure, reported to the client
            reply = ("error", 400, f"query failed: {' '.join(str(exc).split())[:300]}")
        conn.send(reply)
        if reply[0] == "memory":  # a fresh worker is better than one that ran out
            return


def _dataset(dataset: tuple[tuple[str, ...], tuple[str, ...]] | None) -> dict[str, Any]:
    """pyoxigraph's query arguments for the protocol's default-graph-uri and named-graph-uri."""
    if not dataset:
        return {}
    default, named = dataset
    out: dict[str, Any] = {}
    if default or named:  # named graphs alone leave the default graph empty (SPARQL 1.1 Protocol, 2.1.4)
        out["default_graph"] = [ox.NamedNode(iri) for iri in default]
    if named:
        out["named_graphs"] = [ox.NamedNode(iri) for iri in named]
    return out


LONG_START_WAIT = 5.0
"""Seconds a long query waits for a long-lane worker being started, rather than being told the lane is full."""

# a string left open runs to the end of its line (its text): a pattern that needed its close looked for it from each
# quote again, and a 300 KB query of open quotes held the server for five minutes
_QUERY_TOKENS = re.compile("|".join([
    r'"""(?:\\[\s\S]|[^\\])*?(?:"""|\Z)', r"'''(?:\\[\s\S]|[^\\])*?(?:'''|\Z)",  # long strings
    r'"(?:[^"\\\n]|\\.)*"?', r"'(?:[^'\\\n]|\\.)*'?",  # strings
    r'<[^<>"{}|^`\\\s]*>',  # IRIs
    r"(#[^\n]*)", r"(\s+)",  # a comment, spacing
]))


def _query_shape(text: str) -> str:
    """A query without its comments, its spacing made single: what a server remembers as slow.  A random
    comment added to each of the same heavy query made it new each time, each held a quick-lane worker, and a
    few clients kept every other query waiting."""
    return _QUERY_TOKENS.sub(lambda m: "" if m.group(1) else " " if m.group(2) else m.group(), text).strip()


def _one_line(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _context():
    """Workers forked from a fork server that has imported this module once: a new one starts in
    milliseconds rather than a second (spawned afresh on systems without fork)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__, "rdflib.plugins.sparql.parser"])
        return ctx
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, ctx, args, lane: str):
        self.lane = lane
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, *args), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> bool:
        try:
            return self.conn.poll(timeout) and self.conn.recv() == ("ready",)
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def retire(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        threading.Thread(target=self.process.join, daemon=True).start()

    def exit_reason(self, memory_mib: int) -> HTTPError:
        """What to tell the client whose query this worker died running."""
        self.process.join(2)
        code = self.process.exitcode
        if memory_mib and code == -signal.SIGABRT:  # an allocation past the worker's address-space limit
            return HTTPError(503, f"query stopped: it needed more than {memory_mib} MiB of memory; "
                                  "narrow it down or add a LIMIT")
        if code == -signal.SIGKILL:  # no limit of ours kills: the system's memory killer, or another process
            return HTTPError(503, "the query's worker was killed from outside (by the system, short of memory, or "
                                  "another process); a fresh one took its place: try again", {"Retry-After": "1"})
        return HTTPError(500, f"query worker stopped unexpectedly (exit code {code}); a fresh one took its place")


class QueryPool:
    """Worker processes, each with the whole store, in two lanes.

    ``size`` quick-lane workers take every query first.  A query still
    running after ``quick`` seconds moves to the long lane by swapping
    places with an idle long-lane worker (``long_slots`` of them), so the
    quick lane keeps its workers; with none idle, the query is stopped and
    answered 503 with Retry-After.  A query text that ran long before goes
    straight to the long lane.  At most ``queue_limit`` requests wait for a
    quick-lane worker.  A worker stopped for its time, its memory or a crash
    is replaced by a fresh one in the same lane.
    """

    def __init__(self, data: bytes, base: str, prefixes: dict[str, str], size: int = 2, *, long_slots: int = 1,
                 queue_limit: int = 512, quick: float = 0.5, memory_mib: int = 512, log=None):
        self._ctx = _context()
        self._log = log or (lambda message: None)
        self._args = (data, base, prefixes, memory_mib)
        self.memory_mib = memory_mib
        self.quick = quick
        self.queue_limit = max(1, queue_limit)
        self._idle: dict[str, queue.Queue[_Worker]] = {"quick": queue.Queue(), "long": queue.Queue()}
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._waiting = 0
        self._slow: OrderedDict[int, None] = OrderedDict()  # hashes of query texts that ran long
        self._starting = {"quick": 0, "long": 0}  # workers of each lane being started
        self._failures = 0
        self._closed = False
        for _ in range(max(1, size)):
            self._spawn("quick")
        for _ in range(max(0, long_slots)):
            self._spawn("long")

    # workers ---------------------------------------------------------------------------------
    def _spawn(self, lane: str) -> None:
        if self._closed:
            return
        worker = _Worker(self._ctx, self._args, lane)
        with self._lock:
            self._all.add(worker)
            self._starting[lane] += 1
        threading.Thread(target=self._when_ready, args=(worker,), daemon=True).start()

    def _when_ready(self, worker: _Worker) -> None:
        ready = worker.wait_ready(120.0)
        with self._lock:
            self._starting[worker.lane] -= 1
        if ready:
            self._failures = 0
            if not self._closed:
                self._idle[worker.lane].put(worker)
            return
        self._forget(worker)
        worker.kill()
        self._failures += 1
        if self._closed:
            return
        if self._failures > 5:
            log_line("mlkg: SPARQL workers fail to start; queries will be answered 503")
            return
        time.sleep(min(30.0, 2.0 ** self._failures))
        self._spawn(worker.lane)

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Stop a worker (whatever it is doing) and start a fresh one in its lane."""
        self._forget(worker)
        worker.kill()
        self._spawn(worker.lane)

    def _take_quick(self, wait: float) -> _Worker:
        with self._lock:
            if self._waiting >= self.queue_limit:
                raise busy(f"the server has {self._waiting} queries waiting already; try again shortly", 1)
            self._waiting += 1
        try:
            return self._idle["quick"].get(timeout=max(0.01, wait))
        except queue.Empty:
            raise busy(f"every query worker stayed busy for {wait:g} s; try again shortly", 1) from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _take_long(self, timeout: float) -> _Worker:
        try:
            # a long-lane worker being started (one stopped a query a moment ago) is waited for, not counted busy
            return self._idle["long"].get(timeout=LONG_START_WAIT) if self._starting["long"] else \
                self._idle["long"].get_nowait()
        except queue.Empty:
            raise busy("the server is already running as many long queries as it takes; "
                       f"try again in {math.ceil(timeout)} s, or narrow the query down", timeout) from None

    # queries ---------------------------------------------------------------------------------
    def run(self, text: str, formats: dict[str, str | None], max_rows: int, timeout: float,
            dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None) -> tuple[str, str, bytes]:
        """(kind, format, body); raises HTTPError: 400 or 403 for the query's own faults, 503 for time,
        memory or a busy server (with Retry-After where trying again can help), 500 for a crashed worker."""
        if self._closed:
            raise busy("the server is stopping", 5)
        key = hash((_query_shape(text), dataset))  # a comment or spacing changed makes no other query
        known_slow = key in self._slow
        worker = self._take_long(timeout) if known_slow else self._take_quick(timeout)
        start = time.monotonic()
        deadline = start + timeout
        try:
            worker.conn.send((text, formats, max_rows, dataset))
            if worker.lane == "quick" and not worker.conn.poll(min(self.quick, timeout)):
                self._remember_slow(key)
                try:
                    spare = self._idle["long"].get_nowait()
                except queue.Empty:
                    self._replace(worker)
                    worker = None
                    raise busy(f"the query ran longer than {self.quick:g} s and the server is already running "
                               f"as many long queries as it takes; try again in {math.ceil(timeout)} s, "
                               "or narrow it down", timeout) from None
                spare.lane, worker.lane = "quick", "long"  # the spare takes this worker's place in the quick lane
                self._idle["quick"].put(spare)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                worker = None
                self._log(f"query stopped after {timeout:g} s ({_one_line(text)})")
                raise HTTPError(503, f"query timed out after {timeout:g} s and was stopped; "
                                     "narrow it down or add a LIMIT")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            reason = worker.exit_reason(self.memory_mib)
            self._replace(worker)
            self._log(f"{reason.message} ({_one_line(text)})")
            raise reason from None
        except BaseException:
            if worker is not None:  # stopped midway for a reason of ours: it may still be busy, so not reused
                self._replace(worker)
            raise
        if reply[0] == "memory":  # the worker answered and exits
            self._replace(worker)
            self._log(f"query stopped: it needed more than {self.memory_mib} MiB of memory ({_one_line(text)})")
            raise HTTPError(503, f"query stopped: it needed more than {self.memory_mib} MiB of memory; "
                                 "narrow it down or add a LIMIT")
        if not self._closed:
            self._idle[worker.lane].put(worker)
        if time.monotonic() - start < 2 * self.quick:
            with self._lock:  # not that long after all (a busy moment): it may take the quick lane again
                self._slow.pop(key, None)
        if reply[0] == "error":
            raise HTTPError(reply[1], reply[2], {"Vary": "Accept"} if reply[1] == 406 else None)
        return reply[1], reply[2], reply[3]

    def _remember_slow(self, key: int) -> None:
        with self._lock:
            self._slow[key] = None
            self._slow.move_to_end(key)
            while len(self._slow) > 1024:
                self._slow.popitem(last=False)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = self._all, set()
        for w in workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in workers:
            w.process.join(1)
            if w.process.is_alive():
                w.kill()


# --- the application ---------------------------------------------------------------------

_QVALUE = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)\Z")


def _accept_entries(header: str | None) -> list[tuple[float, str]]:
    """(q, media type) of each entry of an Accept header, in its order, lower-cased.

    The first ``q=`` parameter (``Q=`` too: parameter names are case-insensitive) is the weight.  A weight that
    is no number (``q=abc``, ``q=``, ``q=nan``) counts as none, q=1, so that a malformed weight never turns
    what the client asked for into a refusal; one above 1 counts as 1.
    """
    out = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            name, _, value = b.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                if _QVALUE.match(value):
                    q = min(float(value), 1.0)
                break
        out.append((q, bits[0].lower()))
    return out


API_ROUTES = (
    ("/api/search?q=TEXT&limit=20", "/api/search?q=gan",
     "Concepts whose label, acronym or ID matches, then those whose explanations mention the text."),
    ("/api/concept/ID", "/api/concept/vae",
     "One concept: labels, section path, explanations, example, and its edges with evidence."),
    ("/api/prereqs/ID?depth=N", "/api/prereqs/stable-diffusion",
     'Every prerequisite in learning order: {"concept", "plan": [{"id", "label", "requires", "depth"}]}.'),
    ("/api/dependents/ID?depth=N", "/api/dependents/autoencoder", "What builds on the concept."),
    ("/api/learn/ID?known=A,B", "/api/learn/stable-diffusion?known=vae",
     "A learning plan skipping what you know, with reading times."),
    ("/api/path?from=A&to=B", "/api/path?from=ddpm&to=autoencoder",
     "The shortest explanation path, each step with its evidence."),
    ("/api/queries", "/api/queries", "The named SPARQL queries and their parameters."),
    ("/api/run/NAME?PARAM=VALUE&format=json", "/api/run/prerequisites?concept=vae",
     "Run a named query with its parameters bound safely; format is json, xml, csv or tsv (ttl, jsonld or nt for "
     "CONSTRUCT)."),
)
"""The JSON routes, as /api lists them: to a browser as a page, to a client that asks for JSON as JSON."""


def _accepts(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values respected, order kept on ties; q=0 left out)."""
    entries = _accept_entries(header)
    return [m for _, _, m in sorted((-q, i, m) for i, (q, m) in enumerate(entries) if q > 0)]


_KINDS = ("select", "construct")  # ASK results take SELECT's formats; DESCRIBE and the service description a graph's
_DEFAULTS = {"select": ("json", "xml", "csv", "tsv"), "construct": ("ttl", "nt", "jsonld", "xml", "n3")}


def _accepted(kind: str, entries: list[tuple[float, str]]) -> str | None:
    """The format of a ``kind`` result (select or construct) an Accept header's ``entries`` prefer; None if they
    take none of them.  No entries (no header, an empty one): the default.

    RFC 9110, 12.5.1: a format weighs what the most specific entry that matches it says: its own media type or
    another name clients give it (``application/json`` for SPARQL JSON results, JSON-LD for a graph), else its
    type's range (``text/*``), else ``*/*``; no match, or q=0, and it is not acceptable.  The heaviest format
    wins; between equals, one the header names beats one a range admits, the header's order decides between
    named ones, and ours (:data:`_DEFAULTS`) between the rest.
    """
    if not entries:
        return _DEFAULTS[kind][0]
    slot = _KINDS.index(kind)
    best: tuple[tuple[float, int, int], str] | None = None
    for rank, fmt in enumerate(_DEFAULTS[kind]):
        sent = content_type(kind, fmt).split(";")[0]
        own = [(q, i) for i, (q, m) in enumerate(entries) if m == sent]
        named = own or [(q, i) for i, (q, m) in enumerate(entries) if MEDIA_FORMATS.get(m, (None, None))[slot] == fmt]
        if named:
            q, i = max(named, key=lambda qi: (qi[0], -qi[1]))
            key = (q, 1, -i)
        else:
            ranges = [q for q, m in entries if m == sent.split("/")[0] + "/*"] or [q for q, m in entries if m == "*/*"]
            if not ranges:
                continue
            key = (ranges[0], 0, -rank)
        if key[0] > 0 and (best is None or key > best[0]):
            best = (key, fmt)
    return best[1] if best else None


def _not_acceptable(header: str | None) -> bool:
    """An Accept header under which no result of any form can be sent: it names only types the endpoint cannot
    send (``image/png``), or refuses (q=0) all it names; no header, an empty one, ``*/*`` and a browser's usual
    one (which ends in ``*/*``) are fine."""
    entries = _accept_entries(header)
    return bool(entries) and all(_accepted(kind, entries) is None for kind in _KINDS)


_TYPES = {"select": "application/sparql-results+json, application/sparql-results+xml, text/csv or "
                   "text/tab-separated-values",
          "construct": "text/turtle, application/n-triples, text/n3, application/ld+json or application/rdf+xml"}
NOT_ACCEPTABLE = (f"Accept names no type this endpoint sends: SELECT and ASK results are {_TYPES['select']}; "
                  f"CONSTRUCT and DESCRIBE {_TYPES['construct']} (or send format=…)")
_RESULTS = {"select": "a SELECT result", "ask": "an ASK result", "construct": "a CONSTRUCT or DESCRIBE result",
            "service": "the service description, an RDF graph"}


def not_acceptable(what: str) -> str:
    """The 406 message for a result (select, ask, construct, or service: the service description) that the
    Accept header takes in none of its formats: types the endpoint sends, for the other kind of result (Turtle
    for a table), so the message says what they cannot carry."""
    types = _TYPES["select" if what in ("select", "ask") else "construct"]
    return f"none of the types Accept names can carry {_RESULTS[what]}; ask for one of {types} (or send format=…)"


def negotiate(accept: str | None, named: list[str] = (), hints: list[str] = ()) -> dict[str, str | None]:
    """The result format for each query form (select, ask, construct); None where the request cannot be answered.

    ``named`` are ``format=`` values: the first one this server knows decides
    the forms it speaks of, and if it knows none, that is an error.  ``hints``
    (``output=``, ``results=``, which some clients send beside ``format``)
    count only where known.  The Accept header decides the rest (see
    :func:`_accepted`).  A form the header takes in no format is None, 406
    for the caller, unless the request names a format (``format=``,
    ``output=``, ``results=``): then it gets the first of its formats whose
    type the header does not refuse outright (q=0).
    """
    meanings = [format_name(v) for v in named]
    if named and not any(meanings):
        raise HTTPError(400, f"unknown format {named[0]!r}; use {FORMAT_HELP}")
    said = [m for m in meanings if m] if named else [m for m in (format_name(v) for v in hints) if m]
    entries = _accept_entries(accept)
    refused = frozenset(m for q, m in entries if q <= 0)
    choice: dict[str, str | None] = {}
    for slot, kind in enumerate(_KINDS):
        choice[kind] = next((m[slot] for m in said if m[slot]), None) or _accepted(kind, entries)
        if choice[kind] is None and (named or hints):
            order = _DEFAULTS[kind]
            choice[kind] = next((f for f in order if content_type(kind, f).split(";")[0] not in refused), order[0])
    return {"select": choice["select"], "ask": choice["select"], "construct": choice["construct"]}


_FORM_KINDS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "construct"}


class App:
    """Turns requests into responses; the HTTP handler only moves bytes."""

    def __init__(self, kg: ConceptGraph, config: ServerConfig | None = None, *, live: Live | None = None,
                 editor: Callable[[dict[str, Any]], dict[str, Any]] | None = None):
        """``live`` (a :class:`~mlkg.views.live.Live`) lets the graph change while it is served: pages follow its
        events.  ``editor`` takes a correction from ``POST /api/curation`` and answers where it was written;
        without one, the server is read-only and such a request gets 403."""
        self.live = live or Live(kg)
        self.following = live is not None or editor is not None
        self.editor = editor
        self.edit_token = secrets.token_urlsafe(24) if editor is not None else None
        self.config = config or ServerConfig()
        self.base = rdf.base_iri(self.config.base_iri)
        self._pool: tuple[ConceptGraph, QueryPool] | None = None
        self._pool_lock = threading.Lock()
        self._env = None
        self._gzipped: tuple[bytes, bytes] | None = None  # (a large body, gzipped)
        self._gzip_lock = threading.Lock()
        self._streams = 0  # /events streams open
        self._streams_lock = threading.Lock()

    @property
    def kg(self) -> ConceptGraph:
        """The graph in force; a rebuild replaces it whole, and each request reads it once."""
        return self.live.graph

    # lazily built pieces ------------------------------------------------------------------
    @property
    def pool(self) -> QueryPool:
        """SPARQL workers holding the graph in force; a new graph gets new workers, and the old ones finish what
        they run before they stop."""
        kg = self.kg
        with self._pool_lock:
            old = self._pool
            if old is None or old[0] is not kg:
                c = self.config
                data = rdf.turtle(kg, self.base)
                self._pool = (kg, QueryPool(data, self.base, rdf.prefixes(self.base), c.workers,
                                            long_slots=c.long_queries, queue_limit=c.queue, quick=c.quick,
                                            memory_mib=c.max_memory,
                                            log=None if c.quiet else lambda m: log_line(f"mlkg: {m}")))
                if old is not None:
                    threading.Timer(c.timeout + 1, old[1].close).start()
            return self._pool[1]

    def events(self) -> Response:
        """The live graph's events for one more page, if fewer than :attr:`ServerConfig.stream_limit` are open (each
        holds a connection and its thread for as long as the page is open); else 503.  A server that neither
        watches nor edits will never send an event: 204, which tells an EventSource not to connect again, and
        holds no connection."""
        if not self.following:
            return Response(204, b"", headers={"Cache-Control": "no-store"})
        limit = self.config.stream_limit
        with self._streams_lock:
            if self._streams >= limit:
                raise busy(f"the server keeps at most {limit} event stream(s) open (half its connections at most), "
                           "and all are open; close a tab that follows this server, or try again later", 5)
            self._streams += 1

        def release() -> None:
            with self._streams_lock:
                self._streams -= 1

        return Response(200, b"", "text/event-stream; charset=utf-8",
                        {"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
                        stream=_Stream(self.live.events(), release))

    def start(self) -> None:
        """Start the workers now rather than on the first query."""
        _ = self.pool

    def close(self) -> None:
        self.live.close()
        if self._pool is not None:
            self._pool[1].close()

    @property
    def env(self):
        if self._env is None:
            import jinja2  # only pages need it, not the SPARQL endpoint

            self._env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates" / "site"),
                autoescape=True, trim_blocks=True, lstrip_blocks=True)
            self._env.filters["shown"] = shown_title  # a node's title as every view shows it
            self._env.filters["deciding"] = deciding_evidence  # the evidence an edge shows, as the export's
        return self._env

    def page(self, name: str, **context) -> Response:
        html = self.env.get_template(name).render(**context)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def map_bytes(self) -> bytes:
        from .map import map_html  # pyvis and jinja: only for a server that shows the map

        kg, live, token = self.kg, self.following, self.edit_token
        return kg.derived(("served map", live, token), lambda: map_html(kg, live=live, edit_token=token).encode())

    # routing ------------------------------------------------------------------------------
    def respond(self, method: str, target: str, headers, body: bytes) -> Response:
        """:meth:`handle`, its body gzipped for a client that takes it: the map of the hard 10k corpus is 27 MB of
        HTML and 3.9 MB gzipped.  The last large body is kept compressed (the map is sent again and again)."""
        resp = self.handle(method, target, headers, body)
        if resp.stream is not None or len(resp.body) < GZIP_MIN or "Content-Encoding" in resp.headers \
                or not resp.content_type.startswith(_COMPRESSIBLE):
            return resp
        vary = resp.headers.get("Vary")
        resp.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
        if not takes_gzip(headers.get("Accept-Encoding")):
            return resp
        if len(resp.body) < 1 << 20:
            packed = gzip.compress(resp.body, 6, mtime=0)
        else:
            with self._gzip_lock:  # the first loads of a new map wait for one compression, not make one each
                kept = self._gzipped
                if kept is None or kept[0] is not resp.body:
                    kept = self._gzipped = (resp.body, gzip.compress(resp.body, 6, mtime=0))
            packed = kept[1]
        resp.body = packed
        resp.headers["Content-Encoding"] = "gzip"
        return resp

    def handle(self, method: str, target: str, headers, body: bytes) -> Response:
        try:
            url = urllib.parse.urlsplit(target)
        except ValueError:  # "http://[::1/…": no URL at all
            url = None
        api = (url.path if url else target).startswith("/api/")  # absolute-form too: "http://host/api/…"
        try:
            hosts = (headers.get_all("Host") or []) if hasattr(headers, "get_all") else [headers.get("Host")]
            if len(hosts) != 1 or not hosts[0]:
                raise HTTPError(400, "a request needs exactly one Host header")
            if not self.host_allowed(hosts[0]):
                raise HTTPError(403, "unexpected Host header; this server answers to its own addresses and names only "
                                     "(mlkg serve --allow-host NAME adds one)")
            if url is None:
                raise HTTPError(400, "the request target is no URL")
            # absolute-form: its host, not the Host header, names the server (RFC 9112, 3.2.2)
            if (url.scheme or url.netloc) and (url.scheme.lower() != "http" or not self.host_allowed(url.netloc)):
                raise HTTPError(403, "unexpected scheme or host in the request target; this server answers http "
                                     "to its own addresses and names only (mlkg serve --allow-host NAME adds one)")
            try:
                path = urllib.parse.unquote(url.path, errors="strict")
                params = urllib.parse.parse_qs(url.query, keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise HTTPError(400, "the address is not UTF-8") from None
            allow = _allowed(path, self.editor is not None)
            if method == "OPTIONS":
                return Response(204, b"", headers={"Allow": allow})
            if method not in ("GET", "HEAD", "POST"):
                raise HTTPError(405, f"{method} is not supported; this server is read-only", {"Allow": allow})
            if path in ("/sparql", "/sparql/"):
                return self.sparql(method, params, headers, body)
            if path == "/api/curation":
                return self.curation(method, headers, body)
            if method == "POST":
                raise HTTPError(405, "POST is only accepted at /sparql and /api/curation", {"Allow": allow})
            if path == "/events":
                return self.events()
            if path == "/api/map-data":
                from .map import default_title, map_data, physics_for

                kg = self.kg
                nodes, edges = map_data(kg, titles_to_scale=not physics_for(kg))
                return Response(200, orjson.dumps({"nodes": nodes, "edges": edges, "heading": default_title(kg),
                                                   "version": self.live.state.version}),
                                "application/json", {"Cache-Control": "no-store"})
            if path in ("/", "/map", "/map.html"):
                return Response(200, self.map_bytes(), "text/html; charset=utf-8")
            if path.startswith("/concept/"):
                return self.concept(path[len("/concept/"):], headers, (params.get("format") or [None])[0], url.query)
            if path == "/query":
                return self.query_page()
            if path == "/api" or path == "/api/":
                if any("json" in m for m in _accepts(headers.get("Accept"))[:1]):
                    routes = [{"route": r, "example": e, "answers": a} for r, e, a in API_ROUTES]
                    return Response(200, json.dumps({"routes": routes, "sparql": "/sparql"}).encode(),
                                    "application/json", {"Vary": "Accept"})
                page = self.page("api.html", title="mlkg API", base=self.base, routes=API_ROUTES)
                page.headers["Vary"] = "Accept"
                return page
            if path.startswith("/api/"):
                return self.api(path[len("/api/"):], params)
            if path.startswith("/static/"):
                return self.static(path[len("/static/"):])
            if path == "/favicon.ico":
                return Response(204, b"")
            raise HTTPError(404, f"nothing at {path}; try / (the map), /query, /sparql or /api")
        except HTTPError as exc:
            return self.error(exc.status, exc.message, headers, api, exc.headers)
        except UnknownConceptError as exc:
            return self.error(404, str(exc), headers, api)
        except NoPathError as exc:
            return self.error(404, exc.lines()[0], headers, api)
        except (UpdateRefusedError, ServiceRefusedError) as exc:
            return self.error(403, exc.lines()[0], headers, api)
        except MlkgError as exc:
            return self.error(400, exc.lines()[0], headers, api)
        except Exception:  # a bug must not cost the client its answer or the thread its life
            log_line(traceback.format_exc())
            return self.error(500, "internal error; see the server's log", headers, api)

    def host_allowed(self, host: str | None) -> bool:
        """Refuse other Host names (DNS rebinding: a web page whose name resolves to 127.0.0.1).

        A page whose own name an attacker points at this machine sends that
        name as its Host, never an IP literal, so on every address (0.0.0.0,
        ``::``) the server answers to IP literals, localhost, this machine's
        own names and the names ``--allow-host`` adds; on one address, to that
        address, the loopback names and the added names.
        """
        name = _host_name(host)
        if name is None:
            return False
        allowed = {"localhost", "127.0.0.1", "::1", *(_host_name(h) for h in self.config.allow_hosts)}
        if name in allowed:
            return True
        bound = self.config.host.strip("[]").lower()
        if bound not in ("0.0.0.0", "::", ""):
            return name == bound
        return _ip_literal(name) or name in _own_names()

    def error(self, status: int, message: str, headers=None, api: bool = False,
              extra: dict[str, str] | None = None) -> Response:
        wants_json = api or any(
            "json" in m for m in _accepts(headers.get("Accept") if headers else None)[:1])
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        if wants_json:
            return Response(status, json.dumps({"error": message, "status": status}).encode(),
                            "application/json", dict(extra or {}))
        return Response(status, f"{status} {phrase}: {message}\n".encode(), headers=dict(extra or {}))

    # pages ------------------------------------------------------------------------------
    def concept(self, node: str, headers, fmt: str | None = None, query: str = "") -> Response:
        """A concept's (or section's) page or RDF.  A label or acronym (``VAE``, ``Stable Diffusion``) redirects to
        the page of the node it names, as the API, ``mlkg show`` and the map resolve it; the redirect is 302, not
        permanent, since a rebuild may give the name to another concept."""
        node = node.strip("/")
        if node not in self.kg.graph:
            try:
                found = self.kg.resolve(node, sections=True)
            except UnknownConceptError as exc:  # a section's number has a page too; anything else is 404
                if exc.section is None:
                    raise
                found = f"sec:{exc.section}"
            location = "/concept/" + urllib.parse.quote(found, safe=":") + (f"?{query}" if query else "")
            return Response(302, f"302 Found: {location}\n".encode(), headers={"Location": location})
        wanted = None
        if fmt:
            meaning = format_name(fmt)
            if not meaning or not meaning[1]:
                raise HTTPError(400, f"unknown format {fmt!r}; use ttl, jsonld, nt, n3 or xml")
            wanted = meaning[1]
        else:
            for media in _accepts(headers.get("Accept")):
                if media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
                    break
                if MEDIA_FORMATS.get(media, (None, None))[1]:
                    wanted = MEDIA_FORMATS[media][1]
                    break
        if wanted:
            iri = rdf.node_iri(self.base, node)
            store = rdf.store(self.kg, self.base)
            triples = [q.triple for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)]
            body = rdf.serialize_triples(triples, wanted, self.base)
            return Response(200, body, content_type("construct", wanted), {"Vary": "Accept"})
        d = self.kg.graph.nodes[node]
        files = rdf.file_names(self.kg)  # as the export names them, never where the server keeps them
        crumbs = [(p, self.kg.graph.nodes[p]) for p in self.kg.section_path(node)[:-1]]
        ctx: dict[str, Any] = {"id": node, "d": d, "crumbs": crumbs, "iri": rdf.node_iri(self.base, node),
                               "kg": self.kg, "file": files.get(d["file"], d["file"])}
        if d["kind"] == "concept":
            c = concept_json(self.kg, node, files)
            ctx.update(c=c, plan=chains.prerequisites(self.kg, node), dependents=chains.dependents(self.kg, node),
                       example=example_plain(d["example"]))
        else:
            ctx.update(children=[(u, self.kg.graph.nodes[u]) for u, _, k in
                                 self.kg.graph.in_edges(node, keys=True) if k == "parent"])
        resp = self.page("concept.html", title=shown_title(d), **ctx)
        resp.headers["Vary"] = "Accept"
        return resp

    def query_page(self) -> Response:
        queries = [{"name": q.name, "summary": q.summary, "description": q.description, "text": q.text,
                    "params": [{"name": p.name, "description": p.description, "kind": p.kind} for p in q.params]}
                   for q in named_queries().values()]
        return self.page("query.html", title="SPARQL query", queries=queries, prefixes=list(rdf.prefixes(self.base)))

    def static(self, rel: str) -> Response:
        root = STATIC.resolve()
        if not rel or "\0" in rel:
            raise HTTPError(404, "no such static file")
        target = (root / rel).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise HTTPError(404, "no such static file")
        types = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".png": "image/png", ".svg": "image/svg+xml"}
        return Response(200, target.read_bytes(), types.get(target.suffix, "application/octet-stream"))

    # JSON API ---------------------------------------------------------------------------
    def api(self, route: str, params: dict[str, list[str]]) -> Response:
        def one(name: str, default: str | None = None) -> str:
            values = params.get(name)
            if not values or not values[0].strip():
                if default is not None:
                    return default
                raise HTTPError(400, f"missing parameter {name!r}")
            return values[0].strip()

        def number(name: str) -> int | None:
            v = one(name, "")
            if not v:
                return None
            if not (v.isascii() and v.isdigit()):
                raise HTTPError(400, f"{name} must be a whole number, 0 or more, not {v[:40]!r}")
            return int(v)

        parts = [p for p in route.split("/") if p]
        kind = parts[0] if parts else ""
        arg = "/".join(parts[1:])
        if kind == "search":
            limit = number("limit")
            if limit == 0:
                raise HTTPError(400, "limit must be at least 1")
            data: Any = {"query": one("q"), "results": self.search(one("q"), limit or 20)}
        elif kind == "concept" and arg:
            data = concept_json(self.kg, self.kg.resolve(arg), rdf.file_names(self.kg))
        elif kind == "prereqs" and arg:
            cid = self.kg.resolve(arg)
            data = {"concept": cid, "plan": chains.prerequisites(self.kg, cid, number("depth"))}
        elif kind == "dependents" and arg:
            cid = self.kg.resolve(arg)
            data = {"concept": cid, "dependents": chains.dependents(self.kg, cid, number("depth"))}
        elif kind == "learn" and arg:
            known = [k.strip() for v in params.get("known", []) for k in v.split(",") if k.strip()]
            data = chains.learning_plan(self.kg, arg, known)
        elif kind == "path":
            a, b = self.kg.resolve(one("from")), self.kg.resolve(one("to"))
            files = rdf.file_names(self.kg)
            data = {"path": [chains.path_step(s) for s in chains.explanation_path(self.kg, a, b)]}
            for step in data["path"]:
                if step["evidence"]:
                    step["evidence"]["file"] = files.get(step["evidence"]["file"], step["evidence"]["file"])
        elif kind == "queries":
            data = [{"name": q.name, "description": q.description, "example": q.example,
                     "params": [{"name": p.name, "description": p.description, "kind": p.kind}
                                for p in q.params]} for q in named_queries().values()]
        elif kind == "run" and arg:
            return self.run_named(arg, params)
        else:
            raise HTTPError(404, f"no API route /api/{route}; see /api")
        return Response(200, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"),
                        "application/json; charset=utf-8")

    def search(self, text: str, limit: int) -> list[dict[str, Any]]:
        """Concepts ranked as the map's search ranks them (:func:`mlkg.views.search.search`)."""
        return search(self.kg, text, limit)

    def curation(self, method: str, headers, body: bytes) -> Response:
        """A correction from the map (``mlkg serve --edit``), accepted from the server's own pages only: the
        token they carry, their own origin, JSON."""
        if self.editor is None:
            raise HTTPError(403, "this server is read-only; start it with `mlkg serve --edit` to correct edges")
        if method != "POST":
            raise HTTPError(405, "send corrections with POST", {"Allow": _allowed("/api/curation")})
        token = headers.get("X-MLKG-Token") or ""
        if not secrets.compare_digest(token.encode(), (self.edit_token or "").encode()):
            raise HTTPError(403, "missing or wrong edit token; corrections come from this server's own pages")
        origin = headers.get("Origin")
        if origin is not None and urllib.parse.urlsplit(origin).netloc != headers.get("Host"):
            raise HTTPError(403, "corrections come from this server's own pages")
        if (headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            raise HTTPError(415, "send a correction as application/json")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HTTPError(400, "the correction is not JSON") from None
        if not isinstance(data, dict):
            raise HTTPError(400, "a correction is a JSON object: action, source, target, kind, note")
        shown = self.live.shown  # the file's folder is no page's business: see live.hiding_folders
        try:
            done = self.editor(data)
        except UnknownConceptError:
            raise  # a 404, as everywhere
        except MlkgError as exc:
            raise HTTPError(400, shown(exc.lines()[0])) from None
        done = {k: shown(v) if k in ("file", "pending") and isinstance(v, str) else v for k, v in done.items()}
        return Response(200, json.dumps({"ok": True, **done}).encode(), "application/json")

    def run_named(self, name: str, params: dict[str, list[str]]) -> Response:
        queries = named_queries()
        if name not in queries:
            raise HTTPError(404, f"no named query {name!r}; see /api/queries")
        fmt = (params.get("format") or ["json"])[0]
        values = {k: v[0] for k, v in params.items() if k != "format"}
        prepared = prepare(self.kg, queries[name], values, self.base)  # values become escaped terms
        return self._execute(prepared.text, None, [fmt], download=name)

    # SPARQL protocol --------------------------------------------------------------------
    def sparql(self, method: str, params: dict[str, list[str]], headers, body: bytes) -> Response:
        """The SPARQL 1.1 Protocol's query operation, read-only.

        GET with ``query=``; POST as ``application/x-www-form-urlencoded`` or
        ``application/sparql-query`` (UTF-8 only); ``default-graph-uri`` and
        ``named-graph-uri`` choose the dataset among the store's graphs;
        ``format=`` (or Accept) the result format.  A GET without ``query``:
        the service description; an empty or blank query, however sent: 400.
        """
        ctype, charset = _media_and_charset(headers.get("Content-Type"))
        form: dict[str, list[str]] = {}
        queries = list(params.get("query", []))
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if method == "POST":
            if ctype == "application/sparql-update":
                raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if charset and charset not in ("utf-8", "utf8"):
                raise HTTPError(415, f"the request body must be UTF-8, not {charset}")
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
                except UnicodeDecodeError:
                    raise HTTPError(400, "the request body is not UTF-8") from None
                if "update" in form:
                    raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
                queries += form.get("query", [])
            elif ctype == "application/sparql-query":
                try:
                    queries.append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    raise HTTPError(400, "the request body is not UTF-8") from None
            else:
                raise HTTPError(415, "POST a query as application/sparql-query or "
                                     "application/x-www-form-urlencoded (query=…)")
        if len(queries) > 1:
            raise HTTPError(400, f"{len(queries)} queries in one request; send one")
        named = [v for k in ("format", "output", "results") for v in params.get(k, []) + form.get(k, [])]
        if not named and _not_acceptable(headers.get("Accept")):  # whatever the query, before reading it
            raise HTTPError(406, NOT_ACCEPTABLE, {"Vary": "Accept"})
        text = queries[0] if queries else ""
        if not text.strip():
            if method == "POST" or queries:
                raise HTTPError(400, "no query: send query=… or a SPARQL query as the body")
            return self.service_description(headers, params.get("format", []))
        if query_form(text) in UPDATE_KEYWORDS:
            raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        both = {k: params.get(k, []) + form.get(k, []) for k in
                ("default-graph-uri", "named-graph-uri", "format", "output", "results")}
        dataset = None
        if both["default-graph-uri"] or both["named-graph-uri"]:
            for iri in both["default-graph-uri"] + both["named-graph-uri"]:
                try:
                    ox.NamedNode(iri)
                except ValueError:
                    raise HTTPError(400, f"not an absolute IRI: {iri!r}") from None
            dataset = (tuple(both["default-graph-uri"]), tuple(both["named-graph-uri"]))
        return self._execute(text, headers.get("Accept"), both["format"], both["output"] + both["results"], dataset)

    def _execute(self, text: str, accept: str | None, named: list[str], hints: list[str] = (),
                 dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
                 download: str | None = None) -> Response:
        formats = negotiate(accept, named, hints)
        form = _FORM_KINDS.get(query_form(text))
        if form and formats[form] is None:  # refused before it runs; a form read only from the result, after
            raise HTTPError(406, not_acceptable(form), {"Vary": "Accept"})
        c = self.config
        kind, used, body = self.pool.run(text, formats, c.max_rows, c.timeout, dataset)
        headers = {"Vary": "Accept"}
        if download:
            ext = rdf.FORMATS[used][1] if kind == "construct" else used
            headers["Content-Disposition"] = f'inline; filename="{download}.{ext}"'
        return Response(200, body, content_type(kind, used), headers)

    def dataset_counts(self) -> dict[str, int]:
        """VoID statistics of the default graph, counted in the store once."""
        kg = self.kg
        return kg.derived(("void", self.base), lambda: self._count(kg))

    def _count(self, kg: ConceptGraph) -> dict[str, int]:
        store = rdf.store(kg, self.base)
        row = next(iter(store.query(
            "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?distinctSubjects) "
            "(COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?o) AS ?distinctObjects) "
            "WHERE { ?s ?p ?o }")))
        counts = {name: int(row[name].value) for name in
                  ("triples", "distinctSubjects", "properties", "distinctObjects")}
        row = next(iter(store.query(
            "SELECT (COUNT(DISTINCT ?c) AS ?classes) (COUNT(DISTINCT ?x) AS ?entities) WHERE { ?x a ?c }")))
        counts.update(classes=int(row["classes"].value), entities=int(row["entities"].value))
        return counts

    def endpoint_iri(self, headers) -> str:
        """The endpoint's address as the client named it (the Host header, already checked), else the bound one."""
        host = headers.get("Host") if headers else None
        if host:
            with contextlib.suppress(ValueError):
                return ox.NamedNode(f"http://{host}/sparql").value
        bound = self.config.host
        return f"http://{'[' + bound + ']' if ':' in bound else bound}:{self.config.port}/sparql"

    def service_description(self, headers, named: list[str] = ()) -> Response:
        """The SPARQL 1.1 Service Description, with the default graph described in VoID from the store."""
        fmt = negotiate(headers.get("Accept"), list(named))["construct"]
        if fmt is None:
            raise HTTPError(406, not_acceptable("service"), {"Vary": "Accept"})

        def sd(term: str) -> ox.NamedNode:
            return ox.NamedNode(_SD + term)

        def void(term: str) -> ox.NamedNode:
            return ox.NamedNode(_VOID + term)

        def fmts(term: str) -> ox.NamedNode:
            return ox.NamedNode(_FORMATS_NS + term)

        a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        service = endpoint = ox.NamedNode(self.endpoint_iri(headers))
        dataset, graph = ox.BlankNode(), ox.BlankNode()
        integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        triples = [
            ox.Triple(service, a, sd("Service")),
            ox.Triple(service, sd("endpoint"), endpoint),
            ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
            *(ox.Triple(service, sd("resultFormat"), fmts(f)) for f in (
                "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "N3", "JSON-LD", "RDF_XML")),
            ox.Triple(service, sd("defaultDataset"), dataset),
            ox.Triple(dataset, a, sd("Dataset")),
            ox.Triple(dataset, sd("defaultGraph"), graph),
            ox.Triple(graph, a, sd("Graph")),
            ox.Triple(graph, a, void("Dataset")),
            ox.Triple(graph, void("sparqlEndpoint"), endpoint),
            ox.Triple(graph, void("uriSpace"), ox.Literal(self.base)),
            *(ox.Triple(graph, void(name), ox.Literal(str(n), datatype=integer))
              for name, n in self.dataset_counts().items()),
        ]
        return Response(200, rdf.serialize_triples(triples, fmt, self.base), content_type("construct", fmt),
                        {"Vary": "Accept"})


def _allowed(path: str, editing: bool = True) -> str:
    """The methods a path takes, for Allow (OPTIONS and 405): POST to /api/curation only under --edit."""
    if path in ("/sparql", "/sparql/"):
        return "GET, HEAD, POST, OPTIONS"
    if path == "/api/curation":
        return "POST, OPTIONS" if editing else "OPTIONS"
    return "GET, HEAD, OPTIONS"


def _host_name(host: str | None) -> str | None:
    """A Host header's name, lower-cased, without its port, brackets or a final dot; None if it is malformed."""
    if not host:
        return None
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 literal, [::1] or [::1]:8000
        inner, bracket, port = host[1:].partition("]")
        if not bracket or (port and not (port.startswith(":") and port[1:].isdigit())) or not _ip_literal(inner):
            return None
        return inner
    name, colon, port = host.partition(":")
    if (colon and not (port.isascii() and port.isdigit())) or not name:
        return None
    return name.removesuffix(".")


def _ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@functools.cache
def _own_names() -> frozenset[str]:
    """This machine's names, asked once, when a server bound to every interface starts (a slow resolver must not
    stall the first request)."""
    names = set()
    for ask in (socket.gethostname, socket.getfqdn):
        with contextlib.suppress(OSError):
            names.add(ask().lower().removesuffix("."))
    return frozenset(names - {""})


def _media_and_charset(header: str | None) -> tuple[str, str | None]:
    """A Content-Type's media type and charset parameter, lower-cased."""
    parts = [p.strip() for p in (header or "").split(";")]
    charset = None
    for p in parts[1:]:
        name, _, value = p.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


# --- HTTP plumbing ---------------------------------------------------------------------------

class _TooSlow(Exception):
    """A request that did not arrive whole in time (``request_time``), however it trickled in."""


class _Dropped(Exception):
    """A connection the server dropped while it waited for its client, to make room for a new one."""


class _Connection(io.RawIOBase):
    """A client connection's reading side, under two clocks.

    Each read waits at most ``idle`` seconds, as before; and a request, from
    its first byte to the last of its body, must arrive within ``limit``
    seconds, so that a client sending a header line every few seconds cannot
    hold its thread for ever (each line used to restart the idle clock).
    Between requests the connection *waits* for its client and may be
    :meth:`drop`-ped to make room for a new one; once a request has arrived
    the server *works* on it (:meth:`work`) and it is never dropped.
    """

    def __init__(self, sock: socket.socket, idle: float, limit: float, lock: threading.Lock):
        super().__init__()
        self.sock, self.idle, self.limit, self._lock = sock, idle, limit, lock
        self.deadline: float | None = None           # when the request under way must have arrived
        self.waiting_since: float | None = time.monotonic()  # None while the server works on a request
        self.dropped = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.dropped:
            raise _Dropped
        timeout = self.idle
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise _TooSlow
            timeout = min(timeout, left)
        self.sock.settimeout(timeout)
        try:
            n = self.sock.recv_into(buffer)
        except TimeoutError:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise _TooSlow from None
            raise
        except OSError:
            if self.dropped:
                raise _Dropped from None
            raise
        if self.dropped:  # woken by drop(): what came is not read
            raise _Dropped
        if n and self.deadline is None and self.waiting_since is not None:
            self.deadline = time.monotonic() + self.limit  # the clock starts with the request's first byte
        return n

    def wait(self) -> None:
        """Between requests: waiting for the client."""
        with self._lock:
            self.deadline = None
            if self.waiting_since is None:  # after an answer; before the first request it has waited since accept
                self.waiting_since = time.monotonic()

    def work(self) -> None:
        """A request has arrived: the server's turn; the connection is not dropped from now on."""
        with self._lock:
            if self.dropped:
                raise _Dropped
            self.deadline = None
            self.waiting_since = None
        self.sock.settimeout(self.idle)

    def drop(self) -> None:
        """End the wait (the lock held): a read under way returns at once, and the connection closes."""
        self.dropped = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class _Stream:
    """An event stream that gives its place back (``release``) when it is closed, iterated or not."""

    def __init__(self, events: Iterator[bytes], release: Callable[[], None]):
        self._events, self._release = events, release

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        return next(self._events)

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            close = getattr(self._events, "close", None)
            if close is not None:
                close()
            release()


class Handler(BaseHTTPRequestHandler):
    server_version = "mlkg"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    requestline = ""
    _status: int | str = "-"  # the status of the answer under way, for the log

    def version_string(self) -> str:
        """The Server header: "mlkg" (the standard library would add a space and the empty sys_version)."""
        return self.server_version

    @property
    def app(self) -> App:
        return self.server.app  # type: ignore[attr-defined]

    def setup(self) -> None:
        self.timeout = self.server.app.config.idle  # type: ignore[attr-defined]  # seconds per read or write
        super().setup()
        self.rfile.close()  # the standard library's reader, replaced by one under the request clock
        self.reading: _Connection = self.server.opened(self.request)  # type: ignore[attr-defined]
        self.rfile = io.BufferedReader(self.reading)

    def handle_one_request(self) -> None:
        self.reading.wait()
        self.command, self.requestline, self.request_version = "", "", "HTTP/1.0"  # until a request line says
        try:
            super().handle_one_request()
        except _TooSlow:
            self.close_connection = True
            limit = self.app.config.request_time
            with contextlib.suppress(_Dropped):  # dropped for another meanwhile: nobody to tell
                self._send(self.app.error(408, f"the request did not arrive within {limit:g} s"), self.command)
        except _Dropped:
            self.close_connection = True
            self.log_message("dropped while it waited for its client: the server had %d connections open",
                             self.app.config.max_connections)

    def log_message(self, fmt: str, *args) -> None:
        """As the standard library logs (client, time, message, control characters escaped), in one whole line."""
        if not self.app.config.quiet:
            message = (fmt % args).translate(_CONTROL_CHARS)
            if len(message) > LOG_LIMIT:  # a 16 KB URL refused with 414 filled 64 KB of log a request
                message = f"{message[:LOG_LIMIT - 200]}…({len(message):,} characters)…{message[-200:]}"
            log_line(f"{self.address_string()} - - [{self.log_date_time_string()}] {message}")

    def log_request(self, code="-", size="-") -> None:
        """Noted, not logged: :meth:`_send` logs the request once its answer is delivered (or the client gone)."""
        self._status = code.value if isinstance(code, HTTPStatus) else code

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's own error answers (a bad request line, 414, 431, 501, …) as ours: the same
        security headers, a one-line body, and the connection closed."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # what it says before it has read a version: headers regardless
            self.request_version = "HTTP/1.0"
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        detail = message if message and message != phrase else (explain or phrase)
        self._send(self.app.error(code, detail), self.command or "")

    def _dispatch(self, method: str) -> None:
        cfg = self.app.config
        if self.request_version == "HTTP/0.9":  # an answer without status line or headers: none at all
            self.request_version = "HTTP/1.0"
            self.close_connection = True
            return self._send(self.app.error(505, "HTTP/0.9 is not supported; use HTTP/1.1"), method)
        if len(self.path) > cfg.max_url:
            self.close_connection = True
            return self._send(self.app.error(414, f"request URL longer than {cfg.max_url} bytes"), method)
        if self.headers.defects or self.headers.get_payload():
            # a line that is no header ("X-Junk", "Content-Length : 5") ended the headers there for the standard
            # library, and the framing after it went unread: the body would be read as the next request
            self.close_connection = True
            return self._send(self.app.error(400, "malformed header line: each must be 'Name: value'"), method)
        if self.headers.get_all("Transfer-Encoding"):
            self.close_connection = True  # the body's framing is unknown: never read the rest as a request
            return self._send(self.app.error(501, "Transfer-Encoding is not supported; send Content-Length"),
                              method)
        lengths = self.headers.get_all("Content-Length") or []
        body = b""
        if lengths:
            length = lengths[0]
            if len(lengths) > 1 or not (length.isascii() and length.isdigit()):
                # a proxy in front may have framed the body by another of them: what follows is no request
                self.close_connection = True
                return self._send(self.app.error(400, "bad Content-Length: send exactly one, a plain number"),
                                  method)
            n = int(length)
            if n > cfg.max_body:
                self.close_connection = True
                return self._send(self.app.error(413, f"request body larger than {cfg.max_body} bytes"), method)
            body = self.rfile.read(n)
            if len(body) < n:  # the client went away mid-body: nobody to answer
                self.close_connection = True
                self.log_message("client left after %d of %d body bytes", len(body), n)
                return None
        self.reading.work()
        target = self.path
        if not target.isascii():  # raw bytes (which the standard library read as Latin-1) read as their escapes
            target = "".join(c if c.isascii() else f"%{ord(c):02X}" for c in target)
        self._send(self.app.respond(method, target, self.headers, body), method)

    def _send(self, resp: Response, method: str) -> None:
        try:
            self._deliver(resp, method)
        finally:
            if isinstance(resp.stream, _Stream):
                resp.stream.close()

    def _deliver(self, resp: Response, method: str) -> None:
        self.reading.work()
        if resp.stream is not None:
            self.close_connection = True  # a stream ends with the connection
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        if resp.stream is None:
            self.send_header("Content-Length", str(len(resp.body)))
        for k, v in SECURITY_HEADERS.items():
            self.send_header(k, v)
        cors = self.app.config.cors
        if cors:
            self.send_header("Access-Control-Allow-Origin", cors)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        try:
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(resp.body)
        except (ConnectionError, TimeoutError) as exc:  # the answer met a closed connection: it was never delivered
            self.close_connection = True
            self.log_message('"%s" 499 - client gone: %s (answer %s not delivered)', self.requestline,
                             type(exc).__name__, self._status)
            return
        self.log_message('"%s" %s %s', self.requestline, self._status,
                         len(resp.body) if method != "HEAD" and resp.stream is None else "-")
        if method == "HEAD" or resp.stream is None:
            return
        try:
            for piece in resp.stream:
                self.wfile.write(piece)  # a client gone raises here, and ends the stream
                self.wfile.flush()
        except (ConnectionError, TimeoutError):  # a closed tab ends its event stream: nothing to log
            self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # the listen backlog (the standard library's default is 5)

    def __init__(self, app: App):
        self.app = app
        self.request_queue_size = max(1, app.config.backlog)
        self._open: dict[socket.socket, _Connection] = {}
        self._open_lock = threading.Lock()
        if ":" in app.config.host:
            self.address_family = socket.AF_INET6
        super().__init__((app.config.host, app.config.port), Handler)
        app.config.port = self.server_address[1]

    def process_request(self, request, client_address) -> None:
        """A thread for the connection, if there is room: at most ``max_connections`` are open at once.  At the
        limit, the connection that has waited longest for its client (idle between requests, or its request
        still arriving) is dropped to make room; when every one is being answered, the new one gets 503 here,
        at once, and no thread."""
        cfg = self.app.config
        reading = _Connection(request, cfg.idle, cfg.request_time, self._open_lock)
        with self._open_lock:
            live = [c for c in self._open.values() if not c.dropped]
            full = len(live) >= max(1, cfg.max_connections)
            waiting = [c for c in live if c.waiting_since is not None] if full else []
            if waiting:
                min(waiting, key=lambda c: c.waiting_since).drop()
            if not full or waiting:
                self._open[request] = reading
        if full and not waiting:
            return self._refuse(request, client_address, len(live))
        super().process_request(request, client_address)

    def opened(self, request) -> _Connection:
        with self._open_lock:
            return self._open[request]

    def shutdown_request(self, request) -> None:
        with self._open_lock:
            self._open.pop(request, None)
        super().shutdown_request(request)

    def _refuse(self, request, client_address, n: int) -> None:
        """503 without a thread, and without waiting: what the client has sent is read first, so that closing does
        not reset the connection (and the answer with it)."""
        resp = self.app.error(503, f"the server has {n} connections open, as many as it takes; try again shortly",
                              extra={"Retry-After": "1"})
        head = ["HTTP/1.1 503 Service Unavailable", f"Server: {Handler.server_version}",
                f"Content-Type: {resp.content_type}", f"Content-Length: {len(resp.body)}",
                *(f"{k}: {v}" for k, v in {**SECURITY_HEADERS, **resp.headers}.items()), "Connection: close"]
        with contextlib.suppress(OSError):
            request.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                request.recv(1 << 16)
            request.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + resp.body)
            request.shutdown(socket.SHUT_WR)
        with contextlib.suppress(OSError):
            request.close()
        if not self.app.config.quiet:
            log_line(f"{client_address[0]} - - [{_log_time()}] refused (503): {n} connections open")

    @property
    def url(self) -> str:
        host = self.app.config.host
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.server_address[1]}/"

    def handle_error(self, request, client_address) -> None:
        """A client that went away (reset, broken pipe, timed out) is one quiet line; anything else a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            if not self.app.config.quiet:
                log_line(f"{client_address[0]} - - [{_log_time()}] client gone: {type(exc).__name__}")
            return
        log_line(f"{client_address[0]} - - [{_log_time()}] error while serving: {traceback.format_exc()}")

    def server_close(self) -> None:
        self.app.live.close()  # event streams end now, not at their next heartbeat, so their threads can be joined
        super().server_close()
        self.app.close()


def make_server(kg: ConceptGraph, config: ServerConfig | None = None, *, live: Live | None = None,
                editor: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Server:
    """A server bound to its port (0 picks a free one), workers started; call ``serve_forever``.  See
    :class:`App` for ``live`` and ``editor``."""
    app = App(kg, config, live=live, editor=editor)
    if app.config.host in ("0.0.0.0", "::"):
        _own_names()
    try:
        server = Server(app)
    except OSError as exc:
        hint = ("is another server running there? choose another --port" if exc.errno == errno.EADDRINUSE
                else "give --host an address of this machine (127.0.0.1, or 0.0.0.0 for every interface)")
        raise InputError(f"cannot listen on {app.config.host}:{app.config.port}: "
                         f"{exc.strerror or exc}; {hint}") from None
    app.start()
    return server
