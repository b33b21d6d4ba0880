"""Topic configs the log acts on, parsed once per topic."""

from __future__ import annotations

import pytest

from ksqlmv.broker.topic_config import TopicSettings


@pytest.mark.parametrize(
    ("configs", "fsync_before_ack"),
    [
        ({}, False),  # Kafka's default: answered once written
        ({"flush.messages": "1"}, True),
        ({"flush.messages": "1000"}, False),
    ],
)
def test_acks_all_waits_for_fsync_only_with_flush_messages_1(
    configs: dict[str, str], fsync_before_ack: bool
) -> None:
    assert TopicSettings.from_configs(configs).fsync_before_ack is fsync_before_ack


def test_kafkas_defaults_fill_what_a_topic_does_not_set() -> None:
    settings = TopicSettings.from_configs({"cleanup.policy": "compact,delete"})
    assert settings.compact and settings.delete
    assert settings.retention_ms == 7 * 24 * 3600 * 1000
    assert not settings.log_append_time
