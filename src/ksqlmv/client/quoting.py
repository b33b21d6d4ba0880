"""Build KSQL text from user input safely: identifiers back-quoted, literals quoted and escaped.

>>> quote_identifier("orders by status")
'`orders by status`'
>>> quote_literal("it's")
"'it''s'"
>>> where_equals({"STATUS": "PLACED", "ID": 7})
"`STATUS` = 'PLACED' AND `ID` = 7"
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["quote_identifier", "quote_literal", "where_equals"]


def quote_identifier(name: str) -> str:
    """A back-quoted identifier: matches `name` exactly, whatever characters it holds."""
    return "`" + name.replace("`", "``") + "`"


def quote_literal(value: Any) -> str:
    """A KSQL literal for a Python value (strings quoted with '' escapes, NULL, numbers)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return repr(value) if isinstance(value, int | float) else str(value)
    return "'" + str(value).replace("'", "''") + "'"


def where_equals(filters: Mapping[str, Any]) -> str:
    """A condition requiring each column to equal its value (`AND`-ed), safely quoted."""
    return " AND ".join(
        f"{quote_identifier(column)} = {quote_literal(value)}" for column, value in filters.items()
    )
