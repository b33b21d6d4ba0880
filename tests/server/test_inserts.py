"""POST /inserts-stream over HTTP/2: per-row acknowledgements while rows still arrive, row
errors, targets that cannot take rows, 40004 over HTTP/1.1, and the client's insert."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

import h2.config
import h2.connection
import h2.events
import httpx
import pytest

from ksqlmv.client import KsqlClient
from ksqlmv.errors import StatementError

pytestmark = pytest.mark.integration

Names = Callable[[str], str]


def _stream(ksql: Any, names: Names) -> tuple[str, str]:
    stream, topic = names("s"), names("t").lower()
    ksql.ok(
        f"CREATE STREAM {stream} (ID STRING KEY, V INT, PRICE DECIMAL(4,2), SEEN TIMESTAMP) "
        f"WITH (kafka_topic='{topic}', partitions=1, value_format='JSON');"
    )
    return stream, topic


def _h2_post(url: str, body: bytes) -> httpx.Response:
    with httpx.Client(base_url=url, http1=False, http2=True, timeout=30) as client:
        return client.post("/inserts-stream", content=body)


def _rows(ksql: Any, stream: str, count: int) -> list[list[Any]]:
    response = httpx.post(
        f"{ksql.url}/query-stream",
        json={
            "sql": f"SELECT * FROM {stream} EMIT CHANGES LIMIT {count};",
            "properties": {"auto.offset.reset": "earliest"},
        },
        timeout=30,
    )
    return [json.loads(line) for line in response.text.splitlines()][1:]


def test_rows_are_acknowledged_and_land_in_the_topic(ksql: Any, names: Names) -> None:
    stream, _ = _stream(ksql, names)
    lines = [
        {"target": stream.lower()},
        {"ID": "a", "V": 1, "PRICE": 1.25, "SEEN": "2024-01-02T03:04:05.678"},
        {"id": "b", "v": 2},
        {"ID": "c", "V": "not a number"},
        {"ID": "d", "V": 4},
    ]
    body = "\n".join(json.dumps(line) for line in lines).encode() + b"\n"
    response = _h2_post(ksql.url, body)
    assert response.status_code == 200, response.text
    acks = [json.loads(line) for line in response.text.splitlines()]
    assert sorted(a["seq"] for a in acks) == [0, 1, 2, 3]
    by_seq = {a["seq"]: a for a in acks}
    assert by_seq[0] == {"status": "ok", "seq": 0}
    assert by_seq[2]["status"] == "error"
    assert by_seq[2]["error_code"] == 40000
    rows = _rows(ksql, stream, 3)
    assert rows == [
        ["a", 1, 1.25, "2024-01-02T03:04:05.678"],
        ["b", 2, None, None],
        ["d", 4, None, None],
    ]


def test_acks_arrive_while_the_client_is_still_sending(ksql: Any, names: Names) -> None:
    stream, _ = _stream(ksql, names)
    host, port = ksql.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    stream_id = conn.get_next_available_stream_id()
    conn.send_headers(
        stream_id,
        [(":method", "POST"), (":path", "/inserts-stream"), (":scheme", "http"),
         (":authority", "x")],
    )  # fmt: skip
    conn.send_data(stream_id, json.dumps({"target": stream}).encode() + b"\n")
    conn.send_data(stream_id, b'{"ID": "x", "V": 1}\n')
    sock.sendall(conn.data_to_send())
    received = b""
    deadline = time.monotonic() + 10
    try:
        while b'"seq":0' not in received:
            assert time.monotonic() < deadline, received
            for event in conn.receive_data(sock.recv(65536)):
                if isinstance(event, h2.events.DataReceived):
                    received += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, stream_id)
            sock.sendall(conn.data_to_send())
        assert json.loads(received) == {"status": "ok", "seq": 0}  # before the stream ended
        conn.send_data(stream_id, b'{"ID": "y", "V": 2}\n', end_stream=True)
        sock.sendall(conn.data_to_send())
        while b'"seq":1' not in received:
            assert time.monotonic() < deadline, received
            for event in conn.receive_data(sock.recv(65536)):
                if isinstance(event, h2.events.DataReceived):
                    received += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, stream_id)
            sock.sendall(conn.data_to_send())
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("first_line", "message"),
    [
        (b'{"target": "NO_SUCH_THING"}', "Cannot insert values into an unknown stream/table"),
        (b"not json", "Invalid JSON in request"),
    ],
)
def test_refused_targets(ksql: Any, first_line: bytes, message: str) -> None:
    response = _h2_post(ksql.url, first_line + b"\n")
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_malformed_row_ends_the_stream_with_its_error(ksql: Any, names: Names) -> None:
    stream, _ = _stream(ksql, names)
    body = json.dumps({"target": stream}).encode() + b'\n{"ID": "a", "V": 1}\n{oops\n'
    acks = [json.loads(line) for line in _h2_post(ksql.url, body).text.splitlines()]
    assert {"status": "ok", "seq": 0} in acks
    assert {
        "status": "error",
        "seq": 1,
        "error_code": 40000,
        "message": "Invalid JSON in inserts stream",
    } in acks


def test_http11_gets_40004(ksql: Any, names: Names) -> None:
    stream, _ = _stream(ksql, names)
    response = httpx.post(
        f"{ksql.url}/inserts-stream", content=json.dumps({"target": stream}).encode()
    )
    assert response.status_code == 400
    assert response.json() == {
        "@type": "generic_error",
        "error_code": 40004,
        "message": "This endpoint is only available when using HTTP2",
    }


def test_the_client_inserts_with_acknowledgements(ksql: Any, names: Names) -> None:
    stream, _ = _stream(ksql, names)
    with KsqlClient(ksql.url) as client:
        acks = client.insert(stream, [{"ID": "p", "V": 1}, {"ID": "q", "V": 2}])
        assert [a["status"] for a in acks] == ["ok", "ok"]
        with pytest.raises(StatementError):
            client.insert(stream, [{"ID": "r", "V": "x"}])
    assert [r[:2] for r in _rows(ksql, stream, 2)] == [["p", 1], ["q", 2]]
