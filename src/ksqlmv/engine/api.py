"""The engine's public API: everything a server or an application needs, in one import.

**Statements.** `KsqlEngine(driver, properties=...)` runs KSQL text; `execute(sql, properties,
variables)` returns one `StatementResult` per statement (`.entity` is the ksqlDB REST entity as
plain data) and raises a `ksqlmv.errors` exception with ksqlDB's message for the first statement
that fails (those before it have run). Sessions (`engine.session(...)`) carry SET/UNSET and
DEFINE between calls.

**Drivers.** `TestDriver()` keeps topics in memory and runs queries record by record (ksqlDB's
test runner); `TestDriver(live=True)` also delivers every record as it is produced.
`KafkaDriver(kafka_config, registry, dispatch=...)` runs queries against any Kafka broker, with
state stores checkpointed to compacted changelog topics and restored on start.

**Pull queries** read a table's `Materialized` store: `prepare_pull(engine, query, config,
query_id)` checks and plans the SELECT once; `run_table(table_view(engine, source))` answers it
(key lookups read only their keys; anything else scans), `run_stream(...)` scans a stream.

**Push queries** are subscriptions: `PushQueries(engine, kafka_config, dispatch).start(query,
config, query_id, subscriber, sql)` plans a transient pipeline, or joins a running one with the
same statement (stateless pipelines and topic taps are shared), and calls
`subscriber.row(values, tombstone)` for every row until `stop(query_id)`.

**Command log.** The server appends every accepted statement to the command topic and replays
it at start (`ksqlmv.server`); `python -m ksqlmv.engine FILE` runs a statements file headless.

>>> engine = KsqlEngine(TestDriver(live=True))
>>> _ = engine.execute(
...     "CREATE STREAM S (ID STRING KEY, N INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, "
...     "VALUE_FORMAT='JSON');"
...     "CREATE TABLE T AS SELECT ID, SUM(N) AS TOTAL FROM S GROUP BY ID;"
... )
>>> for n in (1, 2, 3):
...     engine.driver.produce("s", b"a", b'{"N": %d}' % n, n, ())
>>> from ksqlmv.sql import parse_statement
>>> query = parse_statement("SELECT * FROM T WHERE ID = 'a';")
>>> pull = prepare_pull(engine, query, engine.properties, "pull_1")
>>> pull.run_table(table_view(engine, pull.source))
[('a', 6)]
"""

from __future__ import annotations

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.drivers.testing import TestDriver
from ksqlmv.engine.engine import KsqlEngine, Session
from ksqlmv.engine.execution.results import StatementResult
from ksqlmv.engine.queries.pull import PullQuery, prepare_pull
from ksqlmv.engine.queries.push import PushQueries, Subscriber, Subscription
from ksqlmv.engine.queries.views import TableView, table_view

__all__ = [
    "KafkaDriver",
    "KsqlEngine",
    "PullQuery",
    "PushQueries",
    "Session",
    "StatementResult",
    "Subscriber",
    "Subscription",
    "TableView",
    "TestDriver",
    "prepare_pull",
    "table_view",
]
