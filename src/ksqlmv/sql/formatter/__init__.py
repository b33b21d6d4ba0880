"""Syntax trees back to KSQL text: `format_sql(node)`.

Parsing the text `format_sql` returns gives a tree equal to the one formatted (the round-trip
property the tests check over ksqlDB's whole test corpus). Statements come without their final
`;`. Names are back-quoted only where they must be, and parentheses appear only where precedence
needs them.

>>> from ksqlmv.sql.parser import parse_statement
>>> format_sql(parse_statement("select `a`, b+1 from s where not (x or y) emit changes"))
'SELECT `a`, B + 1 FROM S WHERE NOT (X OR Y) EMIT CHANGES'
"""

from __future__ import annotations

from ksqlmv.sql import ast
from ksqlmv.sql.formatter._admin import AdminFormatter
from ksqlmv.sql.formatter._expressions import quote_identifier

__all__ = ["AdminFormatter", "format_sql", "quote_identifier"]

_FLAT = AdminFormatter()
_PRETTY = AdminFormatter(pretty=True)


def format_sql(node: ast.Node, *, pretty: bool = False) -> str:
    """`node` (a statement, a query, an expression or any other node) as KSQL text.

    With `pretty`, each clause of a query starts a new line, as in ksqlDB's EXPLAIN output.
    """
    return (_PRETTY if pretty else _FLAT).sql(node)
