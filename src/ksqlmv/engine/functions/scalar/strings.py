"""String functions: concatenation, padding, searching, splitting, case and the like.

Behaviour follows ksqlDB's Java, including its edges: TRIM removes control characters and spaces
only (Java's `String.trim`), INITCAP drops leading whitespace, INSTR counts overlapping matches,
SPLIT keeps empty strings, CONCAT_WS with fewer than two arguments fails per record.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import STRING
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param, varargs
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS"]


# Java's String.trim() strips every character up to and including the space
_TRIM = "".join(chr(code) for code in range(33))


_WORD = re.compile(r"[^ \t\n\x0b\f\r]+[ \t\n\x0b\f\r]*")


def _concat(*values: str | None) -> str:
    return "".join(v for v in values if v is not None)


def _concat_bytes(*values: bytes | None) -> bytes:
    return b"".join(v for v in values if v is not None)


def _concat_ws(*values: Any) -> Any:
    if len(values) < 2:
        raise FunctionError("Function Concat_WS expects at least two input arguments.")
    separator = values[0]
    if separator is None:
        return None
    return separator.join(v for v in values[1:] if v is not None)


def _initcap(text: str | None) -> str | None:
    if text is None:
        return None
    return "".join(word[:1].upper() + word[1:] for word in _WORD.findall(text.lower()))


def _lower(text: str | None) -> str | None:
    return None if text is None else text.lower()


def _upper(text: str | None) -> str | None:
    return None if text is None else text.upper()


def _trim(text: str | None) -> str | None:
    return None if text is None else text.strip(_TRIM)


def _len(value: str | bytes | None) -> int | None:
    return None if value is None else len(value)


def _bad_padding(padding: Any, length: int | None) -> bool:
    return padding is None or len(padding) == 0 or length is None or length < 0


def _lpad(value: Any, length: int | None, padding: Any) -> Any:
    if value is None or _bad_padding(padding, length):
        return None
    assert length is not None
    if len(value) >= length:
        return value[:length]
    fill = length - len(value)
    return (padding * (fill // len(padding) + 1))[:fill] + value


def _rpad(value: Any, length: int | None, padding: Any) -> Any:
    if value is None or _bad_padding(padding, length):
        return None
    assert length is not None
    if len(value) >= length:
        return value[:length]
    fill = length - len(value)
    return value + (padding * (fill // len(padding) + 1))[:fill]


def _md5(text: str | None) -> str | None:
    if text is None:
        return None
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _replace(text: str | None, old: str | None, new: str | None) -> str | None:
    if text is None or old is None or new is None:
        return None
    return text.replace(old, new)


def _split(value: Any, delimiter: Any) -> list[Any] | None:
    if value is None or delimiter is None:
        return None
    if not delimiter:
        # splitting on nothing yields each character (each byte)
        if isinstance(value, bytes):
            return [value[i : i + 1] for i in range(len(value))] if value else [value]
        return list(value) if value else [""]
    pieces: list[Any] = value.split(delimiter)
    return pieces


def _split_to_map(text: str | None, entries: str | None, pair: str | None) -> dict[str, str] | None:
    if text is None or entries is None or pair is None:
        return None
    if not entries or not pair or entries == pair:
        return None
    result: dict[str, str] = {}
    for entry in text.split(entries):
        if entry and pair in entry:
            parts = entry.split(pair)
            result[parts[0]] = parts[1]
    return result


def _start(length: int, position: int) -> int:
    return max(length + position, 0) if position < 0 else max(min(position - 1, length), 0)


def _substring_from(value: Any, position: int | None) -> Any:
    if value is None or position is None:
        return None
    return value[_start(len(value), position) :]


def _substring_length(value: Any, position: int | None, length: int | None) -> Any:
    if value is None or position is None or length is None:
        return None
    start = _start(len(value), position)
    return value[start : max(min(start + length, len(value)), start)]


_PAD_DESCRIPTION = (
    "Pads the input string or bytes, starting from the {}, with the specified padding string "
    "until the target length is reached. If the input string or bytes are longer than the "
    "specified target length it will be truncated. If the padding string or bytes are empty or "
    "NULL, or the target length is negative, then NULL is returned."
)


def _pad(name: str, side: str, function: Any) -> FunctionEntry:
    return scalar(
        name,
        STRING,
        _PAD_DESCRIPTION.format(side),
        overload(
            [
                param("input", p.STRING, "String to be padded"),
                param("targetLen", p.INT, "Target length"),
                param("padding", p.STRING, "Padding string"),
            ],
            p.STRING,
            function,
        ),
        overload(
            [
                param("input", p.BYTES, "Bytes to be padded"),
                param("targetLen", p.INT, "Target length"),
                param("padding", p.BYTES, "Padding bytes"),
            ],
            p.BYTES,
            function,
        ),
        author="",
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "concat",
        STRING,
        "Concatenate an arbitrary number of string or bytes fields together",
        overload(
            [varargs("inputs", p.STRING, "The varchar fields to concatenate")], p.STRING, _concat
        ),
        overload(
            [varargs("inputs", p.BYTES, "The bytes fields to concatenate")], p.BYTES, _concat_bytes
        ),
        author="",
    ),
    scalar(
        "concat_ws",
        STRING,
        "Concatenate several strings or bytes, inserting a separator passed as the first "
        "argument between each one.",
        overload(
            [varargs("inputs", p.STRING, "Separator string and values to join")],
            p.STRING,
            _concat_ws,
        ),
        overload(
            [varargs("inputs", p.BYTES, "Separator and bytes values to join")], p.BYTES, _concat_ws
        ),
        author="",
    ),
    scalar(
        "initcap",
        STRING,
        "Capitalizes the first letter of each word in a string and the rest lowercased. Words "
        "are delimited by whitespace.",
        overload(
            [param("str", p.STRING, "The source string. If null, then function returns null.")],
            p.STRING,
            _initcap,
            "Returns the string with the the first letter of each word capitalized and the "
            "rest lowercased",
        ),
    ),
    scalar(
        "lcase",
        STRING,
        "Returns a lower-case version of the input string.",
        overload([param("input", p.STRING, "The string to lower-case")], p.STRING, _lower),
        author="",
    ),
    _pad("LPad", "beginning", _lpad),
    scalar(
        "len",
        STRING,
        "Returns the length of the input string or byte array.",
        overload([param("input", p.STRING, "The input string")], p.INT, _len),
        overload([param("input", p.BYTES, "The input byte array")], p.INT, _len),
        author="",
    ),
    scalar(
        "md5",
        STRING,
        "Computes the hex-encoded md5 hash of the given string",
        overload(
            [param("s", p.STRING, "The input string")],
            p.STRING,
            _md5,
            "Returns the hex-encoded md5 hash of the input string",
        ),
    ),
    _pad("RPad", "end", _rpad),
    scalar(
        "replace",
        STRING,
        "Replaces all occurances of a substring in a string with a new substring.",
        overload(
            [
                param("str", p.STRING, "The source string. If null, then function returns null."),
                param(
                    "oldStr",
                    p.STRING,
                    "The substring to replace. If null, then function returns null.",
                ),
                param(
                    "newStr",
                    p.STRING,
                    "The string to replace the old substrings with. If null, "
                    "then function returns null.",
                ),
            ],
            p.STRING,
            _replace,
            "Returns a new string with all occurences of oldStr in str with newStr",
        ),
    ),
    scalar(
        "split",
        STRING,
        "Splits a string or bytes into an array of substrings or bytes based on a delimiter. If "
        "the delimiter is found at the beginning of the string/bytes, end of the string/bytes, or "
        "there are contiguous delimiters in the string/bytes, then empty strings/bytes are added "
        "to the array. If the delimiter is not found, then the original string or bytes is "
        "returned as the only element in the array. If the delimiter is empty, then all "
        "characters or bytes in the string or bytes are split.",
        overload(
            [
                param(
                    "string",
                    p.STRING,
                    "The string to be split. If NULL, then function returns NULL.",
                ),
                param(
                    "delimiter",
                    p.STRING,
                    "The delimiter to split a string by. If NULL, then function returns NULL.",
                ),
            ],
            p.array(p.STRING),
            _split,
            "Splits a string into an array of substrings based on a delimiter.",
        ),
        overload(
            [
                param(
                    "bytes",
                    p.BYTES,
                    "The byte array to be split. If NULL, then function returns NULL.",
                ),
                param(
                    "delimiter",
                    p.BYTES,
                    "The delimiter to split the byte array by. If NULL, "
                    "then function returns NULL.",
                ),
            ],
            p.array(p.BYTES),
            _split,
            "Splits a byte array into an array of bytes values based on a delimiter.",
        ),
    ),
    scalar(
        "split_to_map",
        STRING,
        "Splits a string into key-value pairs and creates a map from them. The 'entryDelimiter' "
        "splits the string into key-value pairs which are then split by 'kvDelimiter'. If the "
        "same key is present multiple times in the input, the latest value for that key is "
        "returned. Returns NULL if the input text or either of the delimiters is NULL.",
        overload(
            [
                param("input", p.STRING, "Separator string and values to join"),
                param("entryDelimiter", p.STRING, "Separator string and values to join"),
                param("kvDelimiter", p.STRING, "Separator string and values to join"),
            ],
            p.map_of(p.STRING, p.STRING),
            _split_to_map,
        ),
        author="",
    ),
    scalar(
        "substring",
        STRING,
        "Returns the portion of the string or bytes passed in value.",
        overload(
            [
                param("str", p.STRING, "The source string."),
                param("pos", p.INT, "The base-one position to start from."),
            ],
            p.STRING,
            _substring_from,
            "Returns the portion of str from pos to the end of str",
        ),
        overload(
            [
                param("str", p.STRING, "The source string."),
                param("pos", p.INT, "The base-one position to start from."),
                param("length", p.INT, "The length to extract."),
            ],
            p.STRING,
            _substring_length,
            "Returns the portion of str that starts at pos and is of length len",
        ),
        overload(
            [
                param("bytes", p.BYTES, "The source bytes."),
                param("pos", p.INT, "The base-one position to start from."),
            ],
            p.BYTES,
            _substring_from,
            "Returns the portion of the bytes value from pos to the end of the bytes value",
        ),
        overload(
            [
                param("bytes", p.BYTES, "The source bytes."),
                param("pos", p.INT, "The base-one position to start from."),
                param("length", p.INT, "The length to extract."),
            ],
            p.BYTES,
            _substring_length,
            "Returns the portion of the bytes value that starts at pos and is of length len",
        ),
    ),
    scalar(
        "trim",
        STRING,
        "Remove whitespace from the beginning and end of a string.",
        overload([param("input", p.STRING, "The string to trim")], p.STRING, _trim),
        author="",
    ),
    scalar(
        "ucase",
        STRING,
        "Returns an upper-case version of the input string.",
        overload([param("input", p.STRING, "The string to upper-case")], p.STRING, _upper),
        author="",
    ),
)
