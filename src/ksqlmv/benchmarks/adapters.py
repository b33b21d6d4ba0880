"""Reading each benchmark's own JSON as figures with targets.

The benchmarks in bench/ were written one per capability, each writing the document that suits
it; an adapter here turns one document into figures, with the targets the platform set for that
capability (where the document states its target, that one is used). A benchmark that writes the
common shape (`figures.py`) needs no adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ksqlmv.benchmarks.figures import Figure

__all__ = ["ADAPTERS", "Adapter", "adapter_for"]

Adapter = Callable[[str, Mapping[str, Any]], list[Figure]]

# The broker's targets (issue of the broker: >= 70% of the client's ceiling, p99 <= 20 ms,
# peak memory <= 200 MB, and >= 1.0 of Tansu where it runs).
_CEILING_RATIO = 0.70
_BROKER_P99_MS = 20.0
_BROKER_PEAK_MB = 200.0
_TANSU_RATIO = 1.0
_QUIX_RATIO = 2.0
_SERVER_TARGETS = {
    "pull_queries_per_second": 3000.0,
    "pull_p99_ms": 10.0,
    "push_p99_ms": 100.0,
    "push_rows_dropped": 0.0,
}


def _get(document: Mapping[str, Any], path: str) -> float | None:
    """The number at a dotted path, or None."""
    node: Any = document
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours and theirs else None


def broker(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """bench/broker.py: our broker against librdkafka's mock cluster (and Tansu)."""
    ours = "results.ksqlmv"
    mock = "results.mock"
    produce = _get(document, f"{ours}.produce_records_per_s")
    small = _get(document, f"{ours}.small_consume_records_per_s")
    figures = [
        Figure(bench, "produce", produce, "records/s"),
        Figure(
            bench,
            "produce / client ceiling",
            _ratio(produce, _get(document, f"{mock}.produce_records_per_s")),
            "x",
            _CEILING_RATIO,
        ),
        Figure(bench, "consume", _get(document, f"{ours}.consume_records_per_s"), "records/s"),
        Figure(
            bench,
            "consume / client ceiling",
            _ratio(small, _get(document, f"{mock}.small_consume_records_per_s")),
            "x",
            _CEILING_RATIO,
        ),
        Figure(bench, "latency p50", _get(document, f"{ours}.latency_p50_ms"), "ms"),
        Figure(
            bench,
            "latency p99",
            _get(document, f"{ours}.latency_p99_ms"),
            "ms",
            _BROKER_P99_MS,
            "lower",
        ),
        Figure(
            bench,
            "broker peak memory",
            _get(document, f"{ours}.peak_rss_mb"),
            "MB",
            _BROKER_PEAK_MB,
            "lower",
        ),
    ]
    if isinstance(document.get("results"), Mapping) and "tansu" in document["results"]:
        for label, key in (
            ("produce", "produce_records_per_s"),
            ("consume", "small_consume_records_per_s"),
        ):
            ratio = _ratio(_get(document, f"{ours}.{key}"), _get(document, f"results.tansu.{key}"))
            figures.append(Figure(bench, f"{label} / Tansu", ratio, "x", _TANSU_RATIO))
    return figures


def registry(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """bench/registry.py: requests/s and p99 of each phase (the issue sets no target)."""
    figures = []
    for phase in ("register", "lookup by id", "lookup by subject"):
        node = document.get(phase)
        if isinstance(node, Mapping):
            figures.append(Figure(bench, phase, _get(node, "requests_per_s"), "requests/s"))
            figures.append(Figure(bench, f"{phase} p99", _get(node, "p99_ms"), "ms"))
    return figures


def serde(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """bench/serde.py: the AVRO round trip against the fastavro floor."""
    return [
        Figure(
            bench, "AVRO round trip", _get(document, "records_per_s.AVRO round trip"), "records/s"
        ),
        Figure(
            bench,
            "AVRO round trip / fastavro floor",
            _get(document, "avro_ratio_to_floor"),
            "x",
            _get(document, "target_avro_ratio"),
        ),
        Figure(
            bench, "JSON round trip", _get(document, "records_per_s.JSON round trip"), "records/s"
        ),
        Figure(
            bench,
            "JSON round trip / json.loads+dumps",
            _get(document, "json_ratio_to_json_reference"),
            "x",
        ),
    ]


def simulate(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """bench/simulate.py: the shop scenario's sustained rate."""
    encoding = _get(document, "generation_and_encoding_events_per_cpu_s")
    if encoding is None:  # written by the script's first version, in wall-clock time
        encoding = _get(document, "generation_and_encoding_events_per_s")
    return [
        Figure(
            bench,
            "shop, sustained",
            _get(document, "events_per_s"),
            "events/s",
            _get(document, "target_events_per_s"),
        ),
        Figure(bench, "shop / bare produce loop", _get(document, "ratio_to_reference"), "x"),
        Figure(bench, "generation and Avro", encoding, "events/cpu-s"),
        Figure(bench, "simulator CPU", _get(document, "simulator_cpu_us_per_event"), "us/event"),
    ]


def migrations(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """bench/migrations.py: the parse pass offline, and what apply costs on a server."""
    figures = [
        Figure(bench, "parse pass, 16 files", _get(document, "offline.parse_pass_ms"), "ms"),
        Figure(bench, "plan replay", _get(document, "offline.plan_replay_ms"), "ms"),
    ]
    server = document.get("server")
    if isinstance(server, Mapping):
        figures += [
            Figure(bench, "apply, per migration", _get(server, "apply_ms_per_migration"), "ms"),
            Figure(
                bench,
                "tool overhead, per migration",
                _get(server, "overhead_ms_per_migration"),
                "ms",
            ),
        ]
    else:
        figures.append(Figure(bench, "apply, per migration", None, "ms", note=str(server or "")))
    return figures


def engine(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """bench/engine_*.py: a query end to end against the fastavro floor (and quix-streams)."""
    figures = [
        Figure(bench, "end to end", _get(document, "records_per_s"), "records/s"),
        Figure(
            bench,
            "end to end / fastavro floor",
            _get(document, "ratio_to_floor"),
            "x",
            _get(document, "target_ratio"),
        ),
    ]
    if "restore_seconds" in document:
        figures.append(
            Figure(
                bench,
                "restore after restart",
                _get(document, "restore_seconds"),
                "s",
                _get(document, "restore_target_seconds"),
                "lower",
            )
        )
    if "ratio_to_quix" in document or "quix_records_per_s" in document:
        figures.append(
            Figure(bench, "ours / quix-streams", _get(document, "ratio_to_quix"), "x", _QUIX_RATIO)
        )
    return figures


def server(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """bench/server.py: pull lookups, push latency, and push queries held under load."""
    targets = {**_SERVER_TARGETS, **(document.get("targets") or {})}

    def target(name: str) -> float | None:
        value = targets.get(name)
        return float(value) if isinstance(value, int | float) else None

    return [
        Figure(
            bench,
            "pull lookups",
            _get(document, "pull.queries_per_second"),
            "queries/s",
            target("pull_queries_per_second"),
        ),
        Figure(bench, "pull p50", _get(document, "pull.p50_ms"), "ms"),
        Figure(
            bench, "pull p99", _get(document, "pull.p99_ms"), "ms", target("pull_p99_ms"), "lower"
        ),
        Figure(bench, "push p50", _get(document, "push_latency.p50_ms"), "ms"),
        Figure(
            bench,
            "push p99",
            _get(document, "push_latency.p99_ms"),
            "ms",
            target("push_p99_ms"),
            "lower",
        ),
        Figure(
            bench,
            "push rows dropped",
            _get(document, "push_capacity.rows_dropped"),
            "rows",
            target("push_rows_dropped"),
            "lower",
        ),
    ]


ADAPTERS: Mapping[str, Adapter] = {
    "broker": broker,
    "registry": registry,
    "serde": serde,
    "simulate": simulate,
    "migrations": migrations,
    "server": server,
}


def adapter_for(bench: str) -> Adapter | None:
    """The adapter of a benchmark by name (every `engine_*` shares one), if it has one."""
    if bench.startswith("engine_"):
        return engine
    return ADAPTERS.get(bench)
