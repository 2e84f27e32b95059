"""The interactive concept map: one self-contained HTML page, rendered with pyvis, that works offline.

pyvis's stock template fetches vis-network and Bootstrap from the network in
every ``cdn_resources`` mode, so :func:`map_html` gives a pyvis ``Network``
our own template (``templates/map.html``) and inlines the vis-network copy
that pyvis ships.  Everything else the page needs is inlined too, and a
Content-Security-Policy forbids it to load or send anything.

Concepts are the nodes that matter; sections and subsections are hub nodes
(boxes with ids ``sec:N`` and ``sec:N.M``) that concepts hang off by light
``parent`` edges, so the cheatsheet's outline stays visible.  Concepts take
their section's colour and grow with the number of concepts that require
them.

Positions come from :func:`layout`, which is linear in the graph and depends
only on the outline.  Maps under :data:`LARGE` nodes let vis-network's
physics relax them and then freeze.  Larger maps keep them as they are: each
section is a tinted region under its title, the hierarchy edges start
switched off, and the page's script draws the edges itself (vis-network
spends milliseconds per edge), so 10,000 concepts are interactive in seconds.

Cheatsheet text reaches the page only as JSON inside ``<script
type="application/json">`` (with ``<``, ``>``, ``&``, U+2028 and U+2029
escaped) or through Jinja's autoescaping, and the page's script puts it into
the document with ``textContent`` only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..atomic import output as output_file
from ..graph import ConceptGraph, chunked, edge_items, shown_title
from ..read import example_plain, number_key

if TYPE_CHECKING:  # pragma: no cover
    from pyvis.network import Network

    from ..mine.evidence import Evidence

LARGE = 150
"""Maps with at least this many nodes (hubs included) keep the outline layout and never run physics.

Physics makes a small map organic, but settling the 288 nodes of the shared
corpus takes vis-network seconds, so from a section or two on the outline
layout is used as it is.
"""

TEMPLATES = Path(__file__).resolve().parent / "templates"
VIS_VERSION = "9.1.2"

# Tableau 10, then the lighter half of Tableau 20: distinct hues before shades.
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
    "#ff9da7", "#499894", "#d37295", "#86bcb6", "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d",
    "#f1ce63", "#fabfd2", "#d4a6c8", "#bab0ac",
)
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

# The outline layout, in canvas pixels: spacing of concepts in a cluster, clusters stretched sideways
# because labels are wide, an empty core for the hub's box, gaps, and the shapes aimed at (width / height).
_STEP = 78.0
_STRETCH = (1.5, 0.85)
_CORE = 5.0
_GAP = 60.0
_SECTION_GAP = 150.0
_ASPECT = 1.8
_SECTION_ASPECT = 2.6


def section_colour(index: int) -> str:
    """A distinct colour for the ``index``-th section; past the palette, hues go round the golden angle."""
    if index < len(PALETTE):
        return PALETTE[index]
    hue = (index * 137.508) % 360
    return _hsl_hex(hue, 0.5, 0.52)


def _hsl_hex(h: float, s: float, lightness: float) -> str:
    c = (1 - abs(2 * lightness - 1)) * s
    x = c * (1 - abs((h / 60) % 2 - 1))
    m = lightness - c / 2
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][int(h // 60) % 6]
    return "#" + "".join(f"{round((v + m) * 255):02x}" for v in (r, g, b))




def _outline(kg: ConceptGraph) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """Sections in number order, each section's groups (subsection hubs, or the section itself for
    concepts filed directly under it), and each group's concepts in document order."""
    g = kg.graph
    sections = sorted((n for n, _ in kg.nodes("section")), key=lambda n: number_key(g.nodes[n]["number"]))
    members: dict[str, list[str]] = defaultdict(list)
    for cid in kg.entries:
        members[g.nodes[cid]["subsection"]].append(cid)
    groups: dict[str, list[str]] = {s: [] for s in sections}
    subs = sorted((n for n, _ in kg.nodes("subsection")), key=lambda n: number_key(g.nodes[n]["number"]))
    for sec in sections:
        if members.get(sec):
            groups[sec].append(sec)
    for sub in subs:
        sec = f"sec:{g.nodes[sub]['number'].split('.')[0]}"
        groups.setdefault(sec, []).append(sub)
    for sec in list(groups):
        if sec not in g:
            sections.append(sec)
    return sections, groups, members


def _shelves(sizes: list[tuple[float, float]], width: float,
             gap: float = _GAP) -> tuple[list[tuple[float, float]], float, float]:
    """Pack boxes (w, h) left to right in rows no wider than ``width``; return their centres and the extent."""
    rows: list[list[int]] = [[]]
    x = 0.0
    for i, (w, _) in enumerate(sizes):
        if rows[-1] and x + w > width:
            rows.append([])
            x = 0.0
        rows[-1].append(i)
        x += w + gap
    centres: list[tuple[float, float]] = [(0.0, 0.0)] * len(sizes)
    y = 0.0
    extent = 0.0
    for row in rows:
        height = max((sizes[i][1] for i in row), default=0.0)
        x = 0.0
        for i in row:
            w = sizes[i][0]
            centres[i] = (x + w / 2, y + height / 2)
            x += w + gap
        extent = max(extent, x - gap)
        y += height + gap
    return centres, extent, max(0.0, y - gap)


def layout(kg: ConceptGraph) -> dict[str, tuple[float, float]]:
    """Canvas positions for every node, from the outline alone; deterministic and linear in the graph.

    A group's concepts sit on a sunflower spiral around its hub in document
    order (first concepts nearest the hub), stretched sideways to leave room
    for labels; groups are packed in rows inside their section, under the
    section's hub; sections are packed in rows into a landscape page.  Cross
    edges play no part, so the map keeps its shape when mining changes.
    """
    return _layout(kg)[0]


def _layout(kg: ConceptGraph, outline=None) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, int]]]:
    """Positions, and each section's (width, title font size) for titles drawn to the layout's scale."""
    g = kg.graph
    sections, groups, members = outline or _outline(kg)
    c = _STEP / math.sqrt(math.pi)
    sx, sy = _STRETCH
    contents = []
    for sec in sections:
        discs = []
        for hub in groups.get(sec, []):
            r = c * math.sqrt(len(members.get(hub, ())) + _CORE)
            discs.append((2 * r * sx + _STEP, 2 * r * sy + _STEP / 2))
        area = sum((w + _GAP) * (h + _GAP) for w, h in discs)
        widest = max((w for w, _ in discs), default=0.0)
        contents.append(_shelves(discs, max(widest, math.sqrt(area * _SECTION_ASPECT) + _GAP)))
    # One title size for the whole map, so that titles read at the zoom that shows everything.
    size = round(min(400.0, max(30.0, math.sqrt(sum(w * h for _, w, h in contents) * _ASPECT) / 45)))
    boxes = []
    for sec, (centres, w, h) in zip(sections, contents, strict=True):
        title = f"{g.nodes[sec].get('number', '')}  {g.nodes[sec].get('label', sec)}" if sec in g else sec
        text = 0.62 * size * len(title)
        width = max(w, 300.0, min(text / 2 + size, text + size))
        header = 1.25 * size * math.ceil(text / (width - size)) + 70
        boxes.append((sec, centres, (width - w) / 2, width, h + header, header))
    total = sum(b[3] * b[4] for b in boxes)
    page, _, _ = _shelves([(b[3], b[4]) for b in boxes], max([math.sqrt(total * _ASPECT)] + [b[3] for b in boxes]),
                          _SECTION_GAP)
    pos: dict[str, tuple[float, float]] = {}
    titles = {}
    for (sec, centres, indent, w, h, header), (cx, cy) in zip(boxes, page, strict=True):
        left, top = cx - w / 2 + indent, cy - h / 2
        pos[sec] = (cx, top + (header - 50) / 2)
        titles[sec] = (w, size)
        for hub, (hx, hy) in zip(groups.get(sec, []), centres, strict=True):
            hx, hy = left + hx, top + header + hy
            if hub != sec:
                pos[hub] = (hx, hy)
            for k, cid in enumerate(members.get(hub, ())):
                r = c * math.sqrt(k + _CORE)
                a = k * _GOLDEN_ANGLE
                pos[cid] = (hx + r * sx * math.cos(a), hy + r * sy * math.sin(a))
    return {n: (round(pos[n][0], 1), round(pos[n][1], 1)) if n in pos else (0.0, 0.0) for n in g}, titles


def _evidence(edge: dict[str, Any], source: str, target: str, found: list[Evidence] | None,
              texts: Callable[[str, str, str], int]) -> None:
    """Add to ``edge`` the evidence the panel quotes: a sentence of the source's own text (why it needs or
    mentions the target) before one of the target's, and any sentence before a mere title.

    A sentence that the page already holds, in the quoting concept's explanation or example, is sent as
    where it is (``at``: 0 for the edge's source, 1 for its target, then the start and length in UTF-16
    code units, as JavaScript counts), not a second copy (hard 10k: 30.4 MB of map, 26.9 MB without them).

    A graph's evidence is always :class:`~mlkg.mine.Evidence` (mined, or read back from graph.json), read
    here by attribute: its dict-like ``ev["field"]`` is a Python call, and this runs once per edge.
    """
    if not found:
        return
    if len(found) == 1:  # most edges
        ev = found[0]
    else:
        # a curator's note first (why the edge is as it is), but an empty one says nothing: a mined sentence before it
        ev = min(found, key=lambda e: (not e.sentence, e.field != "curation", e.source != source, e.field == "title"))
    field, sentence, of = ev.field, ev.sentence, ev.source
    edge["field"] = field
    edge["line"] = ev.line
    if sentence and of in (source, target) and field in _QUOTED_FIELDS:
        # a long sentence is quoted around the mention, with "…" where it was cut: 1 before, 2 after
        head, tail = sentence[0] == "…", len(sentence) > 1 and sentence[-1] == "…"
        core = sentence[head:len(sentence) - tail]
        at = texts(of, field, core) if core else -1
        if at >= 0:
            cut = head | 2 * tail
            edge["at"] = [0 if of == source else 1, at, len(core), *([cut] if cut else [])]
            return
    edge["sentence"] = sentence
    if of in (source, target) and field != "curation":  # whose text it is, as "at" says: named where the other's
        edge["of"] = 0 if of == source else 1


_QUOTED_FIELDS = ("full", "simple", "example", "title")


_SEARCHED = 20_000
"""Texts up to this long are searched for each sentence; a longer one (a wall of text naming thousands of
concepts) is cut into its sentences once, and only whole sentences are found in it."""


def _astral(text: str) -> bool:
    """Whether ``text`` has a character outside the Basic Multilingual Plane: one that UTF-16 writes as two
    code units (a third of the time a regex search takes)."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def _sentence_finder(kg: ConceptGraph) -> Callable[[str, str, str], int]:
    """(concept, field, sentence) → where the sentence starts in the text the page holds for that field, or -1:
    also -1 where offsets would count differently in Python and JavaScript (a character outside the Basic
    Multilingual Plane, which JavaScript counts twice)."""
    from ..mine.text import unit_spans

    nodes, made = kg.graph._node, {}

    def find(concept: str, field: str, sentence: str) -> int:
        key = (concept, field)
        found = made.get(key, made)  # made itself: not looked at yet
        if found is made:
            d = nodes[concept]
            value = example_plain(d["example"]) if field == "example" else d.get(field) or ""  # "title" too
            if not value.isascii() and _astral(value):
                made[key] = None
            elif len(value) <= _SEARCHED:
                made[key] = value
            else:
                index: dict[str, int] = {}
                for start, end, _ in unit_spans(field, value):
                    unit = value[start:end]
                    if field == "example":  # the miner quotes an example line with its indent
                        index.setdefault(unit.rstrip(), start)
                    else:
                        index.setdefault(unit.strip(), start + len(unit) - len(unit.lstrip()))
                made[key] = index
            found = made[key]
        if found is None:
            return -1
        return found.find(sentence) if isinstance(found, str) else found.get(sentence, -1)
    return find


def map_data(kg: ConceptGraph, titles_to_scale: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The map's nodes and edges as plain dicts: positions, and what the details panel shows.

    The page's script turns them into vis-network items and styles them by
    kind, so the file carries each fact once: optional fields are left out
    when empty (``alt``, ``aliases``, a concept's ``file`` when it is its section's,
    ``curated`` unless true), and how many concepts require a concept is
    counted from the edges.  With ``titles_to_scale``, section titles are
    sized to the outline layout, readable with the whole map in view.
    """
    return list(map_nodes(kg, titles_to_scale)), list(map_edges(kg))


def map_nodes(kg: ConceptGraph, titles_to_scale: bool = False) -> Iterator[dict[str, Any]]:
    """The nodes of :func:`map_data`: they depend on the hierarchy alone, not on any mined edge."""
    g = kg.graph
    outline = _outline(kg)
    pos, titles = _layout(kg, outline)
    sections, groups, members = outline
    colours = {sec: section_colour(i) for i, sec in enumerate(sections)}
    hub_order = {}
    for sec in sections:
        for hub in [sec, *groups.get(sec, [])]:
            first = members.get(hub)
            hub_order.setdefault(hub, g.nodes[first[0]]["order"] if first else len(kg.entries))
    names: dict[str, str] = {}
    section_file = {sec: g.nodes[sec].get("file") for sec in sections if sec in g}
    for n, d in g.nodes(data=True):
        kind = d.get("kind", "section")
        x, y = pos[n]
        node = {"id": n, "kind": kind, "label": _short_label(d.get("label", n)), "name": shown_title(d, n),
                "number": d.get("number", ""), "line": d.get("line"), "x": x, "y": y}
        if d.get("alt_labels"):
            node["alt"] = list(d["alt_labels"])
        if d.get("aliases"):
            node["aliases"] = list(d["aliases"])
        if kind == "concept":
            sec = d["section"]
            node.update(section=sec, parent=d["subsection"], order=d["order"],
                        simple=d["simple"], full=d["full"], example=example_plain(d["example"]))
            if d.get("file") != section_file.get(sec):
                node["file"] = _basename(names, d.get("file"))
        else:
            sec = n if kind == "section" else f"sec:{node['number'].split('.')[0]}"
            node.update(section=sec, parent=None if kind == "section" else sec, order=hub_order.get(n, 0),
                        color=colours.get(sec, PALETTE[0]), file=_basename(names, d.get("file")))
            if titles_to_scale and n in titles:
                node.update(title_width=round(titles[n][0]), font_size=titles[n][1])
        yield node


LABEL_MAX = 80
"""Characters of a label the map draws, lists and searches by; the details show the whole title.  A title of
5,000 words was accepted (it is no error) and its label covered the map and the ready list."""


def _short_label(label: str) -> str:
    if len(label) <= LABEL_MAX:
        return label
    cut = label[:LABEL_MAX]
    if label[LABEL_MAX] != " " and " " in cut[LABEL_MAX // 2:]:
        cut = cut.rsplit(" ", 1)[0]  # at a word, not in one
    return (cut.rstrip(" ,;:-") or cut) + "…"


def map_edges(kg: ConceptGraph) -> Iterator[dict[str, Any]]:
    """The edges of :func:`map_data`, each mined one with the sentence the details panel quotes and its
    confidence to two places (``conf``), by which the local view ranks a large neighbourhood."""
    texts = _sentence_finder(kg)
    for u, v, k, d in edge_items(kg.graph):
        edge = {"from": u, "to": v, "kind": k}
        if k != "parent":
            if d.get("confidence") is not None:  # the local view keeps the strongest edges of a large neighbourhood
                edge["conf"] = round(float(d["confidence"]), 2)
            _evidence(edge, u, v, d.get("evidence"), texts)
            if d.get("curated"):
                edge["curated"] = True
        yield edge


def _basename(cache: dict[str, str], path: str | None) -> str:
    if not path:
        return ""
    if path not in cache:
        cache[path] = Path(path).name
    return cache[path]


def vis_options(n_nodes: int, physics: bool | None = None) -> dict[str, Any]:
    """vis-network options: physics relaxes small maps and then stops; large maps never move."""
    physics = n_nodes < LARGE if physics is None else physics
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -90, "centralGravity": 0.01, "springLength": 100,
                                 "springConstant": 0.05, "damping": 0.6, "avoidOverlap": 0.8},
            "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 250, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 300, "keyboard": False, "multiselect": False,
                        "zoomSpeed": 0.8},
        "nodes": {"shape": "dot", "borderWidth": 1.5, "borderWidthSelected": 3,
                  "font": {"size": 15, "face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
                           "color": "#1f2328", "strokeWidth": 4, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 7}}},
        "edges": {"smooth": False, "selectionWidth": 1.2, "hoverWidth": 0.4},
    }


@cache
def _environment():
    """The Jinja environment, with vis-network and the page's own CSS and JS read once per process."""
    import pyvis
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json"] = script_json
    env.globals.update(
        vis_js=Markup(_script_text((lib / "vis-network.min.js").read_text(encoding="utf-8"))),
        vis_css=Markup(_style_text((lib / "vis-network.css").read_text(encoding="utf-8"))),
        map_js=Markup(_script_text((TEMPLATES / "map.js").read_text(encoding="utf-8"))),
        map_css=Markup(_style_text((TEMPLATES / "map.css").read_text(encoding="utf-8"))),
    )
    return env


def _script_text(js: str) -> str:
    """Script source that cannot end its ``<script>`` element early."""
    return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT").replace("<!--", "<\\!--")


def _style_text(css: str) -> str:
    return css.replace("</style", "<\\/style").replace("</STYLE", "<\\/STYLE")


def script_json(value: Any):
    """JSON (or a JSON string) that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c`` and friends, so no text can
    close the element or open a comment; U+2028/U+2029 are escaped for old
    JavaScript parsers.  ``JSON.parse`` reads all of them back unchanged.
    """
    from markupsafe import Markup

    if not isinstance(value, str):
        return Markup(_json_bytes(value).decode("utf-8"))
    for raw, escaped in _SCRIPT_ESCAPES:
        if raw in value:
            value = value.replace(raw, escaped)
    return Markup(value)


_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_SCRIPT_BYTE_ESCAPES = tuple((raw.encode(), escaped.encode()) for raw, escaped in _SCRIPT_ESCAPES)


def _json_bytes(value: Any) -> bytes:
    """:func:`script_json` of ``value``, as UTF-8 bytes (orjson writes UTF-8, so no text is decoded)."""
    import orjson

    data = orjson.dumps(value)
    for raw, escaped in _SCRIPT_BYTE_ESCAPES:
        # its last byte first: one byte is found by memchr, while the three of U+2028 are searched for many
        # times slower, and most pages have neither U+2028 nor U+2029 nor (in English) any byte 0xA8 or 0xA9
        if raw[-1:] in data and raw in data:
            data = data.replace(raw, escaped)
    return data


def default_title(kg: ConceptGraph) -> str:
    sections = [d for _, d in kg.nodes("section")]
    if len(sections) == 1:
        return f"{sections[0]['number']} {shown_title(sections[0])} · concept map"
    return f"Concept map · {len(sections)} sections, {len(kg.entries)} concepts"


def _physics(kg: ConceptGraph, physics: bool | None) -> bool:
    return kg.graph.number_of_nodes() < LARGE if physics is None else physics


def physics_for(kg: ConceptGraph) -> bool:
    """Whether the map of ``kg`` lets vis-network's physics settle it (small maps) or keeps the outline layout."""
    return _physics(kg, None)


def map_network(kg: ConceptGraph, title: str | None = None, physics: bool | None = None,
                data: tuple[list, list] | None = None) -> Network:
    """A pyvis :class:`~pyvis.network.Network` holding the map, set up to render with our template.

    The node and edge lists are filled directly: pyvis's ``add_node`` and
    ``add_edge`` check for duplicates by scanning and are quadratic.
    ``data`` replaces :func:`map_data`'s lists.
    """
    from pyvis.network import Network

    physics = _physics(kg, physics)
    nodes, edges = map_data(kg, titles_to_scale=not physics) if data is None else data
    net = Network(height="100%", width="100%", directed=True, heading=title or default_title(kg),
                  cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.options = vis_options(kg.graph.number_of_nodes(), physics)
    net.templateEnv = _environment()
    net.path = "map.html"
    return net


def map_html(kg: ConceptGraph, title: str | None = None, physics: bool | None = None, *,
             live: bool = False, edit_token: str | None = None) -> str:
    """The whole map page as one string.

    ``physics`` forces vis-network's physics on or off; by default it runs
    for maps under :data:`LARGE` nodes only.

    For ``mlkg serve``: ``live`` lets the page connect to the server it came
    from (its Content-Security-Policy gets ``connect-src 'self'``), which it
    does only when opened over http(s): it follows ``/events`` and reloads
    ``/api/map-data``.  ``edit_token`` (which implies ``live``) is put in a
    ``<meta name="mlkg-edit-token">`` element, and the page then offers to
    edit edges through ``/api/curation``.  A page written to a file has
    neither and connects to nothing.
    """
    return served_page(map_network(kg, title, physics).generate_html("map.html"), live, edit_token)


_OFFLINE_CSP = "connect-src 'none'"
_GENERATOR = '<meta name="generator" content="mlkg">'


def served_page(html: str, live: bool = False, edit_token: str | None = None) -> str:
    """The map page ``html`` as served: allowed to connect to its server, and carrying the edit token if any."""
    from markupsafe import escape

    if not (live or edit_token):
        return html
    if _OFFLINE_CSP not in html or _GENERATOR not in html:  # pragma: no cover - the template has both
        raise AssertionError("map template lost its CSP or generator meta element")
    html = html.replace(_OFFLINE_CSP, "connect-src 'self'", 1)
    if edit_token:
        token = f'<meta name="mlkg-edit-token" content="{escape(edit_token)}">'
        html = html.replace(_GENERATOR, f"{_GENERATOR}\n{token}", 1)
    return html


_PAYLOADS = ('<script type="application/json" id="mlkg-nodes">[]</script>',
             '<script type="application/json" id="mlkg-edges">[]</script>')


def write_map(kg: ConceptGraph, path: str | Path, title: str | None = None, physics: bool | None = None) -> Path:
    """Write the map page to ``path`` (a file atomically, a FIFO or terminal as it is made: see
    :func:`~mlkg.atomic.target`) and return the path.

    The page is the one :func:`map_html` returns, byte for byte (see :func:`write_page`).
    """
    path = Path(path)
    with output_file(path) as f:
        write_page(kg, f, title, physics)
    return path


def write_page(kg: ConceptGraph, f: BinaryIO, title: str | None = None, physics: bool | None = None) -> None:
    """Write the page :func:`map_html` returns into the binary file ``f``, byte for byte, but with its two large
    JSON payloads written item by item: a 100k map never exists whole in memory."""
    physics = _physics(kg, physics)
    page = map_network(kg, title, physics, data=([], [])).generate_html("map.html")
    payloads = (map_nodes(kg, titles_to_scale=not physics), map_edges(kg))
    for marker, items in zip(_PAYLOADS, payloads, strict=True):
        head, found, page = page.partition(marker)
        if not found:  # pragma: no cover - the template names both elements
            raise AssertionError(f"map template lost {marker}")
        start, end = marker.split("[]")
        f.write((head + start + "[").encode("utf-8"))
        for i, chunk in enumerate(chunked(items, 1000)):
            if i:
                f.write(b",")
            f.write(memoryview(_json_bytes(chunk))[1:-1])  # without copying the chunk
        f.write(("]" + end).encode("utf-8"))
    f.write(page.encode("utf-8"))
