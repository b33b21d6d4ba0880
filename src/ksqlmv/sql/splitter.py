"""Cut KSQL text into statements at `;`, as ksqlDB and ksql-migrations do.

A `;` ends a statement only outside single-quoted strings (where `''` is a quote), back-quoted and
double-quoted identifiers, `--` line comments and `/* */` block comments. Each statement keeps the
line and column where it starts, so later errors can point into the original file.

>>> [s.text for s in split_statements("SET 'a'=';'; -- done;\\nSELECT 1;")]
["SET 'a'=';';", 'SELECT 1;']
"""

from __future__ import annotations

from dataclasses import dataclass

from ksqlmv.errors import ParseError

__all__ = ["SplitStatement", "split_statements"]


@dataclass(frozen=True, slots=True)
class SplitStatement:
    """One statement's text (ending in `;` unless it was left unterminated) and where it starts."""

    text: str
    line: int
    column: int
    terminated: bool = True


_CLOSERS = {"'": "'", "`": "`", '"': '"'}


def split_statements(text: str, *, allow_unterminated: bool = True) -> list[SplitStatement]:
    """Split `text` into statements; comments between statements are dropped.

    Text after the last `;` that holds more than comments and white space is returned as a final
    statement with `terminated=False`, or raises `ParseError` when `allow_unterminated` is false.
    An unclosed string, identifier or block comment always raises `ParseError`.
    """
    statements: list[SplitStatement] = []
    start: int | None = None  # index of the current statement's first character of code
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if char == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise _error(text, i, "unclosed block comment")
            i = end + 2
            continue
        if start is None and not char.isspace():
            start = i
        if char in _CLOSERS:
            i = _skip_quoted(text, i, _CLOSERS[char])
            continue
        if char == ";":
            assert start is not None
            statements.append(_statement(text, start, i + 1, terminated=True))
            start = None
        i += 1
    if start is not None:
        if not allow_unterminated:
            raise _error(text, start, "statement does not end with ';'")
        statements.append(_statement(text, start, n, terminated=False))
    return statements


def _skip_quoted(text: str, i: int, closer: str) -> int:
    """Index just past the quoted run that starts at `i`; a doubled closer is an escaped one."""
    j = i + 1
    while True:
        end = text.find(closer, j)
        if end < 0:
            kind = "string" if closer == "'" else "quoted identifier"
            raise _error(text, i, f"unclosed {kind}")
        if text.startswith(closer * 2, end):
            j = end + 2
            continue
        return end + 1


def _statement(text: str, start: int, end: int, *, terminated: bool) -> SplitStatement:
    line, column = _position(text, start)
    return SplitStatement(text[start:end].rstrip(), line, column, terminated)


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _error(text: str, index: int, message: str) -> ParseError:
    line, column = _position(text, index)
    return ParseError(message, line, column)
