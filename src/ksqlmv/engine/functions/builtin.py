"""The registry of every built-in function, assembled once from the function modules."""

from __future__ import annotations

import functools

from ksqlmv.engine.functions import table
from ksqlmv.engine.functions.aggregate import collections, distinct, numeric, offset, stats
from ksqlmv.engine.functions.registry import FunctionRegistry
from ksqlmv.engine.functions.scalar import (
    array_sets,
    arrays,
    codes,
    conditional,
    encoding,
    jsonfns,
    maps,
    masking,
    positions,
    regex,
    strings,
    timecalc,
    timeformat,
    trig,
    url,
)
from ksqlmv.engine.functions.scalar import numeric as scalar_numeric
from ksqlmv.engine.functions.signature import FunctionEntry

__all__ = ["BUILTIN_MODULES", "builtin_entries", "builtin_registry"]

BUILTIN_MODULES = (
    scalar_numeric,
    trig,
    strings,
    positions,
    codes,
    masking,
    encoding,
    regex,
    url,
    jsonfns,
    timecalc,
    timeformat,
    arrays,
    array_sets,
    maps,
    conditional,
    table,
    numeric,
    collections,
    offset,
    stats,
    distinct,
)

# The order ksqlDB registers its built-in functions in: its class-path scan yields the annotated
# classes sorted by class name. SHOW FUNCTIONS lists a java.util.HashMap of them, and names that
# share a bucket come out in this order.
_LOAD_ORDER_TEXT = """
COLLECT_LIST COLLECT_SET ATTR AVG CORRELATION COUNT_DISTINCT COUNT HISTOGRAM MAX MIN
EARLIEST_BY_OFFSET LATEST_BY_OFFSET STDDEV_SAMP STDDEV_SAMPLE SUM_LIST SUM TOPK TOPKDISTINCT
AS_VALUE ARRAY_CONCAT ARRAY_DISTINCT ARRAY_EXCEPT ARRAY_INTERSECT ARRAY_JOIN ARRAY_LENGTH
ARRAY_MAX ARRAY_MIN ARRAY_REMOVE ARRAY_SORT ARRAY_UNION ENTRIES GENERATE_SERIES
BIGINT_FROM_BYTES DOUBLE_FROM_BYTES INT_FROM_BYTES CONVERT_TZ DATEADD DATESUB DATETOSTRING
FORMAT_DATE FORMAT_TIME FORMAT_TIMESTAMP FROM_DAYS FROM_UNIXTIME PARSE_DATE PARSE_TIME
PARSE_TIMESTAMP STRINGTODATE STRINGTOTIMESTAMP TIMEADD TIMESUB TIMESTAMPADD TIMESTAMPSUB
TIMESTAMPTOSTRING UNIX_DATE UNIX_TIMESTAMP GEO_DISTANCE IS_JSON_STRING JSON_ARRAY_CONTAINS
JSON_ARRAY_LENGTH JSON_CONCAT EXTRACTJSONFIELD JSON_ITEMS JSON_KEYS JSON_RECORDS TO_JSON_STRING
FILTER REDUCE TRANSFORM ARRAY_CONTAINS SLICE AS_MAP MAP_KEYS MAP_UNION MAP_VALUES ABS ACOS ASIN
ATAN ATAN2 CBRT CEIL COS COSH COT DEGREES EXP FLOOR GREATEST LEAST LN LOG PI POWER RADIANS
RANDOM ROUND SIGN SIN SINH SQRT TAN TANH TRUNC COALESCE IFNULL NULLIF CHR CONCAT CONCAT_WS ELT
ENCODE FIELD FROM_BYTES INITCAP INSTR LCASE LPAD LEN MD5 MASK MASK_KEEP_LEFT MASK_KEEP_RIGHT
MASK_LEFT MASK_RIGHT RPAD REGEXP_EXTRACT REGEXP_EXTRACT_ALL REGEXP_REPLACE REGEXP_SPLIT_TO_ARRAY
REPLACE SPLIT SPLIT_TO_MAP SUBSTRING TO_BYTES TRIM UCASE UUID URL_DECODE_PARAM URL_ENCODE_PARAM
URL_EXTRACT_FRAGMENT URL_EXTRACT_HOST URL_EXTRACT_PARAMETER URL_EXTRACT_PATH URL_EXTRACT_PORT
URL_EXTRACT_PROTOCOL URL_EXTRACT_QUERY CUBE_EXPLODE EXPLODE
"""
_LOAD_ORDER = {name: position for position, name in enumerate(_LOAD_ORDER_TEXT.split())}


def builtin_entries() -> tuple[FunctionEntry, ...]:
    """Every built-in function entry, in ksqlDB's registration order."""
    entries = [entry for module in BUILTIN_MODULES for entry in module.FUNCTIONS]
    return tuple(
        sorted(entries, key=lambda entry: _LOAD_ORDER.get(entry.name.upper(), len(_LOAD_ORDER)))
    )


@functools.cache
def builtin_registry() -> FunctionRegistry:
    """The registry of ksqlDB's built-in functions (built once, then shared; read-only)."""
    return FunctionRegistry(builtin_entries())
