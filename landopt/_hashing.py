"""SHA-256 of a file, read in 1 MiB blocks: the one helper every record of landopt uses
(run.json's input hash, the run store's outputs, the web app's demo check)."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["file_sha256"]


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, as hex (for a shapefile, callers pass its .shp)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
