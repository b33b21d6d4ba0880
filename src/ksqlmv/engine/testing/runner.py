"""Running many test cases: results per case, summaries per file and family, reports.

`run_paths` runs QTT files and test-runner directories; `Summary` counts outcomes by file and by
family (a group of related files, as ksqlDB's issues and this project's issues name them), and
renders the text report `ksqlmv test` prints and the JSON it prints with `--json`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ksqlmv.engine.testing.cases import discover, load_path
from ksqlmv.engine.testing.executor import CaseResult, run_case
from ksqlmv.engine.testing.families import family_of
from ksqlmv.errors import KsqlmvError

__all__ = ["Summary", "run_paths"]


def run_paths(paths: Iterable[Path]) -> Iterator[CaseResult]:
    """Run every case found under `paths`; a file that does not load is one failed case."""
    for path in discover(list(paths)):
        try:
            cases = load_path(path)
        except (KsqlmvError, OSError, ValueError) as error:
            yield CaseResult(path.name, "(file)", "failed", f"cannot load: {error}")
            continue
        for case in cases:
            yield run_case(case)


@dataclass
class _Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, result: CaseResult) -> None:
        if result.status == "passed":
            self.passed += 1
        elif result.status == "failed":
            self.failed += 1
        else:
            self.skipped += 1
            self.reasons[result.reason or "skipped"] += 1

    @property
    def rate(self) -> float | None:
        ran = self.passed + self.failed
        return None if ran == 0 else self.passed / ran

    def as_dict(self) -> dict[str, Any]:
        rate = self.rate
        return {
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "pass_rate": None if rate is None else round(rate, 4),
            "skipped_by_reason": dict(self.reasons),
        }


@dataclass
class Summary:
    """Outcomes of a run, by file and by family."""

    results: list[CaseResult] = field(default_factory=list)
    files: dict[str, _Counts] = field(default_factory=dict)
    families: dict[str, _Counts] = field(default_factory=dict)
    total: _Counts = field(default_factory=_Counts)

    def add(self, result: CaseResult) -> None:
        """Count one result."""
        self.results.append(result)
        name = Path(result.file).name
        self.files.setdefault(result.file, _Counts()).add(result)
        self.families.setdefault(family_of(name), _Counts()).add(result)
        self.total.add(result)

    @property
    def ok(self) -> bool:
        """True when nothing that ran failed."""
        return self.total.failed == 0

    def as_json(self) -> dict[str, Any]:
        """The machine report `ksqlmv test --json` prints."""
        return {
            "passed": self.total.passed,
            "failed": self.total.failed,
            "skipped": self.total.skipped,
            "cases": [
                {"file": r.file, "name": r.name, "status": r.status, "reason": r.reason}
                for r in self.results
            ],
        }

    def report(self, *, show_failures: bool = True) -> str:
        """The text report: failures, then one line per file and per family, then totals."""
        lines: list[str] = []
        if show_failures:
            for result in self.results:
                if result.status == "failed":
                    reason = (result.reason or "").splitlines()[0] if result.reason else ""
                    lines.append(f"FAILED {result.file} :: {result.name}: {reason}")
            if lines:
                lines.append("")
        lines.append(_table("file", self.files))
        lines.append("")
        lines.append(_table("family", self.families))
        lines.append("")
        total = self.total
        rate = total.rate
        shown = "-" if rate is None else f"{100 * rate:.1f}%"
        lines.append(
            f"{total.passed} passed, {total.failed} failed, {total.skipped} skipped ({shown} of "
            "the cases that ran passed)"
        )
        for reason, count in sorted(total.reasons.items()):
            lines.append(f"  skipped {count}: {reason}")
        return "\n".join(lines)

    def dumps(self) -> str:
        """`as_json()` as text."""
        return json.dumps(self.as_json(), indent=2)


def _table(title: str, counts: dict[str, _Counts]) -> str:
    width = max([len(title)] + [len(name) for name in counts]) + 2
    header = f"{title:<{width}}{'passed':>8}{'failed':>8}{'skipped':>9}{'rate':>9}"
    rows = [header]
    for name in sorted(counts):
        c = counts[name]
        rate = "-" if c.rate is None else f"{100 * c.rate:.1f}%"
        rows.append(f"{name:<{width}}{c.passed:>8}{c.failed:>8}{c.skipped:>9}{rate:>9}")
    return "\n".join(rows)
