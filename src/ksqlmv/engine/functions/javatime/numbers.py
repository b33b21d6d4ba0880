"""Numeric printer-parsers: values with widths and sign styles, two-digit years, fractions.

Parsing follows `NumberPrinterParser`, including "adjacent value" parsing: a variable-width
number directly followed by fixed-width ones leaves them their digits, so `yyyyMMdd` splits
`20220101` correctly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ksqlmv.engine.functions.javatime.elements import Element, ParseContext, SignStyle
from ksqlmv.engine.functions.javatime.fields import Field, Moment, TemporalError

__all__ = ["Fraction", "Number", "Reduced"]

_EXCEED_POINTS: list[int] = [10**n for n in range(20)]
# ASCII digits only: Java's parser takes no other digits in the ROOT and ENGLISH locales
_DIGITS = re.compile(r"[0-9]*")


def _digits_end(text: str, start: int, stop: int) -> int:
    """Where the run of ASCII digits from `start` ends, looking no further than `stop`."""
    found = _DIGITS.match(text, start, stop)
    return found.end() if found else start


@dataclass(frozen=True, slots=True)
class Number(Element):
    """A field printed as digits. `subsequent` is the width of fixed-width numbers that follow
    with nothing between (adjacent value parsing); -1 makes this number fixed-width itself."""

    field: Field
    min_width: int = 1
    max_width: int = 19
    sign: SignStyle = SignStyle.NORMAL
    subsequent: int = 0

    def value_of(self, moment: Moment) -> int:
        """The value to print."""
        return moment.get(self.field)

    def print(self, moment: Moment, out: list[str]) -> bool:
        value = self.value_of(moment)  # TemporalError "Unsupported field" when absent
        digits = str(abs(value))
        if len(digits) > self.max_width:
            raise TemporalError(
                f"Field {self.field.display} cannot be printed as the value {value} exceeds the "
                f"maximum print width of {self.max_width}"
            )
        if value >= 0:
            if self.sign is SignStyle.EXCEEDS_PAD:
                if self.min_width < 19 and value >= _EXCEED_POINTS[self.min_width]:
                    out.append("+")
            elif self.sign is SignStyle.ALWAYS:
                out.append("+")
        elif self.sign in (SignStyle.NORMAL, SignStyle.EXCEEDS_PAD, SignStyle.ALWAYS):
            out.append("-")
        elif self.sign is SignStyle.NOT_NEGATIVE:
            raise TemporalError(
                f"Field {self.field.display} cannot be printed as the value {value} cannot be "
                "negative according to the SignStyle"
            )
        out.append(digits.rjust(self.min_width, "0"))
        return True

    def fixed_width(self) -> bool:
        """True when this number always takes exactly its width while parsing."""
        return self.subsequent == -1 or (
            self.subsequent > 0
            and self.min_width == self.max_width
            and self.sign is SignStyle.NOT_NEGATIVE
        )

    def parse(self, context: ParseContext, position: int) -> int:
        text = context.text
        length = len(text)
        if position == length:
            return ~position
        negative = positive = False
        fixed = self.fixed_width()
        first = text[position]
        if first in "+-":
            if not self.sign.parse_allows(
                first == "+", context.strict, self.min_width == self.max_width
            ):
                return ~position
            positive, negative = first == "+", first == "-"
            position += 1
        elif self.sign is SignStyle.ALWAYS and context.strict:
            return ~position
        exact = context.strict or fixed
        min_width = self.min_width if exact else 1
        if position + min_width > length:
            return ~position
        max_width = (self.max_width if exact else 9) + max(self.subsequent, 0)
        end = position
        for attempt in range(2):
            end = _digits_end(text, end, min(end + max_width, length))
            if end < position + min_width:
                return ~position
            if self.subsequent > 0 and attempt == 0:
                # leave room for the fixed-width numbers that follow
                max_width = max(min_width, end - position - self.subsequent)
                end = position
            else:
                break
        digits = text[position:end]
        total = int(digits)
        if negative:
            if total == 0 and context.strict:
                return ~(position - 1)
            total = -total
        elif self.sign is SignStyle.EXCEEDS_PAD and context.strict:
            if positive and len(digits) <= self.min_width:
                return ~(position - 1)
            if not positive and len(digits) > self.min_width:
                return ~position
        return self.store(context, total, position, end)

    def store(self, context: ParseContext, value: int, start: int, end: int) -> int:
        """Record the parsed value."""
        return context.set_field(self.field, value, start, end)

    def with_subsequent(self, width: int) -> Number:
        """This number reserving `width` more digits for the numbers that follow."""
        return replace(self, subsequent=max(self.subsequent, 0) + width)

    def as_fixed(self) -> Number:
        """This number without adjacent-value parsing."""
        return replace(self, subsequent=-1)


@dataclass(frozen=True, slots=True)
class Reduced(Number):
    """A two-digit year (`yy`): printed modulo 100, parsed into 2000-2099."""

    base: int = 2000

    def value_of(self, moment: Moment) -> int:
        return abs(moment.get(self.field)) % _EXCEED_POINTS[self.max_width]

    def print(self, moment: Moment, out: list[str]) -> bool:
        out.append(str(self.value_of(moment)).rjust(self.min_width, "0")[-self.max_width :])
        return True

    def store(self, context: ParseContext, value: int, start: int, end: int) -> int:
        if end - start == self.min_width and value >= 0:
            span = _EXCEED_POINTS[self.min_width]
            value += self.base - self.base % span
            if value < self.base:
                value += span
        return context.set_field(self.field, value, start, end)


@dataclass(frozen=True, slots=True)
class Fraction(Number):
    """Fraction-of-second digits (`SSS`), truncated when printing."""

    def print(self, moment: Moment, out: list[str]) -> bool:
        nanos = moment.get(self.field)
        digits = str(nanos).rjust(9, "0").rstrip("0")
        digits = digits[: self.max_width].ljust(self.min_width, "0")
        out.append(digits)
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        text = context.text
        exact = context.strict or self.fixed_width()
        min_width = self.min_width if exact else 0
        max_width = self.max_width if exact else 9
        if position + min_width > len(text):
            return ~position
        end = _digits_end(text, position, min(position + max_width, len(text)))
        if end < position + min_width:
            return ~position
        digits = text[position:end]
        nanos = int(digits.ljust(9, "0")[:9]) if digits else 0
        return context.set_field(self.field, nanos, position, end)
