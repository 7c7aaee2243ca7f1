"""What every dashboard page shares: the request as a page sees it, rendering, and one way in
to the REST layer.

Pages never touch permissions or validation themselves for management actions: `WebRequest.api`
runs the very REST handler (`umami_server/api/`) in-process, with the same body and query
models, the same permission checks and the same store calls, and the page renders its answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from umami_server.api import auth as auth_api
from umami_server.api import links, pixels, report_runs, shares, teams, users, websites
from umami_server.api.services import ApiServices
from umami_server.api.transport import (
    ApiCall,
    ApiError,
    Endpoint,
    authorize,
    too_large_response,
)
from umami_server.api.validation import parse
from umami_server.auth.context import Auth, AuthUser
from umami_server.context import ServerContext
from umami_server.http_limits import BodyTooLarge, read_body
from umami_server.queries.errors import QueryError
from umami_server.storage.disk_full import DISK_FULL_MESSAGE, disk_full_log, is_disk_full
from umami_server.storage.errors import (
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_RETRY_AFTER_SECONDS,
    StoreUnavailable,
)
from umami_server.storage.interface import InvalidQuery, QueryTooLarge
from umami_server.web import session
from umami_server.web.templating import Templates

_DONE = object()


async def _in_bursts(pieces: Iterator[str]) -> AsyncIterator[bytes]:
    """Render in a worker thread and send whatever it has produced each time the connection
    is ready: one write per burst, not one per template piece (Jinja yields hundreds)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def produce() -> None:
        try:
            for piece in pieces:
                loop.call_soon_threadsafe(queue.put_nowait, piece)
        except Exception as error:  # handed to the consumer, which re-raises it
            loop.call_soon_threadsafe(queue.put_nowait, error)
        loop.call_soon_threadsafe(queue.put_nowait, _DONE)

    producer = loop.run_in_executor(None, produce)
    finished = False
    while not finished:
        burst = [await queue.get()]
        while not queue.empty():
            burst.append(queue.get_nowait())
        if burst[-1] is _DONE:
            finished = True
            burst.pop()
        for item in burst:
            if isinstance(item, Exception):
                raise item
        yield "".join(burst).encode()
    await producer


logger = logging.getLogger("umami_server.web")

# Form bodies are a few fields; reading stops as soon as one passes this.
MAX_FORM_BYTES = 64 * 1024
_ROUTERS = (auth_api.router, users.router, teams.router, websites.router, pixels.router,
            links.router, shares.router, report_runs.router)


class PageError(Exception):
    """Ends a page with an HTML error (403, 404...)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def api_message(error: ApiError) -> str:
    """A one-line, human message from Umami's error envelope."""
    body = error.body.get("error", {})
    message = str(body.get("message") or "Request failed")
    details = body.get("properties") or {}
    if isinstance(details, dict):
        for name, detail in details.items():
            errors = detail.get("errors") if isinstance(detail, dict) else None
            if errors:
                return f"{name}: {errors[0]}"
    return message


class Dashboard:
    """Built once per app: services, templates and the index of in-process API handlers."""

    def __init__(self, context: ServerContext):
        self.context = context
        self.services = ApiServices.build(context)
        self.templates = Templates()
        self.endpoints: dict[tuple[str, str], Endpoint] = {
            (method, path): endpoint
            for router in _ROUTERS
            for path, methods in router.endpoints.items()
            for method, endpoint in methods.items()
        }

    @property
    def secret(self) -> str:
        return self.context.secret

    def page(self, handler: Callable[[WebRequest], Response], *, login: bool = True
             ) -> Callable[[Request], Any]:
        """A Starlette endpoint: read the form, check CSRF, authenticate, run in a thread."""

        async def endpoint(request: Request) -> Response:
            form: dict[str, str] = {}
            if request.method == "POST":
                try:
                    raw = await read_body(request.receive, MAX_FORM_BYTES,
                                          request.scope["headers"])
                except BodyTooLarge as error:
                    return too_large_response(error)
                form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
            return await run_in_threadpool(self._run, handler, request, form, login)

        return endpoint

    def _run(self, handler: Callable[[WebRequest], Response], request: Request,
             form: dict[str, str], login: bool) -> Response:
        key, new_key = session.browser_key(request)
        token = session.session_token(request)
        unavailable = False
        try:
            user = self.services.tokens.user_of(token)
        except StoreUnavailable:
            user, unavailable = None, True  # not a logout: the session is kept for later
        web = WebRequest(
            request=request, dashboard=self, form=form,
            auth=Auth(token if user else None, user, None),
            browser_key=key,
            secure=session.is_secure(request, self.context.settings.force_ssl),
        )
        try:
            if unavailable:
                raise StoreUnavailable("the login session could not be looked up")
            if request.method == "POST" and not session.csrf_matches(
                    self.secret, key, web.auth.token, form.get(session.CSRF_FIELD)):
                raise PageError(403, "The form expired or did not come from this site. "
                                     "Reload the page and try again.")
            if login and user is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response: Response = web.redirect("/login", next=target)
            else:
                response = handler(web)
        except PageError as error:
            response = web.error_page(error.status, error.message)
        except ApiError as error:
            if error.status == 401 and user is None and login:
                response = web.redirect("/login")
            elif error.status == 401:
                response = web.error_page(403, "You do not have access to this page.")
            else:
                response = web.error_page(error.status, api_message(error))
        except QueryError as error:  # bad input found while running the page's queries
            response = web.error_page(400, f"Invalid request: {error}")
        except QueryTooLarge as error:
            logger.warning("%s %s: %s", request.method, request.url.path, error)
            response = web.error_page(503, error.advice)
        except StoreUnavailable as error:
            logger.warning("%s %s: the database cannot be reached: %s", request.method,
                           request.url.path, error)
            response = web.error_page(503, UNAVAILABLE_MESSAGE)
            response.headers["retry-after"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
        except InvalidQuery as error:  # e.g. a regular expression the database cannot compile
            logger.info("%s %s refused: %s", request.method, request.url.path, error)
            response = web.error_page(400, "Invalid request: the database refused a filter value.")
        except Exception as error:
            if is_disk_full(error):
                disk_full_log.refused("metadata database")
                response = web.error_page(503, DISK_FULL_MESSAGE)
            else:
                logger.exception("%s %s failed", request.method, request.url.path)
                response = web.error_page(500, "The server failed to answer this page.")
        if new_key:
            session.set_browser_key(response, request, key, web.secure)
        if token and user is None and not unavailable:
            session.clear_session(response, request, web.secure)  # expired or revoked
        response.headers.setdefault("cache-control", "no-store")
        response.headers.setdefault("referrer-policy", "same-origin")
        response.headers.setdefault("x-content-type-options", "nosniff")
        return response


@dataclass(slots=True)
class WebRequest:
    """One page request: who asks, the form, and helpers to call the API and render."""

    request: Request
    dashboard: Dashboard
    form: dict[str, str]
    auth: Auth
    browser_key: str
    secure: bool
    notices: list[str] = field(default_factory=list)

    @property
    def user(self) -> AuthUser | None:
        return self.auth.user

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query_params

    @property
    def csrf(self) -> str:
        return session.csrf_token(self.dashboard.secret, self.browser_key, self.auth.token)

    def param(self, name: str) -> str:
        return str(self.request.path_params[name])

    def url(self, target: str, /, **query: Any) -> str:
        root = self.request.scope.get("root_path") or ""
        pairs = {name: value for name, value in query.items() if value not in (None, "")}
        return root + target + (f"?{urlencode(pairs)}" if pairs else "")

    def redirect(self, target: str, /, **query: Any) -> Response:
        return RedirectResponse(self.url(target, **query), status_code=303)

    def api(self, method: str, path: str, params: Mapping[str, str] | None = None,
            query: Mapping[str, Any] | None = None, body: Mapping[str, Any] | None = None,
            auth: Auth | None = None) -> Any:
        """Run a REST handler in-process, as `api/transport.py` would for an HTTP request."""
        endpoint = self.dashboard.endpoints[(method, path)]
        call = ApiCall(
            services=self.dashboard.services,
            params=dict(params or {}),
            headers={name.lower(): value for name, value in self.request.headers.items()},
            peer_ip=self.request.client.host if self.request.client else None,
            auth=auth or self.auth,
            query_params={name: str(value) for name, value in (query or {}).items()},
        )
        if endpoint.query is not None:
            call.query = parse(endpoint.query, dict(query or {}))
        if endpoint.body is not None:
            call.body = parse(endpoint.body, dict(body or {}))
        if endpoint.auth != "none":
            authorize(endpoint, call, call.auth)
        return endpoint.run(call)

    def _page_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "web": self, "user": self.user, "csrf": self.csrf,
            "url": self.url, "static": self.static_url,
            "notice": self.query.get("notice"), "error": self.query.get("error"),
            **values,
        }

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        html = self.dashboard.templates.render(template, self._page_values(values))
        return HTMLResponse(html, status_code)

    def stream(self, template: str, **values: Any) -> StreamingResponse:
        """Like `render`, sent while it renders (see Templates.stream)."""
        pieces = self.dashboard.templates.stream(template, self._page_values(values))
        return StreamingResponse(_in_bursts(pieces), media_type="text/html; charset=utf-8")

    def static_url(self, name: str) -> str:
        return self.url(f"/static/{name}", v=self.dashboard.templates.version)

    def error_page(self, status: int, message: str) -> HTMLResponse:
        return self.render("error.html", status, status=status, message=message)

    def act(self, action: Callable[[], Any], back: str, notice: str,
            done: str | None = None) -> Response:
        """Run a form's API action; go to `done` with a notice, or back with the error."""
        try:
            action()
        except ApiError as error:
            if error.status in (401, 404):
                raise
            return RedirectResponse(_with(self.url(back), error=api_message(error)), 303)
        return RedirectResponse(_with(self.url(done or back), notice=notice), 303)


def _with(url: str, **query: str) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(query)
