"""Bad input gets a ParseError, never another exception: random token soup, truncations of real
statements, and absurd nesting."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ksqlmv.errors import ParseError
from ksqlmv.sql import format_sql, parse, parse_expression, split_statements, substitute_variables

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip.sql"
_WORDS = (
    "SELECT FROM WHERE GROUP BY PARTITION HAVING EMIT CHANGES FINAL LIMIT CREATE OR REPLACE "
    "STREAM TABLE SOURCE AS WITH ( ) [ ] , ; . -> => := = <> < > + - * / % || 'x' '' \"q\" `b` "
    "1 -2 1.5 1e3 a b KEY PRIMARY HEADERS HEADER INT STRUCT< ARRAY< MAP< > NOT NULL IS IN "
    "BETWEEN AND LIKE ESCAPE CASE WHEN THEN ELSE END CAST JOIN LEFT ON WITHIN WINDOW TUMBLING "
    "SIZE 10 SECONDS GRACE PERIOD INSERT INTO VALUES DROP IF EXISTS DELETE TOPIC ASSERT SCHEMA "
    "ID TIMEOUT DEFINE ${v} $ # /* */ -- \n"
)
PIECES = st.sampled_from(_WORDS.split(" "))


def _accepts_or_refuses(text: str) -> None:
    try:
        statements = parse(text)
    except ParseError as error:
        assert error.line >= 1 and error.column >= 1
        assert str(error).startswith(f"line {error.line}:{error.column}: ")
    else:
        for statement in statements:
            format_sql(statement)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map(" ".join))
def test_token_soup(text: str) -> None:
    _accepts_or_refuses(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text(text: str) -> None:
    _accepts_or_refuses(text)
    try:
        split_statements(text)
        substitute_variables(text, {"v": "x"})
    except ParseError:
        pass


def test_every_truncation_of_real_statements() -> None:
    for statement in split_statements(FIXTURE.read_text()):
        text = statement.text
        for end in range(0, len(text), max(1, len(text) // 120)):
            _accepts_or_refuses(text[:end])


@pytest.mark.parametrize("depth", [50, 5000])
def test_deep_nesting_is_parsed_or_refused_cleanly(depth: int) -> None:
    text = "f(" * depth + "a" + ")" * depth
    try:
        parse_expression(text)
    except ParseError as error:
        assert "Statement is too large to parse" in error.reason
        assert depth > 50
