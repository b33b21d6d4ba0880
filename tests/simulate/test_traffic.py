"""Durations, delays, rate profiles and key skew."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from ksqlmv.simulate.traffic import (
    SpecError,
    parse_delay,
    parse_duration_ms,
    parse_profile,
    parse_skew,
)

MINUTE = 60_000


@pytest.mark.parametrize(
    ("text", "ms"),
    [("500ms", 500), ("30s", 30_000), ("5m", 300_000), ("2h", 7_200_000), ("1d", 86_400_000),
     ("1.5s", 1500), (2, 2000), (0.25, 250), (" 10 s ", 10_000)],
)  # fmt: skip
def test_durations(text: Any, ms: int) -> None:
    assert parse_duration_ms(text) == ms


@pytest.mark.parametrize("text", ["5 minutes", "-3s", -1, "s", True, None, [1]])
def test_bad_durations(text: Any) -> None:
    with pytest.raises(SpecError):
        parse_duration_ms(text)


def sample(spec: Any, count: int = 4000) -> list[int]:
    delay = parse_delay(spec)
    rng = random.Random(5)
    return [delay(rng) for _ in range(count)]


def test_fixed_delay() -> None:
    assert set(sample("30s", 10)) == {30_000}


def test_uniform_range() -> None:
    values = sample("10s..2m")
    assert min(values) >= 10_000 and max(values) <= 120_000
    assert 60_000 < sum(values) / len(values) < 70_000


def test_uniform_mapping() -> None:
    values = sample({"min": "1s", "max": "2s"})
    assert min(values) >= 1000 and max(values) <= 2000


def test_exponential_mean() -> None:
    values = sample({"mean": "10s"})
    assert 9_000 < sum(values) / len(values) < 11_000


def test_lognormal_median_and_cap() -> None:
    values = sorted(sample({"median": "20s", "sigma": 1.2, "max": "50m"}))
    median = values[len(values) // 2]
    assert 17_000 < median < 23_000
    assert max(values) <= 50 * MINUTE


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2m..10s", "ends"),
        ({"median": "0s"}, "median must be positive"),
        ({"median": "1m", "max": "10s"}, "max must not be below the median"),
        ({"median": "1m", "sigma": -1}, "sigma must be a positive number"),
        ({"average": "1m"}, "a delay is a duration"),
    ],
)
def test_bad_delays(spec: Any, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_delay(spec)


START = 1_735_689_600_000  # 2025-01-01T00:00:00Z


@pytest.mark.parametrize(
    ("spec", "offset_ms", "factor"),
    [
        ("constant", 12345, 1.0),
        ({"shape": "ramp", "from": 0.1, "to": 1.0, "over": "10m"}, 0, 0.1),
        ({"shape": "ramp", "from": 0.1, "to": 1.0, "over": "10m"}, 5 * MINUTE, 0.55),
        ({"shape": "ramp", "to": 2.0, "over": "10m"}, 20 * MINUTE, 2.0),
        ({"shape": "bursty", "factor": 5, "length": "30s", "every": "5m"}, 10_000, 5.0),
        ({"shape": "bursty", "factor": 5, "length": "30s", "every": "5m"}, 60_000, 1.0),
        ({"shape": "bursty", "factor": 5, "length": "30s", "every": "5m"}, 5 * MINUTE + 1, 5.0),
        ({"shape": "bursty", "factor": 5, "length": "30s"}, 5 * MINUTE + 1, 1.0),
        ({"shape": "bursty", "factor": 5, "length": "30s", "decay": True}, 0, 5.0),
        ({"shape": "diurnal", "low": 0.2, "period": "24h", "peak": "14h"}, 14 * 60 * MINUTE, 1.0),
        ({"shape": "diurnal", "low": 0.2, "period": "24h", "peak": "14h"}, 2 * 60 * MINUTE, 0.2),
        ({"shape": "diurnal", "low": 0.2, "period": "24h", "peak": "14h"}, 8 * 60 * MINUTE, 0.6),
    ],
)
def test_profile_factors(spec: Any, offset_ms: int, factor: float) -> None:
    profile = parse_profile(spec)
    assert profile.factor(START + offset_ms, START) == pytest.approx(factor)


def test_decaying_burst_fades() -> None:
    profile = parse_profile({"shape": "bursty", "factor": 8, "length": "90s", "decay": True})
    factors = [profile.factor(START + second * 1000, START) for second in range(0, 90, 10)]
    assert factors == sorted(factors, reverse=True)
    assert factors[-1] < 1.5


@pytest.mark.parametrize(
    ("spec", "message", "path"),
    [
        ({"shape": "wave"}, "unknown shape", "shape"),
        ({"shape": "ramp", "to": 1}, "needs 'over'", ""),
        ({"shape": "bursty", "factor": 0.5, "length": "1s"}, "at least 1.0", "factor"),
        ({"shape": "diurnal", "low": 2}, "at most 1.0", "low"),
        ({"shape": "diurnal", "amplitude": 2}, "unknown key", "amplitude"),
        (
            {"shape": "bursty", "factor": 2, "length": "1s", "decay": "yes"},
            "true or false",
            "decay",
        ),
        (7, "a profile is a mapping", ""),
    ],
)
def test_bad_profiles(spec: Any, message: str, path: str) -> None:
    with pytest.raises(SpecError, match=message) as raised:
        parse_profile(spec)
    assert raised.value.path == path


def picks(spec: Any, pool: int, count: int = 20_000) -> Counter[int]:
    skew = parse_skew(spec)
    rng = random.Random(9)
    return Counter(skew(rng, pool) for _ in range(count))


def test_uniform_skew_covers_the_pool_evenly() -> None:
    counts = picks(None, 10)
    assert set(counts) == set(range(10))
    assert max(counts.values()) / min(counts.values()) < 1.2


def test_zipf_skew_favours_the_first_keys() -> None:
    counts = picks({"zipf": 1.0}, 100)
    harmonic = sum(1 / rank for rank in range(1, 101))
    assert counts[0] / 20_000 == pytest.approx(1 / harmonic, abs=0.02)
    assert counts[0] > 1.7 * counts[1] > 0
    assert set(counts) <= set(range(100))


def test_zipf_skew_follows_a_growing_pool() -> None:
    skew = parse_skew({"zipf": 1.2})
    rng = random.Random(1)
    assert {skew(rng, 1) for _ in range(50)} == {0}
    assert {skew(rng, 3) for _ in range(500)} == {0, 1, 2}


def test_hot_keys_take_their_share() -> None:
    counts = picks({"hot": {"share": 0.3, "keys": 5}}, 100)
    hot = sum(counts[index] for index in range(5)) / 20_000
    assert hot == pytest.approx(0.3, abs=0.02)
    assert set(counts) == set(range(100))


@pytest.mark.parametrize(
    "spec",
    [{"zipf": 0}, {"zipf": "1"}, {"hot": {"share": 2, "keys": 1}}, {"hot": {"share": 0.5}},
     {"hot": {"share": 0.5, "keys": 0}}, "normal", {"pareto": 1}],
)  # fmt: skip
def test_bad_skews(spec: Any) -> None:
    with pytest.raises(SpecError):
        parse_skew(spec)
