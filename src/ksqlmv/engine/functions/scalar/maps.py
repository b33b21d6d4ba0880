"""Map functions (AS_MAP, MAP_KEYS, MAP_VALUES, MAP_UNION) and the lambda functions TRANSFORM,
FILTER and REDUCE over arrays and maps.

Lambdas arrive as Python callables. As in ksqlDB, a map built by TRANSFORM or FILTER refuses
duplicate keys and NULL values (Java's `Collectors.toMap`), and a FILTER predicate that returns
NULL fails the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import java_string
from ksqlmv.engine.functions.categories import LAMBDA, MAP
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS"]

_T, _K, _V, _R, _S = (p.generic(name) for name in "TKVRS")


def _as_map(keys: list[str] | None, values: list[Any] | None) -> dict[str, Any] | None:
    if keys is None or values is None:
        return None
    return {key: values[i] if i < len(values) else None for i, key in enumerate(keys)}


def _keys(values: dict[str, Any] | None) -> list[str] | None:
    return None if values is None else list(values)


def _values(values: dict[str, Any] | None) -> list[Any] | None:
    return None if values is None else list(values.values())


def _union(first: dict[str, Any] | None, second: dict[str, Any] | None) -> dict[str, Any] | None:
    if first is None and second is None:
        return None
    return {**(first or {}), **(second or {})}


def _to_map(entries: list[tuple[Any, Any]]) -> dict[Any, Any]:
    """Java's `Collectors.toMap`: no NULL values, no duplicate keys."""
    result: dict[Any, Any] = {}
    for key, value in entries:
        if value is None:
            raise FunctionError("java.lang.NullPointerException: a map value is NULL")
        if key in result:
            raise FunctionError(
                f"Duplicate key {java_string(key)} (attempted merging values "
                f"{java_string(result[key])} and {java_string(value)})"
            )
        result[key] = value
    return result


def _transform_array(values: list[Any] | None, function: Callable[[Any], Any] | None) -> Any:
    if values is None or function is None:
        return None
    return [function(value) for value in values]


def _transform_map(
    values: dict[Any, Any] | None,
    key_function: Callable[[Any, Any], Any] | None,
    value_function: Callable[[Any, Any], Any] | None,
) -> Any:
    if values is None or key_function is None or value_function is None:
        return None
    return _to_map([(key_function(k, v), value_function(k, v)) for k, v in values.items()])


def _keep(result: Any) -> bool:
    if result is None:
        raise FunctionError("java.lang.NullPointerException: the FILTER lambda returned NULL")
    return bool(result)


def _filter_array(values: list[Any] | None, function: Callable[[Any], Any] | None) -> Any:
    if values is None or function is None:
        return None
    return [value for value in values if _keep(function(value))]


def _filter_map(values: dict[Any, Any] | None, function: Callable[[Any, Any], Any] | None) -> Any:
    if values is None or function is None:
        return None
    return _to_map([(k, v) for k, v in values.items() if _keep(function(k, v))])


def _reduce_array(
    values: list[Any] | None, state: Any, function: Callable[[Any, Any], Any] | None
) -> Any:
    if state is None or function is None:
        return None
    if values is None:
        return state
    for value in values:
        state = function(state, value)
    return state


def _reduce_map(
    values: dict[Any, Any] | None, state: Any, function: Callable[[Any, Any, Any], Any] | None
) -> Any:
    if state is None or function is None:
        return None
    if values is None:
        return state
    for key, value in values.items():
        state = function(state, key, value)
    return state


FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "AS_MAP",
        MAP,
        "Construct a list based on some inputs",
        overload(
            [param("keys", p.array(p.STRING)), param("values", p.array(_T))],
            p.map_of(p.STRING, _T),
            _as_map,
        ),
    ),
    scalar(
        "map_keys",
        MAP,
        "Returns an array of all the keys from the specified map, or NULL if the input map is "
        "NULL.",
        overload([param("input", p.map_of(p.STRING, _T))], p.array(p.STRING), _keys),
        author="",
    ),
    scalar(
        "map_union",
        MAP,
        "Returns a new map containing the union of all entries from both input maps. If a key is "
        "present in both input maps then the value from map2 is the one which appears in the "
        "result. Returns NULL if all of the input maps are NULL.",
        overload(
            [
                param("map1", p.map_of(p.STRING, _T), "first map to union"),
                param("map2", p.map_of(p.STRING, _T), "second map to union"),
            ],
            p.map_of(p.STRING, _T),
            _union,
        ),
        author="",
    ),
    scalar(
        "map_values",
        MAP,
        "Returns an array of all the values from the specified map, or NULL if the input map is "
        "NULL.",
        overload([param("input", p.map_of(p.STRING, _T))], p.array(_T), _values),
        author="",
    ),
    scalar(
        "filter",
        LAMBDA,
        "Filter the input collection through a given lambda function. The filtered collection is "
        "returned.",
        overload(
            [
                param("array", p.array(_T), "The array"),
                param("function", p.lam(_T, returns=p.BOOLEAN), "The lambda function"),
            ],
            p.array(_T),
            _filter_array,
            "When filtering an array, the function provided must have a boolean result. The "
            "function is applied to each value in the array and a filtered array is returned.",
        ),
        overload(
            [
                param("map", p.map_of(_K, _V), "The map"),
                param("biFunction", p.lam(_K, _V, returns=p.BOOLEAN), "The lambda function"),
            ],
            p.map_of(_K, _V),
            _filter_map,
            "When filtering a map, the function provided must have a boolean result. For each map "
            "entry, the function will be applied to the key and value arguments in that order. "
            "The filtered map is returned.",
        ),
    ),
    scalar(
        "reduce",
        LAMBDA,
        "Reduce the input collection down to a single value using an initial state and a "
        "function. The initial state (s) is passed into the scope of the function. Each "
        "invocation returns a new value for s, which the next invocation will receive. The final "
        "value for s is returned.",
        overload(
            [
                param("list", p.array(_T), "The array."),
                param("initialState", _S, "The initial state."),
                param("biFunction", p.lam(_S, _T, returns=_S), "The reduce function."),
            ],
            _S,
            _reduce_array,
            "When reducing an array, the reduce function must have two arguments. The two "
            "arguments for the reduce function are in order: the state and the array item. The "
            "final state is returned.",
        ),
        overload(
            [
                param("map", p.map_of(_K, _V), "The map."),
                param("initialState", _S, "The initial state."),
                param("triFunction", p.lam(_S, _K, _V, returns=_S), "The reduce function."),
            ],
            _S,
            _reduce_map,
            "When reducing a map, the reduce function must have three arguments. The three "
            "arguments for the reduce function are in order: the state, the key, and the value. "
            "The final state is returned.",
        ),
    ),
    scalar(
        "transform",
        LAMBDA,
        "Apply a function to each element in a collection. The transformed collection is returned.",
        overload(
            [
                param("array", p.array(_T), "The array"),
                param("function", p.lam(_T, returns=_R), "The lambda function"),
            ],
            p.array(_R),
            _transform_array,
            "When transforming an array, the function provided must have two arguments. The two "
            "arguments for each function are in order: the key and then the value. The "
            "transformed array is returned.",
        ),
        overload(
            [
                param("map", p.map_of(_K, _V), "The map"),
                param("biFunction1", p.lam(_K, _V, returns=_R), "The key lambda function"),
                param("biFunction2", p.lam(_K, _V, returns=_T), "The value lambda function"),
            ],
            p.map_of(_R, _T),
            _transform_map,
            "When transforming a map, two functions must be provided. For each map entry, the "
            "first function provided will be applied to the key and the second one applied to the "
            "value. Each function must have two arguments. The two arguments for each function "
            "are in order: the key and then the value. The transformed map is returned.",
        ),
    ),
)
