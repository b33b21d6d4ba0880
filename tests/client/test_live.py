"""The live keyed view: snapshots, updates, tombstones and the bound."""

from __future__ import annotations

import pytest

from ksqlmv.client import LiveTable, Row

COLUMNS = ("ID", "WINDOWSTART", "TOTAL")


def row(id_: str, start: int, total: int | None, *, tombstone: bool = False) -> Row:
    return Row(COLUMNS, (id_, start, total), tombstone)


def test_snapshot_then_changes_by_composite_key() -> None:
    table = LiveTable(max_rows=10)
    table.reset(
        [row("a", 0, 1), row("b", 0, 2)], columns=COLUMNS, key_columns=("ID", "WINDOWSTART")
    )
    table.apply(row("a", 0, 5))
    table.apply(row("a", 60, 1))
    assert table.rows() == [
        {"ID": "b", "WINDOWSTART": 0, "TOTAL": 2},
        {"ID": "a", "WINDOWSTART": 0, "TOTAL": 5},
        {"ID": "a", "WINDOWSTART": 60, "TOTAL": 1},
    ]


def test_tombstone_removes_its_key_only() -> None:
    table = LiveTable(("ID",))
    table.reset([row("a", 0, 1), row("b", 0, 2)], columns=COLUMNS)
    table.apply(row("a", 0, None, tombstone=True))
    table.apply(row("zzz", 0, None, tombstone=True))
    assert [r["ID"] for r in table.rows()] == ["b"]


def test_bound_drops_the_least_recently_updated() -> None:
    table = LiveTable(("ID",), max_rows=2)
    table.reset([], columns=COLUMNS)
    for name in ("a", "b"):
        table.apply(row(name, 0, 1))
    table.apply(row("a", 0, 2))
    table.apply(row("c", 0, 3))
    assert [r["ID"] for r in table.rows()] == ["a", "c"]
    assert len(table) == 2


def test_state_is_a_consistent_copy_with_a_version() -> None:
    table = LiveTable(("ID",))
    table.reset([row("a", 0, 1)], columns=COLUMNS)
    before = table.state()
    table.apply(row("b", 0, 1))
    after = table.state()
    assert len(before.rows) == 1 and len(after.rows) == 2
    assert after.version == before.version + 1
    assert after.columns == COLUMNS


def test_bound_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_rows"):
        LiveTable(max_rows=0)
