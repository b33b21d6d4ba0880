"""Topics, their partitions and configs, and the broker's durable metadata.

`<data-dir>/meta.json` holds the cluster id, every topic with its partition count and explicit
configs, and the end of the current block of producer ids. It is rewritten atomically (temporary
file, fsync, rename, fsync of the directory) whenever it changes, which is rare: topic creation,
deletion, config or partition changes, and every thousandth producer id.

Each partition lives in `<data-dir>/topics/<topic>-<partition>/`. `recovery-points.json` records,
per partition, an offset below which everything is known durable; at start the segments past it
are checked batch by batch (see `segment.py`), the rest are trusted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ksqlmv.broker.log import PartitionLog
from ksqlmv.broker.segment import fsync_directory
from ksqlmv.broker.topic_config import TopicSettings, validate_configs
from ksqlmv.errors import KafkaError

__all__ = [
    "INVALID_PARTITIONS",
    "INVALID_TOPIC_EXCEPTION",
    "TOPIC_ALREADY_EXISTS",
    "UNKNOWN_TOPIC_OR_PARTITION",
    "Catalog",
    "Topic",
    "atomic_write",
    "validate_topic_name",
]

UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_TOPIC_EXCEPTION = 17
TOPIC_ALREADY_EXISTS = 36
INVALID_PARTITIONS = 37
_LEGAL_NAME = re.compile(r"[a-zA-Z0-9._-]{1,249}")
_PRODUCER_ID_BLOCK = 1000
_MAX_PARTITIONS = 10_000


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a crash leaves either the old or the new file, whole."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    fsync_directory(path.parent)


@dataclass(slots=True)
class Topic:
    """A topic: its explicit configs, the settings parsed from them, and its partitions."""

    name: str
    configs: dict[str, str]
    settings: TopicSettings
    partitions: list[PartitionLog] = field(default_factory=list)


class Catalog:
    """Every topic of the broker, and the metadata file that makes them survive restarts."""

    def __init__(self, data_dir: Path, default_partitions: int) -> None:
        self.data_dir = data_dir
        self.topics_dir = data_dir / "topics"
        self.default_partitions = default_partitions
        self.topics: dict[str, Topic] = {}
        self.cluster_id = ""
        self._next_producer_id = 1000
        self._producer_id_block_end = 1000

    # -- opening and saving ------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, default_partitions: int) -> Catalog:
        """Load the metadata and open every partition, recovering what a crash left."""
        catalog = cls(data_dir, default_partitions)
        catalog.topics_dir.mkdir(parents=True, exist_ok=True)
        for leftover in catalog.topics_dir.glob("*-delete"):
            shutil.rmtree(leftover, ignore_errors=True)
        meta_path = data_dir / "meta.json"
        meta: dict[str, Any] = json.loads(meta_path.read_bytes()) if meta_path.exists() else {}
        catalog.cluster_id = meta.get("cluster_id") or _new_cluster_id()
        catalog._next_producer_id = meta.get("producer_id_block_end", 1000)
        catalog._producer_id_block_end = catalog._next_producer_id
        points_path = data_dir / "recovery-points.json"
        points: dict[str, dict[str, int]] = (
            json.loads(points_path.read_bytes()) if points_path.exists() else {}
        )
        # Once read, the checkpoint is stale until rewritten: a crash before that rewrite must
        # recover from scratch rather than trust offsets this run may move past.
        points_path.unlink(missing_ok=True)
        for name, entry in meta.get("topics", {}).items():
            configs = dict(entry.get("configs", {}))
            topic = Topic(name, configs, TopicSettings.from_configs(configs))
            topic_points = points.get(name, {})
            for partition in range(int(entry["partitions"])):
                topic.partitions.append(
                    PartitionLog.open(
                        catalog._partition_dir(name, partition),
                        name,
                        partition,
                        topic.settings,
                        topic_points.get(str(partition), 0),
                    )
                )
            catalog.topics[name] = topic
        catalog.save()
        return catalog

    def save(self) -> None:
        """Write meta.json atomically."""
        meta = {
            "cluster_id": self.cluster_id,
            "producer_id_block_end": self._producer_id_block_end,
            "topics": {
                name: {"partitions": len(topic.partitions), "configs": topic.configs}
                for name, topic in sorted(self.topics.items())
            },
        }
        atomic_write(self.data_dir / "meta.json", json.dumps(meta, indent=1).encode())

    def recovery_points(self) -> bytes:
        """The checkpoint to write: every partition's high watermark, all durable."""
        points = {
            name: {str(log.partition): log.high_watermark for log in topic.partitions}
            for name, topic in self.topics.items()
        }
        return json.dumps(points).encode()

    def _partition_dir(self, topic: str, partition: int) -> Path:
        return self.topics_dir / f"{topic}-{partition}"

    # -- topics ------------------------------------------------------------------------------

    def get(self, name: str, partition: int) -> PartitionLog:
        """The log of `name`/`partition`, or `KafkaError` UNKNOWN_TOPIC_OR_PARTITION."""
        topic = self.topics.get(name)
        if topic is None or not 0 <= partition < len(topic.partitions):
            raise KafkaError(
                UNKNOWN_TOPIC_OR_PARTITION, f"{name}-{partition} does not exist on this broker"
            )
        return topic.partitions[partition]

    def check_new(
        self, name: str, partitions: int, configs: dict[str, str | None]
    ) -> tuple[int, dict[str, str]]:
        """Validate a topic to create: (partition count, normalised configs) or `KafkaError`."""
        validate_topic_name(name)
        if name in self.topics:
            raise KafkaError(TOPIC_ALREADY_EXISTS, f"Topic '{name}' already exists.")
        count = self.default_partitions if partitions == -1 else partitions
        if not 1 <= count <= _MAX_PARTITIONS:
            raise KafkaError(INVALID_PARTITIONS, "Number of partitions must be larger than 0.")
        return count, validate_configs(configs)

    def create_topic(
        self, name: str, partitions: int = -1, configs: dict[str, str | None] | None = None
    ) -> Topic:
        """Create a topic (validated as `check_new` does) and save the metadata."""
        count, clean = self.check_new(name, partitions, configs or {})
        topic = Topic(name, clean, TopicSettings.from_configs(clean))
        for partition in range(count):
            directory = self._partition_dir(name, partition)
            shutil.rmtree(directory, ignore_errors=True)
            topic.partitions.append(
                PartitionLog.open(directory, name, partition, topic.settings, 0)
            )
        fsync_directory(self.topics_dir)  # the partition directories exist after a power loss
        self.topics[name] = topic
        self.save()
        return topic

    def delete_topic(self, name: str) -> list[Path]:
        """Forget a topic; returns its directories, renamed aside for the caller to remove."""
        topic = self.topics.pop(name, None)
        if topic is None:
            raise KafkaError(
                UNKNOWN_TOPIC_OR_PARTITION, f"Topic '{name}' does not exist on this broker"
            )
        self.save()
        doomed: list[Path] = []
        for log in topic.partitions:
            log.close()
            target = log.directory.with_name(f"{log.directory.name}.{uuid.uuid4().hex}-delete")
            os.replace(log.directory, target)
            doomed.append(target)
        return doomed

    def add_partitions(self, name: str, count: int) -> None:
        """Grow a topic to `count` partitions."""
        topic = self.topics.get(name)
        if topic is None:
            raise KafkaError(UNKNOWN_TOPIC_OR_PARTITION, f"Topic '{name}' does not exist")
        current = len(topic.partitions)
        if count <= current:
            raise KafkaError(
                INVALID_PARTITIONS, f"Topic currently has {current} partitions, {count} asked"
            )
        if count > _MAX_PARTITIONS:
            raise KafkaError(INVALID_PARTITIONS, f"at most {_MAX_PARTITIONS} partitions")
        for partition in range(current, count):
            directory = self._partition_dir(name, partition)
            shutil.rmtree(directory, ignore_errors=True)
            topic.partitions.append(
                PartitionLog.open(directory, name, partition, topic.settings, 0)
            )
        self.save()

    # -- producer ids ------------------------------------------------------------------------

    def next_producer_id(self) -> int:
        """A producer id never handed out before, even across restarts."""
        if self._next_producer_id >= self._producer_id_block_end:
            self._producer_id_block_end = self._next_producer_id + _PRODUCER_ID_BLOCK
            self.save()
        producer_id = self._next_producer_id
        self._next_producer_id += 1
        return producer_id

    def close(self) -> None:
        """Close every partition (after the flusher drained)."""
        for topic in self.topics.values():
            for log in topic.partitions:
                log.close()


def validate_topic_name(name: str) -> None:
    """Kafka's rule for topic names, or `KafkaError` INVALID_TOPIC_EXCEPTION."""
    if name in (".", "..") or not _LEGAL_NAME.fullmatch(name):
        raise KafkaError(
            INVALID_TOPIC_EXCEPTION,
            f"Topic name {name!r} is illegal: use up to 249 of ASCII letters, digits, '.', '_', "
            "'-'",
        )


def _new_cluster_id() -> str:
    return urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
