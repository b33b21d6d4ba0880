"""What the metadata says: the latest migrated version, validation of the chain, apply selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from ksqlmv.errors import ValidationError
from ksqlmv.migrations.files import MigrationFile, MigrationSet
from ksqlmv.migrations.history import ApplyMode, History, select
from ksqlmv.migrations.records import MigrationRecord, MigrationState

M, R, E, P = (
    MigrationState.MIGRATED,
    MigrationState.RUNNING,
    MigrationState.ERROR,
    MigrationState.PENDING,
)


def files(*versions: int) -> MigrationSet:
    return MigrationSet(
        Path("migrations"),
        tuple(MigrationFile(v, f"m{v}", Path(f"migrations/V{v:06d}__m{v}.sql")) for v in versions),
    )


def record(version: int, state: MigrationState, previous: int | None) -> MigrationRecord:
    return MigrationRecord(
        version,
        f"m{version}",
        state,
        f"sum{version}",
        "1000",
        "" if state is R else "2000",
        "<none>" if previous is None else str(previous),
    )


def history(
    current: tuple[int, MigrationState] | None, *rows: tuple[int, MigrationState]
) -> History:
    """Rows chained in the order given; CURRENT is a copy of the row of its version."""
    versions: dict[int, MigrationRecord] = {}
    previous: int | None = None
    for version, state in rows:
        versions[version] = record(version, state, previous)
        previous = version
    head = None
    if current is not None:
        head = versions[current[0]] if current[0] in versions else record(*current, previous)
    return History(head, versions)


LATEST = [
    (history(None), None),
    (history((1, M), (1, M)), 1),
    (history((3, M), (1, M), (2, M), (3, M)), 3),
    (history((3, E), (1, M), (2, M), (3, E)), 2),
    (history((3, R), (1, M), (2, M), (3, R)), 2),
    (history((1, E), (1, E)), None),
    (history((1, P), (1, P)), None),
]


@pytest.mark.parametrize(("state", "expected"), LATEST)
def test_latest_migrated(state: History, expected: int | None) -> None:
    assert state.latest_migrated() == expected


def test_latest_migrated_needs_the_previous_version_migrated() -> None:
    broken = history((3, E), (1, M), (2, E), (3, E))
    with pytest.raises(ValidationError, match="Previous version status: ERROR"):
        broken.latest_migrated()


def test_current_version_and_running() -> None:
    assert history(None).current_version == "<none>"
    running = history((2, R), (1, M), (2, R))
    assert running.current_version == "2"
    assert running.running() is not None
    assert history((2, M), (1, M), (2, M)).running() is None


def matching(migration: MigrationFile) -> str:
    return f"sum{migration.version}"


CHECKS = [
    # (history, files on disk, checksum override, expected problem fragments)
    (history((2, M), (1, M), (2, M)), files(1, 2, 3), {}, []),
    (history(None), files(1, 2), {}, []),
    (history((2, M), (1, M), (2, M)), files(2), {}, ["No migrations file found", "Version: 1"]),
    (
        history((2, M), (1, M), (2, M)),
        files(1, 2),
        {2: "changed"},
        ["V000002__m2.sql has changed", "expected checksum sum2", "actual checksum changed"],
    ),
    (
        history((3, M), (1, M), (2, M), (3, M)),
        files(1, 2, 3),
        {1: "x", 3: "y"},
        ["V000003__m3.sql has changed", "V000001__m1.sql has changed"],
    ),
    (
        history((3, M), (1, M), (2, E), (3, M)),
        files(1, 2, 3),
        {},
        ["Previous version: 2", "Previous version status: ERROR"],
    ),
]


@pytest.mark.parametrize(("state", "on_disk", "changed", "fragments"), CHECKS)
def test_check_reports_every_problem(
    state: History, on_disk: MigrationSet, changed: dict[int, str], fragments: list[str]
) -> None:
    problems = state.check(on_disk, lambda m: changed.get(m.version, matching(m)))
    joined = "; ".join(problems)
    if not fragments:
        assert problems == []
    for fragment in fragments:
        assert fragment in joined


def test_check_stops_on_a_loop_in_the_chain() -> None:
    looped = History(record(2, M, 1), {1: record(1, M, 2), 2: record(2, M, 1)})
    problems = looped.check(files(1, 2), matching)
    assert any("loops" in p for p in problems)


SELECT = [
    # (history, files, mode, target, expected versions, previous)
    (history(None), files(1, 2, 3), ApplyMode.ALL, None, [1, 2, 3], None),
    (history(None), files(1, 2, 3), ApplyMode.NEXT, None, [1], None),
    (history(None), files(1, 2, 3), ApplyMode.UNTIL, 2, [1, 2], None),
    (history(None), files(1, 2, 3), ApplyMode.VERSION, 1, [1], None),
    (history((2, M), (1, M), (2, M)), files(1, 2, 3, 4), ApplyMode.ALL, None, [3, 4], 2),
    (history((2, M), (1, M), (2, M)), files(1, 2, 3, 4), ApplyMode.NEXT, None, [3], 2),
    (history((2, M), (1, M), (2, M)), files(1, 2, 3, 4), ApplyMode.UNTIL, 3, [3], 2),
    (history((2, M), (1, M), (2, M)), files(1, 2), ApplyMode.ALL, None, [], 2),
    (history((2, M), (1, M), (2, M)), files(1, 2), ApplyMode.NEXT, None, [], 2),
    (history((2, M), (1, M), (2, M)), files(1, 2, 5), ApplyMode.UNTIL, 4, [], 2),
    # an ERROR version is applied again
    (history((3, E), (1, M), (2, M), (3, E)), files(1, 2, 3, 4), ApplyMode.ALL, None, [3, 4], 2),
    # gaps in numbering are fine
    (history((1, M), (1, M)), files(1, 5, 10), ApplyMode.ALL, None, [5, 10], 1),
]


@pytest.mark.parametrize(("state", "on_disk", "mode", "target", "expected", "previous"), SELECT)
def test_select(
    state: History,
    on_disk: MigrationSet,
    mode: ApplyMode,
    target: int | None,
    expected: list[int],
    previous: int | None,
) -> None:
    selection = select(state, on_disk, mode, target)
    assert [m.version for m in selection.migrations] == expected
    assert selection.previous == previous


def test_select_version_refuses_an_older_or_missing_version() -> None:
    state = history((2, M), (1, M), (2, M))
    with pytest.raises(ValidationError, match="Last version migrated was 2"):
        select(state, files(1, 2, 3), ApplyMode.VERSION, 2)
    with pytest.raises(ValidationError, match="No migration file with version 7 exists"):
        select(state, files(1, 2, 3), ApplyMode.VERSION, 7)


def test_select_version_warns_about_skipped_versions() -> None:
    selection = select(history(None), files(1, 2, 3), ApplyMode.VERSION, 3)
    assert [m.version for m in selection.migrations] == [3]
    assert selection.warnings and "skips versions 1, 2" in selection.warnings[0]


def test_state_of_a_file_never_applied_is_pending() -> None:
    state = history((1, M), (1, M))
    (one, two) = files(1, 2).up
    assert state.state_of(one).state is M
    pending = state.state_of(two)
    assert pending.state is P
    assert (pending.checksum, pending.started_on, pending.previous) == ("N/A", "N/A", "N/A")
