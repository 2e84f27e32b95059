"""The interactive concept map: the page mlkg writes, and what it does in a real (headless) browser."""

from __future__ import annotations

import heapq
import itertools
import json
import re
import urllib.parse
from pathlib import Path

import networkx as nx
import pytest
from browser import READY_TIMEOUT_MS, SERVED, browser, context, open_map, open_served, phone  # noqa: F401  (pytest fixtures)
from conftest import SEED as SEED_PATH
from conftest import entry, sheet

import mlkg
from mlkg.read import example_plain
from mlkg.views import map as viz
from mlkg.views.chains import learning_plan, ready_to_learn

HOSTILE = '<img src=x onerror="window.pwned=1;alert(1)"> </script><script>window.pwned=2;alert(2)</script> <!--'
SELECTED = "() => mlkg.view().network.getSelectedNodes().map(mlkg.fromVis)"  # vis knows nodes by mlkg.toVis(id)


def _script_data(html: str, name: str):
    m = re.search(rf'<script type="application/json" id="mlkg-{name}">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def _learning_order(kg, target: str) -> list[str]:
    """Every prerequisite of ``target``, each after its own prerequisites, ties in document order."""
    needs = nx.DiGraph((e["source"], e["target"]) for e in kg.edges("requires"))
    members = {target} | (nx.descendants(needs, target) if target in needs else set())
    sub = needs.subgraph(members)
    order = kg.graph.nodes
    waiting = {n: sub.out_degree(n) for n in members}
    ready = [(order[n]["order"], n) for n, k in waiting.items() if k == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, n = heapq.heappop(ready)
        out.append(n)
        for m in sub.predecessors(n):
            waiting[m] -= 1
            if waiting[m] == 0:
                heapq.heappush(ready, (order[m]["order"], m))
    return out


# ---- the page, without a browser ------------------------------------------------------------------

def test_page_is_one_offline_file(seed_kg):
    html = viz.map_html(seed_kg)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", html, re.I)
    assert not re.search(r"cdnjs|jsdelivr|unpkg|bootstrap", html, re.I)
    assert "vis-network" in html and "new vis.Network" in html


def test_every_node_and_edge_is_in_the_page(seed_kg):
    html = viz.map_html(seed_kg)
    nodes, edges = _script_data(html, "nodes"), _script_data(html, "edges")
    assert {n["id"] for n in nodes} == set(seed_kg.graph)
    assert sorted(n["id"] for n in nodes if n["kind"] == "concept") == sorted(seed_kg.concepts())
    assert len(edges) == seed_kg.graph.number_of_edges()
    assert not any("needed" in n for n in nodes)  # counted from the edges by the page: each fact once
    vae_needs = [e for e in edges if e["from"] == "vae" and e["kind"] == "requires"]
    assert vae_needs and (vae_needs[0].get("sentence") or vae_needs[0].get("at"))


def test_an_edge_points_into_the_text_the_page_holds_rather_than_repeating_it(seed_kg):
    """Each quoted sentence is found where ``at`` says, counted in UTF-16 units as JavaScript counts."""
    html = viz.map_html(seed_kg)
    nodes, edges = _script_data(html, "nodes"), _script_data(html, "edges")
    info = {n["id"]: n for n in nodes}
    quoted = {(u, v): d["evidence"] for u, v, k, d in seed_kg.graph.edges(keys=True, data=True) if k != "parent"}
    pointed = [e for e in edges if "at" in e]
    assert len(pointed) > 0.8 * len(quoted)
    for e in pointed:
        side, start, length, *cut = e["at"]
        node = info[e["to"] if side else e["from"]]
        text = node["name" if e["field"] == "title" else e["field"]].encode("utf-16-le")
        core = text[2 * start:2 * (start + length)].decode("utf-16-le")
        sentence = "…" * (cut[0] & 1 if cut else 0) + core + "…" * (cut[0] >> 1 if cut else 0)
        assert sentence in {ev["sentence"] for ev in quoted[e["from"], e["to"]]}


@pytest.mark.parametrize("text, pointed", [
    ("Uses 𝔼[x] of the Alpha Net, then more.", False),  # JavaScript counts 𝔼 as two: the sentence is sent
    ("Uses the Alpha Net 😀 then more.", False),
    ("Many words. " * 2000 + "Uses the Alpha Net.", True),  # a long text, cut into its sentences once
])
def test_an_edge_quotes_its_sentence_by_place_only_where_javascript_finds_the_same(write, text, pointed):
    kg = mlkg.load(write(sheet(entry("1.1.1", "Alpha Net", "alpha"), entry("1.1.2", "Beta Method", "beta", full=text))),
                   curation=[])
    nodes, edges = viz.map_data(kg)
    (edge,) = [e for e in edges if e["kind"] != "parent"]
    if not pointed:
        assert edge["sentence"] == text and "at" not in edge
    else:
        side, start, length = edge["at"]
        full = {n["id"]: n for n in nodes}[edge["to"] if side else edge["from"]]["full"]
        assert full[start:start + length] == "Uses the Alpha Net."


def test_script_data_cannot_break_out_and_reads_back_unchanged():
    text = viz.script_json({"t": HOSTILE + " & > </SCRIPT"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(str(text)) == {"t": HOSTILE + " & > </SCRIPT"}


def test_written_map_is_the_page_map_html_returns(write, tmp_path):
    """write_map streams the JSON payloads into the page; hostile and non-ASCII text must come out the same."""
    text = HOSTILE + " & > \u2028 \u2029 μ-law 中文 "
    kg = mlkg.load(write(sheet(entry("1.1.1", "Alpha (ALP)", full=text + "Uses Beta.", simple=text),
                               entry("1.1.2", "Beta", full=text + "Alpha (ALP) & more."))), curation=[])
    written = viz.write_map(kg, tmp_path / "map.html").read_bytes()
    assert written == viz.map_html(kg).encode("utf-8")
    nodes = {n["id"]: n for n in _script_data(written.decode("utf-8"), "nodes")}
    assert nodes["alpha"]["full"].startswith(text)


@pytest.mark.shared
def test_layout_is_deterministic_and_keeps_subsections_together(shared_kg):
    pos = viz.layout(shared_kg)
    assert pos == viz.layout(shared_kg)
    assert len(set(pos.values())) == len(pos) == shared_kg.graph.number_of_nodes()
    g = shared_kg.graph
    for cid in shared_kg.concepts():
        hub = g.nodes[cid]["subsection"]
        own = (pos[cid][0] - pos[hub][0]) ** 2 + (pos[cid][1] - pos[hub][1]) ** 2
        others = [(pos[cid][0] - pos[h][0]) ** 2 + (pos[cid][1] - pos[h][1]) ** 2
                  for h, d in g.nodes(data=True) if d["kind"] == "subsection" and h != hub]
        assert own < min(others), cid


@pytest.mark.shared
def test_physics_only_for_small_maps(seed_kg, shared_kg):
    assert _script_data(viz.map_html(seed_kg), "options")["physics"]["enabled"] is True
    assert shared_kg.graph.number_of_nodes() >= viz.LARGE
    assert _script_data(viz.map_html(shared_kg), "options")["physics"]["enabled"] is False
    assert _script_data(viz.map_html(seed_kg, physics=False), "options")["physics"]["enabled"] is False


def test_cli_map_writes_only_the_map(cli, tmp_path):
    out = tmp_path / "m" / "concepts.html"
    out.parent.mkdir()  # -o makes no folders (see test_cli's -o tests)
    code, stdout, err = cli("map", "-o", out)
    assert code == 0, err
    assert out.is_file() and list(out.parent.iterdir()) == [out]
    assert f"open the map:  {out.resolve().as_uri()}" in stdout


def test_build_writes_map_and_prints_its_uri(cli, tmp_path):
    code, stdout, err = cli("build", "--out", tmp_path / "o")
    assert code == 0, err
    page = tmp_path / "o" / "map.html"
    assert page.is_file() and f"open the map:  {page.absolute().as_uri()}" in stdout
    code, _, _ = cli("build", "--out", tmp_path / "p", "--no-map")
    assert code == 0 and not (tmp_path / "p" / "map.html").exists()


# ---- in the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(tmp_path_factory, seed_kg):
    """The seed map twice: settled by physics (vis draws the edges) and in the outline layout (the page does)."""
    folder = tmp_path_factory.mktemp("map")
    return {
        "physics": viz.write_map(seed_kg, folder / "physics.html"),
        "outline": viz.write_map(seed_kg, folder / "outline.html", physics=False),
    }


def _clean(view):
    assert view.blocked == [], view.blocked
    assert view.errors == [], view.errors
    assert view.dialogs == [], view.dialogs


@pytest.mark.browser
@pytest.mark.parametrize("layout", ["physics", "outline"])
def test_loads_offline_with_every_node_and_no_errors(context, pages, seed_kg, layout):  # noqa: F811
    view = open_map(context, pages[layout])
    counts = view.js("""() => ({
        nodes: nodes.length,
        concepts: nodes.get({filter: n => n.kind === "concept"}).length,
        drawn: Object.keys(network.getPositions()).length,
        kinds: [...new Set(edges.get().map(e => e.kind))].sort(),
        edges: edges.length,
    })""")
    assert counts["nodes"] == counts["drawn"] == seed_kg.graph.number_of_nodes()
    assert counts["concepts"] == len(seed_kg) == 20
    shown = ["parent", "related", "requires"] if layout == "physics" else ["related", "requires"]
    assert counts["kinds"] == shown
    assert counts["edges"] == len(seed_kg.edges(shown))
    assert view.js("document.querySelectorAll('#legend-sections .node-link').length") == 1
    _clean(view)


@pytest.mark.browser
def test_search_by_acronym_selects_focuses_and_zooms(context, pages):  # noqa: F811
    view = open_map(context, pages["physics"])
    box = view.page.locator("#search-input")
    box.fill("vae")
    options = view.page.locator("#search-results [role=option]")
    assert options.first.get_attribute("data-id") == "vae"
    assert "Variational Autoencoder" in options.first.inner_text()
    box.fill("denoising diff")
    assert options.first.get_attribute("data-id") == "ddpm"
    box.press("Enter")
    assert view.js("mlkg.state().selected") == "ddpm"
    assert view.js(SELECTED) == ["ddpm"]
    assert view.page.locator("#panel-title").inner_text() == "DDPM (Denoising Diffusion Probabilistic Model)"
    view.until("""() => {
        const v = mlkg.toVis("ddpm"), p = network.canvasToDOM(network.getPositions([v])[v]);
        const map = document.getElementById("mynetwork");
        return network.getScale() >= 1 && Math.hypot(p.x - map.clientWidth / 2, p.y - map.clientHeight / 2) < 30;
    }""")
    assert box.input_value() == "DDPM"  # what it found, while that stays selected
    view.js("mlkg.select('vae')")
    assert box.input_value() == ""  # another selection: the box no longer names what is shown
    box.fill("vae")
    box.press("Enter")
    view.page.locator("#mynetwork").click()  # focus away from the box, then Escape deselects
    view.page.keyboard.press("Escape")
    assert view.js("mlkg.state().selected") is None and box.input_value() == ""
    _clean(view)


@pytest.mark.browser
def test_the_panel_quotes_every_sentence_as_mined_even_where_the_page_points_into_its_text(context, write,  # noqa: F811
                                                                                            tmp_path):
    """A title, a cut long sentence and a plain one, all sent as places in the page's own text."""
    long = "Plain words. " + "It is fine " * 70 + "and it builds on the Alpha Net, " + "then more " * 60 + "done."
    kg = mlkg.load(write(sheet(entry("1.1.1", "Alpha Net", "alpha"), entry("1.1.2", "Deep Alpha Net", "deep"),
                               entry("1.1.3", "Gamma Rule", "gamma", full=long),
                               entry("1.1.4", "Delta Rule", "delta", full="It is built on the Alpha Net."))),
                   curation=[])
    _, edges = viz.map_data(kg)
    assert all("at" in e for e in edges if e["kind"] != "parent")
    expected = {e["source"]: e["evidence"][0]["sentence"] for e in kg.in_edges("alpha")}
    assert expected["deep"] == "Deep Alpha Net" and expected["gamma"].startswith("…")
    assert expected["delta"] == "It is built on the Alpha Net."
    path = viz.write_map(kg, tmp_path / "map.html")
    view = open_map(context, path)
    view.click_node("alpha")
    view.until("mlkg.state().selected === 'alpha'")
    shown = view.page.locator("#panel .dependents li").evaluate_all(
        "items => items.map(li => [li.querySelector('a').dataset.id, li.querySelector('.evidence span').textContent])")
    assert {cid: text[1:-1] for cid, text in shown} == expected


@pytest.mark.browser
@pytest.mark.parametrize("layout", ["physics", "outline"])
def test_clicking_a_node_opens_its_details(context, pages, seed_kg, layout):  # noqa: F811
    view = open_map(context, pages[layout])
    view.click_node("vae")
    view.until("mlkg.state().selected === 'vae'")
    panel = view.page.locator("#panel")
    assert panel.locator("h2").inner_text() == "Variational Autoencoder (VAE)"
    assert panel.locator(".crumbs").inner_text() == "13 GENERATIVE MODELS › 13.1 Autoencoders"
    vae = seed_kg.entries["vae"]
    assert panel.locator(".simple .text").text_content() == vae["simple"]
    assert panel.locator(".full .text").text_content() == vae["full"]
    assert panel.locator("pre.example").text_content() == example_plain(vae["example"])
    prereq = panel.locator(".prereqs li").first
    assert prereq.locator("a").get_attribute("data-id") == "autoencoder"
    assert "VAE adds probabilistic structure to autoencoders." in prereq.locator(".evidence").inner_text()
    needed_by = panel.locator(".dependents a").evaluate_all("links => links.map(a => a.dataset.id)")
    assert needed_by == [e["source"] for e in seed_kg.in_edges("vae", "requires")]
    assert panel.locator(".dependents .evidence").count() == len(needed_by)
    grown = ["vae", "autoencoder", "gan"]  # concepts grow with their dependents: 1, 2 and 5 of them
    sizes = view.js("ids => ids.map(id => network.body.data.nodes.get(mlkg.toVis(id)).size)", grown)
    assert sizes == [min(40, 9 + 5 * len(seed_kg.in_edges(c, "requires")) ** 0.5) for c in grown]
    prereq.locator("a").click()
    assert view.js("mlkg.state().selected") == "autoencoder"
    assert panel.locator("h2").inner_text() == "Autoencoder"
    view.page.locator("#panel .close").click()
    assert view.js("mlkg.state().selected") is None and panel.is_hidden()
    _clean(view)


@pytest.mark.browser
@pytest.mark.parametrize("layout", ["physics", "outline"])
def test_edge_kind_filters(context, pages, seed_kg, layout):  # noqa: F811
    view = open_map(context, pages[layout])
    kinds = "() => [...new Set(edges.get().map(e => e.kind))].sort()"
    view.page.locator("#edge-filters input[data-kind=related]").uncheck()
    assert "related" not in view.js(kinds)
    assert "edges=" in view.js("location.hash")
    view.page.locator("#edge-filters input[data-kind=parent]").check()
    view.page.locator("#edge-filters input[data-kind=requires]").uncheck()
    assert view.js(kinds) == ["parent"]
    assert view.js("edges.length") == len(seed_kg.edges("parent"))
    view.page.locator("#edge-filters input[data-kind=related]").check()
    view.page.locator("#edge-filters input[data-kind=requires]").check()
    assert view.js(kinds) == ["parent", "related", "requires"]
    assert view.js("edges.length") == seed_kg.graph.number_of_edges()
    _clean(view)


# ---- on a phone (390x844) and on a desktop (1280x800) -------------------------------------------------------

LONG_TITLE = "Concept map · 38 sections, 558 concepts"  # the whole corpus's heading
BOX = """(sel) => { const b = document.querySelector(sel).getBoundingClientRect();
                      return {x: b.x, y: b.y, w: b.width, h: b.height}; }"""


@pytest.fixture(scope="module")
def long_title_page(tmp_path_factory, seed_kg):
    return viz.write_map(seed_kg, tmp_path_factory.mktemp("phone") / "map.html", title=LONG_TITLE)


@pytest.mark.browser
def test_on_a_phone_the_search_box_takes_the_bar_and_its_results_and_the_heading_read_whole(phone, long_title_page):  # noqa: F811
    view = open_map(phone, long_title_page)
    box = view.js(BOX, "#search-input")
    assert box["w"] >= 200 and box["x"] + box["w"] <= 390, box
    heading = view.page.locator("#heading")
    assert heading.text_content() == LONG_TITLE
    assert heading.evaluate("h => h.scrollWidth <= h.clientWidth && h.scrollHeight <= h.clientHeight + 1"), \
        view.js(BOX, "#heading")  # wrapped, not cut
    assert view.js(BOX, "#heading")["w"] >= 150
    view.page.locator("#search-input").fill("variational autoencoder")
    results = view.js(BOX, "#search-results")
    assert results["w"] >= box["w"] and results["x"] >= 0 and results["x"] + results["w"] <= 390, results
    first = view.page.locator("#search-results [role=option]").first
    assert first.get_attribute("data-id") == "vae"
    name = first.locator(".name")
    assert name.inner_text() == "Variational Autoencoder" and name.is_visible()
    size = name.evaluate("n => ({w: n.getBoundingClientRect().width, h: n.getBoundingClientRect().height, "
                         "line: parseFloat(getComputedStyle(n).lineHeight)})")
    assert size["w"] >= 150 and size["h"] <= 1.5 * size["line"], size  # on one line, not a letter a line
    first.tap()
    assert view.js("mlkg.state().selected") == "vae"
    panel = view.js(BOX, "#panel")
    assert panel["w"] >= 380 and view.page.locator("#panel-title").is_visible(), panel  # the details, full width
    _clean(view)


@pytest.mark.browser
def test_on_a_phone_the_sidebar_opens_from_its_menu_button_and_closes_again(phone, long_title_page):  # noqa: F811
    view = open_map(phone, long_title_page)
    menu, sidebar = view.page.locator("#sidebar-toggle"), view.page.locator("#sidebar")
    assert menu.is_visible() and menu.inner_text().strip() == "Menu" and sidebar.is_hidden()
    assert menu.get_attribute("aria-expanded") == "false" and menu.get_attribute("aria-controls") == "sidebar"
    # by the keyboard: Tab reaches the button first, Enter opens, focus moves into the sidebar, Escape closes
    view.page.keyboard.press("Tab")
    assert view.js("document.activeElement.id") == "sidebar-toggle"
    view.page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true" and sidebar.is_visible()
    assert view.js("document.getElementById('sidebar').contains(document.activeElement)")
    view.page.keyboard.press("Tab")
    assert view.js("document.getElementById('sidebar').contains(document.activeElement)")
    view.page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false" and sidebar.is_hidden()
    assert view.js("document.activeElement.id") == "sidebar-toggle"
    view.page.keyboard.press("Space")
    assert menu.get_attribute("aria-expanded") == "true" and sidebar.is_visible()
    menu.tap()
    assert menu.get_attribute("aria-expanded") == "false" and sidebar.is_hidden()
    # by touch: everything in it is on screen and works
    menu.tap()
    assert menu.get_attribute("aria-expanded") == "true"
    drawer = view.js(BOX, "#sidebar")
    assert drawer["x"] >= 0 and 250 <= drawer["w"] <= 390 and drawer["h"] >= 600, drawer
    for part in ("#ready li", "#edge-filters input[data-kind=related]", "#legend-sections .node-link"):
        assert view.page.locator(part).first.is_visible(), part
    view.page.locator("#ready li a").first.tap()
    first_ready = view.js("mlkg.readyToLearn()[0].id")
    assert view.js("mlkg.state().selected") == first_ready  # picked: the drawer gives way to the concept
    assert sidebar.is_hidden() and menu.get_attribute("aria-expanded") == "false"
    menu.tap()
    view.page.locator("#edge-filters input[data-kind=related]").tap()
    assert "related" not in view.js("mlkg.state().kinds") and sidebar.is_visible()  # filters leave it open
    view.page.locator("#edge-filters input[data-kind=related]").tap()
    section = view.page.locator("#legend-sections .node-link").first
    section.scroll_into_view_if_needed()
    at = section.bounding_box()
    assert at["x"] >= 0 and at["x"] + at["width"] <= 390 and at["y"] >= 0 and at["y"] + at["height"] <= 844, at
    section.tap()
    assert view.js("mlkg.state().selected") == "sec:13"
    assert sidebar.is_hidden() and menu.get_attribute("aria-expanded") == "false"
    assert view.page.locator("#panel-title").inner_text() == "GENERATIVE MODELS"
    # tapping the map beside the open drawer closes it and leaves the selection alone
    menu.tap()
    view.page.touchscreen.tap(375, 500)
    assert sidebar.is_hidden() and menu.get_attribute("aria-expanded") == "false"
    assert view.js("mlkg.state().selected") == "sec:13"
    _clean(view)


@pytest.mark.browser
def test_on_a_desktop_the_sidebar_is_there_without_the_menu_button(context, long_title_page):  # noqa: F811
    view = open_map(context, long_title_page)
    assert view.page.locator("#sidebar-toggle").count() == 1 and view.page.locator("#sidebar-toggle").is_hidden()
    side = view.js(BOX, "#sidebar")
    assert side["x"] == 0 and side["w"] == 270 and side["y"] == view.js(BOX, "#main")["y"] and side["h"] > 740, side
    assert view.js(BOX, "#search-input")["w"] == 520 and view.js(BOX, "#heading")["h"] < 30  # one line
    view.page.locator("#legend-sections .node-link").first.click()
    assert view.js("mlkg.state().selected") == "sec:13" and view.page.locator("#sidebar").is_visible()
    # opened on a narrow window, the drawer closes when the window grows, and the sidebar stays
    view.page.set_viewport_size({"width": 390, "height": 800})
    view.page.locator("#sidebar-toggle").click()
    assert view.page.locator("#sidebar-toggle").get_attribute("aria-expanded") == "true"
    view.page.set_viewport_size({"width": 1280, "height": 800})
    view.until("document.getElementById('sidebar-toggle').getAttribute('aria-expanded') === 'false'")
    assert view.page.locator("#sidebar").is_visible() and view.js(BOX, "#sidebar")["w"] == 270
    view.page.set_viewport_size({"width": 390, "height": 800})
    assert view.page.locator("#sidebar").is_hidden()
    _clean(view)


def test_on_a_tablet_the_sidebar_is_a_drawer_beside_the_details(context, long_title_page):  # noqa: F811
    """At 820 px the sidebar and the details panel had left the map 180 px."""
    view = open_map(context, long_title_page)
    view.page.locator("#legend-sections .node-link").first.click()  # at 1280, where the sidebar is there
    view.page.set_viewport_size({"width": 820, "height": 1024})
    view.until("document.getElementById('sidebar').offsetParent === null")
    assert view.page.locator("#sidebar-toggle").is_visible() and view.page.locator("#panel").is_visible()
    assert view.js(BOX, "#stage")["w"] >= 400, view.js(BOX, "#stage")
    assert view.js(BOX, "#search-input")["y"] == view.js(BOX, "#heading")["y"] or view.js(BOX, "#bar")["h"] < 70
    view.page.locator("#sidebar-toggle").click()
    assert view.page.locator("#sidebar").is_visible()
    assert view.page.locator("#sidebar-toggle").get_attribute("aria-expanded") == "true"
    view.page.keyboard.press("Escape")
    assert view.page.locator("#sidebar").is_hidden()
    _clean(view)


def test_search_results_are_drawn_over_an_open_details_panel(context, long_title_page):  # noqa: F811
    """The panel had covered the right end of the results, hiding their section numbers."""
    view = open_map(context, long_title_page)
    view.page.locator("#legend-sections .node-link").first.click()
    assert view.page.locator("#panel").is_visible()
    view.page.fill("#search-input", "a")
    box = view.js(BOX, "#search-results")
    panel = view.js(BOX, "#panel")
    assert box["x"] + box["w"] > panel["x"], (box, panel)  # the two overlap: which is on top is the question
    on_top = view.page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('#search-results') !== null",
                                [box["x"] + box["w"] - 8, box["y"] + 16])
    assert on_top
    _clean(view)


LOCAL_IDS = "() => { const v = mlkg.view(); return v.local ? [...v.ids].sort() : null; }"
VIEW = "() => ({scale: network.getScale(), at: network.getViewPosition()})"


@pytest.mark.browser
def test_local_view_shows_n_hops_around_the_selection_laid_out_on_its_own(context, pages, seed_kg):  # noqa: F811
    view = open_map(context, pages["physics"])
    cross = nx.Graph((e["source"], e["target"]) for e in seed_kg.edges(("requires", "related")))
    view.js("mlkg.select('vae', {focus: false})")
    whole = view.js(VIEW)
    positions = view.js("network.getPositions()")
    for hops in (1, 2):
        view.page.locator("#hops").select_option(str(hops))
        expected = sorted(nx.single_source_shortest_path_length(cross, "vae", cutoff=hops))
        assert view.js(LOCAL_IDS) == expected
        assert view.js("location.hash") == f"#vae&hops={hops}"
        fit = view.local_fit()
        assert fit["outside"] == [] and fit["under_bar"] == [] and fit["font_px"] >= 12
    # its own layout: every prerequisite on a level above the concept that needs it, every edge among them drawn
    levels = view.js("mlkg.view().levels")
    inside = [e for e in seed_kg.edges(("requires", "related")) if {e["source"], e["target"]} <= set(expected)]
    assert all(levels[e["target"]] < levels[e["source"]] for e in inside if e["kind"] == "requires")
    drawn = view.js("() => mlkg.view().edges.getIds().sort()")
    assert drawn == sorted(f"{e['kind']}|{e['source']}|{e['target']}" for e in inside)
    assert view.js(SELECTED) == ["vae"]
    # concepts reached by a related edge only sit on the level of the concept they were reached from
    assert levels["normalizing-flow"] == levels["vae"]
    # clicking a concept in the local view moves the view to it
    point = view.js("""(id) => {
        const v = mlkg.view(), at = v.network.getPositions([mlkg.toVis(id)]);
        const p = v.network.canvasToDOM(at[mlkg.toVis(id)]);
        const box = document.getElementById("localnetwork").getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y}; }""", "autoencoder")
    view.page.mouse.click(point["x"], point["y"])
    view.until("mlkg.state().selected === 'autoencoder'")
    assert "autoencoder" in view.js(LOCAL_IDS) and view.js("location.hash") == "#autoencoder&hops=2"
    view.page.locator("#edge-filters input[data-kind=related]").uncheck()
    requires_only = nx.Graph((e["source"], e["target"]) for e in seed_kg.edges("requires"))
    assert view.js(LOCAL_IDS) == sorted(nx.single_source_shortest_path_length(requires_only, "autoencoder", cutoff=2))
    view.page.locator("#edge-filters input[data-kind=related]").check()
    # leaving it shows the whole map exactly as it was
    view.page.locator("#local-close").click()
    assert view.js(LOCAL_IDS) is None and view.js("mlkg.state().hops") == 0
    assert view.page.locator("#localmap").is_hidden()
    assert view.js(VIEW) == whole and view.js("network.getPositions()") == positions
    assert view.js("() => nodes.get({filter: n => !n.hidden}).length") == seed_kg.graph.number_of_nodes()
    view.js("mlkg.setHops(1)")
    assert view.js(LOCAL_IDS) is not None
    view.page.keyboard.press("Escape")
    assert view.js(LOCAL_IDS) is None and view.js("mlkg.state().selected") == "autoencoder"
    _clean(view)


def local_budget() -> int:
    """The most concepts a local view shows unless asked for all (LOCAL_BUDGET in the page's script)."""
    script = (Path(viz.__file__).parent / "templates" / "map.js").read_text(encoding="utf-8")
    return int(re.search(r"var LOCAL_BUDGET = (\d+);", script).group(1))


NAMES = [c + v + m + "ex" for c in "bdfgklmnprstvz" for v in "aiou" for m in "lmnrst"]  # made-up, one word each


def _hub(write, dependents: int, strong: int, weak: int):
    """A corpus around Gradient: one prerequisite (Derivative), ``dependents`` concepts built on it, ``strong``
    related by contrast ("Unlike the gradient", confidence 0.9), ``weak`` related in passing (0.55)."""
    names = iter(NAMES)
    groups = {"1.2": [], "1.3": [], "1.4": []}
    entries = [entry("1.1.1", "Gradient", "gradient", full="The gradient is built on the derivative."),
               entry("1.1.2", "Derivative", "derivative", full="A rate of change.")]
    for sub, count, text in (("1.2", dependents, "{} is built on the gradient."),
                             ("1.3", strong, "Unlike the gradient, {} needs no care."),
                             ("1.4", weak, "It is a thing. It sometimes appears next to the gradient.")):
        for i in range(1, count + 1):
            name = next(names)
            groups[sub].append(name)
            entries.append(entry(f"{sub}.{i}", name.title(), name, full=text.format(name.title())))
    subsections = {"1.1": "Core", "1.2": "Uses", "1.3": "Contrasts", "1.4": "Asides"}
    kg = mlkg.load(write(sheet(*entries, subsections=subsections)), curation=[])
    return kg, groups


@pytest.mark.browser
def test_a_hubs_local_view_keeps_its_requires_neighbours_and_strongest_related_within_the_budget(
        context, write, tmp_path):  # noqa: F811
    """Gradient has 57 neighbours; its 1-hop view shows the budget's worth: itself, its prerequisite, all 10
    concepts built on it, then related ones by confidence (contrasts before mentions in passing), and says how
    many it left out and how to see them; "Show N more" (or &all) shows all, "Show fewer" the budget again."""
    budget = local_budget()
    kg, groups = _hub(write, dependents=10, strong=25, weak=20)
    by_rule = {(e["source"], e["rule"]) for e in kg.edges(("requires", "related")) if e["target"] == "gradient"}
    assert {r for _, r in by_rule} == {"cue-uses", "cue-contrast", "in-passing"}
    assert {s for s, r in by_rule if r == "cue-contrast"} == set(groups["1.3"])
    assert {s for s, r in by_rule if r == "in-passing"} == set(groups["1.4"])
    total = 2 + 10 + 25 + 20
    assert 12 < budget < total - 20  # the strong related ones fill what the requires neighbours leave
    page = viz.write_map(kg, tmp_path / "map.html")
    view = open_map(context, page, "gradient&hops=1")
    fit = view.local_fit()
    shown = set(fit["ids"])
    assert len(shown) == budget
    assert {"gradient", "derivative", *groups["1.2"]} <= shown
    assert shown - {"gradient", "derivative", *groups["1.2"]} <= set(groups["1.3"])
    assert fit["title"] == f"1 hop around Gradient · {budget} of {total} concepts"
    more = view.page.locator("#local-all")
    assert more.is_visible() and more.text_content() == f"Show {total - budget} more"
    assert fit["outside"] == [] and fit["under_bar"] == [] and fit["font_px"] >= 12, fit
    # all of them: the button, or the address
    more.click()
    fit = view.local_fit()
    assert len(fit["ids"]) == total and fit["title"] == f"1 hop around Gradient · {total} concepts"
    assert view.js("location.hash") == "#gradient&hops=1&all" and view.js("mlkg.state().all") is True
    assert more.text_content() == "Show fewer"
    assert fit["under_bar"] == [] and fit["font_px"] >= 12, fit
    more.click()
    assert len(view.local_fit()["ids"]) == budget and view.js("location.hash") == "#gradient&hops=1"
    again = open_map(context, page, "gradient&hops=1&all")
    assert len(again.local_fit()["ids"]) == total
    # one more hop is another neighbourhood: "all" of the last one drew 276 concepts at once at 10k
    again.js("mlkg.setHops(2)")
    assert again.js("mlkg.state().all") is False and again.js("location.hash") == "#gradient&hops=2"
    again.js("mlkg.setHops(2)")  # the same hops again keeps what was chosen
    again.js("mlkg.setShowAll(true)")
    again.js("mlkg.setHops(2)")
    assert again.js("mlkg.state().all") is True
    again.page.locator("#local-close").click()
    assert again.js("location.hash") == "#gradient" and again.js("mlkg.state().all") is False
    _clean(view)
    _clean(again)


@pytest.mark.browser
def test_a_neighbourhood_within_the_budget_is_shown_whole_without_the_button(context, write, tmp_path):  # noqa: F811
    budget = local_budget()
    kg, _ = _hub(write, dependents=4, strong=budget - 7, weak=1)  # 2 + 4 + (budget - 7) + 1 concepts
    view = open_map(context, viz.write_map(kg, tmp_path / "map.html"), "gradient&hops=1")
    fit = view.local_fit()
    assert len(fit["ids"]) == budget and fit["title"] == f"1 hop around Gradient · {budget} concepts"
    assert view.page.locator("#local-all").is_hidden()
    assert fit["outside"] == [] and fit["under_bar"] == [] and fit["font_px"] >= 12, fit
    _clean(view)


CHAIN = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo"]


@pytest.mark.browser
def test_a_tall_local_view_is_fitted_below_its_overlay(context, write, tmp_path):  # noqa: F811
    """A chain of prerequisites nine levels tall fills the view's height: its top row, the selection's farthest
    prerequisites, is drawn wholly below the title ("4 hops around …") and the "Whole map" button."""
    entries = [entry(f"1.1.{i}", f"{name} Method", name.lower(),
                     full=f"{name} Method is built on the {CHAIN[i - 2].lower()} method." if i > 1 else "A base.")
               for i, name in enumerate(CHAIN, 1)]
    kg = mlkg.load(write(sheet(*entries)), curation=[])
    assert {(e["source"], e["target"]) for e in kg.edges("requires")} == {
        (a.lower(), b.lower()) for b, a in itertools.pairwise(CHAIN)}
    view = open_map(context, viz.write_map(kg, tmp_path / "map.html"), "foxtrot&hops=4")
    fit = view.local_fit()
    assert sorted(fit["ids"]) == sorted(n.lower() for n in CHAIN[1:10])
    assert fit["title"].startswith("4 hops around Foxtrot Method")
    assert fit["outside"] == [] and fit["font_px"] >= 12, fit
    assert fit["under_bar"] == [], fit  # "bravo", the farthest prerequisite, sat under the title
    _clean(view)


PHONES = {"portrait": (390, 844), "small": (360, 640), "large": (414, 896), "on its side": (844, 390)}


def _crowded(write, related: int = 21):
    """Target Method, built on Alpha Base and Beta Base, and ``related`` concepts contrasted with it ("Unlike the
    target method", two-line labels), which the local view lays out beside it: on a phone its level wraps onto
    rows, with Target Method in the middle of them, far below its prerequisites."""
    names = iter(NAMES)
    entries = [entry("1.1.1", "Alpha Base", "alpha"), entry("1.1.2", "Beta Base", "beta"),
               entry("1.1.3", "Target Method", "target", full="It is built on the alpha base and the beta base.")]
    for i in range(1, related + 1):
        name = next(names)
        entries.append(entry(f"1.2.{i}", f"{name.title()} Sampling Variant", name,
                             full=f"Unlike the target method, {name.title()} needs no care."))
    return mlkg.load(write(sheet(*entries, subsections={"1.1": "Core", "1.2": "Contrasts"})), curation=[])


@pytest.mark.browser
@pytest.mark.parametrize("size", PHONES.values(), ids=PHONES.keys())
def test_on_a_phone_the_local_view_shows_the_selection_under_its_prerequisites(browser, write, tmp_path, size):  # noqa: F811
    """On a phone the details sheet takes the lower half of the screen and leaves the local view too little room
    for all of it: the view shows the selection with its prerequisites above it, wholly in the room left, below
    the overlay, at a legible zoom.  It had kept the rows laid out for the whole level, Target Method among the
    related concepts' middle rows, and both of its prerequisites were off screen above the map."""
    kg = _crowded(write)
    assert sorted(e["target"] for e in kg.out_edges("target", "requires")) == ["alpha", "beta"]
    page = viz.write_map(kg, tmp_path / "map.html")
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, is_mobile=True, has_touch=True,
                              service_workers="block")
    ctx.set_default_timeout(READY_TIMEOUT_MS)
    try:
        view = open_map(ctx, page, "target&hops=1")
        assert view.page.locator("#panel-title").inner_text() == "Target Method"  # the details sheet is open
        fit = view.local_fit()
        assert len(fit["ids"]) == 24 and fit["outside"], fit  # more than the room holds at a legible zoom
        assert fit["font_px"] >= 12, fit
        assert view.out_of_sight(["target", "alpha", "beta"]) == {}
        _clean(view)
    finally:
        ctx.close()


@pytest.mark.browser
@pytest.mark.shared
def test_on_a_phone_the_local_view_shows_the_selection_under_its_prerequisites_on_the_shared_corpus(
        phone, shared, tmp_path):  # noqa: F811
    """The review's cases, on the shared cheatsheets with tests/fresh at 390x844: VAE's prerequisites (Autoencoder,
    Probability Distribution), LLM's (Transformer, Language Model and three more) and Transformer's (Attention
    among them) were off screen above the map or under its overlay."""
    kg = mlkg.load(shared, Path(__file__).parent / "fresh")
    page = viz.write_map(kg, tmp_path / "map.html")
    for cid in ("vae", "llm", "transformer"):
        needs = [e["target"] for e in kg.out_edges(cid, "requires")]
        view = open_map(phone, page, f"{cid}&hops=1")
        fit = view.local_fit()
        assert len(needs) >= 2 and set(needs) <= set(fit["ids"]) and fit["font_px"] >= 12, (cid, needs, fit)
        assert view.out_of_sight([cid, *needs]) == {}, cid
        _clean(view)
        view.page.close()


@pytest.mark.browser
def test_a_selected_label_in_the_local_view_is_never_broken_inside_a_word(context, write, tmp_path):  # noqa: F811
    """vis draws the selection's label bold, wider than its plain width: one long word must still fit a line."""
    kg = mlkg.load(write(sheet(entry("1.1.1", "Backpropagation", "backprop"),
                               entry("1.1.2", "Alpha Net", "alpha", full="It is trained by backpropagation."))),
                   curation=[])
    view = open_map(context, viz.write_map(kg, tmp_path / "map.html"), "backprop&hops=1")
    assert view.js("mlkg.state().selected") == "backprop"
    lines = view.js("""() => mlkg.view().network.body.nodes[mlkg.toVis("backprop")].labelModule.lines
                         .map(l => l.blocks.map(b => b.text).join(""))""")
    assert [x.strip() for x in lines] == ["Backpropagation"]
    _clean(view)


def _largest_fitting(kg, hops=1, most=None):
    """The concept with the largest neighbourhood of at most ``most`` concepts (the local view's budget: it
    shows them all), and one of median size."""
    most = most or local_budget()
    cross = nx.Graph((e["source"], e["target"]) for e in kg.edges(("requires", "related")))
    size = {c: len(nx.single_source_shortest_path_length(cross, c, cutoff=hops)) if c in cross else 1
            for c in kg.concepts()}
    ranked = sorted(kg.concepts(), key=lambda c: (size[c], c))
    return max((c for c in ranked if size[c] <= most), key=lambda c: size[c]), ranked[len(ranked) // 2], size


@pytest.mark.browser
@pytest.mark.shared
def test_local_view_is_legible_on_the_shared_corpus(context, shared_kg, tmp_path):  # noqa: F811
    """The largest 1-hop neighbourhood within the budget, a typical one and the largest of all (shown to the
    budget), each opened from the address, fit below the overlay with legible labels."""
    page = viz.write_map(shared_kg, tmp_path / "map.html")
    big, typical, size = _largest_fitting(shared_kg)
    largest = max(shared_kg.concepts(), key=lambda c: (size[c], c))
    for cid in ("vae", big, typical, largest):
        view = open_map(context, page, f"{cid}&hops=1")
        fit = view.local_fit()
        assert len(fit["ids"]) == min(size[cid], local_budget()) and cid in fit["ids"], cid
        assert view.js("mlkg.view().total") == size[cid]
        assert fit["outside"] == [] and fit["under_bar"] == [], (cid, fit)
        assert fit["font_px"] >= 12, (cid, fit)
        _clean(view)
        view.page.close()


@pytest.fixture(scope="module")
def large_map(tmp_path_factory):
    """A 2,500-concept synthetic corpus: a large map (outline layout, lazy labels, rings instead of dimming)."""
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path_factory.mktemp("large")
    synth = Path(__file__).resolve().parents[1] / "benchmarks" / "synth.py"
    subprocess.run([sys.executable, str(synth), "2500", str(folder / "corpus"), "--clean"], check=True,
                   capture_output=True)
    kg = mlkg.load(folder / "corpus", curation=[])
    return kg, viz.write_map(kg, folder / "map.html")


@pytest.mark.browser
def test_local_view_is_legible_on_a_large_map(context, large_map):  # noqa: F811
    kg, page = large_map
    big, typical, size = _largest_fitting(kg)
    view = open_map(context, page, f"{big}&hops=1")
    whole = view.js(VIEW)
    for cid in (big, typical):
        if cid != big:
            view.js("(id) => mlkg.select(id)", cid)
        fit = view.local_fit()
        assert len(fit["ids"]) == size[cid] and fit["outside"] == [] and fit["font_px"] >= 12, (cid, fit)
    view.js("mlkg.setHops(0)")
    assert view.js(VIEW) == whole
    _clean(view)


@pytest.mark.browser
@pytest.mark.parametrize("layout", ["physics", "outline"])
def test_learning_path_is_laid_out_on_its_own_in_learning_order(context, pages, seed_kg, layout):  # noqa: F811
    view = open_map(context, pages[layout])
    view.js("mlkg.select('stable-diffusion', {focus: false})")
    whole = view.js(VIEW)
    view.page.locator("#learning-path").click()
    expected = _learning_order(seed_kg, "stable-diffusion")
    assert expected == ["autoencoder", "vae", "denoising-autoencoder", "diffusion-model", "stable-diffusion"]
    assert view.js("mlkg.path()") == expected
    steps = view.page.locator("#learning ol a").evaluate_all("links => links.map(a => a.dataset.id)")
    assert steps == expected
    assert view.js(LOCAL_IDS) == sorted(expected)
    labels = view.js("(ids) => ids.map(id => mlkg.view().nodes.get(mlkg.toVis(id)).label)", expected)
    assert labels == [f"{i}. {seed_kg.graph.nodes[c]['label']}" for i, c in enumerate(expected, 1)]
    fit = view.local_fit()
    assert fit["outside"] == [] and fit["font_px"] >= 12
    # levels top to bottom, each level left to right, read in learning order
    at = view.js("""(ids) => { const at = mlkg.view().network.getPositions(ids.map(mlkg.toVis));
                                  return Object.fromEntries(ids.map(id => [id, at[mlkg.toVis(id)]])); }""", expected)
    levels = view.js("mlkg.view().levels")
    assert sorted(expected, key=lambda c: (levels[c], at[c]["x"])) == expected
    on_path = view.js("""() => mlkg.view().edges.get({filter: e => e.width > 3})
                                .map(e => [mlkg.fromVis(e.from), mlkg.fromVis(e.to)]).sort()""")
    assert on_path == sorted([e["source"], e["target"]] for e in seed_kg.edges("requires")
                             if {e["source"], e["target"]} <= set(expected))
    assert view.js("location.hash") == "#stable-diffusion&path"
    view.page.locator("#learning ol a[data-id=vae]").click()
    assert view.js("mlkg.state()")["path"] == "stable-diffusion"
    assert view.js("location.hash") == "#vae&path=stable-diffusion"
    assert view.js(SELECTED) == ["vae"]
    view.page.keyboard.press("Escape")
    assert view.js("mlkg.state().path") is None and view.js(LOCAL_IDS) is None
    assert view.js(VIEW) == whole
    assert view.js("nodes.get(mlkg.toVis('vae')).label") == "Variational Autoencoder"
    _clean(view)


@pytest.mark.browser
@pytest.mark.parametrize("fragment, selected, known", [
    ("13.1.2", "vae", []),  # an entry number, as the panel shows it: it was "Nothing called "13.1.2" in this map"
    ("%EF%BC%B6%EF%BD%81%EF%BD%85", "vae", []),  # fullwidth "Vae", folded as search folds it
    ("Variatio%CC%81nal%20Autoencoder", "vae", []),
    ("13.1", "sec:13.1", []),  # a subsection's number, as /concept/13.1 takes it
    ("13.1.3&known=13.1.1", "denoising-autoencoder", ["autoencoder"]),
])
def test_the_address_takes_the_names_search_and_the_command_line_take(context, pages, seed_kg, fragment,  # noqa: F811
                                                                      selected, known):
    """The hash was read by its own rules (names in lower case), not the search box's; the command line, /concept/
    and the search box all took entry numbers and folded names."""
    view = open_map(context, pages["physics"], fragment)
    assert view.js("mlkg.state()")["selected"] == selected and view.js("mlkg.state()")["known"] == known
    assert view.page.locator("#notice").inner_text() == ""
    if not selected.startswith("sec:"):
        assert seed_kg.resolve(urllib.parse.unquote(fragment.split("&")[0])) == selected
    _clean(view)


@pytest.mark.browser
@pytest.mark.parametrize("edges, kinds, notice", [
    ("requires,related", ["related", "requires"], ""),
    ("", [], ""),  # every box unticked: the address of a map showing no edges
    ("requires,bogus", ["requires"], ""),
    # a link of no kind the map has hid every edge, unsaid
    ("bogus", ["parent", "related", "requires"], "No edges of kind “bogus”: the map has requires, related, parent."),
])
def test_the_address_shows_the_edge_kinds_it_names(context, pages, edges, kinds, notice):  # noqa: F811
    view = open_map(context, pages["physics"], f"vae&edges={edges}")
    assert sorted(view.js("mlkg.state().kinds")) == kinds
    assert view.page.locator("#notice").inner_text() == notice
    _clean(view)


@pytest.mark.browser
@pytest.mark.shared
def test_learning_order_on_the_shared_corpus(context, shared_kg, tmp_path):  # noqa: F811
    view = open_map(context, viz.write_map(shared_kg, tmp_path / "map.html"))
    assert view.js("nodes.length") == shared_kg.graph.number_of_nodes()
    deepest = max(shared_kg.concepts(), key=lambda c: len(_learning_order(shared_kg, c)))
    assert view.js("(id) => mlkg.learningPath(id)", deepest) == _learning_order(shared_kg, deepest)
    _clean(view)


@pytest.mark.browser
def test_deep_links_in_and_the_address_following_the_selection(context, pages):  # noqa: F811
    view = open_map(context, pages["physics"], "vae")
    assert view.js("mlkg.state().selected") == "vae"
    assert view.page.locator("#panel-title").inner_text() == "Variational Autoencoder (VAE)"
    view.page.locator("#panel .prereqs a[data-id=autoencoder]").click()
    assert view.js("location.hash") == "#autoencoder"
    view.page.locator("#panel .dependents a[data-id=denoising-autoencoder]").click()
    assert view.js("location.hash") == "#denoising-autoencoder"
    view.js("history.back()")
    view.until("mlkg.state().selected === 'autoencoder'")
    assert view.page.locator("#panel-title").inner_text() == "Autoencoder"
    view.js("history.back()")
    view.until("mlkg.state().selected === 'vae'")
    view.page.keyboard.press("Escape")
    assert view.js("location.hash") == "" and view.js("mlkg.state().selected") is None

    view = open_map(context, pages["outline"], "LLM&hops=1&path&edges=requires")
    assert view.js("mlkg.state()") == {"selected": "llm", "hops": 1, "all": False, "path": "llm", "kinds": ["requires"],
                                       "known": []}
    assert view.js("location.hash") == "#llm&hops=1&path&edges=requires"
    assert len(view.js(LOCAL_IDS)) == 6

    view = open_map(context, pages["physics"], "sec:13.1")
    assert view.js("mlkg.state().selected") == "sec:13.1"
    members = view.page.locator("#panel .members a").evaluate_all("links => links.map(a => a.dataset.id)")
    assert members == ["autoencoder", "vae", "denoising-autoencoder"]

    view = open_map(context, pages["physics"], "no-such-thing")
    assert view.js("mlkg.state().selected") is None
    assert "no-such-thing" in view.page.locator("#notice").inner_text()
    _clean(view)


@pytest.mark.browser
def test_hostile_cheatsheet_text_is_shown_as_text(context, write, tmp_path):  # noqa: F811
    title = "Evil <b>Thing</b> " + HOSTILE
    path = write(sheet(
        entry("1.1.1", f"{title} (EVL)", cid="evil", full="Full " + HOSTILE, simple="Simple \u2028" + HOSTILE,
              example="```\n" + HOSTILE + "\n```"),
        entry("1.1.2", "Other Thing", cid="other", full=f"Other builds on Evil Thing. {HOSTILE}"),
        title="TOPIC <script>window.pwned=3</script>", subsections={"1.1": "Sub </script><img src=x onerror=alert(4)>"},
    ))
    kg = mlkg.load(path)
    heading = viz.default_title(kg)
    view = open_map(context, viz.write_map(kg, tmp_path / "map.html"), "evil")
    assert view.js("nodes.length") == 4
    assert view.js("document.title") == heading
    assert view.page.locator("#heading").text_content() == heading
    panel = view.page.locator("#panel")
    assert panel.locator("h2").text_content() == f"{title} (EVL)"
    assert panel.locator(".full .text").text_content() == "Full " + HOSTILE
    assert panel.locator("pre.example").text_content() == HOSTILE
    # a section's title reads rendered, as its label does: its tags dropped, what is left text
    assert panel.locator(".crumbs").text_content() == "1 TOPIC window.pwned=3 › 1.1 Sub"
    view.page.locator("#search-input").fill("evil")
    # the label drops the title's tags (what is left, "<!--" too, is text); "alert(2)" is function notation, so
    # the closing "(EVL)" is the title's other name
    label = kg.graph.nodes["evil"]["label"]
    assert label == "Evil Thing window.pwned=2;alert(2) <!--"
    assert label in view.page.locator("#search-results").text_content()
    view.page.locator("#search-input").press("Escape")
    view.page.mouse.move(**view.node_point("other"))
    view.until("document.querySelector('div.vis-tooltip')?.style.visibility === 'visible'")
    tip = view.page.locator("div.vis-tooltip")
    assert "1 TOPIC window.pwned=3" in tip.text_content()
    assert tip.evaluate("t => t.querySelectorAll(':not(br)').length") == 0  # innerText turns newlines into <br>
    injected = ("#panel img, #panel script, #panel b, #heading *, #search-results img, #search-results b, "
                "#legend-sections img, body > img")
    assert view.js(f"document.querySelectorAll({json.dumps(injected)}).length") == 0
    assert view.js("document.scripts.length") == 5
    assert view.js("window.pwned") is None
    _clean(view)


@pytest.mark.browser
def test_words_longer_than_the_panel_are_broken_inside_it(context, write, tmp_path):  # noqa: F811
    """A 10,000-character title made the details panel 111,618 px wide, its title under the close button."""
    long_word = "Z" * 3000
    kg = mlkg.load(write(sheet(entry("1.1.1", long_word, "long", full=f"It is {'q' * 2000} indeed."),
                               entry("1.1.2", "Other Thing", "other", full=f"Other Thing builds on {long_word}."))),
                   curation=[])
    view = open_map(context, viz.write_map(kg, tmp_path / "map.html"), "long")
    panel = view.page.locator("#panel")
    assert panel.evaluate("p => p.scrollWidth <= p.clientWidth + 1")
    assert panel.locator("h2").evaluate("h => h.getBoundingClientRect().width") <= panel.evaluate("p => p.clientWidth")
    _clean(view)


@pytest.mark.browser
def test_evidence_from_the_other_concepts_text_names_it(context, pages):  # noqa: F811
    """"VAE encodes images …" — "full explanation, line 434" in VAE's panel read as a line of VAE's own text."""
    view = open_map(context, pages["outline"], "vae")
    cites = view.page.locator("#panel .dependents li", has_text="Stable Diffusion").locator("cite").all_text_contents()
    assert cites == [" — Stable Diffusion, full explanation, line 434"]
    own = view.page.locator("#panel .prereqs li", has_text="Autoencoder").locator("cite").first.text_content()
    assert own.startswith(" — full explanation, line ")
    _clean(view)


@pytest.mark.parametrize("title, label", [
    ("Short Thing", "Short Thing"),
    ("Word " * 2000 + "End", ("Word " * 16).strip() + "…"),  # cut at a word, whole words only
    ("W" * 5000, "W" * viz.LABEL_MAX + "…"),  # one word: cut in it
    ("w" * 75 + " abcd more", "w" * 75 + " abcd…"),  # a cut that ends a word keeps it
    ("A" + "-" * 100, "A…"),  # dashes trailing the cut go
])
def test_a_long_title_is_cut_short_on_the_map_and_whole_in_its_details(write, title, label):
    kg = mlkg.load(write(sheet(entry("1.1.1", title, "long"))), curation=[])
    [node] = [n for n in viz.map_nodes(kg) if n["id"] == "long"]
    assert node["label"] == label and len(node["label"]) <= viz.LABEL_MAX + 1
    assert node["name"] == kg.graph.nodes["long"]["title"]


@pytest.mark.browser
def test_a_tooltip_of_the_whole_map_is_hidden_by_the_local_view(context, pages):  # noqa: F811
    """A reviewer hovered GAN on the whole map, then chose a concept: GAN's tooltip stayed over the local view."""
    view = open_map(context, pages["physics"])
    view.page.mouse.move(**view.node_point("gan"))
    view.until("document.querySelector('#mynetwork div.vis-tooltip')?.style.visibility === 'visible'")
    view.page.locator("#hops").select_option("1")
    view.js("mlkg.select('vae', {focus: false})")
    view.local_fit()
    assert view.js("document.querySelector('#mynetwork div.vis-tooltip').style.visibility") == "hidden"
    _clean(view)


# ---- what I know, and what comes next ---------------------------------------------------------------------

def _ready(kg, known):
    return [{"id": r["id"], "unlocks": r["unlocks"]} for r in ready_to_learn(kg, known)]


def _plan(kg, target, known):
    return [s["id"] for s in learning_plan(kg, target, known)["plan"]]


@pytest.mark.browser
def test_known_concepts_persist_and_change_the_path_and_the_ready_list(context, pages, seed_kg):  # noqa: F811
    view = open_map(context, pages["physics"], "stable-diffusion&path")
    assert view.js("mlkg.readyToLearn()") == _ready(seed_kg, [])
    shown = "() => [...document.querySelectorAll('#ready li')].map(li => li.dataset.id)"
    assert view.js(shown) == [r["id"] for r in _ready(seed_kg, [])][:10]
    view.page.locator("#learning ol a[data-id=vae]").click()
    toggle = view.page.locator("#known-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert view.js("mlkg.state().known") == ["vae"]
    assert view.js("location.hash") == "#vae&path=stable-diffusion&known=vae"
    assert view.js("mlkg.knownClosure()") == ["autoencoder", "vae"]  # knowing VAE implies its prerequisites
    assert view.js("mlkg.path()") == _plan(seed_kg, "stable-diffusion", ["vae"])
    assert view.js(LOCAL_IDS) == sorted(_plan(seed_kg, "stable-diffusion", ["vae"]))
    assert view.js("mlkg.readyToLearn()") == _ready(seed_kg, ["vae"])
    assert view.js(shown) == [r["id"] for r in _ready(seed_kg, ["vae"])][:10]
    assert "1 prerequisite you know" not in view.page.locator("#learning").inner_text()
    assert "2 prerequisites you know are left out" in view.page.locator("#learning").inner_text()
    # kept across a reload (the address), and in localStorage for a page opened without it
    view.page.reload()
    view.wait_ready()
    assert view.js("mlkg.state().known") == ["vae"]
    assert view.js("mlkg.path()") == _plan(seed_kg, "stable-diffusion", ["vae"])
    again = open_map(context, pages["physics"])
    assert again.js("mlkg.state().known") == ["vae"] and again.js("location.hash") == "#known=vae"
    assert again.js("JSON.parse(localStorage.getItem('mlkg.known'))") == ["vae"]
    # an implied concept is known too; unmarking it unmarks what needs it
    again.js("mlkg.select('autoencoder')")
    toggle = again.page.locator("#known-toggle")
    assert toggle.get_attribute("aria-pressed") == "true" and "needed by" in toggle.inner_text()
    toggle.click()
    assert again.js("mlkg.state().known") == [] and again.js("location.hash") == "#autoencoder"
    assert again.js("mlkg.readyToLearn()") == _ready(seed_kg, [])
    # a shared link says what its sender knows, and becomes what this page keeps
    link = open_map(context, pages["outline"], "known=GAN,ddpm,no-such")
    assert link.js("mlkg.state().known") == ["gan", "ddpm"]
    assert link.js("location.hash") == "#known=gan,ddpm"
    assert link.js("mlkg.readyToLearn()") == _ready(seed_kg, ["gan", "ddpm"])
    assert link.js("JSON.parse(localStorage.getItem('mlkg.known'))") == ["gan", "ddpm"]
    link.page.locator("#known-clear").click()
    assert link.js("mlkg.state().known") == [] and link.js("location.hash") == ""
    for v in (view, again, link):
        _clean(v)


@pytest.mark.browser
def test_two_tabs_of_a_map_keep_each_others_marks(context, pages):  # noqa: F811
    """Tab A marked vae, then tab B marked gan: the store held only gan, B's older set written over A's mark."""
    a, b = open_map(context, pages["outline"], "vae"), open_map(context, pages["outline"], "gan")
    a.page.locator("#known-toggle").click()
    assert b.until("JSON.stringify(mlkg.state().known)") == '["vae"]'
    b.page.locator("#known-toggle").click()
    assert sorted(b.js("mlkg.state().known")) == ["gan", "vae"]
    assert sorted(a.until("mlkg.state().known.length === 2 && mlkg.state().known")) == ["gan", "vae"]
    assert sorted(open_map(context, pages["outline"]).js("mlkg.state().known")) == ["gan", "vae"]
    for v in (a, b):
        _clean(v)


@pytest.mark.browser
def test_the_search_box_follows_back_to_another_concept(context, pages):  # noqa: F811
    """Search and pick VAE, then GAN, then Back: the panel showed VAE, the box still "Generative Adversarial …"."""
    view = open_map(context, pages["outline"])
    box = view.page.locator("#search-input")
    for name in ("VAE", "GAN"):
        box.fill(name)
        box.press("Enter")
        view.until(f"mlkg.state().selected === {json.dumps(name.lower())}")
    box.blur()
    assert box.input_value() == view.js("mlkg.info('gan').label")
    view.page.go_back()
    view.until("mlkg.state().selected === 'vae'")
    assert box.input_value() in ("", view.js("mlkg.info('vae').label"))
    _clean(view)


@pytest.mark.browser
@pytest.mark.shared
def test_ready_to_learn_matches_python_on_the_shared_corpus(context, shared_kg, tmp_path):  # noqa: F811
    page = viz.write_map(shared_kg, tmp_path / "map.html")
    concepts = shared_kg.concepts()
    deepest = max(concepts, key=lambda c: len(_learning_order(shared_kg, c)))
    sets = [[], [deepest], concepts[::7], ["vae", "transformer", "gan"], concepts]
    for known in sets:
        view = open_map(context, page, "known=" + ",".join(known) if known else "")
        assert view.js("mlkg.readyToLearn()") == _ready(shared_kg, known), known[:3]
        target = "stable-diffusion"
        view.js("(t) => { mlkg.select(t); mlkg.setPath(true); }", target)
        assert view.js("mlkg.path()") == _plan(shared_kg, target, known)
        _clean(view)
        view.page.close()


# ---- served by mlkg serve: concept pages, live updates, curation (the server answered here by the test) ------

@pytest.mark.browser
def test_served_page_links_titles_to_concept_pages(context, pages, seed_kg):  # noqa: F811
    view = open_map(context, pages["physics"], "vae")
    assert view.page.locator("#panel-title a").count() == 0  # from a file: no server, no link
    assert view.js("document.querySelector('meta[name=mlkg-edit-token]')") is None
    _clean(view)
    served = open_served(context, viz.map_html(seed_kg).encode(), "sec:13.1")
    assert served.page.locator("#panel-title a").get_attribute("href") == "/concept/sec%3A13.1"
    served.js("mlkg.select('vae')")
    title = served.page.locator("#panel-title a")
    assert title.get_attribute("href") == "/concept/vae" and title.inner_text() == "Variational Autoencoder (VAE)"
    assert served.page.locator("#panel .edit, #panel .curation").count() == 0  # no edit token, no controls
    assert served.errors == [] and served.blocked == []  # a page not made live does not try to connect


def _events(queue):
    """An /events handler answering each connection with the next queued body, and after those a quiet one."""
    def handler(route):
        body = queue.pop(0) if queue else "retry: 3600000\n\n"
        route.fulfill(status=200, body=body, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    return handler


@pytest.mark.browser
def test_live_updates_take_a_new_graph_in_place(context, seed_kg, write, tmp_path):  # noqa: F811
    cur = tmp_path / "curation.toml"
    cur.write_text('[[remove]]\nsource = "vae"\ntarget = "autoencoder"\n', encoding="utf-8")
    changed = mlkg.load(SEED_PATH, curation=[cur])
    nodes_, edges_ = viz.map_data(changed)
    queue = ['retry: 300\nevent: error\ndata: {"error": "data/13-generative-models.md:12: <b>bad</b> entry"}\n\n',
             'retry: 3600000\nevent: graph\ndata: {"version": 2}\n\n']
    fetched = []

    def map_data(route):
        fetched.append(route.request.url)
        route.fulfill(status=200, body=json.dumps({"nodes": nodes_, "edges": edges_}),
                      headers={"Content-Type": "application/json"})

    view = open_served(context, viz.map_html(seed_kg, live=True).encode(), "vae",
                       {"/events": _events(queue), "/api/map-data": map_data})
    banner = view.page.locator("#banner")
    view.until("!document.getElementById('banner').hidden")
    assert banner.text_content() == "data/13-generative-models.md:12: <b>bad</b> entry"
    before = view.js(VIEW)
    view.until("document.querySelectorAll('#panel .prereqs a').length === 0", timeout_ms=8000)
    assert fetched == [SERVED + "api/map-data"]
    assert banner.is_hidden()
    assert view.js("mlkg.state().selected") == "vae" and view.js(SELECTED) == ["vae"]
    assert view.js(VIEW) == before
    assert view.js("edges.get('requires|vae|autoencoder')") is None
    assert view.js("edges.length") == len(changed.edges(["requires", "related", "parent"]))
    assert view.errors == [] and view.blocked == []


@pytest.mark.browser
def test_edit_mode_posts_curation_and_shows_the_answer(context, seed_kg):  # noqa: F811
    token = 'tok<&>"1'
    posts, answers = [], []

    def curation(route):
        req = route.request
        posts.append({"body": req.post_data_json, "token": req.headers.get("x-mlkg-token"),
                      "type": req.headers.get("content-type"), "method": req.method})
        status, body = answers.pop(0)
        route.fulfill(status=status, body=json.dumps(body), headers={"Content-Type": "application/json"})

    html = viz.map_html(seed_kg, edit_token=token)
    assert "connect-src 'self'" in html and 'content="tok&lt;&amp;&gt;&#34;1"' in html
    view = open_served(context, html.encode(), "vae", {"/events": _events([]), "/api/curation": curation})
    status = view.page.locator("#curation-status")
    prereq = view.page.locator("#panel .prereqs li").first
    answers.append((200, {"saved": True}))
    prereq.locator("button", has_text="remove").click()
    view.until("document.getElementById('curation-status').textContent.startsWith('saved')")
    answers.append((409, {"error": "curation.toml:4: vae requires autoencoder is forced there", "status": 409}))
    prereq.locator("button", has_text="flip").click()
    view.until("document.getElementById('curation-status').classList.contains('error')")
    assert status.text_content() == "curation.toml:4: vae requires autoencoder is forced there"
    answers.append((200, {}))
    view.page.locator("#curation-note").fill("mentioned together only")
    prereq.locator("button", has_text="→ related").click()
    view.until("document.getElementById('curation-status').textContent.startsWith('saved')")
    view.page.locator("#add-edge-target").fill("generativ adversarial")
    view.page.locator("#panel .picks li[data-id=gan]").dispatch_event("mousedown")
    view.page.locator("#add-edge-kind").select_option("related")
    answers.append((200, {}))
    view.page.locator("#add-edge").click()
    view.until("document.getElementById('curation-status').textContent.startsWith('saved')")
    # a related edge has no direction: each way of making it a requires edge is a button that says which
    flow = view.page.locator("#panel .related li", has_text="Normalizing Flow")
    ways = flow.locator("button", has_text="requires")
    assert [ways.nth(i).get_attribute("title") for i in range(ways.count())] == [
        "Make it: Normalizing Flow requires Variational Autoencoder", "Make it: Variational Autoencoder requires "
        "Normalizing Flow"]
    answers.append((200, {}))
    flow.locator("button", has_text="← requires").click()
    view.until("document.getElementById('curation-status').textContent.startsWith('saved')")
    edge = {"source": "vae", "target": "autoencoder"}
    assert [p["body"] for p in posts] == [
        {"action": "remove", **edge, "kind": "requires", "note": ""},
        {"action": "force", "source": "autoencoder", "target": "vae", "kind": "requires", "note": ""},
        {"action": "force", **edge, "kind": "related", "note": "mentioned together only"},
        {"action": "add", "source": "vae", "target": "gan", "kind": "related", "note": "mentioned together only"},
        {"action": "force", "source": "vae", "target": "normalizing-flow", "kind": "requires",
         "note": "mentioned together only"},
    ]
    assert {(p["token"], p["type"], p["method"]) for p in posts} == {(token, "application/json", "POST")}
    assert view.errors == ["Failed to load resource: the server responded with a status of 409 (Conflict)"]
    assert view.blocked == []


def test_a_forced_edge_without_a_note_quotes_the_mined_sentence(write):
    """A curator's empty note says nothing: the panel quotes what the text said, though the other concept said it."""
    sheet_path = write(sheet(entry("1.1.1", "Alpha Net", "alpha"),
                             entry("1.1.2", "Beta Method", "beta", full="It extends the Alpha Net.")))
    curation = write('[[force]]\nsource = "alpha"\ntarget = "beta"\nkind = "requires"\n', "c.toml")
    _, edges = viz.map_data(mlkg.load(sheet_path, curation=[curation]))
    (edge,) = [e for e in edges if (e["from"], e["to"]) == ("alpha", "beta")]
    assert edge["field"] == "full" and edge["at"] == [1, 0, len("It extends the Alpha Net.")]


@pytest.mark.parametrize("item", ["force", "add"])
def test_a_curators_note_is_what_the_map_quotes(write, item):
    """A [[force]] note never reached the map, which quoted the mined sentence; show, edges and the RDF had it."""
    sheet_path = write(sheet(entry("1.1.1", "Beta Method", "beta"),
                             entry("1.1.2", "Alpha Net", "alpha", full="Alpha Net is a network that uses Beta Method."),
                             entry("1.1.3", "Gamma Way", "gamma", full="Gamma Way is plain.")))
    target = "beta" if item == "force" else "gamma"
    curation = write(f'[[{item}]]\nsource = "alpha"\ntarget = "{target}"\nkind = "requires"\nnote = "Alpha is '
                     'built on it."\n', "c.toml")
    _, edges = viz.map_data(mlkg.load(sheet_path, curation=[curation]))
    (edge,) = [e for e in edges if (e["from"], e["to"]) == ("alpha", target)]
    assert (edge["field"], edge["sentence"]) == ("curation", "Alpha is built on it.")
    assert "of" not in edge  # a note is no concept's text: its line is the curation file's


def test_an_indented_example_line_in_a_long_example_is_found_where_it_stands(write):
    """A long text is looked up by its sentences, and the miner quotes an example line with its indent."""
    example = "```\n" + "    filler words on a line\n" * 1000 + "    then the Alpha Net runs\n```"
    kg = mlkg.load(write(sheet(entry("1.1.1", "Alpha Net", "alpha"),
                               entry("1.1.2", "Beta Method", "beta", example=example))), curation=[])
    nodes, edges = viz.map_data(kg)
    (edge,) = [e for e in edges if e["kind"] != "parent"]
    side, start, length = edge["at"]
    text = {n["id"]: n for n in nodes}[edge["to"] if side else edge["from"]]["example"]
    assert len(text) > viz._SEARCHED and text[start:start + length] == "    then the Alpha Net runs"


@pytest.mark.browser
@pytest.mark.parametrize("layout", ["physics", "outline"])
# of Object.prototype's properties only "constructor" is a lowercase slug; the other two stand for any ID
@pytest.mark.parametrize("cid", ["constructor", "hasownproperty", "proto"])
def test_an_id_that_names_a_property_of_every_javascript_object_is_a_concept_like_any(context, write, tmp_path,  # noqa: F811
                                                                                    cid, layout):
    """vis-network keeps nodes, forces and positions in plain objects keyed by node id: "constructor" found
    Object.prototype's function there, physics overflowed the stack, every position came out NaN and selecting
    anything threw.  vis never sees a concept ID now (``mlkg.toVis``); the page speaks concept IDs everywhere else."""
    kg = mlkg.load(write(sheet(entry("1.1.1", "Object Maker", cid),
                               entry("1.1.2", "Alpha Net", "alpha", full="It extends the Object Maker."),
                               entry("1.1.3", "Beta Net", "beta", full="It extends the Alpha Net."))),
                   curation=[])
    assert [e["target"] for e in kg.out_edges("alpha", "requires")] == [cid]
    page = viz.write_map(kg, tmp_path / "map.html", physics=layout == "physics")
    view = open_map(context, page)
    assert view.js("() => Object.values(network.getPositions()).every(p => isFinite(p.x) && isFinite(p.y))")
    assert view.js("mlkg.view().ids").count(cid) == 1
    view.click_node(cid)
    view.until(f"mlkg.state().selected === '{cid}'")
    assert view.page.locator("#panel-title").inner_text() == "Object Maker"
    assert view.js("location.hash") == f"#{cid}"
    assert view.js(SELECTED) == [cid]
    _clean(view)
    for selected, around in ((cid, [cid, "alpha"]), ("alpha", [cid, "alpha", "beta"])):
        view = open_map(context, page, f"{selected}&hops=1")
        assert view.js("mlkg.state().selected") == selected
        assert view.js(LOCAL_IDS) == sorted(around)
        assert view.local_fit()["outside"] == []
        assert view.js("mlkg.view().levels")[cid] < view.js("mlkg.view().levels")["alpha"]  # a prerequisite above
        assert view.js("() => mlkg.select('beta')") is not False
        assert view.js("mlkg.state().selected") == "beta"
        _clean(view)
