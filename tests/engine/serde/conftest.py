"""Fixtures for the serde tests: an in-memory Schema Registry and a real one.

`real_registry` runs ksqlmv's embedded broker and Schema Registry as processes on free ports
(the same `python -m` entry points `ksqlmv local` runs) and yields the registry's URL.
"""

from __future__ import annotations

import contextlib
import importlib.util
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ksqlmv.engine.serde import InMemorySchemaRegistry
from ksqlmv.local.contract import LISTENING


@pytest.fixture
def registry() -> InMemorySchemaRegistry:
    """A fresh in-memory Schema Registry."""
    return InMemorySchemaRegistry()


def _start(command: list[str], timeout: float = 30) -> tuple[subprocess.Popen[str], int]:
    """Start a service process and read the port from its `listening on` line."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=0.5):
                if process.poll() is not None:
                    break
                continue
            line = process.stdout.readline()
            if not line:
                break
            match = LISTENING.search(line)
            if match:
                return process, int(match.group("port"))
    _stop(process)
    raise RuntimeError(f"{command[2]} did not start")


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="session")
def real_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of ksqlmv's Schema Registry, on ksqlmv's broker, both on free ports."""
    for module in ("ksqlmv.broker.__main__", "ksqlmv.registry.__main__"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module.rsplit('.', 1)[0]} is not part of this build")
    data_dir: Path = tmp_path_factory.mktemp("serde-broker")
    broker, broker_port = _start(
        [sys.executable, "-m", "ksqlmv.broker", "--port", "0", "--data-dir", str(data_dir)]
    )
    try:
        registry, registry_port = _start(
            [
                sys.executable,
                "-m",
                "ksqlmv.registry",
                "--port",
                "0",
                "--bootstrap-servers",
                f"127.0.0.1:{broker_port}",
            ]
        )
        try:
            yield f"http://127.0.0.1:{registry_port}"
        finally:
            _stop(registry)
    finally:
        with contextlib.suppress(Exception):
            _stop(broker)
