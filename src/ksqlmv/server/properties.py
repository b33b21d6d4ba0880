"""Request properties (`streamsProperties`, `properties`): which names ksqlDB accepts, and values.

ksqlDB resolves each name against its own configuration (`ksql.*`), then against the Kafka
Streams, consumer and producer configurations (bare, or prefixed `ksql.streams.`,
`consumer.`, `producer.`); free-form `ksql.functions.*` names are accepted as they are. Anything
else is refused with ksqlDB's message, `Not recognizable as ksql, streams, consumer, or producer
property: 'x'` (400, error code 40000). A few values are checked as ksqlDB checks them.

`normalize` also gives the engine each `ksql.streams.X` under its bare name `X`, which is where
queries read it (`auto.offset.reset`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ksqlmv.errors import StatementError

__all__ = ["KAFKA_PROPERTIES", "KSQL_PROPERTIES", "normalize", "resolve"]

KSQL_PROPERTIES: frozenset[str] = frozenset(
    (
        "ksql.access.validator.enable",
        "ksql.admin.request.retry.timeout.ms",
        "ksql.assert.schema.default.timeout.ms",
        "ksql.assert.topic.default.timeout.ms",
        "ksql.authorization.cache.expiry.time.secs",
        "ksql.authorization.cache.max.entries",
        "ksql.cast.strings.preserve.nulls",
        "ksql.client.ip_port.configuration.enabled",
        "ksql.connect.basic.auth.credentials.file",
        "ksql.connect.basic.auth.credentials.reload",
        "ksql.connect.basic.auth.credentials.source",
        "ksql.connect.request.headers.plugin",
        "ksql.connect.request.timeout.ms",
        "ksql.connect.url",
        "ksql.connect.worker.config",
        "ksql.create.or.replace.enabled",
        "ksql.create.topic.inherit.source.replicas.enabled",
        "ksql.deployment.type",
        "ksql.endpoint.migrate.query",
        "ksql.error.classifier.regex",
        "ksql.extension.dir",
        "ksql.fail.on.deserialization.error",
        "ksql.fail.on.production.error",
        "ksql.fetch.remote.hosts.max.timeout.seconds",
        "ksql.headers.columns.enabled",
        "ksql.hidden.topics",
        "ksql.insert.into.values.enabled",
        "ksql.internal.topic.min.insync.replicas",
        "ksql.internal.topic.replicas",
        "ksql.json_sr.converter.deserializer.enabled",
        "ksql.kafka.client.additional.config.prefixes",
        "ksql.lambdas.enabled",
        "ksql.metastore.backup.location",
        "ksql.metrics.extension",
        "ksql.metrics.tags.custom",
        "ksql.nested.error.set.null",
        "ksql.new.query.planner.enabled",
        "ksql.output.topic.name.prefix",
        "ksql.persistence.default.format.key",
        "ksql.persistence.default.format.value",
        "ksql.persistence.wrap.single.values",
        "ksql.persistent.prefix",
        "ksql.properties.overrides.allowlist",
        "ksql.properties.overrides.denylist",
        "ksql.properties.overrides.log",
        "ksql.properties.overrides.range.validation.log.enabled",
        "ksql.properties.overrides.validation.mode",
        "ksql.properties.overrides.validation.restore.enabled",
        "ksql.proxy.protocol.local.mode.enabled",
        "ksql.pull.queries.enable",
        "ksql.query.cleanup.shutdown.timeout.ms",
        "ksql.query.error.max.queue.size",
        "ksql.query.persistent.active.limit",
        "ksql.query.persistent.max.bytes.buffering.total",
        "ksql.query.pull.coordinator.queue.capacity",
        "ksql.query.pull.enable.standby.reads",
        "ksql.query.pull.forwarding.timeout.ms",
        "ksql.query.pull.interpreter.enabled",
        "ksql.query.pull.limit.clause.enabled",
        "ksql.query.pull.max.allowed.offset.lag",
        "ksql.query.pull.max.concurrent.requests",
        "ksql.query.pull.max.hourly.bandwidth.megabytes",
        "ksql.query.pull.max.qps",
        "ksql.query.pull.metrics.enabled",
        "ksql.query.pull.range.scan.enabled",
        "ksql.query.pull.router.queue.capacity",
        "ksql.query.pull.router.thread.pool.size",
        "ksql.query.pull.stream.enabled",
        "ksql.query.pull.table.scan.enabled",
        "ksql.query.pull.thread.pool.size",
        "ksql.query.push.v2.alos.enabled",
        "ksql.query.push.v2.catchup.consumer.msg.window",
        "ksql.query.push.v2.continuation.tokens.enabled",
        "ksql.query.push.v2.enabled",
        "ksql.query.push.v2.interpreter.enabled",
        "ksql.query.push.v2.latest.reset.age.ms",
        "ksql.query.push.v2.max.catchup.consumers",
        "ksql.query.push.v2.max.hourly.bandwidth.megabytes",
        "ksql.query.push.v2.metrics.enabled",
        "ksql.query.push.v2.new.latest.delay.ms",
        "ksql.query.push.v2.registry.installed",
        "ksql.query.retry.backoff.initial.ms",
        "ksql.query.retry.backoff.max.ms",
        "ksql.query.status.running.threshold.seconds",
        "ksql.query.transient.max.bytes.buffering.total",
        "ksql.queryanonymizer.cluster_namespace",
        "ksql.queryanonymizer.logs_enabled",
        "ksql.readonly.topics",
        "ksql.resource.extension.class",
        "ksql.runtime.feature.shared.enabled",
        "ksql.schema.registry.url",
        "ksql.security.extension.class",
        "ksql.service.id",
        "ksql.shared.runtimes.count",
        "ksql.sink.window.change.log.additional.retention",
        "ksql.source.table.materialization.enabled",
        "ksql.streams.shutdown.timeout.ms",
        "ksql.suppress.buffer.size.bytes",
        "ksql.suppress.enabled",
        "ksql.timestamp.throw.on.invalid",
        "ksql.transient.prefix",
        "ksql.transient.query.cleanup.service.enable",
        "ksql.transient.query.cleanup.service.initial.delay.seconds",
        "ksql.transient.query.cleanup.service.period.seconds",
        "ksql.udf.collect.metrics",
        "ksql.udf.enable.security.manager",
        "ksql.udfs.enabled",
        "ksql.variable.substitution.enable",
        "ksql.websocket.connection.max.timeout.ms",
    )
)
"""Every `ksql.*` configuration ksqlDB defines (read from its KsqlConfig)."""

KAFKA_PROPERTIES: frozenset[str] = frozenset(
    (
        "acks",
        "allow.auto.create.topics",
        "application.id",
        "application.server",
        "auto.commit.interval.ms",
        "auto.include.jmx.reporter",
        "auto.offset.reset",
        "batch.size",
        "bootstrap.servers",
        "buffer.memory",
        "buffered.records.per.partition",
        "built.in.metrics.version",
        "cache.max.bytes.buffering",
        "check.crcs",
        "client.dns.lookup",
        "client.id",
        "client.rack",
        "commit.interval.ms",
        "compression.type",
        "connections.max.idle.ms",
        "default.api.timeout.ms",
        "default.deserialization.exception.handler",
        "default.dsl.store",
        "default.key.serde",
        "default.production.exception.handler",
        "default.timestamp.extractor",
        "default.value.serde",
        "delivery.timeout.ms",
        "enable.auto.commit",
        "enable.idempotence",
        "exclude.internal.topics",
        "fetch.max.bytes",
        "fetch.max.wait.ms",
        "fetch.min.bytes",
        "group.id",
        "group.instance.id",
        "group.protocol",
        "heartbeat.interval.ms",
        "interceptor.classes",
        "isolation.level",
        "key.deserializer",
        "key.serializer",
        "linger.ms",
        "max.block.ms",
        "max.in.flight.requests.per.connection",
        "max.partition.fetch.bytes",
        "max.poll.interval.ms",
        "max.poll.records",
        "max.request.size",
        "max.task.idle.ms",
        "max.warmup.replicas",
        "metadata.max.age.ms",
        "metric.reporters",
        "metrics.num.samples",
        "metrics.recording.level",
        "metrics.sample.window.ms",
        "num.standby.replicas",
        "num.stream.threads",
        "partition.assignment.strategy",
        "partitioner.class",
        "poll.ms",
        "probing.rebalance.interval.ms",
        "processing.guarantee",
        "receive.buffer.bytes",
        "reconnect.backoff.max.ms",
        "reconnect.backoff.ms",
        "replication.factor",
        "request.timeout.ms",
        "retries",
        "retry.backoff.ms",
        "rocksdb.config.setter",
        "sasl.jaas.config",
        "sasl.mechanism",
        "security.protocol",
        "send.buffer.bytes",
        "session.timeout.ms",
        "ssl.endpoint.identification.algorithm",
        "ssl.key.password",
        "ssl.keystore.location",
        "ssl.keystore.password",
        "ssl.truststore.location",
        "ssl.truststore.password",
        "state.cleanup.delay.ms",
        "state.dir",
        "statestore.cache.max.bytes",
        "task.timeout.ms",
        "topology.optimization",
        "transaction.timeout.ms",
        "transactional.id",
        "upgrade.from",
        "value.deserializer",
        "value.serializer",
        "window.size.ms",
        "windowstore.changelog.additional.retention.ms",
    )
)
"""Kafka Streams, consumer and producer configurations a request may override."""

_PREFIXES = ("consumer.", "producer.", "main.consumer.", "restore.consumer.", "global.consumer.")
_STREAMS = "ksql.streams."


def _one_of(name: str, allowed: tuple[str, ...]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        text = str(value).strip()
        if text.lower() not in allowed:
            raise StatementError(
                f"Invalid value {text} for configuration {name}: String must be one of: "
                + ", ".join(allowed),
                40000,
            )
        return text.lower()

    return check


def _boolean(name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in ("true", "false"):
            raise StatementError(
                f"Invalid value {value} for configuration {name}: Expected value to be either "
                "true or false",
                40000,
            )
        return text == "true"

    return check


def _integer(name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        try:
            return int(str(value).strip())
        except ValueError:
            raise StatementError(
                f"Invalid value {value} for configuration {name}: Not a number of type INT",
                40000,
            ) from None

    return check


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "auto.offset.reset": _one_of("auto.offset.reset", ("latest", "earliest", "none")),
    "processing.guarantee": _one_of(
        "processing.guarantee",
        ("at_least_once", "exactly_once", "exactly_once_beta", "exactly_once_v2"),
    ),
    "ksql.query.pull.table.scan.enabled": _boolean("ksql.query.pull.table.scan.enabled"),
    "ksql.query.pull.stream.enabled": _boolean("ksql.query.pull.stream.enabled"),
    "ksql.query.pull.limit.clause.enabled": _boolean("ksql.query.pull.limit.clause.enabled"),
    "ksql.variable.substitution.enable": _boolean("ksql.variable.substitution.enable"),
    "cache.max.bytes.buffering": _integer("cache.max.bytes.buffering"),
    "commit.interval.ms": _integer("commit.interval.ms"),
}


def resolve(name: str) -> str | None:
    """The configuration `name` stands for (without `ksql.streams.`), or None if unknown."""
    if name.startswith("ksql.") and not name.startswith(_STREAMS):
        if name in KSQL_PROPERTIES or name.startswith("ksql.functions."):
            return name
        return None
    key = name[len(_STREAMS) :] if name.startswith(_STREAMS) else name
    bare = key
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            bare = key[len(prefix) :]
            break
    if bare in KAFKA_PROPERTIES or key.startswith("topic."):
        return key
    return None


def normalize(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validated request properties; `ksql.streams.X` is also given as `X`.

    Raises `StatementError` (40000) with ksqlDB's message for an unknown name or a bad value.
    """
    result: dict[str, Any] = {}
    if not properties:
        return result
    if not isinstance(properties, Mapping):
        raise StatementError("Properties must be a JSON object", 40000)
    for name, value in properties.items():
        key = resolve(str(name))
        if key is None:
            raise StatementError(
                f"Not recognizable as ksql, streams, consumer, or producer property: '{name}'",
                40000,
            )
        check = _CHECKS.get(key)
        checked = check(value) if check is not None and value is not None else value
        result[str(name)] = checked
        if key != name:
            result[key] = checked
    return result
