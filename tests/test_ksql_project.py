"""ksql/: the migrations project that defines the platform's materialized views."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ksqlmv.sql import split_statements

KSQL = Path(__file__).resolve().parent.parent / "ksql"
MIGRATIONS = sorted((KSQL / "migrations").glob("*.sql"))
FILE_NAME = re.compile(r"V([0-9]{6})__(.+)\.sql")
VIEWS = {
    "REVENUE_PER_MINUTE": "WINDOW TUMBLING",
    "ORDERS_BY_STATUS": "GROUP BY",
    "ORDERS_ENRICHED": "JOIN CUSTOMERS",
    "PAYMENTS_MATCHED": "WITHIN 1 HOUR",
    "CUSTOMER_LIFETIME_VALUE": "GROUP BY",
    "APP_CRASH_RATE": "WINDOW HOPPING",
    "TRADES_OHLC_1M": "WINDOW TUMBLING",
    "SHIPMENT_STATUS_BY_ORDER": "LATEST_BY_OFFSET",
}
CREATE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:SOURCE\s+)?(STREAM|TABLE)\s+(\w+)", re.IGNORECASE
)


def created_objects() -> dict[str, str]:
    objects: dict[str, str] = {}
    for path in MIGRATIONS:
        for statement in split_statements(path.read_text()):
            match = CREATE.match(statement.text)
            if match:
                objects[match.group(2).upper()] = re.sub(r"\s+", " ", statement.text.upper())
    return objects


def test_properties_file_names_the_server() -> None:
    properties = (KSQL / "ksql-migrations.properties").read_text().splitlines()
    assert "ksql.server.url=http://localhost:8088" in properties


def test_file_names_follow_ksql_migrations() -> None:
    assert MIGRATIONS, "no migrations found"
    for path in MIGRATIONS:
        assert FILE_NAME.fullmatch(path.name), path.name


def test_versions_are_unique_and_contiguous_from_one() -> None:
    versions = [int(FILE_NAME.fullmatch(path.name).group(1)) for path in MIGRATIONS]  # type: ignore[union-attr]
    assert versions == list(range(1, len(MIGRATIONS) + 1))


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: p.name)
def test_every_statement_ends_with_a_semicolon(path: Path) -> None:
    statements = split_statements(path.read_text())
    assert statements, f"{path.name} holds no statement"
    assert all(statement.terminated for statement in statements)


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: p.name)
def test_one_concern_per_file(path: Path) -> None:
    creates = [s for s in split_statements(path.read_text()) if CREATE.match(s.text)]
    assert len(creates) == 1, f"{path.name} creates {len(creates)} objects"


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: p.name)
def test_files_hold_only_statements_ksql_migrations_accepts(path: Path) -> None:
    forbidden = ("SELECT", "DESCRIBE", "EXPLAIN", "PRINT", "SHOW", "LIST", "RUN SCRIPT")
    for statement in split_statements(path.read_text()):
        assert not statement.text.upper().startswith(forbidden), statement.text


def test_every_topic_has_a_source_with_avro_values_and_an_explicit_key() -> None:
    objects = created_objects()
    for topic in (
        "customers",
        "products",
        "orders",
        "payments",
        "shipments",
        "app_events",
        "trades",
    ):
        source = objects[topic.upper()]
        assert f"KAFKA_TOPIC = '{topic.upper()}'" in source
        assert "VALUE_FORMAT = 'AVRO'" in source
        assert re.search(r"\(\w+ STRING (PRIMARY )?KEY\)", source), source


@pytest.mark.parametrize(("view", "shape"), VIEWS.items())
def test_the_views_the_platform_shows(view: str, shape: str) -> None:
    definition = created_objects()[view]
    assert " AS SELECT " in definition
    assert shape in definition


def test_views_are_created_after_their_sources() -> None:
    seen: set[str] = set()
    for path in MIGRATIONS:
        for statement in split_statements(path.read_text()):
            match = CREATE.match(statement.text)
            if not match:
                continue
            sources = re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", statement.text, re.IGNORECASE)
            for source in sources:
                assert source.upper() in seen, f"{path.name} reads {source} before it exists"
            seen.add(match.group(2).upper())
