"""The `_schemas` topic, read and written through confluent-kafka, as Confluent's registry does.

At start the store makes sure the topic exists (one partition, `cleanup.policy=compact`), then
replays it from the beginning up to the end offset it saw, applying every record. A background
thread keeps consuming; each record is handed to the event loop, so state only ever changes on the
loop thread, in topic order.

A write is acknowledged only once the broker has acknowledged the record (`acks=all`) *and* the
record has been applied. When everything before the new offset is already applied, the writer
applies its own record at once rather than waiting a fetch round-trip for the consumer to bring it
back; the consumer then skips it. Either way the state is exactly what replaying the topic gives.

Only the Kafka protocol is used, so any Kafka-compatible broker serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer
from confluent_kafka import TopicPartition as KafkaTopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from ksqlmv.errors import ConfigError, RegistryError, ServiceUnavailableError

__all__ = ["KafkaStore"]

log = logging.getLogger(__name__)
kafka_log = logging.getLogger("ksqlmv.registry.kafka")

ApplyRecord = Callable[[bytes | None, bytes | None], None]


class KafkaStore:
    """A compacted one-partition topic replayed into `apply` and written in order."""

    def __init__(
        self,
        kafka_config: dict[str, Any],
        apply: ApplyRecord,
        topic: str = "_schemas",
        connect_timeout: float = 5.0,
        write_timeout: float = 10.0,
    ) -> None:
        self.kafka_config = dict(kafka_config)
        self.apply = apply
        self.topic = topic
        self.connect_timeout = connect_timeout
        self.write_timeout = write_timeout
        self.next_offset = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._consumer: Consumer | None = None
        self._producer: Producer | None = None

    @property
    def bootstrap_servers(self) -> str:
        """Where the broker is, as configured."""
        return str(self.kafka_config.get("bootstrap.servers", ""))

    # -- start and stop ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Reach the broker, ensure the topic, replay it to its end, then follow it."""
        self._loop = asyncio.get_running_loop()
        await self._loop.run_in_executor(None, self._ensure_topic)
        consumer = Consumer(
            {
                **self.kafka_config,
                # No group membership: the partition is assigned, offsets never committed.
                "group.id": f"ksqlmv-registry-{uuid.uuid4()}",
                "enable.auto.commit": False,
                "enable.partition.eof": True,
                "fetch.wait.max.ms": 100,
                "logger": kafka_log,
            }
        )
        self._consumer = consumer
        partition = KafkaTopicPartition(self.topic, 0)
        try:
            _, end = await self._loop.run_in_executor(
                None, lambda: consumer.get_watermark_offsets(partition, self.connect_timeout)
            )
        except KafkaException as error:
            raise self._unreachable(error) from None
        consumer.assign([KafkaTopicPartition(self.topic, 0, OFFSET_BEGINNING)])
        self._producer = Producer(
            {
                **self.kafka_config,
                "acks": "all",
                "linger.ms": 0,
                "message.timeout.ms": int(self.write_timeout * 1000),
                "logger": kafka_log,
            }
        )
        self._threads = [
            threading.Thread(target=self._consume, name="registry-consumer", daemon=True),
            threading.Thread(target=self._poll_producer, name="registry-producer", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        if end > 0:
            try:
                await asyncio.wait_for(self._reached(end - 1), max(30.0, self.connect_timeout))
            except TimeoutError:
                raise ServiceUnavailableError(
                    f"could not read topic {self.topic} to its end ({end}) "
                    f"from Kafka at {self.bootstrap_servers}"
                ) from None
        log.info("replayed %d records of %s", end, self.topic)

    def _unreachable(self, error: object) -> ServiceUnavailableError:
        return ServiceUnavailableError(
            f"cannot reach Kafka at {self.bootstrap_servers} "
            f"(no answer within {self.connect_timeout:g}s): {error}"
        )

    def _ensure_topic(self) -> None:
        config: dict[str, Any] = {**self.kafka_config, "logger": kafka_log}
        admin = AdminClient(config)
        try:
            metadata = admin.list_topics(timeout=self.connect_timeout)
        except KafkaException as error:
            raise self._unreachable(error) from None
        existing = metadata.topics.get(self.topic)
        if existing is not None and existing.error is None:
            if len(existing.partitions) != 1:
                raise ConfigError(
                    f"topic {self.topic} has {len(existing.partitions)} partitions; "
                    "the registry needs exactly one"
                )
            return
        replication = max(1, min(3, len(metadata.brokers)))
        for config in ({"cleanup.policy": "compact"}, {}):
            futures = admin.create_topics(
                [NewTopic(self.topic, 1, replication, config=config)],
                request_timeout=self.connect_timeout,
            )
            try:
                futures[self.topic].result(self.connect_timeout * 2)
                return
            except KafkaException as error:
                code = error.args[0].code() if error.args else None
                if code == KafkaError.TOPIC_ALREADY_EXISTS:
                    return
                if config and code in (KafkaError.INVALID_CONFIG, KafkaError.POLICY_VIOLATION):
                    log.warning(
                        "broker refused cleanup.policy=compact for %s: %s", self.topic, error
                    )
                    continue
                raise self._unreachable(error) from None

    async def close(self) -> None:
        """Stop following the topic and release the Kafka clients."""
        self._stop.set()
        loop = asyncio.get_running_loop()
        for thread in self._threads:
            await loop.run_in_executor(None, thread.join, 5)
        producer, consumer = self._producer, self._consumer
        # Dropping the last references lets librdkafka destroy the clients and close their
        # connections now, not whenever the garbage collector gets to them.
        self._producer = self._consumer = None
        if producer is not None:
            await loop.run_in_executor(None, producer.flush, 5)
        if consumer is not None:
            await loop.run_in_executor(None, consumer.close)
        del producer, consumer
        for _, waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(RegistryError(50002, "registry is shutting down"))

    # -- reading ----------------------------------------------------------------------------------

    def _consume(self) -> None:
        consumer = self._consumer
        assert consumer is not None and self._loop is not None
        while not self._stop.is_set():
            try:
                messages = consumer.consume(500, 0.1)
            except KafkaException as error:
                log.warning("reading %s: %s", self.topic, error)
                continue
            batch: list[tuple[int, bytes | None, bytes | None]] = []
            for message in messages:
                problem = message.error()
                offset = message.offset() or 0
                if problem is None:
                    batch.append((offset, _bytes(message.key()), _bytes(message.value())))
                elif problem.code() == KafkaError._PARTITION_EOF:
                    # Everything below the end offset is read: compacted gaps included.
                    batch.append((offset - 1, None, None))
                else:
                    log.warning("reading %s: %s", self.topic, problem)
            if batch:
                with contextlib.suppress(RuntimeError):  # the loop is closing
                    self._loop.call_soon_threadsafe(self._deliver, batch)

    def _deliver(self, batch: list[tuple[int, bytes | None, bytes | None]]) -> None:
        for offset, key, value in batch:
            if offset < self.next_offset:
                continue  # applied already, by the writer that wrote it
            if key is not None or value is not None:
                self.apply(key, value)
            self.next_offset = offset + 1
        self._wake()

    def _wake(self) -> None:
        still_waiting = []
        for offset, waiter in self._waiters:
            if offset < self.next_offset:
                if not waiter.done():
                    waiter.set_result(None)
            else:
                still_waiting.append((offset, waiter))
        self._waiters = still_waiting

    async def _reached(self, offset: int) -> None:
        if offset < self.next_offset:
            return
        assert self._loop is not None
        waiter: asyncio.Future[None] = self._loop.create_future()
        self._waiters.append((offset, waiter))
        await waiter

    # -- writing ----------------------------------------------------------------------------------

    def _poll_producer(self) -> None:
        producer = self._producer
        assert producer is not None
        while not self._stop.is_set():
            producer.poll(0.05)

    async def write(self, key: bytes, value: bytes | None) -> int:
        """Append a record, wait for the broker's acknowledgement and for it to be applied.

        Returns the record's offset. A broker that does not acknowledge within the write timeout
        is a store error (50001), as Confluent's registry reports it.
        """
        assert self._loop is not None and self._producer is not None
        loop = self._loop
        acknowledged: asyncio.Future[int] = loop.create_future()

        def delivered(error: KafkaError | None, message: Any) -> None:
            if error is not None:
                outcome: Callable[[], None] = lambda: _fail(acknowledged, error)  # noqa: E731
            else:
                offset = int(message.offset())
                outcome = lambda: _succeed(acknowledged, offset)  # noqa: E731
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(outcome)

        try:
            self._producer.produce(
                self.topic, value=value, key=key, partition=0, on_delivery=delivered
            )
        except (BufferError, KafkaException) as error:
            raise RegistryError(50001, f"Error while writing to the Kafka store: {error}") from None
        try:
            offset = await asyncio.wait_for(acknowledged, self.write_timeout + 5)
        except TimeoutError:
            raise RegistryError(50002, "Write to the Kafka store timed out") from None
        if offset == self.next_offset:
            self.apply(key, value)
            self.next_offset = offset + 1
            self._wake()
        else:
            try:
                await asyncio.wait_for(self._reached(offset), self.write_timeout)
            except TimeoutError:
                raise RegistryError(
                    50002, f"Timed out waiting for offset {offset} of {self.topic} to be read"
                ) from None
        return offset


def _bytes(data: str | bytes | None) -> bytes | None:
    return data.encode() if isinstance(data, str) else data


def _succeed(future: asyncio.Future[int], offset: int) -> None:
    if not future.done():
        future.set_result(offset)


def _fail(future: asyncio.Future[int], error: KafkaError) -> None:
    if not future.done():
        future.set_exception(
            RegistryError(50001, f"Error while writing to the Kafka store: {error.str()}")
        )
