"""How far two labellers agree: ``python scripts/agreement.py [tests/agreement] [tests/gold]``.

Each second labelling (a ``.gold`` file in the first folder) is paired with the file of the same name in the
second folder or below it (``tests/gold/heldout/29-….gold``), and gives the second labeller's links and
``requires`` scored against the first's, and how many of the pairs both found both typed alike.  It prints
numbers only: a held-out section's disagreements are not for reading while tuning.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlkg.errors import InputError  # noqa: E402
from mlkg.views.evaluate import agreement, read_gold  # noqa: E402


def main(second: Path = ROOT / "tests" / "agreement", first: Path = ROOT / "tests" / "gold") -> int:
    for folder in (second, first):
        if not folder.is_dir():
            print(f"{folder}: no such folder of .gold files", file=sys.stderr)
            return 2
    try:
        return _table(second, first)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2


def _table(second: Path, first: Path) -> int:
    firsts = {p.name: p for p in sorted(first.rglob("*.gold")) if second.resolve() not in p.resolve().parents}
    print(f"{'section':<34} {'links P':>7} {'R':>5} {'F1':>5}  {'requires P':>10} {'R':>5}  {'same type':>9}")
    for path in sorted(second.glob("*.gold")):
        if path.name not in firsts:
            print(f"{path}: no first labelling of the same name under {first}", file=sys.stderr)
            return 2
        a = agreement(read_gold(firsts[path.name]), read_gold(path))
        links, req, same = a["links"], a["requires"], a["same_type"]
        print(f"{path.stem:<34} {_score(links['precision'], 7)} {_score(links['recall'], 5)} "
              f"{_score(links['f1'], 5)}  {_score(req['precision'], 10)} {_score(req['recall'], 5)}  "
              f"{same['alike']:>5}/{same['pairs']}")
    return 0


def _score(value: float | None, width: int) -> str:
    """A score, or "–" where there is nothing to score it on (no pair labelled by one of the two)."""
    return f"{'–' if value is None else f'{value:.2f}':>{width}}"


if __name__ == "__main__":
    raise SystemExit(main(*map(Path, sys.argv[1:3])))
