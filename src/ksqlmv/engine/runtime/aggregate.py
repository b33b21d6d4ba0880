"""The aggregation operator: folds rows into per-key (and per-window) accumulators.

Each update emits the group's new result (ksqlDB with caching off). Rows of a table arrive as a
retraction of the old row (`old is RETRACT`) followed by the new row; the retraction is undone
from its group and, when the new row lands in the same group, both changes produce one output.
Session windows merge with every session within the gap; merged sessions are deleted (a
tombstone per old session) before the merged result is emitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ksqlmv.engine.codegen.compiler import CodeBuilder
from ksqlmv.engine.planning.nodes import AggregateNode
from ksqlmv.engine.runtime.base import Emit, QueryContext, Row, fatal
from ksqlmv.engine.runtime.final import FinalEmitter
from ksqlmv.engine.runtime.stores import KeyValueStore, WindowStore, freeze
from ksqlmv.engine.runtime.windows import grace_of, time_windows

__all__ = ["RETRACT", "AggregateOperator"]


class _Retract:
    def __repr__(self) -> str:
        return "RETRACT"


RETRACT: Any = _Retract()
"""Marks a table row being removed from its aggregation group (passed as `old`)."""


class AggregateOperator:
    """Runs the aggregates of one AggregateNode."""

    def __init__(
        self,
        ctx: QueryContext,
        node: AggregateNode,
        functions: list[Any],
        arguments: list[Callable[[Row], tuple[Any, ...]]],
        downstream: Emit,
        store: KeyValueStore,
        *,
        final: bool = False,
    ) -> None:
        self.ctx = ctx
        self.node = node
        self.functions = functions
        self.arguments = arguments
        self.downstream = downstream
        self.store = store
        self.count = len(functions)
        self.window = node.window
        self.grace = grace_of(node.window) if node.window is not None else 0
        self.final: FinalEmitter | None = None
        if final and node.window is not None:
            # ksqlDB gives EMIT FINAL a grace period of 0 when the query names none.
            self.grace = node.window.grace_ms or 0
            self.final = FinalEmitter(node.window, self.grace, store, self._emit_final)
        self.keep = (
            max(node.window.retention_ms or 0, node.window.size_ms + self.grace)
            if node.window is not None
            else 0
        )
        self.stream_time = -1
        self._pending: tuple[Any, Row, int] | None = None
        self.freeze = any(c.type.base.value in ("ARRAY", "MAP", "STRUCT") for c in node.schema.key)
        self._add: Callable[[list[Any], Row], list[Any]] = lambda accs, row: self._slow_fold(
            accs, row, False
        )
        self._results: Callable[[list[Any]], tuple[Any, ...]] = self._slow_results

    def compile(self, code: CodeBuilder, all_arguments: Callable[[Row], tuple[Any, ...]]) -> None:
        """Generate the per-record fold and result functions for these aggregates.

        `all_arguments(row)` returns every aggregate's arguments, one after another. The
        generated code calls each aggregate's own `add`/`result` directly, with the same
        error handling as the general path (a failing aggregate stops the query; a failing
        result is NULL).
        """
        adds, results = [], []
        position = 0
        for index, function in enumerate(self.functions):
            inner = getattr(function, "inner", None)
            width = getattr(function, "columns", None)
            report = code.ref(lambda error, f=function: self._failed(f, error), f"report{index}_")
            failed = code.ref(
                lambda error, f=function: self.ctx.report(
                    f"Error computing aggregate {f!r}", error
                ),
                f"failed{index}_",
            )
            if inner is None or width is None:
                return  # not a registry aggregate: keep the general path
            if width == 1:
                value = f"v[{position}]"
            else:
                value = "(" + "".join(f"v[{position + i}], " for i in range(width)) + ")"
            position += width
            add = code.ref(inner.add, f"add{index}_")
            result = code.ref(inner.result, f"result{index}_")
            adds.append(
                f"    try:\n        a{index} = {add}(accs[{index}], {value})\n"
                f"    except Exception as error:\n        raise {report}(error) from error\n"
            )
            results.append(
                f"    try:\n        r{index} = {result}(accs[{index}])\n"
                f"    except Exception as error:\n        {failed}(error)\n"
                f"        r{index} = None\n"
            )
        count = len(self.functions)
        arguments = code.ref(all_arguments, "arguments_")
        slow = code.ref(self._slow_fold, "slow_fold_")
        name = f"_fold_{id(self)}"
        source = (
            f"def {name}(accs, row):\n    try:\n        v = {arguments}(row)\n"
            f"    except Exception:\n        return {slow}(accs, row, False)\n"
            + "".join(adds)
            + "    return ["
            + ", ".join(f"a{i}" for i in range(count))
            + "]\n"
        )
        self._add = code.function(source, name)
        name = f"_results_{id(self)}"
        source = (
            f"def {name}(accs):\n"
            + "".join(results)
            + "    return ("
            + "".join(f"r{i}, " for i in range(count))
            + ")\n"
        )
        self._results = code.function(source, name)

    # -- accumulators ----------------------------------------------------------------------

    def _initial(self) -> list[Any]:
        return [f.initial() for f in self.functions]

    def result_of(self, slot: Any, stored: Any) -> tuple[Any, Row, int, Any]:
        """The output `(key, row, ts, window)` of one group of the store, as emitted."""
        accs, ts = stored
        if self.window is None:
            return slot, self._result_row(slot, accs, ts, None), ts, None
        key, window = slot[0], (slot[1], slot[2])
        return key, self._result_row(key, accs, ts, window), ts, window

    def _fold(self, accs: list[Any], row: Row, undo: bool) -> list[Any]:
        return self._slow_fold(accs, row, undo) if undo else self._add(accs, row)

    def _slow_fold(self, accs: list[Any], row: Row, undo: bool) -> list[Any]:
        """The accumulators with `row` added (or undone)."""
        out = []
        for function, argument, acc in zip(self.functions, self.arguments, accs, strict=True):
            try:
                values = argument(row)
                out.append(function.undo(acc, *values) if undo else function.add(acc, *values))
            except Exception as error:
                raise self._failed(function, error) from error
        return out

    def _failed(self, function: Any, error: BaseException) -> fatal:
        """An aggregate that fails (a DECIMAL overflow, ...) stops the query, as in ksqlDB."""
        self.ctx.report(f"Error in aggregate {function!r}", error)
        return fatal(f"Exception caught in process. processor=Aggregate, {function!r}: {error}")

    def _slow_results(self, accs: list[Any]) -> tuple[Any, ...]:
        results = []
        for function, acc in zip(self.functions, accs, strict=True):
            try:
                results.append(function.result(acc))
            except Exception as error:
                self.ctx.report(f"Error computing aggregate {function!r}", error)
                results.append(None)
        return tuple(results)

    def _result_row(
        self, key: Row, accs: list[Any], ts: int, window: tuple[int, int] | None
    ) -> Row:
        row = key + self._results(accs) + (ts,)
        if self.window is not None:
            assert window is not None
            row = row + window
        return row

    def snapshot(self) -> Any:
        """Stream time, and what EMIT FINAL has emitted (for checkpoints)."""
        return [self.stream_time, None if self.final is None else self.final.last_emit]

    def restored(self, snapshot: Any) -> None:
        """Resume after the store was restored, at the checkpoint's stream time."""
        if snapshot is not None:
            self.stream_time = snapshot[0]
            if self.final is not None:
                self.final.last_emit = snapshot[1]
        if self.final is not None:
            self.final.restored()

    def _key(self, key: Row) -> Any:
        return freeze(key) if self.freeze else key

    # -- records -----------------------------------------------------------------------

    def __call__(
        self, key: Row, row: Row | None, ts: int, window: Any, headers: Any, old: Any
    ) -> None:
        """Aggregate one row (or a table retraction) and emit the updated result(s)."""
        if old is RETRACT:
            self._flush()
            if row is not None and key is not None and None not in key:
                self._pending = (key, row, ts)
            return
        pending, self._pending = self._pending, None
        if row is None or key is None or None in key:
            if pending is not None:
                self._apply(pending[0], pending[1], pending[2], undo=True, headers=headers)
            return
        if self.window is None:
            if pending is not None and pending[0] == key:
                self._update(key, ts, headers, retract=pending[1], add=row)
                return
            if pending is not None:
                self._apply(pending[0], pending[1], pending[2], undo=True, headers=headers)
            self._apply(key, row, ts, undo=False, headers=headers)
            return
        if self.window.kind == "SESSION":
            self._session(key, row, ts, headers)
        else:
            self._windowed(key, row, ts, headers)

    def _flush(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._apply(pending[0], pending[1], pending[2], undo=True, headers=())

    def _apply(self, key: Row, row: Row, ts: int, *, undo: bool, headers: Any) -> None:
        if undo:
            self._update(key, ts, headers, retract=row, add=None)
        else:
            self._update(key, ts, headers, retract=None, add=row)

    def _update(
        self, key: Row, ts: int, headers: Any, *, retract: Row | None, add: Row | None
    ) -> None:
        store_key = self._key(key)
        found = self.store.get(store_key)
        accs, last = (found[0], found[1]) if found is not None else (self._initial(), ts)
        if retract is not None:
            accs = self._fold(accs, retract, undo=True)
        if add is not None:
            accs = self._fold(accs, add, undo=False)
        out_ts = max(last, ts)
        self.store.put(store_key, (accs, out_ts), out_ts)
        self.downstream(key, self._result_row(key, accs, out_ts, None), out_ts, None, headers, None)

    def _windowed(self, key: Row, row: Row, ts: int, headers: Any) -> None:
        window_spec = self.window
        assert window_spec is not None
        if ts > self.stream_time:
            self.stream_time = ts
        close = self.stream_time - self.grace
        store_key = freeze(key) if self.freeze else key
        if window_spec.kind == "TUMBLING":
            size = window_spec.size_ms
            first = ts - ts % size
            windows: list[tuple[int, int]] = [(first, first + size)]
        else:
            windows = time_windows(window_spec, ts)
        store = self.store
        data = store.data
        add = self._add
        results = self._results
        downstream = self.downstream
        final = self.final
        changelog = store.changelog
        for window in windows:
            start, end = window
            if end <= close:
                continue
            full = (store_key, start, end)
            found = data.get(full)
            if found is None:
                accs, out_ts = add(self._initial(), row), ts
                store.put(full, (accs, out_ts), out_ts)
            else:
                accs, last = found
                accs, out_ts = add(accs, row), (last if last > ts else ts)
                # A known window: the store's indexes already have it.
                data[full] = (accs, out_ts)
                if changelog is not None:
                    changelog(full, out_ts)
            if final is not None:
                final.written(full, found is None)
                continue
            downstream(
                key, (*key, *results(accs), out_ts, start, end), out_ts, window, headers, None
            )
        if final is not None:
            final.advance(self.stream_time, headers)
        self._expire()

    def _emit_final(self, slot: Any, stored: Any, headers: Any) -> None:
        key, row, ts, window = self.result_of(slot, stored)
        self.downstream(key, row, ts, window, headers, None)

    def _expire(self) -> None:
        store = self.store
        if isinstance(store, WindowStore):
            limit = self.stream_time - self.keep
            ends = store.ends
            if ends and ends[0][0] < limit:
                store.expire(limit)

    def _session(self, key: Row, row: Row, ts: int, headers: Any) -> None:
        assert self.window is not None
        if ts > self.stream_time:
            self.stream_time = ts
        gap = self.window.size_ms
        # Kafka Streams closes a session window once stream time passes its end by the
        # inactivity gap plus the grace period (a later record could still have merged it).
        close = self.stream_time - self.grace - gap
        store_key = self._key(key)
        assert isinstance(self.store, WindowStore)
        # Sessions that ended more than the gap plus the grace period before stream time have
        # left the store (its retention): a late record does not merge with them.
        self._expire()
        overlapping = [
            ((store_key, s, e), v)
            for (s, e), v in self.store.windows(store_key)
            if e >= ts - gap and s <= ts + gap
        ]
        start, end = ts, ts
        accs = self._initial()
        merged_ts = ts
        for (_, s, e), (session_accs, session_ts) in overlapping:
            start, end = min(start, s), max(end, e)
            accs = [
                f.merge(a, b) for f, a, b in zip(self.functions, accs, session_accs, strict=True)
            ]
            merged_ts = max(merged_ts, session_ts)
        if end < close:
            return
        for (k, s, e), (_, session_ts) in overlapping:
            if (s, e) != (start, end):
                self.store.put((k, s, e), None, session_ts)
                self.downstream(key, None, session_ts, (s, e), headers, None)
        accs = self._fold(accs, row, undo=False)
        self.store.put((store_key, start, end), (accs, end), end)
        window = (start, end)
        self.downstream(key, self._result_row(key, accs, end, window), end, window, headers, None)
