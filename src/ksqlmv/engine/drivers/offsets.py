"""A consumer group's committed offsets beside its topics' start and end offsets.

DESCRIBE EXTENDED shows, for each persistent query writing a source, ksqlDB's
`queryOffsetSummaries`: per topic the group has offsets for, per partition, the log start and end
offsets and the group's committed offset (0 when it has committed none, as ksqlDB shows it), so
that the lag of each query is end minus committed.

```python
group_offsets({"bootstrap.servers": "127.0.0.1:9092"}, "_confluent-ksql-default_query_CSAS_X_0",
              ["orders"])
# {"groupId": "...", "topicSummaries": [{"kafkaTopic": "orders", "offsets": [
#     {"partition": 0, "logStartOffset": 0, "logEndOffset": 120, "consumerOffset": 118}]}]}
```
"""

from __future__ import annotations

import uuid
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition

__all__ = ["group_offsets"]


def group_offsets(
    kafka_config: dict[str, Any], group: str, topics: list[str], timeout: float = 10.0
) -> dict[str, Any]:
    """ksqlDB's `QueryOffsetSummary` of `group` over `topics` (a topic that is gone is left out)."""
    # The group's committed offsets are read by a consumer that only asks (it never joins).
    consumer = Consumer(
        {
            **kafka_config,
            "group.id": group,
            "enable.auto.commit": False,
            "client.id": f"ksqlmv-describe-{uuid.uuid4().hex[:8]}",
        }
    )
    summaries: list[dict[str, Any]] = []
    try:
        metadata = consumer.list_topics(timeout=timeout).topics
        for topic in topics:
            info = metadata.get(topic)
            if info is None or info.error is not None:
                continue
            partitions = [TopicPartition(topic, p) for p in sorted(info.partitions)]
            committed = {
                tp.partition: tp.offset
                for tp in consumer.committed(partitions, timeout=timeout)
                if tp.offset >= 0
            }
            offsets = []
            for tp in partitions:
                low, high = consumer.get_watermark_offsets(tp, timeout=timeout)
                offsets.append(
                    {
                        "partition": tp.partition,
                        "logStartOffset": low,
                        "logEndOffset": high,
                        "consumerOffset": committed.get(tp.partition, 0),
                    }
                )
            summaries.append({"kafkaTopic": topic, "offsets": offsets})
    except KafkaException:
        pass  # the broker did not answer: DESCRIBE still answers, without offsets
    finally:
        consumer.close()
    return {"groupId": group, "topicSummaries": summaries}
