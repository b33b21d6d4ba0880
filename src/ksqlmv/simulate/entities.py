"""The entities a scenario has created so far, so that later events can reference them.

An entity topic (customers, products) keeps one pool: the keys that are alive, in creation
order, and the latest value of each. Events of other topics pick a key from it (`ref`), with
the scenario's skew: index 0, the oldest entity, is the hottest. A tombstone removes a key, so
nothing produced afterwards refers to an entity that no longer exists.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

__all__ = ["EntityPool"]


class EntityPool:
    """Live keys of one entity topic with their latest values; O(1) add, update and remove."""

    __slots__ = ("_index", "keys", "topic", "values")

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.keys: list[str] = []
        self.values: dict[str, dict[str, Any]] = {}
        self._index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Create the entity `key`, or replace its value."""
        if key not in self._index:
            self._index[key] = len(self.keys)
            self.keys.append(key)
        self.values[key] = value

    def remove(self, key: str) -> None:
        """Forget `key`; the last key takes its place, which keeps removal O(1)."""
        position = self._index.pop(key, None)
        if position is None:
            return
        last = self.keys.pop()
        if last != key:
            self.keys[position] = last
            self._index[last] = position
        del self.values[key]

    def pick(
        self, rng: random.Random, skew: Callable[[random.Random, int], int]
    ) -> tuple[str, dict[str, Any]] | None:
        """A live key and its value, chosen with `skew`; None when the pool is empty."""
        size = len(self.keys)
        if not size:
            return None
        key = self.keys[skew(rng, size)]
        return key, self.values[key]
