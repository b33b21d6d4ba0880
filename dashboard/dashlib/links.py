"""Deep links: a live view, its time window and its filters in the page's query string.

`/live?view=TRADES_OHLC_1M&window=15m&filter=SYMBOL%3DACME` opens the candles of one symbol
over the last fifteen minutes. Filters are `COLUMN=value` pairs (repeat `filter=` for more); their
values stay text here and are typed and quoted when the reader is built, never pasted into KSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from dashlib.shaping import TimeWindow

__all__ = ["LiveLink", "migration_link", "params_of"]


@dataclass(frozen=True, slots=True)
class LiveLink:
    """What a live-view URL selects."""

    view: str | None = None
    window: TimeWindow = field(default_factory=lambda: TimeWindow.parse(None))
    filters: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_params(cls, get_all: Callable[[str], Sequence[str]]) -> LiveLink:
        """From query parameters, given their `get_all` (Streamlit's `st.query_params.get_all`).

        A `filter=` without `=` or with an empty column name is ignored.
        """
        views = get_all("view")
        windows = get_all("window")
        filters: list[tuple[str, str]] = []
        for item in get_all("filter"):
            column, separator, value = item.partition("=")
            if separator and column.strip():
                filters.append((column.strip(), value))
        return cls(
            views[-1] if views else None,
            TimeWindow.parse(windows[-1] if windows else None),
            tuple(filters),
        )

    def to_params(self) -> dict[str, str | list[str]]:
        """Query parameters that select this view (for `st.query_params.from_dict`)."""
        params: dict[str, str | list[str]] = {}
        if self.view:
            params["view"] = self.view
        params["window"] = self.window.label
        if self.filters:
            params["filter"] = [f"{column}={value}" for column, value in self.filters]
        return params

    def url(self, page: str = "live") -> str:
        """A relative URL of the live-view page with these parameters."""
        return f"{page}?{urlencode(self.to_params(), doseq=True)}"


def migration_link(version: int, page: str = "migrations") -> str:
    """A relative URL of the migrations page showing one version's file."""
    return f"{page}?{urlencode({'version': version})}"


def params_of(mapping: Mapping[str, Sequence[str]]) -> Callable[[str], Sequence[str]]:
    """A `get_all` over a plain mapping (for links parsed outside Streamlit)."""
    return lambda name: list(mapping.get(name, ()))
