"""Produce and InitProducerId.

A produce request is checked batch by batch (size, magic, CRC, counts; `records.py`), given
offsets and appended as sent. Transactional batches are accepted only from a producer whose
current epoch has the partition in its ongoing transaction (`transactions.py`); control batches
only the broker itself writes. `acks=all` and `acks=1` are answered right after the write, as a
Kafka leader without followers answers them (the page cache keeps the append through a killed
broker, and the flusher fsyncs it in the background within moments); on a topic with
`flush.messages=1`, `acks=all` waits for that fsync, so the append survives a machine crash too.
`acks=0` is never answered (librdkafka expects no response). Each partition's error is its own:
one bad partition does not fail the others in the same request.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from ksqlmv.broker._protocol import ZERO_THROTTLE, Request, error_code, make, nested, response_type
from ksqlmv.broker.core import BrokerCore, Handler
from ksqlmv.broker.log import PartitionLog
from ksqlmv.broker.records import CONTROL, TRANSACTIONAL, BatchHeader, validate_batches
from ksqlmv.errors import KafkaError

__all__ = ["HANDLERS"]

_log = logging.getLogger("ksqlmv.broker")
_NONE = 0
_REQUEST_TIMED_OUT = 7
_INVALID_REQUIRED_ACKS = 21
_INVALID_RECORD = 87


@dataclass(slots=True)
class _Outcome:
    error: int = _NONE
    base_offset: int = -1
    append_time: int = -1
    log_start_offset: int = -1
    message: str | None = None


def _append(core: BrokerCore, log: PartitionLog, data: bytes) -> _Outcome:
    headers = validate_batches(data, log.settings.max_message_bytes)
    for header in headers:
        if header.attributes & CONTROL:
            raise KafkaError(_INVALID_RECORD, "clients may not write control batches")
        if header.attributes & TRANSACTIONAL:
            core.transactions.check_produce(
                header.producer_id, header.producer_epoch, log.topic, log.partition
            )
    if all(header.producer_id < 0 for header in headers):
        base, append_time = log.append(data, headers)
        return _Outcome(base_offset=base, append_time=append_time)
    # idempotent batches go one at a time: each is checked against the sequence state that
    # the previous one left
    first: _Outcome | None = None
    for header in headers:
        duplicate = log.producers.check(header)
        if duplicate is not None:
            outcome = _Outcome(base_offset=duplicate)
        else:
            single = data[header.position : header.position + header.size]
            base, append_time = log.append(single, [_moved(header)])
            log.producers.record(header, base)
            outcome = _Outcome(base_offset=base, append_time=append_time)
        first = first or outcome
    assert first is not None
    return first


def _moved(header: BatchHeader) -> BatchHeader:
    """The header as seen in a buffer holding only its batch."""
    return BatchHeader(
        0,
        header.base_offset,
        header.size,
        header.attributes,
        header.last_offset_delta,
        header.base_timestamp,
        header.max_timestamp,
        header.producer_id,
        header.producer_epoch,
        header.base_sequence,
        header.record_count,
    )


async def _produce(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    outcomes: dict[tuple[str, int], _Outcome] = {}
    appended: dict[tuple[str, int], PartitionLog] = {}
    refusal: KafkaError | None = None
    if body.acks not in (-1, 0, 1):
        refusal = KafkaError(_INVALID_REQUIRED_ACKS, f"acks={body.acks} is not -1, 0 or 1")
    for topic_data in body.topic_data:
        for partition_data in topic_data.partition_data:
            key = (topic_data.name, partition_data.index)
            try:
                if refusal is not None:
                    raise refusal
                core.topic(topic_data.name, create=True)
                log = core.catalog.get(topic_data.name, partition_data.index)
                outcomes[key] = _append(core, log, bytes(partition_data.records or b""))
                appended[key] = log
            except KafkaError as error:
                _log.warning("produce to %s-%s refused: %s", *key, error)
                outcomes[key] = _Outcome(error=error.error_code, message=str(error))
    synced = {}
    for key, log in appended.items():
        if body.acks == -1 and log.settings.fsync_before_ack:
            synced[key] = log
        else:
            core.flusher.mark(log)
    if synced:
        await _wait_durable(core, synced, outcomes, body.timeout.total_seconds())
    if body.acks == 0:
        return None
    for key, log in appended.items():
        outcomes[key].log_start_offset = log.log_start_offset
    return _response(request, outcomes)


async def _wait_durable(
    core: BrokerCore,
    appended: dict[tuple[str, int], PartitionLog],
    outcomes: dict[tuple[str, int], _Outcome],
    timeout: float,
) -> None:
    futures = {key: core.flusher.request(log) for key, log in appended.items()}
    _done, pending = await asyncio.wait(futures.values(), timeout=max(timeout, 0.001))
    for key, future in futures.items():
        if future in pending:
            outcomes[key] = _Outcome(error=_REQUEST_TIMED_OUT, message="fsync timed out")
        elif isinstance(future.exception(), KafkaError):
            failure = future.exception()
            assert isinstance(failure, KafkaError)
            outcomes[key] = _Outcome(error=failure.error_code, message=str(failure))


def _response(request: Request, outcomes: dict[tuple[str, int], _Outcome]) -> Any:
    cls = response_type(0, request.version)
    topic_cls = nested(cls, "TopicProduceResponse")
    partition_cls = nested(cls, "PartitionProduceResponse")
    by_topic: dict[str, list[Any]] = {}
    for (topic, partition), outcome in outcomes.items():
        append_time = None
        if outcome.append_time >= 0:
            append_time = dt.datetime.fromtimestamp(outcome.append_time / 1000, tz=dt.UTC)
        by_topic.setdefault(topic, []).append(
            make(
                partition_cls,
                index=partition,
                error_code=error_code(outcome.error),
                base_offset=outcome.base_offset,
                log_append_time=append_time,
                log_start_offset=outcome.log_start_offset,
                record_errors=(),
                error_message=outcome.message,
            )
        )
    topics = tuple(
        make(topic_cls, name=name, partition_responses=tuple(partitions))
        for name, partitions in by_topic.items()
    )
    return make(cls, responses=topics, throttle_time=ZERO_THROTTLE)


async def _init_producer_id(core: BrokerCore, request: Request, peer: str) -> Any:
    cls = response_type(22, request.version)
    body = request.body
    if body.transactional_id is not None:
        timeout_ms = round(body.transaction_timeout.total_seconds() * 1000)
        try:
            producer_id, epoch = await core.transactions.init_producer_id(
                body.transactional_id, timeout_ms
            )
        except KafkaError as refused:
            _log.warning("InitProducerId for %s refused: %s", body.transactional_id, refused)
            producer_id, epoch, error = -1, -1, refused.error_code
        else:
            error = _NONE
        return make(
            cls,
            throttle_time=ZERO_THROTTLE,
            error_code=error_code(error),
            producer_id=producer_id,
            producer_epoch=epoch,
        )
    return make(
        cls,
        throttle_time=ZERO_THROTTLE,
        error_code=error_code(_NONE),
        producer_id=core.catalog.next_producer_id(),
        producer_epoch=0,
    )


HANDLERS: dict[int, Handler] = {0: _produce, 22: _init_producer_id}
