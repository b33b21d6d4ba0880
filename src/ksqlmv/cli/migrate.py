"""`ksqlmv migrate`: versioned KSQL migrations, compatible with ksql-migrations.

`ksqlmv migrate [-c|--config-file FILE] [--server URL] [--json] COMMAND [ARGS]`, with the same
commands and flags as ksql-migrations plus `plan`, `repair`, `baseline` and `rollback`. The
configuration file defaults to `./ksql-migrations.properties`, else `./ksql/...`; the server URL
comes from `--server`, else `KSQLMV_KSQLDB_URL`, else the file. `-c`, `--server`, `--json` and
`--headers` may also follow the command, as in ksql-migrations.

Exit codes: 0 done (also when nothing was pending), 2 bad configuration, 3 validation failed,
4 a statement failed, 5 the server cannot be reached, 6 credentials refused, 7 the lock is held.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import click

from ksqlmv import migrations as m
from ksqlmv.errors import KsqlmvError, ValidationError

__all__ = ["command"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class _Options:
    config_file: Path | None = None
    server: str | None = None
    json: bool = False
    headers: Path | None = None
    lock_timeout: float = 60.0


def _common(function: F) -> F:
    """-c/--config-file, --server, --json, --headers and --lock-timeout after the command."""
    options = (
        click.option("-c", "--config-file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--server", help="ksqlDB server URL (else KSQLMV_KSQLDB_URL, else the file)."),
        click.option("--json", "as_json", is_flag=True, default=None, help="JSON lines for CI."),
        click.option(
            "--headers",
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            help="A file of request headers (`Name: value` per line) sent with every request.",
        ),
        click.option(
            "--lock-timeout",
            type=click.FloatRange(min=0),
            default=None,
            help="Seconds to wait for another run's lock [default 60].",
        ),
    )
    for option in reversed(options):
        function = option(function)
    return function


def _options(ctx: click.Context, given: dict[str, Any]) -> _Options:
    base: _Options = ctx.find_object(_Options) or _Options()
    changes = {
        "config_file": given.pop("config_file", None),
        "server": given.pop("server", None),
        "json": given.pop("as_json", None),
        "headers": given.pop("headers", None),
        "lock_timeout": given.pop("lock_timeout", None),
    }
    return replace(base, **{k: v for k, v in changes.items() if v is not None})


class _Output:
    """Progress and results as text, or as JSON lines with `--json`."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def event(self, event: m.Event) -> None:
        if self.as_json:
            self.emit(event.as_dict())
            return
        text = _EVENT_TEXT.get(event.kind, _plain)(event)
        if text:
            click.echo(text)

    def emit(self, data: dict[str, Any]) -> None:
        click.echo(json.dumps(data, default=str))

    def result(self, text: str, data: dict[str, Any]) -> None:
        if self.as_json:
            self.emit({"kind": "result", **data})
        else:
            click.echo(text)


def _statement(event: m.Event) -> str:
    where = f"[{event.version}.{event.statement}] line {event.line}"
    if event.kind is m.EventKind.STATEMENT_PLANNED:
        return f"  {where}\n" + "\n".join(f"    {t}" for t in event.message.splitlines())
    suffix = "kept by the tool" if event.kind is m.EventKind.STATEMENT_KEPT else ""
    if event.elapsed_ms is not None and not suffix:
        suffix = f"{event.elapsed_ms:.0f} ms"
    return f"  {where}  {event.message}  ({suffix})"


def _plain(event: m.Event) -> str:
    return event.message


_EVENT_TEXT: dict[m.EventKind, Callable[[m.Event], str]] = {
    m.EventKind.MIGRATION_STARTED: lambda e: f"Version {e.version} ({e.name}): {e.message}",
    m.EventKind.ROLLBACK_STARTED: lambda e: f"Version {e.version} ({e.name}): {e.message}",
    m.EventKind.MIGRATION_DONE: lambda e: f"  version {e.version} {e.message}",
    m.EventKind.ROLLBACK_DONE: lambda e: f"  version {e.version} {e.message}",
    m.EventKind.MIGRATION_FAILED: lambda e: f"  version {e.version} failed",
    m.EventKind.STATEMENT_DONE: _statement,
    m.EventKind.STATEMENT_KEPT: _statement,
    m.EventKind.STATEMENT_PLANNED: _statement,
    m.EventKind.WARNING: lambda e: f"Warning: {e.message}",
    m.EventKind.LOCK_ACQUIRED: lambda e: f"Lock acquired ({e.message})",
    m.EventKind.LOCK_RELEASED: lambda e: "",
}


@contextlib.contextmanager
def _session(options: _Options) -> Iterator[tuple[m.Migrator, _Output]]:
    """The project's migrator, connected; a failure is also reported as JSON with `--json`."""
    out = _Output(options.json)
    try:
        config = m.MigrationConfig.load(m.find_config_file(options.config_file))
        with m.connect(config, server=options.server, headers_file=options.headers) as client:
            yield (
                m.Migrator(client, config, on_event=out.event, lock_timeout=options.lock_timeout),
                out,
            )
    except KsqlmvError as error:
        if options.json:
            out.emit({"kind": "error", "message": str(error), "exit_code": error.exit_code})
        raise


def _defines(values: tuple[str, ...]) -> dict[str, str]:
    defined: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not of the form name=value", param_hint="-d")
        defined[name.strip()] = text
    return defined


_define_option = click.option(
    "-d",
    "--define",
    "defines",
    multiple=True,
    metavar="NAME=VALUE",
    help="A variable, as if `DEFINE name='value';` began every file (repeatable).",
)


@click.group("migrate")
@click.option(
    "-c",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The project's ksql-migrations.properties.",
)
@click.option(
    "--server", default=None, help="ksqlDB server URL (else KSQLMV_KSQLDB_URL, else the file's)."
)
@click.option("--json", "as_json", is_flag=True, help="Progress and results as JSON lines.")
@click.pass_context
def command(
    ctx: click.Context, config_file: Path | None, server: str | None, as_json: bool
) -> None:
    """Apply, plan, validate, repair and roll back versioned KSQL migrations."""
    ctx.obj = _Options(config_file, server, as_json)


@command.command("new-project")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.argument("server_url")
def new_project(path: Path, server_url: str) -> None:
    """Create PATH/ksql-migrations.properties and PATH/migrations/."""
    config = m.new_project(path, server_url)
    click.echo(f"Created migrations project {path} (configuration {config})")


@command.command("create")
@click.option(
    "-v",
    "--version",
    type=click.IntRange(1, 999_999),
    default=None,
    help="The version [default: the next one].",
)
@click.option("--down", is_flag=True, help="Also create the version's down file (U...sql).")
@click.argument("description")
@_common
@click.pass_context
def create(
    ctx: click.Context, /, version: int | None, down: bool, description: str, **given: Any
) -> None:
    """Create an empty migration file named after DESCRIPTION."""
    options = _options(ctx, given)
    config = m.MigrationConfig.load(m.find_config_file(options.config_file))
    for path in m.create_migration(config, description, version, down=down):
        _Output(options.json).result(f"Created {path}", {"created": str(path)})


@command.command("initialize-metadata")
@_common
@click.pass_context
def initialize_metadata(ctx: click.Context, /, **given: Any) -> None:
    """Create the metadata stream and table (nothing happens if they exist)."""
    with _session(_options(ctx, given)) as (migrator, out):
        ran = migrator.store.initialize()
        text = "Migrations metadata initialized" if ran else "Migrations metadata already exists"
        out.result(text, {"created": len(ran), "statements": ran})


@command.command("destroy-metadata")
@_common
@click.pass_context
def destroy_metadata(ctx: click.Context, /, **given: Any) -> None:
    """Drop the metadata table and stream with their topics (migrations are not undone)."""
    with _session(_options(ctx, given)) as (migrator, out):
        ran = migrator.store.destroy()
        out.result(
            "Migrations metadata destroyed" if ran else "No migrations metadata found",
            {"statements": ran},
        )


@command.command("apply")
@click.option("-a", "--all", "apply_all", is_flag=True, help="Every pending migration.")
@click.option("-n", "--next", "apply_next", is_flag=True, help="The next pending migration.")
@click.option("-u", "--until", type=click.IntRange(1, 999_999), help="Pending migrations up to N.")
@click.option("-v", "--version", type=click.IntRange(1, 999_999), help="Exactly version N.")
@click.option("--dry-run", is_flag=True, help="Show the statements; send nothing.")
@_define_option
@_common
@click.pass_context
def apply(
    ctx: click.Context,
    /,
    apply_all: bool,
    apply_next: bool,
    until: int | None,
    version: int | None,
    dry_run: bool,
    defines: tuple[str, ...],
    **given: Any,
) -> None:
    """Apply pending migrations (exactly one of --all, --next, --until, --version)."""
    modes = [
        (apply_all, m.ApplyMode.ALL, None),
        (apply_next, m.ApplyMode.NEXT, None),
        (until is not None, m.ApplyMode.UNTIL, until),
        (version is not None, m.ApplyMode.VERSION, version),
    ]
    chosen = [(mode, target) for flag, mode, target in modes if flag]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --all, --next, --until N, --version N")
    mode, target = chosen[0]
    variables = _defines(defines)
    with _session(_options(ctx, given)) as (migrator, out):
        result = migrator.apply(mode, target, defines=variables, dry_run=dry_run)
        if not result.applied:
            text = "No eligible migrations found."
        elif dry_run:
            text = f"Dry run complete: {len(result.applied)} migration(s) would be applied."
        else:
            text = f"Applied {len(result.applied)} migration(s); current version {result.current}."
        out.result(
            text, {"applied": list(result.applied), "current": result.current, "dry_run": dry_run}
        )


@command.command("info")
@_common
@click.pass_context
def info(ctx: click.Context, /, **given: Any) -> None:
    """The current version and the state of every migration file."""
    with _session(_options(ctx, given)) as (migrator, out):
        report = m.info(migrator)
        table = (
            m.format_info([record for _, record in report.rows])
            if report.rows
            else ("No migrations files found\n")
        )
        out.result(
            f"Current migration version: {report.current_version}\n{table}", report.as_dict()
        )


@command.command("validate")
@_common
@click.pass_context
def validate(ctx: click.Context, /, **given: Any) -> None:
    """Check that applied files are unchanged and every applied version is MIGRATED."""
    with _session(_options(ctx, given)) as (migrator, out):
        report = m.validate(migrator)
        if report.problems:
            if out.as_json:
                out.emit({"kind": "result", **report.as_dict()})
            raise ValidationError("; ".join(report.problems))
        out.result(
            "Successfully validated checksums for migrations that have already been applied",
            report.as_dict(),
        )


@command.command("plan")
@click.option(
    "--check", is_flag=True, help="Also apply every migration to a throw-away embedded stack."
)
@click.option(
    "--schemas",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Avro schemas to register for --check [default: schemas/ by the project].",
)
@_define_option
@_common
@click.pass_context
def plan(
    ctx: click.Context, /, check: bool, schemas: Path | None, defines: tuple[str, ...], **given: Any
) -> None:
    """What each pending migration will create, replace, drop and terminate."""
    variables = _defines(defines)
    with _session(_options(ctx, given)) as (migrator, out):
        plans = m.plan_pending(migrator, variables)
        for item in plans:
            if out.as_json:
                out.emit({"kind": "plan", **item.as_dict()})
                continue
            click.echo(
                f"Version {item.migration.version} ({item.migration.name}): "
                f"{item.migration.file_name}"
            )
            for change in item.changes:
                click.echo(f"  line {change.line:<4} {change}")
            for problem in item.problems:
                click.echo(f"  problem: {problem}")
        problems = sum(len(item.problems) for item in plans)
        if problems:
            raise ValidationError(f"the plan found {problems} problem(s)")
        if check:
            folder = schemas or _default_schemas(migrator.config.path)
            result = m.check_on_embedded_stack(
                migrator.config, defines=variables, schemas_dir=folder, on_event=out.event
            )
            out.result(
                f"Check passed: {len(result.applied)} migration(s) applied to a "
                "throw-away embedded stack.",
                {"checked": list(result.applied)},
            )
        out.result(
            "Nothing to apply." if not plans else f"{len(plans)} migration(s) pending.",
            {"pending": [item.migration.version for item in plans]},
        )


def _default_schemas(config_file: Path) -> Path | None:
    for candidate in (config_file.parent / "schemas", config_file.parent.parent / "schemas"):
        if candidate.is_dir():
            return candidate
    return None


@command.command("repair")
@click.option(
    "--mark-migrated",
    is_flag=True,
    help="Record a RUNNING or ERROR version as MIGRATED instead of ERROR.",
)
@click.option(
    "--realign-checksums",
    is_flag=True,
    help="Record the present checksums of applied files edited on purpose.",
)
@click.option("--break-lock", is_flag=True, help="Free a lock whose holder is gone.")
@_common
@click.pass_context
def repair(
    ctx: click.Context,
    /,
    mark_migrated: bool,
    realign_checksums: bool,
    break_lock: bool,
    **given: Any,
) -> None:
    """Fix the metadata after a failed or interrupted apply."""
    with _session(_options(ctx, given)) as (migrator, out):
        actions = m.repair(
            migrator,
            mark_migrated=mark_migrated,
            realign_checksums=realign_checksums,
            break_lock=break_lock,
        )
        out.result("\n".join(actions) if actions else "Nothing to repair.", {"actions": actions})


@command.command("baseline")
@click.option(
    "-v",
    "--version",
    type=click.IntRange(1, 999_999),
    required=True,
    help="The version the server is already at.",
)
@_common
@click.pass_context
def baseline(ctx: click.Context, /, version: int, **given: Any) -> None:
    """Adopt a server whose objects exist: record versions up to N as MIGRATED."""
    with _session(_options(ctx, given)) as (migrator, out):
        written = m.baseline(migrator, version)
        out.result(
            f"Baselined at version {version} ({len(written)} version(s) recorded).",
            {"baselined": [record.version for record in written]},
        )


@command.command("rollback")
@click.option(
    "--to",
    "to",
    type=click.IntRange(0, 999_999),
    required=True,
    help="The version to return to (0: before the first).",
)
@click.option("--dry-run", is_flag=True, help="Show the statements; send nothing.")
@_define_option
@_common
@click.pass_context
def rollback(
    ctx: click.Context, /, to: int, dry_run: bool, defines: tuple[str, ...], **given: Any
) -> None:
    """Undo applied versions above --to with their down files (U00000N__*.sql)."""
    variables = _defines(defines)
    with _session(_options(ctx, given)) as (migrator, out):
        result = migrator.rollback(to, defines=variables, dry_run=dry_run)
        shown = "<none>" if result.current is None else result.current
        count = len(result.rolled_back)
        if not count:
            text = "Nothing to roll back."
        elif dry_run:
            text = f"Dry run complete: {count} version(s) would be rolled back to version {shown}."
        else:
            text = f"Rolled back {count} version(s); current version {shown}."
        out.result(
            text,
            {
                "rolled_back": list(result.rolled_back),
                "current": result.current,
                "dry_run": dry_run,
            },
        )
