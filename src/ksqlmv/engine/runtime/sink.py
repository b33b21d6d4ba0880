"""The sink operator: key and row → bytes → the target topic.

A record whose key or value cannot be serialized is logged and dropped. With a TIMESTAMP column
on the target (`CREATE STREAM ... WITH (TIMESTAMP='col') AS SELECT`), the record's timestamp is
that column's value, and records with a NULL or negative one are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksqlmv.engine.catalog import DataSource
from ksqlmv.engine.catalog.schema import ColumnKind
from ksqlmv.engine.runtime.base import Headers, NullKey, QueryContext, Row, Window
from ksqlmv.engine.runtime.metrics import Counter
from ksqlmv.engine.runtime.serdes import KeySerde, ValueSerde
from ksqlmv.engine.runtime.timestamps import timestamp_parser
from ksqlmv.sql.types import BaseType

__all__ = ["SinkOperator"]


class SinkOperator:
    """Writes a query's results into the target's topic."""

    def __init__(
        self,
        ctx: QueryContext,
        target: DataSource,
        keys: KeySerde,
        values: ValueSerde,
        *,
        forward_headers: bool = True,
    ) -> None:
        self.ctx = ctx
        self.topic = target.topic
        self.serialize_key = keys.serialize
        self.serialize_value = values.serialize
        self.produce = ctx.produce
        self.logger = f"{ctx.query_id}.KsqlTopic.Sink"
        self.forward_headers = forward_headers
        metrics = ctx.metrics
        self.counter = metrics.producer(ctx.query_id, self.topic) if metrics else Counter()
        self.ts_key: int | None = None
        self.ts_value: int | None = None
        self.parse_ts: Callable[[Any], int] | None = None
        if target.timestamp is not None:
            column = target.schema.find(target.timestamp.column)
            if column is not None and column.type.base is BaseType.STRING:
                pattern = target.timestamp.format or "yyyy-MM-dd'T'HH:mm:ss.SSS"
                self.parse_ts = timestamp_parser(pattern)
            if column is not None:
                if column.kind is ColumnKind.KEY:
                    self.ts_key = [c.name for c in target.schema.key].index(column.name)
                else:
                    self.ts_value = [c.name for c in target.schema.value].index(column.name)

    def __call__(
        self,
        key: Row | None,
        row: Row | None,
        ts: int,
        window: Window | None,
        headers: Headers,
        old: Row | None,
    ) -> None:
        """Serialize and produce one result record."""
        if self.ts_key is not None or self.ts_value is not None:
            holder = key if self.ts_key is not None else row
            index = self.ts_key if self.ts_key is not None else self.ts_value
            if holder is not None:
                assert index is not None
                value = holder[index]
                if value is not None and self.parse_ts is not None:
                    try:
                        value = self.parse_ts(value)
                    except Exception as error:
                        self.ctx.report("Failed to extract timestamp", error)
                        return
                if value is None or value < 0:
                    return
                ts = value
        try:
            key_bytes = None if type(key) is NullKey else self.serialize_key(key, window)
        except Exception as error:
            self.ctx.log.serialization_error(
                self.logger, self.topic, is_key=True, reason=str(error), record=key
            )
            return
        try:
            value_bytes = self.serialize_value(row)
        except Exception as error:
            self.ctx.log.serialization_error(
                self.logger, self.topic, is_key=False, reason=str(error), record=row
            )
            return
        self.counter.count += 1
        self.produce(
            self.topic, key_bytes, value_bytes, ts, headers if self.forward_headers else ()
        )
