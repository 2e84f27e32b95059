"""Run ``mlkg`` and kill it with SIGKILL just before its Nth call that changes the file system.

``python tests/killat.py N ARGS…``; with N = 0 it runs to the end and prints how many such calls it made, on the
last line of stderr.  A kill at each of them is the kill -9 a user's machine can deal a build at any moment.
"""

import builtins
import io
import os
import shutil
import signal
import sys

N = int(sys.argv[1])
calls = 0


def _counted(name, fn):
    def call(*args, **kwargs):
        global calls
        calls += 1
        if calls == N:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*args, **kwargs)
    return call


for module, name in [(os, "rename"), (os, "replace"), (os, "symlink"), (os, "unlink"), (os, "mkdir"), (os, "rmdir"),
                     (os, "chmod"), (shutil, "rmtree")]:
    setattr(module, name, _counted(name, getattr(module, name)))
_open = builtins.open


def _open_counted(file, mode="r", *args, **kwargs):
    if any(c in mode for c in "wax"):
        _counted("open", lambda: None)()
    return _open(file, mode, *args, **kwargs)


builtins.open = io.open = _open_counted

from mlkg.cli import main  # noqa: E402  (after the calls are counted)

code = main(sys.argv[2:])
print(calls, file=sys.stderr)
sys.exit(code)
