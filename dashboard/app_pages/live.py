"""Live views: any table as a live table, with its KPI tiles and charts.

A table is a pull-query snapshot kept current by a push query, merged by primary key (updates
replace rows, tombstones remove them) and bounded; a stream shows its newest events. The reader
runs in the background, shared by every viewer of the same source and filters; this page only
looks at it, in a fragment that reruns on a timer, so nothing here waits for the server.

Deep link: `live?view=REVENUE_PER_MINUTE&window=15m&filter=CHANNEL%3DWEB`.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import streamlit as st

from dashlib import connection
from dashlib.charts import build_chart
from dashlib.links import LiveLink
from dashlib.readers import ReaderKey
from dashlib.shaping import TimeWindow, coerce_filter_value, is_windowed, to_frame, trim_to_window
from dashlib.views import VIEWS, kpi_values, spec_for
from ksqlmv.client import KsqlClient, quote_identifier

__all__: list[str] = []

# Rows shown in the table; the reader keeps up to MAX_ROWS, and tiles and charts use them all.
DISPLAY_ROWS = 500
MAX_ROWS = 5_000
REFRESH_CHOICES = (0.5, 1.0, 2.0, 5.0)


@st.cache_data(ttl=10, show_spinner=False)
def sources(url: str) -> list[tuple[str, str]]:
    """(name, STREAM or TABLE) of every source on the server, tables first."""
    ksql = connection.client()
    tables = [(t["name"], "TABLE") for t in ksql.list_tables()]
    streams = [(s["name"], "STREAM") for s in ksql.list_streams()]
    return sorted(tables) + sorted(streams)


@st.cache_data(ttl=30, show_spinner=False)
def column_types(url: str, source: str) -> dict[str, str]:
    """Column name to type name, from DESCRIBE."""
    description = connection.client().describe(quote_identifier(source))
    return {field["name"]: field["schema"]["type"] for field in description.get("fields", [])}


def default_view(names: list[str], wanted: str | None) -> str:
    """The deep link's view if the server has it, else the first platform view, else the first."""
    if wanted in names:
        return str(wanted)
    return next((name for name in VIEWS if name in names), names[0])


def typed_filters(
    filters: tuple[tuple[str, str], ...], types: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """The filters with values of their columns' types, and the reasons for those left out."""
    typed: dict[str, Any] = {}
    problems: list[str] = []
    for column, text in filters:
        if column not in types:
            problems.append(f"{column}: no such column")
            continue
        try:
            typed[column] = coerce_filter_value(text, types[column])
        except ValueError as error:
            problems.append(f"{column}: {error}")
    return typed, problems


def filter_controls(link: LiveLink, types: dict[str, str]) -> LiveLink:
    """The filter editor; returns the link with the filters as the viewer left them."""
    filters = list(link.filters)
    with st.expander(f"Filters ({len(filters)})", expanded=bool(filters)):
        left, middle, right = st.columns([2, 3, 1], vertical_alignment="bottom")
        column = left.selectbox("Column", list(types), key="filter_column")
        value = middle.text_input("equals", key="filter_value")
        if right.button("Add filter") and column:
            filters.append((column, value))
        for index, (name, text) in enumerate(link.filters):
            if st.button(
                f"Remove {name} = {text!r}", icon=":material/close:", key=f"drop_filter_{index}"
            ):
                filters.remove((name, text))
    return LiveLink(link.view, link.window, tuple(filters))


def show_status(reader: Any, rows: int, updated_at: float | None) -> None:
    """One line on the reader: live and how fresh, or reconnecting and why."""
    if reader.status == "live":
        age = f", updated {time.time() - updated_at:.1f} s ago" if updated_at else ""
        st.caption(f":green[●] live · {rows} rows (bounded at {MAX_ROWS}){age}")
    elif reader.status == "reconnecting":
        st.warning(f"Reconnecting to the server: {reader.error}", icon=":material/sync:")
    elif reader.status == "error":
        st.error(reader.error or "the live query failed", icon=":material/error:")
    else:
        st.caption(f":gray[●] {reader.status}…")


def render(key: ReaderKey, window: TimeWindow) -> None:
    """Draw the view from its shared reader; reruns on the fragment's timer."""
    reader = connection.viewer().watch(key, only=True)
    state = reader.table.state()
    show_status(reader, len(state.rows), state.updated_at)
    if not state.columns:
        st.info("Waiting for the server's first answer…")
        return
    frame = to_frame(state.columns, (row.values for row in state.rows), newest_first=True)
    spec = spec_for(key.source, frame, reader.table.key_columns)
    if is_windowed(frame.columns):
        frame = trim_to_window(frame, window).sort_values(
            "WINDOWSTART", ascending=False, kind="stable"
        )
    if spec.what:
        st.caption(spec.what)
    tiles = kpi_values(spec, frame)
    for column, tile in zip(st.columns(max(len(tiles), 1)), tiles, strict=False):
        column.metric(tile.label, tile.value, tile.delta, border=True)
    specs, charted = list(spec.charts), frame
    if spec.pick and spec.pick in frame.columns and not frame.empty:
        choices = sorted(frame[spec.pick].dropna().unique().tolist())
        picked = st.selectbox(spec.pick.title(), choices, key=f"pick_{key.source}")
        # The charts show the picked value only (one symbol's candles and volume); say so.
        charted = frame[frame[spec.pick] == picked]
        specs = [dataclasses.replace(c, title=f"{c.title} · {picked}") for c in specs]
    drawn = [chart for chart in (build_chart(c, charted) for c in specs) if chart is not None]
    for column, (data, chart) in zip(st.columns(max(len(drawn), 1)), drawn, strict=False):
        column.vega_lite_chart(data, chart, width="stretch")
    st.dataframe(frame.head(DISPLAY_ROWS), hide_index=True, key=f"rows_{key.source}")


def page(ksql: KsqlClient) -> None:
    """Pick a view, its time window and filters; then draw it live."""
    url = ksql.options.url
    known = sources(url)
    if not known:
        st.info("The server has no streams or tables yet: apply the migrations first.")
        return
    kinds = dict(known)
    names = [name for name, _ in known]
    link = LiveLink.from_params(st.query_params.get_all)
    chosen = default_view(names, link.view)
    left, middle, right = st.columns([4, 1, 1])
    view = left.selectbox(
        "View", names, index=names.index(chosen), format_func=lambda n: f"{n} · {kinds[n]}"
    )
    windows = TimeWindow.labels()
    window = TimeWindow.parse(
        middle.selectbox("Time window", windows, index=windows.index(link.window.label))
    )
    refresh = right.selectbox(
        "Refresh every", REFRESH_CHOICES, format_func=lambda s: f"{s:g} s", key="refresh"
    )
    types = column_types(url, view)
    link = LiveLink(view, window, link.filters if view == link.view else ())
    link = filter_controls(link, types)
    st.query_params.from_dict(link.to_params())
    values, problems = typed_filters(link.filters, types)
    for problem in problems:
        st.warning(f"Filter not applied: {problem}")
    key = ReaderKey.of(url, view, values, kind=kinds[view], max_rows=MAX_ROWS)
    st.fragment(render, run_every=refresh)(key, window)


st.title("Live views")
with connection.guard():
    page(connection.client())
