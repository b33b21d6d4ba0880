"""The KSQL front end: pure functions of text (splitting, lexing, parsing, formatting).

`parse(text)` returns a list of statements, `parse_statement(text)` one statement and
`parse_expression(text)` one expression; the nodes are the frozen dataclasses of
`ksqlmv.sql.ast`, also importable from here.
"""

from __future__ import annotations

from ksqlmv.sql import ast as ast
from ksqlmv.sql.parser import parse as parse
from ksqlmv.sql.parser import parse_expression as parse_expression
from ksqlmv.sql.parser import parse_statement as parse_statement
from ksqlmv.sql.splitter import SplitStatement as SplitStatement
from ksqlmv.sql.splitter import split_statements as split_statements

__all__ = [
    "SplitStatement",
    "ast",
    "parse",
    "parse_expression",
    "parse_statement",
    "split_statements",
]
