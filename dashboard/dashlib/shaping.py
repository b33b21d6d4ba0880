"""Rows to data frames, and the small facts pages derive from them; no Streamlit, no I/O.

Values arrive typed by `ksqlmv.client` (the representation of `ksqlmv.sql.types`): DECIMAL as
`Decimal`, TIMESTAMP as an aware `datetime`, window bounds as epoch milliseconds. Frames get
floats for decimals (charts need numbers), UTC timestamps for window bounds, and text for maps,
structs and bytes (one cell, readable).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import pandas as pd

__all__ = [
    "WINDOW_COLUMNS",
    "Throughput",
    "TimeWindow",
    "coerce_filter_value",
    "is_windowed",
    "parse_statistics",
    "throughput",
    "to_frame",
    "trim_to_window",
]

WINDOW_COLUMNS = ("WINDOWSTART", "WINDOWEND")


def is_windowed(columns: Iterable[str]) -> bool:
    """Whether a view's columns carry window bounds (a windowed table)."""
    return "WINDOWSTART" in set(columns)


def _float(value: Any) -> Any:
    return float(value) if value is not None else None


def _json(value: Any) -> Any:
    return json.dumps(value, default=str, sort_keys=True) if value is not None else None


def _base64(value: Any) -> Any:
    return base64.b64encode(value).decode() if value is not None else None


# Cell converters by the type of a column's values (a column holds one SQL type), chosen once per
# column from its first value: a 5,000-row view becomes a frame in a few milliseconds.
_CONVERTERS: dict[type, Callable[[Any], Any]] = {
    Decimal: _float,
    bytes: _base64,
    dict: _json,
    list: _json,
}


def to_frame(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, newest_first: bool = False
) -> pd.DataFrame:
    """A frame of typed rows (value tuples in column order), ready to show and to chart."""
    table = list(rows)
    if newest_first:
        table.reverse()
    data: dict[str, Any] = {}
    for name, values in zip(columns, zip(*table, strict=True) if table else (), strict=False):
        first = next((value for value in values if value is not None), None)
        convert = _CONVERTERS.get(type(first))
        data[name] = [convert(value) for value in values] if convert else values
    frame = pd.DataFrame(data, columns=list(columns))
    for name in WINDOW_COLUMNS:
        if name in frame.columns:
            frame[name] = pd.to_datetime(frame[name], unit="ms", utc=True)
    return frame


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """How much of a windowed view to show: the newest `minutes`, or everything (None)."""

    label: str
    minutes: int | None

    CHOICES: ClassVar[tuple[tuple[str, int | None], ...]] = (
        ("5m", 5),
        ("15m", 15),
        ("1h", 60),
        ("6h", 360),
        ("24h", 1440),
        ("all", None),
    )
    DEFAULT: ClassVar[str] = "1h"

    @classmethod
    def parse(cls, text: str | None) -> TimeWindow:
        """A window from a deep link's `window=` value; unknown text gives the default."""
        choices = dict(cls.CHOICES)
        label = text if text in choices else cls.DEFAULT
        return cls(label, choices[label])

    @classmethod
    def labels(cls) -> list[str]:
        """Every choice, shortest first."""
        return [label for label, _ in cls.CHOICES]


def trim_to_window(frame: pd.DataFrame, window: TimeWindow) -> pd.DataFrame:
    """The rows whose window starts within `window` of the newest window in the view.

    Measured from the newest window rather than the wall clock, so a replay of old events (or a
    simulator started in the past) still shows its latest stretch.
    """
    if window.minutes is None or "WINDOWSTART" not in frame.columns or frame.empty:
        return frame
    newest = frame["WINDOWSTART"].max()
    earliest = newest - pd.Timedelta(minutes=window.minutes)
    return frame[frame["WINDOWSTART"] > earliest]


def _integer(text: str) -> int:
    return int(text.strip())


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"invalid literal for a decimal: {text!r}") from None


def _boolean(text: str) -> bool:
    folded = text.strip().lower()
    if folded not in ("true", "false"):
        raise ValueError(f"{text!r} is neither true nor false")
    return folded == "true"


_COERCIONS: dict[str, Callable[[str], Any]] = {
    "STRING": str,
    "VARCHAR": str,
    "INTEGER": _integer,
    "INT": _integer,
    "BIGINT": _integer,
    "DOUBLE": lambda text: float(text.strip()),
    "DECIMAL": _decimal,
    "BOOLEAN": _boolean,
}


def coerce_filter_value(text: str, type_name: str) -> Any:
    """A filter value typed into a box, as a value of its column's type.

    Raises `ValueError` with a readable reason for text that is not of that type, or for a type
    filters do not support (arrays, maps, structs, bytes, times). The value is quoted by
    `ksqlmv.client.where_equals` before it reaches KSQL, whatever it holds.
    """
    base = type_name.split("(", 1)[0].strip().upper()
    coerce = _COERCIONS.get(base)
    if coerce is None:
        raise ValueError(f"columns of type {type_name} cannot be filtered here")
    try:
        return coerce(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a {base}: {error}") from None


_STATISTIC = re.compile(r"([a-z][a-z-]*[a-z]):\s*(-?\d+(?:\.\d+)?)(?![\d/:.-])")


def parse_statistics(text: str | None) -> dict[str, float]:
    """The numbers of ksqlDB's `statistics` text (`messages-per-sec: 4.41 total-messages: 486`).

    Dates and other non-numeric values (`last-message: 2024-05-01T...`) are left out.
    """
    return {name: float(value) for name, value in _STATISTIC.findall(text or "")}


@dataclass(frozen=True, slots=True)
class Throughput:
    """Messages per second the server reads from and writes to the sources' topics, and totals."""

    consumed_per_sec: float
    produced_per_sec: float
    consumed_total: float
    produced_total: float
    failed_total: float
    reported: bool
    """Whether the server reported any statistics at all."""


def throughput(descriptions: Iterable[Mapping[str, Any]]) -> Throughput:
    """Sum the statistics of extended source descriptions (DESCRIBE ... EXTENDED)."""
    sums: dict[str, float] = {}
    reported = False
    for description in descriptions:
        stats = parse_statistics(description.get("statistics"))
        errors = parse_statistics(description.get("errorStats"))
        reported = reported or bool(stats)
        for name, value in {**stats, **errors}.items():
            sums[name] = sums.get(name, 0.0) + value
    return Throughput(
        consumed_per_sec=sums.get("consumer-messages-per-sec", 0.0),
        produced_per_sec=sums.get("messages-per-sec", 0.0),
        consumed_total=sums.get("consumer-total-messages", 0.0),
        produced_total=sums.get("total-messages", 0.0),
        failed_total=sums.get("consumer-failed-messages", 0.0) + sums.get("failed-messages", 0.0),
        reported=reported,
    )
