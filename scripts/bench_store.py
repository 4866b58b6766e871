"""Time the run store: opening a fresh store, one run's start + finish, concurrent writers.

Usage::

    python scripts/bench_store.py [--runs 200] [--procs 4] [--pg postgresql://…]

Prints one line per measurement (medians where repeated). Not run in CI; BENCHMARKS.md
keeps the figures ("The run store").
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

from landopt.store import RunStore

SUMMARY = [
    {"action": a, "plots": 17, "mu": 563.1, "cost_wan": 2221.0, "met": True}
    for a in ("clear", "revitalize", "upgrade", "total")
]
SCENARIO = {"name": "bench", "actions": {"clear": {"targets": {"count": 17, "area_min": 560}}}}

WRITER = textwrap.dedent(
    """
    import sys
    from landopt.store import RunStore
    store = RunStore(sys.argv[1], schema=sys.argv[2] or None)
    for k in range(int(sys.argv[3])):
        run = store.start(kind="plan", name=f"p{k}", scenario={"k": k})
        store.finish(run, status="done", summary=[{"action": "clear", "mu": k}])
    """
)


def bench(url: str, schema: str | None, runs: int, procs: int) -> None:
    t = time.perf_counter()
    store = RunStore(url, schema=schema)
    print(f"  open + migrate a fresh store: {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    RunStore(url, schema=schema).close()
    print(f"  open a store at head: {time.perf_counter() - t:.3f} s")
    each = []
    for _ in range(runs):
        t = time.perf_counter()
        run = store.start(kind="plan", name="b", scenario=SCENARIO, inputs={"a.gpkg": "0" * 64})
        store.finish(run, status="done", summary=SUMMARY, outputs={"plan.gpkg": "1" * 64})
        each.append(time.perf_counter() - t)
    print(f"  start + finish, median of {runs}: {statistics.median(each) * 1000:.1f} ms")
    t = time.perf_counter()
    store.list(limit=50)
    print(f"  list 50 of {store.count()}: {(time.perf_counter() - t) * 1000:.1f} ms")
    before = store.count()
    t = time.perf_counter()
    ps = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, schema or "", str(runs)])
        for _ in range(procs)
    ]
    codes = [p.wait() for p in ps]
    wall = time.perf_counter() - t
    got = store.count() - before
    print(
        f"  {procs} processes x {runs} runs: {wall:.1f} s wall (with start-up), "
        f"{got}/{procs * runs} recorded, exit codes {codes}"
    )
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument(
        "--pg", help="a PostgreSQL URL to measure too (a fresh schema is used and dropped)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite (WAL):")
        bench(f"sqlite:///{Path(tmp) / 'runs.sqlite'}", None, args.runs, args.procs)
    if args.pg:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        print(f"PostgreSQL (schema {schema}):")
        try:
            bench(args.pg, schema, args.runs, args.procs)
        finally:
            store = RunStore(args.pg, schema=schema)
            with store.engine.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            store.close()


if __name__ == "__main__":
    main()
