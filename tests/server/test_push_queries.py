"""Push queries over real HTTP: earliest and latest, LIMIT, the three formats over HTTP/1.1 and
HTTP/2, table tombstones, /close-query, TERMINATE, a vanishing client, and the push-query limit."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from ksqlmv.client import AsyncKsqlClient

pytestmark = pytest.mark.integration

Names = Callable[[str], str]
KSQL_JSON = "application/vnd.ksql.v1+json"


def _stream(ksql: Any, names: Names, kind: str = "STREAM") -> tuple[str, str]:
    name, topic = names("s"), names("t").lower()
    key = "PRIMARY KEY" if kind == "TABLE" else "KEY"
    ksql.ok(
        f"CREATE {kind} {name} (ID STRING {key}, V INT) WITH (kafka_topic='{topic}', "
        "partitions=1, value_format='JSON');"
    )
    return name, topic


def _queries(ksql: Any) -> list[str]:
    (listing,) = ksql.ok("SHOW QUERIES;")
    return [q["id"] for q in listing["queries"] if q["queryType"] == "PUSH"]


def _wait(predicate: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


@pytest.mark.parametrize("http2", [False, True])
def test_from_earliest_with_limit_in_every_format(ksql: Any, names: Names, http2: bool) -> None:
    stream, topic = _stream(ksql, names)
    ksql.produce(topic, [("a", {"V": 1}), ("b", {"V": 2}), ("c", {"V": 3})])
    sql = f"SELECT ID, V FROM {stream} WHERE V > 1 EMIT CHANGES LIMIT 2;"
    properties = {"auto.offset.reset": "earliest"}
    with httpx.Client(base_url=ksql.url, http1=not http2, http2=http2, timeout=30) as http:
        delimited = http.post("/query-stream", json={"sql": sql, "properties": properties})
        assert delimited.http_version == ("HTTP/2" if http2 else "HTTP/1.1")
        if not http2:
            assert delimited.headers["transfer-encoding"] == "chunked"
        header, *rows = [json.loads(x) for x in delimited.text.splitlines()]
        assert header["queryId"].startswith(f"transient_{stream}_")
        assert (header["columnNames"], rows) == (["ID", "V"], [["b", 2], ["c", 3]])
        as_json = http.post(
            "/query-stream",
            json={"sql": sql, "properties": properties},
            headers={"Accept": "application/json"},
        ).json()
        assert as_json[1:] == [["b", 2], ["c", 3]]
        streamed = http.post(
            "/query-stream",
            json={"sql": sql, "properties": properties},
            headers={"Accept": KSQL_JSON},
        ).json()
        assert streamed[0]["header"]["schema"] == "`ID` STRING, `V` INTEGER"
        assert streamed[1:] == [
            {"row": {"columns": ["b", 2]}},
            {"row": {"columns": ["c", 3]}},
            {"finalMessage": "Limit Reached"},
        ]
    old = httpx.post(
        f"{ksql.url}/query", json={"ksql": sql, "streamsProperties": properties}, timeout=30
    )
    assert old.json()[-1] == {"finalMessage": "Limit Reached"}
    assert _queries(ksql) == [] or all(q not in _queries(ksql) for q in [header["queryId"]])


def _open_push(url: str, sql: str, **kwargs: Any) -> tuple[httpx.Client, Any, Iterator[str]]:
    client = httpx.Client(base_url=url, timeout=30, **kwargs)
    context = client.stream("POST", "/query-stream", json={"sql": sql})
    response = context.__enter__()
    assert response.status_code == 200
    return client, context, response.iter_lines()


def test_latest_sees_only_new_records_and_ends_on_close_query(ksql: Any, names: Names) -> None:
    stream, topic = _stream(ksql, names)
    ksql.produce(topic, [("old", {"V": 0})])
    client, context, lines = _open_push(ksql.url, f"SELECT * FROM {stream} EMIT CHANGES;")
    try:
        header = json.loads(next(lines))
        query_id = header["queryId"]
        assert query_id in _queries(ksql)
        time.sleep(0.3)  # the query's tap has settled on the end of the topic
        ksql.produce(topic, [("new", {"V": 1})])
        assert json.loads(next(lines)) == ["new", 1]
        closed = httpx.post(f"{ksql.url}/close-query", json={"queryId": query_id})
        assert closed.status_code == 200
        assert list(lines) == []  # the response ends
    finally:
        context.__exit__(None, None, None)
        client.close()
    _wait(lambda: query_id not in _queries(ksql))
    unknown = httpx.post(f"{ksql.url}/close-query", json={"queryId": query_id})
    assert unknown.status_code == 400
    assert unknown.json() == {
        "@type": "generic_error",
        "error_code": 40000,
        "message": f"No query with id {query_id}",
    }


@pytest.mark.parametrize("http2", [False, True])
def test_a_client_that_goes_away_frees_its_query(ksql: Any, names: Names, http2: bool) -> None:
    stream, _ = _stream(ksql, names)
    options = {"http1": not http2, "http2": http2}
    client, context, lines = _open_push(
        ksql.url, f"SELECT * FROM {stream} EMIT CHANGES;", **options
    )
    query_id = json.loads(next(lines))["queryId"]
    assert query_id in _queries(ksql)
    context.__exit__(None, None, None)
    client.close()
    _wait(lambda: query_id not in _queries(ksql))


def test_terminate_ends_a_push_query(ksql: Any, names: Names) -> None:
    stream, _ = _stream(ksql, names)
    client, context, lines = _open_push(ksql.url, f"SELECT * FROM {stream} EMIT CHANGES;")
    try:
        query_id = json.loads(next(lines))["queryId"]
        (terminated,) = ksql.ok(f"TERMINATE {query_id};")
        assert terminated["wasTerminated"] is True
        assert list(lines) == []
    finally:
        context.__exit__(None, None, None)
        client.close()


def test_table_tombstones_as_ksqldb_sends_them(ksql: Any, names: Names) -> None:
    table, topic = _stream(ksql, names, "TABLE")
    ksql.produce(topic, [("k1", {"V": 1}), ("k1", None), ("k2", {"V": 2})])
    sql = f"SELECT * FROM {table} EMIT CHANGES LIMIT 3;"
    properties = {"auto.offset.reset": "earliest"}
    streamed = httpx.post(
        f"{ksql.url}/query", json={"ksql": sql, "streamsProperties": properties}, timeout=30
    ).json()
    assert streamed[1:] == [
        {"row": {"columns": ["k1", 1]}},
        {"row": {"columns": ["k1", None], "tombstone": True}},
        {"row": {"columns": ["k2", 2]}},
        {"finalMessage": "Limit Reached"},
    ]
    delimited = httpx.post(
        f"{ksql.url}/query-stream", json={"sql": sql, "properties": properties}, timeout=30
    )
    assert [json.loads(x) for x in delimited.text.splitlines()][1:] == [["k1", 1], ["k2", 2]]


def test_aggregation_push_query(ksql: Any, names: Names) -> None:
    stream, topic = _stream(ksql, names)
    ksql.produce(topic, [("a", {"V": 1}), ("a", {"V": 2}), ("b", {"V": 5})])
    sql = f"SELECT ID, SUM(V) AS S FROM {stream} GROUP BY ID EMIT CHANGES LIMIT 3;"
    response = httpx.post(
        f"{ksql.url}/query-stream",
        json={"sql": sql, "properties": {"auto.offset.reset": "earliest"}},
        timeout=30,
    )
    rows = [json.loads(x) for x in response.text.splitlines()][1:]
    assert rows == [["a", 1], ["a", 3], ["b", 5]]


def test_identical_queries_both_get_every_row(ksql: Any, names: Names) -> None:
    stream, topic = _stream(ksql, names)
    sql = f"SELECT ID, V * 10 AS X FROM {stream} EMIT CHANGES LIMIT 2;"
    results: list[list[Any]] = []

    def run() -> None:
        response = httpx.post(f"{ksql.url}/query-stream", json={"sql": sql}, timeout=30)
        results.append([json.loads(x) for x in response.text.splitlines()][1:])

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    _wait(lambda: len(_queries(ksql)) >= 2)
    time.sleep(0.3)
    ksql.produce(topic, [("a", {"V": 1}), ("b", {"V": 2})])
    for thread in threads:
        thread.join(30)
    assert results == [[["a", 10], ["b", 20]], [["a", 10], ["b", 20]]]


def test_the_async_client_streams_typed_rows(ksql: Any, names: Names) -> None:
    import asyncio

    stream, topic = _stream(ksql, names)
    ksql.produce(topic, [("a", {"V": 7})])

    async def main() -> list[dict[str, Any]]:
        async with AsyncKsqlClient(ksql.url) as client:
            query = await client.stream(
                f"SELECT * FROM {stream} EMIT CHANGES LIMIT 1;",
                properties={"auto.offset.reset": "earliest"},
            )
            async with query:
                return [row.as_dict() async for row in query]

    assert asyncio.run(main()) == [{"ID": "a", "V": 7}]


def test_push_query_limit_gives_40003(ksql_stack: Any, names: Names) -> None:
    """A second server on the same broker, allowed one push query at a time."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ksqlmv.server",
            "--port",
            "0",
            "--bootstrap-servers",
            ksql_stack.bootstrap_servers,
            "--schema-registry-url",
            ksql_stack.schema_registry_url,
            "--service-id",
            f"limited_{names('x').lower()}_",
            "--max-push-queries",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        match = re.search(r"listening on (\S+):(\d+)", process.stdout.readline())
        assert match, "the server did not start"
        url = f"http://{match.group(1)}:{match.group(2)}"
        stream, topic = names("s"), names("t").lower()
        httpx.post(
            f"{url}/ksql",
            json={
                "ksql": f"CREATE STREAM {stream} (ID STRING KEY) WITH (kafka_topic='{topic}', "
                "partitions=1, value_format='JSON');"
            },
        ).raise_for_status()
        client, context, lines = _open_push(url, f"SELECT * FROM {stream} EMIT CHANGES;")
        try:
            next(lines)
            refused = httpx.post(
                f"{url}/query-stream", json={"sql": f"SELECT * FROM {stream} EMIT CHANGES;"}
            )
            assert refused.status_code == 400
            body = refused.json()
            assert body["error_code"] == 40003
            assert "Current push query count: 1. Configured limit: 1." in body["message"]
            pull = httpx.post(f"{url}/query-stream", json={"sql": f"SELECT * FROM {stream};"})
            assert pull.status_code == 200  # pull queries are not counted
        finally:
            context.__exit__(None, None, None)
            client.close()
    finally:
        process.terminate()
        process.wait(20)
        if process.stdout is not None:
            process.stdout.close()


def test_bad_requests_do_not_disturb_a_running_query(ksql: Any, names: Names) -> None:
    stream, topic = _stream(ksql, names)
    client, context, lines = _open_push(ksql.url, f"SELECT * FROM {stream} EMIT CHANGES;")
    try:
        next(lines)
        time.sleep(0.3)
        assert httpx.post(f"{ksql.url}/ksql", content=b"{oops").status_code == 400
        assert ksql.post("CREATE STREAM NOPE AS SELECT * FROM MISSING;").status_code == 400
        assert httpx.post(f"{ksql.url}/query-stream", json={"sql": "SELEKT"}).status_code == 400
        host, port = ksql.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            raw.sendall(b"\x00\x01garbage that is not HTTP\r\n\r\n")
            raw.recv(1024)
        ksql.produce(topic, [("still", {"V": 1})])
        assert json.loads(next(lines)) == ["still", 1]
    finally:
        context.__exit__(None, None, None)
        client.close()


def test_print_topic(ksql: Any, names: Names) -> None:
    _, topic = _stream(ksql, names)
    ksql.produce(topic, [("a", {"V": 1}), ("b", {"V": 2})], ts=1_700_000_000_000)
    response = httpx.post(
        f"{ksql.url}/query-stream",
        json={"sql": f"PRINT '{topic}' FROM BEGINNING LIMIT 2;"},
        timeout=30,
    )
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[:2] == ["Key format: KAFKA_STRING", "Value format: JSON"]
    assert lines[2] == ('rowtime: 2023/11/14 22:13:20.000 Z, key: a, value: {"V": 1}, partition: 0')
    assert len(lines) == 4
    refused = httpx.post(
        f"{ksql.url}/query-stream",
        json={"sql": f"PRINT '{topic}' FROM BEGINNING LIMIT 1;"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 406
    missing = httpx.post(f"{ksql.url}/query-stream", json={"sql": "PRINT 'no_such_topic_x';"})
    assert missing.status_code == 400
    assert "Could not find topic 'no_such_topic_x'" in missing.json()["message"]
