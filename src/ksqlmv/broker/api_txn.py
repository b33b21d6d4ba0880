"""Transaction APIs: AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit.

The coordinator (`transactions.py`) holds the state; this module turns kio requests into its
calls and its error codes into kio responses. InitProducerId, which serves idempotent producers
too, is in `api_produce.py`; FindCoordinator answers this broker for transactional ids as for
groups (`api_groups.py`).
"""

from __future__ import annotations

from typing import Any

from ksqlmv.broker._protocol import ZERO_THROTTLE, Request, error_code, make, nested, response_type
from ksqlmv.broker.core import BrokerCore, Handler
from ksqlmv.broker.offsets import Committed

__all__ = ["HANDLERS"]

_OFFSET_METADATA_TOO_LARGE = 12
_MAX_METADATA = 4096  # Kafka's offset.metadata.max.bytes


async def _add_partitions_to_txn(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    wanted = [
        (topic.name, int(partition))
        for topic in body.v3_and_below_topics
        for partition in topic.partitions
    ]
    results = await core.transactions.add_partitions(
        body.v3_and_below_transactional_id,
        body.v3_and_below_producer_id,
        body.v3_and_below_producer_epoch,
        wanted,
    )
    cls = response_type(24, request.version)
    topic_cls = nested(cls, "AddPartitionsToTxnTopicResult")
    partition_cls = nested(cls, "AddPartitionsToTxnPartitionResult")
    by_topic: dict[str, list[Any]] = {}
    for (name, index), error in results.items():
        by_topic.setdefault(name, []).append(
            make(partition_cls, partition_index=index, partition_error_code=error_code(error))
        )
    return make(
        cls,
        throttle_time=ZERO_THROTTLE,
        results_by_topic_v3_and_below=tuple(
            make(topic_cls, name=name, results_by_partition=tuple(partitions))
            for name, partitions in by_topic.items()
        ),
    )


async def _add_offsets_to_txn(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    error = await core.transactions.add_offsets(
        body.transactional_id, body.producer_id, body.producer_epoch, body.group_id
    )
    cls = response_type(25, request.version)
    return make(cls, throttle_time=ZERO_THROTTLE, error_code=error_code(error))


async def _end_txn(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    error = await core.transactions.end_txn(
        body.transactional_id, body.producer_id, body.producer_epoch, commit=bool(body.committed)
    )
    cls = response_type(26, request.version)
    return make(cls, throttle_time=ZERO_THROTTLE, error_code=error_code(error))


async def _txn_offset_commit(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    errors: dict[tuple[str, int], int] = {}
    entries: list[tuple[str, int, Committed]] = []
    for topic in body.topics:
        for partition in topic.partitions:
            metadata = partition.committed_metadata
            if metadata is not None and len(metadata) > _MAX_METADATA:
                errors[(topic.name, partition.partition_index)] = _OFFSET_METADATA_TOO_LARGE
                continue
            epoch = getattr(partition, "committed_leader_epoch", -1)
            committed = Committed(partition.committed_offset, epoch, metadata)
            entries.append((topic.name, partition.partition_index, committed))
    if entries:
        errors.update(
            await core.transactions.txn_offset_commit(
                body.transactional_id, body.group_id, body.producer_id, body.producer_epoch, entries
            )
        )
    cls = response_type(28, request.version)
    topic_cls = nested(cls, "TxnOffsetCommitResponseTopic")
    partition_cls = nested(cls, "TxnOffsetCommitResponsePartition")
    by_topic: dict[str, list[Any]] = {}
    for (name, index), error in errors.items():
        by_topic.setdefault(name, []).append(
            make(partition_cls, partition_index=index, error_code=error_code(error))
        )
    return make(
        cls,
        throttle_time=ZERO_THROTTLE,
        topics=tuple(
            make(topic_cls, name=name, partitions=tuple(partitions))
            for name, partitions in by_topic.items()
        ),
    )


HANDLERS: dict[int, Handler] = {
    24: _add_partitions_to_txn,
    25: _add_offsets_to_txn,
    26: _end_txn,
    28: _txn_offset_commit,
}
