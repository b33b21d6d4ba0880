"""Bad request bodies for ksqlDB's REST API: no 5xx where a 4xx is right, and the server keeps
serving. Thousands of bodies over /ksql, /query-stream, /query, /inserts-stream (HTTP/2) and
/close-query: random JSON values, objects with the right keys and random values, statements made
from real ones by mutation, expressions as long as the parser allows, and bytes that are not
JSON at all.

A stream and a table of the test's own are there to be queried. A push query that a body
happens to start is closed as soon as its status is known. Afterwards the server answers, its
objects and persistent query are intact and a pull query still returns the table's rows.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

SUFFIX = uuid.uuid4().hex[:8].upper()
STREAM, TABLE, TOPIC = f"FUZZ_S_{SUFFIX}", f"FUZZ_T_{SUFFIX}", f"fuzz_{SUFFIX.lower()}"
STATEMENTS = [
    f"SELECT * FROM {TABLE} WHERE ID = 'a';",
    f"SELECT ID, N FROM {TABLE} WHERE ID IN ('a', 'b') AND N > 0;",
    f"SELECT * FROM {TABLE};",
    f"SELECT * FROM {STREAM} EMIT CHANGES LIMIT 1;",
    f"SELECT ID, V * 2 AS W FROM {STREAM} WHERE S LIKE 'a%' EMIT CHANGES;",
    f"SELECT ID, COUNT(*) FROM {STREAM} WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY ID EMIT CHANGES;",
    f"DESCRIBE {STREAM} EXTENDED;",
    f"EXPLAIN SELECT * FROM {TABLE};",
    "SHOW STREAMS; SHOW TABLES; LIST QUERIES; SHOW PROPERTIES; SHOW FUNCTIONS;",
    "DESCRIBE FUNCTION SUBSTRING;",
    f"PRINT '{TOPIC}' FROM BEGINNING LIMIT 1;",
    "DEFINE x = 'y'; SELECT '${x}' FROM " + TABLE + ";",
    "SET 'auto.offset.reset' = 'earliest';",
]
# Tokens mutations insert: nothing that would create, change or drop an object.
WORDS = (
    "SELECT FROM WHERE GROUP BY HAVING EMIT CHANGES FINAL WINDOW TUMBLING SIZE LIMIT AS CAST "
    "CASE WHEN THEN ELSE END ( ) [ ] , ; . -> = <> < > + - * / % || 'x' '' `b` 0 -1 1e308 "
    "99999999999999999999 NULL TRUE NOT IN BETWEEN LIKE IS KEY ROWTIME WINDOWSTART ${x} $ "
    f"{STREAM} {TABLE} ID V S N EXPLAIN DESCRIBE SHOW LIST PRINT"
)
VOCABULARY = WORDS.split(" ")
PROPERTIES = [
    "auto.offset.reset",
    "ksql.streams.auto.offset.reset",
    "ksql.query.pull.table.scan.enabled",
    "processing.guarantee",
    "ksql.query.push.v2.enabled",
    "cache.max.bytes.buffering",
    "no.such.property",
    "",
]
SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def statements(draw: st.DrawFn) -> str:
    """A statement over the test's objects with up to three token edits, or a long chain."""
    if draw(st.integers(0, 9)) == 0:
        terms = draw(st.integers(1, 130))
        return f"SELECT {'+'.join(['V'] * terms)} AS X FROM {STREAM} EMIT CHANGES;"
    tokens = re.findall(r"\s+|[\w$.{}]+|'(?:''|[^'])*'|.", draw(st.sampled_from(STATEMENTS)))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, max(0, len(tokens) - 1)))
        edit = draw(st.sampled_from(["delete", "insert", "swap", "cut"]))
        if edit == "delete" and tokens:
            del tokens[at]
        elif edit == "insert":
            tokens.insert(at, f" {draw(st.sampled_from(VOCABULARY))} ")
        elif edit == "swap" and len(tokens) > 1:
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[at], tokens[other] = tokens[other], tokens[at]
        elif edit == "cut":
            tokens = tokens[:at]
    return "".join(tokens)


sql = statements() | st.text(max_size=80)
properties = st.dictionaries(
    st.sampled_from(PROPERTIES) | st.text(max_size=10), json_values, max_size=3
)
variables = st.dictionaries(st.text(max_size=6), json_values, max_size=2)


def bodies(text_key: str, properties_key: str) -> st.SearchStrategy[Any]:
    """A body of the endpoint's shape with random values, or any JSON value at all."""
    shaped = st.fixed_dictionaries(
        {text_key: sql | json_values},
        optional={properties_key: properties | json_values, "sessionVariables": variables},
    )
    return st.one_of(shaped, shaped, shaped, json_values)


class Server:
    """The shared stack's ksqlDB server, over HTTP/1.1 and HTTP/2."""

    def __init__(self, url: str) -> None:
        self.http1 = httpx.Client(base_url=url, timeout=30)
        self.http2 = httpx.Client(base_url=url, http1=False, http2=True, timeout=30)
        self.statuses: dict[str, set[int]] = {}

    def post(self, path: str, content: bytes, *, http2: bool = False) -> int:
        """POST `content` as JSON; the status (a streaming answer is not read to its end)."""
        client = self.http2 if http2 else self.http1
        headers = {"Content-Type": "application/json"}
        with client.stream("POST", path, content=content, headers=headers) as response:
            status = response.status_code
            if status >= 500:
                text = response.read().decode(errors="replace")
                raise AssertionError(f"{path} answered {status} to {content[:300]!r}: {text[:500]}")
        self.statuses.setdefault(path, set()).add(status)
        return status

    def close(self) -> None:
        self.http1.close()
        self.http2.close()


@pytest.fixture(scope="module")
def server(fuzz_platform: Any) -> Iterator[Server]:
    fuzz_platform.ksql(
        f"CREATE STREAM {STREAM} (ID STRING KEY, V INT, S STRING) WITH (kafka_topic='{TOPIC}', "
        f"partitions=1, value_format='JSON'); CREATE TABLE {TABLE} AS SELECT ID, COUNT(*) AS N "
        f"FROM {STREAM} GROUP BY ID;",
        **{"auto.offset.reset": "earliest"},
    )
    target = Server(fuzz_platform.stack.ksqldb_url)
    for key in ("a", "b", "a"):
        row = json.dumps({"ID": key, "V": 1, "S": "abc"})
        body = json.dumps({"target": STREAM}) + "\n" + row
        assert target.post("/inserts-stream", body.encode(), http2=True) == 200
    yield target
    target.close()


def _encode(body: Any) -> bytes:
    return json.dumps(body).encode()


@settings(SETTINGS, max_examples=500)
@given(bodies("ksql", "streamsProperties"))
def test_ksql_bodies(server: Server, body: Any) -> None:
    server.post("/ksql", _encode(body))


@settings(SETTINGS, max_examples=500)
@given(bodies("sql", "properties"), st.booleans())
def test_query_stream_bodies(server: Server, body: Any, http2: bool) -> None:
    server.post("/query-stream", _encode(body), http2=http2)


@settings(SETTINGS, max_examples=300)
@given(bodies("ksql", "streamsProperties"))
def test_query_bodies(server: Server, body: Any) -> None:
    server.post("/query", _encode(body))


@settings(SETTINGS, max_examples=300)
@given(
    st.fixed_dictionaries({"target": st.sampled_from([STREAM, TABLE, "NOPE", ""]) | json_values})
    | json_values,
    st.lists(
        st.fixed_dictionaries({"ID": json_values}, optional={"V": json_values, "S": json_values})
        | json_values,
        max_size=4,
    ),
    st.booleans(),
)
def test_inserts_stream_bodies(server: Server, head: Any, rows: list[Any], broken: bool) -> None:
    lines = [json.dumps(head), *(json.dumps(row) for row in rows)]
    if broken and lines:
        lines[-1] = lines[-1][: len(lines[-1]) // 2]
    server.post("/inserts-stream", "\n".join(lines).encode(), http2=True)


@settings(SETTINGS, max_examples=200)
@given(st.fixed_dictionaries({"queryId": st.text(max_size=40) | json_values}) | json_values)
def test_close_query_bodies(server: Server, body: Any) -> None:
    server.post("/close-query", _encode(body))


@settings(SETTINGS, max_examples=300)
@given(
    st.sampled_from(["/ksql", "/query-stream", "/query", "/close-query"]),
    st.binary(max_size=200) | st.text(max_size=100).map(str.encode),
)
def test_bytes_that_are_not_json(server: Server, path: str, content: bytes) -> None:
    status = server.post(path, content)
    if content and not _is_json(content):
        assert 400 <= status < 500, (path, content, status)


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True


def test_the_server_still_serves(server: Server, fuzz_platform: Any) -> None:
    # the bodies reached both the statements' execution and their refusals
    for path in ("/ksql", "/query-stream", "/query", "/inserts-stream"):
        assert 200 in server.statuses[path], server.statuses
        assert any(400 <= status < 500 for status in server.statuses[path]), server.statuses
    assert all(status < 500 for statuses in server.statuses.values() for status in statuses)
    assert fuzz_platform.answers() == {"broker": True, "registry": True, "ksql": True}
    (described,) = fuzz_platform.ksql(f"DESCRIBE {TABLE};")
    assert described["sourceDescription"]["name"] == TABLE
    rows = fuzz_platform.pull(f"SELECT * FROM {TABLE};")
    assert any(row.startswith('["a",') for row in rows), rows
