"""`EmbeddedStack`, the harness other tests build on: addresses, crash and restart, cleanup."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from ksqlmv.errors import ExecutionError
from ksqlmv.local import EmbeddedStack

pytestmark = pytest.mark.integration

LOG = logging.getLogger("librdkafka")


def test_kill_and_restart_keep_the_address_and_the_data() -> None:
    with EmbeddedStack() as stack:
        bootstrap = stack.bootstrap_servers
        producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "logger": LOG})
        producer.produce("kept", b"before the crash", partition=0)
        assert producer.flush(15) == 0
        old_pid = stack.pid("broker")
        assert stack.kill("broker") not in (0, None)
        assert not stack.running
        stack.restart()
        assert stack.bootstrap_servers == bootstrap
        assert stack.pid("broker") != old_pid
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "k", "logger": LOG})
        consumer.assign([TopicPartition("kept", 0, 0)])
        message = consumer.poll(10)
        assert message is not None and message.value() == b"before the crash"
        consumer.close()
        data_dir = stack.data_dir
    assert not data_dir.exists(), "a temporary data directory goes with the stack"


def test_a_given_data_directory_stays(tmp_path: Path) -> None:
    with EmbeddedStack(data_dir=tmp_path / "mine") as stack:
        assert stack.running
    assert (tmp_path / "mine" / "broker" / "meta.json").exists()
    assert "listening on" in (tmp_path / "mine" / "local.log").read_text()


def test_services_it_does_not_run_have_no_address(embedded_broker: EmbeddedStack) -> None:
    assert embedded_broker.bootstrap_servers.startswith("127.0.0.1:")
    with pytest.raises(ExecutionError, match="runs no registry"):
        _ = embedded_broker.schema_registry_url
    with pytest.raises(ExecutionError, match="runs no ksql"):
        _ = embedded_broker.ksqldb_url


def test_a_failed_start_says_why(tmp_path: Path) -> None:
    stack = EmbeddedStack(("broker", "zookeeper"), tmp_path / "bad")
    with pytest.raises(ExecutionError, match="unknown service zookeeper"):
        stack.start()
    assert not stack.running


def test_a_stack_does_not_outlive_a_crashed_owner(
    tmp_path: Path, alive: Callable[[int], bool]
) -> None:
    owner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from ksqlmv.local import EmbeddedStack\n"
            "stack = EmbeddedStack(data_dir=sys.argv[1]).start()\n"
            "print(stack.pid('broker'), flush=True)\n"
            "time.sleep(600)\n",
            str(tmp_path / "owned"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout is not None
    broker_pid = int(owner.stdout.readline())
    owner.kill()  # no clean-up code runs in the owner
    owner.wait()
    owner.stdout.close()
    deadline = time.monotonic() + 20
    while alive(broker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(broker_pid)
