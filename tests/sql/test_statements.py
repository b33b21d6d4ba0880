"""Statements: one case per statement form ksqlDB accepts, each checked against its full tree."""

from __future__ import annotations

import pytest

from ksqlmv.sql import ast
from ksqlmv.sql import types as t
from ksqlmv.sql.parser import parse, parse_statement

A, B = ast.ColumnRef("A"), ast.ColumnRef("B")
ONE = ast.IntegerLiteral(1)
S = ast.AliasedRelation("S", "S")
HEADERS = t.ArrayType(
    t.StructType((t.StructField("KEY", t.STRING), t.StructField("VALUE", t.BYTES)))
)


def prop(name: str, value: object) -> ast.Property:
    literal: ast.Literal
    if isinstance(value, str):
        literal = ast.StringLiteral(value)
    elif isinstance(value, bool):
        literal = ast.BooleanLiteral(value)
    else:
        assert isinstance(value, int)
        literal = ast.IntegerLiteral(value)
    return ast.Property(name, literal)


def col(
    name: str, sql_type: t.SqlType, constraint: str = "VALUE", header: str | None = None
) -> ast.TableElement:
    return ast.TableElement(name, sql_type, ast.ColumnConstraint[constraint], header)


def select(*items: ast.SelectItem, **clauses: object) -> ast.Query:
    return ast.Query(items or (ast.AllColumns(),), clauses.pop("from_", S), **clauses)  # type: ignore[arg-type]


def tc(value: int, unit: str) -> ast.TimeClause:
    return ast.TimeClause(value, ast.TimeUnit[unit])


TOPIC = prop("KAFKA_TOPIC", "t")

CASES = [
    # ------------------------------------------------------------------------------ CREATE
    (
        "CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='t', value_format='JSON');",
        ast.CreateStream(
            "S",
            (col("ID", t.INTEGER, "KEY"), col("V", t.STRING)),
            (TOPIC, prop("VALUE_FORMAT", "JSON")),
        ),
    ),
    (
        "CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS `t` (id BIGINT PRIMARY KEY) WITH "
        "('kafka_topic'='t');",
        ast.CreateTable(
            "t",
            (col("ID", t.BIGINT, "PRIMARY_KEY"),),
            (prop("kafka_topic", "t"),),
            True,
            True,
            True,
        ),
    ),
    (
        "CREATE STREAM s (h ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, k BYTES "
        "HEADER('k1')) WITH (kafka_topic='t');",
        ast.CreateStream(
            "S", (col("H", HEADERS, "HEADERS"), col("K", t.BYTES, "HEADER", "k1")), (TOPIC,)
        ),
    ),
    (
        "CREATE STREAM s WITH (kafka_topic='t', partitions=2, wrap_single_value=false, "
        "value_schema_id=-1);",
        ast.CreateStream(
            "S",
            (),
            (
                TOPIC,
                prop("PARTITIONS", 2),
                prop("WRAP_SINGLE_VALUE", False),
                prop("VALUE_SCHEMA_ID", -1),
            ),
        ),
    ),
    (
        "CREATE STREAM s (a VARCHAR(255), b INT ARRAY, c STRUCT<`x` DATE, y TIME>, d address) "
        "WITH (kafka_topic='t');",
        ast.CreateStream(
            "S",
            (
                col("A", t.STRING),
                col("B", t.ArrayType(t.INTEGER)),
                col("C", t.StructType((t.StructField("x", t.DATE), t.StructField("Y", t.TIME)))),
                col("D", ast.TypeRef("ADDRESS")),
            ),
            (TOPIC,),
        ),
    ),
    (
        "CREATE STREAM out WITH (kafka_topic='o') AS SELECT * FROM s;",
        ast.CreateStreamAsSelect("OUT", select(), (prop("KAFKA_TOPIC", "o"),)),
    ),
    (
        "CREATE OR REPLACE TABLE IF NOT EXISTS out AS SELECT a, COUNT(*) AS n FROM s GROUP BY a "
        "EMIT FINAL;",
        ast.CreateTableAsSelect(
            "OUT",
            select(
                ast.SingleColumn(A),
                ast.SingleColumn(ast.FunctionCall("COUNT", ()), "N"),
                group_by=(A,),
                emit=ast.OutputRefinement.FINAL,
            ),
            (),
            True,
            True,
        ),
    ),
    (
        "CREATE TYPE IF NOT EXISTS address AS STRUCT<n INT>;",
        ast.CreateType("ADDRESS", t.StructType((t.StructField("N", t.INTEGER),)), True),
    ),
    (
        "CREATE SINK CONNECTOR IF NOT EXISTS c WITH ('connector.class'='x');",
        ast.CreateConnector("C", ast.ConnectorKind.SINK, (prop("connector.class", "x"),), True),
    ),
    (
        "CREATE SOURCE CONNECTOR c WITH (a=1);",
        ast.CreateConnector("C", ast.ConnectorKind.SOURCE, (prop("A", 1),)),
    ),
    # ------------------------------------------------------------------------------ INSERT
    (
        "INSERT INTO out WITH (QUERY_ID='q1') SELECT * FROM s EMIT CHANGES;",
        ast.InsertInto("OUT", select(emit=ast.OutputRefinement.CHANGES), (prop("QUERY_ID", "q1"),)),
    ),
    ("INSERT INTO out SELECT * FROM s;", ast.InsertInto("OUT", select())),
    (
        "INSERT INTO s (rowtime, a) VALUES (1, 'x');",
        ast.InsertValues("S", ("ROWTIME", "A"), (ONE, ast.StringLiteral("x"))),
    ),
    ("INSERT INTO s VALUES ();", ast.InsertValues("S", (), ())),
    # ------------------------------------------------------------------------------ DROP, ALTER
    ("DROP STREAM IF EXISTS s DELETE TOPIC;", ast.DropStream("S", True, True)),
    ("DROP TABLE t;", ast.DropTable("T")),
    ("DROP TYPE IF EXISTS address;", ast.DropType("ADDRESS", True)),
    ("DROP CONNECTOR c;", ast.DropConnector("C")),
    (
        "ALTER STREAM s ADD COLUMN a INT, ADD b STRING;",
        ast.AlterSource(
            "S",
            ast.SourceKind.STREAM,
            (ast.AlterColumn("A", t.INTEGER), ast.AlterColumn("B", t.STRING)),
        ),
    ),
    ("ALTER SYSTEM 'ksql.x'='1';", ast.AlterSystemProperty("ksql.x", "1")),
    # ------------------------------------------------------------------------------ SHOW, DESCRIBE
    ("SHOW STREAMS;", ast.ListStreams()),
    ("LIST TABLES EXTENDED;", ast.ListTables(True)),
    ("SHOW QUERIES EXTENDED;", ast.ListQueries(True)),
    ("SHOW ALL TOPICS EXTENDED;", ast.ListTopics(True, True)),
    ("list topics;", ast.ListTopics()),
    ("SHOW PROPERTIES;", ast.ListProperties()),
    ("SHOW FUNCTIONS;", ast.ListFunctions()),
    ("SHOW TYPES;", ast.ListTypes()),
    ("SHOW VARIABLES;", ast.ListVariables()),
    ("SHOW CONNECTORS;", ast.ListConnectors()),
    ("SHOW SINK CONNECTORS;", ast.ListConnectors(ast.ConnectorScope.SINK)),
    ("SHOW CONNECTOR PLUGINS;", ast.ListConnectorPlugins()),
    ("DESCRIBE s EXTENDED;", ast.DescribeSource("S", True)),
    ("DESCRIBE STREAMS;", ast.DescribeStreams()),
    ("DESCRIBE TABLES EXTENDED;", ast.DescribeTables(True)),
    ("DESCRIBE `TABLES`;", ast.DescribeSource("TABLES")),
    ("DESCRIBE FUNCTION concat;", ast.DescribeFunction("CONCAT")),
    ("DESCRIBE FUNCTION;", ast.DescribeSource("FUNCTION")),
    ("DESCRIBE CONNECTOR c;", ast.DescribeConnector("C")),
    # --------------------------------------------------------------------- EXPLAIN, PRINT, queries
    ("EXPLAIN CSAS_OUT_1;", ast.Explain(query_id="CSAS_OUT_1")),
    ("EXPLAIN SELECT * FROM s;", ast.Explain(statement=select(pull=True))),
    ("PRINT my_topic FROM BEGINNING INTERVAL 2 LIMIT 10;", ast.PrintTopic("my_topic", True, 2, 10)),
    ("PRINT 'Topic.1' SAMPLE 3;", ast.PrintTopic("Topic.1", False, 3)),
    ("TERMINATE ALL;", ast.TerminateQuery()),
    ("TERMINATE csas_out_1;", ast.TerminateQuery("CSAS_OUT_1")),
    ("PAUSE ALL;", ast.PauseQuery()),
    ("RESUME q1;", ast.ResumeQuery("Q1")),
    # ----------------------------------------------------------------------- properties, variables
    ("SET 'auto.offset.reset'='earliest';", ast.SetProperty("auto.offset.reset", "earliest")),
    ("UNSET 'auto.offset.reset';", ast.UnsetProperty("auto.offset.reset")),
    ("DEFINE myVar = 'it''s';", ast.DefineVariable("myVar", "it's")),
    ("DEFINE topic = 'x';", ast.DefineVariable("topic", "x")),
    ("UNDEFINE myVar;", ast.UndefineVariable("myVar")),
    # ------------------------------------------------------------------------------ ASSERT
    (
        "ASSERT NOT EXISTS TOPIC 'orders' WITH (partitions=3) TIMEOUT 5 SECONDS;",
        ast.AssertTopic("orders", (prop("PARTITIONS", 3),), tc(5, "SECONDS"), False),
    ),
    ("ASSERT TOPIC Orders;", ast.AssertTopic("Orders")),
    ("ASSERT SCHEMA SUBJECT 'orders-value' ID 3;", ast.AssertSchema("orders-value", 3)),
    (
        "ASSERT NOT EXISTS SCHEMA ID 3 TIMEOUT 1 MINUTE;",
        ast.AssertSchema(None, 3, tc(1, "MINUTES"), False),
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0][:60] for case in CASES])
def test_statement(text: str, expected: ast.Statement) -> None:
    assert parse(text) == [expected]


TEST_ONLY = [
    (
        "ASSERT VALUES s (a, b) VALUES (1, 'x');",
        ast.AssertValues("S", ("A", "B"), (ONE, ast.StringLiteral("x"))),
    ),
    ("ASSERT NULL VALUES t (id) KEY (1);", ast.AssertTombstone("T", ("ID",), (ONE,))),
    (
        "ASSERT STREAM s (id INT KEY) WITH (kafka_topic='t');",
        ast.AssertStream(ast.CreateStream("S", (col("ID", t.INTEGER, "KEY"),), (TOPIC,))),
    ),
    ("ASSERT TABLE t;", ast.AssertTable(ast.CreateTable("T"))),
    ("RUN SCRIPT '/tmp/x.sql';", ast.RunScript("/tmp/x.sql")),
]


@pytest.mark.parametrize(("text", "expected"), TEST_ONLY, ids=[case[0][:40] for case in TEST_ONLY])
def test_test_only_statements(text: str, expected: ast.Statement) -> None:
    assert parse(text, test_statements=True) == [expected]


QUERIES = [
    ("SELECT * FROM s;", select(pull=True)),
    ("SELECT * FROM s EMIT CHANGES LIMIT 5;", select(emit=ast.OutputRefinement.CHANGES, limit=5)),
    ("SELECT s.* FROM s;", select(ast.AllColumns("S"), pull=True)),
    (
        "SELECT a->*, a b, a AS `c` FROM s;",
        select(ast.StructAll(A), ast.SingleColumn(A, "B"), ast.SingleColumn(A, "c"), pull=True),
    ),
    (
        "SELECT * FROM s x WHERE x.a = 1;",
        select(
            from_=ast.AliasedRelation("S", "X"),
            where=ast.Comparison(ast.ComparisonOperator.EQUAL, ast.ColumnRef("A", "X"), ONE),
            pull=True,
        ),
    ),
    (
        "SELECT * FROM s emit EMIT CHANGES;",
        select(from_=ast.AliasedRelation("S", "EMIT"), emit=ast.OutputRefinement.CHANGES),
    ),
    (
        "SELECT * FROM s PARTITION BY a, b EMIT CHANGES;",
        select(partition_by=(A, B), emit=ast.OutputRefinement.CHANGES),
    ),
    (
        "SELECT * FROM s GROUP BY (a, b) EMIT CHANGES;",
        select(group_by=(A, B), emit=ast.OutputRefinement.CHANGES),
    ),
    (
        "SELECT * FROM s GROUP BY (a), b EMIT CHANGES;",
        select(group_by=(A, B), emit=ast.OutputRefinement.CHANGES),
    ),
    (
        "SELECT * FROM s GROUP BY () EMIT CHANGES;",
        select(group_by=(), emit=ast.OutputRefinement.CHANGES),
    ),
    (
        "SELECT * FROM s WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS, GRACE PERIOD 10 "
        "MINUTES) GROUP BY a HAVING COUNT(*) > 1 EMIT CHANGES;",
        select(
            window=ast.TumblingWindow(tc(1, "HOURS"), tc(2, "DAYS"), tc(10, "MINUTES")),
            group_by=(A,),
            having=ast.Comparison(
                ast.ComparisonOperator.GREATER_THAN, ast.FunctionCall("COUNT", ()), ONE
            ),
            emit=ast.OutputRefinement.CHANGES,
        ),
    ),
    (
        "SELECT * FROM s WINDOW w HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS) GROUP BY a "
        "EMIT CHANGES;",
        select(
            window=ast.HoppingWindow(tc(30, "SECONDS"), tc(10, "SECONDS")),
            group_by=(A,),
            emit=ast.OutputRefinement.CHANGES,
        ),
    ),
    (
        "SELECT * FROM s WINDOW SESSION (60 SECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY a "
        "EMIT CHANGES;",
        select(
            window=ast.SessionWindow(tc(60, "SECONDS"), None, tc(0, "MILLISECONDS")),
            group_by=(A,),
            emit=ast.OutputRefinement.CHANGES,
        ),
    ),
    (
        "SELECT * FROM s JOIN t WITHIN 1 HOUR ON s.a = t.a LEFT OUTER JOIN u AS x WITHIN (1 "
        "SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON s.a = x.a FULL JOIN v ON s.a = v.a RIGHT "
        "JOIN w ON s.a = w.a EMIT CHANGES;",
        select(
            from_=ast.Join(
                S,
                (
                    ast.JoinedSource(
                        ast.AliasedRelation("T", "T"),
                        ast.JoinType.INNER,
                        ast.Comparison(
                            ast.ComparisonOperator.EQUAL,
                            ast.ColumnRef("A", "S"),
                            ast.ColumnRef("A", "T"),
                        ),
                        ast.WithinExpression(tc(1, "HOURS"), tc(1, "HOURS")),
                    ),
                    ast.JoinedSource(
                        ast.AliasedRelation("U", "X"),
                        ast.JoinType.LEFT,
                        ast.Comparison(
                            ast.ComparisonOperator.EQUAL,
                            ast.ColumnRef("A", "S"),
                            ast.ColumnRef("A", "X"),
                        ),
                        ast.WithinExpression(tc(1, "SECONDS"), tc(2, "SECONDS"), tc(3, "SECONDS")),
                    ),
                    ast.JoinedSource(
                        ast.AliasedRelation("V", "V"),
                        ast.JoinType.OUTER,
                        ast.Comparison(
                            ast.ComparisonOperator.EQUAL,
                            ast.ColumnRef("A", "S"),
                            ast.ColumnRef("A", "V"),
                        ),
                    ),
                    ast.JoinedSource(
                        ast.AliasedRelation("W", "W"),
                        ast.JoinType.RIGHT,
                        ast.Comparison(
                            ast.ComparisonOperator.EQUAL,
                            ast.ColumnRef("A", "S"),
                            ast.ColumnRef("A", "W"),
                        ),
                    ),
                ),
            ),
            emit=ast.OutputRefinement.CHANGES,
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), QUERIES, ids=[case[0][:60] for case in QUERIES])
def test_query(text: str, expected: ast.Query) -> None:
    assert parse(text) == [expected]


def test_several_statements_keep_their_text_and_positions() -> None:
    text = "SET 'a'='b';\n  -- note\n  SELECT *\n    FROM s;\nDROP STREAM s ;"
    statements = parse(text)
    assert [s.text for s in statements] == [
        "SET 'a'='b';",
        "SELECT *\n    FROM s;",
        "DROP STREAM s ;",
    ]
    assert [(s.line, s.column) for s in statements] == [(1, 1), (3, 3), (5, 1)]


def test_parse_statement_takes_one_statement_with_or_without_semicolon() -> None:
    assert parse_statement("SHOW STREAMS") == ast.ListStreams()
    assert parse_statement("SHOW STREAMS ;") == ast.ListStreams()


def test_empty_text_has_no_statements() -> None:
    assert parse("  -- nothing\n/* at all */ ") == []
