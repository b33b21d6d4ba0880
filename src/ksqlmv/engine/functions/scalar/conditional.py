"""COALESCE, IFNULL and NULLIF, AS_VALUE, and GEO_DISTANCE."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._values import equality_key
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.categories import CONDITIONAL, OTHER
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param, varargs
from ksqlmv.errors import FunctionError
from ksqlmv.sql.types import SqlType

__all__ = ["FUNCTIONS", "geo_distance"]

_T = p.generic("T")
_EARTH_RADIUS = {"km": 6371.0, "mi": 3959.0}
_MILES = ("mi", "mile", "miles")
_KILOMETRES = ("km", "kilometer", "kilometers", "kilometre", "kilometres")


def _coalesce(first: Any, *others: Any) -> Any:
    if first is not None:
        return first
    for value in others:
        if value is not None:
            return value
    return None


def _if_null(value: Any, alternative: Any) -> Any:
    return alternative if value is None else value


def _null_if(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any, Any], Any]:
    first = args[0]
    key = equality_key(first if isinstance(first, SqlType) else None)

    def call(value: Any, other: Any) -> Any:
        if value is None:
            return None
        if key is None:
            return None if value == other else value
        return None if key(value) == key(other) else value

    return call


def _as_value(value: Any) -> Any:
    return value


def geo_distance(
    lat1: float | None,
    lon1: float | None,
    lat2: float | None,
    lon2: float | None,
    units: str | None = "km",
) -> float:
    """Great-circle distance by the haversine formula, in kilometres or miles."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        raise FunctionError("Failed to invoke function GEO_DISTANCE: coordinates are NOT NULL")
    if lat1 < -90 or lat2 < -90 or lat1 > 90 or lat2 > 90:
        raise FunctionError(
            "valid latitude values for GeoDistance function are in the range of -90 to 90 "
            "decimal degrees"
        )
    if lon1 < -180 or lon2 < -180 or lon1 > 180 or lon2 > 180:
        raise FunctionError(
            "valid longitude values for GeoDistance function are in the range of -180 to +180 "
            "decimal degrees"
        )
    radius = _EARTH_RADIUS["km"]
    if units is not None and units.strip():
        unit = units.strip().lower()
        if unit in _MILES:
            radius = _EARTH_RADIUS["mi"]
        elif unit not in _KILOMETRES:
            raise FunctionError(
                "GeoDistance function units parameter must be one of mi, mile, miles, km, "
                "kilometer, kilometers, kilometre or kilometres. Values are case-insensitive."
            )
    delta_lat = math.radians(lat2 - lat1)
    delta_lon = math.radians(lon2 - lon1)
    a = math.sin(delta_lat / 2) ** 2 + math.sin(delta_lon / 2) ** 2 * math.cos(
        math.radians(lat1)
    ) * math.cos(math.radians(lat2))
    return 2 * math.asin(math.sqrt(a)) * radius


_POINTS = (
    param("lat1", p.DOUBLE, "The latitude of the first point in decimal degrees."),
    param("lon1", p.DOUBLE, "The longitude of the first point in decimal degrees."),
    param("lat2", p.DOUBLE, "The latitude of the second point in decimal degrees."),
    param("lon2", p.DOUBLE, "The longitude of the second point in decimal degrees."),
)

FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "AS_VALUE",
        OTHER,
        "Used exclusively in the projection of a query to allow a keycolumn to be copied into "
        "the value schema. Has no affect if used anywhere else.",
        overload([param("keyColumn", _T)], _T, _as_value),
    ),
    scalar(
        "COALESCE",
        CONDITIONAL,
        "Returns first non-null element",
        overload([param("first", _T), varargs("others", _T)], _T, _coalesce),
    ),
    scalar(
        "geo_distance",
        OTHER,
        "Compute the distance between two points on the surface of the earth, according to the "
        'Haversine formula for "great circle distance".',
        overload(
            [
                *_POINTS,
                param("units", p.STRING, "The units for the return value. Either MILES or KM."),
            ],
            p.DOUBLE,
            geo_distance,
            "The 2 input points should be specified as (lat, lon) pairs, measured in decimal "
            'degrees. An optional fifth parameter allows to specify either "MI" (miles) or "KM" '
            "(kilometers) as the desired unit for the output measurement. Default is KM.",
        ),
        overload(
            list(_POINTS),
            p.DOUBLE,
            geo_distance,
            "The 2 input points should be specified as (lat, lon) pairs, measured in decimal "
            "degrees. The distance returned is in kilometers.",
        ),
    ),
    scalar(
        "IFNULL",
        CONDITIONAL,
        "Returns expression if NOT NULL, otherwise the alternative value",
        overload(
            [
                param("expression", _T, "expression to evaluate"),
                param("altValue", _T, "Alternative value"),
            ],
            _T,
            _if_null,
        ),
    ),
    scalar(
        "NULLIF",
        CONDITIONAL,
        "Returns NULL if value1 and value2 are equal. Otherwise it returns value1.",
        overload(
            [param("expr1", _T, "expression 1"), param("expr2", _T, "expression 2")],
            _T,
            _null_if,
            specialize=True,
        ),
    ),
)
