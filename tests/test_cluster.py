"""The many-solve engine on real Dask clusters: a LocalCluster, and a scheduler and
workers started as separate processes on localhost; workers killed mid-run.

Every parallel result is compared with the serial one to the last digit: same plans,
same objectives, same order (only the measured ``solve_s`` differs).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from toy import toy_parcels, toy_scenario

import landopt
from landopt import cluster
from landopt.analysis import calibrate, replacement_costs, sweep
from landopt.errors import InputError
from landopt.plan import solve

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "scenarios" / "zhangdian-2023.toml"
#: eight points of the demo's clear-area target: each a solve of about a second
VARY = {"actions.clear.targets.area_min": [300.0, 360.0, 420.0, 480.0, 540.0, 600.0, 660.0, 720.0]}


def same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal to the last digit, in the same order, but for the measured solve times."""
    pd.testing.assert_frame_equal(
        a.drop(columns=["solve_s"]), b.drop(columns=["solve_s"]), check_exact=True
    )


@pytest.fixture(scope="module")
def demo():
    scenario = landopt.load_scenario(DEMO)
    parcels = landopt.read_parcels(scenario.parcels.path, **scenario.parcels.read_kwargs())
    return scenario, parcels


@pytest.fixture(scope="module")
def serial(demo):
    return sweep(*demo, VARY, jobs=1).table


def killer(client, log: list):
    """A progress callback that kills (SIGKILL) a worker busy with a point after the first
    point is done, and notes how many points were left then."""

    def progress(done: int, total: int) -> None:
        if done != 1 or log:
            return
        busy = [w for w, keys in client.processing().items() if keys]
        victim = busy[0] if busy else next(iter(client.scheduler_info()["workers"]))
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        log.append((victim, total - done))

    return progress


# ------------------------------------------------------------------ the serial engine
def test_serial_engine_maps_in_order_with_progress():
    seen = []
    with cluster.engine(1) as eng:
        assert eng.kind == "serial" and not eng.parallel and eng.workers == 1
        out = eng.map(
            lambda ctx, x: ctx + x, [3, 1, 2], context=10, progress=lambda d, n: seen.append((d, n))
        )
    assert out == [13, 11, 12]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_worker_cache_keeps_one_object_per_key_and_forgets_the_oldest():
    made = []
    for i in range(cluster.CACHE_SIZE + 1):
        cluster.worker_cache(("t", i), lambda i=i: made.append(i) or i)
    assert cluster.worker_cache(("t", 1), lambda: "new") == 1  # kept, not made again
    assert cluster.worker_cache(("t", 0), lambda: "new") == "new"  # the oldest went
    for i in range(cluster.CACHE_SIZE + 1):
        cluster.forget(("t", i))
    assert (
        cluster.token({"a": [1, 2]}) == cluster.token({"a": [1, 2]}) != cluster.token({"a": [2, 1]})
    )


def test_where_it_runs_first_match_wins(monkeypatch):
    sc = toy_scenario()
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    assert cluster.scheduler_address(None, sc) is None
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://10.0.0.3:8786")
    assert cluster.scheduler_address(None, sc) == "tcp://10.0.0.3:8786"
    with_table = sc.with_value("cluster.scheduler", "tcp://10.0.0.2:8786")
    assert with_table.cluster.scheduler == "tcp://10.0.0.2:8786"
    assert with_table.to_dict()["cluster"] == {"scheduler": "tcp://10.0.0.2:8786"}
    assert cluster.scheduler_address(None, with_table) == "tcp://10.0.0.2:8786"
    assert cluster.scheduler_address("tcp://10.0.0.1:8786", with_table) == "tcp://10.0.0.1:8786"


def test_a_scheduler_that_is_not_there_is_an_input_error(monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2.0)
    with (
        pytest.raises(InputError, match="Dask"),
        cluster.engine(scheduler=f"tcp://127.0.0.1:{port}"),
    ):
        pass


# ------------------------------------------------------------------ a LocalCluster
def test_local_cluster_gives_the_serial_tables_and_survives_a_killed_worker(demo, serial):
    toy_plan = solve(toy_scenario(), toy_parcels())
    rc_serial = replacement_costs(toy_plan, toy_parcels())
    from test_analysis import _row_min40

    row_s, row_layer = _row_min40()
    cal_serial = calibrate(row_s, row_layer, [0, 10, 50], jobs=1).table
    with cluster.engine(2) as eng:
        assert eng.kind == "local" and eng.workers == 2
        assert eng.address.startswith("tcp://127.0.0.1:")
        assert eng.dashboard is None  # no bokeh, and none opened
        workers = eng.client.scheduler_info()["workers"]
        assert all(w.startswith("tcp://127.0.0.1:") for w in workers)
        # no working directory on the workers' import path
        paths = eng.client.run(lambda: list(sys.path))
        assert all("" not in p for p in paths.values())

        r = sweep(*demo, VARY, engine=eng)
        assert r.jobs == 2 and r.reused_model == len(VARY["actions.clear.targets.area_min"])
        same_table(r.table, serial)

        pd.testing.assert_frame_equal(
            replacement_costs(toy_plan, toy_parcels(), engine=eng), rc_serial, check_exact=True
        )
        same_table(calibrate(row_s, row_layer, [0, 10, 50], engine=eng).table, cal_serial)

        killed: list = []
        again = sweep(*demo, VARY, engine=eng, progress=killer(eng.client, killed))
        assert killed and killed[0][1] >= 1  # a worker died with points still to solve
        same_table(again.table, serial)


def _where(ctx: tuple[int, str], i: int) -> tuple[int, int]:
    """Item ``i`` and the process that took it. In the calling process the first item waits
    until a worker has taken one (a flag file), so both must have worked, with no timing."""
    import time
    from pathlib import Path

    parent, flag = ctx
    if os.getpid() == parent:
        for _ in range(6000):  # 10 min at most: a worker that never comes fails the test
            if Path(flag).exists():
                break
            time.sleep(0.1)
    else:
        Path(flag).touch()
    return i, os.getpid()


def test_local_engine_of_n_jobs_is_this_process_and_n_minus_1_workers(tmp_path):
    """``jobs=2``: this process takes items too, from the same queue as the one worker;
    the results come back in the items' order whoever took them."""
    with cluster.engine(2) as eng:
        assert eng.workers == 2 and eng.solves_here
        out = eng.map(_where, list(range(6)), context=(os.getpid(), str(tmp_path / "flag")))
        assert len(eng.client.scheduler_info()["workers"]) == 1
    assert [i for i, _ in out] == list(range(6))
    pids = {pid for _, pid in out}
    assert os.getpid() in pids and len(pids) == 2


def _wait_for(path: Path) -> None:
    import time

    for _ in range(6000):  # 10 min at most: a step that never comes fails the test
        if path.exists():
            return
        time.sleep(0.1)
    raise AssertionError(f"{path.name} never appeared")


def _meet(ctx: tuple[int, str], i: int) -> tuple[int, int]:
    """Item 0 in this process returns once the worker has begun item 1; the worker's item 1
    returns once this process's idle work has run: so the idle work runs once the last
    item is handed out, while the calls still run, with no timing."""
    parent, folder = ctx
    if os.getpid() == parent:
        _wait_for(Path(folder) / "worker-began")
    else:
        (Path(folder) / "worker-began").touch()
        _wait_for(Path(folder) / "idle-ran")
    return i, os.getpid()


def test_this_process_does_its_idle_work_while_a_worker_ends_and_release_closes_the_cluster(
    tmp_path,
):
    """``when_idle``: run in a thread of this process once the last item is handed out,
    while the calls still run (a sweep imports matplotlib there for its plot); ``release``: the cluster closes
    in the background and the ``with`` block's end waits for it."""
    ran: list[int] = []

    def idle() -> None:
        ran.append(os.getpid())
        (tmp_path / "idle-ran").touch()

    with cluster.engine(2) as eng:
        eng.when_idle(idle)
        eng.when_idle(lambda: 1 / 0)  # a failing warm-up is dropped, not raised
        out = eng.map(_meet, [0, 1], context=(os.getpid(), str(tmp_path)))
        client = eng.client
        eng.release()
    assert [i for i, _ in out] == [0, 1]
    assert out[0][1] == os.getpid() != out[1][1]
    assert ran == [os.getpid()]
    assert client.status == "closed"


# ------------------------------------------------------------------ separate processes
@pytest.fixture
def processes(tmp_path):
    """A scheduler and two workers, each its own process on 127.0.0.1 (no nanny: a killed
    worker stays dead); yields the scheduler's address once both workers have joined."""
    from distributed import Client

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "DASK_LOGGING__DISTRIBUTED": "warning",
    }
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    file = tmp_path / "scheduler.json"
    py = [sys.executable, "-m"]
    started = [
        subprocess.Popen(
            [
                *py,
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--dashboard-address",
                "127.0.0.1:0",
                "--scheduler-file",
                str(file),
            ],
            cwd=tmp_path,
            env=env,
        )
    ]
    try:
        for _ in range(2):
            started.append(
                subprocess.Popen(
                    [
                        *py,
                        "distributed.cli.dask_worker",
                        "--scheduler-file",
                        str(file),
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                    ],
                    cwd=tmp_path,
                    env=env,
                )
            )
        # the workers wait for the file themselves; the client waits until both joined
        with Client(scheduler_file=str(file), timeout="120s") as client:
            client.wait_for_workers(2, timeout=180)
            address = client.scheduler.address
        yield address
    finally:
        for p in reversed(started):  # the workers first: they leave their scheduler quietly
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_separate_scheduler_and_workers_run_the_sweep_and_survive_a_killed_worker(
    processes, demo, serial, monkeypatch
):
    from distributed import Client

    with cluster.engine(scheduler=processes) as eng:
        assert eng.kind == "cluster" and eng.workers == 2 and eng.address == processes
        assert eng.dashboard is None  # the scheduler has no bokeh
        same_table(sweep(*demo, VARY, engine=eng).table, serial)
    # the scenario's [cluster] scheduler, and a worker killed mid-run
    scenario = demo[0].with_value("cluster.scheduler", processes)
    with Client(processes) as watcher:
        killed: list = []
        r = sweep(scenario, demo[1], VARY, progress=killer(watcher, killed))
        assert killed and killed[0][1] >= 1
        assert r.jobs == 2  # both there when it started
        same_table(r.table, serial)
    # DASK_SCHEDULER_ADDRESS: on the one worker left
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", processes)
    r = sweep(*demo, {"actions.clear.targets.area_min": [300.0, 480.0]})
    assert r.jobs == 1
    want = serial.iloc[[0, 3]].reset_index(drop=True)
    same_table(r.table.drop(columns="marginal"), want.drop(columns="marginal"))


# ------------------------------------------------------------------ the command line
def test_cli_sweep_on_a_local_cluster_runs_no_code_from_the_working_directory(tmp_path, serial):
    """``landopt sweep --jobs 2`` from a folder whose numpy.py and multiprocessing.py would
    leave a mark if imported: the command and its spawned workers import neither."""
    here = tmp_path / "here"
    here.mkdir()
    mark = tmp_path / "MARK"
    for name in ("numpy", "multiprocessing", "distributed"):
        (here / f"{name}.py").write_text(
            f"open({str(mark)!r}, 'a').write({name!r})\nraise ImportError('not this one')\n",
            encoding="utf-8",
        )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANDOPT_LANG": "en"}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "landopt",
            "sweep",
            str(DEMO),
            "--vary",
            "actions.clear.targets.area_min=300:420:60",
            "--jobs",
            "2",
            "--out",
            str(tmp_path / "o"),
        ],
        cwd=here,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert not mark.exists(), mark.read_text()
    assert "solving in 2 processes: this one and a local Dask worker" in out.stderr
    assert "dashboard" not in out.stderr.lower()
    assert " - INFO - " not in out.stderr  # Dask's own logging is quieted
    table = pd.read_csv(tmp_path / "o" / "sweep.csv", encoding="utf-8-sig")
    want = serial.iloc[[0, 1, 2]].reset_index(drop=True)
    assert table["status"].tolist() == want["status"].tolist()
    assert table["objective"].tolist() == want["objective"].tolist()
    assert table["mu_clear"].tolist() == want["mu_clear"].tolist()


def test_cli_compare_solves_its_scenarios_on_the_engine(tmp_path, capsys):
    """``landopt compare A B --jobs 2`` solves both scenarios on a local cluster and writes the
    same table as the serial run (in the inputs' order)."""
    from landopt.cli import main

    b = tmp_path / "b.toml"
    text = DEMO.read_text(encoding="utf-8").replace(
        'path = "../parcels.geojson"', f'path = "{(ROOT / "data" / "parcels.geojson").as_posix()}"'
    )
    text = text.replace('name = "zhangdian-2023"', 'name = "zhangdian-2023-b"')
    b.write_text(text.replace("{ count = 17, area_min = 560 }", "{ count = 17, area_min = 600 }"), encoding="utf-8")
    tables = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"c{jobs}"
        args = ["compare", str(DEMO), str(b), "--out", str(out), "--no-maps", "--jobs", jobs]
        assert main([*args, "--lang", "en"]) == 0
        tables[jobs] = pd.read_csv(out / "compare.csv", encoding="utf-8-sig")
    assert "solving in 2 processes: this one and a local Dask worker" in capsys.readouterr().err
    pd.testing.assert_frame_equal(tables["1"], tables["2"])
