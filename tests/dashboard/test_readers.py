"""The reader registry: one reader per key, leased by viewers, stopped when nobody watches.

The readers here are real `LiveTableReader`s pointed at a loopback port nothing listens on: they
run, fail to connect and retry, which is all the registry needs from them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from dashlib.readers import ReaderKey, ReaderRegistry, open_reader
from ksqlmv.client import ClientOptions, LiveTableReader


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def nowhere(unused_url: str) -> ClientOptions:
    return ClientOptions(url=unused_url)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def opened() -> list[ReaderKey]:
    """The keys the registry opened readers for, in order."""
    return []


@pytest.fixture
def registry(
    nowhere: ClientOptions, clock: Clock, opened: list[ReaderKey]
) -> Iterator[ReaderRegistry]:
    def factory(key: ReaderKey) -> LiveTableReader:
        opened.append(key)
        return open_reader(key, nowhere)

    shared = ReaderRegistry(factory, lease=10.0, clock=clock, reap_every=None)
    yield shared
    shared.close()


def wait_stopped(reader: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while reader.running:
        assert time.monotonic() < deadline, "the reader kept running"
        time.sleep(0.02)


def key(source: str = "ORDERS_BY_STATUS", **filters: object) -> ReaderKey:
    return ReaderKey.of("http://ksqldb:8088", source, filters)


def test_viewers_of_the_same_source_and_filters_share_one_reader(
    registry: ReaderRegistry, opened: list[ReaderKey]
) -> None:
    first = registry.watch(key(), "alice")
    assert registry.watch(key(), "bob") is first
    assert registry.watch(key(STATUS="PLACED"), "carol") is not first
    assert registry.watch(key("TRADES_OHLC_1M"), "dave") is not first
    assert opened == [key(), key(STATUS="PLACED"), key("TRADES_OHLC_1M")]
    infos = {info.key: info.viewers for info in registry.readers()}
    assert infos[key()] == 2 and infos[key(STATUS="PLACED")] == 1


def test_filters_in_any_order_are_the_same_key() -> None:
    assert key(A=1, B="x") == ReaderKey.of(
        "http://ksqldb:8088", "ORDERS_BY_STATUS", {"B": "x", "A": 1}
    )


def test_a_reader_stops_when_its_last_viewer_lets_go(registry: ReaderRegistry) -> None:
    reader = registry.watch(key(), "alice")
    registry.watch(key(), "bob")
    assert reader.running
    registry.unwatch(key(), "alice")
    assert reader.running and [i.viewers for i in registry.readers()] == [1]
    registry.unwatch(key(), "bob")
    assert registry.readers() == []
    wait_stopped(reader)
    assert registry.watch(key(), "alice") is not reader, "a new viewer gets a fresh reader"


def test_leases_expire_for_viewers_that_vanish(registry: ReaderRegistry, clock: Clock) -> None:
    reader = registry.watch(key(), "alice")
    clock.now += 6
    registry.watch(key(), "bob")
    clock.now += 6  # alice's lease (10 s) ended, bob's has 4 s left
    assert registry.reap() == []
    assert [info.viewers for info in registry.readers()] == [1]
    clock.now += 5
    assert registry.reap() == [key()]
    wait_stopped(reader)


def test_watching_renews_the_lease(registry: ReaderRegistry, clock: Clock) -> None:
    registry.watch(key(), "alice")
    for _ in range(5):
        clock.now += 8
        registry.watch(key(), "alice")
        assert registry.reap() == []


def test_release_viewer_keeps_only_what_it_shows(registry: ReaderRegistry) -> None:
    shown = registry.watch(key(), "alice")
    other = registry.watch(key("TRADES_OHLC_1M"), "alice")
    registry.release_viewer("alice", keep=key())
    wait_stopped(other)
    assert shown.running
    registry.release_viewer("alice")
    wait_stopped(shown)


def test_readers_say_why_they_are_not_live(registry: ReaderRegistry) -> None:
    reader = registry.watch(key(), "alice")
    deadline = time.monotonic() + 5
    while reader.status != "reconnecting":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert "cannot reach the ksqlDB server" in (reader.error or "")


def test_the_background_reaper_stops_abandoned_readers(nowhere: ClientOptions) -> None:
    shared = ReaderRegistry(lambda key: open_reader(key, nowhere), lease=0.2, reap_every=0.05)
    try:
        reader = shared.watch(key(), "alice")
        wait_stopped(reader, timeout=5)
        assert shared.readers() == []
    finally:
        shared.close()
