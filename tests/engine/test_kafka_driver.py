"""The Kafka driver on the embedded broker: queries, the processing log, state across restarts."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.serde.registry import InMemorySchemaRegistry
from ksqlmv.local import EmbeddedStack

pytestmark = pytest.mark.integration


def _config(stack: EmbeddedStack) -> dict[str, Any]:
    return {"bootstrap.servers": stack.bootstrap_servers}


@pytest.fixture
def names() -> Callable[[str], str]:
    """Unique topic names per test (the broker is shared by the session)."""
    suffix = uuid.uuid4().hex[:8]
    return lambda name: f"{name}_{suffix}"


@pytest.fixture
def make_engine(
    embedded_broker: EmbeddedStack,
) -> Iterator[Callable[..., tuple[KsqlEngine, KafkaDriver]]]:
    """`make_engine(service_id)` → an engine on the broker (closed after the test)."""
    drivers: list[KafkaDriver] = []
    registry = InMemorySchemaRegistry()

    def make(service_id: str = "test_") -> tuple[KsqlEngine, KafkaDriver]:
        driver = KafkaDriver(_config(embedded_broker), registry, commit_interval=0.05)
        drivers.append(driver)
        engine = KsqlEngine(
            driver,
            properties={"ksql.service.id": service_id, "auto.offset.reset": "earliest"},
        )
        return engine, driver

    yield make
    for driver in drivers:
        driver.close()


def _produce(stack: EmbeddedStack, topic: str, records: list[tuple[Any, Any]]) -> None:
    producer = Producer(_config(stack))
    for key, value in records:
        raw_key = None if key is None else str(key).encode()
        raw_value = (
            value if isinstance(value, bytes) else None if value is None else json.dumps(value)
        )
        producer.produce(topic, raw_value, raw_key)
    assert producer.flush(10) == 0


def _read(
    stack: EmbeddedStack, topic: str, count: int, timeout: float = 30.0
) -> list[tuple[bytes | None, bytes | None]]:
    """The first `count` records of `topic` (fails after `timeout` seconds)."""
    consumer = Consumer({**_config(stack), "group.id": f"reader-{uuid.uuid4()}"})
    consumer.assign([TopicPartition(topic, 0, 0)])
    found: list[tuple[bytes | None, bytes | None]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(found) < count and time.monotonic() < deadline:
            for message in consumer.consume(100, 0.2):
                if message.error() is None:
                    found.append((message.key(), message.value()))
    finally:
        consumer.close()
    assert len(found) >= count, f"{topic}: {len(found)} of {count} records within {timeout}s"
    return found


def _latest(records: list[tuple[bytes | None, bytes | None]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in records:
        assert key is not None
        table[key.decode()] = None if value is None else json.loads(value)
    return table


def test_stream_query_and_processing_log(
    embedded_broker: EmbeddedStack, make_engine: Callable[..., Any], names: Callable[[str], str]
) -> None:
    source, sink = names("clicks"), names("big_clicks")
    engine, _ = make_engine(names("svc") + "_")
    log_topic = engine.publish_processing_log()
    engine.execute(
        "CREATE STREAM CLICKS (USER_ID STRING KEY, PAGE STRING, MS INT) WITH "
        f"(KAFKA_TOPIC='{source}', PARTITIONS=1, VALUE_FORMAT='JSON');"
        f"CREATE STREAM BIG WITH (KAFKA_TOPIC='{sink}') AS "
        "SELECT USER_ID, UCASE(PAGE) AS PAGE FROM CLICKS WHERE MS > 100;"
    )
    _produce(
        embedded_broker,
        source,
        [
            ("u1", {"PAGE": "home", "MS": 150}),
            ("u2", {"PAGE": "cart", "MS": 50}),
            ("u3", b"{not json"),
            ("u4", {"PAGE": "pay", "MS": 300}),
        ],
    )
    rows = _read(embedded_broker, sink, 2)
    assert [(k, json.loads(v or b"")) for k, v in rows] == [
        (b"u1", {"PAGE": "HOME"}),
        (b"u4", {"PAGE": "PAY"}),
    ]
    entries = [json.loads(v or b"") for _, v in _read(embedded_broker, log_topic, 1)]
    error = entries[0]["message"]["deserializationError"]
    assert entries[0]["message"]["type"] == 0
    assert (error["topic"], error["partition"], error["offset"]) == (source, 0, 2)
    assert error["target"] == "value"
    assert "KSQL_PROCESSING_LOG" in engine.catalog.sources


def test_table_state_survives_a_restart(
    embedded_broker: EmbeddedStack, make_engine: Callable[..., Any], names: Callable[[str], str]
) -> None:
    source, sink, service = names("orders"), names("totals"), names("svc") + "_"
    statements = (
        f"CREATE STREAM ORDERS (ID STRING KEY, REGION STRING, AMOUNT INT) WITH (KAFKA_TOPIC="
        f"'{source}', PARTITIONS=1, VALUE_FORMAT='JSON');"
        f"CREATE TABLE TOTALS WITH (KAFKA_TOPIC='{sink}') AS SELECT REGION, COUNT(*) AS N, "
        "SUM(AMOUNT) AS TOTAL FROM ORDERS GROUP BY REGION;"
    )
    first = [(f"o{i}", {"REGION": "EU" if i % 3 else "US", "AMOUNT": i}) for i in range(30)]
    second = [(f"p{i}", {"REGION": "EU" if i % 2 else "APAC", "AMOUNT": 10}) for i in range(10)]

    engine, driver = make_engine(service)
    engine.execute(statements)
    _produce(embedded_broker, source, first)
    _read(embedded_broker, sink, len(first))
    (query_id,) = engine.queries
    changelogs = list(engine.queries[query_id].internal_topics.values())
    driver.close()  # the first engine stops (its feed checkpoints and commits)

    engine, driver = make_engine(service)
    engine.execute(statements)
    assert driver.wait_ready(query_id, 30)
    _produce(embedded_broker, source, second)
    outputs = _read(embedded_broker, sink, len(first) + len(second))
    expected = {
        "EU": {"N": 20 + 5, "TOTAL": sum(i for i in range(30) if i % 3) + 50},
        "US": {"N": 10, "TOTAL": sum(i for i in range(30) if i % 3 == 0)},
        "APAC": {"N": 5, "TOTAL": 50},
    }
    assert _latest(outputs) == expected
    assert all(driver.topic_exists(topic) for topic in changelogs)
    # The restored store is what pull queries read: one row per region, nothing counted twice.
    store = engine.queries[query_id].stores["Materialized"]
    assert {key[0]: row[1][:2] for key, row in store.data.items()} == {
        region: (value["N"], value["TOTAL"]) for region, value in expected.items()
    }


def test_join_state_survives_a_restart(
    embedded_broker: EmbeddedStack, make_engine: Callable[..., Any], names: Callable[[str], str]
) -> None:
    users, clicks, sink, service = names("users"), names("clicks"), names("enriched"), names("s")
    statements = (
        f"CREATE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='{users}', "
        "PARTITIONS=1, VALUE_FORMAT='JSON');"
        f"CREATE STREAM CLICKS (ID STRING KEY, PAGE STRING) WITH (KAFKA_TOPIC='{clicks}', "
        "PARTITIONS=1, VALUE_FORMAT='JSON');"
        f"CREATE STREAM ENRICHED WITH (KAFKA_TOPIC='{sink}') AS SELECT C.ID AS ID, PAGE, NAME "
        "FROM CLICKS C JOIN USERS U ON C.ID = U.ID;"
    )
    engine, driver = make_engine(service)
    engine.execute(statements)
    _produce(embedded_broker, users, [("a", {"NAME": "Ann"}), ("b", {"NAME": "Bob"})])
    _produce(embedded_broker, clicks, [("a", {"PAGE": "home"})])
    _read(embedded_broker, sink, 1)
    (query_id,) = engine.queries
    driver.close()

    # The table's rows were read before the restart: only the changelog can bring them back.
    engine, driver = make_engine(service)
    engine.execute(statements)
    assert driver.wait_ready(query_id, 30)
    _produce(embedded_broker, clicks, [("b", {"PAGE": "cart"}), ("c", {"PAGE": "pay"})])
    _produce(embedded_broker, users, [("c", {"NAME": "Cy"})])
    _produce(embedded_broker, clicks, [("c", {"PAGE": "again"})])
    rows = [(k, json.loads(v or b"")) for k, v in _read(embedded_broker, sink, 3)]
    assert rows == [
        (b"a", {"PAGE": "home", "NAME": "Ann"}),
        (b"b", {"PAGE": "cart", "NAME": "Bob"}),
        (b"c", {"PAGE": "again", "NAME": "Cy"}),
    ]


def test_partitions_are_read_in_timestamp_order(
    embedded_broker: EmbeddedStack, names: Callable[[str], str]
) -> None:
    from confluent_kafka import OFFSET_BEGINNING

    from ksqlmv.engine.drivers.synced import SyncedConsumer

    late, early = names("late"), names("early")
    producer = Producer(_config(embedded_broker))
    for i in range(300):  # the later records are written first, to another topic
        producer.produce(late, b"late", timestamp=10_000 + i)
    for i in range(300):
        producer.produce(early, b"early", timestamp=1_000 + i * 30)
    assert producer.flush(10) == 0
    consumer = SyncedConsumer(
        Consumer(
            {
                **_config(embedded_broker),
                "group.id": f"synced-{uuid.uuid4()}",
                "enable.partition.eof": True,
            }
        )
    )
    consumer.assign([TopicPartition(t, 0, OFFSET_BEGINNING) for t in (late, early)])
    seen: list[int] = []
    deadline = time.monotonic() + 30
    try:
        while len(seen) < 600 and time.monotonic() < deadline:
            seen.extend(m.timestamp()[1] for m in consumer.consume(100, 0.2))
    finally:
        consumer.close()
    assert len(seen) == 600
    assert seen == sorted(seen)


def test_a_partition_with_unread_records_is_never_overtaken(
    embedded_broker: EmbeddedStack, names: Callable[[str], str]
) -> None:
    """Small fetches leave the older partition's buffer empty again and again while the broker
    still has its records: the newer partition must wait for them, however long that takes
    (max_idle=0 would let it go ahead at once if the lag were not known)."""
    from confluent_kafka import OFFSET_BEGINNING

    from ksqlmv.engine.drivers.synced import SyncedConsumer

    table, stream = names("table"), names("stream")
    # Small batches, so that small fetches can bring a few records at a time.
    producer = Producer({**_config(embedded_broker), "batch.size": 1_000, "linger.ms": 0})
    for i in range(2_000):
        producer.produce(table, b"t" * 200, timestamp=1_000 + i)
        producer.produce(stream, b"s" * 200, timestamp=100_000 + i)
    assert producer.flush(10) == 0
    consumer = SyncedConsumer(
        Consumer(
            {
                **_config(embedded_broker),
                "group.id": f"synced-{uuid.uuid4()}",
                "enable.partition.eof": True,
                "max.partition.fetch.bytes": 2_048,
                "fetch.max.bytes": 4_096,
                "message.max.bytes": 4_096,
            }
        ),
        max_idle=0.0,
    )
    consumer.assign([TopicPartition(t, 0, OFFSET_BEGINNING) for t in (stream, table)])
    seen: list[int] = []
    deadline = time.monotonic() + 60
    try:
        while len(seen) < 4_000 and time.monotonic() < deadline:
            seen.extend(m.timestamp()[1] for m in consumer.consume(100, 0.2))
    finally:
        consumer.close()
    assert len(seen) == 4_000
    assert seen == sorted(seen)


def test_table_outputs_coalesce_per_key_with_the_cache_on(
    embedded_broker: EmbeddedStack, names: Callable[[str], str]
) -> None:
    source, sink = names("votes"), names("tally")
    driver = KafkaDriver(_config(embedded_broker), InMemorySchemaRegistry(), commit_interval=5.0)
    try:
        engine = KsqlEngine(
            driver,
            properties={
                "ksql.service.id": names("svc") + "_",
                "auto.offset.reset": "earliest",
                "ksql.streams.cache.max.bytes.buffering": 10_000_000,
            },
        )
        engine.execute(
            f"CREATE STREAM VOTES (ID STRING KEY, PICK STRING) WITH (KAFKA_TOPIC='{source}', "
            "PARTITIONS=1, VALUE_FORMAT='JSON');"
        )
        votes = [(f"v{i}", {"PICK": "ABC"[i % 3]}) for i in range(300)]
        _produce(embedded_broker, source, votes)
        engine.execute(
            f"CREATE TABLE TALLY WITH (KAFKA_TOPIC='{sink}') AS SELECT PICK, COUNT(*) AS N "
            "FROM VOTES GROUP BY PICK;"
        )
        first = _read(embedded_broker, sink, 3)
        assert _latest(first) == {"A": {"N": 100}, "B": {"N": 100}, "C": {"N": 100}}
        time.sleep(1.0)
        everything = _read(embedded_broker, sink, 3)
        assert len(everything) < len(votes) // 10  # each key's updates were written once per commit
    finally:
        driver.close()


def _read_timed(
    stack: EmbeddedStack, topic: str, count: int, timeout: float = 30.0
) -> list[tuple[bytes | None, bytes | None, int]]:
    """The first `count` records of `topic` with their timestamps."""
    consumer = Consumer({**_config(stack), "group.id": f"reader-{uuid.uuid4()}"})
    consumer.assign([TopicPartition(topic, 0, 0)])
    found: list[tuple[bytes | None, bytes | None, int]] = []
    deadline = time.monotonic() + timeout
    try:
        while len(found) < count and time.monotonic() < deadline:
            for message in consumer.consume(100, 0.2):
                if message.error() is None:
                    found.append((message.key(), message.value(), message.timestamp()[1]))
    finally:
        consumer.close()
    assert len(found) >= count, f"{topic}: {len(found)} of {count} records within {timeout}s"
    return found


# (topic, key, value, timestamp): ksqlDB's table-table inner join case, whose first record is at
# the epoch (librdkafka writes 0 as "now": create_time maps it to the nearest time it can write).
TABLE_TABLE_INPUTS = [
    ("left", 0, {"NAME": "zero", "VALUE": 0}, 0),
    ("right", 0, {"F1": "blah", "F2": 50}, 10_000),
    ("left", 10, {"NAME": "100", "VALUE": 5}, 11_000),
    ("left", 0, {"NAME": "foo", "VALUE": 100}, 13_000),
    ("right", 0, {"F1": "a", "F2": 10}, 15_000),
    ("right", 15, {"F1": "c", "F2": 20}, 15_500),
    ("left", 0, {"NAME": "bar", "VALUE": 99}, 16_000),
    ("left", 90, {"NAME": "ninety", "VALUE": 90}, 17_000),
]


@pytest.mark.parametrize(
    ("key", "join", "expected"),
    [
        (
            "L.ID",
            "JOIN",
            [
                (0, "zero", "blah", 10_000),
                (0, "foo", "blah", 13_000),
                (0, "foo", "a", 15_000),
                (0, "bar", "a", 16_000),
            ],
        ),
        (
            "ROWKEY",  # the synthetic key of a full outer join
            "FULL OUTER JOIN",
            [
                (0, "zero", None, 1),
                (0, "zero", "blah", 10_000),
                (10, "100", None, 11_000),
                (0, "foo", "blah", 13_000),
                (0, "foo", "a", 15_000),
                (15, None, "c", 15_500),
                (0, "bar", "a", 16_000),
                (90, "ninety", None, 17_000),
            ],
        ),
    ],
)
def test_table_table_join_follows_event_time(
    embedded_broker: EmbeddedStack,
    make_engine: Callable[..., Any],
    names: Callable[[str], str],
    key: str,
    join: str,
    expected: list[tuple[int, str | None, str | None, int]],
) -> None:
    import struct

    from ksqlmv.engine.api import prepare_pull, table_view
    from ksqlmv.engine.drivers.kafka import create_time
    from ksqlmv.sql import parse_statement

    topics = {"left": names("left"), "right": names("right")}
    sink = names("joined")
    engine, _ = make_engine(names("svc") + "_")
    engine.execute(
        "CREATE TABLE L (ID BIGINT PRIMARY KEY, NAME STRING, VALUE BIGINT) WITH "
        f"(KAFKA_TOPIC='{topics['left']}', PARTITIONS=1, VALUE_FORMAT='JSON');"
        "CREATE TABLE R (ID BIGINT PRIMARY KEY, F1 STRING, F2 BIGINT) WITH "
        f"(KAFKA_TOPIC='{topics['right']}', PARTITIONS=1, VALUE_FORMAT='JSON');"
        f"CREATE TABLE J WITH (KAFKA_TOPIC='{sink}') AS SELECT {key} AS ID, NAME, F1 "
        f"FROM L {join} R ON L.ID = R.ID;"
    )
    producer = Producer(_config(embedded_broker))
    for topic, key, value, ts in TABLE_TABLE_INPUTS:
        producer.produce(
            topics[topic], json.dumps(value), struct.pack(">q", key), timestamp=create_time(ts)
        )
    assert producer.flush(10) == 0
    rows = _read_timed(embedded_broker, sink, len(expected))
    time.sleep(0.5)  # nothing more may follow
    rows = _read_timed(embedded_broker, sink, len(expected))
    got = [
        (struct.unpack(">q", k or b"")[0], *json.loads(v or b"").values(), ts) for k, v, ts in rows
    ]
    assert got == expected
    # What a pull query reads is each key's last row, never an older one.
    pull = prepare_pull(engine, parse_statement("SELECT * FROM J;"), engine.properties, "pull_1")
    latest = {key: (name, f1) for key, name, f1, _ in expected}
    assert {row[0]: row[1:] for row in pull.run_table(table_view(engine, pull.source))} == latest


def test_a_record_at_the_epoch_is_not_stamped_with_the_wall_clock(
    embedded_broker: EmbeddedStack, make_engine: Callable[..., Any], names: Callable[[str], str]
) -> None:
    topic = names("epoch")
    _, driver = make_engine()
    driver.create_topic(topic)
    driver.produce(topic, b"k", b"v", 0)
    driver.produce(topic, b"k", b"w", 5)
    driver.flush()
    assert [ts for _, _, ts in _read_timed(embedded_broker, topic, 2)] == [1, 5]


def test_describe_extended_shows_statistics_and_offsets(
    embedded_broker: EmbeddedStack, make_engine: Callable[..., Any], names: Callable[[str], str]
) -> None:
    source, sink = names("views"), names("long_views")
    service = names("svc") + "_"
    engine, _ = make_engine(service)
    engine.execute(
        f"CREATE STREAM VIEWS (ID STRING KEY, MS INT) WITH (KAFKA_TOPIC='{source}', "
        "PARTITIONS=1, VALUE_FORMAT='JSON');"
        f"CREATE STREAM LONG_VIEWS WITH (KAFKA_TOPIC='{sink}') AS "
        "SELECT ID, MS FROM VIEWS WHERE MS > 100;"
    )
    views = [("a", {"MS": 50}), ("b", {"MS": 150}), ("c", b"{broken"), ("d", {"MS": 300})]
    _produce(embedded_broker, source, views)
    _read(embedded_broker, sink, 2)
    (query_id,) = engine.queries
    group = f"_confluent-ksql-{service}query_{query_id}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until the query has committed all four records
        (described,) = engine.execute("DESCRIBE LONG_VIEWS EXTENDED;")
        summary = described.entity["sourceDescription"]["queryOffsetSummaries"]
        if summary and summary[0]["topicSummaries"][0]["offsets"][0]["consumerOffset"] == 4:
            break
        time.sleep(0.1)
    assert summary == [
        {
            "groupId": group,
            "topicSummaries": [
                {
                    "kafkaTopic": source,
                    "offsets": [
                        {
                            "partition": 0,
                            "logStartOffset": 0,
                            "logEndOffset": 4,
                            "consumerOffset": 4,
                        }
                    ],
                }
            ],
        }
    ]
    sink_stats = described.entity["sourceDescription"]["statistics"]
    assert sink_stats.startswith("messages-per-sec:      0.07 ")  # 2 records over 30 s
    assert "total-messages:         2 " in sink_stats
    assert "    last-message: 20" in sink_stats and sink_stats.endswith("Z")
    (described,) = engine.execute("DESCRIBE VIEWS EXTENDED;")
    entity = described.entity["sourceDescription"]
    assert "consumer-total-messages:         4 " in entity["statistics"]
    assert "consumer-failed-messages:         1 " in entity["errorStats"]
    assert "last-failed: 20" in entity["errorStats"]
    assert entity["queryOffsetSummaries"] == []  # no query writes VIEWS
    (plain,) = engine.execute("DESCRIBE VIEWS;")
    assert plain.entity["sourceDescription"]["statistics"] == ""
