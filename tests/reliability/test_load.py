"""Load, for one minute: bench/load.py (the five-minute benchmark) with the simulators at a fixed,
modest rate instead of a share of measured capacity, 100 push queries and 8 pull-query clients.

Nothing fails (acknowledgements, push queries, pull queries), every push query is still open at
the end, the views keep up (the lag stays bounded and is gone soon after the input stops), and
no service's memory grows in the second half of the run.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.reliability, pytest.mark.integration, pytest.mark.slow]

SECONDS = 60.0
HOLD = 20.0
RATE = 50.0  # events/s for both simulators (base rates: the trades come in bursts of eight times)


# A minute at this rate brings about a thousand orders: each table store keyed by order keeps at
# most this many in memory (the rest on disk), so that the bound is reached in the run's first
# half and the second half shows memory levelling off (the server's default is 100,000).
MEMORY_ENTRIES = 200


@pytest.fixture(scope="module")
def results(
    load_bench: ModuleType, platform_factory: Any, monkeypatch_module: pytest.MonkeyPatch
) -> dict[str, Any]:
    monkeypatch_module.setenv(
        "KSQLMV_KSQL_PROPERTIES", f"ksqlmv.state.store.memory.max.entries={MEMORY_ENTRIES}"
    )
    platform = platform_factory("load")  # the services start with the environment above
    config = load_bench.LoadConfig(seconds=SECONDS, rate=RATE, hold=HOLD)
    figures: dict[str, Any] = load_bench.run_load(platform.stack, config, say=lambda _: None)
    print("\n".join(load_bench.report(figures)))
    return figures


def test_nothing_fails(results: dict[str, Any]) -> None:
    assert results["errors"] == []
    assert results["events_acknowledged"] >= 0.8 * SECONDS * RATE
    assert results["push_rows"] > results["events_acknowledged"]  # 100 queries see the changes
    assert results["push_latency_p99_ms"] is not None
    assert results["pull_queries"] > 8 * SECONDS


def test_the_views_keep_up(results: dict[str, Any]) -> None:
    # at most about ten seconds of input behind at any sample, and caught up soon after the end
    assert results["max_lag"] <= 10 * RATE, results["lag_samples"]
    assert results["catch_up_after_run_s"] <= 30


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    """A monkeypatch for the module's fixtures."""
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_memory_levels_off(results: dict[str, Any], load_bench: ModuleType) -> None:
    # Every service, the ksqlDB server included: its table stores keep a bounded number of
    # entries in memory while their state grows on disk.
    limit = load_bench.TARGETS["max_rss_slope_mb_per_min"]
    for service in ("broker", "registry", "ksql"):
        figures = results["memory"][service]
        series = results["memory_series"][service]
        assert figures["second_half_slope_mb_per_min"] <= limit, (service, figures, series)
        assert figures["hold_slope_mb_per_min"] <= limit, (service, figures, series)
