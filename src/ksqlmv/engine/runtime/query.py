"""A running persistent query: its operators, the topics it reads, its state stores.

Drivers feed it records with `process(topic, key, value, timestamp, headers, partition, offset)`;
results leave through the context's producer. The same object runs under the test driver and
the Kafka driver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ksqlmv.engine.planning.nodes import PlanNode
from ksqlmv.engine.runtime.base import Headers, QueryContext
from ksqlmv.engine.runtime.stores import KeyValueStore

__all__ = ["RunningQuery", "TopicReader"]

TopicReader = Callable[[bytes | None, bytes | None, int, Headers, int, int], None]


@dataclass
class RunningQuery:
    """One persistent (or push) query, built and ready to process records."""

    query_id: str
    plan: PlanNode
    ctx: QueryContext
    readers: dict[str, list[TopicReader]] = field(default_factory=dict)
    stores: dict[str, KeyValueStore] = field(default_factory=dict)
    sink_topic: str | None = None
    internal_topics: dict[str, str] = field(default_factory=dict)
    paused: bool = False
    on_close: list[Callable[[], None]] = field(default_factory=list)
    on_commit: list[Callable[[], None]] = field(default_factory=list)
    """Run before each commit (and before the query stops): flush cached outputs."""

    @property
    def source_topics(self) -> list[str]:
        """The topics this query reads, in the order its sources were planned."""
        return list(self.readers)

    def process(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        timestamp: int,
        headers: Headers = (),
        partition: int = 0,
        offset: int = 0,
    ) -> None:
        """Run one input record of `topic` through the query."""
        for reader in self.readers.get(topic, ()):
            reader(key, value, timestamp, headers, partition, offset)

    def close(self) -> None:
        """Release what the query holds."""
        for hook in self.on_close:
            hook()

    def store(self, name: str) -> KeyValueStore | None:
        """The state store called `name` (for pull queries), if the query has one."""
        return self.stores.get(name)

    def describe(self) -> dict[str, Any]:
        """A summary for SHOW QUERIES / EXPLAIN."""
        return {
            "queryId": self.query_id,
            "sourceTopics": self.source_topics,
            "sinkTopic": self.sink_topic,
            "stores": sorted(self.stores),
            "state": "PAUSED" if self.paused else "RUNNING",
        }
