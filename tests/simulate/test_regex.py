"""Strings drawn for a regex match it; constructs a generator cannot honour are refused."""

from __future__ import annotations

import random
import re

import pytest

from ksqlmv.simulate._regex import UNBOUNDED_EXTRA, compile_regex

MATCHING = [
    "[a-zA-Z]{5,15}",
    "1Z[0-9A-Z]{16}",
    "Item_[1-9][0-9]{0,2}",
    "(ab|cd)+e?",
    "[^a-z]{3}",
    r"\d{3}-\d{4}",
    r"\w+@example\.com",
    r"\s?x",
    "(?:foo|bar|baz)_[0-9a-f]{8}",
    "a.b",
    "^anchored$",
    r"\bword\b",
    "x{2}y{0,3}z*",
    "(?i)case",
    "[.-]{4}",
    "(?>atomic)",
    "[^0-9]+",
    r"[\d.]{2,4}",
]


@pytest.mark.parametrize("pattern", MATCHING)
def test_every_draw_matches(pattern: str) -> None:
    rng = random.Random(7)
    draw = compile_regex(pattern)
    for _ in range(200):
        text = draw(rng)
        assert re.fullmatch(pattern, text), (pattern, text)


def test_unbounded_repeats_stay_short() -> None:
    rng = random.Random(1)
    draw = compile_regex("a*")
    lengths = {len(draw(rng)) for _ in range(500)}
    assert lengths == set(range(UNBOUNDED_EXTRA + 1))


def test_same_seed_same_strings() -> None:
    first = [compile_regex("[A-Z]{4}[0-9]{2}")(random.Random(3)) for _ in range(3)]
    second = [compile_regex("[A-Z]{4}[0-9]{2}")(random.Random(3)) for _ in range(3)]
    assert first == second


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "back-reference"),
        ("a(?=b)", "look-ahead"),
        ("a(?!b)", "negative look-around"),
        ("(a)?(?(1)b|c)", "conditional group"),
    ],
)
def test_constructs_that_need_a_search_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        compile_regex(pattern)


def test_a_pattern_that_does_not_parse_raises_re_error() -> None:
    with pytest.raises(re.error):
        compile_regex("[unclosed")
