"""Variable substitution follows ksqlDB's rules (ksqldb.md 2.10)."""

from __future__ import annotations

import pytest

from ksqlmv.errors import ParseError
from ksqlmv.sql import ast
from ksqlmv.sql.parser import parse, parse_statement
from ksqlmv.sql.variables import parse_with_variables, substitute_variables

VARIABLES = {
    "stream": "orders",
    "Topic": "orders-topic",
    "replicas": "3",
    "ratio": "-1.5e2",
    "flag": "TRUE",
    "quoted": "'hello'",
    "apostrophe": "it's",
    "backquoted": "`Orders`",
    "column": '"Col"',
}

CASES = [
    ("SELECT * FROM ${stream};", "SELECT * FROM orders;"),
    ("SELECT * FROM ${STREAM};", "SELECT * FROM orders;"),
    (
        "CREATE STREAM s WITH (kafka_topic='${topic}');",
        "CREATE STREAM s WITH (kafka_topic='orders-topic');",
    ),
    ("CREATE STREAM s WITH (partitions=${replicas});", "CREATE STREAM s WITH (partitions=3);"),
    ("SELECT ${ratio}, ${flag} FROM s;", "SELECT -1.5e2, TRUE FROM s;"),
    ("SELECT ${quoted} FROM s;", "SELECT 'hello' FROM s;"),
    ("SELECT '${apostrophe}' FROM s;", "SELECT 'it''s' FROM s;"),
    ("SELECT * FROM ${backquoted};", "SELECT * FROM `Orders`;"),
    ("SELECT ${column} FROM s;", 'SELECT "Col" FROM s;'),
    ("SELECT '$${stream}', $${stream} FROM s;", "SELECT '${stream}', ${stream} FROM s;"),
    ("SELECT '${undefined}', ${undefined} FROM s;", "SELECT '${undefined}', ${undefined} FROM s;"),
    (
        "-- ${stream}\nSELECT `${stream}` FROM s; /* ${stream} */",
        "-- ${stream}\nSELECT `${stream}` FROM s; /* ${stream} */",
    ),
    ("DEFINE derived = '${stream}_v2';", "DEFINE derived = 'orders_v2';"),
    ("SELECT 1 FROM s;", "SELECT 1 FROM s;"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0][:40] for case in CASES])
def test_substitution(text: str, expected: str) -> None:
    assert substitute_variables(text, VARIABLES) == expected


def test_substituted_text_parses_to_the_intended_tree() -> None:
    text = substitute_variables(
        "INSERT INTO ${stream} (a, b) VALUES (${quoted}, '${apostrophe}');", VARIABLES
    )
    assert parse(text) == [
        ast.InsertValues(
            "ORDERS", ("A", "B"), (ast.StringLiteral("hello"), ast.StringLiteral("it's"))
        )
    ]


def test_triple_quoted_define_gives_a_string_with_quotes() -> None:
    define = parse_statement("DEFINE greeting = '''hi''';")
    assert isinstance(define, ast.DefineVariable)
    text = substitute_variables("SELECT ${greeting} FROM s;", {define.name: define.value})
    assert text == "SELECT 'hi' FROM s;"


@pytest.mark.parametrize("value", ["two words", "@x", "a-b", "`a b`"])
def test_values_that_are_neither_literal_nor_name_are_refused(value: str) -> None:
    with pytest.raises(ParseError, match="Illegal argument at Line: 2, Col: 8") as raised:
        substitute_variables("SELECT 1\nFROM x ${v};", {"v": value})
    assert (raised.value.line, raised.value.column) == (2, 8)


def test_an_undefined_variable_left_in_a_statement_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"Variable \$\{missing\} is not defined"):
        parse("SELECT * FROM ${missing};")


def test_scripts_apply_define_and_undefine_in_order() -> None:
    script = (
        "DEFINE topic = 'orders';\n"
        "CREATE STREAM ${topic} WITH (kafka_topic='${topic}_v${version}');\n"
        "UNDEFINE TOPIC;\n"
        "DEFINE version = '3';\n"
        "SELECT * FROM s WHERE v = ${version};"
    )
    given = {"version": "2"}
    statements, variables = parse_with_variables(script, given)
    assert [statement.text for statement in statements] == [
        "DEFINE topic = 'orders';",
        "CREATE STREAM orders WITH (kafka_topic='orders_v2');",
        "UNDEFINE TOPIC;",
        "DEFINE version = '3';",
        "SELECT * FROM s WHERE v = 3;",
    ]
    assert variables == {"version": "3"}
    assert given == {"version": "2"}
    assert [(s.line, s.column) for s in statements] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]


def test_script_errors_point_into_the_script() -> None:
    with pytest.raises(ParseError) as raised:
        parse_with_variables("SHOW STREAMS;\n  SELECT * FROM ${nope};", {})
    assert (raised.value.line, raised.value.column) == (2, 17)
