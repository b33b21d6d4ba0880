"""Reading each benchmark's own JSON as figures with targets.

The benchmarks in bench/ were written one per capability, each writing the document that suits
it; the rows here say where each figure sits in that document, with the target the platform set
for it (where the document states its own target, the row points at it). A benchmark that writes
the common shape (`figures.py`) needs no rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ksqlmv.benchmarks.figures import Figure

__all__ = ["ADAPTERS", "Adapter", "Row", "adapter_for"]

Adapter = Callable[[str, Mapping[str, Any]], list[Figure]]


@dataclass(frozen=True, slots=True)
class Row:
    """Where one figure sits in a benchmark's document.

    `value` is a dotted path (`pull.p99_ms`; a list there counts its items), or two joined by
    ` / ` for their ratio. `target`
    is a number, or the dotted path of the document's own target. A row with `when` is shown only
    if the document has that path (a comparison that ran only where its peer is installed).
    """

    name: str
    value: str
    unit: str
    target: float | str | None = None
    better: str = "higher"
    when: str | None = None

    def figure(self, bench: str, document: Mapping[str, Any]) -> Figure | None:
        """The figure this row reads from `document`; None if `when` is absent."""
        if self.when is not None and _node(document, self.when) is _MISSING:
            return None
        paths = self.value.split(" / ")
        values = [_number(document, path) for path in paths]
        value = values[0] if len(values) == 1 else _ratio(*values)
        target = _number(document, self.target) if isinstance(self.target, str) else self.target
        # a section that holds a sentence instead of numbers says why it has none
        section = _node(document, paths[0].split(".")[0])
        note = section if value is None and isinstance(section, str) else ""
        return Figure(bench, self.name, value, self.unit, target, self.better, note)


_MISSING = object()


def _node(document: Mapping[str, Any], path: str) -> Any:
    node: Any = document
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _number(document: Mapping[str, Any], path: str) -> float | None:
    node = _node(document, path)
    if isinstance(node, list):  # a list of things (errors, say) counts them
        return float(len(node))
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return ours / theirs if ours and theirs else None


def _reader(*rows: Row) -> Adapter:
    def read(bench: str, document: Mapping[str, Any]) -> list[Figure]:
        found = (row.figure(bench, document) for row in rows)
        return [figure for figure in found if figure is not None]

    return read


_OURS, _MOCK, _TANSU = "results.ksqlmv.", "results.mock.", "results.tansu."

# The broker: >= 70% of the client's own ceiling (librdkafka's mock cluster), p99 <= 20 ms, peak
# memory <= 200 MB, and >= 1.0 of Tansu (oriented so that above 1.0 is better) where it runs.
BROKER = (
    Row("produce", _OURS + "produce_records_per_s", "records/s"),
    Row(
        "produce / client ceiling",
        f"{_OURS}produce_records_per_s / {_MOCK}produce_records_per_s",
        "x",
        0.70,
    ),
    Row("consume", _OURS + "consume_records_per_s", "records/s"),
    Row(
        "consume / client ceiling",
        f"{_OURS}small_consume_records_per_s / {_MOCK}small_consume_records_per_s",
        "x",
        0.70,
    ),
    Row("latency p50", _OURS + "latency_p50_ms", "ms"),
    Row("latency p99", _OURS + "latency_p99_ms", "ms", 20.0, "lower"),
    Row("broker peak memory", _OURS + "peak_rss_mb", "MB", 200.0, "lower"),
    Row(
        "produce / Tansu",
        f"{_OURS}produce_records_per_s / {_TANSU}produce_records_per_s",
        "x",
        1.0,
        when="results.tansu",
    ),
    Row(
        "consume / Tansu",
        f"{_OURS}small_consume_records_per_s / {_TANSU}small_consume_records_per_s",
        "x",
        1.0,
        when="results.tansu",
    ),
)
# The registry: requests/s and p99 of each phase (its capability sets no target).
REGISTRY = tuple(
    row
    for phase in ("register", "lookup by id", "lookup by subject")
    for row in (
        Row(phase, f"{phase}.requests_per_s", "requests/s"),
        Row(f"{phase} p99", f"{phase}.p99_ms", "ms"),
    )
)
SERDE = (
    Row("AVRO round trip", "records_per_s.AVRO round trip", "records/s"),
    Row("AVRO round trip / fastavro floor", "avro_ratio_to_floor", "x", "target_avro_ratio"),
    Row("JSON round trip", "records_per_s.JSON round trip", "records/s"),
    Row("JSON round trip / json.loads+dumps", "json_ratio_to_json_reference", "x"),
)
SIMULATE = (
    Row("shop, sustained", "events_per_s", "events/s", "target_events_per_s"),
    Row("shop / bare produce loop", "ratio_to_reference", "x"),
    Row(
        "generation and Avro",
        "generation_and_encoding_events_per_cpu_s",
        "events/cpu-s",
        when="generation_and_encoding_events_per_cpu_s",
    ),
    Row(
        "generation and Avro",
        "generation_and_encoding_events_per_s",  # the script's first version, wall-clock time
        "events/s",
        when="generation_and_encoding_events_per_s",
    ),
    Row("simulator CPU", "simulator_cpu_us_per_event", "us/event", better="lower"),
)
MIGRATIONS = (
    Row("parse pass, 16 files", "offline.parse_pass_ms", "ms", better="lower"),
    Row("plan replay", "offline.plan_replay_ms", "ms", better="lower"),
    Row("apply, per migration", "server.apply_ms_per_migration", "ms", better="lower"),
    Row("tool overhead, per migration", "server.overhead_ms_per_migration", "ms", better="lower"),
)
# Every engine benchmark: a query end to end against the fastavro floor; the windowed one adds
# the restore time and, where quix-streams runs, the ratio to it (target >= 2).
ENGINE = (
    Row("end to end", "records_per_s", "records/s"),
    Row("end to end / fastavro floor", "ratio_to_floor", "x", "target_ratio"),
    Row(
        "restore after restart",
        "restore_seconds",
        "s",
        "restore_target_seconds",
        "lower",
        when="restore_seconds",
    ),
    Row("ours / quix-streams", "ratio_to_quix", "x", 2.0, when="quix_records_per_s"),
)
SERVER = (
    Row("pull lookups", "pull.queries_per_second", "queries/s", "targets.pull_queries_per_second"),
    Row("pull p50", "pull.p50_ms", "ms", better="lower"),
    Row("pull p99", "pull.p99_ms", "ms", "targets.pull_p99_ms", "lower"),
    Row("push p50", "push_latency.p50_ms", "ms", better="lower"),
    Row("push p99", "push_latency.p99_ms", "ms", "targets.push_p99_ms", "lower"),
    Row(
        "push rows dropped",
        "push_capacity.rows_dropped",
        "rows",
        "targets.push_rows_dropped",
        "lower",
    ),
)

# The load run under simulators, push and pull queries: no errors, pull p99 <= 100 ms, and the
# memory of every service levelling off (a second-half slope of at most 2 MB a minute).
LOAD = (
    Row("events acknowledged", "events_per_s", "events/s"),
    Row("push rows", "push_rows_per_s", "rows/s"),
    Row("push latency p50", "push_latency_p50_ms", "ms", better="lower"),
    Row("push latency p99", "push_latency_p99_ms", "ms", better="lower"),
    Row("pull queries", "pull_per_s", "queries/s"),
    Row("pull p50", "pull_p50_ms", "ms", better="lower"),
    Row("pull p99", "pull_p99_ms", "ms", 100.0, "lower"),
    Row("errors", "errors", "", 0.0, "lower"),
    Row("max lag", "max_lag", "records", better="lower"),
    *(
        Row(
            f"{service} memory growth, second half",
            f"memory.{service}.second_half_slope_mb_per_min",
            "MB/min",
            2.0,
            "lower",
            when=f"memory.{service}",
        )
        for service in ("broker", "registry", "ksql")
    ),
)

ADAPTERS: Mapping[str, Adapter] = {
    "load": _reader(*LOAD),
    "broker": _reader(*BROKER),
    "registry": _reader(*REGISTRY),
    "serde": _reader(*SERDE),
    "simulate": _reader(*SIMULATE),
    "migrations": _reader(*MIGRATIONS),
    "server": _reader(*SERVER),
    "engine": _reader(*ENGINE),
}


def adapter_for(bench: str) -> Adapter | None:
    """The adapter of a benchmark by name (every `engine_*` shares one), if it has one."""
    if bench.startswith("engine_"):
        return ADAPTERS["engine"]
    return ADAPTERS.get(bench)
