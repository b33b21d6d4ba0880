"""`POST /query-stream`, `POST /query` and `POST /close-query`: pull and push queries.

`/query-stream` takes `{"sql": ..., "properties": {...}, "sessionVariables": {...}}` and answers
in the format `Accept` asks for (delimited by default); `/query` takes ksqlDB's old request,
`{"ksql": ..., "streamsProperties": {...}}`, and answers with StreamedRow objects. Both run over
HTTP/1.1 (chunked) and HTTP/2.

A pull query is planned under the engine lock, then answered from the table's materialized rows
(or a scan of the stream's topic) in one piece. A push query joins (or starts) a pipeline and
streams until its LIMIT, `/close-query`, TERMINATE, or the client going away, which closes the
response's body and so stops the subscription.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

from ksqlmv.engine.queries.pull import PullQuery, prepare_pull, pure_key_lookup
from ksqlmv.engine.queries.views import table_view
from ksqlmv.errors import KsqlmvError, StatementError
from ksqlmv.http import Request, Response, Router, StreamingResponse
from ksqlmv.server.context import ServerContext
from ksqlmv.server.errors import (
    BAD_REQUEST,
    BAD_STATEMENT,
    MAX_PUSH_QUERIES_EXCEEDED,
    SERVER_ERROR,
    generic_error,
)
from ksqlmv.server.ksql_api import read_json_object, session_variables
from ksqlmv.server.printing import print_topic
from ksqlmv.server.properties import normalize
from ksqlmv.server.streaming import Format, QueueSubscriber, ResultWriter, choose_format
from ksqlmv.sql import ast, parse, parse_with_variables

__all__ = ["add_query_routes"]


def _statement(sql: str, variables: dict[str, str]) -> ast.Statement:
    try:
        if variables or "${" in sql:
            statements, _ = parse_with_variables(sql, variables)
        else:
            statements = parse(sql)
    except KsqlmvError as error:
        raise StatementError(str(error), BAD_STATEMENT, sql) from None
    statements = [s for s in statements if not isinstance(s, ast.DefineVariable)]
    if len(statements) != 1:
        raise StatementError(
            f"Expected exactly one KSQL statement; found {len(statements)} instead",
            BAD_STATEMENT,
            sql,
        )
    return statements[0]


async def _single(body: bytes) -> AsyncIterator[bytes]:
    yield body


class _QueryRequest:
    """What a query request says, whichever endpoint it came to."""

    def __init__(self, request: Request, old_api: bool) -> None:
        if old_api:
            body = read_json_object(request, ("ksql",))
            sql, properties = body["ksql"], body.get("streamsProperties")
        else:
            body = read_json_object(request, ("sql",))
            sql, properties = body["sql"], body.get("properties")
        if not isinstance(sql, str):
            raise StatementError("Invalid JSON in request: the statement must be a string")
        self.sql = sql
        self.overrides = normalize(properties)
        self.variables = session_variables(body)
        self.format = choose_format(request.headers.get("accept"), old_api=old_api)


def add_query_routes(router: Router, context: ServerContext) -> None:
    """Register the query routes on `router`."""

    async def answer(request: Request, old_api: bool) -> Response | StreamingResponse:
        query = _QueryRequest(request, old_api)
        if query.format is not None and not query.variables:
            cached = context.pulls.by_text.get(context.pulls.text_key(query.sql, query.overrides))
            if cached is not None:
                return _table_answer(context, cached, query.format, None)
        statement = _statement(query.sql, query.variables)
        if isinstance(statement, ast.PrintTopic):
            if query.format is not Format.DELIMITED:
                return Response(406)
            return await print_topic(context, statement, query.overrides)
        if query.format is None:
            return Response(406)
        if not isinstance(statement, ast.Query):
            raise StatementError(
                "Statement is not a query. Use the /ksql endpoint for statements other than "
                "SELECT and PRINT.",
                BAD_STATEMENT,
                statement.text,
            )
        config = {**context.engine.properties, **query.overrides}
        if statement.pull:
            return await _pull(context, statement, config, query)
        return await _push(context, statement, config, query.format, query.sql)

    @router.route("POST", "/query-stream")
    async def query_stream(request: Request) -> Response | StreamingResponse:
        return await answer(request, old_api=False)

    @router.route("POST", "/query")
    async def query(request: Request) -> Response | StreamingResponse:
        return await answer(request, old_api=True)

    @router.route("POST", "/close-query")
    async def close_query(request: Request) -> Response:
        body = read_json_object(request, ("queryId",))
        query_id = str(body["queryId"])
        subscription = context.push.subscriptions.get(query_id)
        if subscription is None:
            raise StatementError(f"No query with id {query_id}", BAD_REQUEST)
        subscription.subscriber.end(None)
        return Response(200)


def _table_answer(
    context: ServerContext,
    prepared: PullQuery,
    fmt: Format,
    keys: list[tuple[Any, ...]] | None,
) -> StreamingResponse:
    """Answer a table pull query from the table's materialized rows."""
    view = table_view(context.engine, prepared.source)
    rows = prepared.run_table(view, keys) if view is not None else []
    writer = ResultWriter(fmt, prepared.schema, context.pull_id())
    body = writer.header() + writer.rows(rows) + writer.end()
    return StreamingResponse(_single(body), content_type=writer.content_type)


async def _pull(
    context: ServerContext, statement: ast.Query, config: dict[str, Any], query: _QueryRequest
) -> StreamingResponse:
    assert query.format is not None
    cache = context.pulls
    cacheable = not query.variables
    source = context.engine.catalog.source(
        statement.from_.name if isinstance(statement.from_, ast.AliasedRelation) else ""
    )
    shape_key = cache.shape_key(query.sql, query.overrides)
    if cacheable and source is not None and source.is_table:
        shaped = cache.by_shape.get(shape_key)
        if shaped is not None and shaped.source is source:
            keys = pure_key_lookup(statement, source)
            if keys is not None:
                return _table_answer(context, shaped, query.format, keys)
    async with context.lock:
        try:
            prepared = prepare_pull(context.engine, statement, config, context.pull_id())
        except KsqlmvError as error:
            raise StatementError(str(error), BAD_STATEMENT, statement.text) from None
        if cacheable and not prepared.is_stream:
            cache.by_text.put(cache.text_key(query.sql, query.overrides), prepared)
            if pure_key_lookup(statement, prepared.source) is not None:
                with contextlib.suppress(KsqlmvError):
                    template = dataclasses.replace(statement, where=None)
                    shaped = prepare_pull(context.engine, template, config, prepared.query_id)
                    cache.by_shape.put(shape_key, shaped)
    if not prepared.is_stream:
        return _table_answer(context, prepared, query.format, None)
    loop = context.loop
    rows = await loop.run_in_executor(
        None, prepared.run_stream, context.kafka_config, loop.call_soon_threadsafe
    )
    writer = ResultWriter(query.format, prepared.schema, prepared.query_id)
    ending = writer.final_message("Query Completed")  # a stream's scan ends as a push query
    body = writer.header() + writer.rows(rows) + ending + writer.end()
    return StreamingResponse(_single(body), content_type=writer.content_type)


async def _push(
    context: ServerContext,
    statement: ast.Query,
    config: dict[str, Any],
    fmt: Format,
    sql: str,
) -> StreamingResponse:
    limit = context.config.max_push_queries
    if len(context.push) >= limit:
        raise StatementError(
            "Not executing statement(s) as it would cause the number of active, push queries to "
            "exceed the configured limit. Terminate existing PUSH queries, or increase the "
            "'ksql.max.push.queries' setting via the 'ksql-server.properties' file. "
            f"Current push query count: {len(context.push)}. Configured limit: {limit}.",
            MAX_PUSH_QUERIES_EXCEEDED,
        )
    relation = statement.from_
    if isinstance(relation, ast.Join):
        relation = relation.left
    source = relation.name if isinstance(relation, ast.AliasedRelation) else "QUERY"
    query_id = context.transient_id(source)
    subscriber = QueueSubscriber(statement.limit)
    async with context.lock:
        try:
            subscription = context.push.start(statement, config, query_id, subscriber, sql)
        except KsqlmvError as error:
            raise StatementError(str(error), BAD_STATEMENT, statement.text) from None
    writer = ResultWriter(fmt, subscription.schema, query_id)

    async def body() -> AsyncIterator[bytes]:
        try:
            yield writer.header()
            async for batch in subscriber.batches():
                chunk = writer.items(batch)
                if chunk:
                    yield chunk
            if subscriber.limit_reached:
                yield writer.final_message("Limit Reached")
            elif subscriber.error is not None:
                yield writer.error(generic_error(SERVER_ERROR, subscriber.error))
            yield writer.end()
        finally:
            context.push.stop(query_id)

    return StreamingResponse(body(), content_type=writer.content_type)
