"""Fetch (with long polling) and ListOffsets.

A fetch returns, per partition, whole stored batches from the one holding the fetch offset, up to
the partition's and the request's byte limits; the first partition with data gets at least one
batch whatever its size (KIP-74). When less than `min_bytes` is ready the request waits, up to
`max_wait`, for a high watermark to move, so an idle consumer costs nothing and a new record
reaches it as soon as it is durable. There are no transactions, so the last stable offset is
the high watermark and no batch is ever aborted.
"""

from __future__ import annotations

import asyncio
import struct
from typing import Any

from ksqlmv.broker._protocol import ZERO_THROTTLE, Request, error_code, make, nested, response_type
from ksqlmv.broker.core import BrokerCore, Handler
from ksqlmv.broker.log import PartitionLog
from ksqlmv.errors import KafkaError

__all__ = ["HANDLERS", "encode_fetch_body"]

_NONE = 0
_LATEST = -1
_EARLIEST = -2
_MAX_TIMESTAMP = -3


def _read(core: BrokerCore, body: Any) -> tuple[dict[tuple[str, int], Any], int, list[Any]]:
    """One pass over the requested partitions: (per-partition results, bytes, logs to watch)."""
    results: dict[tuple[str, int], Any] = {}
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
            total += len(data)
            remaining = max(remaining - len(data), 0)
            results[key] = (_NONE, log.high_watermark, log.log_start_offset, data)
    return results, total, logs


async def _fetch(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(body.max_wait.total_seconds(), 0.0)
    results, total, logs = _read(core, body)
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
        results, total, logs = _read(core, body)
    return encode_fetch_body(request.version, results)


_PARTITION_HEAD = struct.Struct(">ihqqq")  # index, error, high watermark, LSO, log start
_INT = struct.Struct(">i")
_NO_ABORTED = _INT.pack(-1)  # aborted_transactions: null (no transactions here)
_NO_REPLICA = _INT.pack(-1)  # preferred_read_replica: read from the leader


def encode_fetch_body(version: int, results: dict[tuple[str, int], Any]) -> bytes:
    """The Fetch response body (v4 to v11, all non-flexible) packed directly.

    Fetch is the request a broker answers most; building kio entities for it cost some 25 us
    per partition, this a few. tests/broker/test_fetch_encoding.py checks it against kio byte
    for byte.
    """
    by_topic: dict[str, list[bytes]] = {}
    for (topic, partition), (error, high_watermark, log_start, data) in results.items():
        head = _PARTITION_HEAD.pack(partition, error, high_watermark, high_watermark, log_start)
        if version < 5:  # no log_start_offset before v5
            head = head[:-8]
        parts = [head, _NO_ABORTED]
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


def _list_offset(log: PartitionLog, timestamp: int) -> tuple[int, int]:
    """(offset, timestamp) ListOffsets answers for one partition."""
    if timestamp == _LATEST:
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
    topics = []
    for topic in request.body.topics:
        partitions = []
        for partition in topic.partitions:
            error, offset, timestamp = _NONE, -1, -1
            try:
                log = core.catalog.get(topic.name, partition.partition_index)
                offset, timestamp = _list_offset(log, partition.timestamp)
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
