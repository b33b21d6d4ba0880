"""Bytes and encodings: ENCODE, TO_BYTES, FROM_BYTES, INT/BIGINT/DOUBLE_FROM_BYTES.

The encodings are `hex`, `utf8`, `ascii` and `base64`. FROM_BYTES prints hex in upper case (as
`DatatypeConverter` does) while ENCODE prints it in lower case (as commons-codec does); characters
ASCII cannot hold become `?` when encoding and bytes it cannot read become U+FFFD when decoding,
as in Java.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Callable

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import CONVERSIONS, STRING
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS", "decode_text", "encode_bytes"]

_UNKNOWN = "Unknown encoding type '{}'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'."
_BASE64_CHARS = re.compile(r"[^A-Za-z0-9+/\-_]")


def _encoding(name: str) -> str:
    lowered = name.lower()
    if lowered not in ("hex", "utf8", "ascii", "base64"):
        raise FunctionError(_UNKNOWN.format(name))
    return lowered


def encode_bytes(value: bytes, encoding: str) -> str:
    """ksqlDB's BytesUtils.encode: bytes to text in `encoding`."""
    kind = _encoding(encoding)
    if kind == "hex":
        return value.hex().upper()
    if kind == "utf8":
        return value.decode("utf-8", errors="replace")
    if kind == "ascii":
        return value.decode("ascii", errors="replace")
    return base64.b64encode(value).decode("ascii")


def decode_text(value: str, encoding: str) -> bytes:
    """ksqlDB's BytesUtils.decode: text in `encoding` to bytes (strict hex and base64)."""
    kind = _encoding(encoding)
    if kind == "hex":
        if len(value) % 2:
            raise FunctionError(f"hexBinary needs to be even-length: {value}")
        try:
            return bytes.fromhex(value)
        except ValueError:
            raise FunctionError(f"contains illegal character for hexBinary: {value}") from None
    if kind == "utf8":
        return value.encode("utf-8", errors="surrogatepass")
    if kind == "ascii":
        return value.encode("ascii", errors="replace")
    padded = value + "=" * (-len(value) % 4) if "=" not in value else value
    try:
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise FunctionError(f"Illegal base64 character: {error}") from None


def _from_bytes(value: bytes | None, encoding: str | None) -> str | None:
    return None if value is None or encoding is None else encode_bytes(value, encoding)


def _to_bytes(value: str | None, encoding: str | None) -> bytes | None:
    return None if value is None or encoding is None else decode_text(value, encoding)


# ------------------------------------------------------------------------------ ENCODE


def _hex_strip(text: str) -> str:
    if text.startswith("0x"):
        return "0" + text[2:] if len(text) % 2 else text[2:]
    if len(text) >= 3 and text[0] in "xX" and text[1] == "'" and text.endswith("'"):
        return text[2:-1]
    return text


def _hex_decode(text: str) -> bytes:
    # commons-codec Hex.decodeHex
    stripped = _hex_strip(text)
    if len(stripped) % 2:
        raise FunctionError("Odd number of characters.")
    for index, ch in enumerate(stripped):
        if ch not in "0123456789abcdefABCDEF":
            raise FunctionError(f"Illegal hexadecimal character {ch} at index {index}")
    return bytes.fromhex(stripped)


def _lenient_base64(text: str) -> bytes:
    # commons-codec Base64.decodeBase64 skips what is not base64 and tolerates missing padding
    cleaned = _BASE64_CHARS.sub("", text.split("=", 1)[0]).replace("-", "+").replace("_", "/")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))


_READ: dict[str, Callable[[str], bytes]] = {
    "hex": _hex_decode,
    "utf8": lambda text: text.encode("utf-8", errors="surrogatepass"),
    "ascii": lambda text: text.encode("ascii", errors="replace"),
    "base64": _lenient_base64,
}
_WRITE: dict[str, Callable[[bytes], str]] = {
    "hex": lambda data: data.hex(),
    "utf8": lambda data: data.decode("utf-8", errors="replace"),
    "ascii": lambda data: data.decode("ascii", errors="replace"),
    "base64": lambda data: base64.b64encode(data).decode("ascii"),
}


def _encode(text: str | None, source: str | None, target: str | None) -> str | None:
    if text is None or source is None or target is None:
        return None
    read = _READ.get(source.lower())
    write = _WRITE.get(target.lower())
    if read is None or write is None or source.lower() == target.lower():
        raise FunctionError("Supported input and output encodings are: hex, utf8, ascii and base64")
    return write(read(text))


# ------------------------------------------------------------------------------ numbers


def _number_reader(size: int, code: str) -> Callable[..., int | float | None]:
    def read(value: bytes | None, order: str | None = "BIG_ENDIAN") -> int | float | None:
        if order is None or order.upper() not in ("BIG_ENDIAN", "LITTLE_ENDIAN"):
            raise FunctionError(
                "Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order "
                f"'{order if order is not None else 'null'}'."
            )
        if value is None:
            return None
        if len(value) != size:
            raise FunctionError(f"Number of bytes must be equal to {size}, but found {len(value)}")
        prefix = ">" if order.upper() == "BIG_ENDIAN" else "<"
        result: int | float = struct.unpack(prefix + code, value)[0]
        return result

    return read


def _from_bytes_entry(
    name: str, kind: p.ParamType, label: str, size: int, code: str
) -> FunctionEntry:
    read = _number_reader(size, code)
    return scalar(
        name,
        CONVERSIONS,
        f"Converts a BYTES value to an {label} value according to the specified byte order. "
        f"BYTES must be {size} bytes long or a NULL value will be returned.",
        overload(
            [param("value", p.BYTES, "The BYTES value to convert.")],
            kind,
            read,
            f"Converts a BYTES value to an {label} value using the 'BIG_ENDIAN' byte order. "
            f"BYTES must be {size} bytes long or a NULL value will be returned.",
        ),
        overload(
            [
                param("value", p.BYTES, "The BYTES value to convert."),
                param(
                    "byteOrder",
                    p.STRING,
                    "The byte order. Valid orders are 'BIG_ENDIAN' "
                    "and 'LITTLE_ENDIAN'. If omitted, 'BIG_ENDIAN' is used.",
                ),
            ],
            kind,
            read,
            f"Converts a BYTES value to an {label} value according to the specified byte "
            f"order. BYTES must be {size} bytes long or a NULL value will be returned.",
        ),
    )


_ENCODERS = "The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'."

FUNCTIONS: tuple[FunctionEntry, ...] = (
    _from_bytes_entry("bigint_from_bytes", p.BIGINT, "BIGINT", 8, "q"),
    _from_bytes_entry("double_from_bytes", p.DOUBLE, "DOUBLE", 8, "d"),
    _from_bytes_entry("int_from_bytes", p.INT, "INT", 4, "i"),
    scalar(
        "encode",
        STRING,
        "Takes an input string s, which is encoded as input_encoding, and encodes it as "
        "output_encoding. The accepted input and output encodings are: hex, utf8, ascii and "
        "base64. Throws exception if provided encodings are not supported.",
        overload(
            [
                param("str", p.STRING, "The source string. If null, then function returns null."),
                param(
                    "inputEncoding",
                    p.STRING,
                    "The input encoding. If null, then function returns null.",
                ),
                param(
                    "outputEncoding",
                    p.STRING,
                    "The output encoding. If null, then function returns null.",
                ),
            ],
            p.STRING,
            _encode,
            "Returns a new string encoded using the outputEncoding ",
        ),
    ),
    scalar(
        "from_bytes",
        STRING,
        f"Converts a BYTES value to STRING in the specified encoding. {_ENCODERS}",
        overload(
            [
                param("value", p.BYTES, "The bytes value to convert."),
                param("encoding", p.STRING, "The encoding to use on conversion."),
            ],
            p.STRING,
            _from_bytes,
            f"Converts a BYTES value to STRING in the specified encoding. {_ENCODERS}",
        ),
    ),
    scalar(
        "to_bytes",
        STRING,
        f"Converts a STRING value in the specified encoding to BYTES. {_ENCODERS}",
        overload(
            [
                param("value", p.STRING, "The string to convert."),
                param("encoding", p.STRING, "The type of encoding."),
            ],
            p.BYTES,
            _to_bytes,
            f"Converts a STRING value in the specified encoding to BYTES. {_ENCODERS}",
        ),
    ),
)
