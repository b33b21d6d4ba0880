"""What the registry knows, rebuilt by applying `_schemas` records in topic order.

The registry holds no state of its own: `RegistryState` is a pure function of the records applied
to it (replayed at start, then each new one as it is acknowledged), with indexes for every lookup
the REST API makes: subject -> version -> value, id -> the versions using it, schema identity ->
id, GUID -> id, references -> referrers, and the per-subject and global configs and modes.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from ksqlmv.registry.avro_schema import schema_identity
from ksqlmv.registry.records import (
    ClearSubjectKey,
    ConfigKey,
    DeleteSubjectKey,
    Key,
    ModeKey,
    NoopKey,
    SchemaKey,
    SchemaValue,
    decode_key,
    decode_schema_value,
)

__all__ = ["RegistryState", "Usage"]

log = logging.getLogger(__name__)

Usage = tuple[str, int]  # (subject, version)


class RegistryState:
    """The registry's in-memory view of its topic."""

    def __init__(self) -> None:
        self.subjects: dict[str, dict[int, SchemaValue]] = {}
        self.id_usages: dict[int, dict[Usage, SchemaValue]] = {}
        self.identities: dict[str, int] = {}
        self.guids: dict[str, int] = {}
        self.max_id = 0
        self.configs: dict[str | None, dict[str, Any]] = {}
        self.modes: dict[str | None, str] = {}
        self.referrers: dict[Usage, set[Usage]] = {}
        self.records_applied = 0

    # -- applying records -----------------------------------------------------------------------

    def apply(self, raw_key: bytes | None, raw_value: bytes | None) -> None:
        """Apply one record of the topic; records it cannot read are logged and skipped."""
        key = decode_key(raw_key)
        if key is None:
            return
        try:
            data = None if raw_value is None else json.loads(raw_value)
            _APPLY[type(key)](self, key, data)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("skipping unreadable _schemas record %r: %s", raw_key, error)
            return
        self.records_applied += 1

    def _apply_schema(self, key: SchemaKey, data: dict[str, Any] | None) -> None:
        versions = self.subjects.get(key.subject)
        old = versions.get(key.version) if versions else None
        if old is not None:
            self._unindex(old)
        if data is None:
            if versions is not None:
                versions.pop(key.version, None)
                if not versions:
                    del self.subjects[key.subject]
            return
        value = decode_schema_value(data)
        self.subjects.setdefault(key.subject, {})[key.version] = value
        self._index(value)

    def _apply_delete_subject(self, key: DeleteSubjectKey, data: dict[str, Any] | None) -> None:
        if data is None:
            return
        watermark = int(data["version"])
        for version, value in list(self.subjects.get(key.subject, {}).items()):
            if version <= watermark and not value.deleted:
                self._replace(value, dataclasses.replace(value, deleted=True))

    def _apply_clear_subject(self, key: ClearSubjectKey, data: dict[str, Any] | None) -> None:
        if data is None:
            return
        subjects = list(self.subjects) if key.subject is None else [key.subject]
        for subject in subjects:
            for value in list(self.subjects.get(subject, {}).values()):
                if value.deleted:
                    self._apply_schema(SchemaKey(subject, value.version), None)

    def _apply_config(self, key: ConfigKey, data: dict[str, Any] | None) -> None:
        if data is None:
            self.configs.pop(key.subject, None)
        else:
            self.configs[key.subject] = {k: v for k, v in data.items() if k != "subject"}

    def _apply_mode(self, key: ModeKey, data: dict[str, Any] | None) -> None:
        if data is None or not data.get("mode"):
            self.modes.pop(key.subject, None)
        else:
            self.modes[key.subject] = str(data["mode"])

    def _apply_noop(self, key: NoopKey, data: dict[str, Any] | None) -> None:
        return

    def _index(self, value: SchemaValue) -> None:
        usage = (value.subject, value.version)
        self.id_usages.setdefault(value.id, {})[usage] = value
        md5, guid = schema_identity(value.schema, value.references, value.metadata, value.rule_set)
        self.identities[md5] = value.id
        self.guids[guid] = value.id
        self.max_id = max(self.max_id, value.id)
        for reference in value.references:
            self.referrers.setdefault((reference.subject, reference.version), set()).add(usage)

    def _unindex(self, value: SchemaValue) -> None:
        usage = (value.subject, value.version)
        usages = self.id_usages.get(value.id, {})
        usages.pop(usage, None)
        if not usages:
            self.id_usages.pop(value.id, None)
            md5, guid = schema_identity(
                value.schema, value.references, value.metadata, value.rule_set
            )
            if self.identities.get(md5) == value.id:
                del self.identities[md5]
            if self.guids.get(guid) == value.id:
                del self.guids[guid]
        for reference in value.references:
            referrers = self.referrers.get((reference.subject, reference.version))
            if referrers is not None:
                referrers.discard(usage)

    def _replace(self, old: SchemaValue, new: SchemaValue) -> None:
        self.subjects[old.subject][old.version] = new
        self.id_usages[old.id][(old.subject, old.version)] = new

    # -- queries --------------------------------------------------------------------------------

    def has_subject(self, subject: str, include_deleted: bool = False) -> bool:
        """Whether the subject has a version (an undeleted one unless `include_deleted`)."""
        versions = self.subjects.get(subject)
        if not versions:
            return False
        return include_deleted or any(not value.deleted for value in versions.values())

    def versions(self, subject: str) -> list[SchemaValue]:
        """Every version of a subject, deleted ones included, oldest first."""
        versions = self.subjects.get(subject, {})
        return [versions[number] for number in sorted(versions)]

    def live_versions(self, subject: str) -> list[SchemaValue]:
        """The subject's undeleted versions, oldest first."""
        return [value for value in self.versions(subject) if not value.deleted]

    def get(self, subject: str, version: int, include_deleted: bool = False) -> SchemaValue | None:
        """One version; a deleted one only with `include_deleted`."""
        value = self.subjects.get(subject, {}).get(version)
        if value is None or (value.deleted and not include_deleted):
            return None
        return value

    def latest(self, subject: str, include_deleted: bool = False) -> SchemaValue | None:
        """The newest version (undeleted unless `include_deleted`)."""
        candidates = self.versions(subject) if include_deleted else self.live_versions(subject)
        return candidates[-1] if candidates else None

    def usages(self, schema_id: int) -> list[SchemaValue]:
        """Every (subject, version) registered with this id, sorted."""
        usages = self.id_usages.get(schema_id, {})
        return [usages[usage] for usage in sorted(usages)]

    def by_id(self, schema_id: int, subject: str | None = None) -> SchemaValue | None:
        """A version carrying this id, preferring `subject`'s own; None if the id is unknown."""
        usages = self.usages(schema_id)
        for value in usages:
            if value.subject == subject:
                return value
        return usages[0] if usages else None

    def subject_names(self, include_deleted: bool = False, deleted_only: bool = False) -> list[str]:
        """Subject names, sorted, filtered by whether their versions are deleted."""
        names = []
        for subject, versions in self.subjects.items():
            live = any(not value.deleted for value in versions.values())
            if (deleted_only and not live) or (not deleted_only and (live or include_deleted)):
                names.append(subject)
        return sorted(names)

    def referencing(self, subject: str, version: int, include_deleted: bool = False) -> list[int]:
        """Ids of schemas that reference this version, sorted."""
        ids = set()
        for referrer_subject, referrer_version in self.referrers.get((subject, version), ()):
            value = self.get(referrer_subject, referrer_version, include_deleted)
            if value is not None:
                ids.add(value.id)
        return sorted(ids)

    def __iter__(self) -> Iterator[SchemaValue]:
        for subject in sorted(self.subjects):
            yield from self.versions(subject)


_Apply = Callable[[RegistryState, Any, Any], None]
_APPLY: dict[type[Key], _Apply] = {
    SchemaKey: RegistryState._apply_schema,
    ConfigKey: RegistryState._apply_config,
    ModeKey: RegistryState._apply_mode,
    DeleteSubjectKey: RegistryState._apply_delete_subject,
    ClearSubjectKey: RegistryState._apply_clear_subject,
    NoopKey: RegistryState._apply_noop,
}
