"""The command topic: after a restart (clean or kill -9 of the server), every stream, table,
type and persistent query is back with its id, tables answer pull queries with the rows they had,
and aggregations continue from their state instead of starting over."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Producer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SETUP = """
CREATE TYPE MONEY AS DECIMAL(8, 2);
CREATE STREAM ORDERS (ID STRING KEY, AMOUNT INT, PRICE MONEY)
    WITH (kafka_topic='orders', partitions=1, value_format='JSON');
CREATE TABLE TOTALS AS SELECT ID, COUNT(*) AS N, SUM(AMOUNT) AS TOTAL FROM ORDERS GROUP BY ID;
CREATE STREAM BIG AS SELECT * FROM ORDERS WHERE AMOUNT > 5;
CREATE TABLE SCRATCH AS SELECT ID, COUNT(*) AS N FROM ORDERS GROUP BY ID;
DROP TABLE SCRATCH;
"""


def _ksql(url: str, sql: str) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{url}/ksql",
        json={"ksql": sql, "streamsProperties": {"auto.offset.reset": "earliest"}},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def _pull(url: str, sql: str) -> list[Any]:
    response = httpx.post(f"{url}/query-stream", json={"sql": sql}, timeout=30)
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()][1:]


def _eventually(url: str, sql: str, expected: list[Any], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    rows: list[Any] = []
    while time.monotonic() < deadline:
        rows = sorted(_pull(url, sql))
        if rows == expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"{sql}: expected {expected}, got {rows}")


def _produce(bootstrap: str, records: list[tuple[str, int]]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap})
    for key, amount in records:
        producer.produce("orders", key=key, value=json.dumps({"AMOUNT": amount, "PRICE": 2.5}))
    assert producer.flush(10) == 0


def _catalog(url: str) -> tuple[Any, ...]:
    listing = "SHOW STREAMS; SHOW TABLES; SHOW QUERIES; SHOW TYPES;"
    streams, tables, queries, types = _ksql(url, listing)
    return (
        sorted(s["name"] for s in streams["streams"]),
        sorted(t["name"] for t in tables["tables"]),
        sorted(q["id"] for q in queries["queries"]),
        sorted(types["types"]),
    )


@pytest.mark.parametrize("how", ["restart", "kill"])
def test_restart_restores_objects_and_data(
    embedded_stack_factory: Any, tmp_path: Path, how: str
) -> None:
    stack = embedded_stack_factory(services=("broker", "registry", "ksql"), data_dir=tmp_path)
    url = stack.ksqldb_url
    entities = _ksql(url, SETUP)
    last_sequence = max(e.get("commandSequenceNumber", -1) for e in entities)
    _produce(stack.bootstrap_servers, [("a", 1), ("b", 7), ("a", 9)])
    totals = "SELECT * FROM TOTALS;"
    _eventually(url, totals, [["a", 2, 10], ["b", 1, 7]])
    before = _catalog(url)
    assert before[0] == ["BIG", "KSQL_PROCESSING_LOG", "ORDERS"]
    assert before[1] == ["TOTALS"]
    assert len(before[2]) == 2
    if how == "kill":
        time.sleep(1)  # a checkpoint after the last records
        stack.kill("ksql")
        stack.start()
    else:
        stack.restart()
    url = stack.ksqldb_url
    assert _catalog(url) == before
    _eventually(url, totals, [["a", 2, 10], ["b", 1, 7]])
    _produce(stack.bootstrap_servers, [("a", 5), ("c", 6)])
    _eventually(url, totals, [["a", 3, 15], ["b", 1, 7], ["c", 1, 6]])
    rows = httpx.post(
        f"{url}/query-stream",
        json={
            "sql": "SELECT ID, AMOUNT FROM BIG EMIT CHANGES LIMIT 3;",
            "properties": {"auto.offset.reset": "earliest"},
        },
        timeout=30,
    ).text.splitlines()
    assert [json.loads(r) for r in rows[1:]] == [["b", 7], ["a", 9], ["c", 6]]
    (created,) = _ksql(url, "CREATE STREAM MORE AS SELECT * FROM ORDERS;")
    assert created["commandSequenceNumber"] == last_sequence + 1
