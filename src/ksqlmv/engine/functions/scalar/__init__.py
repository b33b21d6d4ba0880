"""The scalar functions, one module per family; each module lists its entries in `FUNCTIONS`."""

from __future__ import annotations

__all__: list[str] = []
