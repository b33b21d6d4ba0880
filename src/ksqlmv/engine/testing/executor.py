"""Runs one ksqlDB test case on the test driver, as ksqlDB's own test runner does.

The steps follow ksqlDB's `TestExecutor`: declared topics are created and their schemas
registered; the statements run in order (INSERT VALUES write at once); the input records are
written to their topics; then each persistent query, in creation order, processes the input
records of the topics it reads (in file order) and every record already in its other source
topics; finally the output topics are compared record by record and the `post` conditions are
checked. An expected exception passes the case when its message contains the expected text.
"""

from __future__ import annotations

import contextlib
import re
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ksqlmv.engine.analysis.binder import resolve_type
from ksqlmv.engine.catalog import Column, ColumnKind, DataSource
from ksqlmv.engine.drivers.testing import TestDriver, TopicRecord
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.runtime.base import fatal
from ksqlmv.engine.serde.registry import key_subject, value_subject
from ksqlmv.engine.testing.cases import RecordSpec, TestCase, WindowSpec
from ksqlmv.engine.testing.compare import coerce_bytes, matches
from ksqlmv.engine.testing.post import check_post
from ksqlmv.engine.testing.spec import key_spec_serde, value_spec_serde
from ksqlmv.errors import KsqlmvError, UnknownFunctionError
from ksqlmv.sql import ast, parse, split_statements

__all__ = [
    "BASE_PROPERTIES",
    "CaseFailure",
    "CaseResult",
    "run_case",
    "skip_reason",
]

BASE_PROPERTIES: dict[str, Any] = {
    "ksql.service.id": "some.ksql.service.id",
    "ksql.headers.columns.enabled": True,
    "auto.offset.reset": "earliest",
    # ksqlDB's runner simulates one broker whose topics all match: joins never see a mismatch.
    "ksqlmv.join.copartition.check": False,
}

UNSUPPORTED_FORMATS = re.compile(r"\b(PROTOBUF_NOSR|PROTOBUF|JSON_SR)\b", re.IGNORECASE)
CUSTOM_UDAF_FILES = frozenset(
    {
        "udaf.json",
        "test-custom-udaf.json",
        "variadic-udaf.json",
        "generic-variadic-udaf.json",
        "middle-variadic-udaf.json",
        "multi-arg-udaf.json",
        "obj-var-col-arg-udaf.json",
    }
)


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case."""

    file: str
    name: str
    status: str
    reason: str | None = None
    seconds: float = 0.0


class CaseFailure(Exception):
    """The case ran and its results differ from what it expects."""


class CaseSkipped(Exception):
    """The case cannot run here, for the reason given."""


def test_only_function(name: str) -> str:
    """The skip reason of a case that calls a function the engine does not have. The engine's
    library holds every function of ksqlDB's product (its function reference); a case calling
    any other function relies on one of the UDFs ksqlDB's test runner loads from its own test
    classes (TEST_UDF, BAD_UDF, TEST_UDTF, ...)."""
    return f"calls {name.upper()}, one of ksqlDB's test-only functions"


def skip_reason(case: TestCase) -> str | None:
    """Why `case` is not run, or None when it runs."""
    if case.skip_reason:
        return case.skip_reason
    if case.file.rsplit("/", 1)[-1] in CUSTOM_UDAF_FILES:
        return "uses ksqlDB's test-only UDAFs"
    text = " ".join(case.statements)
    text += " " + " ".join(str(v) for v in case.properties.values())
    text += " " + " ".join(f"{t.key_format} {t.value_format}" for t in case.topics)
    match = UNSUPPORTED_FORMATS.search(text)
    if match:
        return f"needs the {match.group(1).upper()} format"
    return None


def run_case(case: TestCase) -> CaseResult:
    """Run `case` and report passed, failed (with the reason) or skipped."""
    reason = skip_reason(case)
    if reason is not None:
        return CaseResult(case.file, case.name, "skipped", reason)
    started = time.perf_counter()
    try:
        _Run(case).run()
    except CaseSkipped as skipped:
        return CaseResult(case.file, case.name, "skipped", str(skipped))
    except CaseFailure as failure:
        return CaseResult(
            case.file, case.name, "failed", str(failure), time.perf_counter() - started
        )
    except Exception as error:
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        where = traceback.extract_tb(error.__traceback__)[-1:]
        location = f" at {where[0].filename}:{where[0].lineno}" if where else ""
        return CaseResult(
            case.file,
            case.name,
            "failed",
            f"internal error: {detail}{location}",
            time.perf_counter() - started,
        )
    return CaseResult(case.file, case.name, "passed", None, time.perf_counter() - started)


def _error_matches(expected: Any, error: BaseException) -> bool:
    message = str(error)
    return expected.message in message


class _Run:
    def __init__(self, case: TestCase) -> None:
        self.case = case
        self.driver = TestDriver()
        self.engine = KsqlEngine(
            self.driver, properties={**BASE_PROPERTIES, **_properties(case.properties)}
        )
        self.exact = (
            str(case.properties.get("use.exact.numeric.comparison", "true")).lower() != "false"
        )

    # -- phases ------------------------------------------------------------------------

    def run(self) -> None:
        case = self.case
        expected = case.expected_error
        try:
            self._prepare_topics()
            self._execute_statements()
            if case.inputs or case.outputs:
                self._process()
            self._verify_outputs()
            if case.post:
                check_post(self.engine, self.driver, case.post)
        except CaseFailure:
            raise
        except (KsqlmvError, fatal) as error:
            if expected is None and isinstance(error, UnknownFunctionError):
                raise CaseSkipped(test_only_function(error.name)) from None
            if expected is None:
                raise CaseFailure(f"unexpected error: {error}") from None
            if not _error_matches(expected, error):
                raise CaseFailure(
                    f"expected error containing {expected.message!r} but got: {error}"
                ) from None
            return
        if expected is not None:
            raise CaseFailure(f"expected an error containing {expected.message!r} but the case ran")

    def _prepare_topics(self) -> None:
        registry = self.driver.registry
        for topic in self.case.topics:
            self.driver.create_topic(topic.name, topic.partitions or 1, topic.replicas or 1, {})
            for schema, schema_id, subject, fmt in (
                (topic.key_schema, topic.key_schema_id, key_subject(topic.name), topic.key_format),
                (
                    topic.value_schema,
                    topic.value_schema_id,
                    value_subject(topic.name),
                    topic.value_format,
                ),
            ):
                if schema is None or (fmt or "AVRO").upper() != "AVRO":
                    continue
                text = schema if isinstance(schema, str) else _json(schema)
                if schema_id is not None:
                    registry.register_with_id(subject, text, schema_id)
                else:
                    registry.register(subject, text)
        types: dict[str, Any] = {}
        for text in self.case.statements:
            try:
                statements = parse(text)
            except KsqlmvError:
                continue
            for statement in statements:
                if isinstance(statement, ast.CreateType):
                    with contextlib.suppress(KsqlmvError):
                        types[statement.name.upper()] = resolve_type(statement.type, types)
                elif isinstance(statement, ast.CreateSource):
                    self._topic_from_create(statement, types)
        for record in (*self.case.inputs, *self.case.outputs):
            self.driver.create_topic(record.topic)

    def _topic_from_create(self, stmt: ast.CreateSource, types: dict[str, Any]) -> None:
        props = ast.property_map(stmt.properties)
        topic_literal = props.get("KAFKA_TOPIC")
        topic = getattr(topic_literal, "value", None)
        if not isinstance(topic, str):
            return
        partitions = getattr(props.get("PARTITIONS"), "value", None)
        self.driver.create_topic(topic, int(partitions) if partitions else 1)
        if not stmt.elements:
            return
        from ksqlmv.engine.testing.schemas import register_statement_schemas

        try:
            columns = [
                Column(
                    e.name,
                    resolve_type(e.type, types),
                    ColumnKind.KEY
                    if e.constraint in (ast.ColumnConstraint.KEY, ast.ColumnConstraint.PRIMARY_KEY)
                    else ColumnKind.VALUE,
                )
                for e in stmt.elements
                if e.constraint not in (ast.ColumnConstraint.HEADERS, ast.ColumnConstraint.HEADER)
            ]
            register_statement_schemas(
                self.driver.registry, stmt, props, topic, columns, self.engine.properties
            )
        except KsqlmvError:
            return

    def _execute_statements(self) -> None:
        session = self.engine.session()
        # ksqlDB's runner joins the statements with newlines: positions in errors count lines
        # across all of them.
        text = "\n".join(self.case.statements)
        for piece in split_statements(text):
            padded = "\n" * (piece.line - 1) + " " * (piece.column - 1) + piece.text
            try:
                for statement in self.engine.parse(padded, session):
                    self.engine.execute_statement(statement, session)
            except UnknownFunctionError as error:
                raise UnknownFunctionError(
                    f"{error}\nStatement: {piece.text}", error.name
                ) from error
            except KsqlmvError as error:
                # ksqlDB's statement errors end with the statement they are about.
                raise KsqlmvError(f"{error}\nStatement: {piece.text}") from error

    def _info(self, topic: str) -> DataSource:
        found = [s for s in self.engine.catalog if s.topic == topic]
        if not found:
            raise CaseFailure(f"No information found for topic '{topic}'")
        sinks = [s for s in found if s.query_id is not None]
        return (sinks or found)[0]

    def _serialize(self, record: RecordSpec) -> TopicRecord:
        source = self._info(record.topic)
        write_key, _ = key_spec_serde(
            source.key_format, source.schema.key, source.topic, self.driver.registry, self.exact
        )
        value = value_spec_serde(
            source.value_format,
            source.schema.value,
            source.topic,
            self.driver.registry,
            self.exact,
        )
        try:
            key_bytes = write_key(record.key, record.window)
            value_bytes = value.write(record.value)
        except Exception as error:
            raise CaseFailure(f"Failed to serialize input record {record}: {error}") from error
        ts = record.timestamp if record.timestamp is not None else 0
        return TopicRecord(key_bytes, value_bytes, ts, record.headers or ())

    def _process(self) -> None:
        inputs = [(r.topic, self._serialize(r)) for r in self.case.inputs]
        for topic, record in inputs:
            target = self.driver.topics[topic]
            target.records.append(record)
        input_topics = {topic for topic, _ in inputs}
        for query in list(self.engine.queries.values()):
            sources = set(query.source_topics)
            for topic, record in inputs:
                if topic in sources:
                    self.driver.pipe(query, topic, [record])
            for topic in query.source_topics:
                if topic not in input_topics:
                    self.driver.pipe(query, topic, self.driver.records(topic))

    # -- verification --------------------------------------------------------------------

    def _verify_outputs(self) -> None:
        expected_by_topic: dict[str, list[RecordSpec]] = {}
        for record in self.case.outputs:
            expected_by_topic.setdefault(record.topic, []).append(record)
        with_inserts = not self.case.inputs
        for topic, expected in expected_by_topic.items():
            actual = self.driver.records(topic)
            if len(actual) != len(expected):
                raise CaseFailure(
                    f"Topic {topic}. Expected <{len(expected)}> records but it was "
                    f"<{len(actual)}>\n{self._describe(topic, actual)}"
                )
            for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
                self._compare(topic, index, want, got, with_inserts)

    def _decode(self, topic: str, record: TopicRecord) -> tuple[Any, WindowSpec | None, Any]:
        source = self._info(topic)
        _, read_key = key_spec_serde(
            source.key_format, source.schema.key, source.topic, self.driver.registry, self.exact
        )
        value = value_spec_serde(
            source.value_format,
            source.schema.value,
            source.topic,
            self.driver.registry,
            self.exact,
        )
        try:
            key, window = read_key(record.key)
        except Exception as error:
            raise CaseFailure(f"Failed to deserialize key: {error}") from error
        try:
            decoded = value.read(record.value)
        except Exception as error:
            raise CaseFailure(f"Failed to deserialize value: {error}") from error
        return coerce_bytes(key), window, coerce_bytes(decoded)

    def _describe(self, topic: str, records: Iterable[TopicRecord]) -> str:
        lines = []
        for record in records:
            try:
                key, window, value = self._decode(topic, record)
                lines.append(f"<{key}, {value}> window={window} timestamp={record.timestamp}")
            except CaseFailure as failure:
                lines.append(str(failure))
        return "Actual records: \n" + "\n".join(lines)

    def _compare(
        self, topic: str, index: int, want: RecordSpec, got: TopicRecord, with_inserts: bool
    ) -> None:
        key, window, value = self._decode(topic, got)
        problem = None
        wanted = want.window
        if wanted is not None and (
            window is None
            or (window.start, window.end, window.type) != (wanted.start, wanted.end, wanted.type)
        ):
            problem = "window"
        if problem is None and not matches(key, want.key):
            problem = "key"
        if problem is None and not matches(value, want.value):
            problem = "value"
        expected_headers = want.headers or ()
        if problem is None and tuple(got.headers) != tuple(expected_headers):
            problem = "headers"
        expected_ts = want.timestamp if want.timestamp is not None else got.timestamp
        if (
            problem is None
            and got.timestamp != expected_ts
            and not (with_inserts and expected_ts == 0)
        ):
            problem = "timestamp"
        if problem is not None:
            raise CaseFailure(
                f"Topic '{topic}', message {index}: {problem} differs. Expected <{want.key}, "
                f"{want.value}> window={want.window} timestamp={want.timestamp} headers="
                f"{want.headers} but was <{key}, {value}> window={window} timestamp="
                f"{got.timestamp} headers={got.headers}"
            )


def _properties(properties: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items()}


def _json(value: Any) -> str:
    import json

    return json.dumps(value, default=str)
