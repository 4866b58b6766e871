"""Options and helpers that several subcommands share: the parcel layer, CSV output, disk room.

:func:`add_parcel_options` and :func:`read_parcels_from_args` give any subcommand the same
parcel-reading options as ``validate``. Commands call ``options.read_parcels_from_args``
through this module, so a test can replace it in one place.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from landopt.cli._console import ui_lang
from landopt.i18n import t

__all__ = [
    "add_engine_options",
    "add_parcel_options",
    "atomic_csv",
    "done_from_args",
    "engine_from_args",
    "input_bytes",
    "key_value",
    "read_parcels_from_args",
]


def key_value(option: str, what: str) -> Callable[[str], tuple[str, str]]:
    """An argparse type for ``KEY=VALUE``; ``what`` says what is wanted, with an example."""

    def parse(text: str) -> tuple[str, str]:
        key, sep, value = text.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise argparse.ArgumentTypeError(
                t("cli.options.key_value_bad", ui_lang(), option=option, what=what, got=repr(text))
            )
        return key.strip(), value.strip()

    return parse


def add_parcel_options(parser: argparse.ArgumentParser, *, positional: bool = True) -> None:
    """Add the parcel-layer options of ``validate`` (and later subcommands) to ``parser``."""
    lg = ui_lang()
    if positional:
        parser.add_argument("parcels", metavar="PARCELS", help=t("cli.options.parcels", lg))
    parser.add_argument("--layer", help=t("cli.options.layer", lg))
    parser.add_argument("--encoding", help=t("cli.options.encoding", lg))
    parser.add_argument(
        "--map",
        dest="columns",
        metavar="SRC=FIELD",
        action="append",
        type=key_value("--map", t("cli.options.map_wants", lg)),
        default=[],
        help=t("cli.options.map", lg),
    )
    parser.add_argument(
        "--status-map",
        dest="status_values",
        metavar="VALUE=STATUS",
        action="append",
        type=key_value("--status-map", t("cli.options.status_map_wants", lg)),
        default=[],
        help=t("cli.options.status_map", lg),
    )
    parser.add_argument("--crs", help=t("cli.options.crs", lg))
    parser.add_argument("--repair", action="store_true", help=t("cli.options.repair", lg))


def read_parcels_from_args(args: argparse.Namespace) -> Any:
    """Read the parcel layer named by the options of :func:`add_parcel_options`."""
    from landopt.parcels import read_parcels

    return read_parcels(
        args.parcels,
        layer=args.layer,
        encoding=args.encoding,
        columns=dict(args.columns) or None,
        status_values=dict(args.status_values) or None,
        crs=args.crs,
        repair=args.repair,
        ledger=getattr(args, "ledger", None),  # from the scenario's [parcels] ledger
        ledger_key=getattr(args, "ledger_key", None),
        table=getattr(args, "table", None),  # from the scenario's [parcels] url
        sql=getattr(args, "sql", None),
        geometry_column=getattr(args, "geometry_column", None),
    )


def done_from_args(args: argparse.Namespace, scenario: Any) -> Any:
    """The record of what was done: ``--done FOLDER`` (relative to the working folder), else
    the scenario's ``[programme] done`` (relative to the scenario file), else None.

    A path: :func:`landopt.plan.solve` reads it with the parcel layer
    (:func:`landopt.done.read_done`) before the model is built.
    """
    from pathlib import Path

    from landopt.done import done_folder

    given = getattr(args, "done", None)
    return Path(given) if given else done_folder(scenario)


def input_bytes(path: Any) -> int:
    """Free space a plan from this parcel layer needs, about: twice the layer, plus 20 MB.

    GeoParquet is compressed: 7.2 MB at 100k parcels give a 43 MB plan.gpkg (measured), so 8×.
    """
    from pathlib import Path

    from landopt._pg import is_db_url

    total = 0
    if path and not is_db_url(str(path)):
        p = Path(path)
        files = [p] if p.suffix.lower() != ".shp" else list(p.parent.glob(p.stem + ".*"))
        for f in files:
            with contextlib.suppress(OSError):
                total += f.stat().st_size
    factor = 8 if path and str(path).lower().endswith((".parquet", ".geoparquet")) else 2
    return factor * total + (20 << 20)


def atomic_csv(df: Any, path: Any) -> None:
    """Write a CSV (UTF-8 with BOM, for Excel) by renaming a finished temporary file."""
    from landopt._atomic import atomic_file

    with atomic_file(path) as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8-sig")


# --- cluster: --jobs and --scheduler of the commands that solve many
def add_engine_options(parser: Any) -> None:
    """``--jobs N`` and ``--scheduler ADDR`` (a parser or an argument group)."""
    lg = ui_lang()
    parser.add_argument("--jobs", type=int, metavar="N", help=t("cluster.jobs", lg))
    parser.add_argument("--scheduler", metavar="ADDR", help=t("cluster.scheduler", lg))


@contextlib.contextmanager
def engine_from_args(args: argparse.Namespace, scenario: Any, n: int) -> Iterator[Any]:
    """The many-solve engine of a command (:func:`landopt.cluster.engine`) for ``n`` solves.

    ``--jobs`` defaults to the machine's cores, at most ``n``. Says on stderr where the
    solves run, and the Dask dashboard's link when the cluster serves one.
    """
    from landopt import cluster
    from landopt.cli._console import err

    if args.jobs is not None and args.jobs < 1:
        from landopt.errors import InputError

        raise InputError(t("cluster.jobs_bad", ui_lang(), got=args.jobs))
    jobs = max(1, min(args.jobs or os.cpu_count() or 1, max(1, n)))
    with cluster.engine(jobs, args.scheduler, scenario=scenario) as eng:
        lg = ui_lang()
        if eng.kind == "local":
            key = "cluster.on_local_one" if eng.workers == 2 else "cluster.on_local"
            err(t(key, lg, n=eng.workers, m=eng.workers - 1))
        elif eng.kind == "cluster":
            err(t("cluster.on_cluster", lg, address=eng.address, n=eng.workers))
        if eng.dashboard:
            err(t("cluster.dashboard", lg, link=eng.dashboard))
        yield eng
