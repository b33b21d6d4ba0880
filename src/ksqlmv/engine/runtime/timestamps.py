"""TIMESTAMP_FORMAT: parse a STRING timestamp column with a Java DateTimeFormatter pattern.

ksqlDB's `StringTimestampExtractor` parses with the pattern in UTC unless the text carries a zone.
"""

from __future__ import annotations

from collections.abc import Callable

from ksqlmv.engine.functions.javatime import formatter, parse_timestamp, zone_of
from ksqlmv.errors import AnalysisError

__all__ = ["check_timestamp_format", "timestamp_parser"]


def check_timestamp_format(pattern: str) -> None:
    """AnalysisError when `pattern` is not a valid Java date-time pattern."""
    try:
        formatter(pattern, True)
    except Exception as error:
        raise AnalysisError(f"Invalid date format: {pattern} {error}") from None


def timestamp_parser(pattern: str) -> Callable[[str], int]:
    """A function from timestamp text to epoch milliseconds."""
    fmt = formatter(pattern, True)
    utc = zone_of("UTC")

    def parse(text: str) -> int:
        return parse_timestamp(text, fmt, utc)

    return parse
