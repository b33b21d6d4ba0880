"""The ksqlDB server bounds its tables' memory as configured, and pull queries see every row.

`python -m ksqlmv.server` under `ksqlmv local`, with `ksqlmv.state.store.memory.max.entries=50`
from `KSQLMV_KSQL_PROPERTIES`: a table of 600 fresh keys spills to sqlite files under the
server's data directory, and key lookups and scans over the REST API still return every row.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from pathlib import Path

import pytest
from confluent_kafka import Producer

from ksqlmv.client import KsqlClient
from ksqlmv.local import EmbeddedStack

pytestmark = pytest.mark.integration

KEYS = 600


def test_a_table_over_the_bound_spills_under_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KSQLMV_KSQL_PROPERTIES", "ksqlmv.state.store.memory.max.entries=50")
    with EmbeddedStack(("broker", "registry", "ksql"), tmp_path / "stack") as stack:
        client = KsqlClient(stack.ksqldb_url)
        try:
            client.execute(
                "CREATE STREAM S (ID STRING KEY, N INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1,"
                " VALUE_FORMAT='JSON');"
                "CREATE TABLE T AS SELECT ID, LATEST_BY_OFFSET(N) AS N FROM S GROUP BY ID;",
                properties={"auto.offset.reset": "earliest"},
            )
            producer = Producer({"bootstrap.servers": stack.bootstrap_servers})
            for i in range(KEYS):
                producer.produce("s", json.dumps({"N": i}).encode(), f"id{i}".encode())
                if i % 100 == 99:
                    producer.flush(10)
                    time.sleep(0.3)  # checkpoints between batches, as a steady stream has
            assert producer.flush(10) == 0
            deadline = time.monotonic() + 60
            while len(rows := client.pull("SELECT * FROM T;").rows) < KEYS:
                assert time.monotonic() < deadline, f"{len(rows)} of {KEYS} rows"
                time.sleep(0.2)
            assert sorted(row.values[1] for row in rows) == list(range(KEYS))
            found = client.pull("SELECT * FROM T WHERE ID IN ('id0', 'id1', 'id333', 'id599');")
            assert sorted(tuple(row.values) for row in found.rows) == [
                ("id0", 0),
                ("id1", 1),
                ("id333", 333),
                ("id599", 599),
            ]
            on_disk = 0
            for path in (tmp_path / "stack" / "ksql" / "state").glob("*.sqlite"):
                with contextlib.closing(sqlite3.connect(path)) as db:
                    on_disk += db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            assert on_disk >= KEYS - 50, on_disk  # all but the last checkpoint's are on disk
        finally:
            client.close()
