"""The demo's history: a copy of each scenario with its own keys, and an exact count of events
that ends at now."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ksqlmv.demo.history import HISTORY_PREFIX, plan_history
from ksqlmv.errors import ValidationError
from ksqlmv.simulate import Simulation, load_scenario

NOW_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


@pytest.mark.parametrize(
    ("scenario", "rate", "minutes"),
    [("shop", 50.0, 5.0), ("shop", 5.0, 2.0), ("trading", 20.0, 5.0), ("trading", 100.0, 1.0)],
)
def test_history_ends_at_now_and_starts_minutes_before(
    repo_root: Path, tmp_path: Path, scenario: str, rate: float, minutes: float
) -> None:
    history = plan_history(
        scenario,
        repo_root / "producers",
        tmp_path,
        rate=rate,
        minutes=minutes,
        now_ms=NOW_MS,
        seed=11,
    )
    assert history.start_ms == NOW_MS - int(minutes * 60_000)
    loaded = load_scenario(str(history.scenario))
    events = list(
        itertools.islice(
            Simulation(loaded, seed=11, start_ms=history.start_ms, rate=rate), history.count + 1
        )
    )
    sent, first_left_out = events[:-1], events[-1]
    assert len(sent) == history.count > rate * minutes * 60 * 0.3
    assert max(event.timestamp for event in sent) <= NOW_MS, "no history in the future"
    assert first_left_out.timestamp > NOW_MS
    assert min(event.timestamp for event in sent) >= history.start_ms - 5 * 60_000  # late ones
    # the simulator is given exactly these
    arguments = history.arguments()
    assert arguments[:2] == ["simulate", str(history.scenario)]
    for flag, value in [("--seed", "11"), ("--rate", f"{rate:g}"), ("--count", str(len(sent)))]:
        assert arguments[arguments.index(flag) + 1] == value
    assert "--no-pacing" in arguments


def test_history_keys_never_meet_live_keys(repo_root: Path, tmp_path: Path) -> None:
    history = plan_history(
        "shop", repo_root / "producers", tmp_path, rate=50, minutes=1, now_ms=NOW_MS, seed=3
    )
    live = load_scenario("shop", repo_root / "producers")
    copy = load_scenario(str(history.scenario))
    live_keys = {e.key for e in itertools.islice(Simulation(live, seed=3, start_ms=0), 3000)}
    copy_events = list(itertools.islice(Simulation(copy, seed=3, start_ms=0), 3000))
    sequenced = {"customers", "products", "orders", "payments", "shipments"}
    for event in copy_events:
        if event.topic in sequenced:
            assert event.key.startswith(HISTORY_PREFIX), event
    assert not live_keys & {e.key for e in copy_events if e.topic in sequenced}
    # orders of the history refer to customers of the history
    orders = [e for e in copy_events if e.topic == "orders" and e.value is not None]
    assert orders and all(e.value["customer_id"].startswith("HC") for e in orders)


def test_an_unknown_scenario_is_named(repo_root: Path, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown scenario 'nosuch'"):
        plan_history("nosuch", repo_root / "producers", tmp_path, rate=1, minutes=1)
