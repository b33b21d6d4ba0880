"""DESCRIBE EXTENDED's statistics text, as ksqlDB's MetricCollectors formats it."""

from __future__ import annotations

import pytest

from ksqlmv.engine.runtime.metrics import Counter, format_stats, iso_instant

MS = 1_700_000_000_123


@pytest.mark.parametrize(
    ("millis", "text"),
    [
        (0, "n/a"),
        (MS, "2023-11-14T22:13:20.123Z"),
        (1_700_000_000_120, "2023-11-14T22:13:20.12Z"),
        (1_700_000_000_000, "2023-11-14T22:13:20Z"),
    ],
)
def test_instants_print_as_java_iso_offset_date_time(millis: int, text: str) -> None:
    assert iso_instant(millis) == text


def test_stats_are_padded_and_rounded_as_ksqldb_prints_them() -> None:
    stats = [
        ("consumer-messages-per-sec", 0.5, MS),
        ("consumer-total-bytes", 2048.0, MS),
        ("consumer-total-messages", 3.0, MS),
    ]
    assert format_stats(stats, "last-message") == (
        "consumer-messages-per-sec:      0.50 consumer-total-bytes:      2048 "
        "consumer-total-messages:         3 "
        "    last-message: 2023-11-14T22:13:20.123Z"
    )
    assert format_stats([("total-messages", 7.0, 0)], "last-message") == (
        "  total-messages:         7     last-message:       n/a"
    )
    assert format_stats([], "last-failed") == ""


def test_rates_follow_kafkas_two_thirty_second_windows() -> None:
    counter = Counter(started=0.0)
    counter.sample(0.0, MS)
    assert counter.last_ms == 0  # nothing counted yet
    counter.count = 300
    counter.sample(10.0, MS + 10_000)
    assert counter.last_ms == MS + 10_000
    assert counter.rate(10.0) == pytest.approx(300 / 30)  # at least one window's span
    counter.count = 1_200
    counter.sample(60.0, MS + 60_000)
    assert counter.rate(60.0) == pytest.approx(1_200 / 60)
    counter.sample(90.0, MS + 90_000)  # nothing new: the last message stays where it was
    assert counter.last_ms == MS + 60_000
    counter.sample(130.0, MS + 130_000)
    assert counter.rate(130.0) == pytest.approx(0.0)  # the old samples have left the window
