"""Topic-level configuration: Kafka's names, defaults and value checks, in one table.

Every topic config Apache Kafka accepts is accepted here, so clients that set them (ksqlDB sets
`cleanup.policy`, `retention.ms`, ...) work unchanged; DescribeConfigs reports all of them. The
ones the log acts on are read through `TopicSettings`: cleanup policy, retention, segment size and
age, timestamp type, message size, compaction lag and tombstone retention. The others are stored
and reported as given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ksqlmv.errors import KafkaError

__all__ = ["DEFAULTS", "INVALID_CONFIG", "TopicSettings", "validate_configs"]

INVALID_CONFIG = 40
_LONG_MAX = 9223372036854775807


def _long(minimum: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        number = int(value)
        if number < minimum:
            raise ValueError(f"must be at least {minimum}")
        return str(number)

    return check


def _ratio(value: str) -> str:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError("must be between 0 and 1")
    return value


def _boolean(value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise ValueError("must be true or false")
    return value.lower()


def _one_of(*choices: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return check


def _policy(value: str) -> str:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts or any(part not in ("delete", "compact") for part in parts):
        raise ValueError("must be delete, compact or both")
    return ",".join(parts)


def _text(value: str) -> str:
    return value


# name -> (default, check). Defaults are Apache Kafka's.
_TABLE: dict[str, tuple[str, Callable[[str], str]]] = {
    "cleanup.policy": ("delete", _policy),
    "compression.type": (
        "producer",
        _one_of("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
    ),
    "delete.retention.ms": ("86400000", _long(0)),
    "file.delete.delay.ms": ("60000", _long(0)),
    "flush.messages": (str(_LONG_MAX), _long(1)),
    "flush.ms": (str(_LONG_MAX), _long(0)),
    "follower.replication.throttled.replicas": ("", _text),
    "index.interval.bytes": ("4096", _long(0)),
    "leader.replication.throttled.replicas": ("", _text),
    "local.retention.bytes": ("-2", _long(-2)),
    "local.retention.ms": ("-2", _long(-2)),
    "max.compaction.lag.ms": (str(_LONG_MAX), _long(1)),
    "max.message.bytes": ("1048588", _long(0)),
    "message.downconversion.enable": ("true", _boolean),
    "message.timestamp.after.max.ms": (str(_LONG_MAX), _long(0)),
    "message.timestamp.before.max.ms": (str(_LONG_MAX), _long(0)),
    "message.timestamp.difference.max.ms": (str(_LONG_MAX), _long(0)),
    "message.timestamp.type": ("CreateTime", _one_of("CreateTime", "LogAppendTime")),
    "min.cleanable.dirty.ratio": ("0.5", _ratio),
    "min.compaction.lag.ms": ("0", _long(0)),
    "min.insync.replicas": ("1", _long(1)),
    "preallocate": ("false", _boolean),
    "remote.storage.enable": ("false", _boolean),
    "retention.bytes": ("-1", _long(-1)),
    "retention.ms": ("604800000", _long(-1)),
    "segment.bytes": ("1073741824", _long(14)),
    "segment.index.bytes": ("10485760", _long(4)),
    "segment.jitter.ms": ("0", _long(0)),
    "segment.ms": ("604800000", _long(1)),
    "unclean.leader.election.enable": ("false", _boolean),
}

DEFAULTS: Mapping[str, str] = {name: default for name, (default, _) in _TABLE.items()}


def validate_configs(configs: Mapping[str, str | None]) -> dict[str, str]:
    """Normalise configs a client set on a topic, or raise `KafkaError` INVALID_CONFIG.

    A `None` value means "back to the default" and is dropped.
    """
    clean: dict[str, str] = {}
    for name, value in configs.items():
        entry = _TABLE.get(name)
        if entry is None:
            raise KafkaError(INVALID_CONFIG, f"unknown topic config {name!r}")
        if value is None:
            continue
        try:
            clean[name] = entry[1](value.strip())
        except ValueError as error:
            raise KafkaError(
                INVALID_CONFIG, f"invalid value {value!r} for {name}: {error}"
            ) from None
    return clean


@dataclass(frozen=True, slots=True)
class TopicSettings:
    """The configs the log acts on, parsed once per topic (not per record)."""

    compact: bool
    delete: bool
    retention_ms: int
    retention_bytes: int
    segment_bytes: int
    segment_ms: int
    log_append_time: bool
    max_message_bytes: int
    delete_retention_ms: int
    min_compaction_lag_ms: int
    min_cleanable_dirty_ratio: float
    index_interval_bytes: int
    fsync_before_ack: bool = False
    """`flush.messages=1`: `acks=all` producers are answered only once the append is fsynced
    (by default, as in Kafka, once it is written: it then survives a killed broker)."""

    @classmethod
    def from_configs(cls, configs: Mapping[str, str]) -> TopicSettings:
        """Settings from a topic's explicit configs, Kafka's defaults for the rest."""
        merged = {**DEFAULTS, **configs}
        policy = merged["cleanup.policy"].split(",")
        return cls(
            compact="compact" in policy,
            delete="delete" in policy,
            retention_ms=int(merged["retention.ms"]),
            retention_bytes=int(merged["retention.bytes"]),
            segment_bytes=int(merged["segment.bytes"]),
            segment_ms=int(merged["segment.ms"]),
            log_append_time=merged["message.timestamp.type"] == "LogAppendTime",
            max_message_bytes=int(merged["max.message.bytes"]),
            delete_retention_ms=int(merged["delete.retention.ms"]),
            min_compaction_lag_ms=int(merged["min.compaction.lag.ms"]),
            min_cleanable_dirty_ratio=float(merged["min.cleanable.dirty.ratio"]),
            index_interval_bytes=int(merged["index.interval.bytes"]),
            fsync_before_ack=int(merged["flush.messages"]) == 1,
        )
