"""The `topics:` section of a scenario: each topic's value schema and how it evolves.

```yaml
topics:
  customers: customers-value.avsc            # a file in the scenario's schemas folder
  orders:
    schema: orders-value.avsc
    evolve:                                  # a schema switch during the run
      - {schema: v2/orders-value.avsc, after: 5m}      # event time since the start
      # - {schema: v2/orders-value.avsc, after: 2000}  # or events sent to this topic
```

Each schema is registered as `<topic>-value` (TopicNameStrategy, as ksqlDB expects) before the
first record is sent; an evolution registers the next version when it takes effect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastavro

from ksqlmv.simulate.avrotypes import TypeInfo, parse_type
from ksqlmv.simulate.traffic import SpecError, parse_duration_ms

__all__ = ["Evolution", "SchemaVersion", "TopicSpec", "parse_topics"]

_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    """One Avro value schema of a topic: its name in the scenario (`v2/orders-value.avsc`), the
    file, its exact text, and its field types."""

    name: str
    file: Path
    text: str
    schema: Mapping[str, Any]
    fields: Mapping[str, TypeInfo]


@dataclass(frozen=True, slots=True)
class Evolution:
    """Switch to `version` after `after_events` records on the topic or `after_ms` of event
    time since the start, whichever is given."""

    version: int
    after_events: int | None
    after_ms: int | None


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic of the scenario: its schema versions in order and when each takes over."""

    name: str
    versions: tuple[SchemaVersion, ...]
    evolutions: tuple[Evolution, ...]

    @property
    def subject(self) -> str:
        """The Schema Registry subject of the values (TopicNameStrategy)."""
        return f"{self.name}-value"

    @property
    def all_fields(self) -> dict[str, TypeInfo]:
        """Every field of any version, with the type of the first version that has it."""
        fields: dict[str, TypeInfo] = {}
        for version in self.versions:
            for name, info in version.fields.items():
                fields.setdefault(name, info)
        return fields


def parse_topics(raw: Any, schemas: Path) -> tuple[dict[str, TopicSpec], list[SpecError]]:
    """Check the `topics:` section, reading schema files from `schemas`."""
    if not isinstance(raw, dict) or not raw:
        return {}, [SpecError("a scenario needs at least one topic", "topics")]
    topics: dict[str, TopicSpec] = {}
    problems: list[SpecError] = []
    for name, spec in raw.items():
        try:
            topics[str(name)] = _topic(str(name), spec, schemas)
        except SpecError as error:
            problems.append(error.under(f"topics.{name}"))
    return topics, problems


def _topic(name: str, spec: Any, schemas: Path) -> TopicSpec:
    if not _TOPIC_NAME.match(name) or name in (".", ".."):
        raise SpecError("not a valid Kafka topic name (letters, digits, '.', '_', '-')")
    if isinstance(spec, str):
        spec = {"schema": spec}
    if not isinstance(spec, dict) or "schema" not in spec or set(spec) - {"schema", "evolve"}:
        raise SpecError("a topic is a schema file, or {schema, evolve}")
    versions = [_schema(spec["schema"], schemas, "schema")]
    evolve = spec.get("evolve", [])
    if isinstance(evolve, dict):
        evolve = [evolve]
    if not isinstance(evolve, list):
        raise SpecError("evolve is a list of {schema, after}", "evolve")
    evolutions = []
    for index, step in enumerate(evolve):
        path = f"evolve[{index}]" if isinstance(spec["evolve"], list) else "evolve"
        if not isinstance(step, dict) or set(step) != {"schema", "after"}:
            raise SpecError("an evolution is {schema, after}", path)
        version = _schema(step["schema"], schemas, f"{path}.schema")
        if version.schema.get("name") != versions[0].schema.get("name"):
            raise SpecError("the new schema must keep the record's name", f"{path}.schema")
        versions.append(version)
        evolutions.append(_after(step["after"], len(versions) - 1, f"{path}.after"))
    return TopicSpec(name, tuple(versions), tuple(evolutions))


def _schema(file: Any, schemas: Path, path: str) -> SchemaVersion:
    if not isinstance(file, str):
        raise SpecError("a schema is a file name, such as orders-value.avsc", path)
    location = (schemas / file).resolve()
    try:
        text = location.read_text()
    except OSError:
        known = ", ".join(
            sorted(p.relative_to(schemas).as_posix() for p in schemas.rglob("*.avsc"))
        )
        raise SpecError(
            f"no schema {file!r} in {schemas} (there are: {known or 'none'})", path
        ) from None
    try:
        schema = json.loads(text)
        fastavro.parse_schema(schema, _write_hint=False, _force=True)
    except (ValueError, fastavro.schema.SchemaParseException) as error:
        raise SpecError(f"{file} is not a valid Avro schema: {error}", path) from None
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise SpecError(f"{file} must be an Avro record", path)
    named: dict[str, TypeInfo] = {}
    fields = {raw["name"]: parse_type(raw["type"], named) for raw in schema["fields"]}
    return SchemaVersion(file, location, text, schema, fields)


def _after(raw: Any, version: int, path: str) -> Evolution:
    if isinstance(raw, int) and not isinstance(raw, bool):
        if raw < 0:
            raise SpecError("after is a number of events or a duration", path)
        return Evolution(version, raw, None)
    text = str(raw).strip()
    if text.endswith("events"):
        count = text.removesuffix("events").strip()
        if count.isdigit():
            return Evolution(version, int(count), None)
    try:
        return Evolution(version, None, parse_duration_ms(raw))
    except SpecError:
        raise SpecError("after is a number of events (2000) or a duration (5m)", path) from None
