"""ksqlDB's REST API over ksqlmv's engine: `python -m ksqlmv.server`, started by `ksqlmv local`.

```
app          KsqlServer: the context, the route table, HTTP/1.1 and HTTP/2 cleartext, basic auth
context      ServerContext: engine + Kafka driver, command topic, push queries, statement thread
ksql_api     POST /ksql, GET /info, /healthcheck, /status, /is_valid_property, /v1/metadata
statements   running /ksql requests: entities, sessions, the command topic, replay at start
commands     the command topic (append, read back)
query_api    POST /query-stream, /query, /close-query: pull and push queries
inserts_api  POST /inserts-stream (HTTP/2): rows in, one acknowledgement per row
printing     PRINT topic
streaming    the delimited, JSON and StreamedRow formats; the push-query queue
values       row values as ksqlDB's REST JSON writes and reads them
properties   which request properties ksqlDB accepts
errors       ksqlDB's error bodies and codes, in one place
```
"""

from __future__ import annotations

from ksqlmv.server.app import KsqlServer as KsqlServer
from ksqlmv.server.context import ServerConfig as ServerConfig

__all__ = ["KsqlServer", "ServerConfig"]
