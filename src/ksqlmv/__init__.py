"""ksqlmv: event-driven systems on ksqlDB materialized views, on the real or the embedded stack."""

from __future__ import annotations

from ksqlmv.config import Settings as Settings

__all__ = ["Settings", "__version__"]

__version__ = "0.1.0"
