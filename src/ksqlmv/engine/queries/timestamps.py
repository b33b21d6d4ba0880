"""Text timestamps compared with ROWTIME, WINDOWSTART and WINDOWEND, as ksqlDB reads them.

ksqlDB lets a query write `WINDOWSTART >= '2020-02-23T23:45:12.000'` or `ROWTIME < '2020-02-24'`:
before the WHERE clause is checked, such a string becomes the epoch milliseconds it names
(`StatementRewriteForMagicPseudoTimestamp`). The text may stop after any field (missing ones
are their minimum), the hour may be 24 (midnight of the next day), and a zone may follow (`Z`,
`-0100`, `+01:00`); without one the time is UTC.

>>> parse_timestamp_text("2020-02-23T22:45:12.000-0100")
1582501512000
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from ksqlmv.engine.catalog.schema import ROWTIME, WINDOWEND, WINDOWSTART
from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast.base import Expression

__all__ = ["parse_timestamp_text", "rewrite_timestamps"]

_TEXT = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_PSEUDO = frozenset({ROWTIME, WINDOWSTART, WINDOWEND})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def parse_timestamp_text(text: str) -> int | None:
    """Epoch milliseconds of a (possibly partial) ISO-8601 timestamp, or None if it is not one."""
    match = _TEXT.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    extra_day = hour == "24"
    try:
        moment = dt.datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            0 if extra_day else int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(3, "0")) * 1000,
            tzinfo=_zone(zone),
        )
    except ValueError:
        return None
    if extra_day:
        moment += dt.timedelta(days=1)
    return (moment - _EPOCH) // dt.timedelta(milliseconds=1)


def _zone(text: str | None) -> dt.tzinfo:
    if not text or text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _milliseconds(node: Expression) -> Expression:
    if isinstance(node, e.StringLiteral):
        value = parse_timestamp_text(node.value)
        if value is not None:
            return e.LongLiteral(value, line=node.line, column=node.column)
    return node


def _pseudo(node: Expression) -> bool:
    return isinstance(node, e.ColumnRef) and node.name.upper() in _PSEUDO


def rewrite_timestamps(node: Any) -> Any:
    """`node` with text timestamps compared with pseudo time columns turned into milliseconds."""
    if isinstance(node, e.Comparison):
        if _pseudo(node.left):
            return dataclasses.replace(node, right=_milliseconds(node.right))
        if _pseudo(node.right):
            return dataclasses.replace(node, left=_milliseconds(node.left))
        return node
    if isinstance(node, e.Between) and _pseudo(node.value):
        return dataclasses.replace(
            node, lower=_milliseconds(node.lower), upper=_milliseconds(node.upper)
        )
    if isinstance(node, e.InList) and _pseudo(node.value):
        return dataclasses.replace(node, items=tuple(_milliseconds(i) for i in node.items))
    if isinstance(node, e.LogicalBinary):
        return dataclasses.replace(
            node, left=rewrite_timestamps(node.left), right=rewrite_timestamps(node.right)
        )
    if isinstance(node, e.Not):
        return dataclasses.replace(node, operand=rewrite_timestamps(node.operand))
    return node
