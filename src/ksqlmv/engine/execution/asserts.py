"""ASSERT [NOT EXISTS] TOPIC / SCHEMA: wait until the assertion holds, or fail with 41700.

As ksqlDB does, an assertion is retried every 100 ms until its TIMEOUT (or the server's
`ksql.assert.topic.default.timeout.ms` / `ksql.assert.schema.default.timeout.ms`, 1000 ms by
default) runs out, so a migration can wait for the topics and schemas a producer creates. Only
PARTITIONS and REPLICAS are checked of a topic's WITH properties; any other property fails.
The messages are ksqlDB's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.execution.results import StatementResult
from ksqlmv.errors import StatementError
from ksqlmv.sql import ast

if TYPE_CHECKING:
    from ksqlmv.engine.engine import Session

__all__ = ["assert_schema", "assert_topic"]

RETRY_MS = 100
ASSERTION_FAILED = 41700
DEFAULT_TIMEOUT_MS = 1000


class _NotYet(Exception):
    """The assertion does not hold (yet); the message is what ksqlDB reports."""


def assert_topic(session: Session, stmt: ast.AssertTopic) -> StatementResult:
    """ASSERT [NOT EXISTS] TOPIC name [WITH (PARTITIONS=n, REPLICAS=n)] [TIMEOUT n UNIT]."""
    driver = session.engine.driver
    expected = ast.property_map(stmt.properties)

    def check() -> None:
        partitions = driver.topic_partitions(stmt.topic)
        if not stmt.exists:
            if partitions is not None:
                raise _NotYet(f"Topic {stmt.topic} exists")
            return
        if partitions is None:
            raise _NotYet(f"Topic {stmt.topic} does not exist")
        actual = {"PARTITIONS": partitions, "REPLICAS": driver.topic_replicas(stmt.topic)}
        errors = [
            _config_error(stmt.topic, name, value, actual) for name, value in expected.items()
        ]
        problems = [error for error in errors if error]
        if problems:
            raise _NotYet("\n".join(problems))

    _wait(check, _timeout_ms(session, stmt.timeout, "ksql.assert.topic.default.timeout.ms"), stmt)
    return _entity(stmt, "assert_topic", topicName=stmt.topic, exists=stmt.exists)


def assert_schema(session: Session, stmt: ast.AssertSchema) -> StatementResult:
    """ASSERT [NOT EXISTS] SCHEMA [SUBJECT name] [ID n] [TIMEOUT n UNIT]."""
    registry = session.engine.registry
    subject = f" subject name {stmt.subject}" if stmt.subject is not None else ""
    schema_id = f" id {stmt.schema_id}" if stmt.schema_id is not None else ""
    what = f"Schema with{subject}{schema_id}"

    def check() -> None:
        exists = _schema_exists(registry, stmt.subject, stmt.schema_id)
        if exists and not stmt.exists:
            raise _NotYet(f"{what} exists")
        if not exists and stmt.exists:
            raise _NotYet(f"{what} does not exist")

    _wait(check, _timeout_ms(session, stmt.timeout, "ksql.assert.schema.default.timeout.ms"), stmt)
    return _entity(
        stmt, "assert_schema", subject=stmt.subject, id=stmt.schema_id, exists=stmt.exists
    )


def _entity(stmt: ast.Statement, kind: str, **fields: Any) -> StatementResult:
    return StatementResult({"@type": kind, "statementText": stmt.text, **fields, "warnings": []})


def _wait(check: Callable[[], None], timeout_ms: int, stmt: ast.Statement) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            check()
            return
        except _NotYet as failure:
            if time.monotonic() + RETRY_MS / 1000 > deadline:
                raise StatementError(str(failure), ASSERTION_FAILED, stmt.text) from None
        time.sleep(RETRY_MS / 1000)


def _timeout_ms(session: Session, timeout: ast.TimeClause | None, setting: str) -> int:
    if timeout is not None:
        return timeout.millis
    return int(session.config.get(setting) or DEFAULT_TIMEOUT_MS)


def _config_error(topic: str, name: str, value: ast.Literal, actual: dict[str, int | None]) -> str:
    key = name.upper()
    if key not in actual:
        return f"Cannot assert unknown topic property: {name}"
    expected = getattr(value, "value", None)
    if isinstance(expected, int) and expected == actual[key]:
        return ""
    return (
        f"Mismatched configuration for topic {topic}: For config {key.lower()}, "
        f"expected {expected} got {actual[key]}"
    )


def _schema_exists(registry: Any, subject: str | None, schema_id: int | None) -> bool:
    try:
        if schema_id is not None:
            registry.get_by_id(schema_id)
        if subject is not None:
            registry.get_latest(subject)
    except Exception:  # the registry answered "no such schema" (or could not answer)
        return False
    return True
