"""The windowed count and sum of engine_window.py, in quix-streams (run by a Python that has it).

    python bench/engine_window_quix.py BOOTSTRAP REGISTRY_URL TOPIC RECORDS

Reads the orders topic from the beginning (values through Schema Registry, keys are customer
ids), counts orders and sums prices per customer in one-minute tumbling windows, emits every
update (`.current()`, like the engine with caching off) as JSON to `<TOPIC>_quix`, and stops once
it has read RECORDS records. Prints `rate <records/s>` (from the start of `run()` to its end,
which includes the final commit). Does not import ksqlmv: it runs in quix-streams' environment.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import timedelta
from typing import Any

from quixstreams import Application
from quixstreams.dataframe.windows import Count, Sum
from quixstreams.models.serializers.avro import AvroDeserializer
from quixstreams.models.serializers.schema_registry import SchemaRegistryClientConfig

__all__ = ["main"]


def main() -> None:
    servers, registry, topic, count = sys.argv[1:5]
    records = int(count)
    with tempfile.TemporaryDirectory() as state:
        app = Application(
            broker_address=servers,
            consumer_group=f"quix-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            state_dir=state,
            commit_interval=1.0,
            loglevel="WARNING",
        )
        source = app.topic(
            topic,
            key_deserializer="str",
            value_deserializer=AvroDeserializer(
                schema_registry_client_config=SchemaRegistryClientConfig(url=registry)
            ),
        )
        sink = app.topic(f"{topic}_quix", key_serializer="str", value_serializer="json")
        seen = [0]

        def counted(value: Any) -> None:
            seen[0] += 1
            if seen[0] >= records:
                app.stop()

        frame = app.dataframe(source)
        frame = frame.update(counted)
        frame = (
            frame.tumbling_window(timedelta(minutes=1))
            .agg(orders=Count(), total=Sum("price"))
            .current()
        )
        frame.to_topic(sink)
        start = time.perf_counter()
        app.run()
        seconds = time.perf_counter() - start
    print(f"rate {seen[0] / seconds:.1f}")


if __name__ == "__main__":
    main()
