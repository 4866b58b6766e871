"""Dates and times for people: in the district's time zone, not UTC.

The run record (run.json) keeps ISO 8601 in UTC, for machines; what a planner reads (the
report's header) is the district's local time, ``2026-12-02 10:54 北京时间``. The zone is,
in order: the scenario's ``timezone`` (an IANA name), the ``LANDOPT_TZ`` environment
variable, else ``Asia/Shanghai``::

    >>> local_time("2026-12-02T02:54:09+00:00", "Asia/Shanghai", "zh")
    '2026-12-02 10:54 北京时间'
    >>> local_time("2026-12-02T02:54:09+00:00", "Europe/Berlin", "en")
    '2026-12-02 03:54 (UTC+01:00)'
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from landopt.i18n import add_messages, t

__all__ = ["DEFAULT_ZONE", "district_today", "district_zone", "local_time"]

log = logging.getLogger(__name__)

#: The time zone when neither the scenario nor ``LANDOPT_TZ`` names one.
DEFAULT_ZONE = "Asia/Shanghai"

#: Zones with a name people use (every other zone is shown as its UTC offset).
_NAMED = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"}

add_messages(
    {
        "beijing": {"en": "{time} Beijing time", "zh": "{time} 北京时间"},
        "offset": {"en": "{time} (UTC{offset})", "zh": "{time}（UTC{offset}）"},
    },
    prefix="localtime.",
)


def district_zone(scenario: Any = None) -> str:
    """The district's time zone name: the scenario's ``timezone``, ``LANDOPT_TZ``, else Asia/Shanghai."""
    return (
        getattr(scenario, "timezone", None)
        or os.environ.get("LANDOPT_TZ", "").strip()
        or DEFAULT_ZONE
    )


def _zone(name: str) -> tzinfo:
    """The zone called ``name``; Beijing time (UTC+8, no DST) when it cannot be found (an
    unknown ``LANDOPT_TZ``, or no time-zone database on the machine)."""
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        log.warning("unknown time zone %r: times are shown in Beijing time (UTC+8)", name)
        return timezone(timedelta(hours=8), "CST")


def district_today(scenario: Any = None, now: datetime | None = None) -> str:
    """Today's date in the district's time zone (:func:`district_zone`), ``2026-12-02``:
    the day a map is drawn, as the district counts it (``now``: an aware time, default now)."""
    when = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(_zone(district_zone(scenario))).date().isoformat()


def local_time(when: str | datetime | None, zone: str | None = None, lang: str | None = None) -> str:
    """``when`` (an ISO 8601 text or an aware datetime, UTC if naive) in ``zone``, to the minute.

    ``""`` for an empty or unreadable ``when``; a text that is not a date stays as it is.
    """
    if not when:
        return ""
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return when
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    name = zone or district_zone()
    local = when.astimezone(_zone(name))
    text = local.strftime("%Y-%m-%d %H:%M")
    if name in _NAMED:
        return t("localtime.beijing", lang, time=text)
    off = local.strftime("%z")  # +0100
    return t("localtime.offset", lang, time=text, offset=f"{off[:3]}:{off[3:]}")
