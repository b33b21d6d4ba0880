"""`ksqlmv test`: ksqlDB test files run from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ksqlmv.cli import cli

CREATE_S = "CREATE STREAM S (K STRING KEY, N INT) WITH (kafka_topic='s', value_format='JSON');"
CASES = {
    "tests": [
        {
            "name": "doubles",
            "statements": [
                CREATE_S,
                "CREATE STREAM D AS SELECT K, N * 2 AS N2 FROM S;",
            ],
            "inputs": [{"topic": "s", "key": "a", "value": {"N": 2}}],
            "outputs": [{"topic": "D", "key": "a", "value": {"N2": 4}}],
        },
        {
            "name": "wrong expectation",
            "statements": [
                CREATE_S,
                "CREATE STREAM D AS SELECT K, N * 2 AS N2 FROM S;",
            ],
            "inputs": [{"topic": "s", "key": "a", "value": {"N": 2}}],
            "outputs": [{"topic": "D", "key": "a", "value": {"N2": 5}}],
        },
        {
            "name": "protobuf",
            "statements": [
                "CREATE STREAM P (K STRING KEY) WITH (kafka_topic='p', format='PROTOBUF');"
            ],
        },
    ]
}


def write_cases(tmp_path: Path) -> Path:
    text = json.dumps(CASES, indent=2).replace(
        '"name": "wrong expectation",',
        '"name": "wrong expectation", // a comment\n /* and another */',
    )
    path = tmp_path / "cases.json"
    path.write_text(text)
    return path


def test_json_report_and_exit_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["test", "--json", str(write_cases(tmp_path))])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert (report["passed"], report["failed"], report["skipped"]) == (1, 1, 1)
    statuses = {c["name"]: (c["status"], c["reason"] is None) for c in report["cases"]}
    assert statuses == {
        "doubles": ("passed", True),
        "wrong expectation": ("failed", False),
        "protobuf": ("skipped", False),
    }


def test_text_report_and_runner_directory(tmp_path: Path) -> None:
    folder = tmp_path / "runner"
    folder.mkdir()
    (folder / "statements.sql").write_text(
        "CREATE STREAM S (K STRING KEY, N INT) WITH (kafka_topic='s', value_format='JSON');\n"
        "CREATE STREAM D AS SELECT K, N + 1 AS N1 FROM S;\n"
    )
    (folder / "input.json").write_text(
        json.dumps({"inputs": [{"topic": "s", "key": "a", "value": {"N": 1}}]})
    )
    (folder / "output.json").write_text(
        json.dumps({"outputs": [{"topic": "D", "key": "a", "value": {"N1": 2}}]})
    )
    result = CliRunner().invoke(cli, ["test", str(folder)])
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed, 0 skipped" in result.output
