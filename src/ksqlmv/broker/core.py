"""The broker's state and background work, independent of the network.

`BrokerCore` owns the catalog of topics, the committed offsets, the group coordinator, the
transaction coordinator and the flusher, and runs the periodic tasks: expiring silent group
members, aborting timed-out transactions, writing recovery points, and the cleaner (retention and
compaction). The request handlers (`api_*.py`) act on it; the
server (`server.py`) feeds them requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Awaitable, Callable
from typing import Any

from ksqlmv.broker._protocol import Request
from ksqlmv.broker.catalog import (
    UNKNOWN_TOPIC_OR_PARTITION,
    Catalog,
    Topic,
    atomic_write,
    validate_topic_name,
)
from ksqlmv.broker.cleaner import Cleaner
from ksqlmv.broker.config import BrokerConfig
from ksqlmv.broker.flusher import Flusher
from ksqlmv.broker.groups import Coordinator
from ksqlmv.broker.offsets import OffsetStore
from ksqlmv.broker.transactions import TransactionCoordinator
from ksqlmv.errors import KafkaError

__all__ = ["BrokerCore", "Handler"]

_log = logging.getLogger("ksqlmv.broker")
_EXPIRY_INTERVAL = 0.1


class BrokerCore:
    """Topics, offsets, groups and durability for one broker."""

    def __init__(self, config: BrokerConfig, catalog: Catalog, offsets: OffsetStore) -> None:
        self.config = config
        self.catalog = catalog
        self.offsets = offsets
        self.coordinator = Coordinator(
            config.group_min_session_timeout_ms,
            config.group_max_session_timeout_ms,
            config.group_initial_rebalance_delay_ms,
        )
        self.flusher = Flusher()
        self.transactions = TransactionCoordinator.open(
            catalog, offsets, self.flusher, config.transaction_max_timeout_ms
        )
        self.cleaner = Cleaner(catalog, config.compaction_map_entries)
        self.port = config.port
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    def open(cls, config: BrokerConfig) -> BrokerCore:
        """Load everything under the data directory, recovering after a crash."""
        config.data_dir.mkdir(parents=True, exist_ok=True)
        catalog = Catalog.open(config.data_dir, config.num_partitions)
        offsets = OffsetStore.open(config.data_dir)
        return cls(config, catalog, offsets)

    # -- topics ------------------------------------------------------------------------------

    def topic(self, name: str, *, create: bool) -> Topic:
        """An existing topic, or a new one if `create` and auto-creation is on."""
        topic = self.catalog.topics.get(name)
        if topic is not None:
            return topic
        validate_topic_name(name)
        if not (create and self.config.auto_create_topics):
            raise KafkaError(UNKNOWN_TOPIC_OR_PARTITION, f"Topic '{name}' does not exist")
        _log.info("auto-creating topic %s", name)
        return self.catalog.create_topic(name)

    async def delete_topic(self, name: str) -> None:
        """Delete a topic, its committed offsets and, in the background, its files.

        A flush round may still be syncing one of its partitions: that only fsyncs a closed
        descriptor, which the flusher ignores for a closed log.
        """
        doomed = self.catalog.delete_topic(name)
        self.offsets.delete_topic(name)
        self.flusher.mark(self.offsets)
        for directory in doomed:
            await asyncio.to_thread(shutil.rmtree, directory, True)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the flusher and the periodic tasks on the running loop."""
        self.flusher.start()
        self._tasks.append(
            asyncio.get_running_loop().create_task(self.transactions.recover(), name="txn-recovery")
        )
        self._every(_EXPIRY_INTERVAL, self._expire_members, "group-expiry")
        self._every(
            self.config.transaction_check_interval_ms / 1000,
            self.transactions.expire,
            "txn-expiry",
        )
        self._every(self.config.checkpoint_interval_ms / 1000, self._checkpoint, "checkpoint")
        self._every(self.config.cleaner_interval_ms / 1000, self.cleaner.run_once, "cleaner")

    def _every(self, seconds: float, work: Callable[[], Awaitable[None]], name: str) -> None:
        async def loop() -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    await work()
                except Exception:  # a failing pass is logged and retried, never fatal
                    _log.exception("%s failed", name)

        self._tasks.append(asyncio.get_running_loop().create_task(loop(), name=name))

    async def _expire_members(self) -> None:
        for group, member in self.coordinator.expire():
            _log.info("group %s: member %s left (session timeout)", group, member)

    async def _checkpoint(self) -> None:
        points = self.catalog.recovery_points()
        await asyncio.to_thread(atomic_write, self.config.data_dir / "recovery-points.json", points)

    async def close(self) -> None:
        """Stop background work, make everything durable and close the files."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.coordinator.close()
        for topic in self.catalog.topics.values():
            for log in topic.partitions:
                self.flusher.mark(log)
        self.flusher.mark(self.offsets)
        await self.flusher.stop()
        atomic_write(self.config.data_dir / "recovery-points.json", self.catalog.recovery_points())
        self.catalog.close()
        self.offsets.close()
        self.transactions.close()


# A request handler: the broker, the decoded request and the peer's address -> the kio response
# entity, a response body it packed itself (bytes, header v0), or None for a request that gets
# no answer (Produce with acks=0).
Handler = Callable[[BrokerCore, Request, str], Awaitable[Any]]
