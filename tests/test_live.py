"""A served graph that changes: each rebuild is announced, a broken edit is shown and the last good graph stays."""

from __future__ import annotations

import json

import pytest

import mlkg
from mlkg.views.live import Live, hiding_folders


def _read(stream, n: int) -> list[tuple[str, dict]]:
    out = []
    for chunk in stream:
        text = chunk.decode()
        if text.startswith(":"):
            continue
        name = text.split("\n")[0].removeprefix("event: ")
        out.append((name, json.loads(text.split("\n")[1].removeprefix("data: "))))
        if len(out) == n:
            return out
    return out


def test_each_rebuild_and_each_broken_edit_is_an_event_and_the_good_graph_stays(seed_kg):
    live = Live(seed_kg)
    stream = live.events(heartbeat=0.05)
    other = mlkg.load(curation=[])
    live.fail(["sheet.md:3: entry 13.1.9 has no **ID:** line"])
    assert live.graph is seed_kg  # a broken edit leaves the last good graph in force
    (error,) = _read(stream, 1)
    live.publish(other)
    (graph,) = _read(stream, 1)
    assert error[0] == "error" and error[1]["error"].startswith("sheet.md:3:")
    assert graph == ("graph", {"version": 3})
    assert live.graph is other
    live.close()
    assert list(stream) == []  # closing ends the stream


def test_a_page_that_connects_after_a_broken_edit_is_told_at_once(seed_kg):
    live = Live(seed_kg)
    live.fail(["sheet.md:7: not UTF-8"])
    first = next(live.events(heartbeat=0.05))
    assert first.startswith(b"event: error\n") and b"sheet.md:7" in first
    live.close()


@pytest.mark.parametrize("problem, shown", [
    ("/p/sheets/a.md:3: entry 1.1.9 has no **ID:** line", "a.md:3: entry 1.1.9 has no **ID:** line"),
    ("/p/sheets/more/b.md:1: x", "more/b.md:1: x"),
    ("/p/sheets/../outside/c.toml:10: invalid TOML", "c.toml:10: invalid TOML"),
    ("/p/outside/c.toml:2: also at /p/sheets/cur.toml:1", "c.toml:2: also at cur.toml:1"),
    ("sheets/a.md:1: as given, relative", "sheets/a.md:1: as given, relative"),
    ("/p/sheets:1: no such file or folder", "sheets:1: no such file or folder"),
])
def test_a_problem_pages_see_names_files_as_the_export_does(problem, shown):
    """A broken edit's message named the file as given, absolute for a remembered corpus: every open page (on any
    host the server answers) learnt where it keeps its files."""
    hide = hiding_folders(["/p/sheets/a.md", "/p/sheets/more/b.md"],
                          ["/p/sheets/../outside/c.toml", "/p/sheets/cur.toml"])
    assert hide(problem) == shown


def test_a_broken_edit_reaches_pages_without_its_folder(seed_kg):
    live = Live(seed_kg, hiding_folders(["/home/you/kg/sheets/13.md"], []))
    stream = live.events(heartbeat=0.01)
    live.fail(["/home/you/kg/sheets/13.md:724: entry 13.1.9 has no **ID:** line"])
    assert json.loads(next(stream).decode().split("data: ")[1])["error"].startswith("13.md:724: ")
