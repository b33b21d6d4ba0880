"""One running registry: the `_schemas` store, the service over it, and the HTTP server.

```python
async with RegistryServer("127.0.0.1:9092", port=0) as registry:
    print(registry.url)      # http://127.0.0.1:<free port>
    await registry.serve_forever()
```

Start order matters: the topic is replayed to its end before the port opens, so the first request
a client can make already sees every schema, id, version, config and mode.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from ksqlmv.config import BasicAuth
from ksqlmv.http import App, BasicAuthGuard, HttpServer, bind_error
from ksqlmv.registry.api import RegistryApi, render_error
from ksqlmv.registry.kafka_store import KafkaStore
from ksqlmv.registry.service import SchemaRegistry
from ksqlmv.registry.state import RegistryState

__all__ = ["RegistryServer"]


class RegistryServer:
    """Schema Registry on `host:port`, storing everything in `topic` on the given broker."""

    def __init__(
        self,
        bootstrap_servers: str,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: BasicAuth | None = None,
        kafka_config: dict[str, Any] | None = None,
        topic: str = "_schemas",
        connect_timeout: float = 5.0,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.auth = auth
        self.state = RegistryState()
        config = {**(kafka_config or {}), "bootstrap.servers": bootstrap_servers}
        self.store = KafkaStore(config, self.state.apply, topic, connect_timeout)
        self.registry = SchemaRegistry(self.state, self.store.write)
        app: App = RegistryApi(self.registry).router
        if auth is not None:
            app = BasicAuthGuard(app, auth, realm="SchemaRegistry", error_handler=render_error)
        self.http = HttpServer(app, host, port, error_handler=render_error)

    @property
    def port(self) -> int:
        """The port the REST API listens on."""
        return self.http.port

    @property
    def url(self) -> str:
        """The registry's base URL, for `SchemaRegistryClient({"url": ...})`."""
        return self.http.url

    async def start(self) -> None:
        """Replay the topic, then open the port."""
        await self.store.start()
        try:
            await self.http.start()
        except OSError as error:
            await self.store.close()
            raise bind_error(error, self.host, self.requested_port) from None

    async def serve_forever(self) -> None:
        """Answer requests until cancelled."""
        await self.http.serve_forever()

    async def close(self) -> None:
        """Finish requests in flight, close the port, then stop following the topic."""
        await self.http.close()
        await self.store.close()

    async def __aenter__(self) -> RegistryServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
