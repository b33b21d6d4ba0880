"""A running persistent query: its operators, the topics it reads, its state stores.

Drivers feed it records with `process(topic, key, value, timestamp, headers, partition, offset)`;
results leave through the context's producer. The same object runs under the test driver and
the Kafka driver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ksqlmv.engine.planning.nodes import PlanNode
from ksqlmv.engine.runtime.base import Headers, QueryContext
from ksqlmv.engine.runtime.metrics import Counter
from ksqlmv.engine.runtime.stores import KeyValueStore

__all__ = ["OperatorState", "RunningQuery", "TopicReader"]

TopicReader = Callable[[bytes | None, bytes | None, int, Headers, int, int], None]


class OperatorState(Protocol):
    """An operator whose state is more than its stores: a clock, a sequence, derived indexes.

    Checkpoints carry each such operator's `snapshot()` (small, plain data) beside the source
    offsets; after the stores are restored, `restored(snapshot)` hands it back (None when no
    checkpoint was completed) so that the operator continues as if it had never stopped.
    """

    def snapshot(self) -> Any:
        """The state to carry in the next checkpoint (plain data)."""
        ...

    def restored(self, snapshot: Any) -> None:
        """Resume from `snapshot`, the query's stores being restored already."""
        ...


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
    operators: dict[str, OperatorState] = field(default_factory=dict)
    consumed: dict[str, Counter] = field(default_factory=dict)
    """Counters of the records read from each source topic (DESCRIBE EXTENDED's statistics)."""
    """Operators with state beyond their stores, by plan node id (checkpointed with them)."""

    def snapshot(self) -> dict[str, Any]:
        """Every stateful operator's snapshot, by name (for a checkpoint)."""
        return {name: operator.snapshot() for name, operator in self.operators.items()}

    def restored(self, snapshots: dict[str, Any]) -> None:
        """Hand each stateful operator its snapshot back, after its stores were restored."""
        for name, operator in self.operators.items():
            operator.restored(snapshots.get(name))

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
        counter = self.consumed.get(topic)
        if counter is not None:
            counter.count += 1
            counter.bytes += (len(key) if key else 0) + (len(value) if value else 0)
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
