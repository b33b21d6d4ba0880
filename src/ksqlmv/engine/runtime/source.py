"""The source operator: topic record → key tuple, row, ROWTIME; bad records to the log.

Rows are laid out as ksqlDB lays out a source's value: value columns, header columns, ROWTIME,
ROWPARTITION, ROWOFFSET, key columns and, for windowed keys, WINDOWSTART and WINDOWEND. Streams
skip records whose value is NULL; tables skip NULL keys and pass NULL values on as tombstones.
ROWTIME comes from the record timestamp or the TIMESTAMP column; a record whose timestamp is
negative or cannot be read is skipped (or stops the query with `ksql.timestamp.throw.on.invalid`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksqlmv.engine.catalog import DataSource
from ksqlmv.engine.catalog.schema import ColumnKind
from ksqlmv.engine.runtime.aggregate import RETRACT
from ksqlmv.engine.runtime.base import Emit, Headers, NullKey, QueryContext, fatal
from ksqlmv.engine.runtime.serdes import KeySerde, ValueSerde
from ksqlmv.engine.runtime.stores import KeyValueStore, freeze
from ksqlmv.sql.types import BaseType

__all__ = ["SourceOperator", "timestamp_extractor"]

Extractor = Callable[[Any, Any, int], int]


def _header_reader(source: DataSource) -> Callable[[Headers], tuple[Any, ...]] | None:
    columns = source.schema.headers
    if not columns:
        return None
    readers: list[Callable[[Headers], Any]] = []
    for column in columns:
        if column.header_key is None:
            readers.append(lambda h: [{"KEY": k, "VALUE": v} for k, v in h])
        else:
            wanted = column.header_key

            def last(h: Headers, wanted: str = wanted) -> Any:
                found = None
                for k, v in h:
                    if k == wanted:
                        found = v
                return found

            readers.append(last)
    return lambda headers: tuple(r(headers) for r in readers)


def timestamp_extractor(source: DataSource) -> Extractor | None:
    """A function `(key, value, record_ts) -> ROWTIME` for the source's TIMESTAMP column."""
    spec = source.timestamp
    if spec is None:
        return None
    column = source.schema.find(spec.column)
    if column is None:
        return None
    in_key = column.kind is ColumnKind.KEY
    columns = source.schema.key if in_key else source.schema.value
    index = [c.name for c in columns].index(column.name)
    parse: Callable[[Any], int] = int
    if column.type.base is BaseType.STRING:
        assert spec.format is not None
        from ksqlmv.engine.runtime.timestamps import timestamp_parser

        parse = timestamp_parser(spec.format)

    def extract(key: Any, value: Any, record_ts: int) -> int:
        holder = key if in_key else value
        raw = holder[index] if holder is not None else None
        if raw is None:
            raise ValueError(f"null timestamp in column {column.name}")
        return parse(raw)

    return extract


class SourceOperator:
    """Reads one topic of one source for one query."""

    def __init__(
        self,
        ctx: QueryContext,
        source: DataSource,
        keys: KeySerde,
        values: ValueSerde,
        downstream: Emit,
        table_store: KeyValueStore | None = None,
    ) -> None:
        self.ctx = ctx
        self.table_store = table_store
        self.source = source
        self.deserialize_key = keys.deserialize
        self.deserialize_value = values.deserialize
        self.downstream = downstream
        self.headers = _header_reader(source)
        self.extract = timestamp_extractor(source)
        self.is_table = source.is_table
        self.key_width = len(source.schema.key)
        self.null_key = NullKey((None,) * self.key_width)
        self.windowed = source.windowed
        self.logger = f"{ctx.query_id}.KsqlTopic.Source"
        self.throw_on_invalid = (
            str(ctx.properties.get("ksql.timestamp.throw.on.invalid", "false")).lower() == "true"
        )

    def process(
        self,
        key_bytes: bytes | None,
        value_bytes: bytes | None,
        ts: int,
        headers: Headers,
        partition: int,
        offset: int,
    ) -> None:
        """Handle one record of the topic."""
        ctx = self.ctx
        position = ctx.position
        position.topic = self.source.topic
        position.partition = partition
        position.offset = offset
        try:
            key, window = self.deserialize_key(key_bytes)
        except Exception as error:
            self._bad(error, key_bytes, is_key=True)
            return
        try:
            value = self.deserialize_value(value_bytes)
        except Exception as error:
            self._bad(error, value_bytes, is_key=False)
            return
        if key is None:
            if self.is_table and self.key_width:
                return
            key = self.null_key
        if self.extract is not None and value is not None:
            try:
                ts = self.extract(key, value, ts)
            except Exception as error:
                if self.throw_on_invalid:
                    raise fatal(
                        "Fatal user code error in TimestampExtractor callback for record"
                    ) from error
                ctx.report("Failed to extract timestamp", error)
                return
        if ts < 0:
            if self.throw_on_invalid:
                raise fatal("Fatal user code error in TimestampExtractor callback for record")
            return
        if ts > ctx.stream_time:
            ctx.stream_time = ts
        if value is None:
            # A table deletes the key; a stream passes the NULL value on (filters drop it).
            if self.is_table:
                self._retract(key, ts, window, headers)
                if self.table_store is not None:
                    self.table_store.put(freeze(key), None, ts)
            self.downstream(key, None, ts, window, headers, None)
            return
        row = value
        if self.headers is not None:
            row = row + self.headers(headers)
        row = (*row, ts, partition, offset, *key)
        if self.windowed:
            row = row + (window if window is not None else (None, None))
        if self.table_store is not None:
            self._retract(key, ts, window, headers)
            self.table_store.put(freeze(key), row, ts)
        self.downstream(key, row, ts, window, headers, None)

    def _retract(self, key: Any, ts: int, window: Any, headers: Headers) -> None:
        # A materialized table tells aggregations which row a key had before this update.
        if self.table_store is None:
            return
        previous = self.table_store.get(freeze(key))
        if previous is not None:
            self.downstream(key, previous, ts, window, headers, RETRACT)

    def _bad(self, error: BaseException, data: bytes | None, *, is_key: bool) -> None:
        causes = tuple(getattr(error, "causes", ()) or ())
        self.ctx.log.deserialization_error(
            self.logger,
            self.ctx.position,
            is_key=is_key,
            reason=str(error),
            data=data,
            causes=causes,
        )
