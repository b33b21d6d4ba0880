"""CAST from STRING to DATE, TIME and TIMESTAMP: ksqlDB's text forms, partials included.

CAST and the implicit casts of function arguments share one reading of these texts
(`ksqlmv.engine.functions.conversions`); Java's `String.split` drops trailing empty parts, so
`'2020-'` is completed to `'2020--01-01'`, which does not parse (NULL, as in ksqlDB).
"""

from __future__ import annotations

import pytest

CASES = [
    ("DATE", "2020-05-26", 18408),
    ("DATE", "2020-05", 18383),
    ("DATE", "2020", 18262),
    ("DATE", "2020-", None),
    ("DATE", "2020-05-", None),
    ("DATE", " 2020-05-26 ", 18408),
    ("TIMESTAMP", "2020-05-26T23:59:58.000+0200", 1590530398000),
    ("TIMESTAMP", "2020-05-26T23:59:58Z", 1590537598000),
    ("TIMESTAMP", "2020-05-26T23:59", 1590537540000),
    ("TIMESTAMP", "2020-05", 1588291200000),
    ("TIMESTAMP", "2020-", None),
    ("TIME", "01:34:20.123", "01:34:20"),  # ksqlDB prints TIME in whole seconds
    ("TIME", "01:34", "01:34"),
    ("TIME", "1:34", None),
]


@pytest.mark.parametrize(("target", "text", "expected"), CASES)
def test_cast_from_text(run_query, target: str, text: str, expected: int | str | None) -> None:
    unit = {"DATE": "UNIX_DATE", "TIMESTAMP": "UNIX_TIMESTAMP", "TIME": ""}[target]
    cast = f"CAST(T AS {target})"
    expression = f"{unit}({cast})" if unit else f"CAST({cast} AS STRING)"
    (row,) = run_query("ID INT KEY, T STRING", f"ID, {expression} AS V", [{"T": text}])
    assert row is not None
    assert row["V"] == expected
