"""Write docs/formulation.md: the whole model on one page, from the code's docstrings.

Usage::

    python scripts/make_formulation.py

The page is generated (``landopt.rules.formulation_markdown``) so that the math stays
where the rows are written; ``tests/test_docs.py`` fails when it is out of date.
"""

from __future__ import annotations

from pathlib import Path

from landopt.rules import formulation_markdown

OUT = Path(__file__).resolve().parents[1] / "docs" / "formulation.md"

if __name__ == "__main__":
    OUT.write_text(formulation_markdown(), encoding="utf-8")
    print(f"wrote {OUT}")
