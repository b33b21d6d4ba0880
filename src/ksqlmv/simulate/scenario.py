"""A scenario file: found by name, read, checked in full, and compiled once per run.

```yaml
description: An online shop with a mobile app.
schemas: ../schemas          # where the .avsc files are (default: ../schemas)
python: shop.py              # optional: functions that `python:` field specs call
partitions: 3                # every topic of the scenario, so joins are co-partitioned
rate: 200                    # events per second at profile factor 1
profile: {shape: diurnal, period: 20m, low: 0.3}
start: 2025-01-01T00:00:00Z  # event time of a dry run's first event
topics: {...}                # see ksqlmv.simulate.topics
events: {...}                # see ksqlmv.simulate.events
```

`load_scenario` reports every problem it finds as one `ScenarioError`, each naming the file, the
line and the field, before anything connects to Kafka. Checking includes compiling every field
and generating a sample of events, each validated against its Avro schema.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ksqlmv.errors import ScenarioError, ValidationError
from ksqlmv.simulate._yaml import line_of, load_yaml
from ksqlmv.simulate.engine import check_sample
from ksqlmv.simulate.events import EventRule, Runtime, compile_events, parse_events
from ksqlmv.simulate.topics import TopicSpec, parse_topics
from ksqlmv.simulate.traffic import Profile, SpecError, parse_profile

__all__ = [
    "DEFAULT_START",
    "Scenario",
    "available_scenarios",
    "find_scenario",
    "load_scenario",
    "parse_instant",
]

SUFFIXES = (".yaml", ".yml")
#: The event time a dry run starts at when neither the scenario nor `--start` says otherwise.
DEFAULT_START = "2025-01-01T00:00:00Z"
_TOP_KEYS = frozenset(
    ("description", "schemas", "python", "partitions", "rate", "profile", "start", "topics",
     "events")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scenario:
    """A checked scenario. `compile()` gives each run its own generator state."""

    name: str
    path: Path
    description: str
    partitions: int
    rate: float
    profile: Profile
    start_ms: int
    topics: Mapping[str, TopicSpec]
    events: Mapping[str, EventRule]
    functions: Mapping[str, Callable[..., Any]]
    lines: Mapping[str, int]

    def compile(self) -> Runtime:
        """Fresh event plans and entity pools for one run."""
        try:
            return compile_events(self.events, self.topics, self.functions, self.path.parent)
        except SpecError as error:
            raise self.error([error]) from None

    def error(self, problems: list[SpecError]) -> ScenarioError:
        """A `ScenarioError` for `problems`, with the line of each one's path."""
        return ScenarioError(
            str(self.path),
            [(p.path or "(file)", line_of(p.path, dict(self.lines)), p.message) for p in problems],
        )


def available_scenarios(directory: Path) -> list[str]:
    """The scenario names in `directory` (file names without .yaml)."""
    if not directory.is_dir():
        return []
    return sorted({path.stem for path in directory.iterdir() if path.suffix in SUFFIXES})


def find_scenario(name: str, directory: Path) -> Path:
    """The file of scenario `name`: a path to a file, or a name in `directory`."""
    candidate = Path(name)
    if candidate.suffix in SUFFIXES and candidate.is_file():
        return candidate
    for suffix in SUFFIXES:
        path = directory / f"{name}{suffix}"
        if path.is_file():
            return path
    known = ", ".join(available_scenarios(directory)) or "none"
    raise ValidationError(
        f"unknown scenario {name!r}: no {name}.yaml in {directory} (known: {known})"
    )


def load_scenario(name: str, directory: Path = Path("producers")) -> Scenario:
    """Find, read and check scenario `name`; raises `ScenarioError` listing every problem."""
    path = find_scenario(name, directory)
    text = path.read_text()
    try:
        document, lines = load_yaml(text)
    except SpecError as error:
        raise ScenarioError(str(path), [("(file)", None, error.message)]) from None
    problems: list[SpecError] = []
    if not isinstance(document, dict):
        raise ScenarioError(str(path), [("(file)", None, "a scenario is a YAML mapping")])
    for key in document:
        if key not in _TOP_KEYS:
            problems.append(
                SpecError(f"unknown key; a scenario takes {', '.join(sorted(_TOP_KEYS))}", str(key))
            )
    settings = _settings(document, problems)
    schemas = path.parent / str(document.get("schemas", "../schemas"))
    if not schemas.is_dir():
        problems.append(SpecError(f"no schemas folder {schemas}", "schemas"))
    topics, topic_problems = parse_topics(document.get("topics"), schemas)
    problems += topic_problems
    functions = _functions(path, document.get("python"), problems)
    rules, event_problems = parse_events(document.get("events"), topics) if topics else ({}, [])
    problems += event_problems
    scenario = Scenario(
        path.stem,
        path,
        str(document.get("description", "")),
        *settings,
        topics,
        rules,
        functions,
        lines,
    )
    if not problems:  # compiling needs sound topics and events; it finds the field problems
        compile_events(rules, topics, functions, path.parent, problems)
    if problems:
        raise scenario.error(problems)
    check_sample(scenario)
    return scenario


def _settings(
    document: Mapping[str, Any], problems: list[SpecError]
) -> tuple[int, float, Profile, int]:
    partitions, rate, profile, start = 1, 10.0, Profile(), parse_instant(DEFAULT_START)
    raw = document.get("partitions", 1)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 10_000:
        problems.append(SpecError("partitions is a whole number from 1", "partitions"))
    else:
        partitions = raw
    raw = document.get("rate", 10.0)
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        problems.append(SpecError("rate is a positive number of events per second", "rate"))
    else:
        rate = float(raw)
    try:
        profile = parse_profile(document.get("profile", "constant"))
    except SpecError as error:
        problems.append(error.under("profile"))
    try:
        start = parse_instant(document.get("start", DEFAULT_START))
    except SpecError as error:
        problems.append(SpecError(error.message, "start"))
    return partitions, rate, profile, start


def parse_instant(value: Any) -> int:
    """An ISO-8601 instant (UTC unless it says otherwise) as epoch milliseconds."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise SpecError(f"not an ISO-8601 instant: {value!r}") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, dt.datetime):
        raise SpecError(f"not an ISO-8601 instant: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    milliseconds: int = round(value.timestamp() * 1000)
    return milliseconds


def _functions(path: Path, module: Any, problems: list[SpecError]) -> dict[str, Callable[..., Any]]:
    """Public functions of the scenario's Python module (`python: shop.py`)."""
    if module is None:
        return {}
    file = path.parent / str(module)
    spec = importlib.util.spec_from_file_location(f"ksqlmv_scenario_{path.stem}", file)
    if not file.is_file() or spec is None or spec.loader is None:
        problems.append(SpecError(f"no Python file {file}", "python"))
        return {}
    loaded = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(loaded)
    except Exception as error:  # the user's module: report whatever stops it loading
        problems.append(
            SpecError(f"{file.name} does not load: {type(error).__name__}: {error}", "python")
        )
        return {}
    return {
        name: function
        for name, function in vars(loaded).items()
        if not name.startswith("_")
        and inspect.isfunction(function)
        and function.__module__ == loaded.__name__
    }
