"""Every page of the dashboard in Streamlit's AppTest, against the embedded platform with the
simulators producing and the migrations applied.

AppTest never fires `st.fragment(run_every=...)` timers, so a "later look" is another `run()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = [pytest.mark.integration]

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
TIMEOUT = 60.0


def open_page(page: str | None = None, **params: str) -> AppTest:
    """The app, run once on `page` (a script under app_pages/) with query parameters."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_until(at: AppTest, done: Callable[[AppTest], bool], timeout: float = 30.0) -> AppTest:
    """Rerun (a fragment tick) until `done` holds."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, "the page never got there"
        time.sleep(0.5)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, Any]:
    return {metric.label: metric.value for metric in at.metric}


def frames(at: AppTest) -> list[Any]:
    return [element.value for element in at.dataframe]


def charts(at: AppTest, kind: str = "vega_lite_chart") -> list[Any]:
    return list(at.get(kind))


def captions(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption]


# -- overview --------------------------------------------------------------------------------


def test_overview_shows_the_server_its_sources_queries_topics_and_throughput(
    app_env: Any,
) -> None:
    at = open_page()
    shown = metrics(at)
    assert shown["ksqlDB version"] == "0.29.0"
    assert shown["Health"] == "healthy"
    # the demo's 8 streams and the server's KSQL_PROCESSING_LOG
    assert shown["Streams"] == "9" and shown["Tables"] == "10"
    sources, queries, topics = frames(at)
    revenue = sources.set_index("name").loc["REVENUE_PER_MINUTE"]
    assert (revenue["type"], revenue["topic"]) == ("TABLE", "revenue_per_minute")
    assert (revenue["key format"], revenue["value format"]) == ("KAFKA", "AVRO")
    assert revenue["windowed"] and revenue["written by"] == 1
    assert sources.set_index("name").loc["ORDERS", "read by"] >= 3
    assert revenue["live view"] == "live?view=REVENUE_PER_MINUTE&window=1h"
    states = dict(zip(queries["id"], queries["state"], strict=True))
    assert any(q.startswith("CTAS_TRADES_OHLC_1M_") for q in states)
    assert set(states.values()) == {"RUNNING"}
    assert {"orders", "trades", "trades_ohlc_1m"} <= set(topics["name"])
    # Throughput: the server's statistics (DESCRIBE EXTENDED), summed over the sources; the
    # simulators send tens of events per second.
    run_until(at, lambda a: _rate(metrics(a).get("Messages in / s")) > 0, timeout=60)
    reported = frames(at)[0].set_index("name")["msgs/s in"]
    assert reported["ORDERS"] > 0


def _rate(shown: Any) -> float:
    """A rate tile's value as a number (0 while it is still measuring)."""
    try:
        return float(str(shown).replace(",", ""))
    except ValueError:
        return 0.0


# -- live views ------------------------------------------------------------------------------


def test_a_table_is_merged_by_primary_key_and_changes_between_looks(app_env: Any) -> None:
    at = run_until(open_page("live.py", view="ORDERS_BY_STATUS"), lambda a: len(a.dataframe) > 0)
    first = frames(at)[0]
    assert list(first.columns) == ["STATUS", "ORDER_COUNT", "TOTAL_AMOUNT"]
    assert first["STATUS"].is_unique  # one row per key, however many changes arrived
    before = first.set_index("STATUS")["ORDER_COUNT"].sum()
    assert metrics(at)["Orders"] == f"{before:,}"
    run_until(at, lambda a: frames(a)[0]["ORDER_COUNT"].sum() > before)
    assert frames(at)[0]["STATUS"].is_unique
    assert any(caption.startswith(":green[●] live") for caption in captions(at))
    assert charts(at), "a bar chart of orders per status"


def test_a_windowed_view_gets_time_series_charts_and_kpi_tiles(app_env: Any) -> None:
    at = run_until(
        open_page("live.py", view="REVENUE_PER_MINUTE", window="15m"),
        lambda a: len(a.dataframe) > 0,
    )
    frame = frames(at)[0]
    assert {"CHANNEL", "WINDOWSTART", "WINDOWEND", "ORDER_COUNT", "REVENUE"} <= set(frame.columns)
    assert not frame.duplicated(["CHANNEL", "WINDOWSTART"]).any()
    span = frame["WINDOWSTART"].max() - frame["WINDOWSTART"].min()
    assert span.total_seconds() < 15 * 60
    assert {"Revenue, current minute", "Orders, current minute"} <= set(metrics(at))
    specs = [chart.proto.spec for chart in charts(at)]
    assert len(specs) == 2 and all('"line"' in spec for spec in specs)
    assert at.selectbox[1].value == "15m"


def test_ohlc_candles_for_the_picked_symbol(app_env: Any) -> None:
    at = run_until(open_page("live.py", view="TRADES_OHLC_1M"), lambda a: len(a.dataframe) > 0)
    symbols = sorted(frames(at)[0]["SYMBOL"].unique())
    picker = next(box for box in at.selectbox if box.label == "Symbol")
    assert picker.options == symbols
    picker.set_value(symbols[-1]).run()
    candles = charts(at)[0].proto.spec
    assert '"rule"' in candles and '"bar"' in candles
    assert f"Candles \\u00b7 {symbols[-1]}" in candles or f"Candles · {symbols[-1]}" in candles
    assert metrics(at)["Symbols"] == str(len(symbols))


def test_a_stream_shows_its_newest_events(app_env: Any) -> None:
    at = run_until(
        open_page("live.py", view="ORDERS_ENRICHED"),
        lambda a: len(a.dataframe) > 0 and len(frames(a)[0]) > 0,
    )
    events = frames(at)[0]
    assert {"ORDER_ID", "CUSTOMER_TIER", "AMOUNT"} <= set(events.columns)
    assert int(metrics(at)["Orders seen"]) == len(events)


def test_filters_are_typed_and_quoted_never_pasted(app_env: Any) -> None:
    at = run_until(
        open_page("live.py", view="ORDER_STATUS", filter="STATUS=PLACED"),
        lambda a: len(a.dataframe) > 0 and len(frames(a)[0]) > 0,
    )
    assert set(frames(at)[0]["STATUS"]) == {"PLACED"}
    hostile = "x' OR '1'='1"
    at = open_page("live.py", view="ORDER_STATUS", filter=f"STATUS={hostile}")
    at = run_until(at, lambda a: any(c.startswith(":green[●] live") for c in captions(a)))
    assert len(frames(at)[0]) == 0, "the quote stayed inside the literal"
    assert not at.error
    at = open_page("live.py", view="ORDERS_BY_STATUS", filter="ORDER_COUNT=lots")
    assert any("Filter not applied: ORDER_COUNT" in w.value for w in at.warning)


def test_viewers_share_one_reader_which_stops_when_nobody_watches(app_env: Any) -> None:
    from dashlib import connection

    first = run_until(open_page("live.py", view="SHIPMENT_STATUS_BY_ORDER"), lambda a: a.dataframe)
    second = run_until(open_page("live.py", view="SHIPMENT_STATUS_BY_ORDER"), lambda a: a.dataframe)

    def watchers() -> int:
        found = [
            info.viewers
            for info in connection.registry().readers()
            if info.key.source == "SHIPMENT_STATUS_BY_ORDER" and info.key.kind == "TABLE"
        ]
        assert len(found) <= 1, "one reader per source and filters"
        return found[0] if found else 0

    assert watchers() == 2
    first.switch_page("app_pages/flow.py").run()
    assert watchers() == 1
    second.switch_page("app_pages/migrations.py").run()
    assert watchers() == 0


# -- query editor ----------------------------------------------------------------------------


def submit(at: AppTest, sql: str, properties: str = "", offset: str = "latest") -> AppTest:
    at.text_area(key="sql").input(sql)
    at.text_area(key="properties").input(properties)
    at.selectbox(key="offset").set_value(offset)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_editor_runs_statements_and_pull_queries(app_env: Any) -> None:
    at = submit(open_page("editor.py"), "SHOW STREAMS;\nSELECT * FROM ORDERS_BY_STATUS;")
    streams, statuses = frames(at)
    assert "ORDERS" in set(streams["name"])
    assert list(statuses.columns) == ["STATUS", "ORDER_COUNT", "TOTAL_AMOUNT"]
    assert [code.value for code in at.main.code] == [
        "SHOW STREAMS;",
        "SELECT * FROM ORDERS_BY_STATUS;",
    ]


def test_editor_shows_ksqldbs_error_next_to_its_statement_and_stops(app_env: Any) -> None:
    at = submit(
        open_page("editor.py"),
        "SHOW TABLES;\nSELECT * FROM NO_SUCH_VIEW;\nSHOW STREAMS;",
    )
    assert [code.value for code in at.main.code] == ["SHOW TABLES;", "SELECT * FROM NO_SUCH_VIEW;"]
    (error,) = at.error
    assert "NO_SUCH_VIEW" in error.value and "error code 4" in error.value


def test_editor_streams_a_push_query_with_its_properties(app_env: Any) -> None:
    at = submit(
        open_page("editor.py"),
        "SELECT ORDER_ID, STATUS FROM ORDERS EMIT CHANGES;",
        offset="earliest",
    )
    run_until(at, lambda a: len(frames(a)) == 1 and len(frames(a)[0]) > 20)
    rows = frames(at)[0]
    assert list(rows.columns) == ["ORDER_ID", "STATUS"]
    assert any("running" in caption for caption in captions(at))
    at.button(key=next(b.key for b in at.button if b.label == "Stop")).click().run()
    assert any(caption.startswith("stopped") for caption in captions(at))


def test_editor_keeps_set_and_define_for_the_statements_after_them(app_env: Any) -> None:
    at = submit(
        open_page("editor.py"),
        "DEFINE wanted = 'PLACED';\nSELECT * FROM ORDERS_BY_STATUS WHERE STATUS = '${wanted}';",
    )
    assert [caption for caption in captions(at) if caption.startswith("wanted")] == [
        "wanted = PLACED"
    ]
    assert set(frames(at)[0]["STATUS"]) == {"PLACED"}


# -- flow and migrations ---------------------------------------------------------------------


def test_flow_links_every_object_to_its_migration(app_env: Any) -> None:
    at = open_page("flow.py")
    (graph,) = charts(at, "graphviz_chart")
    dot = graph.proto.spec
    assert '"topic:orders" -> "source:ORDERS"' in dot
    assert '"source:ORDERS" -> "query:CTAS_REVENUE_PER_MINUTE_' in dot
    assert 'URL="migrations?version=8"' in dot
    assert "MIGRATION_EVENTS" not in dot  # the metadata, hidden by default
    objects = frames(at)[0].set_index("name")
    assert objects.loc["REVENUE_PER_MINUTE", "migration"].startswith(
        "V000008__revenue_per_minute.sql:"
    )
    assert objects.loc["REVENUE_PER_MINUTE", "live view"].startswith("live?view=")
    assert objects["on server"].all()


def test_migrations_page_says_what_info_and_validate_say(app_env: Any) -> None:
    at = open_page("migrations.py", version="8")
    shown = metrics(at)
    assert (shown["Current version"], shown["Pending"], shown["Valid"]) == ("16", "0", "yes")
    table = frames(at)[0]
    assert len(table) == 16 and set(table["state"]) == {"MIGRATED"}
    assert any("every applied file is unchanged" in s.value for s in at.success)
    sql = at.main.code[-1].value
    assert "CREATE TABLE revenue_per_minute" in sql
    assert "| MIGRATED" in at.main.code[0].value  # ksqlmv migrate info's own table


def test_editor_keeps_the_first_rows_of_a_big_pull_query(
    app_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashlib import queries
    from ksqlmv.client import KsqlClient

    monkeypatch.setattr(queries, "PULL_ROWS", 5)
    with KsqlClient(app_env.ksqldb_url) as client:
        outcome = queries.run_statement(
            client, "SELECT * FROM ORDERS;", 1, queries.Session(), start_push_unexpected
        )
        assert outcome.ok and len(outcome.rows) == 5
        assert outcome.message == "the first 5 rows (the query stopped there)"
        assert client.pull("SELECT * FROM ORDERS_BY_STATUS;").rows, "the server carries on"


def start_push_unexpected(sql: str, session: Any) -> Any:
    raise AssertionError(f"not a push query: {sql}")
