"""HTTP/1.1 over one connection: parse with httptools, answer in order, stream chunked bodies.

Requests on a keep-alive connection are answered strictly in arrival order (pipelining), by one
task per connection that drains a queue, so a burst of requests costs one task, not one each.
Malformed input gets a 400 and the connection closes; the server itself keeps running.

HTTP/2 cleartext plugs in here without touching handlers: when the server has an `h2c` factory,
a connection that opens with the HTTP/2 preface (prior knowledge), or a request carrying
`Upgrade: h2c`, is handed to the protocol that factory builds (see `H2cFactory`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from http import HTTPStatus
from typing import TYPE_CHECKING, Protocol

import httptools

from ksqlmv.errors import HttpError
from ksqlmv.http.messages import App, Request, Response, StreamingResponse
from ksqlmv.http.routing import ErrorHandler, call_app, refusal_response

if TYPE_CHECKING:
    from ksqlmv.http.server import Limits

__all__ = ["H2cFactory", "Http1Connection", "render_head"]

log = logging.getLogger(__name__)

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_REASONS = {status.value: status.phrase.encode() for status in HTTPStatus}
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class H2cFactory(Protocol):
    """Builds the HTTP/2 protocol that takes over a connection.

    `initial` is what was already read (the preface and beyond); `upgrade` is the HTTP/1.1 request
    that asked for `Upgrade: h2c`, which HTTP/2 answers as stream 1, or None for prior knowledge.
    The factory must call `transport.set_protocol` itself and feed `initial` to the new protocol.
    """

    def __call__(
        self, app: App, transport: asyncio.Transport, initial: bytes, upgrade: Request | None
    ) -> asyncio.Protocol: ...


def render_head(
    status: int,
    content_type: str | None,
    headers: tuple[tuple[str, str], ...],
    length: int | None,
    keep_alive: bool,
    http10: bool = False,
    chunked: bool = False,
) -> bytes:
    """Status line and headers. `length` None sends no length: the body is chunked, or ends when
    the connection closes."""
    reason = _REASONS.get(status, b"Unknown")
    parts = [b"HTTP/1.1 %d %s\r\n" % (status, reason)]
    if content_type is not None:
        parts.append(b"Content-Type: %s\r\n" % content_type.encode("latin-1"))
    if chunked:
        parts.append(b"Transfer-Encoding: chunked\r\n")
    elif length is not None:
        parts.append(b"Content-Length: %d\r\n" % length)
    for name, value in headers:
        parts.append(b"%s: %s\r\n" % (name.encode("latin-1"), value.encode("latin-1")))
    if not keep_alive:
        parts.append(b"Connection: close\r\n")
    elif http10:
        parts.append(b"Connection: keep-alive\r\n")
    parts.append(b"\r\n")
    return b"".join(parts)


class Http1Connection(asyncio.Protocol):
    """One client connection speaking HTTP/1.x."""

    def __init__(
        self,
        app: App,
        limits: Limits,
        connections: set[Http1Connection],
        h2c: H2cFactory | None = None,
        error_handler: ErrorHandler | None = None,
    ) -> None:
        self.app = app
        self.limits = limits
        self.connections = connections
        self.h2c = h2c
        self.error_handler = error_handler
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.last_activity = time.monotonic()
        self._first_data = True
        self._queue: deque[tuple[Request, bool]] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._streaming = False
        self._closing = False
        self._reading_paused = False
        self._write_ready: asyncio.Future[None] | None = None
        self._refusal: HttpError | None = None
        self._refused: Response | None = None
        self._reset_message()

    # -- connection lifecycle -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self.connections.discard(self)
        self._queue.clear()
        if self._write_ready is not None and not self._write_ready.done():
            self._write_ready.set_result(None)
        # A stream has no end of its own; anything else finishes and its answer is dropped.
        if self._streaming and self._worker is not None:
            self._worker.cancel()

    @property
    def idle(self) -> bool:
        """No request being served or waiting: safe to close on an idle timeout or shutdown."""
        return self._worker is None and not self._queue

    def close(self) -> None:
        """Close after what is already written has been flushed."""
        self._closing = True
        if self.transport is not None:
            self.transport.close()

    def pause_writing(self) -> None:
        if self._write_ready is None or self._write_ready.done():
            self._write_ready = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._write_ready is not None and not self._write_ready.done():
            self._write_ready.set_result(None)

    async def _drain(self) -> None:
        if self._write_ready is not None and not self._write_ready.done():
            await self._write_ready

    # -- parsing ----------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._refused is not None:
            return  # the byte stream is out of sync since the bad request: ignore the rest
        self.last_activity = time.monotonic()
        if self._first_data:
            self._first_data = False
            if self.h2c is not None and data.startswith(H2_PREFACE[:16]):
                self._hand_over(data, None)
                return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            self._upgrade(data[upgrade.args[0] :])
        except httptools.HttpParserError as error:
            refusal = self._refusal or HttpError(400, f"Bad Request: {error}")
            self._refuse(refusal)

    def _reset_message(self) -> None:
        self._url = b""
        self._headers: dict[str, str] = {}
        self._header_bytes = 0
        self._body: list[bytes] = []
        self._body_bytes = 0

    def on_message_begin(self) -> None:
        self._reset_message()

    def on_url(self, url: bytes) -> None:
        self._url += url
        self._header_bytes += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > self.limits.max_header_bytes:
            self._refusal = HttpError(431, "Request Header Fields Too Large")
            raise self._refusal
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        previous = self._headers.get(key)
        self._headers[key] = text if previous is None else f"{previous}, {text}"

    def on_headers_complete(self) -> None:
        length = self._headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limits.max_body_bytes:
            self._refusal = HttpError(413, "Payload Too Large")
            raise self._refusal
        if self._headers.get("expect", "").lower() == "100-continue" and self.transport:
            self.transport.write(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        if self._body_bytes > self.limits.max_body_bytes:
            self._refusal = HttpError(413, "Payload Too Large")
            raise self._refusal
        self._body.append(body)

    def on_message_complete(self) -> None:
        path, _, query = self._url.partition(b"?")
        path, _, _fragment = path.partition(b"#")
        request = Request(
            self.parser.get_method().decode("ascii"),
            path.decode("latin-1"),
            query.decode("latin-1"),
            self._headers,
            b"".join(self._body),
            self.parser.get_http_version(),
        )
        self._queue.append((request, self.parser.should_keep_alive()))
        if len(self._queue) >= self.limits.max_pipelined and self.transport is not None:
            self._reading_paused = True
            self.transport.pause_reading()
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._serve())

    # -- protocol switches ------------------------------------------------------------------------

    def _upgrade(self, rest: bytes) -> None:
        if self.h2c is not None and self._queue:
            request, _ = self._queue[-1]
            if request.headers.get("upgrade", "").lower() == "h2c" and len(self._queue) == 1:
                self._queue.clear()
                self._hand_over(rest, request)
                return
        # Not ours to upgrade: the request was an ordinary one; keep parsing what follows it.
        self.parser = httptools.HttpRequestParser(self)
        if rest:
            self.data_received(rest)

    def _hand_over(self, initial: bytes, upgrade: Request | None) -> None:
        assert self.h2c is not None and self.transport is not None
        self.connections.discard(self)
        self.h2c(self.app, self.transport, initial, upgrade)

    # -- answering --------------------------------------------------------------------------------

    def _refuse(self, refusal: HttpError) -> None:
        """Answer a request we could not even parse, after the ones before it, then close."""
        self._refusal = None
        response = refusal_response(Request("GET", "/"), refusal, self.error_handler)
        self._refused = response
        if self.transport is None or self._closing:
            return
        self.transport.pause_reading()
        if self._worker is None:
            self._write_response(response, keep_alive=False, head=False, http10=False)
            self.close()

    async def _serve(self) -> None:
        try:
            await self._serve_queue()
            if self._refused is not None and not self._closing:
                self._write_response(self._refused, keep_alive=False, head=False, http10=False)
                self.close()
        finally:
            self._worker = None

    async def _serve_queue(self) -> None:
        while self._queue and not self._closing:
            request, keep_alive = self._queue.popleft()
            if self._reading_paused and len(self._queue) < self.limits.max_pipelined // 2:
                self._reading_paused = False
                if self.transport is not None and self._refused is None:
                    self.transport.resume_reading()
            answer = await call_app(self.app, request, self.error_handler)
            if self.transport is None or self.transport.is_closing():
                return
            head = request.method == "HEAD"
            http10 = request.http_version == "1.0"
            if isinstance(answer, StreamingResponse):
                keep_alive = await self._stream(answer, keep_alive and not http10, head)
            else:
                self._write_response(answer, keep_alive, head, http10)
            await self._drain()
            if not keep_alive:
                self.close()
                return
            self.last_activity = time.monotonic()

    def _write_response(
        self, response: Response, keep_alive: bool, head: bool, http10: bool
    ) -> None:
        assert self.transport is not None
        body = response.body
        head_bytes = render_head(
            response.status,
            response.content_type,
            response.headers,
            len(body),
            keep_alive,
            http10,
        )
        self.transport.write(head_bytes if head else head_bytes + body)

    async def _stream(self, answer: StreamingResponse, keep_alive: bool, head: bool) -> bool:
        """Send a chunked body; returns whether the connection may carry another request."""
        assert self.transport is not None
        chunked = keep_alive
        self.transport.write(
            render_head(
                answer.status,
                answer.content_type,
                answer.headers,
                None,
                keep_alive,
                chunked=chunked,
            )
        )
        if head:
            await _close_iterator(answer)
            return keep_alive
        self._streaming = True
        try:
            async for chunk in answer.chunks:
                if self._closing:
                    break
                if not chunk:
                    continue
                self.transport.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                await self._drain()
            else:
                if chunked and not self._closing:
                    self.transport.write(b"0\r\n\r\n")
                return keep_alive
        except asyncio.CancelledError:
            # The client went away mid-stream (connection_lost cancelled us): nothing to send.
            return False
        except Exception:
            # Headers are gone already: the only honest signal left is an unterminated body.
            log.exception("streaming response failed")
            self.transport.abort()
            return False
        finally:
            self._streaming = False
            await _close_iterator(answer)
        return False


async def _close_iterator(answer: StreamingResponse) -> None:
    aclose = getattr(answer.chunks, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:
            log.exception("closing a response stream failed")
