"""Aggregation state after a restart: a windowed OHLC table (the shape of the demo's
TRADES_OHLC_1M) keeps every window's MAX, MIN and LATEST_BY_OFFSET across a restart of the
ksqlDB server, clean or `kill -9`, and answers pull queries with what the records make.

Records are JSON, keyed by trade id, for 36 symbols, with one in fifty a late one that lands in
the previous minute. Half go in before the restart, half after; the expected table is computed
here from the records.
"""

from __future__ import annotations

import decimal
import json
import random
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from confluent_kafka import Producer

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

MINUTE = 60_000
M = 1_740_996_000_000  # a minute boundary
SYMBOLS = [f"S{number}" for number in range(36)]
OHLC = (
    "CREATE TABLE OHLC AS SELECT SYMBOL, EARLIEST_BY_OFFSET(PRICE) AS O, MAX(PRICE) AS H, "
    "MIN(PRICE) AS L, LATEST_BY_OFFSET(PRICE) AS C, SUM(QUANTITY) AS V, COUNT(*) AS N "
    "FROM TR WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) GROUP BY SYMBOL;"
)

Trade = tuple[str, decimal.Decimal, int, int]


def _trades() -> list[Trade]:
    rng = random.Random(5)
    trades = []
    for number in range(400):
        timestamp = M - 20_000 if number % 50 == 7 else M + number * 15
        price = decimal.Decimal(f"{rng.uniform(10, 500):.4f}")
        trades.append((rng.choice(SYMBOLS), price, rng.choice([1, 10, 100]), timestamp))
    return trades


def _expected(trades: list[Trade]) -> list[list[Any]]:
    """Each (symbol, window) row of OHLC, from the trades in the order they were produced (one
    partition: offset order is production order)."""
    rows: dict[tuple[str, int], list[Any]] = {}
    for symbol, price, quantity, timestamp in trades:
        start = timestamp - timestamp % MINUTE
        row = rows.get((symbol, start))
        if row is None:
            row = rows[(symbol, start)] = [symbol, start, start + MINUTE, price, price, price]
            row += [price, 0, 0]
        row[4], row[5], row[6] = max(row[4], price), min(row[5], price), price
        row[7] += quantity
        row[8] += 1
    return sorted(rows.values())


def _pull(url: str) -> list[list[Any]]:
    response = httpx.post(f"{url}/query-stream", json={"sql": "SELECT * FROM OHLC;"}, timeout=30)
    assert response.status_code == 200, response.text
    rows = [json.loads(line, parse_float=decimal.Decimal) for line in response.text.splitlines()]
    return sorted(rows[1:])


@pytest.mark.parametrize(
    "how",
    ["none", "restart", "kill"],
)
def test_window_aggregates_survive_a_restart(
    embedded_stack_factory: Callable[..., Any], tmp_path: Any, how: str
) -> None:
    stack = embedded_stack_factory(services=("broker", "registry", "ksql"), data_dir=tmp_path)
    response = httpx.post(
        f"{stack.ksqldb_url}/ksql",
        json={
            "ksql": "CREATE STREAM TR (ID STRING KEY, SYMBOL STRING, PRICE DECIMAL(12, 4), "
            "QUANTITY INT) WITH (kafka_topic='tr', partitions=1, value_format='JSON');" + OHLC,
            "streamsProperties": {"auto.offset.reset": "earliest"},
        },
        timeout=60,
    )
    assert response.status_code == 200, response.text
    trades = _trades()
    producer = Producer({"bootstrap.servers": stack.bootstrap_servers, "enable.idempotence": True})

    def send(batch: list[Trade]) -> None:
        for symbol, price, quantity, timestamp in batch:
            value = {"SYMBOL": symbol, "PRICE": str(price), "QUANTITY": quantity}
            producer.produce(
                "tr", key=f"t{timestamp}", value=json.dumps(value), timestamp=timestamp
            )
        assert producer.flush(30) == 0

    send(trades[:200])
    expected_first = _expected(trades[:200])
    _wait_for(lambda: _pull(stack.ksqldb_url) == expected_first)
    time.sleep(1.5)  # a checkpoint after the last records
    if how == "kill":
        stack.kill("ksql")
        stack.start()
    elif how == "restart":
        stack.restart()
    producer = Producer({"bootstrap.servers": stack.bootstrap_servers, "enable.idempotence": True})
    send(trades[200:])
    expected = _expected(trades)
    _wait_for(lambda: [row[-1] for row in _pull(stack.ksqldb_url)] == [r[-1] for r in expected])
    assert _pull(stack.ksqldb_url) == expected


def _wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)
