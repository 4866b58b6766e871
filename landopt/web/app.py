"""The routes of the web app (FastAPI), server-rendered with jinja2 templates.

Pages: ``/`` (run history), ``/login``, ``/layers/new`` → ``/layers/{id}`` (validation
report, column and status mapping) → ``/layers/{id}/scenario`` (the scenario form, TOML
upload and download) → ``/runs/{id}`` (progress and cancel, then the result: summary,
map, diagnosis, downloads). JSON: ``/api/runs/{id}``. Every page and form has stable
element ids (``#runs``, ``#upload-form``, ``#mapping-form``, ``#scenario-form``,
``#run-progress``, ``#cancel``, ``#summary``, ``#diagnosis``, ``#map``…) for the browser
tests.

Security, for every request (:func:`_guard`): the session cookie (signed, HttpOnly,
SameSite=Strict); with authentication on, every page but ``/login`` and ``/static``
needs a signed-in session; every POST carries the session's CSRF token (form field
``csrf_token`` or header ``X-CSRF-Token``), else 403; every response says
``X-Content-Type-Options: nosniff`` and a Content-Security-Policy allowing only
``'self'`` (the run's own ``plan.html`` and ``report.html``, which inline their scripts
and styles for offline use, get ``'unsafe-inline'`` for those alone).
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from landopt._fields import CORE_FIELDS, REQUIRED_FIELDS, STATUSES
from landopt.errors import InputError, Problem, ScenarioError
from landopt.i18n import fmt_mu, fmt_wan, t
from landopt.web import (
    _messages,  # noqa: F401  (the web.* texts join the catalog)
    _toml,
    auth,
    layers,
    locks_map,
    projects_form,
    scenario_form,
    uploads,
)
from landopt.web.jobs import ENDED, JobQueue, QueueFull

__all__ = ["WebConfig", "build_app"]

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
#: The files of a run that may be downloaded, all inside its ``plan`` folder.
PLAN_FILES = {
    "plan.gpkg": "application/geopackage+sqlite3",
    "summary.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "summary.csv": "text/csv; charset=utf-8",
    "plan.png": "image/png",
    "plan.html": "text/html; charset=utf-8",
    "report.html": "text/html; charset=utf-8",
    "run.json": "application/json",
    # a programme's and the key projects' own outputs, when the plan has them
    "programme.csv": "text/csv; charset=utf-8",
    "programme_cumulative.csv": "text/csv; charset=utf-8",
    "programme_map.png": "image/png",
    "programme_timeline.png": "image/png",
    "projects.csv": "text/csv; charset=utf-8",
}
#: Already compressed (a zip inside): sent as they are.
NO_GZIP = (PLAN_FILES["summary.xlsx"],)
#: gzip's level for the answers: 6 compresses plan.html nearly as well as 9, in half the time.
GZIP_LEVEL = 6
#: How long a browser keeps a finished run's file without asking again (a run's outputs
#: never change: a re-run is a new run).
RUN_FILE_MAX_AGE = 24 * 3600
#: The files of a sweep run, all inside its ``sweep`` folder.
SWEEP_FILES = {
    "sweep.csv": "text/csv; charset=utf-8",
    "sweep.png": "image/png",
}
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
#: For the run's own self-contained HTML (scripts and styles inlined for offline use).
CSP_INLINE = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)
LANG_COOKIE = "landopt_lang"
PUBLIC = ("/login", "/static/", "/favicon.ico")


@dataclass
class WebConfig:
    """How the app runs: its data folder, authentication, queue and upload limit."""

    data_dir: Path
    auth: bool = False
    jobs: int = 1
    #: a Dask scheduler's address: runs solve on its workers (:mod:`landopt.web.jobs`)
    scheduler: str | None = None
    max_upload: int = uploads.DEFAULT_MAX_BYTES


class Web:
    """The app's state: folders, store, queue, secret, templates."""

    def __init__(self, config: WebConfig, store: Any) -> None:
        self.config = config
        self.data = Path(config.data_dir)
        self.secret = auth.load_secret(self.data)
        self.users = auth.Users(self.data)
        self.layers = layers.LayerStore(self.data)
        self.store = store
        self.runs_root = self.data / "runs"
        self.runs_root.mkdir(parents=True, exist_ok=True)
        self.queue = JobQueue(store, self.runs_root, jobs=config.jobs, scheduler=config.scheduler)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        #: the open ``server.lock`` (:func:`landopt.web.create_app`), released by :meth:`close`
        self.lock: Any = None

    def close(self) -> None:
        """Release the store and the data folder (the app is done)."""
        self.queue.close()
        self.store.close()
        if self.lock is not None:
            self.lock.close()
            self.lock = None

    def render(
        self, request: Request, name: str, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        lang = request.state.lang
        session = request.state.session

        def tr(key: str, **fields: Any) -> str:
            return t(f"web.{key}", lang, **fields)

        html = self.env.get_template(name).render(
            t=tr,
            lang=lang,
            other_lang="en" if lang == "zh" else "zh",
            user=session.user,
            auth=self.config.auth,
            csrf=auth.csrf_token(self.secret, session),
            path=request.url.path,
            mu=lambda v: fmt_mu(v, lang),
            wan=lambda v: fmt_wan(v, lang),
            when=lambda rec, v: _local(rec, v, lang),
            **context,
        )
        return HTMLResponse(html, status_code=status_code)


def _local(rec: Any, when: Any, lang: str) -> str:
    """A run's time in its district's time zone (the scenario's, else ``LANDOPT_TZ``, else
    Beijing time), as ``landopt runs list`` shows it."""
    from landopt.localtime import district_zone, local_time

    zone = ((getattr(rec, "scenario", None) or {}).get("timezone")) or district_zone()
    return local_time(when, zone, lang)


def _proof(folder: Path, lang: str) -> str | None:
    """How well the run's plan was proven, in words (from its run.json), or None."""
    from landopt.solvers.result import proof_text

    try:
        run = json.loads((folder / "plan" / "run.json").read_text(encoding="utf-8"))
        return proof_text(run["solver"], lang)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _lang_of(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in ("zh", "en"):
        return q
    c = request.cookies.get(LANG_COOKIE)
    return c if c in ("zh", "en") else "zh"


def build_app(config: WebConfig, store: Any) -> FastAPI:
    """The FastAPI app over ``store`` (see :func:`landopt.web.create_app`)."""
    web = Web(config, store)
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        web.queue.start()
        try:
            yield
        finally:
            web.queue.stop()
            web.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # every text answer over 1 kB goes gzip-compressed to a browser that takes it: the run's
    # plan.html of 100,000 parcels is a tenth of its size on the wire (BENCHMARKS.md)
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1000,
        compresslevel=GZIP_LEVEL,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, *NO_GZIP),
    )

    @app.middleware("http")
    async def _guard(request: Request, call_next: Any) -> Response:
        lang = _lang_of(request)
        session = auth.read_session(web.secret, request.cookies.get(auth.COOKIE))
        fresh = session is None
        if session is None:
            session = auth.new_session()
        request.state.lang = lang
        request.state.session = session
        path = request.url.path
        if web.config.auth and session.user is None and not path.startswith(PUBLIC):
            if path.startswith("/api/"):
                response: Response = JSONResponse({"error": "login required"}, status_code=401)
            else:
                response = RedirectResponse("/login", status_code=303)
        elif request.method == "POST" and _too_long(request, web):
            response = HTMLResponse(
                web.env.get_template("error.html.j2").render(
                    t=lambda key, **f: t(f"web.{key}", lang, **f),
                    lang=lang,
                    message=t("web.upload.too_big", lang, mb=f"{web.config.max_upload / 1e6:,.0f}"),
                ),
                status_code=413,
            )
        elif request.method not in ("GET", "HEAD", "OPTIONS") and not await _csrf_ok(
            request, web, session
        ):
            response = HTMLResponse(
                web.env.get_template("error.html.j2").render(
                    t=lambda key, **f: t(f"web.{key}", lang, **f),
                    lang=lang,
                    message=t("web.csrf_refused", lang),
                ),
                status_code=403,
            )
        else:
            response = await call_next(request)
        if fresh:
            _set_session(response, web, session)
        if request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="strict")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response

    @app.exception_handler(_Locked)
    async def _locked(request: Request, exc: _Locked) -> Response:
        return RedirectResponse(f"/layers/{exc.args[0]}", status_code=303)

    _routes(app, web)
    return app


def _set_session(response: Response, web: Web, session: auth.Session) -> None:
    response.set_cookie(
        auth.COOKIE,
        auth.session_cookie(web.secret, session),
        max_age=auth.SESSION_S,
        httponly=True,
        samesite="strict",
    )


def _too_long(request: Request, web: Web) -> bool:
    """A request body declared longer than an upload may be, or of no declared length
    (chunked: it could be any size; browsers always declare it): refused before it is read."""
    if "content-length" not in request.headers:
        return "transfer-encoding" in request.headers
    try:
        length = int(request.headers["content-length"])
    except ValueError:
        return True
    return length > web.config.max_upload + (1 << 20)


async def _csrf_ok(request: Request, web: Web, session: auth.Session) -> bool:
    token = request.headers.get("x-csrf-token")
    if token is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            # read here (Starlette replays the body to the route), parsed from a copy
            body = await request.body()

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": body, "more_body": False}

            copy = Request(request.scope, receive)
            form = await copy.form(max_part_size=1 << 20)
            try:
                value = form.get("csrf_token")
                token = value if isinstance(value, str) else None
            finally:
                await form.close()
    return auth.csrf_ok(web.secret, session, token)


async def _fields(request: Request) -> FormData:
    """The form's text fields (any file in it closed again)."""
    async with request.form() as form:
        return FormData([(k, v) for k, v in form.multi_items() if isinstance(v, str)])


def _run_dir(web: Web, run_id: str) -> Path:
    if not _RUN_ID.match(run_id):
        raise HTTPException(404)
    return web.runs_root / run_id


def _get_layer(web: Web, layer_id: str) -> layers.Layer:
    try:
        return web.layers.get(layer_id)
    except KeyError:
        raise HTTPException(404) from None


class _Locked(Exception):
    """A PostGIS layer whose password this server must be told again."""


def _open_layer(web: Web, layer_id: str) -> layers.Layer:
    """:func:`_get_layer` for the pages that read the layer: its password must be known."""
    layer = _get_layer(web, layer_id)
    if layer.locked:
        raise _Locked(layer_id)
    return layer


def _pg_form(
    sent: dict[str, str] | None = None, problems: dict[str, str] | None = None
) -> dict[str, Any]:
    """The PostGIS form's values (never the password) and its problems by field."""
    values = {"name": "", "url": "", "table": "", "sql": ""} | (sent or {})
    return {"values": values, "problems": problems or {}}


def _read_summary(folder: Path) -> list[dict[str, str]]:
    path = folder / "plan" / "summary.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _run_info(web: Web, run_id: str) -> dict[str, Any]:
    from landopt.store import StoreError

    try:
        rec = web.store.get(run_id)
    except StoreError:
        raise HTTPException(404) from None
    folder = _run_dir(web, rec.id)
    try:
        progress = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
        stage = progress["stage"]
    except (OSError, ValueError, KeyError, TypeError):
        progress, stage = {}, rec.status
    return {
        "id": rec.id,
        "kind": rec.kind,
        "name": rec.name,
        "status": rec.status,
        "stage": stage,
        "ended": rec.status in ENDED,
        "started_at": rec.started_at.isoformat(),
        "finished_at": rec.finished_at.isoformat() if rec.finished_at else None,
        "error": rec.error,
        "done": progress.get("done"),
        "total": progress.get("total"),
    }


def _routes(app: FastAPI, web: Web) -> None:
    # ---------------------------------------------------------------- home and login
    @app.get("/favicon.ico")
    async def favicon(request: Request) -> Response:
        # the run's own plan.html and report.html name no icon: the browser asks for this
        # one, and a 404 would be a console error on every report
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        records = await run_in_threadpool(web.store.list, limit=200)
        rows = []
        for r in records:
            if r.kind not in ("plan", "programme", "sweep"):
                continue
            total = next(
                (
                    row
                    for row in (r.summary or [])
                    if isinstance(row, dict) and row.get("action") == "total"
                ),
                None,
            )
            ours = r.origin == "web" and (web.runs_root / r.id).is_dir()
            rows.append({"rec": r, "cost": total.get("cost_wan") if total else None, "ours": ours})
        comparable = [
            row["rec"]
            for row in rows
            if row["ours"] and (web.runs_root / row["rec"].id / "plan" / "run.json").is_file()
        ]
        return web.render(request, "home.html.j2", rows=rows, comparable=comparable)

    @app.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request) -> Response:
        return web.render(request, "login.html.j2", error=None)

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await _fields(request)
        name = str(form.get("username") or "")
        password = str(form.get("password") or "")
        ok = await run_in_threadpool(web.users.check, name, password)
        if not ok:
            return web.render(
                request,
                "login.html.j2",
                status_code=401,
                error=t("web.login.wrong", request.state.lang),
            )
        response = RedirectResponse("/", status_code=303)
        _set_session(response, web, auth.new_session(name))
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        response = RedirectResponse("/login" if web.config.auth else "/", status_code=303)
        _set_session(response, web, auth.new_session())
        return response

    # ---------------------------------------------------------------- layers
    @app.get("/layers/new", response_class=HTMLResponse)
    async def layer_new(request: Request) -> Response:
        return web.render(
            request,
            "layer_new.html.j2",
            error=None,
            max_mb=web.config.max_upload / 1e6,
            pg=_pg_form(),
        )

    @app.post("/layers/postgis")
    async def layer_postgis(request: Request) -> Response:
        form = await _fields(request)
        lang = request.state.lang
        sent = {k: str(form.get(k) or "").strip() for k in ("name", "url", "table", "sql")}
        password = str(form.get("password") or "") or None
        url, in_url = layers.split_password(sent["url"])
        password = password or in_url  # a password typed into the URL is never echoed back
        problems: dict[str, str] = {}
        if not url:
            problems["url"] = t("web.pg.need_url", lang)
        if bool(sent["table"]) == bool(sent["sql"]):
            problems["table"] = t("web.pg.table_or_sql", lang)
        layer_id = ""
        if not problems:
            layer_id, _ = web.layers.new_folder()
            try:
                await run_in_threadpool(
                    layers.check_connection, layers.with_password(url, password)
                )
            except InputError as exc:
                problems["url"] = str(exc)
        if not problems:
            name = (sent["name"] or sent["table"] or "SQL")[:200]
            try:
                await run_in_threadpool(
                    web.layers.create_db,
                    layer_id,
                    name,
                    url,
                    password,
                    table=sent["table"] or None,
                    sql=sent["sql"] or None,
                )
            except InputError as exc:
                problems["sql" if sent["sql"] else "table"] = str(exc)
        if problems:
            return web.render(
                request,
                "layer_new.html.j2",
                status_code=422,
                error=None,
                max_mb=web.config.max_upload / 1e6,
                pg=_pg_form(sent | {"url": url}, problems),
            )
        return RedirectResponse(f"/layers/{layer_id}", status_code=303)

    @app.post("/layers/{layer_id}/password")
    async def layer_password(request: Request, layer_id: str) -> Response:
        layer = _get_layer(web, layer_id)
        form = await _fields(request)
        if not layer.is_db:
            raise HTTPException(404)
        try:
            await run_in_threadpool(web.layers.set_password, layer, str(form.get("password") or ""))
        except InputError as exc:
            return web.render(
                request, "layer_password.html.j2", status_code=422, layer=layer, error=str(exc)
            )
        return RedirectResponse(f"/layers/{layer_id}", status_code=303)

    @app.post("/layers")
    async def layer_upload(request: Request) -> Response:
        async with request.form() as form:
            return await _layer_upload(request, form)

    async def _layer_upload(request: Request, form: FormData) -> Response:
        upload = form.get("file")
        lang = request.state.lang
        if not isinstance(upload, UploadFile) or not upload.filename:
            return web.render(
                request,
                "layer_new.html.j2",
                status_code=400,
                error=t("web.upload.no_file", lang),
                max_mb=web.config.max_upload / 1e6,
                pg=_pg_form(),
            )
        layer_id, folder = web.layers.new_folder()
        try:
            path = await run_in_threadpool(
                uploads.receive_upload,
                upload.file,
                folder,
                max_bytes=web.config.max_upload,
                lang=lang,
                name=upload.filename,
            )
            name = Path(upload.filename).name[:200]
            await run_in_threadpool(web.layers.create, layer_id, name, path)
        except uploads.UploadError as exc:
            status = 413 if exc.key == "too_big" else 400
            return web.render(
                request,
                "layer_new.html.j2",
                status_code=status,
                error=exc.problem,
                max_mb=web.config.max_upload / 1e6,
                pg=_pg_form(),
            )
        except InputError as exc:  # landopt cannot read it at all
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
            return web.render(
                request,
                "layer_new.html.j2",
                status_code=400,
                error=str(exc),
                max_mb=web.config.max_upload / 1e6,
                pg=_pg_form(),
            )
        return RedirectResponse(f"/layers/{layer_id}", status_code=303)

    def _layer_page(layer: layers.Layer, lang: str) -> dict[str, Any]:
        info = layer.columns_info()
        columns = info["columns"]
        by_field = {dst: src for src, dst in layer.columns.items()}
        chosen = {f: by_field.get(f, f if f in columns else "") for f in CORE_FIELDS}
        values = info["values"].get(chosen["status"], [])
        report = layers.validate(layer, lang)
        return {
            "layer": layer,
            "columns": columns,
            "fields": list(CORE_FIELDS),
            "required": set(REQUIRED_FIELDS),
            "chosen": chosen,
            "status_values": layers.suggest_statuses(values, layer.status_values),
            "statuses": STATUSES,
            "report": report,
        }

    @app.get("/layers/{layer_id}", response_class=HTMLResponse)
    async def layer_page(request: Request, layer_id: str) -> Response:
        layer = _get_layer(web, layer_id)
        if layer.locked:  # the server restarted: the password was only in its memory
            return web.render(request, "layer_password.html.j2", layer=layer, error=None)
        ctx = await run_in_threadpool(_layer_page, layer, request.state.lang)
        return web.render(request, "layer.html.j2", **ctx)

    @app.post("/layers/{layer_id}/mapping")
    async def layer_mapping(request: Request, layer_id: str) -> Response:
        layer = _open_layer(web, layer_id)
        form = await _fields(request)
        raw_columns = set((await run_in_threadpool(layer.columns_info))["columns"])
        columns: dict[str, str] = {}
        for f in CORE_FIELDS:
            src = str(form.get(f"col.{f}") or "")
            if src and src in raw_columns and src != f:
                columns[src] = f
        status_values: dict[str, str] = {}
        for key, value in form.multi_items():
            if key.startswith("sv.") and isinstance(value, str) and value in STATUSES:
                status_values[key[3:]] = value
        layer.columns = columns
        layer.status_values = status_values
        await run_in_threadpool(layer.save)
        return RedirectResponse(f"/layers/{layer_id}", status_code=303)

    # ---------------------------------------------------------------- scenario
    def _scenario_data(layer: layers.Layer) -> dict[str, Any]:
        return layer.scenario_data() or scenario_form.base_scenario(
            targets=scenario_form.is_demo(layer.path)
        )

    async def _scenario_render(
        request: Request,
        layer: layers.Layer,
        data: dict[str, Any],
        problems: scenario_form.FormResult,
        *,
        sent: dict[str, str] | None = None,
        saved: bool = False,
    ) -> HTMLResponse:
        """The scenario page for ``data``, with what the planner sent kept in its fields."""
        lang = request.state.lang
        values = scenario_form.form_values(data)
        if sent is not None:
            values = _echo(values, sent)
        keys = scenario_form.sweep_keys(data, lang)
        sweep = {
            "key": (sent or {}).get("sweep.key", keys[0][0] if keys else ""),
            "from": (sent or {}).get("sweep.from", ""),
            "to": (sent or {}).get("sweep.to", ""),
            "steps": (sent or {}).get("sweep.steps", "5"),
        }
        lock_map = await run_in_threadpool(_lock_map, layer, data, lang)
        projects = await run_in_threadpool(_projects_section, data, values, sent, lang)
        return web.render(
            request,
            "scenario.html.j2",
            projects=projects,
            status_code=200 if problems.ok else 422,
            layer=layer,
            values=values,
            actions=scenario_form.ACTIONS,
            problems=problems,
            saved=saved,
            sweep_keys=keys,
            sweep=sweep,
            lock_map=lock_map,
            max_map=locks_map.MAX_CANVAS_PARCELS,
        )

    @app.get("/layers/{layer_id}/scenario", response_class=HTMLResponse)
    async def scenario_page(request: Request, layer_id: str) -> Response:
        layer = _open_layer(web, layer_id)
        data = _scenario_data(layer)
        return await _scenario_render(request, layer, data, scenario_form.FormResult())

    @app.get("/layers/{layer_id}/lockmap.json")
    async def lock_map_json(request: Request, layer_id: str) -> Response:
        """The canvas lock map's outlines and allowed actions (a layer too large for the
        SVG), kept gzip-compressed; revalidated by its ETag, so a reload of the scenario
        page sends 304."""
        layer = _open_layer(web, layer_id)
        kept = await run_in_threadpool(
            _lock_map_json, layer, _scenario_data(layer), request.state.lang
        )
        if kept is None:
            raise HTTPException(404)
        key, body = kept
        etag = f'"{key}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
        else:
            import gzip

            body = gzip.decompress(body)
        return Response(body, media_type="application/json", headers=headers)

    @app.get("/layers/{layer_id}/scenario.toml")
    async def scenario_toml(request: Request, layer_id: str) -> Response:
        layer = _open_layer(web, layer_id)
        data = _scenario_data(layer)
        data["parcels"] = layer.parcels_table()
        text = _toml.dumps(data, header=t("web.scenario.toml_header", request.state.lang))
        return Response(
            text,
            media_type="application/toml; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="scenario.toml"'},
        )

    @app.post("/layers/{layer_id}/scenario/upload")
    async def scenario_upload(request: Request, layer_id: str) -> Response:
        layer = _open_layer(web, layer_id)
        async with request.form() as form:
            upload = form.get("toml")
            raw = await upload.read(1 << 20) if isinstance(upload, UploadFile) else None
        lang = request.state.lang
        problems = scenario_form.FormResult()
        data = _scenario_data(layer)
        if raw is not None:
            try:
                data = scenario_form.parse_toml(raw.decode("utf-8", errors="replace"))
            except ScenarioError as exc:
                problems.general.extend(str(p) for p in exc.problems)
            else:
                data.pop("parcels", None)
                data["parcels"] = layer.parcels_table()
                not_here = _foreign_projects(data, layer, lang)
                problems = await run_in_threadpool(
                    scenario_form.check, data, layer, layer.folder, lang
                )
                if not_here:
                    problems.by_field.setdefault("projects", []).insert(0, not_here)
                await run_in_threadpool(layer.save_scenario_data, data)
        return await _scenario_render(request, layer, data, problems)

    @app.post("/layers/{layer_id}/scenario")
    async def scenario_post(request: Request, layer_id: str) -> Response:
        layer = _open_layer(web, layer_id)
        lang = request.state.lang
        upload_problems: list[str] = []
        stored: Path | None = None
        async with request.form() as form:
            values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
            upload = form.get("projects.file")
            if isinstance(upload, UploadFile) and upload.filename:
                try:
                    stored = await run_in_threadpool(
                        projects_form.receive_projects,
                        upload.file,
                        layer.folder,
                        max_bytes=min(projects_form.MAX_BYTES, web.config.max_upload),
                        lang=lang,
                    )
                except projects_form.ProjectsUploadError as exc:
                    upload_problems = [_problem_text(p, lang) for p in exc.problems]
        data, bad = scenario_form.from_form(
            _scenario_data(layer), values, layer.parcels_table(), lang
        )
        do = values.get("do")
        if do == "projects_remove":
            data.pop("projects", None)
            await run_in_threadpool(projects_form.remove_projects, layer.folder)
        elif stored is not None:  # the new table replaces any other; the options stay
            spec = {k: v for k, v in (data.get("projects") or {}).items() if k != "list"}
            data["projects"] = spec | {"path": str(stored.resolve())}
        vary: dict[str, list[float]] = {}
        run_data = data
        if do == "sweep":
            run_data, vary, bad_sweep = scenario_form.sweep_from_form(data, values, lang)
            bad.update(bad_sweep)
        problems = scenario_form.FormResult()
        for name, message in bad.items():
            problems.by_field.setdefault(name, []).append(message)
        if upload_problems:
            problems.by_field["projects"] = upload_problems
        if problems.ok:
            problems = await run_in_threadpool(scenario_form.check, data, layer, layer.folder, lang)
        if problems.ok:
            await run_in_threadpool(layer.save_scenario_data, data)
        if not problems.ok or do not in ("run", "sweep"):
            return await _scenario_render(
                request, layer, data, problems, sent=values, saved=problems.ok
            )
        run_id = await run_in_threadpool(
            _queue_run,
            web,
            run_data,
            request.state.session.user,
            lang,
            layer.id,
            vary=vary or None,
            env={"PGPASSWORD": layer.password} if layer.password else None,
        )
        if run_id is None:
            return web.render(
                request, "error.html.j2", status_code=503, message=t("web.queue_full", lang)
            )
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    # ---------------------------------------------------------------- compare
    def _comparison(request: Request) -> Any:
        from landopt.store import StoreError
        from landopt.web.comparison import compare_runs

        a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
        if not (_RUN_ID.match(a) and _RUN_ID.match(b)) or a == b:
            raise HTTPException(404)
        try:
            recs = [web.store.get(a), web.store.get(b)]
        except StoreError:
            raise HTTPException(404) from None
        if not all((web.runs_root / r.id / "plan" / "run.json").is_file() for r in recs):
            raise HTTPException(404)
        names = (f"{recs[0].name} ({a[:8]})", f"{recs[1].name} ({b[:8]})")
        return compare_runs(
            web.runs_root, web.data / "compare", a, b, names, request.state.lang
        ), recs

    @app.get("/compare", response_class=HTMLResponse)
    async def compare_page(request: Request) -> Response:
        lang = request.state.lang
        try:
            result, recs = await run_in_threadpool(_comparison, request)
        except InputError as exc:
            return web.render(request, "error.html.j2", status_code=422, message=str(exc))
        table = result.table.astype(object).where(result.table.notna(), "").to_dict("records")
        changes = result.changes.fillna("")  # read as text
        plans = list(dict.fromkeys(r["scenario"] for r in table))
        labels = {str(r["action"]): str(r["label"]) for r in table} | {
            "none": t("web.compare.no_action", lang)
        }
        fixed = [c for c in ("parcel_id", "township", "name", "area_mu") if c in changes]
        header = [t(f"web.compare.col.{c}", lang) for c in fixed] + plans
        rows = []
        for r in changes.head(500).to_dict("records"):
            cells = [
                fmt_mu(float(r[c]), lang) if c == "area_mu" and r[c] != "" else r[c] for c in fixed
            ]
            rows.append(cells + [labels.get(str(r[p]), str(r[p])) for p in plans])
        return web.render(
            request,
            "compare.html.j2",
            recs=recs,
            table=table,
            plan_names=plans,
            changes=rows,
            change_columns=header,
            n_changes=len(changes),
            map_src=f"/compare/map?a={recs[0].id}&b={recs[1].id}&lang={lang}",
        )

    @app.get("/compare/map")
    async def compare_map(request: Request) -> Response:
        result, _ = await run_in_threadpool(_comparison, request)
        return FileResponse(result.png, media_type="image/png")

    # ---------------------------------------------------------------- runs
    @app.get("/api/runs/{run_id}")
    async def api_run(request: Request, run_id: str) -> Response:
        _run_dir(web, run_id)
        info = await run_in_threadpool(_run_info, web, run_id)
        return JSONResponse(info)

    @app.post("/runs/{run_id}/cancel")
    async def run_cancel(request: Request, run_id: str) -> Response:
        _run_dir(web, run_id)
        await run_in_threadpool(_run_info, web, run_id)  # 404 for an unknown run
        await run_in_threadpool(web.queue.cancel, run_id)
        if request.headers.get("x-csrf-token"):
            return JSONResponse(await run_in_threadpool(_run_info, web, run_id))
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    async def run_page(request: Request, run_id: str) -> Response:
        folder = _run_dir(web, run_id)
        info = await run_in_threadpool(_run_info, web, run_id)
        summary = _read_summary(folder) if info["ended"] else []
        files = [n for n in PLAN_FILES if (folder / "plan" / n).is_file()]
        files += [n for n in SWEEP_FILES if (folder / "sweep" / n).is_file()]
        sweep = (
            _sweep_table(folder, request.state.lang)
            if info["ended"] and info["kind"] == "sweep"
            else None
        )
        layer_id = _read_text(folder / "layer")
        try:
            layer = web.layers.get(layer_id.strip()) if layer_id else None
        except KeyError:
            layer = None
        return web.render(
            request,
            "run.html.j2",
            info=info,
            layer=layer,
            summary=summary,
            total=next((r for r in summary if r.get("action") == "total"), None),
            proof=_proof(folder, _lang_of(request)) if summary else None,
            diagnosis=_read_text(folder / "diagnosis.txt"),
            error=_read_text(folder / "error.txt")
            or (info["error"] if info["status"] == "failed" else None),
            files=files,
            sweep=sweep,
            projects=_run_projects(folder, request.state.lang) if summary else None,
        )

    @app.get("/runs/{run_id}/files/{name}")
    async def run_file(request: Request, run_id: str, name: str) -> Response:
        folder = _run_dir(web, run_id)
        # a fixed list: no path from the request reaches the disk
        if name in PLAN_FILES:
            path, media = folder / "plan" / name, PLAN_FILES[name]
        elif name in SWEEP_FILES:
            path, media = folder / "sweep" / name, SWEEP_FILES[name]
        else:
            raise HTTPException(404)
        if not path.is_file():
            raise HTTPException(404)
        headers = {"Cache-Control": f"private, max-age={RUN_FILE_MAX_AGE}"}
        if name.endswith(".html"):
            headers["Content-Security-Policy"] = CSP_INLINE
        disposition = "inline" if name.endswith((".html", ".png")) else "attachment"
        return FileResponse(
            path,
            media_type=media,
            headers=headers,
            content_disposition_type=disposition,
            filename=name,
        )


def _problem_text(p: Any, lang: str) -> str:
    from landopt.parcels.grouping import problem_text

    return problem_text(p, lang)


def _foreign_projects(data: dict[str, Any], layer: layers.Layer, lang: str) -> str | None:
    """Drop an uploaded TOML's ``[projects] path`` unless it is this layer's own table
    (the app opens no file a planner names); what was dropped, in words."""
    spec = data.get("projects")
    if not isinstance(spec, dict) or "path" not in spec:
        return None
    if projects_form.own_path(spec["path"], layer.folder):
        return None
    path = spec.pop("path")
    p = Problem(
        t("web.projects.where", lang),
        "path",
        t("web.projects.not_here", lang, path=path),
        t("web.projects.not_here.fix", lang),
    )
    return _problem_text(p, lang)


def _projects_section(
    data: dict[str, Any], values: dict[str, Any], sent: dict[str, str] | None, lang: str
) -> dict[str, Any]:
    """The key projects section of the scenario page: the table's rows, its totals, the
    ``[projects]`` option fields (what the planner typed kept in them)."""
    rows, _ = projects_form.table_of(data, lang)
    actions = {a: v["label"] for a, v in values["actions"].items() if v["present"]}
    fields = projects_form.option_fields(data, actions, lang)
    for f in fields:
        name = f"projects.{f['name']}"
        if sent and name in sent and f["kind"] in ("number", "text"):
            f["value"] = sent[name]
    yi = sum(float(r["investment_yi"].replace(",", "")) for r in rows)
    return {
        "on": isinstance(data.get("projects"), dict),
        "rows": rows,
        "columns": projects_form.SHOWN,
        "fields": fields,
        "count": t("web.projects.count", lang, n=len(rows), yi=f"{yi:,.1f}") if rows else "",
    }


def _run_projects(folder: Path, lang: str) -> dict[str, Any] | None:
    """A finished run's project–site table (``plan/projects.csv``), headers in ``lang``."""
    from landopt.project_outputs import COLUMNS

    path = folder / "plan" / "projects.csv"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    shown = [i for i, (c, _) in enumerate(COLUMNS) if c != "reason"]
    landed_at = [c for c, _ in COLUMNS].index("landed")
    yes = {t("projects_out.yes", "zh"), t("projects_out.yes", "en")}  # the run's language

    def cells(r: list[str]) -> list[str]:
        landed = r[landed_at] in yes
        out = []
        for i in shown:
            field, kind = COLUMNS[i]
            value = r[i] if i < len(r) else ""
            if not landed and field in ("mu", "parcels"):
                value = "—"
            elif kind in ("mu", "yi") and value:
                value = f"{float(value):,.1f}"
            out.append(value)
        return out

    return {
        "header": [t(f"projects_out.col.{COLUMNS[i][0]}", lang) for i in shown],
        "kinds": [COLUMNS[i][1] or "" for i in shown],
        "rows": [{"cells": cells(r), "landed": r[landed_at] in yes} for r in rows],
    }


def _lock_map(layer: layers.Layer, data: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The lock map of the scenario page: the layer's outline, each parcel's allowed actions
    and its lock now; for a layer too large for the SVG, the canvas's frame and size alone
    (``kind`` says which; the layer is not read again once its canvas map is kept);
    ``None`` when the layer cannot be read or is too large to draw."""
    from landopt.errors import LandoptError

    n = _valid_parcels(layer, lang)
    if n is None or n > locks_map.MAX_CANVAS_PARCELS:
        return None
    if n > locks_map.MAX_MAP_PARCELS:
        meta = locks_map.canvas_meta(layer, n)
        if meta is None:  # not kept yet (or in a folder that cannot be written)
            try:
                shapes = locks_map.canvas_shapes(layer, layer.read(lang))
            except LandoptError:
                return None
            if shapes is None:
                return None
            meta = locks_map.canvas_meta_of(shapes)
        return {"kind": "canvas", **meta}
    try:
        parcels = layer.read(lang)
    except LandoptError:
        return None
    shape = locks_map.outline(layer, parcels)
    if shape is None:
        return None
    eligible = locks_map.eligible_of(data, parcels, layer.folder)
    locks = data.get("locks") or {}
    include = locks.get("include") or {}
    exclude = locks.get("exclude") or {}
    parcels_out = []
    for pid, d in shape["paths"]:
        if pid in include:
            state = f"in-{include[pid]}"
        elif exclude.get(pid) == "all":
            state = "out"
        else:
            state = "free"
        parcels_out.append({"pid": pid, "d": d, "eligible": eligible.get(pid, ""), "state": state})
    return {"kind": "svg", "viewbox": shape["viewbox"], "parcels": parcels_out}


def _valid_parcels(layer: layers.Layer, lang: str) -> int | None:
    """The number of parcels of a usable layer (its kept validation), else ``None``."""
    report = layers.validate(layer, lang)
    return report.parcels if report.ok else None


def _lock_map_json(
    layer: layers.Layer, data: dict[str, Any], lang: str
) -> tuple[str, bytes] | None:
    """The canvas lock map's gzip-compressed JSON and its key
    (:func:`locks_map.canvas_json_gz`); ``None`` when the layer cannot be read, is small
    enough for the SVG, or too large to draw."""
    from landopt.errors import LandoptError

    n = _valid_parcels(layer, lang)
    if n is None or not locks_map.MAX_MAP_PARCELS < n <= locks_map.MAX_CANVAS_PARCELS:
        return None

    def read() -> Any:
        try:
            return layer.read(lang)
        except LandoptError:
            return None

    return locks_map.canvas_json_gz(layer, n, data, read)


def _sweep_table(folder: Path, lang: str) -> dict[str, Any] | None:
    """A finished sweep's points for its page: the varied key, status in words, objective,
    marginal cost (read from ``sweep/sweep.csv``)."""
    import math

    from landopt.i18n import MESSAGES

    path = folder / "sweep" / "sweep.csv"
    try:
        job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, ValueError):
        return None
    keys = list(job.get("vary") or {})
    labels = job.get("labels") or {}

    def number(text: str | None, digits: int) -> str:
        try:
            v = float(text or "")
        except ValueError:
            return ""
        return "" if not math.isfinite(v) else f"{v:,.{digits}f}"

    out = []
    for r in rows:
        status = r.get("status", "")
        word = f"cli.sweep.status_{status}"
        out.append(
            {
                "values": [number(r.get(k), 1 if not k.endswith("count") else 0) for k in keys],
                "status": status,
                "status_text": t(word, lang) if word in MESSAGES else status,
                "objective": number(r.get("objective"), 1),
                "marginal": number(r.get("marginal"), 2),
            }
        )
    return {"keys": [labels.get(k, k) for k in keys], "rows": out}


def _echo(shown: dict[str, Any], sent: dict[str, str]) -> dict[str, Any]:
    """The form's values as the planner typed them (a value landopt could not read stays in
    its field, next to its error), on top of those of the scenario dict."""
    for k in ("name", "budget", "time_limit", "objective"):
        if k in sent:
            shown[k] = sent[k]
    for a, fields in shown["actions"].items():
        for k in ("count", "area", "area_mode"):
            if f"{a}.{k}" in sent:
                fields[k] = sent[f"{a}.{k}"]
    for k in shown["locks"]:
        if f"locks.{k}" in sent:
            shown["locks"][k] = sent[f"locks.{k}"]
    return shown


def _queue_run(
    web: Web,
    data: dict[str, Any],
    user: str | None,
    lang: str,
    layer_id: str,
    *,
    vary: dict[str, list[float]] | None = None,
    env: dict[str, str] | None = None,
) -> str | None:
    """Record the run ``queued``, write its folder, hand it to the queue.

    With ``vary`` (``{key: values}``) the run is a sweep of the scenario over those values
    (``job.json``), recorded as a run of kind ``sweep``; else a plan.
    """
    import copy

    from landopt.scenario import scenario_from_dict

    scenario = scenario_from_dict(data, base_dir=web.runs_root)
    kind = "sweep" if vary else "plan"
    run_id = web.store.start(
        kind=kind,
        name=scenario.name,
        scenario=scenario.to_dict(),
        user=user,
        origin="web",
        status="queued",
    )
    folder = web.runs_root / run_id
    folder.mkdir(parents=True)
    web.store.update(run_id, out_dir=str((folder / kind).resolve()))
    from landopt._atomic import atomic_file

    if vary:
        words = dict(scenario_form.sweep_keys(data, lang))
        job = {"kind": "sweep", "vary": vary, "labels": {k: words.get(k, k) for k in vary}}
        with atomic_file(folder / "job.json") as tmp:
            tmp.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    spec = data.get("projects")
    if isinstance(spec, dict) and spec.get("path"):
        # the run keeps its own copy of the project table: a later upload changes no run
        src = Path(spec["path"])
        own = folder / f"projects_input{src.suffix}"
        with atomic_file(own) as tmp:
            tmp.write_bytes(src.read_bytes())
        data = copy.deepcopy(data)
        data["projects"]["path"] = str(own.resolve())
    with atomic_file(folder / "scenario.toml") as tmp:
        tmp.write_text(_toml.dumps(data), encoding="utf-8")
    with atomic_file(folder / "lang") as tmp:
        tmp.write_text(lang, encoding="utf-8")
    with atomic_file(folder / "layer") as tmp:  # the layer it ran on: to change and re-run
        tmp.write_text(layer_id, encoding="utf-8")
    try:
        web.queue.submit(run_id, env=env)
    except QueueFull:
        return None
    return run_id
