"""The Kafka driver: the engine's topics, producer, state stores and queries on a real broker.

It speaks only the Kafka protocol, through confluent-kafka, so it runs unchanged on the embedded
broker, Tansu, Redpanda or Apache Kafka. What it does for the engine:

* **topics**: existence, partition counts, creation and deletion through the admin client;
* **producing**: one shared producer (`acks=all`, idempotent, Java's murmur2 partitioner so keys
  land where Java clients put them); `listen(topic, fn)` also shows every record produced to a
  topic to in-process listeners before it is sent (materialized views of query sinks use it);
* **state stores**: each store writes its changes to a compacted changelog topic at each
  checkpoint, with a marker naming the input offsets they correspond to (`checkpoint.py`); a
  query that starts restores its stores to the last checkpoint all of them completed before it
  reads any input, and resumes at that checkpoint's offsets;
* **queries**: each persistent query reads its source topics through a `TopicFeed` in the
  consumer group ksqlDB would use (`_confluent-ksql-<service id>query_<query id>`), starting at
  the group's committed offsets (else `auto.offset.reset`) and committing what it processed once
  the producer has flushed the results and the stores' changes. Results are written at least
  once; state is exactly that of processing every input once, even after `kill -9`;
* **exactly once**: with `processing.guarantee=exactly_once_v2` (or `exactly_once`) a query
  writes its results, changelogs and consumed offsets in one transaction per commit, through a
  transactional producer of its own (`eos.py`), and reads read_committed, so that results too
  are written exactly once.

Records are processed on the engine's thread: pass `dispatch=loop.call_soon_threadsafe` when the
engine lives on an event loop; the default runs batches on the feed threads (then only one query
may touch shared state at a time, which the test of this module respects).

```python
driver = KafkaDriver({"bootstrap.servers": "127.0.0.1:9092"}, registry, dispatch=...)
engine = KsqlEngine(driver)
engine.execute("CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', "
               "partitions=1, value_format='JSON'); "
               "CREATE TABLE t AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;")
```
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    Consumer,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from ksqlmv.engine.drivers.checkpoint import (
    Checkpointer,
    TrackedStore,
    bound_memory,
    plan_restore,
    tracked_store,
)
from ksqlmv.engine.drivers.eos import QueryTransaction, exactly_once
from ksqlmv.engine.drivers.feeds import (
    Dispatch,
    Record,
    Start,
    TopicFeed,
    inline,
    offset_reset,
)
from ksqlmv.engine.drivers.offsets import group_offsets
from ksqlmv.engine.drivers.synced import SyncedConsumer
from ksqlmv.engine.runtime.base import Headers, fatal
from ksqlmv.engine.runtime.builder import StoreFactory
from ksqlmv.engine.runtime.query import RunningQuery
from ksqlmv.engine.runtime.stores import KeyValueStore
from ksqlmv.errors import ExecutionError, ServiceUnavailableError

__all__ = ["KafkaDriver", "application_id", "create_time"]

log = logging.getLogger(__name__)
kafka_log = logging.getLogger("ksqlmv.engine.kafka")

Listener = Callable[[bytes | None, bytes | None, int, Headers], None]


def application_id(service_id: str, query_id: str) -> str:
    """The consumer group (Kafka Streams application id) of a persistent query."""
    return f"_confluent-ksql-{service_id}query_{query_id}"


def create_time(ts: int) -> int:
    """The CreateTime to hand librdkafka for a record at `ts` (ms).

    librdkafka reads a timestamp of 0 as "now", so a record at the epoch would carry the wall
    clock: a query reading its topic in time order would then take it after every record that
    followed it, and a window would put it in today's. 1 ms is the nearest time it can write.
    """
    return ts if ts > 0 else 1


class KafkaDriver:
    """Topics, production, stores and query execution on a Kafka-compatible broker."""

    commits = True
    """Queries' progress is committed (so table outputs may be cached until each commit)."""

    def __init__(
        self,
        kafka_config: dict[str, Any],
        registry: Any,
        *,
        dispatch: Dispatch = inline,
        timeout: float = 10.0,
        commit_interval: float = 0.2,
        on_query_error: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        self.kafka_config = dict(kafka_config)
        self.registry = registry
        self.dispatch = dispatch
        self.timeout = timeout
        self.commit_interval = commit_interval
        self.on_query_error = on_query_error
        admin_config: dict[str, Any] = {**self.kafka_config, "logger": kafka_log}
        self.admin = AdminClient(admin_config)
        self.producer = Producer(
            {
                **self.kafka_config,
                "acks": "all",
                "enable.idempotence": True,
                "linger.ms": 5,
                "batch.num.messages": 10_000,
                "queue.buffering.max.messages": 1_000_000,
                # Delivery reports only for failures: a Python callback per record would cost
                # more than producing it.
                "delivery.report.only.error": True,
                "on_delivery": self._delivered,
                "partitioner": "murmur2_random",
                "message.timeout.ms": int(timeout * 3000),
                "logger": kafka_log,
            }
        )
        self.feeds: dict[str, TopicFeed] = {}
        self.trackers: dict[str, dict[str, TrackedStore]] = {}
        self.listeners: dict[str, list[Listener]] = {}
        self.delivery_errors = 0
        self.undelivered: Counter[str] = Counter()
        """Records that could not be written, per topic."""
        # The transactional producer of the query whose records this thread is processing
        # (exactly-once queries only): produce() writes through it.
        self._routing = threading.local()
        self._stop = threading.Event()
        self._poller = threading.Thread(
            target=self._poll, name="kafka-driver-producer", daemon=True
        )
        self._poller.start()

    # -- topics -------------------------------------------------------------------------------

    def _metadata(self, topic: str | None = None) -> Any:
        try:
            if topic is None:
                return self.admin.list_topics(timeout=self.timeout)
            return self.admin.list_topics(topic, timeout=self.timeout)
        except KafkaException as error:
            raise ServiceUnavailableError(
                f"cannot reach Kafka at {self.kafka_config.get('bootstrap.servers')}: {error}"
            ) from None

    def topic_exists(self, topic: str) -> bool:
        """True when `topic` exists."""
        return self.topic_partitions(topic) is not None

    def topic_partitions(self, topic: str) -> int | None:
        """The partition count of `topic`, or None when it does not exist."""
        # Listing every topic never creates one, whatever the broker's auto-create setting.
        info = self._metadata().topics.get(topic)
        if info is None or info.error is not None:
            return None
        return len(info.partitions)

    def topic_replicas(self, topic: str) -> int | None:
        """The replication factor of `topic` (its first partition's), or None when missing."""
        info = self._metadata().topics.get(topic)
        if info is None or info.error is not None or not info.partitions:
            return None
        return len(next(iter(info.partitions.values())).replicas)

    def topic_names(self) -> list[str]:
        """Every topic's name."""
        return sorted(name for name, t in self._metadata().topics.items() if t.error is None)

    def create_topic(
        self,
        topic: str,
        partitions: int = 1,
        replicas: int = 1,
        config: dict[str, str] | None = None,
    ) -> None:
        """Create `topic`; no error when it already exists."""
        brokers = len(self._metadata().brokers) or 1
        replication = max(1, min(replicas, brokers))
        futures = self.admin.create_topics(
            [NewTopic(topic, partitions, replication, config=dict(config or {}))],
            request_timeout=self.timeout,
        )
        try:
            futures[topic].result(self.timeout)
        except KafkaException as error:
            code = error.args[0].code() if error.args else None
            if code != KafkaError.TOPIC_ALREADY_EXISTS:
                raise ExecutionError(f"Could not create topic {topic}: {error}") from None
        self._await_metadata(topic, present=True)

    def delete_topic(self, topic: str) -> None:
        """Delete `topic`; no error when it is missing."""
        futures = self.admin.delete_topics([topic], request_timeout=self.timeout)
        try:
            futures[topic].result(self.timeout)
        except KafkaException as error:
            code = error.args[0].code() if error.args else None
            if code != KafkaError.UNKNOWN_TOPIC_OR_PART:
                raise ExecutionError(f"Could not delete topic {topic}: {error}") from None
        self._await_metadata(topic, present=False)

    def _await_metadata(self, topic: str, *, present: bool) -> None:
        deadline = time.monotonic() + self.timeout
        while self.topic_exists(topic) != present and time.monotonic() < deadline:
            time.sleep(0.02)

    def healthy(self, timeout: float = 2.0) -> bool:
        """Whether the broker answers a metadata request within `timeout` seconds."""
        try:
            self.admin.list_topics(timeout=timeout)
        except KafkaException:
            return False
        return True

    def cluster_id(self) -> str:
        """The Kafka cluster id ("" when the broker does not say)."""
        metadata = self._metadata()
        return str(getattr(metadata, "cluster_id", "") or "")

    # -- producing ----------------------------------------------------------------------------

    def produce(
        self, topic: str, key: bytes | None, value: bytes | None, ts: int, headers: Headers = ()
    ) -> None:
        """Write one record (listeners of `topic` see it first)."""
        listeners = self.listeners.get(topic)
        if listeners:
            for listener in listeners:
                listener(key, value, ts, headers)
        producer = getattr(self._routing, "producer", None) or self.producer
        produce = producer.produce
        timestamp = create_time(ts)
        while True:
            try:
                # (the per-record path: positional arguments, no headers argument when empty)
                if headers:
                    produce(topic, value, key, timestamp=timestamp, headers=list(headers))
                else:
                    produce(topic, value, key, timestamp=timestamp)
                return
            except BufferError:
                producer.poll(0.05)  # the local queue is full: let deliveries drain it

    def _produce_changelog(
        self, topic: str, key: bytes | None, value: bytes | None, ts: int, headers: Headers = ()
    ) -> None:
        """Write one changelog record (changelogs have one partition and no listeners)."""
        producer = getattr(self._routing, "producer", None) or self.producer
        while True:
            try:
                producer.produce(topic, value, key, partition=0, timestamp=create_time(ts))
                return
            except BufferError:
                producer.poll(0.05)

    def _delivered(self, error: KafkaError | None, message: Any) -> None:
        if error is not None:
            self.delivery_errors += 1
            self.undelivered[message.topic()] += 1
            log.error("could not write a record to %s: %s", message.topic(), error)

    def flush(self, timeout: float | None = None) -> int:
        """Wait for every record produced so far; returns how many are still in flight."""
        return int(self.producer.flush(self.timeout if timeout is None else timeout))

    def _flush_for_commit(self) -> None:
        left = self.flush()
        if left:
            # Committing now could skip results that never reached the broker.
            raise KafkaException(KafkaError(KafkaError._TIMED_OUT, f"{left} records unflushed"))

    def listen(self, topic: str, listener: Listener) -> Callable[[], None]:
        """Call `listener(key, value, ts, headers)` for each record produced to `topic`."""
        self.listeners.setdefault(topic, []).append(listener)

        def remove() -> None:
            found = self.listeners.get(topic)
            if found is not None and listener in found:
                found.remove(listener)
                if not found:
                    del self.listeners[topic]

        return remove

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.producer.poll(0.1)

    # -- stores and queries -------------------------------------------------------------------

    def store_factory(self, query_id: str) -> StoreFactory | None:
        """Stores whose changes go to compacted changelog topics at each checkpoint."""
        trackers = self.trackers.setdefault(query_id, {})
        trackers.clear()  # a query built again starts with fresh stores

        def make(name: str, topic: str, windowed: bool) -> KeyValueStore:
            if not self.topic_exists(topic):
                self.create_topic(topic, 1, 1, {"cleanup.policy": "compact"})
            store, tracker = tracked_store(name, topic, windowed)
            trackers[topic] = tracker
            return store

        return make

    def start(self, query: RunningQuery) -> None:
        """Restore the query's stores, then feed it its source topics (on a thread of its own)."""
        properties = query.ctx.properties
        service_id = str(properties.get("ksql.service.id") or "default_")
        trackers = self.trackers.get(query.query_id, {})
        checkpointer = Checkpointer(
            list(trackers.values()),
            self._produce_changelog,
            snapshot=query.snapshot if query.operators else None,
        )
        bound_memory(trackers.values(), properties)
        lock = threading.Lock()
        feed_box: list[_QueryFeed] = []
        routing = self._routing
        txn: QueryTransaction | None = None
        if exactly_once(properties):
            txn = QueryTransaction(
                self.kafka_config, application_id(service_id, query.query_id), timeout=self.timeout
            )

        def restore() -> None:
            records: dict[str, list[tuple[bytes | None, bytes | None]]] = {
                topic: [] for topic in trackers
            }
            for topic, found in records.items():
                found.extend(self.read_changelog(topic, timeout=max(self.timeout, 120.0)))
            plan = plan_restore(records)
            done = threading.Event()

            def apply() -> None:
                try:
                    plan.apply(trackers)
                    query.restored(plan.operators)
                finally:
                    done.set()

            self.dispatch(apply)
            done.wait()
            checkpointer.sequence = plan.next_sequence
            checkpointer.offsets.update(plan.resume)
            feed_box[0].resume = dict(plan.resume)

        def prelude() -> None:
            if txn is not None:
                txn.start()  # fences an older instance and aborts what it left open
            if trackers:
                restore()

        def deliver(batch: list[Record]) -> None:
            process = query.process
            processed = checkpointer.processed
            with lock:
                if txn is not None:
                    txn.begin()
                    routing.producer = txn.producer
                try:
                    for record in batch:
                        try:
                            process(*record)
                        except fatal:
                            raise
                        except Exception:
                            log.exception(
                                "query %s failed on a record of %s", query.query_id, record[0]
                            )
                        processed(record[0], record[5], record[6])
                finally:
                    routing.producer = None

        def commit() -> None:
            with lock:
                if txn is not None:
                    txn.begin()
                    routing.producer = txn.producer
                try:
                    for flush in query.on_commit:
                        flush()
                    if txn is not None:
                        checkpointer.write()  # results, changes and markers commit together
                    else:
                        checkpointer.write_changes()
                finally:
                    routing.producer = None
            if txn is None:
                # The markers only once the results and changes they cover are on the broker:
                # a restart resumes after a marker, and would never write those again.
                self._flush_for_commit()
                delivered.check()
                checkpointer.mark()
                self._flush_for_commit()

        delivered = _Delivered(
            self.undelivered,
            [*trackers, *([query.sink_topic] if query.sink_topic else [])],
            str(properties.get(_FAIL_ON_PRODUCTION_ERROR, "true")).lower() != "false",
        )

        def flush_delivered() -> None:  # the commit of a query without state
            self._flush_for_commit()
            delivered.check()

        def failed(error: BaseException) -> None:
            if self.on_query_error is not None:
                self.dispatch(lambda: self.on_query_error(query.query_id, error))  # type: ignore[misc]

        feed = _QueryFeed(
            self.kafka_config,
            query.source_topics,
            deliver,
            dispatch=self.dispatch,
            start=Start.COMMITTED,
            reset=offset_reset(properties),
            group=application_id(service_id, query.query_id),
            commit=commit if trackers or query.on_commit or txn else flush_delivered,
            # Kafka Streams commits every 100 ms under exactly-once
            commit_interval=min(self.commit_interval, 0.1) if txn else self.commit_interval,
            prelude=prelude if trackers or txn else None,
            # (no reordering of batches: SyncedConsumer hands records out in Kafka Streams' order)
            on_error=failed,
            name=f"query-{query.query_id}",
            timeout=self.timeout,
            paused=lambda: query.paused,
        )
        feed.transaction = txn
        feed_box.append(feed)
        previous = self.feeds.pop(query.query_id, None)
        if previous is not None:
            previous.stop()
        self.feeds[query.query_id] = feed.start()

    def read_changelog(
        self, topic: str, *, timeout: float = 120.0
    ) -> list[tuple[bytes | None, bytes | None]]:
        """Every `(key, value)` of a one-partition changelog topic, up to its end offset now.

        Reads in large batches and keeps only keys and values: restoring a store is bound by
        how fast its changelog can be read.
        """
        consumer = Consumer(
            {
                **self.kafka_config,
                "group.id": f"ksqlmv-restore-{uuid.uuid4()}",
                "enable.auto.commit": False,
                "fetch.wait.max.ms": 20,
                "fetch.max.bytes": 64 * 1024 * 1024,
                "max.partition.fetch.bytes": 16 * 1024 * 1024,
                "logger": kafka_log,
            }
        )
        found: list[tuple[bytes | None, bytes | None]] = []
        try:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=timeout)
            if high <= low:
                return found
            consumer.assign([TopicPartition(topic, 0, low)])
            deadline = time.monotonic() + timeout
            position = low
            while position < high:
                # (a transaction's marker takes an offset no message has: the position says)
                position = max(position, _position(consumer, topic))
                if time.monotonic() > deadline:
                    raise ServiceUnavailableError(
                        f"could not read changelog {topic} to its end within {timeout:g}s"
                    )
                for message in consumer.consume(10_000, 0.1):
                    if message.error() is not None:
                        continue
                    offset = int(message.offset() or 0)
                    if offset >= high:
                        continue
                    found.append((message.key(), message.value()))
                    position = offset + 1
        except KafkaException as error:
            raise ServiceUnavailableError(f"cannot read changelog {topic}: {error}") from None
        finally:
            consumer.close()
        return found

    def group_offsets(self, group: str, topics: list[str]) -> dict[str, Any]:
        """The committed, start and end offsets of `group` over `topics` (`offsets.py`)."""
        return group_offsets(self.kafka_config, group, topics, self.timeout)

    def wait_ready(self, query_id: str, timeout: float = 60.0) -> bool:
        """Wait until a query has restored its stores and is reading; False on timeout."""
        feed = self.feeds.get(query_id)
        return feed is None or feed.ready.wait(timeout)

    def stop(self, query: RunningQuery) -> None:
        """Stop feeding `query` (its feed commits and closes on its own thread)."""
        feed = self.feeds.pop(query.query_id, None)
        if feed is not None:
            feed.stop()
        self.trackers.pop(query.query_id, None)

    def close(self, timeout: float = 10.0) -> None:
        """Stop every feed, wait for their final commits, flush and stop the producer."""
        feeds = list(self.feeds.values())
        self.feeds.clear()
        for feed in feeds:
            feed.stop()
        deadline = time.monotonic() + timeout
        for feed in feeds:
            feed.stop(wait=max(0.0, deadline - time.monotonic()))
        self.producer.flush(max(0.0, deadline - time.monotonic()))
        self._stop.set()
        self._poller.join(2)


class _QueryFeed(TopicFeed):
    """A persistent query's feed: reads its partitions in timestamp order (`SyncedConsumer`),
    and resumes at its restored checkpoint's offsets when it has one."""

    resume: dict[tuple[str, int], int] | None = None
    transaction: QueryTransaction | None = None
    """The query's transactions when it runs exactly once."""

    def __init__(self, kafka_config: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        config = {**kafka_config, "enable.partition.eof": True}
        config["isolation.level"] = "read_committed"
        super().__init__(config, *args, **kwargs)

    def _run(self) -> None:
        try:
            super()._run()
        finally:
            if self.transaction is not None:
                self.transaction.close()

    def _maybe_commit(self, consumer: Consumer, *, idle: bool, force: bool = False) -> None:
        txn = self.transaction
        if txn is None:
            super()._maybe_commit(consumer, idle=idle, force=force)
            return
        progress = self._progress
        if self.commit_before is None or not progress.pending:
            return
        if not (force or idle or time.monotonic() - progress.last_commit >= self.commit_interval):
            return
        try:
            self.commit_before()
            txn.commit(progress.pending, consumer)
        except KafkaException as error:
            if not force:
                raise  # the query stops; a restart resumes from the last commit, exactly
            log.warning("%s: final commit failed, its transaction is aborted: %s", self.name, error)
            return
        progress.pending.clear()
        progress.last_commit = time.monotonic()

    def _consumer(self) -> Consumer:
        return SyncedConsumer(super()._consumer())  # type: ignore[return-value]

    def _assign(self, consumer: Consumer) -> None:
        resume = self.resume
        if not resume:
            super()._assign(consumer)
            return
        partitions = [
            TopicPartition(topic, partition)
            for topic in self.topics
            for partition in range(_partition_count(consumer, topic, self.timeout))
        ]
        committed = {
            (tp.topic, tp.partition): tp.offset
            for tp in consumer.committed(partitions, timeout=self.timeout)
            if tp.offset >= 0
        }
        fallback = OFFSET_BEGINNING if self.reset == "earliest" else OFFSET_END
        consumer.assign(
            [
                TopicPartition(
                    tp.topic,
                    tp.partition,
                    resume.get(
                        (tp.topic, tp.partition), committed.get((tp.topic, tp.partition), fallback)
                    ),
                )
                for tp in partitions
            ]
        )


def _position(consumer: Consumer, topic: str) -> int:
    """The next offset the consumer reads from partition 0 of `topic` (-1 when unknown)."""
    found = consumer.position([TopicPartition(topic, 0)])
    return int(found[0].offset) if found else -1


_FAIL_ON_PRODUCTION_ERROR = "ksql.fail.on.production.error"


class _Delivered:
    """Whether every record a query wrote to its sink and changelogs reached the broker.

    A record that could not be written (its delivery timed out, the broker refused it) must not
    be covered by a checkpoint, or a restart would resume after it and never write it. As with
    ksqlDB's `ksql.fail.on.production.error` (true by default), the query then fails, and writes
    no checkpoint again: a restart resumes at its last one. With the property false the record
    is logged and the query goes on, as ksqlDB's does.
    """

    def __init__(self, counts: Counter[str], topics: list[str], fail: bool) -> None:
        self.counts = counts
        self.since = {topic: counts[topic] for topic in topics}
        self.fail = fail
        self.failure: str | None = None

    def check(self) -> None:
        """Raise when a record of the query's topics was lost since it started."""
        if self.failure is not None:  # (the failed query's final commit)
            raise KafkaException(KafkaError(KafkaError._FAIL, self.failure))
        lost = sorted(topic for topic, count in self.since.items() if self.counts[topic] > count)
        if lost and self.fail:
            self.failure = (
                f"records of {', '.join(lost)} could not be written: the query stops at its last "
                f"checkpoint ({_FAIL_ON_PRODUCTION_ERROR})"
            )
            raise ExecutionError(self.failure)


def _partition_count(consumer: Consumer, topic: str, timeout: float) -> int:
    try:
        info = consumer.list_topics(topic, timeout=timeout).topics.get(topic)
    except KafkaException as error:
        raise ServiceUnavailableError(f"cannot read the metadata of {topic}: {error}") from None
    if info is None or info.error is not None:
        return 0
    return len(info.partitions)
