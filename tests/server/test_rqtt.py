"""`ksqlmv test` on rest-query-validation-test files: ksqlDB's response matchers, and a run of
a small file of our own against a fresh embedded stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ksqlmv.cli.testing import command
from ksqlmv.server.rqtt import is_rest_file, load_rest_file
from ksqlmv.server.rqtt.responses import ResponseMismatch, check_responses

HEADER = {"header": {"queryId": "transient_X_1", "schema": "`ID` STRING KEY, `N` BIGINT"}}


@pytest.mark.parametrize(
    ("actual", "expected", "ok"),
    [
        (
            [("admin", {"@type": "currentStatus", "x": 1})],
            ({"admin": {"@type": "currentStatus"}},),
            True,
        ),
        ([("admin", {"@type": "streams"})], ({"admin": {"@type": "currentStatus"}},), False),
        (
            [("query", [HEADER])],
            ({"query": [{"header": {"schema": "`ID` STRING KEY, `N` BIGINT"}}]},),
            True,
        ),
        (
            [("query", [HEADER])],
            ({"query": [{"header": {"queryId|starts_with": "transient_"}}]},),
            True,
        ),
        (
            [("query", [HEADER])],
            ({"query": [{"header": {"queryId|starts_with": "query_"}}]},),
            False,
        ),
        (
            [("query", [HEADER, {"row": {"columns": ["b", 2]}}, {"row": {"columns": ["a", 1]}}])],
            ({"query": [HEADER, {"row": {"columns": ["a", 1]}}, {"row": {"columns": ["b", 2]}}]},),
            True,
        ),
        (
            [("query", [HEADER, {"row": {"columns": ["a", 1]}}])],
            ({"query": [HEADER, {"row": {"columns": ["a", 2]}}]},),
            False,
        ),
        ([("query", [HEADER])], ({"query": [HEADER, {"finalMessage": "Limit Reached"}]},), False),
        (
            [("query", [{"row": {"columns": [1.50]}}])],
            ({"query": [{"row": {"columns": [1.5]}}]},),
            True,
        ),
        ([], ({"admin": {}},), False),
    ],
)
def test_response_matchers(actual: list[tuple[str, Any]], expected: Any, ok: bool) -> None:
    if ok:
        check_responses(actual, expected, ("SELECT 1;",))
    else:
        with pytest.raises(ResponseMismatch):
            check_responses(actual, expected, ("SELECT 1;",))


def test_rows_in_order_when_asked() -> None:
    actual = [("query", [{"row": {"columns": [2]}}, {"row": {"columns": [1]}}])]
    expected = ({"query": [{"row": {"columns": [1]}}, {"row": {"columns": [2]}}]},)
    check_responses(actual, expected, ())
    with pytest.raises(ResponseMismatch):
        check_responses(actual, expected, (), verify_order=True)


CASES = {
    "comments": ["written for ksqlmv's own tests"],
    "tests": [
        {
            "name": "pull and push over an aggregate",
            "statements": [
                "CREATE STREAM INPUT (ID STRING KEY, V INT) WITH (kafka_topic='test_topic', "
                "value_format='JSON');",
                "CREATE TABLE AGG AS SELECT ID, COUNT(*) AS N FROM INPUT GROUP BY ID;",
                "SELECT * FROM AGG WHERE ID='a';",
                "SELECT ID, V FROM INPUT EMIT CHANGES LIMIT 1;",
            ],
            "inputs": [
                {"topic": "test_topic", "timestamp": 5, "key": "a", "value": {"V": 1}},
                {"topic": "test_topic", "timestamp": 6, "key": "a", "value": {"V": 2}},
            ],
            "responses": [
                {"admin": {"@type": "currentStatus"}},
                {"admin": {"@type": "currentStatus"}},
                {
                    "query": [
                        {"header": {"schema": "`ID` STRING KEY, `N` BIGINT"}},
                        {"row": {"columns": ["a", 2]}},
                    ]
                },
                {
                    "query": [
                        {"header": {"schema": "`ID` STRING, `V` INTEGER"}},
                        {"row": {"columns": ["a", 1]}},
                        {"finalMessage": "Limit Reached"},
                    ]
                },
            ],
        },
        {
            "name": "insert values reach the topic",
            "statements": [
                "CREATE STREAM T (K STRING KEY, X INT) WITH (kafka_topic='test_topic', "
                "value_format='JSON');",
                "INSERT INTO T (ROWTIME, K, X) VALUES (77, 'k', 3);",
            ],
            "outputs": [{"topic": "test_topic", "timestamp": 77, "key": "k", "value": {"X": 3}}],
            "responses": [{"admin": {"@type": "currentStatus"}}],
        },
        {
            "name": "an expected error",
            "statements": [
                "CREATE STREAM S (K STRING KEY, X INT) WITH (kafka_topic='test_topic', "
                "value_format='JSON');",
                "SELECT * FROM S GROUP BY K;",
            ],
            "expectedError": {
                "type": "io.confluent.ksql.rest.entity.KsqlStatementErrorMessage",
                "message": "Pull queries don't support GROUP BY clauses",
                "status": 400,
            },
        },
        {
            "name": "a wrong expectation fails",
            "statements": [
                "CREATE STREAM S (K STRING KEY) WITH (kafka_topic='test_topic', "
                "value_format='JSON');",
            ],
            "responses": [{"admin": {"@type": "streams"}}],
        },
        {
            "name": "protobuf is skipped",
            "statements": [
                "CREATE STREAM S (K STRING KEY, X INT) WITH (kafka_topic='test_topic', "
                "value_format='PROTOBUF');",
            ],
            "responses": [{"admin": {"@type": "currentStatus"}}],
        },
    ],
}


def test_rest_files_are_recognised(tmp_path: Path) -> None:
    rest = tmp_path / "rest.json"
    rest.write_text(json.dumps(CASES))
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"tests": [{"name": "x", "statements": [], "outputs": []}]}))
    assert is_rest_file(rest) and not is_rest_file(plain)
    loaded = load_rest_file(rest)
    assert [c.name for c in loaded][:2] == [
        "pull and push over an aggregate",
        "insert values reach the topic",
    ]
    assert loaded[2].expected_error is not None
    assert loaded[4].skip_reason() == "needs the PROTOBUF format"


@pytest.mark.integration
@pytest.mark.slow
def test_ksqlmv_test_runs_rest_files_on_a_fresh_stack(tmp_path: Path) -> None:
    rest = tmp_path / "rest.json"
    rest.write_text(json.dumps(CASES))
    result = CliRunner().invoke(command, [str(rest), "--json"])
    report = json.loads(result.output)
    outcome = {case["name"]: (case["status"], case["reason"]) for case in report["cases"]}
    assert outcome["pull and push over an aggregate"] == ("passed", None)
    assert outcome["insert values reach the topic"] == ("passed", None)
    assert outcome["an expected error"] == ("passed", None)
    assert outcome["a wrong expectation fails"][0] == "failed"
    assert outcome["protobuf is skipped"][0] == "skipped"
    assert (report["passed"], report["failed"], report["skipped"]) == (3, 1, 1)
    assert result.exit_code == 1
