"""Week-based pattern letters (`e`, `c`, `w`, `W`, `Y`) for the US week: Sunday first, and the
first week of a year or month is the one containing its first day (`WeekFields.of(Locale.US)`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ksqlmv.engine.functions.javatime.elements import ParseContext, SignStyle
from ksqlmv.engine.functions.javatime.fields import (
    Field,
    Moment,
    TemporalError,
    civil_from_days,
    days_from_civil,
    is_leap,
)
from ksqlmv.engine.functions.javatime.numbers import Number

__all__ = ["WeekBased", "week_based"]

_FIRST_DAY = 7  # Sunday, as ISO numbers days
_MINIMAL_DAYS = 1


def _localized_day_of_week(epoch_day: int) -> int:
    iso = (epoch_day + 3) % 7 + 1
    return (iso - _FIRST_DAY) % 7 + 1


def _start_of_week_offset(day: int, day_of_week: int) -> int:
    week_start = (day - day_of_week) % 7
    offset = -week_start
    if week_start + 1 > _MINIMAL_DAYS:
        offset = 7 - week_start
    return offset


def _compute_week(offset: int, day: int) -> int:
    return (7 + offset + (day - 1)) // 7


def _week_of_month(epoch_day: int) -> int:
    _, _, day = civil_from_days(epoch_day)
    offset = _start_of_week_offset(day, _localized_day_of_week(epoch_day))
    return _compute_week(offset, day)


def _year_and_week(epoch_day: int) -> tuple[int, int]:
    """(week-based year, week of week-based year)."""
    year, _, _ = civil_from_days(epoch_day)
    day_of_year = epoch_day - days_from_civil(year, 1, 1) + 1
    offset = _start_of_week_offset(day_of_year, _localized_day_of_week(epoch_day))
    week = _compute_week(offset, day_of_year)
    if week == 0:
        return _year_and_week(epoch_day - day_of_year)
    length = 366 if is_leap(year) else 365
    new_year_week = _compute_week(offset, length + _MINIMAL_DAYS)
    if week >= new_year_week:
        return year + 1, week - new_year_week + 1
    return year, week


@dataclass(frozen=True, slots=True)
class WeekBased(Number):
    """A number from the US week rules; `letter` says which (`e`, `c`, `w`, `W` or `Y`)."""

    letter: str = "w"

    def value_of(self, moment: Moment) -> int:
        if moment.epoch_day is None:
            # Java asks for the day of week first, whatever the letter
            raise TemporalError("Unsupported field: DayOfWeek")
        day = moment.epoch_day
        if self.letter in "ec":
            return _localized_day_of_week(day)
        if self.letter == "W":
            return _week_of_month(day)
        year, week = _year_and_week(day)
        if self.letter == "w":
            return week
        return year % 100 if self.max_width == 2 else year

    def print(self, moment: Moment, out: list[str]) -> bool:
        value = self.value_of(moment)
        text = str(abs(value)).rjust(self.min_width, "0")
        if self.letter == "Y" and self.max_width == 2:
            text = text[-2:]
        elif value < 0:
            text = "-" + text
        elif self.sign is SignStyle.EXCEEDS_PAD and value >= 10**self.min_width:
            text = "+" + text
        out.append(text)
        return True

    def store(self, context: ParseContext, value: int, start: int, end: int) -> int:
        raise TemporalError(f"Parsing the week-based field {self._name()} is not supported")

    def _name(self) -> str:
        names = {
            "e": "DayOfWeek",
            "c": "DayOfWeek",
            "W": "WeekOfMonth",
            "w": "WeekOfWeekBasedYear",
            "Y": "WeekBasedYear",
        }
        return f"{names[self.letter]}[WeekFields[SUNDAY,1]]"


def week_based(letter: str, count: int, min_width: int, max_width: int) -> WeekBased:
    """The element for week letter `letter` repeated `count` times (Java's
    WeekBasedFieldPrinterParser): `Y` is padded with a sign from four letters on."""
    sign = SignStyle.NOT_NEGATIVE
    if letter == "Y" and count != 2:
        sign = SignStyle.NORMAL if count < 4 else SignStyle.EXCEEDS_PAD
        min_width, max_width = count, 19
    return WeekBased(Field.DAY_OF_WEEK, min_width, max_width, sign, 0, letter)
