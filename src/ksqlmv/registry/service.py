"""The registry's rules: register, look up, check compatibility, read subjects and ids.

`SchemaRegistry` answers from `RegistryState` and changes it only by writing records through the
store; each write is applied before the call returns. Writes are serialised by one lock, so ids and
version numbers are assigned without races. Every refusal is a `RegistryError` carrying
Confluent's error code and wording; the REST layer only renders it.

Registering follows Confluent's `KafkaSchemaRegistry.register`: mode check; parse (the canonical
form is the identity); an identical schema already live in the subject returns its id and version
and writes nothing; one known elsewhere keeps its global id; otherwise check compatibility against
the live versions (skipped in IMPORT mode or with `force`), then write version = 1 + the highest
version ever used in the subject (deleted ones count) and id = 1 + the highest id ever seen.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from ksqlmv.errors import RegistryError
from ksqlmv.registry.avro_schema import (
    ParsedSchema,
    SchemaReference,
    invalid_schema,
    parse_schema,
    schema_identity,
)
from ksqlmv.registry.compatibility import CompatibilityLevel, PreviousSchema, check
from ksqlmv.registry.records import Key as RecordKey
from ksqlmv.registry.records import SchemaKey, SchemaValue, encode_key, encode_value
from ksqlmv.registry.requests import (
    LATEST,
    RegisterRequest,
    check_subject,
    subject_not_found,
    version_not_found,
)
from ksqlmv.registry.state import RegistryState

__all__ = ["SchemaRegistry"]

CONTEXT = "."
READONLY_MODES = frozenset({"READONLY", "READONLY_OVERRIDE"})

Write = Callable[[bytes, bytes | None], Awaitable[int]]


class SchemaRegistry:
    """Schema Registry over a `RegistryState` kept current by a store's `write`."""

    def __init__(
        self,
        state: RegistryState,
        write: Write,
        default_compatibility: CompatibilityLevel = CompatibilityLevel.BACKWARD,
        default_mode: str = "READWRITE",
    ) -> None:
        self.state = state
        self._write = write
        self.default_compatibility = default_compatibility
        self.default_mode = default_mode
        self.lock = asyncio.Lock()

    async def write(self, key: RecordKey, value: Any) -> None:
        """Append one record to the topic; returns once it is acknowledged and applied."""
        await self._write(encode_key(key), encode_value(value))

    # -- scope: mode and config -------------------------------------------------------------------

    def mode_in_scope(self, subject: str | None) -> str:
        """The subject's mode, else the global one, else READWRITE."""
        modes = self.state.modes
        return modes.get(subject) or modes.get(None) or self.default_mode

    def config_in_scope(self, subject: str | None) -> dict[str, Any]:
        """The subject's config, else the global one, else the server default."""
        configs = self.state.configs
        found = configs.get(subject) if subject is not None else None
        if found is None:
            found = configs.get(None)
        return dict(found) if found else {"compatibilityLevel": self.default_compatibility.name}

    def level_in_scope(self, subject: str) -> CompatibilityLevel:
        """The compatibility level that governs the subject."""
        level = CompatibilityLevel.parse(self.config_in_scope(subject).get("compatibilityLevel"))
        return level or self.default_compatibility

    def require_writable(self, subject: str | None) -> None:
        """Refuse (42205) when the subject is in a read-only mode."""
        if self.mode_in_scope(subject) in READONLY_MODES:
            raise RegistryError(
                42205, f"Subject {subject} in context {CONTEXT} is in read-only mode"
            )

    # -- parsing ----------------------------------------------------------------------------------

    def resolve_references(
        self, references: tuple[SchemaReference, ...]
    ) -> tuple[tuple[SchemaReference, ...], list[str]]:
        """Pin each reference to a concrete version and collect the referenced schemas' texts,
        dependencies first."""
        pinned: list[SchemaReference] = []
        texts: list[str] = []
        seen: set[tuple[str, int]] = set()

        def visit(reference: SchemaReference, top: bool) -> None:
            value = (
                self.state.latest(reference.subject)
                if reference.version == LATEST
                else self.state.get(reference.subject, reference.version, include_deleted=True)
            )
            if value is None:
                raise invalid_schema(
                    f"reference '{reference.name}' to subject '{reference.subject}' "
                    f"version {reference.version} not found"
                )
            if top:
                pinned.append(dataclasses.replace(reference, version=value.version))
            if (value.subject, value.version) in seen:
                return
            seen.add((value.subject, value.version))
            for nested in value.references:
                visit(nested, False)
            texts.append(value.schema)

        for reference in references:
            visit(reference, True)
        return tuple(pinned), texts

    def parse_request(
        self, subject: str, request: RegisterRequest, normalize: bool, new: bool
    ) -> ParsedSchema:
        """Parse a request's schema: 42201 for another schema type or an invalid schema."""
        if request.schema_type.upper() != "AVRO":
            raise RegistryError(42201, f"Invalid schema type {request.schema_type}")
        if request.schema is None or not request.schema.strip():
            raise RegistryError(42201, "Empty schema")
        references, resolved = self.resolve_references(request.references)
        normalize = normalize or bool(self.config_in_scope(subject).get("normalize"))
        return _parse(request.schema, references, tuple(resolved), normalize, new)

    def parsed(self, value: SchemaValue) -> ParsedSchema:
        """A stored version parsed (cached, like every parse)."""
        _, resolved = self.resolve_references(value.references)
        return _parse(value.schema, value.references, tuple(resolved), False, False)

    def previous(self, values: list[SchemaValue]) -> list[PreviousSchema]:
        """Stored versions as the compatibility checker takes them."""
        return [PreviousSchema(v.version, v.schema, self.parsed(v).avro) for v in values]

    # -- register and look up ---------------------------------------------------------------------

    async def register(
        self, subject: str, request: RegisterRequest, normalize: bool = False, force: bool = False
    ) -> dict[str, Any]:
        """Register a schema under a subject; returns the registered entity."""
        check_subject(subject)
        # Parse before queueing for the lock (the parse is cached), so that parsing overlaps other
        # registrations' broker round trips. Errors surface below, in Confluent's order.
        async with self.lock:
            mode = self.mode_in_scope(subject)
            self.require_writable(subject)
            if request.id is not None and mode != "IMPORT":
                raise RegistryError(
                    42205, f"Subject {subject} in context {CONTEXT} is not in import mode"
                )
            if request.id is None and mode != "READWRITE":
                raise RegistryError(
                    42205, f"Subject {subject} in context {CONTEXT} is not in read-write mode"
                )
            all_versions = self.state.versions(subject)
            live = [value for value in all_versions if not value.deleted]
            if (request.schema is None or not request.schema.strip()) and live:
                latest = live[-1]
                request = dataclasses.replace(
                    request, schema=latest.schema, references=latest.references
                )
            parsed = self.parse_request(subject, request, normalize, new=request.id is None)
            md5, _ = schema_identity(
                parsed.canonical, parsed.references, request.metadata, request.rule_set
            )
            schema_id = self.state.identities.get(md5)
            if schema_id is not None and request.id not in (None, schema_id):
                schema_id = None
            if request.version is None:
                for value in reversed(live):
                    same_schema = (
                        value.schema == parsed.canonical
                        and value.references == parsed.references
                        and value.metadata == request.metadata
                        and value.rule_set == request.rule_set
                    )
                    if same_schema and request.id in (None, value.id):
                        return self.entity(value)
            if mode != "IMPORT" and not force:
                messages = check(self.level_in_scope(subject), parsed.avro, self.previous(live))
                if messages:
                    raise RegistryError(
                        40901,
                        "Schema being registered is incompatible with an earlier schema for "
                        f'subject "{subject}", details: [{", ".join(messages)}]',
                    )
            next_version = max((value.version for value in all_versions), default=0) + 1
            version = request.version or next_version
            if request.version is not None and version != next_version and mode != "IMPORT":
                raise invalid_schema("Version is not one more than previous version")
            if schema_id is None:
                schema_id = request.id if request.id is not None else self.state.max_id + 1
                taken = self.state.by_id(schema_id)
                if request.id is not None and taken is not None:
                    raise RegistryError(
                        42207,
                        f"Schema {schema_id} already exists with a different schema "
                        f"(subject {taken.subject}, version {taken.version})",
                    )
            for old in all_versions:
                # A re-registration of a soft-deleted schema supersedes the deleted version.
                superseded = old.deleted and old.id == schema_id and old.version < version
                if superseded and not self.state.referrers.get((subject, old.version)):
                    await self.write(SchemaKey(subject, old.version), None)
            value = SchemaValue(
                subject,
                version,
                schema_id,
                parsed.canonical,
                references=parsed.references,
                metadata=request.metadata,
                rule_set=request.rule_set,
            )
            await self.write(SchemaKey(subject, version), value)
            return self.entity(value)

    def lookup(
        self, subject: str, request: RegisterRequest, normalize: bool, include_deleted: bool
    ) -> dict[str, Any]:
        """The version of `subject` that holds this schema (40401 / 40403 when none does)."""
        parsed = self.parse_request(subject, request, normalize, new=False)
        md5, _ = schema_identity(
            parsed.canonical, parsed.references, request.metadata, request.rule_set
        )
        schema_id = self.state.identities.get(md5)
        candidates = self.state.versions(subject)
        for value in reversed(candidates):
            if value.deleted and not include_deleted:
                continue
            if value.id == schema_id or (
                value.schema == parsed.canonical and value.references == parsed.references
            ):
                return self.entity(value)
        if not self.state.has_subject(subject, include_deleted):
            raise subject_not_found(subject)
        raise RegistryError(40403, "Schema not found")

    def compatibility(
        self,
        subject: str,
        request: RegisterRequest,
        version: int | None,
        normalize: bool,
        verbose: bool,
    ) -> dict[str, Any]:
        """Test a schema against one version (`version`) or the subject's history (None)."""
        if version is None:
            against = self.state.live_versions(subject)
        elif version == LATEST:
            latest = self.state.latest(subject)
            against = [latest] if latest is not None else []
        else:
            found = self.state.get(subject, version)
            if found is None:
                raise version_not_found(version)
            against = [found]
        try:
            parsed = self.parse_request(subject, request, normalize, new=False)
            level = self.level_in_scope(subject)
            messages = check(level, parsed.avro, self.previous(against))
        except RegistryError as error:
            if not verbose or error.error_code != 42201:
                raise
            messages = [error.message]
        answer: dict[str, Any] = {"is_compatible": not messages}
        if verbose:
            answer["messages"] = messages
        return answer

    # -- reads --------------------------------------------------------------------------------

    def get_version(self, subject: str, version: int, include_deleted: bool) -> SchemaValue:
        """One version of a subject (40401 / 40402 when missing)."""
        value = (
            self.state.latest(subject)
            if version == LATEST
            else self.state.get(subject, version, include_deleted)
        )
        if value is not None:
            return value
        if not self.state.has_subject(subject, include_deleted):
            raise subject_not_found(subject)
        raise version_not_found(version)

    def entity(self, value: SchemaValue) -> dict[str, Any]:
        """A version as the REST API shows it (Confluent's `Schema`)."""
        _, guid = schema_identity(value.schema, value.references, value.metadata, value.rule_set)
        out: dict[str, Any] = {
            "subject": value.subject,
            "version": value.version,
            "id": value.id,
            "guid": guid,
            "schemaType": value.schema_type,
        }
        if value.references:
            out["references"] = [reference.to_json() for reference in value.references]
        if value.metadata:
            out["metadata"] = value.metadata
        if value.rule_set:
            out["ruleSet"] = value.rule_set
        out["schema"] = value.schema
        if value.deleted:
            out["deleted"] = True
        return out

    def schema_string(self, value: SchemaValue, max_id: bool = False) -> dict[str, Any]:
        """A schema as `GET /schemas/ids/{id}` shows it (Confluent's `SchemaString`)."""
        entity = self.entity(value)
        out: dict[str, Any] = {
            key: entity[key]
            for key in ("schemaType", "references", "metadata", "ruleSet", "schema", "guid")
            if key in entity
        }
        if max_id:
            out["maxId"] = self.state.max_id
        return out


@functools.lru_cache(maxsize=4096)
def _parse(
    text: str,
    references: tuple[SchemaReference, ...],
    resolved: tuple[str, ...],
    normalize: bool,
    validate_defaults: bool,
) -> ParsedSchema:
    # Parsing is the costly part of a lookup or a compatibility check; the same text (with the
    # same referenced texts) always parses the same, so it is done once. Failures are not kept.
    return parse_schema(
        text, references, resolved, normalize=normalize, validate_defaults=validate_defaults
    )
