"""HTTP/2 cleartext (h2c) with the `h2` library, for the same protocol-agnostic handlers.

`Http2Factory` plugs into `HttpServer(h2c=...)`: the HTTP/1.1 connection hands over a connection
that opens with the HTTP/2 preface (prior knowledge) or a request carrying `Upgrade: h2c`, which
this module answers with `101 Switching Protocols` and then serves as stream 1.

Each stream becomes a `Request` (`http_version` "2") for the app; its answer goes back as HEADERS
and DATA frames within the peer's flow-control windows, so a slow reader slows the handler
instead of filling memory. Paths listed in `streaming_paths` get their handler called as soon as
the request headers arrive, with `request.body_stream` yielding the body as it comes (acknowledged
to the peer only once read): that is how a client can send rows and read acknowledgements on one
stream at the same time. A stream the client resets, or a connection that drops, cancels its
handler, so whatever it holds (a push query) is released at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

from ksqlmv.errors import HttpError
from ksqlmv.http.messages import App, Request, Response, StreamingResponse
from ksqlmv.http.routing import ErrorHandler, call_app, refusal_response
from ksqlmv.http.server import drain

__all__ = ["Http2Connection", "Http2Factory"]

log = logging.getLogger(__name__)

_SWITCHING = b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"


@dataclass(frozen=True, slots=True)
class _Limits:
    max_body_bytes: int
    keepalive_timeout: float


class _BodyStream:
    """The body of a request whose handler runs while it still arrives."""

    def __init__(self, connection: Http2Connection, stream_id: int) -> None:
        self._connection = connection
        self._stream_id = stream_id
        self._chunks: asyncio.Queue[bytes | None] = asyncio.Queue()

    def feed(self, data: bytes | None) -> None:
        self._chunks.put_nowait(data)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body's chunks as they arrive; ends with the request."""
        while True:
            chunk = await self._chunks.get()
            if chunk is None:
                return
            # Acknowledge only what the handler has taken: the peer's window is our backpressure.
            self._connection.acknowledge(self._stream_id, len(chunk))
            yield chunk


@dataclass
class _Stream:
    stream_id: int
    request: Request
    body: list[bytes] = field(default_factory=list)
    size: int = 0
    task: asyncio.Task[None] | None = None
    feeder: _BodyStream | None = None
    window_open: asyncio.Event = field(default_factory=asyncio.Event)


class Http2Connection(asyncio.Protocol):
    """One client connection speaking HTTP/2 (after the hand-over from HTTP/1.1)."""

    def __init__(
        self,
        app: App,
        transport: asyncio.Transport,
        limits: _Limits,
        error_handler: ErrorHandler | None,
        streaming_paths: frozenset[str],
        registry: set[Http2Connection],
    ) -> None:
        self.app = app
        self.transport = transport
        self.limits = limits
        self.error_handler = error_handler
        self.streaming_paths = streaming_paths
        self.registry = registry
        config = h2.config.H2Configuration(client_side=False, header_encoding=None)
        self.h2 = h2.connection.H2Connection(config=config)
        self.streams: dict[int, _Stream] = {}
        self.last_activity = time.monotonic()
        self._closed = False
        self._writable = asyncio.Event()
        self._writable.set()
        self._idle_timer: asyncio.TimerHandle | None = None
        registry.add(self)

    # -- start --------------------------------------------------------------------------------

    def start(self, initial: bytes, upgrade: Request | None) -> None:
        """Send our preface (after the 101 for an upgrade), then read what already arrived."""
        if upgrade is not None:
            settings = upgrade.headers.get("http2-settings", "").encode("latin-1")
            self.transport.write(_SWITCHING)
            try:
                self.h2.initiate_upgrade_connection(settings_header=settings or None)
            except (h2.exceptions.ProtocolError, ValueError) as error:
                log.info("bad HTTP2-Settings in an h2c upgrade: %s", error)
                self.transport.close()
                self._closed = True
                return
            # The upgrading request is stream 1, already complete on the client's side.
            upgrade.http_version = "2"
            stream = _Stream(1, upgrade)
            self.streams[1] = stream
            self._dispatch(stream)
        else:
            self.h2.initiate_connection()
        self._flush()
        if initial:
            self.data_received(initial)
        self._arm_idle_timer()

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._closed:
            return
        self.last_activity = time.monotonic()
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError as error:
            log.info("HTTP/2 protocol error from the client: %s", error)
            self._flush()
            self.close()
            return
        for event in events:
            handler = _EVENTS.get(type(event))
            if handler is not None:
                handler(self, event)
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self.registry.discard(self)
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        for stream in list(self.streams.values()):
            self._cancel(stream)
        self.streams.clear()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    # -- events -------------------------------------------------------------------------------

    def _on_request(self, event: h2.events.RequestReceived) -> None:
        headers: dict[str, str] = {}
        pseudo: dict[str, str] = {}
        for raw_name, raw_value in event.headers or ():
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            if name.startswith(":"):
                pseudo[name] = value
            else:
                previous = headers.get(name)
                headers[name] = value if previous is None else f"{previous}, {value}"
        if ":authority" in pseudo and "host" not in headers:
            headers["host"] = pseudo[":authority"]
        path, _, query = pseudo.get(":path", "/").partition("?")
        path, _, _fragment = path.partition("#")
        method = pseudo.get(":method", "GET")
        request = Request(method, path, query, headers, b"", "2")
        stream = _Stream(event.stream_id, request)
        self.streams[event.stream_id] = stream
        if method == "POST" and path in self.streaming_paths:
            stream.feeder = _BodyStream(self, event.stream_id)
            request.body_stream = stream.feeder.chunks()
            self._dispatch(stream)
        if event.stream_ended is not None:
            self._on_end(event.stream_ended)

    def _on_data(self, event: h2.events.DataReceived) -> None:
        stream = self.streams.get(event.stream_id)
        data = event.data or b""
        if stream is None:
            self.acknowledge(event.stream_id, event.flow_controlled_length or 0)
            return
        if stream.feeder is not None:
            if data:
                stream.feeder.feed(data)
            # Padding never reaches the handler: acknowledge it now.
            padding = (event.flow_controlled_length or 0) - len(data)
            if padding:
                self.acknowledge(event.stream_id, padding)
        else:
            stream.size += len(data)
            self.acknowledge(event.stream_id, event.flow_controlled_length or 0)
            if stream.size > self.limits.max_body_bytes:
                self._refuse(stream, HttpError(413, "Payload Too Large"))
                return
            stream.body.append(data)
        if event.stream_ended is not None:
            self._on_end(event.stream_ended)

    def _on_end(self, event: h2.events.StreamEnded) -> None:
        stream = self.streams.get(event.stream_id)
        if stream is None:
            return
        if stream.feeder is not None:
            stream.feeder.feed(None)
            return
        if stream.task is None:
            stream.request.body = b"".join(stream.body)
            stream.body.clear()
            self._dispatch(stream)

    def _on_reset(self, event: h2.events.StreamReset) -> None:
        stream = self.streams.pop(event.stream_id, None)
        if stream is not None:
            self._cancel(stream)

    def _on_window(self, event: h2.events.WindowUpdated) -> None:
        if event.stream_id == 0:
            for stream in self.streams.values():
                stream.window_open.set()
        else:
            found = self.streams.get(event.stream_id)
            if found is not None:
                found.window_open.set()

    def _on_settings(self, event: h2.events.RemoteSettingsChanged) -> None:
        # A larger initial window opens every stream's window at once.
        for stream in self.streams.values():
            stream.window_open.set()

    def _on_terminated(self, event: h2.events.ConnectionTerminated) -> None:
        self.close()

    # -- answering ----------------------------------------------------------------------------

    def _dispatch(self, stream: _Stream) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        stream.task = asyncio.get_running_loop().create_task(self._serve(stream))

    async def _serve(self, stream: _Stream) -> None:
        try:
            answer = await call_app(self.app, stream.request, self.error_handler)
            if isinstance(answer, StreamingResponse):
                await self._stream(stream, answer)
            else:
                await self._respond(stream, answer)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("HTTP/2 stream %d failed", stream.stream_id)
            self._reset(stream.stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)
        finally:
            self.streams.pop(stream.stream_id, None)
            if not self.streams:
                self._arm_idle_timer()

    def _head(
        self,
        status: int,
        content_type: str | None,
        headers: Iterable[tuple[str, str]],
        length: int | None,
    ) -> list[tuple[bytes, bytes]]:
        head = [(b":status", str(status).encode())]
        if content_type is not None:
            head.append((b"content-type", content_type.encode("latin-1")))
        if length is not None:
            head.append((b"content-length", str(length).encode()))
        for name, value in headers:
            lower = name.lower()
            if lower in ("connection", "transfer-encoding", "keep-alive", "upgrade"):
                continue  # connection-specific headers are forbidden in HTTP/2
            head.append((lower.encode("latin-1"), value.encode("latin-1")))
        return head

    async def _respond(self, stream: _Stream, response: Response) -> None:
        if self._closed or stream.stream_id not in self.streams:
            return
        head_only = stream.request.method == "HEAD"
        body = b"" if head_only else response.body
        self.h2.send_headers(
            stream.stream_id,
            self._head(
                response.status, response.content_type, response.headers, len(response.body)
            ),
            end_stream=not body,
        )
        self._flush()
        if body:
            await self._send(stream, body, end=True)

    async def _stream(self, stream: _Stream, answer: StreamingResponse) -> None:
        try:
            if self._closed or stream.stream_id not in self.streams:
                return
            self.h2.send_headers(
                stream.stream_id,
                self._head(answer.status, answer.content_type, answer.headers, None),
            )
            self._flush()
            if stream.request.method == "HEAD":
                self._end(stream)
                return
            async for chunk in answer.chunks:
                if chunk:
                    await self._send(stream, chunk, end=False)
            self._end(stream)
        finally:
            aclose = getattr(answer.chunks, "aclose", None)
            if aclose is not None:
                with contextlib.suppress(Exception):
                    await aclose()

    def _end(self, stream: _Stream) -> None:
        if self._closed or stream.stream_id not in self.streams:
            return
        with contextlib.suppress(h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self.h2.end_stream(stream.stream_id)
        self._flush()

    async def _send(self, stream: _Stream, data: bytes, *, end: bool) -> None:
        """Send `data` in frames that fit the flow-control windows, waiting when they are shut."""
        view = memoryview(data)
        while True:
            if self._closed or stream.stream_id not in self.streams:
                raise asyncio.CancelledError
            if not view:
                if end:
                    self._end(stream)
                return
            window = min(
                self.h2.local_flow_control_window(stream.stream_id), self.h2.max_outbound_frame_size
            )
            if window <= 0:
                stream.window_open.clear()
                await stream.window_open.wait()
                continue
            piece, view = view[:window], view[window:]
            last = end and not view
            self.h2.send_data(stream.stream_id, piece.tobytes(), end_stream=last)
            self._flush()
            await self._writable.wait()
            if last:
                return

    def _refuse(self, stream: _Stream, error: HttpError) -> None:
        response = refusal_response(stream.request, error, self.error_handler)
        stream.body.clear()
        stream.feeder = _BodyStream(self, stream.stream_id)  # drop whatever else arrives
        stream.task = asyncio.get_running_loop().create_task(self._refusal(stream, response))

    async def _refusal(self, stream: _Stream, response: Response) -> None:
        try:
            await self._respond(stream, response)
        finally:
            self._reset(stream.stream_id, h2.errors.ErrorCodes.CANCEL)
            self.streams.pop(stream.stream_id, None)

    # -- plumbing -----------------------------------------------------------------------------

    def acknowledge(self, stream_id: int, size: int) -> None:
        """Tell the peer `size` bytes of `stream_id` were consumed (reopens its window)."""
        if size <= 0 or self._closed:
            return
        with contextlib.suppress(h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self.h2.acknowledge_received_data(size, stream_id)
        self._flush()

    def _reset(self, stream_id: int, code: h2.errors.ErrorCodes) -> None:
        if self._closed:
            return
        with contextlib.suppress(h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            self.h2.reset_stream(stream_id, code)
        self._flush()

    def _cancel(self, stream: _Stream) -> None:
        if stream.feeder is not None:
            stream.feeder.feed(None)
        if stream.task is not None and not stream.task.done():
            stream.task.cancel()
        stream.window_open.set()

    def _flush(self) -> None:
        data = self.h2.data_to_send()
        if data and not self._closed:
            self.transport.write(data)

    def _arm_idle_timer(self) -> None:
        if self._closed:
            return
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        loop = asyncio.get_running_loop()
        self._idle_timer = loop.call_later(self.limits.keepalive_timeout, self._idle_check)

    def _idle_check(self) -> None:
        self._idle_timer = None
        if self.streams:
            return
        idle = time.monotonic() - self.last_activity
        if idle >= self.limits.keepalive_timeout:
            self.close()
        else:
            loop = asyncio.get_running_loop()
            self._idle_timer = loop.call_later(
                self.limits.keepalive_timeout - idle, self._idle_check
            )

    @property
    def idle(self) -> bool:
        """No stream open: safe to close."""
        return not self.streams

    def close(self) -> None:
        """Say GOAWAY and close once it is written."""
        if self._closed:
            return
        with contextlib.suppress(h2.exceptions.ProtocolError):
            self.h2.close_connection()
        self._flush()
        self._closed = True
        self.transport.close()


_EVENTS: dict[type, Callable[[Http2Connection, object], None]] = {
    h2.events.RequestReceived: Http2Connection._on_request,  # type: ignore[dict-item]
    h2.events.DataReceived: Http2Connection._on_data,  # type: ignore[dict-item]
    h2.events.StreamEnded: Http2Connection._on_end,  # type: ignore[dict-item]
    h2.events.StreamReset: Http2Connection._on_reset,  # type: ignore[dict-item]
    h2.events.WindowUpdated: Http2Connection._on_window,  # type: ignore[dict-item]
    h2.events.RemoteSettingsChanged: Http2Connection._on_settings,  # type: ignore[dict-item]
    h2.events.ConnectionTerminated: Http2Connection._on_terminated,  # type: ignore[dict-item]
}


class Http2Factory:
    """The `h2c` factory of `HttpServer`: serves handed-over connections as HTTP/2.

    ```python
    h2c = Http2Factory(streaming_paths=("/inserts-stream",))
    server = HttpServer(router, port=0, h2c=h2c)
    ...
    await h2c.close()      # GOAWAY to every HTTP/2 connection, after HttpServer.close()
    ```
    """

    def __init__(
        self,
        *,
        max_body_bytes: int = 16 * 1024 * 1024,
        keepalive_timeout: float = 75.0,
        error_handler: ErrorHandler | None = None,
        streaming_paths: Iterable[str] = (),
    ) -> None:
        self.limits = _Limits(max_body_bytes, keepalive_timeout)
        self.error_handler = error_handler
        self.streaming_paths = frozenset(streaming_paths)
        self.connections: set[Http2Connection] = set()

    def __call__(
        self, app: App, transport: asyncio.Transport, initial: bytes, upgrade: Request | None
    ) -> asyncio.Protocol:
        connection = Http2Connection(
            app,
            transport,
            self.limits,
            self.error_handler,
            self.streaming_paths,
            self.connections,
        )
        transport.set_protocol(connection)
        connection.start(initial, upgrade)
        return connection

    async def close(self, grace: float = 5.0) -> None:
        """Let streams in flight finish (up to `grace` seconds), then close every connection."""
        await drain(self.connections, grace)
        for connection in list(self.connections):
            connection.close()
