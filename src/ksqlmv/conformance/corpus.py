"""Running the corpus and writing the report."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ksqlmv.conformance.baseline import case_id
from ksqlmv.engine.testing.families import ISSUE_FAMILIES
from ksqlmv.engine.testing.runner import Summary, run_paths
from ksqlmv.errors import ConfigError

__all__ = ["CorpusRun", "run_corpus"]

QTT_FOLDER = "query-validation-tests"


@dataclass
class CorpusRun:
    """The outcome of one corpus run."""

    summary: Summary
    seconds: float

    @property
    def passed_ids(self) -> set[str]:
        """Ids of the cases that passed."""
        return {case_id(r.file, r.name) for r in self.summary.results if r.status == "passed"}

    @property
    def ran_ids(self) -> set[str]:
        """Ids of the cases that ran (passed or failed)."""
        return {case_id(r.file, r.name) for r in self.summary.results if r.status != "skipped"}

    def report(self) -> dict[str, Any]:
        """The JSON report: totals, per issue target, per family, per file, failures."""
        summary = self.summary
        issues = {}
        for issue, families in ISSUE_FAMILIES.items():
            passed = sum(summary.families[f].passed for f in families if f in summary.families)
            failed = sum(summary.families[f].failed for f in families if f in summary.families)
            skipped = sum(summary.families[f].skipped for f in families if f in summary.families)
            ran = passed + failed
            issues[issue] = {
                "passed": passed,
                "failed": failed,
                "skipped": skipped,
                "pass_rate": round(passed / ran, 4) if ran else None,
            }
        return {
            "seconds": round(self.seconds, 1),
            "total": summary.total.as_dict(),
            "issues": issues,
            "families": {k: v.as_dict() for k, v in sorted(summary.families.items())},
            "files": {Path(k).name: v.as_dict() for k, v in sorted(summary.files.items())},
            "failures": [
                {"file": Path(r.file).name, "name": r.name, "reason": r.reason}
                for r in summary.results
                if r.status == "failed"
            ],
        }

    def write(self, path: Path) -> None:
        """Write the JSON report to `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.report(), indent=2) + "\n", encoding="utf-8")


def run_corpus(corpus: Path) -> CorpusRun:
    """Run every query-validation test case of the corpus folder."""
    folder = corpus / QTT_FOLDER
    if not folder.is_dir():
        raise ConfigError(f"{corpus} has no {QTT_FOLDER} folder")
    started = time.perf_counter()
    summary = Summary()
    for result in run_paths(sorted(folder.glob("*.json"))):
        summary.add(result)
    return CorpusRun(summary, time.perf_counter() - started)
