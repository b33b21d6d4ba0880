"""Everything one server holds: the engine on its Kafka driver, the command topic, push queries.

The engine's persistent queries run on the driver's threads; statements run one at a time on a
statement thread (they may wait on the broker), under `lock`; pull queries are planned under the
same lock and read tables' materialized rows on the event loop; push-query pipelines and their
shared topic taps deliver on the event loop too. So the loop never waits on Kafka, and a slow
statement never stalls queries already streaming.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.queries.push import PushQueries
from ksqlmv.engine.serde.registry import ConfluentSchemaRegistry
from ksqlmv.errors import StatementError
from ksqlmv.server.commands import CommandTopic
from ksqlmv.server.errors import COMMAND_QUEUE_CATCHUP_TIMEOUT
from ksqlmv.server.pull_cache import PullCache
from ksqlmv.server.statements import PushRegistry, StatementRunner, only_waits

__all__ = ["ServerConfig", "ServerContext"]

log = logging.getLogger(__name__)

_CLOSE_SECONDS = 5.0
"""How long closing may wait for Kafka: final commits, flushes and the command topic."""
_TOPIC_AUTO_CREATE = "ksql.logging.processing.topic.auto.create"
_STREAM_AUTO_CREATE = "ksql.logging.processing.stream.auto.create"

VERSION = "0.29.0"
"""The ksqlDB version whose REST API this server speaks (reported by /info)."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """How one server is set up."""

    bootstrap_servers: str = "localhost:9092"
    schema_registry_url: str | None = "http://localhost:8081"
    kafka_config: dict[str, Any] = field(default_factory=dict)
    schema_registry_config: dict[str, Any] = field(default_factory=dict)
    service_id: str = "default_"
    max_push_queries: int = 100
    command_timeout: float = 5.0
    properties: dict[str, Any] = field(default_factory=dict)
    connect_timeout: float = 5.0


class ServerContext:
    """The engine and its companions, created on the event loop that serves them."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.loop = asyncio.get_running_loop()
        self.kafka_config: dict[str, Any] = {
            **config.kafka_config,
            "bootstrap.servers": config.bootstrap_servers,
        }
        registry_config = {**config.schema_registry_config}
        if config.schema_registry_url:
            registry_config["url"] = config.schema_registry_url
        self.registry = ConfluentSchemaRegistry(registry_config) if registry_config else None
        self.driver = KafkaDriver(
            self.kafka_config,
            self.registry,
            dispatch=self.loop.call_soon_threadsafe,
            timeout=config.connect_timeout * 2,
            on_query_error=self._query_failed,
        )
        self.engine = KsqlEngine(
            self.driver,
            properties={"ksql.service.id": config.service_id, **config.properties},
        )
        self.push = PushQueries(self.engine, self.kafka_config, self.loop.call_soon_threadsafe)
        self.commands = CommandTopic(self.kafka_config, config.service_id, config.connect_timeout)
        self.runner = StatementRunner(
            self.engine, self.commands, PushRegistry(self.push_listing, self._stop_push)
        )
        self.lock = asyncio.Lock()
        self.pulls = PullCache()
        self.statements = ThreadPoolExecutor(1, thread_name_prefix="ksql-statements")
        self.waits = ThreadPoolExecutor(8, thread_name_prefix="ksql-asserts")
        self.started = time.time()
        self.state = "STARTING"

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> int:
        """Open the command topic and replay it; returns how many commands were applied."""
        commands = await self.commands.start()
        applied = await self.loop.run_in_executor(self.statements, self.runner.replay, commands)
        log.info("replayed %d of %d commands", applied, len(commands))
        await self.loop.run_in_executor(self.statements, self._publish_processing_log)
        self.pulls.invalidate()
        self.state = "READY"
        return applied

    def _publish_processing_log(self) -> None:
        """Processing errors go to the processing-log topic and the KSQL_PROCESSING_LOG stream
        over it, as ksqlDB's `ksql.logging.processing.topic.auto.create` and
        `ksql.logging.processing.stream.auto.create` make it do. Both are on unless the
        server's properties turn them off: the embedded stack is a development stack, set up as
        the real stack's docker-compose.yml sets up ksqlDB."""
        properties = self.config.properties
        if not _flag(properties.get(_TOPIC_AUTO_CREATE, True)):
            return
        stream = _flag(properties.get(_STREAM_AUTO_CREATE, True))
        topic = self.engine.publish_processing_log(create_stream=stream)
        log.info("processing log: topic %s%s", topic, ", stream KSQL_PROCESSING_LOG" * stream)

    async def close(self) -> None:
        """Stop push queries, persistent queries' feeds and the command topic."""
        self.state = "SHUTTING_DOWN"
        self.push.close()
        # Final commits and flushes get a few seconds, so that with its broker dead the server
        # still stops within the service contract's grace (`ksqlmv local` kills after 10 s).
        deadline = time.monotonic() + _CLOSE_SECONDS
        await self.loop.run_in_executor(None, self.driver.close, _CLOSE_SECONDS - 2.0)
        remaining = max(1.0, deadline - time.monotonic())
        await self.loop.run_in_executor(None, self.commands.close, remaining)
        self.statements.shutdown(wait=False)
        self.waits.shutdown(wait=False)
        self.state = "CLOSED"

    # -- statements ---------------------------------------------------------------------------

    async def execute(
        self, sql: str, properties: dict[str, Any], variables: dict[str, str]
    ) -> list[dict[str, Any]]:
        """Run a `/ksql` request on the statement thread, one request at a time; a request of
        ASSERTs only runs beside the others, so one waiting for its TIMEOUT holds no one up."""
        run = self.runner.run_parsed
        statements = await self.loop.run_in_executor(self.waits, self.runner.parse, sql, variables)
        if only_waits(statements):
            return await self.loop.run_in_executor(
                self.waits, run, statements, properties, variables
            )
        async with self.lock:
            try:
                return await self.loop.run_in_executor(
                    self.statements, run, statements, properties, variables
                )
            finally:
                self.pulls.invalidate()

    async def wait_for_command(self, sequence: int) -> None:
        """Wait until command `sequence` has been applied (503/50301 after the timeout)."""
        deadline = time.monotonic() + self.config.command_timeout
        while self.commands.last_offset < sequence:
            if time.monotonic() > deadline:
                raise StatementError(
                    "Timed out while waiting for a previous command to execute. "
                    f"command sequence number: {sequence}",
                    COMMAND_QUEUE_CATCHUP_TIMEOUT,
                )
            await asyncio.sleep(0.05)

    def _query_failed(self, query_id: str, error: BaseException) -> None:
        log.error("persistent query %s failed: %s", query_id, error)
        info = self.engine.catalog.queries.get(query_id)
        if info is not None:
            self.engine.catalog.set_query_status(query_id, "ERROR")

    # -- push queries -------------------------------------------------------------------------

    def push_listing(self) -> list[dict[str, Any]]:
        """SHOW QUERIES entries of the running push queries."""
        return [
            {
                "queryString": subscription.sql,
                "sinks": [],
                "sinkKafkaTopics": [],
                "id": query_id,
                "statusCount": {"RUNNING": 1},
                "queryType": "PUSH",
                "state": "RUNNING",
            }
            for query_id, subscription in list(self.push.subscriptions.items())
        ]

    def _stop_push(self, query_id: str) -> bool:
        subscription = self.push.subscriptions.get(query_id)
        if subscription is None:
            # Query ids compare without case, as TERMINATE's parser may change it.
            wanted = query_id.upper()
            found = [s for k, s in self.push.subscriptions.items() if k.upper() == wanted]
            if not found:
                return False
            subscription = found[0]
        # Called from the statement thread: the pipeline belongs to the event loop.
        self.loop.call_soon_threadsafe(subscription.subscriber.end, None)
        return True

    @staticmethod
    def transient_id(source: str) -> str:
        """A push query id as ksqlDB makes them: `transient_<SOURCE>_<number>`."""
        return f"transient_{source}_{random.getrandbits(62)}"

    @staticmethod
    def pull_id() -> str:
        """A pull query id."""
        return f"query_{int(time.time() * 1000)}{random.randint(0, 999):03d}"


def _flag(value: Any) -> bool:
    """A boolean property given as a bool or as ksqlDB's text ("true", "FALSE")."""
    return value if isinstance(value, bool) else str(value).strip().lower() == "true"
