"""Queries that answer a client rather than write a topic: pull queries and push queries.

```
results   the result columns of a query (names, types, which are keys) and its header texts
views     materialized tables: the current row of every key, kept for pull queries
pull      pull queries: ksqlDB's rules, key lookups, key ranges, window bounds and table scans
          over a view, and scans of a stream's topic
where     a pull query's WHERE clause as ksqlDB reads it: lookups, scans and their errors
timestamps text timestamps compared with ROWTIME and window bounds
push      push queries: a transient pipeline over a topic feed, shared between the subscribers
          of the same stateless query; table tombstones as ksqlDB sends them
```

These run on the engine's thread (the server's event loop), next to the persistent queries whose
output they read.
"""

from __future__ import annotations

__all__: list[str] = []
