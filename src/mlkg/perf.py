"""Small tools for speed that several stages share."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Loading 10,000 entries creates millions of tuples, dicts and strings; each
    automatic collection then walks everything alive, and together they took
    about a third of the load time.  Nothing built here needs the cycle
    collector, and reference counting still frees what is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
