"""The embedded stack: the `ksqlmv local` supervisor, its service contract and a test harness."""

from __future__ import annotations

from ksqlmv.local.contract import announce as announce

__all__ = ["announce"]
