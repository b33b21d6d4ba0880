"""A Bloom filter of store keys: which keys a store's disk tier may hold.

A table keyed by a fresh id (an order id) looks up a key that is nowhere for most records; once
the table's store spills to disk, each such lookup would be a disk read. The filter answers "not
there" for almost all of them from memory, at about ten bits a key (about 1% false positives, which
cost a disk read that finds nothing). It never forgets a key, so a key it says is absent is
absent; keys deleted since stay in it, which is only a false positive.

>>> seen = KeyFilter(1_000)
>>> seen.add(("order-1",))
>>> ("order-1",) in seen, ("order-2",) in seen
(True, False)
"""

from __future__ import annotations

from typing import Any

__all__ = ["KeyFilter"]

_BITS_PER_KEY = 10
_PROBES = 3  # with ten bits a key, about 1% false positives


class KeyFilter:
    """Bits set by the keys added; sized for `capacity` keys (`full` says when it has more)."""

    __slots__ = ("added", "bits", "capacity", "mask")

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        size = 1 << max(10, (self.capacity * _BITS_PER_KEY - 1).bit_length())
        self.bits = bytearray(size >> 3)
        self.mask = size - 1
        self.added = 0

    def add(self, key: Any) -> None:
        """Remember `key` (any hashable; equal keys hash alike, as a dict needs)."""
        h = hash(key)
        step = (h >> 32) | 1  # double hashing: the probes are h, h + step, h + 2 * step
        bits, mask = self.bits, self.mask
        for _ in range(_PROBES):
            index = h & mask
            bits[index >> 3] |= 1 << (index & 7)
            h += step
        self.added += 1

    def __contains__(self, key: object) -> bool:
        h = hash(key)
        step = (h >> 32) | 1
        bits, mask = self.bits, self.mask
        for _ in range(_PROBES):
            index = h & mask
            if not bits[index >> 3] & (1 << (index & 7)):
                return False
            h += step
        return True

    def full(self) -> bool:
        """Whether more keys were added than it was sized for (false positives rise)."""
        return self.added > self.capacity
