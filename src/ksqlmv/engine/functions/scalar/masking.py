"""MASK, MASK_LEFT, MASK_RIGHT, MASK_KEEP_LEFT and MASK_KEEP_RIGHT.

By default upper-case letters become `X`, lower-case `x`, digits `n` and anything else `-`
(Unicode categories Lu, Ll and Nd, as Java's `Character.getType`). With explicit masks, a NULL
mask leaves that class of characters as it is; a mask of more than one character fails.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import STRING
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, Param, param
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS", "mask_text"]

_DEFAULTS = ("X", "x", "n", "-")
_CLASS = {"Lu": 0, "Ll": 1, "Nd": 2}

Masks = tuple[str | None, str | None, str | None, str | None]


def _mask_char(ch: str, masks: Masks) -> str:
    replacement = masks[_CLASS.get(unicodedata.category(ch), 3)]
    return ch if replacement is None else replacement


def mask_text(text: str, masks: Masks = _DEFAULTS) -> str:
    """Every character of `text` replaced by the mask of its class (None: kept)."""
    return "".join(_mask_char(ch, masks) for ch in text)


def _masks(upper: str | None, lower: str | None, digit: str | None, other: str | None) -> Masks:
    for mask in (upper, lower, digit, other):
        if mask is not None and len(mask) != 1:
            raise FunctionError(
                f"Invalid mask character. Must be only single character, but was '{mask}'"
            )
    return (upper, lower, digit, other)


def _check(name: str, count: int | None) -> int:
    if count is None:
        raise FunctionError(f"function {name} requires a number of characters to mask or skip")
    if count < 0:
        raise FunctionError(
            f"function {name} requires a non-negative number of characters to mask or skip"
        )
    return count


def _mask(text: str | None, *masks: str | None) -> str | None:
    chosen = _masks(*masks) if masks else _DEFAULTS
    return None if text is None else mask_text(text, chosen)


Splitter = Callable[[str, int], tuple[str, str, str]]


def _partial(name: str, split: Splitter) -> Callable[..., str | None]:
    """A masking function that masks only the middle part `split` returns."""

    def call(text: str | None, count: int | None, *masks: str | None) -> str | None:
        chosen = _masks(*masks) if masks else _DEFAULTS
        keep = _check(name, count)
        if text is None:
            return None
        before, middle, after = split(text, keep)
        return before + mask_text(middle, chosen) + after

    return call


def _keep_left(text: str, n: int) -> tuple[str, str, str]:
    keep = min(n, len(text))
    return text[:keep], text[keep:], ""


def _keep_right(text: str, n: int) -> tuple[str, str, str]:
    masked = max(0, len(text) - n)
    return "", text[:masked], text[masked:]


def _left(text: str, n: int) -> tuple[str, str, str]:
    masked = min(n, len(text))
    return "", text[:masked], text[masked:]


def _right(text: str, n: int) -> tuple[str, str, str]:
    keep = max(0, len(text) - n)
    return text[:keep], text[keep:], ""


_INPUT = param("input STRING to be masked", p.STRING)
_MASK_PARAMS = (
    param("upper-case mask, or NULL to use default", p.STRING),
    param("lower-case mask, or NULL to use default", p.STRING),
    param("digit mask, or NULL to use default", p.STRING),
    param("mask for other characters, or NULL to use default", p.STRING),
)
_RULES = (
    "Default masking rules will replace all upper-case characters with 'X', all lower-case "
    "characters with 'x', all digits with 'n', and any other character with '-'."
)


def _entry(name: str, description: str, count: Param, which: str, split: Splitter) -> FunctionEntry:
    function = _partial(name, split)
    return scalar(
        name,
        STRING,
        f"{description} {_RULES}",
        overload(
            [_INPUT, count],
            p.STRING,
            function,
            f"Returns a masked version of the input string. {which} will be replaced "
            "according to the default masking rules.",
        ),
        overload(
            [_INPUT, count, *_MASK_PARAMS],
            p.STRING,
            function,
            f"Returns a masked version of the input string. {which} will be replaced with "
            "the specified masking characters",
        ),
    )


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "mask",
        STRING,
        "Returns a version of the input string with every character replaced by a mask. " + _RULES,
        overload(
            [_INPUT],
            p.STRING,
            _mask,
            "Returns a masked version of the input string. All characters of the input will "
            "be replaced according to the default masking rules.",
        ),
        overload(
            [_INPUT, *_MASK_PARAMS],
            p.STRING,
            _mask,
            "Returns a masked version of the input string. All characters of the input will "
            "be replaced with the specified masking characters",
        ),
    ),
    _entry(
        "mask_keep_left",
        "Returns a version of the input string with all but the specified number of left-most "
        "characters masked out.",
        param("number of characters to keep unmasked at the start", p.INT),
        "All characters except for the first n",
        _keep_left,
    ),
    _entry(
        "mask_keep_right",
        "Returns a version of the input string with all but the specified number of right-most "
        "characters masked out.",
        param("number of characters to keep unmasked at the end", p.INT),
        "All characters except for the last n",
        _keep_right,
    ),
    _entry(
        "mask_left",
        "Returns a version of the input string with the specified number of characters, starting "
        "from the beginning of the string, masked out.",
        param("number of characters to mask from the start", p.INT),
        "The first n characters",
        _left,
    ),
    _entry(
        "mask_right",
        "Returns a version of the input string with the specified number of characters, counting "
        "back from the end of the string, masked out.",
        param("number of characters to mask before the end", p.INT),
        "The last n characters",
        _right,
    ),
)
