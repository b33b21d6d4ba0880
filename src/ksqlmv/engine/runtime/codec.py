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
    """`decode` of each item, read from one stream of pickles (a changelog's worth at a time).
    An item that does not decode on its own gets `ValueError` in its place.

    Each item gets an unpickler of its own: an unpickler's memo outlives a `load`, and every
    pickle numbers its memo from 0, so a second item read by the first item's unpickler would
    pick up the first item's objects wherever it refers back to one of its own."""
    stream = io.BytesIO(b"".join(items))
    found: list[Any] = []
    end = 0
    for data in items:
        end += len(data)
        value: Any
        try:
            value = _PlainData(stream).load()
            whole = stream.tell() == end
        except (pickle.UnpicklingError, EOFError, TypeError, AttributeError, IndexError):
            whole = False
        if not whole:
            # This item was not one whole pickle: decode it alone, and resynchronize.
            stream.seek(end)
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
