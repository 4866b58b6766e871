"""Choose the CRS parcel areas are measured in, and measure them in mu.

Refuses what cannot be measured (no CRS, Web Mercator, swapped or mislabelled
coordinates), warns when a projected layer lies outside its CRS's area of use, and
otherwise picks the working CRS (see :func:`area_crs_for`).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from landopt._fields import (
    DEFAULT_AREA_CRS,
    DEFAULT_AREA_CRS_LON,
    SQM_PER_MU,
)
from landopt.errors import InputError, Problem
from landopt.parcels._messages import msg
from landopt.parcels.read import _one_line

#: Latitudes (°N) of the centre of data for which the default (Chinese) area CRS is used.
_DEFAULT_AREA_CRS_LAT: tuple[float, float] = (3.0, 54.0)

_WEB_MERCATOR_CODES = frozenset({"3857", "900913", "3785", "3587", "102100", "102113", "41001"})


def area_crs_for(gdf: gpd.GeoDataFrame | gpd.GeoSeries, crs: Any = None) -> CRS:
    """Choose the projected CRS in which parcel areas are computed (the working CRS).

    In order: the CRS you name; the layer's own CRS when it is projected in metres (e.g.
    EPSG:4548, EPSG:4527, a UTM zone); EPSG:4548 (CGCS2000 Gauss-Krüger, 117°E) when the
    centre of the data lies in 115.5-118.5°E in China; otherwise the local UTM zone
    (:meth:`geopandas.GeoSeries.estimate_utm_crs`).

    Parameters
    ----------
    gdf
        The parcels (only the CRS and the bounds are used).
    crs
        A projected CRS in metres to use instead; anything
        :meth:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    InputError
        The layer has no CRS, is in Web Mercator, its coordinates do not fit its CRS, or
        ``crs`` is not a projected CRS in metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> area_crs_for(gpd.GeoSeries([Point(118.0, 36.8)], crs="EPSG:4490")).to_string()
    'EPSG:4548'
    >>> area_crs_for(gpd.GeoSeries([Point(10.0, 50.0)], crs="EPSG:4326")).to_string()
    'EPSG:32632'
    """
    geoms = gdf.geometry.values if isinstance(gdf, gpd.GeoDataFrame) else gdf.values
    problems: list[Problem] = []
    work = _area_crs(gdf.crs, shapely.total_bounds(np.asarray(geoms)), crs, problems)
    errors = [p for p in problems if p.severity == "error"]
    if work is None or errors:
        raise InputError("; ".join(_problem_sentence(p) for p in errors))
    return work


def compute_area_mu(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, crs: Any = None) -> pd.Series:
    """Area of each parcel in mu, from the geometry in a projected CRS.

    Parameters
    ----------
    gdf
        Parcels in any CRS landopt accepts (see :func:`area_crs_for`).
    crs
        The projected CRS to measure in; by default :func:`area_crs_for` chooses.

    Returns
    -------
    pandas.Series
        Named ``area_mu``, on the index of ``gdf``; ``NaN`` for missing geometries.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> square = gpd.GeoSeries([box(589000, 4074000, 589100, 4074100)], crs="EPSG:4548")
    >>> float(compute_area_mu(square).iloc[0])  # 100 m x 100 m = 1 ha = 15 mu
    15.0
    """
    series = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    work = area_crs_for(series, crs)
    if not work.equals(series.crs):
        series = series.to_crs(work)
    return pd.Series(shapely.area(series.values) / SQM_PER_MU, index=series.index, name="area_mu")


def _problem_sentence(p: Problem) -> str:
    return f"{p.what} -> {p.fix}" if p.fix else p.what


def _crs_label(crs: CRS | None) -> str:
    if crs is None:
        return "none"
    authority = crs.to_authority(min_confidence=90)
    code = f"{authority[0]}:{authority[1]}" if authority else None
    return f"{code} ({crs.name})" if code else crs.name


def _is_web_mercator(crs: CRS) -> bool:
    authority = crs.to_authority(min_confidence=70)
    if authority and authority[1] in _WEB_MERCATOR_CODES:
        return True
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is not None and str(epsg) in _WEB_MERCATOR_CODES:
        return True
    method = crs.coordinate_operation.method_name.lower() if crs.coordinate_operation else ""
    name = crs.name.lower()
    return "pseudo mercator" in method or "web mercator" in name or "pseudo-mercator" in name


def _is_metric_projected(crs: CRS) -> bool:
    if not crs.is_projected:
        return False
    units = {(a.unit_name or "").lower() for a in crs.axis_info[:2]}
    return units <= {"metre", "meter", "m"}


def _area_crs(
    input_crs: CRS | None, bounds: np.ndarray, crs: Any, problems: list[Problem]
) -> CRS | None:
    """Pick the working CRS; append problems; None when the layer cannot be measured."""
    chosen: CRS | None = None
    if crs is not None:
        try:
            chosen = CRS.from_user_input(crs)
        except CRSError as exc:
            problems.append(
                Problem(
                    "file",
                    "crs",
                    msg("crs_unknown.what", crs=crs, error=_one_line(exc)),
                    msg("crs_unknown.fix"),
                )
            )
        else:
            if _is_web_mercator(chosen) or not _is_metric_projected(chosen):
                problems.append(
                    Problem(
                        "file",
                        "crs",
                        msg("crs_not_for_area.what", crs=_crs_label(chosen)),
                        msg("crs_not_for_area.fix"),
                    )
                )
                chosen = None

    if input_crs is None:
        problems.append(Problem("file", "crs", msg("no_crs.what"), msg("no_crs.fix")))
        return None
    if _is_web_mercator(input_crs):
        problems.append(
            Problem(
                "file",
                "crs",
                msg("web_mercator.what", crs=_crs_label(input_crs)),
                msg("web_mercator.fix"),
            )
        )
        return None
    if crs is not None and chosen is None:
        return None

    finite = bool(np.all(np.isfinite(bounds)))
    if input_crs.is_geographic and finite:
        xmin, ymin, xmax, ymax = bounds
        swapped = (
            -90 <= xmin
            and xmax <= 90
            and -180 <= ymin
            and ymax <= 360
            and (ymin < -90 or ymax > 90)
        )
        if swapped:
            problems.append(
                Problem(
                    "file",
                    "crs",
                    msg("lonlat_swapped.what", xmin=xmin, xmax=xmax, ymin=ymin, ymax=ymax),
                    msg("lonlat_swapped.fix"),
                )
            )
            return None
        if xmin < -180 or xmax > 360 or ymin < -90 or ymax > 90:
            problems.append(
                Problem(
                    "file",
                    "crs",
                    msg(
                        "degrees_but_metres.what",
                        crs=_crs_label(input_crs),
                        xmax=xmax,
                        ymax=ymax,
                    ),
                    msg("degrees_but_metres.fix"),
                )
            )
            return None

    if chosen is not None:
        return chosen
    if _is_metric_projected(input_crs):
        _check_area_of_use(input_crs, bounds, finite, problems)
        return input_crs
    if not finite:  # nothing to place; use the domain's default
        return CRS.from_user_input(DEFAULT_AREA_CRS)
    lon, lat = _centre_lonlat(input_crs, bounds)
    lon_lo, lon_hi = DEFAULT_AREA_CRS_LON
    lat_lo, lat_hi = _DEFAULT_AREA_CRS_LAT
    if lon_lo <= lon <= lon_hi and lat_lo <= lat <= lat_hi:
        return CRS.from_user_input(DEFAULT_AREA_CRS)
    centre = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs="EPSG:4326")
    return centre.estimate_utm_crs()


def _centre_lonlat(crs: CRS, bounds: np.ndarray) -> tuple[float, float]:
    x = (bounds[0] + bounds[2]) / 2
    y = (bounds[1] + bounds[3]) / 2
    if crs.is_geographic:
        return float(x), float(y)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    return float(lon), float(lat)


def _check_area_of_use(crs: CRS, bounds: np.ndarray, finite: bool, problems: list[Problem]) -> None:
    area = crs.area_of_use
    if area is None or not finite:
        return
    lon, lat = _centre_lonlat(crs, bounds)
    margin = 1.0
    inside = (
        np.isfinite(lon)
        and np.isfinite(lat)
        and area.west - margin <= lon <= area.east + margin
        and area.south - margin <= lat <= area.north + margin
    )
    if inside:
        return
    hint = ""
    fix = msg("area_of_use.fix")
    try:
        slon, slat = _centre_lonlat(crs, bounds[[1, 0, 3, 2]])
    except Exception:  # pragma: no cover - a transform failure only loses the hint
        slon = slat = float("nan")
    if (
        np.isfinite(slon)
        and np.isfinite(slat)
        and area.west <= slon <= area.east
        and area.south <= slat <= area.north
    ):
        hint = msg("area_of_use.swapped_hint")
        fix = msg("area_of_use.swapped_fix", crs=_crs_label(crs))
    elif bounds[0] > 1e7:
        hint = msg("area_of_use.zone_hint")
    problems.append(
        Problem(
            "file",
            "crs",
            msg(
                "area_of_use.what",
                x=(bounds[0] + bounds[2]) / 2,
                y=(bounds[1] + bounds[3]) / 2,
                crs=_crs_label(crs),
                hint=hint,
            ),
            fix,
            "warning",
        )
    )
