"""Syntax and tree-building errors: where (line and column) and what, in ksqlDB's words."""

from __future__ import annotations

import pytest

from ksqlmv.errors import ParseError, SqlError
from ksqlmv.sql.parser import parse, parse_expression, parse_statement

SYNTAX = "Syntax Error\n"

# text, line, column, the message after `line L:C: `
CASES = [
    ("SELECT size FROM s;", 1, 8, SYNTAX + '"size" is a reserved keyword'),
    ("SELECT a, window AS w FROM s;", 1, 11, SYNTAX + '"window" is a reserved keyword'),
    ("SELEC * FROM s;", 1, 1, SYNTAX + "Unknown statement 'SELEC'\nDid you mean 'SELECT'?"),
    ("RUN SCRIPT 'x.sql';", 1, 1, SYNTAX + "Unknown statement 'RUN'"),
    (
        "ASSERT VALUES s (a) VALUES (1);",
        1,
        8,
        SYNTAX + "Syntax error at or near 'VALUES' at line 1:8",
    ),
    (
        "CREATE STREAM s (size INT) WITH (kafka_topic='t');",
        1,
        18,
        SYNTAX + '"size" is a reserved keyword and it can\'t be used as an identifier.',
    ),
    (
        "CREATE STREAM INPUT (K STRING (KEY)) WITH (kafka_topic='i');",
        1,
        32,
        SYNTAX + "Expecting {'STRING', INTEGER_VALUE}",
    ),
    (
        "CREATE STREAM INPUT (K VARCHAR(STRING) (KEY)) WITH (kafka_topic='i');",
        1,
        40,
        SYNTAX + "Expecting {',', ')'}",
    ),
    ("SELECT 1 FROM s\nGROUP BY f3, (f2, f1);", 2, 17, SYNTAX + "missing ')' at ','"),
    ("SELECT * FROM s WHERE (a = 1;", 1, 29, SYNTAX + "missing ')' at ';'"),
    (
        "SELECT * FROM s WHERE (a = 1",
        1,
        29,
        SYNTAX + "Syntax error at or near \";\"\n'}', ']', or ')' is missing",
    ),
    ("SELECT * FROM s", 1, 16, SYNTAX + "missing ';' at '<EOF>'"),
    ("SELECT * FROM s WHERE a = b = c;", 1, 29, SYNTAX + "Syntax error at or near '='"),
    ("SELECT * FROM s WHERE a IN ();", 1, 29, SYNTAX + "Syntax error at or near ')'"),
    (
        "SELECT CAST(a AS NULL) FROM s;",
        1,
        18,
        SYNTAX + "Syntax error at or near 'NULL' at line 1:18",
    ),
    (
        "CREATE STREAM s (c NULL) WITH (kafka_topic='t');",
        1,
        20,
        SYNTAX + "Syntax error at or near 'NULL'",
    ),
    (
        "CREATE TABLE o AS SELECT COUNT(*) FROM s GROUP BY a AND b;",
        1,
        53,
        SYNTAX + "Syntax error at or near 'AND'",
    ),
    ("SELECT 'abc FROM s;", 1, 8, SYNTAX + "unclosed string starting at '''"),
    ("SELECT `abc FROM s;", 1, 8, SYNTAX + "unclosed quoted identifier starting at '`'"),
    (
        "SELECT 1 /* never closed FROM s;",
        1,
        10,
        SYNTAX + "unclosed block comment starting at '/*'",
    ),
    ("SELECT a # b FROM s;", 1, 10, SYNTAX + "Syntax error at or near '#'"),
    ("INSERT INTO s VALUES (1, 2;", 1, 27, SYNTAX + "Expecting {',', ')'}"),
    ("CREATE TABLE t (a INT) WITH (kafka_topic='t', partitions);", 1, 57, SYNTAX + "Expecting '='"),
    (
        "SELECT * FROM s WINDOW TUMBLING (SIZE 1 WEEK) GROUP BY a EMIT CHANGES;",
        1,
        41,
        SYNTAX + "Syntax error at or near 'WEEK'",
    ),
    ("SELECT * FROM s EMIT SOMETIMES;", 1, 22, SYNTAX + "Syntax error at or near 'SOMETIMES'"),
    ("SHOW STREAMS SHOW TABLES;", 1, 14, SYNTAX + "Syntax error at or near 'SHOW'"),
    ("SELECT * FROM ${missing};", 1, 15, SYNTAX + "Variable ${missing} is not defined"),
    # Checks ksqlDB makes while building the tree, with its wording.
    (
        "CREATE TABLE INPUT (ID INT KEY, NAME STRING) WITH (kafka_topic='input');",
        1,
        21,
        "Line: 1, Col: 21: Column `ID` is a 'KEY' column: please use 'PRIMARY KEY' for tables.",
    ),
    (
        "CREATE STREAM INPUT (K STRING, ID INT PRIMARY KEY) WITH (kafka_topic='input');",
        1,
        32,
        "Line: 1, Col: 32: Column `ID` is a 'PRIMARY KEY' column: please use 'KEY' for streams.",
    ),
    (
        "CREATE STREAM s (a INT, A STRING) WITH (kafka_topic='t');",
        1,
        33,
        "Duplicate column names: `A`",
    ),
    (
        "CREATE STREAM s (h BYTES HEADERS) WITH (kafka_topic='t');",
        1,
        18,
        "Invalid type for HEADERS column: expected ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>, "
        "got BYTES",
    ),
    (
        "CREATE STREAM s (h INT HEADER('key')) WITH (kafka_topic='t');",
        1,
        18,
        "Invalid type for HEADER('key') column: expected BYTES, got INTEGER",
    ),
    (
        "CREATE STREAM o AS SELECT * FROM s LIMIT 5;",
        1,
        1,
        "CREATE STREAM AS SELECT statements don't support LIMIT clause.",
    ),
    (
        "CREATE TABLE o AS SELECT * FROM s LIMIT 5;",
        1,
        1,
        "CREATE TABLE AS SELECT statements don't support LIMIT clause.",
    ),
    ("SELECT unknown.* FROM s x;", 1, 8, "'UNKNOWN' is not a valid stream/table name or alias."),
    (
        "SELECT * FROM a JOIN b ON unknown.k = b.k;",
        1,
        27,
        "'UNKNOWN' is not a valid stream/table name or alias.",
    ),
    (
        "INSERT INTO t (k) VALUES (foo.bar);",
        1,
        27,
        "'FOO' is not a valid stream/table name or alias.",
    ),
    (
        "SELECT * FROM s WHERE a LIKE 'x' ESCAPE 'ab';",
        1,
        41,
        "Expected single character escape but got: ab",
    ),
    (
        "CREATE STREAM s (a DECIMAL(2, 3)) WITH (kafka_topic='t');",
        1,
        32,
        "DECIMAL precision must be >= scale: DECIMAL(2,3)",
    ),
    (
        "CREATE STREAM s (a DECIMAL(0, 0)) WITH (kafka_topic='t');",
        1,
        32,
        "DECIMAL precision must be >= 1: DECIMAL(0,0)",
    ),
    (
        "CREATE STREAM s (a DECIMAL(1.5, 0)) WITH (kafka_topic='t');",
        1,
        28,
        "Value must be integer for command: DECIMAL(PRECISION)",
    ),
    (
        "CREATE STREAM s (a STRUCT<x INT, x STRING>) WITH (kafka_topic='t');",
        1,
        42,
        "Duplicate field names found in STRUCT",
    ),
    (
        "ASSERT SCHEMA TIMEOUT 1 SECOND;",
        1,
        1,
        "ASSERT SCHEMA statements much include a subject name or an id",
    ),
    ("ASSERT SCHEMA ID 'x';", 1, 18, "ID must be an integer"),
    ("SELECT * FROM s LIMIT 1.5;", 1, 23, "Value must be integer for command: LIMIT"),
    (
        "CREATE STREAM `a b` (x INT) WITH (kafka_topic='t');",
        1,
        15,
        "Source names may only contain alphanumeric values, '_' or '-'.",
    ),
    (
        "SELECT * FROM s WHERE a > 99999999999999999999;",
        1,
        27,
        "Invalid numeric literal: 99999999999999999999",
    ),
    ("SELECT 1.5E999 FROM s;", 1, 8, "Number overflows DOUBLE: 1.5E999"),
    ("SELECT TIMESTAMP '2020-01-01' FROM s;", 1, 8, "Unknown type: TIMESTAMP"),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"), CASES, ids=[c[0][:50] for c in CASES]
)
def test_error(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse(text)
    error = raised.value
    assert (error.line, error.column) == (line, column)
    assert message in error.reason
    assert str(error).startswith(f"line {line}:{column}: ")
    assert isinstance(error, SqlError) and error.exit_code == 4


def test_positions_count_lines_of_the_whole_text() -> None:
    with pytest.raises(ParseError) as raised:
        parse("SHOW STREAMS;\n\n  SELECT *\n    FROM s WHERE;")
    assert (raised.value.line, raised.value.column) == (4, 17)


def test_test_only_statements_need_the_flag() -> None:
    text = "ASSERT NULL VALUES t (k) KEY (1);"
    with pytest.raises(ParseError):
        parse(text)
    assert len(parse(text, test_statements=True)) == 1


def test_parse_statement_takes_exactly_one() -> None:
    with pytest.raises(ParseError, match="Syntax error at or near 'SHOW'"):
        parse_statement("SHOW STREAMS; SHOW TABLES;")


def test_parse_expression_takes_exactly_one() -> None:
    with pytest.raises(ParseError, match="Syntax error at or near 'b'"):
        parse_expression("a b")
