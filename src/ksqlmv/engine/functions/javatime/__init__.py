"""Java's date and time formatting and parsing, faithfully, for ksqlDB's date/time functions.

ksqlDB formats and parses with `java.time.format.DateTimeFormatter` patterns (and, for
PARSE_DATE, `SimpleDateFormat` patterns through commons-lang's FastDateFormat). This package
compiles the same patterns and reproduces their output, their parsing rules (strict widths,
adjacent numbers, case-insensitive parsing where ksqlDB asks for it, SMART resolution) and
their error messages.

```python
fmt = formatter("yyyy-MM-dd HH:mm:ss zzz")
format_timestamp(1526075913000, fmt, zone_of("America/Los_Angeles"))  # '2018-05-11 14:58:33 PDT'
parse_timestamp("2018-05-11T21:58:33 PST", formatter("yyyy-MM-dd'T'HH:mm:ss zzz", True),
                zone_of("GMT"))                                        # 1526101113000
```
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from ksqlmv.engine.functions.javatime.elements import Composite
from ksqlmv.engine.functions.javatime.fields import (
    Field,
    Moment,
    TemporalError,
    civil_from_days,
    days_from_civil,
    is_leap,
    month_length,
)
from ksqlmv.engine.functions.javatime.pattern import PatternError, compile_pattern, format_moment
from ksqlmv.engine.functions.javatime.resolve import Parsed, invalid_date, parse
from ksqlmv.engine.functions.javatime.simple import parse_simple_date
from ksqlmv.engine.functions.javatime.zones import Zone, offset_text, system_zone, zone_of

__all__ = [
    "PatternError",
    "TemporalError",
    "Zone",
    "format_date",
    "format_time",
    "format_timestamp",
    "formatter",
    "parse_date",
    "parse_simple_date",
    "parse_time",
    "parse_timestamp",
    "system_zone",
    "zone_of",
]


@functools.lru_cache(maxsize=1000)
def formatter(pattern: str, root: bool = False) -> Composite:
    """The compiled pattern (cached, as ksqlDB caches up to 1000 formatters per function).

    `root` selects Locale.ROOT's texts, as ksqlDB's timestamp parser (PARSE_TIMESTAMP,
    STRINGTOTIMESTAMP, CAST to TIMESTAMP) uses; the others use the English ones. Parsing is
    always case-insensitive, as in every ksqlDB parser. PatternError for an invalid pattern.
    """
    return compile_pattern(pattern, root_locale=root)


def format_timestamp(epoch_millis: int, fmt: Composite, zone: Zone) -> str:
    """Print an instant as a ZonedDateTime in `zone`."""
    seconds, millis = divmod(epoch_millis, 1000)
    offset = zone.offset_at(seconds)
    local = seconds + offset
    day, second_of_day = divmod(local, 86_400)
    moment = Moment(day, second_of_day * 1_000_000_000 + millis * 1_000_000, zone.id, offset)
    return format_moment(fmt, moment)


def format_date(epoch_day: int, fmt: Composite) -> str:
    """Print a LocalDate."""
    return format_moment(fmt, Moment(epoch_day=epoch_day))


def format_time(millis_of_day: int, fmt: Composite) -> str:
    """Print a LocalTime."""
    return format_moment(fmt, Moment(nano_of_day=millis_of_day * 1_000_000))


def parse_time(text: str, fmt: Composite) -> int:
    """Milliseconds since midnight of a time (ksqlDB's PARSE_TIME rules)."""
    parsed = parse(fmt, text, case_sensitive=False)
    if parsed.epoch_day is not None or any(f.date_based for f in parsed.fields):
        raise TemporalError("Time format contains date field.")
    if parsed.nano_of_day is None:
        raise TemporalError(
            "Unable to obtain LocalTime from TemporalAccessor: "
            f"{parsed.describe()} of type java.time.format.Parsed"
        )
    return parsed.nano_of_day // 1_000_000


def parse_date(text: str, fmt: Composite) -> int:
    """Days since the epoch of a date (`LocalDate.parse`, as STRINGTODATE uses it)."""
    parsed = parse(fmt, text, case_sensitive=False)
    if parsed.epoch_day is None:
        raise TemporalError(
            f"Text '{text}' could not be parsed: Unable to obtain LocalDate from "
            f"TemporalAccessor: {parsed.describe()} of type java.time.format.Parsed"
        )
    return parsed.epoch_day + parsed.excess_days


def parse_timestamp(text: str, fmt: Composite, default_zone: Zone) -> int:
    """Milliseconds since the epoch of a timestamp (ksqlDB's StringToTimestampParser).

    Fields missing from the text default to 1970-01-01T00:00 in the parsed zone, or in
    `default_zone` when the text names none; each parsed field then overrides its part, from
    the largest unit to the smallest.
    """
    parsed = parse(fmt, text, case_sensitive=False)
    zone = parsed.zone
    if zone is None and parsed.offset is not None:
        zone = zone_of(offset_text(parsed.offset))
    if zone is None:
        zone = default_zone
    epoch_day = _date_of(parsed, text)
    nano_of_day = _time_of(parsed)
    second_of_day = nano_of_day // 1_000_000_000
    offset = zone.offset_of_local(epoch_day, second_of_day)
    if parsed.offset is not None and parsed.zone is not None and parsed.zone.info is not None:
        # an explicit offset picks between the two offsets of an overlap when it is one of them
        later = _later_offset(zone, epoch_day, second_of_day)
        if parsed.offset in (offset, later):
            offset = parsed.offset
    seconds = epoch_day * 86_400 + second_of_day - offset
    return seconds * 1000 + nano_of_day % 1_000_000_000 // 1_000_000


def _later_offset(zone: Zone, epoch_day: int, second_of_day: int) -> int:
    assert zone.info is not None
    naive = datetime(1970, 1, 1) + timedelta(days=epoch_day, seconds=second_of_day)
    delta = naive.replace(tzinfo=zone.info, fold=1).utcoffset()
    assert delta is not None
    return int(delta.total_seconds())


def _date_of(parsed: Parsed, text: str) -> int:
    if parsed.epoch_day is not None:
        return parsed.epoch_day + parsed.excess_days
    values = parsed.fields
    year, month, day = 1970, 1, 1
    if Field.ERA in values and values[Field.ERA] == 0:
        year = 1 - year
    if Field.YEAR in values:
        year = Field.YEAR.check(values[Field.YEAR])
        day = min(day, month_length(year, month))
    if Field.MONTH_OF_YEAR in values:
        month = Field.MONTH_OF_YEAR.check(values[Field.MONTH_OF_YEAR])
        day = min(day, month_length(year, month))
    epoch_day = days_from_civil(year, month, day)
    if Field.DAY_OF_WEEK in values:
        wanted = Field.DAY_OF_WEEK.check(values[Field.DAY_OF_WEEK])
        epoch_day += wanted - ((epoch_day + 3) % 7 + 1)
        year, month, day = civil_from_days(epoch_day)
    if Field.DAY_OF_MONTH in values:
        day = Field.DAY_OF_MONTH.check(values[Field.DAY_OF_MONTH])
        if day > month_length(year, month):
            raise TemporalError(invalid_date(year, month, day))
        epoch_day = days_from_civil(year, month, day)
    if Field.DAY_OF_YEAR in values:
        day_of_year = Field.DAY_OF_YEAR.check(values[Field.DAY_OF_YEAR])
        if day_of_year == 366:
            if Field.YEAR not in values:
                raise TemporalError("Leap day cannot be parsed without supplying the year field")
            if not is_leap(year):
                raise TemporalError(f"Invalid date 'DayOfYear 366' as '{year}' is not a leap year")
        epoch_day = days_from_civil(year, 1, 1) + day_of_year - 1
    return epoch_day


def _time_of(parsed: Parsed) -> int:
    if parsed.nano_of_day is not None:
        return parsed.nano_of_day
    values = parsed.fields
    hour = minute = second = nano = 0
    if Field.AMPM_OF_DAY in values:
        hour = Field.AMPM_OF_DAY.check(values[Field.AMPM_OF_DAY]) * 12
    if Field.HOUR_OF_AMPM in values:
        hour = hour // 12 * 12 + Field.HOUR_OF_AMPM.check(values[Field.HOUR_OF_AMPM])
    if Field.HOUR_OF_DAY in values:
        hour = Field.HOUR_OF_DAY.check(values[Field.HOUR_OF_DAY])
    if Field.MINUTE_OF_HOUR in values:
        minute = Field.MINUTE_OF_HOUR.check(values[Field.MINUTE_OF_HOUR])
    if Field.SECOND_OF_MINUTE in values:
        second = Field.SECOND_OF_MINUTE.check(values[Field.SECOND_OF_MINUTE])
    if Field.NANO_OF_SECOND in values:
        nano = Field.NANO_OF_SECOND.check(values[Field.NANO_OF_SECOND])
    return ((hour * 60 + minute) * 60 + second) * 1_000_000_000 + nano
