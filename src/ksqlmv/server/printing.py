"""`PRINT 'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n];` on `/query-stream`.

ksqlDB prints the formats it detected once, then one line per record:

```
Key format: KAFKA_STRING
Value format: JSON or KAFKA_STRING
rowtime: 2024/01/02 10:00:00.000 Z, key: 1, value: {"ID":1}, partition: 0
```

Formats are guessed from the first record the way a reader would: text that parses as JSON is
JSON, other UTF-8 text is KAFKA_STRING, anything else is shown as bytes (base64). The query ends
at its LIMIT or when the client goes away.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ksqlmv.engine.drivers.feeds import Record, Start, TopicFeed
from ksqlmv.errors import StatementError
from ksqlmv.http import StreamingResponse
from ksqlmv.server.errors import BAD_STATEMENT
from ksqlmv.server.streaming import DELIMITED, QueueSubscriber
from ksqlmv.sql import ast

if TYPE_CHECKING:
    from ksqlmv.server.context import ServerContext

__all__ = ["describe_bytes", "print_topic"]


def describe_bytes(data: bytes | None) -> tuple[str, str]:
    """`(format, text)` of a key or value as PRINT shows it."""
    if data is None:
        return "KAFKA_STRING", "<null>"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "KAFKA_BYTES", base64.b64encode(data).decode("ascii")
    try:
        json.loads(text)
    except ValueError:
        return "KAFKA_STRING", text
    return "JSON", text


def _line(record: Record) -> str:
    _, key, value, ts, _, partition, _ = record
    moment = dt.datetime.fromtimestamp(ts / 1000, tz=dt.UTC)
    stamp = moment.strftime("%Y/%m/%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d} Z"
    return (
        f"rowtime: {stamp}, key: {describe_bytes(key)[1]}, value: {describe_bytes(value)[1]}, "
        f"partition: {partition}\n"
    )


async def print_topic(
    context: ServerContext, statement: ast.PrintTopic, overrides: dict[str, Any]
) -> StreamingResponse:
    """Stream the records of a topic as PRINT does."""
    topic = statement.topic
    exists = await context.loop.run_in_executor(None, context.driver.topic_exists, topic)
    if not exists:
        raise StatementError(
            f"Could not find topic '{topic}', or the KSQL user does not have permissions to "
            "list the topic. Topic names are case-sensitive.",
            BAD_STATEMENT,
            statement.text,
        )
    subscriber = QueueSubscriber(statement.limit)
    interval = max(1, statement.interval or 1)
    seen = [0]

    def deliver(batch: list[Record]) -> None:
        for record in batch:
            seen[0] += 1
            if (seen[0] - 1) % interval == 0:
                subscriber.row(record, False)

    feed = TopicFeed(
        context.kafka_config,
        [topic],
        deliver,
        dispatch=context.loop.call_soon_threadsafe,
        start=Start.EARLIEST if statement.from_beginning else Start.LATEST,
        name=f"print-{topic}",
    ).start()

    async def body() -> AsyncIterator[bytes]:
        try:
            described = False
            async for batch in subscriber.batches():
                lines: list[str] = []
                for record, _ in batch:
                    if not described:
                        described = True
                        lines.append(f"Key format: {describe_bytes(record[1])[0]}\n")
                        lines.append(f"Value format: {describe_bytes(record[2])[0]}\n")
                    lines.append(_line(record))
                yield "".join(lines).encode()
        finally:
            feed.stop()

    return StreamingResponse(body(), content_type=DELIMITED)
