"""Overload resolution follows ksqlDB's UdfIndex: exact first, then implicit casts, then ranking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ksqlmv.engine.functions import FunctionRegistry, LambdaArg
from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import param, varargs
from ksqlmv.errors import AnalysisError
from ksqlmv.sql.types import (
    BIGINT,
    DOUBLE,
    INTEGER,
    STRING,
    ArrayType,
    DecimalType,
    MapType,
    SqlType,
)

# (function, argument types, expected return type) from ksqlDB's corpus and reference
RESOLVED = [
    ("ABS", [INTEGER], INTEGER),
    ("abs", [DecimalType(5, 2)], DecimalType(5, 2)),
    ("ROUND", [DecimalType(5, 2)], DecimalType(3, 0)),
    ("ROUND", [DecimalType(5, 2), INTEGER], DecimalType(5, 2)),
    ("ROUND", [INTEGER], BIGINT),
    ("SQRT", [INTEGER], DOUBLE),
    ("LEAST", [INTEGER, INTEGER, INTEGER, None, INTEGER], INTEGER),
    ("LEAST", [DecimalType(12, 2), DecimalType(6, 5)], DecimalType(15, 5)),
    ("LEAST", [INTEGER, BIGINT, DecimalType(50, 30), DOUBLE, None], DOUBLE),
    ("GREATEST", [STRING, STRING], STRING),
]


@pytest.mark.parametrize(("name", "args", "expected"), RESOLVED)
def test_return_types(
    registry: FunctionRegistry, name: str, args: list[SqlType | None], expected: SqlType
) -> None:
    assert registry.resolve(name, args).return_type == expected


# (function, argument types, the start of ksqlDB's error message)
REFUSED = [
    (
        "least",
        [INTEGER, BIGINT],
        "Function 'least' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).",
    ),
    (
        "least",
        [INTEGER, BIGINT, DecimalType(50, 30)],
        "Function 'least' cannot be resolved due to ambiguous method parameters "
        "(INTEGER, BIGINT, DECIMAL(50, 30)).",
    ),
    (
        "least",
        [None, None, None, None],
        "Function 'least' cannot be resolved due to ambiguous method parameters "
        "(null, null, null, null).",
    ),
    ("least", [], "Function 'least' does not accept parameters ()."),
    ("least", [STRING, INTEGER], "Function 'least' does not accept parameters (STRING, INTEGER)."),
    ("WONT_FIND_ME", [], "Can't find any functions with the name 'WONT_FIND_ME'"),
]


@pytest.mark.parametrize(("name", "args", "message"), REFUSED)
def test_errors(
    registry: FunctionRegistry, name: str, args: list[SqlType | None], message: str
) -> None:
    with pytest.raises(AnalysisError) as caught:
        registry.resolve(name, args)
    assert str(caught.value).startswith(message)


def test_error_lists_alternatives_in_ksqldb_order(registry: FunctionRegistry) -> None:
    with pytest.raises(AnalysisError) as caught:
        registry.resolve("least", [STRING, INTEGER])
    lines = str(caught.value).split("\n")
    assert lines[1] == "Valid alternatives are:"
    assert lines[2] == "LEAST(INT val, INT... vals)"
    assert (
        lines[-1]
        == "For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;"
    )


def test_implicit_casts_convert_arguments(registry: FunctionRegistry) -> None:
    call = registry.resolve("LEAST", [INTEGER, BIGINT, DecimalType(50, 30), DOUBLE, None])
    assert call.bound()(1, 2, Decimal("-3.5"), 4.0, None) == -3.5
    assert call.bound()(1, 2, Decimal("3.5"), 4.0, None) == 1.0


def _one(name: str, *variants_args: tuple[list[p.ParamType], bool]) -> FunctionRegistry:
    variants = []
    for index, (types, variadic) in enumerate(variants_args):
        params = [param(f"p{i}", kind) for i, kind in enumerate(types)]
        if variadic:
            params[-1] = varargs(params[-1].name, types[-1])
        variants.append(overload(params, p.STRING, lambda *_, i=index: f"v{i}", f"v{index}"))
    return FunctionRegistry([scalar(name, "OTHER", "test", *variants)])


# signature sets and calls from ksqlDB's UdfIndex rules; expected: index of the overload chosen
CHOICES = [
    # a fixed arity beats varargs for NULL arguments
    ([([p.STRING], False), ([p.STRING], True)], [None], 0),
    # fewer type variables win
    (
        [([p.INT, p.generic("A"), p.INT], False), ([p.INT, p.generic("A"), p.generic("B")], False)],
        [INTEGER, INTEGER, INTEGER],
        0,
    ),
    # more parameters win between two varargs overloads
    ([([p.STRING], True), ([p.STRING, p.STRING], True)], [STRING, STRING, STRING], 1),
    # an exact match beats one needing a cast
    ([([p.BIGINT], False), ([p.INT], False)], [INTEGER], 1),
    # a cast is found when nothing matches exactly
    ([([p.DOUBLE], False)], [INTEGER], 0),
    # a type variable binds once: ARRAY<T> and T must agree
    ([([p.array(p.generic("T")), p.generic("T")], False)], [ArrayType(STRING), STRING], 0),
]


@pytest.mark.parametrize(("signatures", "args", "expected"), CHOICES)
def test_overload_choice(
    signatures: list[tuple[list[p.ParamType], bool]], args: list[SqlType | None], expected: int
) -> None:
    registry = _one("F", *signatures)
    assert registry.resolve("F", args).function() == f"v{expected}"


def test_generic_mismatch_is_refused() -> None:
    registry = _one("F", ([p.array(p.generic("T")), p.generic("T")], False))
    with pytest.raises(AnalysisError, match="does not accept parameters"):
        registry.resolve("F", [ArrayType(STRING), INTEGER])


def test_ambiguous_casts_are_refused() -> None:
    registry = _one("F", ([p.BIGINT, p.BIGINT], False), ([p.DOUBLE, p.DOUBLE], False))
    with pytest.raises(AnalysisError, match=r"ambiguous method parameters \(INTEGER, BIGINT\)"):
        registry.resolve("F", [INTEGER, BIGINT])


def test_lambda_parameter_types_come_from_other_arguments(registry: FunctionRegistry) -> None:
    if "TRANSFORM" not in registry:
        pytest.skip("lambdas not registered")
    inputs = registry.lambda_types(
        "TRANSFORM", [MapType(STRING, INTEGER), LambdaArg(2), LambdaArg(2)]
    )
    assert inputs == (None, (STRING, INTEGER), (STRING, INTEGER))
