"""The formatter: exact output for typical statements, and parse(format(tree)) == tree for a fixture
file of awkward statements and for randomly built expression trees."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ksqlmv.sql import ast
from ksqlmv.sql import types as t
from ksqlmv.sql.formatter import format_sql
from ksqlmv.sql.parser import parse, parse_expression, parse_statement

FIXTURE = Path(__file__).parent / "fixtures" / "roundtrip.sql"

EXACT = [
    ("select * from s", "SELECT * FROM S"),
    (
        "select `a`, b+1 AS c from s where not (x or y) emit changes",
        "SELECT `a`, B + 1 AS C FROM S WHERE NOT (X OR Y) EMIT CHANGES",
    ),
    (
        "select a from s where a not between 1 and 2 and b not in (1) or c not like 'x'",
        "SELECT A FROM S WHERE A NOT BETWEEN 1 AND 2 AND B NOT IN (1) OR C NOT LIKE 'x'",
    ),
    (
        "select -(5), - -5, -x, 1.50, 1E3, 'it''s', a || b from s",
        "SELECT -(5), -(-5), -X, 1.50, 1000.0E0, 'it''s', CONCAT(A, B) FROM S",
    ),
    (
        "create stream s (id int key, `v` string) with (kafka_topic='t', 'Mixed.Case'=1)",
        "CREATE STREAM S (ID INTEGER KEY, `v` STRING) WITH (KAFKA_TOPIC='t', 'Mixed.Case'=1)",
    ),
    (
        "create table t (id int primary key, h array<struct<key string, value bytes>> headers) "
        "with (kafka_topic='t')",
        "CREATE TABLE T (ID INTEGER PRIMARY KEY, H ARRAY<STRUCT<KEY STRING, VALUE BYTES>> "
        "HEADERS) WITH (KAFKA_TOPIC='t')",
    ),
    (
        "select * from a join b within (1 second, 2 seconds) grace period 3 seconds on a.x = b.x "
        "emit changes",
        "SELECT * FROM A INNER JOIN B WITHIN (1 SECONDS, 2 SECONDS) GRACE PERIOD 3 SECONDS ON "
        "A.X = B.X EMIT CHANGES",
    ),
    (
        "select count(*) from s window tumbling (size 1 hour) group by k emit final",
        "SELECT COUNT(*) FROM S WINDOW TUMBLING (SIZE 1 HOURS) GROUP BY K EMIT FINAL",
    ),
    ("insert into s (a, b) values (1, 'x')", "INSERT INTO S (A, B) VALUES (1, 'x')"),
    ("describe `TABLES` extended", "DESCRIBE `TABLES` EXTENDED"),
    ("print my_topic from beginning limit 3", "PRINT 'my_topic' FROM BEGINNING LIMIT 3"),
    (
        "assert not exists topic t timeout 5 seconds",
        "ASSERT NOT EXISTS TOPIC 't' TIMEOUT 5 SECONDS",
    ),
    ("define x = 'y'", "DEFINE x='y'"),
]


@pytest.mark.parametrize(("text", "expected"), EXACT, ids=[case[0][:50] for case in EXACT])
def test_exact_output(text: str, expected: str) -> None:
    assert format_sql(parse_statement(text)) == expected


@pytest.mark.parametrize(
    "expression",
    [
        ast.ArithmeticUnary(ast.UnarySign.MINUS, ast.Dereference(ast.IntegerLiteral(5), "A")),
        ast.ArithmeticUnary(
            ast.UnarySign.MINUS,
            ast.Subscript(ast.DecimalLiteral(Decimal(".5")), ast.ColumnRef("I")),
        ),
        ast.ArithmeticUnary(
            ast.UnarySign.MINUS, ast.ArithmeticUnary(ast.UnarySign.MINUS, ast.ColumnRef("X"))
        ),
        ast.ArithmeticBinary(
            ast.ArithmeticOperator.SUBTRACT, ast.ColumnRef("A"), ast.IntegerLiteral(-1)
        ),
        ast.Dereference(ast.IntegerLiteral(-5), "X"),
        ast.FunctionCall("MAP", ()),
        ast.Subscript(ast.ColumnRef("ARRAY"), ast.IntegerLiteral(1)),
    ],
)
def test_signs_and_constructor_words_round_trip(expression: ast.Expression) -> None:
    assert parse_expression(format_sql(expression)) == expression


def test_pretty_puts_clauses_on_their_own_lines() -> None:
    statement = parse_statement(
        "create table t as select k, count(*) as n from s where x > 1 group by k emit changes"
    )
    assert format_sql(statement, pretty=True) == (
        "CREATE TABLE T AS\nSELECT\n  K,\n  COUNT(*) AS N\nFROM S\nWHERE X > 1\nGROUP BY K\n"
        "EMIT CHANGES"
    )


@pytest.mark.parametrize("pretty", [False, True])
def test_fixture_file_round_trips(pretty: bool) -> None:
    statements = parse(FIXTURE.read_text())
    assert len(statements) > 50
    for statement in statements:
        text = format_sql(statement, pretty=pretty)
        assert parse_statement(text) == statement, text


def test_every_node_kind_of_the_fixture_is_covered() -> None:
    seen = {type(node) for statement in parse(FIXTURE.read_text()) for node in ast.walk(statement)}
    abstract = {ast.Node, ast.Expression, ast.Statement, ast.Literal, ast.SelectItem, ast.Relation}
    abstract |= {ast.WindowExpression, ast.CreateSource, ast.CreateAsSelect, ast.DropSource}
    test_only = {ast.AssertValues, ast.AssertTombstone, ast.AssertStream, ast.AssertTable}
    test_only |= {ast.RunScript}
    classes = {
        value
        for value in vars(ast).values()
        if isinstance(value, type) and issubclass(value, ast.Node)
    }
    assert classes - abstract - test_only - seen == set()


def test_test_only_statements_round_trip() -> None:
    text = (
        "ASSERT VALUES s (a, `b`) VALUES (1, 'x'); ASSERT NULL VALUES t KEY (1);"
        "ASSERT STREAM s (id INT KEY) WITH (kafka_topic='t'); ASSERT TABLE t;"
        "RUN SCRIPT 'x.sql';"
    )
    for statement in parse(text, test_statements=True):
        formatted = format_sql(statement)
        assert parse_statement(formatted, test_statements=True) == statement, formatted


def test_unknown_nodes_are_refused() -> None:
    with pytest.raises(TypeError, match="Node"):
        format_sql(ast.Node())


# ------------------------------------------------------------------------------ random trees

NAMES = st.sampled_from(["A", "b", "SELECT", "KEY", "1X", "x`y", "MAP", "ARRAY", "Z Z", "ID"])
TYPE_NAMES = st.sampled_from(["ADDRESS", "my type", "MAP", "DECIMAL"])
SQL_TYPES = st.recursive(
    st.sampled_from([t.INTEGER, t.BIGINT, t.STRING, t.DOUBLE, t.BOOLEAN, t.BYTES, t.DATE])
    | st.builds(t.DecimalType, st.integers(1, 38), st.just(0))
    | st.builds(ast.TypeRef, TYPE_NAMES),
    lambda inner: (
        st.builds(t.ArrayType, inner)
        | st.builds(t.MapType, inner, inner)
        | st.builds(
            lambda name, sql_type: t.StructType((t.StructField(name, sql_type),)), NAMES, inner
        )
    ),
    max_leaves=4,
)
LEAVES = st.one_of(
    st.builds(ast.ColumnRef, NAMES),
    st.builds(ast.ColumnRef, NAMES, NAMES),
    st.builds(ast.IntegerLiteral, st.integers(-(2**31), 2**31 - 1)),
    st.builds(ast.LongLiteral, st.integers(2**31, 2**63 - 1) | st.integers(-(2**63), -(2**31) - 1)),
    st.builds(
        ast.DecimalLiteral,
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(Decimal),
    ),
    st.builds(ast.DoubleLiteral, st.floats(allow_nan=False, allow_infinity=False)),
    st.builds(ast.StringLiteral, st.text(max_size=8)),
    st.builds(ast.BooleanLiteral, st.booleans()),
    st.just(ast.NullLiteral()),
)
COMPARISONS = st.sampled_from(
    [op for op in ast.ComparisonOperator if op is not ast.ComparisonOperator.IS_NOT_DISTINCT_FROM]
)


def _composites(inner: st.SearchStrategy[ast.Expression]) -> st.SearchStrategy[ast.Expression]:
    items = st.lists(inner, min_size=1, max_size=3).map(tuple)
    whens = st.lists(st.builds(ast.WhenClause, inner, inner), min_size=1, max_size=2).map(tuple)
    return st.one_of(
        st.builds(
            ast.ArithmeticBinary, st.sampled_from(list(ast.ArithmeticOperator)), inner, inner
        ),
        st.builds(ast.ArithmeticUnary, st.sampled_from(list(ast.UnarySign)), inner),
        st.builds(ast.Comparison, COMPARISONS, inner, inner),
        st.builds(ast.LogicalBinary, st.sampled_from(list(ast.LogicalOperator)), inner, inner),
        st.builds(ast.Not, inner),
        st.builds(ast.IsNull, inner),
        st.builds(ast.IsNotNull, inner),
        st.builds(ast.Between, inner, inner, inner),
        st.builds(ast.InList, inner, items),
        st.builds(ast.Like, inner, inner, st.none() | st.sampled_from(["!", "'", "\\"])),
        st.builds(ast.Dereference, inner, NAMES),
        st.builds(ast.Subscript, inner, inner),
        st.builds(ast.FunctionCall, NAMES, items, st.booleans()),
        st.builds(ast.FunctionCall, NAMES),
        st.builds(ast.SearchedCase, whens, st.none() | inner),
        st.builds(ast.SimpleCase, inner, whens, st.none() | inner),
        st.builds(ast.Cast, inner, SQL_TYPES),
        st.builds(ast.CreateArray, st.lists(inner, max_size=2).map(tuple)),
        st.builds(ast.CreateMap, st.lists(st.tuples(inner, inner), max_size=2).map(tuple)),
        st.builds(
            ast.CreateStruct,
            st.lists(st.builds(ast.StructFieldValue, NAMES, inner), max_size=2).map(tuple),
        ),
    )


EXPRESSIONS = st.recursive(LEAVES, _composites, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(EXPRESSIONS)
def test_random_expressions_round_trip(expression: ast.Expression) -> None:
    text = format_sql(expression)
    assert parse_expression(text) == expression, text
