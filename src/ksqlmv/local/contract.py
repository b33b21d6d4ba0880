"""What a service must do to run under `ksqlmv local`.

Every embedded service is a module run as its own process, `python -m ksqlmv.<module>`, and
follows the same contract so the supervisor can start, watch and stop it:

1. **Flags.** It takes `--host H --port P` (port 0 = let the OS pick a free port) plus its own
   flags (`--data-dir`, `--bootstrap-servers`, `--schema-registry-url`, ...).
2. **Ready line.** Once it accepts connections it prints, on stdout, one line containing
   `listening on HOST:PORT` with the port it really bound, and flushes. `announce()` prints it.
   Nothing else is required on stdout; logs go to stderr.
3. **Stopping.** SIGTERM and SIGINT stop it cleanly (exit code 0) within a few seconds.
4. **Failing.** If it cannot start, it prints one line saying why on stderr and exits non-zero.
   A port already in use is exit code 2 (`PORT_IN_USE_EXIT`), with the port in the message.

The supervisor reads the ready line with `LISTENING`.
"""

from __future__ import annotations

import re
import sys

__all__ = ["LISTENING", "PORT_IN_USE_EXIT", "announce"]

LISTENING = re.compile(r"listening on (?P<host>[^\s:]+|\[[^\]]+\]):(?P<port>\d+)")
PORT_IN_USE_EXIT = 2


def announce(service: str, host: str, port: int) -> None:
    """Print the ready line of the contract (`<service> listening on HOST:PORT`) and flush."""
    print(f"{service} listening on {host}:{port}", flush=True)
    # a supervisor reads this through a pipe: make sure nothing buffered hides it
    sys.stdout.flush()
