"""A consume-transform-produce loop with transactions, run as a process by test_transactions.py.

`python txn_worker.py BOOTSTRAP INPUT OUTPUT GROUP TRANSACTIONAL_ID PAUSE` copies every record of
INPUT to OUTPUT (value upper-cased) in transactions of up to 50 records, each committing the
consumed offsets with the output, and exits 0 once its committed offsets reach INPUT's end.
After an abortable error it aborts and rewinds to the committed offsets; a fatal one exits 3.
"""

from __future__ import annotations

import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def main(bootstrap: str, source: str, target: str, group: str, txn_id: str, pause: float) -> int:
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "transactional.id": txn_id,
            "linger.ms": 5,
            # librdkafka 2.16's re-bootstrap (after every broker was down) leaves a transactional
            # producer waiting for a group coordinator forever; one broker needs no re-bootstrap.
            "metadata.recovery.strategy": "none",
        }
    )
    producer.init_transactions(60)
    config = {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest",
    }
    probe = Consumer(config)
    partitions = sorted(probe.list_topics(source, timeout=30).topics[source].partitions)
    ends = {
        p: probe.get_watermark_offsets(TopicPartition(source, p), timeout=30)[1] for p in partitions
    }
    probe.close()

    done = dict.fromkeys(partitions, 0)

    def fresh() -> Consumer:
        consumer = Consumer(config)
        wanted = [TopicPartition(source, p) for p in partitions]
        committed = consumer.committed(wanted, timeout=30)
        for tp in committed:
            done[tp.partition] = max(tp.offset, 0)
        consumer.assign([TopicPartition(source, p, offset) for p, offset in done.items()])
        return consumer

    consumer = fresh()
    while any(done[p] < ends[p] for p in partitions):
        messages = [m for m in consumer.consume(50, 0.5) if m.error() is None]
        if not messages:
            continue
        try:
            producer.begin_transaction()
            for message in messages:
                producer.produce(target, (message.value() or b"").upper(), message.key())
            producer.flush(30)
            time.sleep(pause)
            positions = consumer.position([TopicPartition(source, p) for p in partitions])
            producer.send_offsets_to_transaction(
                [tp for tp in positions if tp.offset >= 0], consumer.consumer_group_metadata(), 30
            )
            while True:
                try:
                    producer.commit_transaction(30)
                    break
                except KafkaException as error:
                    if not error.args[0].retriable():
                        raise
            for tp in positions:
                if tp.offset >= 0:
                    done[tp.partition] = tp.offset
        except KafkaException as error:
            failure = error.args[0]
            if failure.fatal():
                print(f"fatal: {failure}", file=sys.stderr)
                return 3
            print(f"aborting: {failure}", file=sys.stderr)
            producer.abort_transaction(60)
            consumer.close()
            consumer = fresh()
    consumer.close()
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(*args[:5], float(args[5])))
