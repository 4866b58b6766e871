"""One web run, in its own process: ``python -m landopt.web._child RUN_DIR RUN_ID``.

Started by :mod:`landopt.web.jobs` with ``cwd = RUN_DIR`` and ``PYTHONSAFEPATH=1`` (nothing
is imported from the run folder). It reads ``RUN_DIR/scenario.toml``, solves it and writes
the plan folder ``RUN_DIR/plan`` (the files of ``landopt plan``: plan.gpkg, summary.csv,
summary.xlsx, run.json, plan.png, plan.html, report.html), all inside the store run
``RUN_ID`` (status ``running`` → ``done``/``infeasible``/``failed``). It writes
``progress.json`` (its stage) as it goes, ``diagnosis.txt`` when the targets cannot be
met (the text of :class:`~landopt.errors.TargetsUnmetError`) and ``error.txt`` when the
run fails. The parent kills it to cancel: nothing half-written is ever shown, since the
plan folder appears whole or not at all (:func:`landopt.write_plan`).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

__all__ = ["main"]


def _progress(run_dir: Path, stage: str) -> None:
    from landopt._atomic import atomic_file

    with atomic_file(run_dir / "progress.json") as tmp:
        tmp.write_text(json.dumps({"stage": stage, "at": time.time()}), encoding="utf-8")


def _write_text(path: Path, text: str) -> None:
    from landopt._atomic import atomic_file

    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the web run in ``argv = [RUN_DIR, RUN_ID]``; return the exit code (0, 2, 3, 1)."""
    run_dir, run_id = (argv if argv is not None else sys.argv[1:])[:2]
    run = Path(run_dir).resolve()

    from landopt.errors import LandoptError, TargetsUnmetError
    from landopt.i18n import set_current_lang
    from landopt.parcels import _messages
    from landopt.plan import solve, write_plan
    from landopt.report import plan_outputs
    from landopt.scenario import load_scenario
    from landopt.store.record import recording, set_origin

    set_origin("web")
    lang = os.environ.get("LANDOPT_WEB_LANG", "zh")
    set_current_lang(lang)
    _messages.LANG = lang
    try:
        with recording("plan", run_id=run_id) as rec:
            _progress(run, "reading")
            scenario = load_scenario(run / "scenario.toml")
            rec.update(name=scenario.name, scenario=scenario.to_dict())
            _progress(run, "solving")
            try:
                plan = solve(scenario)
            except TargetsUnmetError as exc:
                _write_text(run / "diagnosis.txt", str(exc))
                raise
            _progress(run, "writing")
            write_plan(plan, run / "plan", extra=plan_outputs(plan, lang=lang, dpi=150))
            _progress(run, "done")
    except TargetsUnmetError:
        _progress(run, "done")
        return 3
    except LandoptError as exc:
        _write_text(run / "error.txt", str(exc))
        _progress(run, "done")
        return exc.exit_code
    except Exception as exc:
        _write_text(run / "error.txt", f"{type(exc).__name__}: {exc}")
        _progress(run, "done")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
