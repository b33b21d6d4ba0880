"""A function that fails inside another function's argument (at any depth), or inside STRUCT,
ARRAY or MAP, is NULL there, not the whole expression (the error goes to the processing log), as
in ksqlDB."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        (
            "STRUCT(A := 'moo', B := STRINGTODATE(V, 'yyyyMMdd')) AS X",
            {"X": {"A": "moo", "B": None}},
        ),
        ("ARRAY[LEN(V), STRINGTODATE(V, 'yyyyMMdd')] AS X", {"X": [3, None]}),
        ("MAP('a' := STRINGTODATE(V, 'yyyyMMdd'), 'b' := 1) AS X", {"X": {"a": None, "b": 1}}),
        ("STRINGTODATE(V, 'yyyyMMdd') AS X", {"X": None}),
        (
            "IFNULL(CAST(PARSE_DATE(V, 'yyyy-MM-dd') AS STRING), '1900-01-01') AS X",
            {"X": "1900-01-01"},
        ),
        ("CONCAT('d=', CAST(STRINGTODATE(V, 'yyyyMMdd') AS STRING)) AS X", {"X": "d="}),
    ],
)
def test_a_failing_element_is_null(run_query, engine, select: str, expected: dict) -> None:
    (row,) = run_query("ID INT KEY, V STRING", f"ID, {select}", [{"V": "foo"}])
    assert row == expected
    assert len(engine.processing_log.entries) == 1
