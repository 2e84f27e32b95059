"""Headless Chromium for the map: launching it, and opening a map page with the network cut off.

Used by the browser tests (as pytest fixtures) and by ``scripts/screenshot.py``.
Playwright cannot download its own browsers here, so Debian's ``chromium`` is
driven instead.  Without it the browser tests skip, unless
``MLKG_REQUIRE_BROWSER=1`` (set by CI) makes them fail.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-default-apps", "--disable-extensions", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--mute-audio",
]
READY_TIMEOUT_MS = 15_000


def chromium_path() -> str | None:
    found = os.environ.get("MLKG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def launch(playwright):
    """A headless Chromium from the system's package, or ``None`` if there is none."""
    path = chromium_path()
    if path is None:
        return None
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)


@dataclass
class MapPage:
    """A map page opened with every request but the file itself refused, and what it tried to do."""

    page: object
    url: str
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def wait_ready(self, timeout_ms: int = READY_TIMEOUT_MS) -> None:
        """Wait for the map to be interactive (selectors, not ``wait_for_function``: the page's CSP forbids eval)."""
        self.page.wait_for_selector("html[data-ready='true']", state="attached", timeout=timeout_ms)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def until(self, expression: str, arg=None, timeout_ms: int = 5_000):
        """Poll ``expression`` until it is truthy and return it.

        Not ``wait_for_function``: it evaluates its predicate with eval, which the page's CSP forbids.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            value = self.js(expression, arg)
            if value or time.monotonic() > deadline:
                assert value, f"timed out after {timeout_ms} ms waiting for {expression}"
                return value
            self.page.wait_for_timeout(40)

    def node_point(self, node_id: str) -> dict:
        """Where ``node_id`` is drawn, in page coordinates."""
        return self.js("""(id) => {
            const v = mlkg.toVis(id), p = network.canvasToDOM(network.getPositions([v])[v]);
            const box = document.getElementById("mynetwork").getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""", node_id)

    def click_node(self, node_id: str) -> None:
        point = self.node_point(node_id)
        self.page.mouse.click(point["x"], point["y"])

    def local_fit(self) -> dict:
        """The local view once laid out and zoomed: its concepts, the on-screen font size of their labels, the
        concepts whose bounding box (dot and label, from vis) is not wholly inside the view, and those whose box
        reaches up into the overlay's band (the title and the "Whole map" button, across the view's width)."""
        self.page.wait_for_selector("html[data-local-fitted='true']", state="attached", timeout=READY_TIMEOUT_MS)
        return self.js("""() => {
            const v = mlkg.view(), box = document.getElementById("localnetwork"), at = box.getBoundingClientRect();
            const bar = Math.max(...["local-title", "local-all", "local-close"].map(id => document.getElementById(id))
                .filter(el => el && !el.hidden).map(el => el.getBoundingClientRect().bottom - at.top));
            const outside = [], under_bar = [];
            v.ids.forEach(id => {
                const b = v.network.getBoundingBox(mlkg.toVis(id));
                const a = v.network.canvasToDOM({x: b.left, y: b.top});
                const c = v.network.canvasToDOM({x: b.right, y: b.bottom});
                if (a.x < 0 || a.y < 0 || c.x > box.clientWidth || c.y > box.clientHeight) outside.push(id);
                else if (a.y < bar) under_bar.push(id);
            });
            return {ids: v.ids, font_px: v.network.getScale() * v.fontSize, outside: outside, under_bar: under_bar,
                    bar_bottom: bar, title: document.getElementById("local-title").textContent,
                    width: box.clientWidth, height: box.clientHeight};
        }""")

    def out_of_sight(self, ids) -> dict:
        """Which of ``ids`` the fitted local view does not show, and why: ``{id: "off screen"}`` for a concept whose
        bounding box (dot and label) is not wholly inside the part of the view the window shows (on a phone the
        details sheet starts where the view ends), ``"under the overlay"`` for one reaching up into the band of
        the title and its buttons, ``"under #id"`` for one whose dot the page draws something else over."""
        self.page.wait_for_selector("html[data-local-fitted='true']", state="attached", timeout=READY_TIMEOUT_MS)
        return self.js("""(ids) => {
            const net = mlkg.view().network, stage = document.getElementById("localnetwork");
            const at = stage.getBoundingClientRect();
            const left = Math.max(at.left, 0), top = Math.max(at.top, 0);
            const right = Math.min(at.right, window.innerWidth), bottom = Math.min(at.bottom, window.innerHeight);
            const bar = Math.max(...["local-title", "local-all", "local-close"].map(id => document.getElementById(id))
                .filter(el => el && !el.hidden).map(el => el.getBoundingClientRect().bottom));
            const out = {};
            ids.forEach(id => {
                const v = mlkg.toVis(id), b = net.getBoundingBox(v);
                const a = net.canvasToDOM({x: b.left, y: b.top}), c = net.canvasToDOM({x: b.right, y: b.bottom});
                const p = net.canvasToDOM(net.getPositions([v])[v]);
                const hit = document.elementFromPoint(at.left + p.x, at.top + p.y);
                if (at.left + a.x < left || at.top + a.y < top || at.left + c.x > right || at.top + c.y > bottom) {
                    out[id] = "off screen";
                } else if (at.top + a.y < bar) {
                    out[id] = "under the overlay";
                } else if (!hit || !stage.contains(hit)) {
                    out[id] = "under " + (hit ? "#" + (hit.id || hit.tagName) : "nothing");
                }
            });
            return out;
        }""", list(ids))


def open_map(context, path: Path, fragment: str = "", ready: bool = True) -> MapPage:
    """Open ``path`` (plus ``#fragment``) in a new page of ``context``; the only request allowed is the file."""
    page = context.new_page()
    url = Path(path).resolve().as_uri()
    view = MapPage(page, url)

    def route(r):
        if r.request.url.split("#")[0] == url:
            r.continue_()
        else:
            r.abort()

    def on_dialog(d):
        view.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.route("**/*", route)
    page.on("request", lambda req: None if req.url.split("#")[0] == url else view.blocked.append(req.url))
    page.on("console", lambda m: view.errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: view.errors.append(str(exc)))
    page.on("dialog", on_dialog)
    page.goto(url + (f"#{fragment}" if fragment else ""), wait_until="load", timeout=READY_TIMEOUT_MS)
    if ready:
        view.wait_ready()
    return view


SERVED = "http://127.0.0.1:9/"
"""Where :func:`open_served` pretends the page is served from; nothing is ever sent there."""


def open_served(context, html: bytes, fragment: str = "", routes: dict | None = None, ready: bool = True) -> MapPage:
    """Open the map page ``html`` as if ``mlkg serve`` sent it from :data:`SERVED`, with the network cut off.

    Requests never leave the browser: the page itself, and each path in
    ``routes`` (``{"/events": handler}``, the handler given Playwright's
    ``Route``), are answered here; every other request is refused and listed
    in ``blocked``.
    """
    page = context.new_page()
    view = MapPage(page, SERVED)
    routes = routes or {}

    def route(r):
        url = r.request.url.split("#")[0]
        path = "/" + url[len(SERVED):] if url.startswith(SERVED) else None
        if path == "/":
            r.fulfill(status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8"})
        elif path in routes:
            routes[path](r)
        else:
            view.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: view.errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: view.errors.append(str(exc)))
    page.on("dialog", lambda d: (view.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.goto(SERVED + (f"#{fragment}" if fragment else ""), wait_until="load", timeout=READY_TIMEOUT_MS)
    if ready:
        view.wait_ready()
    return view


_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session.

    Each test module that imports this fixture gets its own copy of it, and
    Playwright's sync API cannot run twice at once, so the copies share one
    browser, which the last of them to finish closes.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _missing("the playwright package is not installed")
    if "browser" not in _shared:
        playwright = sync_playwright().start()
        found = launch(playwright)
        if found is None:
            playwright.stop()
            _missing("chromium is not installed (apt-get install chromium)")
        _shared.update(playwright=playwright, browser=found)
    _shared["users"] += 1
    yield _shared["browser"]
    _shared["users"] -= 1
    if not _shared["users"]:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    ctx.set_default_timeout(READY_TIMEOUT_MS)
    yield ctx
    ctx.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    """A phone-sized page (390x844, touch, the mobile viewport rules) rather than the 1280x800 desktop one."""
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, service_workers="block")
    ctx.set_default_timeout(READY_TIMEOUT_MS)
    yield ctx
    ctx.close()


def _missing(reason: str):
    if os.environ.get("MLKG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (MLKG_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)
