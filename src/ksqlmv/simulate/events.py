"""The `events:` section of a scenario: what happens, on which topic, and what follows it.

```yaml
events:
  order:
    topic: orders
    weight: 10                      # share of the scenario's own traffic (omit: follow-up only)
    key: {sequence: {prefix: O, width: 8}}
    fields: {quantity: {range: {min: 1, max: 5}}, ...}
    then:                           # follow-ups, scheduled from this event's time
      - {event: payment, share: 0.9, delay: {median: 20s, max: 50m}}
      - one_of:                     # at most one of these
          - {event: order_cancelled, share: 0.08, delay: 1m..20m}
          - {event: shipment, share: 0.85, delay: 2m..10m, when: {status: PLACED}}
  customer:
    topic: customers
    entity: {initial: 100, update: 0.3, tombstone: 0.02, changes: [tier]}
  app_open:
    late: {share: 0.05, delay: 1m..4m}   # event time earlier than arrival
    duplicates: 0.01                      # sent twice
```

`parse_events` checks the section against the topics' schemas; `compile_events` turns it into
`EventPlan`s with fresh generator state, once per simulation run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ksqlmv.simulate._draw import Generate
from ksqlmv.simulate.avrotypes import NO_DEFAULT, TypeInfo, coerce, field_default
from ksqlmv.simulate.entities import EntityPool
from ksqlmv.simulate.fields import FieldContext, compile_field
from ksqlmv.simulate.records import RecordPlan, compile_record
from ksqlmv.simulate.topics import TopicSpec
from ksqlmv.simulate.traffic import Delay, SpecError, parse_delay

__all__ = [
    "EntityRule",
    "EventPlan",
    "EventRule",
    "FollowUp",
    "OneOf",
    "Runtime",
    "compile_events",
    "parse_events",
]

_EVENT_KEYS = frozenset(
    ("topic", "weight", "entity", "key", "fields", "inherit", "then", "late", "duplicates")
)
_STRING = TypeInfo("string", "string")


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Event `event` follows with probability `share`, `delay` after, if the parent matches
    `when` (field -> allowed values)."""

    event: str
    share: float
    delay: Delay
    when: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def matches(self, value: Mapping[str, Any]) -> bool:
        """Whether the parent `value` meets every `when` condition."""
        return all(value.get(field) in allowed for field, allowed in self.when)


@dataclass(frozen=True, slots=True)
class OneOf:
    """At most one of `choices` follows (their shares add up to at most 1)."""

    choices: tuple[FollowUp, ...]


@dataclass(frozen=True, slots=True)
class EntityRule:
    """An entity event: `initial` creations at the start, then each occurrence updates an
    existing entity (share `update`, regenerating `changes`), deletes one (`tombstone`) or
    creates a new one."""

    initial: int
    update: float
    tombstone: float
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventRule:
    """One event of a scenario, checked against its topic but not compiled."""

    name: str
    topic: str
    weight: float
    entity: EntityRule | None
    key: Any
    fields: Mapping[str, Any]
    inherit: bool
    then: tuple[FollowUp | OneOf, ...]
    late_share: float
    late_delay: Delay | None
    duplicate_share: float
    duplicate_delay: Delay
    parents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventPlan:
    """An event ready to generate: key generator and one record plan per schema version."""

    rule: EventRule
    key: Generate
    records: tuple[RecordPlan, ...]


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything a simulation run mutates: event plans with their state, entity pools."""

    plans: Mapping[str, EventPlan]
    pools: Mapping[str, EntityPool]


def parse_events(
    raw: Any, topics: Mapping[str, TopicSpec]
) -> tuple[dict[str, EventRule], list[SpecError]]:
    """Check the `events:` section; returns the rules and every problem found (with paths)."""
    if not isinstance(raw, dict) or not raw:
        return {}, [SpecError("a scenario needs at least one event", "events")]
    problems: list[SpecError] = []
    rules: dict[str, EventRule] = {}
    parents: dict[str, list[str]] = {}
    for name, spec in raw.items():
        for item in spec.get("then", ()) if isinstance(spec, dict) else ():
            for follow in item.get("one_of", [item]) if isinstance(item, dict) else ():
                if isinstance(follow, dict) and isinstance(follow.get("event"), str):
                    parents.setdefault(follow["event"], []).append(str(name))
    for name, spec in raw.items():
        try:
            rules[name] = _event(str(name), spec, topics, raw, tuple(parents.get(name, ())))
        except SpecError as error:
            problems.append(error.under(f"events.{name}"))
    for name, rule in rules.items():
        if not rule.weight and not rule.parents and not (rule.entity and rule.entity.initial):
            message = "never happens: give it a weight or follow it from another event"
            problems.append(SpecError(message, f"events.{name}"))
    entity_topics: dict[str, str] = {}
    for name, rule in rules.items():
        if rule.entity is not None:
            if rule.topic in entity_topics:
                other = entity_topics[rule.topic]
                message = f"topic {rule.topic!r} already has entity event {other!r}"
                problems.append(SpecError(message, f"events.{name}.entity"))
            entity_topics[rule.topic] = name
    return rules, problems


def _event(
    name: str,
    spec: Any,
    topics: Mapping[str, TopicSpec],
    events: Mapping[str, Any],
    parents: tuple[str, ...],
) -> EventRule:
    if not isinstance(spec, dict):
        raise SpecError("an event is a mapping with at least topic and key")
    for key in spec:
        if key not in _EVENT_KEYS:
            raise SpecError(f"unknown key; an event takes {', '.join(sorted(_EVENT_KEYS))}", key)
    topic = spec.get("topic")
    if not isinstance(topic, str) or topic not in topics:
        raise SpecError(
            f"unknown topic {topic!r}; the scenario's topics: {', '.join(topics)}", "topic"
        )
    if "key" not in spec:
        raise SpecError("every event needs a key spec (the Kafka key, a string)", "key")
    fields = spec.get("fields", {})
    if not isinstance(fields, dict):
        raise SpecError("fields is a mapping of field name to spec", "fields")
    known = topics[topic].all_fields
    for field in fields:
        if field not in known:
            schemas = ", ".join(version.name for version in topics[topic].versions)
            raise SpecError(
                f"topic {topic!r} ({schemas}) has no field {field!r}", f"fields.{field}"
            )
    weight = _share(spec.get("weight", 0), "weight", most=None)
    entity = _entity(spec["entity"], known) if "entity" in spec else None
    if entity is not None and parents:
        raise SpecError("an entity event cannot follow another event", "entity")
    inherit = spec.get("inherit", False)
    if not isinstance(inherit, bool):
        raise SpecError("inherit is true or false", "inherit")
    if inherit and not parents:
        raise SpecError(
            "inherit copies the parent's fields, but nothing leads to this event", "inherit"
        )
    then = tuple(_then(spec.get("then", []), events, topics[topic]))
    late_share, late_delay = _late(spec.get("late"))
    duplicate_share, duplicate_delay = _duplicates(spec.get("duplicates"))
    return EventRule(
        name, topic, weight, entity, spec["key"], fields, inherit, then,
        late_share, late_delay, duplicate_share, duplicate_delay, parents,
    )  # fmt: skip


def _share(value: Any, path: str, most: float | None = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise SpecError(f"expected a number of at least 0, got {value!r}", path)
    if most is not None and value > most:
        raise SpecError(f"expected a share between 0 and {most}, got {value!r}", path)
    return float(value)


def _entity(raw: Any, known: Mapping[str, TypeInfo]) -> EntityRule:
    if not isinstance(raw, dict) or set(raw) - {"initial", "update", "tombstone", "changes"}:
        raise SpecError("entity takes initial, update, tombstone and changes", "entity")
    initial = raw.get("initial", 0)
    if isinstance(initial, bool) or not isinstance(initial, int) or initial < 0:
        raise SpecError("initial is a whole number of entities", "entity.initial")
    update = _share(raw.get("update", 0), "entity.update")
    tombstone = _share(raw.get("tombstone", 0), "entity.tombstone")
    if update + tombstone > 1:
        raise SpecError("update and tombstone shares add up to more than 1", "entity")
    changes = raw.get("changes", [])
    if not isinstance(changes, list) or not all(isinstance(change, str) for change in changes):
        raise SpecError("changes is a list of field names", "entity.changes")
    for index, change in enumerate(changes):
        if change not in known:
            raise SpecError(f"no field {change!r}", f"entity.changes[{index}]")
    if update and not changes:
        raise SpecError("an update needs the fields it changes", "entity.changes")
    return EntityRule(initial, update, tombstone, tuple(changes))


def _then(raw: Any, events: Mapping[str, Any], topic: TopicSpec) -> list[FollowUp | OneOf]:
    if not isinstance(raw, list):
        raise SpecError("then is a list of follow-ups", "then")
    items: list[FollowUp | OneOf] = []
    for index, item in enumerate(raw):
        path = f"then[{index}]"
        if isinstance(item, dict) and "one_of" in item:
            if set(item) != {"one_of"} or not isinstance(item["one_of"], list):
                raise SpecError("one_of is a list of follow-ups", path)
            choices = tuple(
                _follow(choice, events, topic, f"{path}.one_of[{number}]")
                for number, choice in enumerate(item["one_of"])
            )
            if sum(choice.share for choice in choices if not choice.when) > 1:
                raise SpecError("the shares of one_of add up to more than 1", path)
            items.append(OneOf(choices))
        else:
            items.append(_follow(item, events, topic, path))
    return items


def _follow(raw: Any, events: Mapping[str, Any], topic: TopicSpec, path: str) -> FollowUp:
    if (
        not isinstance(raw, dict)
        or "event" not in raw
        or set(raw) - {"event", "share", "delay", "when"}
    ):
        raise SpecError("a follow-up is {event, share, delay, when}", path)
    if raw["event"] not in events:
        raise SpecError(f"unknown event {raw['event']!r}", f"{path}.event")
    share = _share(raw.get("share", 1), f"{path}.share")
    try:
        delay = parse_delay(raw.get("delay", 0))
    except SpecError as error:
        raise error.under(f"{path}.delay") from None
    when = raw.get("when", {})
    if not isinstance(when, dict):
        raise SpecError("when is a mapping of field to value (or list of values)", f"{path}.when")
    conditions = []
    for field, allowed in when.items():
        info = topic.all_fields.get(field)
        if info is None:
            raise SpecError(f"topic {topic.name!r} has no field {field!r}", f"{path}.when.{field}")
        values = allowed if isinstance(allowed, list) else [allowed]
        try:
            conditions.append((field, tuple(coerce(value, info) for value in values)))
        except SpecError as error:
            raise SpecError(error.message, f"{path}.when.{field}") from None
    return FollowUp(raw["event"], share, delay, tuple(conditions))


def _late(raw: Any) -> tuple[float, Delay | None]:
    if raw is None:
        return 0.0, None
    if not isinstance(raw, dict) or set(raw) != {"share", "delay"}:
        raise SpecError("late is {share, delay}", "late")
    try:
        return _share(raw["share"], "late.share"), parse_delay(raw["delay"])
    except SpecError as error:
        raise SpecError(error.message, error.path or "late.delay") from None


def _duplicates(raw: Any) -> tuple[float, Delay]:
    if raw is None:
        return 0.0, parse_delay(0)
    if not isinstance(raw, dict):
        return _share(raw, "duplicates"), parse_delay(0)
    if set(raw) - {"share", "delay"} or "share" not in raw:
        raise SpecError("duplicates is a share, or {share, delay}", "duplicates")
    try:
        return _share(raw["share"], "duplicates.share"), parse_delay(raw.get("delay", 0))
    except SpecError as error:
        raise SpecError(error.message, error.path or "duplicates.delay") from None


def compile_events(
    rules: Mapping[str, EventRule],
    topics: Mapping[str, TopicSpec],
    functions: Mapping[str, Callable[..., Any]],
    base: Path,
    problems: list[SpecError] | None = None,
) -> Runtime:
    """Fresh generators and entity pools for one run. Raises the first `SpecError` (with its
    event's path), or, given a `problems` list, adds every one to it and goes on."""
    pools = {rule.topic: EntityPool(rule.topic) for rule in rules.values() if rule.entity}
    entity_fields = {topic: topics[topic].all_fields for topic in pools}
    plans: dict[str, EventPlan] = {}
    for name, rule in rules.items():
        try:
            plans[name] = _compile_event(rule, rules, topics, pools, entity_fields, functions, base)
        except SpecError as error:
            if problems is None:
                raise error.under(f"events.{name}") from None
            problems.append(error.under(f"events.{name}"))
    return Runtime(plans, pools)


def _compile_event(
    rule: EventRule,
    rules: Mapping[str, EventRule],
    topics: Mapping[str, TopicSpec],
    pools: Mapping[str, EntityPool],
    entity_fields: Mapping[str, Mapping[str, TypeInfo]],
    functions: Mapping[str, Callable[..., Any]],
    base: Path,
) -> EventPlan:
    topic = topics[rule.topic]
    parent_fields = _parent_fields(rule, rules, topics) if rule.parents else None
    refs = {
        field: spec["ref"]
        for field, spec in rule.fields.items()
        if isinstance(spec, dict) and isinstance(spec.get("ref"), str)
    }

    def context(fields: Mapping[str, TypeInfo], defaults: Mapping[str, Any]) -> FieldContext:
        return FieldContext(
            fields, pools, entity_fields, refs, parent_fields, defaults, functions, base
        )

    try:
        key = compile_field("key", rule.key, _STRING, context({}, {})).generate
    except SpecError as error:
        raise error.under("key") from None
    records = []
    for version in topic.versions:
        defaults = {
            raw["name"]: field_default(version.fields[raw["name"]], raw["default"])
            for raw in version.schema["fields"]
            if raw.get("default", NO_DEFAULT) is not NO_DEFAULT
        }
        specs = {name: spec for name, spec in rule.fields.items() if name in version.fields}
        records.append(
            compile_record(
                specs,
                version.schema,
                version.fields,
                context(version.fields, defaults),
                rule.inherit,
            )
        )
    return EventPlan(rule, key, tuple(records))


def _parent_fields(
    rule: EventRule, rules: Mapping[str, EventRule], topics: Mapping[str, TopicSpec]
) -> dict[str, tuple[TypeInfo, bool]]:
    """Fields every parent can hand down, and whether every schema version of each has them."""
    found: dict[str, tuple[TypeInfo, bool]] | None = None
    for parent in rule.parents:
        topic = topics[rules[parent].topic]
        mine = {
            name: (info, all(name in version.fields for version in topic.versions))
            for name, info in topic.all_fields.items()
        }
        if found is None:
            found = mine
        else:
            found = {
                name: (info, always and mine[name][1])
                for name, (info, always) in found.items()
                if name in mine
            }
    return found or {}
