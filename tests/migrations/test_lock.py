"""The lock's decision rule: who holds it after a sequence of events, as every reader sees it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ksqlmv.migrations.lock import LOCK_KEY, LockEvent, LockKind, holder_after

LEASE = 1000


def acquire(token: str, at: int) -> LockEvent:
    return LockEvent(LockKind.ACQUIRE, token, f"apply by {token}", at, at + LEASE)


def renew(token: str, at: int) -> LockEvent:
    return LockEvent(LockKind.RENEW, token, f"apply by {token}", at, at + LEASE)


def release(token: str, at: int) -> LockEvent:
    return LockEvent(LockKind.RELEASE, token, f"apply by {token}", at, at + LEASE)


def breaks(token: str, victim: str, at: int) -> LockEvent:
    return LockEvent(LockKind.BREAK, token, f"repair by {token}", at, at + LEASE, victim)


CASES = [
    ("empty log", [], None),
    ("first claim wins", [acquire("a", 0)], "a"),
    ("second claim while held is refused", [acquire("a", 0), acquire("b", 10)], "a"),
    ("two racing claims: the earlier in the log wins", [acquire("b", 20), acquire("a", 10)], "b"),
    ("release frees it", [acquire("a", 0), release("a", 5)], None),
    ("claim after release wins", [acquire("a", 0), release("a", 5), acquire("b", 6)], "b"),
    ("a release by a non-holder changes nothing", [acquire("a", 0), release("b", 5)], "a"),
    ("claim after the lease ended wins", [acquire("a", 0), acquire("b", LEASE)], "b"),
    ("renew extends the lease", [acquire("a", 0), renew("a", 900), acquire("b", 1500)], "a"),
    (
        "renew by a non-holder changes nothing",
        [acquire("a", 0), renew("b", 900), acquire("b", 1500)],
        "b",
    ),
    (
        "renew after losing the lock does not take it back",
        [acquire("a", 0), acquire("b", 1200), renew("a", 1300)],
        "b",
    ),
    ("break frees the named holder", [acquire("a", 0), breaks("r", "a", 10)], None),
    ("break of someone else changes nothing", [acquire("a", 0), breaks("r", "z", 10)], "a"),
    (
        "claims refused while held are not queued",
        [acquire("a", 0), acquire("b", 1), release("a", 2)],
        None,
    ),
]


@pytest.mark.parametrize(("case", "events", "holder"), CASES, ids=[c[0] for c in CASES])
def test_holder_after(case: str, events: list[LockEvent], holder: str | None) -> None:
    found = holder_after(events)
    assert (found.token if found else None) == holder


def test_every_prefix_has_at_most_one_holder_and_a_grant_is_never_shared() -> None:
    # Many contenders racing: each decides from the log up to its own claim, as ServerLock does.
    log = [acquire(f"t{i}", i) for i in range(5)] + [release("t0", 10)]
    log += [acquire(f"u{i}", 11 + i) for i in range(5)]
    granted = [
        event.token
        for index, event in enumerate(log)
        if event.kind is LockKind.ACQUIRE
        and (h := holder_after(log[: index + 1])) is not None
        and h.token == event.token
    ]
    assert granted == ["t0", "u0"]


def test_events_round_trip_through_stream_rows() -> None:
    event = replace(breaks("repairer", "victim", 1234), event_id="e1")
    row = event.row()
    assert row["VERSION_KEY"] == LOCK_KEY and row["VERSION"] == "e1"
    assert row["STATE"] == "BREAK" and row["PREVIOUS"] == "victim"
    assert row["STARTED_ON"] == "1234" and row["COMPLETED_ON"] == str(1234 + LEASE)
    assert LockEvent.from_row({k.lower(): v for k, v in row.items()}) == event


def test_describe_names_the_holder() -> None:
    text = acquire("a", 0).describe()
    assert text.startswith("apply by a, since 1970-01-01")
    assert "lease ending" in text
