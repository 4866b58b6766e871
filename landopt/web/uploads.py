"""Uploaded parcel layers: size limit, type by content, safe unpacking of a zipped Shapefile.

Nothing from an upload is executed or trusted: the file name is only used for its
extension once the content agrees with it, zip members are unpacked by this module (never
by ``ZipFile.extractall``) with absolute paths, ``..``, symbolic links and devices refused
and the unpacked total capped, and every file lands inside the layer's own folder.
"""

from __future__ import annotations

import logging
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from landopt.errors import InputError, Problem
from landopt.i18n import t

__all__ = [
    "DEFAULT_MAX_BYTES",
    "UploadError",
    "receive_upload",
    "sniff_kind",
    "stored_name",
    "unpack_zip",
]

log = logging.getLogger(__name__)

#: Largest upload accepted by default (200 MB).
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
#: Most bytes a zip may unpack to, as a multiple of the upload limit.
UNPACK_FACTOR = 4
#: Most members a zip may have.
MAX_MEMBERS = 2000

#: Kind of layer → the file name it is stored under.
STORED_NAME = {
    "zip": "layer.zip",
    "gpkg": "layer.gpkg",
    "geojson": "layer.geojson",
    "parquet": "layer.parquet",
}


class UploadError(InputError):
    """An upload refused: too big, of a type not recognised, or an unsafe zip.

    ``problem`` says where, what and how to fix it (shown next to the file field).
    """

    def __init__(self, problem: Problem, key: str = "") -> None:
        self.problem = problem
        #: which refusal: ``too_big``, ``unknown_type``, ``zip_path``, …
        self.key = key
        super().__init__(str(problem))


def _refuse(key: str, lang: str | None, **fields: object) -> UploadError:
    return UploadError(
        Problem(
            t("web.upload.where", lang),
            "file",
            t(f"web.upload.{key}", lang, **fields),
            t(f"web.upload.{key}.fix", lang, **fields),
        ),
        key,
    )


def sniff_kind(head: bytes) -> str | None:
    """The kind of layer the first bytes show: ``zip``, ``gpkg``, ``geojson``, ``parquet``.

    Parameters
    ----------
    head
        The first bytes of the file (at least 16 for SQLite; a GeoJSON's start after any
        byte-order mark and white space).

    Returns
    -------
    str or None
        ``None`` when the content is none of them.
    """
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{"):
        return "geojson"
    return None


def stored_name(name: str | None, kind: str) -> str:
    """The name an upload is kept under: the planner's file name (letters, digits, CJK,
    ``-``, ``_``, ``.`` only; maps and reports name their data source by it) with the
    extension of its content, else ``layer``."""
    stem = re.sub(r"[^\w.-]+", "_", PurePosixPath((name or "").replace("\\", "/")).name)
    stem = stem.lstrip(".")
    stem = stem[: -len(Path(stem).suffix)] if Path(stem).suffix else stem
    stem = stem[:100].strip("._") or "layer"
    return stem + Path(STORED_NAME[kind]).suffix


def receive_upload(
    stream: BinaryIO,
    folder: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lang: str | None = None,
    name: str | None = None,
) -> Path:
    """Copy an upload into ``folder`` (at most ``max_bytes``), check its type, unpack a zip.

    Parameters
    ----------
    stream
        The uploaded file, read in blocks.
    folder
        The layer's own folder (created; removed again when the upload is refused).
    max_bytes
        The size limit.
    lang
        Language of the error.
    name
        The file name the browser sent: only the name it is kept under
        (:func:`stored_name`); its type is the content's.

    Returns
    -------
    Path
        The file to read the layer from: the stored ``.gpkg``/``.geojson``/``.parquet``,
        or the ``.shp`` unpacked from a zip.

    Raises
    ------
    UploadError
        Too big, of an unknown type, or a zip that is unsafe or holds no Shapefile.
    """
    folder.mkdir(parents=True, exist_ok=False)
    try:
        return _receive(stream, folder, max_bytes=max_bytes, lang=lang, name=name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _receive(
    stream: BinaryIO, folder: Path, *, max_bytes: int, lang: str | None, name: str | None
) -> Path:
    part = folder / "upload.part"
    size = 0
    head = b""
    with open(part, "wb") as out:
        while block := stream.read(1 << 20):
            size += len(block)
            if size > max_bytes:
                raise _refuse("too_big", lang, mb=f"{max_bytes / 1e6:,.0f}")
            if len(head) < 4096:
                head += block[: 4096 - len(head)]
            out.write(block)
    if size == 0:
        raise _refuse("empty", lang)
    kind = sniff_kind(head)
    if kind is None:
        raise _refuse("unknown_type", lang)
    stored = folder / stored_name(name, kind)
    part.rename(stored)
    if kind != "zip":
        return stored
    return unpack_zip(stored, folder / "unpacked", max_total=max_bytes * UNPACK_FACTOR, lang=lang)


def _safe_member(name: str) -> PurePosixPath | None:
    """The member's path when it is a plain relative path inside the folder, else None."""
    if "\\" in name or "\x00" in name:
        return None
    p = PurePosixPath(name)
    if p.is_absolute() or not p.parts or ".." in p.parts or p.parts[0].endswith(":"):
        return None
    return p


def unpack_zip(path: Path, dest: Path, *, max_total: int, lang: str | None = None) -> Path:
    """Unpack a zipped Shapefile safely into ``dest``; return its ``.shp``.

    Refused, with nothing left in ``dest``: a member with an absolute path, ``..``, a
    backslash or a drive; a symbolic link or any other non-regular file; more than
    :data:`MAX_MEMBERS` members; more than ``max_total`` bytes unpacked (counted as they
    are written, not from the sizes the zip declares); no ``.shp``, or more than one.

    Raises
    ------
    UploadError
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _refuse("bad_zip", lang) from None
    dest.mkdir()
    try:
        with zf:
            members = zf.infolist()
            if len(members) > MAX_MEMBERS:
                raise _refuse("zip_members", lang, n=MAX_MEMBERS)
            total = 0
            for info in members:
                rel = _safe_member(info.filename)
                if rel is None:
                    raise _refuse("zip_path", lang, name=info.filename)
                kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix type (Windows zips)
                if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                    raise _refuse("zip_link", lang, name=info.filename)
                target = dest.joinpath(*rel.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():  # the same name twice: the second would replace the first
                    raise _refuse("zip_path", lang, name=info.filename)
                with zf.open(info) as src, open(target, "xb") as out:
                    while block := src.read(1 << 20):
                        total += len(block)
                        if total > max_total:
                            raise _refuse("zip_big", lang, mb=f"{max_total / 1e6:,.0f}")
                        out.write(block)
    except zipfile.BadZipFile:
        shutil.rmtree(dest, ignore_errors=True)
        raise _refuse("bad_zip", lang) from None
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    shps = sorted(
        p for p in dest.rglob("*") if p.suffix.lower() == ".shp" and "__MACOSX" not in p.parts
    )
    if len(shps) != 1:
        shutil.rmtree(dest, ignore_errors=True)
        key = "zip_no_shp" if not shps else "zip_many_shp"
        raise _refuse(key, lang, names=", ".join(p.name for p in shps[:5]))
    log.debug("unpacked %s into %s", path, dest)
    return shps[0]
