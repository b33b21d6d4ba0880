"""ApiVersions, Metadata and the admin APIs: CreateTopics, DeleteTopics, CreatePartitions,
DescribeConfigs.

This broker is the whole cluster: it is every partition's leader, the only replica and the
controller, and it advertises the address clients reached it on with the port it really bound.
"""

from __future__ import annotations

from typing import Any

from ksqlmv.broker._protocol import (
    SUPPORTED_VERSIONS,
    ZERO_THROTTLE,
    Request,
    error_code,
    make,
    nested,
    response_type,
)
from ksqlmv.broker.core import BrokerCore, Handler
from ksqlmv.broker.topic_config import DEFAULTS
from ksqlmv.errors import KafkaError

__all__ = ["HANDLERS", "api_versions_response"]

_NONE = 0
_UNKNOWN_TOPIC_OR_PARTITION = 3
_INVALID_REPLICATION_FACTOR = 38
_INVALID_REPLICA_ASSIGNMENT = 39
_INVALID_REQUEST = 42
_TOPIC_RESOURCE = 2
_BROKER_RESOURCE = 4
_DYNAMIC_TOPIC_CONFIG = 1
_STATIC_BROKER_CONFIG = 4
_DEFAULT_CONFIG = 5


def api_versions_response(version: int, error: int = _NONE) -> Any:
    """The ApiVersions answer at `version` (v0 when refusing an unsupported version)."""
    cls = response_type(18, version)
    entry = nested(cls, "ApiVersion")
    keys = tuple(
        make(entry, api_key=key, min_version=low, max_version=high)
        for key, (low, high) in sorted(SUPPORTED_VERSIONS.items())
    )
    return make(cls, error_code=error_code(error), api_keys=keys, throttle_time=ZERO_THROTTLE)


async def _api_versions(core: BrokerCore, request: Request, peer: str) -> Any:
    return api_versions_response(request.version)


async def _metadata(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    cls = response_type(3, request.version)
    broker_cls = nested(cls, "MetadataResponseBroker")
    topic_cls = nested(cls, "MetadataResponseTopic")
    partition_cls = nested(cls, "MetadataResponsePartition")
    node = core.config.node_id
    if body.topics is None:
        names = sorted(core.catalog.topics)
    else:
        names = [topic.name for topic in body.topics]
    allow_create = getattr(body, "allow_auto_topic_creation", True)
    topics = []
    for name in names:
        try:
            topic = core.topic(name, create=allow_create)
        except KafkaError as error:
            topics.append(
                make(topic_cls, error_code=error_code(error.error_code), name=name, partitions=())
            )
            continue
        partitions = tuple(
            make(
                partition_cls,
                error_code=error_code(_NONE),
                partition_index=index,
                leader_id=node,
                leader_epoch=0,
                replica_nodes=(node,),
                isr_nodes=(node,),
                offline_replicas=(),
            )
            for index in range(len(topic.partitions))
        )
        topics.append(
            make(topic_cls, error_code=error_code(_NONE), name=name, partitions=partitions)
        )
    broker = make(broker_cls, node_id=node, host=core.config.advertised, port=core.port, rack=None)
    return make(
        cls,
        throttle_time=ZERO_THROTTLE,
        brokers=(broker,),
        cluster_id=core.catalog.cluster_id,
        controller_id=node,
        topics=tuple(topics),
    )


def _check_placement(core: BrokerCore, topic: Any) -> int:
    """Partition count a CreatableTopic asks for, checking replication against one broker."""
    node = core.config.node_id
    if topic.assignments:
        if topic.num_partitions != -1 or topic.replication_factor != -1:
            raise KafkaError(
                _INVALID_REQUEST,
                "Both numPartitions or replicationFactor and replicasAssignments were set.",
            )
        for assignment in topic.assignments:
            if tuple(assignment.broker_ids) != (node,):
                raise KafkaError(
                    _INVALID_REPLICA_ASSIGNMENT,
                    f"Replica assignment {list(assignment.broker_ids)} must be [{node}]: "
                    "this cluster has one broker",
                )
        return len(topic.assignments)
    factor = topic.replication_factor
    if factor == 0 or factor < -1:
        raise KafkaError(_INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0.")
    if factor > 1:
        raise KafkaError(
            _INVALID_REPLICATION_FACTOR,
            f"Unable to replicate the partition {factor} time(s): The target replication factor "
            f"of {factor} cannot be reached because only 1 broker(s) are registered.",
        )
    return int(topic.num_partitions)


async def _create_topics(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    cls = response_type(19, request.version)
    result_cls = nested(cls, "CreatableTopicResult")
    names = [topic.name for topic in body.topics]
    results = []
    for topic in body.topics:
        error, message = _NONE, None
        try:
            if names.count(topic.name) > 1:
                raise KafkaError(_INVALID_REQUEST, f"Topic '{topic.name}' appears twice")
            partitions = _check_placement(core, topic)
            configs = {config.name: config.value for config in topic.configs}
            core.catalog.check_new(topic.name, partitions, configs)
            if not body.validate_only:
                core.catalog.create_topic(topic.name, partitions, configs)
        except KafkaError as refused:
            error, message = refused.error_code, str(refused)
        results.append(
            make(result_cls, name=topic.name, error_code=error_code(error), error_message=message)
        )
    return make(cls, throttle_time=ZERO_THROTTLE, topics=tuple(results))


async def _delete_topics(core: BrokerCore, request: Request, peer: str) -> Any:
    cls = response_type(20, request.version)
    result_cls = nested(cls, "DeletableTopicResult")
    results = []
    for name in request.body.topic_names:
        error = _NONE
        if name in core.catalog.topics:
            await core.delete_topic(name)
        else:
            error = _UNKNOWN_TOPIC_OR_PARTITION
        results.append(make(result_cls, name=name, error_code=error_code(error)))
    return make(cls, throttle_time=ZERO_THROTTLE, responses=tuple(results))


async def _create_partitions(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    cls = response_type(37, request.version)
    result_cls = nested(cls, "CreatePartitionsTopicResult")
    results = []
    for topic in body.topics:
        error, message = _NONE, None
        try:
            current = core.catalog.topics.get(topic.name)
            if current is None:
                raise KafkaError(_UNKNOWN_TOPIC_OR_PARTITION, f"Topic '{topic.name}' not found")
            if body.validate_only:
                if topic.count <= len(current.partitions):
                    raise KafkaError(37, f"Topic has {len(current.partitions)} partitions")
            else:
                core.catalog.add_partitions(topic.name, topic.count)
        except KafkaError as refused:
            error, message = refused.error_code, str(refused)
        results.append(
            make(result_cls, name=topic.name, error_code=error_code(error), error_message=message)
        )
    return make(cls, throttle_time=ZERO_THROTTLE, results=tuple(results))


def _broker_configs(core: BrokerCore) -> dict[str, str]:
    config = core.config
    return {
        "broker.id": str(config.node_id),
        "num.partitions": str(config.num_partitions),
        "auto.create.topics.enable": str(config.auto_create_topics).lower(),
        "default.replication.factor": "1",
        "offsets.topic.replication.factor": "1",
        "message.max.bytes": DEFAULTS["max.message.bytes"],
        "socket.request.max.bytes": str(config.max_frame_bytes),
        "group.min.session.timeout.ms": str(config.group_min_session_timeout_ms),
        "group.max.session.timeout.ms": str(config.group_max_session_timeout_ms),
        "group.initial.rebalance.delay.ms": str(config.group_initial_rebalance_delay_ms),
        "log.dirs": str(config.data_dir),
    }


async def _describe_configs(core: BrokerCore, request: Request, peer: str) -> Any:
    body = request.body
    cls = response_type(32, request.version)
    result_cls = nested(cls, "DescribeConfigsResult")
    entry_cls = nested(cls, "DescribeConfigsResourceResult")
    synonym_cls = nested(cls, "DescribeConfigsSynonym")
    results = []
    for resource in body.resources:
        error, message, entries = _NONE, None, []
        values: dict[str, tuple[str, int]] = {}
        if resource.resource_type == _TOPIC_RESOURCE:
            topic = core.catalog.topics.get(resource.resource_name)
            if topic is None:
                error = _UNKNOWN_TOPIC_OR_PARTITION
                message = f"Topic '{resource.resource_name}' does not exist"
            else:
                values = {name: (value, _DEFAULT_CONFIG) for name, value in DEFAULTS.items()}
                values.update(
                    {name: (value, _DYNAMIC_TOPIC_CONFIG) for name, value in topic.configs.items()}
                )
        elif resource.resource_type == _BROKER_RESOURCE:
            values = {
                name: (value, _STATIC_BROKER_CONFIG)
                for name, value in _broker_configs(core).items()
            }
        else:
            error, message = _INVALID_REQUEST, f"resource type {resource.resource_type} unknown"
        wanted = resource.configuration_keys
        for name, (value, source) in sorted(values.items()):
            if wanted is not None and name not in wanted:
                continue
            synonyms = (
                (make(synonym_cls, name=name, value=value, source=source),)
                if body.include_synonyms
                else ()
            )
            entries.append(
                make(
                    entry_cls,
                    name=name,
                    value=value,
                    read_only=resource.resource_type == _BROKER_RESOURCE,
                    config_source=source,
                    is_default=source == _DEFAULT_CONFIG,
                    is_sensitive=False,
                    synonyms=synonyms,
                )
            )
        results.append(
            make(
                result_cls,
                error_code=error_code(error),
                error_message=message,
                resource_type=resource.resource_type,
                resource_name=resource.resource_name,
                configs=tuple(entries),
            )
        )
    return make(cls, throttle_time=ZERO_THROTTLE, results=tuple(results))


HANDLERS: dict[int, Handler] = {
    18: _api_versions,
    3: _metadata,
    19: _create_topics,
    20: _delete_topics,
    37: _create_partitions,
    32: _describe_configs,
}
