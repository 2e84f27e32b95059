"""A graph that changes while it is served: ``mlkg serve --watch`` and ``--edit``.

:class:`Live` holds the graph a server answers from.  Whoever rebuilds it
(a watcher, a correction) hands the new graph to :meth:`Live.publish`, or the
``file:line`` problems of a broken edit to :meth:`Live.fail`; the last good
graph stays in force either way.  Open pages follow :meth:`Live.events`, a
stream of server-sent events: ``graph`` with the new version, ``error`` with
the problem, and a comment now and then so proxies keep the line open.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..graph import ConceptGraph
from .rdf import corpus_names, corpus_root

HEARTBEAT = 15.0
"""Seconds between keep-alive comments on an idle event stream."""


@dataclass(frozen=True)
class State:
    version: int
    graph: ConceptGraph
    error: str | None  # the first problem of the latest broken edit, while it is not fixed


class Live:
    """The graph in force, replaced whole (a graph never changes), and who is waiting to hear of it."""

    def __init__(self, graph: ConceptGraph, shown: Callable[[str], str] = str):
        self._state = State(1, graph, None)
        self.shown = shown  # a problem as pages may see it: see hiding_folders
        self._changed = threading.Condition()
        self._closed = False

    @property
    def state(self) -> State:
        return self._state

    @property
    def graph(self) -> ConceptGraph:
        return self._state.graph

    def publish(self, graph: ConceptGraph) -> None:
        with self._changed:
            self._state = State(self._state.version + 1, graph, None)
            self._changed.notify_all()

    def fail(self, problems: list[str]) -> None:
        with self._changed:
            s = self._state
            self._state = State(s.version + 1, s.graph, self.shown(problems[0]) if problems else
                                "the sources do not load")
            self._changed.notify_all()

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def events(self, heartbeat: float = HEARTBEAT, alive: Callable[[], bool] = lambda: True) -> Iterator[bytes]:
        """Server-sent events from the moment of the call: a broken edit still in force, then each change,
        until closed (what changes after the call and before the first read is not missed)."""
        return self._events(self._state, heartbeat, alive)

    def _events(self, first: State, heartbeat: float, alive: Callable[[], bool]) -> Iterator[bytes]:
        seen = first.version
        if first.error is not None:
            yield _event("error", {"error": first.error, "version": seen})
        while alive():
            with self._changed:
                if self._state.version == seen and not self._closed:
                    self._changed.wait(heartbeat)
                state, closed = self._state, self._closed
            if state.version == seen:
                if closed:
                    return
                yield b": still here\n\n"
                continue
            seen = state.version
            if state.error is not None:
                yield _event("error", {"error": state.error, "version": seen})
            else:
                yield _event("graph", {"version": seen})


def hiding_folders(sources: Iterable[str], curation: Iterable[str]) -> Callable[[str], str]:
    """A problem's text with each file named as the export names it (:func:`~mlkg.views.rdf.corpus_names`): a
    broken edit's message names the file as it was given, absolute for a remembered corpus, and open pages (on
    any host allowed) must not learn where the server keeps its files."""
    sources, curation = [str(f) for f in sources], [str(f) for f in curation]
    names = corpus_names(sources, curation)
    # the folder each name leaves out, as the file was given ("/p/sheets/../outside/") and as it is
    cut = {given[:-len(name)] for given, name in names.items() if given.endswith(name)} \
        | {full[:-len(name)] for given, name in names.items() if (full := os.path.abspath(given)).endswith(name)}
    folders = sorted(cut - {""}, key=len, reverse=True)
    root = corpus_root(sources)  # named in a message of its own: "/p/sheets:1: no such …"
    whole = None if root is None else re.compile(re.escape(root) + r"(?=:|\s|\Z)")

    def shown(text: str) -> str:
        for folder in folders:
            text = text.replace(folder, "")
        return text if whole is None else whole.sub(os.path.basename(root) or root, text)
    return shown


def _event(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
