"""Cases that call a function the engine's library (every function of ksqlDB's product) does
not have are skipped as needing ksqlDB's test-only UDFs; other errors still fail, and a case that
expects the unknown-function error still passes."""

from __future__ import annotations

import json
from pathlib import Path

from ksqlmv.engine.testing.cases import load_qtt_file
from ksqlmv.engine.testing.executor import run_case

STREAM = "CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');"


def _run(tmp_path: Path, *tests: dict[str, object]) -> list[tuple[str, str | None]]:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"tests": list(tests)}))
    return [(r.status, r.reason) for r in map(run_case, load_qtt_file(path))]


def test_unknown_functions_skip_and_other_errors_fail(tmp_path: Path) -> None:
    found = _run(
        tmp_path,
        {
            "name": "test udf",
            "statements": [STREAM, "CREATE STREAM O AS SELECT K, test_udf(V) AS X FROM S;"],
            "inputs": [],
            "outputs": [],
        },
        {
            "name": "test udtf",
            "statements": [STREAM, "CREATE STREAM O AS SELECT K, test_udtf(V) FROM S;"],
            "inputs": [],
            "outputs": [],
        },
        {
            "name": "unknown column",
            "statements": [STREAM, "CREATE STREAM O AS SELECT K, W FROM S;"],
            "inputs": [],
            "outputs": [],
        },
        {
            "name": "expected",
            "statements": [STREAM, "CREATE STREAM O AS SELECT K, nope(V) FROM S;"],
            "expectedException": {"message": "Can't find any functions with the name 'NOPE'"},
        },
    )
    assert found[0] == ("skipped", "calls TEST_UDF, one of ksqlDB's test-only functions")
    assert found[1] == ("skipped", "calls TEST_UDTF, one of ksqlDB's test-only functions")
    assert found[2][0] == "failed"
    assert found[3] == ("passed", None)
