"""What operators share: the downstream call signature, and the per-query runtime context.

Records travel between operators as positional arguments, not objects, because this is the
per-record path: `emit(key, row, ts, window, headers, old)`.

* `key` is the tuple of key column values (`()` for a keyless stream);
* `row` is the tuple laid out as the node's `NodeSchema.row`, or None for a table tombstone;
* `ts` is the record timestamp (ROWTIME) in ms;
* `window` is `(start, end)` for windowed keys, else None;
* `headers` is the record's headers, a tuple of `(key, value-bytes)` pairs;
* `old` is the previous row of a table key when an operator needs it (else None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ksqlmv.engine.runtime.metrics import Metrics
from ksqlmv.engine.runtime.processing_log import ProcessingLog, RecordPosition

__all__ = ["Emit", "Headers", "NullKey", "Producer", "QueryContext", "Row", "Window", "fatal"]

Row = tuple[Any, ...]
Window = tuple[int, int]
Headers = tuple[tuple[str, bytes | None], ...]
Emit = Callable[[Any, Any, int, Any, Any, Any], None]
Producer = Callable[[str, bytes | None, bytes | None, int, Headers], None]
"""Writes one record: `produce(topic, key, value, timestamp, headers)`."""


class NullKey(tuple[Any, ...]):
    """The key of a record whose key bytes were NULL: a row of NULL key columns for the
    operators, and NULL again when written unchanged (ksqlDB passes the missing key through;
    a key built by the query, even of NULLs, is written in its format)."""

    __slots__ = ()


class fatal(Exception):
    """An error that stops the query, as ksqlDB's StreamsException does (not a bad record)."""


@dataclass
class QueryContext:
    """Everything a running query's operators share."""

    query_id: str
    produce: Producer
    log: ProcessingLog
    registry: Any = None
    properties: dict[str, Any] = field(default_factory=dict)
    position: RecordPosition = field(default_factory=RecordPosition)
    stream_time: int = -1
    commits: bool = False
    """Whether the driver commits (then table outputs may be cached until the next commit)."""
    metrics: Metrics | None = None
    """The engine's per-topic statistics (persistent queries count what they read and write)."""

    def report(self, message: str, error: BaseException) -> None:
        """Log an expression error of the record being processed."""
        self.log.processing_error(f"{self.query_id}.processing", message, error)
