"""What the metadata says has happened, and what may happen next: pure functions, no I/O.

`History` holds the CURRENT row and the rows of the versions read. From it:

- `latest_migrated` follows ksql-migrations: CURRENT's version if MIGRATED, else the version
  before it, which must be MIGRATED;
- `check` walks the `previous` chain back from there and reports every version that is not
  MIGRATED, has no file, or whose file's checksum changed (naming the file and both checksums);
- `select` picks the files `apply --all | --next | --until N | --version N` would run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from ksqlmv.errors import ValidationError
from ksqlmv.migrations.files import MigrationFile, MigrationSet
from ksqlmv.migrations.records import NONE_VERSION, MigrationRecord, MigrationState, format_time

__all__ = ["ApplyMode", "History", "Selection", "select"]


class ApplyMode(Enum):
    """Which pending migrations `apply` runs."""

    ALL = "all"
    NEXT = "next"
    UNTIL = "until"
    VERSION = "version"


@dataclass(frozen=True, slots=True)
class History:
    """The CURRENT row (None before the first apply) and the rows of individual versions."""

    current: MigrationRecord | None
    versions: Mapping[int, MigrationRecord] = field(default_factory=dict)

    @property
    def current_version(self) -> str:
        """CURRENT's version as `info` prints it, or `<none>`."""
        return str(self.current.version) if self.current else NONE_VERSION

    def record(self, version: int) -> MigrationRecord:
        """The row of `version`; a missing row is a `ValidationError`, as in ksql-migrations."""
        found = self.versions.get(version)
        if found is None:
            raise ValidationError(
                f"Failed to query state for migration with version {version}: no such migration "
                "is present in the migrations metadata table"
            )
        return found

    def latest_migrated(self) -> int | None:
        """The last version that is MIGRATED according to CURRENT, or None."""
        current = self.current
        if current is None:
            return None
        if current.state is MigrationState.MIGRATED:
            return current.version
        previous = current.previous_version
        if previous is None:
            return None
        before = self.record(previous)
        if before.state is not MigrationState.MIGRATED:
            raise ValidationError(_not_migrated(previous, before, current.version))
        return previous

    def running(self) -> MigrationRecord | None:
        """CURRENT, when an apply is (or was, before it was interrupted) running."""
        if self.current is not None and self.current.state is MigrationState.RUNNING:
            return self.current
        return None

    def check(
        self, files: MigrationSet, checksum: Callable[[MigrationFile], str] | None = None
    ) -> list[str]:
        """Every problem on the chain of applied versions; an empty list means valid."""
        digest = checksum or MigrationFile.checksum
        problems: list[str] = []
        version = self.latest_migrated()
        later: int | None = None
        seen: set[int] = set()
        while version is not None:
            if version in seen:
                problems.append(f"the chain of previous versions loops at version {version}")
                break
            seen.add(version)
            record = self.versions.get(version)
            if record is None:
                problems.append(f"version {version} has no row in the migrations metadata table")
                break
            if later is not None and record.state is not MigrationState.MIGRATED:
                problems.append(_not_migrated(version, record, later))
            found = files.by_version(version)
            if found is None:
                problems.append(
                    f"No migrations file found for version with status {record.state.value}. "
                    f"Version: {version}"
                )
            else:
                actual = digest(found)
                if actual != record.checksum:
                    problems.append(
                        f"{found.path} has changed since version {version} was applied: "
                        f"expected checksum {record.checksum}, actual checksum {actual}"
                    )
            later, version = version, record.previous_version
        return problems

    def validate(self, files: MigrationSet) -> None:
        """Raise a `ValidationError` listing every problem `check` finds."""
        problems = self.check(files)
        if problems:
            raise ValidationError("; ".join(problems))

    def state_of(self, migration: MigrationFile) -> MigrationRecord:
        """The version's row, or a PENDING one for a file that never ran."""
        return self.versions.get(migration.version) or MigrationRecord.pending(
            migration.version, migration.name
        )


@dataclass(frozen=True, slots=True)
class Selection:
    """The files to apply, in order, and what to warn about."""

    migrations: tuple[MigrationFile, ...]
    previous: int | None
    warnings: tuple[str, ...] = ()


def select(
    history: History, files: MigrationSet, mode: ApplyMode, target: int | None = None
) -> Selection:
    """The migrations `apply` would run in `mode` (`target` for UNTIL and VERSION)."""
    previous = history.latest_migrated()
    minimum = 1 if previous is None else previous + 1
    if mode is ApplyMode.VERSION:
        assert target is not None
        chosen = files.by_version(target)
        if chosen is None:
            raise ValidationError(f"No migration file with version {target} exists.")
        if target < minimum:
            shown = NONE_VERSION if previous is None else previous
            raise ValidationError(
                "Version must be newer than the last version migrated. Last version migrated "
                f"was {shown}"
            )
        skipped = [m.version for m in files.up if minimum <= m.version < target]
        warnings = (
            (
                f"applying version {target} skips versions {_versions(skipped)}, which will not be "
                "applied later",
            )
            if skipped
            else ()
        )
        return Selection((chosen,), previous, warnings)
    eligible = [m for m in files.up if m.version >= minimum]
    if mode is ApplyMode.UNTIL:
        assert target is not None
        eligible = [m for m in eligible if m.version <= target]
    if mode is ApplyMode.NEXT:
        eligible = eligible[:1]
    return Selection(tuple(eligible), previous)


def _not_migrated(version: int, record: MigrationRecord, later: int) -> str:
    return (
        "Discovered version with previous version that does not have status MIGRATED. "
        f"Version: {later}. Previous version: {version}. "
        f"Previous version status: {record.state.value}"
    )


def _versions(versions: list[int]) -> str:
    return ", ".join(str(v) for v in versions)


def describe_running(record: MigrationRecord) -> str:
    """One line about a RUNNING version, for messages that ask for `repair`."""
    return (
        f"version {record.version} ({record.name}) has been RUNNING since "
        f"{format_time(record.started_on)}"
    )
