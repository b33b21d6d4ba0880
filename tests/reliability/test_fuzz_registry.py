"""Bad requests to the Schema Registry API: no 5xx where a 4xx is right, and the registry keeps
serving with every id it gave out unchanged. Thousands of requests over every route of its
table: path parameters that are odd (percent-encoded, huge, negative, not numbers, `latest`),
query parameters with odd values, and bodies that are random JSON, schemas with a few
characters changed, or not JSON at all.

Subjects are the test's own (`fuzz-...`); the global mode and compatibility, which a body may
change, are put back at the end.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ksqlmv.registry.api import ROUTES

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

PREFIX = f"fuzz-{uuid.uuid4().hex[:6]}"
SCHEMAS = [
    path.read_text() for path in sorted((Path(__file__).parents[2] / "schemas").rglob("*.avsc"))
]
TABLE = sorted({(method, pattern) for method, pattern, _ in ROUTES})
QUERY = [
    "normalize",
    "deleted",
    "permanent",
    "force",
    "defaultToGlobal",
    "verbose",
    "subject",
    "subjectPrefix",
    "offset",
    "limit",
    "fetchMaxId",
    "latestOnly",
    "deletedOnly",
    "format",
]
CHARACTERS = [*'{}[]":,', "a", "1", "\\", "\u00e9", "\0"]
SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=16),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def schema_texts(draw: st.DrawFn) -> str:
    """A project schema with a few characters changed, deleted or added."""
    text = list(draw(st.sampled_from(SCHEMAS)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text) - 1))
        edit = draw(st.sampled_from(["change", "delete", "insert"]))
        character = draw(st.sampled_from(CHARACTERS))
        if edit == "change":
            text[at] = character
        elif edit == "delete":
            del text[at]
        else:
            text.insert(at, character)
    return "".join(text)


bodies = st.one_of(
    st.fixed_dictionaries(
        {"schema": schema_texts() | json_values},
        optional={
            "schemaType": st.sampled_from(["AVRO", "JSON", "PROTOBUF", "XML", ""]) | json_values,
            "references": st.lists(
                st.fixed_dictionaries(
                    {"name": json_values, "subject": json_values, "version": json_values}
                ),
                max_size=2,
            )
            | json_values,
            "metadata": json_values,
            "ruleSet": json_values,
        },
    ),
    st.fixed_dictionaries(
        {"compatibility": st.sampled_from(["BACKWARD", "NONE", "FULL_X"]) | json_values}
    ),
    st.fixed_dictionaries({"mode": st.sampled_from(["READWRITE", "IMPORT", "NOPE"]) | json_values}),
    json_values,
)
segments = st.one_of(
    st.sampled_from(
        ["1", "0", "-1", "latest", "-2", "99999999999999999999", "1.5", "", "%", "%ZZ"]
    ),
    st.integers(-(2**40), 2**40).map(str),
    st.text(max_size=12).map(lambda text: quote(text, safe="")),
)


def _path(pattern: str, draw: Any) -> str:
    def fill(match: re.Match[str]) -> str:
        if match[1] == "subject":
            return quote(f"{PREFIX}-{draw(st.text(max_size=6))}", safe="")
        return str(draw(segments))

    return re.sub(r"\{(\w+)\}", fill, pattern)


class Registry:
    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.Client(base_url=url, timeout=30)
        self.statuses: set[int] = set()

    def call(self, method: str, path: str, query: dict[str, str], content: bytes | None) -> int:
        headers = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
        response = self.client.request(method, path, params=query, content=content, headers=headers)
        assert response.status_code < 500, (method, path, query, content, response.text[:500])
        self.statuses.add(response.status_code)
        return response.status_code


@pytest.fixture(scope="module")
def registry(fuzz_platform: Any) -> Iterator[Registry]:
    target = Registry(fuzz_platform.stack.schema_registry_url)
    for schema in SCHEMAS[:3]:  # subjects with versions, for the routes that read them
        response = target.client.post(f"/subjects/{PREFIX}-seed/versions", json={"schema": schema})
        assert response.status_code in (200, 409), response.text
    yield target
    target.client.put("/mode", json={"mode": "READWRITE"})
    target.client.put("/config", json={"compatibility": "BACKWARD"})
    target.client.close()


@settings(SETTINGS, max_examples=2000)
@given(st.data())
def test_every_route_with_odd_requests(registry: Registry, data: st.DataObject) -> None:
    method, pattern = data.draw(st.sampled_from(TABLE))
    path = _path(pattern, data.draw)
    query = data.draw(st.dictionaries(st.sampled_from(QUERY), segments, max_size=3))
    content = None
    if method in ("POST", "PUT"):
        raw = data.draw(st.booleans().map(lambda b: b and data.draw(st.integers(0, 5)) == 0))
        content = (
            data.draw(st.binary(max_size=100)) if raw else json.dumps(data.draw(bodies)).encode()
        )
    registry.call(method, path, query, content)


def test_the_registry_still_serves(registry: Registry, fuzz_platform: Any) -> None:
    assert {200, 404, 422} <= registry.statuses, registry.statuses
    assert fuzz_platform.answers()["registry"]
    before = fuzz_platform.schema_ids()
    seeded = before[f"{PREFIX}-seed"]
    for version, schema_id, text in seeded:
        answer = registry.client.get(f"/schemas/ids/{schema_id}").json()
        assert json.loads(answer["schema"]) == json.loads(text), version
    registry.client.put("/mode", json={"mode": "READWRITE"})
    registry.client.put("/config", json={"compatibility": "BACKWARD"})
    fresh = registry.client.post(f"/subjects/{PREFIX}-after/versions", json={"schema": SCHEMAS[0]})
    assert fresh.status_code == 200, fresh.text
