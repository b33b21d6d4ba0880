"""Date and time arithmetic: CONVERT_TZ, DATEADD/DATESUB, TIMEADD/TIMESUB,
TIMESTAMPADD/TIMESTAMPSUB, FROM_DAYS, FROM_UNIXTIME, UNIX_DATE and UNIX_TIMESTAMP.

The time-unit argument arrives as the SQL front end's `TimeUnit`. DATEADD truncates towards zero
(adding -1 HOURS to a date keeps the date) and TIMEADD wraps around midnight, as in ksqlDB.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ksqlmv.engine.functions import javatime
from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import DATE_TIME
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.javatime import TemporalError, zone_of
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError
from ksqlmv.sql.ast import TimeUnit

__all__ = ["FUNCTIONS"]

_DAY = 86_400_000


def _java_div(value: int, divisor: int) -> int:
    """Java's long division, truncating towards zero."""
    quotient = abs(value) // divisor
    return quotient if value >= 0 else -quotient


# ------------------------------------------------------------------------------ arithmetic


def _convert_tz(millis: int | None, source: str | None, target: str | None) -> int | None:
    if millis is None or source is None or target is None:
        return None
    try:
        seconds = millis // 1000
        shift = zone_of(target).offset_at(seconds) - zone_of(source).offset_at(seconds)
    except TemporalError as error:
        raise FunctionError(f"Invalid time zone: {error}") from None
    return millis + shift * 1000


def _shift(sign: int, apply: Callable[[int, int], int]) -> Callable[..., int | None]:
    def call(unit: TimeUnit | None, interval: int | None, value: int | None) -> int | None:
        if unit is None or interval is None or value is None:
            return None
        return apply(value, sign * interval * unit.millis)

    return call


def _date_shift(days: int, delta_millis: int) -> int:
    return _java_div(days * _DAY + delta_millis, _DAY)


def _time_shift(millis: int, delta_millis: int) -> int:
    return (millis + delta_millis) % _DAY


def _timestamp_shift(millis: int, delta_millis: int) -> int:
    return millis + delta_millis


def _from_days(days: int | None) -> int:
    if days is None:
        raise FunctionError("Failed to invoke function FROM_DAYS: days is NULL")
    return days


def _same(value: Any) -> Any:
    return value


def _unix_date() -> int:
    zone = javatime.system_zone()
    now = time.time_ns() // 1_000_000
    return (now // 1000 + zone.offset_at(now // 1000)) // 86_400


def _unix_timestamp() -> int:
    return time.time_ns() // 1_000_000


def _shift_entry(
    name: str,
    description: str,
    verb: str,
    example: str,
    target: p.ParamType,
    label: str,
    sign: int,
    apply: Callable[[int, int], int],
) -> FunctionEntry:
    noun = "add" if sign > 0 else "subtract"
    return scalar(
        name,
        DATE_TIME,
        description,
        overload(
            [
                param("unit", p.INTERVAL_UNIT, f"A unit of time, for example {example}"),
                param("interval", p.INT, f"An integer number of intervals to {noun}"),
                param(label.lower(), target, f"A {label} value."),
            ],
            target,
            _shift(sign, apply),
            verb,
        ),
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "convert_tz",
        DATE_TIME,
        "Converts a TIMESTAMP value from one timezone to another.",
        overload(
            [
                param("timestamp", p.TIMESTAMP, "The TIMESTAMP value."),
                param(
                    "fromTimeZone",
                    p.STRING,
                    "The fromTimeZone in java.util.TimeZone ID format. "
                    'For example: "UTC", "America/Los_Angeles", "PST", "Europe/London"',
                ),
                param(
                    "toTimeZone",
                    p.STRING,
                    "The toTimeZone in java.util.TimeZone ID format. For "
                    'example: "UTC", "America/Los_Angeles", "PST", "Europe/London"',
                ),
            ],
            p.TIMESTAMP,
            _convert_tz,
            "Converts a TIMESTAMP value from one timezone to another",
        ),
    ),
    _shift_entry(
        "dateadd",
        "Adds a duration to a DATE value.",
        "Adds a duration to a date",
        "DAY",
        p.DATE,
        "DATE",
        1,
        _date_shift,
    ),
    _shift_entry(
        "datesub",
        "Subtracts a duration from a DATE value.",
        "Subtracts a duration from a date",
        "DAY",
        p.DATE,
        "DATE",
        -1,
        _date_shift,
    ),
    scalar(
        "from_days",
        DATE_TIME,
        "Converts a number of days since epoch to a DATE value.",
        overload(
            [param("days", p.INT)],
            p.DATE,
            _from_days,
            "Converts a number of days since epoch to a DATE value.",
        ),
    ),
    scalar(
        "from_unixtime",
        DATE_TIME,
        "Converts the number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into a TIMESTAMP "
        "value.",
        overload(
            [param("epochMilli", p.BIGINT, "Milliseconds since January 1, 1970, 00:00:00 GMT.")],
            p.TIMESTAMP,
            _same,
            "Converts the number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into a "
            "TIMESTAMP value.",
        ),
    ),
    _shift_entry(
        "timeadd",
        "Adds a duration to a TIME value.",
        "Adds a duration to a time",
        "SECOND or HOUR",
        p.TIME,
        "TIME",
        1,
        _time_shift,
    ),
    _shift_entry(
        "timesub",
        "Subtracts a duration from a TIME value.",
        "Subtracts a duration from a time",
        "SECOND or HOUR",
        p.TIME,
        "TIME",
        -1,
        _time_shift,
    ),
    _shift_entry(
        "timestampadd",
        "Adds a duration to a TIMESTAMP value.",
        "Adds a duration to a timestamp",
        "DAY or HOUR",
        p.TIMESTAMP,
        "TIMESTAMP",
        1,
        _timestamp_shift,
    ),
    _shift_entry(
        "timestampsub",
        "Subtracts a duration from a TIMESTAMP value.",
        "Subtracts a duration from a timestamp",
        "DAY or HOUR",
        p.TIMESTAMP,
        "TIMESTAMP",
        -1,
        _timestamp_shift,
    ),
    scalar(
        "unix_date",
        DATE_TIME,
        "Returns the current number of days for the system since 1970-01-01 00:00:00 UTC/GMT.",
        overload(
            [],
            p.INT,
            _unix_date,
            "Returns the current number of days for the system since 1970-01-01 00:00:00 UTC/GMT.",
        ),
        overload(
            [param("date", p.DATE)],
            p.INT,
            _same,
            "Returns the current number of days since 1970-01-01 00:00:00 UTC/GMT "
            "represented by the given date.",
        ),
    ),
    scalar(
        "unix_timestamp",
        DATE_TIME,
        "Returns the current number of milliseconds for the system since 1970-01-01 00:00:00 "
        "UTC/GMT.",
        overload(
            [],
            p.BIGINT,
            _unix_timestamp,
            "Returns the current number of milliseconds for the system since 1970-01-01 "
            "00:00:00 UTC/GMT.",
        ),
        overload(
            [param("timestamp", p.TIMESTAMP, "the TIMESTAMP value.")],
            p.BIGINT,
            _same,
            "Returns the number of milliseconds since 1970-01-01 00:00:00 UTC/GMT "
            "represented by the given timestamp.",
        ),
    ),
)
