"""No landopt process runs code from the planner's working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_EVIL = "from pathlib import Path\nPath({marker!r}).write_text('imported')\nraise ImportError('decoy')\n"


@pytest.mark.slow
def test_python_m_landopt_never_imports_modules_from_the_working_directory(tmp_path: Path) -> None:
    """A ``highspy.py``/``pulp.py`` beside the planner's files is never imported by ``python -m landopt``."""
    work = tmp_path / "work"
    work.mkdir()
    markers = {}
    for name in ("numpy", "scipy", "pandas", "highspy", "pulp"):
        markers[name] = work / f"{name}.imported"
        (work / f"{name}.py").write_text(_EVIL.format(marker=str(markers[name])))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "landopt",
            "plan",
            str(ROOT / "data" / "scenarios" / "zhangdian-2023.toml"),
            "--out",
            str(tmp_path / "out"),
            "--no-maps",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert not [n for n, m in markers.items() if m.exists()]
