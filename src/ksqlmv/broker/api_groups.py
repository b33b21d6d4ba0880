"""Group APIs: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
OffsetFetch, DescribeGroups, ListGroups, DeleteGroups.

The state machine is in `groups.py` and the committed offsets in `offsets.py`; this module turns
kio requests into their calls and their results into kio responses. An OffsetCommit is answered
once its journal lines are fsynced.
"""

from __future__ import annotations

from typing import Any

from ksqlmv.broker._protocol import ZERO_THROTTLE, Request, error_code, make, nested, response_type
from ksqlmv.broker.core import BrokerCore, Handler
from ksqlmv.broker.groups import GroupState
from ksqlmv.broker.offsets import Committed
from ksqlmv.errors import KafkaError

__all__ = ["HANDLERS"]

_NONE = 0
_UNKNOWN_TOPIC_OR_PARTITION = 3
_OFFSET_METADATA_TOO_LARGE = 12
_GROUP_ID_NOT_FOUND = 69
_MAX_METADATA = 4096  # Kafka's offset.metadata.max.bytes


def _ms(value: Any, default: int = -1) -> int:
    """A kio timedelta field as milliseconds."""
    return default if value is None else round(value.total_seconds() * 1000)


async def _find_coordinator(core: BrokerCore, request: Request, peer: str) -> Any:
    cls = response_type(10, request.version)
    return make(
        cls,
        throttle_time=ZERO_THROTTLE,
        error_code=error_code(_NONE),
        error_message=None,
        node_id=core.config.node_id,
        host=core.config.advertised,
        port=core.port,
    )


async def _join_group(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    result = await core.coordinator.join(
        body.group_id,
        body.member_id,
        getattr(body, "group_instance_id", None),
        request.client_id or "",
        peer,
        _ms(body.session_timeout),
        _ms(getattr(body, "rebalance_timeout", None)),
        body.protocol_type,
        [(protocol.name, bytes(protocol.metadata)) for protocol in body.protocols],
    )
    cls = response_type(11, request.version)
    member_cls = nested(cls, "JoinGroupResponseMember")
    return make(
        cls,
        throttle_time=ZERO_THROTTLE,
        error_code=error_code(result.error),
        generation_id=result.generation,
        protocol_type=result.protocol_type,
        protocol_name=result.protocol_name or "",
        leader=result.leader,
        member_id=result.member_id,
        members=tuple(
            make(member_cls, member_id=member, group_instance_id=instance, metadata=metadata)
            for member, instance, metadata in result.members
        ),
    )


async def _sync_group(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    assignments = {item.member_id: bytes(item.assignment) for item in body.assignments}
    error, assignment = await core.coordinator.sync(
        body.group_id, body.generation_id, body.member_id, assignments
    )
    cls = response_type(14, request.version)
    return make(
        cls, throttle_time=ZERO_THROTTLE, error_code=error_code(error), assignment=assignment
    )


async def _heartbeat(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    error = core.coordinator.heartbeat(body.group_id, body.generation_id, body.member_id)
    cls = response_type(12, request.version)
    return make(cls, throttle_time=ZERO_THROTTLE, error_code=error_code(error))


async def _leave_group(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    error = core.coordinator.leave(body.group_id, body.member_id)
    cls = response_type(13, request.version)
    return make(cls, throttle_time=ZERO_THROTTLE, error_code=error_code(error))


async def _offset_commit(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    group_error = core.coordinator.check_commit(
        body.group_id, body.generation_id_or_member_epoch, body.member_id
    )
    errors: dict[tuple[str, int], int] = {}
    accepted: list[tuple[str, int, Committed]] = []
    for topic in body.topics:
        for partition in topic.partitions:
            key = (topic.name, partition.partition_index)
            error = group_error
            if not error:
                try:
                    core.catalog.get(*key)
                except KafkaError as refused:
                    error = refused.error_code
            metadata = partition.committed_metadata
            if not error and metadata is not None and len(metadata) > _MAX_METADATA:
                error = _OFFSET_METADATA_TOO_LARGE
            if not error:
                epoch = getattr(partition, "committed_leader_epoch", -1)
                accepted.append((*key, Committed(partition.committed_offset, epoch, metadata)))
            errors[key] = error
    if accepted:
        core.offsets.commit(body.group_id, accepted)
        await core.flusher.request(core.offsets)
    cls = response_type(8, request.version)
    topic_cls = nested(cls, "OffsetCommitResponseTopic")
    partition_cls = nested(cls, "OffsetCommitResponsePartition")
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


async def _offset_fetch(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    committed = core.offsets.partitions(body.group_id)
    if body.topics is None:
        wanted: dict[str, list[int]] = {}
        for name, index in sorted(committed):
            wanted.setdefault(name, []).append(index)
    else:
        wanted = {topic.name: list(topic.partition_indexes) for topic in body.topics}
    cls = response_type(9, request.version)
    topic_cls = nested(cls, "OffsetFetchResponseTopic")
    partition_cls = nested(cls, "OffsetFetchResponsePartition")
    topics = []
    for name, indexes in wanted.items():
        partitions = []
        for index in indexes:
            entry = committed.get((name, index))
            partitions.append(
                make(
                    partition_cls,
                    partition_index=index,
                    committed_offset=entry.offset if entry else -1,
                    committed_leader_epoch=entry.leader_epoch if entry else -1,
                    metadata=(entry.metadata if entry else "") or "",
                    error_code=error_code(_NONE),
                )
            )
        topics.append(make(topic_cls, name=name, partitions=tuple(partitions)))
    return make(
        cls, throttle_time=ZERO_THROTTLE, topics=tuple(topics), error_code=error_code(_NONE)
    )


async def _describe_groups(core: BrokerCore, request: Request, peer: str) -> Any:
    cls = response_type(15, request.version)
    group_cls = nested(cls, "DescribedGroup")
    member_cls = nested(cls, "DescribedGroupMember")
    described = []
    for group_id in request.body.groups:
        group = core.coordinator.groups.get(group_id)
        has_offsets = bool(core.offsets.partitions(group_id))
        state = GroupState.DEAD if group is None and not has_offsets else GroupState.EMPTY
        members: tuple[Any, ...] = ()
        protocol_type, protocol = "", ""
        if group is not None:
            state = group.state
            protocol_type, protocol = group.protocol_type or "", group.protocol_name or ""
            members = tuple(
                make(
                    member_cls,
                    member_id=member.member_id,
                    group_instance_id=member.instance_id,
                    client_id=member.client_id,
                    client_host=member.client_host,
                    member_metadata=member.metadata_for(group.protocol_name),
                    member_assignment=member.assignment,
                )
                for member in group.members.values()
            )
        described.append(
            make(
                group_cls,
                error_code=error_code(_NONE),
                group_id=group_id,
                group_state=state,
                protocol_type=protocol_type,
                protocol_data=protocol,
                members=members,
            )
        )
    return make(cls, throttle_time=ZERO_THROTTLE, groups=tuple(described))


async def _list_groups(core: BrokerCore, request: Request, peer: str) -> Any:
    cls = response_type(16, request.version)
    listed_cls = nested(cls, "ListedGroup")
    names = set(core.coordinator.groups) | set(core.offsets.groups())
    listed = []
    for name in sorted(names):
        group = core.coordinator.groups.get(name)
        protocol_type = (group.protocol_type if group else None) or "consumer"
        listed.append(make(listed_cls, group_id=name, protocol_type=protocol_type))
    return make(
        cls, throttle_time=ZERO_THROTTLE, error_code=error_code(_NONE), groups=tuple(listed)
    )


async def _delete_groups(core: BrokerCore, request: Request, peer: str) -> Any:
    cls = response_type(42, request.version)
    result_cls = nested(cls, "DeletableGroupResult")
    results = []
    for group_id in request.body.groups_names:
        known = group_id in core.coordinator.groups or bool(core.offsets.partitions(group_id))
        error = core.coordinator.delete(group_id) if known else _GROUP_ID_NOT_FOUND
        if known and not error:
            core.offsets.delete_group(group_id)
            await core.flusher.request(core.offsets)
        results.append(make(result_cls, group_id=group_id, error_code=error_code(error)))
    return make(cls, throttle_time=ZERO_THROTTLE, results=tuple(results))


HANDLERS: dict[int, Handler] = {
    10: _find_coordinator,
    11: _join_group,
    14: _sync_group,
    12: _heartbeat,
    13: _leave_group,
    8: _offset_commit,
    9: _offset_fetch,
    15: _describe_groups,
    16: _list_groups,
    42: _delete_groups,
}
