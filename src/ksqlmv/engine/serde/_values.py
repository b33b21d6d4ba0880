"""Value conversions the formats share, with the JVM's exact rules and messages.

ksqlDB's serdes parse text with `Integer.parseInt`, `Long.parseLong`, `Double.parseDouble` and
`new BigDecimal(text)`, print doubles with `Double.toString`, fit decimals to a column's scale with
`DecimalUtil.ensureFit` and check TIME values' range. The functions here reproduce those, errors
included, so that a bad record reads the same in our processing log as in ksqlDB's.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import re
import struct
from decimal import Decimal

from ksqlmv.engine.codegen.casts import decimal_fit, java_int, java_long
from ksqlmv.engine.codegen.javatext import java_double

__all__ = [
    "MILLIS_PER_DAY",
    "b64decode",
    "b64encode",
    "check_time",
    "ensure_fit",
    "float32_text",
    "java_double",
    "java_int",
    "java_long",
    "parse_boolean",
    "parse_decimal",
    "parse_double",
    "parse_int",
    "parse_long",
]

MILLIS_PER_DAY = 86_400_000

_INT_RE = re.compile(r"[+-]?\d+")
_DOUBLE_RE = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)", re.ASCII
)
_HEX_DOUBLE_RE = re.compile(
    r"([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+)[fFdD]?", re.ASCII
)
_DECIMAL_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


def _number_format(text: str) -> ValueError:
    return ValueError(f'For input string: "{text}"')


def parse_int(text: str) -> int:
    """Java's `Integer.parseInt`: optional sign and digits only, in the 32-bit range."""
    if _INT_RE.fullmatch(text) is None:
        raise _number_format(text)
    value = int(text)
    if not _INT_MIN <= value <= _INT_MAX:
        raise _number_format(text)
    return value


def parse_long(text: str) -> int:
    """Java's `Long.parseLong`: optional sign and digits only, in the 64-bit range."""
    if _INT_RE.fullmatch(text) is None:
        raise _number_format(text)
    value = int(text)
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise _number_format(text)
    return value


def parse_double(text: str) -> float:
    """Java's `Double.parseDouble`: trims; accepts `NaN`, `Infinity`, hex and `d`/`f` suffixes."""
    trimmed = text.strip("".join(chr(c) for c in range(33)))
    if not trimmed:
        raise ValueError("empty String")
    if _DOUBLE_RE.fullmatch(trimmed) is not None:
        body = trimmed.rstrip("fFdD") if trimmed[-1] in "fFdD" else trimmed
        if body.lstrip("+-") == "Infinity":
            return float(body.replace("Infinity", "inf"))
        return float(body)
    hexed = _HEX_DOUBLE_RE.fullmatch(trimmed)
    if hexed is not None:
        return float.fromhex(hexed.group(1) + "0x" + hexed.group(2))
    raise _number_format(trimmed)


def parse_boolean(text: str) -> bool:
    """Java's `Boolean.parseBoolean`: true for "true" in any case, false for anything else."""
    return text.lower() == "true"


def parse_decimal(text: str) -> Decimal:
    """Java's `new BigDecimal(text)`: no whitespace, no `NaN`, exponent allowed."""
    if _DECIMAL_RE.fullmatch(text) is None:
        for char in text:
            if not (char.isdigit() or char in ".eE+-"):
                raise ValueError(
                    f"Character {char} is neither a decimal digit number, decimal point, "
                    'nor "e" notation exponential mark.'
                )
        raise ValueError("No digits found." if not any(c.isdigit() for c in text) else text)
    return Decimal(text)


def ensure_fit(value: Decimal, precision: int, scale: int) -> Decimal:
    """ksqlDB's `DecimalUtil.ensureFit`: `value` with exactly `scale` digits, or an error.

    Raises when the integer part needs more than `precision - scale` digits, or when reaching
    `scale` digits would round.
    """
    exponent = value.as_tuple().exponent
    if exponent == -scale and len(value.as_tuple().digits) <= precision:
        return value
    fitted = decimal_fit(value, precision, scale, decimal.ROUND_DOWN)
    if fitted != value:
        _, coefficient, exp = value.as_tuple()
        assert isinstance(exp, int)
        raise ArithmeticError(
            f"Cannot fit decimal '{value:f}' into DECIMAL({precision}, {scale}) without "
            f"rounding. (Requires {len(coefficient)},{-exp})"
        )
    return fitted


def check_time(millis: int) -> int:
    """ksqlDB's `returnTimeOrThrow`: a TIME is 0 to 86,400,000 milliseconds."""
    if 0 <= millis <= MILLIS_PER_DAY:
        return millis
    raise ValueError(
        "Time values must use number of milliseconds greater than 0 and less than "
        f"{MILLIS_PER_DAY}."
    )


def b64decode(text: str, *, padding_required: bool = False) -> bytes:
    """Base64 as Java reads it: `java.util.Base64` (padding optional) or Jackson (required)."""
    if not padding_required and "=" not in text:
        text_to_read = text + "=" * (-len(text) % 4)
    else:
        text_to_read = text
    try:
        return base64.b64decode(text_to_read, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"Value is not a valid Base64 encoded string: {text}") from error


def b64encode(data: bytes) -> str:
    """Base64 with padding, as Java and Jackson write it."""
    return base64.b64encode(data).decode("ascii")


def float32_text(value: float) -> str:
    """`Float.toString` of a value read from an Avro `float`: the shortest digits for 32 bits."""
    if value != value or value in (float("inf"), float("-inf")) or value == 0.0:
        return java_double(value)
    (single,) = struct.unpack(">f", struct.pack(">f", value))
    for digits in range(1, 10):
        candidate = float(f"{single:.{digits}g}")
        if struct.unpack(">f", struct.pack(">f", candidate))[0] == single:
            return java_double(candidate)
    return java_double(single)
