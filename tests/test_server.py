"""``mlkg serve`` over real HTTP on 127.0.0.1, and ``mlkg push`` into a real Oxigraph server."""

from __future__ import annotations

import csv
import http.client
import io
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from browser import browser, context  # noqa: F401  (pytest fixtures)
from conftest import entry, sheet

import mlkg
from mlkg.views.server import ServerConfig, make_server
from mlkg.views.sparql import uses_service

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Running:
    def __init__(self, kg, **config):
        self.server = make_server(kg, ServerConfig(port=0, quiet=True, **config))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = self.server.url
        self.port = self.server.server_address[1]

    def get(self, path: str, accept: str | None = None, method: str = "GET", data: bytes | None = None,
            content_type: str | None = None, timeout: float = 30):
        headers = {"Accept": accept} if accept else {}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def raw(self, target: str) -> int:
        """Send a request line exactly as given (no client-side path normalisation)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.putrequest("GET", target, skip_accept_encoding=True)
        conn.endheaders()
        status = conn.getresponse().status
        conn.close()
        return status

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def srv(seed_kg):
    running = Running(seed_kg, timeout=2.0, workers=2, max_rows=500)
    yield running
    running.close()


def q(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


# --- SPARQL protocol ---------------------------------------------------------------------------

def test_sparqlwrapper_select_ask_and_construct(srv, seed_kg):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(srv.url + "sparql")
    client.setQuery("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                    "SELECT ?l WHERE { <https://mlkg.dev/id/concept/vae> skos:prefLabel ?l }")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["l"]["value"] for r in rows] == ["Variational Autoencoder"]
    client.setQuery("ASK { <https://mlkg.dev/id/concept/vae> ?p ?o }")
    assert client.query().convert()["boolean"] is True
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5")
    client.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(g) == 5


@pytest.mark.parametrize("accept, parse", [
    ("application/sparql-results+json", lambda b: int(json.loads(b)["results"]["bindings"][0]["n"]["value"])),
    ("application/sparql-results+xml", lambda b: int(ET.fromstring(b).find(".//{*}literal").text)),
    ("text/csv", lambda b: int(list(csv.reader(io.StringIO(b.decode())))[1][0])),
    ("text/tab-separated-values", lambda b: int(b.decode().split("\n")[1].split("^^")[0].strip('"'))),
    (None, lambda b: int(json.loads(b)["results"]["bindings"][0]["n"]["value"])),
])
def test_select_in_each_format_by_accept(srv, seed_kg, accept, parse):
    status, headers, body = srv.get(q(COUNT), accept)
    assert status == 200
    assert parse(body) == len(seed_kg.to_rdf())
    assert headers["Content-Type"].split(";")[0] == (accept or "application/sparql-results+json")


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt")])
def test_construct_and_describe_in_rdf_formats(srv, accept, fmt):
    for query in ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 20", "DESCRIBE <https://mlkg.dev/id/concept/vae>"):
        status, _, body = srv.get(q(query), accept)
        assert status == 200
        assert len(rdflib.Graph().parse(data=body, format=fmt)) > 0


@pytest.mark.parametrize("how", ["form", "sparql-query"])
def test_post_queries(srv, how):
    if how == "form":
        data, ctype = urllib.parse.urlencode({"query": COUNT}).encode(), "application/x-www-form-urlencoded"
    else:
        data, ctype = COUNT.encode(), "application/sparql-query"
    status, _, body = srv.get("/sparql", "application/sparql-results+json", "POST", data, ctype)
    assert status == 200 and json.loads(body)["head"]["vars"] == ["n"]


def test_no_query_gives_a_service_description(srv):
    status, headers, body = srv.get("/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, rdflib.RDF.type, sd.Service) in g


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "data": b"DROP ALL", "content_type": "application/sparql-update"},
    {"method": "POST", "data": b"update=DROP%20ALL", "content_type": "application/x-www-form-urlencoded"},
    {"path": q('INSERT DATA { <urn:a> <urn:b> "c" }')},
    {"path": q("PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }")},
])
def test_update_is_forbidden(srv, request_kwargs):
    path = request_kwargs.pop("path", "/sparql")
    status, _, body = srv.get(path, **request_kwargs)
    assert status == 403 and b"read-only" in body
    assert srv.get(q(COUNT))[0] == 200  # and nothing changed


def test_service_is_refused(srv):
    status, _, body = srv.get(q("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    assert status == 403 and b"SERVICE" in body


@pytest.mark.parametrize("text, has", [
    ("SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o } }", True),
    ("select * where { service silent <http://x> { ?s ?p ?o } }", True),
    # a lexer that reads "1<2 … #>" as an IRI would miss this one
    ("SELECT * WHERE { VALUES ?x {<http://127.0.0.1:9/sparql>} { FILTER(1<2)SERVICE?x#>\n{?s ?p ?o} } }", True),
    ("SELECT * WHERE { \\u0053ERVICE <http://x> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x> { } } }", True),
    ("SELECT * WHERE { ?s ?p ?o }", False),
    # the word in a string, an IRI, a prefix or a comment is no call: the parsed query says so
    ('SELECT * WHERE { ?s ?p "self-service" }', False),
    ("PREFIX service: <http://service.example/service#> SELECT * WHERE { ?s service:x ?o } # SERVICE <x> {}", False),
    # a text the parser cannot read counts as a call when it mentions the word at all
    ("SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o }", True),
])
def test_service_detection(text, has):
    assert uses_service(text) is has


def test_bad_query_is_400_with_the_position(srv):
    status, _, body = srv.get(q("SELECT ?x WHERE { ?x ?y }"), "application/json")
    assert status == 400 and "error" in json.loads(body)


def test_a_long_query_times_out_while_other_requests_are_answered(srv):
    slow: dict = {}

    def run_slow():
        slow["result"] = srv.get(q(SLOW))

    t = threading.Thread(target=run_slow)
    t.start()
    try:
        fast_page = srv.get("/api/concept/vae")
        fast_query = srv.get(q(COUNT))
        answered_while_slow_ran = t.is_alive()
    finally:
        t.join(60)
    assert fast_page[0] == 200 and fast_query[0] == 200
    assert answered_while_slow_ran
    status, _, body = slow["result"]
    assert status == 503 and b"timed out" in body
    assert srv.get(q(COUNT))[0] == 200  # a fresh worker took the killed one's place


def test_result_and_request_size_limits(srv):
    status, _, body = srv.get(q("SELECT * WHERE { ?s ?p ?o }"), "application/json")
    assert status == 400 and "500 rows" in json.loads(body)["error"]
    # the server answers from the headers alone, without reading a body it will not accept
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", str(2 << 20))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()


# --- pages, static files, API ---------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py", "/static/%2e%2e%2f%2e%2e/etc/passwd",
    "/static//etc/passwd", "/static/", "/../../etc/passwd",
])
def test_static_files_cannot_escape_their_folder(srv, target):
    assert srv.raw(target) == 404


def test_static_file_is_served(srv):
    status, headers, _ = srv.get("/static/site.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")


def test_the_map_is_at_the_root(srv):
    status, headers, body = srv.get("/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"vis-network" in body or b"vis.DataSet" in body


def test_concept_page(srv):
    status, headers, body = srv.get("/concept/stable-diffusion", "text/html")
    html = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    for text in ("<h1>Stable Diffusion</h1>", "13 GENERATIVE MODELS", "13.4 Diffusion Models", "13.4.3",
                 "VAE encodes images to latent", 'href="/#stable-diffusion"', 'href="/concept/vae"',
                 "Prerequisite plan", "Autoencoder"):
        assert text in html, text


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_concept_content_negotiation(srv, accept, fmt):
    status, headers, body = srv.get("/concept/vae", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept) and headers["Vary"] == "Accept"
    g = rdflib.Graph().parse(data=body, format=fmt)
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert (rdflib.URIRef("https://mlkg.dev/id/concept/vae"), skos.prefLabel,
            rdflib.Literal("Variational Autoencoder", lang=None)) in g or any(
        str(o) == "Variational Autoencoder" for o in g.objects(None, skos.prefLabel))


def test_unknown_concept_is_404_with_suggestions(srv):
    status, _, body = srv.get("/concept/vea")
    assert status == 404 and b"did you mean vae" in body


@pytest.mark.parametrize("path, check", [
    ("/api/search?q=vae", lambda d: d["results"][0]["id"] == "vae"),
    ("/api/search?q=GAN", lambda d: d["results"][0]["id"] == "gan"),
    ("/api/concept/vae", lambda d: d["id"] == "vae" and d["requires"][0]["target"] == "autoencoder"),
    ("/api/prereqs/stable-diffusion", lambda d: d["plan"][0]["id"] == "autoencoder"),
    ("/api/prereqs/stable-diffusion?depth=1", lambda d: {s["id"] for s in d["plan"]} == {"vae", "diffusion-model"}),
    ("/api/dependents/autoencoder?depth=1", lambda d: {s["id"] for s in d["dependents"]} == {
        "vae", "denoising-autoencoder"}),
    ("/api/learn/stable-diffusion?known=vae", lambda d: d["skipped"] == ["autoencoder", "vae"]),
    ("/api/path?from=stable-diffusion&to=autoencoder", lambda d: [s["target"] for s in d["path"]] == [
        "vae", "autoencoder"]),
    ("/api/queries", lambda d: "prerequisites" in {x["name"] for x in d}),
    ("/api/run/prerequisites?concept=vae", lambda d: d["results"]["bindings"][0]["prerequisite"]["value"].endswith(
        "/concept/autoencoder")),
])
def test_api(srv, path, check):
    status, headers, body = srv.get(path)
    assert status == 200 and headers["Content-Type"].split(";")[0] in (
        "application/json", "application/sparql-results+json")
    assert check(json.loads(body))


@pytest.mark.parametrize("path, status", [
    ("/api/concept/nope", 404), ("/api/prereqs/nope", 404), ("/api/search", 400), ("/api/nothing", 404),
    ("/api/prereqs/vae?depth=x", 400), ("/api/run/prerequisites", 400),
    ("/api/run/prerequisites?concept=x%3E%20%7D%20%3B%20DROP%20ALL%20%23", 404),
])
def test_api_errors(srv, path, status):
    got, _, body = srv.get(path, "application/json")
    assert got == status and json.loads(body)["error"]


def test_cors_is_off_by_default_and_on_when_asked(srv, seed_kg):
    _, headers, _ = srv.get("/api/concept/vae")
    assert "Access-Control-Allow-Origin" not in headers
    other = Running(seed_kg, cors="https://example.org")
    try:
        _, headers, _ = other.get("/sparql")
        assert headers["Access-Control-Allow-Origin"] == "https://example.org"
        assert "Access-Control-Allow-Credentials" not in headers
    finally:
        other.close()


def test_binds_to_loopback_by_default(srv):
    assert ServerConfig().host == "127.0.0.1"
    assert srv.server.server_address[0] == "127.0.0.1"


def test_hostile_text_is_escaped_on_concept_pages(tmp_path):
    evil = "<img src=x onerror=alert(1)> and </script><script>alert(2)</script>"
    path = tmp_path / "evil.md"
    path.write_text(sheet(entry("1.1.1", "Evil <b>Title</b>", "evil", full=evil, simple=evil)), encoding="utf-8")
    running = Running(mlkg.load(path, curation=[]))
    try:
        _, _, body = running.get("/concept/evil", "text/html")
        html = body.decode()
        assert "<img src=x" not in html and "<script>alert" not in html and "<b>Title" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    finally:
        running.close()


# --- the query page in a real browser --------------------------------------------------------------

@pytest.mark.browser
def test_query_page_runs_a_named_query_and_keeps_it_in_the_url(srv, context):  # noqa: F811
    page = context.new_page()
    external = []
    page.on("request", lambda r: None if r.url.startswith(srv.url) else external.append(r.url))
    page.goto(srv.url + "query")
    page.select_option("#named", "prerequisites")
    page.fill("#param-concept", "stable-diffusion")
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    cells = page.locator("table.results tbody tr td:nth-child(2)").all_inner_texts()
    assert set(cells) == {"vae", "diffusion-model", "autoencoder", "denoising-autoencoder"}
    assert "name=prerequisites" in page.url and "concept=stable-diffusion" in page.url
    assert "format=csv" in page.get_attribute("#csv", "href")
    # the shared URL reproduces the view
    again = context.new_page()
    again.goto(page.url)
    again.wait_for_selector("table.results tbody tr")
    assert again.locator("table.results tbody tr").count() == 4
    assert again.input_value("#param-concept") == "stable-diffusion"
    assert external == []


@pytest.mark.browser
def test_query_page_raw_query_round_trip(srv, context):  # noqa: F811
    page = context.new_page()
    page.goto(srv.url + "query")
    page.fill("#text", "ASK { ?s ?p ?o }")
    page.click("#run")
    page.wait_for_selector("p.boolean")
    assert page.inner_text("p.boolean") == "ASK: true"
    assert "query=ASK" in page.url


# --- push into a real Oxigraph server ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    beside = Path(sys.executable).parent / "oxigraph"
    exe = str(beside) if beside.exists() else shutil.which("oxigraph")
    if exe is None:
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxi")),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("oxigraph serve did not start")
    yield url
    proc.terminate()
    proc.wait(10)


def remote_count(url: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    req = urllib.request.Request(url + "/query?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


def test_push_twice_leaves_the_same_data(cli, oxigraph_server, seed_kg):
    graph = "https://mlkg.dev/graph/test"
    local = len(seed_kg.to_rdf())
    code, out, err = cli("push", oxigraph_server + "/store", "--graph", graph)
    assert code == 0, err
    assert f"pushed {local} triples" in out
    assert remote_count(oxigraph_server, graph) == local
    assert cli("push", oxigraph_server + "/store", "--graph", graph)[0] == 0
    assert remote_count(oxigraph_server, graph) == local


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1:{closed}/store", "cannot connect"),
    ("{oxi}/nothing-here", "HTTP 404"),
    ("ftp://example.org/store", "is not an http(s) URL"),
])
def test_push_errors_are_one_line_with_exit_1(cli, oxigraph_server, url, message):
    code, _, err = cli("push", url.format(closed=_free_port(), oxi=oxigraph_server))
    assert code == 1
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_push_reports_authentication_failures(cli, seed_kg, monkeypatch):
    """A store that demands credentials answers 401; the error says what to do."""
    import http.server

    class Deny(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="x"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Deny)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("MLKG_PASSWORD", "wrong")
    try:
        code, _, err = cli("push", f"http://127.0.0.1:{server.server_address[1]}/store", "--user", "me")
    finally:
        server.shutdown()
    assert code == 1 and "HTTP 401" in err and "MLKG_PASSWORD" in err


def _raw_request(srv, head: str, body: bytes = b"") -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(head.encode() + body)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


@pytest.mark.parametrize("head, body, status", [
    # a chunked body is never read as a second request
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
     "Content-Type: application/sparql-query\r\n\r\n",
     b"1a\r\nGET /api/concept/vae HTTP/1.1\r\n0\r\n\r\n", 501),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n", b"", 400),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1_0\r\n\r\n", b"", 400),
    ("GET /api/concept/vae HTTP/1.1\r\nHost: evil.example\r\n\r\n", b"", 403),
    ("GET /api/concept/vae HTTP/1.1\r\nHost: localhost:8000\r\n\r\n", b"", 200),
])
def test_request_framing_and_host(srv, head, body, status):
    got, data = _raw_request(srv, head, body)
    assert got == status, data[:300]
    assert data.count(b"HTTP/1.1 ") == 1


@pytest.mark.parametrize("path, status", [
    ("/static/%00", 404), ("/api/prereqs/vae?depth=%C2%B2", 400), ("/api/search?q=a&limit=0", 400),
    ("/api/concept/GANs", 200), ("/api/prereqs/sec:13", 404), ("/api/learn/vae?known=sec:13", 404),
])
def test_odd_inputs_get_an_answer_never_a_dead_thread(srv, path, status):
    got, headers, _ = srv.get(path)
    assert got == status
    if path.startswith("/api/"):
        assert headers["Content-Type"].startswith("application/json")  # errors too, whatever Accept says
