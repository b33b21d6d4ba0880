"""Overview: the server and its health, its streams and tables with their formats and query
counts, its topics, its persistent queries with their state, and the platform's throughput.

Refreshed every few seconds in a fragment; the throughput tiles carry a sparkline of the last
minutes, kept in the session (a bounded deque, so a tab left open does not grow).
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import streamlit as st

from dashlib import connection
from dashlib.catalog import ServerCatalog, read_catalog
from dashlib.links import LiveLink
from dashlib.rates import METER_ROWS, RateBook
from dashlib.readers import ReaderKey
from ksqlmv.client import KsqlClient

__all__: list[str] = []

REFRESH = 3.0
HISTORY = 60  # throughput samples kept for the sparklines: three minutes at one per refresh


def server_tiles(status: connection.ServerStatus) -> None:
    """Version, service, Kafka cluster and health."""
    info = status.info
    first, second, third, fourth = st.columns(4)
    first.metric("ksqlDB version", str(info.get("version", "?")), border=True)
    second.metric("Service id", str(info.get("ksqlServiceId", "?")), border=True)
    third.metric("Kafka cluster", str(info.get("kafkaClusterId", "?")), border=True)
    health = "healthy" if status.healthy else "unhealthy"
    details = status.health.get("details") or {}
    parts = ", ".join(
        f"{name} {'ok' if part.get('isHealthy') else 'failing'}"
        for name, part in details.items()
        if isinstance(part, dict)
    )
    fourth.metric("Health", health, border=True, help=parts or None)


def measure(catalog: ServerCatalog, url: str) -> dict[str, float | None]:
    """Events per second of every stream, from shared one-row meters (no server statistics)."""
    me = connection.viewer()
    book: RateBook = st.session_state.setdefault("rate_book", RateBook())
    now = time.monotonic()
    rates: dict[str, float | None] = {}
    for source in catalog.sources:
        if source.get("type") == "STREAM":
            name = str(source["name"])
            meter = me.watch(ReaderKey.of(url, name, kind="STREAM", max_rows=METER_ROWS))
            rates[name] = book.update(name, meter.table.state().version, now)
    return rates


def _total(rates: dict[str, float | None], names: list[str]) -> float | None:
    known = [rate for name in names if (rate := rates.get(name)) is not None]
    return sum(known) if known else None


def rate_tile(
    column: Any, label: str, value: float | None, history: list[float], help: str
) -> None:
    """A rate with its sparkline, or a note that the first measurement is under way."""
    if value is None:
        column.metric(label, "measuring…", border=True, help=help)
    else:
        column.metric(label, f"{value:,.1f}", chart_data=history, border=True, help=help)


def throughput_tiles(catalog: ServerCatalog, url: str) -> dict[str, float | None] | None:
    """Messages per second in and out (with sparklines) and object counts; returns the rates
    measured by meters when the server reports no statistics."""
    reported = catalog.throughput()
    measured: dict[str, float | None] | None = None
    incoming: float | None
    outgoing: float | None
    if reported.reported:
        incoming, outgoing = reported.consumed_per_sec, reported.produced_per_sec
        labels = ("Messages in / s", "Messages out / s")
        note = "ksqlDB's statistics (DESCRIBE EXTENDED), summed over the sources"
    else:
        measured = measure(catalog, url)
        base = catalog.base_streams()
        derived = [name for name in measured if name not in base]
        incoming, outgoing = _total(measured, base), _total(measured, derived)
        labels = ("Events in / s", "Derived events / s")
        note = "measured by push queries on every stream (the server reports no statistics)"
    history: deque[tuple[float, float]] = st.session_state.setdefault(
        "throughput_history", deque(maxlen=HISTORY)
    )
    if incoming is not None and outgoing is not None:
        history.append((incoming, outgoing))
    queries = catalog.query_infos()
    running = sum(1 for query in queries if query.state.upper() == "RUNNING")
    tiles = st.columns(5)
    rate_tile(tiles[0], labels[0], incoming, [sample[0] for sample in history], note)
    rate_tile(tiles[1], labels[1], outgoing, [sample[1] for sample in history], note)
    streams = sum(1 for source in catalog.sources if source.get("type") == "STREAM")
    tiles[2].metric("Streams", streams, border=True)
    tiles[3].metric("Tables", len(catalog.sources) - streams, border=True)
    tiles[4].metric("Queries running", f"{running} / {len(queries)}", border=True)
    return measured


def tables(catalog: ServerCatalog, measured: dict[str, float | None] | None) -> None:
    """Sources (each linked to its live view), persistent queries and topics."""
    st.subheader("Streams and tables")
    frame = catalog.sources_frame(measured)
    frame.insert(1, "live view", [LiveLink(name).url() for name in frame["name"]])
    st.dataframe(
        frame,
        hide_index=True,
        column_config={"live view": st.column_config.LinkColumn(display_text="open")},
    )
    st.subheader("Persistent queries")
    st.dataframe(catalog.queries_frame(), hide_index=True)
    st.subheader("Topics")
    st.dataframe(catalog.topics_frame(), hide_index=True)


@st.fragment(run_every=REFRESH)
def overview(ksql: KsqlClient) -> None:
    """The whole page, re-read every `REFRESH` seconds."""
    with connection.guard():
        status = connection.probe(ksql)
        if not status.reachable:
            connection.show_status_banner(status)
            return
        catalog = read_catalog(ksql)
        server_tiles(status)
        measured = throughput_tiles(catalog, ksql.options.url)
        tables(catalog, measured)
        st.caption(f"Read at {time.strftime('%H:%M:%S')}; refreshed every {REFRESH:g} s.")


st.title("Overview")
overview(connection.client())
