"""Deletes, configs and modes: the registry's other writes, with Confluent's rules and codes.

Soft deletes hide versions from reads, lookups and compatibility checks but keep ids decodable;
a permanent delete needs a soft delete first and removes the records (tombstones), and the
subject's config and mode go with its last version. Configs and modes exist per subject and
globally; a subject without its own falls back to the global one, then to the server default.
"""

from __future__ import annotations

from typing import Any

from ksqlmv.errors import RegistryError
from ksqlmv.registry.compatibility import CompatibilityLevel
from ksqlmv.registry.records import (
    ClearSubjectKey,
    ConfigKey,
    DeleteSubjectKey,
    ModeKey,
    SchemaKey,
)
from ksqlmv.registry.requests import LATEST, check_subject, subject_not_found, version_not_found
from ksqlmv.registry.service import SchemaRegistry

__all__ = [
    "delete_config",
    "delete_mode",
    "delete_subject",
    "delete_version",
    "get_config",
    "get_mode",
    "set_config",
    "set_mode",
]

MODES = frozenset({"READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT", "FORWARD"})
# What PUT /config accepts besides the level, stored as given (Confluent's ConfigValue fields).
CONFIG_FIELDS = (
    "normalize",
    "alias",
    "validateFields",
    "validateRules",
    "compatibilityGroup",
    "defaultMetadata",
    "overrideMetadata",
    "defaultRuleSet",
    "overrideRuleSet",
)


async def delete_subject(registry: SchemaRegistry, subject: str, permanent: bool) -> list[int]:
    """Soft-delete every live version, or permanently remove a soft-deleted subject."""
    state = registry.state
    async with registry.lock:
        if not state.has_subject(subject, include_deleted=True):
            raise subject_not_found(subject)
        if not permanent and not state.has_subject(subject):
            raise RegistryError(
                40404,
                f"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently",
            )
        registry.require_writable(subject)
        targets = state.versions(subject) if permanent else state.live_versions(subject)
        for value in targets:
            if permanent and not value.deleted:
                raise RegistryError(
                    40405,
                    f"Subject '{subject}' was not deleted first before being permanently deleted",
                )
            if any(s != subject for s, _ in state.referrers.get((subject, value.version), ())):
                raise _referenced(subject, value.version)
        versions = [value.version for value in targets]
        if not permanent:
            await registry.write(
                DeleteSubjectKey(subject), {"subject": subject, "version": versions[-1]}
            )
            return versions
        for version in reversed(versions):
            await registry.write(SchemaKey(subject, version), None)
        await _forget_subject_settings(registry, subject)
        return versions


async def delete_version(
    registry: SchemaRegistry, subject: str, version: int, permanent: bool
) -> int:
    """Soft-delete one version, or permanently remove a soft-deleted one; returns its number."""
    state = registry.state
    async with registry.lock:
        if not state.has_subject(subject, include_deleted=True):
            raise subject_not_found(subject)
        value = (
            state.latest(subject)
            if version == LATEST
            else state.get(subject, version, include_deleted=True)
        )
        if value is None:
            raise version_not_found(version)
        if not permanent and value.deleted:
            raise RegistryError(
                40406,
                f"Subject '{subject}' Version {value.version} was soft deleted."
                "Set permanent=true to delete permanently",
            )
        registry.require_writable(subject)
        if state.referencing(subject, value.version, include_deleted=permanent):
            raise _referenced(subject, value.version)
        if permanent and not value.deleted:
            raise RegistryError(
                40407,
                f"Subject '{subject}' Version {value.version} was not deleted first before "
                "being permanently deleted",
            )
        key = SchemaKey(subject, value.version)
        if not permanent:
            await registry.write(key, value.to_json() | {"deleted": True})
        else:
            await registry.write(key, None)
            if not state.has_subject(subject, include_deleted=True):
                await _forget_subject_settings(registry, subject)
        return value.version


async def _forget_subject_settings(registry: SchemaRegistry, subject: str) -> None:
    if subject in registry.state.modes:
        await registry.write(ModeKey(subject), None)
    if subject in registry.state.configs:
        await registry.write(ConfigKey(subject), None)


def _referenced(subject: str, version: int) -> RegistryError:
    return RegistryError(
        42206,
        f"One or more references exist to the schema {{magic=1,keytype=SCHEMA,"
        f"subject={subject},version={version}}}.",
    )


# -- config -----------------------------------------------------------------------------------


def get_config(
    registry: SchemaRegistry, subject: str | None, default_to_global: bool
) -> dict[str, Any]:
    """The config of a subject (40408 if it has none, unless `default_to_global`) or global."""
    if subject is None or default_to_global:
        return registry.config_in_scope(subject)
    found = registry.state.configs.get(subject)
    if found is None:
        raise RegistryError(
            40408, f"Subject '{subject}' does not have subject-level compatibility configured"
        )
    return dict(found)


async def set_config(registry: SchemaRegistry, subject: str | None, body: Any) -> dict[str, Any]:
    """Update a subject's (or the global) config; returns the update as Confluent echoes it."""
    if not isinstance(body, dict):
        raise RegistryError(400, "Cannot deserialize value: the request body must be an object")
    level_text = body.get("compatibility") or body.get("compatibilityLevel")
    level = CompatibilityLevel.parse(level_text)
    if level_text is not None and level is None:
        raise RegistryError(
            42203,
            "Invalid compatibility level. Valid values are none, backward, forward, full, "
            "backward_transitive, forward_transitive, and full_transitive",
        )
    if subject is not None:
        check_subject(subject)
    async with registry.lock:
        registry.require_writable(subject)
        config = dict(registry.state.configs.get(subject) or {})
        if level is not None:
            config["compatibilityLevel"] = level.name
        for name in CONFIG_FIELDS:
            if body.get(name) is not None:
                config[name] = body[name]
        await registry.write(ConfigKey(subject), config)
    echo = {"compatibility": config["compatibilityLevel"]} if "compatibilityLevel" in config else {}
    return echo | {name: config[name] for name in CONFIG_FIELDS if name in config}


async def delete_config(registry: SchemaRegistry, subject: str | None) -> dict[str, Any]:
    """Remove a subject's (or the global) config; returns what it was."""
    async with registry.lock:
        registry.require_writable(subject)
        found = registry.state.configs.get(subject)
        if found is None:
            if subject is not None:
                raise subject_not_found(subject)
            return registry.config_in_scope(None)
        await registry.write(ConfigKey(subject), None)
        return dict(found)


# -- mode -------------------------------------------------------------------------------------


def get_mode(registry: SchemaRegistry, subject: str | None, default_to_global: bool) -> str:
    """The mode of a subject (40409 if it has none, unless `default_to_global`) or global."""
    if subject is None or default_to_global:
        return registry.mode_in_scope(subject)
    found = registry.state.modes.get(subject)
    if found is None:
        raise RegistryError(
            40409, f"Subject '{subject}' does not have subject-level mode configured"
        )
    return found


async def set_mode(
    registry: SchemaRegistry, subject: str | None, body: Any, force: bool
) -> dict[str, Any]:
    """Set a subject's (or the global) mode; IMPORT needs an empty scope unless forced."""
    if not isinstance(body, dict):
        raise RegistryError(400, "Cannot deserialize value: the request body must be an object")
    requested = body.get("mode")
    if subject is not None:
        check_subject(subject)
    if not isinstance(requested, str) or requested.upper() not in MODES:
        raise RegistryError(
            42204, "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD."
        )
    mode = requested.upper()
    if mode == "FORWARD" and subject is not None:
        raise RegistryError(42204, "Forward mode only supported on global level")
    state = registry.state
    async with registry.lock:
        if mode == "IMPORT" and registry.mode_in_scope(subject) != "IMPORT" and not force:
            subjects = [subject] if subject is not None else list(state.subjects)
            if any(state.has_subject(name) for name in subjects):
                raise RegistryError(42205, "Cannot import since found existing subjects")
            for name in subjects:
                for value in reversed(state.versions(name)):
                    await registry.write(SchemaKey(name, value.version), None)
            await registry.write(ClearSubjectKey(subject), _scoped(subject, {}))
        await registry.write(ModeKey(subject), _scoped(subject, {"mode": mode}))
    return {"mode": requested}


def _scoped(subject: str | None, value: dict[str, Any]) -> dict[str, Any]:
    # Values name their subject; the global scope's has none (Jackson omits nulls).
    return value if subject is None else {"subject": subject} | value


async def delete_mode(registry: SchemaRegistry, subject: str | None) -> dict[str, Any]:
    """Remove a subject's (or the global) mode; returns what it was."""
    async with registry.lock:
        found = registry.state.modes.get(subject)
        if found is None:
            raise subject_not_found(subject)
        await registry.write(ModeKey(subject), None)
        return {"mode": found}
