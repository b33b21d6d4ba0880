"""The simulation itself: determinism, entities and references, follow-ups, late events,
duplicates, tombstones, schema switches and rates, on the shipped scenarios."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from pathlib import Path

import pytest

from ksqlmv.simulate import Event, Simulation, load_scenario
from ksqlmv.simulate.scenario import Scenario

PRODUCERS = Path(__file__).resolve().parents[2] / "producers"


@pytest.fixture(scope="module")
def shop() -> Scenario:
    return load_scenario("shop", PRODUCERS)


@pytest.fixture(scope="module")
def trading() -> Scenario:
    return load_scenario("trading", PRODUCERS)


@pytest.fixture(scope="module")
def shop_events(shop: Scenario) -> list[Event]:
    return list(itertools.islice(Simulation(shop, seed=42), 30_000))


def test_same_seed_same_events(shop: Scenario) -> None:
    first = list(itertools.islice(Simulation(shop, seed=7), 3000))
    second = list(itertools.islice(Simulation(shop, seed=7), 3000))
    assert first == second


def test_other_seed_other_events(shop: Scenario) -> None:
    first = list(itertools.islice(Simulation(shop, seed=7), 300))
    second = list(itertools.islice(Simulation(shop, seed=8), 300))
    assert first != second


def test_timestamps_are_relative_to_the_start(shop: Scenario) -> None:
    early = list(itertools.islice(Simulation(shop, seed=7, start_ms=1_000_000), 500))
    late = list(itertools.islice(Simulation(shop, seed=7, start_ms=1_060_000), 500))
    assert [event.timestamp + 60_000 for event in early] == [event.timestamp for event in late]
    assert [event.value for event in early if event.topic == "customers"] != []


def test_entities_come_first(shop_events: list[Event]) -> None:
    head = shop_events[:150]
    assert [event.key for event in head[:100]] == [f"C{n:06d}" for n in range(1, 101)]
    assert [event.key for event in head[100:150]] == [f"P{n:04d}" for n in range(1, 51)]


def test_references_point_at_live_entities(shop_events: list[Event]) -> None:
    live: dict[str, set[str]] = {"customers": set(), "products": set()}
    orders: set[str] = set()
    checked = Counter[str]()
    for event in shop_events:
        if event.topic in live:
            if event.value is None:
                live[event.topic].discard(event.key)
            else:
                live[event.topic].add(event.key)
            continue
        value = event.value
        assert value is not None
        if event.event == "order":
            assert value["customer_id"] in live["customers"]
            assert value["product_id"] in live["products"]
            orders.add(event.key)
            checked["order"] += 1
        elif event.topic == "app_events" and event.event == "app_open" and value["customer_id"]:
            assert value["customer_id"] in live["customers"]
            checked["app"] += 1
        elif event.topic in ("payments", "shipments"):
            assert value["order_id"] in orders
            checked[event.topic] += 1
        elif event.event == "order_cancelled":
            assert event.key in orders
    assert min(checked.values()) > 100, checked


def test_orders_carry_the_price_of_their_product(shop_events: list[Event]) -> None:
    price: dict[str, object] = {}
    for event in shop_events:
        if event.topic == "products" and event.value is not None:
            price[event.key] = event.value["price"]
        elif event.event == "order":
            assert event.value is not None
            assert event.value["unit_price"] == price[event.value["product_id"]]
            assert event.value["amount"] == event.value["unit_price"] * event.value["quantity"]


def test_follow_ups_come_after_their_parent(shop_events: list[Event]) -> None:
    placed = {e.key: e.timestamp for e in shop_events if e.event == "order"}
    payments = [e for e in shop_events if e.event == "payment" and not e.duplicate]
    delays = sorted(e.timestamp - placed[e.value["order_id"]] for e in payments if e.value)
    assert delays[0] >= 0
    assert 10_000 < delays[len(delays) // 2] < 30_000  # median 20 s in the scenario


def test_a_share_of_payments_never_arrives(shop: Scenario) -> None:
    events = list(itertools.islice(Simulation(shop, seed=3, rate=20), 60_000))
    end = events[-1].arrival
    # Orders old enough that their payment has had its chance: the delay is log-normal with a
    # median of 20 s, so one in 400 takes longer than 15 minutes.
    orders = {e.key for e in events if e.event == "order" and e.timestamp < end - 900_000}
    paid = {e.value["order_id"] for e in events if e.event == "payment" and e.value}
    share = len(orders - paid) / len(orders)
    assert len(orders) > 1000
    assert share == pytest.approx(0.08, abs=0.025)


def test_shipment_status_advances_until_delivered(shop: Scenario) -> None:
    # Hours of event time: a parcel takes up to eight hours to arrive.
    events = list(itertools.islice(Simulation(shop, seed=5, rate=1), 80_000))
    by_shipment: dict[str, list[str]] = {}
    for event in events:
        if event.topic == "shipments" and event.value:
            by_shipment.setdefault(event.key, []).append(event.value["status"])
    order = ["LABEL_CREATED", "PICKED_UP", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"]
    complete = 0
    for statuses in by_shipment.values():
        assert statuses == order[: len(statuses)] or statuses == [*order, "RETURNED"]
        complete += statuses[-1] in ("DELIVERED", "RETURNED")
    assert complete > 50


def test_cancellations_change_only_the_status(shop_events: list[Event]) -> None:
    placed = {e.key: e.value for e in shop_events if e.event == "order"}
    cancelled = [e for e in shop_events if e.event == "order_cancelled"]
    assert len(cancelled) > 20
    for event in cancelled:
        original = placed[event.key]
        assert event.value is not None and original is not None
        assert event.value["status"] == "CANCELLED"
        assert event.value["amount"] == original["amount"]
        assert event.value["customer_id"] == original["customer_id"]
        assert event.value["ordered_at"] == event.timestamp > original["ordered_at"]


def test_late_share_within_tolerance(shop_events: list[Event]) -> None:
    opens = [e for e in shop_events if e.event == "app_open"]
    late = [e for e in opens if e.late]
    n, p = len(opens), 0.05
    assert n > 2000
    assert abs(len(late) / n - p) < 4 * math.sqrt(p * (1 - p) / n)
    for event in late:
        assert 60_000 <= event.arrival - event.timestamp <= 240_000
        assert event.value is not None and event.value["occurred_at"] == event.timestamp
    on_time = [e for e in opens if not e.late]
    assert all(e.arrival == e.timestamp for e in on_time)


def test_events_arrive_in_order_and_late_ones_are_out_of_order(shop_events: list[Event]) -> None:
    arrivals = [event.arrival for event in shop_events]
    assert arrivals == sorted(arrivals)
    stream_time, behind = 0, 0
    for event in shop_events:
        if event.topic == "app_events":
            behind += event.timestamp < stream_time - 30_000
            stream_time = max(stream_time, event.timestamp)
    assert behind > 50


def test_duplicates_repeat_the_record(shop_events: list[Event]) -> None:
    payments = [e for e in shop_events if e.topic == "payments"]
    originals = {e.key: e for e in payments if not e.duplicate}
    duplicates = [e for e in payments if e.duplicate]
    assert 0.004 < len(duplicates) / len(payments) < 0.02
    for event in duplicates:
        original = originals[event.key]
        assert (event.value, event.timestamp) == (original.value, original.timestamp)
        assert 0 <= event.arrival - original.arrival <= 2000


def test_entity_updates_and_tombstones(shop_events: list[Event]) -> None:
    customers = [e for e in shop_events if e.topic == "customers"]
    tombstones = [e for e in customers if e.value is None]
    assert tombstones
    seen: dict[str, dict[str, object]] = {}
    updates = 0
    for event in customers:
        if event.value is None:
            assert event.key in seen
            del seen[event.key]
            continue
        if event.key in seen:
            updates += 1
            before = seen[event.key]
            for field in ("name", "email", "city", "country", "signed_up_at"):
                assert event.value[field] == before[field]
        seen[event.key] = event.value
    assert updates > 10
    deleted = {e.key for e in tombstones}
    last_seen = {e.key: i for i, e in enumerate(shop_events) if e.topic == "customers"}
    for i, event in enumerate(shop_events):
        if event.event == "order" and event.value and event.value["customer_id"] in deleted:
            assert i < last_seen[event.value["customer_id"]]


def test_orders_switch_to_schema_version_two_after_2000(shop_events: list[Event]) -> None:
    orders = [e for e in shop_events if e.topic == "orders"]
    versions = [e.schema for e in orders]
    assert versions[:2000] == [0] * 2000
    assert set(versions[2000:]) == {1}
    coupons = [e.value for e in orders[2000:] if e.value and e.value["coupon_code"]]
    assert coupons and all(v["discount_cents"] > 0 for v in coupons)
    assert all("coupon_code" not in e.value for e in orders[:2000] if e.value)


@pytest.mark.parametrize("rate", [5, 400])
def test_rate_counts_every_event_from_the_start(shop: Scenario, rate: int) -> None:
    events = list(itertools.islice(Simulation(shop, seed=1, rate=rate), 40_000))[150:]
    start = shop.start_ms
    window = max(60_000, 2000 * 1000 // rate)  # about 2,000 events a window, or a minute
    windows = Counter((event.arrival - start) // window for event in events)
    del windows[max(windows)]  # the last window is cut short
    assert len(windows) >= 1
    for number, count in windows.items():
        middle = start + number * window + window // 2
        expected = rate * window / 1000 * shop.profile.factor(middle, start)
        assert count == pytest.approx(expected, rel=0.15), (number, count, expected)


def test_trading_prices_walk_per_symbol_and_the_open_is_busy(trading: Scenario) -> None:
    events = list(itertools.islice(Simulation(trading, seed=2), 150_000))
    symbols = {e.value["symbol"] for e in events if e.value}
    assert 30 <= len(symbols) <= 36
    last: dict[str, float] = {}
    for event in events:
        assert event.value is not None
        symbol, price = event.value["symbol"], float(event.value["price"])
        if symbol in last and not event.duplicate:
            assert abs(price / last[symbol] - 1) < 0.01
        last[symbol] = price
    per_minute = Counter((e.arrival - trading.start_ms) // 60_000 for e in events)
    assert per_minute[0] > 2.5 * per_minute[5]
    assert per_minute[15] > 2.5 * per_minute[20]
