"""Character codes and identifiers: CHR, MD5 and UUID."""

from __future__ import annotations

import uuid

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import STRING
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS", "unescape_java"]


_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


def unescape_java(text: str) -> str:
    """commons-text `StringEscapeUtils.unescapeJava`: `\\u004b` and the other Java escapes."""
    out: list[str] = []
    pos = 0
    size = len(text)
    while pos < size:
        ch = text[pos]
        if ch != "\\" or pos + 1 >= size:
            out.append(ch)
            pos += 1
            continue
        nxt = text[pos + 1]
        if nxt == "u":
            end = pos + 1
            while end < size and text[end] == "u":
                end += 1
            if end < size and text[end] == "+":
                end += 1
            digits = text[end : end + 4]
            if len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
                out.append(chr(int(digits, 16)))
                pos = end + 4
                continue
            raise FunctionError(
                f"Less than 4 hex digits in unicode value: '{digits}' due to end of CharSequence"
            )
        if nxt in "01234567":
            end = pos + 1
            limit = pos + (4 if nxt in "0123" else 3)
            while end < min(limit, size) and text[end] in "01234567":
                end += 1
            out.append(chr(int(text[pos + 1 : end], 8)))
            pos = end
            continue
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
        else:
            out.append(nxt)
        pos += 2
    return "".join(out)


def _chr_code(code: int | None) -> str | None:
    if code is None or not 0 <= code <= 0x10FFFF:
        return None
    return chr(code)


def _chr_text(code: str | None) -> str | None:
    if code is None or len(code) < 6 or not code.startswith("\\u"):
        return None
    return unescape_java(code)


def _uuid() -> str:
    return str(uuid.uuid4())


def _uuid_of(value: bytes | None) -> str | None:
    if value is None or len(value) != 16:
        return None
    return str(uuid.UUID(bytes=value))


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "Chr",
        STRING,
        "Returns a single-character string corresponding to the input character code.",
        overload([param("decimalCode", p.INT, "Decimal codepoint")], p.STRING, _chr_code),
        overload(
            [param("utf16Code", p.STRING, "UTF16 code for the desired character e.g. '\\u004b'")],
            p.STRING,
            _chr_text,
        ),
        author="",
    ),
    scalar(
        "UUID",
        STRING,
        "Create a Universally Unique Identifier (UUID) generated according to RFC 4122. A call to "
        'UUID()\xa0returns a value conforming to UUID version 4, sometimes called "random UUID", '
        "as described in RFC 4122. A call to UUID(bytes)\xa0returns a value conforming to UUID. "
        "The value is a 128-bit number represented as a\xa0string of five hexadecimal numbers "
        "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.",
        overload([], p.STRING, _uuid),
        overload([param("bytes", p.BYTES)], p.STRING, _uuid_of),
        author="",
    ),
)
