"""`ksqlmv local`: the embedded stack in the foreground (defined in `ksqlmv.local.command`)."""

from __future__ import annotations

from ksqlmv.local.command import command

__all__ = ["command"]
