"""avro-random-generator's `arg.properties` annotations, as the datagen connector uses them.

| annotation | applies to | meaning |
|---|---|---|
| `options` | any type | one of a list, or of a JSON file `{file, encoding: json}` |
| `weights` | with options | our addition: one weight per option |
| `iteration` | numbers, boolean, string | `{start, restart, step, initial}`: a wrapping counter |
| `range` | numbers, decimals, timestamps | `{min, max}`: min inclusive, max exclusive |
| `length` | string, bytes, array, map | a number, or `{min, max}` (max exclusive); default 8-15 |
| `regex` | string | a string matching the pattern (with `length`, within those bounds) |
| `prefix`, `suffix` | string | text around the generated string (also around an iteration) |
| `keys` | map | annotations for the generated map keys |
| `odds` | boolean | the probability of true |
| `position` | union | which branch to generate |

A boolean iteration alternates from `start`. `options` and `iteration` each exclude `length`,
`regex`, `range` and each other, as in the original. An unannotated value is random for its type,
except that a timestamp takes the event time (a random instant in the whole range of a long is
never what a scenario wants).
"""

from __future__ import annotations

import json
import random
import re
import string
from bisect import bisect_right
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ksqlmv.simulate._draw import Draw, Generate
from ksqlmv.simulate._regex import compile_regex
from ksqlmv.simulate.avrotypes import TypeInfo, coerce
from ksqlmv.simulate.traffic import SpecError

__all__ = ["ANNOTATIONS", "compile_annotated"]

ANNOTATIONS = frozenset(
    ("options", "weights", "iteration", "range", "length", "regex", "prefix", "suffix", "keys",
     "odds", "position")
)  # fmt: skip
_EXCLUSIVE = ("length", "regex", "iteration", "range", "options")
_ALPHANUMERIC = string.ascii_letters + string.digits
_LENGTH_DEFAULT = (8, 16)
_NUMBER_BOUNDS: dict[str, tuple[float, float]] = {
    "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
    "float": (-3.4028234663852886e38, 3.4028234663852886e38),
    "double": (-1.7976931348623157e308, 1.7976931348623157e308),
}
_RANDOM_KEYS: dict[str, frozenset[str]] = {
    "boolean": frozenset(("odds",)),
    "string": frozenset(("regex", "length", "prefix", "suffix")),
    "bytes": frozenset(("length",)),
    "array": frozenset(("length",)),
    "map": frozenset(("length", "keys")),
    "union": frozenset(("position",)),
}
_RANGED = frozenset(("int", "long", "float", "double", "decimal", "timestamp-millis"))


def compile_annotated(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    """A generator for `info` that honours the annotations in `spec` (see the module table)."""
    for primary in ("options", "iteration"):
        if primary in spec:
            clash = [key for key in _EXCLUSIVE if key != primary and key in spec]
            if clash:
                raise SpecError(f"cannot specify {clash[0]} when {primary} is given", clash[0])
    if "options" in spec:
        _only(spec, {"options", "weights"}, "options")
        return _options(spec, info, base)
    if "iteration" in spec:
        _only(spec, {"iteration", "prefix", "suffix"}, "iteration")
        return _iteration(spec["iteration"], info, spec)
    allowed = _RANDOM_KEYS.get(info.kind, frozenset()) | (
        {"range"} if info.kind in _RANGED else set()
    )
    for key in spec:
        if key not in allowed:
            kinds = ", ".join(sorted(allowed)) or "no annotations"
            raise SpecError(f"{key} does not apply to {info.describe()} (it takes {kinds})", key)
    return _RANDOM[info.kind](spec, info, base)


def _only(spec: Mapping[str, Any], allowed: set[str], primary: str) -> None:
    for key in spec:
        if key not in allowed:
            raise SpecError(f"{key} does not go with {primary}", key)


def _options(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    raw = spec["options"]
    if isinstance(raw, dict):
        raw = _options_file(raw, base)
    if not isinstance(raw, list) or not raw:
        raise SpecError("options must be a non-empty list or {file, encoding}", "options")
    options = []
    for index, option in enumerate(raw):
        try:
            options.append(coerce(option, info))
        except SpecError as error:
            raise SpecError(error.message, f"options[{index}]") from None
    weights = spec.get("weights")
    if weights is None:
        if len(options) == 1:
            only = options[0]
            return lambda draw: only
        count = len(options)
        return lambda draw: options[int(draw.rng.random() * count)]
    if (
        not isinstance(weights, list)
        or len(weights) != len(options)
        or not all(isinstance(w, int | float) and not isinstance(w, bool) for w in weights)
        or any(w < 0 for w in weights)
        or sum(weights) <= 0
    ):
        raise SpecError("weights must be one non-negative number per option", "weights")
    cumulative: list[float] = []
    for weight in weights:
        cumulative.append((cumulative[-1] if cumulative else 0.0) + weight)
    total = cumulative[-1]
    last = len(options) - 1
    return lambda draw: options[min(bisect_right(cumulative, draw.rng.random() * total), last)]


def _options_file(raw: dict[str, Any], base: Path) -> list[Any]:
    if set(raw) != {"file", "encoding"}:
        raise SpecError("an options file is given as {file, encoding}", "options")
    if raw["encoding"] != "json":
        raise SpecError("only the json encoding is supported for options files", "options.encoding")
    path = base / str(raw["file"])
    try:
        text = path.read_text()
    except OSError as error:
        raise SpecError(f"cannot read options file {path}: {error.strerror}", "options") from None
    decoder, values, position = json.JSONDecoder(), [], 0
    try:
        while position < len(text.rstrip()):
            value, position = decoder.raw_decode(text, _skip_space(text, position))
            values.append(value)
    except json.JSONDecodeError as error:
        raise SpecError(f"{path}: {error}", "options") from None
    if len(values) == 1 and isinstance(values[0], list):
        return list(values[0])
    return values


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _integral(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{what} must be a whole number, got {value!r}", what)
    return value


def _iteration(raw: Any, info: TypeInfo, spec: Mapping[str, Any]) -> Generate:
    if not isinstance(raw, dict) or "start" not in raw:
        raise SpecError("iteration must be an object with at least start", "iteration")
    unknown = set(raw) - {"start", "restart", "step", "initial"}
    if unknown:
        raise SpecError(f"iteration takes start, restart, step, initial; not {sorted(unknown)[0]}")
    kind = info.kind
    if kind == "boolean":
        if set(raw) != {"start"} or not isinstance(raw["start"], bool):
            raise SpecError("a boolean iteration takes only a boolean start", "iteration")
        state = [raw["start"]]

        def alternate(draw: Draw) -> bool:
            value = state[0]
            state[0] = not value
            return value

        return alternate
    if kind in ("float", "double"):
        return _counter(raw, kind, lambda v, what: Decimal(str(_number(v, what))), float)
    if kind in ("int", "long", "timestamp-millis"):
        return _counter(raw, "int" if kind == "int" else "long", _integral, int)
    if kind == "string":
        count = _counter(raw, "int", _integral, int)
        prefix, suffix = _affixes(spec)
        return lambda draw: f"{prefix}{count(draw)}{suffix}"
    raise SpecError(f"iteration applies to numbers, booleans and strings, not {info.describe()}")


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(f"{what} must be a number, got {value!r}", what)
    return float(value)


def _counter(
    raw: dict[str, Any],
    bounds: str,
    read: Callable[[Any, str], Any],
    out: Callable[[Any], Any],
) -> Generate:
    """avro-random-generator's iterator: start, then +step, wrapping from restart to start."""
    start = read(raw["start"], "iteration.start")
    step = read(raw["step"], "iteration.step") if "step" in raw else None
    restart = read(raw["restart"], "iteration.restart") if "restart" in raw else None
    low, high = _NUMBER_BOUNDS[bounds]
    if step == 0:
        raise SpecError("step cannot be zero", "iteration.step")
    if restart is not None and restart == start:
        raise SpecError("start and restart cannot be equal", "iteration.restart")
    if step is None:
        step = 1 if restart is None or restart > start else -1
    if restart is None:
        restart = type(start)(high) if step > 0 else type(start)(-low)
    if (restart > start and step < 0) or (restart < start and step > 0):
        raise SpecError("step must move from start towards restart", "iteration.step")
    initial = read(raw["initial"], "iteration.initial") if "initial" in raw else start
    span = abs(restart - start)
    sign = 1 if step > 0 else -1
    state = [initial - start]

    def advance(draw: Draw) -> Any:
        current = state[0]
        state[0] = (abs(current + step) % span) * sign
        return out(current + start)

    return advance


def _affixes(spec: Mapping[str, Any]) -> tuple[str, str]:
    prefix, suffix = spec.get("prefix", ""), spec.get("suffix", "")
    if not isinstance(prefix, str):
        raise SpecError("prefix must be a string", "prefix")
    if not isinstance(suffix, str):
        raise SpecError("suffix must be a string", "suffix")
    return prefix, suffix


def _length(spec: Mapping[str, Any]) -> tuple[int, int]:
    """Length bounds `[low, high)`, as avro-random-generator reads the annotation."""
    raw = spec.get("length")
    if raw is None:
        return _LENGTH_DEFAULT
    if isinstance(raw, int) and not isinstance(raw, bool):
        if raw < 0:
            raise SpecError("length cannot be negative", "length")
        return raw, raw + 1
    if not isinstance(raw, dict) or not raw or set(raw) - {"min", "max"}:
        raise SpecError("length is a number or {min, max}", "length")
    low = _integral(raw.get("min", 0), "length.min")
    high = _integral(raw.get("max", 2**31 - 1), "length.max")
    if low < 0:
        raise SpecError("min cannot be negative", "length.min")
    if high <= low:
        raise SpecError("max must be greater than min", "length.max")
    return low, high


def _range(spec: Mapping[str, Any], kind: str) -> tuple[Any, Any] | None:
    raw = spec.get("range")
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw or set(raw) - {"min", "max"}:
        raise SpecError("range is an object with min and/or max", "range")
    integral = kind in ("int", "long", "timestamp-millis")
    read = _integral if integral else _number
    low_default, high_default = _NUMBER_BOUNDS.get(kind, _NUMBER_BOUNDS["long"])
    low = read(raw["min"], "range.min") if "min" in raw else low_default
    high = read(raw["max"], "range.max") if "max" in raw else high_default
    if low >= high:
        raise SpecError("min must be strictly less than max", "range")
    return (int(low), int(high)) if integral else (low, high)


def _random_boolean(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    if "odds" not in spec:
        return lambda draw: draw.rng.random() < 0.5
    odds = _number(spec["odds"], "odds")
    if not 0.0 <= odds <= 1.0:
        raise SpecError("odds must be in the range [0.0, 1.0]", "odds")
    return lambda draw: draw.rng.random() < odds


def _random_integral(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    bounds = _range(spec, info.kind)
    if bounds is None:
        bits = 32 if info.kind == "int" else 64
        offset = 2 ** (bits - 1)
        return lambda draw: draw.rng.getrandbits(bits) - offset
    low, high = bounds
    width = high - low
    return lambda draw: low + int(draw.rng.random() * width)


def _random_real(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    bounds = _range(spec, info.kind)
    if bounds is None:
        return lambda draw: draw.rng.random()
    low, high = bounds
    return lambda draw: draw.rng.uniform(low, high)


def _random_decimal(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    bounds = _range(spec, "double")
    quantum = Decimal(1).scaleb(-info.scale)
    scale = 10**info.scale
    if bounds is None:
        # Any value the precision allows, either sign, as avro-random-generator draws it.
        top = 10**info.precision
        return lambda draw: Decimal(
            draw.rng.randrange(top) * (1 if draw.rng.random() < 0.5 else -1)
        ).scaleb(-info.scale)
    low, high = (round(bound * scale) for bound in bounds)
    coerce(Decimal(max(abs(low), abs(high))).scaleb(-info.scale), info)
    return lambda draw: Decimal(draw.rng.randrange(low, high)).scaleb(-info.scale).quantize(quantum)


def _random_timestamp(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    if "range" in spec:
        return _random_integral(spec, info, base)
    return lambda draw: draw.time


def _random_string(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    prefix, suffix = _affixes(spec)
    low, high = _length(spec) if "length" in spec or "regex" not in spec else (0, 2**31 - 1)
    if "regex" in spec:
        body = _regex(spec["regex"], low, high)
    else:
        body = lambda draw: "".join(  # noqa: E731
            draw.rng.choices(_ALPHANUMERIC, k=draw.rng.randrange(low, high))
        )
    if not prefix and not suffix:
        return body
    return lambda draw: f"{prefix}{body(draw)}{suffix}"


def _regex(pattern: Any, low: int, high: int) -> Generate:
    if not isinstance(pattern, str):
        raise SpecError("regex must be a string", "regex")
    try:
        matching = compile_regex(pattern)
    except (re.error, ValueError) as error:
        raise SpecError(f"regex {pattern!r}: {error}", "regex") from None
    if (low, high) == (0, 2**31 - 1):
        return lambda draw: matching(draw.rng)
    probe = random.Random(0)
    if not any(low <= len(matching(probe)) < high for _ in range(200)):
        raise SpecError(f"regex {pattern!r} does not make strings of length {low} to {high - 1}")

    def bounded(draw: Draw) -> str:
        text = matching(draw.rng)
        for _ in range(50):
            if low <= len(text) < high:
                break
            text = matching(draw.rng)
        return text

    return bounded


def _random_bytes(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    if info.kind == "fixed":
        size = info.size
        return lambda draw: draw.rng.randbytes(size)
    low, high = _length(spec)
    return lambda draw: draw.rng.randbytes(draw.rng.randrange(low, high))


def _random_enum(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    symbols = info.symbols
    return lambda draw: draw.rng.choice(symbols)


def _random_null(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    return lambda draw: None


def _nested(info: TypeInfo, base: Path) -> Generate:
    return compile_annotated(info.properties, info, base)


def _random_array(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    assert info.items is not None
    low, high = _length(spec)
    item = _nested(info.items, base)
    return lambda draw: [item(draw) for _ in range(draw.rng.randrange(low, high))]


def _random_map(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    assert info.items is not None
    low, high = _length(spec)
    keys_spec = spec.get("keys", {"length": 1})
    if not isinstance(keys_spec, dict):
        raise SpecError("keys must be an object of string annotations", "keys")
    key = compile_annotated(keys_spec, TypeInfo("string", "string"), base)
    value = _nested(info.items, base)
    return lambda draw: {key(draw): value(draw) for _ in range(draw.rng.randrange(low, high))}


def _random_record(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    fields = [(name, _nested(field_info, base)) for name, field_info, _ in info.fields]
    return lambda draw: {name: generate(draw) for name, generate in fields}


def _random_union(spec: Mapping[str, Any], info: TypeInfo, base: Path) -> Generate:
    branches = [_nested(branch, base) for branch in info.branches]
    if "position" in spec:
        position = _integral(spec["position"], "position")
        if not 0 <= position < len(branches):
            raise SpecError(f"position must be between 0 and {len(branches) - 1}", "position")
        return branches[position]
    return lambda draw: draw.rng.choice(branches)(draw)


_RANDOM: dict[str, Callable[[Mapping[str, Any], TypeInfo, Path], Generate]] = {
    "null": _random_null,
    "boolean": _random_boolean,
    "int": _random_integral,
    "long": _random_integral,
    "date": _random_integral,
    "time-millis": _random_integral,
    "time-micros": _random_integral,
    "timestamp-micros": _random_integral,
    "timestamp-millis": _random_timestamp,
    "float": _random_real,
    "double": _random_real,
    "decimal": _random_decimal,
    "string": _random_string,
    "bytes": _random_bytes,
    "fixed": _random_bytes,
    "enum": _random_enum,
    "array": _random_array,
    "map": _random_map,
    "record": _random_record,
    "union": _random_union,
}
