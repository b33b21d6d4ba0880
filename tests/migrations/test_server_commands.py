"""Every command and flag against the embedded stack, and what bad input gets.

Each test has its own project (a unique prefix on every object) on the session's stack.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.integration

STREAM = (
    "CREATE STREAM {p}_{name} (id STRING KEY, n INT) "
    "WITH (kafka_topic='{p}_{name}', partitions=1, value_format='json');\n"
)


def stream(name: str) -> str:
    return STREAM.replace("{name}", name)


def test_initialize_metadata_is_idempotent_and_destroy_removes_it(project: Any) -> None:
    assert "already exists" in project.invoke("initialize-metadata").output
    with project.client() as client:
        assert project.stream in {s["name"] for s in client.list_streams()}
        assert project.table in {t["name"] for t in client.list_tables()}
    assert "destroyed" in project.invoke("destroy-metadata").output
    with project.client() as client:
        assert project.stream not in {s["name"] for s in client.list_streams()}
        assert project.table not in {t["name"] for t in client.list_tables()}
    assert "No migrations metadata found" in project.invoke("destroy-metadata").output
    missing = project.invoke("apply", "--all", expect=3)
    assert "run `ksqlmv migrate initialize-metadata` first" in missing.output


def test_nothing_to_apply_exits_0(project: Any) -> None:
    assert "No eligible migrations found." in project.invoke("apply", "--all").output
    assert "No eligible migrations found." in project.invoke("apply", "--next").output
    assert project.info()["current_version"] == "<none>"


def test_a_syntax_error_is_located_recorded_and_fixable(project: Any) -> None:
    project.write(1, "first", stream("A"))
    broken = project.write(
        2,
        "second",
        "-- the second\n" + stream("B") + "CREATE STREAM {p}_C AS\n  SELEC * FROM {p}_B;\n",
    )
    failed = project.invoke("apply", "--all", expect=4)
    assert "V000002__second.sql:4:3: " in failed.output, failed.output
    states = project.states()
    assert states == {1: "MIGRATED", 2: "ERROR"}
    reason = project.info()["migrations"][1]["error_reason"]
    assert reason.startswith("Failed to parse sql: ") and "V000002__second.sql:4:3:" in reason
    assert f"{project.prefix}_B" not in project.sources()  # the parse pass runs before any of it

    broken.write_text(broken.read_text().replace("SELEC ", "SELECT "))
    project.invoke("apply", "--all")
    assert project.states() == {1: "MIGRATED", 2: "MIGRATED"}
    assert {f"{project.prefix}_{n}" for n in "ABC"} <= project.sources()


def test_a_statement_the_server_refuses_is_recorded_as_error(project: Any) -> None:
    project.write(
        1,
        "missing_topic",
        stream("A") + "CREATE STREAM {p}_X (id INT) WITH (kafka_topic='{p}_nowhere', "
        "value_format='json');\n",
    )
    failed = project.invoke("apply", "--all", expect=4)
    assert "V000001__missing_topic.sql:2:1: " in failed.output
    info = project.info()
    assert info["migrations"][0]["state"] == "ERROR"
    assert info["migrations"][0]["error_reason"].startswith("Failed to execute sql: CREATE STREAM")
    assert f"{project.prefix}_A" in project.sources()  # not atomic, as in ksql-migrations


def test_a_changed_applied_file_fails_validate_and_apply(project: Any) -> None:
    path = project.write(1, "first", stream("A"))
    project.invoke("apply", "--all")
    before = project.info()["migrations"][0]["checksum"]
    path.write_text(path.read_text() + "-- an edit\n")
    project.write(2, "second", stream("B"))
    for command in (("validate",), ("apply", "--all")):
        result = project.invoke(*command, expect=3)
        assert "V000001__first.sql has changed" in result.output
        assert f"expected checksum {before}" in result.output
        assert "actual checksum " in result.output
    assert project.states() == {1: "MIGRATED", 2: "PENDING"}
    repaired = project.invoke("repair", "--realign-checksums")
    assert "checksum" in repaired.output
    project.invoke("validate")
    project.invoke("apply", "--all")
    assert project.states() == {1: "MIGRATED", 2: "MIGRATED"}


def test_apply_modes_and_version_rules(project: Any) -> None:
    for version in (1, 2, 3, 4):
        project.write(version, f"v{version}", stream(f"S{version}"))
    project.invoke("apply", "--next")
    assert project.info()["current_version"] == "1"
    too_old = project.invoke("apply", "--version", "1", expect=3)
    assert "Version must be newer than the last version migrated" in too_old.output
    project.invoke("apply", "--version", "3")  # skips 2, as ksql-migrations allows, with a warning
    assert project.states() == {1: "MIGRATED", 2: "PENDING", 3: "MIGRATED", 4: "PENDING"}
    project.invoke("apply", "--until", "4")
    assert project.states()[4] == "MIGRATED"
    assert project.info()["migrations"][3]["previous"] == "3"


def test_dry_run_sends_nothing(project: Any) -> None:
    project.write(1, "first", "SET 'auto.offset.reset'='earliest';\n" + stream("A"))
    events = project.invoke_json("apply", "--all", "--dry-run")
    planned = [e for e in events if e["kind"] == "statement-planned"]
    assert len(planned) == 1 and planned[0]["message"].startswith(
        f"CREATE STREAM {project.prefix}_A"
    )
    assert [e["kind"] for e in events if e["kind"] == "statement-kept"] == ["statement-kept"]
    assert project.states() == {1: "PENDING"}
    assert project.sources() == set()


def test_json_progress_per_statement(project: Any) -> None:
    project.write(1, "two_statements", stream("A") + stream("B"))
    events = project.invoke_json("apply", "--all")
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "lock-acquired"
    assert kinds[1:] == [
        "migration-started",
        "statement-done",
        "statement-done",
        "migration-done",
        "lock-released",
        "result",
    ]
    done = [e for e in events if e["kind"] == "statement-done"]
    assert [(e["statement"], e["line"]) for e in done] == [(1, 1), (2, 2)]


def test_insert_values_go_through_inserts_stream(project: Any) -> None:
    project.write(
        1,
        "seed",
        stream("I") + "INSERT INTO {p}_I (id, n) VALUES ('a', 1);\n"
        "INSERT INTO {p}_I (id, n) VALUES ('b', -2);\n",
    )
    project.invoke("apply", "--all")
    with (
        project.client() as client,
        client.stream(
            f"SELECT id, n FROM {project.prefix}_I EMIT CHANGES LIMIT 2;",
            properties={"auto.offset.reset": "earliest"},
        ) as query,
    ):
        rows = sorted(tuple(row.values) for row in query)
    assert rows == [("a", 1), ("b", -2)]


def test_defines_and_variables(project: Any) -> None:
    project.write(
        1,
        "variables",
        "DEFINE suffix = 'V';\n"
        "CREATE STREAM ${prefix}_${suffix} (id STRING KEY) "
        "WITH (kafka_topic='${prefix}_topic', partitions=1, value_format='json');\n",
    )
    project.invoke("apply", "--all", "-d", f"prefix={project.prefix}")
    assert f"{project.prefix}_V" in project.sources()


def test_headers_file_is_accepted(project: Any, tmp_path: Any) -> None:
    headers = tmp_path / "headers.txt"
    headers.write_text("X-Migration-Run: test\n")
    project.write(1, "first", stream("A"))
    project.invoke("apply", "--all", "--headers", str(headers))
    assert project.states() == {1: "MIGRATED"}


def test_baseline_adopts_an_existing_server(project: Any) -> None:
    with project.client() as client:
        client.execute(stream("A").replace("{p}", project.prefix))
    project.write(1, "made_by_hand", stream("A"))
    project.write(2, "next", stream("B"))
    project.invoke("baseline", "--version", "1")
    info = project.info()
    assert info["current_version"] == "1"
    assert [m["state"] for m in info["migrations"]] == ["MIGRATED", "PENDING"]
    project.invoke("validate")
    project.invoke("apply", "--all")
    assert project.states() == {1: "MIGRATED", 2: "MIGRATED"}
    again = project.invoke("baseline", "--version", "2", expect=3)
    assert "already has migration history" in again.output


def test_plan_against_the_live_catalog(project: Any) -> None:
    project.write(1, "first", stream("A"))
    project.invoke("apply", "--all")
    project.write(
        2,
        "second",
        "CREATE STREAM {p}_B AS SELECT * FROM {p}_A;\nDROP STREAM {p}_A;\n",
    )
    result = project.invoke("plan", expect=3)
    assert f"create stream {project.prefix}_B" in result.output
    assert f"Cannot drop {project.prefix}_A. The following queries read from this source" in (
        result.output
    )
    project.write(2, "second", "CREATE STREAM {p}_B AS SELECT * FROM {p}_A;\n")
    fine = project.invoke_json("plan")
    (plan,) = [e for e in fine if e["kind"] == "plan"]
    assert [c["kind"] for c in plan["changes"]] == ["create", "start"]
    assert project.states() == {1: "MIGRATED", 2: "PENDING"}  # plan changes nothing
