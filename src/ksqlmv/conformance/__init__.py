"""Conformance: ksqlDB's own functional test corpus, run against the engine.

`python -m ksqlmv.conformance --corpus ../shared/ksqldb-tests --report conformance/report.json`
runs every query-validation test case on the test driver, writes a report with the pass rate
per file, per family and per issue target, and compares the outcome with the committed baseline
(`conformance/baseline.txt`, one passing case per line): a case in the baseline that no longer
passes fails the run. `--update-baseline` adds the cases that now pass; the baseline only grows.
"""

from __future__ import annotations

from ksqlmv.conformance.baseline import Baseline as Baseline
from ksqlmv.conformance.corpus import CorpusRun as CorpusRun
from ksqlmv.conformance.corpus import run_corpus as run_corpus

__all__ = ["Baseline", "CorpusRun", "run_corpus"]
