"""INSERT INTO ... VALUES: one record built from constant expressions, written to the topic.

Columns not named are NULL; ROWTIME may be given (otherwise the current time is used);
ROWPARTITION, ROWOFFSET and header columns may not. Tables need every primary-key column.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.analysis.binder import Binder, Scope
from ksqlmv.engine.catalog.schema import ROWOFFSET, ROWPARTITION, ROWTIME
from ksqlmv.engine.codegen.casts import cast_value
from ksqlmv.engine.codegen.compiler import CodeBuilder, ExpressionCompiler
from ksqlmv.engine.execution.results import StatementResult, current_status
from ksqlmv.errors import AnalysisError, KsqlmvError
from ksqlmv.sql.ast import statements as s
from ksqlmv.sql.types import BIGINT, INTEGER, SqlType

if TYPE_CHECKING:
    from ksqlmv.engine.engine import Session

__all__ = ["insert_values"]


def _evaluate(session: Session, expression: Any, target: SqlType, column: str) -> Any:
    binder = Binder(Scope(), session.engine.functions, session.engine.catalog.types)
    bound = binder.bind(expression)
    builder = CodeBuilder()
    code = ExpressionCompiler(builder, {}).expr(bound)
    fn = builder.function(f"def _value():\n    return {code}\n", "_value")
    value = fn()
    try:
        return cast_value(value, bound.type, target)
    except KsqlmvError:
        raise AnalysisError(
            f"Expected type {target} for field {column} but got {bound.text}({bound.type})"
        ) from None


def _unknown_target(known: Iterable[str], target: str) -> str:
    """ksqlDB's error for an unknown target, with its hint when only the case differs."""
    message = f"Cannot insert values into an unknown stream/table: `{target}`"
    for name in known:
        if name.upper() == target.upper() and name != target:
            if target == target.upper():
                return (
                    f'{message}\nDid you mean "{name}"? Hint: wrap the source name in double '
                    "quotes to make it case-sensitive."
                )
            return (
                f"{message}\nDid you mean {name}? Hint: try removing double quotes from the "
                "source name."
            )
    return message


def insert_values(session: Session, stmt: s.InsertValues) -> StatementResult:
    """Write one record into a stream or table."""
    engine = session.engine
    source = engine.catalog.source(stmt.target)
    if source is None:
        raise AnalysisError(_unknown_target(engine.catalog.sources, stmt.target))
    if source.windowed:
        raise AnalysisError("Cannot insert values into windowed stream/table!")
    if source.is_source:
        raise AnalysisError(
            f"Cannot insert values into read-only {source.kind.value.lower()}: {source.name}"
        )
    schema = source.schema
    header_names = {c.name for c in schema.headers}
    columns = list(stmt.columns) or [c.name for c in schema.key + schema.value]
    if not stmt.columns and header_names:
        raise AnalysisError("Cannot insert into HEADER columns: " + ", ".join(sorted(header_names)))
    named_headers = [c for c in columns if c in header_names]
    if named_headers:
        raise AnalysisError("Cannot insert into HEADER columns: " + ", ".join(named_headers))
    if len(columns) != len(stmt.values):
        raise AnalysisError(
            f"Expected a value for each column. Expected Columns: [{', '.join(stmt.columns)}]. "
            f"Got [{', '.join(str(v) for v in stmt.values)}]"
        )
    types: dict[str, SqlType] = {c.name: c.type for c in schema.columns}
    types[ROWTIME] = BIGINT
    types[ROWPARTITION] = INTEGER
    types[ROWOFFSET] = BIGINT
    values: dict[str, Any] = {}
    for column, expression in zip(columns, stmt.values, strict=True):
        if column not in types:
            raise AnalysisError(f"Column name `{column}` does not exist.")
        if column in (ROWPARTITION, ROWOFFSET):
            raise AnalysisError(f"Inserting into column `{column}` is not allowed.")
        values[column] = _evaluate(session, expression, types[column], column)
    if source.is_table:
        missing = [c.name for c in schema.key if c.name not in values]
        if missing:
            raise AnalysisError(
                f"Value for primary key column(s) {', '.join(missing)} is required for tables"
            )
    ts = values.get(ROWTIME)
    if ts is None:
        ts = int(time.time() * 1000)
    key = tuple(values.get(c.name) for c in schema.key)
    row = tuple(values.get(c.name) for c in schema.value)
    from ksqlmv.engine.runtime.serdes import serdes_for

    keys, vals = serdes_for(source, engine.registry)
    failed = f"Failed to insert values into '{source.name}'."
    try:
        key_bytes = keys.serialize(key, None)
    except Exception as error:
        raise AnalysisError(f"{failed} Could not serialize key: {error}") from None
    try:
        value_bytes = vals.serialize(row)
    except Exception as error:
        raise AnalysisError(f"{failed} Could not serialize value: {error}") from None
    engine.driver.produce(source.topic, key_bytes, value_bytes, int(ts), ())
    return current_status(
        stmt.text,
        f"{source.kind.value.lower()}/{source.name}/insert",
        "",
        sequence=session.sequence,
    )
