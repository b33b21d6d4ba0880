"""`plan` and `plan --check`: what the pending migrations would do, before they do it.

`plan_pending` replays the pending files over the live server's catalog (see `plan`).

`check_on_embedded_stack` applies every migration file, from version 1, to a throw-away embedded
stack (`ksqlmv.local.EmbeddedStack`: broker, registry and ksqlDB server in a temporary folder),
so a file the server would refuse fails in CI, with its file, line and column, before it reaches
production. The migrations' preconditions are met first: each topic an `ASSERT TOPIC` names or a
`CREATE STREAM|TABLE` reads is created, and every `*.avsc` in the schemas folder is registered
under its file name as subject (`orders-value.avsc` -> `orders-value`).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from ksqlmv.client import KsqlClient
from ksqlmv.errors import ConfigError, MigrationStatementError, ServiceUnavailableError
from ksqlmv.local import EmbeddedStack
from ksqlmv.migrations.config import MigrationConfig
from ksqlmv.migrations.events import EventSink, discard
from ksqlmv.migrations.files import MigrationFile, discover
from ksqlmv.migrations.history import ApplyMode, select
from ksqlmv.migrations.plan import Catalog, MigrationPlan, plan_changes
from ksqlmv.migrations.runner import ApplyResult, Migrator
from ksqlmv.migrations.statements import PreparedStatement, prepare_file
from ksqlmv.sql import ast

__all__ = ["check_on_embedded_stack", "plan_pending", "required_topics"]

_TOPIC_CREATE_TIMEOUT = 15.0


def plan_pending(
    migrator: Migrator, defines: Mapping[str, str] | None = None
) -> list[MigrationPlan]:
    """The plan of every pending migration, replayed over the server's catalog.

    A file that does not parse ends the plan with that file's error as its problem, since apply
    would stop there too.
    """
    files = migrator.files()
    migrator.store.require()
    history = migrator.checked_history(files, locked=False)
    selection = select(history, files, ApplyMode.ALL)
    catalog = Catalog.from_server(migrator.client)
    prepared: list[tuple[MigrationFile, Sequence[PreparedStatement]]] = []
    for migration in selection.migrations:
        try:
            statements = prepare_file(migration.path, migration.read_text(), defines or {})
        except MigrationStatementError as error:
            plans = plan_changes(catalog, prepared)
            return [*plans, MigrationPlan(migration, (), (str(error),))]
        prepared.append((migration, statements))
    return plan_changes(catalog, prepared)


def required_topics(
    files: Sequence[MigrationFile], defines: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Topic name to partition count for every topic the files assert or read without creating."""
    topics: dict[str, int] = {}
    for migration in files:
        for prepared in prepare_file(migration.path, migration.read_text(), defines or {}):
            for name, partitions in _topics_of(prepared.statement):
                topics[name] = max(topics.get(name, 1), partitions)
    return topics


def _topics_of(statement: ast.Statement) -> Iterator[tuple[str, int]]:
    if isinstance(statement, ast.AssertTopic) and statement.exists:
        yield statement.topic, _int_property(statement.properties, "PARTITIONS") or 1
    elif isinstance(statement, ast.CreateSource):
        properties = ast.property_map(statement.properties)
        topic = properties.get("KAFKA_TOPIC")
        if isinstance(topic, ast.StringLiteral) and "PARTITIONS" not in properties:
            yield topic.value, 1


def _int_property(properties: tuple[ast.Property, ...], name: str) -> int | None:
    value = ast.property_map(properties).get(name)
    return int(value.value) if isinstance(value, ast.IntegerLiteral) else None


def check_on_embedded_stack(
    config: MigrationConfig,
    *,
    defines: Mapping[str, str] | None = None,
    schemas_dir: Path | None = None,
    on_event: EventSink = discard,
) -> ApplyResult:
    """Apply every migration to a fresh embedded stack; raises what `apply` would raise."""
    files = discover(config.migrations_dir)
    topics = required_topics(files.up, defines)
    stack_type = _embedded_stack_type()
    with (
        tempfile.TemporaryDirectory(prefix="ksqlmv-check-") as folder,
        stack_type(services=("broker", "registry", "ksql"), data_dir=Path(folder)) as stack,
    ):
        _create_topics(stack.bootstrap_servers, topics)
        if schemas_dir is not None:
            _register_schemas(stack.schema_registry_url, schemas_dir)
        scratch = dataclasses.replace(
            config, server_url=stack.ksqldb_url, stream_topic=None, table_topic=None
        )
        with KsqlClient(stack.ksqldb_url) as client:
            migrator = Migrator(client, scratch, on_event=on_event, lock_timeout=10.0)
            migrator.store.initialize()
            return migrator.apply(ApplyMode.ALL, defines=defines)


def _embedded_stack_type() -> type[EmbeddedStack]:
    """`EmbeddedStack`, or a clear error in a build without the embedded ksqlDB server."""
    try:
        runnable = importlib.util.find_spec("ksqlmv.server.__main__") is not None
    except ImportError:
        runnable = False
    if not runnable:
        raise ConfigError(
            "plan --check needs the embedded ksqlDB server (ksqlmv.server), which this build lacks"
        )
    return EmbeddedStack


def _create_topics(bootstrap_servers: str, topics: Mapping[str, int]) -> None:
    if not topics:
        return
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient
    from confluent_kafka.cimpl import NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    futures = admin.create_topics(
        [NewTopic(name, partitions, 1) for name, partitions in topics.items()],
        operation_timeout=_TOPIC_CREATE_TIMEOUT,
    )
    for name, future in futures.items():
        try:
            future.result(timeout=_TOPIC_CREATE_TIMEOUT)
        except KafkaException as error:
            raise ServiceUnavailableError(f"cannot create topic {name}: {error}") from error


def _register_schemas(registry_url: str, folder: Path) -> None:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

    if not folder.is_dir():
        raise ConfigError(f"schemas folder {folder} does not exist")
    with SchemaRegistryClient({"url": registry_url}) as registry:
        for path in sorted(folder.glob("*.avsc")):
            registry.register_schema(path.stem, Schema(path.read_text(encoding="utf-8"), "AVRO"))
