"""Turning parsed fields into a date, a time and a zone, as java.time's SMART and STRICT
resolvers do.

`parse` runs a compiled pattern over the whole text; `resolve` combines the fields: a year of era
becomes a year, year-month-day or year-day-of-year a date (SMART clamps a day past the month's
end: `2021-02-30` is February 28th), clock hours and AM/PM an hour of day, and an hour without
minutes or seconds defaults them to zero. Fields left over are checked against the date or
time they describe ("Conflict found") or kept for the caller. STRICT (the ISO formatters)
refuses a day past the month's end and the hour 24 instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ksqlmv.engine.functions.javatime.elements import Composite, ParseContext
from ksqlmv.engine.functions.javatime.fields import (
    MONTH_NAMES,
    Field,
    Moment,
    TemporalError,
    civil_from_days,
    days_from_civil,
    is_leap,
    month_length,
)
from ksqlmv.engine.functions.javatime.zones import Zone

__all__ = ["Parsed", "invalid_date", "parse", "resolve"]


@dataclass(slots=True)
class Parsed:
    """The result of parsing: what resolved into a date and a time, and what did not."""

    text: str
    fields: dict[Field, int] = field(default_factory=dict)
    epoch_day: int | None = None
    nano_of_day: int | None = None
    excess_days: int = 0
    zone: Zone | None = None

    @property
    def offset(self) -> int | None:
        """The parsed offset in seconds, if the text had one."""
        return self.fields.get(Field.OFFSET_SECONDS)

    def supports(self, target: Field) -> bool:
        """Java's `Parsed.isSupported`: a leftover field, or one of the resolved date or time."""
        if target in self.fields:
            return True
        if target.date_based:
            return self.epoch_day is not None
        return self.nano_of_day is not None and target not in (
            Field.INSTANT_SECONDS,
            Field.OFFSET_SECONDS,
        )

    def get(self, target: Field) -> int:
        """The value of a supported field."""
        if target in self.fields:
            return self.fields[target]
        return Moment(self.epoch_day, self.nano_of_day).get(target)

    def describe(self) -> str:
        """Java's `Parsed.toString`: `{Year=2020, MonthOfYear=1},ISO`."""
        inner = ", ".join(f"{f.display}={v}" for f, v in self.fields.items())
        text = "{" + inner + "},ISO"
        if self.zone is not None:
            text += "," + self.zone.id
        if self.epoch_day is not None or self.nano_of_day is not None:
            text += " resolved to " + _local_text(self.epoch_day, self.nano_of_day)
        return text


def parse(
    formatter: Composite, text: str, case_sensitive: bool = True, strict: bool = False
) -> Parsed:
    """Parse all of `text`; TemporalError with Java's DateTimeParseException message.

    `strict` resolves as ResolverStyle.STRICT does; the default is SMART.
    """
    context = ParseContext(text, case_sensitive)
    end = formatter.parse(context, 0)
    if end < 0:
        raise TemporalError(f"Text '{text}' could not be parsed at index {~end}")
    if end < len(text):
        raise TemporalError(
            f"Text '{text}' could not be parsed, unparsed text found at index {end}"
        )
    parsed = Parsed(text, dict(context.fields), zone=context.zone)
    try:
        resolve(parsed, strict)
    except TemporalError as error:
        raise TemporalError(f"Text '{text}' could not be parsed: {error}") from None
    return parsed


def resolve(parsed: Parsed, strict: bool = False) -> None:
    """Resolve `parsed.fields` in place (ResolverStyle.SMART, or STRICT)."""
    values = parsed.fields
    _resolve_date(parsed, values, strict)
    _resolve_time(parsed, values, strict)
    _cross_check(parsed, values)


def _resolve_date(parsed: Parsed, values: dict[Field, int], strict: bool) -> None:
    if Field.EPOCH_DAY in values:
        parsed.epoch_day = Field.EPOCH_DAY.check(values.pop(Field.EPOCH_DAY))
        return
    if Field.PROLEPTIC_MONTH in values:
        months = Field.PROLEPTIC_MONTH.check(values.pop(Field.PROLEPTIC_MONTH))
        _add(values, Field.MONTH_OF_YEAR, months % 12 + 1)
        _add(values, Field.YEAR, months // 12)
    if Field.YEAR_OF_ERA in values:
        yoe = Field.YEAR_OF_ERA.check(values.pop(Field.YEAR_OF_ERA))
        era = values.pop(Field.ERA, None)
        if era is None:
            year = values.get(Field.YEAR)
            _add(values, Field.YEAR, yoe if year is None or year > 0 else 1 - yoe)
        elif era == 1:
            _add(values, Field.YEAR, yoe)
        elif era == 0:
            _add(values, Field.YEAR, 1 - yoe)
        else:
            raise TemporalError(f"Invalid value for era: {era}")
    elif Field.ERA in values:
        Field.ERA.check(values[Field.ERA])
    if Field.YEAR not in values:
        return
    year = values[Field.YEAR]
    if Field.MONTH_OF_YEAR in values and Field.DAY_OF_MONTH in values:
        Field.YEAR.check(year)
        month = Field.MONTH_OF_YEAR.check(values.pop(Field.MONTH_OF_YEAR))
        day = Field.DAY_OF_MONTH.check(values.pop(Field.DAY_OF_MONTH))
        del values[Field.YEAR]
        if day > month_length(year, month):
            if strict:
                raise TemporalError(invalid_date(year, month, day))
            # SMART resolution moves a day past the end of the month back to its last day
            day = month_length(year, month)
        parsed.epoch_day = days_from_civil(year, month, day)
    elif Field.DAY_OF_YEAR in values:
        Field.YEAR.check(year)
        day_of_year = Field.DAY_OF_YEAR.check(values.pop(Field.DAY_OF_YEAR))
        del values[Field.YEAR]
        if day_of_year == 366 and not is_leap(year):
            raise TemporalError(f"Invalid date 'DayOfYear 366' as '{year}' is not a leap year")
        parsed.epoch_day = days_from_civil(year, 1, 1) + day_of_year - 1


def _add(values: dict[Field, int], target: Field, value: int) -> None:
    old = values.get(target)
    if old is not None and old != value:
        raise TemporalError(
            f"Conflict found: {target.display} {old} differs from {target.display} {value}"
        )
    values[target] = value


def _resolve_time(parsed: Parsed, values: dict[Field, int], strict: bool) -> None:
    if Field.CLOCK_HOUR_OF_DAY in values:
        hour = values.pop(Field.CLOCK_HOUR_OF_DAY)
        if hour != 0:
            Field.CLOCK_HOUR_OF_DAY.check(hour)
        _add(values, Field.HOUR_OF_DAY, 0 if hour == 24 else hour)
    if Field.CLOCK_HOUR_OF_AMPM in values:
        hour = values.pop(Field.CLOCK_HOUR_OF_AMPM)
        if hour != 0:
            Field.CLOCK_HOUR_OF_AMPM.check(hour)
        _add(values, Field.HOUR_OF_AMPM, 0 if hour == 12 else hour)
    if Field.AMPM_OF_DAY in values and Field.HOUR_OF_AMPM in values:
        ampm = Field.AMPM_OF_DAY.check(values.pop(Field.AMPM_OF_DAY))
        hour = Field.HOUR_OF_AMPM.check(values.pop(Field.HOUR_OF_AMPM))
        _add(values, Field.HOUR_OF_DAY, ampm * 12 + hour)
    if Field.NANO_OF_DAY in values:
        nod = Field.NANO_OF_DAY.check(values.pop(Field.NANO_OF_DAY))
        _add(values, Field.HOUR_OF_DAY, nod // 3_600_000_000_000)
        _add(values, Field.MINUTE_OF_HOUR, nod // 60_000_000_000 % 60)
        _add(values, Field.SECOND_OF_MINUTE, nod // 1_000_000_000 % 60)
        _add(values, Field.NANO_OF_SECOND, nod % 1_000_000_000)
    if Field.MILLI_OF_DAY in values:
        mod = Field.MILLI_OF_DAY.check(values.pop(Field.MILLI_OF_DAY))
        _add(values, Field.SECOND_OF_DAY, mod // 1000)
        _add(values, Field.MILLI_OF_SECOND, mod % 1000)
    if Field.SECOND_OF_DAY in values:
        sod = Field.SECOND_OF_DAY.check(values.pop(Field.SECOND_OF_DAY))
        _add(values, Field.HOUR_OF_DAY, sod // 3600)
        _add(values, Field.MINUTE_OF_HOUR, sod // 60 % 60)
        _add(values, Field.SECOND_OF_MINUTE, sod % 60)
    if Field.MINUTE_OF_DAY in values:
        mod = Field.MINUTE_OF_DAY.check(values.pop(Field.MINUTE_OF_DAY))
        _add(values, Field.HOUR_OF_DAY, mod // 60)
        _add(values, Field.MINUTE_OF_HOUR, mod % 60)
    if Field.MILLI_OF_SECOND in values:
        millis = Field.MILLI_OF_SECOND.check(values.pop(Field.MILLI_OF_SECOND))
        nanos = values.get(Field.NANO_OF_SECOND)
        if nanos is None:
            values[Field.NANO_OF_SECOND] = millis * 1_000_000
        elif nanos // 1_000_000 != millis:
            _add(values, Field.MILLI_OF_SECOND, millis)
    found_hour = values.get(Field.HOUR_OF_DAY)
    if found_hour is None:
        return
    hour = found_hour
    minute = values.get(Field.MINUTE_OF_HOUR)
    second = values.get(Field.SECOND_OF_MINUTE)
    nano = values.get(Field.NANO_OF_SECOND)
    # an hour alone defaults the smaller units to zero; a gap (seconds without minutes) does not
    if (minute is None and (second is not None or nano is not None)) or (
        minute is not None and second is None and nano is not None
    ):
        return
    minute, second, nano = minute or 0, second or 0, nano or 0
    for target in (
        Field.HOUR_OF_DAY,
        Field.MINUTE_OF_HOUR,
        Field.SECOND_OF_MINUTE,
        Field.NANO_OF_SECOND,
    ):
        values.pop(target, None)
    # java.time checks minutes and nanos before it looks for SMART's 24:00, then the rest
    Field.MINUTE_OF_HOUR.check(minute)
    Field.NANO_OF_SECOND.check(nano)
    if not strict and hour == 24 and minute == 0 and second == 0 and nano == 0:
        parsed.nano_of_day = 0
        parsed.excess_days = 1
        return
    Field.HOUR_OF_DAY.check(hour)
    Field.SECOND_OF_MINUTE.check(second)
    parsed.nano_of_day = ((hour * 60 + minute) * 60 + second) * 1_000_000_000 + nano


def _cross_check(parsed: Parsed, values: dict[Field, int]) -> None:
    for target in list(values):
        if target is Field.OFFSET_SECONDS:
            Field.OFFSET_SECONDS.check(values[target])
            continue
        owner = parsed.epoch_day if target.date_based else parsed.nano_of_day
        if owner is None:
            if not target.date_based:
                target.check(values[target])
            continue
        moment = Moment(parsed.epoch_day, parsed.nano_of_day)
        derived = moment.get(target)
        if derived != values[target]:
            raise TemporalError(
                f"Conflict found: Field {target.display} {derived} differs from "
                f"{target.display} {values[target]} derived from "
                f"{_local_text(parsed.epoch_day, parsed.nano_of_day)}"
            )
        del values[target]


def _local_text(epoch_day: int | None, nano_of_day: int | None) -> str:
    parts = []
    if epoch_day is not None:
        year, month, day = civil_from_days(epoch_day)
        parts.append(f"{year:04d}-{month:02d}-{day:02d}")
    if nano_of_day is not None:
        seconds, nanos = divmod(nano_of_day, 1_000_000_000)
        text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
        if seconds % 60 or nanos:
            text += f":{seconds % 60:02d}"
        if nanos:
            text += f".{nanos:09d}".rstrip("0")
        parts.append(text)
    return "T".join(parts)


def invalid_date(year: int, month: int, day: int) -> str:
    """LocalDate.of's message for a day past the end of its month ("Invalid date 'APRIL 31'")."""
    if day == 29:
        return f"Invalid date 'February 29' as '{year}' is not a leap year"
    return f"Invalid date '{MONTH_NAMES[month - 1].upper()} {day}'"
