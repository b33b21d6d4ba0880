"""The encoding of store keys and values in changelog topics: pickle, restricted to plain data.

Store keys and values are plain data (tuples, lists, dicts, sets, numbers, strings, bytes,
`Decimal`, None), so they are written with pickle, whose C implementation is fast enough for the
per-checkpoint path (a JSON encoding with type tags was 20-50 times slower). Reading refuses
every global except `decimal.Decimal`: a record that names any other class or function (the only
way a pickle runs code) is rejected with `ValueError`, so a changelog topic written by anyone
cannot run code in the engine.

>>> decode(encode((("k",), 0, 60_000)))
(('k',), 0, 60000)
"""

from __future__ import annotations

import io
import pickle
from typing import Any

__all__ = ["decode", "decode_many", "encode"]

_ALLOWED = frozenset({("decimal", "Decimal")})
_PROTOCOL = 5


class _PlainData(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a changelog record may not refer to {module}.{name}")


def encode(value: Any) -> bytes:
    """The bytes of a store key or value."""
    return pickle.dumps(value, _PROTOCOL)


def decode_many(items: list[bytes]) -> list[Any]:
    """`decode` of each item, reading them as one stream of pickles (one unpickler, not one
    each: several times faster for a changelog's worth). An item that does not decode on its
    own gets `ValueError` in its place."""
    joined = b"".join(items)
    stream = io.BytesIO(joined)
    load = _PlainData(stream).load
    try:
        # The common case, every item one whole pickle: one load after another.
        fast = [load() for _ in items]
        if stream.tell() == len(joined):
            return fast
    except (pickle.UnpicklingError, EOFError, TypeError, AttributeError, IndexError):
        pass
    return _decode_each(items)


def _decode_each(items: list[bytes]) -> list[Any]:
    """`decode_many`, item by item, resynchronizing after any that does not decode."""
    stream = io.BytesIO(b"".join(items))
    reader = _PlainData(stream)
    found: list[Any] = []
    end = 0
    for data in items:
        end += len(data)
        failed = False
        try:
            value = reader.load()
        except (pickle.UnpicklingError, EOFError, TypeError, AttributeError, IndexError):
            failed = True
        if failed or stream.tell() != end:
            # This item was not one whole pickle: decode it alone, and resynchronize.
            stream.seek(end)
            reader = _PlainData(stream)
            try:
                value = decode(data)
            except ValueError as error:
                value = error
        found.append(value)
    return found


def decode(data: bytes) -> Any:
    """The key or value in `data`; `ValueError` for anything but plain data."""
    try:
        return _PlainData(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, TypeError, AttributeError, IndexError) as error:
        raise ValueError(f"not a changelog record: {error}") from None
