"""Statements change the catalog and start queries, or fail with ksqlDB's wording."""

from __future__ import annotations

import pytest

from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.errors import KsqlmvError

ORDERS = (
    "CREATE STREAM ORDERS (ID STRING KEY, AMOUNT DOUBLE, QTY INT) "
    "WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);"
)
USERS = (
    "CREATE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) "
    "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);"
)

ERRORS = [
    (ORDERS + ORDERS, "Cannot add stream 'ORDERS': A stream with the same name already exists"),
    (
        "CREATE STREAM S (ID INT PRIMARY KEY) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', "
        "PARTITIONS=1);",
        "please use 'KEY' for streams",
    ),
    (
        "CREATE TABLE T (A INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);",
        "Tables require a PRIMARY KEY",
    ),
    (
        "CREATE STREAM S (A INT) WITH (KAFKA_TOPIC='missing', VALUE_FORMAT='JSON');",
        "Topic 'missing' does not exist",
    ),
    (
        "CREATE STREAM S (A INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1);",
        "Statement is missing the 'VALUE_FORMAT' property",
    ),
    (
        "CREATE STREAM S (ROWTIME BIGINT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', "
        "PARTITIONS=1);",
        "'ROWTIME' is a reserved column name",
    ),
    (
        "CREATE STREAM S (A INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='FOO', PARTITIONS=1);",
        "Unknown format: FOO",
    ),
    (
        ORDERS + "CREATE STREAM X AS SELECT ID, NOPE FROM ORDERS;",
        "SELECT column 'NOPE' cannot be resolved.",
    ),
    (
        ORDERS + "CREATE STREAM X AS SELECT AMOUNT FROM ORDERS;",
        "must include the key column ID in its projection",
    ),
    (
        ORDERS + "CREATE STREAM X AS SELECT ID FROM ORDERS;",
        "The projection contains no value columns.",
    ),
    (
        ORDERS + "CREATE STREAM X AS SELECT ID, AMOUNT FROM ORDERS WHERE QTY = 'many';",
        "Cannot compare QTY (INTEGER) to 'many' (STRING) with EQUAL.",
    ),
    (
        ORDERS + "CREATE STREAM X AS SELECT ID, AMOUNT FROM ORDERS WHERE QTY;",
        "Should evaluate to boolean",
    ),
    (
        ORDERS + "CREATE TABLE X AS SELECT ID, AMOUNT, COUNT(*) FROM ORDERS GROUP BY ID;",
        "Non-aggregate SELECT expression(s) not part of GROUP BY: AMOUNT",
    ),
    (
        ORDERS + "CREATE STREAM X AS SELECT ID, COUNT(*) FROM ORDERS GROUP BY ID;",
        "Invalid result type. Your SELECT query produces a TABLE",
    ),
    (
        ORDERS + USERS + "CREATE STREAM X AS SELECT O.ID, NAME FROM ORDERS O "
        "FULL OUTER JOIN USERS U ON O.ID = U.ID;",
        "full-outer join not supported for stream-table join",
    ),
    (
        ORDERS + "CREATE STREAM O2 (ID STRING KEY, X INT) WITH (KAFKA_TOPIC='o2', "
        "VALUE_FORMAT='JSON', PARTITIONS=1);CREATE STREAM J AS SELECT O.ID, X FROM ORDERS O "
        "JOIN O2 ON O.ID = O2.ID;",
        "Stream-Stream joins must have a WITHIN clause",
    ),
    (
        ORDERS + "INSERT INTO ORDERS (ID, NOPE) VALUES ('a', 1);",
        "Column name `NOPE` does not exist.",
    ),
    ("DROP STREAM NOPE;", "Stream NOPE does not exist."),
    (
        ORDERS + "CREATE STREAM X AS SELECT ID, AMOUNT FROM ORDERS;DROP STREAM ORDERS;",
        "The following queries read from this source: [CSAS_X_0]",
    ),
]


@pytest.mark.parametrize(("sql", "message"), ERRORS)
def test_errors(engine: KsqlEngine, sql: str, message: str) -> None:
    with pytest.raises(KsqlmvError) as caught:
        engine.execute(sql)
    assert message in str(caught.value)


def test_persistent_queries_get_ksqldb_ids(engine: KsqlEngine) -> None:
    results = engine.execute(
        ORDERS
        + USERS
        + "CREATE STREAM BIG AS SELECT ID, AMOUNT FROM ORDERS WHERE AMOUNT > 100;"
        + "CREATE TABLE TOTALS AS SELECT ID, SUM(AMOUNT) AS TOTAL FROM ORDERS GROUP BY ID;"
        + "INSERT INTO BIG SELECT ID, AMOUNT FROM ORDERS WHERE QTY > 5;"
    )
    assert [r.query_id for r in results] == [
        None,
        None,
        "CSAS_BIG_0",
        "CTAS_TOTALS_1",
        "INSERTQUERY_2",
    ]
    assert results[0].message == "Stream created"
    assert results[1].message == "Table created"
    assert results[2].message == "Created query with ID CSAS_BIG_0"
    assert set(engine.catalog.queries) == {"CSAS_BIG_0", "CTAS_TOTALS_1", "INSERTQUERY_2"}


def test_sink_inherits_formats_and_derives_key(engine: KsqlEngine) -> None:
    engine.execute(
        ORDERS + "CREATE STREAM BY_QTY AS SELECT QTY, AMOUNT FROM ORDERS PARTITION BY QTY;"
    )
    sink = engine.catalog.source("BY_QTY")
    assert sink is not None
    assert str(sink.schema) == "`QTY` INTEGER KEY, `AMOUNT` DOUBLE"
    assert sink.topic == "BY_QTY"
    assert (sink.key_format.format.name, sink.value_format.format.name) == ("KAFKA", "JSON")


def test_drop_terminates_the_writing_query(engine: KsqlEngine) -> None:
    engine.execute(ORDERS + "CREATE STREAM BIG AS SELECT ID, AMOUNT FROM ORDERS;")
    result = engine.execute("DROP STREAM BIG DELETE TOPIC;")[0]
    assert result.message == "Source `BIG` (topic: BIG) was dropped."
    assert engine.catalog.source("BIG") is None
    assert not engine.catalog.queries
    assert not engine.driver.topic_exists("BIG")


def test_show_and_describe(engine: KsqlEngine) -> None:
    engine.execute(ORDERS + USERS)
    streams = engine.execute("SHOW STREAMS;")[0].entity["streams"]
    assert [s["name"] for s in streams] == ["ORDERS"]
    assert streams[0]["keyFormat"] == "KAFKA" and streams[0]["valueFormat"] == "JSON"
    description = engine.execute("DESCRIBE USERS;")[0].entity["sourceDescription"]
    assert [(f["name"], f.get("type")) for f in description["fields"]] == [
        ("ROWTIME", "SYSTEM"),
        ("ID", "KEY"),
        ("NAME", None),
    ]


def test_variables_and_session_properties(engine: KsqlEngine) -> None:
    engine.execute(
        "DEFINE topic = 'events';"
        "CREATE STREAM E (A INT) WITH (KAFKA_TOPIC='${topic}', FORMAT='JSON', PARTITIONS=1);"
    )
    source = engine.catalog.source("E")
    assert source is not None and source.topic == "events"
    engine.execute(
        "SET 'ksql.persistence.default.format.value'='JSON';"
        "CREATE STREAM F (A INT) WITH (KAFKA_TOPIC='f', PARTITIONS=1);"
    )
    assert engine.catalog.source("F") is not None
