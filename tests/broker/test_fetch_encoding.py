"""The hand-packed Fetch response is what kio writes from the schema, byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any

import pytest
from kio.index import load_response_schema
from kio.schema.errors import ErrorCode
from kio.serial import entity_writer

from ksqlmv.broker.api_fetch import encode_fetch_body
from ksqlmv.broker.records import encode_batch

BATCH = encode_batch([(b"k", b"v" * 50, [("h", b"1")], 1_700_000_000_000)])

# (topic, partition) -> (error, high watermark, log start, records)
RESULTS: dict[tuple[str, int], tuple[int, int, int, bytes]] = {
    ("orders", 0): (0, 42, 0, BATCH + BATCH),
    ("orders", 3): (0, 7, 2, b""),
    ("payments", 1): (1, 100, 90, b""),  # OFFSET_OUT_OF_RANGE
    ("ünïcode-topic", 0): (3, -1, -1, b""),  # UNKNOWN_TOPIC_OR_PARTITION
}


def _kio_body(version: int, results: dict[tuple[str, int], Any]) -> bytes:
    cls = load_response_schema(1, version)
    module = sys.modules[cls.__module__]
    names = {field for field in cls.__dataclass_fields__}
    partition_fields = set(module.PartitionData.__dataclass_fields__)
    topics: dict[str, list[Any]] = {}
    for (topic, partition), (error, high, start, data) in results.items():
        values = {
            "partition_index": partition,
            "error_code": ErrorCode(error),
            "high_watermark": high,
            "last_stable_offset": high,
            "log_start_offset": start,
            "aborted_transactions": None,
            "preferred_read_replica": -1,
            "records": data,
        }
        topics.setdefault(topic, []).append(
            module.PartitionData(**{k: v for k, v in values.items() if k in partition_fields})
        )
    values = {
        "throttle_time": dt.timedelta(0),
        "error_code": ErrorCode.none,
        "session_id": 0,
        "responses": tuple(
            module.FetchableTopicResponse(topic=name, partitions=tuple(parts))
            for name, parts in topics.items()
        ),
    }
    buffer = io.BytesIO()
    entity_writer(cls)(buffer, cls(**{k: v for k, v in values.items() if k in names}))
    return buffer.getvalue()


@pytest.mark.parametrize("version", range(4, 12))
def test_fetch_body_matches_kio(version: int) -> None:
    assert encode_fetch_body(version, RESULTS) == _kio_body(version, RESULTS)


def test_an_empty_fetch_matches_kio() -> None:
    assert encode_fetch_body(11, {}) == _kio_body(11, {})
