"""Realistic values: people, places, products, devices, prices and random-walk quotes.

`kind: name` and its siblings draw from the fixed word lists in `_words`, so a seed gives the
same data everywhere. Several kinds agree with another field of the same event when given
`from:` (an e-mail address made from the `name`, the country of the `city`, a device of the
`platform`). `price` draws shop prices (log-uniform, with the usual .99 and .49 endings);
`walk` draws a multiplicative random walk per value of another field (a quote per symbol).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ksqlmv.simulate import _words as words
from ksqlmv.simulate._draw import Draw, Generate
from ksqlmv.simulate.avrotypes import TypeInfo
from ksqlmv.simulate.traffic import SpecError

__all__ = ["KINDS", "compile_kind", "compile_price", "compile_walk"]

_COUNTRY_OF_CITY = dict(words.CITIES)
_CITY_NAMES = tuple(city for city, _ in words.CITIES)
_COUNTRIES = tuple(dict.fromkeys(country for _, country in words.CITIES))
_DIAL_CODES = ("31", "49", "33", "34", "44", "1", "39", "46", "45", "47")


def _uuid(draw: Draw) -> str:
    text = f"{draw.rng.getrandbits(128):032x}"
    # Version 4, variant 1, as uuid.uuid4() would set them.
    variant = "89ab"[int(text[16], 16) & 3]
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{variant}{text[17:20]}-{text[20:]}"


def _name(draw: Draw) -> str:
    rng = draw.rng
    return f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"


def _email_from(source: str | None) -> Generate:
    def email(draw: Draw) -> str:
        rng = draw.rng
        name = draw.values.get(source) if source else None
        if not isinstance(name, str) or not name.strip():
            name = _name(draw)
        local = ".".join(part.lower() for part in name.replace("'", "").split())
        return f"{local}{rng.randrange(100)}@{rng.choice(words.EMAIL_DOMAINS)}"

    return email


def _country_from(source: str | None) -> Generate:
    if source is None:
        return lambda draw: draw.rng.choice(_COUNTRIES)
    return lambda draw: _COUNTRY_OF_CITY.get(draw.values.get(source, ""), "ZZ")


def _product_name_from(source: str | None) -> Generate:
    def product_name(draw: Draw) -> str:
        rng = draw.rng
        nouns = words.CATEGORIES.get(draw.values.get(source, "")) if source else None
        noun = rng.choice(nouns or words.PRODUCT_NOUNS)
        return f"{rng.choice(words.PRODUCT_ADJECTIVES)} {noun}"

    return product_name


def _device_from(source: str | None) -> Generate:
    every = tuple(model for models in words.DEVICES.values() for model in models)

    def device(draw: Draw) -> str:
        models = words.DEVICES.get(draw.values.get(source, "")) if source else None
        return draw.rng.choice(models or every)

    return device


def _phone(draw: Draw) -> str:
    rng = draw.rng
    return f"+{rng.choice(_DIAL_CODES)} {rng.randrange(100, 1000)} {rng.randrange(10**6, 10**7)}"


def _constant_kind(generate: Generate) -> Callable[[str | None], Generate]:
    def compile_it(source: str | None) -> Generate:
        if source is not None:
            raise SpecError("this kind does not take from", "from")
        return generate

    return compile_it


def _pick(values: tuple[str, ...]) -> Generate:
    count = len(values)
    return lambda draw: values[int(draw.rng.random() * count)]


#: kind -> compiler taking the `from` field (or None).
KINDS: dict[str, Callable[[str | None], Generate]] = {
    "uuid": _constant_kind(_uuid),
    "name": _constant_kind(_name),
    "first_name": _constant_kind(_pick(words.FIRST_NAMES)),
    "last_name": _constant_kind(_pick(words.LAST_NAMES)),
    "email": _email_from,
    "phone": _constant_kind(_phone),
    "street_address": _constant_kind(
        lambda draw: f"{draw.rng.randrange(1, 300)} {draw.rng.choice(words.STREETS)}"
    ),
    "postcode": _constant_kind(lambda draw: f"{draw.rng.randrange(1000, 100000):05d}"),
    "city": _constant_kind(_pick(_CITY_NAMES)),
    "country": _country_from,
    "company": _constant_kind(
        lambda draw: (
            f"{draw.rng.choice(words.LAST_NAMES)} {draw.rng.choice(words.COMPANY_SUFFIXES)}"
        )
    ),
    "category": _constant_kind(_pick(tuple(words.CATEGORIES))),
    "product_name": _product_name_from,
    "device_model": _device_from,
    "carrier": _constant_kind(_pick(words.CARRIERS)),
    "ipv4": _constant_kind(
        lambda draw: "10." + ".".join(str(draw.rng.randrange(256)) for _ in range(3))
    ),
}


def compile_kind(kind: Any, source: Any, info: TypeInfo) -> Generate:
    """The generator of a realistic `kind` of string, optionally derived from field `source`."""
    if kind not in KINDS:
        raise SpecError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", "kind")
    if info.kind != "string":
        raise SpecError(f"kind makes strings, not {info.describe()}", "kind")
    if source is not None and not isinstance(source, str):
        raise SpecError("from names a field of the same event", "from")
    return KINDS[kind](source)


def _bounds(raw: Any, what: str) -> tuple[float, float]:
    if isinstance(raw, list) and len(raw) == 2:
        raw = {"min": raw[0], "max": raw[1]}
    if not isinstance(raw, dict) or set(raw) != {"min", "max"}:
        raise SpecError(f"{what} is {{min, max}} or [min, max]", what)
    low, high = raw["min"], raw["max"]
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, int | float) or bound <= 0:
            raise SpecError(f"{what} bounds must be positive numbers", what)
    if low >= high:
        raise SpecError(f"{what}: min must be less than max", what)
    return float(low), float(high)


def _rounder(info: TypeInfo, what: str) -> Callable[[float], Any]:
    if info.kind == "decimal":
        scale = info.scale
        return lambda number: Decimal(f"{number:.{scale}f}")
    if info.kind in ("float", "double"):
        return lambda number: round(number, 4)
    raise SpecError(f"{what} makes decimals or floating-point numbers, not {info.describe()}", what)


def compile_price(raw: Any, info: TypeInfo) -> Generate:
    """Shop prices between min and max: log-uniform, mostly ending in .99, .49, .95 or .00."""
    low, high = _bounds(raw, "price")
    rounder = _rounder(info, "price")
    log_low, log_span = math.log(low), math.log(high) - math.log(low)
    endings = (0.99, 0.99, 0.99, 0.49, 0.95, 0.0)

    def price(draw: Draw) -> Any:
        rng = draw.rng
        number = math.floor(math.exp(log_low + rng.random() * log_span)) + rng.choice(endings)
        return rounder(min(max(number, low), high))

    return price


def compile_walk(raw: Any, info: TypeInfo) -> tuple[Generate, str | None]:
    """A random walk per value of field `by`: each step multiplies by exp(drift + volatility·N).

    `start` is the first value of each series (a number, or bounds to draw it from). Returns
    the generator and the field it depends on.
    """
    if not isinstance(raw, Mapping) or set(raw) - {"by", "start", "volatility", "drift"}:
        raise SpecError("walk takes by, start, volatility and drift", "walk")
    by = raw.get("by")
    if by is not None and not isinstance(by, str):
        raise SpecError("by names a field of the same event", "walk.by")
    start = raw.get("start", 100.0)
    if isinstance(start, int | float) and not isinstance(start, bool) and start > 0:
        low = high = float(start)
    else:
        low, high = _bounds(start, "walk.start")
    volatility = raw.get("volatility", 0.001)
    drift = raw.get("drift", 0.0)
    for name, number in (("volatility", volatility), ("drift", drift)):
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise SpecError(f"{name} must be a number", f"walk.{name}")
    if volatility < 0:
        raise SpecError("volatility cannot be negative", "walk.volatility")
    rounder = _rounder(info, "walk")
    floor = 10.0 ** -(info.scale if info.kind == "decimal" else 4)
    series: dict[Any, float] = {}

    def step(draw: Draw) -> Any:
        rng = draw.rng
        name = draw.values.get(by) if by else None
        current = series.get(name)
        if current is None:
            current = low + (high - low) * rng.random()
        else:
            current = max(floor, current * math.exp(drift + volatility * rng.gauss(0.0, 1.0)))
        series[name] = current
        return rounder(current)

    return step, by
