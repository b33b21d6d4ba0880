"""`LocalDate.parse` and `LocalTime.parse`: the ISO formats, parsed case-sensitively and resolved
STRICTly, with java.time's error messages.

ksqlDB's CAST from STRING to DATE and TIME (and its comparisons of a DATE or TIME with a string)
parse with these. ISO_LOCAL_DATE is `uuuu-MM-dd` with a year of four to ten digits that carries a
sign when it has more than four; ISO_LOCAL_TIME is `HH:mm`, then optionally `:ss` and a fraction
of up to nine digits after a point (which may have no digits at all).
"""

from __future__ import annotations

from ksqlmv.engine.functions.javatime.elements import Composite, Literal, SignStyle
from ksqlmv.engine.functions.javatime.fields import Field
from ksqlmv.engine.functions.javatime.numbers import Fraction, Number
from ksqlmv.engine.functions.javatime.resolve import parse

__all__ = ["parse_iso_date", "parse_iso_time"]


def _two_digits(target: Field) -> Number:
    return Number(target, 2, 2, SignStyle.NOT_NEGATIVE)


_ISO_LOCAL_DATE = Composite(
    (
        Number(Field.YEAR, 4, 10, SignStyle.EXCEEDS_PAD),
        Literal("-"),
        _two_digits(Field.MONTH_OF_YEAR),
        Literal("-"),
        _two_digits(Field.DAY_OF_MONTH),
    )
)
_ISO_LOCAL_TIME = Composite(
    (
        _two_digits(Field.HOUR_OF_DAY),
        Literal(":"),
        _two_digits(Field.MINUTE_OF_HOUR),
        Composite(
            (
                Literal(":"),
                _two_digits(Field.SECOND_OF_MINUTE),
                Composite((Literal("."), Fraction(Field.NANO_OF_SECOND, 0, 9)), optional=True),
            ),
            optional=True,
        ),
    )
)


def parse_iso_date(text: str) -> int:
    """Days since the epoch of `LocalDate.parse(text)`; TemporalError with Java's message."""
    epoch_day = parse(_ISO_LOCAL_DATE, text, strict=True).epoch_day
    assert epoch_day is not None  # the format has every field of a date
    return epoch_day


def parse_iso_time(text: str) -> int:
    """Nanoseconds since midnight of `LocalTime.parse(text)`; TemporalError with Java's message."""
    nano_of_day = parse(_ISO_LOCAL_TIME, text, strict=True).nano_of_day
    assert nano_of_day is not None  # an hour and a minute always make a time
    return nano_of_day
