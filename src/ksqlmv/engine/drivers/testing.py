"""The test driver: topics in memory, records processed one at a time, no broker.

It gives the engine what ksqlDB's test runner gives it (Kafka Streams' TopologyTestDriver with a
stub Kafka and a mock Schema Registry): `produce` appends to an in-memory topic, and `pipe` runs
records through one query, synchronously, each record fully processed before the next (caching
off, so every intermediate update is an output). With `live=True`, records produced to a topic
are also delivered at once to every running query that reads it, which is how an application
embedding the engine in a test sees a whole pipeline run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ksqlmv.engine.runtime.base import Headers
from ksqlmv.engine.runtime.builder import StoreFactory
from ksqlmv.engine.runtime.query import RunningQuery
from ksqlmv.engine.serde.registry import InMemorySchemaRegistry

__all__ = ["TestDriver", "TopicRecord"]


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """One record of an in-memory topic."""

    key: bytes | None
    value: bytes | None
    timestamp: int
    headers: Headers = ()
    partition: int = 0
    offset: int = 0


@dataclass
class _Topic:
    partitions: int
    replicas: int
    config: dict[str, str]
    records: list[TopicRecord] = field(default_factory=list)


class TestDriver:
    """An in-memory Kafka and Schema Registry for the engine."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, *, live: bool = False, auto_create: bool = True) -> None:
        self.registry = InMemorySchemaRegistry()
        self.topics: dict[str, _Topic] = {}
        self.queries: dict[str, RunningQuery] = {}
        self.live = live
        self.auto_create = auto_create
        self._offsets: dict[tuple[str, str], int] = {}

    # -- topics ----------------------------------------------------------------------------

    def topic_exists(self, topic: str) -> bool:
        """True when `topic` exists."""
        return topic in self.topics

    def topic_partitions(self, topic: str) -> int | None:
        """The partition count of `topic`."""
        found = self.topics.get(topic)
        return None if found is None else found.partitions

    def topic_replicas(self, topic: str) -> int | None:
        """The replication factor `topic` was created with."""
        found = self.topics.get(topic)
        return None if found is None else found.replicas

    def topic_names(self) -> list[str]:
        """Every topic's name."""
        return list(self.topics)

    def create_topic(
        self,
        topic: str,
        partitions: int = 1,
        replicas: int = 1,
        config: dict[str, str] | None = None,
    ) -> None:
        """Create `topic` if it does not exist."""
        self.topics.setdefault(topic, _Topic(partitions, replicas, dict(config or {})))

    def delete_topic(self, topic: str) -> None:
        """Delete `topic`."""
        self.topics.pop(topic, None)

    def records(self, topic: str) -> list[TopicRecord]:
        """Everything produced to `topic` so far."""
        found = self.topics.get(topic)
        return [] if found is None else list(found.records)

    # -- producing -------------------------------------------------------------------------

    def produce(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        ts: int,
        headers: Headers = (),
    ) -> None:
        """Append a record to `topic` (and deliver it at once in live mode)."""
        target = self.topics.get(topic)
        if target is None:
            self.create_topic(topic)
            target = self.topics[topic]
        record = TopicRecord(key, value, ts, tuple(headers), 0, len(target.records))
        target.records.append(record)
        if self.live:
            for query in list(self.queries.values()):
                if topic in query.readers and not query.paused:
                    query.process(topic, key, value, ts, record.headers, 0, record.offset)

    # -- queries ---------------------------------------------------------------------------

    def store_factory(self, query_id: str) -> StoreFactory | None:
        """In-memory stores (no changelogs in the test driver)."""
        return None

    def start(self, query: RunningQuery) -> None:
        """Register a query; in live mode it reads its topics from the beginning."""
        self.queries[query.query_id] = query
        if self.live:
            for topic in query.source_topics:
                for record in self.records(topic):
                    query.process(
                        topic,
                        record.key,
                        record.value,
                        record.timestamp,
                        record.headers,
                        record.partition,
                        record.offset,
                    )

    def stop(self, query: RunningQuery) -> None:
        """Unregister a query."""
        self.queries.pop(query.query_id, None)

    def pipe(self, query: RunningQuery, topic: str, records: Iterable[TopicRecord]) -> None:
        """Run `records` of `topic` through `query`, one at a time, numbering offsets per topic."""
        for record in records:
            slot = (query.query_id, topic)
            offset = self._offsets.get(slot, 0)
            self._offsets[slot] = offset + 1
            query.process(
                topic,
                record.key,
                record.value,
                record.timestamp,
                record.headers,
                record.partition,
                offset,
            )
