"""Accounts, sessions and CSRF tokens of the web app (standard library only).

- Accounts live in ``DATA/users.json`` (mode 600, written atomically): name → salted
  scrypt hash (``hashlib.scrypt``, n=2**14, r=8, p=1, 16-byte salt), compared in constant
  time.
- A session is a cookie ``landopt_session`` holding ``sid.user.issued`` signed with
  HMAC-SHA256 under ``DATA/secret.key`` (32 random bytes, created once, mode 600); HttpOnly,
  SameSite=Strict. Every visitor gets one (anonymous on a loopback server without
  accounts), because the CSRF token is tied to it.
- The CSRF token of a session is ``HMAC(secret, "csrf:" + sid)`` (synchronizer pattern
  without server state): every form carries it, every state-changing request is checked.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from landopt._atomic import atomic_file
from landopt.errors import InputError, Problem
from landopt.i18n import t

__all__ = [
    "COOKIE",
    "Session",
    "Users",
    "csrf_token",
    "hash_password",
    "load_secret",
    "read_session",
    "session_cookie",
    "verify_password",
]

#: The session cookie's name.
COOKIE = "landopt_session"
#: Seconds a session lasts (12 hours: a working day).
SESSION_S = 12 * 3600
#: Allowed user names.
NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``: ``scrypt$n$r$p$salt$hash`` (base64)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + f"{b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash from :func:`hash_password` (constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            dklen=32,
            n=int(n),
            r=int(r),
            p=int(p),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def _write_private(path: Path, data: bytes) -> None:
    with atomic_file(path, mode=0o600) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


class Users:
    """The accounts in ``DATA/users.json``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "users.json"

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise InputError(
                str(
                    Problem(
                        str(self.path),
                        "",
                        t("web.users.unreadable", None, error=exc),
                        t("web.users.unreadable.fix", None),
                    )
                )
            ) from None
        return {str(k): str(v) for k, v in data.get("users", {}).items()}

    def names(self) -> list[str]:
        """The user names, sorted."""
        return sorted(self._read())

    def __bool__(self) -> bool:
        return bool(self._read())

    def add(self, name: str, password: str) -> None:
        """Add (or change the password of) ``name``.

        Raises
        ------
        InputError
            A name with other characters than letters, digits and ``_.@-``, or an empty
            password.
        """
        if not NAME_RE.match(name):
            raise InputError(
                str(
                    Problem(
                        "--add-user",
                        "",
                        t("web.users.bad_name", None, name=name),
                        t("web.users.bad_name.fix", None),
                    )
                )
            )
        if not password:
            raise InputError(
                str(
                    Problem(
                        "--add-user",
                        "",
                        t("web.users.empty_password", None),
                        t("web.users.empty_password.fix", None),
                    )
                )
            )
        users = self._read()
        users[name] = hash_password(password)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"users": users}, indent=2, ensure_ascii=False) + "\n"
        _write_private(self.path, text.encode("utf-8"))

    def check(self, name: str, password: str) -> bool:
        """Whether ``name`` exists and ``password`` is its password."""
        stored = self._read().get(name)
        if stored is None:
            verify_password(password, _dummy_hash())  # as long as a wrong password takes
            return False
        return verify_password(password, stored)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


def load_secret(data_dir: Path) -> bytes:
    """The signing key in ``DATA/secret.key``, created (mode 600) the first time."""
    path = Path(data_dir) / "secret.key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, secrets.token_bytes(32))
    return path.read_bytes()


@dataclass(frozen=True)
class Session:
    """A visitor's session: its id and the user signed in (``None``: anonymous)."""

    sid: str
    user: str | None
    issued: int


def _sign(secret: bytes, payload: str) -> str:
    mac = hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def session_cookie(secret: bytes, session: Session) -> str:
    """The cookie value of ``session``, signed."""
    user = base64.urlsafe_b64encode((session.user or "").encode()).decode().rstrip("=")
    payload = f"{session.sid}.{user}.{session.issued}"
    return f"{payload}.{_sign(secret, payload)}"


def new_session(user: str | None = None) -> Session:
    """A fresh session (a new id: a sign-in never keeps the anonymous session's id)."""
    return Session(secrets.token_hex(16), user, int(time.time()))


def read_session(secret: bytes, value: str | None) -> Session | None:
    """The session of a cookie value, or ``None`` when absent, forged or expired."""
    if not value or value.count(".") != 3:
        return None
    sid, user, issued, sig = value.split(".")
    if not hmac.compare_digest(sig, _sign(secret, f"{sid}.{user}.{issued}")):
        return None
    try:
        when = int(issued)
        name = base64.urlsafe_b64decode(user + "=" * (-len(user) % 4)).decode() or None
    except ValueError:
        return None
    if not re.fullmatch(r"[0-9a-f]{32}", sid) or time.time() - when > SESSION_S:
        return None
    return Session(sid, name, when)


def csrf_token(secret: bytes, session: Session) -> str:
    """The CSRF token every form of ``session`` carries."""
    return _sign(secret, f"csrf:{session.sid}")


def csrf_ok(secret: bytes, session: Session | None, token: str | None) -> bool:
    """Whether ``token`` is the CSRF token of ``session``."""
    if session is None or not token:
        return False
    return hmac.compare_digest(token, csrf_token(secret, session))
