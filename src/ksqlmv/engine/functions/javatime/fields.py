"""java.time's fields, calendar arithmetic and the values a formatter prints.

Dates are proleptic Gregorian days since 1970-01-01 computed with integer arithmetic, so years
outside Python's `datetime` range format as they do in Java. `Moment` is what a formatter reads:
a date, a time of day, a zone and its offset, any of them possibly absent (a DATE has no time, a
TIME no date), exactly as Java's LocalDate, LocalTime and ZonedDateTime differ.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "DAY_NAMES",
    "MONTH_NAMES",
    "Field",
    "Moment",
    "TemporalError",
    "civil_from_days",
    "days_from_civil",
    "is_leap",
    "month_length",
]


# English names (Locale.ENGLISH; ROOT abbreviates these), Monday first as ISO numbers days
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class TemporalError(ValueError):
    """A java.time `DateTimeException`: the message is Java's."""


class Field(enum.Enum):
    """ChronoField: Java's display name, the valid range and whether it is date-based."""

    NANO_OF_SECOND = ("NanoOfSecond", 0, 999_999_999, False)
    NANO_OF_DAY = ("NanoOfDay", 0, 86_400_000_000_000 - 1, False)
    MICRO_OF_SECOND = ("MicroOfSecond", 0, 999_999, False)
    MICRO_OF_DAY = ("MicroOfDay", 0, 86_400_000_000 - 1, False)
    MILLI_OF_SECOND = ("MilliOfSecond", 0, 999, False)
    MILLI_OF_DAY = ("MilliOfDay", 0, 86_400_000 - 1, False)
    SECOND_OF_MINUTE = ("SecondOfMinute", 0, 59, False)
    SECOND_OF_DAY = ("SecondOfDay", 0, 86_399, False)
    MINUTE_OF_HOUR = ("MinuteOfHour", 0, 59, False)
    MINUTE_OF_DAY = ("MinuteOfDay", 0, 1439, False)
    HOUR_OF_AMPM = ("HourOfAmPm", 0, 11, False)
    CLOCK_HOUR_OF_AMPM = ("ClockHourOfAmPm", 1, 12, False)
    HOUR_OF_DAY = ("HourOfDay", 0, 23, False)
    CLOCK_HOUR_OF_DAY = ("ClockHourOfDay", 1, 24, False)
    AMPM_OF_DAY = ("AmPmOfDay", 0, 1, False)
    DAY_OF_WEEK = ("DayOfWeek", 1, 7, True)
    ALIGNED_DAY_OF_WEEK_IN_MONTH = ("AlignedDayOfWeekInMonth", 1, 7, True)
    ALIGNED_DAY_OF_WEEK_IN_YEAR = ("AlignedDayOfWeekInYear", 1, 7, True)
    DAY_OF_MONTH = ("DayOfMonth", 1, 31, True)
    DAY_OF_YEAR = ("DayOfYear", 1, 366, True)
    EPOCH_DAY = ("EpochDay", -365_243_219_162, 365_241_780_471, True)
    ALIGNED_WEEK_OF_MONTH = ("AlignedWeekOfMonth", 1, 5, True)
    ALIGNED_WEEK_OF_YEAR = ("AlignedWeekOfYear", 1, 53, True)
    MONTH_OF_YEAR = ("MonthOfYear", 1, 12, True)
    PROLEPTIC_MONTH = ("ProlepticMonth", -11_999_999_988, 11_999_999_999, True)
    YEAR_OF_ERA = ("YearOfEra", 1, 1_000_000_000, True)
    YEAR = ("Year", -999_999_999, 999_999_999, True)
    ERA = ("Era", 0, 1, True)
    QUARTER_OF_YEAR = ("QuarterOfYear", 1, 4, True)
    INSTANT_SECONDS = ("InstantSeconds", -(2**63), 2**63 - 1, False)
    OFFSET_SECONDS = ("OffsetSeconds", -64_800, 64_800, False)

    def __init__(self, display: str, low: int, high: int, date_based: bool) -> None:
        self.display = display
        self.low = low
        self.high = high
        self.date_based = date_based

    # members are singletons: identity hashing (in C) serves every field-keyed dict faster
    # than Enum's name hashing
    __hash__ = object.__hash__

    def range_text(self) -> str:
        """The valid range as Java prints it (`1 - 28/31` for ranges that vary)."""
        varying = {
            Field.DAY_OF_MONTH: "1 - 28/31",
            Field.DAY_OF_YEAR: "1 - 365/366",
            Field.ALIGNED_WEEK_OF_MONTH: "1 - 4/5",
            Field.YEAR_OF_ERA: "1 - 999999999/1000000000",
        }
        return varying.get(self, f"{self.low} - {self.high}")

    def check(self, value: int) -> int:
        """`value` if it lies in this field's outer range, else Java's DateTimeException."""
        if not self.low <= value <= self.high:
            raise TemporalError(
                f"Invalid value for {self.display} (valid values {self.range_text()}): {value}"
            )
        return value


def is_leap(year: int) -> bool:
    """Proleptic Gregorian leap year."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year: int, month: int) -> int:
    """Days in `month` of `year`."""
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The (year, month, day) `days` after 1970-01-01."""
    days += 719_468
    era = days // 146_097
    doe = days - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


@dataclass(frozen=True, slots=True)
class Moment:
    """What a formatter prints: any of a date, a time of day and a zone with its offset.

    `epoch_day` is days since 1970-01-01, `nano_of_day` nanoseconds since midnight, `zone` a
    ZoneId as Java spells it and `offset` its offset from UTC in seconds at this moment.
    """

    epoch_day: int | None = None
    nano_of_day: int | None = None
    zone: str | None = None
    offset: int | None = None

    def supports(self, field: Field) -> bool:
        """True when this moment has a value for `field`."""
        if field is Field.OFFSET_SECONDS:
            return self.offset is not None
        if field is Field.INSTANT_SECONDS:
            return None not in (self.epoch_day, self.nano_of_day, self.offset)
        if field.date_based:
            return self.epoch_day is not None
        return self.nano_of_day is not None

    def get(self, field: Field) -> int:
        """The value of `field`; Java's UnsupportedTemporalTypeException when there is none."""
        if not self.supports(field):
            raise TemporalError(f"Unsupported field: {field.display}")
        if field.date_based:
            assert self.epoch_day is not None
            return _date_value(field, self.epoch_day)
        if field is Field.OFFSET_SECONDS:
            assert self.offset is not None
            return self.offset
        assert self.nano_of_day is not None
        if field is Field.INSTANT_SECONDS:
            assert self.epoch_day is not None and self.offset is not None
            return self.epoch_day * 86_400 + self.nano_of_day // 1_000_000_000 - self.offset
        return _time_value(field, self.nano_of_day)


def _date_value(field: Field, epoch_day: int) -> int:
    year, month, day = civil_from_days(epoch_day)
    if field is Field.DAY_OF_MONTH:
        return day
    if field is Field.MONTH_OF_YEAR:
        return month
    if field is Field.YEAR:
        return year
    if field is Field.YEAR_OF_ERA:
        return year if year >= 1 else 1 - year
    if field is Field.ERA:
        return 1 if year >= 1 else 0
    if field is Field.EPOCH_DAY:
        return epoch_day
    if field is Field.QUARTER_OF_YEAR:
        return (month - 1) // 3 + 1
    if field is Field.DAY_OF_WEEK:
        return (epoch_day + 3) % 7 + 1
    day_of_year = epoch_day - days_from_civil(year, 1, 1) + 1
    values = {
        Field.DAY_OF_YEAR: day_of_year,
        Field.PROLEPTIC_MONTH: year * 12 + month - 1,
        Field.ALIGNED_DAY_OF_WEEK_IN_MONTH: (day - 1) % 7 + 1,
        Field.ALIGNED_DAY_OF_WEEK_IN_YEAR: (day_of_year - 1) % 7 + 1,
        Field.ALIGNED_WEEK_OF_MONTH: (day - 1) // 7 + 1,
        Field.ALIGNED_WEEK_OF_YEAR: (day_of_year - 1) // 7 + 1,
    }
    return values[field]


def _time_value(field: Field, nano_of_day: int) -> int:
    return _TIME_VALUES[field](nano_of_day)


_HOUR = 3_600_000_000_000
_TIME_VALUES: dict[Field, Callable[[int], int]] = {
    Field.NANO_OF_SECOND: lambda n: n % 1_000_000_000,
    Field.NANO_OF_DAY: lambda n: n,
    Field.MICRO_OF_SECOND: lambda n: n % 1_000_000_000 // 1000,
    Field.MICRO_OF_DAY: lambda n: n // 1000,
    Field.MILLI_OF_SECOND: lambda n: n % 1_000_000_000 // 1_000_000,
    Field.MILLI_OF_DAY: lambda n: n // 1_000_000,
    Field.SECOND_OF_MINUTE: lambda n: n // 1_000_000_000 % 60,
    Field.SECOND_OF_DAY: lambda n: n // 1_000_000_000,
    Field.MINUTE_OF_HOUR: lambda n: n // 60_000_000_000 % 60,
    Field.MINUTE_OF_DAY: lambda n: n // 60_000_000_000,
    Field.HOUR_OF_AMPM: lambda n: n // _HOUR % 12,
    Field.CLOCK_HOUR_OF_AMPM: lambda n: n // _HOUR % 12 or 12,
    Field.HOUR_OF_DAY: lambda n: n // _HOUR,
    Field.CLOCK_HOUR_OF_DAY: lambda n: n // _HOUR or 24,
    Field.AMPM_OF_DAY: lambda n: n // _HOUR // 12,
}
