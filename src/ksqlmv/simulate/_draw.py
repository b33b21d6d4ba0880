"""What a field generator sees while one event is built, and how it says "skip this event"."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

__all__ = ["DROP", "Draw", "Generate"]


class Draw:
    """The state of the event being generated, shared by its field generators.

    One instance is reused for every event of a simulation (a field generator reads it, never
    keeps it): `values` holds the fields generated so far, `parent` the value of the event this
    one follows (or None), `refs` the entity values that reference fields picked.
    """

    __slots__ = ("parent", "parent_key", "refs", "rng", "time", "values")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.time = 0
        self.values: dict[str, Any] = {}
        self.parent: dict[str, Any] | None = None
        self.parent_key: str | None = None
        self.refs: dict[str, dict[str, Any] | None] = {}


#: A generator returns DROP when the event cannot happen (a status chain that has run out, a
#: reference to an entity pool that is empty); the event and its follow-ups are skipped.
DROP: Any = type("Drop", (), {"__repr__": lambda self: "DROP"})()

Generate = Callable[[Draw], Any]
