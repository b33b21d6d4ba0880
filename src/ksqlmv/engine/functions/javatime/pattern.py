"""Compile a `java.time.format.DateTimeFormatter` pattern such as `yyyy-MM-dd'T'HH:mm:ss.SSSX`.

The letters, counts, quoting, optional sections, padding and error messages are those of
`DateTimeFormatterBuilder.appendPattern`; an invalid pattern raises `PatternError` with Java's
IllegalArgumentException message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ksqlmv.engine.functions.javatime.elements import (
    Composite,
    Element,
    Literal,
    Pad,
    SignStyle,
    TextStyle,
)
from ksqlmv.engine.functions.javatime.fields import Field, Moment
from ksqlmv.engine.functions.javatime.numbers import Fraction, Number, Reduced
from ksqlmv.engine.functions.javatime.offsets import (
    LocalizedOffset,
    Offset,
    ZoneIdElement,
    ZoneText,
)
from ksqlmv.engine.functions.javatime.texts import Text
from ksqlmv.engine.functions.javatime.weeks import week_based

__all__ = ["PatternError", "compile_pattern"]


class PatternError(ValueError):
    """An invalid pattern; the message is Java's."""


_FIELDS = {
    "G": Field.ERA,
    "y": Field.YEAR_OF_ERA,
    "u": Field.YEAR,
    "Q": Field.QUARTER_OF_YEAR,
    "q": Field.QUARTER_OF_YEAR,
    "M": Field.MONTH_OF_YEAR,
    "L": Field.MONTH_OF_YEAR,
    "D": Field.DAY_OF_YEAR,
    "d": Field.DAY_OF_MONTH,
    "F": Field.ALIGNED_DAY_OF_WEEK_IN_MONTH,
    "E": Field.DAY_OF_WEEK,
    "c": Field.DAY_OF_WEEK,
    "e": Field.DAY_OF_WEEK,
    "a": Field.AMPM_OF_DAY,
    "H": Field.HOUR_OF_DAY,
    "k": Field.CLOCK_HOUR_OF_DAY,
    "K": Field.HOUR_OF_AMPM,
    "h": Field.CLOCK_HOUR_OF_AMPM,
    "m": Field.MINUTE_OF_HOUR,
    "s": Field.SECOND_OF_MINUTE,
    "S": Field.NANO_OF_SECOND,
    "A": Field.MILLI_OF_DAY,
    "n": Field.NANO_OF_SECOND,
    "N": Field.NANO_OF_DAY,
}

_OFFSET_PATTERNS = ("+HH", "+HHmm", "+HH:mm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss")


@dataclass(slots=True)
class _Section:
    """Elements being collected for the top level or one `[...]` section."""

    elements: list[Element] = field(default_factory=list)
    value_index: int = -1
    optional: bool = False


class _Builder:
    def __init__(self, root_locale: bool) -> None:
        self.root = root_locale
        self.stack = [_Section()]
        self.pad = 0

    @property
    def active(self) -> _Section:
        return self.stack[-1]

    def append(self, element: Element) -> int:
        if self.pad:
            element = Pad(element, self.pad)
            self.pad = 0
        section = self.active
        section.elements.append(element)
        section.value_index = -1
        return len(section.elements) - 1

    def append_value(self, number: Number) -> None:
        # adjacent value parsing: a fixed-width number after another number is reserved from it
        section = self.active
        if section.value_index >= 0 and not self.pad:
            index = section.value_index
            base = section.elements[index]
            assert isinstance(base, Number)
            if number.min_width == number.max_width and number.sign is SignStyle.NOT_NEGATIVE:
                base = base.with_subsequent(number.max_width)
                self.append(number.as_fixed())
                section.value_index = index
            else:
                base = base.as_fixed()
                section.value_index = self.append(number)
            section.elements[index] = base
        else:
            wrapped = bool(self.pad)
            index = self.append(number)
            section.value_index = -1 if wrapped else index

    def text(self, target: Field, style: TextStyle, standalone: bool = False) -> None:
        self.append(Text(target, style, self.root, standalone))

    def optional_start(self) -> None:
        self.active.value_index = -1
        self.stack.append(_Section(optional=True))

    def optional_end(self) -> None:
        section = self.stack.pop()
        if section.elements:
            self.append(Composite(tuple(section.elements), optional=section.optional))

    def finish(self) -> Composite:
        while len(self.stack) > 1:
            self.optional_end()
        return Composite(tuple(self.stack[0].elements))


def _letter_field(builder: _Builder, letter: str, count: int, target: Field) -> None:
    if letter in "uy":
        if count == 2:
            builder.append_value(Reduced(target, 2, 2, SignStyle.NOT_NEGATIVE))
        elif count < 4:
            builder.append_value(Number(target, count, 19, SignStyle.NORMAL))
        else:
            builder.append_value(Number(target, count, 19, SignStyle.EXCEEDS_PAD))
        return
    if letter == "c" and count == 1:
        builder.append_value(week_based(letter, count, count, count))
        return
    if letter == "c" and count == 2:
        raise PatternError('Invalid pattern "cc"')
    if letter in "cLqMQEe":
        if count in (1, 2):
            if letter == "e":
                builder.append_value(week_based(letter, count, count, count))
            elif letter == "E":
                builder.text(target, TextStyle.SHORT)
            elif count == 1:
                builder.append_value(Number(target))
            else:
                builder.append_value(Number(target, 2, 2, SignStyle.NOT_NEGATIVE))
            return
        styles = {3: TextStyle.SHORT, 4: TextStyle.FULL, 5: TextStyle.NARROW}
        if count not in styles:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.text(target, styles[count], standalone=letter in "cLq")
        return
    if letter == "a":
        if count != 1:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.text(target, TextStyle.SHORT)
    elif letter == "G":
        styles = {
            1: TextStyle.SHORT,
            2: TextStyle.SHORT,
            3: TextStyle.SHORT,
            4: TextStyle.FULL,
            5: TextStyle.NARROW,
        }
        if count not in styles:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.text(target, styles[count])
    elif letter == "S":
        builder.append_value(Fraction(Field.NANO_OF_SECOND, count, count, SignStyle.NOT_NEGATIVE))
    elif letter == "F":
        if count != 1:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.append_value(Number(target))
    elif letter in "dhHkKms":
        if count > 2:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.append_value(
            Number(target) if count == 1 else Number(target, 2, 2, SignStyle.NOT_NEGATIVE)
        )
    elif letter == "D":
        if count > 3:
            raise PatternError(f"Too many pattern letters: {letter}")
        if count == 1:
            builder.append_value(Number(target))
        else:
            builder.append_value(Number(target, count, 3, SignStyle.NOT_NEGATIVE))
    else:
        builder.append_value(Number(target, count, 19, SignStyle.NOT_NEGATIVE))


def _letter_other(builder: _Builder, letter: str, count: int) -> None:
    if letter == "z":
        if count > 4:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.append(ZoneText(full=count == 4))
    elif letter == "V":
        if count != 2:
            raise PatternError(f"Pattern letter count must be 2: {letter}")
        builder.append(ZoneIdElement())
    elif letter == "v":
        if count not in (1, 4):
            raise PatternError(f"Wrong number of pattern letters: {letter}")
        builder.append(ZoneText(full=count == 4, generic=True))
    elif letter == "Z":
        if count < 4:
            builder.append(Offset("+HHMM", "+0000"))
        elif count == 4:
            builder.append(LocalizedOffset(full=True))
        elif count == 5:
            builder.append(Offset("+HH:MM:ss", "Z"))
        else:
            raise PatternError(f"Too many pattern letters: {letter}")
    elif letter == "O":
        if count not in (1, 4):
            raise PatternError(f"Pattern letter count must be 1 or 4: {letter}")
        builder.append(LocalizedOffset(full=count == 4))
    elif letter in "Xx":
        if count > 5:
            raise PatternError(f"Too many pattern letters: {letter}")
        text = _OFFSET_PATTERNS[count + (0 if count == 1 else 1)]
        if letter == "X":
            zero = "Z"
        else:
            zero = "+00" if count == 1 else ("+0000" if count % 2 == 0 else "+00:00")
        builder.append(Offset(text, zero))
    elif letter == "W":
        if count > 1:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.append_value(week_based(letter, count, count, count))
    elif letter == "w":
        if count > 2:
            raise PatternError(f"Too many pattern letters: {letter}")
        builder.append_value(week_based(letter, count, count, 2))
    elif letter == "Y":
        builder.append_value(week_based(letter, count, count, 2 if count == 2 else 19))
    else:
        raise PatternError(f"Unknown pattern letter: {letter}")


def compile_pattern(pattern: str, root_locale: bool = False) -> Composite:
    """The printer-parser for `pattern`; PatternError with Java's message when invalid.

    `root_locale` selects Locale.ROOT's texts (ksqlDB's timestamp parser uses it), which spell
    full month and day names in their short form.
    """
    builder = _Builder(root_locale)
    pos = 0
    size = len(pattern)
    while pos < size:
        cur = pattern[pos]
        if cur.isascii() and cur.isalpha():
            start = pos
            while pos < size and pattern[pos] == cur:
                pos += 1
            count = pos - start
            if cur == "p":
                pad = 0
                if pos < size and pattern[pos].isascii() and pattern[pos].isalpha():
                    pad = count
                    cur = pattern[pos]
                    start = pos
                    while pos < size and pattern[pos] == cur:
                        pos += 1
                    count = pos - start
                if pad == 0:
                    raise PatternError(
                        f"Pad letter 'p' must be followed by valid pad pattern: {pattern}"
                    )
                builder.pad = pad
            target = _FIELDS.get(cur)
            if target is not None:
                _letter_field(builder, cur, count, target)
            else:
                _letter_other(builder, cur, count)
            continue
        if cur == "'":
            start = pos
            pos += 1
            while pos < size:
                if pattern[pos] == "'":
                    if pos + 1 < size and pattern[pos + 1] == "'":
                        pos += 1
                    else:
                        break
                pos += 1
            if pos >= size:
                raise PatternError(f"Pattern ends with an incomplete string literal: {pattern}")
            literal = pattern[start + 1 : pos]
            builder.append(Literal("'" if not literal else literal.replace("''", "'")))
        elif cur == "[":
            builder.optional_start()
        elif cur == "]":
            if len(builder.stack) == 1:
                raise PatternError("Pattern invalid as it contains ] without previous [")
            builder.optional_end()
        elif cur in "{}#":
            raise PatternError(f"Pattern includes reserved character: '{cur}'")
        else:
            builder.append(Literal(cur))
        pos += 1
    return builder.finish()


def format_moment(formatter: Composite, moment: Moment) -> str:
    """Print `moment` with a compiled pattern; TemporalError when a field is missing."""
    out: list[str] = []
    formatter.print(moment, out)
    return "".join(out)
