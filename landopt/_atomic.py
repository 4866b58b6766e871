"""Atomic writes: one file, or one whole output folder.

Every file landopt writes goes through :func:`atomic_file` (a temporary file beside the
target, then :func:`os.replace`), and every output folder through :func:`atomic_folder`:
the complete folder is written into a hidden staging folder beside it and swapped in as
one step, so a reader sees either the complete old output or the complete new one, never
a mix, and files of an earlier run that the new run does not write are gone after it.

On Linux an existing folder is exchanged with its staging folder in one system call
(``renameat2`` with ``RENAME_EXCHANGE``), so ``out`` never disappears, not even for an
instant; elsewhere the old folder is first moved aside, and ``out`` is absent between that
rename and the next. Staging folders are named ``.{out}.landopt-stage-{pid}-{random}`` and
the old folder, while it is moved aside during the swap, ``.{out}.landopt-old-{pid}-{random}``. A run
killed outright (SIGKILL, power cut) can leave one behind; the next run into the same
parent removes those whose owner process is gone (a live run's are never touched) and
puts back an old folder that was moved aside but never replaced. Process ids are
only meaningful on one machine: on a folder shared by several machines a leftover of
another machine's run is kept until a run on that machine (or the user) removes it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import re
import secrets
import shutil
import signal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from landopt.errors import OutputError

__all__ = [
    "atomic_file",
    "atomic_folder",
    "check_writable",
    "describe_os_error",
    "remove_stale",
    "staged_files",
]

log = logging.getLogger(__name__)

_TAG = ".landopt-"
#: Files an operating system or a GIS drops into folders; not the user's own work.
_JUNK = {".DS_Store", "Thumbs.db", "desktop.ini"}


def _mode(base: int) -> int:
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


@contextlib.contextmanager
def atomic_file(path: str | Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one step.

    On any error (or interrupt) the temporary file is removed and ``path`` is untouched.
    ``mode``: the file's permissions exactly (``0o600`` for a secret: the caller creates the
    temporary file with them, so no other user can read it at any moment); by default
    ``0o666`` less the umask.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path)  # temporary files of killed runs
    tmp = path.with_name(f".{path.name}{_TAG}tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        yield tmp
        os.chmod(tmp, _mode(0o666) if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def describe_os_error(exc: OSError, what: str | Path | None = None) -> str:
    """One line naming the path and the cause of an environment error, with a fix."""
    where = exc.filename or what or "a file"
    cause = exc.strerror or str(exc) or type(exc).__name__
    hint = {
        errno.ENOSPC: "the disk is full: free some space or choose another --out",
        errno.EDQUOT: "the disk quota is used up: free some space or choose another --out",
        errno.EROFS: "the file system is read-only: choose another --out",
        errno.EACCES: "no permission: choose a folder you can write to",
        errno.EPERM: "not permitted: choose a folder you can write to",
    }.get(exc.errno or -1, "check the path, the disk and the permissions")
    return f"cannot write {where}: {cause} ({hint})"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: someone else's live process
        return True
    return True


def remove_stale(out: str | Path, *, inside: bool = False) -> None:
    """Remove staging left beside ``out`` by killed runs; put back an orphaned old folder.

    With ``inside``, the staging of :func:`staged_files` inside ``out`` instead.
    """
    out = Path(out)
    parent = out if inside else out.parent
    prefix = _TAG if inside else f".{out.name}{_TAG}"
    pat = re.compile(re.escape(prefix) + r"(stage|old|tmp)-(\d+)-[0-9a-f]+$")
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    stale: list[tuple[str, Path]] = []
    for p in entries:
        m = pat.match(p.name)
        if m and not _pid_alive(int(m.group(2))):
            stale.append((m.group(1), p))
    olds = sorted((p for k, p in stale if k == "old"), key=lambda p: p.stat().st_mtime)
    # killed between moving the old folder aside and the swap: put the old one back
    if olds and not inside and not out.exists():
        with contextlib.suppress(OSError):
            os.rename(olds.pop(), out)
            log.warning("put back %s, left aside by a run that was killed", out)
    for _, p in stale:
        if p.exists():
            log.info("removing %s, left by a run that was killed", p)
            shutil.rmtree(p, ignore_errors=True)


def _foreign(out: Path, known: Iterable[str]) -> list[str]:
    known = set(known)
    names = []
    for p in out.iterdir():
        n = p.name
        base = n.split("-", 1)[0] if n.endswith(("-wal", "-shm", "-journal")) else n
        if base in known or n in _JUNK or _TAG in n:  # _TAG: our own temporary files
            continue
        names.append(n)
    return sorted(names)


def check_writable(out: str | Path, need_bytes: int = 0) -> None:
    """Raise :class:`OutputError` unless a staging folder can be made beside ``out``.

    Creates (and removes) an empty staging folder in the nearest existing parent, and
    checks that ``need_bytes`` are free there. Call before a long computation.
    """
    out = Path(out)
    parent = out.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {out}: {parent} is not a folder (choose another --out)")
    probe = parent / f".{out.name}{_TAG}stage-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.mkdir(probe)
        os.rmdir(probe)
        free = shutil.disk_usage(parent).free
    except OSError as exc:
        raise OutputError(describe_os_error(exc, parent)) from None
    if need_bytes and free < need_bytes:
        raise OutputError(
            f"cannot write {out}: {free / 2**20:,.0f} MB free on its disk, about "
            f"{need_bytes / 2**20:,.0f} MB needed (free some space or choose another --out)"
        )


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """No SIGINT/SIGTERM/SIGHUP handler runs in here (the swap is not cut in half)."""
    sigs = {signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)}
    sigs.discard(None)
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exists_error(out: Path) -> OutputError:
    return OutputError(
        f"{out} appeared while this run was writing (another run into the same --out?): "
        "nothing was replaced; choose another --out, or pass --force"
    )


@contextlib.contextmanager
def atomic_folder(
    out: str | Path, *, force: bool = False, known: Iterable[str] = ()
) -> Iterator[Path]:
    """Yield a staging folder; on success it becomes ``out`` in one step.

    Without ``force``, ``out`` must not exist or be empty, also at the moment of the swap:
    a folder that appeared meanwhile (another run) makes this fail with
    :class:`OutputError`, nothing replaced. With ``force`` an existing ``out`` is exchanged
    with the staging folder in one step where the system can (Linux), and otherwise moved
    aside, the staging folder renamed into place and the old folder deleted (put back if
    the rename fails). An existing ``out`` holding anything but
    ``known`` names (e.g. the user's own notes) is never swapped: that is refused
    before anything is written, since the swap would delete them.

    On any error or interrupt the staging folder is removed and ``out`` is untouched.
    OSErrors are raised as :class:`OutputError` naming the path and the cause.
    """
    out = Path(out)
    if out.is_symlink():
        out = out.resolve()
    known = list(known)
    check_folder(out, force=force, known=known)
    remove_stale(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = out.parent / f".{out.name}{_TAG}stage-{os.getpid()}-{secrets.token_hex(4)}"
        os.mkdir(stage, _mode(0o777))
    except OSError as exc:
        raise OutputError(describe_os_error(exc, out.parent)) from None
    try:
        try:
            yield stage
        except OSError as exc:  # name the file as the user knows it, not the staging path
            if isinstance(exc.filename, str) and exc.filename.startswith(str(stage)):
                exc.filename = str(out) + exc.filename[len(str(stage)) :]
            raise OutputError(describe_os_error(exc, out)) from exc
        with _signals_blocked():
            _swap(stage, out, force=force, known=known)
    except BaseException:
        with _signals_blocked():
            shutil.rmtree(stage, ignore_errors=True)
        raise


def check_folder(out: Path, *, force: bool, known: list[str], foreign_ok: bool = False) -> None:
    """Refuse an ``out`` that is a file, holds foreign files, or (without force) outputs.

    ``foreign_ok`` for folders whose files are replaced one by one (compare, sweep): other
    files are then left alone, not refused.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder: choose another --out")
    if not out.is_dir():
        return
    foreign = [] if foreign_ok else _foreign(out, known)
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise OutputError(
            f"{out} holds {shown}, which landopt did not write: the output folder is replaced "
            "as a whole, so landopt only writes into a new or empty folder or one holding "
            "its own outputs; move those files, or choose another --out"
        )
    with contextlib.suppress(OSError):
        if not foreign_ok and Path.cwd().resolve().is_relative_to(out.resolve()):
            raise OutputError(
                f"{out} is the current folder (or holds it), which cannot be replaced: choose another --out"
            )
    existing = [n for n in known if (out / n).exists()]
    if existing and not force:
        raise OutputError(
            f"{out} already holds {', '.join(existing)}: pass --force to overwrite, or choose another --out"
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one step; False where the system cannot.

    Linux's ``renameat2(..., RENAME_EXCHANGE)`` (kernel 3.15, glibc 2.28); any other system,
    or a file system without it, gets False and the two-rename swap.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(stage: Path, out: Path, *, force: bool, known: list[str]) -> None:
    old: Path | None = None
    if out.exists():
        if not force and any(out.iterdir()):
            raise _exists_error(out)
        if force:
            check_folder(out, force=True, known=known)  # nothing foreign arrived meanwhile
            with contextlib.suppress(OSError):
                mode = out.stat().st_mode & 0o7777
                os.chmod(stage, mode)
            try:
                exchanged = _exchange(stage, out)
            except OSError as exc:
                raise OutputError(describe_os_error(exc, out)) from None
            if exchanged:  # ``stage`` now holds the old output
                shutil.rmtree(stage, ignore_errors=True)
                return
            old = out.parent / f".{out.name}{_TAG}old-{os.getpid()}-{secrets.token_hex(4)}"
            try:
                os.rename(out, old)
            except FileNotFoundError:
                old = None
            except OSError as exc:
                raise OutputError(describe_os_error(exc, out)) from None
    try:
        os.rename(stage, out)  # onto an empty folder: replaces it; onto a non-empty one: fails
    except OSError as exc:
        if old is not None:
            with contextlib.suppress(OSError):
                os.rename(old, out)
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise _exists_error(out) from None
        raise OutputError(describe_os_error(exc, out)) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_files(folder: str | Path, names: Iterable[str]) -> Iterator[Path]:
    """Yield a staging folder inside ``folder``; on success move ``names`` from it into ``folder``.

    For files added to a folder that is not replaced as a whole (``landopt map`` redrawing
    the maps of a plan folder): all are written before any is replaced, and each one is
    replaced in one step. Staging of killed runs (``.landopt-stage-{pid}-…`` inside
    ``folder``) is removed first.
    """
    folder = Path(folder)
    remove_stale(folder, inside=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stage = folder / f"{_TAG}stage-{os.getpid()}-{secrets.token_hex(4)}"
        os.mkdir(stage, _mode(0o777))
    except OSError as exc:
        raise OutputError(describe_os_error(exc, folder)) from None
    try:
        yield stage
        with _signals_blocked():
            for name in names:
                os.chmod(stage / name, _mode(0o666))
                os.replace(stage / name, folder / name)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, folder)) from exc
    finally:
        with _signals_blocked():
            shutil.rmtree(stage, ignore_errors=True)
