"""What SHOW FUNCTIONS and DESCRIBE FUNCTION report, and that every function module is registered.

The orders below are java.util.HashMap iteration orders, checked on OpenJDK 17 by filling a
HashMap with the names in ksqlDB's registration order.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from ksqlmv.engine.functions import FunctionKind, FunctionRegistry, aggregate, scalar
from ksqlmv.engine.functions.builtin import _LOAD_ORDER, BUILTIN_MODULES, builtin_entries
from ksqlmv.errors import AnalysisError


def test_every_function_module_is_registered() -> None:
    found = []
    for package in (scalar, aggregate):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if hasattr(module, "FUNCTIONS"):
                found.append(module)
    missing = [m.__name__ for m in found if m not in BUILTIN_MODULES]
    assert not missing


def test_registration_order_names_every_function_once() -> None:
    names = [entry.name.upper() for entry in builtin_entries()]
    assert len(names) == len(set(names)) == 149
    assert set(names) == set(_LOAD_ORDER)


def test_counts_by_kind(registry: FunctionRegistry) -> None:
    listed = registry.list_functions()
    counts = {kind: sum(1 for f in listed if f.type is kind) for kind in FunctionKind}
    assert counts == {FunctionKind.SCALAR: 129, FunctionKind.TABLE: 2, FunctionKind.AGGREGATE: 18}


def test_show_functions_lists_scalar_then_table_then_aggregate(registry: FunctionRegistry) -> None:
    kinds = [f.type for f in registry.list_functions()]
    assert kinds == sorted(
        kinds, key=[FunctionKind.SCALAR, FunctionKind.TABLE, FunctionKind.AGGREGATE].index
    )


def test_show_functions_order_is_hashmap_order(registry: FunctionRegistry) -> None:
    listed = registry.list_functions()
    scalars = [f.name for f in listed if f.type is FunctionKind.SCALAR]
    assert scalars[:12] == [
        "GENERATE_SERIES",
        "CONVERT_TZ",
        "ARRAY_MAX",
        "TRIM",
        "MAP_KEYS",
        "LEAST",
        "SQRT",
        "AS_MAP",
        "FORMAT_DATE",
        "STRINGTODATE",
        "FROM_UNIXTIME",
        "NULLIF",
    ]
    # same bucket: registered (class name) order, not alphabetical
    assert scalars.index("EXTRACTJSONFIELD") < scalars.index("UCASE")
    assert [f.name for f in listed if f.type is FunctionKind.AGGREGATE] == [
        "SUM_LIST",
        "MAX",
        "EARLIEST_BY_OFFSET",
        "LATEST_BY_OFFSET",
        "CORRELATION",
        "HISTOGRAM",
        "SUM",
        "TOPKDISTINCT",
        "COLLECT_LIST",
        "ATTR",
        "COLLECT_SET",
        "TOPK",
        "AVG",
        "COUNT_DISTINCT",
        "STDDEV_SAMP",
        "MIN",
        "COUNT",
        "STDDEV_SAMPLE",
    ]
    assert [f.name for f in listed if f.type is FunctionKind.TABLE] == ["EXPLODE", "CUBE_EXPLODE"]


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("substring", "STRING"),
        ("abs", "MATHEMATICAL"),
        ("explode", "TABLE"),
        ("count", "AGGREGATE"),
        ("transform", "LAMBDA"),
        ("url_extract_host", "URL"),
        ("parse_timestamp", "DATE / TIME"),
        ("extractjsonfield", "JSON"),
    ],
)
def test_categories(registry: FunctionRegistry, name: str, category: str) -> None:
    assert registry.describe(name).category == category


def test_describe_lists_variants_with_their_parameters(registry: FunctionRegistry) -> None:
    described = registry.describe("Substring")
    assert described.name == "SUBSTRING"
    assert described.type is FunctionKind.SCALAR
    assert described.author == "Confluent"
    assert described.path == "internal"
    signatures = {
        (tuple((a.name, a.type) for a in v.arguments), v.return_type) for v in described.variants
    }
    assert signatures == {
        ((("str", "VARCHAR"), ("pos", "INT")), "VARCHAR"),
        ((("str", "VARCHAR"), ("pos", "INT"), ("length", "INT")), "VARCHAR"),
        ((("bytes", "BYTES"), ("pos", "INT")), "BYTES"),
        ((("bytes", "BYTES"), ("pos", "INT"), ("length", "INT")), "BYTES"),
    }


def test_describe_shows_variadic_parameters_by_element_type(registry: FunctionRegistry) -> None:
    variants = registry.describe("CONCAT").variants
    assert {(v.arguments[0].type, v.arguments[0].is_variadic) for v in variants} == {
        ("VARCHAR", True),
        ("BYTES", True),
    }


def test_describe_table_function(registry: FunctionRegistry) -> None:
    described = registry.describe("EXPLODE")
    assert described.type is FunctionKind.TABLE
    assert [(v.arguments[0].type, v.return_type) for v in described.variants] == [
        ("ARRAY<DECIMAL>", "DECIMAL"),
        ("ARRAY<T>", "T"),
    ]


def test_describe_aggregate(registry: FunctionRegistry) -> None:
    described = registry.describe("topk")
    assert described.type is FunctionKind.AGGREGATE
    first = {v.arguments[0].type for v in described.variants}
    assert {"INT", "BIGINT", "DOUBLE", "VARCHAR"} <= first


def test_describe_unknown_function(registry: FunctionRegistry) -> None:
    with pytest.raises(AnalysisError, match="Can't find any functions with the name 'nope'"):
        registry.describe("nope")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ucase", FunctionKind.SCALAR),
        ("EXPLODE", FunctionKind.TABLE),
        ("Latest_By_Offset", FunctionKind.AGGREGATE),
        ("not_a_function", None),
    ],
)
def test_kind_lookup_ignores_case(
    registry: FunctionRegistry, name: str, kind: FunctionKind
) -> None:
    assert registry.kind(name) is kind
    assert registry.is_aggregate(name) is (kind is FunctionKind.AGGREGATE)
    assert registry.is_table_function(name) is (kind is FunctionKind.TABLE)
