"""`POST /inserts-stream`: rows into a stream or table, one acknowledgement per row (HTTP/2 only).

The body is newline-delimited JSON: first `{"target": "name", "properties": {...}}`, then one
object per row. Each row's columns are matched by name (exactly, else upper-cased), coerced to the
column types, serialized in the source's formats and produced; once the broker acknowledges it the
server writes `{"status":"ok","seq":n}`. A row that cannot be inserted gets
`{"status":"error","seq":n,"error_code":40000,"message":...}`; malformed JSON ends the stream
with its error, as ksqlDB does. Over HTTP/1.1 the endpoint answers 400 / 40004.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

from confluent_kafka import KafkaError, Producer

from ksqlmv.engine.catalog import DataSource
from ksqlmv.engine.runtime.serdes import serdes_for
from ksqlmv.errors import StatementError
from ksqlmv.http import Request, Router, StreamingResponse
from ksqlmv.server.context import ServerContext
from ksqlmv.server.errors import BAD_REQUEST, BAD_STATEMENT, HTTP2_ONLY
from ksqlmv.server.values import CoercionError, value_decoder

__all__ = ["add_insert_routes"]

_dumps = json.JSONEncoder(separators=(",", ":")).encode


async def _lines(request: Request) -> AsyncIterator[bytes]:
    if request.body_stream is None:
        for line in request.body.split(b"\n"):
            if line.strip():
                yield line
        return
    buffer = b""
    async for chunk in request.body_stream:
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        for line in complete:
            if line.strip():
                yield line
    if buffer.strip():
        yield buffer


class _Inserter:
    """Turns JSON rows into records of one source."""

    def __init__(self, context: ServerContext, source: DataSource) -> None:
        self.source = source
        keys, values = serdes_for(source, context.engine.registry)
        self.serialize_key = keys.serialize
        self.serialize_value = values.serialize
        schema = source.schema
        self.key_columns = [(c.name, value_decoder(c.type)) for c in schema.key]
        self.value_columns = [(c.name, value_decoder(c.type)) for c in schema.value]

    def record(self, row: dict[str, Any]) -> tuple[bytes | None, bytes | None]:
        upper = {str(k).upper(): v for k, v in row.items()}

        def pick(name: str) -> Any:
            return row[name] if name in row else upper.get(name.upper())

        key: list[Any] = []
        for name, decode in self.key_columns:
            found = pick(name)
            if found is None and self.source.is_table:
                raise CoercionError(f"Key field must be specified: {name}")
            key.append(None if found is None else decode(found))
        value = tuple(
            None if pick(name) is None else decode(pick(name))
            for name, decode in self.value_columns
        )
        return self.serialize_key(tuple(key), None), self.serialize_value(value)


def _target(context: ServerContext, name: Any) -> DataSource:
    if not isinstance(name, str) or not name:
        raise StatementError("Invalid target name: the target must be a name", BAD_STATEMENT)
    catalog = context.engine.catalog
    source = catalog.source(name) or catalog.source(name.upper())
    if source is None:
        raise StatementError(
            f"Cannot insert values into an unknown stream/table: {name}", BAD_STATEMENT
        )
    if source.windowed:
        raise StatementError("Cannot insert values into windowed stream/table", BAD_STATEMENT)
    if source.is_source:
        raise StatementError(
            f"Cannot insert values into read-only topic: {source.topic}", BAD_STATEMENT
        )
    return source


def add_insert_routes(router: Router, context: ServerContext) -> None:
    """Register `/inserts-stream` on `router`."""
    producer: list[Producer] = []
    lock = threading.Lock()

    def shared_producer() -> Producer:
        with lock:
            if not producer:
                made = Producer(
                    {
                        **context.kafka_config,
                        "acks": "all",
                        "linger.ms": 1,
                        "partitioner": "murmur2_random",
                    }
                )
                producer.append(made)
                # Deliveries are acknowledged as they happen, not when the stream ends.
                threading.Thread(
                    target=_poll, args=(made, context), name="inserts-producer", daemon=True
                ).start()
            return producer[0]

    @router.route("POST", "/inserts-stream")
    async def inserts(request: Request) -> StreamingResponse:
        if request.http_version != "2":
            raise StatementError("This endpoint is only available when using HTTP2", HTTP2_ONLY)
        lines = _lines(request)
        first = await anext(lines, None)
        try:
            args = json.loads(first or b"")
        except ValueError as error:
            raise StatementError(f"Invalid JSON in request: {error}", BAD_REQUEST) from None
        if not isinstance(args, dict):
            raise StatementError("Invalid JSON in request: expected an object", BAD_REQUEST)
        source = _target(context, args.get("target"))
        inserter = _Inserter(context, source)
        kafka = await context.loop.run_in_executor(None, shared_producer)
        return StreamingResponse(
            _acks(context, lines, inserter, kafka), content_type="application/json"
        )


async def _acks(
    context: ServerContext, lines: AsyncIterator[bytes], inserter: _Inserter, kafka: Producer
) -> AsyncIterator[bytes]:
    """Acknowledgements as rows are delivered, while the client may still be sending rows."""
    loop = context.loop
    topic = inserter.source.topic
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def delivered(seq: int) -> Any:
        def callback(error: KafkaError | None, message: Any) -> None:
            answer = _ack(seq) if error is None else _error(seq, str(error))
            loop.call_soon_threadsafe(queue.put_nowait, answer)

        return callback

    async def read() -> None:
        sequence = 0
        try:
            async for line in lines:
                seq, sequence = sequence, sequence + 1
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("not an object")
                except ValueError:
                    queue.put_nowait(_error(seq, "Invalid JSON in inserts stream"))
                    return
                try:
                    key, value = inserter.record(row)
                except (CoercionError, StatementError) as error:
                    queue.put_nowait(_error(seq, str(error)))
                    continue
                except Exception as error:
                    queue.put_nowait(_error(seq, f"Failed to serialize the row: {error}"))
                    continue
                while True:
                    try:
                        kafka.produce(topic, value=value, key=key, on_delivery=delivered(seq))
                        break
                    except BufferError:
                        await asyncio.sleep(0.01)
        finally:
            await loop.run_in_executor(None, kafka.flush, 30)
            # Delivery callbacks hop to the loop; this marker queues up behind them.
            loop.call_soon_threadsafe(queue.put_nowait, None)

    reader = loop.create_task(read())
    try:
        while True:
            item = await queue.get()
            if item is None:
                return
            yield item
    finally:
        if not reader.done():
            reader.cancel()


def _poll(producer: Producer, context: ServerContext) -> None:
    while context.state != "CLOSED":
        producer.poll(0.05)


def _ack(seq: int) -> bytes:
    return (_dumps({"status": "ok", "seq": seq}) + "\n").encode()


def _error(seq: int, message: str) -> bytes:
    body = {"status": "error", "seq": seq, "error_code": BAD_REQUEST, "message": message}
    return (_dumps(body) + "\n").encode()
