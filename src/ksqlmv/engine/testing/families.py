"""Families of ksqlDB's test files: the groups of behaviour the project's issues measure.

The stateless families (issue 5) are projections and filters, PARTITION BY, INSERT INTO,
expressions and operators, scalar functions, serialization, headers, system columns and table
functions; issue 6 adds aggregates, windows and tables; issue 7 the joins. A file not listed
here belongs to the family `other`.
"""

from __future__ import annotations

__all__ = ["FAMILIES", "ISSUE_FAMILIES", "family_of"]

FAMILIES: dict[str, tuple[str, ...]] = {
    "project-filter": (
        "project-filter", "select", "null", "identifiers", "as_value", "create-type",
        "drop_source", "asserts", "source-stream", "sink-partitions-replicas", "literals",
        "quoted-identifiers", "where", "multi-col-keys", "sink-topic-naming",
        "timestamp-extractor", "timestampformat", "magic-timestamp-conversion",
    ),
    "partition-by": ("partition-by",),
    "insert-into": ("insert-into",),
    "expressions": (
        "binary-arithmetic", "binary-comparison", "cast", "comparison-expression",
        "floating-point", "in", "math", "operators", "udf-implicit-cast", "udf", "least",
        "greatest", "geodistance", "between", "case-expression", "like",
    ),
    "serialization": (
        "avro", "delimited", "decimal", "elements", "formats", "json", "kafka", "key-schemas",
        "serdes", "simple-struct", "select-struct-all", "more-complex-struct",
        "multiple-avro-maps", "none", "bytes", "protobuf", "json_sr",
    ),
    "headers": ("headers",),
    "system-columns": ("system-columns", "row-offset-and-partition"),
    "table-functions": ("table-functions", "explode", "cube"),
    "aggregates": (
        "group-by", "count", "count-distinct", "sum", "average", "average-udaf",
        "max-group-by", "min-group-by", "collect-list", "collect-set", "topk-group-by",
        "topk-distinct", "histogram", "latest-offset-udaf", "earliest-offset-udaf",
        "standarddeviation", "correlation-udaf", "attr", "having",
    ),
    "windows": (
        "tumbling-windows", "hopping-windows", "session-windows", "window-bounds",
        "windowed-source", "suppress",
    ),
    "tables": ("table", "source-table"),
    "joins": (
        "joins", "fk-join", "fk-n-way-join", "table-table-join", "stream-table-join",
        "join-with-custom-timestamp", "multi-joins",
    ),
    "scalar-functions": (
        "array-min-max-sort", "array-set-functions", "array", "arraycontains", "arrayindex",
        "bytes-and-strings", "bytes-lpad-rpad", "complex-lambda", "concat", "create-struct",
        "create_array", "create_map", "date", "datestring", "datesub", "elt-field", "encode",
        "extract-json-field", "filter", "format-time", "from-days", "from-unixtime",
        "is_json_string", "json_array_contains", "json_array_length", "json_concat",
        "json_records", "len", "md5", "parse-date", "reduce-array", "regex", "replace", "split",
        "string-lpad-rpad", "string", "stringdate", "stringtimestamp", "struct-udfs",
        "substring", "time", "timeadd", "timestamp-to-string", "timestamp", "timestampadd",
        "timestampsub", "to_json_string", "transform-array", "unix-timestamp", "transform-map",
        "reduce-map", "map", "slice", "url", "instr", "initcap", "chr", "mask",
    ),
    "custom-udafs": (
        "udaf", "test-custom-udaf", "variadic-udaf", "generic-variadic-udaf",
        "middle-variadic-udaf", "multi-arg-udaf", "obj-var-col-arg-udaf",
    ),
}

# Which issue each family's target belongs to.
ISSUE_FAMILIES: dict[str, tuple[str, ...]] = {
    "stateless (issue 5)": (
        "project-filter", "partition-by", "insert-into", "expressions", "scalar-functions",
        "serialization", "headers", "system-columns", "table-functions",
    ),
    "state (issue 6)": ("aggregates", "windows", "tables"),
    "joins (issue 7)": ("joins",),
}

_BY_FILE = {name: family for family, names in FAMILIES.items() for name in names}


def family_of(file_name: str) -> str:
    """The family of a test file (`group-by.json` → `aggregates`), or `other`."""
    stem = file_name[:-5] if file_name.endswith(".json") else file_name
    return _BY_FILE.get(stem, "other")
