"""What a request to the registry carries, read and checked: versions, bodies, subjects.

Each refusal is the `RegistryError` Confluent's registry sends for it: 42202 for a version that is
neither 1 .. 2^31-1 nor `latest`, 400 for a body Jackson could not map, 42208 for a subject name
with control characters; 40401 and 40402 for what is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ksqlmv.errors import RegistryError
from ksqlmv.registry.avro_schema import SchemaReference

__all__ = [
    "LATEST",
    "RegisterRequest",
    "check_subject",
    "parse_version",
    "subject_not_found",
    "version_not_found",
]

MAX_VERSION = 2**31 - 1
LATEST = -1


def parse_version(text: str) -> int:
    """A version path segment: 1 .. 2^31-1, `latest` (any case) or -1 (both mean LATEST)."""
    if text.lower() == "latest":
        return LATEST
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number == LATEST or 1 <= number <= MAX_VERSION:
        return number
    raise RegistryError(
        42202,
        f"The specified version '{text}' is not a valid version id. "
        'Allowed values are between [1, 2^31-1] and the string "latest"',
    )


@dataclass(frozen=True, slots=True)
class RegisterRequest:
    """The body of register, lookup and compatibility calls."""

    schema: str | None
    schema_type: str
    references: tuple[SchemaReference, ...]
    metadata: Any = None
    rule_set: Any = None
    id: int | None = None
    version: int | None = None

    @classmethod
    def from_json(cls, body: Any) -> RegisterRequest:
        """Read the JSON body; a body of the wrong shape is a 400, as Jackson mapping fails."""
        if not isinstance(body, dict):
            raise RegistryError(400, "Cannot deserialize value: the request body must be an object")
        schema = body.get("schema")
        schema_type = body.get("schemaType") or "AVRO"
        raw_references = body.get("references") or []
        if (
            (schema is not None and not isinstance(schema, str))
            or not isinstance(schema_type, str)
            or not isinstance(raw_references, list)
        ):
            raise RegistryError(400, "Unrecognized request body: schema, schemaType, references")
        try:
            references = tuple(
                SchemaReference(str(ref["name"]), str(ref["subject"]), int(ref["version"]))
                for ref in raw_references
            )
            schema_id = None if body.get("id") is None else int(body["id"])
            version = None if body.get("version") is None else int(body["version"])
        except (KeyError, TypeError, ValueError):
            raise RegistryError(
                400, "Unrecognized reference: each needs name, subject and version"
            ) from None
        return cls(
            schema,
            schema_type,
            references,
            body.get("metadata"),
            body.get("ruleSet"),
            schema_id if schema_id is not None and schema_id >= 0 else None,
            version if version is not None and version > 0 else None,
        )


def subject_not_found(subject: str | None) -> RegistryError:
    """40401, in Confluent's words."""
    return RegistryError(40401, f"Subject '{subject}' not found.")


def version_not_found(version: int) -> RegistryError:
    """40402, in Confluent's words."""
    return RegistryError(40402, f"Version {version} not found.")


def check_subject(subject: str) -> None:
    """Refuse (42208) an empty subject or one with control characters."""
    if not subject or any(ord(character) < 0x20 for character in subject):
        raise RegistryError(42208, f"The specified subject '{subject}' is not a valid.")
