"""Field specs compiled into record builders: the per-event hot path of the simulator.

A scenario gives each field a spec. A bare value is a constant. A mapping holds either the
`arg.properties` annotations of avro-random-generator (see `annotations`) or exactly one of
these extensions:

| spec | value |
|---|---|
| `const: v` | always `v` |
| `sequence: {start, step, prefix, width}` | 1, 2, 3 ... (`C000001` with prefix C, width 6) |
| `kind: name` (`from: field`) | a realistic value, see `kinds.KINDS` |
| `price: {min, max}` | a shop price |
| `walk: {by, start, volatility, drift}` | a random walk per value of `by` |
| `ref: topic` (`skew: ...`) | the key of a live entity of `topic` |
| `lookup: field.other` | field `other` of the entity that `ref` field `field` picked |
| `parent: field` / `parent: key` | a field (or the key) of the event this one follows |
| `next: [a, b, c]` | the value after the parent's (a first); the event is skipped after c |
| `multiply: [a, b]` | a times b, rounded to the field's scale |
| `time: event` / `{before: delay}` / `{after: delay}` | the event time, or that far from it |
| `switch: field`, `cases: {value: spec}`, `default: spec` | the spec for the other field's value |
| `python: f` (`needs: [fields]`) | `f(rng, values, parent)` from the scenario's module |

Any spec on a nullable union may add `nulls: share` for the share of nulls. Fields are built in
schema order, except that a field comes after those it reads (`from`, `lookup`, `multiply`,
`switch`, `walk.by`, and a `python` field's `needs`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ksqlmv.simulate._draw import DROP, Draw, Generate
from ksqlmv.simulate.annotations import ANNOTATIONS, compile_annotated
from ksqlmv.simulate.avrotypes import TypeInfo, coerce
from ksqlmv.simulate.entities import EntityPool
from ksqlmv.simulate.kinds import compile_kind, compile_price, compile_walk
from ksqlmv.simulate.traffic import SpecError, parse_delay, parse_skew

__all__ = ["EXTENSIONS", "Compiled", "FieldContext", "compile_field", "converter"]


@dataclass(frozen=True, slots=True)
class FieldContext:
    """What compiling one record version's fields needs to know.

    `fields` are this version's fields; `parent_fields` those of the event followed, each with
    whether every schema version of its topic has it; `refs` maps this event's `ref` fields to
    their topics.
    """

    fields: Mapping[str, TypeInfo]
    entities: Mapping[str, EntityPool]
    entity_fields: Mapping[str, Mapping[str, TypeInfo]]
    refs: Mapping[str, str]
    parent_fields: Mapping[str, tuple[TypeInfo, bool]] | None
    defaults: Mapping[str, Any]
    functions: Mapping[str, Callable[..., Any]]
    base: Path


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled field: its generator, the fields it reads, whether it may return DROP, and
    whether it always gives the same value (which a record then copies instead of calling)."""

    generate: Generate
    needs: tuple[str, ...] = ()
    drops: bool = False
    constant: bool = False


Compiler = Callable[[Mapping[str, Any], TypeInfo, FieldContext, str], Compiled]


def compile_field(name: str, spec: Any, info: TypeInfo, context: FieldContext) -> Compiled:
    """Compile the spec of field `name` (of type `info`); raises `SpecError` if it is wrong."""
    if not isinstance(spec, dict):
        return _const({"const": spec}, info, context, name)
    spec = dict(spec)
    nulls = spec.pop("nulls", None)
    primaries = [key for key in spec if key in EXTENSIONS]
    if len(primaries) > 1:
        raise SpecError(f"give one of {primaries[0]} and {primaries[1]}, not both", primaries[1])
    target = info
    if info.kind == "union" and len(info.non_null) == 1 and spec and "position" not in spec:
        target = info.non_null[0]
    if primaries:
        primary = primaries[0]
        extra = set(spec) - {primary} - _MODIFIERS.get(primary, frozenset())
        if extra:
            raise SpecError(f"{sorted(extra)[0]} does not go with {primary}", sorted(extra)[0])
        compiled = EXTENSIONS[primary](spec, target, context, name)
    else:
        unknown = [key for key in spec if key not in ANNOTATIONS]
        if unknown:
            known = ", ".join(sorted(ANNOTATIONS | set(EXTENSIONS)))
            raise SpecError(f"unknown annotation {unknown[0]!r}; known: {known}", unknown[0])
        compiled = Compiled(compile_annotated(spec, target, context.base))
    if nulls is None:
        return compiled
    return _with_nulls(nulls, info, compiled)


def _with_nulls(nulls: Any, info: TypeInfo, compiled: Compiled) -> Compiled:
    if not info.nullable:
        raise SpecError(f"nulls needs a nullable union, and this is {info.describe()}", "nulls")
    if isinstance(nulls, bool) or not isinstance(nulls, int | float) or not 0 <= nulls <= 1:
        raise SpecError("nulls is a share between 0 and 1", "nulls")
    inner, share = compiled.generate, float(nulls)
    return Compiled(
        lambda draw: None if draw.rng.random() < share else inner(draw),
        compiled.needs,
        compiled.drops,
    )


def converter(source: TypeInfo, target: TypeInfo) -> Callable[[Any], Any]:
    """How a value of `source` becomes a value of `target`, or `SpecError` if it cannot."""
    if source.kind == "union" and len(source.non_null) == 1:
        inner = converter(source.non_null[0], target)
        if not target.nullable:
            return inner
        return lambda value: None if value is None else inner(value)
    if target.kind == "union" and len(target.non_null) == 1:
        return converter(source, target.non_null[0])
    if source.kind == target.kind and source.kind not in ("decimal", "enum"):
        return _same
    if source.kind == "decimal" and target.kind == "decimal":
        if source.scale == target.scale:
            return _same
        quantum = Decimal(1).scaleb(-target.scale)
        return lambda value: value.quantize(quantum)
    if source.kind == "enum" and target.kind in ("enum", "string"):
        if target.kind == "enum" and not set(source.symbols) <= set(target.symbols):
            raise SpecError(f"{source.describe()} has symbols {target.describe()} lacks")
        return _same
    widening = {("int", "long"), ("long", "timestamp-millis"), ("timestamp-millis", "long")}
    if (source.kind, target.kind) in widening:
        return _same
    if source.kind in ("int", "long") and target.kind in ("float", "double"):
        return float
    raise SpecError(f"cannot use a {source.describe()} as a {target.describe()}")


def _same(value: Any) -> Any:
    return value


def _const(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    value = coerce(spec["const"], info)
    return Compiled(lambda draw: value, constant=True)


def _sequence(
    spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str
) -> Compiled:
    raw = spec["sequence"]
    raw = {} if raw is True else raw
    if not isinstance(raw, dict) or set(raw) - {"start", "step", "prefix", "width"}:
        raise SpecError("sequence takes start, step, prefix and width", "sequence")
    start, step = raw.get("start", 1), raw.get("step", 1)
    prefix, width = raw.get("prefix", ""), raw.get("width", 0)
    for label, number in (("start", start), ("step", step), ("width", width)):
        if isinstance(number, bool) or not isinstance(number, int):
            raise SpecError(f"{label} must be a whole number", f"sequence.{label}")
    if step == 0:
        raise SpecError("step cannot be zero", "sequence.step")
    state: list[int] = [start]
    if info.kind == "string":
        if not isinstance(prefix, str):
            raise SpecError("prefix must be a string", "sequence.prefix")
        template = f"{prefix}{{:0{width}d}}" if width else f"{prefix}{{}}"

        def next_text(draw: Draw) -> str:
            value = state[0]
            state[0] = value + step
            return template.format(value)

        return Compiled(next_text)
    if info.kind not in ("int", "long"):
        raise SpecError(f"sequence makes strings or whole numbers, not {info.describe()}")
    if "prefix" in raw or "width" in raw:
        raise SpecError("prefix and width apply to string sequences", "sequence")

    def next_number(draw: Draw) -> int:
        value = state[0]
        state[0] = value + step
        return value

    return Compiled(next_number)


def _kind(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    source = spec.get("from")
    generate = compile_kind(spec["kind"], source, info)
    prefix, suffix = spec.get("prefix", ""), spec.get("suffix", "")
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise SpecError("prefix and suffix must be strings")
    if prefix or suffix:
        inner = generate
        generate = lambda draw: f"{prefix}{inner(draw)}{suffix}"  # noqa: E731
    return Compiled(generate, (source,) if source else ())


def _price(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    return Compiled(compile_price(spec["price"], info))


def _walk(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    generate, by = compile_walk(spec["walk"], info)
    return Compiled(generate, (by,) if by else ())


def _ref(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    topic = spec["ref"]
    pool = context.entities.get(topic)
    if pool is None:
        entities = ", ".join(context.entities) or "none in this scenario"
        raise SpecError(f"{topic!r} is not an entity topic (entity topics: {entities})", "ref")
    if info.kind != "string":
        raise SpecError(f"a reference is an entity key, a string, not {info.describe()}", "ref")
    try:
        skew = parse_skew(spec.get("skew"))
    except SpecError as error:
        raise SpecError(error.message, "skew") from None
    keys, values = pool.keys, pool.values

    def pick(draw: Draw) -> Any:
        if not keys:
            return DROP
        key = keys[skew(draw.rng, len(keys))]
        draw.refs[name] = values[key]
        return key

    return Compiled(pick, drops=True)


def _lookup(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    raw = spec["lookup"]
    field, _, other = raw.partition(".") if isinstance(raw, str) else ("", "", "")
    topic = context.refs.get(field)
    if topic is None:
        raise SpecError(f"lookup is `ref_field.field`, where ref_field is a ref; got {raw!r}")
    source = context.entity_fields[topic].get(other)
    if source is None:
        raise SpecError(f"entities of {topic!r} have no field {other!r}", "lookup")
    convert = converter(source, info)

    def look(draw: Draw) -> Any:
        entity = draw.refs.get(field)
        return None if entity is None else convert(entity.get(other))

    return Compiled(look, (field,))


def _parent(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    field = spec["parent"]
    if context.parent_fields is None:
        raise SpecError("parent needs an event that follows another one (see `then`)", "parent")
    if field == "key":
        if info.kind != "string" and not (info.nullable and info.non_null[0].kind == "string"):
            raise SpecError(f"the parent key is a string, this is {info.describe()}", "parent")
        return Compiled(lambda draw: draw.parent_key)
    known = context.parent_fields.get(field)
    if known is None:
        raise SpecError(f"the parent event has no field {field!r}", "parent")
    source, always = known
    convert = converter(source, info)
    if always:
        return Compiled(lambda draw: convert(draw.parent[field]))  # type: ignore[index]
    if name not in context.defaults:
        raise SpecError(f"not every version of the parent has {field!r}, and {name} has no default")
    fallback = context.defaults[name]

    def copy(draw: Draw) -> Any:
        parent = draw.parent
        return convert(parent[field]) if parent is not None and field in parent else fallback

    return Compiled(copy)


def _next(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    raw = spec["next"]
    if not isinstance(raw, list) or not raw:
        raise SpecError("next is a non-empty list of values in order", "next")
    steps = [coerce(value, info) for value in raw]
    following = dict(zip(steps, [*steps[1:], DROP], strict=True))
    first = steps[0]

    def advance(draw: Draw) -> Any:
        parent = draw.parent
        if parent is None or name not in parent:
            return first
        return following.get(parent[name], first)

    return Compiled(advance, drops=True)


def _multiply(
    spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str
) -> Compiled:
    factors = spec["multiply"]
    if not isinstance(factors, list) or len(factors) < 2:
        raise SpecError("multiply is a list of two or more fields", "multiply")
    numeric = ("int", "long", "decimal", "float", "double")
    for factor in factors:
        factor_info = context.fields.get(factor)
        if factor_info is None or factor_info.non_null[0].kind not in numeric:
            raise SpecError(f"{factor!r} is not a number field of this event", "multiply")
    if info.kind == "decimal":
        quantum = Decimal(1).scaleb(-info.scale)
        finish: Callable[[Any], Any] = lambda product: Decimal(str(product)).quantize(quantum)  # noqa: E731
    elif info.kind in ("int", "long"):
        finish = int
    elif info.kind in ("float", "double"):
        finish = float
    else:
        raise SpecError(f"multiply makes numbers, not {info.describe()}", "multiply")
    first, rest = factors[0], factors[1:]

    def product(draw: Draw) -> Any:
        values = draw.values
        total = values[first]
        for factor in rest:
            total = total * values[factor]
        return finish(total)

    return Compiled(product, tuple(factors))


def _time(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    raw = spec["time"]
    unit = {"timestamp-millis": 1, "long": 1, "timestamp-micros": 1000}.get(info.kind)
    if unit is None:
        raise SpecError(f"time makes timestamps, not {info.describe()}", "time")
    if raw == "event":
        if unit == 1:
            return Compiled(lambda draw: draw.time)
        return Compiled(lambda draw: draw.time * unit)
    if not isinstance(raw, dict) or len(raw) != 1 or not set(raw) <= {"before", "after"}:
        raise SpecError("time is `event`, {before: delay} or {after: delay}", "time")
    ((direction, delay_spec),) = raw.items()
    delay = parse_delay(delay_spec)
    sign = -1 if direction == "before" else 1
    return Compiled(lambda draw: (draw.time + sign * delay(draw.rng)) * unit)


def _switch(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    field, cases = spec["switch"], spec.get("cases")
    if field not in context.fields:
        raise SpecError(f"this event has no field {field!r} to switch on", "switch")
    if not isinstance(cases, dict) or not cases:
        raise SpecError("switch needs cases: {value: spec, ...}", "cases")
    compiled: dict[Any, Compiled] = {}
    for value, case in cases.items():
        try:
            compiled[value] = compile_field(name, case, info, context)
        except SpecError as error:
            raise error.under(f"cases.{value}") from None
    try:
        default = compile_field(name, spec.get("default", {}), info, context)
    except SpecError as error:
        raise error.under("default") from None
    table = {value: case.generate for value, case in compiled.items()}
    fallback = default.generate
    needs = {field}
    for case in (*compiled.values(), default):
        needs.update(case.needs)
    return Compiled(
        lambda draw: table.get(draw.values[field], fallback)(draw),
        tuple(sorted(needs)),
        any(case.drops for case in (*compiled.values(), default)),
    )


def _python(spec: Mapping[str, Any], info: TypeInfo, context: FieldContext, name: str) -> Compiled:
    function = context.functions.get(spec["python"])
    if function is None:
        known = ", ".join(sorted(context.functions)) or "no python module is configured"
        raise SpecError(f"no function {spec['python']!r} (known: {known})", "python")
    needs = spec.get("needs", [])
    if not isinstance(needs, list) or not all(isinstance(need, str) for need in needs):
        raise SpecError("needs is a list of the fields the function reads", "needs")
    label, path = spec["python"], f"fields.{name}.python"

    def call(draw: Draw) -> Any:
        try:
            return function(draw.rng, draw.values, draw.parent)
        except Exception as error:  # the scenario's own code: report it against its field
            raise SpecError(f"{label} raised {type(error).__name__}: {error}", path) from error

    return Compiled(call, tuple(needs))


EXTENSIONS: dict[str, Compiler] = {
    "const": _const,
    "sequence": _sequence,
    "kind": _kind,
    "price": _price,
    "walk": _walk,
    "ref": _ref,
    "lookup": _lookup,
    "parent": _parent,
    "next": _next,
    "multiply": _multiply,
    "time": _time,
    "switch": _switch,
    "python": _python,
}
_MODIFIERS: dict[str, frozenset[str]] = {
    "kind": frozenset(("from", "prefix", "suffix")),
    "ref": frozenset(("skew",)),
    "switch": frozenset(("cases", "default")),
    "python": frozenset(("needs",)),
}
