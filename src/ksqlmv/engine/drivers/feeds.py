"""Topic feeds: a consumer thread that hands batches of records to the engine's own thread.

The engine is single-threaded: its operators, stores and catalog are only touched on one thread
(the server's event loop). A `TopicFeed` reads topics with confluent-kafka on a thread of its own
and passes each batch through `dispatch` (for example `loop.call_soon_threadsafe`) to `deliver`,
then waits until the batch has been processed before fetching the next one. That wait is the
backpressure: a feed never runs ahead of the engine, and the offsets it commits are those of
records the engine has processed (after the producer has flushed what they produced).

```python
feed = TopicFeed(config, ["orders"], deliver=query_batch, dispatch=loop.call_soon_threadsafe,
                 start=Start.COMMITTED, reset="earliest", group="_confluent-ksql-...", commit=flush)
feed.start()
...
feed.stop()          # final commit, consumer closed on the feed's thread
```

`read_to_end` reads topics from the beginning up to the end offsets seen when it starts, the way
state stores are restored and streams are scanned by pull queries.
"""

from __future__ import annotations

import enum
import heapq
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    Consumer,
    KafkaError,
    KafkaException,
    TopicPartition,
)

from ksqlmv.errors import ServiceUnavailableError

__all__ = [
    "Dispatch",
    "Record",
    "Start",
    "TopicFeed",
    "fetch",
    "inline",
    "merge_by_time",
    "offset_reset",
    "read_to_end",
]

log = logging.getLogger(__name__)
kafka_log = logging.getLogger("ksqlmv.engine.kafka")

Record = tuple[str, bytes | None, bytes | None, int, tuple[tuple[str, bytes | None], ...], int, int]
"""`(topic, key, value, timestamp, headers, partition, offset)`, as `RunningQuery.process`
takes them."""

Dispatch = Callable[[Callable[[], None]], Any]
"""Runs a callable on the engine's thread (e.g. `loop.call_soon_threadsafe`)."""

_BATCH = 500
_POLL_SECONDS = 0.05


class Start(enum.Enum):
    """Where a feed starts reading each partition."""

    EARLIEST = "earliest"
    LATEST = "latest"
    COMMITTED = "committed"  # the group's committed offsets, else `reset`


def fetch(consumer: Consumer) -> list[Any]:
    """What the consumer has: waits (up to a poll interval) for the first message only, then
    takes whatever else is already there. `consume(n, timeout)` alone would wait for `n`
    messages or the whole timeout, adding its timeout to every record's latency."""
    first = consumer.poll(_POLL_SECONDS)
    if first is None:
        return []
    return [first, *consumer.consume(_BATCH - 1, 0)]


def offset_reset(properties: dict[str, Any]) -> str:
    """Where a query without committed offsets starts: `auto.offset.reset` (default latest)."""
    for name in ("auto.offset.reset", "ksql.streams.auto.offset.reset"):
        value = properties.get(name)
        if value:
            return str(value).lower()
    return "latest"


def inline(fn: Callable[[], None]) -> None:
    """A dispatch that runs the callable at once on the calling thread."""
    fn()


def convert(message: Any) -> Record:
    """A confluent-kafka message as a `Record`."""
    headers = message.headers()
    _, timestamp = message.timestamp()
    return (
        message.topic(),
        message.key(),
        message.value(),
        timestamp if timestamp is not None and timestamp >= 0 else 0,
        tuple((k, v) for k, v in headers) if headers else (),
        message.partition(),
        message.offset(),
    )


def merge_by_time(batch: list[Record]) -> list[Record]:
    """The batch's records with each partition's in offset order, the partitions interleaved by
    the timestamps at their heads (as Kafka Streams chooses the next record of a task). Sorting
    the whole batch by timestamp instead moved an out-of-order record ahead of the records before
    it in its own partition, and so changed which records a join or window saw it with."""
    by_partition: dict[tuple[str, int], list[Record]] = {}
    for record in batch:
        by_partition.setdefault((record[0], record[5]), []).append(record)
    if len(by_partition) < 2:
        return batch
    return list(heapq.merge(*by_partition.values(), key=_timestamp_of))


def _timestamp_of(record: Record) -> int:
    return record[3]


def _partitions(consumer: Consumer, topics: Sequence[str], timeout: float) -> list[TopicPartition]:
    found: list[TopicPartition] = []
    for topic in topics:
        try:
            metadata = consumer.list_topics(topic, timeout=timeout)
        except KafkaException as error:
            raise ServiceUnavailableError(f"cannot read the metadata of {topic}: {error}") from None
        info = metadata.topics.get(topic)
        if info is None or info.error is not None or not info.partitions:
            continue
        found.extend(TopicPartition(topic, p) for p in sorted(info.partitions))
    return found


@dataclass
class _Progress:
    """Offsets the engine has processed and not yet committed, per (topic, partition)."""

    pending: dict[tuple[str, int], int]
    last_commit: float
    reached: dict[tuple[str, int], int] = field(default_factory=dict)
    """The furthest offset ever put in `pending`, per (topic, partition)."""
    last_skip: float = 0.0


class TopicFeed:
    """Reads `topics` on its own thread and delivers batches on the engine's thread."""

    def __init__(
        self,
        kafka_config: dict[str, Any],
        topics: Sequence[str],
        deliver: Callable[[list[Record]], None],
        *,
        dispatch: Dispatch = inline,
        start: Start = Start.LATEST,
        reset: str = "latest",
        group: str | None = None,
        commit: Callable[[], None] | None = None,
        commit_interval: float = 0.2,
        prelude: Callable[[], None] | None = None,
        order_by_time: bool = False,
        on_error: Callable[[BaseException], None] | None = None,
        name: str = "feed",
        timeout: float = 10.0,
        paused: Callable[[], bool] | None = None,
    ) -> None:
        self.kafka_config = kafka_config
        self.topics = list(topics)
        self.deliver = deliver
        self.dispatch = dispatch
        self.start_at = start
        self.reset = reset
        self.group = group or f"ksqlmv-feed-{uuid.uuid4()}"
        self.commit_before = commit
        self.commit_interval = commit_interval
        self.prelude = prelude
        self.order_by_time = order_by_time
        self.on_error = on_error
        self.name = name
        self.timeout = timeout
        self.paused = paused
        self.stopped = threading.Event()
        self.ready = threading.Event()
        self.records = 0
        self._thread: threading.Thread | None = None
        self._progress = _Progress({}, time.monotonic())

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> TopicFeed:
        """Start the thread (assignment and reading happen there)."""
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self, wait: float | None = None) -> None:
        """Stop reading; the thread commits what was processed and closes its consumer.

        Safe to call from the engine's thread: it does not wait unless `wait` is given.
        """
        self.stopped.set()
        thread = self._thread
        if wait is not None and thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    @property
    def alive(self) -> bool:
        """Whether the thread still runs."""
        return self._thread is not None and self._thread.is_alive()

    # -- the thread ---------------------------------------------------------------------------

    def _consumer(self) -> Consumer:
        return Consumer(
            {
                **self.kafka_config,
                "group.id": self.group,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "earliest" if self.reset == "earliest" else "latest",
                "fetch.wait.max.ms": 20,
                "fetch.error.backoff.ms": 50,
                "logger": kafka_log,
            }
        )

    def _run(self) -> None:
        consumer: Consumer | None = None
        try:
            if self.prelude is not None:
                self.prelude()
            consumer = self._consumer()
            self._assign(consumer)
            self.ready.set()
            while not self.stopped.is_set():
                if self.paused is not None and self.paused():
                    self._maybe_commit(consumer, idle=True)
                    self.stopped.wait(_POLL_SECONDS)
                    continue
                messages = fetch(consumer)
                batch = [convert(m) for m in messages if self._usable(m)]
                if batch:
                    if self.order_by_time and len({r[0] for r in batch}) > 1:
                        batch = merge_by_time(batch)
                    if not self._hand_over(batch):
                        break
                    pending = self._progress.pending
                    for record in batch:
                        pending[(record[0], record[5])] = record[6] + 1
                    self._progress.reached.update(pending)
                    self.records += len(batch)
                else:
                    self._skip_unreadable(consumer)
                self._maybe_commit(consumer, idle=not batch)
        except BaseException as error:  # reported, never raised on a daemon thread
            log.exception("%s stopped on an error", self.name)
            if self.on_error is not None:
                self.on_error(error)
        finally:
            self.ready.set()
            if consumer is not None:
                self._maybe_commit(consumer, idle=True, force=True)
                try:
                    consumer.close()
                except (KafkaException, RuntimeError) as error:
                    log.debug("closing %s: %s", self.name, error)

    def _skip_unreadable(self, consumer: Consumer) -> None:
        """While idle, let the next commit cover what lies between the last record processed
        and the consumer's position: transaction markers and aborted records, which no reader
        gets. Kafka Streams commits positions for the same reason; otherwise a topic written
        in transactions would keep a lag of one record for ever."""
        progress = self._progress
        if self.commit_before is None or not progress.reached:
            return
        now = time.monotonic()
        if now - progress.last_skip < self.commit_interval:
            return
        progress.last_skip = now
        holding = getattr(consumer, "holds", None)  # SyncedConsumer: delivered, not processed
        try:
            positions = consumer.position([TopicPartition(t, p) for t, p in progress.reached])
        except KafkaException:
            return
        for position in positions:
            slot = (position.topic, position.partition)
            if position.offset > progress.reached[slot] and not (holding and holding(slot)):
                progress.pending[slot] = progress.reached[slot] = position.offset

    def _assign(self, consumer: Consumer) -> None:
        partitions = _partitions(consumer, self.topics, self.timeout)
        if self.start_at is Start.COMMITTED and partitions:
            try:
                committed = consumer.committed(partitions, timeout=self.timeout)
            except KafkaException as error:
                raise ServiceUnavailableError(
                    f"cannot read the committed offsets of {self.group}: {error}"
                ) from None
            fallback = OFFSET_BEGINNING if self.reset == "earliest" else OFFSET_END
            partitions = [
                TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else fallback)
                for tp in committed
            ]
        elif self.start_at is Start.EARLIEST:
            partitions = [
                TopicPartition(t.topic, t.partition, OFFSET_BEGINNING) for t in partitions
            ]
        elif self.start_at is Start.LATEST:
            partitions = [self._end_of(consumer, tp) for tp in partitions]
        consumer.assign(partitions)

    def _end_of(self, consumer: Consumer, tp: TopicPartition) -> TopicPartition:
        # The end offset now, not when the first fetch happens: records produced after the
        # feed started are the ones it must see.
        try:
            _, high = consumer.get_watermark_offsets(tp, timeout=self.timeout)
        except KafkaException:
            return TopicPartition(tp.topic, tp.partition, OFFSET_END)
        return TopicPartition(tp.topic, tp.partition, high)

    def _usable(self, message: Any) -> bool:
        problem = message.error()
        if problem is None:
            return True
        if problem.code() != KafkaError._PARTITION_EOF:
            log.warning("%s: %s", self.name, problem)
        return False

    def _hand_over(self, batch: list[Record]) -> bool:
        """Deliver on the engine's thread and wait for it; False once the feed is stopped."""
        done = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                if not self.stopped.is_set():
                    self.deliver(batch)
            except BaseException as error:
                failure.append(error)
            finally:
                done.set()

        try:
            self.dispatch(run)
        except RuntimeError:  # the engine's loop is closed
            return False
        while not done.wait(0.1):
            if self.stopped.is_set():
                return False
        if failure:
            raise failure[0]
        return not self.stopped.is_set()

    def _maybe_commit(self, consumer: Consumer, *, idle: bool, force: bool = False) -> None:
        if self.commit_before is None or not self._progress.pending:
            return
        due = time.monotonic() - self._progress.last_commit >= self.commit_interval
        if not (force or idle or due):
            return
        try:
            self.commit_before()
            offsets = [TopicPartition(t, p, o) for (t, p), o in self._progress.pending.items()]
            consumer.commit(offsets=offsets, asynchronous=False)
            self._progress.pending.clear()
        except KafkaException as error:
            log.warning("%s: commit failed (will retry): %s", self.name, error)
        self._progress.last_commit = time.monotonic()


def read_to_end(
    kafka_config: dict[str, Any],
    topics: Sequence[str],
    deliver: Callable[[list[Record]], None],
    *,
    dispatch: Dispatch = inline,
    timeout: float = 30.0,
    stopped: threading.Event | None = None,
) -> int:
    """Read `topics` from the beginning to the end offsets seen now; returns the record count.

    Blocks the calling thread (never call it on the engine's thread with a dispatch that needs
    that thread). Raises `ServiceUnavailableError` when the end is not reached within `timeout`.
    """
    consumer = Consumer(
        {
            **kafka_config,
            "group.id": f"ksqlmv-reader-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "fetch.wait.max.ms": 20,
            "logger": kafka_log,
        }
    )
    try:
        partitions = _partitions(consumer, topics, timeout)
        ends: dict[tuple[str, int], int] = {}
        for tp in partitions:
            low, high = consumer.get_watermark_offsets(tp, timeout=timeout)
            if high > low:
                ends[(tp.topic, tp.partition)] = high
        if not ends:
            return 0
        consumer.assign(
            [TopicPartition(t, p, OFFSET_BEGINNING) for (t, p) in ends]  # only non-empty ones
        )
        deadline = time.monotonic() + timeout
        count = 0
        while ends:
            if stopped is not None and stopped.is_set():
                break
            if time.monotonic() > deadline:
                raise ServiceUnavailableError(
                    f"could not read {', '.join(topics)} to its end within {timeout:g}s"
                )
            messages = fetch(consumer)
            batch: list[Record] = []
            for message in messages:
                problem = message.error()
                where: tuple[str, int] = (str(message.topic()), int(message.partition() or 0))
                offset = int(message.offset() or 0)
                end = ends.get(where)
                if end is None:
                    continue
                if problem is not None:
                    if problem.code() == KafkaError._PARTITION_EOF and offset >= end:
                        ends.pop(where, None)
                    continue
                if offset >= end:
                    continue
                batch.append(convert(message))
                if offset + 1 >= end:
                    ends.pop(where, None)
            if batch:
                count += len(batch)
                _deliver_and_wait(batch, deliver, dispatch)
        return count
    finally:
        consumer.close()


def _deliver_and_wait(
    batch: list[Record], deliver: Callable[[list[Record]], None], dispatch: Dispatch
) -> None:
    if dispatch is inline:
        deliver(batch)
        return
    done = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            deliver(batch)
        except BaseException as error:
            failure.append(error)
        finally:
            done.set()

    dispatch(run)
    while not done.wait(1.0):
        pass
    if failure:
        raise failure[0]
