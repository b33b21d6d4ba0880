"""What the dashboard's pages share: the connection, the live readers, and the pure logic that
turns server answers into frames, tiles, charts and graphs.

```
connection  the shared client, reader registry and per-session viewer; server status and banner
readers     ReaderRegistry: one LiveTableReader per server, source and filters, leased by viewers
catalog     the server's sources, topics and queries in one read, as frames
shaping     rows to frames, time windows, filter values, ksqlDB's statistics text
views       KPI tiles and charts per view, as a table; specs derived for any other source
charts      Vega-Lite specs for those charts (lines, bars, candles), as plain dictionaries
lineage     topics, sources and queries as a graph tied to the migration files that made them
queries     the query editor: statement kinds, SET/DEFINE, push queries streaming in a thread
links       deep links: view, time window and filters in the query string
```

Only `connection` and the page scripts import Streamlit; the rest is tested on its own.
"""

from __future__ import annotations

__all__: list[str] = []
