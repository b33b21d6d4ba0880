"""Vega-Lite charts for the `Chart` specs of `dashlib.views`, one builder per kind.

The specs are plain dictionaries for `st.vega_lite_chart`: built in well under a millisecond,
where going through Altair's objects and their validation costs tens of milliseconds per chart,
and a live view redraws its charts every half second. Each builder takes the frame of a view
(already trimmed to the chosen time window) and `build_chart` returns the rows to draw with the
spec, or None when the frame lacks what the chart needs, so a view whose server-side columns
differ from the spec shows its table and no broken chart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from dashlib.views import Chart

__all__ = ["CANDLE_COLUMNS", "build_chart", "chart_data"]

CANDLE_COLUMNS = ("OPEN_PRICE", "HIGH_PRICE", "LOW_PRICE", "CLOSE_PRICE")
HEIGHT = 260
_UP, _DOWN = "#26a69a", "#ef5350"

Spec = dict[str, Any]


def _field(name: str) -> str:
    """A column name as a Vega-Lite field: dots and brackets would otherwise mean nesting."""
    return name.replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")


def _encoding_type(frame: pd.DataFrame, column: str) -> str:
    if pd.api.types.is_datetime64_any_dtype(frame[column]):
        return "temporal"
    if pd.api.types.is_numeric_dtype(frame[column]):
        return "quantitative"
    return "nominal"


def _tooltip(data: pd.DataFrame) -> list[Spec]:
    fields: list[Spec] = []
    for column in data.columns:
        field: Spec = {"field": _field(column), "type": _encoding_type(data, column)}
        if field["type"] == "temporal":
            field.update(format="%Y-%m-%d %H:%M:%S", formatType="utc")
        fields.append(field)
    return fields


def _x(data: pd.DataFrame, column: str, **extra: Any) -> Spec:
    """The x encoding; times are drawn in UTC on a 24-hour axis, as the tables show them."""
    encoding: Spec = {"field": _field(column), "type": _encoding_type(data, column), "title": None}
    if encoding["type"] == "temporal":
        encoding["scale"] = {"type": "utc"}
        encoding["axis"] = {"format": "%H:%M", "formatType": "utc", "labelOverlap": True}
    encoding.update(extra)
    return encoding


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


def _line(spec: Chart, data: pd.DataFrame) -> Spec:
    encoding: Spec = {
        "x": _x(data, spec.x),
        "y": {"field": _field(spec.y), "type": "quantitative"},
        "tooltip": _tooltip(data),
    }
    if spec.series:
        encoding["color"] = {"field": _field(spec.series), "type": "nominal"}
    return {"mark": {"type": "line", "point": True}, "encoding": encoding}


def _bar(spec: Chart, data: pd.DataFrame) -> Spec:
    x_type = _encoding_type(data, spec.x)
    encoding: Spec = {
        "x": _x(data, spec.x, sort="-y" if x_type == "nominal" else "ascending"),
        "y": {
            "field": _field(spec.y),
            "type": "quantitative",
            "title": f"{spec.y} ({spec.aggregate})",
        },
        "tooltip": _tooltip(data),
    }
    if spec.series:
        encoding["color"] = {"field": _field(spec.series), "type": "nominal"}
    return {"mark": {"type": "bar"}, "encoding": encoding}


def _candles(spec: Chart, data: pd.DataFrame) -> Spec:
    open_, high, low, close = (_field(name) for name in CANDLE_COLUMNS)
    rising = f"datum[{CANDLE_COLUMNS[3]!r}] >= datum[{CANDLE_COLUMNS[0]!r}]"
    wick = {
        "mark": {"type": "rule"},
        "encoding": {
            "y": {"field": low, "type": "quantitative", "title": "price", "scale": {"zero": False}},
            "y2": {"field": high},
        },
    }
    body = {
        "mark": {"type": "bar", "size": 8},
        "encoding": {"y": {"field": open_, "type": "quantitative"}, "y2": {"field": close}},
    }
    return {
        "encoding": {
            "x": _x(data, spec.x),
            "color": {"condition": {"test": rising, "value": _UP}, "value": _DOWN},
            "tooltip": _tooltip(data),
        },
        "layer": [wick, body],
    }


_BUILDERS: dict[str, Callable[[Chart, pd.DataFrame], Spec]] = {
    "line": _line,
    "bar": _bar,
    "candles": _candles,
}


def build_chart(spec: Chart, frame: pd.DataFrame) -> tuple[pd.DataFrame, Spec] | None:
    """The rows and the Vega-Lite spec for `spec`, or None when the frame cannot carry it."""
    data = chart_data(spec, frame)
    if data is None or data.empty:
        return None
    return data, {
        **_BUILDERS[spec.kind](spec, data),
        "title": spec.title or spec.y,
        "height": HEIGHT,
    }
