"""The shape of traffic: durations, delays, rate profiles and key skew.

Everything here is parsed once from a scenario and compiled into small functions of a
`random.Random`, so the per-event cost is one call. A bad value raises `SpecError` with the
reason; the scenario loader adds the file, line and field.

Durations are written as `500ms`, `30s`, `5m`, `2h`, `1d` or a bare number of seconds. Delays
are a duration (fixed), a range `10s..2m` (uniform), `{min, max}` (uniform), `{mean}`
(exponential) or `{median, sigma, max}` (log-normal, the usual shape of human and network
latencies, capped at `max`).
"""

from __future__ import annotations

import math
import random
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Delay",
    "Profile",
    "SpecError",
    "parse_delay",
    "parse_duration_ms",
    "parse_profile",
    "parse_skew",
]

Delay = Callable[[random.Random], int]
Skew = Callable[[random.Random, int], int]

_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")


class SpecError(ValueError):
    """A scenario value that does not mean anything; `path` points below the value given.

    It never leaves ksqlmv.simulate: the scenario loader turns it into a `ScenarioError` that
    names the file, the line and the full path.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def under(self, prefix: str) -> SpecError:
        """The same problem, its path below `prefix` (`fields.x` under `events.order`)."""
        return SpecError(self.message, f"{prefix}.{self.path}" if self.path else prefix)


def parse_duration_ms(value: Any) -> int:
    """`30s`, `5m`, `250ms`, `1.5h` or a number of seconds, as whole milliseconds."""
    if isinstance(value, bool):
        raise SpecError(f"expected a duration such as 30s or 5m, got {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise SpecError(f"a duration cannot be negative, got {value!r}")
        return round(value * 1000)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return round(float(match.group(1)) * _UNITS_MS[match.group(2) or "s"])
    raise SpecError(f"expected a duration such as 30s or 5m, got {value!r}")


def parse_delay(value: Any) -> Delay:
    """Compile a delay spec (see the module docstring) into a sampler of milliseconds."""
    if isinstance(value, str) and ".." in value:
        low_text, _, high_text = value.partition("..")
        return _uniform(parse_duration_ms(low_text), parse_duration_ms(high_text))
    if not isinstance(value, dict):
        fixed = parse_duration_ms(value)
        return lambda rng: fixed
    keys = set(value)
    if keys <= {"min", "max"} and "min" in keys and "max" in keys:
        return _uniform(parse_duration_ms(value["min"]), parse_duration_ms(value["max"]))
    if keys == {"mean"}:
        mean = parse_duration_ms(value["mean"])
        if mean == 0:
            return lambda rng: 0
        return lambda rng: round(rng.expovariate(1.0 / mean))
    if "median" in keys and keys <= {"median", "sigma", "max"}:
        return _lognormal(value)
    raise SpecError(
        "a delay is a duration, a range like 10s..2m, {min, max}, {mean} or "
        f"{{median, sigma, max}}; got keys {sorted(keys)}"
    )


def _uniform(low: int, high: int) -> Delay:
    if high < low:
        raise SpecError(f"the range ends ({high} ms) before it starts ({low} ms)")
    span = high - low + 1
    # random() rather than randint(): a fifth of the cost, on a per-event path
    return lambda rng: low + int(rng.random() * span)


def _lognormal(value: dict[str, Any]) -> Delay:
    median = parse_duration_ms(value["median"])
    if median <= 0:
        raise SpecError("median must be positive", "median")
    sigma = value.get("sigma", 1.0)
    if isinstance(sigma, bool) or not isinstance(sigma, int | float) or sigma <= 0:
        raise SpecError(f"sigma must be a positive number, got {sigma!r}", "sigma")
    cap = parse_duration_ms(value["max"]) if "max" in value else None
    if cap is not None and cap < median:
        raise SpecError("max must not be below the median", "max")
    mu = math.log(median)
    if cap is None:
        return lambda rng: round(rng.lognormvariate(mu, sigma))
    return lambda rng: min(round(rng.lognormvariate(mu, sigma)), cap)


@dataclass(frozen=True, slots=True)
class Profile:
    """A rate profile: the factor applied to the scenario's rate at each moment.

    `shape` is constant, ramp, bursty or diurnal. Times are milliseconds: `over`, `every`,
    `length`, `period` and `peak` (how long after the start a diurnal profile first peaks).
    Every shape is a function of the time since the start, so moving the start moves the
    whole run.
    """

    shape: str = "constant"
    low: float = 1.0
    high: float = 1.0
    over: int = 0
    every: int = 0
    length: int = 0
    decay: bool = False
    period: int = 86_400_000
    peak: int = 0

    def factor(self, time_ms: int, start_ms: int) -> float:
        """The rate factor at event time `time_ms` of a run that started at `start_ms`."""
        return _FACTORS[self.shape](self, time_ms, start_ms)

    def shape_function(self) -> Callable[[Profile, int, int], float]:
        """`factor` without the lookup, for the per-event loop: call it with the profile."""
        return _FACTORS[self.shape]


def _constant(profile: Profile, time_ms: int, start_ms: int) -> float:
    return 1.0


def _ramp(profile: Profile, time_ms: int, start_ms: int) -> float:
    done = min(1.0, (time_ms - start_ms) / profile.over) if profile.over else 1.0
    return profile.low + (profile.high - profile.low) * done


def _bursty(profile: Profile, time_ms: int, start_ms: int) -> float:
    elapsed = time_ms - start_ms
    into = elapsed % profile.every if profile.every else elapsed
    if into >= profile.length:
        return 1.0
    if profile.decay:
        # The open: the burst starts at `high` and fades back to normal over `length`.
        return 1.0 + (profile.high - 1.0) * math.exp(-4.0 * into / profile.length)
    return profile.high


def _diurnal(profile: Profile, time_ms: int, start_ms: int) -> float:
    phase = 2.0 * math.pi * ((time_ms - start_ms - profile.peak) % profile.period) / profile.period
    return profile.low + (1.0 - profile.low) * (1.0 + math.cos(phase)) / 2.0


_FACTORS: dict[str, Callable[[Profile, int, int], float]] = {
    "constant": _constant,
    "ramp": _ramp,
    "bursty": _bursty,
    "diurnal": _diurnal,
}

# shape -> {key: (Profile attribute, parser)}
_PROFILE_KEYS: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "constant": {},
    "ramp": {
        "from": ("low", lambda v: _factor(v)),
        "to": ("high", lambda v: _factor(v)),
        "over": ("over", parse_duration_ms),
    },
    "bursty": {
        "factor": ("high", lambda v: _factor(v, least=1.0)),
        "length": ("length", parse_duration_ms),
        "every": ("every", parse_duration_ms),
        "decay": ("decay", lambda v: _flag(v)),
    },
    "diurnal": {
        "low": ("low", lambda v: _factor(v, most=1.0)),
        "period": ("period", parse_duration_ms),
        "peak": ("peak", parse_duration_ms),
    },
}
_REQUIRED = {"ramp": ("over",), "bursty": ("factor", "length"), "diurnal": ()}


def parse_profile(value: Any) -> Profile:
    """`{shape: ramp, from: 0.1, to: 1, over: 5m}` and the like, or just a shape's name."""
    if isinstance(value, str):
        value = {"shape": value}
    if not isinstance(value, dict):
        raise SpecError(f"a profile is a mapping with a shape, got {value!r}")
    shape = value.get("shape", "constant")
    if shape not in _PROFILE_KEYS:
        raise SpecError(
            f"unknown shape {shape!r}; expected one of {', '.join(_PROFILE_KEYS)}", "shape"
        )
    known = _PROFILE_KEYS[shape]
    arguments: dict[str, Any] = {"shape": shape}
    if shape == "ramp":
        arguments["low"] = 0.0
    for key, raw in value.items():
        if key == "shape":
            continue
        if key not in known:
            expected = ", ".join(known) or "nothing else"
            raise SpecError(f"unknown key for a {shape} profile; expected {expected}", key)
        attribute, parse = known[key]
        try:
            arguments[attribute] = parse(raw)
        except SpecError as error:
            raise SpecError(error.message, key) from None
    for key in _REQUIRED.get(shape, ()):
        if key not in value:
            raise SpecError(f"a {shape} profile needs {key!r}")
    if shape == "diurnal" and arguments.get("period", 1) <= 0:
        raise SpecError("period must be positive", "period")
    if shape == "bursty" and arguments.get("length", 1) <= 0:
        raise SpecError("length must be positive", "length")
    return Profile(**arguments)


def _factor(value: Any, least: float = 0.0, most: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
        raise SpecError(f"expected a number of at least {least}, got {value!r}")
    if most is not None and value > most:
        raise SpecError(f"expected a number of at most {most}, got {value!r}")
    return float(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise SpecError(f"expected true or false, got {value!r}")
    return value


def parse_skew(value: Any) -> Skew:
    """Key skew: `uniform`, `{zipf: 1.2}` or `{hot: {share: 0.3, keys: 5}}`.

    The result picks an index in `range(n)` for a pool of `n` keys; index 0 is the hottest.
    Zipf gives rank `r` a weight `1 / r**s`; `hot` sends `share` of the picks to the first
    `keys` entries and spreads the rest evenly over the others.
    """
    if value is None or value == "uniform":
        return lambda rng, n: int(rng.random() * n)
    if isinstance(value, dict) and len(value) == 1 and "zipf" in value:
        exponent = value["zipf"]
        if isinstance(exponent, bool) or not isinstance(exponent, int | float) or exponent <= 0:
            raise SpecError(f"the zipf exponent must be a positive number, got {exponent!r}")
        return _zipf(float(exponent))
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("hot"), dict):
        hot = value["hot"]
        share, keys = hot.get("share"), hot.get("keys")
        if set(hot) != {"share", "keys"}:
            raise SpecError("hot takes exactly share and keys", "hot")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise SpecError(f"share must be between 0 and 1, got {share!r}", "hot.share")
        if isinstance(keys, bool) or not isinstance(keys, int) or keys < 1:
            raise SpecError(f"keys must be a positive whole number, got {keys!r}", "hot.keys")
        return _hot(float(share), keys)
    raise SpecError(f"skew is uniform, {{zipf: s}} or {{hot: {{share, keys}}}}; got {value!r}")


def _zipf(exponent: float) -> Skew:
    # Cumulative weights, grown as the pool grows; a pick is one bisection.
    cumulative: list[float] = []

    def pick(rng: random.Random, n: int) -> int:
        while len(cumulative) < n:
            previous = cumulative[-1] if cumulative else 0.0
            cumulative.append(previous + 1.0 / (len(cumulative) + 1) ** exponent)
        return min(bisect_right(cumulative, rng.random() * cumulative[n - 1], 0, n), n - 1)

    return pick


def _hot(share: float, keys: int) -> Skew:
    def pick(rng: random.Random, n: int) -> int:
        if n <= keys or rng.random() < share:
            return int(rng.random() * min(keys, n))
        return keys + int(rng.random() * (n - keys))

    return pick
