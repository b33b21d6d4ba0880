"""How a subcommand whose service is not built yet says so."""

from __future__ import annotations

from typing import NoReturn

from ksqlmv.errors import KsqlmvError

__all__ = ["missing"]


def missing(part: str) -> NoReturn:
    """Stop with a one-line message naming the part of the platform that is not there yet."""
    raise KsqlmvError(f"{part} is not part of this build of ksqlmv yet")
