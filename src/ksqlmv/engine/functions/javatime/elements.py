"""The printer-parsers a java.time pattern compiles to, each both printing and parsing.

They follow `DateTimeFormatterBuilder`'s. This module holds what they share (the parse context,
sign and text styles) and the structural ones: literals, sequences, optional sections and
padding. Numbers, texts, and offsets and zones have their own modules. `parse` returns the
position after what it consumed, or `~position` where it failed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ksqlmv.engine.functions.javatime.fields import Field, Moment, TemporalError, civil_from_days
from ksqlmv.engine.functions.javatime.zones import Zone

__all__ = [
    "Composite",
    "Element",
    "Literal",
    "Pad",
    "ParseContext",
    "SignStyle",
    "TextStyle",
    "describe_moment",
]


class SignStyle(enum.Enum):
    """How a number prints and parses its sign."""

    NORMAL = 0
    ALWAYS = 1
    NEVER = 2
    NOT_NEGATIVE = 3
    EXCEEDS_PAD = 4

    def parse_allows(self, positive: bool, strict: bool, fixed_width: bool) -> bool:
        """Whether a sign character may appear when parsing."""
        if self is SignStyle.NORMAL:
            return not positive or not strict
        if self in (SignStyle.ALWAYS, SignStyle.EXCEEDS_PAD):
            return True
        return not strict and not fixed_width


class TextStyle(enum.Enum):
    """Java's text styles: `MMM` is SHORT, `MMMM` FULL, `MMMMM` NARROW."""

    SHORT = "SHORT"
    FULL = "FULL"
    NARROW = "NARROW"


@dataclass(slots=True)
class ParseContext:
    """The state of one parse: the fields found so far and the zone, if any."""

    text: str
    case_sensitive: bool = True
    strict: bool = True
    fields: dict[Field, int] = field(default_factory=dict)
    zone: Zone | None = None

    def matches(self, position: int, expected: str) -> bool:
        """True when `expected` occurs at `position`, honouring case sensitivity."""
        found = self.text[position : position + len(expected)]
        if len(found) != len(expected):
            return False
        return found == expected if self.case_sensitive else found.upper() == expected.upper()

    def set_field(self, target: Field, value: int, error_at: int, success_at: int) -> int:
        """Record a parsed field; a second, different value for it fails the parse."""
        old = self.fields.get(target)
        self.fields[target] = value
        return ~error_at if old is not None and old != value else success_at

    def snapshot(self) -> tuple[dict[Field, int], Zone | None]:
        """The state to restore when an optional section fails."""
        return dict(self.fields), self.zone

    def restore(self, state: tuple[dict[Field, int], Zone | None]) -> None:
        """Go back to a snapshot."""
        self.fields, self.zone = dict(state[0]), state[1]


class Element:
    """One printer-parser."""

    __slots__ = ()

    def print(self, moment: Moment, out: list[str]) -> bool:
        """Append this element's text; False when an optional field is unavailable."""
        raise NotImplementedError

    def parse(self, context: ParseContext, position: int) -> int:
        """Consume text at `position`; the new position, or `~position` on failure."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Literal(Element):
    """Fixed text."""

    value: str

    def print(self, moment: Moment, out: list[str]) -> bool:
        out.append(self.value)
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        if position > len(context.text):
            return ~position
        return position + len(self.value) if context.matches(position, self.value) else ~position


@dataclass(frozen=True, slots=True)
class Composite(Element):
    """A sequence of elements; `optional` for a `[...]` section."""

    elements: tuple[Element, ...]
    optional: bool = False

    def print(self, moment: Moment, out: list[str]) -> bool:
        if self.optional:
            buffer: list[str] = []
            try:
                for element in self.elements:
                    element.print(moment, buffer)
            except TemporalError:
                return True
            out.extend(buffer)
            return True
        for element in self.elements:
            element.print(moment, out)
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        if self.optional:
            saved = context.snapshot()
            pos = position
            for element in self.elements:
                pos = element.parse(context, pos)
                if pos < 0:
                    context.restore(saved)
                    return position
            return pos
        for element in self.elements:
            position = element.parse(context, position)
            if position < 0:
                break
        return position


@dataclass(frozen=True, slots=True)
class Pad(Element):
    """`p`: pads the next element to `width` with spaces on the left."""

    inner: Element
    width: int

    def print(self, moment: Moment, out: list[str]) -> bool:
        buffer: list[str] = []
        self.inner.print(moment, buffer)
        text = "".join(buffer)
        if len(text) > self.width:
            raise TemporalError(
                f"Cannot print as output of {len(text)} characters exceeds pad width of "
                f"{self.width}"
            )
        out.append(text.rjust(self.width))
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        end = min(position + self.width, len(context.text))
        pos = position
        while pos < end and context.text[pos] == " ":
            pos += 1
        result = self.inner.parse(context, pos)
        return result


def describe_moment(moment: Moment) -> str:
    """A LocalDate, LocalTime or LocalDateTime as Java's toString prints it."""
    parts = []
    if moment.epoch_day is not None:
        year, month, day = civil_from_days(moment.epoch_day)
        parts.append(f"{year:04d}-{month:02d}-{day:02d}")
    if moment.nano_of_day is not None:
        seconds, nanos = divmod(moment.nano_of_day, 1_000_000_000)
        text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
        if seconds % 60 or nanos:
            text += f":{seconds % 60:02d}"
        if nanos:
            digits = f"{nanos:09d}"
            text += "." + (
                digits[:3]
                if nanos % 1_000_000 == 0
                else digits[:6]
                if nanos % 1000 == 0
                else digits
            )
        parts.append(text)
    return "T".join(parts)
