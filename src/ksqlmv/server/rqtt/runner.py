"""Running RQTT cases against a ksqlDB server over REST, as ksqlDB's RestTestExecutor does.

For each case: the topics it names get a unique suffix (so cases never see each other's
records), declared topics are created and their schemas registered, the statements before the
first SELECT go to `/ksql` in one request, the input records are produced with a Kafka producer,
the runner waits until every persistent query has committed the end of its inputs, then each
SELECT goes to `/query`; the responses, the records of the output topics and any expected error
are compared with the case. Between cases the server is cleared: queries terminated, streams,
tables and types dropped, topics and subjects deleted.

Input and output records are converted the way the query-validation runner converts them, with
the formats of the sources the statements declare (read from a local engine that runs the same
statements on its test driver).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import logging
import random
import re
import time
import traceback
import uuid
from decimal import Decimal
from typing import Any

import httpx
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from ksqlmv.engine.analysis.binder import resolve_type
from ksqlmv.engine.catalog import Column, ColumnKind, DataSource
from ksqlmv.engine.drivers.kafka import create_time
from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.serde.registry import ConfluentSchemaRegistry, key_subject, value_subject
from ksqlmv.engine.testing.cases import RecordSpec, TestCase, TopicSpec
from ksqlmv.engine.testing.compare import coerce_bytes, matches
from ksqlmv.engine.testing.executor import BASE_PROPERTIES, CaseResult
from ksqlmv.engine.testing.schemas import register_statement_schemas
from ksqlmv.engine.testing.spec import key_spec_serde, value_spec_serde
from ksqlmv.errors import KsqlmvError
from ksqlmv.server.rqtt.cases import RestCase
from ksqlmv.server.rqtt.responses import ResponseMismatch, check_responses
from ksqlmv.sql import ast, parse

__all__ = ["CaseFailed", "RestRunner"]

STATIC_TOPIC = "test_topic"
DEFAULT_PARTITIONS = 4  # ksqlDB's test topics
kafka_log = logging.getLogger("ksqlmv.server.rqtt.kafka")
KEEP_TOPICS = ("_schemas", "__consumer_offsets")


class CaseFailed(AssertionError):
    """The case ran and the server's answers differ from what it expects."""


def _loads(text: bytes | str) -> Any:
    return json.loads(text, parse_float=Decimal)


_SCHEMA_IDS = itertools.count(random.randrange(100_000, 900_000, 1000))


def _unique(case: TestCase) -> TestCase:
    """The case with its topics and schema ids made its own, as ksqlDB's runner makes topics.

    Schema ids are global in a registry that outlives the case, so each declared id is moved
    to a fresh one, in the topics and in the statements that name it.
    """
    suffix = uuid.uuid4().hex[:8]
    unique = f"{STATIC_TOPIC}_{suffix}"
    ids: dict[int, int] = {}
    for spec in case.topics:
        for declared in (spec.key_schema_id, spec.value_schema_id):
            if declared is not None and declared not in ids:
                ids[declared] = next(_SCHEMA_IDS)

    def text(statement: str) -> str:
        statement = statement.replace(STATIC_TOPIC, unique)
        for old, new in ids.items():
            statement = re.sub(
                rf"(SCHEMA_ID\s*=\s*){old}\b", rf"\g<1>{new}", statement, flags=re.IGNORECASE
            )
        return statement

    def topic(spec: TopicSpec) -> TopicSpec:
        return dataclasses.replace(
            spec,
            name=spec.name.replace(STATIC_TOPIC, unique),
            key_schema_id=ids.get(spec.key_schema_id) if spec.key_schema_id else None,
            value_schema_id=ids.get(spec.value_schema_id) if spec.value_schema_id else None,
        )

    return dataclasses.replace(
        case,
        statements=tuple(text(s) for s in case.statements),
        inputs=tuple(
            dataclasses.replace(r, topic=r.topic.replace(STATIC_TOPIC, unique)) for r in case.inputs
        ),
        outputs=tuple(
            dataclasses.replace(r, topic=r.topic.replace(STATIC_TOPIC, unique))
            for r in case.outputs
        ),
        topics=tuple(topic(t) for t in case.topics),
    )


class _Shadow:
    """The case's statements on a local engine: which source a topic belongs to, its formats."""

    def __init__(self, case: TestCase, statements: list[str], topics: dict[str, int]) -> None:
        self.driver = TestDriver()
        self.engine = KsqlEngine(self.driver, properties={**BASE_PROPERTIES})
        for name, partitions in topics.items():
            self.driver.create_topic(name, partitions)
        for spec in case.topics:
            self._register(spec)
        session = self.engine.session()
        for text in statements:
            with contextlib.suppress(KsqlmvError, Exception):
                for statement in parse(text):
                    self.engine.execute_statement(statement, session)

    def _register(self, spec: TopicSpec) -> None:
        registry = self.driver.registry
        for schema, schema_id, subject, fmt in (
            (spec.key_schema, spec.key_schema_id, key_subject(spec.name), spec.key_format),
            (spec.value_schema, spec.value_schema_id, value_subject(spec.name), spec.value_format),
        ):
            if schema is None or (fmt or "AVRO").upper() != "AVRO":
                continue
            text = schema if isinstance(schema, str) else json.dumps(schema)
            with contextlib.suppress(KsqlmvError):
                if schema_id is None:
                    registry.register(subject, text)
                else:
                    registry.register_with_id(subject, text, schema_id)

    def source(self, topic: str) -> DataSource:
        found = [s for s in self.engine.catalog if s.topic == topic]
        if not found:
            raise CaseFailed(f"No information found for topic: {topic}")
        sinks = [s for s in found if s.query_id is not None]
        return (sinks or found)[0]

    def topics_of(self, names: list[str]) -> list[str]:
        """The topics of the sources called `names`."""
        found = [self.engine.catalog.source(name) for name in names]
        return [source.topic for source in found if source is not None]


class RestRunner:
    """Runs RQTT cases against one server, its broker and its Schema Registry."""

    def __init__(
        self,
        server_url: str,
        bootstrap_servers: str,
        schema_registry_url: str | None,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.http = httpx.Client(base_url=server_url, auth=auth, timeout=timeout)
        self.kafka: dict[str, Any] = {"bootstrap.servers": bootstrap_servers, "logger": kafka_log}
        self.admin = AdminClient(dict(self.kafka))
        self.registry_url = schema_registry_url
        self.registry = (
            ConfluentSchemaRegistry(schema_registry_url) if schema_registry_url else None
        )
        self.timeout = timeout

    def close(self) -> None:
        """Release the clients."""
        self.http.close()

    # -- one case -----------------------------------------------------------------------------

    def run(self, rest: RestCase) -> CaseResult:
        """Run one case: passed, failed (with the reason) or skipped."""
        reason = rest.skip_reason()
        if reason is not None:
            return CaseResult(rest.file, rest.name, "skipped", reason)
        started = time.perf_counter()
        try:
            self._run(rest)
            status, why = "passed", None
        except (CaseFailed, ResponseMismatch) as failure:
            status, why = "failed", str(failure)
        except Exception as error:
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            status, why = "failed", f"internal error: {detail}"
        finally:
            with contextlib.suppress(Exception):
                self.clean()
        return CaseResult(rest.file, rest.name, status, why, time.perf_counter() - started)

    def _run(self, rest: RestCase) -> None:
        case = _unique(rest.case)
        statements = list(case.statements)
        first_query = next(
            (i for i, s in enumerate(statements) if s.startswith("SELECT ")), len(statements)
        )
        admin, queries = statements[:first_query], statements[first_query:]
        properties = {"ksql.streams.auto.offset.reset": "earliest", **case.properties}
        topics = self._prepare(case, admin)
        response = self.http.post(
            "/ksql", json={"ksql": "\n".join(admin), "streamsProperties": properties}
        )
        if response.status_code != 200:
            self._expect_error(rest, response)
            return
        actual: list[tuple[str, Any]] = [("admin", e) for e in _loads(response.content)]
        shadow = _Shadow(case, admin, topics)
        self._produce(case.inputs, shadow)
        if rest.expected_error is None and len(rest.responses) > len(admin):
            self._wait_for_queries(shadow)
        time.sleep(0.1)
        for sql in queries:
            answer = self.http.post(
                "/query",
                json={"ksql": sql, "streamsProperties": properties},
                headers={"Accept": "application/vnd.ksql.v1+json"},
            )
            if answer.status_code != 200:
                self._expect_error(rest, answer)
                return
            actual.append(("query", _loads(answer.content)))
        if rest.expected_error is not None:
            raise CaseFailed(
                f"Expected last statement to return an error: {rest.expected_error.message}"
            )
        self._verify_outputs(case.outputs, shadow)
        check_responses(actual, rest.responses, tuple(statements), rest.verify_order)

    def _expect_error(self, rest: RestCase, response: httpx.Response) -> None:
        expected = rest.expected_error
        try:
            body = _loads(response.content)
        except ValueError:
            body = {"message": response.text}
        message = str(body.get("message", "")) if isinstance(body, dict) else str(body)
        if expected is None:
            raise CaseFailed(
                f"Server failed to execute statement\nstatus: {response.status_code}\n"
                f"reason: {message}"
            )
        if expected.status is not None and response.status_code != expected.status:
            raise CaseFailed(
                f"Expected error status {expected.status}, got {response.status_code}: {message}"
            )
        if expected.type.endswith("KsqlStatementErrorMessage") and (
            not isinstance(body, dict) or body.get("@type") != "statement_error"
        ):
            raise CaseFailed(f"Expected a statement error, got {body}")
        if expected.message not in message:
            raise CaseFailed(
                f"Expected error mismatch.\nExpected message containing: {expected.message!r}\n"
                f"Actual: {message!r}"
            )

    # -- topics and records -------------------------------------------------------------------

    def _prepare(self, case: TestCase, admin: list[str]) -> dict[str, int]:
        """Create the topics the case uses, as ksqlDB's runner does; returns them.

        Declared topics get their partitions (1 by default); topics of CREATE statements with
        columns get the statement's PARTITIONS, or 4; topics only records name get 4.
        """
        wanted: dict[str, int] = {}
        for spec in case.topics:
            wanted[spec.name] = spec.partitions or 1
            self._register(spec)
        types: dict[str, Any] = {}
        for text in admin:
            with contextlib.suppress(KsqlmvError):
                for statement in parse(text):
                    if isinstance(statement, ast.CreateType):
                        types[statement.name.upper()] = resolve_type(statement.type, types)
                    elif isinstance(statement, ast.CreateSource):
                        props = ast.property_map(statement.properties)
                        topic = getattr(props.get("KAFKA_TOPIC"), "value", None)
                        partitions = getattr(props.get("PARTITIONS"), "value", None)
                        if isinstance(topic, str) and statement.elements:
                            wanted.setdefault(topic, int(partitions or DEFAULT_PARTITIONS))
                        if isinstance(topic, str):
                            self._register_columns(statement, props, topic, types)
        for record in (*case.inputs, *case.outputs):
            wanted.setdefault(record.topic, DEFAULT_PARTITIONS)
        if not wanted:
            return wanted
        futures = self.admin.create_topics(
            [NewTopic(name, count, 1) for name, count in wanted.items()],
            request_timeout=self.timeout,
        )
        for future in futures.values():
            with contextlib.suppress(Exception):
                future.result(self.timeout)
        return wanted

    def _register_columns(
        self, statement: ast.CreateSource, props: dict[str, Any], topic: str, types: dict[str, Any]
    ) -> None:
        """The Avro schemas of declared columns, registered as ksqlDB's test runner does."""
        if self.registry is None or not statement.elements:
            return
        keyed = (ast.ColumnConstraint.KEY, ast.ColumnConstraint.PRIMARY_KEY)
        headers = (ast.ColumnConstraint.HEADERS, ast.ColumnConstraint.HEADER)
        columns = [
            Column(
                e.name,
                resolve_type(e.type, types),
                ColumnKind.KEY if e.constraint in keyed else ColumnKind.VALUE,
            )
            for e in statement.elements
            if e.constraint not in headers
        ]
        register_statement_schemas(
            self.registry, statement, props, topic, columns, dict(BASE_PROPERTIES)
        )

    def _register(self, spec: TopicSpec) -> None:
        """Pre-register a declared topic's schemas (with their ids, through IMPORT mode)."""
        if self.registry_url is None:
            return
        for schema, schema_id, subject, fmt in (
            (spec.key_schema, spec.key_schema_id, key_subject(spec.name), spec.key_format),
            (spec.value_schema, spec.value_schema_id, value_subject(spec.name), spec.value_format),
        ):
            if schema is None:
                continue
            kind = (fmt or "AVRO").upper()
            body: dict[str, Any] = {
                "schema": schema if isinstance(schema, str) else json.dumps(schema)
            }
            if kind != "AVRO":
                body["schemaType"] = "PROTOBUF" if "PROTOBUF" in kind else "JSON"
            base = f"{self.registry_url}/subjects/{subject}"
            with contextlib.suppress(httpx.HTTPError):
                if schema_id is None:
                    httpx.post(f"{base}/versions", json=body, timeout=10)
                    continue
                mode = f"{self.registry_url}/mode/{subject}"
                httpx.put(mode, json={"mode": "IMPORT"}, params={"force": "true"}, timeout=10)
                httpx.post(
                    f"{base}/versions", json={**body, "id": schema_id, "version": 1}, timeout=10
                )
                httpx.put(mode, json={"mode": "READWRITE"}, timeout=10)

    def _produce(self, records: tuple[RecordSpec, ...], shadow: _Shadow) -> None:
        if not records:
            return
        producer = Producer({**self.kafka, "partitioner": "murmur2_random", "linger.ms": 0})
        for record in records:
            source = shadow.source(record.topic)
            write_key, _ = key_spec_serde(
                source.key_format, source.schema.key, source.topic, self.registry, True
            )
            value = value_spec_serde(
                source.value_format, source.schema.value, source.topic, self.registry, True
            )
            try:
                key_bytes = write_key(record.key, record.window)
                value_bytes = value.write(record.value)
            except Exception as error:
                raise CaseFailed(f"Failed to serialize input record {record}: {error}") from error
            producer.produce(
                record.topic,
                value=value_bytes,
                key=key_bytes,
                timestamp=create_time(record.timestamp or 0),
                headers=[(k, v) for k, v in record.headers] if record.headers else None,
            )
        if producer.flush(self.timeout):
            raise CaseFailed("Could not produce the input records")

    def _wait_for_queries(self, shadow: _Shadow) -> None:
        """Until every persistent query has committed the end of each topic it reads."""
        listing = self.http.post("/ksql", json={"ksql": "SHOW QUERIES;"})
        queries = _loads(listing.content)[0].get("queries", []) if listing.is_success else []
        deadline = time.monotonic() + self.timeout
        for query in queries:
            if query.get("queryType") != "PERSISTENT":
                continue
            explained = self.http.post("/ksql", json={"ksql": f"EXPLAIN {query['id']};"})
            if not explained.is_success:
                continue
            description = _loads(explained.content)[0].get("queryDescription", {})
            topics = shadow.topics_of(list(description.get("sources", [])))
            group = f"_confluent-ksql-default_query_{query['id']}"
            consumer = Consumer({**self.kafka, "group.id": group, "enable.auto.commit": False})
            try:
                while time.monotonic() < deadline and not self._caught_up(consumer, topics):
                    time.sleep(0.05)
            finally:
                consumer.close()

    def _caught_up(self, consumer: Consumer, topics: list[str]) -> bool:
        partitions: list[TopicPartition] = []
        for topic in topics:
            metadata = consumer.list_topics(topic, timeout=self.timeout).topics.get(topic)
            if metadata is not None and metadata.error is None:
                partitions += [TopicPartition(topic, p) for p in metadata.partitions]
        committed = consumer.committed(partitions, timeout=self.timeout) if partitions else []
        for tp in committed:
            low, high = consumer.get_watermark_offsets(tp, timeout=self.timeout)
            if high > low and tp.offset < high:
                return False
        return True

    def _verify_outputs(self, outputs: tuple[RecordSpec, ...], shadow: _Shadow) -> None:
        by_topic: dict[str, list[RecordSpec]] = {}
        for record in outputs:
            by_topic.setdefault(record.topic, []).append(record)
        for topic, expected in by_topic.items():
            received = self._read(topic, len(expected))
            source = shadow.source(topic)
            _, read_key = key_spec_serde(
                source.key_format, source.schema.key, source.topic, self.registry, True
            )
            value = value_spec_serde(
                source.value_format, source.schema.value, source.topic, self.registry, True
            )
            for index, (want, got) in enumerate(zip(expected, received, strict=False)):
                key, _ = read_key(got.key())
                actual = coerce_bytes(value.read(got.value()))
                timestamp = got.timestamp()[1]
                wanted_ts = want.timestamp if want.timestamp is not None else timestamp
                if not (
                    matches(coerce_bytes(key), want.key)
                    and matches(actual, want.value)
                    and timestamp == wanted_ts
                ):
                    raise CaseFailed(
                        f"Topic '{topic}', message {index}: Expected <{want.key}, {want.value}> "
                        f"with timestamp={wanted_ts} but was <{key}, {actual}> with "
                        f"timestamp={timestamp}"
                    )

    def _read(self, topic: str, count: int) -> list[Any]:
        consumer = Consumer(
            {**self.kafka, "group.id": f"rqtt-{uuid.uuid4()}", "enable.auto.commit": False}
        )
        try:
            metadata = consumer.list_topics(topic, timeout=self.timeout).topics.get(topic)
            partitions = sorted(metadata.partitions) if metadata is not None else [0]
            consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
            found: list[Any] = []
            deadline = time.monotonic() + 10
            while len(found) < count and time.monotonic() < deadline:
                for message in consumer.consume(100, 0.2):
                    problem = message.error()
                    if problem is None:
                        found.append(message)
                    elif problem.code() != KafkaError._PARTITION_EOF:
                        raise CaseFailed(f"Reading {topic}: {problem}")
        finally:
            consumer.close()
        if len(found) < count:
            raise CaseFailed(f"Topic {topic}: expected {count} records, found {len(found)}")
        # Partitions interleave as they please: put records back in time order (stable, so
        # each partition keeps its own order).
        found.sort(key=lambda message: message.timestamp()[1])
        return found[:count]

    # -- between cases ------------------------------------------------------------------------

    def clean(self) -> None:
        """Terminate every query, drop every source and type, delete topics and subjects."""
        self.http.post("/ksql", json={"ksql": "TERMINATE ALL;"})
        for _ in range(5):
            listing = self.http.post("/ksql", json={"ksql": "SHOW STREAMS; SHOW TABLES;"})
            if not listing.is_success:
                break
            names = [
                ("STREAM", s["name"]) for s in _loads(listing.content)[0].get("streams", [])
            ] + [("TABLE", t["name"]) for t in _loads(listing.content)[1].get("tables", [])]
            names = [(k, n) for k, n in names if n != "KSQL_PROCESSING_LOG"]
            if not names:
                break
            for kind, name in names:
                self.http.post("/ksql", json={"ksql": f"DROP {kind} IF EXISTS `{name}`;"})
        types = self.http.post("/ksql", json={"ksql": "SHOW TYPES;"})
        if types.is_success:
            for name in _loads(types.content)[0].get("types", {}):
                self.http.post("/ksql", json={"ksql": f"DROP TYPE IF EXISTS `{name}`;"})
        topics = [
            t
            for t in self.admin.list_topics(timeout=10).topics
            if t not in KEEP_TOPICS and not t.endswith("_command_topic")
        ]
        if topics:
            for future in self.admin.delete_topics(topics, request_timeout=10).values():
                with contextlib.suppress(Exception):
                    future.result(10)
        if self.registry_url is not None:
            with contextlib.suppress(httpx.HTTPError):
                subjects = httpx.get(f"{self.registry_url}/subjects", timeout=10).json()
                for subject in subjects:
                    httpx.delete(f"{self.registry_url}/subjects/{subject}", timeout=10)
                    httpx.delete(
                        f"{self.registry_url}/subjects/{subject}?permanent=true", timeout=10
                    )
