"""ksqlDB's error bodies, in one place: every refusal of the server is rendered here.

Two shapes (code: `KsqlErrorMessage`, `KsqlStatementErrorMessage`):

```
{"@type": "generic_error", "error_code": 40000, "message": "..."}
{"@type": "statement_error", "error_code": 40001, "message": "...", "statementText": "...",
 "entities": [...]}
```

The HTTP status is the error code's first three digits (40001 -> 400, 50301 -> 503). A route
that does not exist is Vert.x's plain `404 Not Found`.
"""

from __future__ import annotations

import logging
from typing import Any

from ksqlmv.errors import (
    AuthenticationError,
    HttpError,
    KsqlmvError,
    PartialRequestError,
    ServiceUnavailableError,
    SqlError,
    StatementError,
)
from ksqlmv.http import Request, Response, json_response

__all__ = [
    "BAD_REQUEST",
    "BAD_STATEMENT",
    "HTTP2_ONLY",
    "MAX_PUSH_QUERIES_EXCEEDED",
    "NOT_FOUND",
    "QUERY_ENDPOINT",
    "SERVER_ERROR",
    "generic_error",
    "render_error",
    "statement_error",
    "status_of",
]

log = logging.getLogger(__name__)

BAD_REQUEST = 40000
BAD_STATEMENT = 40001
QUERY_ENDPOINT = 40002
MAX_PUSH_QUERIES_EXCEEDED = 40003
HTTP2_ONLY = 40004
UNAUTHORIZED = 40100
NOT_FOUND = 40400
ASSERTION_FAILED = 41700
SERVER_ERROR = 50000
COMMAND_QUEUE_CATCHUP_TIMEOUT = 50301

JSON = "application/json"


def status_of(error_code: int) -> int:
    """The HTTP status of an error code (ksqlDB's `Errors.toStatusCode`)."""
    status = error_code
    while status >= 1000:
        status //= 10
    return status


def generic_error(error_code: int, message: str) -> dict[str, Any]:
    """A `generic_error` body."""
    return {"@type": "generic_error", "error_code": error_code, "message": message}


def statement_error(
    error_code: int, message: str, statement: str, entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A `statement_error` body: the failing statement and the entities of those before it."""
    return {
        "@type": "statement_error",
        "error_code": error_code,
        "message": message,
        "statementText": statement,
        "entities": list(entities or []),
    }


def _body(error: BaseException) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    if isinstance(error, HttpError):
        code = UNAUTHORIZED if error.status == 401 else error.status * 100
        return generic_error(code, error.message), error.headers
    if isinstance(error, PartialRequestError):
        body = statement_error(error.error_code, str(error), error.statement, error.entities)
        return body, ()
    if isinstance(error, StatementError):
        if error.statement:
            return statement_error(error.error_code, str(error), error.statement), ()
        return generic_error(error.error_code, str(error)), ()
    if isinstance(error, SqlError):
        return generic_error(BAD_STATEMENT, str(error)), ()
    if isinstance(error, AuthenticationError):
        return generic_error(UNAUTHORIZED, str(error) or "Unauthorized"), ()
    if isinstance(error, ServiceUnavailableError):
        return generic_error(SERVER_ERROR, str(error)), ()
    if isinstance(error, KsqlmvError):
        return generic_error(BAD_REQUEST, str(error)), ()
    log.error("unexpected error: %r", error, exc_info=error)
    return generic_error(SERVER_ERROR, f"{type(error).__name__}: {error}"), ()


def render_error(request: Request, error: Exception) -> Response:
    """The response for `error`, as ksqlDB would send it."""
    if isinstance(error, HttpError) and error.status in (404, 405):
        # Vert.x answers unknown routes itself, in plain text.
        text = "Not Found" if error.status == 404 else "Method Not Allowed"
        return Response(error.status, text.encode(), "text/plain", error.headers)
    body, headers = _body(error)
    return json_response(body, status_of(body["error_code"]), JSON, headers)
