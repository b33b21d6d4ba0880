"""`Broker`: the embedded Kafka broker as one object to start, serve and stop."""

from __future__ import annotations

import asyncio
import logging

from ksqlmv.broker.config import BrokerConfig
from ksqlmv.broker.core import BrokerCore
from ksqlmv.broker.segment import close_readers
from ksqlmv.broker.server import BrokerServer

__all__ = ["Broker"]

_log = logging.getLogger("ksqlmv.broker")


class Broker:
    """A single-node Kafka broker that real clients (librdkafka, Java, Python) use unchanged.

    ```python
    broker = Broker(BrokerConfig(data_dir=Path("data"), port=0))
    host, port = await broker.start()
    ...  # clients use f"{host}:{port}" as bootstrap.servers
    await broker.stop()
    ```
    """

    def __init__(self, config: BrokerConfig) -> None:
        self.config = config
        self._core: BrokerCore | None = None
        self._server: BrokerServer | None = None

    async def start(self) -> tuple[str, int]:
        """Open (and if needed recover) the data, bind, and start serving. Returns the address."""
        self._core = await asyncio.to_thread(BrokerCore.open, self.config)
        self._core.start()
        self._server = BrokerServer(self._core)
        try:
            host, port = await self._server.start()
        except BaseException:
            await self._core.close()
            raise
        _log.info("serving %s on %s:%d", self.config.data_dir, host, port)
        return host, port

    @property
    def core(self) -> BrokerCore:
        """The broker's state (for in-process inspection)."""
        assert self._core is not None, "the broker is not started"
        return self._core

    async def stop(self) -> None:
        """Stop serving, make everything durable, close the files."""
        if self._server is not None:
            await self._server.close()
        if self._core is not None:
            await self._core.close()
        close_readers()
        self._server = self._core = None
