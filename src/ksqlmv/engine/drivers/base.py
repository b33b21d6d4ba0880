"""What the engine needs from a driver: topics, a producer, and somewhere to run queries.

Two drivers implement it: `TestDriver` (topics in memory, records processed one at a time, as
ksqlDB's test runner does) and `KafkaDriver` (confluent-kafka against any broker).
"""

from __future__ import annotations

from typing import Any, Protocol

from ksqlmv.engine.runtime.base import Headers
from ksqlmv.engine.runtime.builder import StoreFactory
from ksqlmv.engine.runtime.query import RunningQuery

__all__ = ["Driver"]


class Driver(Protocol):
    """Topics, production and query execution for one engine."""

    registry: Any
    """The Schema Registry (a `ksqlmv.engine.serde.registry.SchemaRegistry`)."""

    def topic_exists(self, topic: str) -> bool:
        """True when `topic` exists."""

    def topic_partitions(self, topic: str) -> int | None:
        """The partition count of `topic`, or None when it does not exist."""

    def topic_replicas(self, topic: str) -> int | None:
        """The replication factor of `topic`, or None when it does not exist."""

    def create_topic(
        self, topic: str, partitions: int, replicas: int, config: dict[str, str]
    ) -> None:
        """Create `topic` (no error when it exists)."""

    def delete_topic(self, topic: str) -> None:
        """Delete `topic` (no error when it is missing)."""

    def produce(
        self, topic: str, key: bytes | None, value: bytes | None, ts: int, headers: Headers
    ) -> None:
        """Write one record to `topic`."""

    def store_factory(self, query_id: str) -> StoreFactory | None:
        """How the query's state stores are made (with changelogs), or None for memory only."""

    def start(self, query: RunningQuery) -> None:
        """Start feeding `query` with the records of its source topics."""

    def stop(self, query: RunningQuery) -> None:
        """Stop feeding `query`."""
