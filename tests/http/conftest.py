"""A real HttpServer on a free port, run in a background thread with its own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ksqlmv.http import App, HttpServer, Limits


class ThreadedServer:
    """An `HttpServer` serving `app` from a thread, so tests can use blocking clients."""

    def __init__(self, app: App, limits: Limits | None = None, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = HttpServer(app, port=0, limits=limits, **options)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._raw: list[RawClient] = []

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(5)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for raw in self._raw:
            raw.close()
        asyncio.run_coroutine_threadsafe(self.server.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return self.server.url

    def raw(self) -> RawClient:
        """A plain socket to the server, for what HTTP clients will not send."""
        raw = RawClient(socket.create_connection(("127.0.0.1", self.port), timeout=5))
        self._raw.append(raw)
        return raw


class RawClient:
    """A socket plus a read buffer: send bytes, read whole responses (pipelined ones too)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def response(self, expect_body: bool = True) -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names) and body of the next response."""
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                raise ConnectionError(f"closed before a full response head: {self.buffer!r}")
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if not expect_body:
            return int(status_line.split(" ")[1]), headers, b""
        if headers.get("transfer-encoding") == "chunked":
            body = self._chunked()
        else:
            length = int(headers.get("content-length", "0"))
            while len(self.buffer) < length and self._fill():
                pass
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split(" ")[1]), headers, body

    def _chunked(self) -> bytes:
        body = b""
        while True:
            while b"\r\n" not in self.buffer:
                if not self._fill():
                    raise ConnectionError("closed inside a chunked body")
            size_line, _, self.buffer = self.buffer.partition(b"\r\n")
            size = int(size_line, 16)
            while len(self.buffer) < size + 2:
                if not self._fill():
                    raise ConnectionError("closed inside a chunk")
            body += self.buffer[:size]
            self.buffer = self.buffer[size + 2 :]
            if size == 0:
                return body

    def closed_by_peer(self) -> bool:
        """Whether the server has closed its side (reads return end of file)."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., ThreadedServer]]:
    """`serve(app, limits=None, **options)` starts a server (options go to `HttpServer`); every
    one started is stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(app: App, limits: Limits | None = None, **options: Any) -> ThreadedServer:
            return stack.enter_context(ThreadedServer(app, limits, **options))

        yield start
