"""PARSE_DATE's parser: commons-lang `FastDateFormat` with `SimpleDateFormat` pattern letters.

Unlike java.time, this parser is lenient: numbers take any number of digits unless another
number follows directly (then exactly as many as the letters), month and day names match in any
case and in any style (`Jan` or `January`), leading spaces before numbers are skipped, text after
the pattern is ignored, and out-of-range values roll over (`2021-02-30` is March 2nd). The
result is an instant in GMT.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from ksqlmv.engine.functions.javatime.fields import (
    DAY_NAMES,
    MONTH_NAMES,
    TemporalError,
    days_from_civil,
)
from ksqlmv.engine.functions.javatime.zones import zone_of

__all__ = ["parse_simple_date"]

_NUMERIC = frozenset("yYdDFwWuHkKhmsS")
_KNOWN = frozenset("GyYMLwWDdFEuaHkKhmsSzZX")


@dataclass(frozen=True, slots=True)
class _Token:
    letter: str  # "" for literal text
    count: int
    text: str = ""


@functools.lru_cache(maxsize=1000)
def _tokens(pattern: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(pattern):
        cur = pattern[pos]
        if cur.isascii() and cur.isalpha():
            start = pos
            while pos < len(pattern) and pattern[pos] == cur:
                pos += 1
            if cur not in _KNOWN:
                raise TemporalError(f"Illegal pattern component: {pattern[start:pos]}")
            tokens.append(_Token(cur, pos - start))
            continue
        if cur == "'":
            end = pos + 1
            literal = []
            while end < len(pattern):
                if pattern[end] == "'":
                    if end + 1 < len(pattern) and pattern[end + 1] == "'":
                        literal.append("'")
                        end += 2
                        continue
                    break
                literal.append(pattern[end])
                end += 1
            if end >= len(pattern):
                raise TemporalError(f"Unterminated quote in pattern: {pattern}")
            tokens.append(_Token("", 0, "".join(literal) or "'"))
            pos = end + 1
            continue
        tokens.append(_Token("", 0, cur))
        pos += 1
    return tuple(tokens)


def _match_text(text: str, pos: int, names: dict[str, int]) -> tuple[int, int] | None:
    probe = text[pos:].upper()
    best = max((name for name in names if probe.startswith(name)), key=len, default="")
    return (names[best], pos + len(best)) if best else None


def _names(values: tuple[str, ...]) -> dict[str, int]:
    table: dict[str, int] = {}
    for index, name in enumerate(values):
        table[name.upper()] = index + 1
        table[name[:3].upper()] = index + 1
    return table


_MONTH_NAMES = _names(MONTH_NAMES)
_DAY_NAMES = _names(DAY_NAMES)
_ZONE = re.compile(r"[+-]\d{2}:?\d{2}|[+-]\d{2}|Z|GMT[+-]\d{1,2}(:?\d{2})?|[A-Za-z_/]+")


def parse_simple_date(text: str, pattern: str) -> int:
    """Milliseconds since the epoch (GMT) of `text` read with a SimpleDateFormat pattern."""
    tokens = _tokens(pattern)
    values: dict[str, int] = {}
    offset = 0
    pos = 0
    for index, token in enumerate(tokens):
        if not token.letter:
            if not text.startswith(token.text, pos):
                raise TemporalError(f"Unparseable date: {text}")
            pos += len(token.text)
            continue
        letter = token.letter
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if letter in _NUMERIC or (letter in "ML" and token.count <= 2):
            while pos < len(text) and text[pos].isspace():
                pos += 1
            width = token.count if following is not None and _is_number(following) else 0
            end = pos
            limit = pos + width if width else len(text)
            while end < min(limit, len(text)) and text[end].isdigit():
                end += 1
            if end == pos or (width and end - pos != width):
                raise TemporalError(f"Unparseable date: {text}")
            number = int(text[pos:end])
            if letter in "yY" and token.count == 2 and end - pos == 2:
                number = _two_digit_year(number)
            values[letter] = number
            pos = end
        elif letter in "ML":
            found = _match_text(text, pos, _MONTH_NAMES)
            if found is None:
                raise TemporalError(f"Unparseable date: {text}")
            values["M"], pos = found
        elif letter == "E":
            found = _match_text(text, pos, _DAY_NAMES)
            if found is None:
                raise TemporalError(f"Unparseable date: {text}")
            values["E"], pos = found
        elif letter == "a":
            found = _match_text(text, pos, {"AM": 0, "PM": 1})
            if found is None:
                raise TemporalError(f"Unparseable date: {text}")
            values["a"], pos = found
        elif letter == "G":
            found = _match_text(text, pos, {"AD": 1, "BC": 0})
            if found is None:
                raise TemporalError(f"Unparseable date: {text}")
            values["G"], pos = found
        else:
            match = _ZONE.match(text, pos)
            if match is None:
                raise TemporalError(f"Unparseable date: {text}")
            offset = _zone_offset(match.group(0), text)
            pos = match.end()
    return _to_millis(values) - offset * 1000


def _is_number(token: _Token) -> bool:
    return bool(token.letter) and (
        token.letter in _NUMERIC or (token.letter in "ML" and token.count <= 2)
    )


def _two_digit_year(value: int) -> int:
    # SimpleDateFormat's window: within 80 years before and 20 years after today
    start = dt.date.today().year - 80
    century = start // 100 * 100
    year = century + value
    return year if year >= start else year + 100


def _zone_offset(name: str, text: str) -> int:
    compact = name.replace(":", "")
    if compact[:1] in "+-" and compact[1:].isdigit():
        hours = int(compact[1:3])
        minutes = int(compact[3:5] or 0)
        total = hours * 3600 + minutes * 60
        return -total if compact[0] == "-" else total
    if name == "Z":
        return 0
    try:
        return zone_of(name).offset_at(0)
    except TemporalError:
        raise TemporalError(f"Unparseable date: {text}") from None


def _to_millis(values: dict[str, int]) -> int:
    year = values.get("y", values.get("Y", 1970))
    if values.get("G") == 0:
        year = 1 - year
    if "D" in values and "d" not in values and "M" not in values:
        epoch_day = days_from_civil(year, 1, 1) + values["D"] - 1
    else:
        months = year * 12 + values.get("M", 1) - 1
        epoch_day = days_from_civil(months // 12, months % 12 + 1, 1) + values.get("d", 1) - 1
    hour = values.get("H", values.get("k", 0) % 24)
    if "h" in values or "K" in values:
        hour = values.get("K", values.get("h", 0) % 12) + 12 * values.get("a", 0)
    seconds = ((epoch_day * 24 + hour) * 60 + values.get("m", 0)) * 60 + values.get("s", 0)
    return seconds * 1000 + values.get("S", 0)
