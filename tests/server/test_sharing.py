"""Push queries share work: one consumer per topic for every query from `latest`, one pipeline
for every subscriber of the same stateless statement, their own for stateful or `earliest` ones;
everything is released when the last subscriber leaves. Engine objects on the real broker."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from confluent_kafka import Producer

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.queries.push import PushQueries
from ksqlmv.engine.serde.registry import InMemorySchemaRegistry
from ksqlmv.sql import parse_statement

pytestmark = pytest.mark.integration


class Rows:
    """A subscriber that keeps what it gets."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, bool]] = []
        self.ended: list[str | None] = []

    def row(self, values: Any, tombstone: bool) -> None:
        self.rows.append((values, tombstone))

    def end(self, error: str | None) -> None:
        self.ended.append(error)


def test_sharing_and_release(ksql_stack: Any) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        config = {"bootstrap.servers": ksql_stack.bootstrap_servers}
        driver = KafkaDriver(config, InMemorySchemaRegistry(), dispatch=loop.call_soon_threadsafe)
        engine = KsqlEngine(driver)
        topic = f"sharing_{uuid.uuid4().hex[:8]}"
        engine.execute(
            f"CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='{topic}', "
            "partitions=1, value_format='JSON');"
        )
        push = PushQueries(engine, config, loop.call_soon_threadsafe)
        simple = "SELECT ID, V FROM S WHERE V > 0 EMIT CHANGES;"
        counting = "SELECT ID, COUNT(*) AS N FROM S GROUP BY ID EMIT CHANGES;"
        props = dict(engine.properties)
        subscribers = [Rows() for _ in range(4)]
        push.start(parse_statement(simple), props, "q1", subscribers[0], simple)
        push.start(parse_statement(simple), props, "q2", subscribers[1], simple)
        push.start(parse_statement(counting), props, "q3", subscribers[2], counting)
        earliest = {**props, "auto.offset.reset": "earliest"}
        push.start(parse_statement(simple), earliest, "q4", subscribers[3], simple)
        assert len(push.subscriptions) == 4
        assert len(push.pipelines) == 1  # q1 and q2 share one pipeline
        assert len(push.taps) == 1  # q1, q2 and q3 share one consumer of the topic
        assert push.subscriptions["q1"].pipeline is push.subscriptions["q2"].pipeline
        assert push.subscriptions["q3"].pipeline is not push.subscriptions["q1"].pipeline
        tap = push.taps[topic]
        await loop.run_in_executor(None, tap.feed.ready.wait, 10)
        producer = Producer(config)
        for key, value in [("a", 1), ("a", 0), ("b", 2)]:
            producer.produce(topic, key=key, value=json.dumps({"V": value}))
        producer.flush(10)
        for _ in range(200):
            if all(len(s.rows) >= 2 for s in subscribers[:2]) and len(subscribers[2].rows) >= 3:
                break
            await asyncio.sleep(0.05)
        assert subscribers[0].rows == subscribers[1].rows == [(("a", 1), False), (("b", 2), False)]
        assert [r[0] for r in subscribers[2].rows] == [("a", 1), ("a", 2), ("b", 1)]
        push.stop("q1")
        assert len(push.pipelines) == 1 and len(push.taps) == 1
        push.stop("q2")
        assert len(push.pipelines) == 0 and len(push.taps) == 1  # q3 still reads the topic
        push.stop("q3")
        push.stop("q4")
        assert not push.taps and not push.subscriptions
        await loop.run_in_executor(None, tap.feed.stop, 10.0)
        assert not tap.feed.alive
        await loop.run_in_executor(None, driver.close)

    asyncio.run(main())
