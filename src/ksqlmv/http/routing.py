"""A route table: method and path pattern to handler, matched on the raw (percent-encoded) path.

Patterns are literal segments and `{name}` placeholders, one path segment each:
`/subjects/{subject}/versions/{version}`. Matching splits the *raw* path on `/` first and only then
percent-decodes each captured segment, so `/subjects/a%2Fb/versions` captures the subject `a/b`.

The router is itself an `App`: it finds the handler, calls it, and turns exceptions into responses
through the error handlers it was given (one place per server for its error-body dialect).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote

from ksqlmv.errors import HttpError, KsqlmvError
from ksqlmv.http.messages import Answer, App, Request, Response, json_response

__all__ = [
    "ErrorHandler",
    "Handler",
    "Route",
    "Router",
    "call_app",
    "default_error_handler",
    "refusal_response",
]

log = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Answer]]
ErrorHandler = Callable[[Request, Exception], Response]


@dataclass(frozen=True, slots=True)
class Route:
    """One entry of the table: `segments` holds literals, or None where a placeholder sits."""

    method: str
    pattern: str
    segments: tuple[str | None, ...]
    names: tuple[str, ...]
    handler: Handler

    @classmethod
    def compile(cls, method: str, pattern: str, handler: Handler) -> Route:
        """Split a pattern into literal and placeholder segments."""
        if not pattern.startswith("/"):
            raise ValueError(f"route pattern must start with '/': {pattern!r}")
        segments: list[str | None] = []
        names: list[str] = []
        for part in _split(pattern):
            if part.startswith("{") and part.endswith("}"):
                segments.append(None)
                names.append(part[1:-1])
            else:
                segments.append(part)
        return cls(method.upper(), pattern, tuple(segments), tuple(names), handler)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        """The decoded placeholder values if `parts` (raw segments) fit this route, else None."""
        params: dict[str, str] = {}
        names = iter(self.names)
        for expected, actual in zip(self.segments, parts, strict=True):
            if expected is None:
                params[next(names)] = unquote(actual) if "%" in actual else actual
            elif expected != actual:
                return None
        return params


def _split(path: str) -> list[str]:
    # "/" -> [], "/a/b" -> ["a", "b"]; one trailing slash is tolerated, as Jersey does.
    if path.endswith("/") and len(path) > 1:
        path = path[:-1]
    return path.split("/")[1:] if path != "/" else []


def default_error_handler(request: Request, error: Exception) -> Response:
    """Render `HttpError` as `{"error_code": status, "message": ...}`; anything else is a 500."""
    if isinstance(error, HttpError):
        return json_response(
            {"error_code": error.status, "message": error.message},
            error.status,
            headers=error.headers,
        )
    return json_response({"error_code": 500, "message": "Internal Server Error"}, 500)


async def call_app(app: App, request: Request, error_handler: ErrorHandler | None) -> Answer:
    """`app`'s answer to `request`, as both protocols ask for it: an exception the app lets out
    is logged and rendered by `error_handler` (a plain 500 without one), so a bug in one handler
    never takes the connection down."""
    try:
        return await app(request)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        log.exception("unhandled error answering %s %s", request.method, request.raw_path)
        if error_handler is not None:
            return error_handler(request, error)
        return Response(500, b"Internal Server Error", "text/plain")


def refusal_response(
    request: Request, refusal: HttpError, error_handler: ErrorHandler | None
) -> Response:
    """The response to a request refused before any handler saw it (malformed, too large), in
    the server's error dialect when it has one."""
    if error_handler is not None:
        return error_handler(request, refusal)
    return Response(refusal.status, refusal.message.encode(), "text/plain")


class Router:
    """Method + path pattern -> handler, with error handlers keyed by exception class."""

    def __init__(self, error_handler: ErrorHandler = default_error_handler) -> None:
        # Routes grouped by segment count: a lookup only tries patterns of the right length.
        self._by_length: dict[int, list[Route]] = {}
        self.error_handler = error_handler

    def add(self, method: str, pattern: str, handler: Handler) -> Route:
        """Register `handler` for `method` on `pattern`; returns the compiled route."""
        route = Route.compile(method, pattern, handler)
        self._by_length.setdefault(len(route.segments), []).append(route)
        return route

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Decorator form of `add`."""

        def register(handler: Handler) -> Handler:
            self.add(method, pattern, handler)
            return handler

        return register

    def resolve(self, method: str, raw_path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and path parameters for a request; `HttpError` 404 or 405 otherwise."""
        parts = _split(raw_path)
        allowed: list[str] = []
        for route in self._by_length.get(len(parts), ()):
            params = route.match(parts)
            if params is None:
                continue
            if route.method == method:
                return route.handler, params
            allowed.append(route.method)
        if method == "HEAD" and "GET" in allowed:
            # HEAD is GET without the body; the connection drops the body.
            return self.resolve("GET", raw_path)
        if allowed:
            raise HttpError(405, "HTTP 405 Method Not Allowed", (("Allow", ", ".join(allowed)),))
        raise HttpError(404, "HTTP 404 Not Found")

    async def __call__(self, request: Request) -> Answer:
        try:
            handler, request.path_params = self.resolve(request.method, request.raw_path)
            return await handler(request)
        except Exception as error:
            if not isinstance(error, KsqlmvError):
                # An expected refusal is a KsqlmvError; anything else is a bug worth a traceback.
                log.exception("handler for %s %s failed", request.method, request.raw_path)
            try:
                return self.error_handler(request, error)
            except Exception:
                log.exception("error handler failed for %s %s", request.method, request.raw_path)
                return default_error_handler(request, error)
