"""Apply and roll back migrations against a server, as ksql-migrations does and a little safer.

`apply`: check the metadata exists, take the server lock, read the history, refuse a RUNNING
version (an interrupted apply: `repair` first) and any problem `validate` would report, pick the
files, then for each: write RUNNING, parse the whole file (variables, allowed statements), send its
statements one by one, write MIGRATED, or ERROR with the reason (file, line and column included)
and stop. Versions applied before a failure stay MIGRATED; a fixed file is applied by the next run.

`rollback --to N`: run the down files (`U00000V__*.sql`) of every applied version above N, newest
first, after checking every one exists and parses. Each rolled-back version's row becomes PENDING
(with the down file named in `error_reason`) and CURRENT moves back to the version before it, so
ksql-migrations and ksqlmv both apply it again next time.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ksqlmv.client import KsqlClient
from ksqlmv.errors import (
    MigrationStatementError,
    ServiceUnavailableError,
    StatementError,
    ValidationError,
)
from ksqlmv.migrations.config import MigrationConfig
from ksqlmv.migrations.events import Event, EventKind, EventSink, discard
from ksqlmv.migrations.files import MigrationFile, MigrationSet, discover
from ksqlmv.migrations.history import ApplyMode, History, describe_running, select
from ksqlmv.migrations.lock import DEFAULT_LEASE, ServerLock
from ksqlmv.migrations.records import (
    CURRENT_KEY,
    NONE_VERSION,
    MigrationRecord,
    MigrationState,
    now_millis,
)
from ksqlmv.migrations.statements import Action, PreparedStatement, prepare_file
from ksqlmv.migrations.store import INSERTS_UNAVAILABLE, MetadataStore

__all__ = ["ApplyResult", "Migrator", "RollbackResult"]

DEFAULT_LOCK_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What `apply` did: the versions it applied (or would apply, in a dry run)."""

    applied: tuple[int, ...]
    previous: int | None
    dry_run: bool = False

    @property
    def current(self) -> int | None:
        """The latest migrated version afterwards."""
        return self.applied[-1] if self.applied and not self.dry_run else self.previous


@dataclass(frozen=True, slots=True)
class RollbackResult:
    """What `rollback` did: the versions it rolled back, newest first, and where it stopped."""

    rolled_back: tuple[int, ...]
    current: int | None
    dry_run: bool = False


class Migrator:
    """Runs migration commands for one project against one server.

    >>> with KsqlClient("http://localhost:8088") as client:            # doctest: +SKIP
    ...     Migrator(client, MigrationConfig.load(path)).apply(ApplyMode.ALL)
    """

    def __init__(
        self,
        client: KsqlClient,
        config: MigrationConfig,
        *,
        on_event: EventSink = discard,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        lease: float = DEFAULT_LEASE,
    ) -> None:
        self.client = client
        self.config = config
        self.store = MetadataStore(client, config)
        self.emit = on_event
        self.lock_timeout = lock_timeout
        self.lease = lease

    def files(self) -> MigrationSet:
        """The project's migration files."""
        return discover(self.config.migrations_dir)

    def lock(self, purpose: str) -> ServerLock:
        """The server lock, not yet taken."""
        return ServerLock(self.client, self.config.stream_name, purpose=purpose, lease=self.lease)

    def history(self, files: MigrationSet) -> History:
        """CURRENT, every file's row, and the rows of applied versions whose files are gone."""
        keys = [CURRENT_KEY] + [str(m.version) for m in files.up]
        rows = self.store.read(keys)
        current = rows.pop(CURRENT_KEY, None)
        versions = {int(key): record for key, record in rows.items()}
        # Follow the chain of previous versions, also past files that no longer exist.
        link = current.version if current else None
        seen: set[int] = set()
        while link is not None and link not in seen:
            seen.add(link)
            if link not in versions:
                found = self._rows([link])
                if not found:
                    break
                versions.update(found)
            link = versions[link].previous_version
        return History(current, versions)

    def _rows(self, versions: Sequence[int]) -> dict[int, MigrationRecord]:
        return {int(k): v for k, v in self.store.read(str(n) for n in versions).items()}

    # -- apply ----------------------------------------------------------------------------------

    def apply(
        self,
        mode: ApplyMode,
        target: int | None = None,
        *,
        defines: Mapping[str, str] | None = None,
        dry_run: bool = False,
    ) -> ApplyResult:
        """Apply pending migrations; see the module docstring for the steps."""
        files = self.files()
        self.store.require()
        variables = dict(defines or {})
        if dry_run:
            history = self.checked_history(files, locked=False)
            selection = select(history, files, mode, target)
            self._warn(selection.warnings)
            for migration in selection.migrations:
                self._dry_run(migration, variables)
            versions = tuple(m.version for m in selection.migrations)
            return ApplyResult(versions, selection.previous, dry_run=True)
        with self.lock("apply").hold(self.lock_timeout) as lock:
            self.emit(Event(EventKind.LOCK_ACQUIRED, lock.owner))
            history = self.checked_history(files)
            selection = select(history, files, mode, target)
            self._warn(selection.warnings)
            previous = selection.previous
            applied: list[int] = []
            for migration in selection.migrations:
                self._apply_one(migration, previous, variables, lock)
                applied.append(migration.version)
                previous = migration.version
            self.store.settle()
        self.emit(Event(EventKind.LOCK_RELEASED))
        return ApplyResult(tuple(applied), selection.previous)

    def checked_history(self, files: MigrationSet, *, locked: bool = True) -> History:
        """The history, refused if a version is RUNNING or `validate` finds a problem.

        Under the lock a RUNNING version can only be left by an interrupted run; without it
        (dry runs, plan) another run may be under way.
        """
        history = self.history(files)
        running = history.running()
        if running is not None:
            cause = "a run was interrupted" if locked else "another run is under way, or one was"
            raise ValidationError(
                f"{describe_running(running)}: {cause}. Once no other run is under way, "
                "`ksqlmv migrate repair` marks it ERROR (the next apply runs it again); "
                "`ksqlmv migrate repair --mark-migrated` marks it MIGRATED if all of it ran"
            )
        history.validate(files)
        return history

    def _apply_one(
        self,
        migration: MigrationFile,
        previous: int | None,
        variables: Mapping[str, str],
        lock: ServerLock,
    ) -> None:
        record = MigrationRecord(
            migration.version,
            migration.name,
            MigrationState.RUNNING,
            migration.checksum(),
            now_millis(),
            "",
            NONE_VERSION if previous is None else str(previous),
        )
        self.store.write(record)
        self.emit(_about(migration, EventKind.MIGRATION_STARTED, f"applying {migration.file_name}"))
        self._run_file(migration, variables, lock, failed=record, verb="apply")
        self.store.write(record.moved_to(MigrationState.MIGRATED, now_millis()))
        self.emit(_about(migration, EventKind.MIGRATION_DONE, "migrated"))

    def _run_file(
        self,
        migration: MigrationFile,
        variables: Mapping[str, str],
        lock: ServerLock,
        *,
        failed: MigrationRecord,
        verb: str,
    ) -> None:
        """Parse and run a file; on failure record `failed` as ERROR with the reason and raise."""
        try:
            statements = prepare_file(migration.path, migration.read_text(), variables)
        except (MigrationStatementError, ValidationError) as error:
            self._record_error(migration, failed, f"Failed to parse sql: {error}", error)
            raise
        for statement in statements:
            lock.renew_if_due()
            started = time.perf_counter()
            try:
                self._execute(statement)
            except StatementError as error:
                located = MigrationStatementError(
                    str(error),
                    path=migration.path,
                    line=statement.line,
                    column=statement.column,
                    statement=statement.text,
                    error_code=error.error_code,
                )
                reason = f"Failed to execute sql: {statement.text}. Error: {located}"
                self._record_error(migration, failed, reason, located)
                raise located from error
            except ServiceUnavailableError as error:
                self._record_error(migration, failed, f"{verb} interrupted: {error}", error)
                raise
            kind = EventKind.STATEMENT_DONE if statement.sent else EventKind.STATEMENT_KEPT
            self.emit(
                Event(
                    kind,
                    statement.summary,
                    migration.version,
                    migration.name,
                    migration.file_name,
                    statement.index,
                    statement.line,
                    statement.action.value,
                    (time.perf_counter() - started) * 1000,
                )
            )

    def _execute(self, statement: PreparedStatement) -> None:
        if statement.action is Action.INSERT:
            assert statement.target is not None and statement.row is not None
            try:
                self.client.insert(statement.target, [statement.row])
                return
            except ServiceUnavailableError:
                pass  # /ksql reports a server that is really down
            except StatementError as error:
                if error.error_code not in INSERTS_UNAVAILABLE:
                    raise
        if statement.sent:
            self.client.execute(statement.text, properties=statement.properties)

    def _record_error(
        self, migration: MigrationFile, record: MigrationRecord, reason: str, cause: Exception
    ) -> None:
        self.emit(_about(migration, EventKind.MIGRATION_FAILED, str(cause)))
        reason = " ".join(line.strip() for line in reason.splitlines())  # one line in `info`
        # If the server went away, the version stays RUNNING, which `repair` handles.
        with contextlib.suppress(ServiceUnavailableError):
            self.store.write(record.moved_to(MigrationState.ERROR, now_millis(), reason))
            self.store.settle()

    def _dry_run(
        self, migration: MigrationFile, variables: Mapping[str, str], verb: str = "apply"
    ) -> None:
        self.emit(
            _about(migration, EventKind.MIGRATION_STARTED, f"would {verb} {migration.file_name}")
        )
        for statement in prepare_file(migration.path, migration.read_text(), variables):
            kind = EventKind.STATEMENT_PLANNED if statement.sent else EventKind.STATEMENT_KEPT
            self.emit(
                Event(
                    kind,
                    statement.text,
                    migration.version,
                    migration.name,
                    migration.file_name,
                    statement.index,
                    statement.line,
                    statement.action.value,
                )
            )

    def _warn(self, warnings: Sequence[str]) -> None:
        for warning in warnings:
            self.emit(Event(EventKind.WARNING, warning))

    # -- rollback -------------------------------------------------------------------------------

    def rollback(
        self, to: int, *, defines: Mapping[str, str] | None = None, dry_run: bool = False
    ) -> RollbackResult:
        """Undo every applied version above `to` with its down file, newest first."""
        files = self.files()
        self.store.require()
        variables = dict(defines or {})
        if dry_run:
            history = self.checked_history(files, locked=False)
            chain = self._rollback_chain(history, files, to, variables)
            for record in chain:
                down = files.down_for(record.version)
                assert down is not None
                self._dry_run(down, variables, "roll back with")
            would_be = chain[-1].previous_version if chain else history.latest_migrated()
            return RollbackResult(tuple(r.version for r in chain), would_be, dry_run=True)
        with self.lock("rollback").hold(self.lock_timeout) as lock:
            self.emit(Event(EventKind.LOCK_ACQUIRED, lock.owner))
            history = self.checked_history(files)
            chain = self._rollback_chain(history, files, to, variables)
            for record in chain:
                self._roll_back_one(record, history, files, variables, lock)
            self.store.settle()
            current = chain[-1].previous_version if chain else history.latest_migrated()
        self.emit(Event(EventKind.LOCK_RELEASED))
        return RollbackResult(tuple(r.version for r in chain), current)

    def _rollback_chain(
        self, history: History, files: MigrationSet, to: int, variables: Mapping[str, str]
    ) -> list[MigrationRecord]:
        """The applied versions above `to`, newest first, each checked to have a down file that
        parses; any gap refuses the whole rollback before anything runs."""
        latest = history.latest_migrated()
        if to < 0:
            raise ValidationError(f"cannot roll back to version {to}: versions start at 1")
        if latest is not None and to > latest:
            raise ValidationError(
                f"cannot roll back to version {to}: the latest migrated version is {latest}"
            )
        chain: list[MigrationRecord] = []
        version = latest
        while version is not None and version > to:
            record = history.record(version)
            chain.append(record)
            version = record.previous_version
        missing = [r for r in chain if files.down_for(r.version) is None]
        if missing:
            expected = ", ".join(f"U{r.version:06d}__*.sql" for r in missing)
            raise ValidationError(
                f"cannot roll back to version {to}: no down file for version"
                f"{'s' if len(missing) > 1 else ''} {', '.join(str(r.version) for r in missing)} "
                f"(expected {expected} in {files.directory}); nothing was changed"
            )
        for record in chain:
            down = files.down_for(record.version)
            assert down is not None
            prepare_file(down.path, down.read_text(), variables)
        return chain

    def _roll_back_one(
        self,
        record: MigrationRecord,
        history: History,
        files: MigrationSet,
        variables: Mapping[str, str],
        lock: ServerLock,
    ) -> None:
        down = files.down_for(record.version)
        assert down is not None
        started = now_millis()
        running = replace(record, state=MigrationState.RUNNING, started_on=started, completed_on="")
        self.store.write(running)
        self.emit(_about(down, EventKind.ROLLBACK_STARTED, f"rolling back with {down.file_name}"))
        self._run_file(down, variables, lock, failed=running, verb="rollback")
        pending = running.moved_to(
            MigrationState.PENDING, now_millis(), f"rolled back with {down.file_name}"
        )
        self.store.write(pending, current=False)
        before = record.previous_version
        self.store.write_current(history.record(before) if before is not None else pending)
        self.emit(_about(down, EventKind.ROLLBACK_DONE, "rolled back"))


def _about(migration: MigrationFile, kind: EventKind, message: str) -> Event:
    return Event(kind, message, migration.version, migration.name, migration.file_name)
