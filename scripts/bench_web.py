"""A bounded load test of ``landopt serve`` (run by hand; see BENCHMARKS.md).

Usage::

    python scripts/bench_web.py --clients 20 --runs-each 1 --jobs 2

Starts ``landopt serve`` in its own process on a free port of 127.0.0.1 with a fresh data
folder and SQLite run store, uploads the demo layer, then ``--clients`` threads (each its own
session and CSRF token) submit ``--runs-each`` runs of the 2023 scenario and poll them every
second until they end, while every client also loads the run history page. Prints the
latency of the pages (p50, p95, max) while runs solve, and checks that every run submitted
ended ``done``: none lost, none left queued.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "parcels.geojson"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _csrf(client: httpx.Client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def _form(page: str) -> dict[str, str]:
    body = re.search(r'<form id="scenario-form".*?</form>', page, re.S).group(0)
    values = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" value="([^"]*)"', body))
    values.update(re.findall(r'name="(csrf_token)" value="([^"]+)"', body))
    for name, options in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        sel = re.search(r'<option value="([^"]*)" selected>', options)
        values[name] = sel.group(1) if sel else ""
    return values


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--runs-each", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, LANDOPT_STORE_URL=f"sqlite:///{tmp / 'runs.sqlite'}", PYTHONSAFEPATH="1")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "landopt",
            "serve",
            "--port",
            str(port),
            "--data",
            str(tmp / "data"),
            "--jobs",
            str(args.jobs),
        ],
        env=env,
        cwd=tmp,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=60) as c:
            r = c.post(
                "/layers",
                data={"csrf_token": _csrf(c, "/layers/new")},
                files={"file": ("parcels.geojson", DEMO.read_bytes())},
            )
            layer = r.headers["location"].rsplit("/", 1)[1]
        latencies: list[float] = []
        ended: dict[str, str] = {}
        lock = threading.Lock()
        started = time.perf_counter()

        def client() -> None:
            with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as c:
                form = _form(c.get(f"/layers/{layer}/scenario").text) | {"do": "run"}
                ids = []
                for _ in range(args.runs_each):
                    r = c.post(f"/layers/{layer}/scenario", data=form)
                    ids.append(r.headers["location"].rsplit("/", 1)[1])
                while ids:
                    for run in list(ids):
                        t0 = time.perf_counter()
                        info = c.get(f"/api/runs/{run}").json()
                        t1 = time.perf_counter()
                        c.get("/")
                        t2 = time.perf_counter()
                        with lock:
                            latencies.extend([t1 - t0, t2 - t1])
                        if info["ended"]:
                            with lock:
                                ended[run] = info["status"]
                            ids.remove(run)
                    time.sleep(1)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - started
        q = statistics.quantiles(latencies, n=20)
        n_runs = args.clients * args.runs_each
        statuses = {s: list(ended.values()).count(s) for s in set(ended.values())}
        print(
            f"{args.clients} clients, {n_runs} runs, --jobs {args.jobs}: all ended in {wall:.1f} s; "
            f"statuses {statuses}; {len(latencies)} page loads: p50 {statistics.median(latencies) * 1e3:.0f} ms, "
            f"p95 {q[18] * 1e3:.0f} ms, max {max(latencies) * 1e3:.0f} ms"
        )
        if len(ended) != n_runs or set(ended.values()) != {"done"}:
            sys.exit("runs lost or not done")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
