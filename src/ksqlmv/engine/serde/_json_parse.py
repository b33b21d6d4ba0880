"""JSON text to values as Jackson's `readTree` reads it for ksqlDB.

Numbers are read exactly (Jackson's BigDecimal) when a column needs it, `NaN` and `Infinity` are
refused, content after the first value is ignored, and empty input is Jackson's MissingNode.
Error messages follow Jackson's for the common cases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

__all__ = ["MISSING", "parser"]

_JSON_SPACE = " \t\n\r"


class _Missing:
    """Jackson's MissingNode: what `readTree` returns for empty input."""

    __slots__ = ()


MISSING: Any = _Missing()


def _reject_constant(token: str) -> Any:
    raise ValueError(
        f"Non-standard token '{token}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
    )


_EXACT_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)
_FLOAT_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parser(exact: bool) -> Callable[[bytes], Any]:
    """A parser of one JSON document as Jackson's `readTree` reads it."""
    decoder = _EXACT_DECODER if exact else _FLOAT_DECODER
    scan = decoder.scan_once  # type: ignore[attr-defined]  # the C scanner json.loads uses
    raw_decode = decoder.raw_decode

    def slow(text: str) -> Any:
        start = len(text) - len(text.lstrip(_JSON_SPACE + "\ufeff"))
        if start == len(text):
            return MISSING  # empty content: Jackson's MissingNode
        try:
            return raw_decode(text, start)[0]  # trailing content is ignored, as Jackson does
        except json.JSONDecodeError as error:
            raise ValueError(_jackson_message(text, start, error)) from None

    def parse(data: bytes) -> Any:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode(json.detect_encoding(data), "replace")
        try:
            # the C scanner reads one value from the start and stops: what follows is ignored
            return scan(text, 0)[0]
        except (StopIteration, json.JSONDecodeError):
            return slow(text)

    return parse


def _jackson_message(text: str, start: int, error: json.JSONDecodeError) -> str:
    expected = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
    if error.pos == start:
        char = text[start]
        if char.isalpha():
            token = text[start:].split(None, 1)[0].rstrip(",:]}")
            return f"Unrecognized token '{token}': was expecting {expected}"
        return (
            f"Unexpected character ('{char}' (code {ord(char)})): expected a valid value {expected}"
        )
    return error.msg
