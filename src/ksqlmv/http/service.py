"""An HTTP service as a foreground process, following the contract of `ksqlmv.local.contract`.

```python
@click.command("registry")
@click.option("--port", type=int, default=8081)
@click.option("--verbose", is_flag=True)
def main(port: int, verbose: bool) -> None:
    run_service("ksqlmv registry", lambda: RegistryServer("127.0.0.1:9092", port=port), verbose)
```

`run_service` logs to stderr (INFO with `verbose`, else WARNING), builds the service, starts it,
prints the ready line (`<name> listening on HOST:PORT`), serves until SIGINT or SIGTERM and then
closes it. A `KsqlmvError` raised while building or starting it is one line on stderr and the
error's exit code; a port already in use exits with the contract's `PORT_IN_USE_EXIT`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from typing import Protocol

import click

from ksqlmv.errors import KsqlmvError, PortInUseError
from ksqlmv.local.contract import PORT_IN_USE_EXIT, announce

__all__ = ["Service", "run_service", "serve_until_signalled"]


class Service(Protocol):
    """What `run_service` needs of a server: where it listens, and start, serve and close."""

    host: str

    @property
    def port(self) -> int:
        """The port it really bound (a free one when asked for port 0)."""
        ...

    async def start(self) -> None:
        """Bind the port (after whatever must be ready before the first request)."""
        ...

    async def serve_forever(self) -> None:
        """Answer requests until cancelled."""
        ...

    async def close(self) -> None:
        """Finish what is in flight and release everything."""
        ...


async def serve_until_signalled(server: Service, name: str) -> None:
    """Start `server`, print the ready line, serve until SIGINT or SIGTERM, then close it."""
    await server.start()
    announce(name, server.host, server.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    serving = asyncio.create_task(server.serve_forever())
    await stop.wait()
    serving.cancel()
    await server.close()


def run_service(name: str, build: Callable[[], Service], verbose: bool = False) -> None:
    """Run the service `build` returns in the foreground, as the module docstring describes."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(serve_until_signalled(build(), name))
    except PortInUseError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(PORT_IN_USE_EXIT)
    except KsqlmvError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        pass
