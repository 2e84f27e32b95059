"""Build the seed map and save a screenshot of it for the README (docs/map.png).

Usage::

    .venv/bin/python scripts/screenshot.py [--concept stable-diffusion] [--no-path] [-o docs/map.png]

Uses the browser tooling of the test suite (tests/browser.py): Debian's
headless Chromium with every request but the page itself refused.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch, open_map  # noqa: E402

import mlkg  # noqa: E402
from mlkg.views.map import write_map  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default=str(ROOT / "data" / "13-generative-models.md"))
    parser.add_argument("--concept", default="stable-diffusion", help="Concept to select (its panel is shown).")
    parser.add_argument("--no-path", dest="path", action="store_false", help="Do not show its learning path.")
    parser.add_argument("--size", default="1600x900", help="Viewport, WIDTHxHEIGHT.")
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "map.png"))
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.split("x"))

    from playwright.sync_api import sync_playwright

    kg = mlkg.load(args.source)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = write_map(kg, Path(tmp) / "map.html")
        browser = launch(p)
        if browser is None:
            print("screenshot: chromium is not installed", file=sys.stderr)
            return 1
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        view = open_map(context, page_file, args.concept + ("&path" if args.path else ""))
        view.page.locator("#fit").click()
        view.page.wait_for_timeout(800)
        problems = view.blocked + view.errors + view.dialogs
        if problems:
            print(f"screenshot: the page was not clean: {problems}", file=sys.stderr)
            return 1
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        view.page.screenshot(path=args.output)
        browser.close()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
