"""What a plan's maps show besides its parcels: outlines, spatial overlays, titles, notes.

District, township and park outlines (:func:`read_district`), the zone and block outlines
of the spatial rules (:func:`spatial_overlays`), the title, the line of totals and the
note on data and CRS at a map's foot. None of it draws: the static maps
(:mod:`landopt.maps.plan_map`), the web map and the report all read these.
"""

from __future__ import annotations

import logging
import weakref
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from landopt import __version__, i18n
from landopt.errors import InputError
from landopt.i18n import Lang
from landopt.maps.style import count_text, group_stats, words
from landopt.plan import Plan
from landopt.solvers.result import proof_text

__all__ = [
    "crs_text",
    "default_district_path",
    "is_demo",
    "label_point",
    "outlines_from_columns",
    "plan_subtitle",
    "plan_title",
    "read_district",
    "source_note",
    "spatial_overlays",
]

log = logging.getLogger(__name__)


def default_district_path(plan: Plan) -> Path | None:
    """``district.geojson`` beside the plan's parcel file, when there is one."""
    # beside the layer the plan was made from; the scenario's own layer only when the plan
    # was made from it (a plan of another layer must not borrow the demo's outlines)
    candidates = []
    if plan.source.get("path"):
        candidates.append(Path(plan.source["path"]).parent)
    elif (
        "path" not in plan.source
        and plan.scenario.parcels is not None
        and plan.scenario.parcels.folder is not None
    ):
        candidates.append(plan.scenario.parcels.folder)
    for folder in candidates:
        f = folder / "district.geojson"
        if f.is_file():
            return f
    return None


def read_district(
    plan: Plan, district: gpd.GeoDataFrame | str | Path | bool | None = None, *, crs: Any = None
) -> gpd.GeoDataFrame | None:
    """Outlines to draw under a plan: district, township and park polygons.

    Parameters
    ----------
    district
        A GeoDataFrame or a file; ``None`` looks for ``district.geojson`` beside the
        scenario's parcel file; ``False`` draws no outlines. Features with a ``kind`` of
        ``district``, ``township`` or ``park`` and a ``name`` are drawn as such; a layer
        without ``kind`` is taken as townships. Without a file, the township and park
        outlines are the parcels' own ``township`` and ``park`` columns dissolved
        (:func:`outlines_from_columns`).
    crs
        Reproject to this CRS (default: the plan's).

    Returns
    -------
    geopandas.GeoDataFrame or None
        Columns ``kind``, ``name`` and ``geometry``; None when there is nothing to draw.
    """
    if district is False:
        return None
    if district is None or district is True:
        path = default_district_path(plan)
        if path is None:
            return outlines_from_columns(plan, crs=crs)
        district = path
    if isinstance(district, str | Path):
        try:
            gdf = gpd.read_file(district, engine="pyogrio")
        except Exception as exc:  # pyogrio raises several types for unreadable files
            raise InputError(f"cannot read district outlines {district}: {exc}") from None
    else:
        gdf = district.copy()
    if gdf.crs is None:
        log.warning("district outlines have no CRS, so they are not drawn: set one (EPSG:4326?)")
        return None
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if "kind" not in gdf.columns:
        gdf["kind"] = "township"
    if "name" not in gdf.columns:
        gdf["name"] = ""
    gdf["kind"] = gdf["kind"].astype(str).str.lower()
    gdf["name"] = gdf["name"].fillna("").astype(str)
    out = gdf[["kind", "name", "geometry"]].to_crs(crs or plan.parcels.crs)
    return out.reset_index(drop=True)


def outlines_from_columns(plan: Plan, *, crs: Any = None) -> gpd.GeoDataFrame | None:
    """Township and park outlines made from the parcels' ``township`` and ``park`` columns.

    The parcels of each township (park) are dissolved, the gaps between them (roads,
    streams) closed by buffering out and back by half a typical parcel's side; townships
    are then made disjoint, so that two townships share their boundary line exactly and
    it is drawn once. None when the layer has neither column (or no geometry).
    """
    p = plan.parcels
    if not isinstance(p, gpd.GeoDataFrame) or p.geometry.name not in p.columns:
        return None
    if not any(c in p.columns for c in ("township", "park")):
        return None
    # the PNG, the web map and the report each ask for them: dissolve once per layer
    hit = _DISSOLVED.get(id(p))
    if hit is None or hit[0]() is not p:
        out = _dissolve_columns(p)
        _DISSOLVED.clear()  # one layer at a time is enough, and holds no memory for long
        _DISSOLVED[id(p)] = (weakref.ref(p), out)
    else:
        out = hit[1]
    return None if out is None else out.to_crs(crs or p.crs).reset_index(drop=True)


_DISSOLVED: dict[int, tuple[Any, gpd.GeoDataFrame | None]] = {}


def _dissolve_columns(p: gpd.GeoDataFrame) -> gpd.GeoDataFrame | None:
    import shapely

    cols = [c for c in ("township", "park") if c in p.columns]
    parcels = _projected(p)
    geoms = parcels.geometry.to_numpy()
    areas = shapely.area(geoms)
    d = 0.5 * float(np.sqrt(np.median(areas[areas > 0]))) if (areas > 0).any() else 0.0
    union = _group_union(geoms, d)
    rows: list[tuple[str, str, Any]] = []
    for kind in cols:
        names = p[kind].astype("string").fillna("").str.strip().to_numpy()
        earlier: list[Any] = []  # the townships drawn so far
        for name in sorted(set(names) - {""}):
            merged = union(names == name)
            if kind == "township" and earlier:
                # minus the earlier townships (only those it reaches: the same as minus
                # their union, without growing that union township by township)
                near = [g for g in earlier if shapely.intersects(g, merged)]
                for g in near:
                    merged = shapely.difference(merged, g)
            if merged.is_empty:
                continue
            earlier.append(merged)
            rows.append((kind, str(name), merged))
    if not rows:
        return None
    return gpd.GeoDataFrame(
        {"kind": [r[0] for r in rows], "name": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=parcels.crs,
    )


def _group_union(geoms: np.ndarray, d: float) -> Any:
    """``union(mask)``: the parcels ``geoms[mask]`` merged, gaps narrower than ``2 d`` closed.

    The outline is the closing of the parcels: buffered out by ``d`` and back, mitred
    corners. Buffering every parcel and merging the overlapping buffers costs about 7 s
    at 100,000 parcels; so the parcels are first merged along their shared edges
    (``coverage_union_all``: no overlay, linear in the vertices) into the blocks they
    form, and only the blocks (a sixth as many shapes, fewer vertices) are buffered and
    merged. The outline is the same up to the corners where the closing bridges a gap
    (a mitre or a bevel there, at most ``d (√2 - 1)`` apart; areas agree to 1e-4).

    That merge is right only for a clean coverage: parcels that meet edge to edge,
    vertex for vertex, and do not overlap (a cadastre exported from one database).
    Checking that with ``coverage_is_valid`` costs more than the merge (0.85 s at 100k),
    so the merge's result is checked instead: GEOS refuses edges that do not match, and
    an overlap shows as an invalid result or an area short of the parcels' sum. A group
    that fails, or a layer with invalid or non-polygon geometries, is merged parcel by
    parcel as before.
    """
    import shapely

    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    types = shapely.get_type_id(geoms[ok])
    polygons = bool(np.isin(types, (3, 6)).all()) and bool(shapely.is_valid(geoms[ok]).all())
    areas = shapely.area(geoms)

    def blocks(part: np.ndarray, area: float) -> np.ndarray | None:
        try:
            merged = shapely.coverage_union_all(part)
        except shapely.errors.GEOSException:  # edges that do not match vertex for vertex
            return None
        if not shapely.is_valid(merged) or abs(merged.area - area) > 1e-6 * area:
            return None  # overlapping parcels
        return shapely.get_parts(merged)

    def union(mask: np.ndarray) -> Any:
        keep = mask & ok
        part = geoms[keep]
        fast = blocks(part, float(areas[keep].sum())) if polygons and len(part) else None
        if fast is None:
            log.debug("outlines: %d parcels, no clean coverage: merged one by one", len(part))
        shapes = part if fast is None else fast
        merged = shapely.union_all(shapely.buffer(shapes, d, join_style="mitre"))
        return shapely.buffer(merged, -d, join_style="mitre")

    return union


def label_point(geom: Any, avoid: Any = None) -> Any:
    """A point inside ``geom`` to label it at, off ``avoid`` (e.g. the chosen plots) when
    ``geom`` has room outside it: the pole of the largest free part, else a point of ``geom``."""
    import shapely
    from shapely.ops import polylabel

    free = geom
    if avoid is not None and not avoid.is_empty:
        free = shapely.difference(geom, avoid)
    if free.is_empty or free.area < 0.02 * geom.area:
        return geom.representative_point()
    part = max(shapely.get_parts(free), key=lambda g: g.area)
    if part.geom_type != "Polygon":
        return part.representative_point()
    x0, y0, x1, y1 = part.bounds
    return polylabel(part, tolerance=max(x1 - x0, y1 - y0) / 100 or 1e-9)


def is_demo(plan: Plan) -> bool:
    """Whether the plan is made from landopt's bundled synthetic demo parcels."""
    demo = Path(__file__).resolve().parents[2] / "data" / "parcels.geojson"
    paths = [plan.source.get("path")]
    if plan.scenario.parcels is not None and plan.scenario.parcels.path is not None:
        paths.append(str(plan.scenario.parcels.path))
    for p in paths:
        if p:
            try:
                if Path(p).resolve() == demo:
                    return True
            except OSError:
                continue
    return False


def crs_text(crs: Any) -> str:
    """A CRS in words: ``CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)``."""
    from pyproj import CRS

    if crs is None:
        return "unknown"
    c = CRS.from_user_input(crs)
    epsg = c.to_epsg()
    return f"{c.name} (EPSG:{epsg})" if epsg else c.name


def source_note(plan: Plan, lang: Lang, *, version: bool = False) -> str:
    """Data source, CRS and (unless ``version=False``) landopt version, for the foot of a map."""
    w = words(lang)
    if is_demo(plan):
        data = w["demo"]
    elif plan.source.get("url"):  # a PostGIS layer: its table (a query has no name)
        data = plan.source.get("table") or "PostGIS"
    else:
        parcels = plan.scenario.parcels
        path = plan.source.get("path") or (
            str(parcels.path) if parcels is not None and parcels.path is not None else ""
        )
        data = Path(path).name if path else i18n.t("maps.note.no_file", lang)
    sep = i18n.t("maps.punct.colon", lang)
    return (
        f"{w['data']}{sep}{data} · {w['crs']}{sep}{crs_text(plan.parcels.crs)}"
        + (f" · landopt {__version__}" if version else "")
    )


def plan_title(plan: Plan) -> str:
    """The scenario's title (or name), with its year when the title does not say it."""
    sc = plan.scenario
    title = sc.title or sc.name
    if sc.year is not None and str(sc.year) not in title:
        title = f"{title} ({sc.year})"
    return title


def plan_subtitle(plan: Plan, lang: Lang) -> str:
    """Totals and whether the targets are met, in one line."""
    w = words(lang)
    stats = group_stats(plan)
    chosen = stats.loc[list(plan.scenario.action_names)]
    total = plan.summary[plan.summary["action"] == "total"]
    cost = float(total["cost_wan"].iloc[0]) if len(total) else float("nan")
    benefit = float(total["benefit_wan"].iloc[0]) if len(total) else float("nan")
    sep = i18n.t("maps.punct.colon", lang)
    parts = [
        f"{w['total']} {count_text(int(chosen['plots'].sum()), float(chosen['mu'].sum()), lang)}",
        f"{w['cost']}{sep}{cost:,.1f} {w['wan']}",
    ]
    if benefit:
        parts.append(f"{w['benefit']}{sep}{benefit:,.1f} {w['wan']}")
    parts.append(w["met"] if plan.targets_met else w["unmet"])
    if not plan.result.proven_optimal:
        gap = plan.result.gap
        parts.append(w["not_optimal"] + (f" (gap {gap:.2%})" if gap is not None else ""))
    elif plan.result.status == "within_gap":  # proven, but only within the stopping rule
        parts.append(proof_text(plan.result.record(), lang))
    return " · ".join(parts)


def _geo(plan: Plan) -> gpd.GeoDataFrame:
    """The plan's parcels, which must have geometry to be mapped."""
    p = plan.parcels
    if not isinstance(p, gpd.GeoDataFrame) or p.geometry.name not in p.columns:
        raise InputError("the plan's parcels have no geometry, so there is nothing to map")
    return p


def _metres_per_unit(crs: Any) -> float | None:
    """Metres per map unit of a projected CRS (None for a geographic or unknown one)."""
    from pyproj import CRS

    if crs is None:
        return None
    c = CRS.from_user_input(crs)
    if not c.is_projected:
        return None
    factor = c.axis_info[0].unit_conversion_factor if c.axis_info else 1.0
    return float(factor or 1.0)


def _projected(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer in a projected CRS (its own, or the local UTM zone for lon/lat)."""
    if gdf.crs is not None and _metres_per_unit(gdf.crs) is None:
        return gdf.to_crs(gdf.estimate_utm_crs())
    return gdf


def spatial_overlays(
    plan: Plan, parcels: gpd.GeoDataFrame | None = None
) -> tuple[dict[str, gpd.GeoSeries], int]:
    """Outlines the spatial rules add to a map, as lines in the parcels' (projected) CRS.

    Returns the lines by key (present only when there is something to draw): ``"exclude"``
    and ``"priority"`` (zone boundaries) and ``"blocks"`` (with a compactness penalty, the
    outline of each block of chosen plots and the cleared land it joins), and the number of
    blocks. Used by the static and the web map.
    """
    import shapely

    if parcels is None:
        parcels = _projected(_geo(plan))
    sc = plan.scenario
    out: dict[str, list[Any]] = {}
    n_blocks = 0
    if sc.spatial.zones:
        from landopt.zones import zone_polygons

        for z in sc.spatial.zones:
            try:
                poly = zone_polygons(z, parcels, sc)
            except InputError as exc:  # a zone the map cannot find is not worth failing the map
                log.warning("not drawing zone %r: %s", z.name, exc)
                continue
            if not poly.is_empty:
                out.setdefault(z.kind, []).extend(shapely.get_parts(shapely.boundary(poly)))
    if sc.spatial.active and "action" in plan.parcels:
        from landopt.adjacency import adjacency

        opts = sc.spatial
        acts = list(opts.boundary_actions or sc.action_names)
        chosen = plan.parcels["action"].astype(str).isin(acts).to_numpy()
        inner = plan.parcels["status"].astype(str).isin(opts.inner_status).to_numpy()
        adj = adjacency(parcels, tolerance=opts.tolerance_m)
        block = adj.components(chosen | inner)
        geoms = parcels.geometry.to_numpy()
        ids = np.unique(block[chosen])
        n_blocks = len(ids)
        for b in ids:
            merged = shapely.union_all(shapely.buffer(geoms[block == b], 0.6, join_style="mitre"))
            out.setdefault("blocks", []).extend(shapely.get_parts(shapely.boundary(merged)))
    lines = {k: gpd.GeoSeries(np.asarray(v, dtype=object), crs=parcels.crs) for k, v in out.items()}
    return {k: v for k, v in lines.items() if len(v)}, n_blocks
