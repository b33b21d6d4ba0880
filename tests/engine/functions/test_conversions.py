"""ksqlDB's text forms of TIMESTAMP, DATE and TIME, and the implicit casts of function arguments.

Expected values and messages are what OpenJDK 17 produced: `LocalDate.parse` and
`LocalTime.parse` (ISO, STRICT) for DATE and TIME, ksqlDB's partial-timestamp rules over its
`yyyy-MM-dd'T'HH:mm:ss.SSS` formatter for TIMESTAMP, and `DateTimeFormatter`,
`LocalDate.toString` and `LocalTime.toString` for the text forms. Rows: (input, value or the
message after "Failed to parse ...: ").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.conversions import (
    bytes_from_text,
    converter,
    date_from_text,
    date_text,
    time_from_text,
    time_text,
    timestamp_from_text,
    timestamp_text,
)
from ksqlmv.errors import FunctionError
from ksqlmv.sql import types as t

TIMES = [
    ("01:34:20.123", 5660123),
    ("01:34", 5640000),
    ("01:34:20.", 5660000),
    ("01:3", "Text '01:3' could not be parsed at index 3"),
    ("01:34:2", "Text '01:34:2' could not be parsed, unparsed text found at index 5"),
    (
        "24:00",
        "Text '24:00' could not be parsed: Invalid value for HourOfDay (valid values 0 - 23): 24",
    ),
    (
        "25:61",
        "Text '25:61' could not be parsed: "
        "Invalid value for MinuteOfHour (valid values 0 - 59): 61",
    ),
    (
        "23:59:60",
        "Text '23:59:60' could not be parsed: Invalid value for SecondOfMinute (valid values 0 - "
        "59): 60",
    ),
    (
        "01:34:20.1234567891",
        "Text '01:34:20.1234567891' could not be parsed, unparsed text found at index 18",
    ),
    ("01:34Z", "Text '01:34Z' could not be parsed, unparsed text found at index 5"),
]

DATES = [
    ("2020-05-26", 18408),
    (
        "2020-13-01",
        "Text '2020-13-01' could not be parsed: Invalid value for MonthOfYear (valid values 1 - "
        "12): 13",
    ),
    ("2020-04-31", "Text '2020-04-31' could not be parsed: Invalid date 'APRIL 31'"),
    (
        "2021-02-29",
        "Text '2021-02-29' could not be parsed: Invalid date 'February 29' as '2021' is not a "
        "leap year",
    ),
    ("2020-5-26", "Text '2020-5-26' could not be parsed at index 5"),
    ("+12020-05-26", 3670833),
    ("12020-05-26", "Text '12020-05-26' could not be parsed at index 0"),
    ("-2020-05-26", -1457172),
    ("2020-05-26x", "Text '2020-05-26x' could not be parsed, unparsed text found at index 10"),
    (
        "2020-05-00",
        "Text '2020-05-00' could not be parsed: Invalid value for DayOfMonth (valid values 1 - "
        "28/31): 0",
    ),
]

TIMESTAMPS = [
    ("2020-05-26T23:59:58.000+0200", 1590530398000),
    ("2020-05-26T23:59:58.000", 1590537598000),
    ("2020-05-26T23:59:58", 1590537598000),
    ("2020-05-26T23:59", 1590537540000),
    ("2020-05-26T23", 1590534000000),
    ("2020-05-26T", 1590451200000),
    ("2020-05-26", 1590451200000),
    ("2020-05", 1588291200000),
    ("2020", 1577836800000),
    ("2020-05-26T23:59:58.000Z", 1590537598000),
    ("2020-05-26T23:59:58Z", 1590537598000),
    ("2020-05-26T23:59:58.000-0700", 1590562798000),
    ("2020-05-26T23:59:58.000+02:00", 1590530398000),
    ("2020-05-26T23:59:58.000+2", 1590530398000),
    (
        "2020-05-26T23:59:58.000+abc",
        "Failed to parse timestamp '2020-05-26T23:59:58.000+abc': Failed to parse timezone "
        "'+abc': Invalid ID for ZoneOffset, invalid format: +abc",
    ),
    ("2020-02-30T00:00", 1582934400000),
    ("2021-02-29", 1614470400000),
    (
        "2020-13-01",
        "Failed to parse timestamp '2020-13-01': Text '2020-13-01T00:00:00.000' could not be "
        "parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13",
    ),
    ("2020-05-26T24:00", 1590537600000),
    (
        "2020-05-26T23:59:58.1234",
        "Failed to parse timestamp '2020-05-26T23:59:58.1234': Text '2020-05-26T23:59:58.1234' "
        "could not be parsed, unparsed text found at index 23",
    ),
    (
        "2020-05-26t23:59:58.000",
        "Failed to parse timestamp '2020-05-26t23:59:58.000': Text "
        "'2020-05-26t23:59:58.000T00:00:00.000' could not be parsed, unparsed text found at index "
        "23",
    ),
    ("  2020-05-26T10:00  ", 1590487200000),
    (
        "20-05-26",
        "Failed to parse timestamp '20-05-26': Text '20-05-26T00:00:00.000' could not be parsed "
        "at index 0",
    ),
    (
        "abc",
        "Failed to parse timestamp 'abc': Text 'abc-01-01T00:00:00.000' could not be parsed at "
        "index 0",
    ),
    ("1969-12-31T23:59:59.999", -1),
    ("+12020-01-01", 317147356800000),
]

TEXTS = [
    (timestamp_text, 0, "1970-01-01T00:00:00.000"),
    (timestamp_text, -1, "1969-12-31T23:59:59.999"),
    (timestamp_text, 1590537598123, "2020-05-26T23:59:58.123"),
    (timestamp_text, 317147356800000, "+12020-01-01T00:00:00.000"),
    (timestamp_text, -62167219200000, "0001-01-01T00:00:00.000"),
    (timestamp_text, -62198755200000, "0002-01-01T00:00:00.000"),
    (timestamp_text, -100000000000000, "1200-02-15T14:13:20.000"),
    (timestamp_text, 253402300799999, "9999-12-31T23:59:59.999"),
    (timestamp_text, 253402300800000, "+10000-01-01T00:00:00.000"),
    (date_text, 0, "1970-01-01"),
    (date_text, -1, "1969-12-31"),
    (date_text, 18408, "2020-05-26"),
    (date_text, 2932896, "9999-12-31"),
    (date_text, 2932897, "+10000-01-01"),
    (date_text, -719528, "0000-01-01"),
    (date_text, -719529, "-0001-12-31"),
    (date_text, -1000000, "-0768-02-04"),
    (date_text, 3670833, "+12020-05-26"),
    (time_text, 0, "00:00"),
    (time_text, 1000, "00:00:01"),
    (time_text, 60000, "00:01"),
    (time_text, 5660123, "01:34:20"),
    (time_text, 86399999, "23:59:59"),
    (time_text, 3600000, "01:00"),
]


def _check(parse: Callable[[str], int], text: str, expected: int | str) -> None:
    if isinstance(expected, int):
        assert parse(text) == expected
        return
    with pytest.raises(FunctionError) as error:
        parse(text)
    first_line = str(error.value).splitlines()[0]
    assert first_line.endswith(expected) or first_line == expected


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_time_from_text(text: str, expected: int | str) -> None:
    _check(time_from_text, text, expected)


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date_from_text(text: str, expected: int | str) -> None:
    _check(date_from_text, text, expected)


@pytest.mark.parametrize(("text", "expected"), TIMESTAMPS)
def test_timestamp_from_text(text: str, expected: int | str) -> None:
    _check(timestamp_from_text, text, expected)


@pytest.mark.parametrize(("function", "value", "expected"), TEXTS)
def test_text_forms(function: Callable[[int], str], value: int, expected: str) -> None:
    assert function(value) == expected


def test_error_messages_carry_the_help_text() -> None:
    with pytest.raises(FunctionError) as error:
        date_from_text("2020-13")
    assert str(error.value) == (
        "Failed to parse date '2020-13': Text '2020-13-01' could not be parsed: Invalid value for "
        'MonthOfYear (valid values 1 - 12): 13\nRequired format is: "yyyy-MM-dd", for example '
        "'2020-05-26'. Partials are also supported, for example '2020-05'"
    )


def test_casts_trim_their_text() -> None:
    assert time_from_text(" 01:34 ") == 5640000
    assert date_from_text("\t2020-05-26\n") == 18408
    assert bytes_from_text(" AQI= ") == b"\x01\x02"


def test_bytes_from_text_refuses_bad_base64() -> None:
    with pytest.raises(FunctionError):
        bytes_from_text("not base64!")


CONVERSIONS: list[tuple[t.SqlType, p.ParamType, Any, Any]] = [
    (t.INTEGER, p.DOUBLE, 3, 3.0),
    (t.BIGINT, p.DOUBLE, 2**40, float(2**40)),
    (t.DecimalType(4, 2), p.DOUBLE, Decimal("12.50"), 12.5),
    (t.INTEGER, p.DECIMAL, 7, Decimal(7)),
    (t.STRING, p.TIMESTAMP, "2020-05-26", 1590451200000),
    (t.STRING, p.DATE, "2020-05", 18383),
    (t.STRING, p.TIME, "01:34:20.123", 5660123),
    (t.STRING, p.BYTES, "AQI=", b"\x01\x02"),
    (t.ArrayType(t.INTEGER), p.array(p.DOUBLE), [1, None, 2], [1.0, None, 2.0]),
    (
        t.MapType(t.STRING, t.INTEGER),
        p.map_of(p.STRING, p.DOUBLE),
        {"a": 1},
        {"a": 1.0},
    ),
    (t.INTEGER, p.DOUBLE, None, None),
    (t.STRING, p.DATE, None, None),
    (t.ArrayType(t.INTEGER), p.array(p.DOUBLE), None, None),
]


@pytest.mark.parametrize(("source", "target", "value", "expected"), CONVERSIONS)
def test_implicit_casts(source: t.SqlType, target: p.ParamType, value: Any, expected: Any) -> None:
    convert = converter(source, target)
    assert convert is not None
    result = convert(value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (t.INTEGER, p.INT),
        (t.STRING, p.STRING),
        (t.ArrayType(t.STRING), p.array(p.STRING)),
        (t.DOUBLE, p.DOUBLE),
    ],
)
def test_no_conversion_when_types_match(source: t.SqlType, target: p.ParamType) -> None:
    assert converter(source, target) is None
