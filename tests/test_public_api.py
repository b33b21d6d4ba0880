"""The package's public names are exactly what `__all__` says."""

from __future__ import annotations

import ksqlmv


def test_all_is_sorted_and_complete() -> None:
    public = {name for name in vars(ksqlmv) if not name.startswith("_")} - {"annotations"}
    modules = {name for name in public if type(getattr(ksqlmv, name)).__name__ == "module"}
    assert sorted(ksqlmv.__all__) == ksqlmv.__all__
    assert set(ksqlmv.__all__) - {"__version__"} == public - modules
