"""The conformance runner: reports, and a baseline that catches regressions and only grows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ksqlmv.conformance.__main__ import main
from ksqlmv.conformance.baseline import Baseline

PASSING = {
    "name": "passes",
    "statements": [
        "CREATE STREAM S (K STRING KEY, N INT) WITH (kafka_topic='s', value_format='JSON');",
        "CREATE STREAM D AS SELECT K, N FROM S;",
    ],
    "inputs": [{"topic": "s", "key": "a", "value": {"N": 1}}],
    "outputs": [{"topic": "D", "key": "a", "value": {"N": 1}}],
}


def corpus(tmp_path: Path, expected: int) -> Path:
    root = tmp_path / "corpus"
    folder = root / "query-validation-tests"
    folder.mkdir(parents=True, exist_ok=True)
    case = json.loads(json.dumps(PASSING))
    case["outputs"][0]["value"]["N"] = expected
    (folder / "project-filter.json").write_text(json.dumps({"tests": [case]}))
    return root


def test_baseline_grows_and_catches_regressions(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.txt"
    report = tmp_path / "report.json"
    args = ["--corpus", str(corpus(tmp_path, 1)), "--baseline", str(baseline), "--quiet"]
    assert main([*args, "--report", str(report), "--update-baseline"]) == 0
    assert Baseline.load(baseline).ids == {"project-filter.json :: passes"}
    data = json.loads(report.read_text())
    assert data["families"]["project-filter"]["pass_rate"] == 1.0
    assert data["files"]["project-filter.json"]["passed"] == 1
    # The same case now fails: the run fails, and the baseline keeps the case.
    args[1] = str(corpus(tmp_path, 2))
    assert main([*args, "--update-baseline"]) == 1
    assert Baseline.load(baseline).ids == {"project-filter.json :: passes"}


def test_committed_baseline_is_sorted_and_unique(repo_root: Path) -> None:
    path = repo_root / "conformance" / "baseline.txt"
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    assert lines == sorted(set(lines))
    assert all(" :: " in line for line in lines)


@pytest.mark.conformance
@pytest.mark.slow
def test_corpus_baseline_still_passes(corpus: Path, repo_root: Path) -> None:
    baseline = repo_root / "conformance" / "baseline.txt"
    assert main(["--corpus", str(corpus), "--baseline", str(baseline), "--quiet"]) == 0
