"""Nothing lives in the registry process: a restart replays `_schemas` to the same state."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ksqlmv.registry.records import decode_key

USER = json.dumps(
    {"type": "record", "name": "User", "fields": [{"name": "name", "type": "string"}]}
)


def user(*extra: str) -> str:
    fields = [{"name": "name", "type": "string"}]
    fields += [{"name": name, "type": "string", "default": ""} for name in extra]
    return json.dumps({"type": "record", "name": "User", "fields": fields})


def populate(http: httpx.Client) -> None:
    """Schemas, ids, versions, deletes, configs and modes worth surviving a restart."""
    for subject in ("orders-value", "team%2Fpayments-value", "gone-value"):
        assert http.post(f"/subjects/{subject}/versions", json={"schema": USER}).status_code == 200
    http.post("/subjects/orders-value/versions", json={"schema": user("a")})
    http.post("/subjects/orders-value/versions", json={"schema": user("a", "b")})
    http.post("/subjects/payments-value/versions", json={"schema": user("z")})
    http.delete("/subjects/orders-value/versions/2")
    http.delete("/subjects/gone-value")
    http.delete("/subjects/gone-value?permanent=true")
    http.put("/config", json={"compatibility": "FULL_TRANSITIVE"})
    http.put("/config/payments-value", json={"compatibility": "NONE", "normalize": True})
    http.put("/mode/team%2Fpayments-value", json={"mode": "READONLY"})


def snapshot(http: httpx.Client) -> dict[str, Any]:
    """Everything a client can observe, fetched through the REST API."""
    view: dict[str, Any] = {
        "subjects": http.get("/subjects?deleted=true").json(),
        "config": http.get("/config").json(),
        "mode": http.get("/mode").json(),
    }
    for subject in view["subjects"]:
        quoted = subject.replace("/", "%2F")
        versions = http.get(f"/subjects/{quoted}/versions?deletedAsNegative=true").json()
        view[subject] = {
            "versions": versions,
            "entities": [
                http.get(f"/subjects/{quoted}/versions/{abs(v)}?deleted=true").json()
                for v in versions
            ],
            "config": http.get(f"/config/{quoted}").json(),
            "mode": http.get(f"/mode/{quoted}").json(),
        }
    view["ids"] = {i: http.get(f"/schemas/ids/{i}").json() for i in range(1, 8)}
    return view


def test_registry_restart_replays_everything(any_broker: Any, start_registry: Any) -> None:
    registry = start_registry(bootstrap_servers=any_broker.bootstrap_servers)
    with httpx.Client(base_url=registry.url) as http:
        populate(http)
        before = snapshot(http)
    registry.restart()
    with httpx.Client(base_url=registry.url) as http:
        assert snapshot(http) == before
        # Counting goes on where it stopped: the next id and the next version.
        nxt = http.post("/subjects/orders-value/versions", json={"schema": user("a", "b", "c")})
        assert (nxt.json()["id"], nxt.json()["version"]) == (5, 4)
        # The read-only subject is still read-only; the permanently deleted one is gone.
        refused = http.post("/subjects/team%2Fpayments-value/versions", json={"schema": user("q")})
        assert refused.json()["error_code"] == 42205
        assert "gone-value" not in http.get("/subjects?deleted=true").json()


@pytest.mark.integration
@pytest.mark.slow
def test_whole_stack_restart_keeps_everything(embedded_stack_factory: Any, tmp_path: Any) -> None:
    """`ksqlmv local` with broker and registry, stopped and started on the same data."""
    stack = embedded_stack_factory(services=("broker", "registry"), data_dir=tmp_path)
    with httpx.Client(base_url=stack.schema_registry_url) as http:
        populate(http)
        before = snapshot(http)
    stack.restart()
    with httpx.Client(base_url=stack.schema_registry_url) as http:
        assert snapshot(http) == before


@pytest.mark.integration
@pytest.mark.slow
def test_killed_registry_loses_nothing_acknowledged(
    embedded_stack_factory: Any, tmp_path: Any
) -> None:
    """Every answered write was acknowledged by the broker first: kill -9 loses none of them."""
    stack = embedded_stack_factory(services=("broker", "registry"), data_dir=tmp_path)
    with httpx.Client(base_url=stack.schema_registry_url) as http:
        populate(http)
        before = snapshot(http)
    stack.kill("registry")
    stack.start()
    with httpx.Client(base_url=stack.schema_registry_url) as http:
        assert snapshot(http) == before


def test_topic_records_have_confluents_shapes(broker: Any, start_registry: Any) -> None:
    """Read the topic back with a plain consumer: keys and values as Confluent writes them."""
    import uuid

    from confluent_kafka import Consumer, TopicPartition

    registry = start_registry()
    with httpx.Client(base_url=registry.url) as http:
        http.post("/subjects/s-value/versions", json={"schema": USER})
        http.put("/config/s-value", json={"compatibility": "FULL"})
        http.delete("/subjects/s-value")
    consumer = Consumer(
        {"bootstrap.servers": broker.bootstrap_servers, "group.id": str(uuid.uuid4())}
    )
    consumer.assign([TopicPartition(registry.topic, 0, 0)])
    records = []
    while len(records) < 3:
        message = consumer.poll(5)
        assert message is not None, records
        if message.error() is None:
            records.append((message.key(), message.value()))
    consumer.close()
    assert records[0][0] == b'{"keytype":"SCHEMA","subject":"s-value","version":1,"magic":1}'
    assert json.loads(records[0][1]) == {
        "subject": "s-value",
        "version": 1,
        "id": 1,
        "schema": USER.replace(" ", ""),
        "deleted": False,
    }
    assert records[1] == (
        b'{"keytype":"CONFIG","subject":"s-value","magic":0}',
        b'{"compatibilityLevel":"FULL"}',
    )
    assert records[2] == (
        b'{"keytype":"DELETE_SUBJECT","subject":"s-value","magic":0}',
        b'{"subject":"s-value","version":1}',
    )
    assert all(decode_key(key) is not None for key, _ in records)
