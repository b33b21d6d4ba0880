"""The simulation: a scenario's events in arrival order, the same for the same seed.

Time is simulated. Root events (those with a `weight`) arrive as a Poisson process; follow-ups
and duplicates wait in a heap ordered by arrival time. Each `Event` carries two times: `arrival`,
when the simulator sends it, and `timestamp`, when it happened (its event time, also the Kafka
record timestamp). They differ for late events, whose event time is set back by the scenario's
delay, and for the follow-ups of late events.

The scenario's `rate` counts every event, follow-ups included, at every moment: roots make up
the difference between the profile's target and the follow-ups currently arriving (a moving
average over ten seconds of event time), so a run is at its rate from the first second, not only
once hours-long chains such as shipments have filled up.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import fastavro
import fastavro.validation

from ksqlmv.simulate._draw import Draw
from ksqlmv.simulate.events import EventPlan, FollowUp, OneOf, Runtime
from ksqlmv.simulate.traffic import SpecError

if TYPE_CHECKING:
    from ksqlmv.simulate.scenario import Scenario

__all__ = ["Event", "Simulation", "check_sample"]

_SAMPLE_EVENTS = 400
#: Follow-ups of follow-ups deeper than this mean a chain of `then` that never ends.
_MAX_DEPTH = 10_000
#: Time constant (ms of event time) of the moving average of the follow-up rate.
_FOLLOW_TAU = 10_000.0
#: Roots never drop below this share of the target rate, however busy the follow-ups are.
_ROOT_FLOOR = 0.05
#: How long to wait before looking at the rate again when it is zero.
_IDLE_MS = 100
#: Root events in a row that could not happen before a run gives up.
_MAX_SKIPPED = 100_000


class Event(NamedTuple):
    """One generated record. A NamedTuple rather than a frozen dataclass: it is built once per
    event on the hot path, where it costs a third as much."""

    topic: str
    key: str
    value: dict[str, Any] | None
    timestamp: int
    arrival: int
    event: str
    schema: int
    late: bool = False
    duplicate: bool = False


class Simulation:
    """Iterate over the events of `scenario`, starting at `start_ms` (event time).

    `rate` overrides the scenario's events per second. Iteration never ends by itself; the
    caller stops after a count or a duration. Each iteration starts again from the seed.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int,
        start_ms: int | None = None,
        rate: float | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.start_ms = scenario.start_ms if start_ms is None else start_ms
        self.rate = scenario.rate if rate is None else rate

    def __iter__(self) -> Iterator[Event]:
        runtime = self.scenario.compile()
        rng = random.Random(self.seed)
        return _run(self.scenario, runtime, rng, self.start_ms, self.rate)


def _run(
    scenario: Scenario, runtime: Runtime, rng: random.Random, start: int, per_second: float
) -> Iterator[Event]:
    """The event loop."""
    draw = Draw(rng)
    # The heap holds plain ints, (due - start) << 24 | sequence, because ints compare twice as
    # fast as tuples; what is due waits in `waiting` under its key.
    heap: list[int] = []
    waiting: dict[int, tuple[Any, Any, Any, int]] = {}
    sequence = itertools.count()

    def schedule(due: int, plan: Any, key: Any, value: Any, depth: int) -> None:
        entry = ((due - start) << 24) | (next(sequence) & 0xFFFFFF)
        waiting[entry] = (plan, key, value, depth)
        heapq.heappush(heap, entry)

    versions = {name: 0 for name in scenario.topics}
    counts = {name: 0 for name in scenario.topics}
    pending = {name: list(topic.evolutions) for name, topic in scenario.topics.items()}
    plans = runtime.plans

    def entity_change(
        plan: EventPlan, record: Any, create: bool
    ) -> tuple[str, dict[str, Any] | None] | None:
        """Create, update or delete an entity, as the dice and the entity's shares say."""
        entity, pool = plan.rule.entity, runtime.pools[plan.rule.topic]
        assert entity is not None
        roll = 1.0 if create else rng.random()
        if pool.keys and roll < entity.tombstone:
            key = pool.keys[int(rng.random() * len(pool.keys))]
            pool.remove(key)
            return key, None
        if pool.keys and roll < entity.tombstone + entity.update:
            key = pool.keys[int(rng.random() * len(pool.keys))]
            fresh = record.build(draw)
            if fresh is None:
                return None
            old, changes = pool.values[key], entity.changes
            value = {f: fresh[f] if f in changes or f not in old else old[f] for f in fresh}
        else:
            value = record.build(draw)
            if value is None:
                return None
            key = plan.key(draw)
        pool.put(key, value)
        return key, value

    def emit(
        plan: EventPlan,
        arrival: int,
        parent_key: str | None,
        parent: Any,
        depth: int = 0,
        create: bool = False,
    ) -> Event | None:
        """Generate one occurrence of `plan` and schedule what follows it; `create` makes an
        entity event create a new entity rather than maybe update or delete one."""
        rule = plan.rule
        topic = rule.topic
        steps = pending[topic]
        if steps:
            step = steps[0]
            if (step.after_events is not None and counts[topic] >= step.after_events) or (
                step.after_ms is not None and arrival - start >= step.after_ms
            ):
                versions[topic] = step.version
                del steps[0]
        version = versions[topic]
        time, late = arrival, False
        if rule.late_share and rng.random() < rule.late_share:
            assert rule.late_delay is not None
            time, late = arrival - rule.late_delay(rng), True
        draw.time, draw.parent, draw.parent_key = time, parent, parent_key
        record = plan.records[version]
        try:
            if rule.entity is None:
                value = record.build(draw)
                if value is None:
                    return None
                key = plan.key(draw)
            else:
                change = entity_change(plan, record, create)
                if change is None:
                    return None
                key, value = change
        except SpecError as error:  # a scenario function failed: say which event it was building
            raise error.under(f"events.{rule.name}") from error
        except (TypeError, ValueError, ArithmeticError, KeyError) as error:
            # A value of the wrong type from a scenario function, met by a field that reads it.
            message = f"cannot build the value: {type(error).__name__}: {error}"
            raise SpecError(message, f"events.{rule.name}") from error
        counts[topic] += 1
        event = Event(topic, key, value, time, arrival, rule.name, version, late)
        if rule.duplicate_share and rng.random() < rule.duplicate_share:
            due = arrival + rule.duplicate_delay(rng)
            schedule(due, None, event, None, depth)
        if value is not None and rule.then:
            if depth >= _MAX_DEPTH:
                message = "follow-ups never end: this chain of `then` has no way out"
                raise SpecError(message, f"events.{rule.name}.then")
            for item in rule.then:
                follow = _choose(item, value, rng)
                if follow is not None:
                    due = time + follow.delay(rng)
                    schedule(due, plans[follow.event], key, value, depth + 1)
        return event

    for plan in plans.values():
        if plan.rule.entity is not None:
            for _ in range(plan.rule.entity.initial):
                event = emit(plan, start, None, None, create=True)
                if event is not None:
                    yield event
    roots = [plan for plan in plans.values() if plan.rule.weight]
    cumulative = list(itertools.accumulate(plan.rule.weight for plan in roots))
    total, last = (cumulative[-1], len(roots) - 1) if roots else (0.0, 0)
    profile = scenario.profile
    target = per_second / 1000.0  # events per ms at factor 1
    shape = profile.shape_function() if profile.shape != "constant" else None
    follow_rate, follow_at = 0.0, start  # moving average of follow-ups per ms
    # `next_root` is the time of the next root, or with `idle`, of the next look at the rate.
    clock, next_root, idle = start, float(start) if roots else math.inf, True
    skipped = 0  # root events in a row that could not happen
    while True:
        if heap and (heap[0] >> 24) + start <= next_root:
            entry = heapq.heappop(heap)
            plan, parent_key, parent, depth = waiting.pop(entry)
            clock = max(clock, (entry >> 24) + start)
            follow_rate = (
                follow_rate * math.exp((follow_at - clock) / _FOLLOW_TAU) + 1 / _FOLLOW_TAU
            )
            follow_at = clock
            if plan is None:  # a duplicate: the same record again, carried in the key slot
                yield parent_key._replace(arrival=clock, duplicate=True)
                continue
            event = emit(plan, clock, parent_key, parent, depth)
            if event is not None:
                yield event
            continue
        if next_root == math.inf:
            return
        clock, was_idle = int(next_root), idle
        event = None
        if not was_idle:
            pick = roots[min(bisect_right(cumulative, rng.random() * total), last)]
            event = emit(pick, clock, None, None)
            skipped = 0 if event is not None else skipped + 1
            if skipped > _MAX_SKIPPED:
                raise SpecError(
                    f"no event happens: the last {_MAX_SKIPPED} were all skipped (a reference "
                    "to an entity topic that stays empty, or a `next` chain that has run out)",
                    "events",
                )
        # The gap to the next root follows the root rate now; it moves slowly (a profile, a
        # ten-second average), so drawing each gap at the current rate is exact enough.
        wanted = target * shape(profile, clock, start) if shape is not None else target
        following = follow_rate * math.exp((follow_at - clock) / _FOLLOW_TAU)
        rate = max(wanted - following, wanted * _ROOT_FLOOR)
        if rate > 0.0:
            next_root -= math.log(1.0 - rng.random()) / rate  # an exponential gap
            idle = False
        else:  # the profile is at zero (a ramp from nothing): look again shortly
            next_root += _IDLE_MS
            idle = True
        if event is not None:
            yield event


def _choose(item: FollowUp | OneOf, value: dict[str, Any], rng: random.Random) -> FollowUp | None:
    if isinstance(item, FollowUp):
        if item.when and not item.matches(value):
            return None
        return item if item.share >= 1.0 or rng.random() < item.share else None
    roll, reached = rng.random(), 0.0
    for choice in item.choices:
        if not choice.when or choice.matches(value):
            reached += choice.share
            if roll < reached:
                return choice
    return None


def check_sample(scenario: Scenario) -> None:
    """Generate a sample of the scenario and check each value against its Avro schema, so that
    a custom function or constant of the wrong type is reported before anything is produced."""
    parsed = {
        (name, index): fastavro.parse_schema(dict(version.schema))
        for name, topic in scenario.topics.items()
        for index, version in enumerate(topic.versions)
    }
    try:
        simulation = Simulation(scenario, seed=0)
        for count, event in enumerate(simulation):
            if count >= _SAMPLE_EVENTS:
                break
            if event.value is None:
                continue
            try:
                fastavro.validation.validate(
                    event.value, parsed[(event.topic, event.schema)], raise_errors=True
                )
            except fastavro.validation.ValidationError as error:
                detail = "; ".join(str(item) for item in error.errors) or str(error)
                raise SpecError(
                    f"makes values the schema refuses: {detail}", f"events.{event.event}"
                ) from None
    except SpecError as error:
        raise scenario.error([error]) from None
