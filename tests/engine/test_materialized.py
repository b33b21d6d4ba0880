"""What a table's `Materialized` store holds: the rows pull queries read."""

from __future__ import annotations

import json
from typing import Any

from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.runtime.builder import MATERIALIZED
from ksqlmv.engine.runtime.derived import DerivedStore

MINUTE = 60_000


def _rows(engine: KsqlEngine, query_id: str) -> dict[Any, Any]:
    store = engine.queries[query_id].stores[MATERIALIZED]
    return {slot: entry[1] for slot, entry in store.data.items()}


def _send(engine: KsqlEngine, topic: str, records: list[tuple[str, dict[str, Any], int]]) -> None:
    for key, value, ts in records:
        engine.driver.produce(topic, key.encode(), json.dumps(value).encode(), ts, ())


def test_aggregated_rows_follow_having_and_the_projection(engine: KsqlEngine) -> None:
    engine.execute(
        "CREATE STREAM S (ID STRING KEY, REGION STRING, AMOUNT INT) WITH (KAFKA_TOPIC='s', "
        "PARTITIONS=1, VALUE_FORMAT='JSON');"
        "CREATE TABLE T AS SELECT REGION, COUNT(*) AS N, SUM(AMOUNT) * 10 AS TOTAL FROM S "
        "GROUP BY REGION HAVING COUNT(*) > 1;"
    )
    _send(
        engine,
        "s",
        [
            ("a", {"REGION": "EU", "AMOUNT": 1}, 1),
            ("b", {"REGION": "US", "AMOUNT": 2}, 2),
            ("c", {"REGION": "EU", "AMOUNT": 3}, 3),
        ],
    )
    store = engine.queries["CTAS_T_0"].stores[MATERIALIZED]
    assert isinstance(store, DerivedStore)  # computed from the aggregation's store
    assert _rows(engine, "CTAS_T_0") == {("EU",): (2, 40)}
    assert store.data.get(("US",)) is None
    assert len(store.data) == 1
    entry = store.data[("EU",)]
    assert (entry[0], entry[2], entry[3]) == (("EU",), 3, None)


def test_windowed_rows_are_keyed_by_window_and_expire_with_it(engine: KsqlEngine) -> None:
    engine.execute(
        "CREATE STREAM S (ID STRING KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, "
        "VALUE_FORMAT='JSON');"
        "CREATE TABLE W AS SELECT ID, COUNT(*) AS N FROM S "
        "WINDOW TUMBLING (SIZE 1 MINUTE, RETENTION 2 MINUTES, GRACE PERIOD 0 SECONDS) "
        "GROUP BY ID;"
    )
    _send(engine, "s", [("k", {"V": 1}, 10), ("k", {"V": 1}, 20), ("k", {"V": 1}, MINUTE + 5)])
    assert _rows(engine, "CTAS_W_0") == {
        (("k",), 0, MINUTE): (2,),
        (("k",), MINUTE, 2 * MINUTE): (1,),
    }
    _send(engine, "s", [("j", {"V": 1}, 5 * MINUTE)])  # stream time moves past the retention
    assert _rows(engine, "CTAS_W_0") == {(("j",), 5 * MINUTE, 6 * MINUTE): (1,)}


def test_a_filtered_table_keeps_rows_and_forgets_deleted_keys(engine: KsqlEngine) -> None:
    engine.execute(
        "CREATE TABLE U (ID STRING PRIMARY KEY, AGE INT) WITH (KAFKA_TOPIC='u', PARTITIONS=1, "
        "VALUE_FORMAT='JSON');"
        "CREATE TABLE ADULTS AS SELECT ID, AGE FROM U WHERE AGE >= 18;"
    )
    _send(engine, "u", [("a", {"AGE": 30}, 1), ("b", {"AGE": 12}, 2), ("c", {"AGE": 40}, 3)])
    engine.driver.produce("u", b"c", None, 4, ())
    assert _rows(engine, "CTAS_ADULTS_0") == {("a",): (30,)}
