"""The KSQL front end: pure functions of text (splitting, lexing, parsing, formatting).

* `parse(text)` -> the statements of a script (each ends with `;`);
* `parse_statement(text)` -> one statement; `parse_expression(text)` -> one expression;
* `format_sql(node)` -> KSQL text that parses back to an equal tree;
* `substitute_variables(text, variables)` -> `text` with `${name}` references replaced;
* `parse_with_variables(text, variables)` -> a script's statements, each substituted with the
  variables its preceding DEFINE/UNDEFINE statements leave, and the variables at the end;
* `split_statements(text)` -> statement texts with their positions, without parsing them.

The syntax tree is made of the frozen dataclasses of `ksqlmv.sql.ast`, re-exported here; SQL
types are those of `ksqlmv.sql.types`. Errors are `ksqlmv.errors.ParseError`, with line and column.

>>> statement = parse_statement("SELECT id, amount * 2 AS twice FROM orders EMIT CHANGES")
>>> format_sql(statement.select[1])
'AMOUNT * 2 AS TWICE'
"""

from __future__ import annotations

from ksqlmv.sql import ast as ast
from ksqlmv.sql.ast import *  # noqa: F403  (every node class, as ast.__all__ lists them)
from ksqlmv.sql.formatter import format_sql as format_sql
from ksqlmv.sql.parser import parse as parse
from ksqlmv.sql.parser import parse_expression as parse_expression
from ksqlmv.sql.parser import parse_statement as parse_statement
from ksqlmv.sql.splitter import SplitStatement as SplitStatement
from ksqlmv.sql.splitter import split_statements as split_statements
from ksqlmv.sql.variables import parse_with_variables as parse_with_variables
from ksqlmv.sql.variables import substitute_variables as substitute_variables

__all__ = sorted(
    [
        *ast.__all__,
        "SplitStatement",
        "ast",
        "format_sql",
        "parse",
        "parse_expression",
        "parse_statement",
        "parse_with_variables",
        "split_statements",
        "substitute_variables",
    ]
)
