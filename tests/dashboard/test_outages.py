"""A server that is down, or goes away and comes back: a clear banner, then it reconnects."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from ksqlmv.client import KsqlClient

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = ("overview.py", "live.py", "editor.py", "flow.py", "migrations.py")
BANNER = "The ksqlDB server is down or unreachable"


def banner(at: AppTest) -> list[str]:
    return [error.value for error in at.error if BANNER in error.value]


@pytest.fixture
def dead_server(unused_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KSQLMV_KSQLDB_URL", unused_url)
    return unused_url


def test_every_page_shows_the_banner_when_the_server_is_down(dead_server: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        (shown,) = banner(at)
        assert f"cannot reach the ksqlDB server at {dead_server}" in shown
        assert "comes back by itself" in shown
        assert ":red[●] down" in at.sidebar.caption[0].value


def run_until(at: AppTest, done: Callable[[AppTest], bool], timeout: float = 90.0) -> AppTest:
    deadline = time.monotonic() + timeout
    while True:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if done(at):
            return at
        assert time.monotonic() < deadline, "the page never got there"
        time.sleep(0.5)


def counts(at: AppTest) -> dict[str, int]:
    if not at.dataframe:
        return {}
    frame = at.dataframe[0].value
    return dict(zip(frame["ID"], frame["N"], strict=True))


@pytest.mark.integration
@pytest.mark.slow
def test_a_server_restart_shows_the_banner_and_the_live_view_comes_back(
    needs_server: None,
    embedded_stack_factory: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = embedded_stack_factory(services=("broker", "registry", "ksql"), data_dir=tmp_path)
    monkeypatch.setenv("KSQLMV_KSQLDB_URL", stack.ksqldb_url)
    with KsqlClient(stack.ksqldb_url) as client:
        client.execute(
            "CREATE STREAM CLICKS (ID STRING KEY, PAGE STRING) "
            "WITH (KAFKA_TOPIC='clicks', PARTITIONS=1, VALUE_FORMAT='JSON');"
        )
        client.execute(
            "CREATE TABLE CLICKS_BY_ID AS SELECT ID, COUNT(*) AS N FROM CLICKS GROUP BY ID;",
            properties={"auto.offset.reset": "earliest"},
        )
        client.insert("CLICKS", [{"ID": "a", "PAGE": "/"}, {"ID": "b", "PAGE": "/"}])
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["view"] = "CLICKS_BY_ID"
    at.run()
    at.switch_page("app_pages/live.py")
    run_until(at, lambda a: counts(a) == {"a": 1, "b": 1})

    stack.stop()
    run_until(at, lambda a: bool(banner(a)))
    assert not at.dataframe, "no stale page under the banner"

    stack.start()
    with KsqlClient(stack.ksqldb_url) as client:
        client.insert("CLICKS", [{"ID": "a", "PAGE": "/again"}])
    run_until(at, lambda a: not banner(a) and counts(a) == {"a": 2, "b": 1})
