"""`POST /ksql` and the server's other request/response routes: `/info`, `/healthcheck`,
`/status`, `/is_valid_property`, `/v1/metadata` and the `/` redirect.

`/ksql` takes `{"ksql": "...", "streamsProperties": {...}, "sessionVariables": {...},
"commandSequenceNumber": n}` and answers with one entity per statement (an array), or ksqlDB's
error body. Old-API answers are `application/json`, as ksqlDB sends them.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ksqlmv.errors import StatementError
from ksqlmv.http import Request, Response, Router, json_response
from ksqlmv.server.context import VERSION, ServerContext
from ksqlmv.server.errors import BAD_REQUEST, NOT_FOUND, generic_error
from ksqlmv.server.properties import normalize, resolve

__all__ = ["add_ksql_routes", "read_json_object"]

JSON = "application/json"


def read_json_object(request: Request, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request body as a JSON object; ksqlDB's 400 (40000) when it is not one."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise StatementError(f"Invalid JSON in request: {error}", BAD_REQUEST) from None
    if not isinstance(body, dict):
        raise StatementError("Invalid JSON in request: the body must be a JSON object", BAD_REQUEST)
    for name in required:
        if body.get(name) is None:
            raise StatementError(
                f"Invalid JSON in request: Missing required creator property '{name}'",
                BAD_REQUEST,
            )
    return body


def session_variables(body: dict[str, Any]) -> dict[str, str]:
    """`sessionVariables` as names to text values."""
    found = body.get("sessionVariables") or {}
    if not isinstance(found, dict):
        raise StatementError("Invalid JSON in request: sessionVariables must be an object")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in found.items()}


def add_ksql_routes(router: Router, context: ServerContext) -> None:
    """Register the request/response routes on `router`."""

    @router.route("POST", "/ksql")
    async def ksql(request: Request) -> Response:
        body = read_json_object(request, ("ksql",))
        sql = body["ksql"]
        if not isinstance(sql, str):
            raise StatementError("Invalid JSON in request: ksql must be a string", BAD_REQUEST)
        properties = normalize(body.get("streamsProperties"))
        variables = session_variables(body)
        sequence = body.get("commandSequenceNumber")
        if isinstance(sequence, int) and sequence >= 0:
            await context.wait_for_command(sequence)
        entities = await context.execute(sql, properties, variables)
        return json_response(entities, content_type=JSON)

    @router.route("GET", "/")
    async def root(request: Request) -> Response:
        return Response(307, b"", None, (("location", "/info"),))

    @router.route("GET", "/info")
    async def info(request: Request) -> Response:
        cluster_id = await context.loop.run_in_executor(None, _cluster_id, context)
        return json_response(
            {
                "KsqlServerInfo": {
                    "version": VERSION,
                    "kafkaClusterId": cluster_id,
                    "ksqlServiceId": context.config.service_id,
                    "serverStatus": "RUNNING" if context.state == "READY" else context.state,
                }
            },
            content_type=JSON,
        )

    @router.route("GET", "/healthcheck")
    async def healthcheck(request: Request) -> Response:
        kafka = await context.loop.run_in_executor(None, _kafka_healthy, context)
        healthy = kafka and context.state == "READY"
        details = {
            "metastore": {"isHealthy": context.state == "READY"},
            "kafka": {"isHealthy": kafka},
            "commandRunner": {"isHealthy": context.state == "READY"},
        }
        body = {"isHealthy": healthy, "details": details, "serverState": context.state}
        return json_response(body, 200 if healthy else 503, JSON)

    @router.route("GET", "/status")
    async def statuses(request: Request) -> Response:
        found = {k: v["status"] for k, v in context.runner.statuses.items()}
        return json_response({"commandStatuses": found}, content_type=JSON)

    @router.route("GET", "/status/{type}/{entity}/{action}")
    async def status(request: Request) -> Response:
        params = request.path_params
        command_id = f"{params['type']}/{params['entity']}/{params['action']}"
        found = context.runner.statuses.get(command_id)
        if found is None:
            raise StatementError("Command not found", NOT_FOUND)
        return json_response(found, content_type=JSON)

    @router.route("GET", "/is_valid_property/{property}")
    async def valid_property(request: Request) -> Response:
        name = request.path_params["property"]
        if resolve(name) is None:
            body = generic_error(
                BAD_REQUEST,
                f"Not recognizable as ksql, streams, consumer, or producer property: '{name}'",
            )
            return json_response(body, 400, JSON)
        return json_response(True, content_type=JSON)

    @router.route("GET", "/v1/metadata")
    async def metadata(request: Request) -> Response:
        cluster_id = await context.loop.run_in_executor(None, _cluster_id, context)
        return json_response(
            {
                "version": VERSION,
                "id": cluster_id,
                "scope": {
                    "path": [],
                    "clusters": {
                        "kafka-cluster": cluster_id,
                        "ksql-cluster": context.config.service_id,
                    },
                },
            },
            content_type=JSON,
        )

    @router.route("GET", "/v1/metadata/id")
    async def metadata_id(request: Request) -> Response:
        cluster_id = await context.loop.run_in_executor(None, _cluster_id, context)
        return json_response(
            {
                "scope": {
                    "path": [],
                    "clusters": {
                        "kafka-cluster": cluster_id,
                        "ksql-cluster": context.config.service_id,
                    },
                }
            },
            content_type=JSON,
        )

    @router.route("GET", "/chc/ready")
    async def ready(request: Request) -> Response:
        return Response(200 if context.state == "READY" else 503)

    @router.route("GET", "/chc/live")
    async def live(request: Request) -> Response:
        return Response(200)

    _ = (asyncio,)


def _cluster_id(context: ServerContext) -> str:
    try:
        metadata = context.driver.admin.list_topics(timeout=2)
    except Exception:
        return ""
    return str(getattr(metadata, "cluster_id", "") or "")


def _kafka_healthy(context: ServerContext) -> bool:
    try:
        context.driver.admin.list_topics(timeout=2)
    except Exception:
        return False
    return True
