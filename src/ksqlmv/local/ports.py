"""Ports: is one free, and if not, which process holds it.

The supervisor checks every fixed port before starting anything, so a clash is one clear line
(`port 9092 is already in use by pid 4242 (java); choose another with --kafka-port`) instead of
a half-started stack. Finding the holder reads Linux's `/proc`; elsewhere it is simply omitted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from pathlib import Path

__all__ = ["free_port", "port_holder", "port_in_use"]

_LISTEN = "0A"


def port_in_use(host: str, port: int) -> bool:
    """Whether binding `host:port` fails because something already listens there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # the same option the services bind with, so TIME_WAIT leftovers do not count
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def port_holder(port: int) -> str | None:
    """`pid N (name)` of the process listening on `port`, if this system lets us see it."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    targets = {f"socket:[{inode}]" for inode in inodes}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in targets:
                        return f"pid {proc.name} ({_name(proc)})"
    return None


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) < 10 or fields[3] != _LISTEN:
                    continue
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def _name(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return "unknown"
