"""Fixing and adopting metadata without hand-written INSERTs: `repair` and `baseline`.

`repair`, under the server lock (`--break-lock` first frees a lock whose holder is gone):

- a version left RUNNING by an interrupted apply or rollback becomes ERROR, with a reason saying
  so, and the next apply runs it again; `--mark-migrated` records it MIGRATED instead (for when
  its statements all ran, or were finished by hand);
- an ERROR version becomes MIGRATED with `--mark-migrated`;
- a CURRENT row and its version's row that disagree (a process killed between the two writes of
  another tool) are made to agree, CURRENT winning;
- `--realign-checksums` records the present checksum of applied files that were edited on
  purpose, so validate and apply accept them again.

`baseline --version N` adopts a server whose objects were created some other way: versions 1..N
are recorded MIGRATED with their files' checksums, as if they had been applied, and later files
are applied normally. It refuses a server that already has migration history.
"""

from __future__ import annotations

import dataclasses

from ksqlmv.errors import ValidationError
from ksqlmv.migrations.events import Event, EventKind
from ksqlmv.migrations.files import MigrationSet
from ksqlmv.migrations.records import (
    NONE_VERSION,
    MigrationRecord,
    MigrationState,
    format_time,
    now_millis,
)
from ksqlmv.migrations.runner import Migrator

__all__ = ["baseline", "repair"]

_INTERRUPTED = "interrupted while RUNNING; marked ERROR by `ksqlmv migrate repair`"


def repair(
    migrator: Migrator,
    *,
    mark_migrated: bool = False,
    realign_checksums: bool = False,
    break_lock: bool = False,
) -> list[str]:
    """Repair the metadata; returns one line per change made (empty when nothing needed it)."""
    files = migrator.files()
    migrator.store.require()
    actions: list[str] = []
    lock = migrator.lock("repair")
    if break_lock:
        holder = lock.break_lock()
        if holder is not None:
            actions.append(f"broke the lock held by {holder.describe()}")
    with lock.hold(migrator.lock_timeout):
        history = migrator.history(files)
        current = history.current
        if current is not None:
            own_row = history.versions.get(current.version)
            fixed = _fixed_current(current, mark_migrated)
            if fixed is not None:
                migrator.store.write(fixed)
                was = current.state.value
                if current.state is MigrationState.RUNNING:
                    was = f"RUNNING since {format_time(current.started_on)}"
                actions.append(f"version {current.version}: {was} -> {fixed.state.value}")
            elif own_row != current:
                migrator.store.write(current, current=False)
                actions.append(f"version {current.version}: its row now matches CURRENT")
        if realign_checksums:
            actions.extend(_realign(migrator, files))
        migrator.store.settle()
    return actions


def _fixed_current(current: MigrationRecord, mark_migrated: bool) -> MigrationRecord | None:
    if current.state is MigrationState.RUNNING:
        if mark_migrated:
            return current.moved_to(MigrationState.MIGRATED, now_millis())
        return current.moved_to(MigrationState.ERROR, now_millis(), _INTERRUPTED)
    if current.state is MigrationState.ERROR and mark_migrated:
        return current.moved_to(MigrationState.MIGRATED, now_millis())
    return None


def _realign(migrator: Migrator, files: MigrationSet) -> list[str]:
    history = migrator.history(files)
    actions: list[str] = []
    version = history.latest_migrated()
    current = history.current
    while version is not None:
        record = history.record(version)
        found = files.by_version(version)
        if found is not None:
            actual = found.checksum()
            if actual != record.checksum:
                is_current = current is not None and current.version == version
                migrator.store.write(
                    dataclasses.replace(record, checksum=actual), current=is_current
                )
                actions.append(
                    f"version {version}: checksum {record.checksum} -> {actual} ({found.file_name})"
                )
        version = record.previous_version
    return actions


def baseline(migrator: Migrator, version: int) -> list[MigrationRecord]:
    """Record versions 1..`version` as MIGRATED without running them; returns the rows written."""
    files = migrator.files()
    migrator.store.require()
    if files.by_version(version) is None:
        raise ValidationError(f"No migration file with version {version} exists.")
    with migrator.lock("baseline").hold(migrator.lock_timeout):
        history = migrator.history(files)
        if history.current is not None and history.latest_migrated() is not None:
            raise ValidationError(
                f"the server already has migration history (current version "
                f"{history.current_version}): baseline only adopts a server without one"
            )
        now = now_millis()
        previous = NONE_VERSION
        written: list[MigrationRecord] = []
        adopted = [m for m in files.up if m.version <= version]
        for migration in adopted:
            record = MigrationRecord(
                migration.version,
                migration.name,
                MigrationState.MIGRATED,
                migration.checksum(),
                now,
                now,
                previous,
            )
            migrator.store.write(record, current=migration is adopted[-1])
            written.append(record)
            previous = str(migration.version)
            migrator.emit(
                Event(
                    EventKind.NOTE,
                    f"baselined version {migration.version}",
                    migration.version,
                    migration.name,
                    migration.file_name,
                )
            )
        migrator.store.settle()
    return written
