"""One event's value, built field by field in dependency order by a compiled `RecordPlan`."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ksqlmv.simulate._draw import DROP, Draw
from ksqlmv.simulate.annotations import compile_annotated
from ksqlmv.simulate.avrotypes import NO_DEFAULT, TypeInfo, field_default
from ksqlmv.simulate.fields import Compiled, FieldContext, compile_field, converter
from ksqlmv.simulate.traffic import SpecError

__all__ = ["RecordPlan", "compile_record"]

Build = Callable[[Draw], "dict[str, Any] | None"]
#: What constant generators are called with when their value is taken once, at compile time.
_NO_DRAW = Draw(random.Random(0))


@dataclass(frozen=True, slots=True)
class RecordPlan:
    """How to build the value of one event for one schema version.

    `fields` lists the record's fields in schema order; `build` returns the value, or None when
    a field said DROP (the event cannot happen).
    """

    fields: tuple[str, ...]
    build: Build


def compile_record(
    specs: Mapping[str, Any],
    schema: Mapping[str, Any],
    fields: Mapping[str, TypeInfo],
    context: FieldContext,
    inherit: bool,
) -> RecordPlan:
    """Compile `specs` (field name -> spec) for the record `schema`, whose field types are
    `fields`. Raises `SpecError` with a path such as `fields.amount.multiply`."""
    compiled: dict[str, Compiled] = {}
    for raw in schema["fields"]:
        name = raw["name"]
        info = fields[name]
        try:
            if name in specs:
                compiled[name] = compile_field(name, specs[name], info, context)
            else:
                compiled[name] = _unspecified(raw, info, context, inherit)
        except SpecError as error:
            raise error.under(f"fields.{name}") from None
    for name, item in compiled.items():
        for need in item.needs:
            if need not in compiled:
                raise SpecError(f"reads field {need!r}, which this schema lacks", f"fields.{name}")
    order = _ordered(list(compiled), {name: item.needs for name, item in compiled.items()})
    # Constants are copied from a template in one go; the other fields are generated in order.
    template = {name: item.generate(_NO_DRAW) for name, item in compiled.items() if item.constant}
    steps = tuple((name, compiled[name].generate) for name in order if name not in template)
    droppable = tuple(name for name, _ in steps if compiled[name].drops)
    return RecordPlan(tuple(compiled), _builder(template, steps, droppable))


def _unspecified(
    raw: Mapping[str, Any], info: TypeInfo, context: FieldContext, inherit: bool
) -> Compiled:
    """A field the scenario leaves out: the parent's, the schema's default, or arg.properties."""
    name = raw["name"]
    parents = context.parent_fields
    if inherit and parents is not None and name in parents:
        source, always = parents[name]
        convert = converter(source, info)
        if always:
            return Compiled(lambda draw: convert(draw.parent[name]))  # type: ignore[index]
        fallback = context.defaults.get(name)
        return Compiled(
            lambda draw: (
                convert(draw.parent[name])
                if draw.parent is not None and name in draw.parent
                else fallback
            )
        )
    properties = {**info.properties, **(raw.get("arg.properties") or {})}
    default = raw.get("default", NO_DEFAULT)
    if not properties and default is not NO_DEFAULT:
        value = field_default(info, default)
        return Compiled(lambda draw: value, constant=True)
    if properties and info.kind == "union" and "position" not in properties:
        info = info.non_null[0]
    return Compiled(compile_annotated(properties, info, context.base))


def _ordered(names: list[str], needs: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Schema order, except that a field comes after every field it reads."""
    done: dict[str, None] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise SpecError("fields read each other in a cycle", f"fields.{name}")
        visiting.add(name)
        for need in needs.get(name, ()):
            if need in needs:
                visit(need)
        visiting.discard(name)
        done[name] = None

    for name in names:
        visit(name)
    return list(done)


def _builder(
    template: dict[str, Any],
    steps: tuple[tuple[str, Callable[[Draw], Any]], ...],
    droppable: tuple[str, ...],
) -> Build:
    if not droppable:

        def build(draw: Draw) -> dict[str, Any] | None:
            values = template.copy()
            draw.values = values
            for name, generate in steps:
                values[name] = generate(draw)
            return values

        return build

    def build_or_drop(draw: Draw) -> dict[str, Any] | None:
        values = template.copy()
        draw.values = values
        for name, generate in steps:
            value = generate(draw)
            if value is DROP:
                return None
            values[name] = value
        return values

    return build_or_drop
