"""Read a parcel file: formats, layers, Shapefile encodings and truncated field names.

:func:`_read_file` opens any of :data:`FORMATS` and returns the raw layer with the
problems reading it raised (a guessed Shapefile encoding, ...); the checks proper are in
the other modules of :mod:`landopt.parcels`.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pyogrio

from landopt._fields import (
    CORE_FIELDS,
    DECLARED_AREA_FIELD,
    MAX_TEXT_LENGTH,
)
from landopt.errors import InputError, Problem
from landopt.parcels._messages import msg

#: File suffixes landopt reads, and the format each stands for.
FORMATS: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
    ".fgb": "FlatGeobuf",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
}


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    # GDAL's advice about driver prefixes does not apply to landopt users.
    text = text.split("; It might help to specify the correct driver")[0]
    return text or type(exc).__name__


def _read_file(
    path: Path, *, layer: str | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    if not path.exists():
        raise InputError(msg("file.missing", path=path))
    if path.is_dir():
        raise InputError(msg("file.is_folder", path=path))
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(f"{s} ({f})" for s, f in FORMATS.items())
        raise InputError(msg("file.unknown_format", path=path, suffix=suffix, known=known))
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(msg("file.unknown_encoding", path=path, encoding=encoding)) from None
    if fmt == "GeoParquet":
        return _read_parquet(path), []

    # Only containers can hold several layers; listing a GeoJSON's layers parses it whole.
    layers = []
    if fmt in ("GeoPackage", "zipped Shapefile") or layer is not None:
        try:
            layers = pyogrio.list_layers(path)
        except Exception as exc:
            raise InputError(
                msg("file.unreadable", path=path, fmt=fmt, error=_one_line(exc), hint="")
            ) from exc
    names = [str(n) for n, _ in layers]
    spatial = [str(n) for n, geom_type in layers if geom_type is not None]
    if layer is None:
        if len(spatial) > 1:
            raise InputError(
                msg("file.several_layers", path=path, count=len(spatial), layers=", ".join(spatial))
            )
        if len(spatial) == 1 and len(names) > 1:
            layer = spatial[0]
    elif layer not in names:
        near = difflib.get_close_matches(layer, names, n=1, cutoff=0.5)
        hint = msg("file.layer_hint", near=near[0]) if near else ""
        has = ", ".join(names) or msg("file.no_layers")
        raise InputError(msg("file.no_layer", path=path, layer=layer, names=has, hint=hint))

    problems: list[Problem] = []
    if fmt == "Shapefile" and encoding is None:
        encoding, problems = _guess_shapefile_encoding(path)
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    except Exception as exc:
        hint = ""
        if "too many characters" in str(exc).lower():
            hint = msg("file.too_long_hint", limit=MAX_TEXT_LENGTH)
        raise InputError(
            msg("file.unreadable", path=path, fmt=fmt, error=_one_line(exc), hint=hint)
        ) from exc
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(msg("file.no_geometry", path=path))
    return gdf, problems


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise InputError(
            msg(
                "file.needs_pyarrow",
                path=path,
                gpkg=path.with_suffix(".gpkg").name,
                name=path.name,
            )
        ) from None
    try:
        return gpd.read_parquet(path)
    except Exception as exc:
        raise InputError(
            msg("file.unreadable", path=path, fmt="GeoParquet", error=_one_line(exc), hint="")
        ) from exc


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def _restore_truncated_names(
    gdf: gpd.GeoDataFrame, columns: Mapping[str, str], problems: list[Problem]
) -> gpd.GeoDataFrame:
    """Rename fields a Shapefile cut to 10 characters (``cost_clear``) back to ours."""
    known = [f for f in (*CORE_FIELDS, DECLARED_AREA_FIELD) if len(f) > 10]
    prefixes: dict[str, list[str]] = {}
    for field in known:
        prefixes.setdefault(field[:10], []).append(field)
    present = set(map(str, gdf.columns))
    taken = present | set(columns.values())
    rename = {
        short: fields[0]
        for short, fields in prefixes.items()
        if len(fields) == 1 and short in present and short not in columns and fields[0] not in taken
    }
    if rename:
        pairs = ", ".join(f"{a} -> {b}" for a, b in rename.items())
        problems.append(
            Problem(
                "file",
                "",
                msg("truncated_names.what", pairs=pairs),
                msg("truncated_names.fix"),
                "warning",
            )
        )
    return gdf.rename(columns=rename)


def _guess_shapefile_encoding(path: Path) -> tuple[str | None, list[Problem]]:
    """Encoding to read a shapefile with when it has no ``.cpg`` (None: let GDAL decide)."""
    if _sidecar(path, ".cpg") is not None:
        return None, []
    try:
        gdal_encoding = pyogrio.read_info(path).get("encoding")
    except Exception:  # the read proper reports the error
        return None, []
    if gdal_encoding not in (None, "", "ISO-8859-1"):
        return None, []  # GDAL found a code page in the DBF header
    dbf = _sidecar(path, ".dbf")
    if dbf is None:
        return None, []
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return None, []
        header_len = int.from_bytes(head[8:10], "little")
        descriptors = fh.read(max(header_len - 32, 0))
        records = fh.read(4_000_000)
    names = b" ".join(
        descriptors[i : i + 11].split(b"\x00")[0] for i in range(0, len(descriptors) - 31, 32)
    )
    sample = names + b" " + records
    if sample.isascii():
        return None, []
    for candidate in ("UTF-8", "GB18030"):
        try:
            codecs.getincrementaldecoder(candidate)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return candidate, [
            Problem(
                "file",
                "",
                msg("encoding_guessed.what", file=path.name, encoding=candidate),
                msg(
                    "encoding_guessed.fix",
                    cpg=path.with_suffix(".cpg").name,
                    encoding=candidate,
                ),
                "warning",
            )
        ]
    return None, [
        Problem(
            "file",
            "",
            msg("encoding_unknown.what", file=path.name),
            msg("encoding_unknown.fix"),
            "warning",
        )
    ]
