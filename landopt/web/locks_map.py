"""Locks picked on the scenario page: the layer's outline map and the lock fields.

Up to :data:`MAX_MAP_PARCELS` parcels the map is an SVG drawn server-side (no map library,
no tiles): every parcel one ``<path>`` with its id and the actions its status rules allow,
in a ``viewBox`` of the layer's extent. Above it (a city's layer, up to
:data:`MAX_CANVAS_PARCELS`) an SVG of every parcel is slow to draw, pan and zoom, so the
page holds a ``<canvas>`` instead and ``static/locks.js`` draws it from
:func:`canvas_shapes` (``/layers/{id}/lockmap.json``, gzip-compressed on the wire): the
parcels' outlines in the same frame as integers, each parcel's allowed actions, its id;
the script finds the clicked parcel itself (bounding boxes, then point in polygon). Both
maps zoom (wheel, buttons, + and -) and pan (drag, arrow keys). ``static/locks.js`` cycles a clicked parcel free → must take each allowed action in turn →
must not be touched → free, and writes the id into the lock fields. Those fields are the
form itself (one text field of parcel ids per action, one for "not touched"), so a planner
without JavaScript or a mouse types the ids instead. The fields become the scenario's
``[locks]``: ``include = {id = action}``, ``exclude = {id = "all"}``; an uploaded TOML's
exclusions of some actions only (``exclude = {id = ["upgrade"]}``) are kept as they are.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from landopt._atomic import atomic_file

__all__ = [
    "MAX_CANVAS_PARCELS",
    "MAX_MAP_PARCELS",
    "canvas_shapes",
    "lock_fields",
    "locks_from_form",
    "outline",
]

log = logging.getLogger(__name__)

#: Most parcels drawn on the lock map as an SVG (beyond, a canvas: an SVG of more is slow).
MAX_MAP_PARCELS = 20_000
#: Most parcels drawn on the lock map's canvas (beyond, the text fields alone).
MAX_CANVAS_PARCELS = 300_000
#: The canvas map's outlines are integers in hundredths of a viewBox unit.
CANVAS_SCALE = 100
#: Width of the map's viewBox; the height follows the layer's extent.
VIEW_W = 1000.0
_SPLIT = re.compile(r"[\s,;，；、]+")


def _ids(text: str) -> list[str]:
    """Parcel ids typed in a field: separated by spaces, new lines, commas or semicolons."""
    return [p for p in _SPLIT.split(text or "") if p]


def lock_fields(data: Mapping[str, Any], actions: tuple[str, ...]) -> dict[str, str]:
    """The lock fields' text for a scenario dict: ``include.<action>`` and ``exclude``."""
    locks = data.get("locks") or {}
    out = {f"include.{a}": "" for a in actions}
    by_action: dict[str, list[str]] = {a: [] for a in actions}
    for pid, act in (locks.get("include") or {}).items():
        by_action.setdefault(str(act), []).append(str(pid))
    for a, ids in by_action.items():
        out[f"include.{a}"] = "\n".join(ids)
    out["exclude"] = "\n".join(
        str(pid) for pid, what in (locks.get("exclude") or {}).items() if what == "all"
    )
    return out


def locks_from_form(
    data: dict[str, Any], form: Mapping[str, str], actions: tuple[str, ...], lang: str
) -> dict[str, str]:
    """Put the lock fields of ``form`` into ``data["locks"]``; return the fields landopt
    cannot read (field → message): an id in two fields."""
    from landopt.i18n import t

    if not any(k.startswith("locks.") for k in form):
        return {}  # a form without the lock fields (an older page) leaves the locks alone
    errors: dict[str, str] = {}
    old = data.get("locks") or {}
    include: dict[str, str] = {}
    seen: dict[str, str] = {}
    present = [a for a in actions if a in (data.get("actions") or {})]
    for a in present:
        name = f"locks.include.{a}"
        for pid in _ids(form.get(name, "")):
            if pid in seen and seen[pid] != name:
                errors[name] = t("web.locks.twice", lang, pid=pid)
            seen[pid] = name
            include[pid] = a
    exclude: dict[str, Any] = {
        pid: what for pid, what in (old.get("exclude") or {}).items() if what != "all"
    }
    for pid in _ids(form.get("locks.exclude", "")):
        if pid in seen and seen[pid] != "locks.exclude":
            errors["locks.exclude"] = t("web.locks.twice", lang, pid=pid)
        seen[pid] = "locks.exclude"
        exclude[pid] = "all"
    locks = {k: v for k, v in (("include", include), ("exclude", exclude)) if v}
    if locks:
        data["locks"] = locks
    else:
        data.pop("locks", None)
    return errors


def field_of_lock(data: Mapping[str, Any], pid: str) -> str:
    """The lock field a parcel id is in (for a problem naming it)."""
    locks = data.get("locks") or {}
    act = (locks.get("include") or {}).get(pid)
    if act is not None:
        return f"locks.include.{act}"
    if pid in (locks.get("exclude") or {}):
        return "locks.exclude"
    return "locks"


def _path(geom: Any, x0: float, y1: float, k: float) -> str:
    """An SVG path of a (multi)polygon, in the map's frame (y down), one decimal."""
    parts = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        for ring in (poly.exterior, *poly.interiors):
            xy = [f"{(x - x0) * k:.1f} {(y1 - y) * k:.1f}" for x, y in ring.coords[:-1]]
            if len(xy) >= 3:
                parts.append("M" + "L".join(xy) + "Z")
    return "".join(parts)


def outline(layer: Any, parcels: Any) -> dict[str, Any] | None:
    """The lock map's data for a validated layer: ``viewbox`` and ``paths`` (parcel id, SVG
    path), kept in the layer's folder for its mapping; ``None`` for a layer with more than
    :data:`MAX_MAP_PARCELS` parcels or no polygons."""
    if parcels is None or len(parcels) == 0 or len(parcels) > MAX_MAP_PARCELS:
        return None
    key = _key(layer, len(parcels), "svg")
    path = Path(layer.folder) / "outline.json"
    if (kept := _kept(path, key)) is not None:
        return kept
    if (frame := _frame(parcels)) is None:
        return None
    x0, y0, _, y1, k = frame
    # simplified to a tenth of a viewBox unit: invisible on screen, a fraction of the bytes
    geoms = parcels.geometry.simplify(0.1 / k, preserve_topology=True)
    paths = []
    for pid, geom in zip(parcels["parcel_id"].astype(str), geoms, strict=True):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        d = _path(geom, x0, y1, k)
        if d:
            paths.append([pid, d])
    if not paths:
        return None
    data = {"viewbox": f"0 0 {VIEW_W:.0f} {(y1 - y0) * k:.0f}", "paths": paths}
    _keep(layer, {path: {"key": key, "outline": data}})
    return data


def eligible_of(data: Mapping[str, Any], parcels: Any, base_dir: Path) -> dict[str, str]:
    """Each parcel id → the actions its status rules allow (space-separated), for the map's
    click cycle; ``{}`` when the scenario cannot be read (its problems are shown anyway)."""
    from landopt.errors import LandoptError
    from landopt.scenario import eligibility, scenario_from_dict

    try:
        scenario = scenario_from_dict(dict(data), base_dir=base_dir)
        elig = eligibility(scenario, parcels)
    except (LandoptError, KeyError, ValueError, TypeError):
        return {}
    ids = parcels["parcel_id"].astype(str).to_numpy()
    cols = list(elig.columns)
    values = elig.to_numpy(bool)
    return {
        pid: " ".join(c for c, ok in zip(cols, row, strict=True) if ok)
        for pid, row in zip(ids, values, strict=True)
    }


def _frame(parcels: Any) -> tuple[float, float, float, float, float] | None:
    """The layer's bounds and the scale to a viewBox :data:`VIEW_W` wide; ``None`` for a
    layer without extent."""
    x0, y0, x1, y1 = (float(v) for v in parcels.total_bounds)
    if not x1 > x0 or not y1 > y0:
        return None
    return x0, y0, x1, y1, VIEW_W / (x1 - x0)


def _kept(path: Path, key: str) -> dict[str, Any] | None:
    """The outline kept at ``path`` when it was drawn from ``key``, else ``None``."""
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return dict(cached["outline"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    return None


def _keep(layer: Any, files: dict[Path, Any]) -> None:
    """Write each file's JSON (whole or not at all); a folder that cannot be written only
    costs drawing the outline again next time."""
    try:
        for path, obj in files.items():
            with atomic_file(path) as tmp:
                tmp.write_text(json.dumps(obj), encoding="utf-8")
    except OSError as exc:  # the map still shows; it is drawn again next time
        log.warning("lock map of layer %s not kept: %s", layer.id, exc)


def _key(layer: Any, n: int, kind: str) -> str:
    """What a kept outline was drawn from: the layer's mapping and size, and its kind."""
    return hashlib.sha256(
        json.dumps([layer.columns, layer.status_values, n, kind], sort_keys=True).encode()
    ).hexdigest()[:16]


def canvas_meta(layer: Any, n: int) -> dict[str, Any] | None:
    """The kept canvas map's frame and size, ``{"viewbox", "n"}``, for a layer of ``n``
    valid parcels, without reading the layer (``None`` when not kept for its mapping)."""
    return _kept(Path(layer.folder) / "outline-canvas.meta.json", _key(layer, n, "canvas"))


def canvas_meta_of(shapes: Mapping[str, Any]) -> dict[str, Any]:
    """The frame and size, ``{"viewbox", "n"}``, of :func:`canvas_shapes`' outlines."""
    return {"viewbox": shapes["viewbox"], "n": len(shapes["ids"])}


def canvas_shapes(layer: Any, parcels: Any) -> dict[str, Any] | None:
    """The canvas lock map's outlines of a validated layer with more than
    :data:`MAX_MAP_PARCELS` parcels: ``viewbox``, ``scale`` (:data:`CANVAS_SCALE`),
    ``ids`` and ``rings`` (per parcel, its rings as ``[x0, y0, dx1, dy1, …]``: the first
    vertex in hundredths of a viewBox unit, then each vertex's step from the one before),
    kept in the layer's folder; ``None`` beyond :data:`MAX_CANVAS_PARCELS` parcels or
    without polygons."""
    if parcels is None or len(parcels) == 0 or len(parcels) > MAX_CANVAS_PARCELS:
        return None
    key = _key(layer, len(parcels), "canvas")
    path = Path(layer.folder) / "outline-canvas.json"
    if (kept := _kept(path, key)) is not None:
        return kept
    import numpy as np
    import shapely

    if (frame := _frame(parcels)) is None:
        return None
    x0, y0, _, y1, k = frame
    # simplified to a twentieth of a viewBox unit: a pixel at the deepest zoom
    geoms = shapely.simplify(np.asarray(parcels.geometry.values), 0.05 / k, preserve_topology=True)
    ids: list[str] = []
    rings: list[list[list[int]]] = []
    for pid, geom in zip(parcels["parcel_id"].astype(str), geoms, strict=True):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        parts = []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:-1]
                if len(xy) < 3:
                    continue
                q = np.empty_like(xy, dtype=np.int64)
                q[:, 0] = np.rint((xy[:, 0] - x0) * k * CANVAS_SCALE)
                q[:, 1] = np.rint((y1 - xy[:, 1]) * k * CANVAS_SCALE)
                q[1:] -= q[:-1].copy()
                parts.append(q.ravel().tolist())
        if parts:
            ids.append(pid)
            rings.append(parts)
    if not ids:
        return None
    data = {
        "viewbox": f"0 0 {VIEW_W:.0f} {(y1 - y0) * k:.0f}",
        "scale": CANVAS_SCALE,
        "ids": ids,
        "rings": rings,
    }
    _keep(
        layer,
        {
            path: {"key": key, "outline": data},
            path.with_name("outline-canvas.meta.json"): {"key": key, "outline": canvas_meta_of(data)},
        },
    )
    return data


def canvas_json_gz(
    layer: Any, n: int, data: Mapping[str, Any], read: Any
) -> tuple[str, bytes] | None:
    """The canvas map's JSON (:func:`canvas_map` for the scenario ``data``), gzip-compressed,
    and its ETag; kept in the layer's folder for the layer's mapping and the scenario without
    its locks (locks do not change what a parcel allows), so a page shown again reads no
    layer. ``read()`` gives the validated layer when it must be drawn; ``None`` when the
    layer has no canvas map."""
    import gzip

    scenario = {k: v for k, v in data.items() if k != "locks"}
    key = hashlib.sha256(
        json.dumps([_key(layer, n, "canvas"), scenario], sort_keys=True, default=str).encode()
    ).hexdigest()[:24]
    folder = Path(layer.folder)
    path = folder / f"lockmap-{key}.json.gz"
    try:
        return key, path.read_bytes()
    except OSError:
        pass
    parcels = read()
    if parcels is None:
        return None
    shapes = canvas_shapes(layer, parcels)
    if shapes is None:
        return None
    out = canvas_map(shapes, eligible_of(data, parcels, folder))
    body = gzip.compress(
        json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        compresslevel=6,
        mtime=0,
    )
    try:
        for old in folder.glob("lockmap-*.json.gz"):  # one scenario's map kept at a time
            old.unlink(missing_ok=True)
        with atomic_file(path) as tmp:
            tmp.write_bytes(body)
    except OSError as exc:
        log.warning("lock map of layer %s not kept: %s", layer.id, exc)
    return key, body


def canvas_map(shapes: Mapping[str, Any], eligible: Mapping[str, str]) -> dict[str, Any]:
    """The canvas map's JSON: :func:`canvas_shapes` with each parcel's allowed actions, as
    ``kinds`` (the distinct space-separated lists) and ``kind`` (per parcel, an index into
    ``kinds``), a few bytes a parcel."""
    kinds: dict[str, int] = {}
    kind = []
    for pid in shapes["ids"]:
        kind.append(kinds.setdefault(eligible.get(pid, ""), len(kinds)))
    return {**shapes, "kinds": list(kinds), "kind": kind}
