"""Plan diffing: pending statements replayed over a catalog, with ksqlDB's refusals as problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from ksqlmv.migrations.files import MigrationFile, discover
from ksqlmv.migrations.plan import Catalog, RunningQuery, plan_changes
from ksqlmv.migrations.preview import required_topics
from ksqlmv.migrations.statements import prepare_text

CATALOG = Catalog(
    {"ORDERS": "STREAM", "CUSTOMERS": "TABLE", "ORDER_STATUS": "TABLE", "AUDIT": "STREAM"},
    (
        RunningQuery("CTAS_ORDER_STATUS_3", ("ORDER_STATUS",), ("ORDERS",)),
        RunningQuery("INSERTQUERY_7", ("AUDIT",), ("ORDERS",)),
    ),
)
STREAM = "CREATE STREAM {} (id STRING KEY) WITH (kafka_topic='{}', value_format='json');"

CASES = [
    (
        "create a new stream",
        STREAM.format("payments", "payments"),
        ["create stream PAYMENTS"],
        [],
    ),
    (
        "create an existing stream",
        STREAM.format("orders", "orders"),
        [],
        ["Cannot add stream 'ORDERS': A stream with the same name already exists"],
    ),
    (
        "IF NOT EXISTS makes it a no-op",
        "CREATE STREAM IF NOT EXISTS orders (id STRING KEY) WITH (kafka_topic='o', format='json');",
        ["skip stream ORDERS (already exists)"],
        [],
    ),
    (
        "CREATE OR REPLACE a CTAS replaces its query in place",
        "CREATE OR REPLACE TABLE order_status AS SELECT id, COUNT(*) AS n FROM orders GROUP BY id;",
        ["replace table ORDER_STATUS", "replace query CTAS_ORDER_STATUS_3 (writes ORDER_STATUS)"],
        [],
    ),
    (
        "replacing a table with a stream is refused",
        "CREATE OR REPLACE STREAM customers AS SELECT * FROM orders;",
        [],
        ["Cannot replace table CUSTOMERS with a stream"],
    ),
    (
        "a new CSAS starts a query",
        "CREATE STREAM big AS SELECT * FROM orders WHERE amount > 10;",
        ["create stream BIG", "start query CSAS_BIG_* (reads ORDERS)"],
        [],
    ),
    (
        "a join reads both sides",
        "CREATE STREAM enriched AS SELECT * FROM orders o JOIN customers c ON o.cid = c.id;",
        ["create stream ENRICHED", "start query CSAS_ENRICHED_* (reads ORDERS, CUSTOMERS)"],
        [],
    ),
    (
        "a query over a missing source",
        "CREATE TABLE t AS SELECT id, COUNT(*) AS n FROM nowhere GROUP BY id;",
        [],
        ["TABLE T reads: NOWHERE does not exist"],
    ),
    (
        "dropping a CTAS sink terminates its query",
        "DROP TABLE order_status DELETE TOPIC;",
        [
            "terminate query CTAS_ORDER_STATUS_3 (writes ORDER_STATUS)",
            "drop table ORDER_STATUS (and its topic)",
        ],
        [],
    ),
    (
        "dropping a source that queries read is refused",
        "DROP STREAM orders;",
        [],
        [
            "Cannot drop ORDERS. The following queries read from this source: "
            "[CTAS_ORDER_STATUS_3, INSERTQUERY_7]. The following queries write into this source: "
            "[]. You need to terminate them before dropping ORDERS."
        ],
    ),
    (
        "dropping a source an INSERT INTO writes is refused",
        "DROP STREAM audit;",
        [],
        [
            "Cannot drop AUDIT. The following queries read from this source: []. The following "
            "queries write into this source: [INSERTQUERY_7]. You need to terminate them before "
            "dropping AUDIT."
        ],
    ),
    (
        "dropping a missing source",
        "DROP STREAM ghost;",
        [],
        ["Source GHOST does not exist."],
    ),
    (
        "IF EXISTS drop of a missing source",
        "DROP TABLE IF EXISTS ghost;",
        ["skip table GHOST (does not exist)"],
        [],
    ),
    (
        "terminate then drop",
        "TERMINATE INSERTQUERY_7;\nDROP STREAM audit;",
        ["terminate query INSERTQUERY_7", "drop stream AUDIT"],
        [],
    ),
    ("terminate an unknown query", "TERMINATE CSAS_NOPE_1;", [], ["Unknown queryId: CSAS_NOPE_1"]),
    (
        "terminate all",
        "TERMINATE ALL;",
        ["terminate query CTAS_ORDER_STATUS_3", "terminate query INSERTQUERY_7"],
        [],
    ),
    (
        "pause and resume",
        "PAUSE INSERTQUERY_7;\nRESUME INSERTQUERY_7;",
        ["pause query INSERTQUERY_7", "resume query INSERTQUERY_7"],
        [],
    ),
    (
        "insert into select",
        "INSERT INTO audit SELECT * FROM orders;",
        ["start query INSERTQUERY_AUDIT_* (inserts into AUDIT)"],
        [],
    ),
    (
        "insert values",
        "INSERT INTO orders (id) VALUES ('1');",
        ["insert stream ORDERS (one row)"],
        [],
    ),
    (
        "insert values into nothing",
        "INSERT INTO ghost (id) VALUES ('1');",
        [],
        ["INSERT VALUES: GHOST does not exist"],
    ),
    (
        "alter",
        "ALTER STREAM orders ADD COLUMN note STRING;",
        ["alter stream ORDERS (adds NOTE)"],
        [],
    ),
    (
        "asserts are checks",
        "ASSERT TOPIC 'orders' TIMEOUT 1 SECONDS;\nASSERT SCHEMA SUBJECT 'orders-value';",
        ["check topic orders (exists)", "check schema orders-value (exists)"],
        [],
    ),
    (
        "types",
        "CREATE TYPE money AS DECIMAL(10, 2);\nDROP TYPE money;",
        ["create type MONEY", "drop type MONEY"],
        [],
    ),
    (
        "set and define change nothing",
        "SET 'auto.offset.reset'='earliest';\nDEFINE x = 'y';",
        [],
        [],
    ),
    (
        "later statements see earlier ones",
        STREAM.format("a", "a") + "\nCREATE STREAM b AS SELECT * FROM a;\nDROP STREAM a;",
        ["create stream A", "create stream B", "start query CSAS_B_* (reads A)"],
        [
            "Cannot drop A. The following queries read from this source: [CSAS_B_*]. The "
            "following queries write into this source: []. You need to terminate them before "
            "dropping A."
        ],
    ),
]


@pytest.mark.parametrize(("case", "text", "changes", "problems"), CASES, ids=[c[0] for c in CASES])
def test_plan_changes(case: str, text: str, changes: list[str], problems: list[str]) -> None:
    migration = MigrationFile(5, "x", Path("V000005__x.sql"))
    (plan,) = plan_changes(CATALOG, [(migration, prepare_text(text, {}))])
    assert [str(c) for c in plan.changes] == changes
    assert [p.split(": ", 1)[1] for p in plan.problems] == problems
    assert all(p.startswith("V000005__x.sql:") for p in plan.problems)


def test_later_files_see_earlier_files() -> None:
    first = MigrationFile(1, "a", Path("V000001__a.sql"))
    second = MigrationFile(2, "b", Path("V000002__b.sql"))
    plans = plan_changes(
        Catalog(),
        [
            (first, prepare_text(STREAM.format("s", "s"), {})),
            (
                second,
                prepare_text("CREATE TABLE t AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;", {}),
            ),
        ],
    )
    assert [str(c) for c in plans[1].changes] == [
        "create table T",
        "start query CTAS_T_* (reads S)",
    ]
    assert plans[1].changes[0].line == 1
    assert plans[1].as_dict()["changes"][0] == {
        "kind": "create",
        "object": "TABLE",
        "name": "T",
        "line": 1,
        "detail": "",
    }


def test_the_platform_migrations_plan_cleanly_from_an_empty_server(repo_root: Path) -> None:
    files = discover(repo_root / "ksql" / "migrations")
    plans = plan_changes(
        Catalog(),
        [(m, prepare_text(m.read_text(), {}, path=m.path)) for m in files.up],
    )
    assert all(plan.problems == () for plan in plans), [p.problems for p in plans]
    created = [c.name for plan in plans for c in plan.changes if c.kind.value == "create"]
    assert "REVENUE_PER_MINUTE" in created and "SHIPMENT_STATUS_BY_ORDER" in created


def test_required_topics_of_the_platform_migrations(repo_root: Path) -> None:
    files = discover(repo_root / "ksql" / "migrations")
    topics = required_topics(files.up)
    assert set(topics) == {
        "customers",
        "products",
        "orders",
        "payments",
        "shipments",
        "app_events",
        "trades",
    }
