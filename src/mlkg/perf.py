"""Small tools for speed that several stages share."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from typing import Any


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


# From this many entries on, the build spreads its work over two processes.
PARALLEL_FROM = 2000


def can_fork() -> bool:
    """True where a forked child may safely do our work: POSIX fork, and no other thread running.

    Forking a process with threads (a notebook kernel, a server) can copy a lock
    some other thread holds; there we stay in one process.
    """
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Forked:
    """``fn(*args)`` computed in a forked child while this process goes on; :meth:`result` waits for it.

    The child inherits everything in memory, so only the result crosses
    back (pickled through a pipe).  If the child fails or dies, the result is
    computed here instead: a parallel run never answers differently.
    ``pack`` turns the result into plain tuples in the child and ``unpack``
    rebuilds it here: pickle handles tuples several times faster than objects.
    A child with ``nice`` 19 runs only when a core would otherwise be idle.
    A result of many bytes (or a tuple of bytes) is handed over in a temporary
    file: through the pipe, a niced child would have to be scheduled again for
    every 64 KiB.  The result is kept: asking again returns it at once.
    """

    def __init__(self, fn, *args, pack=None, unpack=None, nice: int = 0):
        import multiprocessing
        import os
        import tempfile

        self._fn, self._args, self._unpack = fn, args, unpack
        self._done, self._value = False, None
        ctx = multiprocessing.get_context("fork")
        self._receive, send = ctx.Pipe(duplex=False)
        # unlinked already, and shared with the child by the fork: nothing is left behind, however either ends
        self._spill = tempfile.TemporaryFile(prefix="mlkg-result-")  # noqa: SIM115 (closed by result or cancel)

        def child() -> None:
            try:
                if nice:
                    os.nice(nice)
                value = fn(*args) if pack is None else pack(fn(*args))
                parts = (value,) if isinstance(value, bytes) else value if isinstance(value, tuple) else ()
                if parts and all(isinstance(p, bytes) for p in parts) and sum(map(len, parts)) > SPILL_BYTES:
                    self._spill.writelines(parts)
                    self._spill.flush()
                    value = (True, [len(p) for p in parts] if parts is value else None, True)
                else:
                    value = (True, value, False)
            except BaseException:  # any failure is redone in the parent
                value = (False, None, False)
            with contextlib.suppress(OSError):  # the parent gave up on the result
                send.send(value)

        self._process = ctx.Process(target=child, daemon=True)
        self._process.start()
        send.close()

    def result(self):
        if not self._done:
            self._value, self._done = self._receive_result(), True
        return self._value

    def _receive_result(self):
        try:
            ok, value, spilled = self._receive.recv()
        except (EOFError, OSError):
            ok, value, spilled = False, None, False
            self._process.join()
        finally:
            self._receive.close()
        # A child that answered is left to exit on its own (unmapping its memory takes it 10 to 20 ms):
        # multiprocessing reaps it when the next child starts, or at exit.
        if ok and spilled:
            try:
                self._spill.seek(0)
                # value holds the lengths of a tuple's parts; None for one bytes object
                lengths, value = value, self._spill.read() if value is None else tuple(map(self._spill.read, value))
                ok = lengths is None or list(map(len, value)) == lengths
            except OSError:
                ok = False
        self._spill.close()
        if not ok:
            return self._fn(*self._args)
        return value if self._unpack is None else self._unpack(value)

    def cancel(self) -> None:
        """Stop the child; its result is no longer wanted."""
        self._process.terminate()
        self._process.join()
        self._receive.close()
        self._spill.close()


SPILL_BYTES = 1 << 20
"""Results of more bytes than this come back in a temporary file."""


class Tasks:
    """The numbers 0 … n-1 as work items that this process and forked children take one at a time.

    Each number is taken exactly once, by whichever process asks first, so the
    work is shared by the speed each process turns out to have, not by a split
    fixed in advance: no process waits long for another.  Make it before the
    fork.  The numbers sit in a pipe whose writing end is closed, so a read of
    one number is atomic and an empty pipe reads as the end.
    """

    SIZE = 4  # bytes per number
    MAX = 65536 // SIZE  # what a pipe holds without a reader

    def __init__(self, n: int):
        import os

        if not 0 <= n <= self.MAX:
            raise ValueError(f"0 to {self.MAX} tasks, not {n}")
        self._read, write = os.pipe()
        try:
            os.write(write, b"".join(i.to_bytes(self.SIZE, "little") for i in range(n)))
        finally:
            os.close(write)

    def __iter__(self) -> Iterator[int]:
        import os

        while self._read >= 0:
            token = os.read(self._read, self.SIZE)
            if not token:
                return
            yield int.from_bytes(token, "little")

    def close(self) -> None:
        import os

        if self._read >= 0:
            os.close(self._read)
            self._read = -1


def shared(fn, n: int, *args, pack=None, unpack=None, meanwhile: Now | None = None) -> list:
    """``[fn(i, *args) for i in range(n)]``, the ``i`` shared out between this process and a forked child.

    Both take the next :class:`Tasks` number until none is left; this process
    first runs ``meanwhile``.  ``pack`` and ``unpack`` work as in :class:`Forked`,
    on each of the child's results.  What a failed child took is done here, so
    the answer is always whole and in order.
    """
    m = min(n, Tasks.MAX)  # past that, each task is a run of numbers
    bounds = [k * n // m for k in range(m + 1)] if m else [0]
    tasks = Tasks(m)
    try:
        later = Forked(_take, fn, tasks, bounds, args, pack,
                       unpack=None if unpack is None else functools.partial(_unpack_each, unpack))
        try:
            if meanwhile is not None:
                meanwhile.result()
            done = dict(_take(fn, tasks, bounds, args))
        except BaseException:
            later.cancel()
            raise
        done.update(later.result())
    finally:
        tasks.close()
    return [done[i] if i in done else fn(i, *args) for i in range(n)]


def _take(fn, tasks: Tasks, bounds: list[int], args: tuple, pack=None) -> list[tuple[int, Any]]:
    return [(i, fn(i, *args) if pack is None else pack(fn(i, *args)))
            for k in tasks for i in range(bounds[k], bounds[k + 1])]


def _unpack_each(unpack, rows: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    return [(i, unpack(value)) for i, value in rows]


class Part:
    """Item ``index`` of the tuple that ``whole`` (a :class:`Forked` or :class:`Now`) returns."""

    def __init__(self, whole: Forked | Now, index: int):
        self._whole, self._index = whole, index

    def result(self):
        return self._whole.result()[self._index]


class Now:
    """The serial twin of :class:`Forked`: computes here, the first time it is asked."""

    def __init__(self, fn, *args):
        self._fn, self._args = fn, args
        self._done, self._value = False, None

    def result(self):
        if not self._done:
            self._value, self._done = self._fn(*self._args), True
        return self._value
