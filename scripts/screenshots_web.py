"""Screenshots of every step of ``landopt serve`` in headless Chromium, with no network.

Run by hand (not in CI)::

    python scripts/screenshots_web.py docs/img/web

It runs the browser tests of ``tests/test_web_browser.py`` (the real server, a zipped GBK
Shapefile with Chinese columns → mapping → the 2023 targets → run → result, map and
summary.xlsx; a cancel; a diagnosis; the sign-in off localhost) with
``LANDOPT_SCREENSHOTS=FOLDER``, so the pictures are of exactly the path the tests check, and
lists the PNGs it wrote (whole pages, frames included). Needs chromium, chromedriver and
selenium, like the tests.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    """Take the screenshots into the folder given; return the tests' exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where the PNGs go (created if needed)")
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["LANDOPT_SCREENSHOTS"] = str(folder)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-o",
            "addopts=",  # not the notebooks (--nbmake): only the browser tests
            str(REPO / "tests" / "test_web_browser.py"),
        ],
        cwd=REPO,
        env=env,
    )
    for png in sorted(folder.glob("*.png")):
        print(f"{png}  {png.stat().st_size / 1000:,.0f} kB")
    return code


if __name__ == "__main__":
    sys.exit(main())
