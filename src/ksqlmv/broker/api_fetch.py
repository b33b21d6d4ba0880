"""Fetch (with long polling) and ListOffsets.

A fetch returns, per partition, whole stored batches from the one holding the fetch offset, up to
the partition's and the request's byte limits; the first partition with data gets at least one
batch whatever its size (KIP-74). When less than `min_bytes` is ready the request waits, up to
`max_wait`, for a high watermark to move, so an idle consumer costs nothing and a new record
reaches it as soon as it is durable.

A `read_committed` fetch (isolation level 1, librdkafka's default) reads only below the last
stable offset (LSO: the first offset of the oldest open transaction) and gets the aborted
transactions of the range it read, whose batches the client drops (`txn_partition.py`). Without
open transactions the LSO is the high watermark and the read is the same as `read_uncommitted`.
ListOffsets for the latest offset answers the LSO to `read_committed` clients.
"""

from __future__ import annotations

import asyncio
import struct
from typing import Any

from ksqlmv.broker._protocol import ZERO_THROTTLE, Request, error_code, make, nested, response_type
from ksqlmv.broker.core import BrokerCore, Handler
from ksqlmv.broker.log import PartitionLog
from ksqlmv.broker.txn_partition import AbortedRange, cut_at
from ksqlmv.errors import KafkaError

__all__ = ["HANDLERS", "encode_fetch_body"]

_NONE = 0
_LATEST = -1
_EARLIEST = -2
_MAX_TIMESTAMP = -3
_READ_COMMITTED = 1

Stable = dict[tuple[str, int], tuple[int, list[AbortedRange]]]
"""Per partition of a `read_committed` fetch with transactions: (LSO, aborted ranges read)."""


def _read(core: BrokerCore, body: Any) -> tuple[dict[tuple[str, int], Any], int, list[Any], Stable]:
    """One pass over the requested partitions.

    Returns (per-partition results, bytes, logs to watch, LSO and aborted ranges where the
    partition has transactions).
    """
    results: dict[tuple[str, int], Any] = {}
    stable: Stable = {}
    committed_only = getattr(body, "isolation_level", 0) == _READ_COMMITTED
    logs: list[PartitionLog] = []
    remaining = body.max_bytes if body.max_bytes > 0 else 0x7FFFFFFF
    total = 0
    for topic in body.topics:
        for partition in topic.partitions:
            key = (topic.topic, partition.partition)
            try:
                log = core.catalog.get(topic.topic, partition.partition)
            except KafkaError as error:
                results[key] = (error.error_code, -1, -1, b"")
                continue
            logs.append(log)
            limit = min(partition.partition_max_bytes, remaining)
            try:
                data = log.read(partition.fetch_offset, limit, at_least_one=total == 0)
            except KafkaError as error:
                results[key] = (error.error_code, log.high_watermark, log.log_start_offset, b"")
                continue
            txns = log.txns
            if committed_only and (txns.open or txns.aborted):
                lso = txns.stable_offset(log.high_watermark)
                data = cut_at(data, lso)
                end = _end_offset(data, partition.fetch_offset)
                stable[key] = (lso, txns.aborted_between(partition.fetch_offset, end))
            total += len(data)
            remaining = max(remaining - len(data), 0)
            results[key] = (_NONE, log.high_watermark, log.log_start_offset, data)
    return results, total, logs, stable


def _end_offset(data: bytes, start: int) -> int:
    """The offset after the last batch of `data` (`start` when there is none)."""
    end, position = start, 0
    while position + 12 <= len(data):
        base, length = struct.unpack_from(">qi", data, position)
        (last_delta,) = struct.unpack_from(">i", data, position + 23)
        end = base + last_delta + 1
        position += 12 + length
    return end


async def _fetch(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(body.max_wait.total_seconds(), 0.0)
    results, total, logs, stable = _read(core, body)
    while total < body.min_bytes and logs and loop.time() < deadline:
        waiter: asyncio.Future[None] = loop.create_future()
        for log in logs:
            log.add_waiter(waiter)
        try:
            await asyncio.wait([waiter], timeout=deadline - loop.time())
        finally:
            for log in logs:
                log.remove_waiter(waiter)
        if not waiter.done():
            break
        results, total, logs, stable = _read(core, body)
    return encode_fetch_body(request.version, results, stable)


_PARTITION_HEAD = struct.Struct(">ihqqq")  # index, error, high watermark, LSO, log start
_INT = struct.Struct(">i")
_NO_ABORTED = _INT.pack(-1)  # aborted_transactions: null (none in the range read)
_NO_REPLICA = _INT.pack(-1)  # preferred_read_replica: read from the leader
_ABORTED = struct.Struct(">qq")  # producer id, first offset


def encode_fetch_body(
    version: int, results: dict[tuple[str, int], Any], stable: Stable | None = None
) -> bytes:
    """The Fetch response body (v4 to v11, all non-flexible) packed directly.

    `results` maps each partition to (error, high watermark, log start offset, records);
    `stable` gives the LSO and aborted ranges of those with transactions (else the LSO is the
    high watermark and there are none).

    Fetch is the request a broker answers most; building kio entities for it cost some 25 us
    per partition, this a few. tests/broker/test_fetch_encoding.py checks it against kio byte
    for byte.
    """
    by_topic: dict[str, list[bytes]] = {}
    for (topic, partition), (error, high_watermark, log_start, data) in results.items():
        lso, aborted = high_watermark, None
        if stable:
            lso, aborted = stable.get((topic, partition), (high_watermark, None))
        head = _PARTITION_HEAD.pack(partition, error, high_watermark, lso, log_start)
        if version < 5:  # no log_start_offset before v5
            head = head[:-8]
        parts = [head]
        if aborted is None:
            parts.append(_NO_ABORTED)
        else:
            parts.append(_INT.pack(len(aborted)))
            parts += [_ABORTED.pack(item.producer_id, item.first) for item in aborted]
        if version >= 11:
            parts.append(_NO_REPLICA)
        parts += [_INT.pack(len(data)), data]
        by_topic.setdefault(topic, []).append(b"".join(parts))
    chunks = [_INT.pack(0)]  # throttle_time_ms
    if version >= 7:
        chunks.append(struct.pack(">hi", _NONE, 0))  # error_code, session_id: sessionless
    chunks.append(_INT.pack(len(by_topic)))
    for topic, partitions in by_topic.items():
        name = topic.encode()
        chunks += [struct.pack(">h", len(name)), name, _INT.pack(len(partitions)), *partitions]
    return b"".join(chunks)


def _list_offset(log: PartitionLog, timestamp: int, committed_only: bool) -> tuple[int, int]:
    """(offset, timestamp) ListOffsets answers for one partition."""
    if timestamp == _LATEST:
        if committed_only:
            return log.txns.stable_offset(log.high_watermark), -1
        return log.high_watermark, -1
    if timestamp == _EARLIEST:
        return log.log_start_offset, -1
    if timestamp == _MAX_TIMESTAMP:
        found = log.max_timestamp_offset()
    else:
        found = log.offset_for_timestamp(timestamp)
    return found if found is not None else (-1, -1)


async def _list_offsets(core: BrokerCore, request: Request, peer: str) -> Any:
    cls = response_type(2, request.version)
    topic_cls = nested(cls, "ListOffsetsTopicResponse")
    partition_cls = nested(cls, "ListOffsetsPartitionResponse")
    committed_only = getattr(request.body, "isolation_level", 0) == _READ_COMMITTED
    topics = []
    for topic in request.body.topics:
        partitions = []
        for partition in topic.partitions:
            error, offset, timestamp = _NONE, -1, -1
            try:
                log = core.catalog.get(topic.name, partition.partition_index)
                offset, timestamp = _list_offset(log, partition.timestamp, committed_only)
            except KafkaError as refused:
                error = refused.error_code
            partitions.append(
                make(
                    partition_cls,
                    partition_index=partition.partition_index,
                    error_code=error_code(error),
                    timestamp=timestamp,
                    offset=offset,
                    leader_epoch=-1,
                )
            )
        topics.append(make(topic_cls, name=topic.name, partitions=tuple(partitions)))
    return make(cls, throttle_time=ZERO_THROTTLE, topics=tuple(topics))


HANDLERS: dict[int, Handler] = {1: _fetch, 2: _list_offsets}
