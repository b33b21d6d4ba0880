"""Text printer-parsers: month and day names, AM/PM, eras and quarters, in English or in
Locale.ROOT's forms (which ksqlDB's timestamp parser uses)."""

from __future__ import annotations

from dataclasses import dataclass

from ksqlmv.engine.functions.javatime.elements import Element, ParseContext, TextStyle
from ksqlmv.engine.functions.javatime.fields import (
    DAY_NAMES,
    MONTH_NAMES,
    Field,
    Moment,
    TemporalError,
)

__all__ = ["Text"]

_ORDINALS = ("1st", "2nd", "3rd", "4th")


def _root_texts(target: Field, style: TextStyle, standalone: bool) -> dict[int, str] | None:
    """Locale.ROOT's texts where they differ from English (CLDR's root locale)."""
    narrow = style is TextStyle.NARROW
    if target is Field.MONTH_OF_YEAR:
        if narrow:
            return {i + 1: str(i + 1) for i in range(12)}
        return {i + 1: m[:3] for i, m in enumerate(MONTH_NAMES)}
    if target is Field.DAY_OF_WEEK and not narrow:
        return {i + 1: d[:3] for i, d in enumerate(DAY_NAMES)}
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
            for i, m in enumerate(MONTH_NAMES)
        }
    if target is Field.DAY_OF_WEEK:
        return {
            i + 1: d[0] if narrow else d if style is TextStyle.FULL else d[:3]
            for i, d in enumerate(DAY_NAMES)
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
