"""The simulation: a scenario's events in arrival order, the same for the same seed.

Time is simulated. Root events (those with a `weight`) arrive as a Poisson process whose rate
follows the scenario's profile (drawn by thinning, so bursts and ramps are exact); follow-ups,
duplicates and the initial entities wait in a heap ordered by arrival time. Each `Event` carries
two times: `arrival`, when the simulator sends it, and `timestamp`, when it happened (its event
time, also the Kafka record timestamp). They differ for late events, whose event time is set back
by the scenario's delay, and for the follow-ups of late events.

The scenario's `rate` counts every event, follow-ups included: the root rate is scaled by the
number of events a root brings on average, measured once by simulating 2,000 roots.
"""

from __future__ import annotations

import heapq
import itertools
import random
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import fastavro
import fastavro.validation

from ksqlmv.simulate._draw import Draw
from ksqlmv.simulate.events import EventPlan, FollowUp, OneOf, Runtime
from ksqlmv.simulate.traffic import Profile, SpecError

if TYPE_CHECKING:
    from ksqlmv.simulate.scenario import Scenario

__all__ = ["Event", "Simulation", "check_sample"]

_ESTIMATE_ROOTS = 2000
_MAX_FANOUT = 200
_SAMPLE_EVENTS = 400


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
    caller stops after a count or a duration.
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
        self.expansion = self._measure_expansion()

    def __iter__(self) -> Iterator[Event]:
        runtime = self.scenario.compile()
        rng = random.Random(self.seed)
        return _run(self.scenario, runtime, rng, self.start_ms, self.rate / self.expansion, None)

    def _measure_expansion(self) -> float:
        """Events per root event, on average (initial entities excluded)."""
        runtime = self.scenario.compile()
        rng = random.Random(self.seed ^ 0x5EED5EED)
        if not any(plan.rule.weight for plan in runtime.plans.values()):
            return 1.0
        # Initial entities come first and are not caused by roots.
        events = -sum(
            plan.rule.entity.initial for plan in runtime.plans.values() if plan.rule.entity
        )
        limit = _ESTIMATE_ROOTS * _MAX_FANOUT
        for _ in _run(self.scenario, runtime, rng, self.start_ms, 1.0, _ESTIMATE_ROOTS):
            events += 1
            if events > limit:
                raise self.scenario.error(
                    [SpecError("follow-ups never end: a chain of `then` has no way out", "events")]
                )
        return max(events / _ESTIMATE_ROOTS, 1e-3)


def _run(
    scenario: Scenario, runtime: Runtime, rng: random.Random, start: int, per_second: float,
    roots_limit: int | None,
) -> Iterator[Event]:  # fmt: skip
    """The event loop; with `roots_limit`, stops once that many roots and their follow-ups ran."""
    draw = Draw(rng)
    heap: list[tuple[int, int, Any, Any, Any]] = []
    sequence = itertools.count()
    versions = {name: 0 for name in scenario.topics}
    counts = {name: 0 for name in scenario.topics}
    pending = {name: list(topic.evolutions) for name, topic in scenario.topics.items()}
    plans = runtime.plans

    def emit(
        plan: EventPlan, arrival: int, parent_key: str | None, parent: Any, create: bool = False
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
        entity = rule.entity
        if entity is None:
            value = record.build(draw)
            if value is None:
                return None
            key = plan.key(draw)
        else:
            pool = runtime.pools[topic]
            roll = 1.0 if create else rng.random()
            if pool.keys and roll < entity.tombstone:
                key = pool.keys[int(rng.random() * len(pool.keys))]
                pool.remove(key)
                value = None
            elif pool.keys and roll < entity.tombstone + entity.update:
                key = pool.keys[int(rng.random() * len(pool.keys))]
                fresh = record.build(draw)
                if fresh is None:
                    return None
                old, changes = pool.values[key], entity.changes
                value = {f: fresh[f] if f in changes or f not in old else old[f] for f in fresh}
                pool.put(key, value)
            else:
                value = record.build(draw)
                if value is None:
                    return None
                key = plan.key(draw)
                pool.put(key, value)
        counts[topic] += 1
        event = Event(topic, key, value, time, arrival, rule.name, version, late)
        if rule.duplicate_share and rng.random() < rule.duplicate_share:
            due = arrival + rule.duplicate_delay(rng)
            heapq.heappush(heap, (due, next(sequence), None, event, None))
        if value is not None:
            for item in rule.then:
                follow = _choose(item, value, rng)
                if follow is not None:
                    due = time + follow.delay(rng)
                    heapq.heappush(heap, (due, next(sequence), plans[follow.event], key, value))
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
    peak = _peak_factor(profile)
    mean_gap_ms = 1000.0 / (per_second * peak) if roots else float("inf")
    clock, next_root, emitted_roots = start, float(start), 0
    while True:
        if roots_limit is not None and emitted_roots >= roots_limit:
            next_root = float("inf")
        if heap and heap[0][0] <= next_root:
            due, _, plan, parent_key, parent = heapq.heappop(heap)
            clock = max(clock, due)
            if plan is None:  # a duplicate: the same record again, carried in the key slot
                yield parent_key._replace(arrival=clock, duplicate=True)
                continue
            event = emit(plan, clock, parent_key, parent)
            if event is not None:
                yield event
            continue
        if next_root == float("inf"):
            return
        clock = int(next_root)
        # Thinning: candidates at the peak rate, each kept with probability factor / peak.
        next_root += rng.expovariate(1.0) * mean_gap_ms
        thinned = peak != 1.0 or profile.shape != "constant"
        if thinned and rng.random() * peak >= profile.factor(clock, start):
            continue
        emitted_roots += 1
        pick = roots[min(bisect_right(cumulative, rng.random() * total), last)]
        event = emit(pick, clock, None, None)
        if event is not None:
            yield event


def _choose(item: FollowUp | OneOf, value: dict[str, Any], rng: random.Random) -> FollowUp | None:
    if isinstance(item, FollowUp):
        if item.matches(value) and (item.share >= 1.0 or rng.random() < item.share):
            return item
        return None
    roll, reached = rng.random(), 0.0
    for choice in item.choices:
        if choice.matches(value):
            reached += choice.share
            if roll < reached:
                return choice
    return None


def _peak_factor(profile: Profile) -> float:
    """The largest factor a profile reaches: the thinning bound."""
    return max(1.0, profile.low, profile.high)


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
