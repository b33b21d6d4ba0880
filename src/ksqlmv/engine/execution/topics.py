"""Kafka topics as statements see them: existence checks and creation, with ksqlDB's messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ksqlmv.engine.execution.properties import WithProperties
from ksqlmv.errors import AnalysisError

if TYPE_CHECKING:
    from ksqlmv.engine.drivers.base import Driver

__all__ = ["Topics"]


class Topics:
    """Topic operations of the engine, through its driver."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    def require(self, topic: str, props: WithProperties) -> None:
        """The topic of a CREATE STREAM/TABLE: it must exist, or PARTITIONS must create it."""
        if self.driver.topic_exists(topic):
            partitions = props.integer("PARTITIONS")
            existing = self.driver.topic_partitions(topic)
            if partitions is not None and existing is not None and partitions != existing:
                raise AnalysisError(
                    f"A Kafka topic with the name '{topic}' already exists, with different "
                    f"partition/replica configuration than required. KSQL expects {partitions} "
                    f"partitions (topic has {existing})."
                )
            return
        partitions = props.integer("PARTITIONS")
        if partitions is None:
            raise AnalysisError(
                f"Topic '{topic}' does not exist. If you want to create a new topic for the "
                "stream/table please re-run the statement providing the required 'PARTITIONS' "
                "configuration in the WITH clause (and optionally 'REPLICAS'). For example: "
                f"CREATE STREAM FOO (ID INT, VALUE STRING) WITH (KAFKA_TOPIC='{topic}', "
                "PARTITIONS=2, REPLICAS=1, VALUE_FORMAT='JSON');"
            )
        self.driver.create_topic(topic, partitions, props.integer("REPLICAS") or 1, {})

    def ensure(self, topic: str, partitions: int, replicas: int, props: WithProperties) -> None:
        """The sink topic of a persistent query: created when missing."""
        if not self.driver.topic_exists(topic):
            config = {}
            retention = props.integer("RETENTION_MS")
            if retention is not None:
                config["retention.ms"] = str(retention)
            self.driver.create_topic(topic, partitions, replicas, config)

    def partitions(self, topic: str) -> int | None:
        """The partition count of `topic`."""
        return self.driver.topic_partitions(topic)

    def delete(self, topic: str) -> None:
        """Delete `topic`."""
        self.driver.delete_topic(topic)
