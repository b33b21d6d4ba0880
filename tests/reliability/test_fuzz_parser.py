"""Bad KSQL gets a ParseError, never another exception: thousands of statements made from real
ones by mutation (the project's migrations and the parser's round-trip fixtures: characters and
tokens deleted, inserted, repeated and swapped), expressions generated from the grammar, deeply
nested ones, and arbitrary text. A statement that parses must also format.

Hypothesis runs derandomized (the same cases on every run) without an example database.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksqlmv.errors import ParseError
from ksqlmv.sql import format_sql, parse, parse_with_variables, split_statements

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "ksql" / "migrations").glob("*.sql"))]
SOURCES += [ROOT / "tests" / "sql" / "fixtures" / "roundtrip.sql"]
STATEMENTS = [
    statement.text for path in SOURCES for statement in split_statements(path.read_text())
]
TOKENS = re.compile(r"\s+|[A-Za-z_][A-Za-z0-9_]*|'(?:''|[^'])*'|`[^`]*`|\d+(?:\.\d+)?|.", re.S)
_WORDS = (
    "SELECT FROM WHERE GROUP BY HAVING EMIT CHANGES FINAL PARTITION WINDOW TUMBLING HOPPING "
    "SESSION SIZE ADVANCE GRACE PERIOD RETENTION JOIN LEFT FULL OUTER INNER ON WITHIN AS CAST "
    "CASE WHEN THEN ELSE END STRUCT ARRAY MAP DECIMAL ( ) [ ] < > , ; . -> => := = != <> <= >= "
    "+ - * / % || 'x' '' \"id\" `b` 0 -1 1.5e300 9999999999999999999999 NULL TRUE NOT IN "
    "BETWEEN LIKE ESCAPE IS DISTINCT KEY PRIMARY HEADERS HEADER CREATE OR REPLACE STREAM TABLE "
    "INSERT INTO VALUES DROP DELETE TOPIC ASSERT SCHEMA TIMEOUT DEFINE UNDEFINE SET UNSET "
    "${v} $ /* */ -- \n \t"
)
VOCABULARY = _WORDS.split(" ")
# opening -> closing of each way to nest an expression in itself
NESTINGS = {"(": ")", "NOT ": "", "- ": "", "ARRAY[": "]", "CAST(": " AS INT)", "ABS(": ")"}
# Thousands of cases in all, split so that each test takes a few seconds.
SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _accepts_or_refuses(text: str) -> None:
    """Parse `text`: either statements that format, or a ParseError that points into it."""
    try:
        statements = parse(text)
    except ParseError as error:
        assert error.line >= 1 and error.column >= 1, str(error)
        return
    for statement in statements:
        format_sql(statement)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A real statement with one to four edits at token or character level."""
    tokens = TOKENS.findall(draw(st.sampled_from(STATEMENTS)))
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["delete", "insert", "repeat", "swap", "character", "cut"]))
        at = draw(st.integers(0, max(0, len(tokens) - 1)))
        if edit == "delete" and tokens:
            del tokens[at : at + draw(st.integers(1, 3))]
        elif edit == "insert":
            tokens.insert(at, draw(st.sampled_from(VOCABULARY)))
        elif edit == "repeat" and tokens:
            tokens[at:at] = tokens[at : at + draw(st.integers(1, 6))]
        elif edit == "swap" and len(tokens) > 1:
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[at], tokens[other] = tokens[other], tokens[at]
        elif edit == "character" and tokens:
            word = tokens[at]
            spot = draw(st.integers(0, len(word)))
            tokens[at] = word[:spot] + draw(st.characters()) + word[spot:]
        elif edit == "cut":
            tokens = tokens[:at]
    return "".join(tokens)


def expressions() -> st.SearchStrategy[str]:
    """Expressions from the grammar, valid or nearly so, nested a few levels."""
    leaves = st.one_of(
        st.sampled_from(["A", "B.C", "`x y`", "ROWTIME", "*", "NULL", "TRUE", "'it''s'"]),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
        st.text(max_size=8).map(lambda text: "'" + text.replace("'", "''") + "'"),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        operator = st.sampled_from(["+", "-", "*", "/", "%", "||", "=", "<>", "<", ">=", "AND"])
        return st.one_of(
            st.tuples(inner, operator, inner).map(" ".join),
            st.tuples(st.sampled_from(["ABS", "CONCAT", "COALESCE", "X"]), st.lists(inner)).map(
                lambda call: f"{call[0]}({', '.join(call[1])})"
            ),
            inner.map(lambda value: f"({value})"),
            inner.map(lambda value: f"NOT {value}"),
            inner.map(lambda value: f"-{value}"),
            st.tuples(inner, st.sampled_from(["INT", "DECIMAL(4, 2)", "ARRAY<STRING>", "X"])).map(
                lambda cast: f"CAST({cast[0]} AS {cast[1]})"
            ),
            st.tuples(inner, inner, inner).map(
                lambda case: f"CASE WHEN {case[0]} THEN {case[1]} ELSE {case[2]} END"
            ),
            st.lists(inner, max_size=3).map(lambda items: f"ARRAY[{', '.join(items)}]"),
            st.tuples(inner, inner).map(lambda pair: f"{pair[0]} BETWEEN {pair[1]} AND 1"),
            st.tuples(inner, inner).map(lambda pair: f"{pair[0]}[{pair[1]}]"),
            st.tuples(inner, inner).map(lambda pair: f"{pair[0]}->{pair[1]}"),
            inner.map(lambda value: f"{value} IS NOT NULL"),
            inner.map(lambda value: f"X => {value}"),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@settings(SETTINGS, max_examples=1500)
@given(mutated())
def test_mutated_statements(text: str) -> None:
    _accepts_or_refuses(text)


@settings(SETTINGS, max_examples=300)
@given(mutated())
def test_mutated_statements_with_variables(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_with_variables(text, {"v": "x"})


@settings(SETTINGS, max_examples=800)
@given(
    expressions(),
    st.sampled_from(
        [
            "SELECT {} FROM S EMIT CHANGES;",
            "SELECT A FROM S WHERE {} EMIT CHANGES;",
            "SELECT A, COUNT(*) FROM S GROUP BY A HAVING {} EMIT CHANGES;",
            "INSERT INTO S (A) VALUES ({});",
            "CREATE STREAM T AS SELECT {} AS V FROM S PARTITION BY {};",
        ]
    ),
)
def test_generated_expressions(expression: str, template: str) -> None:
    _accepts_or_refuses(template.replace("{}", expression))


@settings(SETTINGS, max_examples=100)
@given(st.integers(1, 3000), st.sampled_from(list(NESTINGS)))
def test_deep_nesting(depth: int, opening: str) -> None:
    _accepts_or_refuses(f"SELECT {opening * depth}1{NESTINGS[opening] * depth} FROM S;")


@settings(SETTINGS, max_examples=100)
@given(st.integers(1, 3000), st.sampled_from(["+", "*", "||", " AND ", " OR ", " = 1 AND "]))
def test_long_chains(length: int, operator: str) -> None:
    _accepts_or_refuses(f"SELECT {operator.join(['1'] * length)} FROM S;")


@settings(SETTINGS, max_examples=500)
@given(st.text(max_size=200))
def test_arbitrary_text(text: str) -> None:
    _accepts_or_refuses(text)


@pytest.mark.parametrize(
    ("expression", "parses"),
    [
        ("+".join(["1"] * 100), True),
        ("NOT " * 100 + "TRUE", True),
        ("+".join(["1"] * 400), False),
        (" AND ".join(["TRUE"] * 400), False),
        ("NOT " * 400 + "TRUE", False),
        ("- " * 400 + "1", False),
    ],
)
def test_trees_too_deep_for_the_stages_after_the_parser_are_refused(
    expression: str, parses: bool
) -> None:
    text = f"SELECT {expression} FROM S EMIT CHANGES;"
    if parses:
        format_sql(parse(text)[0])
    else:
        with pytest.raises(ParseError, match="Statement is too large to parse") as refused:
            parse(text)
        assert refused.value.line == 1 and refused.value.column > 1
