"""KPI tiles and charts: the platform's views from their spec table, any other view derived."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

from dashlib.charts import build_chart, chart_data
from dashlib.shaping import to_frame
from dashlib.views import VIEWS, Chart, KpiValue, kpi_values, spec_for

MINUTE = 60_000
START = 1_790_000_040_000

PLATFORM_VIEWS = {
    "REVENUE_PER_MINUTE",
    "ORDER_STATUS",
    "ORDERS_BY_STATUS",
    "ORDERS_ENRICHED",
    "PAYMENTS_MATCHED",
    "CUSTOMER_LIFETIME_VALUE",
    "APP_CRASH_RATE",
    "TRADES_OHLC_1M",
    "SHIPMENT_STATUS_BY_ORDER",
}


def revenue() -> pd.DataFrame:
    columns = ("CHANNEL", "WINDOWSTART", "WINDOWEND", "ORDER_COUNT", "REVENUE")
    rows = [
        ("WEB", START, START + MINUTE, 10, Decimal("100.00")),
        ("APP", START, START + MINUTE, 5, Decimal("50.00")),
        ("WEB", START + MINUTE, START + 2 * MINUTE, 12, Decimal("130.50")),
        ("APP", START + MINUTE, START + 2 * MINUTE, 2, Decimal("20.00")),
    ]
    return to_frame(columns, rows)


def candles() -> pd.DataFrame:
    columns = ("SYMBOL", "WINDOWSTART", "WINDOWEND", "OPEN_PRICE", "HIGH_PRICE", "LOW_PRICE",
               "CLOSE_PRICE", "VOLUME", "VWAP", "TRADE_COUNT")  # fmt: skip
    d, end = Decimal, START + MINUTE
    rows = [
        ("ACME", START, end, d(10), d(12), d(9), d(11), 100, 10.5, 4),
        ("ACME", end, end + MINUTE, d(11), d(11), d(8), d(8), 50, 9.5, 3),
        ("WAYNE", START, end, d(5), d(6), d(5), d(6), 70, 5.5, 2),
    ]
    return to_frame(columns, rows)


def test_every_platform_view_has_a_spec_with_tiles_and_charts() -> None:
    assert set(VIEWS) == PLATFORM_VIEWS
    for name, spec in VIEWS.items():
        assert spec.what and spec.kpis and spec.charts, name


def test_latest_window_tiles_carry_the_change_from_the_window_before() -> None:
    tiles = {tile.label: tile for tile in kpi_values(VIEWS["REVENUE_PER_MINUTE"], revenue())}
    assert tiles["Revenue, current minute"] == KpiValue(
        "Revenue, current minute", "150.50", "+0.50"
    )
    assert tiles["Orders, current minute"] == KpiValue("Orders, current minute", "14", "-1")
    assert tiles["Revenue in view"].value == "300.50" and tiles["Revenue in view"].delta is None
    assert tiles["Channels"].value == "2"


def test_tiles_count_filter_and_skip_what_the_frame_lacks() -> None:
    frame = to_frame(
        ("ORDER_ID", "STATUS", "AMOUNT"),
        [("o1", "PLACED", Decimal(10)), ("o2", "CANCELLED", Decimal(5)), ("o3", "PLACED", None)],
    )
    tiles = {tile.label: tile.value for tile in kpi_values(VIEWS["ORDER_STATUS"], frame)}
    assert tiles == {"Orders": "3", "Placed": "2", "Cancelled": "1", "Order value": "15.00"}
    without = kpi_values(VIEWS["ORDER_STATUS"], frame.drop(columns=["STATUS", "AMOUNT"]))
    assert [tile.label for tile in without] == ["Orders"]


def test_an_empty_view_gives_zero_tiles_not_errors() -> None:
    empty = revenue().iloc[0:0]
    tiles = {tile.label: tile.value for tile in kpi_values(VIEWS["REVENUE_PER_MINUTE"], empty)}
    assert tiles["Revenue in view"] == "0.00" and tiles["Channels"] == "0"


def test_other_windowed_views_get_a_time_series_of_their_first_measure() -> None:
    frame = revenue().rename(columns={"REVENUE": "TAKINGS"})
    spec = spec_for("MY_WINDOWED_VIEW", frame, ("CHANNEL", "WINDOWSTART", "WINDOWEND"))
    assert spec.charts == (
        Chart("line", "WINDOWSTART", "ORDER_COUNT", "CHANNEL", title="ORDER_COUNT"),
    )
    assert [kpi.label for kpi in spec.kpis] == ["Rows", "ORDER_COUNT (sum)", "Windows"]
    tiles = {tile.label: tile.value for tile in kpi_values(spec, frame)}
    assert tiles == {"Rows": "4", "ORDER_COUNT (sum)": "29.00", "Windows": "2"}


def test_other_tables_get_a_bar_chart_when_they_have_a_key_and_a_measure() -> None:
    frame = to_frame(("ID", "NAME", "SCORE"), [("a", "x", 3), ("b", "y", 4)])
    spec = spec_for("SCORES", frame, ("ID",))
    assert spec.charts == (Chart("bar", "ID", "SCORE", top=25, title="SCORE"),)
    assert spec_for("NAMES", frame[["ID", "NAME"]], ("ID",)).charts == ()


def test_bars_aggregate_per_category_and_keep_the_top() -> None:
    frame = to_frame(
        ("METHOD", "PAID_AMOUNT"), [("CARD", 1), ("CARD", 2), ("WALLET", 5), ("BANK", 1)]
    )
    counted = chart_data(Chart("bar", "METHOD", "PAID_AMOUNT", aggregate="count"), frame)
    assert dict(zip(counted["METHOD"], counted["PAID_AMOUNT"], strict=True)) == {
        "BANK": 1,
        "CARD": 2,
        "WALLET": 1,
    }
    summed = chart_data(Chart("bar", "METHOD", "PAID_AMOUNT", top=2), frame)
    assert list(summed["METHOD"]) == ["WALLET", "CARD"]


@pytest.mark.parametrize("name", sorted(PLATFORM_VIEWS - {"ORDERS_ENRICHED", "PAYMENTS_MATCHED"}))
def test_charts_need_their_columns(name: str) -> None:
    unrelated = to_frame(("X",), [(1,)])
    assert all(build_chart(chart, unrelated) is None for chart in VIEWS[name].charts)


def test_line_chart_of_revenue_per_channel() -> None:
    built = build_chart(VIEWS["REVENUE_PER_MINUTE"].charts[0], revenue())
    assert built is not None
    data, spec = built
    assert list(data.columns) == ["WINDOWSTART", "REVENUE", "CHANNEL"]
    assert spec["mark"] == {"type": "line", "point": True}
    assert spec["encoding"]["x"] == {
        "field": "WINDOWSTART",
        "type": "temporal",
        "title": None,
        # UTC on a 24-hour axis, as the table below the chart shows the windows
        "scale": {"type": "utc"},
        "axis": {"format": "%H:%M", "formatType": "utc", "labelOverlap": True},
    }
    tooltip = {field["field"]: field for field in spec["encoding"]["tooltip"]}
    assert tooltip["WINDOWSTART"]["formatType"] == "utc"
    assert spec["encoding"]["color"] == {"field": "CHANNEL", "type": "nominal"}
    assert spec["title"] == "Revenue per minute"
    json.dumps(spec)  # plain data, ready for st.vega_lite_chart


def test_candles_draw_wicks_and_bodies_coloured_by_direction() -> None:
    built = build_chart(VIEWS["TRADES_OHLC_1M"].charts[0], candles())
    assert built is not None
    data, spec = built
    wick, body = spec["layer"]
    assert wick["mark"]["type"] == "rule" and body["mark"]["type"] == "bar"
    assert (wick["encoding"]["y"]["field"], wick["encoding"]["y2"]["field"]) == (
        "LOW_PRICE",
        "HIGH_PRICE",
    )
    assert (body["encoding"]["y"]["field"], body["encoding"]["y2"]["field"]) == (
        "OPEN_PRICE",
        "CLOSE_PRICE",
    )
    assert spec["encoding"]["color"]["condition"]["test"] == (
        "datum['CLOSE_PRICE'] >= datum['OPEN_PRICE']"
    )
    assert list(data["WINDOWSTART"]) == sorted(data["WINDOWSTART"])


def test_field_names_that_look_nested_are_escaped() -> None:
    frame = to_frame(("a.b", "WINDOWSTART"), [(1, START), (2, START + MINUTE)])
    built = build_chart(Chart("line", "WINDOWSTART", "a.b"), frame)
    assert built is not None
    assert built[1]["encoding"]["y"]["field"] == "a\\.b"
