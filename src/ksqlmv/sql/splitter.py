"""Cut KSQL text into statements at `;`, as ksqlDB and ksql-migrations do.

A `;` ends a statement only outside single-quoted strings (where `''` is a quote), back-quoted and
double-quoted identifiers, `--` line comments and `/* */` block comments: the lexer's rules, so
the splitter and the parser never disagree about where a string or comment ends. Each statement
keeps the line and column where it starts, so later errors can point into the original file.

>>> [s.text for s in split_statements("SET 'a'=';'; -- done;\\nSELECT 1;")]
["SET 'a'=';';", 'SELECT 1;']
"""

from __future__ import annotations

from dataclasses import dataclass

from ksqlmv.errors import ParseError
from ksqlmv.sql.lexer import UNCLOSED, tokenize
from ksqlmv.sql.tokens import Token, TokenType

__all__ = ["SplitStatement", "split_statements"]


@dataclass(frozen=True, slots=True)
class SplitStatement:
    """One statement's text (ending in `;` unless it was left unterminated) and where it starts."""

    text: str
    line: int
    column: int
    terminated: bool = True


def split_statements(text: str, *, allow_unterminated: bool = True) -> list[SplitStatement]:
    """Split `text` into statements; comments between statements are dropped.

    Text after the last `;` that holds more than comments and white space is returned as a final
    statement with `terminated=False`, or raises `ParseError` when `allow_unterminated` is false.
    An unclosed string, identifier or block comment always raises `ParseError`.
    """
    statements: list[SplitStatement] = []
    first: Token | None = None  # the current statement's first token
    last: Token | None = None
    for token in tokenize(text):
        if token.type is TokenType.UNRECOGNIZED and token.text in UNCLOSED:
            raise ParseError(UNCLOSED[token.text], token.line, token.column)
        if token.type is TokenType.EOF:
            break
        if first is None:
            first = token
        last = token
        if token.type is TokenType.SEMICOLON:
            statements.append(_statement(text, first, token, terminated=True))
            first = None
    if first is not None and last is not None:
        if not allow_unterminated:
            raise ParseError("statement does not end with ';'", first.line, first.column)
        statements.append(_statement(text, first, last, terminated=False))
    return statements


def _statement(text: str, first: Token, last: Token, *, terminated: bool) -> SplitStatement:
    return SplitStatement(text[first.start : last.end], first.line, first.column, terminated)
