"""``mlkg push``: upload the export to a SPARQL 1.1 Graph Store HTTP Protocol endpoint.

A PUT replaces the named graph (or the default graph) with our triples, so
pushing twice leaves the store exactly as pushing once.  Only the standard
library is used: no HTTP client dependency for one request.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import select
import ssl
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import InputError, RemoteError

DEFAULT_TIMEOUT = 60.0


@dataclass
class PushResult:
    url: str
    status: int
    triples: int
    bytes: int


def redacted(url: str) -> str:
    """``url`` with any user and password in it written as ``***``: what a message may print."""
    scheme, sep, rest = url.partition("://")
    end = min([rest.index(c) for c in "/?#" if c in rest] or [len(rest)])
    if not sep or "@" not in rest[:end]:
        return url
    return f"{scheme}://***@{rest[:end].rpartition('@')[2]}{rest[end:]}"


def graph_store_url(endpoint: str, graph: str | None) -> str:
    """The request URL: ``?graph=IRI`` for a named graph (indirect identification), ``?default`` otherwise.

    A graph name that is no absolute IRI (an empty one too: not the default graph) is refused here, before
    anything is sent, as ``--base-iri`` is, rather than reported as the store's 400 after the upload.

    A URL with a user or password in it is refused, and never printed with them: urllib would not send them,
    and a command line is visible to every user of the machine (``--user`` and an environment variable are
    not)."""
    shown = redacted(endpoint)
    try:
        parts = urllib.parse.urlsplit(endpoint)
        parts.port  # noqa: B018 -- a port that is no number raises here, not in the middle of the request
    except ValueError as exc:
        raise InputError(f"{shown!r} is not a valid URL ({str(exc).replace(endpoint, shown)})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname \
            or any(c.isspace() or not c.isprintable() for c in endpoint):
        raise InputError(f"{shown!r} is not an http(s) URL of a Graph Store endpoint")
    netloc = parts.netloc
    if not parts.hostname.isascii():  # an internationalised name goes on the wire in its ASCII (IDNA) form
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise InputError(f"{shown!r}: the host name {parts.hostname!r} cannot be written in IDNA") from None
        netloc = host if parts.port is None else f"{host}:{parts.port}"
    if "@" in parts.netloc:
        raise InputError(f"{shown}: credentials in the URL are not used; give --user NAME, and the password in "
                         "MLKG_PASSWORD (--password-env), where other users of the machine cannot see it")
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as exc:
            raise InputError(f"--graph {graph!r} is not an absolute IRI ({exc}); name one such as "
                             "https://mlkg.dev/graph/ml, or leave --graph out for the default graph") from None
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k not in ("graph", "default")]
    query.append(("graph", graph) if graph else ("default", ""))
    # keys and values percent-encoded as they were decoded ("a%26b" stays one key), non-ASCII as UTF-8
    encoded = "&".join(f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='')}" if v or k != "default"
                       else k for k, v in query)
    path = urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=~")
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, encoded, ""))


def push(body: bytes, endpoint: str, graph: str | None = None, user: str | None = None,
         password: str | None = None, triples: int = 0, timeout: float = DEFAULT_TIMEOUT,
         content_type: str = "application/n-triples") -> PushResult:
    """PUT ``body`` (an RDF serialisation) into ``graph`` at ``endpoint``; raise RemoteError on failure."""
    url = graph_store_url(endpoint, graph)
    headers = {"Content-Type": f"{content_type}; charset=utf-8" if content_type.startswith("text/") else content_type,
               "User-Agent": "mlkg", "Connection": "close"}
    if user is not None:
        headers["Authorization"] = f"Basic {_basic(user, password or '')}"
    try:
        status, reason, detail = _put(url, body, headers, timeout)
    except _NoConnection as exc:
        reason = exc.args[0]
        raise RemoteError(f"{redacted(endpoint)}: cannot connect ({getattr(reason, 'strerror', None) or reason})"
                          ) from None
    except http.client.HTTPException as exc:  # an answer that is no HTTP: the wrong port, another protocol
        if isinstance(exc, http.client.RemoteDisconnected):
            raise RemoteError(f"{redacted(endpoint)}: the store closed the connection without an answer") from None
        raise RemoteError(f"{redacted(endpoint)}: not an HTTP answer ({type(exc).__name__}: "
                          f"{' '.join(str(exc).split())[:200]})") from None
    except (TimeoutError, OSError) as exc:
        raise RemoteError(f"{redacted(endpoint)}: {exc}") from None
    if 200 <= status < 300:
        return PushResult(url, status, triples, len(body))
    if status in (401, 403):
        hint = "check --user and the password (MLKG_PASSWORD)" if status == 401 else "the store refused the write"
        raise RemoteError(f"{url}: HTTP {status} {reason}: {hint}")
    if status == 413:
        detail = f"the store refused an upload of {len(body):,} bytes" + (f" ({detail})" if detail else "")
    raise RemoteError(f"{url}: HTTP {status} {reason}" + (f": {detail}" if detail else ""))


class _NoConnection(Exception):
    """The store could not be reached (its reason the one argument): nothing was sent."""


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


CHUNK = 1 << 20


def _put(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str, str]:
    """PUT ``body`` and return the answer's status, reason and the start of its text.

    A store that refuses an upload as too large may answer before reading it all, and close: the rest of the
    body then cannot be sent, and the answer, already on its way, is what tells why (urllib reported "cannot
    connect (Broken pipe)").  So the body goes in chunks, and an answer that arrives before the last stops
    the sending (on a plain connection: over TLS a readable socket may hold no answer).  The environment's
    proxy is used as urllib used it, with the credentials its URL gives."""
    parts = urllib.parse.urlsplit(url)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    connection = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    host, port = parts.hostname, parts.port or connection.default_port  # a port given: "::1" stays one host
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        via = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        login = {} if via.username is None else {"Proxy-Authorization": "Basic " + _basic(
            urllib.parse.unquote(via.username), urllib.parse.unquote(via.password or ""))}
        conn = connection(via.hostname, via.port or connection.default_port, timeout=timeout)
        if parts.scheme == "https":
            conn.set_tunnel(host, port, headers=login)
        else:
            target, headers = url, {**headers, **login}
    else:
        conn = connection(host, port, timeout=timeout)
    try:
        try:
            conn.connect()
        except OSError as exc:
            raise _NoConnection(exc) from None
        conn.putrequest("PUT", target, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        sock, plain = conn.sock, not isinstance(conn.sock, ssl.SSLSocket)
        view = memoryview(body)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            for i in range(0, len(body), CHUNK):
                if plain and select.select([sock], [], [], 0)[0]:
                    break  # answered before the body was all sent: the answer says why
                sock.sendall(view[i:i + CHUNK])
        response = conn.getresponse()
        detail = response.read(300) if response.status >= 300 else b""
        return response.status, response.reason, " ".join(detail.decode("utf-8", "replace").split())
    finally:
        conn.close()
