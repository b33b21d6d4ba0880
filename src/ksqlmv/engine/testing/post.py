"""`post` conditions of a test case: the sources and topics that must exist afterwards."""

from __future__ import annotations

import re
from typing import Any

from ksqlmv.engine.catalog import Column, ColumnKind, DataSource, LogicalSchema
from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.errors import KsqlmvError

__all__ = ["check_post"]


class PostFailure(Exception):
    """A post condition does not hold."""


def _fail(message: str) -> None:
    from ksqlmv.engine.testing.executor import CaseFailure

    raise CaseFailure(message)


def _parse_schema(text: str) -> LogicalSchema:
    from ksqlmv.sql import parse_statement
    from ksqlmv.sql.ast import ColumnConstraint, CreateStream

    statement = parse_statement(f"CREATE STREAM X ({text}) WITH (KAFKA_TOPIC='x');")
    assert isinstance(statement, CreateStream)
    columns = []
    for element in statement.elements:
        if element.constraint in (ColumnConstraint.KEY, ColumnConstraint.PRIMARY_KEY):
            kind = ColumnKind.KEY
        elif element.constraint in (ColumnConstraint.HEADERS, ColumnConstraint.HEADER):
            kind = ColumnKind.HEADER
        else:
            kind = ColumnKind.VALUE
        columns.append(Column(element.name, element.type, kind, element.header))
    return LogicalSchema(tuple(columns))


def _check_source(engine: KsqlEngine, expected: dict[str, Any]) -> None:
    name = str(expected["name"])
    source = engine.catalog.source(name)
    if source is None:
        _fail(f"post: source {name} does not exist")
        return
    kind = str(expected.get("type", "")).upper()
    if kind and source.kind.value != kind:
        _fail(f"post: {name} is a {source.kind.value}, expected {kind}")
    schema = expected.get("schema")
    if schema is not None:
        try:
            wanted = _parse_schema(str(schema))
        except KsqlmvError as error:
            _fail(f"post: cannot read expected schema {schema!r}: {error}")
            return
        if wanted != source.schema:
            _fail(f"post: {name} has schema {source.schema}, expected {wanted}")
    key_format = expected.get("keyFormat")
    if key_format is not None:
        _check_key_format(source, key_format)
    value_format = expected.get("valueFormat")
    if value_format is not None and source.value_format.format.name != str(value_format).upper():
        _fail(
            f"post: {name} value format {source.value_format.format.name}, expected {value_format}"
        )
    for side, features in (
        ("key", expected.get("keyFeatures")),
        ("value", expected.get("valueFeatures")),
    ):
        if features is None:
            continue
        actual = (source.key_format if side == "key" else source.value_format).features
        names = sorted(f.value for f in actual)
        if sorted(str(f) for f in features) != names:
            _fail(f"post: {name} {side} features {names}, expected {sorted(features)}")
    is_source = expected.get("isSource")
    if is_source is not None and bool(is_source) != source.is_source:
        _fail(f"post: {name} isSource is {source.is_source}, expected {is_source}")


def _check_key_format(source: DataSource, expected: dict[str, Any]) -> None:
    key = source.key_format
    fmt = expected.get("format")
    if fmt is not None and key.format.name != str(fmt).upper():
        _fail(f"post: {source.name} key format {key.format.name}, expected {fmt}")
    window_type = expected.get("windowType")
    actual_type = key.window.type.value if key.window else None
    if (window_type or None) != actual_type:
        _fail(f"post: {source.name} window type {actual_type}, expected {window_type}")
    if "windowSize" in expected:
        size = expected.get("windowSize")
        actual_size = key.window.size_ms if key.window else None
        if size != actual_size:
            _fail(f"post: {source.name} window size {actual_size}, expected {size}")


def _known_topics(engine: KsqlEngine, driver: TestDriver) -> set[str]:
    names = set(driver.topic_names())
    for query in engine.queries.values():
        names.update(query.internal_topics.values())
    return names


def check_post(engine: KsqlEngine, driver: TestDriver, post: dict[str, Any]) -> None:
    """Check every post condition; raises the case failure on the first that does not hold."""
    for source in post.get("sources") or []:
        _check_source(engine, source)
    topics = post.get("topics") or {}
    blacklist = topics.get("blacklist")
    known = _known_topics(engine, driver)
    if blacklist:
        pattern = re.compile(str(blacklist))
        bad = sorted(t for t in known if pattern.fullmatch(t))
        if bad:
            _fail(f"post: topics {bad} should not exist")
    for topic in topics.get("topics") or []:
        name = str(topic["name"])
        if name not in known:
            _fail(f"post: topic {name} does not exist")
        partitions = topic.get("partitions")
        if partitions is not None and driver.topic_partitions(name) not in (None, partitions):
            _fail(
                f"post: topic {name} has {driver.topic_partitions(name)} partitions, "
                f"expected {partitions}"
            )
