"""What each view shows besides its rows: KPI tiles and charts, as data.

`VIEWS` describes the platform's own views (ksql/migrations); any other source gets a spec
derived from its columns by `spec_for`: windowed tables a time series of their first measure per
key, other tables a bar chart of it. `kpi_values` evaluates tiles on a frame with one reducer per
kind, so a new tile is a line in the table, not new code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashlib.shaping import WINDOW_COLUMNS

__all__ = ["VIEWS", "Chart", "Kpi", "KpiValue", "ViewSpec", "kpi_values", "spec_for"]


@dataclass(frozen=True, slots=True)
class Kpi:
    """A headline figure: `reduce` over `column` (row count when None).

    `latest` restricts it to the newest window and adds the change from the window before;
    `where` keeps only rows whose column equals a value.
    """

    label: str
    column: str | None = None
    reduce: str = "sum"
    latest: bool = False
    where: tuple[str, Any] | None = None
    format: str = "{:,.0f}"


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of a view: `line` (y over x per series), `bar` (y per x, aggregated), `candles`."""

    kind: str
    x: str
    y: str
    series: str | None = None
    aggregate: str = "sum"
    top: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """The tiles and charts of one view, and what it is."""

    what: str
    kpis: tuple[Kpi, ...] = ()
    charts: tuple[Chart, ...] = ()
    pick: str | None = None
    """A column whose value the viewer picks for the charts (one symbol's candles)."""


@dataclass(frozen=True, slots=True)
class KpiValue:
    """A tile, evaluated: its text and, for `latest` tiles, the change since the window before."""

    label: str
    value: str
    delta: str | None = None


_MONEY = "{:,.2f}"

VIEWS: dict[str, ViewSpec] = {
    "REVENUE_PER_MINUTE": ViewSpec(
        "Revenue and order count per minute and sales channel (tumbling window).",
        (
            Kpi("Revenue, current minute", "REVENUE", latest=True, format=_MONEY),
            Kpi("Orders, current minute", "ORDER_COUNT", latest=True),
            Kpi("Revenue in view", "REVENUE", format=_MONEY),
            Kpi("Channels", "CHANNEL", reduce="distinct"),
        ),
        (
            Chart("line", "WINDOWSTART", "REVENUE", "CHANNEL", title="Revenue per minute"),
            Chart("line", "WINDOWSTART", "ORDER_COUNT", "CHANNEL", title="Orders per minute"),
        ),
    ),
    "ORDER_STATUS": ViewSpec(
        "Each order's current status.",
        (
            Kpi("Orders", reduce="count"),
            Kpi("Placed", reduce="count", where=("STATUS", "PLACED")),
            Kpi("Cancelled", reduce="count", where=("STATUS", "CANCELLED")),
            Kpi("Order value", "AMOUNT", format=_MONEY),
        ),
        (Chart("bar", "STATUS", "ORDER_ID", aggregate="count", title="Orders per status"),),
    ),
    "ORDERS_BY_STATUS": ViewSpec(
        "How many orders are in each status now.",
        (
            Kpi("Orders", "ORDER_COUNT"),
            Kpi("Value", "TOTAL_AMOUNT", format=_MONEY),
            Kpi("Placed", "ORDER_COUNT", where=("STATUS", "PLACED")),
            Kpi("Cancelled", "ORDER_COUNT", where=("STATUS", "CANCELLED")),
        ),
        (Chart("bar", "STATUS", "ORDER_COUNT", title="Orders per status"),),
    ),
    "ORDERS_ENRICHED": ViewSpec(
        "Orders with the customer as they were at order time (the newest events).",
        (
            Kpi("Orders seen", reduce="count"),
            Kpi("Amount", "AMOUNT", format=_MONEY),
            Kpi("Countries", "COUNTRY", reduce="distinct"),
        ),
        (Chart("bar", "CUSTOMER_TIER", "AMOUNT", title="Amount per customer tier"),),
    ),
    "PAYMENTS_MATCHED": ViewSpec(
        "Payments matched to their order within an hour (the newest events).",
        (
            Kpi("Matched payments", reduce="count"),
            Kpi("Paid", "PAID_AMOUNT", format=_MONEY),
            Kpi("Seconds to pay (mean)", "SECONDS_TO_PAY", reduce="mean", format="{:,.1f}"),
            Kpi("Declined", reduce="count", where=("PAYMENT_STATUS", "DECLINED")),
        ),
        (Chart("bar", "METHOD", "PAID_AMOUNT", aggregate="count", title="Payments per method"),),
    ),
    "CUSTOMER_LIFETIME_VALUE": ViewSpec(
        "Each customer's orders and net spend.",
        (
            Kpi("Customers", reduce="count"),
            Kpi("Lifetime value", "LIFETIME_VALUE", format=_MONEY),
            Kpi("Per customer (mean)", "LIFETIME_VALUE", reduce="mean", format=_MONEY),
            Kpi("Orders placed", "ORDERS_PLACED"),
        ),
        (
            Chart(
                "bar",
                "CUSTOMER_NAME",
                "LIFETIME_VALUE",
                top=15,
                title="Top customers by lifetime value",
            ),
        ),
    ),
    "APP_CRASH_RATE": ViewSpec(
        "Crashes per session per app version over five minutes (hopping window).",
        (
            Kpi(
                "Worst crash rate, current window",
                "CRASH_RATE",
                reduce="max",
                latest=True,
                format="{:.1%}",
            ),
            Kpi("Crashes, current window", "CRASHES", latest=True),
            Kpi("Sessions, current window", "SESSIONS", latest=True),
            Kpi("Versions", "APP_VERSION", reduce="distinct"),
        ),
        (
            Chart("line", "WINDOWSTART", "CRASH_RATE", "APP_VERSION", title="Crash rate"),
            Chart("line", "WINDOWSTART", "SESSIONS", "APP_VERSION", title="Sessions"),
        ),
    ),
    "TRADES_OHLC_1M": ViewSpec(
        "One-minute open, high, low, close, volume and VWAP per symbol (tumbling window).",
        (
            Kpi("Symbols", "SYMBOL", reduce="distinct"),
            Kpi("Volume, current minute", "VOLUME", latest=True),
            Kpi("Trades, current minute", "TRADE_COUNT", latest=True),
            Kpi("Trades in view", "TRADE_COUNT"),
        ),
        (
            Chart("candles", "WINDOWSTART", "CLOSE_PRICE", title="Candles"),
            Chart("bar", "WINDOWSTART", "VOLUME", title="Volume"),
        ),
        pick="SYMBOL",
    ),
    "SHIPMENT_STATUS_BY_ORDER": ViewSpec(
        "The latest shipment status of every order.",
        (
            Kpi("Orders shipped", reduce="count"),
            Kpi("Delivered", reduce="count", where=("STATUS", "DELIVERED")),
            Kpi("Returned", reduce="count", where=("STATUS", "RETURNED")),
            Kpi("Carriers", "CARRIER", reduce="distinct"),
        ),
        (
            Chart("bar", "STATUS", "ORDER_ID", aggregate="count", title="Orders per status"),
            Chart("bar", "CARRIER", "ORDER_ID", aggregate="count", title="Orders per carrier"),
        ),
    ),
}


def spec_for(name: str, frame: pd.DataFrame, key_columns: Sequence[str] = ()) -> ViewSpec:
    """The platform's spec for a known view; otherwise one derived from the view's columns."""
    known = VIEWS.get(name.upper())
    if known is not None:
        return known
    keys = [c for c in key_columns if c in frame.columns and c not in WINDOW_COLUMNS]
    measures = [
        c
        for c in frame.columns
        if c not in WINDOW_COLUMNS
        and c not in keys
        and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
    ]
    tiles = [Kpi("Rows", reduce="count")]
    charts: list[Chart] = []
    if measures:
        tiles.append(Kpi(f"{measures[0]} (sum)", measures[0], format="{:,.2f}"))
    if "WINDOWSTART" in frame.columns:
        tiles.append(Kpi("Windows", "WINDOWSTART", reduce="distinct"))
        if measures:
            series = keys[0] if keys else None
            charts.append(Chart("line", "WINDOWSTART", measures[0], series, title=measures[0]))
    elif measures and keys:
        charts.append(Chart("bar", keys[0], measures[0], top=25, title=measures[0]))
    return ViewSpec("", tuple(tiles), tuple(charts))


def _reduce_count(values: pd.Series) -> float:
    return float(len(values))


_REDUCERS: dict[str, Callable[[pd.Series], float]] = {
    "sum": lambda values: float(values.sum()),
    "mean": lambda values: float(values.mean()) if len(values) else 0.0,
    "max": lambda values: float(values.max()) if len(values) else 0.0,
    "count": _reduce_count,
    "distinct": lambda values: float(values.nunique()),
}


def _figure(kpi: Kpi, frame: pd.DataFrame) -> float | None:
    if kpi.where is not None:
        column, wanted = kpi.where
        if column not in frame.columns:
            return None
        frame = frame[frame[column] == wanted]
    if kpi.column is None:
        return _reduce_count(frame.index.to_series())
    if kpi.column not in frame.columns:
        return None
    return _REDUCERS[kpi.reduce](frame[kpi.column].dropna())


def _windows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The rows of the newest window and of the one before it (None when there is none)."""
    starts = sorted(frame["WINDOWSTART"].dropna().unique())
    if not starts:
        return frame.iloc[0:0], None
    latest = frame[frame["WINDOWSTART"] == starts[-1]]
    previous = frame[frame["WINDOWSTART"] == starts[-2]] if len(starts) > 1 else None
    return latest, previous


def kpi_values(spec: ViewSpec, frame: pd.DataFrame) -> list[KpiValue]:
    """Every tile of `spec` that the frame has the columns for, evaluated."""
    values: list[KpiValue] = []
    for kpi in spec.kpis:
        delta: str | None = None
        if kpi.latest and "WINDOWSTART" in frame.columns:
            latest, previous = _windows(frame)
            figure = _figure(kpi, latest)
            before = _figure(kpi, previous) if previous is not None else None
            if figure is not None and before is not None:
                change = figure - before
                delta = ("+" if change >= 0 else "-") + kpi.format.format(abs(change))
        else:
            figure = _figure(kpi, frame)
        if figure is not None:
            values.append(KpiValue(kpi.label, kpi.format.format(figure), delta))
    return values
