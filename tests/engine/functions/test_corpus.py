"""ksqlDB's own corpus cases for functions, read at run time and evaluated by the function library.

Each corpus file about a function family runs every case the library can evaluate by itself
(projections and stream aggregations over JSON or AVRO values); a case fails when a value or an
error message differs from what ksqlDB produced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

FILES = [
    "array-min-max-sort.json",
    "array-set-functions.json",
    "array.json",
    "arraycontains.json",
    "attr.json",
    "average-udaf.json",
    "average.json",
    "bytes-and-strings.json",
    "bytes-lpad-rpad.json",
    "collect-list.json",
    "complex-lambda.json",
    "concat.json",
    "correlation-udaf.json",
    "count-distinct.json",
    "count.json",
    "create_array.json",
    "date.json",
    "datestring.json",
    "datesub.json",
    "elt-field.json",
    "encode.json",
    "explode.json",
    "extract-json-field.json",
    "filter.json",
    "format-time.json",
    "from-days.json",
    "from-unixtime.json",
    "geodistance.json",
    "histogram.json",
    "is_json_string.json",
    "json_array_contains.json",
    "json_array_length.json",
    "json_concat.json",
    "json_records.json",
    "latest-offset-udaf.json",
    "least.json",
    "len.json",
    "math.json",
    "max-group-by.json",
    "md5.json",
    "min-group-by.json",
    "null.json",
    "parse-date.json",
    "reduce-array.json",
    "regex.json",
    "replace.json",
    "split.json",
    "string-lpad-rpad.json",
    "string.json",
    "stringdate.json",
    "stringtimestamp.json",
    "struct-udfs.json",
    "substring.json",
    "sum.json",
    "table-functions.json",
    "time.json",
    "timeadd.json",
    "timestamp-to-string.json",
    "timestamp.json",
    "timestampadd.json",
    "timestampformat.json",
    "timestampsub.json",
    "to_json_string.json",
    "topk-distinct.json",
    "transform-array.json",
    "udf-implicit-cast.json",
    "unix-timestamp.json",
]


@pytest.mark.parametrize("name", FILES)
def test_corpus_file(
    name: str, corpus_cases: Callable[[str], Iterator[dict[str, Any]]], corpus_runner: Any
) -> None:
    outcomes = [(case["name"], corpus_runner.run(case)) for case in corpus_cases(name)]
    failures = [
        f"{case}: {outcome.detail}" for case, outcome in outcomes if outcome.status == "failed"
    ]
    assert not failures, "\n".join(failures)
