"""Getting the stack ready for a run: a broker and a registry that answer, the scenario's topics
and its schemas.

`check_kafka` and `connect_registry` fail within seconds, with `ServiceUnavailableError` or
`AuthenticationError`, when a service does not answer or refuses us. `create_topics` gives every
topic the scenario's partition count. `register_schemas` registers each topic's first schema as
`<topic>-value` and asks the registry about each later version, so an incompatible evolution is
refused with the registry's reason before anything is produced; `register` registers a version
when a run switches to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient, SchemaRegistryError

from ksqlmv.config import Settings
from ksqlmv.errors import (
    AuthenticationError,
    ExecutionError,
    KsqlmvError,
    RegistryError,
    ServiceUnavailableError,
)
from ksqlmv.simulate.scenario import Scenario
from ksqlmv.simulate.topics import TopicSpec

__all__ = [
    "AUTH_CODES",
    "check_kafka",
    "connect_registry",
    "create_topics",
    "register",
    "register_schemas",
    "registry_call",
]

AUTH_CODES = {KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED}

_RETRY_REPLICATION = {
    KafkaError.INVALID_REPLICATION_FACTOR,
    KafkaError.INVALID_REQUEST,
    KafkaError.UNSUPPORTED_VERSION,
}


def check_kafka(admin: AdminClient, settings: Settings, timeout: float) -> None:
    """Fail within `timeout` seconds unless the broker answers a metadata request."""
    try:
        admin.list_topics(timeout=timeout)
    except KafkaException as exception:
        error = exception.args[0]
        if error.code() in AUTH_CODES:
            raise AuthenticationError(
                f"Kafka at {settings.bootstrap_servers} refused our credentials: {error.str()}"
            ) from None
        raise ServiceUnavailableError(
            f"cannot reach Kafka at {settings.bootstrap_servers} within {timeout:g} s "
            f"({error.str()}); is the broker running? `ksqlmv local` starts one"
        ) from None


def create_topics(admin: AdminClient, scenario: Scenario, timeout: float) -> list[str]:
    """Create the scenario's topics with its partition count; returns warnings about topics that
    already exist with another count (joins need co-partitioned topics)."""
    names = list(scenario.topics)
    warnings: list[str] = []
    pending = names
    for replication in (-1, 1):  # the broker's default first; old brokers need a number
        futures = admin.create_topics(
            [NewTopic(name, scenario.partitions, replication) for name in pending],
            request_timeout=timeout,
        )
        retry = []
        for name, future in futures.items():
            try:
                future.result()
            except KafkaException as exception:
                error = exception.args[0]
                if error.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                    continue
                if error.code() in _RETRY_REPLICATION and replication == -1:
                    retry.append(name)
                    continue
                if error.code() == KafkaError.TOPIC_AUTHORIZATION_FAILED:
                    raise AuthenticationError(
                        f"not allowed to create topic {name}: {error.str()}"
                    ) from None
                raise ExecutionError(f"cannot create topic {name}: {error.str()}") from None
        pending = retry
        if not pending:
            break
    metadata = admin.list_topics(timeout=timeout)
    for name in names:
        found = metadata.topics.get(name)
        if found is not None and found.partitions and len(found.partitions) != scenario.partitions:
            warnings.append(
                f"topic {name} has {len(found.partitions)} partitions, the scenario "
                f"declares {scenario.partitions}; joins need the same count on both sides"
            )
    return warnings


def connect_registry(settings: Settings, timeout: float) -> SchemaRegistryClient:
    """A registry client that retries little, once the registry has answered; close it after."""
    config = {
        **settings.schema_registry_config(),
        "timeout": timeout,
        "max.retries": 1,
        "retries.wait.ms": 100,
        "retries.max.wait.ms": 500,
    }
    registry = SchemaRegistryClient(config)
    try:
        registry_call(registry, settings.schema_registry_url, "", lambda: registry.get_subjects())
    except KsqlmvError:
        registry.close()
        raise
    return registry


def registry_call(
    registry: SchemaRegistryClient, url: str, what: str, call: Callable[[], Any]
) -> Any:
    """`call`, with the registry's refusals and silences turned into ksqlmv errors."""
    try:
        return call()
    except SchemaRegistryError as error:
        status = error.http_status_code
        if status in (401, 403):
            raise AuthenticationError(f"Schema Registry at {url} refused our credentials") from None
        if status in (409, 422):
            raise RegistryError(
                error.error_code, f"Schema Registry refused {what}: {error.error_message}"
            ) from None
        if status >= 500 or status < 0:
            raise ServiceUnavailableError(
                f"Schema Registry at {url} failed: {error.error_message}"
            ) from None
        raise RegistryError(
            error.error_code, f"Schema Registry: {what}: {error.error_message}"
        ) from None
    except KsqlmvError:
        raise
    except Exception as error:  # the client's transport errors (httpx, httpx2, sockets)
        raise ServiceUnavailableError(
            f"cannot reach Schema Registry at {url}: {type(error).__name__}: {error}"
        ) from None


def register_schemas(
    registry: SchemaRegistryClient, scenario: Scenario, url: str
) -> dict[tuple[str, int], int]:
    """Register each topic's first schema; check that each later one would be accepted.

    Returns the schema id of every version registered so far, by (topic, version index).
    `url` names the registry in error messages.
    """
    ids: dict[tuple[str, int], int] = {}
    for name, topic in scenario.topics.items():
        ids[(name, 0)] = register(registry, url, topic, 0)
        for index, version in enumerate(topic.versions[1:], start=1):
            schema = Schema(version.text, "AVRO")
            what = f"{version.name} as the next version of {topic.subject}"
            try:
                compatible = registry.test_compatibility(topic.subject, schema)
            except SchemaRegistryError:
                continue  # a registry without the compatibility endpoint: registering tells
            if not compatible:
                # Registering an incompatible schema fails without storing anything, and the
                # refusal carries the registry's reason, which the bare check does not.
                ids[(name, index)] = register(registry, url, topic, index)
                raise RegistryError(40901, f"Schema Registry refused {what}")
    return ids


def register(registry: SchemaRegistryClient, url: str, topic: TopicSpec, index: int) -> int:
    """Register version `index` of `topic`'s schemas; its schema id."""
    version = topic.versions[index]
    what = f"{version.name} as {topic.subject}"
    registered = registry_call(
        registry,
        url,
        what,
        lambda: registry.register_schema_full_response(topic.subject, Schema(version.text, "AVRO")),
    )
    schema_id: int = registered.schema_id
    return schema_id
