"""How a broker is set up: where it listens, where it keeps data, and its few policies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["BrokerConfig"]


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    """Settings of one broker process. Defaults suit a development broker on loopback.

    `port` 0 picks a free port. Group session timeouts may be as short as one second (Kafka's
    floor is six) so that tests of dead consumers finish quickly.
    """

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 9092
    advertised_host: str | None = None
    node_id: int = 1
    auto_create_topics: bool = True
    num_partitions: int = 1
    max_frame_bytes: int = 100 * 1024 * 1024  # Kafka's socket.request.max.bytes
    max_in_flight: int = 64  # requests read ahead of their responses, per connection
    group_min_session_timeout_ms: int = 1_000
    group_max_session_timeout_ms: int = 1_800_000
    group_initial_rebalance_delay_ms: int = 0
    cleaner_interval_ms: int = 15_000  # how often retention and compaction look for work
    checkpoint_interval_ms: int = 5_000  # how often recovery points are written
    compaction_map_entries: int = 1_000_000  # keys one compaction pass may track
    transaction_max_timeout_ms: int = 900_000  # Kafka's transaction.max.timeout.ms
    transaction_check_interval_ms: int = 1_000  # how often timed-out transactions are aborted

    @property
    def advertised(self) -> str:
        """The host clients are told to connect to (never a wildcard address)."""
        if self.advertised_host:
            return self.advertised_host
        wildcard = self.host in ("0.0.0.0", "::", "")  # noqa: S104 (recognised, not bound)
        return "127.0.0.1" if wildcard else self.host
