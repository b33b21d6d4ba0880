"""The printer-parsers a java.time pattern compiles to, each both printing and parsing.

They follow `DateTimeFormatterBuilder`'s: numbers with widths and sign styles (including the
"adjacent value" parsing that lets `yyyyMMdd` split digits), two-digit reduced years, fractions,
English texts, offsets, zone IDs and zone names, literals, optional sections and padding.
`parse` returns the position after what it consumed, or `~position` where it failed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from ksqlmv.engine.functions.javatime.fields import Field, Moment, TemporalError
from ksqlmv.engine.functions.javatime.zones import (
    Zone,
    zone_name,
    zone_of,
    zone_text_candidates,
)

__all__ = [
    "Composite",
    "Element",
    "Fraction",
    "Literal",
    "LocalizedOffset",
    "Number",
    "Offset",
    "Optional",
    "Pad",
    "ParseContext",
    "Reduced",
    "SignStyle",
    "Text",
    "TextStyle",
    "ZoneIdElement",
    "ZoneText",
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


_EXCEED_POINTS: list[int] = [10**n for n in range(20)]


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
        if not moment.supports(self.field):
            raise TemporalError(f"Unsupported field: {self.field.display}")
        value = self.value_of(moment)
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
            limit = min(end + max_width, length)
            while end < limit and text[end].isdigit() and text[end].isascii():
                end += 1
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
        if not moment.supports(self.field):
            raise TemporalError(f"Unsupported field: {self.field.display}")
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
        if not moment.supports(self.field):
            raise TemporalError(f"Unsupported field: {self.field.display}")
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
        end = position
        limit = min(position + max_width, len(text))
        while end < limit and text[end].isdigit() and text[end].isascii():
            end += 1
        if end < position + min_width:
            return ~position
        digits = text[position:end]
        nanos = int(digits.ljust(9, "0")[:9]) if digits else 0
        return context.set_field(self.field, nanos, position, end)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = ("1st", "2nd", "3rd", "4th")


def _root_texts(target: Field, style: TextStyle, standalone: bool) -> dict[int, str] | None:
    """Locale.ROOT's texts where they differ from English (CLDR's root locale)."""
    narrow = style is TextStyle.NARROW
    if target is Field.MONTH_OF_YEAR:
        if narrow:
            return {i + 1: str(i + 1) for i in range(12)}
        return {i + 1: m[:3] for i, m in enumerate(_MONTHS)}
    if target is Field.DAY_OF_WEEK and not narrow:
        return {i + 1: d[:3] for i, d in enumerate(_DAYS)}
    if target is Field.ERA:
        return {0: "BC", 1: "AD"} if style is TextStyle.SHORT else {0: "BCE", 1: "CE"}
    if target is Field.QUARTER_OF_YEAR:
        if narrow or (standalone and style is TextStyle.SHORT):
            return {q: str(q) for q in range(1, 5)}
        return {q: f"Q{q}" for q in range(1, 5)}
    return None


def _texts(target: Field, style: TextStyle, root: bool, standalone: bool = False) -> dict[int, str]:
    """The English texts of a field's values, or Locale.ROOT's when `root`."""
    if root:
        found = _root_texts(target, style, standalone)
        if found is not None:
            return found
    narrow = style is TextStyle.NARROW
    if target is Field.MONTH_OF_YEAR:
        return {
            i + 1: m[0] if narrow else m if style is TextStyle.FULL else m[:3]
            for i, m in enumerate(_MONTHS)
        }
    if target is Field.DAY_OF_WEEK:
        return {
            i + 1: d[0] if narrow else d if style is TextStyle.FULL else d[:3]
            for i, d in enumerate(_DAYS)
        }
    if target is Field.AMPM_OF_DAY:
        return {0: "a", 1: "p"} if narrow else {0: "AM", 1: "PM"}
    if target is Field.ERA:
        if narrow:
            return {0: "B", 1: "A"}
        if style is TextStyle.FULL:
            return {0: "Before Christ", 1: "Anno Domini"}
        return {0: "BC", 1: "AD"}
    if target is Field.QUARTER_OF_YEAR:
        if narrow:
            return {q: str(q) for q in range(1, 5)}
        if style is TextStyle.FULL:
            return {q: f"{_ORDINALS[q - 1]} quarter" for q in range(1, 5)}
        return {q: f"Q{q}" for q in range(1, 5)}
    raise TemporalError(f"No text for {target}")


@dataclass(frozen=True, slots=True)
class Text(Element):
    """A field printed as text (month and day names, AM/PM, era, quarter)."""

    field: Field
    style: TextStyle
    root: bool = False
    standalone: bool = False

    def print(self, moment: Moment, out: list[str]) -> bool:
        value = moment.get(self.field)
        out.append(_texts(self.field, self.style, self.root, self.standalone)[value])
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        if position > len(context.text):
            return ~position
        choices = sorted(
            _texts(self.field, self.style, self.root, self.standalone).items(),
            key=lambda kv: -len(kv[1]),
        )
        for value, text in choices:
            if context.matches(position, text):
                return context.set_field(self.field, value, position, position + len(text))
        return ~position


_OFFSET_PATTERNS = (
    "+HH",
    "+HHmm",
    "+HH:mm",
    "+HHMM",
    "+HH:MM",
    "+HHMMss",
    "+HH:MM:ss",
    "+HHMMSS",
    "+HH:MM:SS",
    "+HHmmss",
    "+HH:mm:ss",
)


@dataclass(frozen=True, slots=True)
class Offset(Element):
    """An offset from UTC in one of Java's offset patterns; `zero` is printed for +00:00."""

    pattern: str
    zero: str

    def print(self, moment: Moment, out: list[str]) -> bool:
        seconds = moment.get(Field.OFFSET_SECONDS)
        if seconds == 0:
            out.append(self.zero)
            return True
        hours, rest = divmod(abs(seconds), 3600)
        minutes, secs = divmod(rest, 60)
        colon = ":" in self.pattern
        lenient_minutes = "mm" in self.pattern
        text = ["-" if seconds < 0 else "+", f"{hours:02d}"]
        needs_minutes = len(self.pattern) > 3 and (not lenient_minutes or minutes or secs)
        if needs_minutes:
            text.append((":" if colon else "") + f"{minutes:02d}")
            has_seconds = self.pattern.endswith(("SS", "ss"))
            if has_seconds and (self.pattern.endswith("SS") or secs):
                text.append((":" if colon else "") + f"{secs:02d}")
        out.append("".join(text))
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        text = context.text
        if self.zero and context.matches(position, self.zero):
            return context.set_field(Field.OFFSET_SECONDS, 0, position, position + len(self.zero))
        if position >= len(text) or text[position] not in "+-":
            if not self.zero:
                return context.set_field(Field.OFFSET_SECONDS, 0, position, position)
            return ~position
        sign = -1 if text[position] == "-" else 1
        colon = ":" in self.pattern
        pos = position + 1
        parts = []
        wanted = (
            1
            + (self.pattern.count("m") + self.pattern.count("M") > 0)
            + (self.pattern.count("s") + self.pattern.count("S") > 0)
        )
        optional_from = 1 if "mm" in self.pattern else (2 if "ss" in self.pattern else wanted)
        for index in range(wanted):
            start = pos
            if index and colon:
                if not context.matches(pos, ":"):
                    break
                start += 1
            chunk = text[start : start + 2]
            if len(chunk) != 2 or not chunk.isdigit():
                break
            parts.append(int(chunk))
            pos = start + 2
        if len(parts) < optional_from or not parts:
            return ~position
        hours, minutes, secs = [*parts, 0, 0][:3]
        if hours > 18 or minutes > 59 or secs > 59:
            return ~position
        total = sign * (hours * 3600 + minutes * 60 + secs)
        return context.set_field(Field.OFFSET_SECONDS, total, position, pos)


@dataclass(frozen=True, slots=True)
class LocalizedOffset(Element):
    """`O` / `OOOO` (and `ZZZZ`): `GMT`, `GMT+8`, `GMT-07:00`."""

    full: bool

    def print(self, moment: Moment, out: list[str]) -> bool:
        seconds = moment.get(Field.OFFSET_SECONDS)
        out.append("GMT")
        if seconds:
            hours, rest = divmod(abs(seconds), 3600)
            minutes, secs = divmod(rest, 60)
            sign = "-" if seconds < 0 else "+"
            if self.full:
                out.append(f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else ""))
            else:
                out.append(
                    f"{sign}{hours}"
                    + (f":{minutes:02d}" if minutes or secs else "")
                    + (f":{secs:02d}" if secs else "")
                )
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        if not context.matches(position, "GMT"):
            return ~position
        position += 3
        inner = Offset("+HH:MM:ss" if self.full else "+HH:mm:ss", "")
        return inner.parse(context, position)


@dataclass(frozen=True, slots=True)
class ZoneIdElement(Element):
    """`VV`: the zone's ID, parsed as any ID `ZoneId.of` accepts."""

    def print(self, moment: Moment, out: list[str]) -> bool:
        if moment.zone is None:
            raise TemporalError("Unable to extract ZoneId from temporal " + _describe(moment))
        out.append(moment.zone)
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        text = context.text
        end = position
        while end < len(text) and (text[end].isalnum() or text[end] in "~/._+-:"):
            end += 1
        while end > position:
            try:
                context.zone = zone_of(text[position:end])
            except TemporalError:
                end -= 1
                continue
            return end
        return ~position


@dataclass(frozen=True, slots=True)
class ZoneText(Element):
    """`z` (short) and `zzzz` (full) zone names; `v`/`vvvv` generic names."""

    full: bool
    generic: bool = False

    def print(self, moment: Moment, out: list[str]) -> bool:
        if moment.zone is None:
            raise TemporalError("Unable to extract ZoneId from temporal " + _describe(moment))
        zone = zone_of(moment.zone)
        seconds = moment.get(Field.INSTANT_SECONDS) if moment.supports(Field.INSTANT_SECONDS) else 0
        out.append(zone_name(zone, seconds, self.full, self.generic))
        return True

    def parse(self, context: ParseContext, position: int) -> int:
        # ksqlDB only parses zone names with case-insensitive formatters
        rest = context.text[position:]
        if rest[:1] in ("+", "-"):
            return Offset("+HH:MM:ss", "Z").parse(context, position)
        probe = rest.upper()
        candidates = zone_text_candidates()
        best = max((name for name in candidates if probe.startswith(name)), key=len, default="")
        if not best:
            return ~position
        context.zone = zone_of(candidates[best])
        return position + len(best)


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


Optional = Composite


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


def _describe(moment: Moment) -> str:
    """A LocalDate, LocalTime or LocalDateTime as Java's toString prints it."""
    from ksqlmv.engine.functions.javatime.fields import civil_from_days

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
