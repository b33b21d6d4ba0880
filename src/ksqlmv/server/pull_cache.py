"""Prepared pull queries, kept so that a repeated query costs a lookup, not a plan and a compile.

Two levels, both keyed by the request's properties and the catalog's version (any `/ksql`
request may change the catalog, so it empties the cache):

* **by text**: the same statement again (a dashboard refreshing a panel) reuses its prepared
  query as it is;
* **by shape**: a key lookup whose WHERE clause holds only key equalities (`ID = 'k1'`,
  `ID IN (...)`) is prepared once *without* its WHERE clause, under its text with every literal
  replaced by `?`; another lookup of the same shape reuses it with its own keys, since the lookup
  alone selects exactly the rows such a WHERE clause would.

Both are bounded (least recently used entries go first).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from ksqlmv.engine.queries.pull import PullQuery

__all__ = ["PullCache", "shape_of"]

_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![\w.`])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w`])")
_SPACES = re.compile(r"\s+")

K = TypeVar("K")
V = TypeVar("V")


def shape_of(sql: str) -> str:
    """`sql` with its literals replaced by `?` and its spacing collapsed."""
    return _SPACES.sub(" ", _LITERAL.sub("?", sql)).strip()


class _Lru(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class PullCache:
    """Prepared pull queries by text and by shape, for one catalog version at a time."""

    def __init__(self, size: int = 512) -> None:
        self.version = 0
        self.by_text: _Lru[tuple[Any, ...], PullQuery] = _Lru(size)
        self.by_shape: _Lru[tuple[Any, ...], PullQuery] = _Lru(size)

    def invalidate(self) -> None:
        """The catalog may have changed: forget every prepared query."""
        self.version += 1
        self.by_text.items.clear()
        self.by_shape.items.clear()

    @staticmethod
    def _properties(properties: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, str(v)) for k, v in properties.items()))

    def text_key(self, sql: str, properties: dict[str, Any]) -> tuple[Any, ...]:
        """The by-text key of a request."""
        return (sql, self._properties(properties))

    def shape_key(self, sql: str, properties: dict[str, Any]) -> tuple[Any, ...]:
        """The by-shape key of a request."""
        return (shape_of(sql), self._properties(properties))
