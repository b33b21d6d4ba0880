"""JSON read and written as ksqlDB's JSON functions do it with Jackson.

Reading keeps numbers exact (`1.23450` stays `1.23450`), rejects what Jackson rejects (NaN,
comments, single quotes) and ignores text after the first value; empty text is Jackson's
"missing node". Writing is compact (`{"a":1,"b":[1,2]}`), escapes control characters as Jackson
does (`\\u001F`, upper-case hex), prints decimals as `BigDecimal.toString` or, with
`plain_decimals`, `toPlainString`, and doubles as `Double.toString`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ksqlmv.engine.functions._java import double_to_string
from ksqlmv.errors import FunctionError

__all__ = ["MISSING", "array_tokens", "read_json", "write_json"]


class _Missing:
    """Jackson's MissingNode: what empty text parses to."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

_WHITESPACE = " \t\n\r"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}'")


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant, strict=True)


def read_json(text: str) -> Any:
    """The first JSON value in `text` (dicts, lists, str, int, Decimal, bool, None) or MISSING.

    FunctionError("Invalid JSON format:<text>") when the text is not JSON.
    """
    start = 0
    while start < len(text) and text[start] in _WHITESPACE:
        start += 1
    if start == len(text):
        return MISSING
    try:
        value, _ = _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError):
        raise FunctionError(f"Invalid JSON format:{text}") from None
    return value


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_TABLE = {code: _ESCAPES.get(chr(code), f"\\u{code:04X}") for code in range(32)}
_TABLE[ord('"')] = '\\"'
_TABLE[ord("\\")] = "\\\\"


def _string(text: str) -> str:
    return '"' + text.translate(_TABLE) + '"'


def write_json(value: Any, plain_decimals: bool = False) -> str:
    """Compact JSON text for a value, as Jackson writes it."""
    out: list[str] = []
    _write(value, out, plain_decimals)
    return "".join(out)


def _write(value: Any, out: list[str], plain: bool) -> None:
    if value is None or value is MISSING:
        out.append("null" if value is None else "")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        out.append(format(value, "f") if plain else str(value))
    elif isinstance(value, float):
        text = double_to_string(value)
        out.append(f'"{text}"' if math.isnan(value) or math.isinf(value) else text)
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(_string(str(key)))
            out.append(":")
            _write(item, out, plain)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, plain)
        out.append("]")
    else:
        out.append(_string(str(value)))


# ------------------------------------------------------------------------------ streaming


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def array_tokens(text: str) -> Iterator[tuple[str, Any]]:
    """The top-level elements of a JSON array, one at a time, as Jackson's streaming parser
    sees them: ("int" | "float" | "string" | "true" | "false" | "null" | "container", value).

    Stops quietly at the end of the array; raises ValueError at the first malformed element,
    so that elements before it are still seen.
    """
    pos = _skip_space(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise ValueError("not an array")
    pos = _skip_space(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        value, end = _DECODER.raw_decode(text, pos)
        yield _classify(value, text[pos:end]), value
        pos = _skip_space(text, end)
        if pos >= len(text):
            raise ValueError("unexpected end of array")
        if text[pos] == "]":
            return
        if text[pos] != ",":
            raise ValueError(f"unexpected character {text[pos]!r}")
        pos = _skip_space(text, pos + 1)


def _classify(value: Any, raw: str) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "int"
    if isinstance(value, Decimal):
        return "float"
    return "container"
