"""The listening side: bind, accept, track connections, close idle ones, shut down cleanly.

```python
router = Router()

@router.route("GET", "/")
async def root(request: Request) -> Response:
    return json_response({})

async with HttpServer(router, port=0) as server:   # port 0: the OS picks a free port
    print(server.port)
    await server.serve_forever()
```

It binds 127.0.0.1 unless told otherwise. Handlers are protocol-agnostic (`App`), so the same
router can later be served over HTTP/2 cleartext by passing an `h2c` factory (see `http1.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

from ksqlmv.errors import ConfigError, PortInUseError
from ksqlmv.http.http1 import H2cFactory, Http1Connection
from ksqlmv.http.messages import App
from ksqlmv.http.routing import ErrorHandler, default_error_handler

__all__ = ["HttpServer", "Limits", "bind_error", "drain"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may weigh, and how long an idle keep-alive connection stays open."""

    max_body_bytes: int = 16 * 1024 * 1024
    max_header_bytes: int = 64 * 1024
    max_pipelined: int = 32
    keepalive_timeout: float = 75.0
    shutdown_grace: float = 5.0


class _Connection(Protocol):
    @property
    def idle(self) -> bool: ...

    def close(self) -> None: ...


async def drain(connections: Collection[_Connection], grace: float) -> None:
    """Close the idle connections at once and wait up to `grace` seconds for the busy ones to
    finish what they are answering; the caller then cuts whatever is still open."""
    deadline = time.monotonic() + grace
    for connection in list(connections):
        if connection.idle:
            connection.close()
    while any(not c.idle for c in connections) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


def bind_error(error: OSError, host: str, port: int) -> ConfigError:
    """What a service says when its port cannot be bound: `PortInUseError` naming the port and
    its `--port` flag when another process holds it, else the reason."""
    if error.errno == errno.EADDRINUSE:
        return PortInUseError(port, "--port")
    return ConfigError(f"cannot listen on {host}:{port}: {error}")


class HttpServer:
    """An asyncio HTTP/1.1 server for one `App`."""

    def __init__(
        self,
        app: App,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
        error_handler: ErrorHandler = default_error_handler,
        h2c: H2cFactory | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.limits = limits or Limits()
        self.error_handler = error_handler
        self.h2c = h2c
        self.connections: set[Http1Connection] = set()
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when asked for port 0)."""
        if self._server is None:
            raise RuntimeError("server not started")
        sockname = self._server.sockets[0].getsockname()
        return int(sockname[1])

    @property
    def url(self) -> str:
        """`http://host:port` of the running server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _connection(self) -> Http1Connection:
        return Http1Connection(
            self.app, self.limits, self.connections, self.h2c, self.error_handler
        )

    async def start(self) -> None:
        """Bind and start accepting connections."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._connection, self.host, self.requested_port, reuse_address=True, backlog=1024
        )
        self._sweeper = loop.create_task(self._sweep_idle())

    async def serve_forever(self) -> None:
        """Serve until cancelled or closed."""
        if self._server is None:
            await self.start()
        assert self._server is not None
        with contextlib.suppress(asyncio.CancelledError):
            await self._server.serve_forever()

    async def close(self) -> None:
        """Stop accepting, let requests in flight finish (up to the grace period), then close."""
        if self._server is None:
            return
        self._server.close()
        if self._sweeper is not None:
            self._sweeper.cancel()
        await drain(self.connections, self.limits.shutdown_grace)
        for connection in list(self.connections):
            if connection.transport is not None:
                connection.transport.abort()
        await self._server.wait_closed()
        self._server = None

    async def _sweep_idle(self) -> None:
        timeout = self.limits.keepalive_timeout
        while True:
            await asyncio.sleep(min(timeout / 2, 5.0))
            now = time.monotonic()
            for connection in list(self.connections):
                if connection.idle and now - connection.last_activity > timeout:
                    connection.close()

    async def __aenter__(self) -> HttpServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
