"""Implicit casts of function arguments, and ksqlDB's text forms of DATE, TIME and TIMESTAMP.

When resolution needed a cast (an INT passed for a DOUBLE parameter, a STRING for a TIMESTAMP),
ksqlDB wraps the argument in a CAST; `converter` returns the Python function that does the same
to one value. The text conversions are ksqlDB's `SqlTimeTypes`: the forms CAST uses between
STRING and the time types (`2020-05-26T23:59:58.000+0200`, partial dates such as `2020-05`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.javatime import (
    TemporalError,
    formatter,
    parse_timestamp,
    zone_of,
)
from ksqlmv.engine.functions.javatime.fields import civil_from_days
from ksqlmv.engine.functions.javatime.iso import parse_iso_date, parse_iso_time
from ksqlmv.errors import FunctionError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BaseType, SqlType

__all__ = [
    "bytes_from_text",
    "converter",
    "date_from_text",
    "date_text",
    "time_from_text",
    "time_text",
    "timestamp_from_text",
    "timestamp_text",
]

Converter = Callable[[Any], Any]

_TIME_PATTERN = "HH:mm:ss.SSS"
_DATE_TIME = "yyyy-MM-dd'T'HH:mm:ss.SSS"
_TIMESTAMP_HELP = (
    "\nRequired format is: \"yyyy-MM-dd'T'HH:mm:ss.SSS\", with an optional numeric 4-digit "
    "timezone, for example: '2020-05-26T23:59:58.000' or with tz: "
    "'2020-05-26T23:59:58.000+0200'. A trailing 'Z' instead of tz indicates the zero UTC "
    'offset. Partials are also supported, for example "2020-05-26"'
)
_DATE_HELP = (
    "\nRequired format is: \"yyyy-MM-dd\", for example '2020-05-26'. Partials are also "
    "supported, for example '2020-05'"
)
_TIME_HELP = (
    "\nRequired format is: \"HH:mm:ss.SSS\", for example: '01:34:20.123' or '01:34:20'. "
    "Partials are also supported, for example '01:34'"
)


def _complete_date(text: str) -> str:
    parts = text.split("-")
    # Java's String.split drops trailing empty strings
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    if len(parts) == 1:
        return text + "-01-01"
    if len(parts) == 2:
        return text + "-01"
    return text


def _complete_time(text: str) -> str:
    if len(text) >= len(_TIME_PATTERN):
        return text
    rest = _TIME_PATTERN[len(text) :]
    return text + "".join("0" if ch.isalpha() else ch for ch in rest)


def timestamp_from_text(text: str) -> int:
    """CAST(STRING AS TIMESTAMP): `2020-05-26T23:59:58.000+0200`, `2020-05-26`, `2020`."""
    value = text.strip()
    if "T" in value:
        date = value[: value.index("T")]
        rest = value[value.index("T") + 1 :]
        zone_text = ""
        if "+" in rest:
            zone_text = rest[rest.index("+") :]
        elif "-" in rest:
            zone_text = rest[rest.index("-") :]
        clock = rest[: len(rest) - len(zone_text)]
        if clock.endswith("Z"):
            clock = clock[:-1]
        time = _complete_time(clock)
    else:
        date, time, zone_text = _complete_date(value), _complete_time(""), ""
    try:
        zone = zone_of("+0000" if not zone_text.strip() else zone_text)
    except TemporalError as error:
        raise FunctionError(
            f"Failed to parse timestamp '{value}': Failed to parse timezone '{zone_text}': {error}"
            + _TIMESTAMP_HELP
        ) from None
    try:
        return parse_timestamp(f"{date}T{time}", formatter(_DATE_TIME, True), zone)
    except TemporalError as error:
        raise FunctionError(
            f"Failed to parse timestamp '{value}': {error}{_TIMESTAMP_HELP}"
        ) from None


def date_from_text(text: str) -> int:
    """CAST(STRING AS DATE): days since the epoch of `2020-05-26`, `2020-05` or `2020`."""
    value = text.strip()
    try:
        return parse_iso_date(_complete_date(value))
    except TemporalError as error:
        raise FunctionError(f"Failed to parse date '{value}': {error}{_DATE_HELP}") from None


def time_from_text(text: str) -> int:
    """CAST(STRING AS TIME): milliseconds since midnight of `01:34:20.123`, `01:34`."""
    value = text.strip()
    try:
        return parse_iso_time(value) // 1_000_000
    except TemporalError as error:
        raise FunctionError(f"Failed to parse time '{value}': {error}{_TIME_HELP}") from None


def bytes_from_text(text: str) -> bytes:
    """CAST(STRING AS BYTES): the base64 value of the trimmed text."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise FunctionError(f"Illegal base64 character: {error}") from None


def timestamp_text(epoch_millis: int) -> str:
    """CAST(TIMESTAMP AS STRING): `2020-05-26T23:59:58.000`, in UTC."""
    seconds, millis = divmod(epoch_millis, 1000)
    day, second_of_day = divmod(seconds, 86_400)
    year, month, date = civil_from_days(day)
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    # the pattern's `yyyy` is the year of era: 1 BCE (year 0) prints as 0001, with no era
    year_of_era = _year(year if year > 0 else 1 - year)
    clock = f"{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}"
    return f"{year_of_era}-{month:02d}-{date:02d}T{clock}"


def date_text(epoch_day: int) -> str:
    """CAST(DATE AS STRING): ISO `2020-05-26`."""
    year, month, day = civil_from_days(epoch_day)
    return f"{_year(year)}-{month:02d}-{day:02d}"


def time_text(millis_of_day: int) -> str:
    """CAST(TIME AS STRING): `HH:mm:ss`, or `HH:mm` when the seconds are zero (LocalTime)."""
    seconds = millis_of_day // 1000
    hour, rest = divmod(seconds, 3600)
    minute, second = divmod(rest, 60)
    if second == 0:
        return f"{hour:02d}:{minute:02d}"
    return f"{hour:02d}:{minute:02d}:{second:02d}"


def _year(year: int) -> str:
    if 0 <= year <= 9999:
        return f"{year:04d}"
    return f"{'+' if year > 0 else '-'}{abs(year):04d}"


# ------------------------------------------------------------------------------ implicit casts


def _nullable(function: Converter) -> Converter:
    def convert(value: Any) -> Any:
        return None if value is None else function(value)

    return convert


def _float(value: Any) -> Any:
    return None if value is None else float(value)


def _decimal(value: Any) -> Any:
    return None if value is None else Decimal(value)


_PRIMITIVE = {
    (BaseType.INTEGER, BaseType.DOUBLE): _float,
    (BaseType.BIGINT, BaseType.DOUBLE): _float,
    (BaseType.DECIMAL, BaseType.DOUBLE): _float,
    (BaseType.INTEGER, BaseType.DECIMAL): _decimal,
    (BaseType.BIGINT, BaseType.DECIMAL): _decimal,
    (BaseType.STRING, BaseType.TIMESTAMP): _nullable(timestamp_from_text),
    (BaseType.STRING, BaseType.DATE): _nullable(date_from_text),
    (BaseType.STRING, BaseType.TIME): _nullable(time_from_text),
    (BaseType.STRING, BaseType.BYTES): _nullable(bytes_from_text),
}


def converter(source: SqlType, target: p.ParamType) -> Converter | None:
    """The conversion an argument of type `source` needs for parameter `target`; None if none.

    Arrays and maps convert element by element; structs never convert.
    """
    if isinstance(source, t.ArrayType) and isinstance(target, p.ArrayParam):
        inner = converter(source.element, target.element)
        if inner is None:
            return None
        element = inner
        return _nullable(lambda values: [element(v) for v in values])
    if isinstance(source, t.MapType) and isinstance(target, p.MapParam):
        key = converter(source.key, target.key)
        value = converter(source.value, target.value)
        if key is None and value is None:
            return None
        key_of = key or (lambda k: k)
        value_of = value or (lambda v: v)
        return _nullable(lambda entries: {key_of(k): value_of(v) for k, v in entries.items()})
    if isinstance(target, p.DecimalParam):
        wanted = BaseType.DECIMAL
    elif isinstance(target, p.PrimitiveParam):
        wanted = target.kind
    else:
        return None
    return _PRIMITIVE.get((source.base, wanted))
