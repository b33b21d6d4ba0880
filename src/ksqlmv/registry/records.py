"""The `_schemas` topic's records: JSON keys and values shaped as Confluent's registry writes them.

Keys (`keytype`, then `subject`/`version`, then `magic`, nulls omitted):
  SCHEMA          {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}
  CONFIG / MODE   {"keytype":"CONFIG","subject":"s","magic":0}   (no subject: the global one)
  DELETE_SUBJECT  {"keytype":"DELETE_SUBJECT","subject":"s","magic":0}
  CLEAR_SUBJECT   {"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}
  NOOP            {"keytype":"NOOP","magic":0}
Values: a SCHEMA value is `{"subject","version","id","schemaType"?,"references"?,"metadata"?,
"ruleSet"?,"schema","deleted"}`; CONFIG is the config object (`compatibilityLevel`, ...); MODE is
`{"mode"}`; DELETE_SUBJECT is `{"subject","version"}` (every version up to it is soft-deleted);
CLEAR_SUBJECT is `{"subject"}`. A null value (tombstone) deletes the key: a permanent delete.
Key types this registry does not use (ASSOC, CONTEXT) decode to None and are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ksqlmv.registry.avro_schema import SchemaReference

__all__ = [
    "ClearSubjectKey",
    "ConfigKey",
    "DeleteSubjectKey",
    "Key",
    "ModeKey",
    "NoopKey",
    "SchemaKey",
    "SchemaValue",
    "decode_key",
    "decode_schema_value",
    "encode_key",
    "encode_value",
]


@dataclass(frozen=True, slots=True)
class SchemaKey:
    """One version of one subject."""

    subject: str
    version: int


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """A subject's configuration, or the global one when `subject` is None."""

    subject: str | None


@dataclass(frozen=True, slots=True)
class ModeKey:
    """A subject's mode, or the global one when `subject` is None."""

    subject: str | None


@dataclass(frozen=True, slots=True)
class DeleteSubjectKey:
    """A soft delete of a subject up to a version."""

    subject: str


@dataclass(frozen=True, slots=True)
class ClearSubjectKey:
    """Forget deleted versions (written when switching to IMPORT mode); None: every subject."""

    subject: str | None


@dataclass(frozen=True, slots=True)
class NoopKey:
    """A marker record with no effect."""


Key = SchemaKey | ConfigKey | ModeKey | DeleteSubjectKey | ClearSubjectKey | NoopKey


@dataclass(frozen=True, slots=True)
class SchemaValue:
    """A registered version: the schema (canonical text), its global id, and whether deleted."""

    subject: str
    version: int
    id: int
    schema: str
    deleted: bool = False
    schema_type: str = "AVRO"
    references: tuple[SchemaReference, ...] = ()
    metadata: Any = None
    rule_set: Any = field(default=None)

    def to_json(self) -> dict[str, Any]:
        """The value as written to the topic (empty parts omitted, as Jackson's NON_EMPTY)."""
        out: dict[str, Any] = {"subject": self.subject, "version": self.version, "id": self.id}
        if self.schema_type != "AVRO":
            out["schemaType"] = self.schema_type
        if self.references:
            out["references"] = [reference.to_json() for reference in self.references]
        if self.metadata:
            out["metadata"] = self.metadata
        if self.rule_set:
            out["ruleSet"] = self.rule_set
        out["schema"] = self.schema
        out["deleted"] = self.deleted
        return out


_KEY_TYPES: dict[type, tuple[str, int]] = {
    SchemaKey: ("SCHEMA", 1),
    ConfigKey: ("CONFIG", 0),
    ModeKey: ("MODE", 0),
    DeleteSubjectKey: ("DELETE_SUBJECT", 0),
    ClearSubjectKey: ("CLEAR_SUBJECT", 0),
    NoopKey: ("NOOP", 0),
}


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def encode_key(key: Key) -> bytes:
    """The key's JSON bytes, fields in Confluent's order: keytype, subject, version, magic."""
    keytype, magic = _KEY_TYPES[type(key)]
    out: dict[str, Any] = {"keytype": keytype}
    subject = getattr(key, "subject", None)
    if subject is not None:
        out["subject"] = subject
    if isinstance(key, SchemaKey):
        out["version"] = key.version
    out["magic"] = magic
    return _dumps(out)


def encode_value(value: SchemaValue | dict[str, Any] | None) -> bytes | None:
    """A value's JSON bytes; None stays None (a tombstone)."""
    if value is None:
        return None
    return _dumps(value.to_json() if isinstance(value, SchemaValue) else value)


def decode_key(raw: bytes | None) -> Key | None:
    """Read a key; None for key types this registry does not keep, or for garbage."""
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        keytype = data.get("keytype")
        subject = data.get("subject")
        if keytype == "SCHEMA":
            return SchemaKey(str(subject), int(data["version"]))
        if keytype == "CONFIG":
            return ConfigKey(subject)
        if keytype == "MODE":
            return ModeKey(subject)
        if keytype == "DELETE_SUBJECT":
            return DeleteSubjectKey(str(subject))
        if keytype == "CLEAR_SUBJECT":
            return ClearSubjectKey(subject)
        if keytype == "NOOP":
            return NoopKey()
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return None


def decode_schema_value(data: dict[str, Any]) -> SchemaValue:
    """A SCHEMA record's value from its JSON object."""
    references = tuple(
        SchemaReference(str(ref["name"]), str(ref["subject"]), int(ref["version"]))
        for ref in data.get("references") or ()
    )
    return SchemaValue(
        subject=str(data["subject"]),
        version=int(data["version"]),
        id=int(data["id"]),
        schema=str(data["schema"]),
        deleted=bool(data.get("deleted", False)),
        schema_type=str(data.get("schemaType") or "AVRO"),
        references=references,
        metadata=data.get("metadata"),
        rule_set=data.get("ruleSet"),
    )
