"""Cutting KSQL text into statements at `;`."""

from __future__ import annotations

import pytest

from ksqlmv.errors import ParseError
from ksqlmv.sql import split_statements

CASES = [
    ("SELECT 1;", ["SELECT 1;"]),
    ("A; B;", ["A;", "B;"]),
    ("SET 'a' = ';';", ["SET 'a' = ';';"]),
    ("INSERT INTO s VALUES ('it''s; fine');", ["INSERT INTO s VALUES ('it''s; fine');"]),
    ("SELECT `a;b` FROM t;", ["SELECT `a;b` FROM t;"]),
    ('SELECT "a;b" FROM t;', ['SELECT "a;b" FROM t;']),
    ("-- a; comment\nSELECT 1;", ["SELECT 1;"]),
    ("/* a; block\n comment */ SELECT 1;", ["SELECT 1;"]),
    ("SELECT 1 /* inner; */ + 2;", ["SELECT 1 /* inner; */ + 2;"]),
    ("SELECT 1; -- trailing; comment", ["SELECT 1;"]),
    ("   \n  ", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split(text: str, expected: list[str]) -> None:
    assert [statement.text for statement in split_statements(text)] == expected


def test_positions_are_one_based_line_and_column() -> None:
    statements = split_statements("SELECT 1;\n\n  SELECT 2;")
    assert [(s.line, s.column) for s in statements] == [(1, 1), (3, 3)]


def test_unterminated_tail_is_flagged_or_refused() -> None:
    statements = split_statements("SELECT 1; SELECT 2")
    assert [s.terminated for s in statements] == [True, False]
    with pytest.raises(ParseError) as raised:
        split_statements("SELECT 1;\nSELECT 2", allow_unterminated=False)
    assert (raised.value.line, raised.value.column) == (2, 1)


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("SELECT 'oops;", "unclosed string", (1, 8)),
        ("SELECT 1;\n/* never closed", "unclosed block comment", (2, 1)),
        ("SELECT `x;", "unclosed quoted identifier", (1, 8)),
    ],
)
def test_unclosed_runs_name_where_they_start(
    text: str, message: str, position: tuple[int, int]
) -> None:
    with pytest.raises(ParseError, match=message) as raised:
        split_statements(text)
    assert (raised.value.line, raised.value.column) == position
