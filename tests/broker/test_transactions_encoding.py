"""What transactions add to the wire: the hand-packed Fetch response with an LSO and aborted
transactions is kio's byte for byte, and a marker is a control batch clients recognise."""

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
from ksqlmv.broker.records import (
    CONTROL,
    TRANSACTIONAL,
    control_batch,
    control_type,
    encode_batch,
    validate_batches,
)
from ksqlmv.broker.txn_partition import AbortedRange, PartitionTxns, cut_at

BATCH = encode_batch([(b"k", b"v" * 20, [], 1_700_000_000_000)])
RESULTS = {("orders", 0): (0, 42, 0, BATCH), ("orders", 1): (0, 9, 0, b"")}
STABLE_CASES = [
    {},
    {("orders", 0): (40, [])},
    {("orders", 0): (30, [AbortedRange(1000, 5, 12), AbortedRange(1001, 20, 29)])},
    {("orders", 0): (42, [AbortedRange(7, 0, 3)]), ("orders", 1): (2, [])},
]


def _kio_body(version: int, stable: dict[tuple[str, int], Any]) -> bytes:
    cls = load_response_schema(1, version)
    module = sys.modules[cls.__module__]
    fields = set(module.PartitionData.__dataclass_fields__)
    topics: dict[str, list[Any]] = {}
    for (topic, partition), (error, high, start, data) in RESULTS.items():
        lso, aborted = stable.get((topic, partition), (high, None))
        values = {
            "partition_index": partition,
            "error_code": ErrorCode(error),
            "high_watermark": high,
            "last_stable_offset": lso,
            "log_start_offset": start,
            "aborted_transactions": None
            if aborted is None
            else tuple(
                module.AbortedTransaction(producer_id=item.producer_id, first_offset=item.first)
                for item in aborted
            ),
            "preferred_read_replica": -1,
            "records": data,
        }
        topics.setdefault(topic, []).append(
            module.PartitionData(**{k: v for k, v in values.items() if k in fields})
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
    names = set(cls.__dataclass_fields__)
    buffer = io.BytesIO()
    entity_writer(cls)(buffer, cls(**{k: v for k, v in values.items() if k in names}))
    return buffer.getvalue()


@pytest.mark.parametrize("version", [4, 5, 7, 11])
@pytest.mark.parametrize("stable", STABLE_CASES)
def test_fetch_body_with_transactions_matches_kio(
    version: int, stable: dict[tuple[str, int], Any]
) -> None:
    assert encode_fetch_body(version, RESULTS, stable) == _kio_body(version, stable)


@pytest.mark.parametrize("commit", [True, False])
def test_a_marker_is_a_valid_transactional_control_batch(commit: bool) -> None:
    marker = control_batch(1000, 3, commit=commit, now_ms=1_700_000_000_000)
    (header,) = validate_batches(marker, 1 << 20)
    assert header.attributes & (TRANSACTIONAL | CONTROL) == TRANSACTIONAL | CONTROL
    assert (header.producer_id, header.producer_epoch, header.base_sequence) == (1000, 3, -1)
    assert control_type(marker, header) == (1 if commit else 0)
    assert control_type(BATCH, validate_batches(BATCH, 1 << 20)[0]) is None


def _batch_at(offset: int, count: int, producer_id: int = -1, attributes: int = 0) -> bytes:
    records = [(None, b"x", (), 1) for _ in range(count)]
    return encode_batch(records, base_offset=offset, producer_id=producer_id, attributes=attributes)


@pytest.mark.parametrize(
    ("stable", "batches_kept"),
    [(0, 0), (2, 1), (5, 2), (6, 3), (100, 3)],
)
def test_a_read_committed_read_stops_at_the_lso(stable: int, batches_kept: int) -> None:
    batches = [_batch_at(0, 2), _batch_at(2, 3), _batch_at(5, 1)]
    assert cut_at(b"".join(batches), stable) == b"".join(batches[:batches_kept])


def test_partition_bookkeeping_of_open_and_aborted_transactions() -> None:
    txns = PartitionTxns()
    for offset, producer in ((10, 1), (12, 2), (15, 1)):
        data = _batch_at(offset, 1, producer, TRANSACTIONAL)
        (header,) = validate_batches(data, 1 << 20)
        txns.appended(header, offset)
    assert txns.stable_offset(high_watermark=20) == 10
    assert txns.stable_offset(high_watermark=8) == 8
    assert txns.close(1, 18, commit=True) is None
    assert txns.stable_offset(high_watermark=20) == 12
    assert txns.close(2, 19, commit=False) == AbortedRange(2, 12, 19)
    assert txns.stable_offset(high_watermark=20) == 20
    assert txns.aborted_between(0, 12) == []
    assert txns.aborted_between(13, 14) == [AbortedRange(2, 12, 19)]
    assert txns.aborted_between(20, 30) == []
    txns.forget_before(20)
    assert txns.aborted == []
