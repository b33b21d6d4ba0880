"""Scenario files are checked in full before anything runs; every problem names the file, the
line and the field."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ksqlmv.errors import ScenarioError, ValidationError
from ksqlmv.simulate import Simulation, available_scenarios, load_scenario
from ksqlmv.simulate.traffic import SpecError

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"

BASE: dict[str, Any] = {
    "description": "a small shop",
    "schemas": str(SCHEMAS),
    "partitions": 2,
    "rate": 10,
    "topics": {
        "customers": "customers-value.avsc",
        "orders": {
            "schema": "orders-value.avsc",
            "evolve": {"schema": "v2/orders-value.avsc", "after": 100},
        },
    },
    "events": {
        "customer": {
            "topic": "customers",
            "weight": 1,
            "entity": {"initial": 5, "update": 0.2, "changes": ["tier"]},
            "key": {"sequence": {"prefix": "C"}},
            "fields": {"name": {"kind": "name"}, "email": {"kind": "email", "from": "name"}},
        },
        "order": {
            "topic": "orders",
            "weight": 5,
            "key": {"sequence": {"prefix": "O"}},
            "fields": {
                "customer_id": {"ref": "customers"},
                "product_id": "P1",
                "quantity": {"range": {"min": 1, "max": 3}},
                "unit_price": {"price": {"min": 1, "max": 10}},
                "amount": {"multiply": ["quantity", "unit_price"]},
            },
            "then": [{"event": "cancel", "share": 0.1, "delay": "1m"}],
        },
        "cancel": {
            "topic": "orders",
            "inherit": True,
            "key": {"parent": "key"},
            "fields": {"status": "CANCELLED"},
        },
    },
}


def write(directory: Path, document: dict[str, Any], name: str = "mini") -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def changed(*edits: tuple[str, Any]) -> dict[str, Any]:
    """BASE with each dotted path set to a value (or removed, for the value REMOVE)."""
    document = copy.deepcopy(BASE)
    for path, value in edits:
        *parents, last = re.split(r"\.(?![^\[]*\])", path)
        node: Any = document
        for part in parents:
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        if value is REMOVE:
            del node[last]
        else:
            node[last] = value
    return document


REMOVE = object()


def test_the_base_scenario_is_valid(tmp_path: Path) -> None:
    scenario = load_scenario("mini", write(tmp_path, BASE).parent)
    assert scenario.partitions == 2 and list(scenario.topics) == ["customers", "orders"]
    assert [v.name for v in scenario.topics["orders"].versions] == [
        "orders-value.avsc",
        "v2/orders-value.avsc",
    ]


@pytest.mark.parametrize("name", ["shop", "trading"])
def test_shipped_scenarios_are_valid(name: str) -> None:
    scenario = load_scenario(name, ROOT / "producers")
    assert scenario.name == name and scenario.events


# (case, edits, error path, message)
INVALID: list[tuple[str, list[tuple[str, Any]], str, str]] = [
    (
        "unknown topic",
        [("events.order.topic", "ordres")],
        "events.order.topic",
        "unknown topic 'ordres'",
    ),
    (
        "unknown field",
        [("events.order.fields.quantitty", 1)],
        "events.order.fields.quantitty",
        "topic 'orders' (orders-value.avsc, v2/orders-value.avsc) has no field 'quantitty'",
    ),
    (
        "unknown schema",
        [("topics.orders.schema", "order-value.avsc")],
        "topics.orders.schema",
        "no schema 'order-value.avsc'",
    ),
    (
        "bad annotation",
        [("events.order.fields.quantity", {"range": {"min": 3, "max": 1}})],
        "events.order.fields.quantity.range",
        "strictly less than max",
    ),
    (
        "ref to a stream",
        [("events.order.fields.customer_id", {"ref": "orders"})],
        "events.order.fields.customer_id.ref",
        "not an entity topic",
    ),
    (
        "unknown follow-up",
        [("events.order.then", [{"event": "cancle"}])],
        "events.order.then[0].event",
        "unknown event 'cancle'",
    ),
    ("unknown top-level key", [("rat", 5)], "rat", "unknown key"),
    ("no partitions", [("partitions", 0)], "partitions", "whole number from 1"),
    ("bad profile", [("profile", {"shape": "wave"})], "profile.shape", "unknown shape"),
    (
        "bad late share",
        [("events.order.late", {"share": 2, "delay": "1m"})],
        "events.order.late.share",
        "between 0 and 1",
    ),
    (
        "unknown change",
        [("events.customer.entity.changes", ["tierr"])],
        "events.customer.entity.changes[0]",
        "no field 'tierr'",
    ),
    ("no key", [("events.order.key", REMOVE)], "events.order.key", "needs a key spec"),
    (
        "inherit without parent",
        [("events.order.then", [])],
        "events.cancel.inherit",
        "nothing leads to this event",
    ),
    (
        "not a symbol",
        [("events.order.fields.status", "SHIPPED")],
        "events.order.fields.status",
        "'SHIPPED' is not a symbol of OrderStatus",
    ),
    (
        "bad evolution",
        [("topics.orders.evolve.after", "soon")],
        "topics.orders.evolve.after",
        "number of events",
    ),
    (
        "renamed record",
        [("topics.orders.evolve.schema", "payments-value.avsc")],
        "topics.orders.evolve.schema",
        "keep the record's name",
    ),
    (
        "unknown function",
        [("events.order.fields.unit_price", {"python": "nope"})],
        "events.order.fields.unit_price.python",
        "no function 'nope'",
    ),
    ("missing module", [("python", "missing.py")], "python", "no Python file"),
    (
        "two entity events",
        [("events.other", {"topic": "customers", "key": "C9", "entity": {"initial": 1}})],
        "events.other.entity",
        "already has entity event 'customer'",
    ),
    (
        "never happens",
        [("events.cancel.inherit", False), ("events.order.then", [])],
        "events.cancel",
        "never happens",
    ),
    (
        "bad topic name",
        [("topics.bad topic", "orders-value.avsc")],
        "topics.bad topic",
        "not a valid Kafka topic name",
    ),
    (
        "v2 field in a v1-only topic",
        [("events.customer.fields.coupon_code", "X")],
        "events.customer.fields.coupon_code",
        "has no field 'coupon_code'",
    ),
    (
        "lookup through no ref",
        [("events.order.fields.unit_price", {"lookup": "product_id.price"})],
        "events.order.fields.unit_price",
        "where ref_field is a ref",
    ),
    (
        "weights without options",
        [("events.order.fields.channel", {"weights": [1]})],
        "events.order.fields.channel.weights",
        "weights does not apply to enum",
    ),
    (
        "share above one",
        [("events.order.then", [{"event": "cancel", "share": 1.5}])],
        "events.order.then[0].share",
        "between 0 and 1",
    ),
    (
        "one_of over one",
        [
            (
                "events.order.then",
                [
                    {
                        "one_of": [
                            {"event": "cancel", "share": 0.7},
                            {"event": "cancel", "share": 0.7},
                        ]
                    }
                ],
            )
        ],
        "events.order.then[0]",
        "add up to more than 1",
    ),
    (
        "when on an unknown field",
        [("events.order.then", [{"event": "cancel", "when": {"colour": "x"}}])],
        "events.order.then[0].when.colour",
        "no field 'colour'",
    ),
]


@pytest.mark.parametrize(("edits", "path", "message"), [case[1:] for case in INVALID],
                         ids=[case[0] for case in INVALID])  # fmt: skip
def test_invalid_scenario_names_file_line_and_field(
    tmp_path: Path, edits: list[tuple[str, Any]], path: str, message: str
) -> None:
    file = write(tmp_path, changed(*edits))
    with pytest.raises(ScenarioError) as raised:
        load_scenario("mini", tmp_path)
    error = raised.value
    assert error.exit_code == 3
    assert any(p == path and message in m for p, _, m in error.problems), error.problems
    line = next(text for text in str(error).splitlines() if f": {path}: " in text)
    assert re.match(rf"{re.escape(str(file))}:\d+: {re.escape(path)}: ", line), line


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, changed(("partitions", 0), ("events.order.topic", "x"), ("rate", -1)))
    with pytest.raises(ScenarioError) as raised:
        load_scenario("mini", tmp_path)
    assert {p for p, _, _ in raised.value.problems} == {"partitions", "rate", "events.order.topic"}


HANDWRITTEN = """\
schemas: {schemas}
topics:
  customers: customers-value.avsc
events:
  customer:
    topic: customers
    weight: 1
    key: {{sequence: {{prefix: C}}}}
    fields:
      tier: {{options: [BRONZE, GOLD]}}
      marketing_opt_in: {{odds: 3}}
"""


def test_lines_point_at_the_key(tmp_path: Path) -> None:
    (tmp_path / "lines.yaml").write_text(HANDWRITTEN.format(schemas=SCHEMAS))
    with pytest.raises(ScenarioError) as raised:
        load_scenario("lines", tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'lines.yaml'}:11: events.customer.fields.marketing_opt_in.odds: "
        "odds must be in the range [0.0, 1.0]"
    )


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    text = HANDWRITTEN.format(schemas=SCHEMAS).replace(
        "    weight: 1\n", "    weight: 1\n    weight: 2\n"
    )
    (tmp_path / "twice.yaml").write_text(text)
    with pytest.raises(ScenarioError, match="'weight' is given twice \\(line 8\\)"):
        load_scenario("twice", tmp_path)


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("topics:\n  orders: [unclosed\nevents: {}\n")
    with pytest.raises(ScenarioError, match=r"broken.yaml: \(file\): not valid YAML \(line \d+\)"):
        load_scenario("broken", tmp_path)


def test_unknown_scenario_lists_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, BASE, "alpha")
    write(tmp_path, BASE, "beta")
    with pytest.raises(ValidationError, match=r"unknown scenario 'gamma'.*known: alpha, beta"):
        load_scenario("gamma", tmp_path)
    assert available_scenarios(tmp_path) == ["alpha", "beta"]


def test_a_scenario_may_be_given_as_a_path(tmp_path: Path) -> None:
    path = write(tmp_path, BASE, "elsewhere")
    assert load_scenario(str(path), Path("/nonexistent")).name == "elsewhere"


def test_values_the_schema_refuses_are_caught_by_the_sample(tmp_path: Path) -> None:
    (tmp_path / "custom.py").write_text("def number(rng, values, parent):\n    return 42\n")
    document = changed(
        ("python", "custom.py"), ("events.order.fields.product_id", {"python": "number"})
    )
    write(tmp_path, document)
    with pytest.raises(ScenarioError) as raised:
        load_scenario("mini", tmp_path)
    ((path, line, message),) = raised.value.problems
    assert path == "events.order" and line is not None
    assert "makes values the schema refuses" in message and "product_id" in message


def test_values_of_the_wrong_type_for_a_reader_are_caught(tmp_path: Path) -> None:
    (tmp_path / "custom.py").write_text("def words(rng, values, parent):\n    return 'many'\n")
    document = changed(
        ("python", "custom.py"), ("events.order.fields.quantity", {"python": "words"})
    )
    write(tmp_path, document)
    with pytest.raises(ScenarioError, match=r"events\.order: cannot build the value: TypeError"):
        load_scenario("mini", tmp_path)


def test_a_function_that_raises_is_named(tmp_path: Path) -> None:
    (tmp_path / "custom.py").write_text("def crash(rng, values, parent):\n    return 1 // 0\n")
    document = changed(
        ("python", "custom.py"), ("events.order.fields.quantity", {"python": "crash"})
    )
    write(tmp_path, document)
    with pytest.raises(ScenarioError, match=r"events.order.fields.quantity.python: crash raised "
                                            r"ZeroDivisionError"):  # fmt: skip
        load_scenario("mini", tmp_path)


def test_a_module_that_does_not_load_is_reported(tmp_path: Path) -> None:
    (tmp_path / "custom.py").write_text("import not_a_module_anywhere\n")
    write(tmp_path, changed(("python", "custom.py")))
    with pytest.raises(ScenarioError, match=r"custom\.py does not load: ModuleNotFoundError"):
        load_scenario("mini", tmp_path)


def test_an_endless_chain_is_stopped(tmp_path: Path) -> None:
    document = changed(("events.cancel.then", [{"event": "cancel"}]))
    write(tmp_path, document)
    scenario = load_scenario("mini", tmp_path)
    with pytest.raises(SpecError, match="never end") as raised:
        for _ in Simulation(scenario, seed=1):
            pass
    assert raised.value.path == "events.cancel.then"


def test_a_scenario_where_nothing_can_happen_is_stopped(tmp_path: Path) -> None:
    # Orders need customers, and customers almost never come.
    document = changed(
        ("events.customer.entity", {"initial": 0}),
        ("events.customer.weight", 1e-12),
    )
    write(tmp_path, document)
    with pytest.raises(ScenarioError, match="no event happens"):
        load_scenario("mini", tmp_path)


def test_every_field_problem_is_reported_at_once(tmp_path: Path) -> None:
    document = changed(
        ("events.order.fields.quantity", {"range": {"min": 3, "max": 1}}),
        ("events.customer.fields.tier", {"options": ["DIAMOND"]}),
        ("events.cancel.fields.status", "LOST"),
    )
    write(tmp_path, document)
    with pytest.raises(ScenarioError) as raised:
        load_scenario("mini", tmp_path)
    assert [p for p, _, _ in raised.value.problems] == [
        "events.customer.fields.tier.options[0]",
        "events.order.fields.quantity.range",
        "events.cancel.fields.status",
    ]
