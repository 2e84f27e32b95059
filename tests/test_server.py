"""``mlkg serve`` over real HTTP on 127.0.0.1, and ``mlkg push`` into a real Oxigraph server."""

from __future__ import annotations

import base64
import contextlib
import csv
import gzip
import html
import http.client
import io
import json
import re
import select
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
from browser import MapPage, browser, context  # noqa: F401  (pytest fixtures)
from conftest import ROOT, SEED, entry, sheet

import mlkg
from mlkg.views import map as viz
from mlkg.views import text as text_view
from mlkg.views.live import Live, hiding_folders
from mlkg.views.search import search
from mlkg.views.server import LOG_LIMIT, ServerConfig, make_server
from mlkg.views.sparql import uses_service

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Running:
    def __init__(self, kg, live=None, editor=None, **config):
        self.server = make_server(kg, ServerConfig(port=0, quiet=True, **config), live=live, editor=editor)
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


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.rq")), ids=lambda p: p.stem)
def test_every_shipped_query_runs_through_sparqlwrapper_as_written(srv, path):
    """SPARQLWrapper guesses an update from keywords anywhere in the text, comments too: "a curation [[add]]" in
    orphans.rq and "to load into" in neighbourhood.rq made it send them as updates, which the endpoint refuses."""
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(srv.url + "sparql")
    client.setQuery(path.read_text())
    assert not client.isSparqlUpdateRequest()
    client.setReturnFormat(TURTLE if client.queryType in ("CONSTRUCT", "DESCRIBE") else JSON)
    result = client.query()
    assert result.response.status == 200


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


@pytest.mark.parametrize("target", ["/sparql?query=", "/sparql?query=&format=json", "/sparql?query=%20",
                                    "/sparql?query=%0A%09"])
def test_an_empty_query_is_400_as_a_blank_one_is(srv, target):
    """`query=` (empty) got the service description with 200 where `query=%20` got 400: a query asked for and
    not given is 400 either way; only a GET without `query` at all describes the service."""
    status, _, body = srv.get(target)
    assert status == 400 and body.startswith(b"400 Bad Request: no query")


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


def _send(srv, method: str, target: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One request with exactly these headers (besides Host): http.client adds no Accept of its own."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize("target, accept, status, media", [
    # a type we cannot send, or ours refused with q=0: 406 (it was 200 with JSON)
    (q(COUNT), "image/png", 406, None),
    (q(COUNT), "application/sparql-results+json;q=0", 406, None),
    (q(COUNT), "image/*", 406, None),
    (q(COUNT), "*/*;q=0", 406, None),
    (q(COUNT), "text/html", 406, None),
    ("/sparql", "image/png", 406, None),  # the service description too
    # what clients send keeps working: none, empty, curl's */*, a browser's, SPARQLWrapper's lists
    (q(COUNT), None, 200, "application/sparql-results+json"),
    (q(COUNT), "", 200, "application/sparql-results+json"),
    (q(COUNT), "*/*", 200, "application/sparql-results+json"),
    (q(COUNT), BROWSER_ACCEPT, 200, "application/sparql-results+xml"),
    (q(COUNT), "application/sparql-results+json,application/json,text/javascript,application/javascript", 200,
     "application/sparql-results+json"),
    (q(COUNT), "image/png, text/csv;q=0.5", 200, "text/csv"),
    (q(COUNT) + "&format=json", "image/png", 200, "application/sparql-results+json"),  # format= decides
    # a refused default gives way to the next format
    (q(COUNT), "application/sparql-results+json;q=0, */*", 200, "application/sparql-results+xml"),
    ("/sparql", "text/turtle;q=0, */*", 200, "application/n-triples"),
])
def test_accept_that_names_nothing_we_send_is_406(srv, target, accept, status, media):
    got, headers, body = _send(srv, "GET", target, {} if accept is None else {"Accept": accept})
    assert got == status, body[:300]
    if media:
        assert headers["Content-Type"].split(";")[0] == media
    else:
        assert b"Accept names no type this endpoint sends" in body and headers["Vary"] == "Accept"


_TABLE_TYPES = ("application/sparql-results+json, application/sparql-results+xml, text/csv or "
                "text/tab-separated-values")
_GRAPH_TYPES = "text/turtle, application/n-triples, text/n3, application/ld+json or application/rdf+xml"


@pytest.mark.parametrize("target, accept, result, types", [
    (q(COUNT), "text/turtle", "a SELECT result", _TABLE_TYPES),
    (q("ASK { ?s ?p ?o }"), "application/ld+json", "an ASK result", _TABLE_TYPES),
    (q("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"), "text/csv", "a CONSTRUCT or DESCRIBE result", _GRAPH_TYPES),
    (q("DESCRIBE concept:vae"), "application/sparql-results+json", "a CONSTRUCT or DESCRIBE result", _GRAPH_TYPES),
    # a form read only from the result (no space after PREFIX), refused by the worker after it ran
    (q("PREFIX:<https://mlkg.dev/id/concept/> CONSTRUCT { :vae ?p ?o } WHERE { :vae ?p ?o }"), "text/csv",
     "a CONSTRUCT or DESCRIBE result", _GRAPH_TYPES),
    ("/sparql", "text/csv", "the service description, an RDF graph", _GRAPH_TYPES),
])
def test_a_406_for_the_wrong_kind_of_type_says_which_result_it_cannot_carry(srv, target, accept, result, types):
    """Turtle for a SELECT was told "Accept names no type this endpoint sends", but the endpoint does send Turtle,
    just never for a table: the answer says what is wrong and what to ask for instead."""
    got, headers, body = _send(srv, "GET", target, {"Accept": accept})
    assert (got, headers["Vary"]) == (406, "Accept")
    said = json.loads(body)["error"] if headers["Content-Type"].startswith("application/json") else body.decode()
    assert said.removeprefix("406 Not Acceptable: ").removesuffix("\n") == (
        f"none of the types Accept names can carry {result}; ask for one of {types} (or send format=…)")


def test_sparqlwrapper_is_told_406_only_when_it_asks_for_what_we_cannot_send(srv):
    from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper

    for fmt in (JSON, XML, CSV):
        client = SPARQLWrapper(srv.url + "sparql", returnFormat=fmt)
        client.setQuery(COUNT)
        assert client.query().response.status == 200
    client = SPARQLWrapper(srv.url + "sparql", returnFormat=JSON)
    client.setOnlyConneg(True)  # Accept alone, no format=
    client.addCustomHttpHeader("Accept", "image/png")
    client.setQuery(COUNT)
    with pytest.raises(urllib.error.HTTPError) as err:
        client.query()
    assert err.value.code == 406


@pytest.mark.parametrize("method, path, allow", [
    ("OPTIONS", "/sparql", "GET, HEAD, POST, OPTIONS"),
    ("OPTIONS", "/concept/vae", "GET, HEAD, OPTIONS"),
    ("OPTIONS", "/api/curation", "OPTIONS"),  # no POST on a server without --edit
    ("OPTIONS", "*", "GET, HEAD, OPTIONS"),
    ("PUT", "/sparql", "GET, HEAD, POST, OPTIONS"),
    ("DELETE", "/api/concept/vae", "GET, HEAD, OPTIONS"),
    ("GET", "/api/curation", "POST, OPTIONS"),
])
def test_options_and_405_say_what_a_path_allows(srv, method, path, allow):
    """OPTIONS answered 204 without Allow; each 405 named its own list."""
    status, headers, _ = _send(srv, method, path, {})
    assert status == (204 if method == "OPTIONS" else 405 if method != "GET" else 403)
    if status != 403:  # GET /api/curation: read-only server, so 403 before 405
        assert headers["Allow"] == allow


def test_the_server_header_is_just_mlkg(srv):
    """The standard library wrote "mlkg " (a space, then an empty version)."""
    assert _send(srv, "GET", "/api/concept/vae", {})[1]["Server"] == "mlkg"


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


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { ?s foo:bar ?o }", "invalid SPARQL at line 1, column 28: unknown prefix foo: (declare it with "
                                         "PREFIX)"),
    ("SELECT ?x WHERE { ?x ?y }", "invalid SPARQL at line 1, column 26: expected one of "),
    ("SELECT ?x\nWHERE {\n  ?x ?y ?z .\n  FILTER(\n}", "invalid SPARQL at line 5, column 2: expected one of "),
    # the character classes left out are said to be, not the keywords passed off as all it takes
    ("SELEC ?x", "invalid SPARQL at line 1, column 9: expected one of DESCRIBE, …"),
])
def test_a_syntax_error_reads_as_mlkg_query_words_it(srv, cli, query, message):
    """The endpoint once sent pyoxigraph's grammar dump ("expected one of Prefix not found, ['%'], …") where
    `mlkg query` names the undeclared prefix; both now word it with the same code."""
    status, _, body = srv.get(q(query), "application/json")
    error = json.loads(body)["error"]
    code, _, err = cli("query", "--source", SEED, query)
    assert status == 400 and code == 2
    assert error.startswith(message) and "['" not in error and "..=" not in error
    assert err == f"mlkg: {error}\n"


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
    assert status == 422 and "more than 500 rows" in json.loads(body)["error"]
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


@pytest.mark.parametrize("target, accept_encoding, gzipped", [
    ("/", "gzip, deflate, br", True),            # a browser's
    ("/", "gzip;q=0, identity", False),          # refused
    ("/", "*", True),
    ("/", None, False),                          # nothing said: as it is
    (q(COUNT) + "&format=json", "gzip", False),  # too short to gain
    ("/static/site.css", "gzip", True),
])
def test_large_bodies_go_gzipped_to_clients_that_take_gzip(srv, target, accept_encoding, gzipped):
    plain = _send(srv, "GET", target, {})
    status, headers, body = _send(srv, "GET", target, {} if accept_encoding is None
                                  else {"Accept-Encoding": accept_encoding})
    assert status == plain[0] == 200
    assert (headers.get("Content-Encoding") == "gzip") is gzipped
    assert (gzip.decompress(body) if gzipped else body) == plain[2]
    assert ("Accept-Encoding" in headers.get("Vary", "")) is (len(plain[2]) >= 1024)


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
    assert status == 200 and headers["Content-Type"].startswith(accept) and headers["Vary"] == "Accept, Accept-Encoding"
    g = rdflib.Graph().parse(data=body, format=fmt)
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert (rdflib.URIRef("https://mlkg.dev/id/concept/vae"), skos.prefLabel,
            rdflib.Literal("Variational Autoencoder", lang=None)) in g or any(
        str(o) == "Variational Autoencoder" for o in g.objects(None, skos.prefLabel))


@pytest.mark.parametrize("path, says", [
    ("/concept/vea", b"did you mean vae"),
    ("/concept/", b"a concept ID is needed: '' is empty"),  # not the first three concepts as suggestions
    ("/concept/%20", b"a concept ID is needed: ' ' is blank"),
])
def test_unknown_concept_is_404_with_suggestions(srv, path, says):
    status, _, body = srv.get(path)
    assert status == 404 and says in body and (b"did you mean" in body) == (path == "/concept/vea")


@pytest.mark.parametrize("path, location", [
    ("/concept/VAE", "/concept/vae"),
    ("/concept/Stable%20Diffusion", "/concept/stable-diffusion"),
    ("/concept/GANs", "/concept/gan"),
    ("/concept/vae%20", "/concept/vae"),
    ("/concept/VAE?format=ttl", "/concept/vae?format=ttl"),
    ("/concept/13.1", "/concept/sec:13.1"),
    ("/concept/13.1.2", "/concept/vae"),  # an entry number, as the page shows it
])
def test_a_concept_page_by_label_or_acronym_redirects_to_its_id(srv, path, location):
    """/api/concept/VAE, `mlkg show VAE` and map.html#VAE took names that /concept/VAE answered with 404."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 302 and resp.getheader("Location") == location
    status, headers, _ = srv.get(path, "text/html")  # and the client that follows it finds the page
    assert status == 200 and headers["Content-Type"].startswith("text/turtle" if "format" in path else "text/html")


@pytest.mark.parametrize("path, check", [
    ("/api/search?q=vae", lambda d: d["results"][0]["id"] == "vae"),
    ("/api/search?q=GAN", lambda d: d["results"][0]["id"] == "gan"),
    ("/api/concept/vae", lambda d: d["id"] == "vae" and d["requires"][0]["target"] == "autoencoder"),
    ("/api/prereqs/stable-diffusion", lambda d: d["plan"][0]["id"] == "autoencoder"),
    ("/api/prereqs/stable-diffusion?depth=1", lambda d: {s["id"] for s in d["plan"]} == {"vae", "diffusion-model"}),
    ("/api/dependents/autoencoder?depth=1", lambda d: {s["id"] for s in d["dependents"]} == {
        "vae", "denoising-autoencoder"}),
    ("/api/learn/stable-diffusion?known=vae", lambda d: d["skipped"] == ["autoencoder", "vae"]),
    # one concept named three ways is known once ("known": ["vae", "vae", "vae", …])
    ("/api/learn/stable-diffusion?known=vae,VAE,Variational%20Autoencoder,autoencoder&known=vae",
     lambda d: d["known"] == ["vae", "autoencoder"]),
    ("/api/path?from=stable-diffusion&to=autoencoder", lambda d: [s["target"] for s in d["path"]] == [
        "vae", "autoencoder"]),
    # walked against its edges: the steps in walk order, each edge as it reads (as `mlkg path --format json`)
    ("/api/path?from=autoencoder&to=stable-diffusion", lambda d: [
        (s["from"], s["to"], s["source"], s["kind"], s["target"]) for s in d["path"]] == [
        ("autoencoder", "vae", "vae", "requires", "autoencoder"),
        ("vae", "stable-diffusion", "stable-diffusion", "requires", "vae")]),
    ("/api/queries", lambda d: "prerequisites" in {x["name"] for x in d}),
    ("/api/run/prerequisites?concept=vae", lambda d: d["results"]["bindings"][0]["prerequisite"]["value"].endswith(
        "/concept/autoencoder")),
])
def test_api(srv, path, check):
    status, headers, body = srv.get(path)
    assert status == 200 and headers["Content-Type"].split(";")[0] in (
        "application/json", "application/sparql-results+json")
    assert check(json.loads(body))


@pytest.mark.parametrize("path, names", [
    ("/concept/vae", "13-generative-models.md:41"),
    ("/concept/sec:13.1", "13-generative-models.md:5"),
    ("/api/concept/vae", '"file": "13-generative-models.md"'),
    ("/api/path?from=vae&to=gan", '"file": "13-generative-models.md"'),
])
def test_pages_and_the_api_name_files_as_the_export_does_not_where_the_server_keeps_them(srv, path, names):
    """The server was loaded from an absolute path, as `mlkg serve --source /home/you/…` is: its pages and API
    sent that path (the user's home, to anyone with --host 0.0.0.0), where the RDF writes the corpus-relative
    file."""
    status, _, body = srv.get(path, "text/html")
    assert status == 200
    assert names in body.decode() and str(SEED.parent) not in body.decode()


@pytest.mark.parametrize("path, status", [
    ("/api/concept/nope", 404), ("/api/prereqs/nope", 404), ("/api/search", 400), ("/api/nothing", 404),
    ("/api/prereqs/vae?depth=x", 400), ("/api/run/prerequisites", 400),
    ("/api/run/prerequisites?concept=x%3E%20%7D%20%3B%20DROP%20ALL%20%23", 404),
    ("/api/run/search?text=", 400), ("/api/run/search?text=%20%20", 400),  # it matched every concept
])
def test_api_errors(srv, path, status):
    got, _, body = srv.get(path, "application/json")
    assert got == status and json.loads(body)["error"]


def test_the_api_lists_its_routes_as_json_to_a_client_that_asks_and_as_a_page_to_a_browser(srv):
    """/api was a page whatever the client asked for, though the README calls the API JSON, "listed at /api"."""
    status, _, body = srv.get("/api", "application/json")
    listed = json.loads(body)
    assert status == 200 and listed["sparql"] == "/sparql"
    for route in listed["routes"]:  # each example answers, as JSON
        assert srv.get(route["example"], "application/json")[0] == 200, route
    status, _, page = srv.get("/api", "text/html")
    assert status == 200 and all(html.escape(r["route"]) in page.decode() for r in listed["routes"])


@pytest.mark.parametrize("path, error", [
    ("/api/prereqs/llm?depth=-1", "depth must be a whole number, 0 or more, not '-1'"),  # -1 is a whole number
    ("/api/search?q=gan&limit=ten", "limit must be a whole number, 0 or more, not 'ten'"),
])
def test_api_number_errors_say_what_is_wanted(srv, path, error):
    got, _, body = srv.get(path, "application/json")
    assert got == 400 and json.loads(body)["error"] == error


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_it_serves_on_an_ipv6_address(seed_kg):
    v6 = Running(seed_kg, host="::1")
    try:
        assert v6.url.startswith("http://[::1]:")
        assert v6.get("/sparql?query=ASK%7B%7D", accept="application/sparql-results+json")[0] == 200
    finally:
        v6.close()


def test_the_query_page_names_every_predeclared_prefix(srv):
    """A query may use each of them; the page once named 6 of 11."""
    from mlkg.views import rdf

    status, _, body = srv.get("/query", accept="text/html")
    assert status == 200
    page = body.decode()
    assert all(f"<code>{p}:</code>" in page for p in rdf.prefixes())


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


def _marked_up(write):
    """A sheet whose section and subsection titles hold markdown and a tag."""
    text = sheet(entry("1.1.1", "Beta Net", "beta"), title="**Bold** `Code` <i>Italic</i> TOPIC",
                 subsections={"1.1": "*Sub* [Title](https://x.org)"})
    return mlkg.load(write(text), curation=[])


def _concept_page(kg, node: str) -> str:
    running = Running(kg)
    try:
        return running.get(f"/concept/{node}", "text/html")[2].decode()
    finally:
        running.close()


@pytest.mark.parametrize("view, expected", [
    (lambda kg: text_view.concept_text(kg, "beta").split("\n")[1], "Section: 1 Bold Code Italic TOPIC › 1.1 Sub Title"),
    (lambda kg: [p["title"] for p in text_view.concept_json(kg, "beta")["section_path"]],
     ["1 Bold Code Italic TOPIC", "1.1 Sub Title"]),
    (lambda kg: [n["name"] for n in viz.map_data(kg)[0] if n["kind"] != "concept"],
     ["Bold Code Italic TOPIC", "Sub Title"]),
    (viz.default_title, "1 Bold Code Italic TOPIC · concept map"),
    (lambda kg: [r["title"] for r in search(kg, "sub title", sections=True)], ["Sub Title"]),
    (lambda kg: re.search(r'<nav class="crumbs".*?</nav>', _concept_page(kg, "beta"), re.S).group(),
     '<nav class="crumbs" aria-label="Breadcrumbs">\n<a href="/concept/sec%3A1">1 Bold Code Italic TOPIC</a> › '
     '<a href="/concept/sec%3A1.1">1.1 Sub Title</a> › <span>Beta Net</span>\n</nav>'),
    (lambda kg: re.findall(r"<title>.*?</title>|<h1>.*?</h1>", _concept_page(kg, "sec:1.1")),
     ["<title>Sub Title · mlkg</title>", "<h1>Sub Title</h1>"]),
])
def test_a_section_title_is_shown_as_it_reads_rendered(write, view, expected):
    """`mlkg show`, the map's header, Sections list and breadcrumbs, and the concept pages showed
    "**Bold** `Code` <i>Italic</i>" (escaped), where the RDF label and every entry's label read "Bold Code Italic"."""
    assert view(_marked_up(write)) == expected


@pytest.mark.browser
def test_a_live_map_takes_the_new_graphs_heading_and_sections(context, write):  # noqa: F811
    """After a rebuild without section 2 the map redrew its nodes, but its heading, the tab's title and the
    Sections list still counted section 2, and the local view of a concept gone still said "1 hop"."""
    one = sheet(entry("1.1.1", "Alpha Net", "alpha"), section="1", title="FIRST", subsections={"1.1": "Ones"})
    two = sheet(entry("2.1.1", "Beta Net", "beta"), section="2", title="SECOND", subsections={"2.1": "Twos"})
    both = mlkg.load([write(one, "1.md"), write(two, "2.md")], curation=[])
    live = Live(both)
    running = Running(both, live=live)
    try:
        view = MapPage(context.new_page(), running.url)
        view.page.goto(running.url + "#beta&hops=1")
        view.wait_ready()
        said = "() => [document.title, document.getElementById('heading').textContent, " \
               "[...document.querySelectorAll('#legend-sections a')].map(a => a.textContent), mlkg.state().hops]"
        assert view.js(said) == ["Concept map · 2 sections, 2 concepts"] * 2 + [["1 FIRST1", "2 SECOND1"], 1]
        live.publish(mlkg.load([write(one, "1.md")], curation=[]))
        view.until("() => mlkg.info('beta') === undefined")
        assert view.js(said) == ["1 FIRST · concept map"] * 2 + [["1 FIRST1"], 0]
    finally:
        running.close()
        live.close()


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


@pytest.mark.browser
@pytest.mark.parametrize("query, status", [
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", "3 results"),
    ("SELECT ?s WHERE { ?s a <urn:nothing> }", "0 results"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", "5 triples"),
    ("CONSTRUCT { concept:vae skos:prefLabel ?l } WHERE { concept:vae skos:prefLabel ?l }", "1 triple"),
    ("DESCRIBE concept:vae", "{describe} triples"),
    ("ASK { ?s ?p ?o }", "answer: true"),
    ("ASK { ?s a <urn:nothing> }", "answer: false"),
])
def test_query_page_counts_what_each_query_form_returns(srv, seed_kg, context, query, status):  # noqa: F811
    """A CONSTRUCT showed its graph under "0 results", an ASK under "1 result": rows, triples and answers are
    counted as what they are."""
    expected = status.format(describe=len(seed_kg.query("DESCRIBE concept:vae")))
    page = context.new_page()
    page.goto(srv.url + "query?" + urllib.parse.urlencode({"query": query}))
    page.locator("#status", has_text=re.compile(r" in \d+ ms$")).wait_for()
    assert page.inner_text("#status").startswith(expected + " in ")


def _serve(*args: str, cwd: Path | None = None) -> tuple[subprocess.Popen, int]:
    """``mlkg serve`` on a free port, as a user starts it: the process and the port its first line names."""
    proc = subprocess.Popen([sys.executable, "-m", "mlkg", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    m = re.search(r"http://[\d.]+:(\d+)/", proc.stdout.readline())
    if not m:
        proc.kill()
        pytest.fail(f"mlkg serve did not start: {proc.stderr.read()}")
    return proc, int(m.group(1))


@pytest.mark.parametrize("quiet", [False, True])
def test_serve_watch_says_each_rebuild_and_each_broken_edit_on_stderr(tmp_path, quiet):
    """`mlkg serve --watch` told only open pages (an SSE event) of a rebuild or a broken edit; the terminal that
    started it heard nothing.  Each is now one line on stderr, and --quiet keeps them off.  The events tell the
    test when each has happened: the line is written before the event is sent."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    sheet_path = folder / "sheet.md"
    sheet_path.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method")), encoding="utf-8")
    proc, port = _serve("--source", str(folder), "--no-curation", "--watch", *(["--quiet"] if quiet else []),
                        cwd=tmp_path)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/events")
        events = conn.getresponse()

        def next_event() -> str:
            while True:
                line = events.readline().decode()
                if line.startswith("event: "):
                    return line.removeprefix("event: ").strip()

        # the watcher starts beside the server: edit until it sees an edit, a third entry each time
        done = threading.Event()

        def keep_editing() -> None:
            n = 0
            while not done.wait(0.5):
                n += 1
                sheet_path.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method"),
                                            entry("1.1.3", "Gamma Trick", full=f"Edit {n}.")), encoding="utf-8")

        editor = threading.Thread(target=keep_editing)
        editor.start()
        try:
            assert next_event() == "graph"
        finally:
            done.set()
            editor.join()
        empty = folder / "empty.md"
        empty.write_text("", encoding="utf-8")  # a broken edit
        while next_event() != "error":
            pass
        empty.unlink()  # and its fix
        while next_event() != "graph":
            pass
        conn.close()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    lines = [line for line in err.splitlines() if "rebuil" in line]
    assert "Traceback" not in err
    if quiet:
        assert lines == []
        return
    assert lines[0].startswith("mlkg: rebuilt: 3 concepts (1 file(s); ")
    failed = [line for line in lines if "failed" in line]
    assert failed == [f"mlkg: rebuild failed, still serving the last good graph: {empty}:1: no cheatsheet entries "
                      "in this file (an entry starts with a '#### N.M.K Title' heading); is it a cheatsheet?"]
    assert lines[-1].startswith("mlkg: rebuilt: 3 concepts (1 file(s); ")



def test_serve_watch_follows_a_source_folder_removed_and_made_again(tmp_path):
    """`git checkout` of a branch without the watched folder, and back: the watch ended with the folder ("rebuild
    failed … no such file or folder") and no later edit was seen until a restart.  Now the folder is watched
    again once it is back: its new entry is served, and so is a later edit."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    first = [entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method")]
    (folder / "sheet.md").write_text(sheet(*first), encoding="utf-8")
    proc, port = _serve("--source", str(folder), "--no-curation", "--watch", "--quiet", cwd=tmp_path)

    def put(*entries: str) -> None:  # whole at once, as a checkout writes it: never read half written
        (folder / "sheet.tmp").write_text(sheet(*entries), encoding="utf-8")
        (folder / "sheet.tmp").replace(folder / "sheet.md")

    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/events")
        events = conn.getresponse()

        def until(name: str) -> str:
            """The data of the next event ``name``, waited for a minute at most (heartbeats come meanwhile)."""
            end = time.monotonic() + 60
            while time.monotonic() < end:
                line = events.readline().decode()
                assert line, "the event stream ended"
                if line == f"event: {name}\n":
                    return events.readline().decode()
            pytest.fail(f"no {name} event within a minute")

        def served(concept: str) -> int:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/concept/{concept}", timeout=30) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code

        done = threading.Event()  # the watcher starts beside the server: edit until it sees an edit

        def keep_editing() -> None:
            while not done.wait(0.5):
                put(*first)

        editor = threading.Thread(target=keep_editing)
        editor.start()
        try:
            until("graph")
        finally:
            done.set()
            editor.join()
        shutil.rmtree(folder)
        gone = until("error")
        assert "no such file or folder" in gone and str(tmp_path) not in gone  # where the files are is not shown
        folder.mkdir()
        put(*first, entry("1.1.3", "Gamma Trick"))
        until("graph")
        assert served("gamma-trick") == 200
        put(*first, entry("1.1.3", "Gamma Trick"), entry("1.1.4", "Delta Rule"))
        until("graph")
        assert served("delta-rule") == 200
        conn.close()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err


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


@pytest.mark.parametrize("url, message, exit_code", [
    ("http://127.0.0.1:{closed}/store", "cannot connect", 1),
    ("{oxi}/nothing-here", "HTTP 404", 1),
    # a URL that is no URL is a usage error
    ("ftp://example.org/store", "is not an http(s) URL", 2),
    ("http://[::1", "is not a valid URL", 2),
    ("http://a b/store", "is not an http(s) URL", 2),
    ("http://127.0.0.1:port/store", "is not a valid URL", 2),
    ("http://127.0.0.1:9/a\x01", "is not an http(s) URL", 2),
    ("http://:80/store", "is not an http(s) URL", 2),
    # credentials in the URL: never printed (the error showed the password), and never used (urllib did not)
    ("http://me:s3cret@127.0.0.1:{closed}/store", "mlkg: http://***@127.0.0.1:", 2),
    ("http://me:s3cret@127.0.0.1:{closed}/store", "credentials in the URL are not used; give --user NAME", 2),
    ("http://s3cret@127.0.0.1:{closed}/store", "credentials in the URL are not used", 2),
    ("http://me:s3cret@127.0.0.1:port/store", "'http://***@127.0.0.1:port/store' is not a valid URL", 2),
    ("ftp://me:s3cret@example.org/store", "'ftp://***@example.org/store' is not an http(s) URL", 2),
])
def test_push_errors_are_one_line(cli, oxigraph_server, url, message, exit_code):
    code, _, err = cli("push", url.format(closed=_free_port(), oxi=oxigraph_server))
    assert code == exit_code
    assert message in err and err.count("\n") == 1 and "Traceback" not in err and "s3cret" not in err


def remote_default_count(url: str) -> int:
    req = urllib.request.Request(url + "/query?" + urllib.parse.urlencode({"query": COUNT}),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return int(json.loads(r.read())["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("graph, says", [
    ("not iri", "Invalid IRI code point ' '"),                 # the store's 400 came back as a failed push
    ("relative/graph", "No scheme found in an absolute IRI"),
    ("<https://mlkg.dev/graph/ml>", "Invalid IRI code point '<'"),
    ("", "No scheme found in an absolute IRI"),  # "$UNSET": replaced the store's default graph
])
def test_push_refuses_a_graph_that_is_no_absolute_iri_before_sending_anything(cli, oxigraph_server, graph, says):
    """--base-iri was checked and --graph was not: the request went out, and the store's answer (or, for an
    empty name, a PUT over its default graph) came back as the push's result."""
    before = remote_default_count(oxigraph_server)
    code, out, err = cli("push", oxigraph_server + "/store", "--graph", graph)
    assert code == 2 and out == ""
    assert err == f"mlkg: --graph {graph!r} is not an absolute IRI ({says}); name one such as " \
                  "https://mlkg.dev/graph/ml, or leave --graph out for the default graph\n"
    assert remote_default_count(oxigraph_server) == before


def _answer_once(reply: bytes) -> int:
    """A port where one connection is read and answered with ``reply``, whatever it is."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(10)
            try:  # the whole request first: a reply while the body still comes resets the connection
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
                while len(body) < length:
                    body += conn.recv(65536)
                conn.sendall(reply)
            except OSError:
                pass
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


@pytest.mark.parametrize("reply, message", [
    (b"GARBAGE\r\n\r\n", "not an HTTP answer (BadStatusLine"),          # another protocol on that port
    (b"HTTP/1.1 abc Weird\r\n\r\n", "not an HTTP answer"),
    (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n", "not an HTTP answer (LineTooLong"),
    # what the store sends is shown, never obeyed: an escape sequence would retitle the terminal
    (b"HTTP/1.1 500 Oops\r\nContent-Length: 17\r\n\r\n\x1b]0;pwned\x07xxxxxx", "HTTP 500 Oops: \\x1b]0;pwned\\x07"),
    # and a bidirectional override would show the rest of the line reversed
    (b"HTTP/1.1 500 Oops\r\nContent-Length: 7\r\n\r\n\xe2\x80\xaeevil", "HTTP 500 Oops: \\u202eevil"),
])
def test_push_reports_a_store_that_answers_badly_in_one_line(cli, reply, message):
    code, _, err = cli("push", f"http://127.0.0.1:{_answer_once(reply)}/store")
    assert code == 1 and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err and "\x1b" not in err and "\x07" not in err


def _refuse_at_the_headers(reply: bytes, hang_up: bool, heard: list[bytes] | None = None) -> int:
    """A port where one request's headers are read (into ``heard``) and answered with ``reply`` at once, the
    body unread: a store refusing an upload as too large, that closes the connection or holds it open."""
    listener = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            if heard is not None:
                heard.append(data.partition(b"\r\n\r\n")[0])
            conn.sendall(reply)
            if not hang_up:
                done.wait(30)  # open, unread, until the client has gone
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


@pytest.mark.parametrize("hang_up", [True, False], ids=["and closes", "and holds the connection open"])
def test_push_reports_the_stores_answer_when_it_refuses_before_reading_the_upload(hang_up):
    """A store's 413 came back as "cannot connect (Broken pipe)": the body could not be sent, and the answer
    already sent was never read; a store that held the connection open made the push wait for its timeout."""
    from mlkg.errors import RemoteError
    from mlkg.views.push import push

    port = _refuse_at_the_headers(b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 13\r\n\r\nbody too long",
                                  hang_up)
    with pytest.raises(RemoteError) as refused:
        push(b"<a> <b> <c> .\n" * 2_000_000, f"http://127.0.0.1:{port}/store", timeout=30)
    assert str(refused.value) == (f"http://127.0.0.1:{port}/store?default: HTTP 413 Payload Too Large: the store "
                                  "refused an upload of 28,000,000 bytes (body too long)")


def test_push_goes_through_the_environments_proxy_with_its_credentials(monkeypatch):
    """urllib sent a proxy's login (http://user:password@proxy) as Proxy-Authorization; the push must too."""
    from mlkg.views.push import push

    heard: list[bytes] = []
    port = _refuse_at_the_headers(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", True, heard)
    monkeypatch.setenv("http_proxy", f"http://bob:s%40cret@127.0.0.1:{port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert push(b"<a> <b> <c> .\n", "http://store.example/data", timeout=10).status == 204
    request = heard[0].decode()
    assert request.startswith("PUT http://store.example/data?default HTTP/1.1\r\n")
    assert "Proxy-Authorization: Basic " + base64.b64encode(b"bob:s@cret").decode() in request


@pytest.mark.parametrize("url, graph, sent", [
    ("http://例え.jp:8080/store", None, "http://xn--r8jz45g.jp:8080/store?default"),   # a host in IDNA
    ("http://127.0.0.1:9/dätaset/data", None, "http://127.0.0.1:9/d%C3%A4taset/data?default"),  # a path in UTF-8
    ("http://127.0.0.1:9/ds?grä=1", None, "http://127.0.0.1:9/ds?gr%C3%A4=1&default"),
    ("http://127.0.0.1:9/x?a%26b=1", "http://ex.org/g", "http://127.0.0.1:9/x?a%26b=1&graph=http%3A%2F%2Fex.org%2Fg"),
    ("http://127.0.0.1:9/a%20b/store", None, "http://127.0.0.1:9/a%20b/store?default"),  # encoded once only
])
def test_push_sends_a_url_urllib_can_send_and_that_means_what_was_given(url, graph, sent):
    """Non-ASCII in the host, path or query had been a traceback; a key with an escaped "&" had been split."""
    from mlkg.views.push import graph_store_url

    assert graph_store_url(url, graph) == sent


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


_SMUGGLED = b"GET /api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


@pytest.mark.parametrize("head, body, status", [
    # a chunked body is never read as a second request
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
     "Content-Type: application/sparql-query\r\n\r\n",
     b"1a\r\nGET /api/concept/vae HTTP/1.1\r\n0\r\n\r\n", 501),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n", b"", 400),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1_0\r\n\r\n", b"", 400),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: +6\r\n\r\n", b"ASK {}", 400),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6, 6\r\n\r\n", b"ASK {}", 400),
    # two lengths: a proxy that framed by the second would pass the rest of the body on as a second request
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
     "Content-Length: 6\r\nContent-Length: 60\r\n\r\n",
     b"ASK {}GET /api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
     "Content-Length: 6\r\nContent-Length: 6\r\n\r\n",
     b"ASK {}GET /api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n",
     b"ASK {}GET /api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
    # a line that is no header ended the headers for the standard library, so the length after it went unread
    # and the body was answered as a second request
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nX-Junk\r\n"
     "Content-Length: 69\r\n\r\n", _SMUGGLED, 400),
    ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
     "Content-Length : 69\r\n\r\n", _SMUGGLED, 400),
    ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\ngarbage-header\r\nConnection: close\r\n\r\n", b"", 400),
    ("GET /api/concept/vae HTTP/1.1\r\nHost: evil.example\r\n\r\n", b"", 403),
    ("GET /api/concept/vae HTTP/1.1\r\nHost: localhost:8000\r\n\r\n", b"", 200),
    # absolute-form: the target's host names the server, whatever the Host header says (RFC 9112, 3.2.2)
    ("GET http://evil.example/api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"", 403),
    ("GET https://127.0.0.1/api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"", 403),
    ("GET http://127.0.0.1:8000/api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"", 200),
    ("GET http://[::1/api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"", 400),  # no URL: was no answer
])
def test_request_framing_and_host(srv, head, body, status):
    got, data = _raw_request(srv, head, body)
    assert got == status, data[:300]
    assert data.count(b"HTTP/1.1 ") == 1


@pytest.fixture(scope="module")
def everywhere(seed_kg):
    """A server bound to every interface (0.0.0.0), as `mlkg serve --host 0.0.0.0 --allow-host mybox.lan` starts it."""
    running = Running(seed_kg, host="0.0.0.0", allow_hosts=("mybox.lan",), workers=1, long_queries=0)
    yield running
    running.close()


@pytest.mark.parametrize("server, host, status", [
    # bound to 127.0.0.1: its address and the loopback names only
    ("srv", "127.0.0.1:{port}", 200), ("srv", "localhost:{port}", 200), ("srv", "[::1]:{port}", 200),
    ("srv", "evil.example:{port}", 403), ("srv", "192.168.1.7:{port}", 403), ("srv", "mybox.lan", 403),
    ("srv", "{hostname}:{port}", 403), ("srv", "127.0.0.1:{port}:1", 403), ("srv", "[::1", 403),
    # bound to every interface: a rebinding page sends its own name, so only addresses and our names pass
    ("everywhere", "evil.example:{port}", 403), ("everywhere", "evil.example", 403),
    ("everywhere", "127.0.0.1.evil.example:{port}", 403), ("everywhere", "localhost.evil.example", 403),
    ("everywhere", "127.0.0.1:{port}", 200), ("everywhere", "192.168.1.7:{port}", 200),
    ("everywhere", "[::1]:{port}", 200), ("everywhere", "[fe80::1]", 200), ("everywhere", "LOCALHOST", 200),
    ("everywhere", "{hostname}:{port}", 200), ("everywhere", "{fqdn}", 200),
    ("everywhere", "mybox.lan:{port}", 200), ("everywhere", "MyBox.lan.", 200),  # --allow-host
    ("everywhere", "other.lan:{port}", 403), ("everywhere", "[evil.example]", 403), ("everywhere", ":80", 403),
])
def test_host_header_against_dns_rebinding(request, server, host, status):
    """Bound to 0.0.0.0 the server once answered any Host, so a page at evil.example that rebinds its name
    to this machine could read the map and its edit token."""
    running = request.getfixturevalue(server)
    name = host.format(port=running.port, hostname=socket.gethostname(), fqdn=socket.getfqdn())
    got, _, body = _exchange(running.port, f"GET / HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n"
                                   .encode())
    assert got == status, body[:300]
    if status == 403:
        assert b"--allow-host" in body and b"vis-network" not in body


@pytest.mark.parametrize("correction, message", [
    ({"action": "bogus"}, "unknown correction 'bogus'; use one of add, remove, force"),
    ({"action": "bogus", "source": "vae", "target": "autoencoder"}, "unknown correction 'bogus'; use one of add, "
                                                                    "remove, force"),
    ({"source": "vae", "target": "autoencoder"}, "a correction needs action, one of add, remove, force"),
    ({"action": "remove"}, "a correction needs source (text)"),
])
def test_a_correction_of_no_known_action_is_told_the_actions(seed_kg, tmp_path, correction, message):
    """{"action": "bogus"} was answered "a correction needs source (text)", sending the client after a field it
    may well have; the action is judged first, and the answer names the ones there are."""
    assert _refused_correction(seed_kg, tmp_path, correction) == message


@pytest.mark.parametrize("correction, message", [
    ({"action": "add", "source": "vae", "target": "gan", "kind": "related", "extra": 1},
     "a correction has unknown key 'extra'; it takes action, source, target, kind and note"),
    # said before "a correction needs source": the client has it, misspelt
    ({"action": "remove", "src": "vae", "target": "autoencoder"}, "a correction has unknown key 'src'"),
    ({"action": "add", "source": "vae", "target": "gan", "Kind": "related"}, "a correction has unknown key 'Kind'"),
])
def test_a_correction_with_a_key_it_does_not_take_is_400_naming_the_key(seed_kg, tmp_path, correction, message):
    """{"extra": 1} was accepted and written without it: a client that misspelt "note" lost its note unawares, as a
    curation file with an unknown key is refused."""
    assert _refused_correction(seed_kg, tmp_path, correction).startswith(message)


def test_a_correction_is_answered_with_its_file_named_as_the_export_names_it(seed_kg, tmp_path):
    """The answer named the curation file by its absolute path: a page learnt where the server keeps its files."""
    from mlkg.corrections import Editor

    cur = tmp_path / "curation.toml"
    cur.write_text("# ours\n", encoding="utf-8")
    live = Live(seed_kg, hiding_folders([str(SEED)], [str(cur)]))
    running = Running(seed_kg, live=live, editor=Editor(cur, [str(SEED)], [str(cur)], live))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        conn.request("POST", "/api/curation", json.dumps({"action": "remove", "source": "vae",
                                                          "target": "autoencoder"}).encode(),
                     {"Content-Type": "application/json", "X-MLKG-Token": running.server.app.edit_token})
        answer = conn.getresponse()
        assert (answer.status, json.loads(answer.read())) == (200, {"ok": True, "file": "curation.toml", "line": 2})
        conn.close()
    finally:
        running.close()


def test_a_correction_that_makes_mined_edges_related_says_which(seed_kg, tmp_path):
    """Two clicks (gan requires perplexity, perplexity requires mode-collapse) turned three mined requires edges
    related to keep the graph acyclic, answered {"ok": true} alone: the build warns of each, the editor did not."""
    from mlkg.corrections import Editor

    cur = tmp_path / "curation.toml"
    cur.write_text("# ours\n", encoding="utf-8")
    live = Live(seed_kg)
    running = Running(seed_kg, live=live, editor=Editor(cur, [str(SEED)], [str(cur)], live))
    answers = []
    try:
        for source, target in (("gan", "perplexity"), ("perplexity", "mode-collapse")):
            conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
            conn.request("POST", "/api/curation", json.dumps({"action": "add", "source": source, "target": target,
                                                              "kind": "requires"}).encode(),
                         {"Content-Type": "application/json", "X-MLKG-Token": running.server.app.edit_token})
            answer = conn.getresponse()
            answers.append((answer.status, json.loads(answer.read())))
            conn.close()
    finally:
        running.close()
    assert [status for status, _ in answers] == [200, 200] and "made_related" not in answers[0][1]
    made = answers[1][1]["made_related"]
    assert made and all(m.endswith(" requires gan") or m.startswith("mode-collapse requires ") for m in made)
    assert set(made) == {f"{d['source']} requires {d['target']}" for d in live.graph.mining["downgraded"]
                         if "; the curated " in d["reason"]}


def _refused_correction(seed_kg, tmp_path, correction) -> str:
    """The error a correction POSTed to a real ``--edit`` server gets with 400; the curation file stays as it was."""
    from mlkg.corrections import Editor

    cur = tmp_path / "curation.toml"
    cur.write_text("# ours\n", encoding="utf-8")
    live = Live(seed_kg)
    running = Running(seed_kg, live=live, editor=Editor(cur, [str(SEED)], [str(cur)], live))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        conn.request("POST", "/api/curation", json.dumps(correction).encode(),
                     {"Content-Type": "application/json", "X-MLKG-Token": running.server.app.edit_token})
        answer = conn.getresponse()
        status, error = answer.status, json.loads(answer.read())["error"]
        conn.close()
        assert status == 400, error
        assert cur.read_text(encoding="utf-8") == "# ours\n"
        return error
    finally:
        running.close()


def test_a_rebinding_page_can_neither_read_the_edit_token_nor_correct_an_edge(seed_kg, tmp_path):
    """The review's repro: `mlkg serve --edit --host 0.0.0.0`, then the page and a correction with Host and Origin
    evil.example, carrying the token; both refused, the curation file untouched, while our own Host works."""
    from mlkg.corrections import Editor
    from mlkg.views.live import Live

    cur = tmp_path / "curation.toml"
    cur.write_text("# ours\n", encoding="utf-8")
    live = Live(seed_kg)
    server = make_server(seed_kg, ServerConfig(host="0.0.0.0", port=0, quiet=True, workers=1, long_queries=0),
                         live=live, editor=Editor(cur, [str(SEED)], [str(cur)], live))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port, token = server.server_address[1], server.app.edit_token
    correction = json.dumps({"action": "remove", "source": "vae", "target": "autoencoder"}).encode()

    def post(host: str) -> int:
        head = (f"POST /api/curation HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nX-MLKG-Token: {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(correction)}\r\nConnection: close\r\n\r\n")
        return _exchange(port, head.encode() + correction)[0]

    try:
        evil = f"evil.example:{port}"
        status, _, body = _exchange(port, f"GET / HTTP/1.1\r\nHost: {evil}\r\nConnection: close\r\n\r\n".encode())
        assert status == 403 and token.encode() not in body
        assert post(evil) == 403
        assert cur.read_text(encoding="utf-8") == "# ours\n"
        status, _, body = _exchange(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                                    .encode())
        assert status == 200 and token.encode() in body
        assert post(f"127.0.0.1:{port}") == 200
        assert "[[remove]]" in cur.read_text(encoding="utf-8")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("name", ["http://mybox.lan", "mybox.lan:8000", "mybox.lan/x", "my box", ""])
def test_allow_host_takes_a_name_only(cli, name):
    code, _, err = cli("serve", "--allow-host", name, "--port", "0")
    assert code == 2 and "--allow-host" in err and err.count("\n") == 1


@pytest.mark.parametrize("path, status", [
    ("/static/%00", 404), ("/api/prereqs/vae?depth=%C2%B2", 400), ("/api/search?q=a&limit=0", 400),
    ("/api/concept/GANs", 200), ("/api/prereqs/sec:13", 404), ("/api/learn/vae?known=sec:13", 404),
])
def test_odd_inputs_get_an_answer_never_a_dead_thread(srv, path, status):
    got, headers, _ = srv.get(path)
    assert got == status
    if path.startswith("/api/"):
        assert headers["Content-Type"].startswith("application/json")  # errors too, whatever Accept says


# --- nothing lost, nothing hangs ------------------------------------------------------------------

SECURITY = {"Content-Security-Policy": "frame-ancestors 'none'", "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _exchange(port: int, data: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read until the server closes; (status, headers of the first answer, its body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("raw, escaped", [
    (b"/api/concept/\xff\xfe", b"/api/concept/%ff%fe"),  # no UTF-8 either way: 400, not 404 for "Ã¿Ã¾"
    (b"/api/concept/v\xc3\xa4e", b"/api/concept/v%C3%A4e"),  # UTF-8, unescaped as curl sends it: the same answer
])
def test_raw_bytes_in_an_address_are_read_as_their_escapes_are(srv, raw, escaped):
    answers = [_exchange(srv.port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
               for target in (raw, escaped)]
    assert answers[0][0] == answers[1][0] and answers[0][2] == answers[1][2], answers


def _has_security_headers(headers) -> bool:
    return all(part in (headers.get(name) or "") for name, part in SECURITY.items())


def test_the_listen_backlog_takes_a_crowd(srv):
    """The kernel holds 1,024 connections for the server, not the standard library's 5 (ss shows a
    listening socket's backlog as its Send-Q)."""
    if shutil.which("ss") is None:
        pytest.skip("ss (iproute2) is not installed")
    out = subprocess.run(["ss", "-ltnH", f"sport = :{srv.port}"], capture_output=True, text=True).stdout
    assert out.split()[2] == "1024", out


@pytest.mark.parametrize("hosts, status", [
    (["127.0.0.1"], 200),
    (["127.0.0.1", "evil.example"], 400),  # ours first, a foreign one second
    (["evil.example", "127.0.0.1"], 400),
    (["127.0.0.1", "127.0.0.1"], 400),
    ([], 400),
])
def test_exactly_one_host_header_and_it_is_ours(srv, hosts, status):
    head = "GET /api/concept/vae HTTP/1.1\r\n" + "".join(f"Host: {h}\r\n" for h in hosts) + "Connection: close\r\n\r\n"
    got, headers, _ = _exchange(srv.port, head.encode())
    assert got == status
    assert _has_security_headers(headers)


@pytest.mark.parametrize("path", [
    "/", "/concept/vae", "/api/concept/vae", "/api/nothing", q("ASK {}"), "/sparql", "/static/site.css",
    "/nothing", q("SELECT ?x WHERE {"), "/api/run/prerequisites",
])
def test_every_answer_carries_the_security_headers(srv, path):
    _, headers, _ = srv.get(path)
    assert _has_security_headers(headers), headers


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),  # the standard library's own 414
    (b"GET /?" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),  # ours, at 16 KiB
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n", 431),
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505),
    (b"BREW /pot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 501),
    (b"GET /\r\n", 505),  # HTTP/0.9, whose answers would have no headers
])
def test_the_standard_librarys_own_errors_carry_our_headers(srv, request_bytes, status):
    got, headers, body = _exchange(srv.port, request_bytes)
    assert got == status
    assert _has_security_headers(headers), headers
    assert headers["Content-Type"].startswith("text/plain") and body.count(b"\n") == 1


def test_a_query_that_mentions_service_is_answered(srv):
    status, _, body = srv.get(q('SELECT ?x WHERE { BIND("self-service and SERVICE <http://x> {}" AS ?x) }'))
    assert status == 200 and "self-service" in json.loads(body)["results"]["bindings"][0]["x"]["value"]
    status, _, body = srv.get(q("SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://example.org/sparql> {}"))
    assert status == 200


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { } }",
    "SELECT * WHERE { VALUES ?x {<http://127.0.0.1:9/sparql>} { FILTER(1<2)SERVICE?x#>\n{?s ?p ?o} } }",
])
def test_service_is_refused_however_it_is_written(srv, query):
    status, _, body = srv.get(q(query))
    assert status == 403 and b"SERVICE is refused" in body


def test_a_query_worker_cannot_reach_the_network_even_unchecked():
    """Belt and braces: a worker can open no file or socket, so even a SERVICE that got past the check goes
    nowhere.  pyoxigraph does call out for SERVICE when it can; here it runs unchecked in a confined process."""
    import http.server

    hits = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    remote = http.server.HTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{remote.server_address[1]}/sparql> {{ ?s ?p ?o }} }}"
    program = (
        "import sys, pyoxigraph as ox\n"
        "from mlkg.views.server import _confine\n"
        "store = ox.Store()\n"
        "if sys.argv[2] == 'confined':\n"
        "    _confine(256)\n"
        "try:\n"
        "    print('answered', list(store.query(sys.argv[1])))\n"
        "except Exception as exc:\n"
        "    print('failed', exc)\n")
    try:
        confined = subprocess.run([sys.executable, "-c", program, query, "confined"], capture_output=True,
                                  text=True, timeout=60)
        assert confined.stdout.startswith("failed") and hits == [], (confined.stdout, confined.stderr)
        free = subprocess.run([sys.executable, "-c", program, query, "free"], capture_output=True, text=True,
                              timeout=60)
        assert len(hits) == 1, (free.stdout, free.stderr)  # unconfined, the same engine does call out
    finally:
        remote.shutdown()


def test_a_result_larger_than_max_rows_is_refused_whole_with_422_saying_rows_or_triples(srv):
    """A sound query whose result is larger than the server sends is no Bad Request (SPARQLWrapper would call it a
    badly formed query); the message says rows for a table, triples for a graph, and how to get it."""
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(srv.url + "sparql")
    for query, fmt, what, limit in [("SELECT * WHERE { ?s ?p ?o }", JSON, "rows", 500),
                                    ("CONSTRUCT WHERE { ?s ?p ?o }", TURTLE, "triples", 500),
                                    ("DESCRIBE ?s WHERE { ?s ?p ?o }", TURTLE, "triples", 2)]:
        client.setQuery(query)
        client.setReturnFormat(fmt)
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        message = refused.value.read().decode()
        assert refused.value.code == 422, message
        assert f"more than 500 {what}," in message and "--max-rows" in message and "LIMIT" in message
        client.setQuery(f"{query} LIMIT {limit}")  # up to the limit, answered whole
        assert client.query().response.status == 200


def test_the_default_max_rows_takes_the_shared_corpus_whole(shared_kg):
    """The shared corpus has over 10,000 triples: the whole-graph queries a SPARQL user types first are answered
    with the default --max-rows."""
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    running = Running(shared_kg)
    try:
        triples = len(shared_kg.to_rdf())
        assert triples > 10_000
        client = SPARQLWrapper(running.url + "sparql")
        client.setQuery("SELECT * WHERE { ?s ?p ?o }")
        client.setReturnFormat(JSON)
        assert len(client.query().convert()["results"]["bindings"]) == triples
        client.setQuery("CONSTRUCT WHERE { ?s ?p ?o }")
        client.setReturnFormat(TURTLE)
        assert len(rdflib.Graph().parse(data=client.query().convert(), format="turtle")) == triples
    finally:
        running.close()


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, b"query nested 5000 levels deep; at most 100"),
    ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", b"query nested 5002 levels deep"),
    # RDF-star quoted triples nest too: 2 KB that took pyoxigraph 35 s to plan (503 here) before they counted
    ("SELECT * WHERE { ?s ?p " + "<< ?a ?b " * 200 + "?o" + " >>" * 200 + " }", b"query nested 201 levels deep"),
    ("ASK { FILTER(" + "||".join(["true"] * 12_000) + ") }", b"query too long"),
])
def test_a_query_too_deep_or_long_for_the_engine_is_400_and_the_worker_lives(srv, query, message):
    data = urllib.parse.urlencode({"query": query}).encode()
    status, _, body = srv.get("/sparql", "application/json", "POST", data, "application/x-www-form-urlencoded")
    assert status == 400 and message in body
    assert srv.get(q("ASK { ?s ?p ?o }"))[0] == 200


def _wait_for(predicate, what: str, seconds: float = 60) -> None:
    """Poll until ``predicate()`` holds (an event to wait for, not a time to assert)."""
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _reset(sock: socket.socket) -> None:
    """Close a socket with a reset (RST), as a client that crashes or is killed does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def test_a_client_that_goes_away_leaves_one_quiet_line_and_no_traceback(seed_kg, capfd):
    running = Running(seed_kg, timeout=3.0, quick=3.0, long_queries=0, idle=1.0)
    running.server.app.config.quiet = False
    pool = running.server.app.pool
    try:
        capfd.readouterr()
        # 1. reset while its slow query runs: the answer (503) meets a closed connection
        _wait_for(lambda: pool._idle["quick"].qsize() == 2, "both workers to be ready")
        s = socket.create_connection(("127.0.0.1", running.port))
        s.sendall(f"GET {q(SLOW)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        _wait_for(lambda: pool._idle["quick"].qsize() < 2, "the slow query to take a worker")
        _reset(s)
        # 2. gone halfway through its body
        s = socket.create_connection(("127.0.0.1", running.port))
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: 100\r\n\r\nASK {")
        s.close()
        # 3. too slow to send its request at all
        with socket.create_connection(("127.0.0.1", running.port)) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            assert s.recv(100) == b""  # the server hung up on it
        seen = ""

        def logged() -> bool:
            nonlocal seen
            seen += capfd.readouterr().err
            return "client gone" in seen and "body bytes" in seen and "timed out" in seen

        _wait_for(logged, "the three departures to be logged")
        assert running.get(q("ASK { ?s ?p ?o }"))[0] == 200
        seen += capfd.readouterr().err
    finally:
        running.close()
    assert "Traceback" not in seen, seen
    assert all(len(line) < 300 for line in seen.splitlines())  # one line each, the request line in it
    assert '" 503 ' not in seen  # the slow query's 503 never reached its client: not logged as answered
    assert re.search(r'"GET /sparql\S+ HTTP/1.1" 499 - client gone: \w+ \(answer 503 not delivered\)', seen), seen


def test_a_memory_hungry_query_is_stopped_and_its_worker_replaced(seed_kg):
    hungry = "SELECT (GROUP_CONCAT(STR(?c)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    running = Running(seed_kg, timeout=60.0, max_memory=64, quick=0.2)
    try:
        outcome: dict = {}
        t = threading.Thread(target=lambda: outcome.setdefault("hungry", running.get(q(hungry), "application/json")))
        t.start()
        asks = []
        while t.is_alive() and len(asks) < 1000:
            asks.append(running.get(q("ASK { ?s ?p ?o }"))[0])
        t.join(120)
        status, _, body = outcome["hungry"]
        assert status == 503 and "needed more than 64 MiB of memory" in json.loads(body)["error"]
        assert set(asks) <= {200}
        for _ in range(4):  # every worker answers, the fresh one too
            assert running.get(q("ASK { ?s ?p ?o }"))[0] == 200
        assert running.get(q(hungry))[0] == 503  # and the same query is stopped again
    finally:
        running.close()


def test_pathological_queries_do_not_starve_simple_ones(seed_kg):
    """Four cross products at once: one runs in the long lane until its time is up, the others are turned
    away with Retry-After; simple queries, pages and the API are answered all the while."""
    running = Running(seed_kg, timeout=5.0, quick=0.3, workers=2, long_queries=1)
    try:
        slow: list = []
        threads = [threading.Thread(target=lambda: slow.append(running.get(q(SLOW)))) for _ in range(4)]
        for t in threads:
            t.start()
        answered_meanwhile = []
        while any(t.is_alive() for t in threads) and len(answered_meanwhile) < 200:
            for path in (q("ASK { ?s ?p ?o }"), "/api/concept/vae", "/concept/vae",
                         "/api/run/prerequisites?concept=vae"):
                answered_meanwhile.append((running.get(path)[0], any(t.is_alive() for t in threads)))
        for t in threads:
            t.join(60)
        assert answered_meanwhile and all(status == 200 for status, _ in answered_meanwhile)
        assert any(still_running for _, still_running in answered_meanwhile)
        statuses = sorted(status for status, _, _ in slow)
        assert statuses == [503, 503, 503, 503]
        reasons = [body for _, _, body in slow]
        assert sum(b"timed out" in b for b in reasons) >= 1  # the one in the long lane ran until its time was up
        busy = [headers for status, headers, body in slow if b"long queries" in body]
        assert busy and all(h["Retry-After"].isdigit() for h in busy)
    finally:
        running.close()


@pytest.mark.parametrize("text, shape", [
    ("SELECT * WHERE { ?s ?p ?o } # 8f3a", "SELECT * WHERE { ?s ?p ?o }"),
    ("SELECT *\n\tWHERE {?s ?p ?o}", "SELECT * WHERE {?s ?p ?o}"),
    ('ASK { ?s <http://x/#a> "# kept" }  # gone', 'ASK { ?s <http://x/#a> "# kept" }'),
    ('ASK { ?s ?p """a # b\n c""" }', 'ASK { ?s ?p """a # b\n c""" }'),
    ('ASK { "open \\" # kept\n} # gone', 'ASK { "open \\" # kept }'),  # a string left open: its line
    ('ASK { ?s ?p """a\\""" b""" } # r1', 'ASK { ?s ?p """a\\""" b""" }'),  # an escaped quote in a long string
])
def test_a_query_is_remembered_as_slow_without_its_comments_and_spacing(text, shape):
    from mlkg.views.server import _query_shape

    assert _query_shape(text) == shape


def test_a_slow_query_made_new_by_a_comment_still_goes_to_the_long_lane(seed_kg):
    """One client looping over a heavy query, a random comment added each time, held a quick-lane worker half a
    second each time: 8 such clients kept ASK waiting 2.2 s (p50), 32 had it turned away.  Known slow, it goes
    to the long lane, and the quick lane stays free; and a long query sent as the one before is stopped waits
    for the long lane's fresh worker, rather than being told the lane is full."""
    running = Running(seed_kg, timeout=2.0, quick=0.3, workers=1, long_queries=1)
    pool = running.server.app.pool
    try:
        assert running.get(q("ASK { ?s ?p ?o }"))[0] == 200
        first = running.get(q(SLOW + " # 1"))
        assert first[0] == 503 and b"timed out" in first[2]
        got: list = []
        t = threading.Thread(target=lambda: got.append(running.get(q(SLOW + "\n# 2"))))
        t.start()
        free = []
        while t.is_alive():
            free.append(pool._idle["quick"].qsize())
            time.sleep(0.05)
        t.join(30)
        assert got[0][0] == 503 and b"timed out" in got[0][2]  # it ran, in the long lane, until its time was up
        assert free and set(free) == {1}
    finally:
        running.close()


def test_a_full_queue_is_503_with_retry_after_while_pages_are_served(seed_kg):
    running = Running(seed_kg, timeout=4.0, quick=1.5, workers=1, long_queries=0, queue=1)
    pool = running.server.app.pool
    try:
        assert running.get(q(COUNT))[0] == 200  # the worker is ready and idle
        first: list = []
        a = threading.Thread(target=lambda: first.append(running.get(q(SLOW))))
        a.start()
        _wait_for(lambda: pool._idle["quick"].qsize() == 0, "the slow query to take the only worker")
        b = threading.Thread(target=lambda: first.append(running.get(q(COUNT))))
        b.start()
        _wait_for(lambda: pool._waiting == 1, "a second query to wait in the queue")
        status, headers, body = running.get(q("ASK { ?s ?p ?o }"), "application/json")
        assert status == 503 and headers["Retry-After"] == "1" and "waiting" in json.loads(body)["error"]
        assert running.get("/api/concept/vae")[0] == 200 and running.get("/concept/vae")[0] == 200
        a.join(60)
        b.join(60)
        # the slow one was stopped (no long lane to move to), and the one waiting had the fresh worker
        assert sorted(s for s, _, _ in first) == [200, 503]
    finally:
        running.close()


def test_log_lines_stay_whole_under_concurrency(seed_kg, monkeypatch):
    """Clients that go away and clients that are answered, many at once: every log event is one whole line (the
    server's own "client gone" was printed text first and newline after, and lines from other threads ran into
    it).  The log goes to a buffer of our own: capfd, read while threads still write, can lose a line."""
    log = io.StringIO()
    monkeypatch.setattr(sys, "stderr", log)
    running = Running(seed_kg, workers=1)
    running.server.app.config.quiet = False
    try:

        def client(i: int) -> None:
            for _ in range(20):
                s = socket.create_connection(("127.0.0.1", running.port))
                s.sendall(b"GET /concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                if i % 2:
                    _reset(s)  # gone before the answer
                else:
                    with contextlib.suppress(OSError):
                        s.recv(1)
                    s.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(48)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert running.get("/api/concept/vae")[0] == 200
        _wait_for(lambda: '"GET /api/concept/vae HTTP/1.1" 200' in log.getvalue(), "the last request to be logged")
    finally:
        running.close()
    lines = log.getvalue().splitlines()
    assert len(lines) >= 48 * 20
    whole = re.compile(r'127\.0\.0\.1 - - \[[^]]+\] (client gone: \w+|"GET /\S* HTTP/1\.1" '
                       r'(200 \d+|499 - client gone: \w+ \(answer 200 not delivered\)))')
    spliced = [line for line in lines if not whole.fullmatch(line)]
    assert not spliced, spliced[:5]


# --- slow clients and many connections ---------------------------------------------------------------

def _trickle(running: Running, start: bytes, piece: bytes, pieces: int = 200) -> bytes:
    """Send ``start``, then ``piece`` every fifth of a second, never finishing the request, until the server answers
    or hangs up (at most ``pieces`` pieces); what the server sent."""
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as s:
        s.sendall(start)
        for _ in range(pieces):
            readable, _, _ = select.select([s], [], [], 0.2)  # the pace of the trickle
            if readable:
                break
            try:
                s.sendall(piece)
            except OSError:
                break
        else:
            return b""  # still holding its thread after all that
        received = b""
        with contextlib.suppress(OSError):
            while chunk := s.recv(4096):
                received += chunk
        return received


@pytest.mark.parametrize("start, piece", [
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Slow: 1\r\n"),  # a header line at a time
    (b"GET /api/concept/va", b"e"),  # the request line a byte at a time
    (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 1000\r\n\r\nASK {", b" "),  # the body a byte at a time
])
def test_a_request_that_trickles_in_is_cut_off_with_408(seed_kg, start, piece):
    """Each read may wait `idle` seconds, and each piece that came restarted that clock, so a client sending a
    header line every few seconds held its thread for ever; the whole request must now arrive in
    `request_time`."""
    running = Running(seed_kg, idle=10.0, request_time=1.0)
    try:
        received = _trickle(running, start, piece)
        assert received.startswith(b"HTTP/1.1 408 ") or received.startswith(b"HTTP/1.0 408 "), received
        assert b"did not arrive within 1 s" in received
        assert running.get("/api/concept/vae")[0] == 200
    finally:
        running.close()


def test_a_keep_alive_connection_may_idle_between_requests_longer_than_a_request_may_take(seed_kg):
    """The request clock starts with a request's first byte, not when the connection waits for the next one."""
    running = Running(seed_kg, idle=10.0, request_time=0.5)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        conn.request("GET", "/api/concept/vae")
        assert conn.getresponse().read() and conn.sock is not None
        select.select([conn.sock], [], [], 1.0)  # idle for longer than a request may take to arrive
        conn.request("GET", "/api/concept/vae")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        running.close()


def test_at_the_connection_limit_the_connection_waiting_longest_for_its_client_makes_room(seed_kg):
    """Three slow clients fill a server that keeps three connections: a fourth is answered, the first of them,
    the one that waited longest, is dropped, and the others are kept and answered when they finish."""
    running = Running(seed_kg, max_connections=3, idle=60.0, request_time=60.0)
    slow = [socket.create_connection(("127.0.0.1", running.port), timeout=30) for _ in range(3)]
    try:
        for s in slow:
            s.sendall(b"GET /api/concept/vae HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        assert running.get("/api/concept/vae")[0] == 200
        assert slow[0].recv(100) == b""  # dropped: the server hung up
        for s in slow[1:]:
            s.sendall(b"Connection: close\r\n\r\n")
            assert s.recv(100).startswith(b"HTTP/1.1 200 ")
    finally:
        for s in slow:
            s.close()
        running.close()


def test_when_every_connection_is_being_answered_a_new_one_gets_503_at_once(seed_kg):
    """A map's event stream and a correction still being written hold both connections of a server that keeps
    two: neither is dropped to make room, and a third request gets 503 at once."""
    arrived, written, answers = threading.Semaphore(0), threading.Event(), []

    def slow_editor(correction):  # a correction that takes its time to be written: its request is being answered
        arrived.release()
        written.wait(60)
        return {"file": "curation.toml", "line": 1}

    running = Running(seed_kg, editor=slow_editor, max_connections=2)

    def correct() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=60)
        conn.request("POST", "/api/curation", b'{"action": "remove", "source": "vae", "target": "autoencoder"}',
                     {"Content-Type": "application/json", "X-MLKG-Token": running.server.app.edit_token})
        answers.append(conn.getresponse().status)
        conn.close()

    stream = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    posting = threading.Thread(target=correct)
    try:
        stream.request("GET", "/events")
        assert stream.getresponse().status == 200
        posting.start()
        assert arrived.acquire(timeout=60)
        status, headers, body = running.get("/api/concept/vae")
        assert status == 503 and headers["Retry-After"] == "1"
        assert b"2 connections open" in body and headers["X-Frame-Options"] == "DENY"
    finally:
        written.set()
        if posting.is_alive():
            posting.join(60)
        stream.close()
        running.close()
    assert answers == [200]


def test_event_streams_have_their_own_limit(seed_kg):
    running = Running(seed_kg, live=Live(seed_kg), max_streams=1)
    try:
        first = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        first.request("GET", "/events")
        assert first.getresponse().status == 200
        status, headers, body = running.get("/events")
        assert status == 503 and headers["Retry-After"].isdigit() and b"at most 1 event stream(s) open" in body
        assert running.get("/api/concept/vae")[0] == 200
        first.close()
    finally:
        running.close()


def test_event_streams_take_at_most_half_the_connections(seed_kg):
    """The review's lock-out: event streams are never dropped, and with more of them allowed than connections a
    few open map tabs held every connection, so every other request, the map itself too, got 503 for as long as
    they stayed open.  Four tabs follow a server that keeps four connections: two are followed, two refused, and
    the map and the API still answer."""
    running = Running(seed_kg, live=Live(seed_kg), max_connections=4, max_streams=64)
    tabs = [http.client.HTTPConnection("127.0.0.1", running.port, timeout=30) for _ in range(4)]
    try:
        statuses = []
        for tab in tabs:
            tab.request("GET", "/events")
            answer = tab.getresponse()
            statuses.append(answer.status)
            if answer.status != 200:
                answer.read()
                tab.close()  # as a browser's EventSource gives up: a refused tab holds nothing
        assert statuses == [200, 200, 503, 503]
        assert running.get("/")[0] == 200
        assert running.get("/api/concept/vae")[0] == 200
    finally:
        for tab in tabs:
            tab.close()
        running.close()


def test_a_server_that_neither_watches_nor_edits_holds_no_connection_for_events(seed_kg):
    """Such a server never sends an event, yet /events held a connection that is never dropped: a few of them
    shut everyone else out.  Now 204, which an EventSource takes as "do not connect again"."""
    running = Running(seed_kg, max_connections=8)  # room to spare: what is tested is the answer, not the limit's race
    conns = [http.client.HTTPConnection("127.0.0.1", running.port, timeout=30) for _ in range(3)]
    try:
        for conn in conns:
            conn.request("GET", "/events")
            answer = conn.getresponse()
            assert answer.status == 204  # a stream that never ends was 200
            assert answer.read() == b""
            conn.close()
        assert running.get("/api/concept/vae")[0] == 200
    finally:
        for conn in conns:
            conn.close()
        running.close()


def test_serve_refuses_more_event_streams_than_half_the_connections():
    """The README's own example, `--max-connections 256 --max-streams 512`, had the shape of the lock-out: now a
    one-line usage error before anything starts (without it the server would still be serving at the timeout)."""
    done = subprocess.run([sys.executable, "-m", "mlkg", "serve", "--source", str(SEED), "--no-curation", "--port",
                           "0", "--quiet", "--max-connections", "256", "--max-streams", "512"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("mlkg: --max-streams 512 is more than half of --max-connections 256: ")
    assert done.stderr.endswith("; give at most 128\n") and done.stderr.count("\n") == 1


def test_slow_clients_hold_no_more_threads_than_the_connection_limit(seed_kg):
    """100 clients that never finish their requests, against a server that keeps 20 connections: it holds 20
    threads for them, not 100, and still answers."""
    before = threading.active_count()
    running = Running(seed_kg, max_connections=20, idle=60.0, request_time=60.0)
    slow = []
    try:
        started = threading.active_count()
        for _ in range(100):
            s = socket.create_connection(("127.0.0.1", running.port), timeout=30)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            slow.append(s)
        assert running.get("/api/concept/vae")[0] == 200
        _wait_for(lambda: threading.active_count() <= started + 20, "the dropped connections' threads to end")
        hung_up = select.select(slow, [], [], 0)[0]  # the server hung up on the others: each reads its end
        assert len(hung_up) >= 80 and all(s.recv(1) == b"" for s in hung_up)
    finally:
        for s in slow:
            s.close()
        running.close()
    _wait_for(lambda: threading.active_count() <= before + 1, "the server's threads to end")


def test_the_limits_are_set_from_the_command_line():
    """An operator sets the connection limits without code: `--max-streams 1` refuses a second live-update
    stream (of a server that has some to send: --watch), and `--request-timeout 1` closes a connection whose
    request never arrives whole."""
    proc, port = _serve("--source", str(SEED), "--quiet", "--max-streams", "1", "--request-timeout", "1", "--watch")
    try:
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        first.request("GET", "/events")
        assert first.getresponse().status == 200
        second = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        second.request("GET", "/events")
        answer = second.getresponse()
        assert answer.status == 503 and b"at most 1 event stream(s) open" in answer.read()
        with socket.create_connection(("127.0.0.1", port), timeout=20) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            received = b""
            while chunk := slow.recv(4096):  # the default (30 s) would outlast the socket's 20 s timeout
                received += chunk
        assert received == b"" or received.startswith(b"HTTP/1.1 408")
        first.close()
        second.close()
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.mark.parametrize("args", [
    ["serve", "--request-timeout", "nan"], ["serve", "--request-timeout", "inf"],
    ["serve", "--request-timeout", "1e10"],
    ["serve", "--timeout", "nan"], ["serve", "--timeout", "1e300"], ["serve", "--timeout", "-inf"],
    ["push", "http://127.0.0.1:9/store", "--timeout", "inf"],
], ids=lambda args: " ".join([args[0], *args[-2:]]))
def test_a_time_limit_must_be_a_finite_number_of_seconds_up_to_a_day(args):
    """click's FloatRange(0.1) let nan, inf and 1e10 through: `serve` started, then failed every connection (the
    socket timeout refused them) or every query (500).  Now one line and exit 2, before anything starts; without
    the check the server would still be serving when the subprocess times out."""
    port = ["--port", "0", "--quiet"] if args[0] == "serve" else []
    done = subprocess.run([sys.executable, "-m", "mlkg", *args, *port, "--source", str(SEED), "--no-curation"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"mlkg: {args[-2]} {args[-1]}: give a finite number of seconds from 0.1 to 86,400 (a day)\n"


@pytest.mark.parametrize("item, shows", [
    ('[[add]]\nsource = "beta"\ntarget = "gamma"\nkind = "related"\nnote = "Both are nets."\n',
     "“Both are nets.” <cite>cur.toml:1 (curation)</cite>"),
    ('[[force]]\nsource = "beta"\ntarget = "alpha"\nkind = "related"\nnote = "A sibling, not a base."\n',
     "“A sibling, not a base.” <cite>cur.toml:1 (curation)</cite>"),
    ("", "“Extends the Alpha Net.” <cite>one.md:"),
])
def test_a_concept_page_cites_the_evidence_that_decides_an_edge_with_its_file(tmp_path, item, shows):
    """The page cited a curated note as "beta, curation, line 1" (line 1 of what?), and an edge a [[force]]
    decided by the mined sentence it overrode: it cites what the export and the map cite, by file and line."""
    (tmp_path / "one.md").write_text(sheet(entry("1.1.1", "Alpha Net", "alpha"),
                                           entry("1.1.2", "Beta Net", "beta", full="Extends the Alpha Net."),
                                           entry("1.1.3", "Gamma Trick", "gamma")),
                                     encoding="utf-8")
    (tmp_path / "cur.toml").write_text(item, encoding="utf-8")
    running = Running(mlkg.load(tmp_path / "one.md", curation=[tmp_path / "cur.toml"]))
    try:
        status, _, body = running.get("/concept/beta")
        assert status == 200 and shows in body.decode(), body.decode()[-1500:]
    finally:
        running.close()


def test_a_refused_long_url_is_logged_in_a_line_of_bounded_length(seed_kg, capfd):
    """A 414 was logged with its whole 16 KB request line: any client could write lines of 64 KB into the log."""
    running = Running(seed_kg, long_queries=0)
    running.server.app.config.quiet = False
    try:
        capfd.readouterr()
        status, _ = _raw_request(running, f"GET /{'a' * 40_000} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"")
        seen = ""

        def logged() -> bool:
            nonlocal seen
            seen += capfd.readouterr().err
            return '" 414 ' in seen

        _wait_for(logged, "the refusal to be logged")
    finally:
        running.close()
    assert status == 414
    line = next(x for x in seen.splitlines() if '" 414 ' in x)
    assert len(line) < LOG_LIMIT + 200 and "characters)" in line
