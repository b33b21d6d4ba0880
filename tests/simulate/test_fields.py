"""Field specs beyond arg.properties: constants, sequences, realistic kinds, prices, walks,
references to entities, parents, chains, products, times, switches and Python functions."""

from __future__ import annotations

import itertools
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ksqlmv.simulate._draw import DROP, Draw
from ksqlmv.simulate.avrotypes import TypeInfo, parse_type
from ksqlmv.simulate.entities import EntityPool
from ksqlmv.simulate.fields import FieldContext, compile_field
from ksqlmv.simulate.traffic import SpecError

PRICE = {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}
STATUS = {"type": "enum", "name": "Status", "symbols": ["NEW", "SENT", "DONE"]}
FIELDS: dict[str, Any] = {
    "name": "string",
    "email": "string",
    "city": "string",
    "country": "string",
    "platform": "string",
    "symbol": "string",
    "quantity": "int",
    "price": PRICE,
    "amount": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2},
    "customer_id": ["null", "string"],
    "status": STATUS,
    "at": {"type": "long", "logicalType": "timestamp-millis"},
    "flag": "boolean",
}
TYPES = {name: parse_type(avro) for name, avro in FIELDS.items()}
NOW = 1_735_689_600_000


def context(parent: bool = True, functions: dict[str, Any] | None = None) -> FieldContext:
    customers = EntityPool("customers")
    for number in range(1, 6):
        customers.put(f"C{number}", {"name": f"N{number}", "price": Decimal("2.50")})
    return FieldContext(
        fields=TYPES,
        entities={"customers": customers},
        entity_fields={"customers": {"name": parse_type("string"), "price": parse_type(PRICE)}},
        refs={"customer_id": "customers"},
        parent_fields=(
            {"status": (TYPES["status"], True), "amount": (TYPES["amount"], True)}
            if parent
            else None
        ),
        defaults={},
        functions=functions or {},
        base=Path("."),
    )


def generate(
    name: str,
    spec: Any,
    values: dict[str, Any] | None = None,
    count: int = 200,
    parent: dict[str, Any] | None = None,
    ctx: FieldContext | None = None,
) -> list[Any]:
    compiled = compile_field(name, spec, TYPES[name], ctx or context())
    draw = Draw(random.Random(3))
    out = []
    for _ in range(count):
        draw.values = dict(values or {})
        draw.time, draw.parent, draw.parent_key = NOW, parent, "O1" if parent else None
        out.append(compiled.generate(draw))
    return out


def test_a_bare_value_is_a_constant() -> None:
    assert set(generate("status", "SENT")) == {"SENT"}


def test_sequence_with_prefix_and_width() -> None:
    assert generate("name", {"sequence": {"prefix": "C", "width": 6}}, count=3) == [
        "C000001", "C000002", "C000003",
    ]  # fmt: skip


def test_numeric_sequence_with_step() -> None:
    assert generate("quantity", {"sequence": {"start": 10, "step": -5}}, count=3) == [10, 5, 0]


def test_names_and_emails_agree() -> None:
    emails = generate("email", {"kind": "email", "from": "name"}, values={"name": "Ada Lovelace"})
    assert all(re.fullmatch(r"ada\.lovelace\d{1,2}@[a-z.]+", email) for email in emails)


def test_country_of_the_city() -> None:
    assert set(
        generate("country", {"kind": "country", "from": "city"}, values={"city": "Lyon"})
    ) == {"FR"}


def test_device_of_the_platform() -> None:
    models = generate(
        "name", {"kind": "device_model", "from": "platform"}, values={"platform": "ios"}
    )
    assert all(model.startswith("iP") for model in models)


def test_uuid_kind() -> None:
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert all(re.fullmatch(pattern, value) for value in generate("name", {"kind": "uuid"}))


def test_prices_have_shop_endings_within_bounds() -> None:
    prices = generate("price", {"price": {"min": 3, "max": 400}}, count=1000)
    assert all(Decimal(3) <= price <= 400 and price.as_tuple().exponent == -2 for price in prices)
    endings = {str(price)[-2:] for price in prices}
    assert endings <= {"99", "49", "95", "00"} and "99" in endings


def test_walk_keeps_one_series_per_symbol() -> None:
    compiled = compile_field("price", {"walk": {"by": "symbol", "start": 100, "volatility": 0.01}},
                             TYPES["price"], context())  # fmt: skip
    assert compiled.needs == ("symbol",)
    draw = Draw(random.Random(1))
    series: dict[str, list[Decimal]] = {"A": [], "B": []}
    for step in range(400):
        symbol = "AB"[step % 2]
        draw.values = {"symbol": symbol}
        series[symbol].append(compiled.generate(draw))
    for prices in series.values():
        assert prices[0] == Decimal("100.00")
        moves = [abs(b / a - 1) for a, b in itertools.pairwise(prices)]
        assert max(moves) < Decimal("0.06") and sum(moves) > 0


def test_ref_picks_live_keys_and_lookup_reads_them() -> None:
    ctx = context()
    ref = compile_field(
        "customer_id", {"ref": "customers", "skew": {"zipf": 1.5}}, TYPES["customer_id"], ctx
    )
    lookup = compile_field("price", {"lookup": "customer_id.price"}, TYPES["price"], ctx)
    assert ref.drops and lookup.needs == ("customer_id",)
    draw = Draw(random.Random(2))
    keys = []
    for _ in range(300):
        keys.append(ref.generate(draw))
        assert lookup.generate(draw) == Decimal("2.50")
    assert set(keys) <= {f"C{n}" for n in range(1, 6)}
    assert keys.count("C1") > keys.count("C5")
    ctx.entities["customers"].remove("C1")
    assert "C1" not in {ref.generate(draw) for _ in range(100)}


def test_ref_to_an_empty_pool_drops_the_event() -> None:
    ctx = context()
    compiled = compile_field("customer_id", {"ref": "customers"}, TYPES["customer_id"], ctx)
    for number in range(1, 6):
        ctx.entities["customers"].remove(f"C{number}")
    assert compiled.generate(Draw(random.Random(0))) is DROP


def test_nulls_share() -> None:
    values = generate("customer_id", {"ref": "customers", "nulls": 0.4}, count=2000)
    assert 0.35 < values.count(None) / 2000 < 0.45


def test_parent_field_and_key() -> None:
    parent = {"status": "NEW", "amount": Decimal("9.90")}
    assert set(generate("amount", {"parent": "amount"}, parent=parent)) == {Decimal("9.90")}
    assert set(generate("name", {"parent": "key"}, parent=parent)) == {"O1"}


def test_next_walks_the_chain_then_drops() -> None:
    spec = {"next": ["NEW", "SENT", "DONE"]}
    assert generate("status", spec, count=1) == ["NEW"]
    assert generate("status", spec, parent={"status": "NEW"}, count=1) == ["SENT"]
    assert generate("status", spec, parent={"status": "DONE"}, count=1) == [DROP]


def test_multiply_rounds_to_the_scale() -> None:
    values = {"quantity": 3, "price": Decimal("19.99")}
    assert set(generate("amount", {"multiply": ["quantity", "price"]}, values=values)) == {
        Decimal("59.97")
    }


def test_times() -> None:
    assert set(generate("at", {"time": "event"})) == {NOW}
    before = generate("at", {"time": {"before": "1h..2h"}})
    assert all(NOW - 7_200_000 <= value <= NOW - 3_600_000 for value in before)


def test_switch_on_another_field() -> None:
    spec = {
        "switch": "platform",
        "cases": {"ios": "apple", "android": "google"},
        "default": "other",
    }
    assert set(generate("name", spec, values={"platform": "ios"})) == {"apple"}
    assert set(generate("name", spec, values={"platform": "web"})) == {"other"}


def test_python_function() -> None:
    def double(rng: random.Random, values: dict[str, Any], parent: Any) -> int:
        return int(values["quantity"] * 2)

    ctx = context(functions={"double": double})
    assert set(generate("quantity", {"python": "double"}, values={"quantity": 4}, ctx=ctx)) == {8}


def test_python_function_that_raises_names_the_field() -> None:
    def broken(rng: random.Random, values: dict[str, Any], parent: Any) -> int:
        raise KeyError("coupon")

    ctx = context(functions={"broken": broken})
    with pytest.raises(SpecError, match="broken raised KeyError") as raised:
        generate("quantity", {"python": "broken"}, ctx=ctx, count=1)
    assert raised.value.path == "fields.quantity.python"


INVALID: list[tuple[str, str, Any, str, str]] = [
    ("unknown annotation", "name", {"regexp": "x"}, "unknown annotation 'regexp'", "regexp"),
    ("two extensions", "name", {"kind": "name", "ref": "customers"}, "not both", "ref"),
    (
        "modifier of another",
        "name",
        {"kind": "name", "skew": "uniform"},
        "skew does not go",
        "skew",
    ),
    ("unknown kind", "name", {"kind": "pet_name"}, "unknown kind 'pet_name'", "kind"),
    ("kind of a number", "quantity", {"kind": "name"}, "kind makes strings", "kind"),
    ("ref to a stream", "name", {"ref": "orders"}, "not an entity topic", "ref"),
    ("ref bad skew", "name", {"ref": "customers", "skew": {"zipf": -1}}, "positive number", "skew"),
    ("lookup of a plain field", "price", {"lookup": "name.price"}, "where ref_field is a ref", ""),
    (
        "lookup unknown field",
        "price",
        {"lookup": "customer_id.colour"},
        "no field 'colour'",
        "lookup",
    ),
    ("lookup of another type", "flag", {"lookup": "customer_id.price"}, "cannot use a decimal", ""),
    (
        "nulls not nullable",
        "name",
        {"kind": "name", "nulls": 0.1},
        "needs a nullable union",
        "nulls",
    ),
    (
        "nulls above one",
        "customer_id",
        {"ref": "customers", "nulls": 2},
        "between 0 and 1",
        "nulls",
    ),
    ("next wrong symbol", "status", {"next": ["NEW", "LOST"]}, "not a symbol of Status", ""),
    (
        "multiply a string",
        "amount",
        {"multiply": ["quantity", "name"]},
        "not a number field",
        "multiply",
    ),
    (
        "multiply into a string",
        "name",
        {"multiply": ["quantity", "price"]},
        "makes numbers",
        "multiply",
    ),
    ("time of a string", "name", {"time": "event"}, "makes timestamps", "time"),
    ("time bad form", "at", {"time": "now"}, "is `event`", "time"),
    (
        "switch unknown field",
        "name",
        {"switch": "colour", "cases": {"a": "b"}},
        "no field 'colour'",
        "switch",
    ),
    (
        "switch bad case",
        "quantity",
        {"switch": "name", "cases": {"a": "x"}},
        "not a valid int",
        "cases.a",
    ),
    ("unknown python", "quantity", {"python": "nothing"}, "no function 'nothing'", "python"),
    ("constant of the wrong type", "quantity", "many", "not a valid int", ""),
    (
        "sequence with a prefix on an int",
        "quantity",
        {"sequence": {"prefix": "Q"}},
        "apply to string",
        "sequence",
    ),
    ("price of an int", "quantity", {"price": {"min": 1, "max": 2}}, "makes decimals", "price"),
    (
        "price bounds",
        "price",
        {"price": {"min": 5, "max": 1}},
        "min must be less than max",
        "price",
    ),
    ("walk unknown key", "price", {"walk": {"sigma": 1}}, "walk takes", "walk"),
]


@pytest.mark.parametrize(("field", "spec", "message", "path"), [case[1:] for case in INVALID],
                         ids=[case[0] for case in INVALID])  # fmt: skip
def test_invalid_spec(field: str, spec: Any, message: str, path: str) -> None:
    with pytest.raises(SpecError) as raised:
        compile_field(field, spec, TYPES[field], context())
    assert message in raised.value.message
    assert raised.value.path == path


def test_parent_needs_a_parent_event() -> None:
    with pytest.raises(SpecError, match="follows another one"):
        compile_field("amount", {"parent": "amount"}, TYPES["amount"], context(parent=False))


def test_string_type_info_is_a_plain_string() -> None:
    assert TYPES["name"] == TypeInfo("string", "string")
