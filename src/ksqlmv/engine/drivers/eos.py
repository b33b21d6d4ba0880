"""Exactly-once processing for the Kafka driver (`processing.guarantee=exactly_once_v2`).

Under ksqlDB's default, `at_least_once`, a query's results are written before its input offsets
are committed, so a crash in between writes some results again. Under `exactly_once_v2` (or the
older `exactly_once`) each persistent query writes through a transactional producer of its own,
as a Kafka Streams task does: its sink records, its changelog records and the input offsets it
consumed (`send_offsets_to_transaction`) go in one transaction per commit, and every reader of
the query's topics reads `read_committed`. A crash aborts the open transaction, so whatever the
query wrote after its last commit disappears with the offsets that would have acknowledged it;
the restarted query (same `transactional.id`, which fences the old instance) restores its state
from the committed changelogs and reprocesses from the committed offsets.

```python
txn = QueryTransaction(kafka_config, "_confluent-ksql-default_query_CSAS_X_1", timeout=10)
txn.start()                    # init_transactions: fences and aborts an older instance
txn.begin()                    # before the first record of a transaction is produced
txn.producer.produce(...)      # results, changelogs
txn.commit(offsets, consumer)  # offsets + outputs, atomically
```
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from ksqlmv.errors import ExecutionError

__all__ = ["EXACTLY_ONCE", "QueryTransaction", "exactly_once"]

log = logging.getLogger(__name__)
kafka_log = logging.getLogger("ksqlmv.engine.kafka")

EXACTLY_ONCE = frozenset({"exactly_once", "exactly_once_beta", "exactly_once_v2"})
"""The `processing.guarantee` values that mean transactions."""


def exactly_once(properties: Mapping[str, Any]) -> bool:
    """Whether a query's properties ask for exactly-once processing (default at_least_once)."""
    for name in ("processing.guarantee", "ksql.streams.processing.guarantee"):
        value = properties.get(name)
        if value:
            return str(value).lower() in EXACTLY_ONCE
    return False


class QueryTransaction:
    """One query's transactional producer and the transaction it has open."""

    def __init__(
        self, kafka_config: dict[str, Any], transactional_id: str, *, timeout: float = 10.0
    ) -> None:
        self.transactional_id = transactional_id
        self.timeout = timeout
        self.producer = Producer(
            {
                **kafka_config,
                "transactional.id": transactional_id,
                "linger.ms": 5,
                "batch.num.messages": 10_000,
                "queue.buffering.max.messages": 1_000_000,
                "partitioner": "murmur2_random",
                # A transaction must outlive a broker restart (the commit waits for it).
                "transaction.timeout.ms": 60_000,
                "message.timeout.ms": 55_000,
                # librdkafka 2.16's re-bootstrap (after every broker was down) leaves a
                # transactional producer waiting for its group coordinator for good.
                "metadata.recovery.strategy": "none",
                "logger": kafka_log,
            }
        )
        self.open = False
        self.commits = 0

    def start(self) -> None:
        """Register the transactional id: older instances are fenced, their work aborted."""
        deadline = time.monotonic() + max(self.timeout, 60.0)
        while True:
            try:
                self.producer.init_transactions(self.timeout)
                return
            except KafkaException as error:
                if not error.args[0].retriable() or time.monotonic() > deadline:
                    raise ExecutionError(
                        f"cannot start the transactions of {self.transactional_id}: {error}"
                    ) from None

    def begin(self) -> None:
        """Open a transaction unless one is open (before producing)."""
        if not self.open:
            self.producer.begin_transaction()
            self.open = True

    def commit(self, offsets: Mapping[tuple[str, int], int], consumer: Consumer) -> None:
        """Commit the open transaction with the consumed `offsets` (next offset per partition).

        Retriable failures are retried until the transaction timeout; an abortable one aborts
        and raises `KafkaException` (nothing of the transaction is visible, the offsets are not
        committed), as does a fatal one (the producer is fenced).
        """
        self.begin()
        partitions = [TopicPartition(t, p, o) for (t, p), o in offsets.items()]
        try:
            if partitions:
                self._retrying(
                    lambda: self.producer.send_offsets_to_transaction(
                        partitions, consumer.consumer_group_metadata(), self.timeout
                    )
                )
            self._retrying(lambda: self.producer.commit_transaction(self.timeout))
            self.open = False
            self.commits += 1
        except KafkaException as error:
            if error.args[0].txn_requires_abort():
                self.abort()
            raise

    def abort(self) -> None:
        """Abort the open transaction (its records are never read by read_committed)."""
        if self.open:
            try:
                self.producer.abort_transaction(self.timeout)
            finally:
                self.open = False

    def _retrying(self, call: Any) -> None:
        deadline = time.monotonic() + 60.0
        while True:
            try:
                call()
                return
            except KafkaException as error:
                failure = error.args[0]
                if not failure.retriable() or time.monotonic() > deadline:
                    raise
                log.info("%s: retrying after %s", self.transactional_id, failure)

    def close(self) -> None:
        """Abort what is open and let the producer go."""
        try:
            self.abort()
        except KafkaException as error:
            log.debug("closing %s: %s", self.transactional_id, error)
        self.producer.flush(0)
