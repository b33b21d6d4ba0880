"""Scalar functions called directly, with ksqlDB's results for edge cases and NULLs.

Each row: function, argument types, argument values, expected result. An expected
`FunctionError` means the record's expression becomes NULL and the error is logged.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.functions import INTERVAL_UNIT_ARG, FunctionRegistry, LambdaArg
from ksqlmv.errors import FunctionError
from ksqlmv.sql.ast import TimeUnit
from ksqlmv.sql.types import (
    BIGINT,
    BOOLEAN,
    BYTES,
    DATE,
    DOUBLE,
    INTEGER,
    STRING,
    TIME,
    TIMESTAMP,
    ArrayType,
    DecimalType,
    MapType,
    SqlType,
    StructField,
    StructType,
)


class Fails:
    """The call raises FunctionError with a message matching `pattern`."""

    def __init__(self, pattern: str = "") -> None:
        self.pattern = pattern


NAN = float("nan")
D = Decimal

CASES: list[tuple[str, list[Any], list[Any], Any]] = [
    # numbers
    ("ABS", [INTEGER], [-2147483648], -2147483648),
    ("ABS", [DecimalType(3, 1)], [D("-3.2")], D("3.2")),
    ("ROUND", [DOUBLE], [2.5], 3),
    ("ROUND", [DOUBLE], [-2.5], -2),
    ("ROUND", [DOUBLE], [0.49999999999999994], 0),
    ("ROUND", [DOUBLE, INTEGER], [1.005, 2], 1.01),
    ("ROUND", [DOUBLE, INTEGER], [-1.5, 0], -1.0),
    ("ROUND", [DOUBLE, INTEGER], [1234.5, -2], 1200.0),
    ("ROUND", [DecimalType(5, 2), INTEGER], [D("1.25"), 1], D("1.30")),
    ("ROUND", [DecimalType(5, 2)], [D("-1.50")], D("-1")),
    ("ROUND", [DOUBLE, INTEGER], [NAN, 1], Fails()),
    ("TRUNC", [DOUBLE], [-1.7], -1),
    ("TRUNC", [DOUBLE], [NAN], 0),
    ("TRUNC", [DecimalType(5, 3), INTEGER], [D("-1.239"), 2], D("-1.230")),
    ("CEIL", [DecimalType(4, 2)], [D("1.01")], D("2.00")),
    ("FLOOR", [DOUBLE], [-1.5], -2.0),
    ("SIGN", [DOUBLE], [NAN], 0),
    ("LN", [INTEGER], [0], -math.inf),
    ("LOG", [DOUBLE], [math.e], 1.0),  # ksqlDB's one-argument LOG is the natural log
    ("LOG", [INTEGER, INTEGER], [1, 5], NAN),
    ("POWER", [DOUBLE, DOUBLE], [0.0, -1.0], math.inf),
    ("POWER", [DOUBLE, DOUBLE], [-8.0, 1 / 3], NAN),
    ("POWER", [DOUBLE, DOUBLE], [10.0, 400.0], math.inf),
    ("EXP", [DOUBLE], [1000.0], math.inf),
    ("COSH", [DOUBLE], [1000.0], math.inf),
    ("SINH", [DOUBLE], [-1000.0], -math.inf),
    ("COT", [DOUBLE], [0.0], math.inf),
    ("ACOS", [DOUBLE], [2.0], NAN),
    ("SQRT", [BIGINT], [None], None),
    ("GREATEST", [DOUBLE, DOUBLE, DOUBLE], [1.0, NAN, 2.0], NAN),
    ("LEAST", [DOUBLE, DOUBLE], [0.0, -0.0], -0.0),
    ("GREATEST", [BYTES, BYTES], [b"\x7f", b"\x80"], b"\x7f"),
    ("GREATEST", [STRING, STRING, STRING], [None, None, None], None),
    ("LEAST", [DecimalType(3, 1), DecimalType(4, 3)], [D("1.5"), D("1.25")], D("1.250")),
    # strings
    ("CONCAT", [STRING, STRING, STRING], ["a", None, "b"], "ab"),
    ("CONCAT", [BYTES, BYTES], [b"\x01", b"\x02"], b"\x01\x02"),
    ("CONCAT_WS", [STRING, STRING, STRING, STRING], ["-", "a", None, "b"], "a-b"),
    ("CONCAT_WS", [STRING, STRING], [None, "a"], None),
    ("CONCAT_WS", [STRING], ["-"], Fails("Function Concat_WS expects at least two input")),
    ("SUBSTRING", [STRING, INTEGER], ["ksqlDB", -2], "DB"),
    ("SUBSTRING", [STRING, INTEGER, INTEGER], ["ksqlDB", 0, 3], "ksq"),
    ("SUBSTRING", [STRING, INTEGER, INTEGER], ["ksqlDB", 5, 100], "DB"),
    ("SUBSTRING", [BYTES, INTEGER, INTEGER], [b"\x01\x02\x03", 2, 1], b"\x02"),
    ("TRIM", [STRING], ["\t x \n"], "x"),
    ("TRIM", [STRING], ["\u00a0x\u00a0"], "\u00a0x\u00a0"),  # Java trims only <= U+0020
    ("INITCAP", [STRING], ["  the QUICK\tbrown"], "The Quick\tBrown"),
    ("INSTR", [STRING, STRING], ["CORPORATE FLOOR", "OR"], 2),
    ("INSTR", [STRING, STRING, INTEGER], ["CORPORATE FLOOR", "OR", 3], 5),
    ("INSTR", [STRING, STRING, INTEGER, INTEGER], ["CORPORATE FLOOR", "OR", -3, 2], 2),
    ("INSTR", [STRING, STRING, INTEGER, INTEGER], ["aaaa", "aa", 1, 3], 3),
    ("INSTR", [STRING, STRING], [None, "a"], 0),
    ("LPAD", [STRING, INTEGER, STRING], ["hi", 5, "ab"], "abahi"),
    ("LPAD", [STRING, INTEGER, STRING], ["hello", 2, "ab"], "he"),
    ("RPAD", [STRING, INTEGER, STRING], ["hi", 5, ""], None),
    ("RPAD", [BYTES, INTEGER, BYTES], [b"\x01", 3, b"\x02"], b"\x01\x02\x02"),
    ("SPLIT", [STRING, STRING], [",a,,b,", ","], ["", "a", "", "b", ""]),
    ("SPLIT", [STRING, STRING], ["abc", ""], ["a", "b", "c"]),
    ("SPLIT", [BYTES, BYTES], [b"\x01\x00\x02", b"\x00"], [b"\x01", b"\x02"]),
    ("SPLIT_TO_MAP", [STRING, STRING, STRING], ["a=1;b=2;a=3;c", ";", "="], {"a": "3", "b": "2"}),
    ("SPLIT_TO_MAP", [STRING, STRING, STRING], ["a=1", "=", "="], None),
    ("REPLACE", [STRING, STRING, STRING], ["abc", "", "-"], "-a-b-c-"),
    ("ELT", [INTEGER, STRING, STRING], [2, "a", "b"], "b"),
    ("ELT", [INTEGER, STRING], [3, "a"], None),
    ("FIELD", [STRING, STRING, STRING], ["b", "a", "b"], 2),
    ("FIELD", [STRING, STRING], [None, None], 0),
    ("CHR", [INTEGER], [75], "K"),
    ("CHR", [STRING], ["\\u004b\\u0053"], "KS"),
    ("CHR", [INTEGER], [-1], None),
    ("LEN", [BYTES], [b"\x00\x01"], 2),
    ("UCASE", [STRING], ["straße"], "STRASSE"),
    ("MD5", [STRING], ["ksqlDB"], "aa97027427d39488a27a9847fa7ec39b"),
    ("UUID", [BYTES], [bytes(range(16))], "00010203-0405-0607-0809-0a0b0c0d0e0f"),
    ("UUID", [BYTES], [b"\x00"], None),
    ("MASK", [STRING], ["Ab1-é"], "Xxn-x"),
    ("MASK", [STRING, STRING, STRING, STRING, STRING], ["Ab1-", "U", None, None, "#"], "Ub1#"),
    (
        "MASK",
        [STRING, STRING, STRING, STRING, STRING],
        ["Ab", "UU", None, None, None],
        Fails("Invalid mask character. Must be only single character, but was 'UU'"),
    ),
    ("MASK_LEFT", [STRING, INTEGER], ["AbCd", 2], "XxCd"),
    ("MASK_RIGHT", [STRING, INTEGER], ["AbCd", 9], "XxXx"),
    ("MASK_KEEP_LEFT", [STRING, INTEGER], ["AbCd", 1], "AxXx"),
    ("MASK_KEEP_RIGHT", [STRING, INTEGER], ["AbCd", 1], "XxXd"),
    (
        "MASK_LEFT",
        [STRING, INTEGER],
        ["AbCd", -1],
        Fails("function mask_left requires a non-negative number of characters to mask or skip"),
    ),
    # bytes and encodings
    ("TO_BYTES", [STRING, STRING], ["1aB2", "hex"], b"\x1a\xb2"),
    ("TO_BYTES", [STRING, STRING], ["abc", "hex"], Fails("hexBinary needs to be even-length")),
    ("TO_BYTES", [STRING, STRING], ["IQ", "base64"], b"!"),
    ("FROM_BYTES", [BYTES, STRING], [b"\x1a\xb2", "HEX"], "1AB2"),
    (
        "FROM_BYTES",
        [BYTES, STRING],
        [b"\x1a", "utf16"],
        Fails(
            "Unknown encoding type 'utf16'. Supported formats are 'hex', 'utf8', 'ascii', and "
            "'base64'."
        ),
    ),
    ("ENCODE", [STRING, STRING, STRING], ["0x4", "hex", "utf8"], "\x04"),
    (
        "ENCODE",
        [STRING, STRING, STRING],
        ["zz", "hex", "utf8"],
        Fails("Illegal hexadecimal character z at index 0"),
    ),
    (
        "ENCODE",
        [STRING, STRING, STRING],
        ["abc", "utf8", "utf8"],
        Fails("Supported input and output encodings are: hex, utf8, ascii and base64"),
    ),
    ("INT_FROM_BYTES", [BYTES], [b"\x00\x00\x07\xe5"], 2021),
    ("INT_FROM_BYTES", [BYTES, STRING], [b"\xe5\x07\x00\x00", "little_endian"], 2021),
    (
        "INT_FROM_BYTES",
        [BYTES],
        [b"\x00"],
        Fails("Number of bytes must be equal to 4, but found 1"),
    ),
    (
        "BIGINT_FROM_BYTES",
        [BYTES, STRING],
        [b"\x00" * 8, "MIDDLE"],
        Fails("Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order 'MIDDLE'."),
    ),
    ("DOUBLE_FROM_BYTES", [BYTES], [b"\x40\x80\xa6\xfd\x9b\xc9\xf5\x82"], 532.8738323),
    # regular expressions
    ("REGEXP_EXTRACT", [STRING, STRING, INTEGER], ["(\\w+) (\\w+)", "hello world", 2], "world"),
    ("REGEXP_EXTRACT", [STRING, STRING, INTEGER], ["(a)", "abc", 2], None),
    ("REGEXP_EXTRACT", [STRING, STRING], ["\\d+", "éé12"], "12"),
    ("REGEXP_EXTRACT", [STRING, STRING], ["(?<year>\\d{4})", "in 2024"], "2024"),
    ("REGEXP_EXTRACT_ALL", [STRING, STRING, INTEGER], ["(\\w)(\\d)?", "a1b", 2], ["1", None]),
    ("REGEXP_REPLACE", [STRING, STRING, STRING], ["a.b.c", "\\.", "$0$0"], "a..b..c"),
    ("REGEXP_REPLACE", [STRING, STRING, STRING], ["2024-05", "(\\d+)-(\\d+)", "$2/$1"], "05/2024"),
    (
        "REGEXP_REPLACE",
        [STRING, STRING, STRING],
        ["x", "(", "y"],
        Fails(r"Invalid regular expression pattern: \("),
    ),
    ("REGEXP_REPLACE", [STRING, STRING, STRING], ["abc", "\\p{Upper}|b", "_"], "a_c"),
    ("REGEXP_SPLIT_TO_ARRAY", [STRING, STRING], ["a1b22c", "\\d+"], ["a", "b", "c"]),
    ("REGEXP_SPLIT_TO_ARRAY", [STRING, STRING], ["1a1", "1"], ["", "a", ""]),
    ("REGEXP_SPLIT_TO_ARRAY", [STRING, STRING], ["abc", ""], ["a", "b", "c"]),
    ("REGEXP_SPLIT_TO_ARRAY", [STRING, STRING], ["a,b,,", "x*"], ["a", ",", "b", ",", ","]),
    # URLs
    ("URL_EXTRACT_HOST", [STRING], ["https://docs.ksqldb.io:8080/path?x=1#frag"], "docs.ksqldb.io"),
    ("URL_EXTRACT_PORT", [STRING], ["https://docs.ksqldb.io:8080/path"], 8080),
    ("URL_EXTRACT_PORT", [STRING], ["https://docs.ksqldb.io/path"], None),
    ("URL_EXTRACT_PATH", [STRING], ["http://a.io/a%20b/c"], "/a b/c"),
    ("URL_EXTRACT_QUERY", [STRING], ["http://a.io/?q=1&r=%26"], "q=1&r=&"),
    ("URL_EXTRACT_FRAGMENT", [STRING], ["http://a.io/#top"], "top"),
    ("URL_EXTRACT_PROTOCOL", [STRING], ["mailto:someone@a.io"], "mailto"),
    ("URL_EXTRACT_PATH", [STRING], ["mailto:someone@a.io"], None),
    ("URL_EXTRACT_HOST", [STRING], ["http://under_score.io/"], None),
    ("URL_EXTRACT_HOST", [STRING], ["http://a b.io/"], Fails("URL input has invalid syntax")),
    ("URL_EXTRACT_PARAMETER", [STRING, STRING], ["http://a.io/?a=1&b&c=3", "b"], ""),
    ("URL_EXTRACT_PARAMETER", [STRING, STRING], ["http://a.io/?a=1=2", "a"], "1=2"),
    ("URL_ENCODE_PARAM", [STRING], ["a b~c*é"], "a+b%7Ec*%C3%A9"),
    ("URL_DECODE_PARAM", [STRING], ["a+b%7E"], "a b~"),
    ("URL_DECODE_PARAM", [STRING], ["100%"], Fails("Incomplete trailing escape")),
    # JSON
    ("EXTRACTJSONFIELD", [STRING, STRING], ['{"a": {"b": [1, 2.50]}}', "$.a.b[1]"], "2.50"),
    ("EXTRACTJSONFIELD", [STRING, STRING], ['{"a": "x"}', "$.a"], "x"),
    ("EXTRACTJSONFIELD", [STRING, STRING], ['{"a b": {"c": true}}', '$["a b"]'], '{"c":true}'),
    ("EXTRACTJSONFIELD", [STRING, STRING], ['{"a": 1}', "a"], Fails("Invalid JSON path: 'a'")),
    ("EXTRACTJSONFIELD", [STRING, STRING], ["{bad", "$.a"], Fails("Invalid JSON format:{bad")),
    ("IS_JSON_STRING", [STRING], ["  "], False),
    ("IS_JSON_STRING", [STRING], ["NaN"], False),
    ("IS_JSON_STRING", [STRING], ["[1] trailing"], True),
    ("JSON_ARRAY_LENGTH", [STRING], ["{}"], None),
    ("JSON_ARRAY_CONTAINS", [STRING, INTEGER], ["[1, [2], 3]", 2], False),
    ("JSON_ARRAY_CONTAINS", [STRING, INTEGER], ["[1, 2, oops", 2], True),
    ("JSON_ARRAY_CONTAINS", [STRING, DOUBLE], ["[1, 2.0]", 1.0], False),
    ("JSON_ARRAY_CONTAINS", [STRING, DOUBLE], ["[1, 2.0]", 2.0], True),
    ("JSON_ARRAY_CONTAINS", [STRING, STRING], ['["a", null]', None], True),
    ("JSON_ARRAY_CONTAINS", [STRING, BOOLEAN], ["[true]", False], False),
    (
        "JSON_CONCAT",
        [STRING, STRING],
        ['{"a": 1.0E+2}', '{"b": "\\u0001"}'],
        '{"a":100,"b":"\\u0001"}',
    ),
    ("JSON_ITEMS", [STRING], ['[{"a": 1}, "x"]'], ['{"a":1}', '"x"']),
    ("JSON_ITEMS", [STRING], ['{"a": 1}'], Fails()),
    ("JSON_KEYS", [STRING], ['{"b": 1, "a": 2}'], ["b", "a"]),
    ("JSON_RECORDS", [STRING], ['{"a": [1], "b": "s"}'], {"a": "[1]", "b": "s"}),
    ("TO_JSON_STRING", [DOUBLE], [1e10], "1.0E10"),
    ("TO_JSON_STRING", [DOUBLE], [NAN], '"NaN"'),
    ("TO_JSON_STRING", [DecimalType(4, 2)], [D("1.50")], "1.50"),
    ("TO_JSON_STRING", [MapType(STRING, INTEGER)], [{"b": 1, "a": 2}], '{"a":2,"b":1}'),
    (
        "TO_JSON_STRING",
        [StructType((StructField("Z", TIME), StructField("A", DATE)))],
        [{"Z": 0, "A": 1}],
        '{"A":"1970-01-02","Z":"00:00"}',
    ),
    ("TO_JSON_STRING", [STRING], ['a"\n'], '"a\\"\\n"'),
    ("TO_JSON_STRING", [INTEGER], [None], "null"),
    # dates and times
    ("FORMAT_TIMESTAMP", [TIMESTAMP, STRING], [0, "yyyy-MM-dd HH:mm"], "1970-01-01 00:00"),
    (
        "FORMAT_TIMESTAMP",
        [TIMESTAMP, STRING, STRING],
        [0, "HH:mm", "PST"],
        Fails(
            "Failed to format timestamp .* at timeZone 'PST' with formatter 'HH:mm': Unknown "
            "time-zone ID: PST"
        ),
    ),
    ("FORMAT_DATE", [DATE, STRING], [18993, "dd/MM/yyyy"], "01/01/2022"),
    ("FORMAT_TIME", [TIME, STRING], [45296789, "HH:mm:ss.SSS"], "12:34:56.789"),
    (
        "PARSE_TIMESTAMP",
        [STRING, STRING, STRING],
        ["2020-01-01 10:00", "yyyy-MM-dd HH:mm", "Europe/Paris"],
        1577869200000,
    ),
    (
        "PARSE_DATE",
        [STRING, STRING],
        ["2020-01-01 10:00", "yyyy-MM-dd HH:mm"],
        Fails("Date format contains time field."),
    ),
    (
        "PARSE_TIME",
        [STRING, STRING],
        ["2020 10:00", "yyyy HH:mm"],
        Fails("Time format contains date field."),
    ),
    ("STRINGTODATE", [STRING, STRING], ["2020-02-30", "yyyy-MM-dd"], 18321),
    ("DATETOSTRING", [INTEGER, STRING], [None, "yyyy"], Fails()),
    (
        "CONVERT_TZ",
        [TIMESTAMP, STRING, STRING],
        [1526075913000, "UTC", "America/Los_Angeles"],
        1526050713000,
    ),
    (
        "CONVERT_TZ",
        [TIMESTAMP, STRING, STRING],
        [0, "UTC", "Nowhere/Land"],
        Fails("Invalid time zone: Unknown time-zone ID: Nowhere/Land"),
    ),
    ("TIMESTAMPADD", [INTERVAL_UNIT_ARG, INTEGER, TIMESTAMP], [TimeUnit.DAYS, -1, 0], -86400000),
    ("TIMEADD", [INTERVAL_UNIT_ARG, INTEGER, TIME], [TimeUnit.HOURS, 25, 0], 3600000),
    ("TIMESUB", [INTERVAL_UNIT_ARG, INTEGER, TIME], [TimeUnit.MINUTES, 1, 0], 86340000),
    ("DATEADD", [INTERVAL_UNIT_ARG, INTEGER, DATE], [TimeUnit.HOURS, 36, 0], 1),
    ("DATEADD", [INTERVAL_UNIT_ARG, INTEGER, DATE], [TimeUnit.HOURS, -1, 0], 0),  # truncation
    ("DATESUB", [INTERVAL_UNIT_ARG, INTEGER, DATE], [TimeUnit.DAYS, 1, 10], 9),
    ("FROM_UNIXTIME", [BIGINT], [5], 5),
    ("FROM_DAYS", [INTEGER], [None], Fails()),
    ("UNIX_DATE", [DATE], [19000], 19000),
    ("UNIX_TIMESTAMP", [TIMESTAMP], [None], None),
    # collections
    (
        "ARRAY_DISTINCT",
        [ArrayType(DOUBLE)],
        [[NAN, 1.0, NAN, None, -0.0, 0.0, None]],
        [NAN, 1.0, None, -0.0, 0.0],
    ),
    ("ARRAY_DISTINCT", [ArrayType(ArrayType(INTEGER))], [[[1], [1], [2]]], [[1], [2]]),
    ("ARRAY_EXCEPT", [ArrayType(INTEGER), ArrayType(INTEGER)], [[3, 1, 3, 2], [2]], [3, 1]),
    (
        "ARRAY_INTERSECT",
        [ArrayType(STRING), ArrayType(STRING)],
        [["b", "a", "b"], ["b", "c"]],
        ["b"],
    ),
    ("ARRAY_UNION", [ArrayType(INTEGER), ArrayType(INTEGER)], [[1, 1], [2, 1]], [1, 2]),
    ("ARRAY_CONCAT", [ArrayType(INTEGER), ArrayType(INTEGER)], [None, [1]], [1]),
    ("ARRAY_CONCAT", [ArrayType(INTEGER), ArrayType(INTEGER)], [None, None], None),
    ("ARRAY_JOIN", [ArrayType(DOUBLE)], [[1.0, None, 1e7]], "1.0,null,1.0E7"),
    ("ARRAY_JOIN", [ArrayType(BOOLEAN), STRING], [[True, False], None], "truefalse"),
    (
        "ARRAY_JOIN",
        [ArrayType(TIMESTAMP)],
        [[1]],
        Fails("error: hit element of type java.sql.Timestamp which is currently not supported"),
    ),
    ("ARRAY_SORT", [ArrayType(INTEGER), STRING], [[3, None, 1], "desc"], [3, 1, None]),
    ("ARRAY_SORT", [ArrayType(INTEGER), STRING], [[3, 1], "sideways"], None),
    ("ARRAY_SORT", [ArrayType(BYTES)], [[b"\x80", b"\x01"]], [b"\x80", b"\x01"]),
    ("ARRAY_SORT", [ArrayType(MapType(STRING, INTEGER))], [[{"a": 1}]], [{"a": 1}]),
    ("ARRAY_SORT", [ArrayType(MapType(STRING, INTEGER))], [[{"a": 1}, {"b": 2}]], Fails()),
    ("ARRAY_MAX", [ArrayType(STRING)], [["a", None, "c"]], "c"),
    ("ARRAY_MIN", [ArrayType(INTEGER)], [[None]], None),
    ("ARRAY_REMOVE", [ArrayType(INTEGER), INTEGER], [[1, None, 2, 1], 1], [None, 2]),
    ("ARRAY_REMOVE", [ArrayType(INTEGER), INTEGER], [[1, None], None], [1]),
    ("ARRAY_CONTAINS", [ArrayType(INTEGER), INTEGER], [[1, None], None], True),
    ("ARRAY_CONTAINS", [ArrayType(INTEGER), INTEGER], [None, 1], False),
    ("ARRAY_LENGTH", [ArrayType(INTEGER)], [[]], 0),
    ("SLICE", [ArrayType(INTEGER), INTEGER, INTEGER], [[1, 2, 3], 2, None], [2, 3]),
    ("SLICE", [ArrayType(INTEGER), INTEGER, INTEGER], [[1, 2, 3], 0, 2], None),
    ("GENERATE_SERIES", [INTEGER, INTEGER, INTEGER], [1, 10, 4], [1, 5, 9]),
    ("GENERATE_SERIES", [BIGINT, BIGINT], [3, 1], [3, 2, 1]),
    (
        "GENERATE_SERIES",
        [INTEGER, INTEGER, INTEGER],
        [1, 3, -1],
        Fails("GENERATE_SERIES step has wrong sign"),
    ),
    (
        "ENTRIES",
        [MapType(STRING, INTEGER), BOOLEAN],
        [{"b": 1, "a": 2}, True],
        [{"K": "a", "V": 2}, {"K": "b", "V": 1}],
    ),
    ("AS_MAP", [ArrayType(STRING), ArrayType(INTEGER)], [["a", "b"], [1]], {"a": 1, "b": None}),
    ("MAP_KEYS", [MapType(STRING, INTEGER)], [{"x": 1}], ["x"]),
    ("MAP_VALUES", [MapType(STRING, INTEGER)], [None], None),
    (
        "MAP_UNION",
        [MapType(STRING, INTEGER), MapType(STRING, INTEGER)],
        [{"a": 1, "b": 2}, {"b": 3}],
        {"a": 1, "b": 3},
    ),
    # nulls and others
    ("COALESCE", [INTEGER, INTEGER, INTEGER], [None, None, 3], 3),
    ("IFNULL", [STRING, STRING], [None, "alt"], "alt"),
    ("NULLIF", [ArrayType(INTEGER), ArrayType(INTEGER)], [[1, 2], [1, 2]], None),
    ("NULLIF", [DOUBLE, DOUBLE], [NAN, NAN], None),
    ("NULLIF", [DOUBLE, DOUBLE], [0.0, -0.0], 0.0),
    ("AS_VALUE", [STRING], ["k"], "k"),
    (
        "GEO_DISTANCE",
        [DOUBLE, DOUBLE, DOUBLE, DOUBLE, STRING],
        [0.0, 0.0, 0.0, 1.0, "MILES"],
        69.09758508645551,
    ),
    (
        "GEO_DISTANCE",
        [DOUBLE, DOUBLE, DOUBLE, DOUBLE],
        [91.0, 0.0, 0.0, 0.0],
        Fails("valid latitude values for GeoDistance function are in the range of -90 to 90"),
    ),
    (
        "GEO_DISTANCE",
        [DOUBLE, DOUBLE, DOUBLE, DOUBLE, STRING],
        [0.0, 0.0, 0.0, 1.0, "furlongs"],
        Fails("GeoDistance function units parameter must be one of"),
    ),
]


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _same(e, a) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, float) and isinstance(actual, float) and expected == 0.0:
        return actual == 0.0 and math.copysign(1, expected) == math.copysign(1, actual)
    return type(expected) is type(actual) and bool(expected == actual)


@pytest.mark.parametrize(("name", "types", "args", "expected"), CASES)
def test_scalar_function(
    registry: FunctionRegistry, name: str, types: list[SqlType], args: list[Any], expected: Any
) -> None:
    function = registry.resolve(name, types).bound()
    if isinstance(expected, Fails):
        with pytest.raises(FunctionError) as caught:
            function(*args)
        assert re.search(expected.pattern, str(caught.value)), str(caught.value)
    else:
        result = function(*args)
        assert _same(expected, result), f"{name}{tuple(args)} = {result!r}, expected {expected!r}"


def test_uuid_and_random_are_fresh(registry: FunctionRegistry) -> None:
    uuid = registry.resolve("UUID", []).function
    assert uuid() != uuid()
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", uuid()
    )
    value = registry.resolve("RANDOM", []).function()
    assert 0.0 <= value < 1.0


LAMBDAS = [
    ("TRANSFORM", [ArrayType(INTEGER)], [(INTEGER,)], [STRING], [[1, 2], str], ["1", "2"]),
    (
        "TRANSFORM",
        [MapType(STRING, INTEGER)],
        [(STRING, INTEGER), (STRING, INTEGER)],
        [STRING, INTEGER],
        [{"a": 1}, lambda k, v: k.upper(), lambda k, v: v * 10],
        {"A": 10},
    ),
    ("FILTER", [ArrayType(INTEGER)], [(INTEGER,)], [BOOLEAN], [[1, 2, 3], lambda x: x > 1], [2, 3]),
    (
        "FILTER",
        [MapType(STRING, INTEGER)],
        [(STRING, INTEGER)],
        [BOOLEAN],
        [{"a": 1, "b": 2}, lambda k, v: v > 1],
        {"b": 2},
    ),
    (
        "REDUCE",
        [ArrayType(INTEGER), BIGINT],
        [None, (BIGINT, INTEGER)],
        [BIGINT],
        [[1, 2, 3], 10, lambda s, x: s + x],
        16,
    ),
    (
        "REDUCE",
        [MapType(STRING, INTEGER), STRING],
        [None, (STRING, STRING, INTEGER)],
        [STRING],
        [{"a": 1, "b": 2}, "", lambda s, k, v: s + k * v],
        "abb",
    ),
]


@pytest.mark.parametrize(("name", "plain", "inputs", "bodies", "args", "expected"), LAMBDAS)
def test_lambda_functions(
    registry: FunctionRegistry,
    name: str,
    plain: list[SqlType],
    inputs: list[tuple[SqlType, ...] | None],
    bodies: list[SqlType],
    args: list[Any],
    expected: Any,
) -> None:
    lambda_count = len(bodies)
    first_pass: list[Any] = [*plain, *[LambdaArg(len(i)) for i in inputs if i][:lambda_count]]
    found = registry.lambda_types(name, first_pass)
    wanted = [i for i in inputs if i]
    assert [f for f in found if f is not None] == wanted
    resolved: list[Any] = [
        *plain,
        *[LambdaArg(len(i), i, body) for i, body in zip(wanted, bodies, strict=True)],
    ]
    call = registry.resolve(name, resolved)
    assert call.function(*args) == expected


def test_filter_fails_on_a_null_predicate(registry: FunctionRegistry) -> None:
    call = registry.resolve("FILTER", [ArrayType(INTEGER), LambdaArg(1, (INTEGER,), BOOLEAN)])
    with pytest.raises(FunctionError):
        call.function([1], lambda x: None)


def test_transform_map_refuses_duplicate_keys(registry: FunctionRegistry) -> None:
    call = registry.resolve(
        "TRANSFORM",
        [
            MapType(STRING, INTEGER),
            LambdaArg(2, (STRING, INTEGER), STRING),
            LambdaArg(2, (STRING, INTEGER), INTEGER),
        ],
    )
    with pytest.raises(FunctionError, match="Duplicate key k"):
        call.function({"a": 1, "b": 2}, lambda k, v: "k", lambda k, v: v)
