"""The whole lifecycle on the platform's own ksql/ project, against the embedded stack.

initialize -> info (all PENDING) -> plan -> apply --dry-run -> apply --next / --until /
--version / --all -> info, validate -> nothing left (exit 0) -> the rows written, compared with
ksql-migrations' documented format -> destroy-metadata.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from ksqlmv.client import KsqlClient

pytestmark = pytest.mark.integration


def test_platform_lifecycle(make_project: Any, ksql_stack: Any, repo_root: Path) -> None:
    # The platform project itself: its properties file (default metadata names) and its files.
    config = (repo_root / "ksql" / "ksql-migrations.properties").read_text()
    platform = make_project("ksql", config_text=config)
    shutil.rmtree(platform.root / "migrations")
    shutil.copytree(repo_root / "ksql" / "migrations", platform.root / "migrations")
    run = platform.invoke
    server = ("--server", ksql_stack.ksqldb_url)

    first = run("initialize-metadata", *server)
    assert "initialized" in first.output
    again = run("initialize-metadata", *server)
    assert "already exists" in again.output

    info = run("info", *server).output
    assert "Current migration version: <none>" in info
    assert info.count("PENDING") == 16

    plan = platform.invoke_json("plan", *server)
    planned = [e for e in plan if e["kind"] == "plan"]
    assert [p["version"] for p in planned] == list(range(1, 17))
    assert all(p["problems"] == [] for p in planned)

    dry = run("apply", "--all", "--dry-run", *server).output
    assert "Dry run complete: 16 migration(s) would be applied." in dry
    assert "CREATE SOURCE TABLE customers" in dry
    assert "Current migration version: <none>" in run("info", *server).output

    assert "current version 1." in run("apply", "--next", *server).output
    assert "current version 5." in run("apply", "--until", "5", *server).output
    assert "current version 6." in run("apply", "--version", "6", *server).output
    applied = platform.invoke_json("apply", "--all", *server)
    result = applied[-1]
    assert result == {
        "kind": "result",
        "applied": list(range(7, 17)),
        "current": 16,
        "dry_run": False,
    }
    statement_events = [e for e in applied if e["kind"] == "statement-done"]
    assert statement_events and all("elapsed_ms" in e for e in statement_events)

    assert "No eligible migrations found." in run("apply", "--all", *server).output
    assert "Successfully validated" in run("validate", *server).output

    report = platform.invoke_json("info", *server)[-1]
    assert report["current_version"] == "16"
    assert {m["state"] for m in report["migrations"]} == {"MIGRATED"}

    with KsqlClient(ksql_stack.ksqldb_url) as client:
        tables = {t["name"] for t in client.list_tables()}
        streams = {s["name"] for s in client.list_streams()}
        assert {"CUSTOMERS", "REVENUE_PER_MINUTE", "SHIPMENT_STATUS_BY_ORDER"} <= tables
        assert {"ORDERS", "ORDERS_ENRICHED", "PAYMENTS_MATCHED", "MIGRATION_EVENTS"} <= streams
        rows = {
            str(r["VERSION_KEY"]): r
            for r in client.pull("SELECT * FROM MIGRATION_SCHEMA_VERSIONS;").as_dicts()
        }
    check_rows_match_the_documented_format(rows, platform.root / "migrations")

    assert "destroyed" in run("destroy-metadata", *server).output
    gone = run("info", *server, expect=3)
    assert "initialize-metadata" in gone.output


def check_rows_match_the_documented_format(rows: dict[str, Any], folder: Path) -> None:
    """Every version and CURRENT as ksql-migrations writes them, and the lock's own row."""
    lock = rows.pop("LOCK")  # ksqlmv's lock events; ksql-migrations never reads this key
    assert lock["STATE"] == "RELEASE" and lock["NAME"].startswith("apply by ")
    files = sorted(folder.glob("V*.sql"))
    assert set(rows) == {"CURRENT", *[str(int(f.name[1:7])) for f in files]}
    previous = "<none>"
    for path in files:
        version = str(int(path.name[1:7]))
        row = rows[version]
        assert set(row) == {
            "VERSION_KEY",
            "VERSION",
            "NAME",
            "STATE",
            "CHECKSUM",
            "STARTED_ON",
            "COMPLETED_ON",
            "PREVIOUS",
            "ERROR_REASON",
        }
        assert row["VERSION"] == version
        assert row["NAME"] == path.stem.split("__", 1)[1].replace("_", " ")
        assert row["STATE"] == "MIGRATED"
        assert row["CHECKSUM"] == hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        assert row["STARTED_ON"].isdigit() and row["COMPLETED_ON"].isdigit()
        assert int(row["STARTED_ON"]) <= int(row["COMPLETED_ON"])
        assert row["PREVIOUS"] == previous
        assert row["ERROR_REASON"] == "N/A"
        previous = version
    assert {**rows["CURRENT"], "VERSION_KEY": "16"} == rows["16"]
