"""The simulators ride out what a crash does to them: an acknowledgement lost with its broker
connection, and a registry that restarts while they run. Every record is written once and the
run finishes.

A lost acknowledgement is made on purpose, not waited for: the relay in front of the broker
(`relayed_broker`) drops the answer to the simulator's first produce request and cuts that
connection. The broker has written the batch; the producer never hears so and sends it again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition

from ksqlmv.local import EmbeddedStack
from ksqlmv.local.contract import LISTENING

pytestmark = [pytest.mark.reliability, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[2]


def _start(command: list[str], log: Path) -> tuple[subprocess.Popen[str], str]:
    """A service process and the `HOST:PORT` of its ready line."""
    with log.open("w") as sink:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=sink, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        match = LISTENING.search(line)
        if match:
            return process, f"{match['host']}:{match['port']}"
    raise AssertionError(f"{command[2]} did not start: {log.read_text()[-2000:]}")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; killed when it ends."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _simulate(*arguments: str, bootstrap: str, registry: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KSQLMV_")}
    return subprocess.run(
        [sys.executable, "-m", "ksqlmv", "simulate", *arguments],
        cwd=REPO_ROOT,
        env={**env, "KSQLMV_BOOTSTRAP_SERVERS": bootstrap, "KSQLMV_SCHEMA_REGISTRY_URL": registry},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _count(bootstrap: str, topic: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "outages-count"})
    try:
        partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        return sum(
            high - low
            for low, high in (
                consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
                for p in partitions
            )
        )
    finally:
        consumer.close()


def test_a_batch_whose_acknowledgement_is_lost_is_written_once(
    relayed_broker: Any, tmp_path: Path
) -> None:
    relay, bootstrap = relayed_broker.relay, relayed_broker.bootstrap
    relay.drop_answer_to_first_produce_of = b"ksqlmv-simulate-trading"
    with EmbeddedStack(("registry",), tmp_path / "stack", bootstrap_servers=bootstrap) as stack:
        done = _simulate(
            *("trading", "--count", "300", "--rate", "200", "--seed", "5", "--timeout", "30"),
            bootstrap=bootstrap,
            registry=stack.schema_registry_url,
        )
    assert done.returncode == 0, done.stderr
    assert relay.dropped.is_set(), "the relay never saw the simulator's produce request"
    assert "300 sent, 300 acknowledged, 0 failed" in done.stdout, done.stdout
    assert _count(bootstrap, "trades") == 300


def test_simulator_rides_out_a_registry_restart(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    with EmbeddedStack(("broker",), tmp_path / "stack") as stack:
        bootstrap = stack.bootstrap_servers
        registry_command = [
            *(sys.executable, "-m", "ksqlmv.registry", "--host", "127.0.0.1"),
            *("--bootstrap-servers", bootstrap),
        ]
        registry, address = _start([*registry_command, "--port", "0"], tmp_path / "registry.log")
        processes.append(registry)
        port = address.rsplit(":", 1)[1]
        result: dict[str, Any] = {}
        shop = threading.Thread(
            target=lambda: result.update(
                done=_simulate(
                    *("shop", "--count", "300", "--rate", "50", "--seed", "11"),
                    *("--timeout", "30", "--start", "2025-03-03T10:00:00Z"),
                    bootstrap=bootstrap,
                    registry=f"http://127.0.0.1:{port}",
                )
            )
        )
        shop.start()
        # The first customers are out: the run is under way. Its first payment (1.5 s of event
        # time later) needs the registry, which is down until four seconds from now.
        deadline = time.monotonic() + 60
        while not _topic_has_records(bootstrap, "customers"):
            assert time.monotonic() < deadline and shop.is_alive(), result
            time.sleep(0.05)
        registry.send_signal(signal.SIGKILL)
        registry.wait()
        time.sleep(4.0)
        again, _ = _start([*registry_command, "--port", port], tmp_path / "registry-again.log")
        processes.append(again)
        shop.join(120)
        done = result["done"]
        assert done.returncode == 0, done.stderr
        assert "300 sent, 300 acknowledged, 0 failed" in done.stdout, done.stdout
        assert _count(bootstrap, "payments") > 0


def _topic_has_records(bootstrap: str, topic: str) -> bool:
    try:
        return _count(bootstrap, topic) > 0
    except Exception:  # not created yet
        return False
