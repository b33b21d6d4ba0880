"""Pull queries over real HTTP: key lookups, IN, ranges, scans, LIMIT, windows, streams, formats,
both HTTP versions, ksqlDB's errors, and the typed rows of the client."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ksqlmv.client import KsqlClient

pytestmark = pytest.mark.integration

DELIMITED = "application/vnd.ksqlapi.delimited.v1"
KSQL_JSON = "application/vnd.ksql.v1+json"


def _lines(response: httpx.Response) -> list[Any]:
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def _pull(url: str, sql: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{url}/query-stream", json={"sql": sql, **kwargs}, timeout=30)


def _wait_rows(url: str, sql: str, count: int, timeout: float = 15) -> list[Any]:
    deadline = time.monotonic() + timeout
    rows: list[Any] = []
    while time.monotonic() < deadline:
        response = _pull(url, sql)
        assert response.status_code == 200, response.text
        rows = _lines(response)[1:]
        if len(rows) >= count:
            return rows
        time.sleep(0.1)
    raise AssertionError(f"{sql} gave {rows}")


@pytest.fixture(scope="module")
def tables(ksql_stack: Any) -> dict[str, str]:
    """A stream of orders and three tables over it: totals, windowed counts, a SOURCE table."""
    import uuid

    from confluent_kafka import Producer

    tag = uuid.uuid4().hex[:6].upper()
    names = {
        "orders": f"ORDERS_{tag}",
        "totals": f"TOTALS_{tag}",
        "windowed": f"PER_SECOND_{tag}",
        "users": f"USERS_{tag}",
        "plain": f"PLAIN_{tag}",
    }
    topic, users_topic = f"orders_{tag}".lower(), f"users_{tag}".lower()
    with httpx.Client(base_url=ksql_stack.ksqldb_url, timeout=30) as http:
        response = http.post(
            "/ksql",
            json={
                "ksql": (
                    f"CREATE STREAM {names['orders']} "
                    "(ID STRING KEY, AMOUNT INT, PRICE DECIMAL(6,2))"
                    f" WITH (kafka_topic='{topic}', partitions=2, value_format='JSON');"
                    f"CREATE TABLE {names['totals']} AS SELECT ID, COUNT(*) AS N, "
                    f"SUM(AMOUNT) AS TOTAL FROM {names['orders']} GROUP BY ID;"
                    f"CREATE TABLE {names['windowed']} AS SELECT ID, COUNT(*) AS N FROM "
                    f"{names['orders']} WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY ID;"
                    f"CREATE SOURCE TABLE {names['users']} (ID STRING PRIMARY KEY, NAME STRING) "
                    f"WITH (kafka_topic='{users_topic}', partitions=1, value_format='JSON');"
                    f"CREATE TABLE {names['plain']} (ID STRING PRIMARY KEY, NAME STRING) "
                    f"WITH (kafka_topic='{users_topic}', value_format='JSON');"
                ),
                "streamsProperties": {"auto.offset.reset": "earliest"},
            },
        )
        assert response.status_code == 200, response.text
    producer = Producer({"bootstrap.servers": ksql_stack.bootstrap_servers})
    for i, (key, amount) in enumerate([("a", 1), ("b", 2), ("a", 3), ("c", 4), ("b", 5)]):
        value = {"AMOUNT": amount, "PRICE": 1.5}
        producer.produce(topic, key=key, value=json.dumps(value), timestamp=1000 + i * 600)
    for key, name in [("u1", "ann"), ("u2", "bob")]:
        producer.produce(users_topic, key=key, value=json.dumps({"NAME": name}))
    assert producer.flush(10) == 0
    _wait_rows(ksql_stack.ksqldb_url, f"SELECT * FROM {names['totals']};", 3)
    _wait_rows(ksql_stack.ksqldb_url, f"SELECT * FROM {names['users']};", 2)
    return names


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("WHERE ID = 'a'", {("a", 2, 4)}),
        ("WHERE ID IN ('a', 'c', 'zz')", {("a", 2, 4), ("c", 1, 4)}),
        ("WHERE ID > 'a' AND ID <= 'c'", {("b", 2, 7), ("c", 1, 4)}),
        ("WHERE TOTAL >= 5", {("b", 2, 7)}),
        ("WHERE ID = 'a' OR TOTAL = 4", {("a", 2, 4), ("c", 1, 4)}),
        ("WHERE ID LIKE 'b%'", {("b", 2, 7)}),
        ("WHERE ID = 'missing'", set()),
        ("", {("a", 2, 4), ("b", 2, 7), ("c", 1, 4)}),
    ],
)
def test_table_lookups_ranges_and_scans(
    ksql_stack: Any, tables: dict[str, str], where: str, expected: set[tuple[Any, ...]]
) -> None:
    response = _pull(ksql_stack.ksqldb_url, f"SELECT * FROM {tables['totals']} {where};")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DELIMITED
    header, *rows = _lines(response)
    assert header["columnNames"] == ["ID", "N", "TOTAL"]
    assert header["columnTypes"] == ["STRING", "BIGINT", "INTEGER"]
    assert header["queryId"]
    assert {tuple(r) for r in rows} == expected


def test_limit(ksql_stack: Any, tables: dict[str, str]) -> None:
    rows = _lines(_pull(ksql_stack.ksqldb_url, f"SELECT ID FROM {tables['totals']} LIMIT 2;"))[1:]
    assert len(rows) == 2


def test_formats_and_the_old_endpoint(ksql_stack: Any, tables: dict[str, str]) -> None:
    url = ksql_stack.ksqldb_url
    sql = f"SELECT ID, TOTAL FROM {tables['totals']} WHERE ID = 'b';"
    as_json = httpx.post(
        f"{url}/query-stream", json={"sql": sql}, headers={"Accept": "application/json"}
    )
    header, row = as_json.json()
    assert (header["columnNames"], row) == (["ID", "TOTAL"], ["b", 7])
    streamed = httpx.post(f"{url}/query-stream", json={"sql": sql}, headers={"Accept": KSQL_JSON})
    assert streamed.headers["content-type"] == KSQL_JSON
    head, item = streamed.json()
    assert head["header"]["schema"] == "`ID` STRING KEY, `TOTAL` INTEGER"
    assert item == {"row": {"columns": ["b", 7]}}
    old_head, old_item = httpx.post(f"{url}/query", json={"ksql": sql}).json()
    assert old_head["header"]["schema"] == head["header"]["schema"]
    assert old_item == item
    refused = httpx.post(f"{url}/query-stream", json={"sql": sql}, headers={"Accept": "text/csv"})
    assert refused.status_code == 406


def test_windowed_table_with_window_bounds(ksql_stack: Any, tables: dict[str, str]) -> None:
    url = ksql_stack.ksqldb_url
    rows = _lines(_pull(url, f"SELECT * FROM {tables['windowed']} WHERE ID = 'a';"))
    header, *found = rows
    assert header["columnNames"] == ["ID", "WINDOWSTART", "WINDOWEND", "N"]
    assert found == [["a", 1000, 2000, 1], ["a", 2000, 3000, 1]]
    bounded = _lines(
        _pull(url, f"SELECT * FROM {tables['windowed']} WHERE ID = 'a' AND WINDOWSTART >= 2000;")
    )
    assert bounded[1:] == [["a", 2000, 3000, 1]]
    old = httpx.post(
        f"{url}/query", json={"ksql": f"SELECT * FROM {tables['windowed']} WHERE ID = 'a';"}
    )
    assert old.json()[0]["header"]["schema"] == (
        "`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `N` BIGINT"
    )


def test_stream_and_source_table(ksql_stack: Any, tables: dict[str, str]) -> None:
    url = ksql_stack.ksqldb_url
    rows = _lines(_pull(url, f"SELECT ID, AMOUNT FROM {tables['orders']} WHERE AMOUNT > 2;"))
    assert sorted(map(tuple, rows[1:])) == [("a", 3), ("b", 5), ("c", 4)]
    users = _lines(_pull(url, f"SELECT * FROM {tables['users']} WHERE ID = 'u2';"))
    assert users[1:] == [["u2", "bob"]]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM {plain};", "isn't queryable"),
        ("SELECT *, ROWPARTITION FROM {totals} WHERE ID = 'a';", "columns in SELECT clauses"),
        ("SELECT * FROM {totals} WHERE ID = 1;", "Cannot compare ID (STRING) to 1 (INTEGER)"),
        ("SELECT * FROM {totals} GROUP BY ID;", "Pull queries don't support GROUP BY"),
        ("SELECT * FROM NOT_A_THING_AT_ALL;", "NOT_A_THING_AT_ALL does not exist"),
    ],
)
def test_errors(ksql_stack: Any, tables: dict[str, str], sql: str, message: str) -> None:
    response = _pull(ksql_stack.ksqldb_url, sql.format(**tables))
    assert response.status_code == 400
    body = response.json()
    assert (body["@type"], body["error_code"]) == ("statement_error", 40001)
    assert message in body["message"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("WHERE TOTAL = 4", "WHERE clause missing key column for disjunct: (TOTAL = 4)"),
        ("WHERE ID != 'a'", "Bound on key columns '[`ID` STRING KEY]' must currently be '='"),
        ("WHERE ID IN (NULL)", "Primary key columns can not be NULL: (ID = null)"),
    ],
)
def test_key_rules_without_table_scans(
    ksql_stack: Any, tables: dict[str, str], where: str, message: str
) -> None:
    response = _pull(
        ksql_stack.ksqldb_url,
        f"SELECT * FROM {tables['totals']} {where};",
        properties={"ksql.query.pull.table.scan.enabled": False},
    )
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_http2_and_the_client(ksql_stack: Any, tables: dict[str, str]) -> None:
    url = ksql_stack.ksqldb_url
    sql = f"SELECT * FROM {tables['totals']} WHERE ID = 'c';"
    with httpx.Client(http1=False, http2=True, base_url=url) as client:
        response = client.post("/query-stream", json={"sql": sql})
        assert response.http_version == "HTTP/2"
        assert _lines(response)[1:] == [["c", 1, 4]]
    with KsqlClient(url) as ksql:
        result = ksql.pull(f"SELECT ID, PRICE, ROWTIME FROM {tables['orders']} WHERE ID = 'c';")
        (row,) = result.rows
        assert row["ID"] == "c"
        assert row["PRICE"] == Decimal("1.50")
        assert isinstance(row["ROWTIME"], int)


def test_bad_requests(ksql_stack: Any) -> None:
    url = ksql_stack.ksqldb_url
    for body, message in [
        (b"nope", "Invalid JSON in request"),
        (b"{}", "Missing required creator property 'sql'"),
        (b'{"sql": "SHOW STREAMS; SHOW TABLES;"}', "Expected exactly one KSQL statement"),
        (b'{"sql": "SELECT * FROM x", "properties": {"bogus.prop": 1}}', "bogus.prop"),
    ]:
        response = httpx.post(f"{url}/query-stream", content=body)
        assert response.status_code == 400, body
        assert message in response.json()["message"]
