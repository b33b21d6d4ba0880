"""One measured figure with its target, and the common JSON shape a benchmark may write.

A benchmark script writes `bench/results/<name>.json`. The runner reads figures from it in one of
two ways: a document with a top-level `figures` list is already in the common shape,

```json
{"figures": [
  {"name": "ready after", "value": 21.4, "unit": "s", "target": 60, "better": "lower"},
  {"name": "parse", "value": 41000, "unit": "statements/s"}
]}
```

(`target` and `better` are optional; `better` is "higher" unless told), and any other document
goes through the benchmark's adapter (`adapters.py`), or, for a benchmark the runner does not
know, through `numeric_leaves`, which lists every number in it without a target.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Figure", "common_figures", "format_number", "numeric_leaves"]

_BETTER = ("higher", "lower")


@dataclass(frozen=True, slots=True)
class Figure:
    """A benchmark's figure: its value, unit, and the target it should meet, if it has one."""

    bench: str
    name: str
    value: float | None  # None: the benchmark did not measure it this time (`note` says why)
    unit: str = ""
    target: float | None = None
    better: str = "higher"  # which way of the target meets it
    note: str = ""

    @property
    def meets(self) -> bool | None:
        """Whether the value meets the target; None without a value or a target."""
        if self.value is None or self.target is None:
            return None
        if self.better == "lower":
            return self.value <= self.target
        return self.value >= self.target

    @property
    def target_text(self) -> str:
        """`>= 0.70`, `<= 20 ms`, or empty."""
        if self.target is None:
            return ""
        sign = "<=" if self.better == "lower" else ">="
        unit = f" {self.unit}" if self.unit and self.unit != "x" else ""
        return f"{sign} {format_number(self.target)}{unit}"

    def as_dict(self) -> dict[str, Any]:
        """The figure in the common shape, with its verdict."""
        return {
            "bench": self.bench,
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "better": self.better,
            "meets": self.meets,
            "note": self.note,
        }


def format_number(value: float) -> str:
    """A figure as people read it: 405,803 / 3.46 / 0.082 / 12.3."""
    magnitude = abs(value)
    if magnitude >= 1000 or value == int(value):
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def common_figures(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """The figures of a document in the common shape (a `figures` list)."""
    figures = []
    for entry in document.get("figures", []):
        if not isinstance(entry, Mapping) or "name" not in entry:
            continue
        better = str(entry.get("better", "higher"))
        figures.append(
            Figure(
                bench,
                str(entry["name"]),
                _number(entry.get("value")),
                str(entry.get("unit", "")),
                _number(entry.get("target")),
                better if better in _BETTER else "higher",
                str(entry.get("note", "")),
            )
        )
    return figures


def numeric_leaves(bench: str, document: Mapping[str, Any]) -> list[Figure]:
    """Every number in a document of unknown shape, named by its path (`pull.p99_ms`)."""
    return [Figure(bench, path, value) for path, value in _leaves(document, "")]


def _leaves(node: Any, path: str) -> Iterator[tuple[str, float]]:
    if isinstance(node, Mapping):
        for key, child in node.items():
            yield from _leaves(child, f"{path}.{key}" if path else str(key))
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path, float(node)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)
