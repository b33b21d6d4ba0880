"""Each benchmark's own JSON, read as figures with the platform's targets.

The documents are shaped as the scripts in bench/ write them (trimmed to what is read)."""

from __future__ import annotations

from typing import Any

import pytest

from ksqlmv.benchmarks.adapters import adapter_for

BROKER = {
    "results": {
        "ksqlmv": {
            "produce_records_per_s": 405803.2,
            "consume_records_per_s": 205106.2,
            "small_consume_records_per_s": 990555.2,
            "latency_p50_ms": 4.7,
            "latency_p99_ms": 462.4,
            "peak_rss_mb": 66.4,
        },
        "mock": {
            "produce_records_per_s": 89376.5,
            "consume_records_per_s": None,
            "small_consume_records_per_s": 376248.1,
        },
    }
}
BROKER_WITH_TANSU = {
    "results": {
        **BROKER["results"],
        "tansu": {"produce_records_per_s": 811606.4, "small_consume_records_per_s": 495277.6},
    }
}
REGISTRY = {
    "register": {"requests_per_s": 328, "p99_ms": 62.998},
    "lookup by id": {"requests_per_s": 8115, "p99_ms": 1.98},
    "lookup by subject": {"requests_per_s": 3091, "p99_ms": 7.758},
    "GET / (reference)": {"requests_per_s": 4532, "p99_ms": 9.931},
}
SERDE = {
    "target_avro_ratio": 0.8,
    "avro_ratio_to_floor": 1.552,
    "json_ratio_to_json_reference": 1.375,
    "records_per_s": {"AVRO round trip": 209637, "JSON round trip": 209151},
}
SIMULATE = {
    "events_per_s": 18764,
    "target_events_per_s": 25000,
    "ratio_to_reference": 0.116,
    "generation_and_encoding_events_per_cpu_s": 43943,
    "simulator_cpu_us_per_event": 27.7,
}
SIMULATE_FIRST = {"events_per_s": 18764, "generation_and_encoding_events_per_s": 29642}
MIGRATIONS = {
    "offline": {"parse_pass_ms": 7.25, "plan_replay_ms": 0.13},
    "server": {"apply_ms_per_migration": 88.5, "overhead_ms_per_migration": 50.6},
}
MIGRATIONS_OFFLINE = {
    "offline": {"parse_pass_ms": 7.25, "plan_replay_ms": 0.13},
    "server": "skipped: no --server and no embedded ksqlDB server in this build",
}
ENGINE_STATELESS = {"records_per_s": 32559, "ratio_to_floor": 1.024, "target_ratio": 0.5}
ENGINE_WINDOW = {
    "records_per_s": 7860,
    "ratio_to_floor": 0.082,
    "target_ratio": 0.35,
    "restore_seconds": 6.2,
    "restore_target_seconds": 10.0,
    "quix_records_per_s": 2202,
    "ratio_to_quix": 3.57,
}
SERVER = {
    "pull": {"queries_per_second": 3412.0, "p50_ms": 2.1, "p99_ms": 12.5},
    "push_latency": {"p50_ms": 8.0, "p99_ms": 41.0},
    "push_capacity": {"rows_dropped": 0},
    "targets": {
        "pull_queries_per_second": 3000,
        "pull_p99_ms": 10,
        "push_p99_ms": 100,
        "push_rows_dropped": 0,
    },
}

LOAD = {
    "events_per_s": 212.5,
    "push_rows_per_s": 1800.0,
    "push_latency_p50_ms": 40.0,
    "push_latency_p99_ms": 250.0,
    "pull_per_s": 96.0,
    "pull_p50_ms": 12.0,
    "pull_p99_ms": 140.0,
    "errors": ["3 records not acknowledged"],
    "max_lag": 900,
    "lag_samples": [[5.0, 12], [10.0, 900]],
    "memory": {
        "broker": {"second_half_slope_mb_per_min": 0.4},
        "ksql": {"second_half_slope_mb_per_min": 3.1},
    },
}

# (bench, document, {figure: (value, target, meets)}) for every figure the adapter gives
CASES: list[tuple[str, dict[str, Any], dict[str, tuple[float | None, float | None, bool | None]]]]
CASES = [
    (
        "broker",
        BROKER,
        {
            "produce": (405803.2, None, None),
            "produce / client ceiling": (pytest.approx(4.5404, abs=1e-3), 0.7, True),
            "consume": (205106.2, None, None),
            "consume / client ceiling": (pytest.approx(2.6327, abs=1e-3), 0.7, True),
            "latency p50": (4.7, None, None),
            "latency p99": (462.4, 20.0, False),
            "broker peak memory": (66.4, 200.0, True),
        },
    ),
    (
        "registry",
        REGISTRY,
        {
            "register": (328, None, None),
            "register p99": (62.998, None, None),
            "lookup by id": (8115, None, None),
            "lookup by id p99": (1.98, None, None),
            "lookup by subject": (3091, None, None),
            "lookup by subject p99": (7.758, None, None),
        },
    ),
    (
        "serde",
        SERDE,
        {
            "AVRO round trip": (209637, None, None),
            "AVRO round trip / fastavro floor": (1.552, 0.8, True),
            "JSON round trip": (209151, None, None),
            "JSON round trip / json.loads+dumps": (1.375, None, None),
        },
    ),
    (
        "simulate",
        SIMULATE,
        {
            "shop, sustained": (18764, 25000, False),
            "shop / bare produce loop": (0.116, None, None),
            "generation and Avro": (43943, None, None),
            "simulator CPU": (27.7, None, None),
        },
    ),
    (
        "simulate",
        SIMULATE_FIRST,
        {
            "shop, sustained": (18764, None, None),
            "shop / bare produce loop": (None, None, None),
            "generation and Avro": (29642, None, None),
            "simulator CPU": (None, None, None),
        },
    ),
    (
        "migrations",
        MIGRATIONS,
        {
            "parse pass, 16 files": (7.25, None, None),
            "plan replay": (0.13, None, None),
            "apply, per migration": (88.5, None, None),
            "tool overhead, per migration": (50.6, None, None),
        },
    ),
    (
        "migrations",
        MIGRATIONS_OFFLINE,
        {
            "parse pass, 16 files": (7.25, None, None),
            "plan replay": (0.13, None, None),
            "apply, per migration": (None, None, None),
            "tool overhead, per migration": (None, None, None),
        },
    ),
    (
        "engine_stateless",
        ENGINE_STATELESS,
        {"end to end": (32559, None, None), "end to end / fastavro floor": (1.024, 0.5, True)},
    ),
    (
        "engine_window",
        ENGINE_WINDOW,
        {
            "end to end": (7860, None, None),
            "end to end / fastavro floor": (0.082, 0.35, False),
            "restore after restart": (6.2, 10.0, True),
            "ours / quix-streams": (3.57, 2.0, True),
        },
    ),
    (
        "load",
        LOAD,
        {
            "events acknowledged": (212.5, None, None),
            "push rows": (1800.0, None, None),
            "push latency p50": (40.0, None, None),
            "push latency p99": (250.0, None, None),
            "pull queries": (96.0, None, None),
            "pull p50": (12.0, None, None),
            "pull p99": (140.0, 100.0, False),
            "errors": (1, 0.0, False),
            "max lag": (900, None, None),
            "broker memory growth, second half": (0.4, 2.0, True),
            "ksql memory growth, second half": (3.1, 2.0, False),
        },
    ),
    (
        "server",
        SERVER,
        {
            "pull lookups": (3412.0, 3000, True),
            "pull p50": (2.1, None, None),
            "pull p99": (12.5, 10, False),
            "push p50": (8.0, None, None),
            "push p99": (41.0, 100, True),
            "push rows dropped": (0, 0, True),
        },
    ),
]


@pytest.mark.parametrize(("bench", "document", "expected"), CASES)
def test_every_figure_with_its_target(
    bench: str,
    document: dict[str, Any],
    expected: dict[str, tuple[float | None, float | None, bool | None]],
) -> None:
    adapter = adapter_for(bench)
    assert adapter is not None
    figures = adapter(bench, document)
    assert {f.name: (f.value, f.target, f.meets) for f in figures} == expected
    assert all(figure.bench == bench for figure in figures)


def test_tansu_adds_ratios_oriented_so_that_above_one_is_better() -> None:
    figures = {f.name: f for f in adapter_for("broker")("broker", BROKER_WITH_TANSU)}  # type: ignore[misc]
    assert figures["produce / Tansu"].value == pytest.approx(0.5, abs=1e-3)
    assert figures["produce / Tansu"].meets is False
    assert figures["consume / Tansu"].value == pytest.approx(2.0, abs=1e-3)
    assert figures["consume / Tansu"].meets is True


def test_a_missing_measure_is_shown_without_a_verdict() -> None:
    figures = adapter_for("broker")("broker", {"results": {"ksqlmv": {}}})  # type: ignore[misc]
    assert figures and all(figure.value is None and figure.meets is None for figure in figures)


def test_an_unknown_benchmark_has_no_adapter() -> None:
    assert adapter_for("something_new") is None
    assert adapter_for("engine_join") is adapter_for("engine_stateless")


def test_a_section_that_was_skipped_says_why() -> None:
    figures = adapter_for("migrations")("migrations", MIGRATIONS_OFFLINE)  # type: ignore[misc]
    apply = next(figure for figure in figures if figure.name == "apply, per migration")
    assert apply.note == MIGRATIONS_OFFLINE["server"]
