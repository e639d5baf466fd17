"""The console's HTTP server (Starlette): the page, the JSON API of console/API.md and its live views. Every
Kubernetes call goes through the caller's session (console/sessions.py), so RBAC decides what each user sees."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import yaml
from kubernetes_asyncio.client.exceptions import ApiException
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from console import access, schema_form, streams
from console.catalog import Catalog, KindError
from console.kube import refusal
from console.sessions import COOKIE, CSRF_HEADER, Session, Sessions
from console.settings import KindSettings

log = logging.getLogger(__name__)

PAGE = Path(__file__).parent / "web" / "dist"
# The page's scripts and styles are files of its own origin; nothing inline, nothing evaluated, never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
NAME_LIMIT = 253  # a custom resource's name is a DNS subdomain
STALE = "Someone changed it since you opened the form: reload it to see their change."


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every answer, and `no-store` to the API's (they are the user's data)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def problem(status: int, message: str, **more) -> JSONResponse:
    return JSONResponse({"message": message, **more}, status_code=status)


def create_app(sessions: Sessions, catalog: Catalog, allowed_hosts: list[str] | None = None) -> Starlette:
    secure_cookie = not sessions.kubeconfig_mode  # kubeconfig mode is plain HTTP on loopback

    async def session_of(request: Request) -> Session | None:
        return await sessions.get(request.cookies.get(COOKIE))

    def guarded(handler, change: bool = False):
        """The handler with the caller's session; 401 without one; for a change, 403 without the CSRF header."""

        async def endpoint(request: Request) -> Response:
            session = await session_of(request)
            if session is None:
                return problem(401, "Sign in first.")
            if change and not session.csrf_matches(request.headers.get(CSRF_HEADER)):
                return problem(403, "missing or wrong CSRF token: reload the page")
            try:
                return await handler(request, session)
            except KindError as error:
                return problem(error.status, error.message)
            except Exception as error:  # the API server's refusal or silence, said as it said it
                status, message, _ = refusal(error)
                if status >= 500:
                    log.warning("%s %s: %s", request.method, request.url.path, message)
                if status == 401:  # the token died (expired, revoked): so does the session; the page asks again
                    await sessions.end(session.id)
                return problem(status, message)

        return endpoint

    async def page(request: Request) -> Response:
        index = PAGE / "index.html"
        if not index.exists():
            return PlainTextResponse(
                "The console's page is not built: run `make console` (it builds console/web).", 503
            )
        return FileResponse(index, headers={"cache-control": "no-cache"})

    async def get_session(request: Request) -> Response:
        session = await session_of(request)
        if session is None and sessions.kubeconfig_mode:
            return await signed_in(None)
        if session is None:
            return JSONResponse({"authenticated": False, "mode": "token"})
        return JSONResponse(session.public())

    async def post_session(request: Request) -> Response:
        try:
            token = (await request.json()).get("token", "").strip()
        except (ValueError, AttributeError):
            token = ""
        if not token:
            return problem(400, "Paste a bearer token (for example from `kubectl create token NAME`).")
        await sessions.end(request.cookies.get(COOKIE))
        return await signed_in(token)

    async def signed_in(token: str | None) -> Response:
        """A new session for this token (None: the kubeconfig's identity) and its cookie, or the API's refusal."""
        try:
            session = await sessions.sign_in(token)
        except Exception as error:
            status, message, _ = refusal(error)
            return problem(status, message)
        response = JSONResponse(session.public())
        _set_cookie(response, session)
        return response

    async def delete_session(request: Request, session: Session) -> Response:
        await sessions.end(session.id)
        response = JSONResponse({"authenticated": False, "mode": session.mode})
        response.delete_cookie(COOKIE, path="/")
        return response

    def _set_cookie(response: Response, session: Session) -> None:
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict", secure=secure_cookie, path="/")

    async def kinds(request: Request, session: Session) -> Response:
        return JSONResponse({"kinds": await catalog.describe(session)})

    async def kind_of(request: Request, session: Session):
        return await catalog.served(session, request.path_params["kind"])

    async def form(request: Request, session: Session) -> Response:
        _, kind = await kind_of(request, session)
        return JSONResponse(catalog.form(kind))

    async def namespaces(request: Request, session: Session) -> Response:
        _, kind = await catalog.served(session, request.query_params.get("kind") or next(iter(catalog.kinds)))
        names, everywhere = await access.readable_namespaces(session, kind.group, kind.plural)
        if everywhere:
            names = await _namespaces_or_none(session)
        return JSONResponse({"namespaces": names, "all": everywhere})

    async def kind_access(request: Request, session: Session) -> Response:
        _, kind = await kind_of(request, session)
        params = request.query_params
        return JSONResponse(
            await access.verbs(session, kind.group, kind.plural, params.get("namespace", ""), params.get("name", ""))
        )

    async def watch_rows(request: Request, session: Session) -> Response:
        settings, kind = await kind_of(request, session)
        return _events(streams.rows(session, kind, settings.list_columns))

    async def watch_instance(request: Request, session: Session) -> Response:
        settings, kind = await kind_of(request, session)
        params = request.path_params
        return _events(streams.instance(session, settings, kind, params["namespace"], params["name"]))

    async def apply(request: Request, session: Session) -> Response:
        settings, kind = await kind_of(request, session)
        try:
            sent = await request.json()
            body = _object(settings, kind, request.path_params["namespace"], sent)
        except schema_form.FormError as error:
            return problem(422, str(error), fieldErrors={f"spec.{error.path}": [error.message]})
        except (ValueError, TypeError, AttributeError) as error:
            return problem(422, str(error), fieldErrors=getattr(error, "field_errors", {}))
        try:
            namespace, name = body["metadata"]["namespace"], body["metadata"]["name"]
            current = await _current(session, kind, namespace, name)
            if sent.get("resourceVersion"):
                # The API server reports another manager's field before a stale resourceVersion: checked here first,
                # so that a form opened before someone else's change says so rather than offer to take fields over.
                if current is None or current["metadata"]["resourceVersion"] != sent["resourceVersion"]:
                    return problem(409, STALE, stale=True)
                # An edit: the password the form never held stays as it is.
                body["spec"] = schema_form.keep_secrets(kind.spec_schema, body["spec"], current.get("spec") or {})
            elif current is not None:  # apply would merge into it: a create must not change what someone else made
                message = f"A {kind.kind} named {name} already exists in {namespace}: open it to change it."
                return problem(422, message, fieldErrors={"metadata.name": ["already exists"]})
            applied = await session.kube.apply(
                kind.group,
                kind.version,
                kind.plural,
                body,
                dry_run=bool(sent.get("dryRun")),
                force=bool(sent.get("force")),
            )
        except Exception as error:
            return _refusal(error)
        shown = streams.views.instance(settings, kind, applied)["object"]
        return JSONResponse({"object": shown, "yaml": yaml.safe_dump(_for_yaml(kind, body), sort_keys=False)})

    async def delete(request: Request, session: Session) -> Response:
        _, kind = await kind_of(request, session)
        params = request.path_params
        await session.kube.delete(kind.group, kind.version, kind.plural, params["namespace"], params["name"])
        return JSONResponse({"deleted": True})

    routes = [
        Route("/", page),
        Route("/api/session", get_session, methods=["GET"]),
        Route("/api/session", post_session, methods=["POST"]),
        Route("/api/session", guarded(delete_session, change=True), methods=["DELETE"]),
        Route("/api/kinds", guarded(kinds)),
        Route("/api/namespaces", guarded(namespaces)),
        Route("/api/kinds/{kind}/form", guarded(form)),
        Route("/api/kinds/{kind}/access", guarded(kind_access)),
        Route("/api/kinds/{kind}/watch", guarded(watch_rows)),
        Route("/api/kinds/{kind}/objects/{namespace}", guarded(apply, change=True), methods=["POST"]),
        Route("/api/kinds/{kind}/objects/{namespace}/{name}/watch", guarded(watch_instance)),
        Route("/api/kinds/{kind}/objects/{namespace}/{name}", guarded(delete, change=True), methods=["DELETE"]),
    ]
    if (PAGE / "assets").is_dir():
        routes.append(Mount("/assets", StaticFiles(directory=PAGE / "assets")))
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        # In kubeconfig mode the console acts as its user: only loopback names reach it (no DNS rebinding).
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        await sessions.close()  # every user's client and its connections

    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _events(stream) -> EventSourceResponse:
    async def encoded():
        async for name, data in stream:
            yield {"event": name, "data": json.dumps(data)}

    # ping: a comment every 15 s keeps proxies from closing an idle stream and tells a closed tab from an open one.
    return EventSourceResponse(encoded(), ping=15, headers={"cache-control": "no-store"})


async def _namespaces_or_none(session: Session) -> list[str]:
    try:
        return await session.kube.namespaces()
    except Exception:  # may list the kind everywhere but not namespaces: the page takes a typed name
        return []


class InvalidObject(ValueError):
    def __init__(self, message: str, field_errors: dict[str, list[str]]):
        super().__init__(message)
        self.field_errors = field_errors


def _object(settings: KindSettings, kind, namespace: str, sent: dict) -> dict:
    """The object to apply: only what the form set (no defaults, no status), so the console owns no more fields
    than the user chose; a resourceVersion when editing makes a concurrent change a conflict, not a lost update."""
    name = sent.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidObject("Give it a name.", {"metadata.name": ["a name is required"]})
    if len(name) > NAME_LIMIT:
        raise InvalidObject(
            f"The name has {len(name)} characters; at most {NAME_LIMIT}.",
            {"metadata.name": [f"at most {NAME_LIMIT} characters (it has {len(name)})"]},
        )
    choices = {c.key for c in settings.annotation_choices}
    annotations = {k: v for k, v in (sent.get("annotations") or {}).items() if k in choices and v}
    metadata = {"name": name, "namespace": namespace}
    if annotations:
        metadata["annotations"] = annotations
    if sent.get("resourceVersion"):
        metadata["resourceVersion"] = sent["resourceVersion"]
    spec = schema_form.from_form(kind.spec_schema, sent.get("formData") or {})
    return {"apiVersion": f"{kind.group}/{kind.version}", "kind": kind.kind, "metadata": metadata, "spec": spec}


def _for_yaml(kind, body: dict) -> dict:
    """What was applied, as the YAML view shows it: secrets masked, the resourceVersion left out."""
    metadata = {k: v for k, v in body["metadata"].items() if k != "resourceVersion"}
    return dict(
        body, metadata=metadata, spec=schema_form.redact(kind.spec_schema, body["spec"], streams.views.SECRET_MARK)
    )


def _refusal(error: Exception) -> JSONResponse:
    """The API server's refusal of an apply, with what the page shows at the fields: 422's causes by field, 409's
    conflicting managers, or a stale resourceVersion."""
    status, message, api_status = refusal(error)
    body: dict = {"message": message}
    causes = (api_status.get("details") or {}).get("causes") or []
    if status == 422:
        body["fieldErrors"] = _name_errors_at_the_name(schema_form.field_errors(causes))
    elif status == 409:
        conflicts = [c for c in causes if c.get("reason") == "FieldManagerConflict"]
        if conflicts:
            body["conflicts"] = [
                {"field": c.get("field"), "manager": _manager(c.get("message", ""))} for c in conflicts
            ]
        else:
            body["stale"] = True
            body["message"] = STALE
    return JSONResponse(body, status_code=status)


async def _current(session: Session, kind, namespace: str, name: str) -> dict | None:
    try:
        return await session.kube.get(kind.group, kind.version, kind.plural, namespace, name)
    except ApiException as error:
        if error.status == 404:
            return None
        raise


def _name_errors_at_the_name(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """A CRD's rule on the whole object (self.metadata.name.size() <= 48) has no field of its own: the API server
    reports it at no field. When its message is about the name, the page shows it at the name."""
    unplaced = errors.pop("", [])
    for message in unplaced:
        errors.setdefault("metadata.name" if "metadata.name" in message else "", []).append(message)
    return errors


def _manager(message: str) -> str:
    # The API server writes: conflict with "kubectl-client-side-apply" using redis.kun/v1beta1
    return message.split('"')[1] if message.count('"') >= 2 else message
