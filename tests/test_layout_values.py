"""The written layer keeps each planner column's values and dtype, whatever its kind.

:func:`landopt.parcels.layout.planner_layer` takes texts, plain numbers and booleans by
their own arrays (no round trip through Python objects), and nullable integers too (a
programme's years stay integers with missing values, not reals); every other kind goes
through NumPy as before, with the same values and dtypes NumPy gave.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from landopt.parcels.layout import ORIGINAL_ATTR, planner_layer, record_original


def canonical(n: int = 6) -> gpd.GeoDataFrame:
    ids = pd.Series([f"P{k}" for k in range(n)])
    original = pd.DataFrame(
        {
            "编号": ids.to_numpy(dtype=object),
            "text": pd.array(["a", None, "c", "d", "e", "f"][:n], dtype="str"),
            "float": np.linspace(0, 1, n),
            "int": np.arange(n, dtype="int64"),
            "bool": np.arange(n) % 2 == 0,
            "mixed": np.array([1, "x", None, 2.5, "y", 3][:n], dtype=object),
            "category": pd.Categorical(["u", "v", "u", "w", "v", "u"][:n]),
            "nullable": pd.array([1, None, 3, 4, 5, 6][:n], dtype="Int64"),
            "when": pd.date_range("2023-01-01", periods=n, tz="Asia/Shanghai"),
        }
    )
    gdf = gpd.GeoDataFrame(
        {
            "parcel_id": ids,
            "action": pd.array(["none", "clear"] * (n // 2), dtype="str"),
            "action_label": pd.array(["", "出清"] * (n // 2), dtype="str"),
            "eligible_actions": pd.array(["clear"] * n, dtype="str"),
            "area_mu": np.full(n, 15.0),
            "action_alt1": np.array(["none"] * n, dtype=object),
        },
        geometry=[box(k * 100, 0, k * 100 + 90, 90) for k in range(n)],
        crs="EPSG:4548",
    )
    gdf.attrs[ORIGINAL_ATTR] = record_original(original, {"编号": "parcel_id"}, ids)
    return gdf


def by_numpy(parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    """The attributes as the NumPy route built them: every column's ``to_numpy()``."""
    orig = parcels.attrs[ORIGINAL_ATTR]
    pos = orig.frame.index.get_indexer(parcels["parcel_id"].astype(str))
    def values(col: pd.Series) -> object:
        if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and col.dtype.kind in "iu":
            return col.array[pos]  # nullable integers stay integers
        return col.to_numpy()[pos]

    data = {c: values(orig.frame[c]) for c in orig.columns}
    for f, name in (
        ("action_label", "措施"),
        ("action", "措施代码"),
        ("eligible_actions", "可选措施"),
        ("area_mu", "面积_亩"),
        ("action_alt1", "action_alt1"),
    ):
        data[name] = parcels[f].to_numpy()
    return pd.DataFrame(data, index=parcels.index)


@pytest.mark.parametrize("rows", [slice(None), slice(None, None, -1), [4, 1, 2]])
def test_every_kind_of_column_is_written_as_numpy_wrote_it(rows):
    parcels = canonical().iloc[rows]
    layer, layout = planner_layer(parcels, "zh")
    got = pd.DataFrame(layer.drop(columns=layer.geometry.name))
    want = by_numpy(parcels)
    pd.testing.assert_frame_equal(got, want)
    assert layout["results"]["措施代码"] == "action"


def test_a_parcel_added_since_reading_gets_landopts_value():
    parcels = canonical()
    parcels.loc[parcels.index[0], "parcel_id"] = "NEW"
    layer, _ = planner_layer(parcels, "en")
    assert layer["编号"].iloc[0] == "NEW" and pd.isna(layer["text"].iloc[0])
    assert list(layer["text"].iloc[2:]) == ["c", "d", "e", "f"]
