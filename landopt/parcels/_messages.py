"""The texts of parcel problems, looked up in the message catalog.

Every ``what`` and ``fix`` of a :class:`~landopt.errors.Problem` raised by
:mod:`landopt.parcels` is a message under ``errors.parcels.`` in :mod:`landopt.i18n`, with
its Chinese text. They are written in :data:`LANG`: English, unless the command line set
its language for the command (:func:`landopt.cli._console.parcel_lang`).
"""

from __future__ import annotations

from typing import Any

from landopt.i18n import t

#: The language of parcel problems.
LANG = "en"


def msg(key: str, **fields: Any) -> str:
    """The text of ``errors.parcels.<key>``, formatted with ``fields``.

    Always formatted, also without fields, so that every text of the section is written
    the same way (``{{`` for a brace).
    """
    return t(f"errors.parcels.{key}", LANG).format(**fields)
