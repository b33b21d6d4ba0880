"""Progress and summaries: what a run shows while it sends and when it ends."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from ksqlmv.simulate.engine import Event
from ksqlmv.simulate.output import event_json
from ksqlmv.simulate.progress import LineDisplay, LiveDisplay, Stats, Summary, TopicTotals


def busy_stats() -> Stats:
    stats = Stats(["orders", "payments"])
    stats.topics["orders"].sent, stats.topics["orders"].acked = 120, 100
    stats.topics["payments"].sent, stats.topics["payments"].failed = 30, 2
    stats.topics["payments"].last_error = "Local: Message timed out"
    return stats


def test_line_display_prints_one_plain_line_per_update() -> None:
    stream = io.StringIO()
    display = LineDisplay(stream, every=5.0)
    display.update(busy_stats())
    line = stream.getvalue()
    assert line.count("\n") == 1 and "\x1b" not in line
    assert re.search(r"sent 150 acked 100 failed 2 \| orders=[\d,]+/s payments=[\d,]+/s", line)


def test_live_display_redraws_in_place() -> None:
    stream = io.StringIO()
    display = LiveDisplay(stream)
    stats = busy_stats()
    display.update(stats)
    first = stream.getvalue()
    assert first.splitlines()[0].split() == ["topic", "sent", "acked", "failed", "rate/s"]
    assert len(first.splitlines()) == 4  # header, two topics, all
    display.update(stats)
    assert stream.getvalue()[len(first) :].startswith("\x1b[4F\x1b[J")  # up four lines, clear
    display.message("orders: switched to v2/orders-value.avsc")
    display.close()
    assert stream.getvalue().endswith("orders: switched to v2/orders-value.avsc\n")


def test_summary_table_and_totals() -> None:
    topics = (
        TopicTotals("orders", 120, 120, 0),
        TopicTotals("payments", 30, 28, 2, "Local: timed out"),
    )
    summary = Summary("shop", 42, 2.0, topics, interrupted=True)
    text = summary.render()
    assert (summary.sent, summary.acknowledged, summary.failed) == (150, 148, 2)
    assert "last error: Local: timed out" in text
    assert text.splitlines()[-1] == (
        "interrupted: shop, 150 sent, 148 acknowledged, 2 failed in 2.0 s (75/s), seed 42"
    )


def test_stats_summary_carries_the_counters() -> None:
    summary = busy_stats().summary("shop", 7, interrupted=False)
    assert [t.topic for t in summary.topics] == ["orders", "payments"]
    assert summary.topics[1].last_error == "Local: Message timed out"


def test_event_json_keeps_the_field_order_and_exact_decimals() -> None:
    event = Event(
        "orders", "O1", {"amount": Decimal("212.80"), "note": b"\x01\xff", "customer_id": "C1"},
        1735689600000, 1735689660000, "order", 1, late=True,
    )  # fmt: skip
    text = event_json(event, ["customer_id", "amount", "note"])
    assert text == (
        '{"topic": "orders", "event": "order", "key": "O1", "timestamp": 1735689600000, '
        '"value": {"customer_id": "C1", "amount": 212.8, "note": "01ff"}, "schema": 2, '
        '"late": true}'
    )


def test_event_json_of_a_tombstone_and_a_duplicate() -> None:
    event = Event("customers", "C9", None, 5, 6, "customer", 0, duplicate=True)
    assert event_json(event) == (
        '{"topic": "customers", "event": "customer", "key": "C9", "timestamp": 5, '
        '"value": null, "duplicate": true}'
    )
