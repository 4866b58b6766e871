"""Generate a synthetic province: many districts in the image of the demo district.

Each district is the demo generator's district (``scripts/make_demo_data.py``) drawn with
its own seed (``seed + k`` for the k-th district), moved in EPSG:4548 metres onto a grid so
that districts never overlap, and given a ``district_code`` (Shandong-style six digits,
``37CCNN``: city ``CC`` from 01, county ``NN`` 01–09 within it) and a ``district_name``.
Parcel ids are prefixed with the code (``370101-…``), so they are unique in the province.
The same (districts, parcels, seed) always gives the same layer.

Usage::

    python scripts/make_province.py --districts 137 --parcels 3000 --out out/province.parquet
    python scripts/make_province.py --districts 4 --parcels 60 --out out/tiny.geojson

This script is never imported by the landopt package (the tests import it by path).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
#: Metres between neighbouring districts' bounding boxes.
MARGIN_M = 2000.0
COUNTIES_PER_CITY = 9


def _demo() -> object:
    """scripts/make_demo_data.py as a module (it is not part of the package)."""
    name = "make_demo_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "make_demo_data.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def district_code(k: int) -> str:
    """The code of the k-th district (0-based): ``37CCNN``."""
    return f"37{k // COUNTIES_PER_CITY + 1:02d}{k % COUNTIES_PER_CITY + 1:02d}"


def generate_province(districts: int, parcels: int, seed: int = 2023) -> gpd.GeoDataFrame:
    """The province layer: ``districts`` districts of about ``parcels`` parcels each.

    Parameters
    ----------
    districts
        Number of districts (at least 1).
    parcels
        Parcels per district.
    seed
        Seed of the first district; district k uses ``seed + k``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the demo layer's fields plus ``district_code`` and ``district_name``.
    """
    demo = _demo()
    cols = max(1, math.ceil(math.sqrt(districts)))
    layers = []
    for k in range(districts):
        layer, _ = demo.generate(parcels, seed + k)
        layers.append(layer.to_crs(demo.WORK_CRS))
    width = max(float(lay.total_bounds[2] - lay.total_bounds[0]) for lay in layers) + MARGIN_M
    height = max(float(lay.total_bounds[3] - lay.total_bounds[1]) for lay in layers) + MARGIN_M
    x0, y0 = (float(v) for v in layers[0].total_bounds[:2])
    out = []
    for k, lay in enumerate(layers):
        row, col = divmod(k, cols)
        bx, by = (float(v) for v in lay.total_bounds[:2])
        dx, dy = x0 + col * width - bx, y0 - row * height - by
        geom = shapely.transform(
            lay.geometry.to_numpy(), lambda c, dx=dx, dy=dy: c + np.array([dx, dy])
        )
        code = district_code(k)
        table = pd.DataFrame(lay.drop(columns="geometry"))
        table["parcel_id"] = code + "-" + table["parcel_id"].astype(str)
        table.insert(0, "district_name", f"合成区{k + 1:03d}")
        table.insert(0, "district_code", code)
        out.append(gpd.GeoDataFrame(table, geometry=geom, crs=demo.WORK_CRS))
    province = pd.concat(out, ignore_index=True).to_crs(demo.OUT_CRS)
    province.geometry = shapely.transform(
        province.geometry.to_numpy(), lambda c: np.round(c, demo.DECIMALS)
    )
    return gpd.GeoDataFrame(province, geometry="geometry", crs=demo.OUT_CRS)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--districts", type=int, default=137, help="number of districts (137)")
    parser.add_argument("--parcels", type=int, default=3000, help="parcels per district (3000)")
    parser.add_argument("--seed", type=int, default=2023, help="seed of the first district")
    parser.add_argument("--out", type=Path, required=True,
                        help="the layer, .geojson/.gpkg/.parquet/.fgb")  # fmt: skip
    args = parser.parse_args(argv)
    if args.districts < 1 or args.parcels < 1:
        parser.error("--districts and --parcels must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Generate and write the province."""
    args = parse_args(argv)
    t = time.perf_counter()
    layer = generate_province(args.districts, args.parcels, args.seed)
    _demo().write_layer(layer, args.out)
    print(
        f"{args.districts} districts, {len(layer):,} parcels in {time.perf_counter() - t:.1f} s: {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
