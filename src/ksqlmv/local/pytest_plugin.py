"""pytest fixtures for tests that need the embedded stack (registered in tests/conftest.py).

- `embedded_broker`: one broker for the whole session (an `EmbeddedStack` running only the
  broker, on a free port). Share it: use a fresh topic or group name per test.
- `embedded_stack_factory`: start stacks of your own (other services, a data directory to
  restart on, crash tests); each is stopped and cleaned up when the test ends.

```python
def test_round_trip(embedded_broker):
    producer = Producer({"bootstrap.servers": embedded_broker.bootstrap_servers})

def test_registry_survives_restart(embedded_stack_factory, tmp_path):
    stack = embedded_stack_factory(services=("broker", "registry"), data_dir=tmp_path)
    ...
    stack.restart()
```
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ksqlmv.local.stack import EmbeddedStack

__all__ = ["embedded_broker", "embedded_stack_factory"]


@pytest.fixture(scope="session")
def embedded_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStack]:
    """A broker shared by the session; `.bootstrap_servers` is its address."""
    stack = EmbeddedStack(("broker",), tmp_path_factory.mktemp("embedded-broker"))
    with stack:
        yield stack


@pytest.fixture
def embedded_stack_factory() -> Iterator[Callable[..., EmbeddedStack]]:
    """`factory(services=..., data_dir=..., ports=...)` -> a started `EmbeddedStack`."""
    stacks: list[EmbeddedStack] = []

    def start(*args: Any, **kwargs: Any) -> EmbeddedStack:
        stack = EmbeddedStack(*args, **kwargs)
        stacks.append(stack)
        return stack.start()

    yield start
    for stack in reversed(stacks):
        stack.close()
