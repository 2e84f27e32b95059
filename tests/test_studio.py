"""The learner's and the curator's loop against a real `mlkg serve` (its App and HTTP server in this process,
the map in Chromium): edit a cheatsheet and the open map changes without a reload; correct an edge in the
browser and find it in the curation file, in `mlkg edges` and after a restart; a read-only server refuses."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import MapPage, browser, context  # noqa: F401  (pytest fixtures)
from conftest import SEED, entry, sheet

import mlkg
from mlkg.corrections import Editor
from mlkg.project import watch
from mlkg.views.live import Live
from mlkg.views.server import ServerConfig, make_server

pytestmark = pytest.mark.browser


class Served:
    """A server on a free port of 127.0.0.1, with a watcher if asked, stopped at the end."""

    def __init__(self, sources: list[Path], curation: list[Path], *, follow: bool = False, edit: bool = False):
        kg = mlkg.load(*sources, curation=curation)
        self.live = Live(kg)
        self.stop = threading.Event()
        editor = Editor(curation[0], [str(s) for s in sources], [str(c) for c in curation], self.live) if edit \
            else None
        self.server = make_server(kg, ServerConfig(port=0, quiet=True), live=self.live if follow or edit else None,
                                  editor=editor)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        if follow:
            threading.Thread(target=watch, args=(sources, curation, self.live.publish, self.live.fail, self.stop),
                             daemon=True).start()
        self.url = self.server.url

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def open_page(context, url: str, fragment: str = "") -> MapPage:  # noqa: F811
    page = context.new_page()
    view = MapPage(page, url)
    page.on("console", lambda m: view.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: view.errors.append(str(exc)))
    page.goto(url + (f"#{fragment}" if fragment else ""), wait_until="load")
    view.wait_ready()
    return view


def test_an_edited_cheatsheet_changes_the_open_map_without_a_reload(context, tmp_path):  # noqa: F811
    path = tmp_path / "sheet.md"
    path.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method")), encoding="utf-8")
    served = Served([path], [], follow=True)
    try:
        view = open_page(context, served.url, "alpha-net")
        view.js("window.stillThisPage = true")
        path.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method"),
                              entry("1.1.3", "Gamma Trick", full="Gamma extends Alpha Nets.")), encoding="utf-8")
        view.until("mlkg.info('gamma-trick') !== undefined", timeout_ms=15_000)
        assert view.js("edges.get('requires|gamma-trick|alpha-net') !== null")
        assert view.js("window.stillThisPage === true")  # the same page: no reload
        path.write_text(sheet(entry("1.1.1", "Alpha Net"), "#### 1.1.2 Broken\n"), encoding="utf-8")
        view.until("!document.getElementById('banner').hidden", timeout_ms=15_000)
        assert view.page.locator("#banner").text_content().startswith(f"{path}:")
        assert view.js("mlkg.info('gamma-trick') !== undefined")  # the last good graph is still shown
        with urllib.request.urlopen(served.url + "api/concept/gamma-trick") as r:  # and served
            assert json.load(r)["id"] == "gamma-trick"
    finally:
        served.close()


def test_an_edge_corrected_in_the_browser_lands_in_the_curation_file_the_edges_and_a_restart(
        context, tmp_path, cli):  # noqa: F811
    cur = tmp_path / "curation.toml"
    cur.write_text("# our corrections\n", encoding="utf-8")
    served = Served([SEED], [cur], edit=True)
    try:
        view = open_page(context, served.url, "vae")
        view.page.locator("#curation-note").fill("the VAE entry stands alone here")
        view.page.locator("#panel .prereqs li").first.locator("button", has_text="remove").click()
        view.until("document.getElementById('curation-status').textContent.startsWith('saved')"
                   " || document.getElementById('curation-status').classList.contains('error')")
        assert view.page.locator("#curation-status").text_content().startswith("saved"), view.errors
        view.until("edges.get('requires|vae|autoencoder') === null", timeout_ms=10_000)
    finally:
        served.close()
    text = cur.read_text(encoding="utf-8")
    assert text.startswith("# our corrections\n") and "[[remove]]" in text and 'source = "vae"' in text
    assert 'note = "the VAE entry stands alone here"' in text
    code, out, _ = cli("edges", "--curation", cur, "--format", "json")
    assert code == 0 and not [e for e in json.loads(out) if (e["source"], e["target"]) == ("vae", "autoencoder")]
    again = Served([SEED], [cur])
    try:
        with urllib.request.urlopen(again.url + "api/concept/vae") as r:
            assert json.load(r)["requires"] == []
    finally:
        again.close()


@pytest.mark.parametrize("edit, token, status", [(False, "", 403), (True, "not-the-token", 403)])
def test_corrections_are_refused_without_edit_mode_or_the_pages_token(tmp_path, edit, token, status):
    cur = tmp_path / "curation.toml"
    cur.write_text("", encoding="utf-8")
    served = Served([SEED], [cur], edit=edit)
    try:
        request = urllib.request.Request(served.url + "api/curation", method="POST", data=json.dumps(
            {"action": "remove", "source": "vae", "target": "autoencoder"}).encode(),
            headers={"Content-Type": "application/json", "X-MLKG-Token": token})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request)
        assert err.value.code == status
        assert cur.read_text(encoding="utf-8") == ""
    finally:
        served.close()


def test_what_is_typed_into_the_edit_form_survives_a_rebuild(context, tmp_path):  # noqa: F811
    """Under --watch --edit, any save of a cheatsheet redraws the panel: the half-typed correction and the focus
    stay."""
    path = tmp_path / "sheet.md"
    cur = tmp_path / "curation.toml"
    cur.write_text("# ours\n", encoding="utf-8")
    path.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method")), encoding="utf-8")
    served = Served([path], [cur], follow=True, edit=True)
    try:
        view = open_page(context, served.url, "alpha-net")
        view.page.locator("#curation-note").fill("half a thought")
        view.page.locator("#add-edge-target").fill("bet")
        path.write_text(sheet(entry("1.1.1", "Alpha Net"), entry("1.1.2", "Beta Method"),
                              entry("1.1.3", "Gamma Trick")), encoding="utf-8")
        view.until("mlkg.info('gamma-trick') !== undefined", timeout_ms=15_000)
        assert view.page.locator("#curation-note").input_value() == "half a thought"
        assert view.page.locator("#add-edge-target").input_value() == "bet"
        assert view.js("document.activeElement.id") == "add-edge-target"
    finally:
        served.close()
