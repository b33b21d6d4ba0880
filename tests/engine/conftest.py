"""Fixtures for engine tests: an engine on the in-memory test driver, a way to run SQL, and
`python -m ksqlmv.engine` in a child process for the crash tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "ksqldb-tests"


@pytest.fixture
def engine() -> KsqlEngine:
    """An engine whose driver delivers records at once (live), as an application sees it."""
    return KsqlEngine(TestDriver(live=True))


@pytest.fixture
def corpus() -> Path:
    """ksqlDB's test corpus; tests that need it skip when it is absent."""
    if not (CORPUS / "query-validation-tests").is_dir():
        pytest.skip("ksqlDB's test corpus (../shared/ksqldb-tests) is not present")
    return CORPUS


RunQuery = Callable[..., list[dict[str, object] | None]]


@pytest.fixture
def run_query(engine: KsqlEngine) -> RunQuery:
    """`run_query(columns, select, rows, where="")`: see `_run_query`."""

    def run(
        columns: str, select: str, rows: list[dict[str, object]], *, where: str = ""
    ) -> list[dict[str, object] | None]:
        return _run_query(engine, columns, select, rows, where=where)

    return run


def _run_query(
    engine: KsqlEngine,
    columns: str,
    select: str,
    rows: list[dict[str, object]],
    *,
    where: str = "",
) -> list[dict[str, object] | None]:
    """Create stream `SRC` with `columns` (JSON), run `select` into stream OUT, produce `rows`.

    Returns the values written to OUT, decoded from JSON (exact decimals).
    """
    import json
    from decimal import Decimal

    engine.execute(
        f"CREATE STREAM SRC ({columns}) WITH (KAFKA_TOPIC='in', VALUE_FORMAT='JSON', PARTITIONS=1);"
    )
    clause = f" WHERE {where}" if where else ""
    engine.execute(f"CREATE STREAM OUT AS SELECT {select} FROM SRC{clause};")
    driver = engine.driver
    for row in rows:
        driver.produce("in", None, json.dumps(row).encode(), 0, ())
    assert isinstance(driver, TestDriver)
    return [
        None if r.value is None else json.loads(r.value, parse_float=Decimal)
        for r in driver.records("OUT")
    ]


class EngineProcess:
    """`python -m ksqlmv.engine FILE` in a child process, with `properties` (NAME=VALUE)."""

    def __init__(self, statements: Path, servers: str, service_id: str, *properties: str) -> None:
        settings = [f"ksql.service.id={service_id}", *properties]
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "ksqlmv.engine", str(statements)),
                *("--bootstrap-servers", servers),
                *(argument for setting in settings for argument in ("--property", setting)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def wait_ready(self) -> float:
        """Seconds until the engine said it was ready (state restored, reading)."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("ready"), f"engine said {line!r}"
        return time.monotonic() - self.started

    def kill(self) -> None:
        """`kill -9`."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """SIGTERM, and `kill -9` after a minute."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()


StartEngine = Callable[..., EngineProcess]


@pytest.fixture
def engine_process() -> Iterator[StartEngine]:
    """`engine_process(statements, servers, service_id, *properties, ready=True)`: a started
    `EngineProcess` (waited for until ready unless `ready=False`); all stopped after the test."""
    started: list[EngineProcess] = []

    def start(
        statements: Path, servers: str, service_id: str, *properties: str, ready: bool = True
    ) -> EngineProcess:
        process = EngineProcess(statements, servers, service_id, *properties)
        started.append(process)
        if ready:
            process.wait_ready()
        return process

    yield start
    for process in started:
        process.stop()
