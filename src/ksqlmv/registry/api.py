"""The REST API: Confluent Schema Registry's routes over `SchemaRegistry`, one handler each.

Handlers read the path and query (booleans case-insensitively, as Jersey reads `normalize=False`),
call the service and shape the JSON. Refusals are `RegistryError`s rendered in one place,
`render_error`, as `{"error_code": ..., "message": ...}` with the status the code implies. Answers
are JSON whatever the `Accept` header says, labelled with the registry's preferred media type
unless the client asked for another of the three it serves.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from ksqlmv.errors import HttpError, RegistryError
from ksqlmv.http import Request, Response, Router
from ksqlmv.registry import lifecycle
from ksqlmv.registry.requests import RegisterRequest, parse_version
from ksqlmv.registry.service import SchemaRegistry

__all__ = ["RegistryApi", "render_error"]

V1_JSON = "application/vnd.schemaregistry.v1+json"
DEFAULT_JSON = "application/vnd.schemaregistry+json"
JSON = "application/json"
REQUEST_TYPES = frozenset({V1_JSON, DEFAULT_JSON, JSON, "application/octet-stream"})


def _media_type(request: Request) -> str:
    accept = request.headers.get("accept", "")
    if not accept or V1_JSON in accept or "*/*" in accept:
        return V1_JSON
    if DEFAULT_JSON in accept:
        return DEFAULT_JSON
    if JSON in accept:
        return JSON
    return V1_JSON


def _reply(request: Request, data: Any, status: int = 200) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(status, body, _media_type(request))


def render_error(request: Request, error: Exception) -> Response:
    """Every refusal as the registry sends it: `{"error_code": int, "message": str}`."""
    if isinstance(error, RegistryError):
        return _reply(request, {"error_code": error.error_code, "message": error.message},
                      error.http_status)  # fmt: skip
    if isinstance(error, HttpError):
        response = _reply(request, {"error_code": error.status, "message": error.message},
                          error.status)  # fmt: skip
        return Response(response.status, response.body, response.content_type, error.headers)
    return _reply(request, {"error_code": 500, "message": "Internal Server Error"}, 500)


def _body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in REQUEST_TYPES:
        raise HttpError(415, "HTTP 415 Unsupported Media Type")
    if not request.body.strip():
        raise RegistryError(422, "Request body is missing")
    return request.json()


def _int_path(request: Request, name: str) -> int:
    try:
        return int(request.path_params[name])
    except ValueError:
        raise HttpError(404, "HTTP 404 Not Found") from None


def _page(items: list[Any], request: Request) -> list[Any]:
    offset = max(0, request.query_int("offset", 0))
    limit = request.query_int("limit", -1)
    return items[offset:] if limit <= 0 else items[offset : offset + limit]


def _deleted(request: Request) -> bool:
    return request.query_bool("deleted")


Handler = Callable[["RegistryApi", Request], Awaitable[Response]]


class RegistryApi:
    """Builds the router for one `SchemaRegistry`."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        self.state = registry.state
        self.router = Router(render_error)
        for method, pattern, handler in ROUTES:
            self.router.add(method, pattern, self._bind(handler))

    def _bind(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def bound(request: Request) -> Response:
            return await handler(self, request)

        return bound

    # -- root, types, contexts, associations ------------------------------------------------------

    async def root(self, request: Request) -> Response:
        return _reply(request, {})

    async def schema_types(self, request: Request) -> Response:
        return _reply(request, ["AVRO"])

    async def contexts(self, request: Request) -> Response:
        return _reply(request, _page(["."], request))

    async def associations(self, request: Request) -> Response:
        # No associations are ever created here, so serializers fall back to TopicNameStrategy.
        return _reply(request, [])

    # -- schemas by id ----------------------------------------------------------------------------

    def _by_id(self, request: Request) -> Any:
        schema_id = _int_path(request, "id")
        value = self.state.by_id(schema_id, request.query_value("subject"))
        if value is None:
            raise RegistryError(40403, f"Schema {schema_id} not found")
        return value

    async def schema_by_id(self, request: Request) -> Response:
        value = self._by_id(request)
        return _reply(request, self.registry.schema_string(value, request.query_bool("fetchMaxId")))

    async def schema_text_by_id(self, request: Request) -> Response:
        return Response(200, self._by_id(request).schema.encode(), _media_type(request))

    async def schema_by_guid(self, request: Request) -> Response:
        guid = request.path_params["guid"]
        schema_id = self.state.guids.get(guid)
        value = self.state.by_id(schema_id) if schema_id is not None else None
        if value is None:
            raise RegistryError(40403, f"Schema {guid} not found")
        return _reply(request, self.registry.schema_string(value))

    def _usages(self, request: Request) -> list[Any]:
        schema_id = _int_path(request, "id")
        usages = self.state.usages(schema_id)
        if not usages:
            raise RegistryError(40403, "Schema not found")
        subject = request.query_value("subject")
        return [
            value
            for value in usages
            if (_deleted(request) or not value.deleted) and subject in (None, "", value.subject)
        ]

    async def id_versions(self, request: Request) -> Response:
        found = [{"subject": v.subject, "version": v.version} for v in self._usages(request)]
        return _reply(request, _page(found, request))

    async def id_subjects(self, request: Request) -> Response:
        subjects = list(dict.fromkeys(value.subject for value in self._usages(request)))
        return _reply(request, _page(subjects, request))

    async def schemas(self, request: Request) -> Response:
        prefix = request.query_value("subjectPrefix") or ""
        latest_only = request.query_bool("latestOnly")
        found = []
        for subject in self.state.subject_names(include_deleted=_deleted(request)):
            if not subject.startswith(prefix):
                continue
            versions = [
                v for v in self.state.versions(subject) if _deleted(request) or not v.deleted
            ]
            found += [self.registry.entity(v) for v in (versions[-1:] if latest_only else versions)]
        return _reply(request, _page(found, request))

    # -- subjects ---------------------------------------------------------------------------------

    async def subjects(self, request: Request) -> Response:
        deleted_only = request.query_bool("deletedOnly") or request.query_bool("deleted_only")
        names = self.state.subject_names(_deleted(request), deleted_only)
        prefix = request.query_value("subjectPrefix") or ""
        return _reply(request, _page([name for name in names if name.startswith(prefix)], request))

    async def subject_versions(self, request: Request) -> Response:
        subject = request.path_params["subject"]
        deleted_only = request.query_bool("deletedOnly")
        as_negative = request.query_bool("deletedAsNegative")
        include_deleted = _deleted(request) or deleted_only or as_negative
        if not self.state.has_subject(subject, include_deleted):
            raise RegistryError(40401, f"Subject '{subject}' not found.")
        numbers = []
        for value in self.state.versions(subject):
            if as_negative:
                numbers.append(-value.version if value.deleted else value.version)
            elif (value.deleted and (deleted_only or _deleted(request))) or (
                not value.deleted and not deleted_only
            ):
                numbers.append(value.version)
        return _reply(request, _page(numbers, request))

    async def register(self, request: Request) -> Response:
        body = RegisterRequest.from_json(_body(request))
        entity = await self.registry.register(
            request.path_params["subject"],
            body,
            normalize=request.query_bool("normalize"),
            force=request.query_bool("force"),
        )
        return _reply(request, entity)

    async def lookup(self, request: Request) -> Response:
        body = RegisterRequest.from_json(_body(request))
        entity = self.registry.lookup(
            request.path_params["subject"],
            body,
            request.query_bool("normalize"),
            _deleted(request),
        )
        return _reply(request, entity)

    def _version(self, request: Request, include_deleted: bool) -> Any:
        version = parse_version(request.path_params["version"])
        return self.registry.get_version(request.path_params["subject"], version, include_deleted)

    async def get_version(self, request: Request) -> Response:
        return _reply(request, self.registry.entity(self._version(request, _deleted(request))))

    async def get_version_schema(self, request: Request) -> Response:
        value = self._version(request, _deleted(request))
        return Response(200, value.schema.encode(), _media_type(request))

    async def referenced_by(self, request: Request) -> Response:
        value = self._version(request, True)
        ids = self.state.referencing(value.subject, value.version, _deleted(request))
        return _reply(request, _page(ids, request))

    async def latest_with_metadata(self, request: Request) -> Response:
        subject = request.path_params["subject"]
        wanted = dict(
            zip(request.query.get("key", []), request.query.get("value", []), strict=False)
        )
        for value in reversed(self.state.versions(subject)):
            if value.deleted and not _deleted(request):
                continue
            properties = (value.metadata or {}).get("properties") or {}
            if all(properties.get(key) == expected for key, expected in wanted.items()):
                return _reply(request, self.registry.entity(value))
        if not self.state.has_subject(subject, _deleted(request)):
            raise RegistryError(40401, f"Subject '{subject}' not found.")
        raise RegistryError(40403, "Schema not found")

    async def delete_subject(self, request: Request) -> Response:
        versions = await lifecycle.delete_subject(
            self.registry, request.path_params["subject"], request.query_bool("permanent")
        )
        return _reply(request, versions)

    async def delete_version(self, request: Request) -> Response:
        version = parse_version(request.path_params["version"])
        deleted = await lifecycle.delete_version(
            self.registry, request.path_params["subject"], version, request.query_bool("permanent")
        )
        return _reply(request, deleted)

    # -- compatibility ------------------------------------------------------------------------

    async def compatible_with_version(self, request: Request) -> Response:
        version = parse_version(request.path_params["version"])
        return await self._compatibility(request, version)

    async def compatible_with_subject(self, request: Request) -> Response:
        return await self._compatibility(request, None)

    async def _compatibility(self, request: Request, version: int | None) -> Response:
        body = RegisterRequest.from_json(_body(request))
        answer = self.registry.compatibility(
            request.path_params["subject"],
            body,
            version,
            request.query_bool("normalize"),
            request.query_bool("verbose"),
        )
        return _reply(request, answer)

    # -- config and mode ------------------------------------------------------------------------

    async def get_config(self, request: Request) -> Response:
        subject = request.path_params.get("subject")
        default_to_global = request.query_bool("defaultToGlobal")
        return _reply(request, lifecycle.get_config(self.registry, subject, default_to_global))

    async def put_config(self, request: Request) -> Response:
        subject = request.path_params.get("subject")
        return _reply(request, await lifecycle.set_config(self.registry, subject, _body(request)))

    async def delete_config(self, request: Request) -> Response:
        subject = request.path_params.get("subject")
        return _reply(request, await lifecycle.delete_config(self.registry, subject))

    async def get_mode(self, request: Request) -> Response:
        subject = request.path_params.get("subject")
        mode = lifecycle.get_mode(self.registry, subject, request.query_bool("defaultToGlobal"))
        return _reply(request, {"mode": mode})

    async def put_mode(self, request: Request) -> Response:
        subject = request.path_params.get("subject")
        answer = await lifecycle.set_mode(
            self.registry, subject, _body(request), request.query_bool("force")
        )
        return _reply(request, answer)

    async def delete_mode(self, request: Request) -> Response:
        subject = request.path_params.get("subject")
        return _reply(request, await lifecycle.delete_mode(self.registry, subject))


ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/", RegistryApi.root),
    ("POST", "/", RegistryApi.root),
    ("GET", "/schemas", RegistryApi.schemas),
    ("GET", "/schemas/types", RegistryApi.schema_types),
    ("GET", "/schemas/ids/{id}", RegistryApi.schema_by_id),
    ("GET", "/schemas/ids/{id}/schema", RegistryApi.schema_text_by_id),
    ("GET", "/schemas/ids/{id}/versions", RegistryApi.id_versions),
    ("GET", "/schemas/ids/{id}/subjects", RegistryApi.id_subjects),
    ("GET", "/schemas/guids/{guid}", RegistryApi.schema_by_guid),
    ("GET", "/subjects", RegistryApi.subjects),
    ("POST", "/subjects/{subject}", RegistryApi.lookup),
    ("DELETE", "/subjects/{subject}", RegistryApi.delete_subject),
    ("GET", "/subjects/{subject}/versions", RegistryApi.subject_versions),
    ("POST", "/subjects/{subject}/versions", RegistryApi.register),
    ("GET", "/subjects/{subject}/versions/{version}", RegistryApi.get_version),
    ("DELETE", "/subjects/{subject}/versions/{version}", RegistryApi.delete_version),
    ("GET", "/subjects/{subject}/versions/{version}/schema", RegistryApi.get_version_schema),
    ("GET", "/subjects/{subject}/versions/{version}/referencedby", RegistryApi.referenced_by),
    ("GET", "/subjects/{subject}/metadata", RegistryApi.latest_with_metadata),
    ("POST", "/compatibility/subjects/{subject}/versions", RegistryApi.compatible_with_subject),
    (
        "POST",
        "/compatibility/subjects/{subject}/versions/{version}",
        RegistryApi.compatible_with_version,
    ),
    ("GET", "/config", RegistryApi.get_config),
    ("PUT", "/config", RegistryApi.put_config),
    ("DELETE", "/config", RegistryApi.delete_config),
    ("GET", "/config/{subject}", RegistryApi.get_config),
    ("PUT", "/config/{subject}", RegistryApi.put_config),
    ("DELETE", "/config/{subject}", RegistryApi.delete_config),
    ("GET", "/mode", RegistryApi.get_mode),
    ("PUT", "/mode", RegistryApi.put_mode),
    ("DELETE", "/mode", RegistryApi.delete_mode),
    ("GET", "/mode/{subject}", RegistryApi.get_mode),
    ("PUT", "/mode/{subject}", RegistryApi.put_mode),
    ("DELETE", "/mode/{subject}", RegistryApi.delete_mode),
    ("GET", "/contexts", RegistryApi.contexts),
    ("GET", "/associations/resources/{namespace}/{resource}", RegistryApi.associations),
    ("GET", "/associations/subjects/{subject}", RegistryApi.associations),
]
