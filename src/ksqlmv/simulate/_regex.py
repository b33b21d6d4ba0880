"""Random strings that match a regular expression, as avro-random-generator's `regex` makes them.

The pattern is parsed once with Python's own regex parser and compiled into a tree of closures,
so drawing a string costs a few calls per pattern element, not a parse. Anchors and word
boundaries are accepted and ignored (a generated string is the whole match); back-references and
look-arounds are refused, because a generator cannot honour them without a search.
"""

from __future__ import annotations

import importlib
import random
import string
from collections.abc import Callable
from typing import Any

__all__ = ["UNBOUNDED_EXTRA", "compile_regex"]

# Python's parser is public in spirit (the `re` module is built on it) but private in name; the
# deprecated `sre_parse` alias warns on import.
_parser: Any = importlib.import_module("re._parser")
_MAXREPEAT: int = _parser.MAXREPEAT

#: How many repetitions past the minimum `*`, `+` and `{n,}` may draw.
UNBOUNDED_EXTRA = 8

_PRINTABLE = "".join(chr(code) for code in range(32, 127))
_HEX = "0123456789abcdef"
_CATEGORIES: dict[str, str] = {
    "CATEGORY_DIGIT": string.digits,
    "CATEGORY_WORD": string.ascii_letters + string.digits + "_",
    "CATEGORY_SPACE": " \t",
}
for _name, _chars in list(_CATEGORIES.items()):
    _CATEGORIES[_name.replace("CATEGORY_", "CATEGORY_NOT_")] = "".join(
        char for char in _PRINTABLE if char not in _chars
    )

Draw = Callable[[random.Random], str]


def compile_regex(pattern: str) -> Draw:
    """Compile `pattern` into a function that draws a matching string from a `random.Random`.

    Raises `re.error` for a pattern that does not parse and `ValueError` for one that
    cannot be generated.
    """
    return _sequence(list(_parser.parse(pattern)))


def _sequence(items: list[tuple[Any, Any]]) -> Draw:
    parts = [part for part in (_node(op, arg) for op, arg in items) if part is not None]
    if not parts:
        return lambda rng: ""
    if len(parts) == 1:
        return parts[0]
    return lambda rng: "".join([part(rng) for part in parts])


def _node(op: Any, arg: Any) -> Draw | None:
    compile_node = _NODES.get(str(op))
    if compile_node is None:
        raise ValueError(f"regex construct {op} cannot be generated")
    return compile_node(arg)


def _literal(arg: int) -> Draw:
    char = chr(arg)
    return lambda rng: char


def _not_literal(arg: int) -> Draw:
    chars = _PRINTABLE.replace(chr(arg), "")
    return lambda rng: rng.choice(chars)


def _any(arg: object) -> Draw:
    return lambda rng: rng.choice(_PRINTABLE)


def _charset(items: list[tuple[Any, Any]]) -> str:
    negate = False
    chars: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(arg))
        elif name == "RANGE":
            chars.extend(chr(code) for code in range(arg[0], arg[1] + 1))
        elif name == "CATEGORY":
            chars.extend(_CATEGORIES[str(arg)])
        else:
            raise ValueError(f"regex construct {name} inside [...] cannot be generated")
    members = dict.fromkeys(chars)
    if negate:
        return "".join(char for char in _PRINTABLE if char not in members)
    return "".join(members)


def _in(items: list[tuple[Any, Any]]) -> Draw:
    chars = _charset(items)
    if not chars:
        raise ValueError("character class matches nothing printable")
    if len(chars) == 1:
        return lambda rng: chars
    size = len(chars)
    return lambda rng: chars[int(rng.random() * size)]


def _repeat(arg: tuple[int, int, list[tuple[Any, Any]]]) -> Draw:
    low, high, body = arg
    if high == _MAXREPEAT:
        high = low + UNBOUNDED_EXTRA
    if len(body) == 1 and str(body[0][0]) in ("IN", "LITERAL", "ANY"):
        # One character class repeated, the common case ([A-Z0-9]{16}): one `choices` call.
        op, inner = body[0]
        name = str(op)
        chars = _charset(inner) if name == "IN" else chr(inner) if name == "LITERAL" else _PRINTABLE
        if low == high and "".join(sorted(chars)) == _HEX:
            # Hexadecimal ids ([0-9a-f]{16}) are common keys: one draw of random bits for all.
            bits, pattern = 4 * low, f"0{low}x"
            return lambda rng: format(rng.getrandbits(bits), pattern) if bits else ""
        if low == high:
            return lambda rng: "".join(rng.choices(chars, k=low))
        span = high - low + 1
        return lambda rng: "".join(rng.choices(chars, k=low + int(rng.random() * span)))
    item = _sequence(body)
    if low == high:
        return lambda rng: "".join([item(rng) for _ in range(low)])
    span = high - low + 1
    return lambda rng: "".join([item(rng) for _ in range(low + int(rng.random() * span))])


def _subpattern(arg: tuple[Any, Any, Any, list[tuple[Any, Any]]]) -> Draw:
    return _sequence(arg[3])


def _branch(arg: tuple[Any, list[list[tuple[Any, Any]]]]) -> Draw:
    branches = [_sequence(list(branch)) for branch in arg[1]]
    return lambda rng: rng.choice(branches)(rng)


def _ignored(arg: object) -> None:
    return None


def _unsupported(what: str) -> Callable[[object], Draw]:
    def refuse(arg: object) -> Draw:
        raise ValueError(f"{what} cannot be generated")

    return refuse


_NODES: dict[str, Callable[[Any], Draw | None]] = {
    "LITERAL": _literal,
    "NOT_LITERAL": _not_literal,
    "ANY": _any,
    "IN": _in,
    "MAX_REPEAT": _repeat,
    "MIN_REPEAT": _repeat,
    "POSSESSIVE_REPEAT": _repeat,
    "SUBPATTERN": _subpattern,
    "ATOMIC_GROUP": _sequence,
    "BRANCH": _branch,
    "AT": _ignored,
    "GROUPREF": _unsupported("a back-reference"),
    "GROUPREF_EXISTS": _unsupported("a conditional group"),
    "ASSERT": _unsupported("a look-ahead or look-behind"),
    "ASSERT_NOT": _unsupported("a negative look-around"),
}
