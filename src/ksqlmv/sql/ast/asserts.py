"""ASSERT statements: the server's TOPIC/SCHEMA preconditions, and the test-only assertions of
ksqlDB's SQL test files (`ASSERT VALUES`, `ASSERT NULL VALUES`, `ASSERT STREAM|TABLE`), plus
`RUN SCRIPT`, which only those files may use.
"""

from __future__ import annotations

from dataclasses import dataclass

from ksqlmv.sql.ast.base import Expression, Statement, TimeClause
from ksqlmv.sql.ast.statements import CreateStream, CreateTable, Property

__all__ = [
    "AssertSchema",
    "AssertStream",
    "AssertTable",
    "AssertTombstone",
    "AssertTopic",
    "AssertValues",
    "RunScript",
]


@dataclass(frozen=True, slots=True)
class AssertTopic(Statement):
    """`ASSERT [NOT EXISTS] TOPIC name [WITH (...)] [TIMEOUT n UNIT]`; `exists` is false for
    NOT EXISTS."""

    topic: str
    properties: tuple[Property, ...] = ()
    timeout: TimeClause | None = None
    exists: bool = True


@dataclass(frozen=True, slots=True)
class AssertSchema(Statement):
    """`ASSERT [NOT EXISTS] SCHEMA [SUBJECT name] [ID n] [TIMEOUT n UNIT]`."""

    subject: str | None = None
    schema_id: int | None = None
    timeout: TimeClause | None = None
    exists: bool = True


@dataclass(frozen=True, slots=True)
class AssertValues(Statement):
    """`ASSERT VALUES source [(col, ...)] VALUES (...)`: the next record read from `source`."""

    target: str
    columns: tuple[str, ...]
    values: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class AssertTombstone(Statement):
    """`ASSERT NULL VALUES source [(col, ...)] KEY (...)`: the next record is a tombstone."""

    target: str
    columns: tuple[str, ...]
    values: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class AssertStream(Statement):
    """`ASSERT STREAM name (...) WITH (...)`: the stream exists with this schema."""

    create: CreateStream


@dataclass(frozen=True, slots=True)
class AssertTable(Statement):
    """`ASSERT TABLE name (...) WITH (...)`: the table exists with this schema."""

    create: CreateTable


@dataclass(frozen=True, slots=True)
class RunScript(Statement):
    """`RUN SCRIPT 'path'` (test files only)."""

    path: str
