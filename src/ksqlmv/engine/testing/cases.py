"""ksqlDB test cases: query-validation-test (QTT) JSON files and ksql-test-runner directories.

A QTT file holds `{"tests": [...]}`; each test has `statements`, `inputs`, `outputs`, and optionally
`topics`, `properties`, `expectedException`, `post`, `format`, `config`, `versions` and `enabled`.
A `format` list yields one case per entry with `{FORMAT}` substituted in the statements; a `config`
list yields one case per entry with every property whose value is `"{CONFIG}"` set to it. Case
names get ` - <format>` and ` - <config>` suffixes, as ksqlDB's runner names them.

A test-runner directory holds `statements.sql`, `input.json` (`{"inputs": [...]}`, optional) and
`output.json` (`{"outputs": [...]}`): one case named after the directory.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ksqlmv.engine.testing.jsonc import load_jsonc
from ksqlmv.errors import ValidationError
from ksqlmv.sql.splitter import split_statements

__all__ = [
    "KSQLDB_VERSION",
    "ExpectedError",
    "RecordSpec",
    "TestCase",
    "TopicSpec",
    "WindowSpec",
    "discover",
    "load_path",
    "load_qtt_file",
    "load_runner_dir",
]

# The ksqlDB version whose behaviour the engine follows; gates `versions: {min, max}` bounds.
KSQLDB_VERSION = (8, 5, 0)


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """The window of a windowed key: `type` is "time" or "session"."""

    start: int
    end: int
    type: str


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """One input or expected output record, with key and value as JSON values."""

    topic: str
    key: Any
    value: Any
    timestamp: int | None = None
    window: WindowSpec | None = None
    headers: tuple[tuple[str, bytes | None], ...] | None = None


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic a case declares: partitions and the schemas to pre-register."""

    name: str
    partitions: int | None = None
    replicas: int | None = None
    key_schema: Any = None
    value_schema: Any = None
    key_schema_id: int | None = None
    value_schema_id: int | None = None
    key_format: str | None = None
    value_format: str | None = None


@dataclass(frozen=True, slots=True)
class ExpectedError:
    """An expected failure: ksqlDB's exception class name and a message substring."""

    type: str
    message: str


@dataclass(frozen=True, slots=True)
class TestCase:
    """One runnable case, after `format`/`config` expansion."""

    __test__ = False  # a test case's description, not a pytest test class

    file: str
    name: str
    statements: tuple[str, ...]
    inputs: tuple[RecordSpec, ...] = ()
    outputs: tuple[RecordSpec, ...] = ()
    topics: tuple[TopicSpec, ...] = ()
    properties: dict[str, Any] = field(default_factory=dict, compare=False)
    expected_error: ExpectedError | None = None
    post: dict[str, Any] | None = field(default=None, compare=False)
    skip_reason: str | None = None


def discover(paths: list[Path]) -> Iterator[Path]:
    """Every QTT file (`*.json`) and test-runner directory (has `statements.sql`) under `paths`."""
    for path in paths:
        if path.is_file() or (path / "statements.sql").is_file():
            yield path
        elif path.is_dir():
            children = sorted(path.iterdir())
            yield from discover([c for c in children if c.is_dir() or c.suffix == ".json"])


def load_path(path: Path) -> list[TestCase]:
    """The cases in a QTT file or a test-runner directory."""
    if path.is_dir():
        return [load_runner_dir(path)]
    return load_qtt_file(path)


def load_qtt_file(path: Path) -> list[TestCase]:
    """Every case of one QTT file, expanded."""
    try:
        document = load_jsonc(path)
    except ValueError as error:
        raise ValidationError(f"{path}: not valid JSON: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("tests"), list):
        raise ValidationError(f"{path}: expected an object with a 'tests' list")
    cases: list[TestCase] = []
    for node in document["tests"]:
        cases.extend(_expand(path.name, node))
    return cases


def load_runner_dir(path: Path) -> TestCase:
    """The single case of a ksql-test-runner directory."""
    text = (path / "statements.sql").read_text(encoding="utf-8")
    statements = tuple(s.text for s in split_statements(text))
    inputs: list[Any] = []
    if (path / "input.json").is_file():
        inputs = _list_of(load_jsonc(path / "input.json"), "inputs", path / "input.json")
    outputs = _list_of(load_jsonc(path / "output.json"), "outputs", path / "output.json")
    return TestCase(
        file=str(path),
        name=path.name,
        statements=statements,
        inputs=tuple(_record(r) for r in inputs),
        outputs=tuple(_record(r) for r in outputs),
    )


def _list_of(document: Any, key: str, path: Path) -> list[Any]:
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise ValidationError(f"{path}: expected an object with a '{key}' list")
    return list(document[key])


def _expand(file: str, node: dict[str, Any]) -> Iterator[TestCase]:
    base = _case(file, node)
    formats: list[str | None] = list(node.get("format") or [None])
    configs: list[str | None] = list(node.get("config") or [None])
    for fmt in formats:
        for config in configs:
            name = base.name
            statements = base.statements
            properties = dict(base.properties)
            if fmt is not None:
                name += f" - {fmt}"
                statements = tuple(s.replace("{FORMAT}", fmt) for s in statements)
            if config is not None:
                name += f" - {config}"
                properties = {k: config if v == "{CONFIG}" else v for k, v in properties.items()}
            yield replace(base, name=name, statements=statements, properties=properties)


def _case(file: str, node: dict[str, Any]) -> TestCase:
    name = str(node.get("name", "")).strip()
    if not name:
        raise ValidationError(f"{file}: a test has no name")
    expected = node.get("expectedException")
    skip = None
    if node.get("enabled") is False:
        skip = "disabled in its file"
    elif not _in_version(node.get("versions")):
        skip = "not for this ksqlDB version"
    return TestCase(
        file=file,
        name=name,
        statements=tuple(str(s) for s in node.get("statements", [])),
        inputs=tuple(_record(r) for r in node.get("inputs") or []),
        outputs=tuple(_record(r) for r in node.get("outputs") or []),
        topics=tuple(_topic(t) for t in node.get("topics") or []),
        properties=dict(node.get("properties") or {}),
        expected_error=(
            ExpectedError(str(expected.get("type", "")), str(expected.get("message", "")))
            if isinstance(expected, dict)
            else None
        ),
        post=node.get("post"),
        skip_reason=skip,
    )


def _in_version(bounds: Any) -> bool:
    if not isinstance(bounds, dict):
        return True
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and _version(str(low)) > KSQLDB_VERSION:
        return False
    return high is None or _version(str(high)) >= KSQLDB_VERSION


def _version(text: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def _record(node: Any) -> RecordSpec:
    if not isinstance(node, dict) or "topic" not in node:
        raise ValidationError(f"a record needs a 'topic': {node!r}")
    window = node.get("window")
    headers = node.get("headers")
    return RecordSpec(
        topic=str(node["topic"]),
        key=node.get("key"),
        value=node.get("value"),
        timestamp=None if node.get("timestamp") is None else int(node["timestamp"]),
        window=(
            WindowSpec(int(window["start"]), int(window["end"]), str(window.get("type", "time")))
            if isinstance(window, dict)
            else None
        ),
        headers=(
            tuple(
                (str(h["KEY"]), None if h.get("VALUE") is None else base64.b64decode(h["VALUE"]))
                for h in headers
            )
            if isinstance(headers, list)
            else None
        ),
    )


def _topic(node: dict[str, Any]) -> TopicSpec:
    def _int(key: str) -> int | None:
        return None if node.get(key) is None else int(node[key])

    return TopicSpec(
        name=str(node["name"]),
        partitions=_int("partitions"),
        replicas=_int("replicas"),
        key_schema=node.get("keySchema"),
        value_schema=node.get("valueSchema"),
        key_schema_id=_int("keySchemaId"),
        value_schema_id=_int("valueSchemaId"),
        key_format=node.get("keyFormat"),
        value_format=node.get("valueFormat"),
    )
