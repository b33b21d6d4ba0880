"""A safe, self-describing encoding of store keys and values for changelog topics.

JSON with type tags for what JSON cannot hold: tuples, `Decimal`, `bytes`, dictionaries with
non-string keys, sets and non-finite floats. Decoding never executes anything (unlike pickle), so
a changelog topic written by anyone cannot run code in the engine.
"""

from __future__ import annotations

import base64
import json
import math
from decimal import Decimal
from typing import Any

__all__ = ["decode", "encode"]


def _tag(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$f": repr(value)}
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, bytes | bytearray):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, tuple):
        return {"$t": [_tag(v) for v in value]}
    if isinstance(value, list):
        return [_tag(v) for v in value]
    if isinstance(value, set | frozenset):
        return {"$s": [_tag(v) for v in value]}
    if isinstance(value, dict):
        return {"$m": [[_tag(k), _tag(v)] for k, v in value.items()]}
    raise TypeError(f"cannot encode {type(value).__name__} in a changelog")


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        return tuple(_untag(v) for v in value["$t"])
    if "$m" in value:
        return {_untag(k): _untag(v) for k, v in value["$m"]}
    if "$d" in value:
        return Decimal(value["$d"])
    if "$b" in value:
        return base64.b64decode(value["$b"])
    if "$s" in value:
        return {_untag(v) for v in value["$s"]}
    if "$f" in value:
        return float(value["$f"])
    raise ValueError(f"unknown changelog tag in {value!r}")


def encode(value: Any) -> bytes:
    """`value` as changelog bytes."""
    return json.dumps(_tag(value), separators=(",", ":")).encode("utf-8")


def decode(data: bytes) -> Any:
    """Changelog bytes back to the value."""
    return _untag(json.loads(data))
