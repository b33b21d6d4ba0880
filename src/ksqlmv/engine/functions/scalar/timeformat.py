"""Date and time formatting and parsing: FORMAT_*/PARSE_* and the deprecated
TIMESTAMPTOSTRING, STRINGTOTIMESTAMP, STRINGTODATE and DATETOSTRING.

Patterns are Java's (`DateTimeFormatter`, and `SimpleDateFormat` for PARSE_DATE), reproduced by
`ksqlmv.engine.functions.javatime`. Without a time zone argument, FORMAT_TIMESTAMP and
PARSE_TIMESTAMP use GMT while TIMESTAMPTOSTRING and STRINGTOTIMESTAMP use the system's default
zone, as in ksqlDB. Failures carry ksqlDB's messages ("Failed to parse timestamp ...").
"""

from __future__ import annotations

import datetime as dt

from ksqlmv.engine.functions import javatime
from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import DATE_TIME
from ksqlmv.engine.functions.conversions import date_text, timestamp_text
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.javatime import PatternError, TemporalError, formatter, zone_of
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS"]

_DAY = 86_400_000

_PATTERN = (
    "The format pattern should be in the format expected by java.time.format.DateTimeFormatter."
)

_ZONE = (
    ' timeZone is a java.util.TimeZone ID format, for example: "UTC", "America/Los_Angeles", '
    '"PST", "Europe/London"'
)

_QUOTES = (
    "Single quotes in the timestamp format can be escaped with '', for example: "
    "'yyyy-MM-dd''T''HH:mm:ssX'"
)

_SYSTEM_ZONE = "The system default time zone is used when no time zone is explicitly provided."

_FAILURES = (TemporalError, PatternError, FunctionError)


def _timestamp_text(millis: int) -> str:
    # java.sql.Timestamp.toString in the system zone, as ksqlDB's messages print it
    zone = javatime.system_zone()
    seconds, rest = divmod(millis, 1000)
    try:
        local = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds + zone.offset_at(seconds))
    except OverflowError:
        return timestamp_text(millis)
    fraction = f"{rest:03d}".rstrip("0") or "0"
    return local.strftime("%Y-%m-%d %H:%M:%S") + "." + fraction


def _local_time_text(millis: int) -> str:
    # LocalTime.toString: HH:mm, HH:mm:ss or HH:mm:ss.SSS
    seconds, rest = divmod(millis % _DAY, 1000)
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
    if seconds % 60 or rest:
        text += f":{seconds % 60:02d}"
    if rest:
        text += f".{rest:03d}"
    return text


# ------------------------------------------------------------------------------ formatting


def _format_timestamp(
    millis: int | None, pattern: str | None, zone: str | None = "GMT"
) -> str | None:
    if millis is None or pattern is None or zone is None:
        return None
    try:
        return javatime.format_timestamp(millis, formatter(pattern), zone_of(zone))
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to format timestamp {_timestamp_text(millis)} at timeZone '{zone}' with "
            f"formatter '{pattern}': {error}"
        ) from None


def _timestamp_to_string(
    millis: int | None, pattern: str | None, zone: str | None = None
) -> str | None:
    if millis is None:
        raise FunctionError("Failed to invoke function TIMESTAMPTOSTRING: epochMilli is NULL")
    if pattern is None:
        return None
    try:
        where = javatime.system_zone() if zone is None else zone_of(zone)
        return javatime.format_timestamp(millis, formatter(pattern), where)
    except _FAILURES as error:
        where_text = "" if zone is None else f" at timeZone '{zone}'"
        raise FunctionError(
            f"Failed to format timestamp {millis}{where_text} with formatter '{pattern}': {error}"
        ) from None


def _timestamp_to_string_zone(
    millis: int | None, pattern: str | None, zone: str | None
) -> str | None:
    if millis is None:
        raise FunctionError("Failed to invoke function TIMESTAMPTOSTRING: epochMilli is NULL")
    if pattern is None or zone is None:
        return None
    return _timestamp_to_string(millis, pattern, zone)


def _format_date(days: int | None, pattern: str | None) -> str | None:
    if days is None or pattern is None:
        return None
    try:
        return javatime.format_date(days, formatter(pattern))
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to format date {date_text(days)} with formatter '{pattern}': {error}"
        ) from None


def _date_to_string(days: int | None, pattern: str | None) -> str | None:
    if days is None:
        raise FunctionError("Failed to invoke function DATETOSTRING: epochDays is NULL")
    if pattern is None:
        return None
    try:
        return javatime.format_date(days, formatter(pattern))
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to format date {days} with formatter '{pattern}': {error}"
        ) from None


def _format_time(millis: int | None, pattern: str | None) -> str | None:
    if millis is None or pattern is None:
        return None
    try:
        return javatime.format_time(millis, formatter(pattern))
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to format time {_local_time_text(millis)} with formatter '{pattern}': {error}"
        ) from None


# ------------------------------------------------------------------------------ parsing


def _parse_timestamp(text: str | None, pattern: str | None, zone: str | None = "GMT") -> int | None:
    if text is None or pattern is None or zone is None:
        return None
    try:
        return javatime.parse_timestamp(text, formatter(pattern, True), zone_of(zone))
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to parse timestamp '{text}' at timezone '{zone}' with formatter "
            f"'{pattern}': {error}"
        ) from None


def _string_to_timestamp(text: str | None, pattern: str | None, zone: str | None = None) -> int:
    try:
        if text is None or pattern is None:
            raise TemporalError("Cannot parse NULL")
        where = javatime.system_zone() if zone is None else zone_of(zone)
        return javatime.parse_timestamp(text, formatter(pattern, True), where)
    except _FAILURES as error:
        where_text = "" if zone is None else f" at timezone '{zone}'"
        raise FunctionError(
            f"Failed to parse timestamp '{text}'{where_text} with formatter '{pattern}': {error}"
        ) from None


def _string_to_timestamp_zone(text: str | None, pattern: str | None, zone: str | None) -> int:
    if zone is None:
        raise FunctionError(
            f"Failed to parse timestamp '{text}' at timezone 'null' with formatter '{pattern}'"
        )
    return _string_to_timestamp(text, pattern, zone)


def _parse_date(text: str | None, pattern: str | None) -> int | None:
    if text is None or pattern is None:
        return None
    try:
        millis = javatime.parse_simple_date(text, pattern)
        if millis % _DAY:
            raise TemporalError("Date format contains time field.")
        return millis // _DAY
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to parse date '{text}' with formatter '{pattern}': {error}"
        ) from None


def _string_to_date(text: str | None, pattern: str | None) -> int:
    try:
        if text is None or pattern is None:
            raise TemporalError("Cannot parse NULL")
        return javatime.parse_date(text, formatter(pattern))
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to parse date '{text}' with formatter '{pattern}': {error}"
        ) from None


def _parse_time(text: str | None, pattern: str | None) -> int | None:
    if text is None or pattern is None:
        return None
    try:
        return javatime.parse_time(text, formatter(pattern))
    except _FAILURES as error:
        raise FunctionError(
            f"Failed to parse time '{text}' with formatter '{pattern}': {error}"
        ) from None


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "datetostring",
        DATE_TIME,
        "Converts the number of days since 1970-01-01 00:00:00 UTC/GMT to a date string using the "
        "given format pattern. Note this is the format Kafka Connect uses to represent dates with "
        "no time component.  The format pattern should be in the format expected by "
        f"java.time.format.DateTimeFormatter. {_SYSTEM_ZONE}",
        overload(
            [
                param(
                    "epochDays", p.INT, "The Epoch Day to convert, based on the epoch 1970-01-01"
                ),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.STRING,
            _date_to_string,
            "Converts the number of days since 1970-01-01 00:00:00 UTC/GMT to a date string "
            "using the given format pattern. The format pattern should be in the format expected "
            "by java.time.format.DateTimeFormatter",
        ),
    ),
    scalar(
        "format_date",
        DATE_TIME,
        "Converts a DATE value to a string using the given format pattern. The format pattern "
        "should be in the format expected by java.time.format.DateTimeFormatter.",
        overload(
            [
                param("date", p.DATE, "The date to convert"),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.STRING,
            _format_date,
            "Converts the number of days since 1970-01-01 00:00:00 UTC/GMT to a date string "
            "using the given format pattern. The format pattern should be in the format expected "
            "by java.time.format.DateTimeFormatter",
        ),
    ),
    scalar(
        "format_time",
        DATE_TIME,
        "Converts a TIME value into the string representation of the time in the given format.",
        overload(
            [param("time", p.TIME, "TIME value."), param("formatPattern", p.STRING, _PATTERN)],
            p.STRING,
            _format_time,
            "Converts a TIME value into the string representation of the time in the given "
            "format. The format pattern should be in the format expected by "
            "java.time.format.DateTimeFormatter",
        ),
    ),
    scalar(
        "format_timestamp",
        DATE_TIME,
        "Converts a TIMESTAMP value into the string representation of the timestamp in the given "
        "format.",
        overload(
            [
                param("timestamp", p.TIMESTAMP, "TIMESTAMP value."),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.STRING,
            _format_timestamp,
            "Converts a TIMESTAMP value into the string representation of the timestamp in the "
            f"given format. {_QUOTES} {_SYSTEM_ZONE} The format pattern should be in the format "
            "expected by java.time.format.DateTimeFormatter",
        ),
        overload(
            [
                param("timestamp", p.TIMESTAMP, "TIMESTAMP value."),
                param("formatPattern", p.STRING, _PATTERN),
                param("timeZone", p.STRING, _ZONE),
            ],
            p.STRING,
            _format_timestamp,
            "Converts a TIMESTAMP value into the string representation of the timestamp in the "
            f"given format. {_QUOTES}",
        ),
    ),
    scalar(
        "parse_date",
        DATE_TIME,
        "Converts a string representation of a date in the given format into a DATE value. The "
        "format pattern should be in the format expected by java.text.SimpleDateFormat",
        overload(
            [
                param("formattedDate", p.STRING, "The string representation of a date."),
                param(
                    "formatPattern",
                    p.STRING,
                    "The format pattern should be in the format "
                    "expected by java.text.SimpleDateFormat.",
                ),
            ],
            p.DATE,
            _parse_date,
            "Converts a string representation of a date in the given format into a DATE value.",
        ),
    ),
    scalar(
        "parse_time",
        DATE_TIME,
        "Converts a string representation of a time in the given format into a TIME value.",
        overload(
            [
                param("formattedTime", p.STRING, "The string representation of a time."),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.TIME,
            _parse_time,
            "Converts a string representation of a time in the given format into the TIME value.",
        ),
    ),
    scalar(
        "parse_timestamp",
        DATE_TIME,
        "Converts a string representation of a date in the given format into a TIMESTAMP value.",
        overload(
            [
                param("formattedTimestamp", p.STRING, "The string representation of a date."),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.TIMESTAMP,
            _parse_timestamp,
            "Converts a string representation of a date in the given format into the TIMESTAMP "
            f"value. {_QUOTES}.",
        ),
        overload(
            [
                param("formattedTimestamp", p.STRING, "The string representation of a date."),
                param("formatPattern", p.STRING, _PATTERN),
                param("timeZone", p.STRING, _ZONE),
            ],
            p.TIMESTAMP,
            _parse_timestamp,
            "Converts a string representation of a date at the given time zone in the given "
            f"format into the TIMESTAMP value. {_QUOTES}.",
        ),
    ),
    scalar(
        "stringtodate",
        DATE_TIME,
        "Converts a string representation of a date in the given format into the number of days "
        f"since 1970-01-01 00:00:00 UTC/GMT. {_SYSTEM_ZONE} Note this is the format Kafka Connect "
        "uses to represent dates with no time component. The format pattern should be in the "
        "format expected by java.time.format.DateTimeFormatter",
        overload(
            [
                param("formattedDate", p.STRING, "The string representation of a date."),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.INT,
            _string_to_date,
            "Converts a string representation of a date in the given format into the number of "
            "days since 1970-01-01 00:00:00 UTC/GMT.",
        ),
    ),
    scalar(
        "stringtotimestamp",
        DATE_TIME,
        "Converts a string representation of a date in the given format into the number of "
        f"milliseconds since 1970-01-01 00:00:00 UTC/GMT. {_SYSTEM_ZONE}",
        overload(
            [
                param("formattedTimestamp", p.STRING, "The string representation of a date."),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.BIGINT,
            _string_to_timestamp,
            "Converts a string representation of a date in the given format into the number of "
            f"milliseconds since 1970-01-01 00:00:00 UTC/GMT. {_QUOTES}. {_SYSTEM_ZONE}",
        ),
        overload(
            [
                param("formattedTimestamp", p.STRING, "The string representation of a date."),
                param("formatPattern", p.STRING, _PATTERN),
                param("timeZone", p.STRING, _ZONE),
            ],
            p.BIGINT,
            _string_to_timestamp_zone,
            "Converts a string representation of a date at the given time zone into the number of "
            f"milliseconds since 1970-01-01 00:00:00 UTC/GMT. {_QUOTES}.",
        ),
    ),
    scalar(
        "timestamptostring",
        DATE_TIME,
        "Converts a number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into the string "
        f"representation of the timestamp in the given format. {_SYSTEM_ZONE}",
        overload(
            [
                param(
                    "epochMilli", p.BIGINT, "Milliseconds since January 1, 1970, 00:00:00 UTC/GMT."
                ),
                param("formatPattern", p.STRING, _PATTERN),
            ],
            p.STRING,
            _timestamp_to_string,
            "Converts a number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into the string "
            f"representation of the timestamp in the given format. {_QUOTES}. {_SYSTEM_ZONE} The "
            "format pattern should be in the format expected by java.time.format.DateTimeFormatter",
        ),
        overload(
            [
                param(
                    "epochMilli", p.BIGINT, "Milliseconds since January 1, 1970, 00:00:00 UTC/GMT."
                ),
                param("formatPattern", p.STRING, _PATTERN),
                param("timeZone", p.STRING, _ZONE),
            ],
            p.STRING,
            _timestamp_to_string_zone,
            "Converts a number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into the string "
            f"representation of the timestamp in the given format. {_QUOTES}",
        ),
    ),
)
