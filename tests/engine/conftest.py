"""Fixtures for engine tests: an engine on the in-memory test driver, and a way to run SQL."""

from __future__ import annotations

from collections.abc import Callable
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
