"""Rows to frames, time windows, filter values, ksqlDB's statistics text, deep links, rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from dashlib.links import LiveLink, migration_link, params_of
from dashlib.rates import RateBook
from dashlib.shaping import (
    TimeWindow,
    coerce_filter_value,
    is_windowed,
    parse_statistics,
    throughput,
    to_frame,
    trim_to_window,
)
from ksqlmv.client import where_equals

MINUTE = 60_000
START = 1_790_000_040_000  # a minute boundary


def test_frames_take_typed_values_as_charts_need_them() -> None:
    columns = ("SYMBOL", "WINDOWSTART", "WINDOWEND", "PRICE", "TAGS", "RAW", "AT")
    at = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    rows = [
        ("ACME", START, START + MINUTE, Decimal("12.5000"), {"b": 1, "a": [2]}, b"\x00\xff", at)
    ]
    frame = to_frame(columns, rows)
    row = frame.iloc[0]
    assert row["PRICE"] == 12.5 and isinstance(row["PRICE"], float)
    assert row["WINDOWSTART"] == pd.Timestamp(START, unit="ms", tz="UTC")
    assert row["WINDOWEND"] - row["WINDOWSTART"] == pd.Timedelta(minutes=1)
    assert row["TAGS"] == '{"a": [2], "b": 1}'
    assert row["RAW"] == "AP8="
    assert row["AT"] == at
    assert is_windowed(columns) and not is_windowed(("ID", "COUNT"))


def test_newest_first_reverses_the_update_order() -> None:
    frame = to_frame(("ID",), [("a",), ("b",), ("c",)], newest_first=True)
    assert list(frame["ID"]) == ["c", "b", "a"]


def test_an_empty_view_is_an_empty_frame_with_its_columns() -> None:
    frame = to_frame(("ID", "WINDOWSTART"), [])
    assert frame.empty and list(frame.columns) == ["ID", "WINDOWSTART"]


@pytest.mark.parametrize(
    ("label", "kept"),
    [("5m", 5), ("15m", 15), ("1h", 30), ("all", 30), ("nonsense", 30)],
)
def test_time_windows_end_at_the_newest_window(label: str, kept: int) -> None:
    frame = to_frame(
        ("K", "WINDOWSTART"), [("k", START + i * MINUTE) for i in range(30)], newest_first=True
    )
    window = TimeWindow.parse(label)
    trimmed = trim_to_window(frame, window)
    assert len(trimmed) == kept
    assert trimmed["WINDOWSTART"].max() == frame["WINDOWSTART"].max()


def test_unknown_window_labels_fall_back_to_the_default() -> None:
    assert TimeWindow.parse(None) == TimeWindow.parse("bogus") == TimeWindow("1h", 60)
    assert TimeWindow.labels()[0] == "5m" and TimeWindow.labels()[-1] == "all"


@pytest.mark.parametrize(
    ("text", "type_name", "value"),
    [
        ("PLACED", "STRING", "PLACED"),
        ("x' OR '1'='1", "STRING", "x' OR '1'='1"),
        (" 42 ", "BIGINT", 42),
        ("-7", "INTEGER", -7),
        ("2.5", "DOUBLE", 2.5),
        ("10.10", "DECIMAL(12, 2)", Decimal("10.10")),
        ("TRUE", "BOOLEAN", True),
        ("false", "BOOLEAN", False),
    ],
)
def test_filter_values_take_their_columns_type(text: str, type_name: str, value: Any) -> None:
    coerced = coerce_filter_value(text, type_name)
    assert coerced == value and type(coerced) is type(value)


@pytest.mark.parametrize(
    ("text", "type_name", "reason"),
    [
        ("lots", "BIGINT", "'lots' is not a BIGINT"),
        ("1; DROP TABLE X", "INTEGER", "is not a INTEGER"),
        ("1e", "DOUBLE", "is not a DOUBLE"),
        ("ten", "DECIMAL(4, 2)", "is not a DECIMAL"),
        ("yes", "BOOLEAN", "neither true nor false"),
        ("[1]", "ARRAY", "cannot be filtered"),
        ("x", "STRUCT", "cannot be filtered"),
    ],
)
def test_filter_values_of_the_wrong_type_are_refused(
    text: str, type_name: str, reason: str
) -> None:
    with pytest.raises(ValueError) as refused:
        coerce_filter_value(text, type_name)
    assert reason in str(refused.value)


def test_a_hostile_filter_value_stays_inside_its_literal() -> None:
    value = coerce_filter_value("x' OR '1'='1", "STRING")
    assert where_equals({"STATUS": value}) == "`STATUS` = 'x'' OR ''1''=''1'"


STATISTICS = (
    "messages-per-sec:      4.41   total-messages:       486     "
    "last-message: 2017-12-14T16:32:23.000Z  last-failed: 12/14/17 4:32:23 PM GMT"
)


def test_statistics_text_gives_its_numbers_only() -> None:
    assert parse_statistics(STATISTICS) == {"messages-per-sec": 4.41, "total-messages": 486.0}
    assert parse_statistics("") == {} and parse_statistics(None) == {}


def test_throughput_sums_the_sources() -> None:
    descriptions = [
        {"statistics": STATISTICS, "errorStats": "consumer-failed-messages: 2"},
        {"statistics": "consumer-messages-per-sec: 10.5 consumer-total-messages: 100"},
        {"statistics": ""},
    ]
    total = throughput(descriptions)
    assert (total.produced_per_sec, total.consumed_per_sec) == (4.41, 10.5)
    assert (total.produced_total, total.consumed_total, total.failed_total) == (486, 100, 2)
    assert total.reported
    assert not throughput([{"statistics": ""}]).reported


def test_live_links_round_trip_through_query_parameters() -> None:
    link = LiveLink("TRADES_OHLC_1M", TimeWindow.parse("15m"), (("SYMBOL", "A&B=C"),))
    params = link.to_params()
    assert params == {"view": "TRADES_OHLC_1M", "window": "15m", "filter": ["SYMBOL=A&B=C"]}
    again = LiveLink.from_params(
        params_of({k: [v] if isinstance(v, str) else v for k, v in params.items()})
    )
    assert again == link
    assert link.url() == "live?view=TRADES_OHLC_1M&window=15m&filter=SYMBOL%3DA%26B%3DC"
    assert migration_link(8) == "migrations?version=8"


def test_malformed_filters_in_a_link_are_ignored() -> None:
    link = LiveLink.from_params(params_of({"filter": ["novalue", "=x", "A=", " B = 2"]}))
    assert link.filters == (("A", ""), ("B", " 2"))
    assert link.view is None and link.window.label == "1h"


def test_rates_are_changes_over_time_and_restart_with_the_counter() -> None:
    book = RateBook()
    assert book.update("ORDERS", 100, 10.0) is None
    assert book.update("ORDERS", 130, 13.0) == 10.0
    assert book.update("ORDERS", 131, 13.2) == 10.0, "too soon: the last rate stands"
    assert book.update("ORDERS", 5, 16.0) is None, "the reader restarted"
    assert book.update("ORDERS", 65, 19.0) == 20.0
