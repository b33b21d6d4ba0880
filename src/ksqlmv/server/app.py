"""One ksqlDB-compatible server: the engine's context, the route table, HTTP/1.1 and HTTP/2.

```python
async with KsqlServer(ServerConfig(bootstrap_servers="127.0.0.1:9092"), port=0) as server:
    print(server.url)            # http://127.0.0.1:<free port>
    await server.serve_forever()
```

Start order matters: the command topic is replayed before the port opens, so the first request
already sees every stream, table and query. With `auth` set, every route but `/healthcheck`,
`/v1/metadata`, `/v1/metadata/id` and `/chc/*` needs those basic credentials (ksqlDB's
`authentication.method=BASIC`), and a request without them gets 401 with ksqlDB's body.
"""

from __future__ import annotations

from types import TracebackType

from ksqlmv.config import BasicAuth
from ksqlmv.http import (
    Answer,
    App,
    BasicAuthGuard,
    Http2Factory,
    HttpServer,
    Limits,
    Request,
    Router,
    bind_error,
)
from ksqlmv.server.context import ServerConfig, ServerContext
from ksqlmv.server.errors import render_error
from ksqlmv.server.inserts_api import add_insert_routes
from ksqlmv.server.ksql_api import add_ksql_routes
from ksqlmv.server.query_api import add_query_routes

__all__ = ["AUTH_SKIP_PATHS", "KsqlServer", "build_router"]

AUTH_SKIP_PATHS = frozenset(
    {"/healthcheck", "/v1/metadata", "/v1/metadata/id", "/chc/ready", "/chc/live"}
)
"""Paths ksqlDB serves without authentication."""

_LIMITS = Limits(max_body_bytes=64 * 1024 * 1024, keepalive_timeout=600.0)


def build_router(context: ServerContext) -> Router:
    """Every route of the server, for `context`."""
    router = Router(render_error)
    add_ksql_routes(router, context)
    add_query_routes(router, context)
    add_insert_routes(router, context)
    return router


class _Authenticated:
    """Basic authentication in front of every path ksqlDB does not exempt."""

    def __init__(self, router: Router, credentials: BasicAuth) -> None:
        self.router = router
        self.guard = BasicAuthGuard(router, credentials, realm="", error_handler=render_error)

    async def __call__(self, request: Request) -> Answer:
        if request.raw_path.rstrip("/") in AUTH_SKIP_PATHS:
            return await self.router(request)
        return await self.guard(request)


class KsqlServer:
    """The REST API of ksqlDB over ksqlmv's engine, on `host:port`."""

    def __init__(
        self,
        config: ServerConfig,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: BasicAuth | None = None,
    ) -> None:
        self.config = config
        self.host = host
        self.requested_port = port
        self.auth = auth
        self.context: ServerContext | None = None
        self.http: HttpServer | None = None
        self.h2c: Http2Factory | None = None

    @property
    def port(self) -> int:
        """The port the API listens on."""
        assert self.http is not None, "server not started"
        return self.http.port

    @property
    def url(self) -> str:
        """The server's base URL."""
        assert self.http is not None, "server not started"
        return self.http.url

    async def start(self) -> None:
        """Reach Kafka, replay the command topic, then open the port."""
        self.context = context = ServerContext(self.config)
        try:
            await context.start()
        except BaseException:
            await context.close()
            raise
        router = build_router(context)
        app: App = router if self.auth is None else _Authenticated(router, self.auth)
        self.h2c = Http2Factory(
            max_body_bytes=_LIMITS.max_body_bytes,
            keepalive_timeout=_LIMITS.keepalive_timeout,
            error_handler=render_error,
            streaming_paths=("/inserts-stream",),
        )
        self.http = HttpServer(
            app,
            self.host,
            self.requested_port,
            limits=_LIMITS,
            error_handler=render_error,
            h2c=self.h2c,
        )
        try:
            await self.http.start()
        except OSError as error:
            await context.close()
            raise bind_error(error, self.host, self.requested_port) from None

    async def serve_forever(self) -> None:
        """Answer requests until cancelled."""
        assert self.http is not None, "server not started"
        await self.http.serve_forever()

    async def close(self) -> None:
        """Stop accepting, end push queries, stop the engine's queries, close Kafka clients."""
        if self.context is not None:
            for subscription in list(self.context.push.subscriptions.values()):
                subscription.subscriber.end(None)  # their responses end; connections drain
        if self.http is not None:
            await self.http.close()
        if self.h2c is not None:
            await self.h2c.close(grace=1.0)
        if self.context is not None:
            await self.context.close()

    async def __aenter__(self) -> KsqlServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
