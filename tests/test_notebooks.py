"""The committed notebooks: what scripts/make_notebooks.py writes, executed, with stable outputs.

CI executes the notebooks themselves with nbmake; these tests only read the stored files, so
they catch a notebook edited by hand (or not regenerated after its cells changed), one
committed without outputs, and outputs that would churn or leak the machine's paths.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_notebooks.py"


def _script() -> ModuleType:
    """Import scripts/make_notebooks.py as a module."""
    spec = importlib.util.spec_from_file_location("make_notebooks", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT_MODULE = _script()
NAMES = [name for name, _ in SCRIPT_MODULE.NOTEBOOKS]


def _text_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Every text an output shows (streams, plain text, HTML, errors), not the images."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                texts.append(out.text)
            elif out.output_type == "error":
                texts.append(f"{out.ename}: {out.evalue}")
            else:
                data = out.get("data", {})
                texts.extend(data[k] for k in ("text/plain", "text/html") if k in data)
    return texts


def test_the_first_notebook_is_your_own_data() -> None:
    """The bureau user's notebook sorts first in notebooks/."""
    stored = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert stored == sorted(NAMES)
    assert stored[0] == "00_your_own_data.ipynb"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_matches_its_cells(name: str) -> None:
    """The stored notebook's cells are the script's (regenerate: python scripts/make_notebooks.py)."""
    cells = dict(SCRIPT_MODULE.NOTEBOOKS)[name]
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown" if kind == "md" else "code", src) for kind, src in cells
    ], f"{name} differs from scripts/make_notebooks.py: run python scripts/make_notebooks.py"
    assert [c.id for c in nb.cells] == [f"cell-{i:02d}" for i in range(len(cells))]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_executed_with_figures(name: str) -> None:
    """Every code cell ran, in order, without error, and the figures are in the file."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, f"{name} has no figure stored"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_outputs_are_stable(name: str) -> None:
    """No timing metadata, temporary or absolute paths, or solver banner in the outputs."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    for cell in nb.cells:
        assert "execution" not in cell.metadata, f"{name} {cell.id}: timing metadata"
    text = "\n".join(_text_outputs(nb))
    for pattern in (r"/tmp/", r"\btmp[a-z0-9_]{8}\b", r"landopt-stage", re.escape(str(ROOT))):
        assert not re.search(pattern, text), f"{name}: {pattern} in the outputs"
    assert "Running HiGHS" not in text
