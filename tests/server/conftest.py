"""A real embedded stack (broker, registry, ksqlDB server) for the server tests, and helpers.

`ksql_stack` is shared by the session: tests create streams and tables with names of their own
(`names()`), on topics of their own, so they never see each other's objects. Tests that restart
a server or need one configured otherwise start their own stack.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from confluent_kafka import Producer

from ksqlmv.local import EmbeddedStack


@pytest.fixture(scope="session")
def ksql_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStack]:
    """Broker, registry and server in one `ksqlmv local`, for the whole session."""
    stack = EmbeddedStack(("broker", "registry", "ksql"), tmp_path_factory.mktemp("ksql-stack"))
    with stack:
        yield stack


class Ksql:
    """A thin raw-HTTP helper over one server: `/ksql` calls and record production."""

    def __init__(self, stack: EmbeddedStack) -> None:
        self.stack = stack
        self.url = stack.ksqldb_url
        self.http = httpx.Client(base_url=self.url, timeout=30)
        self._producer: Producer | None = None

    def post(self, sql: str, **properties: Any) -> httpx.Response:
        """POST /ksql with `streamsProperties`."""
        return self.http.post("/ksql", json={"ksql": sql, "streamsProperties": properties})

    def ok(self, sql: str, **properties: Any) -> list[dict[str, Any]]:
        """POST /ksql and expect success; the entities."""
        response = self.post(sql, **properties)
        assert response.status_code == 200, response.text
        entities: list[dict[str, Any]] = response.json()
        return entities

    def produce(self, topic: str, records: list[tuple[Any, Any]], ts: int | None = None) -> None:
        """Write JSON records `(key, value)` (keys as KAFKA strings) and wait for them."""
        if self._producer is None:
            self._producer = Producer({"bootstrap.servers": self.stack.bootstrap_servers})
        for key, value in records:
            self._producer.produce(
                topic,
                key=None if key is None else str(key).encode(),
                value=None if value is None else json.dumps(value).encode(),
                timestamp=ts or 0,
            )
        assert self._producer.flush(10) == 0

    def close(self) -> None:
        self.http.close()
        if self._producer is not None:
            self._producer.flush(5)


@pytest.fixture
def ksql(ksql_stack: EmbeddedStack) -> Iterator[Ksql]:
    """Raw-HTTP helper on the shared stack."""
    helper = Ksql(ksql_stack)
    yield helper
    helper.close()


@pytest.fixture
def names() -> Callable[[str], str]:
    """`names("orders")` -> a name no other test uses (`ORDERS_1a2b3c4d`)."""
    suffix = uuid.uuid4().hex[:8].upper()
    return lambda base: f"{base.upper()}_{suffix}"
