"""java.time patterns, printed and parsed exactly as the JDK does.

Every expected value below is what OpenJDK 17's `DateTimeFormatter` produced for the same pattern,
instant and zone (and ksqlDB's parsing rules built on it); errors carry the JDK's message.
Rows: (pattern, input, zone, succeeds, expected output or error message).
"""

from __future__ import annotations

import pytest

from ksqlmv.engine.functions import javatime as jt

FORMAT_TIMESTAMP = [
    (
        "yyyy-MM-dd HH:mm:ss zzz",
        "1526075913000",
        "America/Los_Angeles",
        True,
        "2018-05-11 14:58:33 PDT",
    ),
    ("yyyy-MM-dd HH:mm:ss zzz", "1526075913000", "Europe/London", True, "2018-05-11 22:58:33 BST"),
    ("yyyy-MM-dd HH:mm:ss zzz", "1516075913000", "Europe/London", True, "2018-01-16 04:11:53 GMT"),
    (
        "yyyy-MM-dd HH:mm:ss zzzz",
        "1526075913000",
        "Asia/Dubai",
        True,
        "2018-05-12 01:58:33 Gulf Standard Time",
    ),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSX", "1526075913123", "UTC", True, "2018-05-11T21:58:33.123Z"),
    (
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "1526075913123",
        "Asia/Kolkata",
        True,
        "2018-05-12T03:28:33.123+05:30",
    ),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSxxx", "1526075913123", "UTC", True, "2018-05-11T21:58:33.123+00:00"),
    ("EEE, d MMM yyyy HH:mm:ss Z", "1526075913000", "GMT", True, "Fri, 11 May 2018 21:58:33 +0000"),
    (
        "EEEE, MMMM d, uuuu h:mm a",
        "1526075913000",
        "America/New_York",
        True,
        "Friday, May 11, 2018 5:58 PM",
    ),
    ("yy/M/d H:m:s", "1526075913000", "UTC", True, "18/5/11 21:58:33"),
    ("D DDD Q QQQ QQQQ", "1526075913000", "UTC", True, "131 131 2 Q2 2nd quarter"),
    ("G GGGG y yyy yyyyy", "-62135596800001", "UTC", True, "BC Before Christ 1 001 00001"),
    ("w W Y e c F", "1526075913000", "UTC", True, "19 2 2018 6 6 4"),
    ("a h hh K k kk", "1526075913000", "UTC", True, "PM 9 09 9 21 21"),
    ("S SS SSSS SSSSSS SSSSSSSSS", "1526075913123", "UTC", True, "1 12 1230 123000 123000000"),
    ("n N A", "1526075913123", "UTC", True, "123000000 79113123000000 79113123"),
    (
        "VV '|' O '|' OOOO",
        "1526075913000",
        "Pacific/Chatham",
        True,
        "Pacific/Chatham | GMT+12:45 | GMT+12:45",
    ),
    (
        "X XX XXX XXXX XXXXX",
        "1526075913000",
        "America/St_Johns",
        True,
        "-0230 -0230 -02:30 -0230 -02:30",
    ),
    ("x xx xxx Z ZZZZ ZZZZZ", "1526075913000", "UTC", True, "+00 +0000 +00:00 +0000 GMT Z"),
    (
        "zzz zzzz v vvvv",
        "1526075913000",
        "Australia/Adelaide",
        True,
        "ACST Australian Central Standard Time ACT Central Australia Time",
    ),
    ("zzz", "1526075913000", "+05:30", True, "+05:30"),
    ("zzz zzzz", "1526075913000", "GMT+2", True, "GMT+02:00 GMT+02:00"),
    ("yyyy-MM-dd HH:mm", "253402300799999", "UTC", True, "9999-12-31 23:59"),
    (
        "yyyy-MM-dd HH:mm zzz",
        "1000000000000000",
        "America/Los_Angeles",
        True,
        "+33658-09-26 18:46 PDT",
    ),
    ("yyyy-MM-dd HH:mm:ss", "-100000000000000", "Europe/London", True, "1200-02-15 14:12:05"),
    ("[yyyy][ HH:mm]", "1526075913000", "UTC", True, "2018 21:58"),
    ("'Date:' yyyy ''ok''", "1526075913000", "UTC", False, "Unknown pattern letter: o"),
    ("ppH:mm", "1526075913000", "UTC", True, "21:58"),
    ("yyyy-MM-dd HH:mm", "1520760600000", "America/Los_Angeles", True, "2018-03-11 01:30"),
    ("#", "0", "UTC", False, "Pattern includes reserved character: '#'"),
    ("{", "0", "UTC", False, "Pattern includes reserved character: '{'"),
    ("b", "0", "UTC", False, "Unknown pattern letter: b"),
    ("aa", "0", "UTC", False, "Too many pattern letters: a"),
    ("HHH", "0", "UTC", False, "Too many pattern letters: H"),
    ("ddd", "0", "UTC", False, "Too many pattern letters: d"),
    ("DDDD", "0", "UTC", False, "Too many pattern letters: D"),
    ("FF", "0", "UTC", False, "Too many pattern letters: F"),
    ("VVV", "0", "UTC", False, "Pattern letter count must be 2: V"),
    ("OO", "0", "UTC", False, "Pattern letter count must be 1 or 4: O"),
    ("XXXXXX", "0", "UTC", False, "Too many pattern letters: X"),
    ("'open", "0", "UTC", False, "Pattern ends with an incomplete string literal: 'open"),
    ("yyyy]", "0", "UTC", False, "Pattern invalid as it contains ] without previous ["),
    ("pp", "0", "UTC", False, "Pad letter 'p' must be followed by valid pad pattern: pp"),
    ("qqqqqq", "0", "UTC", False, "Too many pattern letters: q"),
    ("zzzzz", "0", "UTC", False, "Too many pattern letters: z"),
]

FORMAT_DATE = [
    ("yyyy-MM-dd", "0", "", True, "1970-01-01"),
    ("dd-MMM-yyyy", "18993", "", True, "01-Jan-2022"),
    ("EEEE d MMMM yyyy", "-1", "", True, "Wednesday 31 December 1969"),
    ("yyyy-DDD", "59", "", True, "1970-060"),
    ("Y-w-e", "18993", "", True, "2022-1-7"),
    ("yyyy-MM-dd HH", "0", "", False, "Unsupported field: HourOfDay"),
    ("yyyy zzz", "0", "", False, "Unable to extract ZoneId from temporal 1970-01-01"),
]

FORMAT_TIME = [
    ("HH:mm:ss", "45296789", "", True, "12:34:56"),
    ("HHmmss'AAAAA'", "45296789", "", True, "123456AAAAA"),
    ("HH_mm_ss_SSS", "45296789", "", True, "12_34_56_789"),
    ("h:mm a", "0", "", True, "12:00 AM"),
    ("hh 'o''clock' a", "43200000", "", True, "12 o'clock PM"),
    ("HH:mm yyyy", "0", "", False, "Unsupported field: YearOfEra"),
]

PARSE_TIMESTAMP = [
    ("yyyy-MM-dd'T'HH:mm:ssX", "2018-05-11T21:58:33Z", "GMT", True, "1526075913000"),
    ("yyyy-MM-dd'T'HH:mm:ssX", "2018-05-11T21:58:33z", "GMT", True, "1526075913000"),
    ("yyyy-MM-dd'T'HH:mm:ssX", "2018-05-11T21:58:33+0530", "GMT", True, "1526056113000"),
    ("yyyy-MM-dd'T'HH:mm:ss zzz", "2018-05-11T21:58:33 PST", "GMT", True, "1526101113000"),
    ("yyyy-MM-dd'T'HH:mm:ss zzz", "2018-01-11T21:58:33 pst", "GMT", True, "1515736713000"),
    ("yyyy-MM-dd'T'HH:mm:ss", "2018-05-11T21:58:33", "America/Los_Angeles", True, "1526101113000"),
    ("yyyy-MM-dd HH:mm:ss", "2018-03-11 02:30:00", "America/Los_Angeles", True, "1520764200000"),
    ("yyyy-MM-dd HH:mm:ss", "2018-11-04 01:30:00", "America/Los_Angeles", True, "1541320200000"),
    ("yyyy-MM-dd HH:mm:ss VV", "2018-11-04 01:30:00 Europe/Paris", "GMT", True, "1541291400000"),
    ("yyyy-MM-dd", "2021-02-30", "GMT", True, "1614470400000"),
    ("yyyyMMddHHmmss", "20220101123456", "GMT", True, "1641040496000"),
    ("yyyy-MM", "2022-07", "GMT", True, "1656633600000"),
    ("MM-dd", "07-04", "GMT", True, "15897600000"),
    ("HH:mm", "23:15", "GMT", True, "83700000"),
    ("yyyy-DDD", "2020-366", "GMT", True, "1609372800000"),
    ("DDD", "366", "GMT", False, "Leap day cannot be parsed without supplying the year field"),
    ("yy-MM-dd HH:mm:ssX", "99-05-11 21:58:33Z", "GMT", True, "4082219913000"),
    ("dd-MMM-yyyy", "01-jan-2022", "GMT", True, "1640995200000"),
    ("yyyy-MM-dd h:mm a", "2018-05-11 9:58 pm", "GMT", True, "1526075880000"),
    ("yyyy-MM-dd HH:mm", "2018-05-11 24:00", "GMT", True, "1526083200000"),
    (
        "yyyy-MM-dd HH",
        "2018-05-11 25",
        "GMT",
        False,
        "Text '2018-05-11 25' could not be parsed: Invalid value for HourOfDay (valid "
        "values 0 - 23): 25",
    ),
    (
        "yyyy-MM-dd EEE",
        "2018-05-11 Mon",
        "GMT",
        False,
        "Text '2018-05-11 Mon' could not be parsed: Conflict found: Field DayOfWeek 5 "
        "differs from DayOfWeek 1 derived from 2018-05-11",
    ),
    (
        "yyyy-MM-dd",
        "2018-05-11x",
        "GMT",
        False,
        "Text '2018-05-11x' could not be parsed, unparsed text found at index 10",
    ),
    ("yyyy-MM-dd", "abc", "GMT", False, "Text 'abc' could not be parsed at index 0"),
    (
        "yyyy-MM-dd",
        "20180-05-11",
        "GMT",
        False,
        "Text '20180-05-11' could not be parsed at index 0",
    ),
    ("yyyy-MM-dd", "+20180-05-11", "GMT", True, "574663420800000"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2020-05-26T23:59:58.123", "GMT", True, "1590537598123"),
]

PARSE_DATE = [
    ("yyyyMMdd", "20220101", "", True, "18993"),
    ("dd/MM/yyyy", "11/05/2019", "", True, "18027"),
    ("dd-MMMM-yyyy", "01-January-2022", "", True, "18993"),
    ("yyyy-MM-dd", "2021-02-30", "", True, "18686"),
    (
        "yyyy-MM",
        "2022-07",
        "",
        False,
        "Text '2022-07' could not be parsed: Unable to obtain LocalDate from "
        "TemporalAccessor: {Year=2022, MonthOfYear=7},ISO of type java.time.format.Parsed",
    ),
    (
        "yyyy-DDD",
        "2019-366",
        "",
        False,
        "Text '2019-366' could not be parsed: Invalid date 'DayOfYear 366' as '2019' is "
        "not a leap year",
    ),
]

PARSE_TIME = [
    ("HH:mm:ss", "10:11:12", "", True, "36672000"),
    ("hh:mm a", "12:05 am", "", True, "300000"),
    ("HH:mm:ss.SSSSSS", "10:11:12.123456", "", True, "36672123"),
    ("HH", "7", "", False, "Text '7' could not be parsed at index 0"),
    ("yyyy HH", "2020 10", "", False, "Time format contains date field."),
    ("A", "1000", "", True, "1000"),
]

Row = tuple[str, str, str, bool, str]

_ERRORS = (jt.TemporalError, jt.PatternError)


def _check(run: object, ok: bool, expected: str) -> None:
    assert callable(run)
    if ok:
        assert str(run()) == expected
    else:
        with pytest.raises(_ERRORS) as caught:
            run()
        message = str(caught.value)
        # Java prints unresolved fields in HashMap order; compare up to them
        assert message.split("{")[0] == expected.split("{")[0]


@pytest.mark.parametrize(("pattern", "millis", "zone", "ok", "expected"), FORMAT_TIMESTAMP)
def test_format_timestamp(pattern: str, millis: str, zone: str, ok: bool, expected: str) -> None:
    _check(
        lambda: jt.format_timestamp(int(millis), jt.formatter(pattern), jt.zone_of(zone)),
        ok,
        expected,
    )


@pytest.mark.parametrize(("pattern", "days", "zone", "ok", "expected"), FORMAT_DATE)
def test_format_date(pattern: str, days: str, zone: str, ok: bool, expected: str) -> None:
    _check(lambda: jt.format_date(int(days), jt.formatter(pattern)), ok, expected)


@pytest.mark.parametrize(("pattern", "millis", "zone", "ok", "expected"), FORMAT_TIME)
def test_format_time(pattern: str, millis: str, zone: str, ok: bool, expected: str) -> None:
    _check(lambda: jt.format_time(int(millis), jt.formatter(pattern)), ok, expected)


@pytest.mark.parametrize(("pattern", "text", "zone", "ok", "expected"), PARSE_TIMESTAMP)
def test_parse_timestamp(pattern: str, text: str, zone: str, ok: bool, expected: str) -> None:
    _check(
        lambda: jt.parse_timestamp(text, jt.formatter(pattern, root=True), jt.zone_of(zone)),
        ok,
        expected,
    )


@pytest.mark.parametrize(("pattern", "text", "zone", "ok", "expected"), PARSE_DATE)
def test_parse_date(pattern: str, text: str, zone: str, ok: bool, expected: str) -> None:
    _check(lambda: jt.parse_date(text, jt.formatter(pattern)), ok, expected)


@pytest.mark.parametrize(("pattern", "text", "zone", "ok", "expected"), PARSE_TIME)
def test_parse_time(pattern: str, text: str, zone: str, ok: bool, expected: str) -> None:
    _check(lambda: jt.parse_time(text, jt.formatter(pattern)), ok, expected)


ZONE_IDS = [
    ("Z", "Z"),
    ("+05:30", "+05:30"),
    ("-0800", "-08:00"),
    ("+5", "+05:00"),
    ("UTC", "UTC"),
    ("GMT+2", "GMT+02:00"),
    ("UTC-03:00", "UTC-03:00"),
    ("GMT+0", "GMT"),
    ("Europe/London", "Europe/London"),
]


@pytest.mark.parametrize(("text", "normalized"), ZONE_IDS)
def test_zone_ids_normalize_as_java(text: str, normalized: str) -> None:
    assert jt.zone_of(text).id == normalized


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PST", "Unknown time-zone ID: PST"),
        ("EST", "Unknown time-zone ID: EST"),
        ("Mars/Olympus", "Unknown time-zone ID: Mars/Olympus"),
        ("+25:00", "Zone offset not in valid range: -18:00 to +18:00 in +25:00"),
        ("!", "Invalid ID for region-based ZoneId, invalid format: !"),
    ],
)
def test_unknown_zones_fail_as_java(text: str, message: str) -> None:
    with pytest.raises(jt.TemporalError, match=message.replace("+", "\\+")):
        jt.zone_of(text)


def test_simple_date_format_is_lenient() -> None:
    # PARSE_DATE's FastDateFormat: any case, short or long names, overflowing days roll over
    day = 86_400_000
    assert jt.parse_simple_date("JAN-2022", "MMM-yyyy") // day == 18993
    assert jt.parse_simple_date("01-january-2022", "dd-MMM-yyyy") // day == 18993
    assert jt.parse_simple_date("2021-02-30", "yyyy-MM-dd") // day == 18688
    assert jt.parse_simple_date("2018-05-11Lit", "yyyy-MM-dd'Lit'") // day == 17662
    with pytest.raises(jt.TemporalError, match="Unparseable date: 2018/05/11"):
        jt.parse_simple_date("2018/05/11", "yyyy-MM-dd")
