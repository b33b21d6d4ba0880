"""Altair charts for the `Chart` specs of `dashlib.views`, one builder per kind.

Each builder takes the frame of a view (already trimmed to the chosen time window) and returns a
chart, or None when the frame lacks what the chart needs, so a view whose server-side columns
differ from the spec shows its table and no broken chart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import altair as alt
import pandas as pd

from dashlib.views import Chart

__all__ = ["CANDLE_COLUMNS", "build_chart", "chart_data"]

CANDLE_COLUMNS = ("OPEN_PRICE", "HIGH_PRICE", "LOW_PRICE", "CLOSE_PRICE")
_UP, _DOWN = "#26a69a", "#ef5350"
_Encoding = Literal["quantitative", "temporal", "nominal"]


def _encoding_type(frame: pd.DataFrame, column: str) -> _Encoding:
    if pd.api.types.is_datetime64_any_dtype(frame[column]):
        return "temporal"
    if pd.api.types.is_numeric_dtype(frame[column]):
        return "quantitative"
    return "nominal"


def chart_data(spec: Chart, frame: pd.DataFrame) -> pd.DataFrame | None:
    """The rows a chart draws: the columns it needs, aggregated for bars, sorted along x."""
    needed = [spec.x, spec.y] + ([spec.series] if spec.series else [])
    if spec.kind == "candles":
        needed = [spec.x, *CANDLE_COLUMNS] + ([spec.series] if spec.series else [])
    if frame.empty or any(column not in frame.columns for column in needed):
        return None
    if spec.kind != "bar":
        return frame[needed].sort_values(spec.x)
    groups = [spec.x] + ([spec.series] if spec.series else [])
    grouped = frame.groupby(groups, dropna=False)[spec.y]
    data = (grouped.count() if spec.aggregate == "count" else grouped.sum()).reset_index()
    if spec.top is not None:
        data = data.nlargest(spec.top, spec.y)
    return data


def _line(spec: Chart, data: pd.DataFrame) -> Any:
    encoding: dict[str, Any] = {
        "x": alt.X(spec.x, type=_encoding_type(data, spec.x), title=None),
        "y": alt.Y(spec.y, type="quantitative"),
        "tooltip": list(data.columns),
    }
    if spec.series:
        encoding["color"] = alt.Color(spec.series, type="nominal")
    return alt.Chart(data).mark_line(point=True).encode(**encoding)


def _bar(spec: Chart, data: pd.DataFrame) -> Any:
    x_type = _encoding_type(data, spec.x)
    sort = "-y" if x_type == "nominal" else "ascending"
    encoding: dict[str, Any] = {
        "x": alt.X(spec.x, type=x_type, sort=sort, title=None),
        "y": alt.Y(spec.y, type="quantitative", title=f"{spec.y} ({spec.aggregate})"),
        "tooltip": list(data.columns),
    }
    if spec.series:
        encoding["color"] = alt.Color(spec.series, type="nominal")
    return alt.Chart(data).mark_bar().encode(**encoding)


def _candles(spec: Chart, data: pd.DataFrame) -> Any:
    open_, high, low, close = CANDLE_COLUMNS
    base = alt.Chart(data).encode(
        x=alt.X(spec.x, type="temporal", title=None),
        color=alt.condition(f"datum.{close} >= datum.{open_}", alt.value(_UP), alt.value(_DOWN)),
        tooltip=list(data.columns),
    )
    wick = base.mark_rule().encode(
        y=alt.Y(low, type="quantitative", title="price", scale=alt.Scale(zero=False)),
        y2=alt.Y2(high),
    )
    body = base.mark_bar(size=8).encode(y=alt.Y(open_, type="quantitative"), y2=alt.Y2(close))
    return alt.layer(wick, body)


_BUILDERS: dict[str, Callable[[Chart, pd.DataFrame], Any]] = {
    "line": _line,
    "bar": _bar,
    "candles": _candles,
}


def build_chart(spec: Chart, frame: pd.DataFrame) -> Any:
    """The chart for `spec`, or None when the frame cannot carry it."""
    data = chart_data(spec, frame)
    if data is None or data.empty:
        return None
    chart = _BUILDERS[spec.kind](spec, data)
    return chart.properties(title=spec.title or spec.y, height=260)
