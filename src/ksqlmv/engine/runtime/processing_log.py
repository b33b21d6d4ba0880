"""The processing log: what went wrong with which record, as ksqlDB's KSQL_PROCESSING_LOG has it.

A query never stops on a bad record: it reports it here and goes on. Entries follow the shape
of ksqlDB's processing-log messages (`level`, `logger`, `time`, `message` with a `type` and one
error object), with the record's topic, partition and offset added to deserialization errors so
the record can be found. Sinks receive entries as dicts; the Kafka driver writes them as JSON to
the processing-log topic, the test driver keeps them in memory.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DESERIALIZATION_ERROR",
    "PROCESSING_LOG_STREAM",
    "PRODUCTION_ERROR",
    "RECORD_PROCESSING_ERROR",
    "SERIALIZATION_ERROR",
    "ProcessingLog",
    "RecordPosition",
    "processing_log_stream_sql",
    "processing_log_topic",
]

PROCESSING_LOG_STREAM = "KSQL_PROCESSING_LOG"

# ksqlDB's message types (ProcessingLogMessageSchema.MessageType ordinals).
DESERIALIZATION_ERROR = 0
RECORD_PROCESSING_ERROR = 1
PRODUCTION_ERROR = 2
SERIALIZATION_ERROR = 3

_KEYS = {
    DESERIALIZATION_ERROR: "deserializationError",
    RECORD_PROCESSING_ERROR: "recordProcessingError",
    PRODUCTION_ERROR: "productionError",
    SERIALIZATION_ERROR: "serializationError",
}


def processing_log_topic(service_id: str) -> str:
    """The processing log's topic for a service id, as ksqlDB names it."""
    return f"{service_id}ksql_processing_log"


def processing_log_stream_sql(topic: str) -> str:
    """The `CREATE STREAM KSQL_PROCESSING_LOG ...` statement over `topic` (ksqlDB's schema)."""
    cause = "CAUSE ARRAY<STRING>"
    return (
        f"CREATE STREAM {PROCESSING_LOG_STREAM} (LOGGER STRING, LEVEL STRING, `TIME` BIGINT, "
        "MESSAGE STRUCT<`TYPE` INT, "
        "DESERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORDB64 STRING, "
        f"{cause}, `TOPIC` STRING, `PARTITION` INT, `OFFSET` BIGINT>, "
        f"RECORDPROCESSINGERROR STRUCT<ERRORMESSAGE STRING, RECORD STRING, {cause}>, "
        "PRODUCTIONERROR STRUCT<ERRORMESSAGE STRING>, "
        f"SERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORD STRING, {cause}, "
        "`TOPIC` STRING>>) "
        f"WITH (KAFKA_TOPIC='{topic}', VALUE_FORMAT='JSON');"
    )


@dataclass(slots=True)
class RecordPosition:
    """Where the record being processed came from (updated by the source operator)."""

    topic: str = ""
    partition: int = 0
    offset: int = 0


@dataclass
class ProcessingLog:
    """Collects processing errors of the queries of one engine."""

    sink: Callable[[dict[str, Any]], None] | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)
    keep: int = 1000
    on_deserialization_error: Callable[[str], None] | None = None
    """Told the topic of each record that could not be read (for the failure statistics)."""

    def _emit(self, logger: str, kind: int, error: dict[str, Any]) -> None:
        entry = {
            "level": "ERROR",
            "logger": logger,
            "time": int(time.time() * 1000),
            "message": {"type": kind, _KEYS[kind]: error},
        }
        if len(self.entries) >= self.keep:
            del self.entries[: self.keep // 2]
        self.entries.append(entry)
        if self.sink is not None:
            self.sink(entry)

    def deserialization_error(
        self,
        logger: str,
        position: RecordPosition,
        *,
        is_key: bool,
        reason: str,
        data: bytes | None,
        causes: tuple[str, ...] = (),
    ) -> None:
        """A key or value that could not be read; the record was skipped."""
        if self.on_deserialization_error is not None:
            self.on_deserialization_error(position.topic)
        self._emit(
            logger,
            DESERIALIZATION_ERROR,
            {
                "target": "key" if is_key else "value",
                "errorMessage": reason,
                "recordB64": base64.b64encode(data).decode("ascii") if data is not None else None,
                "cause": list(causes),
                "topic": position.topic,
                "partition": position.partition,
                "offset": position.offset,
            },
        )

    def processing_error(
        self, logger: str, message: str, error: BaseException, record: Any = None
    ) -> None:
        """An expression or function failed on a record; the result became NULL."""
        self._emit(
            logger,
            RECORD_PROCESSING_ERROR,
            {
                "errorMessage": f"{message}: {error}" if str(error) else message,
                "record": None if record is None else repr(record),
                "cause": [type(error).__name__],
            },
        )

    def serialization_error(
        self, logger: str, topic: str, *, is_key: bool, reason: str, record: Any = None
    ) -> None:
        """A result that could not be written; the record was dropped."""
        self._emit(
            logger,
            SERIALIZATION_ERROR,
            {
                "target": "key" if is_key else "value",
                "errorMessage": reason,
                "record": None if record is None else repr(record),
                "cause": [],
                "topic": topic,
            },
        )
