"""The TCP side: accept connections, read frames, dispatch, answer in request order.

Clients pipeline requests on a connection and expect the answers in the order they asked
(librdkafka relies on it). Each request becomes a task as soon as its frame is read, so a slow
one (a long-polling Fetch, an `acks=all` Produce waiting for fsync, a JoinGroup waiting for the
rebalance) does not hold up the reading of the next; a writer task sends the answers strictly in
order. At most `max_in_flight` requests per connection are read ahead of their answers.

Bad input closes only the connection it came on, with a log line: a frame larger than
`max_frame_bytes` or too short for a header, or a request that does not decode. An API key or
version outside the supported set gets UNSUPPORTED_VERSION (for ApiVersions, the v0 answer that
lists what is supported, as KIP-511 asks) and the connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
from typing import Any

from ksqlmv.broker import api_cluster, api_fetch, api_groups, api_produce, api_txn
from ksqlmv.broker._protocol import (
    API_NAMES,
    SUPPORTED_VERSIONS,
    Request,
    decode_request,
    encode_error_answer,
    encode_response,
    frame_body,
    peek_prefix,
)
from ksqlmv.broker.core import BrokerCore, Handler
from ksqlmv.errors import ProtocolError

__all__ = ["HANDLERS", "BrokerServer"]

_log = logging.getLogger("ksqlmv.broker")
_SIZE = struct.Struct(">i")
_API_VERSIONS = 18
_UNSUPPORTED_VERSION = 35
_MIN_FRAME = 8  # api key, version, correlation id
_DRAIN_ABOVE = 1 << 20

HANDLERS: dict[int, Handler] = {
    **api_cluster.HANDLERS,
    **api_produce.HANDLERS,
    **api_fetch.HANDLERS,
    **api_groups.HANDLERS,
    **api_txn.HANDLERS,
}


def _ready(data: bytes | None) -> asyncio.Future[bytes | None]:
    future: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
    future.set_result(data)
    return future


class BrokerServer:
    """Listens on the configured address and serves every connection."""

    def __init__(self, core: BrokerCore) -> None:
        self.core = core
        self._server: asyncio.Server | None = None
        # every open connection: its writer, its handler task and its answer-writing task
        self._connections: dict[asyncio.StreamWriter, tuple[asyncio.Task[Any], asyncio.Task[None]]]
        self._connections = {}

    async def start(self) -> tuple[str, int]:
        """Bind and start accepting; returns the bound (host, port)."""
        config = self.core.config
        self._server = await asyncio.start_server(
            self._serve, config.host, config.port, reuse_address=True, limit=1 << 20
        )
        host, port = self._server.sockets[0].getsockname()[:2]
        self.core.port = port
        return host, port

    async def close(self) -> None:
        """Stop accepting, drop every connection and wait for their handlers to end."""
        if self._server is not None:
            self._server.close()
        handlers = []
        for writer, (handler, writing) in list(self._connections.items()):
            writing.cancel()  # answers still pending (a long poll, a rebalance) are dropped
            writer.close()
            handlers.append(handler)
        if handlers:
            await asyncio.wait(handlers, timeout=5)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer_info = writer.get_extra_info("peername")
        peer = str(peer_info[0]) if peer_info else "unknown"
        label = f"{peer}:{peer_info[1]}" if peer_info else "unknown"
        queue: asyncio.Queue[asyncio.Future[bytes | None] | None] = asyncio.Queue(
            self.core.config.max_in_flight
        )
        writing = asyncio.get_running_loop().create_task(self._write(queue, writer, label))
        handler = asyncio.current_task()
        assert handler is not None
        self._connections[writer] = (handler, writing)
        try:
            while not writing.done():
                frame = await self._read_frame(reader, label)
                if frame is None:
                    break
                await queue.put(self._dispatch(frame, peer))
        except ProtocolError as error:
            _log.warning("closing connection from %s: %s", label, error)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client went away
        finally:
            if not writing.done():
                await queue.put(None)
            with contextlib.suppress(Exception):
                await asyncio.wait([writing])  # ends on its own, or was cancelled by close()
            self._connections.pop(writer, None)
            writer.close()

    async def _read_frame(self, reader: asyncio.StreamReader, label: str) -> bytes | None:
        try:
            head = await reader.readexactly(4)
        except asyncio.IncompleteReadError:
            return None
        (size,) = _SIZE.unpack(head)
        if size < _MIN_FRAME or size > self.core.config.max_frame_bytes:
            raise ProtocolError(
                f"frame of {size} bytes is outside [{_MIN_FRAME}, "
                f"{self.core.config.max_frame_bytes}]"
            )
        return await reader.readexactly(size)

    def _dispatch(self, frame: bytes, peer: str) -> asyncio.Future[bytes | None]:
        api_key, version, correlation_id = peek_prefix(frame)
        supported = SUPPORTED_VERSIONS.get(api_key)
        if supported is None or not supported[0] <= version <= supported[1]:
            name = API_NAMES.get(api_key, f"API key {api_key}")
            _log.warning("%s v%d from %s is not supported", name, version, peer)
            if api_key == _API_VERSIONS:
                answer = api_cluster.api_versions_response(0, _UNSUPPORTED_VERSION)
                return _ready(encode_response(correlation_id, answer))
            return _ready(encode_error_answer(correlation_id))
        request = decode_request(frame)
        return asyncio.get_running_loop().create_task(
            self._handle(HANDLERS[api_key], request, peer)
        )

    async def _handle(self, handler: Handler, request: Request, peer: str) -> bytes | None:
        response = await handler(self.core, request, peer)
        if response is None:
            return None
        if isinstance(response, bytes):  # a body the handler packed itself (header v0)
            return frame_body(request.correlation_id, response)
        return encode_response(request.correlation_id, response)

    async def _write(
        self,
        queue: asyncio.Queue[asyncio.Future[bytes | None] | None],
        writer: asyncio.StreamWriter,
        label: str,
    ) -> None:
        while True:
            pending = await queue.get()
            if pending is None:
                return
            try:
                data = await pending
            except Exception:
                _log.exception("request from %s failed; closing its connection", label)
                writer.close()
                _drain_queue(queue)
                return
            if data is None:
                continue
            try:
                writer.write(data)
                if writer.transport.get_write_buffer_size() > _DRAIN_ABOVE:
                    await writer.drain()
            except ConnectionError:
                _drain_queue(queue)
                return


def _drain_queue(queue: asyncio.Queue[Any]) -> None:
    """Let the reader stop waiting on a full queue once the writer has given up."""
    while not queue.empty():
        item = queue.get_nowait()
        if isinstance(item, asyncio.Future):
            item.cancel()
