"""Two concurrent applies, an apply killed mid-file and repaired, rollback with and without down
files: against the embedded stack, with `ksqlmv migrate` run as separate processes where it
matters."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

STREAM = (
    "CREATE STREAM {p}_{name} (id STRING KEY, n INT) "
    "WITH (kafka_topic='{p}_{name}', partitions=1, value_format='json');\n"
)


def stream(name: str) -> str:
    return STREAM.replace("{name}", name)


def parked_file(project: Any) -> tuple[str, bytes]:
    """A file whose second statement a relay holds back (the marker is that statement's name)."""
    return stream("A") + stream("PARKED") + stream("B"), f"{project.prefix}_PARKED".encode()


def test_two_concurrent_applies_cannot_both_run(project: Any, relay_factory: Any) -> None:
    text, marker = parked_file(project)
    project.write(1, "parked", text)
    relay = relay_factory(marker)
    first = project.spawn("apply", "--all", "--server", relay.url)
    second = first
    try:
        assert relay.held.wait(60), "the first apply never reached its second statement"
        assert project.states() == {1: "RUNNING"}
        impatient = project.spawn("apply", "--all", "--lock-timeout", "1")
        _, err = impatient.communicate(timeout=60)
        assert impatient.returncode == 7, err
        assert "another process holds the migrations lock" in err
        assert "apply by " in err and f"pid {first.pid}" in err
        second = project.spawn("apply", "--all", "--lock-timeout", "120")
        time.sleep(2)
        assert second.poll() is None, "the second apply should be waiting for the lock"
        assert project.states() == {1: "RUNNING"}
        relay.release()
        out, err = first.communicate(timeout=120)
        assert first.returncode == 0, err
        assert "Applied 1 migration(s)" in out
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert "No eligible migrations found." in out
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=30)
    assert project.states() == {1: "MIGRATED"}
    assert {f"{project.prefix}_{n}" for n in ("A", "PARKED", "B")} <= project.sources()


def kill_parked_apply(project: Any, relay_factory: Any) -> None:
    """Start an apply through a relay that holds its second statement, then kill -9 it."""
    _, marker = parked_file(project)
    relay = relay_factory(marker)
    victim = project.spawn("apply", "--all", "--server", relay.url)
    try:
        assert relay.held.wait(60), "the apply never reached its second statement"
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)  # reaps it and closes its pipes
        relay.close()  # the held statement is dropped, never delivered


def test_an_apply_killed_mid_file_is_repaired(project: Any, relay_factory: Any) -> None:
    text, _ = parked_file(project)
    path = project.write(1, "interrupted", text)
    kill_parked_apply(project, relay_factory)
    assert project.states() == {1: "RUNNING"}
    assert project.sources() == {f"{project.prefix}_A"}

    blocked = project.invoke("apply", "--all", "--lock-timeout", "1", expect=7)
    assert "repair --break-lock" in blocked.output
    project.invoke("repair", "--lock-timeout", "1", expect=7)

    repaired = project.invoke("repair", "--break-lock")
    assert "broke the lock held by apply by" in repaired.output
    assert "version 1: RUNNING since" in repaired.output and "-> ERROR" in repaired.output
    info = project.info()["migrations"][0]
    assert info["state"] == "ERROR" and "interrupted" in info["error_reason"]
    assert "Nothing to repair." in project.invoke("repair").output

    # The first statement had run: make the file safe to run again, then apply it.
    path.write_text(path.read_text().replace("CREATE STREAM", "CREATE STREAM IF NOT EXISTS", 1))
    project.invoke("apply", "--all")
    assert project.states() == {1: "MIGRATED"}
    assert {f"{project.prefix}_{n}" for n in ("A", "PARKED", "B")} == project.sources()


def test_repair_can_mark_an_interrupted_version_migrated(project: Any, relay_factory: Any) -> None:
    text, _ = parked_file(project)
    project.write(1, "interrupted", text)
    kill_parked_apply(project, relay_factory)
    project.invoke("repair", "--break-lock", "--mark-migrated")
    assert project.states() == {1: "MIGRATED"}
    project.invoke("validate")


def test_rollback_with_and_without_down_files(project: Any) -> None:
    project.write(1, "a", stream("A"))
    project.write(2, "b", "CREATE STREAM {p}_B AS SELECT * FROM {p}_A;\n")
    project.write(2, "b", "DROP STREAM {p}_B DELETE TOPIC;\n", down=True)
    project.write(3, "c", stream("C"))
    project.write(3, "c", "DROP STREAM {p}_C DELETE TOPIC;\n", down=True)
    project.invoke("apply", "--all")
    names = {f"{project.prefix}_{n}" for n in "ABC"}
    assert names <= project.sources()

    refused = project.invoke("rollback", "--to", "0", expect=3)
    assert (
        "no down file for version 1" in refused.output and "nothing was changed" in refused.output
    )
    assert project.states() == {1: "MIGRATED", 2: "MIGRATED", 3: "MIGRATED"}

    dry = project.invoke("rollback", "--to", "1", "--dry-run")
    assert "DROP STREAM" in dry.output
    assert names <= project.sources()

    done = project.invoke_json("rollback", "--to", "1")
    assert done[-1] == {"kind": "result", "rolled_back": [3, 2], "current": 1, "dry_run": False}
    assert project.sources() == {f"{project.prefix}_A"}
    info = project.info()
    assert info["current_version"] == "1"
    assert [m["state"] for m in info["migrations"]] == ["MIGRATED", "PENDING", "PENDING"]
    assert info["migrations"][2]["error_reason"] == "rolled back with U000003__c.sql"
    project.invoke("validate")

    project.invoke("apply", "--all")
    assert project.states() == {1: "MIGRATED", 2: "MIGRATED", 3: "MIGRATED"}
    assert [m["previous"] for m in project.info()["migrations"]] == ["<none>", "1", "2"]
    assert "Nothing to roll back." in project.invoke("rollback", "--to", "3").output
    too_far = project.invoke("rollback", "--to", "7", expect=3)
    assert "latest migrated version is 3" in too_far.output


def test_rollback_to_zero_leaves_no_history(project: Any) -> None:
    project.write(1, "a", stream("A"))
    project.write(1, "a", "DROP STREAM {p}_A DELETE TOPIC;\n", down=True)
    project.invoke("apply", "--all")
    project.invoke("rollback", "--to", "0")
    assert project.sources() == set()
    assert project.states() == {1: "PENDING"}
    project.invoke("apply", "--all")
    assert project.states() == {1: "MIGRATED"}


@pytest.mark.slow
def test_plan_check_applies_the_platform_migrations_to_a_throwaway_stack(
    make_project: Any, embedded_stack_factory: Any, repo_root: Path
) -> None:
    # A server of its own: the platform's objects must not exist on it yet.
    live = embedded_stack_factory(services=("broker", "registry", "ksql"))
    config = (repo_root / "ksql" / "ksql-migrations.properties").read_text()
    platform = make_project("ksql", config_text=config, stack=live)
    shutil.rmtree(platform.root / "migrations")
    shutil.copytree(repo_root / "ksql" / "migrations", platform.root / "migrations")
    server = ("--server", platform.url)
    platform.invoke("initialize-metadata", *server)
    schemas = ("--schemas", str(repo_root / "schemas"))
    checked = platform.invoke("plan", "--check", *server, *schemas)
    assert "Check passed: 16 migration(s) applied to a throw-away embedded stack." in checked.output
    broken = platform.root / "migrations" / "V000017__broken.sql"
    broken.write_text("CREATE TABLE t AS SELECT nope, COUNT(*) FROM orders GROUP BY nope;\n")
    failed = platform.invoke("plan", "--check", *server, *schemas, expect=4)
    assert "V000017__broken.sql:1:1: " in failed.output
    report = platform.invoke_json("info", *server)[-1]
    assert report["current_version"] == "<none>"  # the live server was left alone
