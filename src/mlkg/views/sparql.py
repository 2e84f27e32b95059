"""SPARQL over the graph: named queries from ``queries/``, safely bound parameters, two engines.

A named query is a ``.rq`` file whose leading comments say what it answers,
which parameters it takes and how to call it::

    # Everything a concept builds on, ...
    # param: concept (a concept ID)
    # example: mlkg query prerequisites --param concept=stable-diffusion

A parameter described as "a concept ID" is resolved with
:meth:`~mlkg.graph.ConceptGraph.resolve` (so ``VAE`` works too) and bound
as the concept's IRI; "a section or subsection number" becomes a section IRI;
anything else is bound as a plain string literal.

Binding substitutes the term for the variable (the semantics of SPARQL
``SEP-0007``, like Jena's ``ParameterizedSparqlString``): a lexer finds each
``?name`` outside strings, IRIs and comments and writes the term there in
N-Triples syntax, as pyoxigraph serialises it, so a value is always exactly
one IRI or one escaped literal and can never change what the query does.
The engines' own binding mechanisms would do the same job, but pyoxigraph
plans queries with bound variables far worse than queries with constants (a
transitive query over 10,000 concepts: seconds instead of milliseconds), and
rdflib and pyoxigraph disagree on how bindings reach subqueries; one text for
both engines gives one answer.

The default engine is an in-memory pyoxigraph store built from the same
Turtle as the export and cached per graph; ``engine="rdflib"`` runs the query
in rdflib instead.  Results are engine-independent :class:`QueryResult`
objects that serialise to the W3C result formats, which the HTTP endpoint
reuses.

Before any engine sees a query, :func:`check_query` refuses what must not
run: a text nested deeper or longer than the engines' recursive parsers and
planners survive (measured by a small lexer, :func:`query_shape`), SPARQL
Update, and ``SERVICE``, read from the parsed query.  pyoxigraph then runs
on a thread with a large stack (:func:`on_big_stack`), so that what the
limits let through cannot overflow it.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import TERMINAL_CONTROL, QueryError, UnknownConceptError, close_matches, shown_name
from ..graph import ConceptGraph
from . import rdf
from .queries import NamedQuery, named_queries, parse_header

ENGINES = ("oxigraph", "rdflib")
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "xml": "application/sparql-results+xml",
    "table": "text/plain; charset=utf-8",
}
GRAPH_FORMATS = {name: media for name, (_, _, media) in rdf.FORMATS.items()}

# What clients call a result format, in a ``format=`` (or ``output=``) parameter or an Accept header, and what it
# means for each result form: (SELECT and ASK format, CONSTRUCT and DESCRIBE format); None where the name says
# nothing about that form.  The names are those SPARQLWrapper, curl users and other endpoints' clients send.
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "xml"), "srx": ("xml", None),
    "csv": ("csv", None), "tsv": ("tsv", None),
    "ttl": (None, "ttl"), "turtle": (None, "ttl"), "n3": (None, "n3"),
    "nt": (None, "nt"), "ntriples": (None, "nt"), "n-triples": (None, "nt"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdf": (None, "xml"), "rdf+xml": (None, "xml"), "rdfxml": (None, "xml"), "rdf/xml": (None, "xml"),
}
MEDIA_FORMATS: dict[str, tuple[str | None, str | None]] = {
    "application/sparql-results+json": ("json", None), "application/json": ("json", "jsonld"),
    "text/javascript": ("json", None), "application/javascript": ("json", None),
    "application/sparql-results+xml": ("xml", None), "application/xml": ("xml", "xml"), "text/xml": ("xml", "xml"),
    "text/csv": ("csv", None), "text/tab-separated-values": ("tsv", None),
    "text/turtle": (None, "ttl"), "application/turtle": (None, "ttl"), "application/x-turtle": (None, "ttl"),
    "text/n3": (None, "n3"), "text/rdf+n3": (None, "n3"), "application/n3": (None, "n3"),
    "application/n-triples": (None, "nt"), "text/plain": (None, "nt"),
    "application/ld+json": (None, "jsonld"), "application/x-json+ld": (None, "jsonld"),
    "application/rdf+xml": (None, "xml"),
}


def format_name(value: str) -> tuple[str | None, str | None] | None:
    """What a ``format=`` value (a name such as ``json-ld`` or a media type) means for each result form, or None.

    Case does not matter, nor do parameters (``text/csv; charset=utf-8``); a ``+`` that reached the
    server as a space (``rdf+xml`` unencoded in a query string) is read as ``+``.
    """
    v = value.split(";")[0].strip().lower().replace(" ", "+")
    return FORMAT_NAMES.get(v) or MEDIA_FORMATS.get(v)


def content_type(kind: str, fmt: str) -> str:
    """The Content-Type of a ``kind`` result (select, ask, construct) in ``fmt``, with one charset for text."""
    media = GRAPH_FORMATS[_graph_format(fmt)] if kind == "construct" else RESULT_FORMATS[fmt]
    media = media.split(";")[0]
    return media if media.endswith("json") else media + "; charset=utf-8"
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))
_FLOATS = frozenset(_XSD + t for t in ("decimal", "double", "float"))
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
_PROLOGUE = re.compile(r"\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>", re.IGNORECASE)
_POSITION = re.compile(r"error at (\d+):(\d+): ?")
_CELL_WIDTH = 60
_CHAR_CLASSES = re.compile(r",?\s*\[(?:'[^']*'|\"[^\"]*\"|[^\]'\"])*\]")  # pyoxigraph's "['0' ..= '9' | …]"


class UpdateRefusedError(QueryError):
    """SPARQL Update (INSERT, DELETE, DROP, …): the graph is derived from the cheatsheets and read-only."""


def resolve_query(query: str | NamedQuery) -> NamedQuery:
    """A named query's name, a path to a ``.rq`` file, or SPARQL text, as a :class:`NamedQuery`."""
    if isinstance(query, NamedQuery):
        return query
    if not isinstance(query, str):
        raise QueryError(f"expected a query name, a .rq file or SPARQL text, not {type(query).__name__} {query!r}")
    text = query.strip()
    if not text:
        raise QueryError("empty query; give a query name, a .rq file or SPARQL text (see mlkg query --list)")
    sparql_text = query_form(text) in _FORMS | UPDATE_KEYWORDS
    path = Path(text)
    # select.rq and with.rq start with a query keyword: a file of that name is that file, and so is a word in .rq
    if "{" not in text and "\n" not in text and (text.endswith(".rq") or "/" in text) and (
            not sparql_text or _is_file(path) or (text.endswith(".rq") and not re.search(r"\s", text))):
        if not _is_file(path):
            raise QueryError(f"no such query file {text!r}")
        try:
            body = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file {text!r}: {exc}") from None
        return parse_header(body, path.stem, path)
    if _NAME.match(text):
        known = named_queries()
        if text in known:
            return known[text]
        if text.upper() not in _FORMS | UPDATE_KEYWORDS:
            close = close_matches(text, list(known))
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise QueryError(f"unknown query {text!r}; {hint}named queries: {', '.join(known)} "
                             "(or give a .rq file or SPARQL text)")
    return parse_header(query)


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; SPARQL text tried as a path may be too long a name, or hold a NUL."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def query_form(text: str) -> str:
    """The first keyword after the prologue (``SELECT``, ``ASK``, ``INSERT``, …), upper-cased; "" if none."""
    pos = 0
    while m := _PROLOGUE.match(text, pos):
        if m.end() == pos:
            break
        pos = m.end()
    m = re.match(r"[A-Za-z]+", text[pos:])
    return m.group(0).upper() if m else ""


def bind_params(kg: ConceptGraph, query: NamedQuery, params: dict[str, str],
                base: str | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check ``params`` against the query's declared parameters and turn each value into an RDF term."""
    base = rdf.base_iri(base)
    declared = {p.name: p for p in query.params}
    # SPARQL text given inline has no name of its own (parse_header's default)
    what = "the query" if query.name == "query" and query.path is None else f"query {query.name!r}"
    params = dict(params)
    for name, value in params.items():
        if name not in declared:
            takes = f"it takes {', '.join(declared)}" if declared else "it takes none"
            raise QueryError(f"{what} has no parameter {name!r}; {takes}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            params[name] = str(value)
        elif not isinstance(value, str):
            raise QueryError(f"parameter {name}: expected a string, not {type(value).__name__} {value!r}")
    for p in query.params:
        if p.name not in params:
            about = f" ({p.description})" if p.description else ""
            raise QueryError(f"{what} needs the parameter {p.name}{about}: --param {p.name}=… on "
                             f"the command line, {p.name}=… in a URL")
        if not params[p.name].strip() and not p.may_be_empty:
            raise QueryError(f"parameter {p.name} is empty ({p.description})")
    out: dict[str, Any] = {}
    for name, value in params.items():
        kind = declared[name].kind
        if kind in ("concept", "section"):  # an IRI a result gave, as it gave it ("<…>" as Turtle writes it)
            node = rdf.node_id(base, value.strip().removeprefix("<").removesuffix(">"))
            if node is not None and node.startswith("sec:") == (kind == "section"):
                value = node  # not a concept's IRI for a section, nor the reverse: the error repeats what was given
        if kind == "concept":
            node = kg.resolve(value)
            if kg.graph.nodes[node]["kind"] != "concept":
                raise UnknownConceptError(value, kg.suggest(value))
            out[name] = ox.NamedNode(rdf.concept_iri(base, node))
        elif kind == "section":
            node = _section(kg, value)
            out[name] = ox.NamedNode(rdf.node_iri(base, node))
        else:
            if "\\u" in value or "\\U" in value:
                # SPARQL engines may decode \uXXXX before parsing (rdflib does), which would change the value
                raise QueryError(f"parameter {name}: a value may not contain \\u or \\U escape sequences")
            out[name] = ox.Literal(value)
    return out


def _section(kg: ConceptGraph, value: str) -> str:
    v = value.strip()
    candidates = [v, f"sec:{v.rstrip('.')}"]
    for c in candidates:
        if c in kg.graph and kg.graph.nodes[c]["kind"] in ("section", "subsection"):
            return c
    with contextlib.suppress(UnknownConceptError):
        return kg.resolve(v, kinds=("subsection", "section"))
    numbers = [d["number"] for _, d in kg.graph.nodes(data=True) if d["kind"] in ("section", "subsection")]
    close = close_matches(v, numbers)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; sections: {', '.join(numbers[:12])}"
    raise QueryError(f"unknown section {shown_name(value)}{hint}")


_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_.%-]*)?|:[A-Za-z0-9_.%-]*)
  | (?P<other>\s+|.)
""", re.VERBOSE | re.DOTALL)
_CLAUSE_END = frozenset({"WHERE", "FROM", "HAVING", "ORDER", "GROUP", "LIMIT", "OFFSET", "VALUES"})


def _contexts(text: str, names) -> list[tuple[str, str, str, int]]:
    """Tokens as (kind, text, context, select number); context says where a parameter variable stands.

    ``projection`` (a SELECT clause), ``group`` or ``order`` (a BY list), ``assigned``
    (after AS, or in a VALUES header) or ``plain``.
    """
    out = []
    parens = depth = 0
    prev = ""
    projection: int | None = None
    by_list: tuple[str, int] | None = None
    values = False
    selects: dict[int, int] = {}
    count = 0
    for m in _TOKEN.finditer(text):
        kind, tok = m.lastgroup or "other", m.group()
        context = "plain"
        if kind == "word":
            word = tok.upper()
            if word == "SELECT":
                projection, by_list = parens, None
                selects[depth] = count = count + 1
            elif word == "BY" and prev in ("GROUP", "ORDER"):
                projection, by_list = None, (prev.lower(), parens)
            elif word in _CLAUSE_END:
                projection = by_list = None
            values = values or word == "VALUES"
        elif kind == "other" and tok in "(){}":
            parens += {"(": 1, ")": -1}.get(tok, 0)
            depth += {"{": 1, "}": -1}.get(tok, 0)
            if tok in "{}":
                projection = by_list = None
                values = False
        elif kind == "var" and tok[1:] in names:
            if prev == "AS" or values:
                context = "assigned"
            elif projection is not None and parens == projection:
                context = "projection"
            elif by_list is not None and parens == by_list[1]:
                context = by_list[0]
        if kind not in ("other", "comment") or tok in "(){}":
            prev = tok.upper() if kind == "word" else tok
        out.append((kind, tok, context, selects.get(depth, 0)))
    return out


def substitute(text: str, terms: dict[str, str]) -> tuple[str, list[tuple[int, int, int]]]:
    """Write each bound variable's term in place of ``?name``/``$name`` (outside strings, IRIs, comments).

    A projected parameter stays a column: ``(term AS ?name)`` in the SELECT
    clause, or, where the same query groups by it, ``(term AS ?name)`` in
    GROUP BY.  In ORDER BY the term is put in parentheses; a SELECT around a
    subquery that projects the parameter keeps ``?name``, which the subquery
    binds (not one inside MINUS or EXISTS, which binds nothing outside it;
    one in a branch of UNION or in OPTIONAL binds it where it matched, so the
    other rows leave it empty).  A parameter the query assigns itself (``AS ?name``,
    ``VALUES ?name``) is an error.
    Returns the new text and, per substitution, (line, column after it in the
    new text, growth), so that error positions can be mapped back.
    """
    tokens = _contexts(text, terms)
    grouped = {(select, tok[1:]) for _, tok, context, select in tokens if context == "group"}
    bound_inside = _bound_by_subqueries(tokens)
    out: list[str] = []
    shifts: list[tuple[int, int, int]] = []
    line, col = 1, 1
    for kind, tok, context, select in tokens:
        new = tok
        if kind == "var" and tok[1:] in terms:
            name, term = tok[1:], terms[tok[1:]]
            if context == "assigned":
                raise QueryError(f"parameter ?{name} is assigned by the query itself; rename the parameter "
                                 "or the variable")
            if context in ("projection", "group") and (select, name) in bound_inside:
                new = tok
            elif context == "projection":
                new = tok if (select, name) in grouped else f"({term} AS ?{name})"
            elif context == "group":
                new = f"({term} AS ?{name})"
            elif context == "order":
                new = f"({term})"
            else:
                new = term
        out.append(new)
        if new is not tok:
            col += len(new)
            shifts.append((line, col, len(new) - len(tok)))
            continue
        newlines = tok.count("\n")
        if newlines:
            line += newlines
            col = len(tok) - tok.rfind("\n")
        else:
            col += len(tok)
    return "".join(out), shifts


def _bound_by_subqueries(tokens: list[tuple[str, str, str, int]]) -> set[tuple[int, str]]:
    """(SELECT number, parameter) where a subquery right inside that SELECT binds the parameter: it projects it
    (its ``(term AS ?name)``), or is ``SELECT *`` over a subquery that binds it.  There the SELECT's own
    ``(term AS ?name)`` would assign a variable already in scope, which pyoxigraph refuses: it keeps ``?name``.
    A subquery inside MINUS or [NOT] EXISTS binds nothing outside it: there the SELECT binds ``?name`` itself."""
    parent: dict[int, int] = {}
    open_selects: list[tuple[int, int]] = []  # (number, brace depth of its SELECT keyword)
    hiding: list[int] = []  # depths of the open groups MINUS or EXISTS opened
    sealed = set()  # subqueries inside such a group, below their parent
    star = set()  # SELECT * (or SELECT DISTINCT *, …)
    depth, prev, after_select = 0, "", 0
    projected = set()
    for kind, tok, context, select in tokens:
        if kind == "comment" or tok.isspace():
            continue
        if after_select and kind == "word" and tok.upper() in ("DISTINCT", "REDUCED"):
            pass
        elif after_select:
            if tok == "*":
                star.add(after_select)
            after_select = 0
        if kind == "other" and tok in "{}":
            if tok == "{":
                depth += 1
                if prev in ("MINUS", "EXISTS"):
                    hiding.append(depth)
            else:
                while hiding and hiding[-1] >= depth:
                    hiding.pop()
                depth -= 1
            while open_selects and open_selects[-1][1] > depth:
                open_selects.pop()
        elif kind == "word" and tok.upper() == "SELECT":
            above, at = open_selects[-1] if open_selects else (0, 0)
            parent[select] = above
            if any(h > at for h in hiding):
                sealed.add(select)
            open_selects.append((select, depth))
            after_select = select
        elif context == "projection":
            projected.add((select, tok[1:]))
        if kind == "word" or tok in "{}":
            prev = tok.upper()
    out: set[tuple[int, str]] = set()
    bound = set(projected)  # (subquery, name) that a subquery binds for the SELECT around it
    while bound:
        above = {(parent[select], name) for select, name in bound
                 if parent.get(select, 0) != 0 and select not in sealed} - out
        out |= above
        bound = {(select, name) for select, name in above if select in star}
    return out


def _unshift(line: int, col: int, shifts: list[tuple[int, int, int]]) -> int:
    return col - sum(growth for ln, end, growth in shifts if ln == line and end <= col)


@dataclass
class QueryResult:
    """What a query returned, independent of the engine that ran it.

    ``kind`` is ``select``, ``ask`` or ``construct`` (CONSTRUCT and DESCRIBE).
    ``vars`` and ``terms`` hold a SELECT's variables and rows of pyoxigraph
    terms (None where unbound); ``boolean`` an ASK's answer; ``triples`` a
    CONSTRUCT's triples.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    terms: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    base: str = rdf.DEFAULT_BASE_IRI
    params: dict[str, Any] = field(default_factory=dict)
    query: NamedQuery | None = None
    engine: str = "oxigraph"

    def __len__(self) -> int:
        return len(self.terms) if self.kind == "select" else len(self.triples) if self.kind == "construct" else 1

    def __iter__(self):
        return iter(self.rows)

    @property
    def rows(self) -> list[tuple]:
        """SELECT rows as plain Python values: IRIs as strings, typed literals as int, float or bool."""
        return [tuple(python_value(t) for t in row) for row in self.terms]

    def records(self, ids: bool = True) -> list[dict[str, Any]]:
        """SELECT rows as dicts; with ``ids``, IRIs of graph nodes become their IDs (``vae``, ``sec:13.1``)."""
        out = []
        for row in self.terms:
            rec = {}
            for var, t in zip(self.vars, row, strict=True):
                value = python_value(t)
                if ids and isinstance(value, str) and _is_iri(t):
                    value = rdf.node_id(self.base, value) or value
                rec[var] = value
            out.append(rec)
        return out

    def serialize(self, fmt: str | None = None) -> bytes:
        """The result in a W3C format: json, csv, tsv or xml for SELECT and ASK (or ``table``);
        ttl, nt, jsonld or xml for CONSTRUCT and DESCRIBE (``table`` and ``json`` mean ttl and jsonld)."""
        if self.kind == "construct":
            return rdf.serialize_triples(self.triples, _graph_format(fmt or "ttl"), self.base)
        fmt = fmt or "json"
        if fmt == "table":
            return self.table().encode("utf-8")
        if fmt == "json":
            return self._json()
        if fmt in ("csv", "tsv", "xml"):
            parsed = ox.parse_query_results(self._json(), format=ox.QueryResultsFormat.JSON)
            return parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
        raise QueryError(f"format {fmt!r} is for CONSTRUCT and DESCRIBE results; "
                         f"{self.kind.upper()} results print as table, json, csv, tsv or xml")

    def _json(self) -> bytes:
        if self.kind == "ask":
            doc: dict[str, Any] = {"head": {}, "boolean": bool(self.boolean)}
        else:
            doc = {"head": {"vars": list(self.vars)}, "results": {"bindings": [
                {v: _json_term(t) for v, t in zip(self.vars, row, strict=True) if t is not None}
                for row in self.terms]}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")

    def table(self, width: int = _CELL_WIDTH) -> str:
        """Aligned columns for a terminal: node IRIs as IDs, other IRIs as prefixed names, long text cut.

        Columns that only repeat a bound parameter are left out: named queries
        project their parameters so that engines' own binding (SEP-0007) works
        on them too.
        """
        if self.kind == "ask":
            return ("true" if self.boolean else "false") + "\n"
        if self.kind == "construct":
            return self.serialize("ttl").decode("utf-8")
        shown = [i for i, v in enumerate(self.vars) if v not in self.params] or list(range(len(self.vars)))
        prefixes = sorted(rdf.prefixes(self.base).items(), key=lambda kv: -len(kv[1]))
        head = [self.vars[i] for i in shown]
        body = [[self._cell(row[i], prefixes, width) for i in shown] for row in self.terms]
        numeric = [all(_is_number(row[i]) for row in self.terms if row[i] is not None) and
                   any(row[i] is not None for row in self.terms) for i in shown]
        widths = [max([len(h), *(len(r[j]) for r in body)]) for j, h in enumerate(head)]

        def line(cells):
            return "  ".join(c.rjust(w) if num else c.ljust(w)
                             for c, w, num in zip(cells, widths, numeric, strict=True)).rstrip()

        out = [line(head), line(["-" * w for w in widths])]
        out += [line(r) for r in body]
        n = len(body)
        out.append(f"({n} row{'s' if n != 1 else ''})" if n else "(no rows)")
        return "\n".join(out) + "\n"

    def _cell(self, term, prefixes, width: int) -> str:
        """A term as the table shows it, with what a terminal would obey escaped (``\\u001b``, ``\\u202e``): a
        query can make any text, and an IRI any ID (``concept:%1B``)."""
        if term is None:
            return ""
        if _is_iri(term):  # never cut
            return _shown(self._iri_cell(term.value, prefixes))
        text = _shown(" ".join(term.value.split()) if hasattr(term, "datatype") else f"_:{term.value}")
        return text if len(text) <= width else text[: width - 1] + "…"

    def _iri_cell(self, iri: str, prefixes) -> str:
        node = rdf.node_id(self.base, iri)
        if node is not None:
            return node
        for name, ns in prefixes:
            local = iri[len(ns):]
            if iri.startswith(ns) and local and re.fullmatch(r"[\w.-]+", local):
                return f"{name}:{local}"
        return f"<{iri}>"


def _shown(text: str) -> str:
    """``text`` with every character a terminal obeys rather than shows written as ``\\uXXXX``."""
    return TERMINAL_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def python_value(term) -> Any:
    """A pyoxigraph term as a Python value (None stays None)."""
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is None:
        return term.value
    dt, value = datatype.value, term.value
    try:
        if dt in _INTEGERS:
            return int(value)
        if dt in _FLOATS:
            return float(value)
        if dt == _XSD + "boolean":
            return value in ("true", "1")
    except ValueError:
        pass
    return value


def _is_iri(term) -> bool:
    return isinstance(term, ox.NamedNode)


def _is_number(term) -> bool:
    dt = getattr(term, "datatype", None)
    return dt is not None and (dt.value in _INTEGERS or dt.value in _FLOATS)


def _json_term(t) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != _XSD + "string":
        out["datatype"] = t.datatype.value
    return out


def _graph_format(fmt: str) -> str:
    aliases = {"table": "ttl", "json": "jsonld"}
    name = aliases.get(fmt, fmt)
    if name not in rdf.FORMATS:
        raise QueryError(f"format {fmt!r} is for SELECT and ASK results; CONSTRUCT and DESCRIBE results "
                         f"print as {', '.join(rdf.FORMATS)} (or table, json)")
    return name


def _one_line(message: str, limit: int = 160) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _syntax_error(line: int, col: int, detail: str, text: str) -> QueryError:
    """A parser's complaint as one line that names the position in the query as the user wrote it."""
    if "Prefix not found" in detail or "Unknown namespace prefix" in detail:
        lines = text.split("\n")
        before = lines[line - 1][: max(col - 1, 0)] if 0 < line <= len(lines) else ""
        pm = re.search(r"([A-Za-z][\w.-]*)?:[\w.%-]*\Z", before)
        detail = (f"unknown prefix {pm.group(1) or ''}:" if pm else "unknown prefix") + " (declare it with PREFIX)"
    detail, classes = _CHAR_CLASSES.subn("", detail)
    detail = _one_line(detail, 100)
    if detail in ("", "expected one of"):
        detail = "syntax error"
    elif classes and detail.startswith("expected one of"):
        detail += ", …"  # the character classes left out: the keywords are not all it takes
    return QueryError(f"invalid SPARQL at line {line}, column {col}: {detail}")


def run_query(kg: ConceptGraph, query: str | NamedQuery, params: dict[str, str] | None = None,
              engine: str = "oxigraph", base_iri: str | None = None) -> QueryResult:
    """Run a named query, a ``.rq`` file or SPARQL text against ``kg`` and return a :class:`QueryResult`.

    Raises :class:`~mlkg.errors.QueryError` for bad syntax (with line and
    column), unknown or missing parameters, and SPARQL Update
    (:class:`UpdateRefusedError`); :class:`~mlkg.errors.UnknownConceptError`
    for a concept parameter that names no concept.
    """
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    p = prepare(kg, query, params, base_iri)
    run = _run_oxigraph if engine == "oxigraph" else _run_rdflib
    try:
        result = run(kg, p.text, p.base)
    except _SyntaxProblem as exc:
        raise _syntax_error(exc.line, _unshift(exc.line, exc.col, p.shifts), exc.detail, p.query.text) from None
    result.base, result.params, result.query, result.engine = p.base, p.bindings, p.query, engine
    return result


@dataclass
class Prepared:
    """A query ready for an engine: its parameters written into ``text`` (see :func:`substitute`)."""

    query: NamedQuery
    text: str
    bindings: dict[str, Any]
    base: str
    shifts: list[tuple[int, int, int]] = field(default_factory=list)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

MAX_NESTING = 100      # brackets (and RDF-star's << >>) inside brackets
MAX_TOKENS = 20_000    # words and symbols outside VALUES data
QUERY_STACK = 256 << 20  # bytes of stack for the thread that runs pyoxigraph


class ServiceRefusedError(QueryError):
    """SERVICE: mlkg queries its own graph and never calls another endpoint."""


# query_shape's lexer states
_CODE, _COMMENT, _SHORT1, _SHORT2, _LONG1, _LONG2 = range(6)
_STRING_ENDS = {
    _SHORT1: re.compile(r"(?:[^'\\\n\r]|\\.)*'"), _SHORT2: re.compile(r'(?:[^"\\\n\r]|\\.)*"'),
    _LONG1: re.compile(r"(?:[^'\\]|\\.|'(?!''))*'{3}", re.DOTALL),
    _LONG2: re.compile(r'(?:[^"\\]|\\.|"(?!""))*"{3}', re.DOTALL),
}
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[?$]?[\w\u00B7]+")
_NORMAL, _VALUES_NEXT, _VALUES_DATA = range(3)


def query_shape(text: str) -> tuple[int, int]:
    """(deepest nesting of brackets, words and symbols outside VALUES data) of a SPARQL text, read without a parser.

    pyoxigraph's parser and planner recurse once per level of brackets and
    once per item of a long chain (``a || b || …``, a list of BINDs, a
    collection), and overflow their stack past a few thousand: the process
    dies.  This lexer measures a text before any parser sees it.  It skips
    strings and comments; IRIs too, but ``<`` may also be less-than
    (``FILTER(1<2)``), and reading it the wrong way could hide brackets in
    what looks like an IRI or a string.  So the lexer follows both readings
    wherever ``<`` could start an IRI, and reports the most either could
    mean: never less than what the engine will see.  Words and symbols
    inside a VALUES block's data are not counted (the engine keeps those
    in flat lists).

    Brackets are ``(``, ``{`` and ``[`` and, for RDF-star, the quoted
    triple's ``<<`` … ``>>`` (a triple term ``<<(`` … ``)>>`` is both, two
    levels): the engine recurses into them as into brackets (20,000
    levels overflow an 8 MiB stack), and its planner slows with every
    level (200 levels, 2 KB, took half a minute).  ``<<`` is followed as a
    third reading beside less-than and an IRI; ``>>`` outside strings, IRIs
    and comments can only close one (``<a>>1`` is an IRI and greater-than).
    """
    n = len(text)
    found: dict[tuple[int, int, int], list[int]] = {}
    heap: list[tuple[int, int, int]] = []
    deepest = most = 0

    def reach(pos: int, state: int, mode: int, depth: int, tokens: int) -> None:
        key = (pos, state, mode)
        seen = found.get(key)
        if seen is None:
            found[key] = [depth, tokens]
            heapq.heappush(heap, key)
        else:  # two readings meet: keep the larger of each, an upper bound for both
            seen[0], seen[1] = max(seen[0], depth), max(seen[1], tokens)

    reach(0, _CODE, _NORMAL, 0, 0)
    while heap:
        key = heapq.heappop(heap)
        depth, tokens = found.pop(key)
        pos, state, mode = key
        deepest, most = max(deepest, depth), max(most, tokens)
        if pos >= n:
            continue
        if state == _COMMENT:
            end = text.find("\n", pos)
            reach(n if end < 0 else end + 1, _CODE, mode, depth, tokens)
            continue
        if state != _CODE:
            m = _STRING_ENDS[state].match(text, pos)
            # an unterminated string: read its quote as a plain character instead
            reach(m.end() if m else pos, _CODE, mode, depth, tokens)
            continue
        count = 0 if mode == _VALUES_DATA else 1
        c = text[pos]
        if c.isspace():
            reach(_SPACE.match(text, pos).end(), _CODE, mode, depth, tokens)
        elif c == "#":
            reach(pos + 1, _COMMENT, mode, depth, tokens)
        elif c in "'\"":
            long = text.startswith(c * 3, pos)
            state = (_LONG1 if c == "'" else _LONG2) if long else (_SHORT1 if c == "'" else _SHORT2)
            reach(pos + (3 if long else 1), state, mode, depth, tokens + count)
        elif c == "<":
            reach(pos + 1, _CODE, mode, depth, tokens + count)  # less-than
            if m := _IRIREF.match(text, pos):
                reach(m.end(), _CODE, mode, depth, tokens + count)  # an IRI
            if text.startswith("<<", pos):
                reach(pos + 2, _CODE, mode, depth + 1, tokens + count)  # a quoted triple (or, with "(", a triple term)
        elif text.startswith(">>", pos):  # where the engine reads it at all, it closes a quoted triple
            reach(pos + 2, _CODE, mode, depth - 1, tokens + count)
        elif c in "({[":
            opened = _VALUES_DATA if c == "{" and mode == _VALUES_NEXT else mode
            reach(pos + 1, _CODE, opened, depth + 1, tokens + count)
        elif c in ")}]":
            closed = _NORMAL if c == "}" and mode == _VALUES_DATA else mode
            reach(pos + 1, _CODE, closed, depth - 1, tokens + count)
        elif m := _WORD.match(text, pos):
            word = m.group()
            reach(m.end(), _CODE, _VALUES_NEXT if word.upper() == "VALUES" else mode, depth, tokens + count)
        else:
            reach(pos + 1, _CODE, mode, depth, tokens + count)
    return deepest, most


def uses_service(text: str) -> bool:
    """Whether a query calls another endpoint with SERVICE, read from the parsed query.

    The text is parsed with rdflib's SPARQL parser, which decodes ``\\u``
    escapes first as the standard says, and the parse is searched for a
    SERVICE pattern: the word in a string, an IRI, a prefix or a comment is
    no call.  A text that mentions "service" nowhere (escapes decoded) is not
    parsed at all.  One the parser cannot read (not SPARQL 1.1, or nested too
    deep for it) counts as a call if the word appears anywhere in it.
    """
    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if re.search(r"service", decoded, re.IGNORECASE) is None:
        return False
    return _parsed_service(text)


@functools.lru_cache(maxsize=512)
def _parsed_service(text: str) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        stack: list[Any] = [parseQuery(text)]
    except Exception:  # ParseException, RecursionError, …: unreadable, so the blunt answer
        return True
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            if x.name == "ServiceGraphPattern":
                return True
            stack.extend(x.values())
        elif isinstance(x, ParseResults | list | tuple):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
    return False


def check_query(text: str) -> None:
    """Refuse a query that must not run: too deep or too long for the engine, SPARQL Update, or SERVICE.

    Raises :class:`~mlkg.errors.QueryError`, :class:`UpdateRefusedError` or
    :class:`ServiceRefusedError`.  The size is measured before any parser
    reads the text.
    """
    depth, tokens = query_shape(text)
    if depth > MAX_NESTING:
        raise QueryError(f"query nested {depth} levels deep; at most {MAX_NESTING}")
    if tokens > MAX_TOKENS:
        raise QueryError(f"query too long: {tokens:,} words and symbols outside VALUES data; at most "
                         f"{MAX_TOKENS:,} (put long lists of values in a VALUES block)")
    form = query_form(text)
    if form in UPDATE_KEYWORDS:
        raise UpdateRefusedError(f"SPARQL Update ({form}) is not allowed: the graph is read-only; "
                                 "use SELECT, ASK, CONSTRUCT or DESCRIBE")
    if uses_service(text):
        raise ServiceRefusedError("SERVICE is refused: mlkg queries its own graph and never calls other endpoints")


_STACK_LOCK = threading.Lock()


def on_big_stack(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` on a thread with a :data:`QUERY_STACK`-byte stack; its result, or its exception.

    pyoxigraph parses, plans and drops a query recursively; on the usual 8 MiB
    stack a query within :data:`MAX_TOKENS` could still overflow it.  The
    stack is address space, not memory: only the pages a query touches are
    used.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    with _STACK_LOCK:
        old = threading.stack_size()
        try:
            threading.stack_size(QUERY_STACK)
            thread = threading.Thread(target=run, name="mlkg-query", daemon=True)
            thread.start()
        except (RuntimeError, ValueError, MemoryError):  # no thread to be had: the caller's stack it is
            thread = None
        finally:
            threading.stack_size(old)
    if thread is None:
        return fn(*args, **kwargs)
    thread.join()
    if "error" in box:
        raise box.pop("error")
    return box["value"]


def prepare(kg: ConceptGraph, query: str | NamedQuery, params: dict[str, str] | None = None,
            base_iri: str | None = None) -> Prepared:
    """Resolve ``query``, refuse what must not run (:func:`check_query`), and bind ``params`` into its text.

    The text runs as is in any SPARQL engine loaded with the export for the
    same base IRI (the HTTP endpoint's workers run it in their own stores).
    """
    q = resolve_query(query)
    check_query(q.text)
    base = rdf.base_iri(base_iri)
    bindings = bind_params(kg, q, dict(params or {}), base)
    if not bindings:
        return Prepared(q, q.text, bindings, base)
    text, shifts = substitute(q.text, {k: str(v) for k, v in bindings.items()})
    return Prepared(q, text, bindings, base, shifts)


class _SyntaxProblem(Exception):
    def __init__(self, line: int, col: int, detail: str):
        super().__init__(detail)
        self.line, self.col, self.detail = line, col, detail


class TooManyResults(QueryError):
    """A result larger than the caller's limit (the endpoint's ``--max-rows``): refused whole, never cut short."""


def collect(res, max_rows: int | None = None, base: str = rdf.DEFAULT_BASE_IRI) -> QueryResult:
    """A pyoxigraph query result as a :class:`QueryResult`, refusing more than ``max_rows`` rows (SELECT) or
    triples (CONSTRUCT, DESCRIBE)."""
    def bounded(items, what: str):
        out = []
        for item in items:
            if max_rows is not None and len(out) == max_rows:
                raise TooManyResults(f"the result has more than {max_rows:,} {what}, more than this endpoint "
                                     "sends (mlkg serve --max-rows); add a LIMIT, or narrow the query down")
            out.append(item)
        return out

    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(res), base=base)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        rows = bounded((tuple(sol[i] for i in range(len(names))) for sol in res), "rows")
        return QueryResult("select", vars=names, terms=rows, base=base)
    return QueryResult("construct", triples=bounded(res, "triples"), base=base)


def run_store(store: ox.Store, text: str, base: str, prefixes: dict[str, str], max_rows: int | None = None,
              **dataset) -> QueryResult:
    """Run ``text`` in a pyoxigraph store and collect the result; call it through :func:`on_big_stack`.

    ``dataset`` takes pyoxigraph's ``default_graph`` and ``named_graphs``.
    The engine's result (and with it the query's plan) is dropped here too.
    """
    return collect(store.query(text, base_iri=base, prefixes=prefixes, **dataset), max_rows, base)


def _run_oxigraph(kg: ConceptGraph, text: str, base: str) -> QueryResult:
    store = rdf.store(kg, base)
    try:
        return on_big_stack(run_store, store, text, base, rdf.prefixes(base))
    except SyntaxError as exc:
        raise _oxigraph_problem(exc) from None
    except (RuntimeError, OSError, ValueError, TypeError) as exc:
        raise QueryError(f"query failed: {_one_line(str(exc))}") from None


def _oxigraph_problem(exc: SyntaxError) -> _SyntaxProblem | QueryError:
    """pyoxigraph's syntax error as a position and its complaint, or as one line where it names no position."""
    m = _POSITION.search(str(exc))
    if not m:
        return QueryError(f"invalid SPARQL: {_one_line(str(exc))}")
    return _SyntaxProblem(int(m.group(1)), int(m.group(2)), str(exc)[m.end():])


def syntax_error(exc: SyntaxError, text: str) -> QueryError:
    """pyoxigraph's complaint about ``text`` worded as ``mlkg query`` words it (the position, an undeclared prefix
    by name, no grammar dump), for whoever runs pyoxigraph itself: the HTTP endpoint's workers."""
    problem = _oxigraph_problem(exc)
    if isinstance(problem, _SyntaxProblem):
        return _syntax_error(problem.line, problem.col, problem.detail, text)
    return problem


def _rdflib_graph(kg: ConceptGraph, base: str):
    return kg.derived(("rdflib", base), lambda: rdf.to_rdflib(kg, base))


def _run_rdflib(kg: ConceptGraph, text: str, base: str) -> QueryResult:
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    graph = _rdflib_graph(kg, base)
    try:
        prepared = prepareQuery(text, initNs=rdf.prefixes(base), base=base)
    except ParseException as exc:
        raise _SyntaxProblem(exc.lineno, exc.col, str(exc.msg)) from None
    except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes and the like
        m = re.match(r"Unknown namespace prefix : (\S*)", str(exc))
        where = _find_prefixed(text, m.group(1)) if m else None
        if where:
            raise _SyntaxProblem(*where, "Prefix not found") from None
        raise QueryError(f"invalid SPARQL: {_one_line(str(exc))}") from None
    try:
        res = graph.query(prepared)
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            names = [str(v) for v in res.vars]
            twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
            if twice is not None:  # pyoxigraph refuses it too, and no result format can carry it
                raise QueryError(f"invalid SPARQL: SELECT projects ?{twice} twice")
            blanks: dict = {}
            rows = [tuple(_from_rdflib(t, blanks) for t in row) for row in res]
            return QueryResult("select", vars=names, terms=rows)
        blanks = {}
        return QueryResult("construct", triples=[
            ox.Triple(*(_from_rdflib(t, blanks) for t in triple)) for triple in res.graph])
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {_one_line(str(exc))}") from None


def _find_prefixed(text: str, prefix: str) -> tuple[int, int] | None:
    """Line and column just after the first prefixed name using ``prefix``, as pyoxigraph reports it."""
    line, col = 1, 1
    for kind, tok, _, _ in _contexts(text, ()):
        if kind == "word" and tok.startswith(prefix + ":"):
            return line, col + len(tok)
        if "\n" in tok:
            line += tok.count("\n")
            col = len(tok) - tok.rfind("\n")
        else:
            col += len(tok)
    return None


def _from_rdflib(term, blanks: dict):
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        if term not in blanks:
            blanks[term] = ox.BlankNode()
        return blanks[term]
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))
