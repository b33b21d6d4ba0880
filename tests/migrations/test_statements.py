"""A migration file's parse pass: splitting, allowed statements, variables, positions, rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ksqlmv.errors import MigrationStatementError
from ksqlmv.migrations.files import discover
from ksqlmv.migrations.statements import Action, prepare_text

ACTIONS = [
    ("CREATE STREAM s (id INT KEY) WITH (kafka_topic='s', value_format='json');", Action.EXECUTE),
    ("CREATE OR REPLACE TABLE t AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;", Action.EXECUTE),
    (
        "CREATE SOURCE TABLE t (id INT PRIMARY KEY) WITH (kafka_topic='t', format='json');",
        Action.EXECUTE,
    ),
    ("INSERT INTO s SELECT * FROM other;", Action.EXECUTE),
    ("INSERT INTO s (id, name) VALUES (1, 'a');", Action.INSERT),
    ("DROP STREAM IF EXISTS s DELETE TOPIC;", Action.EXECUTE),
    ("DROP TABLE t;", Action.EXECUTE),
    ("ALTER STREAM s ADD COLUMN extra STRING;", Action.EXECUTE),
    ("TERMINATE CSAS_X_1;", Action.EXECUTE),
    ("PAUSE ALL;", Action.EXECUTE),
    ("RESUME CTAS_T_3;", Action.EXECUTE),
    ("CREATE TYPE address AS STRUCT<street STRING, city STRING>;", Action.EXECUTE),
    ("DROP TYPE address;", Action.EXECUTE),
    ("CREATE SOURCE CONNECTOR c WITH ('connector.class'='x');", Action.EXECUTE),
    ("DROP CONNECTOR c;", Action.EXECUTE),
    ("ASSERT TOPIC 'orders' TIMEOUT 2 MINUTES;", Action.EXECUTE),
    ("ASSERT NOT EXISTS SCHEMA SUBJECT 'orders-value';", Action.EXECUTE),
    ("SET 'auto.offset.reset' = 'earliest';", Action.SET),
    ("UNSET 'auto.offset.reset';", Action.UNSET),
    ("DEFINE topic = 'orders';", Action.DEFINE),
    ("UNDEFINE topic;", Action.UNDEFINE),
]


@pytest.mark.parametrize(("text", "action"), ACTIONS)
def test_allowed_statements_and_their_actions(text: str, action: Action) -> None:
    (prepared,) = prepare_text(text, {})
    assert prepared.action is action
    assert prepared.sent is (action in (Action.EXECUTE, Action.INSERT))


REFUSED = [
    ("SELECT * FROM t;", "'SELECT' statements are not supported."),
    ("select * from t emit changes;", "'SELECT' statements are not supported."),
    ("DESCRIBE s;", "'DESCRIBE' statements are not supported."),
    ("EXPLAIN CSAS_X_1;", "'EXPLAIN' statements are not supported."),
    ("PRINT 'orders';", "'PRINT' statements are not supported."),
    ("SHOW STREAMS;", "'SHOW' statements are not supported."),
    ("LIST TABLES;", "'LIST' statements are not supported."),
    ("RUN SCRIPT '/tmp/x.sql';", "'RUN SCRIPT' statements are not supported."),
    ("ASSERT VALUES s (id) VALUES (1);", "only for test files"),
    ("ASSERT NULL VALUES s (id) KEY (1);", "only for test files"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_refused_statements(text: str, message: str) -> None:
    with pytest.raises(MigrationStatementError, match=message):
        prepare_text(text, {})


POSITIONS = [
    # (file text, line, column): where the error is reported in the file
    ("CREATE STREAM s (id INT KEY WITH (kafka_topic='s');", 1, 29),
    ("\n\n  CREATE STREAM s (id INT KEY WITH (kafka_topic='s');", 3, 31),
    (
        "SET 'a'='b';\nCREATE STREAM s (\n  id INT KEY,\n  name STRING STRING\n) WITH (x='y');",
        4,
        15,
    ),
    ("-- comment;\n/* block; */ CREATE STREAM s (id INT KEY WITH (kafka_topic='s');", 2, 42),
    ("CREATE STREAM s (id INT) WITH (kafka_topic='s');\nCREATE STREAM", 2, 1),
    ("INSERT INTO s (a) VALUES ('unclosed);", 1, 27),
]


@pytest.mark.parametrize(("text", "line", "column"), POSITIONS)
def test_errors_name_file_line_and_column(text: str, line: int, column: int) -> None:
    path = Path("migrations/V000003__x.sql")
    with pytest.raises(MigrationStatementError) as caught:
        prepare_text(text, {}, path=path)
    error = caught.value
    assert (error.path, error.line, error.column) == (path, line, column), str(error)
    assert str(error).startswith(f"{path}:{line}:{column}: ")
    assert error.exit_code == 4


def test_text_after_the_last_semicolon_is_an_error() -> None:
    with pytest.raises(MigrationStatementError, match="missing semicolon"):
        prepare_text("CREATE STREAM s (id INT) WITH (kafka_topic='s');\nDROP STREAM s", {})


def test_splitting_keeps_semicolons_in_strings_and_comments() -> None:
    text = (
        "-- leading comment; with a semicolon\n"
        "CREATE STREAM s (id INT KEY, note STRING) WITH (kafka_topic='a;b', value_format='json');\n"
        "/* a ; block */\n"
        "INSERT INTO s (id, note) VALUES (1, 'x;y');\n"
    )
    first, second = prepare_text(text, {})
    assert (first.line, first.column, second.line) == (2, 1, 4)
    assert second.row == {"ID": 1, "NOTE": "x;y"}


def test_set_and_unset_scope_later_statements_of_the_file() -> None:
    text = (
        "CREATE STREAM a (id INT) WITH (kafka_topic='a', value_format='json');\n"
        "SET 'auto.offset.reset' = 'earliest';\n"
        "CREATE STREAM b AS SELECT * FROM a;\n"
        "UNSET 'auto.offset.reset';\n"
        "CREATE STREAM c AS SELECT * FROM a;\n"
    )
    statements = prepare_text(text, {})
    assert [dict(s.properties) for s in statements if s.sent] == [
        {},
        {"auto.offset.reset": "earliest"},
        {},
    ]


INSERTS: list[tuple[str, str | None, dict[str, Any] | None]] = [
    ("INSERT INTO s (id, name) VALUES (1, 'it''s');", "S", {"ID": 1, "NAME": "it's"}),
    ("INSERT INTO `Mixed` (`Id`) VALUES (5000000000);", "`Mixed`", {"`Id`": 5000000000}),
    (
        "INSERT INTO s (a, b, c, d) VALUES (-1, 1.50, 2.5E1, TRUE);",
        "S",
        {"A": -1, "B": Decimal("1.50"), "C": 25.0, "D": True},
    ),
    ("INSERT INTO s (a) VALUES (NULL);", "S", {"A": None}),
    (
        "INSERT INTO s (a, m, st) VALUES (ARRAY[1, 2], MAP('k' := 'v'), STRUCT(x := 1));",
        "S",
        {"A": [1, 2], "M": {"k": "v"}, "ST": {"X": 1}},
    ),
    # run on /ksql: no column list, system columns, values that need evaluating
    ("INSERT INTO s VALUES (1, 'a');", "S", None),
    ("INSERT INTO s (ROWTIME, id) VALUES (1000, 1);", "S", None),
    ("INSERT INTO s (id, ts) VALUES (1, UNIX_TIMESTAMP());", "S", None),
    ("INSERT INTO s (id) VALUES (1 + 1);", "S", None),
    ("INSERT INTO s (m) VALUES (MAP(1 := 'v'));", "S", None),
]


@pytest.mark.parametrize(("text", "target", "row"), INSERTS)
def test_insert_values_rows(text: str, target: str | None, row: dict[str, Any] | None) -> None:
    (prepared,) = prepare_text(text, {})
    assert prepared.target == target
    assert prepared.row == row
    assert prepared.action is (Action.INSERT if row is not None else Action.EXECUTE)


def test_defines_and_file_variables_are_substituted() -> None:
    text = (
        "CREATE STREAM ${name} (id INT KEY) WITH (kafka_topic='${topic}', value_format='json');\n"
        "DEFINE name = 'second';\n"
        "CREATE STREAM ${name} AS SELECT * FROM ${NAME};\n"
        "UNDEFINE name;\n"
        "INSERT INTO s (id) VALUES (${id});\n"
    )
    statements = prepare_text(text, {"name": "first", "topic": "events", "id": "7"})
    sent = [s.text for s in statements if s.sent]
    assert sent[0].startswith("CREATE STREAM first ") and "kafka_topic='events'" in sent[0]
    assert sent[1] == "CREATE STREAM second AS SELECT * FROM second;"
    assert statements[-1].row == {"ID": 7}


def test_an_undefined_variable_is_an_error_with_its_position() -> None:
    text = "DEFINE a = 'x';\nUNDEFINE a;\nCREATE STREAM ${a} (id INT) WITH (kafka_topic='t');"
    with pytest.raises(MigrationStatementError) as caught:
        prepare_text(text, {})
    assert caught.value.line == 3


def test_every_platform_migration_prepares(repo_root: Path) -> None:
    files = discover(repo_root / "ksql" / "migrations")
    for migration in files.up:
        statements = prepare_text(migration.read_text(), {}, path=migration.path)
        assert statements, migration.file_name
        assert all(s.action in (Action.EXECUTE, Action.SET) for s in statements)


VARIABLES = [
    # (statement, --define values, text sent)
    (
        "CREATE STREAM ${s} AS SELECT * FROM t;",
        {"s": "orders"},
        "CREATE STREAM orders AS SELECT * FROM t;",
    ),
    (
        "CREATE STREAM ${S} AS SELECT * FROM t;",
        {"s": "orders"},
        "CREATE STREAM orders AS SELECT * FROM t;",
    ),
    ("INSERT INTO t (a) VALUES ('${v}');", {"v": "it's"}, "INSERT INTO t (a) VALUES ('it''s');"),
    ("INSERT INTO t (a) VALUES (${n});", {"n": "42"}, "INSERT INTO t (a) VALUES (42);"),
    ("INSERT INTO t (a) VALUES ('$${n}');", {"n": "42"}, "INSERT INTO t (a) VALUES ('${n}');"),
    ("INSERT INTO t (a) VALUES ('${missing}');", {}, "INSERT INTO t (a) VALUES ('${missing}');"),
    (
        "CREATE STREAM s (id INT) WITH (kafka_topic='${p}_t', partitions=${n});",
        {"p": "dev", "n": "3"},
        "CREATE STREAM s (id INT) WITH (kafka_topic='dev_t', partitions=3);",
    ),
]


@pytest.mark.parametrize(("text", "defines", "sent"), VARIABLES)
def test_variable_substitution(text: str, defines: dict[str, str], sent: str) -> None:
    (prepared,) = prepare_text(text, defines)
    assert prepared.text == sent


def test_defines_do_not_leak_between_files() -> None:
    first = prepare_text("DEFINE x = 'a';\nINSERT INTO t (c) VALUES ('${x}');", {})
    assert first[-1].row == {"C": "a"}
    second = prepare_text("INSERT INTO t (c) VALUES ('${x}');", {})
    assert second[-1].row == {"C": "${x}"}


def test_an_unusable_variable_value_is_located() -> None:
    with pytest.raises(MigrationStatementError, match="Identifier names"):
        prepare_text("\nCREATE STREAM ${s} AS SELECT * FROM t;", {"s": "not a name"})
