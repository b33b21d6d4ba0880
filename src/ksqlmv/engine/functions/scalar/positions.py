"""Position functions over strings: INSTR, ELT and FIELD.

INSTR counts overlapping occurrences and searches backwards for a negative position; ELT and
FIELD are 1-based and complement each other, as in ksqlDB.
"""

from __future__ import annotations

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import STRING
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param, varargs
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS"]


def _elt(n: int | None, *values: str | None) -> str | None:
    if n is None:
        raise FunctionError("Failed to invoke function ELT: N cannot be NULL")
    if n < 1 or n > len(values):
        return None
    return values[n - 1]


def _field(text: str | None, *values: str | None) -> int:
    if text is None:
        return 0
    for index, value in enumerate(values):
        if value == text:
            return index + 1
    return 0


def _ordinal_index(text: str, search: str, occurrence: int) -> int:
    if occurrence <= 0:
        return -1
    if not search:
        return 0
    index = -1
    for _ in range(occurrence):
        index = text.find(search, index + 1)
        if index < 0:
            return -1
    return index


def _from(text: str, start: int) -> str:
    # commons-lang StringUtils.substring(str, start): a negative start counts from the end
    if start < 0:
        start = max(len(text) + start, 0)
    return text[start:]


def _instr(
    text: str | None, search: str | None, position: int | None = 1, occurrence: int | None = 1
) -> int:
    if position is None or occurrence is None:
        raise FunctionError("Failed to invoke function INSTR: position and occurrence are NOT NULL")
    if text is None or search is None:
        return 0
    if abs(position) > len(text):
        return 0
    if position < 0:
        reversed_text, reversed_search = text[::-1], search[::-1]
        index = _ordinal_index(_from(reversed_text, -position - 1), reversed_search, occurrence)
        if index == -1:
            return 0
        return len(text) + position - index - len(search) + 2
    index = _ordinal_index(_from(text, position - 1), search, occurrence)
    return 0 if index == -1 else index + position


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "elt",
        STRING,
        "ELT() returns the Nth element of the list of strings. Returns NULL if N is less than 1 "
        "or greater than the number of arguments. Note that this method is 1-indexed. This is "
        "the complement to FIELD.",
        overload(
            [
                param("n", p.INT, "the nth element to extract"),
                varargs("args", p.STRING, "the strings of which to extract the nth"),
            ],
            p.STRING,
            _elt,
        ),
    ),
    scalar(
        "field",
        STRING,
        "Returns the position (1-indexed) of str in args, or 0 if not found. If str is NULL, the "
        "return value is 0 because NULL is not considered equal to any value. This is the "
        "compliment to ELT.",
        overload([param("str", p.STRING), varargs("args", p.STRING)], p.INT, _field),
    ),
    scalar(
        "instr",
        STRING,
        "Returns the position of substring in the provided string",
        overload([param("str", p.STRING), param("substring", p.STRING)], p.INT, _instr),
        overload(
            [param("str", p.STRING), param("substring", p.STRING), param("position", p.INT)],
            p.INT,
            _instr,
        ),
        overload(
            [
                param("str", p.STRING),
                param("substring", p.STRING),
                param("position", p.INT),
                param("occurrence", p.INT),
            ],
            p.INT,
            _instr,
        ),
    ),
)
