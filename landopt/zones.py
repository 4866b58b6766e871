"""Zones and touching rules: where actions are forbidden, favoured or must touch something.

A scenario's ``[[spatial.zones]]`` are polygons from a layer file, a park of the district
outlines (``district.geojson`` beside the parcel layer, or ``[spatial] district``), or a
buffer around parcels of given land uses (e.g. 100 m around housing)::

    [[spatial.zones]]
    name = "housing buffer"
    kind = "exclude"                 # forbid the actions on parcels touching the zone
    around_landuse = ["0701"]
    buffer_m = 100
    actions = ["clear"]              # default: every action

    [[spatial.zones]]
    name = "economic development zone"
    kind = "priority"                # favour the actions inside the zone
    park = "张店经济开发区"
    bonus_wan_per_mu = 2.0           # objective bonus per mu chosen inside
    min_share = 0.3                  # at least 30 % of each action's mu inside

``[spatial] touch = { clear = ["cleared", "park:张店经济开发区"] }`` keeps an action to
parcels that share boundary with land of an inner status (``"cleared"``) or lie in a
named park or zone.

Membership: a parcel is *in* a zone when at least half its area lies inside; it is
*touched* by an exclusion zone when more than 1 % of its area lies inside. Exclusions and
touching rules narrow eligibility (:func:`landopt.prepare.effective_eligibility`, computed
once in the prepared problem), so the model and the summary see the same candidates;
priority bonuses and shares are written into the model by
:mod:`landopt.rules.priority_zones`. This module measures zones on the geometry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landopt.errors import InputError
from landopt.scenario import Scenario, Zone

__all__ = [
    "IN_ZONE_SHARE",
    "TOUCH_ZONE_SHARE",
    "touch_mask",
    "zone_membership",
    "zone_polygons",
]

log = logging.getLogger(__name__)

#: Share of a parcel's area inside a zone for it to count as in the zone.
IN_ZONE_SHARE = 0.5
#: Share of a parcel's area inside an exclusion zone for the exclusion to apply.
TOUCH_ZONE_SHARE = 0.01


def zone_polygons(zone: Zone, parcels: gpd.GeoDataFrame, scenario: Scenario) -> Any:
    """The zone as one (multi)polygon in the parcels' CRS."""
    if zone.path is not None:
        layer = _read_layer(str(zone.path)).to_crs(parcels.crs)
        return shapely.union_all(layer.geometry.to_numpy())
    if zone.park is not None:
        outlines = _district(scenario, parcels)
        parks = (
            outlines[(outlines.get("kind") == "park") & (outlines["name"] == zone.park)]
            if outlines is not None
            else None
        )
        if parks is None or not len(parks):
            names = (
                sorted(outlines.loc[outlines.get("kind") == "park", "name"])
                if outlines is not None and "kind" in outlines
                else []
            )
            raise InputError(
                f"zone {zone.name!r}: no park named {zone.park!r} in the district outlines"
                + (
                    f"; parks are: {', '.join(names)}"
                    if names
                    else " (no district.geojson found beside the parcel layer; set [spatial] district)"
                )
            )
        return shapely.union_all(parks.to_crs(parcels.crs).geometry.to_numpy())
    codes = [str(c) for c in zone.around_landuse]
    if "landuse_code" not in parcels.columns:
        raise InputError(
            f"zone {zone.name!r} buffers land uses, but the parcel layer has no landuse_code column"
        )
    src = parcels.geometry[parcels["landuse_code"].astype(str).isin(codes)].to_numpy()
    if not len(src):
        log.warning(
            "zone %r: no parcel has land use %s; the zone is empty", zone.name, ", ".join(codes)
        )
        return shapely.Polygon()
    return shapely.union_all(shapely.buffer(src, zone.buffer_m))


def zone_membership(zone: Zone, parcels: gpd.GeoDataFrame, scenario: Scenario) -> np.ndarray:
    """Share of each parcel's area inside the zone (0–1)."""
    poly = zone_polygons(zone, parcels, scenario)
    geoms = parcels.geometry.to_numpy()
    share = np.zeros(len(parcels))
    if poly.is_empty:
        return share
    shapely.prepare(poly)
    hit = shapely.intersects(poly, geoms)
    if zone.around_landuse:
        # the source parcels themselves are not "in" their own buffer zone
        hit &= (
            ~parcels["landuse_code"]
            .astype(str)
            .isin([str(c) for c in zone.around_landuse])
            .to_numpy()
        )
    idx = np.flatnonzero(hit)
    area = shapely.area(geoms[idx])
    inter = shapely.area(shapely.intersection(geoms[idx], poly))
    share[idx] = np.divide(inter, area, out=np.zeros(len(idx)), where=area > 0)
    return share


def touch_mask(
    target: str,
    parcels: gpd.GeoDataFrame,
    scenario: Scenario,
    members: dict[str, np.ndarray],
    adjacency: Callable[[], Any] | None = None,
) -> np.ndarray:
    """Parcels that satisfy one touching target: ``"cleared"``, ``"park:NAME"`` or ``"zone:NAME"``.

    ``adjacency`` returns the layer's adjacency (the prepared problem's); computed here
    when not given.
    """
    if target == "cleared":
        inner = parcels["status"].astype(str).isin(scenario.spatial.inner_status).to_numpy()
        if adjacency is None:
            from landopt.adjacency import adjacency as build

            adj = build(parcels, tolerance=scenario.spatial.tolerance_m)
        else:
            adj = adjacency()
        out = np.zeros(len(parcels), dtype=bool)
        out[adj.i[inner[adj.j]]] = True
        out[adj.j[inner[adj.i]]] = True
        return out
    kind, _, name = target.partition(":")
    if kind == "zone":
        return members[name] >= IN_ZONE_SHARE
    if kind == "park":
        z = Zone(name=target, kind="priority", park=name)
        return zone_membership(z, parcels, scenario) >= IN_ZONE_SHARE
    raise InputError(f"touch target {target!r}: use 'cleared', 'park:NAME' or 'zone:NAME'")


def _district(scenario: Scenario, parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    path = scenario.spatial.district
    if path is None and scenario.parcels is not None and scenario.parcels.folder is not None:
        guess = scenario.parcels.folder / "district.geojson"
        path = guess if guess.is_file() else None
    if path is None:
        return None
    return _read_layer(str(path))


@lru_cache(maxsize=8)
def _read_layer(path: str) -> gpd.GeoDataFrame:
    try:
        return gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # a one-line error naming the file
        raise InputError(f"{path}: cannot read the zone layer ({exc})") from None
