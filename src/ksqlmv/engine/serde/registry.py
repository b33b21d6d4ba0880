"""Schema Registry as the engine's formats use it: register, fetch by id, fetch a subject's latest.

Two implementations of one small protocol:

- `ConfluentSchemaRegistry`, for production: confluent-kafka's `SchemaRegistryClient` talking
  HTTP to whatever registry the URL names (Confluent's, or ksqlmv's embedded one);
- `InMemorySchemaRegistry`, for the engine's test driver: what ksqlDB's test runner uses instead
  of a real registry. Ids are global and start at 1; registering a schema that is already known
  (compared by its parsed form, not its text) returns the id it has.

Both raise `RegistryError` with Schema Registry's error code (40401 subject not found, 40403
schema not found, 42201 invalid schema) and `ServiceUnavailableError` when there is no registry.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import fastavro

from ksqlmv.errors import RegistryError, ServiceUnavailableError

__all__ = [
    "ConfluentSchemaRegistry",
    "InMemorySchemaRegistry",
    "RegisteredSchema",
    "SchemaRegistry",
    "key_subject",
    "parse_schema_text",
    "value_subject",
]

SUBJECT_NOT_FOUND = 40401
SCHEMA_NOT_FOUND = 40403
INVALID_SCHEMA = 42201


def key_subject(topic: str) -> str:
    """The subject of a topic's key schemas (TopicNameStrategy): `<topic>-key`."""
    return f"{topic}-key"


def value_subject(topic: str) -> str:
    """The subject of a topic's value schemas (TopicNameStrategy): `<topic>-value`."""
    return f"{topic}-value"


@dataclass(frozen=True, slots=True)
class RegisteredSchema:
    """A schema as the registry holds it: its global id, text, type and, if known, its subject."""

    schema_id: int
    schema: str
    schema_type: str = "AVRO"
    subject: str | None = None
    version: int | None = None


class SchemaRegistry(Protocol):
    """What the formats need from Schema Registry."""

    def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
        """Register `schema` under `subject` (or find it there) and return its id."""
        ...

    def get_by_id(self, schema_id: int) -> RegisteredSchema:
        """The schema with id `schema_id`."""
        ...

    def get_latest(self, subject: str) -> RegisteredSchema:
        """The latest version registered under `subject`."""
        ...


def parse_schema_text(schema: str | Any) -> Any:
    """Schema text as JSON data (a bare primitive name such as `int` is allowed); data as it is.

    Raises RegistryError 42201 when the text is not JSON.
    """
    if not isinstance(schema, str):
        return schema
    try:
        return json.loads(schema)
    except ValueError:
        stripped = schema.strip()
        if stripped.isidentifier():
            return stripped  # a bare primitive name such as `int`
        raise RegistryError(INVALID_SCHEMA, f"Invalid schema {schema}") from None


class InMemorySchemaRegistry:
    """A registry in memory, for tests and the engine's test driver. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[int, RegisteredSchema] = {}
        self._ids: dict[tuple[str, str], int] = {}
        self._subjects: dict[str, list[int]] = {}
        self._next_id = 1

    def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
        """Register `schema` under `subject`; an identical schema keeps its id and version."""
        return self._register(subject, schema, schema_type, None)

    def register_with_id(
        self, subject: str, schema: str, schema_id: int, schema_type: str = "AVRO"
    ) -> int:
        """Register `schema` under `subject` with a chosen id, as ksqlDB's test runner does."""
        return self._register(subject, schema, schema_type, schema_id)

    def _register(self, subject: str, schema: str, schema_type: str, wanted_id: int | None) -> int:
        parsed = parse_schema_text(schema)
        if schema_type == "AVRO":
            try:
                fastavro.parse_schema(parsed, _write_hint=False)
            except Exception as error:
                raise RegistryError(INVALID_SCHEMA, f"Invalid schema {schema}: {error}") from None
        text = json.dumps(parsed, separators=(",", ":"))
        identity = (schema_type, json.dumps(parsed, sort_keys=True, separators=(",", ":")))
        with self._lock:
            schema_id = self._ids.get(identity) if wanted_id is None else wanted_id
            if schema_id is None:
                while self._next_id in self._by_id:
                    self._next_id += 1
                schema_id = self._next_id
            self._ids.setdefault(identity, schema_id)
            versions = self._subjects.setdefault(subject, [])
            if schema_id not in versions:
                versions.append(schema_id)
            self._by_id[schema_id] = RegisteredSchema(schema_id, text, schema_type)
            return schema_id

    def get_by_id(self, schema_id: int) -> RegisteredSchema:
        """The schema with id `schema_id`, or RegistryError 40403."""
        with self._lock:
            found = self._by_id.get(schema_id)
        if found is None:
            raise RegistryError(SCHEMA_NOT_FOUND, f"Schema {schema_id} not found")
        return found

    def get_latest(self, subject: str) -> RegisteredSchema:
        """The latest version under `subject`, or RegistryError 40401."""
        with self._lock:
            versions = self._subjects.get(subject)
            if not versions:
                raise RegistryError(SUBJECT_NOT_FOUND, f"Subject '{subject}' not found.")
            found = self._by_id[versions[-1]]
            version = len(versions)
        return RegisteredSchema(found.schema_id, found.schema, found.schema_type, subject, version)

    def close(self) -> None:
        """Nothing to release; here so both registries can be closed alike."""

    def subjects(self) -> list[str]:
        """Every subject with at least one version, sorted."""
        with self._lock:
            return sorted(s for s, versions in self._subjects.items() if versions)


class ConfluentSchemaRegistry:
    """A registry reached over HTTP through confluent-kafka's `SchemaRegistryClient`.

    `config` is the client's configuration (`url`, `basic.auth.user.info`, ...), such as
    `Settings.schema_registry_config()` returns. Schemas fetched by id are cached.
    """

    def __init__(self, config: Mapping[str, Any] | str) -> None:
        from confluent_kafka.schema_registry import SchemaRegistryClient

        conf = {"url": config} if isinstance(config, str) else dict(config)
        self._client = SchemaRegistryClient(conf)
        self._lock = threading.Lock()
        self._by_id: dict[int, RegisteredSchema] = {}

    def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
        """Register `schema` under `subject` and return its id."""
        from confluent_kafka.schema_registry import Schema

        return int(self._call(self._client.register_schema, subject, Schema(schema, schema_type)))

    def get_by_id(self, schema_id: int) -> RegisteredSchema:
        """The schema with id `schema_id`."""
        with self._lock:
            found = self._by_id.get(schema_id)
        if found is not None:
            return found
        schema = self._call(self._client.get_schema, schema_id)
        found = RegisteredSchema(schema_id, schema.schema_str, schema.schema_type or "AVRO")
        with self._lock:
            self._by_id[schema_id] = found
        return found

    def get_latest(self, subject: str) -> RegisteredSchema:
        """The latest version registered under `subject`."""
        registered = self._call(self._client.get_latest_version, subject)
        schema = registered.schema
        return RegisteredSchema(
            registered.schema_id,
            schema.schema_str,
            schema.schema_type or "AVRO",
            subject,
            registered.version,
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> ConfluentSchemaRegistry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(self, method: Any, *args: Any) -> Any:
        from confluent_kafka.schema_registry.error import SchemaRegistryError

        try:
            return method(*args)
        except SchemaRegistryError as error:
            raise RegistryError(error.error_code, error.error_message) from None
        except (OSError, ConnectionError) as error:
            raise ServiceUnavailableError(f"Schema Registry cannot be reached: {error}") from None
        except Exception as error:
            # httpx's transport errors do not derive from OSError
            if type(error).__module__.startswith(("httpx", "httpcore")):
                raise ServiceUnavailableError(
                    f"Schema Registry cannot be reached: {error}"
                ) from None
            raise
