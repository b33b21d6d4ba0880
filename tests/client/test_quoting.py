"""User input reaches KSQL only quoted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.client import quote_identifier, quote_literal, where_equals

LITERALS: list[tuple[Any, str]] = [
    (None, "NULL"),
    (True, "TRUE"),
    (7, "7"),
    (1.5, "1.5"),
    (Decimal("12.50"), "12.50"),
    ("PLACED", "'PLACED'"),
    ("x'; DROP TABLE orders; --", "'x''; DROP TABLE orders; --'"),
]


@pytest.mark.parametrize(("value", "text"), LITERALS)
def test_quote_literal(value: Any, text: str) -> None:
    assert quote_literal(value) == text


def test_quote_identifier_escapes_backquotes() -> None:
    assert quote_identifier("a`b") == "`a``b`"


def test_where_equals_quotes_both_sides() -> None:
    condition = where_equals({"STATUS": "it's", "weird`col": 3})
    assert condition == "`STATUS` = 'it''s' AND `weird``col` = 3"
