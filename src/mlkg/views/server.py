"""``mlkg serve``: the map, concept pages, a JSON API and a read-only SPARQL 1.1 endpoint.

The standard library's threading HTTP server is enough for a local tool and
keeps web frameworks out of every other command.  SPARQL runs in worker
processes that each hold a pyoxigraph store: a query that overruns its
timeout is stopped by killing its worker (a thread could not be stopped),
and the other threads keep answering meanwhile.

Safety: binds to 127.0.0.1 by default; CORS is off unless asked for; SPARQL
Update gets 403 and ``SERVICE`` is refused, so no request ever leaves the
machine; request bodies and result sizes are bounded; every page escapes
its text (Jinja2 autoescape) and is sent with a Content-Security-Policy
that allows nothing from other origins.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import queue
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import InputError, MlkgError, NoPathError, UnknownConceptError
from ..graph import ConceptGraph
from ..read import example_plain
from . import chains, rdf
from .sparql import (
    RESULT_FORMATS,
    UPDATE_KEYWORDS,
    TooManyResults,
    collect,
    named_queries,
    prepare,
    query_form,
    uses_service,
)
from .text import concept_json

STATIC = Path(__file__).resolve().parent / "static"
CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'self'")

RESULT_TYPES = {  # media type → sparql.QueryResult format name
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/ld+json": "jsonld",
    "application/n-triples": "nt", "application/rdf+xml": "xml",
}
_FORMAT_PARAM = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "ttl": "ttl", "turtle": "ttl",
                 "jsonld": "jsonld", "nt": "nt"}


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0            # seconds per SPARQL query
    max_rows: int = 10_000           # SELECT rows / CONSTRUCT triples per response
    max_body: int = 1 << 20          # bytes per request body
    max_url: int = 16_384            # bytes per request line
    workers: int = 2                 # SPARQL worker processes
    cors: str | None = None          # an origin (or "*") to allow; None: no CORS headers
    base_iri: str | None = None
    quiet: bool = False


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class HTTPError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- SPARQL workers --------------------------------------------------------------------------

def _worker_main(conn, data: bytes, base: str, prefixes: dict[str, str]) -> None:  # pragma: no cover - subprocess
    """Serve queries from ``conn`` against a store loaded once from ``data`` (Turtle)."""
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.TURTLE)
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        text, formats, max_rows = job
        try:
            result = collect(store.query(text, base_iri=base, prefixes=prefixes), max_rows, base)
            fmt = formats.get(result.kind)
            conn.send(("ok", result.kind, fmt, result.serialize(fmt)))
        except SyntaxError as exc:
            conn.send(("error", 400, f"invalid SPARQL: {' '.join(str(exc).split())}"))
        except TooManyResults as exc:
            conn.send(("error", 400, exc.lines()[0]))
        except Exception as exc:  # the query's own failure, reported to the client
            conn.send(("error", 400, f"query failed: {' '.join(str(exc).split())[:300]}"))


class _Worker:
    def __init__(self, ctx, args):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.conn.poll(timeout):
            self.ready = self.conn.recv() == ("ready",)
        return self.ready

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A few worker processes, each with the whole store; a query that overruns its time kills its worker."""

    def __init__(self, data: bytes, base: str, prefixes: dict[str, str], size: int = 2):
        self._ctx = multiprocessing.get_context("spawn")
        self._args = (data, base, prefixes)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(max(1, size)):
            self._spawn()

    def _spawn(self) -> None:
        w = _Worker(self._ctx, self._args)
        with self._lock:
            self._all.append(w)
        self._idle.put(w)

    def run(self, text: str, formats: dict[str, str], max_rows: int, timeout: float) -> tuple[str, str, bytes]:
        """(kind, format, body); raises HTTPError for bad queries (400) and timeouts (503)."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise HTTPError(503, f"all query workers are busy; try again in {timeout:g} s") from None
        try:
            if not worker.wait_ready(60.0):
                raise HTTPError(503, "query worker failed to start")
            deadline = time.monotonic() + timeout
            worker.conn.send((text, formats, max_rows))
            if not worker.conn.poll(max(0.05, deadline - time.monotonic())):
                self._replace(worker)
                worker = None
                raise HTTPError(503, f"query timed out after {timeout:g} s and was stopped; "
                                     "narrow it down or add a LIMIT")
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            worker = None
            raise HTTPError(500, "query worker stopped unexpectedly") from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        if reply[0] == "error":
            raise HTTPError(reply[1], reply[2])
        return reply[1], reply[2], reply[3]

    def _replace(self, worker: _Worker | None) -> None:
        if worker is not None:
            worker.kill()
            with self._lock:
                self._all.remove(worker)
        self._spawn()

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
            w.process.join(1)
            if w.process.is_alive():
                w.kill()


# --- the application ---------------------------------------------------------------------

def _accepts(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values respected, order kept on ties)."""
    out = []
    for i, part in enumerate((header or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            out.append((-q, i, bits[0].lower()))
    return [m for _, _, m in sorted(out)]


class App:
    """Turns requests into responses; the HTTP handler only moves bytes."""

    def __init__(self, kg: ConceptGraph, config: ServerConfig | None = None):
        self.kg = kg
        self.config = config or ServerConfig()
        self.base = rdf.base_iri(self.config.base_iri)
        self._map: bytes | None = None
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()
        self._env = None

    # lazily built pieces ------------------------------------------------------------------
    @property
    def pool(self) -> QueryPool:
        with self._pool_lock:
            if self._pool is None:
                data = rdf.turtle(self.kg, self.base)
                self._pool = QueryPool(data, self.base, rdf.prefixes(self.base), self.config.workers)
            return self._pool

    def start(self) -> None:
        """Start the workers now rather than on the first query."""
        _ = self.pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    @property
    def env(self):
        if self._env is None:
            import jinja2  # only pages need it, not the SPARQL endpoint

            self._env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates" / "site"),
                autoescape=True, trim_blocks=True, lstrip_blocks=True)
        return self._env

    def page(self, name: str, **context) -> Response:
        html = self.env.get_template(name).render(**context)
        return Response(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def map_bytes(self) -> bytes:
        if self._map is None:
            from .map import map_html  # pyvis and jinja: only for a server that shows the map

            self._map = map_html(self.kg).encode("utf-8")
        return self._map

    # routing ------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers, body: bytes) -> Response:
        api = target.startswith("/api/")
        try:
            if not self.host_allowed(headers.get("Host")):
                raise HTTPError(403, "unexpected Host header; this server answers to its own address only")
            url = urllib.parse.urlsplit(target)
            path = urllib.parse.unquote(url.path)
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if method == "OPTIONS":
                return Response(204, b"")
            if method not in ("GET", "HEAD", "POST"):
                raise HTTPError(405, f"{method} is not supported; this server is read-only")
            if path == "/sparql":
                return self.sparql(method, params, headers, body)
            if method == "POST":
                raise HTTPError(405, "POST is only accepted at /sparql")
            if path in ("/", "/map", "/map.html"):
                return Response(200, self.map_bytes(), "text/html; charset=utf-8")
            if path.startswith("/concept/"):
                return self.concept(path[len("/concept/"):], headers, (params.get("format") or [None])[0])
            if path == "/query":
                return self.query_page()
            if path == "/api" or path == "/api/":
                return self.page("api.html", title="mlkg API", base=self.base)
            if path.startswith("/api/"):
                return self.api(path[len("/api/"):], params)
            if path.startswith("/static/"):
                return self.static(path[len("/static/"):])
            if path == "/favicon.ico":
                return Response(204, b"")
            raise HTTPError(404, f"nothing at {path}; try / (the map), /query, /sparql or /api")
        except HTTPError as exc:
            return self.error(exc.status, exc.message, headers, api)
        except UnknownConceptError as exc:
            return self.error(404, str(exc), headers, api)
        except NoPathError as exc:
            return self.error(404, exc.lines()[0], headers, api)
        except MlkgError as exc:
            return self.error(400, exc.lines()[0], headers, api)
        except Exception:  # a bug must not cost the client its answer or the thread its life
            traceback.print_exc()
            return self.error(500, "internal error; see the server's log", headers, api)

    def host_allowed(self, host: str | None) -> bool:
        """Refuse other Host names (DNS rebinding: a web page whose name resolves to 127.0.0.1)."""
        bound = self.config.host
        if bound in ("0.0.0.0", "::", ""):  # the user chose to serve every address
            return True
        if not host:
            return False
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]").lower() in {bound.strip("[]").lower(), "localhost", "127.0.0.1", "::1"}

    def error(self, status: int, message: str, headers=None, api: bool = False) -> Response:
        wants_json = api or any(
            "json" in m for m in _accepts(headers.get("Accept") if headers else None)[:1])
        if wants_json:
            return Response(status, json.dumps({"error": message, "status": status}).encode(),
                            "application/json")
        return Response(status, f"{status} {HTTPStatus(status).phrase}: {message}\n".encode())

    # pages ------------------------------------------------------------------------------
    def concept(self, node: str, headers, fmt: str | None = None) -> Response:
        node = node.strip("/")
        if node not in self.kg.graph:
            hints = self.kg.suggest(node)
            raise HTTPError(404, f"unknown concept {node!r}" + (f"; did you mean {', '.join(hints)}?" if hints else ""))
        wanted = _accepts(headers.get("Accept"))
        if fmt:
            if _FORMAT_PARAM.get(fmt) not in ("ttl", "jsonld", "nt", "xml"):
                raise HTTPError(400, f"unknown format {fmt!r}; use ttl, jsonld, nt or xml")
            wanted = [m for m, f in GRAPH_TYPES.items() if f == _FORMAT_PARAM[fmt]][:1]
        for media in wanted:
            if media in GRAPH_TYPES:
                fmt = GRAPH_TYPES[media]
                iri = rdf.node_iri(self.base, node)
                store = rdf.store(self.kg, self.base)
                triples = [q.triple for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)]
                body = rdf.serialize_triples(triples, fmt, self.base)
                return Response(200, body, rdf.FORMATS[fmt][2] + ("; charset=utf-8" if fmt != "jsonld" else ""),
                                {"Vary": "Accept"})
            if media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
                break
        d = self.kg.graph.nodes[node]
        crumbs = [(p, self.kg.graph.nodes[p]) for p in self.kg.section_path(node)[:-1]]
        ctx: dict[str, Any] = {"id": node, "d": d, "crumbs": crumbs, "iri": rdf.node_iri(self.base, node),
                               "kg": self.kg}
        if d["kind"] == "concept":
            c = concept_json(self.kg, node)
            ctx.update(c=c, plan=chains.prerequisites(self.kg, node), dependents=chains.dependents(self.kg, node),
                       example=example_plain(d["example"]))
        else:
            ctx.update(children=[(u, self.kg.graph.nodes[u]) for u, _, k in
                                 self.kg.graph.in_edges(node, keys=True) if k == "parent"])
        resp = self.page("concept.html", title=d["title"], **ctx)
        resp.headers["Vary"] = "Accept"
        return resp

    def query_page(self) -> Response:
        queries = [{"name": q.name, "summary": q.summary, "description": q.description, "text": q.text,
                    "params": [{"name": p.name, "description": p.description, "kind": p.kind} for p in q.params]}
                   for q in named_queries().values()]
        return self.page("query.html", title="SPARQL query", queries=queries)

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
                raise HTTPError(400, f"{name} must be a whole number")
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
            data = concept_json(self.kg, self.kg.resolve(arg))
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
            data = {"path": [{k: s[k] for k in ("source", "target", "kind", "evidence")}
                             for s in chains.explanation_path(self.kg, a, b)]}
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
        """Concepts whose labels, acronyms or ID match ``text``, then those whose definition does."""
        want = text.casefold()
        scored = []
        for cid, e in self.kg.entries.items():
            names = [e["label"], *e["alt_labels"], *e.get("aliases", []), cid]
            folded = [n.casefold() for n in names]
            if want in folded:
                score = 0
            elif any(n.startswith(want) for n in folded):
                score = 1
            elif any(want in n for n in folded):
                score = 2
            elif want in e["full"].casefold() or want in e["simple"].casefold():
                score = 3
            else:
                continue
            scored.append((score, e["order"], cid))
        scored.sort()
        return [{"id": cid, "title": self.kg.entries[cid]["title"], "number": self.kg.entries[cid]["number"],
                 "match": ("exact", "prefix", "name", "text")[s]} for s, _, cid in scored[:limit]]

    def run_named(self, name: str, params: dict[str, list[str]]) -> Response:
        queries = named_queries()
        if name not in queries:
            raise HTTPError(404, f"no named query {name!r}; see /api/queries")
        fmt = (params.get("format") or ["json"])[0]
        values = {k: v[0] for k, v in params.items() if k != "format"}
        prepared = prepare(self.kg, queries[name], values, self.base)  # values become escaped terms
        return self._execute(prepared.text, [], fmt, download=name)

    # SPARQL protocol --------------------------------------------------------------------
    def sparql(self, method: str, params: dict[str, list[str]], headers, body: bytes) -> Response:
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form: dict[str, list[str]] = {}
        query_text: str | None = None
        if method == "POST":
            if ctype == "application/sparql-update":
                raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if ctype == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in form:
                    raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
                query_text = (form.get("query") or [None])[0]
            elif ctype == "application/sparql-query":
                query_text = body.decode("utf-8", "replace")
            else:
                raise HTTPError(415, "POST a query as application/sparql-query or "
                                     "application/x-www-form-urlencoded (query=…)")
        else:
            if "update" in params:
                raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
            query_text = (params.get("query") or [None])[0]
        if query_text is None or not query_text.strip():
            return self.service_description(headers)
        if query_form(query_text) in UPDATE_KEYWORDS:
            raise HTTPError(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if uses_service(query_text):
            raise HTTPError(403, "SERVICE is refused: this endpoint makes no requests to other endpoints "
                                 "(any query with the word 'service' is refused)")
        fmt = (params.get("format") or form.get("format") or [None])[0]
        return self._execute(query_text, _accepts(headers.get("Accept")), fmt)

    def _execute(self, text: str, accepts: list[str], fmt: str | None, download: str | None = None) -> Response:
        formats = {"select": "json", "ask": "json", "construct": "ttl"}
        if fmt:
            name = _FORMAT_PARAM.get(fmt.lower())
            if name is None:
                raise HTTPError(400, f"unknown format {fmt!r}; use json, xml, csv, tsv, ttl, jsonld or nt")
            if name in ("json", "xml", "csv", "tsv"):
                formats["select"] = formats["ask"] = name
            if name in ("ttl", "jsonld", "nt", "xml"):
                formats["construct"] = name
            if name == "json":
                formats["construct"] = "jsonld"
        else:
            for media in reversed(accepts):
                if media in RESULT_TYPES:
                    formats["select"] = formats["ask"] = RESULT_TYPES[media]
                if media in GRAPH_TYPES:
                    formats["construct"] = GRAPH_TYPES[media]
        kind, used, body = self.pool.run(text, formats, self.config.max_rows, self.config.timeout)
        media = rdf.FORMATS[used][2] if kind == "construct" else RESULT_FORMATS[used]
        headers = {"Vary": "Accept"}
        if download:
            headers["Content-Disposition"] = f'inline; filename="{download}.{used}"'
        charset = "" if "json" in media else "; charset=utf-8"
        return Response(200, body, media + charset, headers)

    def service_description(self, headers) -> Response:
        host = self.config.host
        endpoint = f"http://{'[' + host + ']' if ':' in host else host}:{self.config.port}/sparql"
        ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .

<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat formats:SPARQL_Results_JSON, formats:SPARQL_Results_XML, formats:SPARQL_Results_CSV,
        formats:SPARQL_Results_TSV, formats:Turtle, formats:JSON-LD, formats:N-Triples ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""
        return Response(200, ttl.encode("utf-8"), "text/turtle; charset=utf-8")


# --- HTTP plumbing ---------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    server_version = "mlkg"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds an idle or slow connection may hold its thread

    @property
    def app(self) -> App:
        return self.server.app  # type: ignore[attr-defined]

    def log_message(self, fmt: str, *args) -> None:
        if not self.app.config.quiet:
            super().log_message(fmt, *args)

    def _dispatch(self, method: str) -> None:
        cfg = self.app.config
        if len(self.path) > cfg.max_url:
            return self._send(self.app.error(414, f"request URL longer than {cfg.max_url} bytes"), method)
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True  # the body's framing is unknown: never read the rest as a request
            return self._send(self.app.error(501, "Transfer-Encoding is not supported; send Content-Length"),
                              method)
        length = self.headers.get("Content-Length")
        body = b""
        if length is not None:
            if not (length.isascii() and length.isdigit()):
                self.close_connection = True
                return self._send(self.app.error(400, "bad Content-Length"), method)
            n = int(length)
            if n > cfg.max_body:
                self.close_connection = True
                return self._send(self.app.error(413, f"request body larger than {cfg.max_body} bytes"), method)
            body = self.rfile.read(n)
        self._send(self.app.handle(method, self.path, self.headers, body), method)

    def _send(self, resp: Response, method: str) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        cors = self.app.config.cors
        if cors:
            self.send_header("Access-Control-Allow-Origin", cors)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(resp.body)

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


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: App):
        self.app = app
        super().__init__((app.config.host, app.config.port), Handler)
        app.config.port = self.server_address[1]

    @property
    def url(self) -> str:
        host = self.app.config.host
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.server_address[1]}/"

    def server_close(self) -> None:
        super().server_close()
        self.app.close()


def make_server(kg: ConceptGraph, config: ServerConfig | None = None) -> Server:
    """A server bound to its port (0 picks a free one), workers started; call ``serve_forever``."""
    app = App(kg, config)
    try:
        server = Server(app)
    except OSError as exc:
        raise InputError(f"cannot listen on {app.config.host}:{app.config.port}: {exc.strerror}; "
                         "is another server running there? choose another --port") from None
    app.start()
    return server
