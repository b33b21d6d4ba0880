"""Row values as ksqlDB's REST API writes them, compiled once per result schema.

DECIMAL is a plain JSON number with its exact digits, BYTES is base64, TIMESTAMP is
`yyyy-MM-dd'T'HH:mm:ss.SSS` (UTC), DATE is `yyyy-MM-dd`, TIME is Java's `LocalTime` text (`HH:mm`,
`HH:mm:ss` or `HH:mm:ss.SSS`), MAP is an object with its keys as text, STRUCT an object of its
fields in declaration order. Each column gets its own encoder to JSON text, so a row is encoded
by one pass over its values without any per-value type test for the common types.

```python
encode = row_encoder((INTEGER, DECIMAL(4, 2)))
encode((1, Decimal("2.50")))        # '[1,2.50]'
```
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ksqlmv.sql.types import ArrayType, BaseType, MapType, SqlType, StructType

__all__ = ["CoercionError", "Encoder", "row_encoder", "value_decoder", "value_encoder"]

Encoder = Callable[[Any], str]

_EPOCH = dt.datetime(1970, 1, 1)
_DAY0 = dt.date(1970, 1, 1)
_string = json.JSONEncoder(ensure_ascii=False).encode


def _null_safe(encode: Encoder) -> Encoder:
    def encoder(value: Any) -> str:
        return "null" if value is None else encode(value)

    return encoder


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def _integer(value: Any) -> str:
    return str(int(value))


def _double(value: Any) -> str:
    number = float(value)
    if math.isfinite(number):
        return repr(number)
    return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")


def _decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return _double(value)


def _bytes(value: Any) -> str:
    return '"' + base64.b64encode(bytes(value)).decode("ascii") + '"'


def _timestamp(value: Any) -> str:
    moment = _EPOCH + dt.timedelta(milliseconds=int(value))
    return '"' + moment.strftime("%Y-%m-%dT%H:%M:%S.") + f'{moment.microsecond // 1000:03d}"'


def _date(value: Any) -> str:
    return '"' + (_DAY0 + dt.timedelta(days=int(value))).isoformat() + '"'


def _time(value: Any) -> str:
    millis = int(value)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    text = f"{hours:02d}:{minutes:02d}"
    if seconds or millis:
        text += f":{seconds:02d}"
    if millis:
        text += f".{millis:03d}"
    return '"' + text + '"'


_PRIMITIVES: dict[BaseType, Encoder] = {
    BaseType.BOOLEAN: _boolean,
    BaseType.INTEGER: _integer,
    BaseType.BIGINT: _integer,
    BaseType.DOUBLE: _double,
    BaseType.DECIMAL: _decimal,
    BaseType.STRING: _string,
    BaseType.BYTES: _bytes,
    BaseType.TIMESTAMP: _timestamp,
    BaseType.DATE: _date,
    BaseType.TIME: _time,
}


def _map_key(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return '"true"' if value else '"false"'
    return _string(str(value))


def value_encoder(sql_type: SqlType) -> Encoder:
    """The JSON-text encoder of values of `sql_type` (NULL included)."""
    if isinstance(sql_type, ArrayType):
        element = value_encoder(sql_type.element)

        def array(value: Any) -> str:
            return "[" + ",".join(element(v) for v in value) + "]"

        return _null_safe(array)
    if isinstance(sql_type, MapType):
        item = value_encoder(sql_type.value)

        def mapping(value: Any) -> str:
            return "{" + ",".join(_map_key(k) + ":" + item(v) for k, v in value.items()) + "}"

        return _null_safe(mapping)
    if isinstance(sql_type, StructType):
        fields = [(_string(f.name) + ":", f.name, value_encoder(f.type)) for f in sql_type.fields]

        def struct(value: Any) -> str:
            return "{" + ",".join(p + enc(value.get(n)) for p, n, enc in fields) + "}"

        return _null_safe(struct)
    return _null_safe(_PRIMITIVES.get(sql_type.base, _string))


def row_encoder(types: Sequence[SqlType]) -> Callable[[Sequence[Any]], str]:
    """An encoder of whole rows of `types` to a JSON array text."""
    encoders = [value_encoder(t) for t in types]
    if all(t.base in (BaseType.STRING, BaseType.BIGINT, BaseType.INTEGER) for t in types):
        # Only JSON-native values: the C encoder does the whole row at once.
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

        def native(row: Sequence[Any]) -> str:
            return dumps(list(row))

        return native

    def encode(row: Sequence[Any]) -> str:
        return "[" + ",".join(enc(v) for enc, v in zip(encoders, row, strict=False)) + "]"

    return encode


# -- JSON values in (inserts) ---------------------------------------------------------------------


class CoercionError(ValueError):
    """A JSON value that does not fit its column's type."""


def _fail(value: Any, sql_type: SqlType) -> CoercionError:
    kind = type(value).__name__
    return CoercionError(f"Can't coerce a field of type {kind} ({value}) into type {sql_type}")


def _parse_timestamp(text: str) -> int:
    moment = dt.datetime.fromisoformat(text.rstrip("Z"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return int((moment - _EPOCH) / dt.timedelta(milliseconds=1))


def _parse_time(text: str) -> int:
    moment = dt.time.fromisoformat(text)
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1000 + (
        moment.microsecond // 1000
    )


def value_decoder(sql_type: SqlType) -> Callable[[Any], Any]:
    """JSON value -> the column's Python value (`ksqlmv.sql.types`); raises CoercionError."""
    base = sql_type.base
    if isinstance(sql_type, ArrayType):
        element = value_decoder(sql_type.element)

        def array(value: Any) -> Any:
            if not isinstance(value, list):
                raise _fail(value, sql_type)
            return [None if v is None else element(v) for v in value]

        return array
    if isinstance(sql_type, MapType):
        key, item = value_decoder(sql_type.key), value_decoder(sql_type.value)

        def mapping(value: Any) -> Any:
            if not isinstance(value, dict):
                raise _fail(value, sql_type)
            return {key(k): None if v is None else item(v) for k, v in value.items()}

        return mapping
    if isinstance(sql_type, StructType):
        fields = [(f.name, value_decoder(f.type)) for f in sql_type.fields]

        def struct(value: Any) -> Any:
            if not isinstance(value, dict):
                raise _fail(value, sql_type)
            upper = {str(k).upper(): v for k, v in value.items()}
            out: dict[str, Any] = {}
            for name, decode in fields:
                found = value.get(name, upper.get(name.upper()))
                out[name] = None if found is None else decode(found)
            return out

        return struct

    def primitive(value: Any) -> Any:
        try:
            return _DECODERS[base](value, sql_type)
        except CoercionError:
            raise
        except (ValueError, TypeError, ArithmeticError):
            raise _fail(value, sql_type) from None

    return primitive


def _decode_integer(value: Any, sql_type: SqlType) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _fail(value, sql_type)
    if isinstance(value, float | Decimal) and value != int(value):
        raise _fail(value, sql_type)
    number = int(value)
    if sql_type.base is BaseType.INTEGER and not -(2**31) <= number < 2**31:
        raise _fail(value, sql_type)
    return number


def _decode_double(value: Any, sql_type: SqlType) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _fail(value, sql_type)
    return float(value)


def _decode_decimal(value: Any, sql_type: SqlType) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise _fail(value, sql_type)
    number = Decimal(str(value))
    scale = getattr(sql_type, "scale", 0)
    return number.quantize(Decimal(1).scaleb(-scale))


def _decode_string(value: Any, sql_type: SqlType) -> str:
    if not isinstance(value, str):
        raise _fail(value, sql_type)
    return value


def _decode_boolean(value: Any, sql_type: SqlType) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _fail(value, sql_type)


def _decode_bytes(value: Any, sql_type: SqlType) -> bytes:
    if not isinstance(value, str):
        raise _fail(value, sql_type)
    return base64.b64decode(value, validate=True)


def _decode_timestamp(value: Any, sql_type: SqlType) -> int:
    if isinstance(value, str):
        return _parse_timestamp(value)
    return _decode_integer(value, sql_type)


def _decode_date(value: Any, sql_type: SqlType) -> int:
    if isinstance(value, str):
        return (dt.date.fromisoformat(value) - _DAY0).days
    return _decode_integer(value, sql_type)


def _decode_time(value: Any, sql_type: SqlType) -> int:
    if isinstance(value, str):
        return _parse_time(value)
    return _decode_integer(value, sql_type)


_DECODERS: dict[BaseType, Callable[[Any, SqlType], Any]] = {
    BaseType.BOOLEAN: _decode_boolean,
    BaseType.INTEGER: _decode_integer,
    BaseType.BIGINT: _decode_integer,
    BaseType.DOUBLE: _decode_double,
    BaseType.DECIMAL: _decode_decimal,
    BaseType.STRING: _decode_string,
    BaseType.BYTES: _decode_bytes,
    BaseType.TIMESTAMP: _decode_timestamp,
    BaseType.DATE: _decode_date,
    BaseType.TIME: _decode_time,
}
