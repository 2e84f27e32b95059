"""Run the commands of the README's console blocks and show (or, with --update, write) their real output.

Each ``$ command`` line is run with a shell in the repository, with .venv/bin first on PATH; each block gets
a build folder of its own (a build in one block is not remembered by the next); the lines up to the next ``$``
are its output.  Blocks whose commands need files the README only describes are left alone.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)


def run_block(body: str, env: dict[str, str], cwd: Path) -> str | None:
    if "out of date" in body:  # a moment the README describes, not one to replay
        return None
    out = []
    for chunk in re.split(r"^(?=\$ )", body, flags=re.M):
        if not chunk.startswith("$ "):
            continue
        command = chunk.split("\n", 1)[0][2:]
        if re.search(r"\b(broken\.md|bad\.toml|empty\.md|serve|push|curl|make run|--open)\b|^cd ", command):
            return None
        done = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
        out.append(f"$ {command}\n{done.stderr}{done.stdout}")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args(argv)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    before = set(ROOT.iterdir())
    pieces, last, changed = [], 0, 0
    for m in BLOCK.finditer(text):
        build = tempfile.mkdtemp(prefix="readme-build-")
        env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}", "COLUMNS": "100",
               "MLKG_BUILD_DIR": build}
        new = run_block(m.group(1), env, ROOT)
        if new is not None:  # as a user's checkout would say it
            new = new.replace(f"file://{build}", "file:///home/you/mlkg/out").replace(build, "out")
            new = new.replace(str(ROOT), "/home/you/mlkg")
        pieces.append(text[last:m.start(1)])
        if new is not None and new != m.group(1):
            changed += 1
            sys.stdout.writelines(difflib.unified_diff(m.group(1).splitlines(True), new.splitlines(True),
                                                       "README", "real", n=1))
            pieces.append(new if args.update else m.group(1))
        else:
            pieces.append(m.group(1))
        last = m.end(1)
    pieces.append(text[last:])
    for made in set(ROOT.iterdir()) - before:  # what the commands wrote into the checkout (exports, maps, builds)
        if made.is_dir() and not made.is_symlink():
            shutil.rmtree(made)
        else:
            made.unlink()
    if args.update:
        readme.write_text("".join(pieces), encoding="utf-8")
    print(f"{changed} block(s) differ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
