"""Reading several partitions in timestamp order, as Kafka Streams does for a task.

A query that reads more than one partition (a join's two topics, or a topic with several
partitions) must see their records in time order, or a stream record can overtake the table
update it should have joined with. Kafka Streams buffers each partition and always processes the
record with the smallest timestamp among the partitions' heads, waiting while a partition that
still has data on the broker has nothing buffered. `SyncedConsumer` does the same over a
confluent-kafka `Consumer` (created with `enable.partition.eof`): its `poll` and `consume` hand
out buffered messages in timestamp order, as long as every assigned partition either has a
buffered record or has been read to its end. A partition that is neither holds the others back
as long as the broker is known to have records of it that were not read yet (its high watermark,
as of the last fetch, lies past the next offset to read: Kafka Streams' rule with
`max.task.idle.ms=0`), and for at most `max_idle` seconds when that is not known. (Letting a
partition with known lag be overtaken after a fixed time lost joins: under load librdkafka can
hand out tens of thousands of one partition's records before the next fetch of another, and a
stream record processed before the table rows older than it finds no match.) A partition with
known lag that delivers nothing for `max_lag_wait` seconds is overtaken too, with a warning,
rather than stall the query for ever. Everything else is the wrapped consumer's.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections import deque
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

__all__ = ["SyncedConsumer"]

log = logging.getLogger(__name__)

_FILL = 500


class SyncedConsumer:
    """A `Consumer` whose messages come out in timestamp order across its partitions."""

    def __init__(
        self, consumer: Consumer, max_idle: float = 0.5, max_lag_wait: float = 120.0
    ) -> None:
        self.consumer = consumer
        self.max_idle = max_idle
        self.max_lag_wait = max_lag_wait
        self.buffers: dict[tuple[str, int], deque[Any]] = {}
        self.caught_up: set[tuple[str, int]] = set()
        self.from_beginning: set[tuple[str, int]] = set()
        self.asked: dict[tuple[str, int], float] = {}
        self.next_offset: dict[tuple[str, int], int] = {}
        """The offset after the last record buffered (or the assigned start) per partition."""
        self.waiting_since: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.consumer, name)

    def assign(self, partitions: list[Any]) -> None:
        """Assign, and start a buffer per partition."""
        self.consumer.assign(partitions)
        self.buffers = {(tp.topic, tp.partition): deque() for tp in partitions}
        self.caught_up = set()
        self.next_offset = {
            (tp.topic, tp.partition): tp.offset for tp in partitions if tp.offset >= 0
        }
        self.from_beginning = {
            (tp.topic, tp.partition) for tp in partitions if tp.offset == OFFSET_BEGINNING
        }

    def holds(self, slot: tuple[str, int]) -> bool:
        """Whether records of `slot` were delivered by Kafka and are still waiting here."""
        return bool(self.buffers.get(slot))

    def _fill(self, timeout: float) -> None:
        for message in self.consumer.consume(_FILL, timeout):
            slot = (str(message.topic()), int(message.partition() or 0))
            problem = message.error()
            if problem is not None:
                if problem.code() == KafkaError._PARTITION_EOF:
                    self.caught_up.add(slot)
                    continue
                self.buffers.setdefault(slot, deque()).append(message)  # passed on as it is
                continue
            self.caught_up.discard(slot)
            self.buffers.setdefault(slot, deque()).append(message)
            self.next_offset[slot] = int(message.offset() or 0) + 1

    def _ready(self) -> bool:
        blocked = [
            slot for slot, found in self.buffers.items() if not found and slot not in self.caught_up
        ]
        if not blocked:
            self.waiting_since = None
            return True
        now = time.monotonic()
        if self.waiting_since is None:
            self.waiting_since = now
        waited = now - self.waiting_since
        lagging = [slot for slot in blocked if self._lagging(slot)]
        if not lagging:
            return waited >= self.max_idle
        if waited < self.max_lag_wait:
            return False
        log.warning(
            "partitions %s have unread records but delivered none for %.0f s: going on without",
            lagging,
            waited,
        )
        return True

    def _lagging(self, slot: tuple[str, int]) -> bool:
        """True when the broker is known to hold records of `slot` not read yet."""
        partition = TopicPartition(*slot)
        try:
            low, high = self.consumer.get_watermark_offsets(partition, cached=True)
            now = time.monotonic()
            if high < 0 and now - self.asked.get(slot, -1.0) >= 1.0:
                # No fetch has answered for it yet (a query starting on a loaded machine): ask
                # the broker, at most once a second, rather than guess.
                self.asked[slot] = now
                low, high = self.consumer.get_watermark_offsets(partition, timeout=2.0)
        except Exception:  # the broker did not say: not known
            return False
        position = self.next_offset.get(slot)
        if position is None:
            if slot not in self.from_beginning:
                return False
            position = low
        return 0 <= position < high

    def _take(self, limit: int) -> list[Any]:
        if len(self.buffers) == 1:
            (only,) = self.buffers.values()
            return [only.popleft() for _ in range(min(limit, len(only)))]
        heads = [
            (_timestamp(found[0]), index, found)
            for index, found in enumerate(self.buffers.values())
            if found
        ]
        heapq.heapify(heads)
        taken: list[Any] = []
        while heads and len(taken) < limit:
            _, index, found = heapq.heappop(heads)
            taken.append(found.popleft())
            if found:
                heapq.heappush(heads, (_timestamp(found[0]), index, found))
            elif not self._ready():
                break  # that partition is empty and not at its end: wait for it
        return taken

    def poll(self, timeout: float | None = None) -> Any:
        """The next message in timestamp order, or None."""
        taken = self.consume(1, timeout if timeout is not None else -1)
        return taken[0] if taken else None

    def consume(self, num_messages: int = 1, timeout: float = -1) -> list[Any]:
        """Up to `num_messages` messages in timestamp order."""
        deadline = time.monotonic() + (timeout if timeout >= 0 else 3600.0)
        while True:
            if any(self.buffers.values()) and self._ready():
                return self._take(num_messages)
            remaining = deadline - time.monotonic()
            self._fill(max(0.0, min(remaining, 0.05)))
            if remaining <= 0:
                ready = any(self.buffers.values()) and self._ready()
                return self._take(num_messages) if ready else []


def _timestamp(message: Any) -> int:
    if message.error() is not None:
        return -1  # errors first: they are reported, not processed
    return int(message.timestamp()[1])
