"""A few minutes of history before the live traffic, so the dashboard opens on full views.

Some events only follow others after minutes (the shop ships an order one to six minutes after
it is placed; crash rates look back five minutes), so a demo that started empty would show empty
views and one-bar charts for its first minutes. Before the live simulators start, the demo runs
each scenario once more, unpaced, with event times from `minutes` ago up to now:

    ksqlmv simulate .ksqlmv/demo/history/shop.yaml --seed S --start <now - 5 min> --rate R \\
        --no-pacing --count N

N is exact: the same seed, start and rate give the same events, so the demo counts in-process
(`Simulation`) how many of them happen before now. No history event lies in the future, where it
would move the views' stream time ahead and make the first live events late.

The history runs from a copy of the scenario whose key sequences carry an `H` prefix
(`HO00000001`, `HC000001`): a live run numbers its orders and customers from 1 again, and the two
must not share keys, or a live order would join a payment of the history order with its number.
Everything else (schemas, functions, rates, profile) is the scenario's own.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ksqlmv.errors import ConfigError
from ksqlmv.simulate import Simulation, load_scenario
from ksqlmv.simulate.scenario import find_scenario

__all__ = ["HISTORY_PREFIX", "History", "plan_history"]

HISTORY_PREFIX = "H"
_NUMERIC_OFFSET = 1_000_000_000  # for key sequences without a prefix to put H in front of
_MAX_EVENTS = 500_000  # a bound on the count, whatever the rate and span asked


@dataclass(frozen=True, slots=True)
class History:
    """One scenario's history run: which copy, seed, start, rate and how many events."""

    scenario: Path
    seed: int
    start_ms: int
    rate: float
    count: int

    def arguments(self) -> list[str]:
        """`ksqlmv simulate` arguments (before the broker and registry flags)."""
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.start_ms // 1000))
        return [
            *("simulate", str(self.scenario), "--seed", str(self.seed), "--start", start),
            *("--rate", f"{self.rate:g}", "--no-pacing", "--count", str(self.count)),
        ]


def plan_history(
    name: str,
    producers_dir: Path,
    target_dir: Path,
    *,
    rate: float,
    minutes: float,
    now_ms: int | None = None,
    seed: int | None = None,
) -> History:
    """Write the history copy of scenario `name` and count its events up to now."""
    copy = _history_copy(name, producers_dir, target_dir)
    now_ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    start_ms = (now_ms - round(minutes * 60_000)) // 1000 * 1000  # --start takes seconds
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    count = 0
    for event in Simulation(load_scenario(str(copy)), seed=seed, start_ms=start_ms, rate=rate):
        if event.timestamp > now_ms or count == _MAX_EVENTS:
            break
        count += 1
    return History(copy, seed, start_ms, rate, count)


def _history_copy(name: str, producers_dir: Path, target_dir: Path) -> Path:
    try:
        source = find_scenario(name, producers_dir)
        document = yaml.safe_load(source.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read scenario {name} in {producers_dir}: {error}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{source}: a scenario is a YAML mapping")
    folder = source.parent.resolve()
    # paths in a scenario are relative to its file, which now lives elsewhere
    document["schemas"] = str((folder / str(document.get("schemas", "../schemas"))).resolve())
    if "python" in document:
        document["python"] = str(folder / str(document["python"]))
    for event in (document.get("events") or {}).values():
        if isinstance(event, dict) and isinstance(event.get("key"), dict):
            _shift_sequence(event["key"])
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.name
    header = f"# {source} with history keys, written by ksqlmv demo\n"
    target.write_text(header + yaml.safe_dump(document, sort_keys=False))
    return target


def _shift_sequence(key: dict[str, Any]) -> None:
    sequence = key.get("sequence")
    if sequence is True:
        sequence = key["sequence"] = {}
    if not isinstance(sequence, dict):
        return
    if "prefix" in sequence or "width" in sequence:
        sequence["prefix"] = HISTORY_PREFIX + str(sequence.get("prefix", ""))
    else:
        sequence["start"] = int(sequence.get("start", 1)) + _NUMERIC_OFFSET
