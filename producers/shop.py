"""Custom field logic for the shop scenario: what a coupon is worth."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

__all__ = ["discount_cents"]

# coupon -> (percent off, flat cents off)
COUPONS = {"SPRING10": (10, 0), "WELCOME5": (0, 500), "VIP20": (20, 0)}


def discount_cents(
    rng: random.Random, values: dict[str, Any], parent: dict[str, Any] | None
) -> int:
    """The discount the order's coupon gives, in cents, never more than the order's amount."""
    coupon = values.get("coupon_code")
    if coupon is None:
        return 0
    percent, flat = COUPONS.get(coupon, (0, 0))
    amount_cents = int(Decimal(values["amount"]) * 100)
    return min(amount_cents, amount_cents * percent // 100 + flat)
