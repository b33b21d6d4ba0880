"""State-store changelogs: each store change as a record of a compacted topic, and back.

Keys and values of stores are Python values (key tuples, accumulators, rows), written with
pickle. Only the engine writes these topics, but a topic is still input: reading uses an
unpickler that refuses every class outside a short list of value types and ksqlmv's own modules,
so a foreign record cannot run code, and one that does not decode is skipped with a warning.
"""

from __future__ import annotations

import io
import logging
import pickle
from collections.abc import Callable
from typing import Any

from ksqlmv.engine.runtime.stores import KeyValueStore, WindowStore

__all__ = ["ChangelogCodec", "changelog_store", "restore_batch"]

log = logging.getLogger(__name__)

_ALLOWED_MODULES = ("ksqlmv.",)
_ALLOWED = {
    ("builtins", name)
    for name in ("set", "frozenset", "list", "dict", "tuple", "bytearray", "complex", "slice")
} | {
    ("decimal", "Decimal"),
    ("collections", "OrderedDict"),
    ("collections", "deque"),
    ("collections", "Counter"),
    ("collections", "defaultdict"),
    ("copyreg", "_reconstructor"),
    ("builtins", "object"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or module.startswith(_ALLOWED_MODULES):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name} in a changelog record")


class ChangelogCodec:
    """Store key/value ⇄ record bytes."""

    @staticmethod
    def encode(value: Any) -> bytes:
        """Bytes of a key or value."""
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def decode(data: bytes) -> Any:
        """The key or value in `data`; raises `pickle.UnpicklingError` for what it refuses."""
        return _Unpickler(io.BytesIO(data)).load()


Produce = Callable[
    [str, bytes | None, bytes | None, int, tuple[tuple[str, bytes | None], ...]], None
]


def changelog_store(name: str, topic: str, windowed: bool, produce: Produce) -> KeyValueStore:
    """A store whose every change is also written to `topic`."""
    encode = ChangelogCodec.encode

    def changed(key: Any, value: Any, ts: int) -> None:
        produce(topic, encode(key), None if value is None else encode(value), max(ts, 0), ())

    store = WindowStore(name, changed) if windowed else KeyValueStore(name, changed)
    return store


def restore_batch(store: KeyValueStore, batch: list[Any]) -> None:
    """Apply changelog records (as `feeds.Record`s) to `store` without writing them back."""
    decode = ChangelogCodec.decode
    for record in batch:
        key_bytes, value_bytes = record[1], record[2]
        if key_bytes is None:
            continue
        try:
            key = decode(key_bytes)
            value = None if value_bytes is None else decode(value_bytes)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as error:
            log.warning("skipping a changelog record of store %s: %s", store.name, error)
            continue
        store.restore(key, value)
