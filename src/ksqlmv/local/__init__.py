"""The embedded stack: the `ksqlmv local` supervisor, the contract its services follow, and
`EmbeddedStack`, the harness tests use to run it.

```
contract      what a service process must do: flags, `listening on HOST:PORT`, signals
services      the table of services (module, port flag, command line) and the StackPlan
supervisor    starts them in order, prints the ready line, stops them together
ports         is a port free, who holds it
stack         EmbeddedStack: `ksqlmv local` as a subprocess, for tests and benchmarks
pytest_plugin the `embedded_broker` and `embedded_stack_factory` fixtures
```
"""

from __future__ import annotations

from ksqlmv.local.contract import announce as announce
from ksqlmv.local.stack import EmbeddedStack as EmbeddedStack

__all__ = ["EmbeddedStack", "announce"]
