"""PostgreSQL/PostGIS connections for the parcel layer and the plan tables.

One place turns a ``postgresql://`` URL into a SQLAlchemy engine (psycopg 3, hence libpq:
the password may come from the URL, ``PGPASSWORD`` or ``~/.pgpass``, and ``PGUSER``,
``PGHOST``, ... fill what the URL leaves out) and turns a failed connection into a named
:class:`~landopt.errors.InputError`. A URL is shown, logged or recorded only as
:func:`public_url` gives it: without its password. Error texts from the server or the driver
pass through :func:`scrub` before anyone reads them.

Like :mod:`landopt.store`, this module imports only :mod:`landopt.errors` and
:mod:`landopt.i18n`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from landopt.errors import InputError
from landopt.i18n import add_messages, run_lang, t

__all__ = ["connect_error", "engine", "is_db_url", "public_url", "quote_ident", "scrub"]

log = logging.getLogger(__name__)

add_messages(
    {
        "bad_url": {
            "en": "{url} is not a PostgreSQL URL",
            "zh": "{url} 不是 PostgreSQL 地址",
        },
        "bad_url.fix": {
            "en": "write postgresql://USER@HOST:PORT/DATABASE (the password in ~/.pgpass or "
            "PGPASSWORD)",
            "zh": "请写 postgresql://用户@主机:端口/数据库（密码放在 ~/.pgpass 或 PGPASSWORD 中）",
        },
        "connect": {
            "en": "cannot connect to {url}: {error}",
            "zh": "无法连接 {url}：{error}",
        },
        "connect.fix": {
            "en": "check the host, port, database and user; give the password in ~/.pgpass or "
            "PGPASSWORD rather than in the URL",
            "zh": "请检查主机、端口、数据库和用户；密码请放在 ~/.pgpass 或 PGPASSWORD 中，不要写进地址",
        },
    },
    prefix="errors.pg.",
)

_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_db_url(text: Any) -> bool:
    """Whether ``text`` is a PostgreSQL URL (``postgresql://…``) rather than a file path."""
    return isinstance(text, str) and text.lower().startswith(_SCHEMES)


def _password(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password
    except Exception:
        m = re.match(r"^[^:/]+://[^:@/]*:([^@/]*)@", url)
        return m.group(1) if m else None


def public_url(url: str) -> str:
    """``url`` without its password (nor the ``#table`` of the command line): the only form
    in which a URL is shown, logged or recorded.

    Examples
    --------
    >>> public_url("postgresql://gis:s3cret@db.example:5432/cadastre#public.parcels")
    'postgresql://gis@db.example:5432/cadastre'
    """
    url = url.split("#", 1)[0]
    return re.sub(r"^([^:/]+:)//([^:@/]*):[^@/]*@", r"\1//\2@", url)


def scrub(text: str, url: str) -> str:
    """``text`` (a driver's or server's message) with the URL's password replaced by ``***``
    and made one line."""
    out = " ".join(str(text).split())
    secret = _password(url)
    if secret:
        out = out.replace(secret, "***")
    return out.replace(url, public_url(url))


def db_message(exc: BaseException, url: str) -> str:
    """The database's own message of ``exc`` (the driver's error under SQLAlchemy's wrapper,
    without its "Background on this error" link), scrubbed by :func:`scrub`."""
    cause = getattr(exc, "orig", None) or exc
    return scrub(str(cause).split("\n(Background on this error")[0], url)


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier in double quotes (``"地块"``, ``"a""b"``)."""
    return '"' + name.replace('"', '""') + '"'


def engine(url: str) -> Any:
    """A SQLAlchemy engine on ``url`` with the psycopg 3 driver (nothing is connected yet).

    Raises
    ------
    InputError
        ``url`` is not a PostgreSQL URL.
    """
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    lang = run_lang()
    bare = url.split("#", 1)[0]
    try:
        u = make_url(bare)
    except Exception:
        u = None
    if u is None or u.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise InputError(
            t("errors.pg.bad_url", lang, url=public_url(url))
            + " — "
            + t("errors.pg.bad_url.fix", lang)
        )
    u = u.set(drivername="postgresql+psycopg")
    # libpq reads PGPASSWORD, PGUSER, ~/.pgpass, ... for what the URL does not say
    return sa.create_engine(u, pool_pre_ping=False, poolclass=sa.pool.NullPool)


def connect_error(url: str, exc: BaseException) -> InputError:
    """The named error of a connection that failed (no password in it)."""
    lang = run_lang()
    return InputError(
        t("errors.pg.connect", lang, url=public_url(url), error=db_message(exc, url))
        + " — "
        + t("errors.pg.connect.fix", lang)
    )
