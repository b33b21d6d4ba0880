"""A small asyncio HTTP/1.1 server shared by ksqlmv's REST services.

Handlers are protocol-agnostic: `async def handler(request: Request) -> Response |
StreamingResponse`. A `Router` maps method and path pattern to handlers (matching on the raw,
percent-encoded path), `HttpServer` serves any such app with keep-alive, pipelining, chunked
streaming and request size limits, `Http2Factory` adds HTTP/2 cleartext (prior knowledge and
`Upgrade: h2c`) to it, and `BasicAuthGuard` adds optional basic authentication.
"""

from __future__ import annotations

from ksqlmv.http.auth import BasicAuthGuard as BasicAuthGuard
from ksqlmv.http.auth import parse_credentials as parse_credentials
from ksqlmv.http.http1 import H2cFactory as H2cFactory
from ksqlmv.http.http2 import Http2Factory as Http2Factory
from ksqlmv.http.messages import Answer as Answer
from ksqlmv.http.messages import App as App
from ksqlmv.http.messages import Request as Request
from ksqlmv.http.messages import Response as Response
from ksqlmv.http.messages import StreamingResponse as StreamingResponse
from ksqlmv.http.messages import json_response as json_response
from ksqlmv.http.messages import parse_bool as parse_bool
from ksqlmv.http.routing import ErrorHandler as ErrorHandler
from ksqlmv.http.routing import Handler as Handler
from ksqlmv.http.routing import Router as Router
from ksqlmv.http.routing import default_error_handler as default_error_handler
from ksqlmv.http.server import HttpServer as HttpServer
from ksqlmv.http.server import Limits as Limits
from ksqlmv.http.server import bind_error as bind_error

__all__ = [
    "Answer",
    "App",
    "BasicAuthGuard",
    "ErrorHandler",
    "H2cFactory",
    "Handler",
    "Http2Factory",
    "HttpServer",
    "Limits",
    "Request",
    "Response",
    "Router",
    "StreamingResponse",
    "bind_error",
    "default_error_handler",
    "json_response",
    "parse_bool",
    "parse_credentials",
]
