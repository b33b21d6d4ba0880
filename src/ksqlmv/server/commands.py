"""The command topic: every accepted statement that changes the catalog, in order, forever.

As in ksqlDB, CREATE/DROP of streams, tables and types, CREATE ... AS SELECT, INSERT INTO ...
SELECT, TERMINATE, PAUSE/RESUME and ALTER are appended to a one-partition topic,
`_confluent-ksql-<service id>_command_topic` (infinite retention, never compacted, so order and
history survive), before the client hears they succeeded. A server starting up replays the topic
from the beginning into a fresh engine, so streams, tables and persistent queries come back, and
the queries resume from their committed offsets with their state restored from changelogs.

Each record's key is the statement's command id (`stream/ORDERS/create`) and its value a JSON
object: the statement text as it ran (variables substituted), the properties in force, and the
engine's query counter before it ran, so replayed queries get the ids they had.
The offset of a command is its `commandSequenceNumber`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from ksqlmv.engine.drivers.feeds import Record, read_to_end
from ksqlmv.errors import ExecutionError, ServiceUnavailableError

__all__ = ["Command", "CommandTopic", "command_topic_name"]

log = logging.getLogger(__name__)
kafka_log = logging.getLogger("ksqlmv.server.kafka")

VERSION = 1


def command_topic_name(service_id: str) -> str:
    """ksqlDB's name for the command topic of a service."""
    return f"_confluent-ksql-{service_id}_command_topic"


@dataclass(frozen=True, slots=True)
class Command:
    """One statement of the command topic."""

    command_id: str
    statement: str
    properties: dict[str, Any] = field(default_factory=dict)
    query_number: int | None = None
    offset: int = -1

    def to_json(self) -> bytes:
        """The record value."""
        value: dict[str, Any] = {
            "statement": self.statement,
            "streamsProperties": self.properties,
            "originalProperties": {},
            "version": VERSION,
        }
        if self.query_number is not None:
            value["queryNumber"] = self.query_number
        return json.dumps(value, default=str).encode()

    @classmethod
    def from_record(cls, record: Record) -> Command | None:
        """The command in a record, or None for a record that is not one (logged)."""
        key, value, offset = record[1], record[2], record[6]
        try:
            data = json.loads(value or b"")
            if not isinstance(data, dict) or not isinstance(data.get("statement"), str):
                raise ValueError("no statement")
            number = data.get("queryNumber")
            return cls(
                (key or b"").decode("utf-8", "replace"),
                data["statement"],
                dict(data.get("streamsProperties") or {}),
                int(number) if number is not None else None,
                offset,
            )
        except (ValueError, TypeError, UnicodeDecodeError) as error:
            log.warning("skipping command at offset %d: %s", offset, error)
            return None


class CommandTopic:
    """Appends commands and reads them back, through confluent-kafka."""

    def __init__(
        self, kafka_config: dict[str, Any], service_id: str, timeout: float = 10.0
    ) -> None:
        self.kafka_config = dict(kafka_config)
        self.topic = command_topic_name(service_id)
        self.timeout = timeout
        self.last_offset = -1
        self._producer: Producer | None = None
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    async def start(self) -> list[Command]:
        """Make sure the topic exists; return every command in it, in order."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._ensure_topic)
        records: list[Record] = []
        await loop.run_in_executor(
            None,
            lambda: read_to_end(self.kafka_config, [self.topic], records.extend, timeout=60.0),
        )
        commands = [c for c in (Command.from_record(r) for r in records) if c is not None]
        if records:
            self.last_offset = records[-1][6]
        self._producer = Producer(
            {
                **self.kafka_config,
                "acks": "all",
                "enable.idempotence": True,
                "linger.ms": 0,
                "message.timeout.ms": int(self.timeout * 1000),
                "logger": kafka_log,
            }
        )
        self._poller = threading.Thread(target=self._poll, name="command-topic", daemon=True)
        self._poller.start()
        return commands

    def _ensure_topic(self) -> None:
        config: dict[str, Any] = {**self.kafka_config, "logger": kafka_log}
        admin = AdminClient(config)
        try:
            metadata = admin.list_topics(timeout=self.timeout)
        except KafkaException as error:
            raise ServiceUnavailableError(
                f"cannot reach Kafka at {self.kafka_config.get('bootstrap.servers')} "
                f"(no answer within {self.timeout:g}s): {error}"
            ) from None
        existing = metadata.topics.get(self.topic)
        if existing is not None and existing.error is None:
            return
        replication = max(1, min(3, len(metadata.brokers)))
        settings = {"retention.ms": "-1", "cleanup.policy": "delete"}
        futures = admin.create_topics(
            [NewTopic(self.topic, 1, replication, config=settings)],
            request_timeout=self.timeout,
        )
        try:
            futures[self.topic].result(self.timeout * 2)
        except KafkaException as error:
            code = error.args[0].code() if error.args else None
            if code != KafkaError.TOPIC_ALREADY_EXISTS:
                raise ServiceUnavailableError(
                    f"cannot create the command topic {self.topic}: {error}"
                ) from None

    def _poll(self) -> None:
        producer = self._producer
        assert producer is not None
        while not self._stop.is_set():
            producer.poll(0.05)

    def append(self, command: Command) -> int:
        """Write `command` and wait for the broker's acknowledgement; returns its offset.

        Blocks the calling thread (the server runs statements off its event loop).
        """
        producer = self._producer
        if producer is None:
            raise ExecutionError("the command topic is not open")
        done = threading.Event()
        outcome: list[Any] = []

        def delivered(error: KafkaError | None, message: Any) -> None:
            outcome.append(error if error is not None else int(message.offset()))
            done.set()

        try:
            producer.produce(
                self.topic,
                value=command.to_json(),
                key=command.command_id.encode(),
                partition=0,
                on_delivery=delivered,
            )
        except (BufferError, KafkaException) as error:
            raise ExecutionError(f"Could not write to the command topic: {error}") from None
        if not done.wait(self.timeout + 5):
            raise ExecutionError("Timed out writing to the command topic")
        result = outcome[0]
        if not isinstance(result, int):
            raise ExecutionError(f"Could not write to the command topic: {result}")
        self.last_offset = max(self.last_offset, result)
        return result

    def close(self, timeout: float = 7.0) -> None:
        """Flush and stop, within `timeout` seconds (a dead broker takes no longer)."""
        deadline = time.monotonic() + timeout
        self._stop.set()
        if self._poller is not None:
            self._poller.join(min(2.0, timeout / 2))
        if self._producer is not None:
            self._producer.flush(max(0.0, deadline - time.monotonic()))
            self._producer = None
