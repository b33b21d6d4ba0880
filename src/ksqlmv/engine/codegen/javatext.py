"""Text forms ksqlDB produces through Java: `Double.toString`, `String.valueOf` of collections,
and its ISO-8601 timestamp, date and time formats (always UTC). Reading those text forms
back is `ksqlmv.engine.functions.conversions`' (`timestamp_from_text`, ...).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

__all__ = [
    "format_date",
    "format_time",
    "format_timestamp",
    "java_double",
    "java_string",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_DATE = dt.date(1970, 1, 1)


def java_double(value: float) -> str:
    """`value` as Java's `Double.toString` prints it: `1.0`, `1.0E7`, `1.234E-5`, `NaN`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text if "." in text else text + ".0"
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest_digits(magnitude)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}E{exponent}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest decimal digits of a positive float, and the exponent of the first digit."""
    mantissa, _, exp = f"{value!r}".partition("e")
    if not exp:
        mantissa = repr(value)
        exponent_shift = 0
    else:
        exponent_shift = int(exp)
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    leading_zeros = len(whole + frac) - len((whole + frac).lstrip("0"))
    exponent = len(whole) - 1 - leading_zeros + exponent_shift
    return digits.rstrip("0") or "0", exponent


def java_string(value: Any) -> str:
    """`String.valueOf` of an engine value: lists as `[a, b]`, maps as `{k=v}`, structs as
    `Struct{A=1,B=x}` (NULL fields left out), doubles as Java prints them.
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java_string(k)}={java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def java_struct_string(value: dict[str, Any]) -> str:
    """A STRUCT as Kafka Connect's `Struct.toString` prints it."""
    parts = [f"{k}={java_string(v)}" for k, v in value.items() if v is not None]
    return "Struct{" + ",".join(parts) + "}"


def format_timestamp(millis: int) -> str:
    """`yyyy-MM-dd'T'HH:mm:ss.SSS` in UTC."""
    moment = _EPOCH + dt.timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def format_date(days: int) -> str:
    """`yyyy-MM-dd`."""
    return (_EPOCH_DATE + dt.timedelta(days=days)).isoformat()


def format_time(millis: int) -> str:
    """`HH:mm` or `HH:mm:ss` (Java's `LocalTime.toString` of whole seconds)."""
    seconds = millis // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
