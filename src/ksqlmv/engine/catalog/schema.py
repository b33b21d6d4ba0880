"""Logical schemas: the key, value and header columns of a stream or table.

A `LogicalSchema` lists columns in ksqlDB's order: key columns first, then value and header
columns as declared. System columns are not stored in a source's schema; `row_schema()` adds them
the way ksqlDB's `withPseudoAndKeyColsInValue` does, giving the layout of the rows that flow
between operators:

    value columns, header columns, ROWTIME, ROWPARTITION, ROWOFFSET, key columns
    [, WINDOWSTART, WINDOWEND]

>>> from ksqlmv.sql.types import INTEGER, STRING
>>> schema = LogicalSchema((Column("ID", INTEGER, ColumnKind.KEY), Column("NAME", STRING)))
>>> str(schema)
'`ID` INTEGER KEY, `NAME` STRING'
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ksqlmv.sql.types import (
    BIGINT,
    BYTES,
    INTEGER,
    STRING,
    ArrayType,
    SqlType,
    StructField,
    StructType,
)

__all__ = [
    "HEADERS_TYPE",
    "PSEUDO_COLUMNS",
    "ROWOFFSET",
    "ROWPARTITION",
    "ROWTIME",
    "SYSTEM_COLUMN_NAMES",
    "WINDOWEND",
    "WINDOWSTART",
    "WINDOW_BOUNDS",
    "Column",
    "ColumnKind",
    "LogicalSchema",
    "quote_identifier",
]

ROWTIME = "ROWTIME"
ROWPARTITION = "ROWPARTITION"
ROWOFFSET = "ROWOFFSET"
WINDOWSTART = "WINDOWSTART"
WINDOWEND = "WINDOWEND"

# Name and type of each pseudo column, in the order ksqlDB appends them to a row.
PSEUDO_COLUMNS: tuple[tuple[str, SqlType], ...] = (
    (ROWTIME, BIGINT),
    (ROWPARTITION, INTEGER),
    (ROWOFFSET, BIGINT),
)
WINDOW_BOUNDS: tuple[str, str] = (WINDOWSTART, WINDOWEND)
SYSTEM_COLUMN_NAMES = frozenset({ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND})

# The only type a HEADERS column may have.
HEADERS_TYPE = ArrayType(StructType((StructField("KEY", STRING), StructField("VALUE", BYTES))))


def quote_identifier(name: str) -> str:
    """`name` back-quoted as ksqlDB prints column names, with back-quotes doubled."""
    return "`" + name.replace("`", "``") + "`"


class ColumnKind(enum.Enum):
    """Where a column's value lives in a Kafka record."""

    KEY = "KEY"
    VALUE = "VALUE"
    HEADER = "HEADER"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name (already normalised), type and namespace.

    A HEADER column with `header_key` None holds every header (`HEADERS`); with a key it holds
    the last header of that key as BYTES (`HEADER('k')`).
    """

    name: str
    type: SqlType
    kind: ColumnKind = ColumnKind.VALUE
    header_key: str | None = None

    @property
    def is_key(self) -> bool:
        """True for key columns."""
        return self.kind is ColumnKind.KEY

    def __str__(self) -> str:
        if self.kind is ColumnKind.HEADER:
            suffix = " HEADERS" if self.header_key is None else f" HEADER('{self.header_key}')"
        elif self.kind is ColumnKind.KEY:
            suffix = " KEY"
        else:
            suffix = ""
        return f"{quote_identifier(self.name)} {self.type}{suffix}"


@dataclass(frozen=True, slots=True)
class LogicalSchema:
    """The columns of a source or of an intermediate result, key columns first."""

    columns: tuple[Column, ...]
    key: tuple[Column, ...] = field(init=False, compare=False, repr=False)
    value: tuple[Column, ...] = field(init=False, compare=False, repr=False)
    headers: tuple[Column, ...] = field(init=False, compare=False, repr=False)
    _by_name: dict[str, Column] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_kind: dict[ColumnKind, list[Column]] = {kind: [] for kind in ColumnKind}
        by_name: dict[str, Column] = {}
        for column in self.columns:
            by_kind[column.kind].append(column)
        for column in self.columns:
            # A key column wins over a value column of the same name, as in ksqlDB.
            if column.is_key or column.name not in by_name:
                by_name[column.name] = column
        object.__setattr__(self, "key", tuple(by_kind[ColumnKind.KEY]))
        object.__setattr__(self, "value", tuple(by_kind[ColumnKind.VALUE]))
        object.__setattr__(self, "headers", tuple(by_kind[ColumnKind.HEADER]))
        object.__setattr__(self, "_by_name", by_name)

    def __hash__(self) -> int:
        return hash(self.columns)

    def find(self, name: str) -> Column | None:
        """The column called `name` (key columns first), or None."""
        return self._by_name.get(name)

    def names(self) -> tuple[str, ...]:
        """Every column name, in order."""
        return tuple(c.name for c in self.columns)

    def row_columns(self, *, windowed: bool = False) -> tuple[tuple[str, SqlType], ...]:
        """Names and types of an operator row: value, headers, pseudo, key, window bounds."""
        row: list[tuple[str, SqlType]] = [(c.name, c.type) for c in self.value]
        row += [(c.name, c.type) for c in self.headers]
        row += list(PSEUDO_COLUMNS)
        row += [(c.name, c.type) for c in self.key]
        if windowed:
            row += [(WINDOWSTART, BIGINT), (WINDOWEND, BIGINT)]
        return tuple(row)

    def with_columns(self, columns: tuple[Column, ...]) -> LogicalSchema:
        """A schema of `columns`, reordered so key columns come first."""
        keys = tuple(c for c in columns if c.is_key)
        return LogicalSchema(keys + tuple(c for c in columns if not c.is_key))

    def __str__(self) -> str:
        return ", ".join(str(c) for c in self.columns)

    def __len__(self) -> int:
        return len(self.columns)
