"""The metadata format, checked against what ksql-migrations documents and writes.

Reference: docs/operate-and-deploy/migrations-tool.md, and ksql-migrations'
InitializeMigrationCommand and MetadataUtil. Stream `MIGRATION_EVENTS` with `version_key STRING
KEY, version, name, state, checksum, started_on, completed_on, previous, error_reason`, all STRING,
VALUE_FORMAT JSON, one partition; table `MIGRATION_SCHEMA_VERSIONS` = LATEST_BY_OFFSET of each
column GROUP BY version_key; two rows per state change (`CURRENT` first, then the version);
`<none>` and `N/A` sentinels; times as epoch-millisecond strings, empty completed_on while RUNNING.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ksqlmv.errors import ProtocolError
from ksqlmv.migrations.config import MigrationConfig
from ksqlmv.migrations.records import (
    COLUMNS,
    MigrationRecord,
    MigrationState,
    format_time,
    now_millis,
)
from ksqlmv.migrations.report import format_info
from ksqlmv.migrations.store import create_stream_sql, create_table_sql
from ksqlmv.sql import ast, parse_statement
from ksqlmv.sql.types import STRING

DOCUMENTED_COLUMNS = [
    "version_key",
    "version",
    "name",
    "state",
    "checksum",
    "started_on",
    "completed_on",
    "previous",
    "error_reason",
]


def test_columns_are_the_documented_ones_in_order() -> None:
    assert [c.lower() for c in COLUMNS] == DOCUMENTED_COLUMNS


def test_states_are_the_documented_ones() -> None:
    assert [s.value for s in MigrationState] == ["PENDING", "RUNNING", "MIGRATED", "ERROR"]


def test_the_metadata_stream_is_created_as_documented(tmp_path: Path) -> None:
    config = MigrationConfig(tmp_path / "x.properties", topic_replicas=3)
    statement = parse_statement(create_stream_sql(config, "default_"))
    assert isinstance(statement, ast.CreateStream)
    assert statement.name == "MIGRATION_EVENTS"
    assert [e.name.lower() for e in statement.elements] == DOCUMENTED_COLUMNS
    assert all(e.type == STRING for e in statement.elements)
    assert statement.elements[0].constraint is ast.ColumnConstraint.KEY
    properties = {
        k: getattr(v, "value", None) for k, v in ast.property_map(statement.properties).items()
    }
    assert properties == {
        "KAFKA_TOPIC": "default_ksql_MIGRATION_EVENTS",
        "VALUE_FORMAT": "JSON",
        "PARTITIONS": 1,
        "REPLICAS": 3,
    }


def test_the_metadata_table_is_created_as_documented(tmp_path: Path) -> None:
    config = MigrationConfig(tmp_path / "x.properties", table_topic="versions")
    statement = parse_statement(create_table_sql(config, "default_"))
    assert isinstance(statement, ast.CreateTableAsSelect)
    assert statement.name == "MIGRATION_SCHEMA_VERSIONS"
    assert ast.property_map(statement.properties)["KAFKA_TOPIC"] == ast.StringLiteral("versions")
    query = statement.query
    assert query.group_by == (ast.ColumnRef("VERSION_KEY"),)
    assert query.from_ == ast.AliasedRelation("MIGRATION_EVENTS", "MIGRATION_EVENTS")
    items = [item for item in query.select if isinstance(item, ast.SingleColumn)]
    assert items[0].expression == ast.ColumnRef("VERSION_KEY")
    for item, column in zip(items[1:], DOCUMENTED_COLUMNS[1:], strict=True):
        assert item.alias == column.upper()
        assert item.expression == ast.FunctionCall(
            "LATEST_BY_OFFSET", (ast.ColumnRef(column.upper()),)
        )


def test_rows_written_for_a_state_change() -> None:
    running = MigrationRecord(
        3,
        "create orders stream",
        MigrationState.RUNNING,
        "1bdb2489db5d969dc2f2bc918407f2d6",
        "1700000000000",
        "",
        "2",
    )
    assert running.row("CURRENT") == {
        "VERSION_KEY": "CURRENT",
        "VERSION": "3",
        "NAME": "create orders stream",
        "STATE": "RUNNING",
        "CHECKSUM": "1bdb2489db5d969dc2f2bc918407f2d6",
        "STARTED_ON": "1700000000000",
        "COMPLETED_ON": "",
        "PREVIOUS": "2",
        "ERROR_REASON": "N/A",
    }
    assert running.row("3") == {**running.row("CURRENT"), "VERSION_KEY": "3"}
    failed = running.moved_to(MigrationState.ERROR, "1700000001234", "Failed to execute sql: x")
    assert failed.row("3")["STATE"] == "ERROR"
    assert failed.row("3")["COMPLETED_ON"] == "1700000001234"
    assert failed.row("3")["ERROR_REASON"] == "Failed to execute sql: x"
    first = MigrationRecord(1, "a", MigrationState.MIGRATED, "c", "1", "2", "<none>")
    assert first.row("1")["PREVIOUS"] == "<none>"
    assert first.previous_version is None and running.previous_version == 2


def test_rows_read_back_in_any_case() -> None:
    row = {
        c.lower(): v
        for c, v in MigrationRecord(7, "x y", MigrationState.MIGRATED, "c", "1", "2", "6")
        .row("7")
        .items()
    }
    record = MigrationRecord.from_row(row)
    assert (record.version, record.name, record.state, record.previous) == (
        7,
        "x y",
        MigrationState.MIGRATED,
        "6",
    )


@pytest.mark.parametrize(
    "row",
    [
        {"VERSION": "x"},
        {c: "1" for c in COLUMNS} | {"STATE": "DONE"},
        {c: None for c in COLUMNS},
    ],
)
def test_unreadable_rows_are_protocol_errors(row: dict[str, str | None]) -> None:
    with pytest.raises(ProtocolError, match="unreadable migrations metadata row"):
        MigrationRecord.from_row(row)


def test_times_are_epoch_millisecond_strings() -> None:
    before = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    value = now_millis()
    after = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    assert value.isdigit() and before <= int(value) <= after


TIMES = [
    ("1700000000123", dt.UTC, "2023-11-14 22:13:20.123 UTC"),
    ("0", dt.UTC, "1970-01-01 00:00:00.000 UTC"),
    ("1700000000123", dt.timezone(dt.timedelta(hours=2), "CEST"), "2023-11-15 00:13:20.123 CEST"),
    ("", dt.UTC, ""),
    ("N/A", dt.UTC, "N/A"),
]


@pytest.mark.parametrize(("millis", "zone", "expected"), TIMES)
def test_format_time_as_info_prints_it(millis: str, zone: dt.tzinfo, expected: str) -> None:
    assert format_time(millis, zone) == expected


def test_info_table_layout() -> None:
    records = [
        MigrationRecord(
            1,
            "create customers table",
            MigrationState.MIGRATED,
            "a",
            "1700000000000",
            "1700000000500",
            "<none>",
        ),
        MigrationRecord(
            2,
            "broken",
            MigrationState.ERROR,
            "b",
            "1700000001000",
            "1700000001100",
            "1",
            "Failed to execute sql: X",
        ),
        MigrationRecord.pending(3, "next"),
    ]
    table = format_info(records, dt.UTC).splitlines()
    header = [
        " Version | Name                   | State    | Previous Version | Started On         "
        "         | Completed On                | Error Reason             ",
    ]
    assert table[1:2] == header
    assert set(table[0]) == {"-"} and table[0] == table[2] == table[-1]
    assert len(table[0]) == len(header[0])
    assert table[3] == (
        " 1       | create customers table | MIGRATED | <none>           | 2023-11-14 22:13:20.000"
        " UTC | 2023-11-14 22:13:20.500 UTC | N/A                      "
    )
    assert table[5].startswith(" 3       | next                   | PENDING  | N/A ")
    assert len(table) == 7
