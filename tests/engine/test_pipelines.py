"""Whole queries on the test driver, as test cases of ksqlDB's test format (written here)."""

from __future__ import annotations

from typing import Any

import pytest

from ksqlmv.engine.testing.cases import ExpectedError, RecordSpec, TestCase, WindowSpec
from ksqlmv.engine.testing.executor import run_case

STREAM = (
    "CREATE STREAM PAGEVIEWS (USER_ID STRING KEY, PAGE STRING, DURATION INT) "
    "WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON');"
)
USERS = (
    "CREATE TABLE USERS (USER_ID STRING PRIMARY KEY, REGION STRING) "
    "WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');"
)


def rec(
    topic: str, key: Any, value: Any, ts: int = 0, window: WindowSpec | None = None
) -> RecordSpec:
    return RecordSpec(topic, key, value, ts, window)


CASES: list[TestCase] = [
    TestCase(
        "pipelines",
        "filter and project",
        (
            STREAM,
            "CREATE STREAM LONG_VIEWS AS SELECT USER_ID, PAGE FROM PAGEVIEWS WHERE DURATION > 10;",
        ),
        inputs=(
            rec("pageviews", "u1", {"PAGE": "home", "DURATION": 5}, 1),
            rec("pageviews", "u2", {"PAGE": "cart", "DURATION": 30}, 2),
        ),
        outputs=(rec("LONG_VIEWS", "u2", {"PAGE": "cart"}, 2),),
    ),
    TestCase(
        "pipelines",
        "partition by a value column",
        (STREAM, "CREATE STREAM BY_PAGE AS SELECT PAGE, USER_ID FROM PAGEVIEWS PARTITION BY PAGE;"),
        inputs=(rec("pageviews", "u1", {"PAGE": "home", "DURATION": 5}, 7),),
        outputs=(rec("BY_PAGE", "home", {"USER_ID": "u1"}, 7),),
    ),
    TestCase(
        "pipelines",
        "count per key emits every update",
        (
            STREAM,
            "CREATE TABLE VIEWS AS SELECT USER_ID, COUNT(*) AS N, SUM(DURATION) AS S "
            "FROM PAGEVIEWS GROUP BY USER_ID;",
        ),
        inputs=(
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 5}, 1),
            rec("pageviews", "u1", {"PAGE": "b", "DURATION": 7}, 3),
            rec("pageviews", "u2", {"PAGE": "a", "DURATION": 1}, 2),
        ),
        outputs=(
            rec("VIEWS", "u1", {"N": 1, "S": 5}, 1),
            rec("VIEWS", "u1", {"N": 2, "S": 12}, 3),
            rec("VIEWS", "u2", {"N": 1, "S": 1}, 2),
        ),
    ),
    TestCase(
        "pipelines",
        "tumbling window count",
        (
            STREAM,
            "CREATE TABLE PER_MINUTE AS SELECT USER_ID, COUNT(*) AS N FROM PAGEVIEWS "
            "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY USER_ID;",
        ),
        inputs=(
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 1}, 1_000),
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 1}, 59_000),
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 1}, 61_000),
        ),
        outputs=(
            rec("PER_MINUTE", "u1", {"N": 1}, 1_000, WindowSpec(0, 60_000, "time")),
            rec("PER_MINUTE", "u1", {"N": 2}, 59_000, WindowSpec(0, 60_000, "time")),
            rec("PER_MINUTE", "u1", {"N": 1}, 61_000, WindowSpec(60_000, 120_000, "time")),
        ),
    ),
    TestCase(
        "pipelines",
        "EMIT FINAL emits once a window closes",
        (
            STREAM,
            "CREATE TABLE FINAL_COUNTS AS SELECT USER_ID, COUNT(*) AS N FROM PAGEVIEWS "
            "WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) "
            "GROUP BY USER_ID EMIT FINAL;",
        ),
        inputs=(
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 1}, 1_000),
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 1}, 2_000),
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 1}, 10_000),
        ),
        outputs=(rec("FINAL_COUNTS", "u1", {"N": 2}, 2_000, WindowSpec(0, 10_000, "time")),),
    ),
    TestCase(
        "pipelines",
        "stream-table join sees the table as it was",
        (
            STREAM,
            USERS,
            "CREATE STREAM ENRICHED AS SELECT V.USER_ID, PAGE, REGION "
            "FROM PAGEVIEWS V LEFT JOIN USERS U ON V.USER_ID = U.USER_ID;",
        ),
        inputs=(
            rec("pageviews", "u1", {"PAGE": "a", "DURATION": 1}, 1),
            rec("users", "u1", {"REGION": "eu"}, 2),
            rec("pageviews", "u1", {"PAGE": "b", "DURATION": 1}, 3),
        ),
        outputs=(
            rec("ENRICHED", "u1", {"PAGE": "a", "REGION": None}, 1),
            rec("ENRICHED", "u1", {"PAGE": "b", "REGION": "eu"}, 3),
        ),
    ),
    TestCase(
        "pipelines",
        "aggregation over a table undoes the old row",
        (
            USERS,
            "CREATE TABLE PER_REGION AS SELECT REGION, COUNT(*) AS N FROM USERS GROUP BY REGION;",
        ),
        inputs=(
            rec("users", "u1", {"REGION": "eu"}, 1),
            rec("users", "u2", {"REGION": "eu"}, 2),
            rec("users", "u1", {"REGION": "us"}, 3),
        ),
        outputs=(
            rec("PER_REGION", "eu", {"N": 1}, 1),
            rec("PER_REGION", "eu", {"N": 2}, 2),
            rec("PER_REGION", "eu", {"N": 1}, 3),
            rec("PER_REGION", "us", {"N": 1}, 3),
        ),
    ),
    TestCase(
        "pipelines",
        "an error in a statement is expected",
        (STREAM, "CREATE STREAM X AS SELECT PAGE FROM PAGEVIEWS;"),
        expected_error=ExpectedError(
            "KsqlStatementException", "must include the key column USER_ID"
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pipeline(case: TestCase) -> None:
    result = run_case(case)
    assert result.status == "passed", result.reason


def test_a_wrong_expectation_fails_with_the_difference() -> None:
    case = CASES[0]
    wrong = TestCase(
        case.file,
        case.name,
        case.statements,
        case.inputs,
        (rec("LONG_VIEWS", "u2", {"PAGE": "home"}, 2),),
    )
    result = run_case(wrong)
    assert result.status == "failed"
    assert result.reason is not None and "value differs" in result.reason


def test_cases_needing_protobuf_are_skipped_with_the_reason() -> None:
    case = TestCase(
        "x.json", "p", ("CREATE STREAM S (A INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='PROTOBUF');",)
    )
    result = run_case(case)
    assert (result.status, result.reason) == ("skipped", "needs the PROTOBUF format")
