"""KSQL text to syntax trees: `parse`, `parse_statement` and `parse_expression`.

Parsing is pure (no catalog, no I/O) and follows ksqlDB's grammar: what ksqlDB accepts parses,
and what it rejects raises `ksqlmv.errors.ParseError` with the line, the column and ksqlDB's
wording. Checks ksqlDB makes while building its tree (a KEY column in a table, a HEADERS column of
the wrong type, LIMIT in CREATE ... AS SELECT, an unknown source qualifier) are made here too.

>>> [type(s).__name__ for s in parse("SET 'auto.offset.reset'='earliest'; SELECT * FROM t;")]
['SetProperty', 'Query']
>>> parse_expression("a + 1 * 2").operator.name
'ADD'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from ksqlmv.errors import ParseError
from ksqlmv.sql import ast
from ksqlmv.sql.ast.base import iter_children
from ksqlmv.sql.lexer import tokenize
from ksqlmv.sql.parser._parser import Parser

__all__ = ["Parser", "parse", "parse_expression", "parse_statement"]


def parse(text: str, *, test_statements: bool = False) -> list[ast.Statement]:
    """Every statement of `text`; each must end with `;`.

    `test_statements` also accepts what only ksqlDB's SQL test files may contain: ASSERT VALUES,
    ASSERT NULL VALUES, ASSERT STREAM/TABLE and RUN SCRIPT. Each statement's `text` attribute is
    its source, from its first token through its `;`.
    """
    with _depth_guard():
        statements = Parser(tokenize(text), text, test_statements=test_statements)
        return _shallow(statements.parse_statements())


def parse_statement(text: str, *, test_statements: bool = False) -> ast.Statement:
    """The one statement in `text`; its final `;` may be left out."""
    with _depth_guard():
        parser = Parser(tokenize(text), text, test_statements=test_statements)
        statement = parser.parse_one(terminated=False)
        parser.expect_end()
        return _shallow([statement])[0]


def parse_expression(text: str) -> ast.Expression:
    """One expression, as in a SELECT list or a WHERE clause: `a->b[1] + 2`."""
    with _depth_guard():
        parser = Parser(tokenize(text), text)
        expression = parser.parse_expression()
        parser.expect_end()
        return _shallow([expression])[0]


MAX_DEPTH = 120
"""The deepest syntax tree accepted. Everything after the parser (formatter, analyzer, expression
compiler) walks trees recursively, so a deeper one, which the parser builds without recursing
(`1 + 1 + ... + 1`, `NOT NOT ... x`), would exhaust Python's stack there instead."""

_TOO_LARGE = (
    "Error processing statement: Statement is too large to parse. This may be caused by "
    "having too many nested expressions in the statement."
)

_Tree = TypeVar("_Tree", bound=ast.Node)


@contextmanager
def _depth_guard() -> Iterator[None]:
    """Turns running out of stack on absurdly nested text into ksqlDB's error for it."""
    try:
        yield
    except RecursionError:
        raise ParseError(_TOO_LARGE, 1, 1) from None


def _shallow(trees: list[_Tree]) -> list[_Tree]:
    """`trees`, unless one is deeper than MAX_DEPTH: then ksqlDB's error for nesting too deep."""
    for tree in trees:
        stack: list[tuple[ast.Node, int]] = [(tree, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise ParseError(_TOO_LARGE, node.line or 1, node.column or 1)
            stack.extend((child, depth + 1) for child in iter_children(node))
    return trees
