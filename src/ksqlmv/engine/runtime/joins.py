"""Join operators: stream-stream (windowed), stream-table, table-table and foreign-key.

Every join keeps its inputs in state stores and emits `left row + right row` (NULLs for a
missing side), plus the synthetic key column when the join has one. Semantics follow Kafka
Streams as ksqlDB uses it:

* stream-stream: each record is buffered for the join window and matched against the other
  side's buffer within `WITHIN (before, after)`; the result's timestamp is the later of the two.
  Without a GRACE PERIOD, an outer side with no match is emitted at once (ksqlDB's eager
  behaviour); with one, it is held until its window closes and emitted only if still unmatched.
* stream-table: the stream drives; the table side only updates the store.
* table-table: an update on either side emits the join with the other side's current row
  (INNER needs both, LEFT the left, OUTER either); a delete emits a tombstone.
* foreign-key: the left table's rows are indexed by their foreign key; a change on either side
  re-joins the affected left rows, keyed by the left key.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.planning.nodes import JoinKind, JoinNode, JoinType
from ksqlmv.engine.runtime.base import Emit, Row
from ksqlmv.engine.runtime.stores import KeyValueStore, freeze
from ksqlmv.engine.runtime.windows import DEFAULT_GRACE_MS

if TYPE_CHECKING:
    from ksqlmv.engine.runtime.builder import QueryBuilder

__all__ = ["build_join"]


class _Output:
    """Builds joined rows and emits them."""

    def __init__(self, node: JoinNode, downstream: Emit) -> None:
        self.left_width = len(node.left.schema.row)
        self.right_width = len(node.right.schema.row)
        self.synthetic = len(node.schema.row) > self.left_width + self.right_width
        self.left_nulls = (None,) * self.left_width
        self.right_nulls = (None,) * self.right_width
        self.downstream = downstream

    def emit(
        self,
        key: Row,
        left: Row | None,
        right: Row | None,
        ts: int,
        headers: Any,
        window: Any = None,
    ) -> None:
        row = (left or self.left_nulls) + (right or self.right_nulls)
        if self.synthetic:
            row = (*row, key[0])
        self.downstream(key, row, ts, window, headers, None)

    def tombstone(self, key: Row, ts: int, headers: Any) -> None:
        self.downstream(key, None, ts, None, headers, None)


def _usable(key: Row | None) -> bool:
    return key is not None and len(key) > 0 and key[0] is not None


Pending = tuple[int, int, bool, Any, Row, int, Any, Any]
"""An unmatched outer-join row waiting for its window to close:
`(closes, seq, is_left, key, row, ts, headers, window)`."""


def _pending_order(item: Pending) -> tuple[int, int]:
    return item[0], item[1]


class StreamStreamJoin:
    """A windowed join of two streams.

    Each side's records are kept in a store per key, as lists of `(ts, seq, row)` sorted by
    time; records older than the side's retention (`before + after + grace` behind the side's
    stream time) are pruned when their key is next touched, and by a sweep now and then.
    """

    _SWEEP_EVERY = 4096

    def __init__(
        self,
        node: JoinNode,
        out: _Output,
        stores: tuple[KeyValueStore, ...],
        outer_store: KeyValueStore | None = None,
    ) -> None:
        self.out = out
        self.before = node.before_ms
        self.after = node.after_ms
        self.deferred = node.grace_ms is not None
        self.grace = DEFAULT_GRACE_MS if node.grace_ms is None else node.grace_ms
        self.retention = self.before + self.after + self.grace
        kind = node.join_type
        self.left_outer = kind in (JoinType.LEFT, JoinType.OUTER)
        self.right_outer = kind in (JoinType.RIGHT, JoinType.OUTER)
        self.buffers = stores
        self.pending: list[Pending] = []
        self.waiting: set[tuple[bool, int]] = set()  # pending rows not matched so far
        # The waiting rows, by `(is_left, seq)`: a store, so that they survive a restart.
        self.outer_store = outer_store if outer_store is not None else KeyValueStore("pending")
        self.stream_time = -1
        self.side_time = [-1, -1]
        self.seq = 0
        self.since_sweep = 0

    def snapshot(self) -> Any:
        """Stream time, each side's time and the record sequence (for checkpoints)."""
        return [self.stream_time, list(self.side_time), self.seq]

    def restored(self, snapshot: Any) -> None:
        """Resume after the stores were restored: clocks from `snapshot`, waiting rows from
        the outer-join store."""
        if snapshot is not None:
            self.stream_time, side_time, self.seq = snapshot
            self.side_time = list(side_time)
        else:
            self.seq = max(
                (items[-1][1] for store in self.buffers for items in store.data.values() if items),
                default=0,
            )
        entries = self.outer_store.data
        self.pending = sorted(entries.values(), key=_pending_order)
        self.waiting = set(entries)

    def left(self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any) -> None:
        """A record of the left stream."""
        self._process(True, key, row, ts, headers, window)

    def right(
        self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any
    ) -> None:
        """A record of the right stream."""
        self._process(False, key, row, ts, headers, window)

    def _process(
        self, is_left: bool, key: Row, row: Row | None, ts: int, headers: Any, window: Any
    ) -> None:
        if row is None or not _usable(key):
            return
        if ts > self.stream_time:
            self.stream_time = ts
        span = self.after if is_left else self.before
        # Records of windowed sources join only within the same window (it is part of the key).
        frozen = freeze(key) if window is None else (freeze(key), tuple(window))
        self.seq += 1
        seq = self.seq
        side = 0 if is_left else 1
        if ts > self.side_time[side]:
            self.side_time[side] = ts
        own_store = self.buffers[side]
        if ts > self.side_time[side] - self.retention:
            # Each side's window store drops records older than its retention, by its own time.
            own = self._live(side, frozen) or []
            bisect.insort(own, (ts, seq, row), key=_buffered_order)
            own_store.put(frozen, own, ts)
        if self.deferred and ts == self.stream_time:
            self._emit_closed()
        low, high = (
            (ts - self.before, ts + self.after) if is_left else (ts - self.after, ts + self.before)
        )
        other = self._live(1 - side, frozen) or ()
        matched = False
        waiting = self.waiting
        for other_ts, other_seq, other_row in other:
            if low <= other_ts <= high:
                matched = True
                held = (not is_left, other_seq)
                if held in waiting:
                    waiting.discard(held)
                    self.outer_store.put(held, None, ts)
                left_row, right_row = (row, other_row) if is_left else (other_row, row)
                self.out.emit(key, left_row, right_row, max(ts, other_ts), headers, window)
        outer = self.left_outer if is_left else self.right_outer
        if not matched and outer:
            # Held until its window closes, unless that is already in the past.
            if self.deferred and ts + span >= self.stream_time:
                closes = ts + span + self.grace
                entry = (closes, seq, is_left, key, row, ts, headers, window)
                bisect.insort(self.pending, entry, key=_pending_order)
                waiting.add((is_left, seq))
                self.outer_store.put((is_left, seq), entry, ts)
            else:
                self._emit_alone(is_left, key, row, ts, headers, window)
        self.since_sweep += 1
        if self.since_sweep >= self._SWEEP_EVERY:
            self._sweep()

    def _live(self, side: int, frozen: Any) -> list[Any] | None:
        """The side's records of a key, without those past retention."""
        store = self.buffers[side]
        items: list[Any] | None = store.data.get(frozen)
        if not items:
            return None
        limit = self.side_time[side] - self.retention
        if items[-1][0] < limit:
            store.put(frozen, None, self.side_time[side])
            return None
        return items

    def _emit_alone(
        self, is_left: bool, key: Row, row: Row, ts: int, headers: Any, window: Any
    ) -> None:
        if is_left:
            self.out.emit(key, row, None, ts, headers, window)
        else:
            self.out.emit(key, None, row, ts, headers, window)

    def _emit_closed(self) -> None:
        pending = self.pending
        while pending and pending[0][0] < self.stream_time:
            _, seq, is_left, key, row, ts, headers, window = pending.pop(0)
            if (is_left, seq) in self.waiting:
                self.waiting.discard((is_left, seq))
                self.outer_store.put((is_left, seq), None, self.stream_time)
                self._emit_alone(is_left, key, row, ts, headers, window)

    def _sweep(self) -> None:
        self.since_sweep = 0
        for side, store in enumerate(self.buffers):
            limit = self.side_time[side] - self.retention
            for frozen in [k for k, items in store.data.items() if items and items[-1][0] < limit]:
                store.put(frozen, None, self.side_time[side])


def _buffered_order(item: tuple[int, int, Row]) -> tuple[int, int]:
    return item[0], item[1]


class StreamTableJoin:
    """The stream drives; the table's latest row per key is looked up."""

    def __init__(self, node: JoinNode, out: _Output, table: KeyValueStore) -> None:
        self.out = out
        self.outer = node.join_type is JoinType.LEFT
        self.table = table

    def left(self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any) -> None:
        """A stream record: join it with the table's current row."""
        if row is None:
            return
        if not _usable(key):
            if self.outer:
                self.out.emit(key, row, None, ts, headers)
            return
        found = self.table.data.get(freeze(key))
        if found is not None:
            self.out.emit(key, row, found, ts, headers)
        elif self.outer:
            self.out.emit(key, row, None, ts, headers)

    def right(
        self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any
    ) -> None:
        """A table update: remember it, emit nothing."""
        if not _usable(key):
            return
        self.table.put(freeze(key), row, ts)


class TableTableJoin:
    """A join of two tables on their primary keys."""

    def __init__(self, node: JoinNode, out: _Output, stores: tuple[KeyValueStore, ...]) -> None:
        self.out = out
        self.kind = node.join_type
        self.tables = stores

    def left(self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any) -> None:
        """An update of the left table."""
        self._update(True, key, row, ts, headers)

    def right(
        self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any
    ) -> None:
        """An update of the right table."""
        self._update(False, key, row, ts, headers)

    def _update(self, is_left: bool, key: Row, row: Row | None, ts: int, headers: Any) -> None:
        if not _usable(key):
            return
        frozen = freeze(key)
        own = self.tables[0 if is_left else 1]
        other = self.tables[1 if is_left else 0]
        had = frozen in own.data
        own.put(frozen, None if row is None else (row, ts), ts)
        found = other.data.get(frozen)
        other_row = found[0] if found is not None else None
        out_ts = max(ts, found[1]) if found is not None else ts
        left_row, right_row = (row, other_row) if is_left else (other_row, row)
        kind = self.kind
        if kind is JoinType.INNER:
            if other_row is None:
                return
            if row is None:
                self.out.tombstone(key, out_ts, headers)
            else:
                self.out.emit(key, left_row, right_row, out_ts, headers)
            return
        driving_left = kind is JoinType.LEFT
        if kind in (JoinType.LEFT, JoinType.RIGHT):
            if is_left == driving_left:
                if row is None:
                    if had:
                        self.out.tombstone(key, out_ts, headers)
                    return
                self.out.emit(key, left_row, right_row, out_ts, headers)
            else:
                if other_row is None:
                    return
                self.out.emit(key, left_row, right_row, out_ts, headers)
            return
        if row is None and other_row is None:
            if had:
                self.out.tombstone(key, out_ts, headers)
            return
        self.out.emit(key, left_row, right_row, out_ts, headers)


class ForeignKeyJoin:
    """Left-table rows joined to the right-table row their foreign key names.

    Both tables live in stores (left: `(key, row, foreign key, ts)`, right: `(row, ts)`); the
    index from foreign key to left keys is derived from the left store, and rebuilt from it when
    the operator starts on restored state.
    """

    def __init__(
        self,
        node: JoinNode,
        out: _Output,
        foreign_key: Callable[[Row], Any],
        stores: tuple[KeyValueStore, ...],
    ) -> None:
        self.out = out
        self.outer = node.join_type is JoinType.LEFT
        self.foreign_key = foreign_key
        self.lefts, self.rights = stores
        self._index: dict[Any, set[Any]] | None = None

    @property
    def index(self) -> dict[Any, set[Any]]:
        """Foreign key → the left keys whose rows reference it."""
        if self._index is None:
            self._index = {}
            for frozen, (_, _, fk, _) in self.lefts.data.items():
                if fk is not None:
                    self._index.setdefault(fk, set()).add(frozen)
        return self._index

    def _fk(self, row: Row) -> Any:
        try:
            return self.foreign_key(row)
        except Exception:
            return None

    def left(self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any) -> None:
        """An update of the left table."""
        if not _usable(key):
            return
        frozen = freeze(key)
        index = self.index
        previous = self.lefts.data.get(frozen)
        if previous is not None and previous[2] is not None:
            members = index.get(previous[2])
            if members is not None:
                members.discard(frozen)
        if row is None:
            if previous is not None:
                self.lefts.put(frozen, None, ts)
                self.out.tombstone(key, ts, headers)
            return
        fk = self._fk(row)
        fk_frozen = freeze(fk) if fk is not None else None
        self.lefts.put(frozen, (key, row, fk_frozen, ts), ts)
        if fk_frozen is not None:
            index.setdefault(fk_frozen, set()).add(frozen)
        found = self.rights.data.get(fk_frozen) if fk_frozen is not None else None
        if found is not None:
            self.out.emit(key, row, found[0], max(ts, found[1]), headers)
        elif self.outer:
            self.out.emit(key, row, None, ts, headers)
        elif previous is not None:
            self.out.tombstone(key, ts, headers)

    def right(
        self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any
    ) -> None:
        """An update of the right table: re-join the left rows that reference it."""
        if not _usable(key):
            return
        frozen = freeze(key[0])
        self.rights.put(frozen, None if row is None else (row, ts), ts)
        lefts = self.lefts.data
        for left_frozen in sorted(self.index.get(frozen, ()), key=repr):
            left_key, left_row, _, left_ts = lefts[left_frozen]
            if row is not None:
                self.out.emit(left_key, left_row, row, max(ts, left_ts), headers)
            elif self.outer:
                self.out.emit(left_key, left_row, None, ts, headers)
            else:
                self.out.tombstone(left_key, ts, headers)


def build_join(builder: QueryBuilder, node: JoinNode, downstream: Emit) -> None:
    """Build a join operator, its state stores and both of its inputs."""
    out = _Output(node, downstream)
    name = node.id
    operator: Any
    if node.kind is JoinKind.STREAM_STREAM:
        stores = (
            builder.store(f"{name}-this-join-store"),
            builder.store(f"{name}-other-join-store"),
        )
        # Outer rows held until their window closes (only with a GRACE PERIOD) live in a store.
        held = node.grace_ms is not None and node.join_type is not JoinType.INNER
        outer_store = builder.store(f"{name}-outer-join-store") if held else None
        operator = StreamStreamJoin(node, out, stores, outer_store)
        assert builder.query is not None
        builder.query.operators[name] = operator
    elif node.kind is JoinKind.STREAM_TABLE:
        operator = StreamTableJoin(node, out, builder.store(f"{name}-Right-Reduce"))
    elif node.kind is JoinKind.TABLE_TABLE:
        stores = (builder.store(f"{name}-Left-Reduce"), builder.store(f"{name}-Right-Reduce"))
        operator = TableTableJoin(node, out, stores)
    else:
        assert node.foreign_key is not None
        extract = builder.row_function(node.left.schema, (node.foreign_key,))
        stores = (builder.store(f"{name}-Left-Reduce"), builder.store(f"{name}-Right-Reduce"))
        operator = ForeignKeyJoin(node, out, lambda row: extract(row)[0], stores)
    builder.build_input(node.left, operator.left)
    builder.build_input(node.right, operator.right)
