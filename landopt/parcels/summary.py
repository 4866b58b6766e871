"""Count a prepared parcel layer's parcels and mu by status and township."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landopt._fields import (
    STATUSES,
)
from landopt.parcels.area import compute_area_mu


def summarize_parcels(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Count parcels and mu by status, by township and by status and township.

    Parameters
    ----------
    gdf
        A prepared parcel layer (with ``status``; ``area_mu`` is computed when missing;
        ``township`` is optional).

    Returns
    -------
    dict
        ``"parcels"`` (int), ``"area_mu"`` (float); ``"by_status"``: a DataFrame indexed
        by status (in :data:`~landopt._fields.STATUSES` order, only those present) with
        columns ``parcels`` and ``area_mu``; ``"by_township"``: the same by township
        (``None`` when the layer has no ``township``; missing townships are ``"(none)"``);
        ``"by_status_township"``: ``area_mu`` as a table, townships as rows and statuses
        as columns, 0 where empty (``None`` without ``township``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> raw = gpd.GeoDataFrame(
    ...     {"parcel_id": ["A1", "A2"], "status": ["idle", "idle"]},
    ...     geometry=[box(589000, 4074000, 589100, 4074100), box(589200, 4074000, 589300, 4074100)],
    ...     crs="EPSG:4548",
    ... )
    >>> from landopt.parcels import prepare_parcels
    >>> s = summarize_parcels(prepare_parcels(raw))
    >>> s["parcels"], s["area_mu"], int(s["by_status"].loc["idle", "parcels"])
    (2, 30.0, 2)
    """
    area = gdf["area_mu"] if "area_mu" in gdf else compute_area_mu(gdf)
    area = pd.Series(np.asarray(area, dtype=float), index=gdf.index)
    status = gdf["status"].astype(object).where(gdf["status"].notna(), "(none)")
    frame = pd.DataFrame({"status": status, "area_mu": area})
    order = [s for s in STATUSES if s in set(status)] + sorted(set(status) - set(STATUSES))
    by_status = (
        frame.groupby("status", sort=False)["area_mu"]
        .agg(parcels="size", area_mu="sum")
        .reindex(order)
    )
    by_status.index.name = "status"
    out: dict[str, Any] = {
        "parcels": len(gdf),
        "area_mu": float(area.sum()),
        "by_status": by_status,
        "by_township": None,
        "by_status_township": None,
    }
    if "township" in gdf:
        township = gdf["township"].astype(object)
        township = township.where(township.notna() & (township.astype(str) != ""), "(none)")
        frame["township"] = township.astype(str)
        by_township = (
            frame.groupby("township")["area_mu"]
            .agg(parcels="size", area_mu="sum")
            .sort_values("area_mu", ascending=False, kind="stable")
        )
        out["by_township"] = by_township
        out["by_status_township"] = (
            frame.pivot_table(
                index="township", columns="status", values="area_mu", aggfunc="sum", fill_value=0.0
            )
            .reindex(index=by_township.index, columns=order, fill_value=0.0)
            .rename_axis(index="township", columns="status")
        )
    return out
