"""The registry's state is a pure function of the `_schemas` records applied, in order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ksqlmv.registry.records import (
    ClearSubjectKey,
    ConfigKey,
    DeleteSubjectKey,
    ModeKey,
    NoopKey,
    SchemaKey,
    SchemaValue,
    decode_key,
    encode_key,
    encode_value,
)
from ksqlmv.registry.state import RegistryState

R1 = '{"type":"record","name":"R","fields":[]}'
R2 = '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":0}]}'


def schema(
    subject: str, version: int, schema_id: int, text: str = R1, **extra: Any
) -> tuple[bytes, bytes | None]:
    value = SchemaValue(subject, version, schema_id, text, **extra)
    return encode_key(SchemaKey(subject, version)), encode_value(value)


def replay(*records: tuple[bytes, bytes | None]) -> RegistryState:
    state = RegistryState()
    for key, value in records:
        state.apply(key, value)
    return state


@pytest.mark.parametrize(
    ("key", "encoded"),
    [
        (SchemaKey("s", 3), b'{"keytype":"SCHEMA","subject":"s","version":3,"magic":1}'),
        (ConfigKey("s"), b'{"keytype":"CONFIG","subject":"s","magic":0}'),
        (ConfigKey(None), b'{"keytype":"CONFIG","magic":0}'),
        (ModeKey(None), b'{"keytype":"MODE","magic":0}'),
        (DeleteSubjectKey("s"), b'{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}'),
        (ClearSubjectKey("s"), b'{"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}'),
        (NoopKey(), b'{"keytype":"NOOP","magic":0}'),
    ],
)
def test_keys_encode_as_confluent_writes_them(key: Any, encoded: bytes) -> None:
    assert encode_key(key) == encoded
    assert decode_key(encoded) == key


@pytest.mark.parametrize(
    "raw",
    [None, b"", b"not json", b"[]", b'{"keytype":"ASSOC","magic":0}',
     b'{"keytype":"SCHEMA","subject":"s"}', b'{"keytype":"CONTEXT","magic":0}'],
)  # fmt: skip
def test_unknown_or_broken_keys_are_ignored(raw: bytes | None) -> None:
    assert decode_key(raw) is None
    state = RegistryState()
    state.apply(raw, b"{}")
    assert state.records_applied == 0


def test_schema_value_shape() -> None:
    value = SchemaValue("s", 1, 7, R1)
    assert json.loads(encode_value(value) or b"") == {
        "subject": "s", "version": 1, "id": 7, "schema": R1, "deleted": False}  # fmt: skip


def test_register_then_query() -> None:
    state = replay(schema("a", 1, 1), schema("a", 2, 2, R2), schema("b", 1, 1))
    assert state.subject_names() == ["a", "b"]
    assert [v.version for v in state.live_versions("a")] == [1, 2]
    assert state.latest("a") == SchemaValue("a", 2, 2, R2)
    assert [(v.subject, v.version) for v in state.usages(1)] == [("a", 1), ("b", 1)]
    assert state.by_id(1, "b") == SchemaValue("b", 1, 1, R1)
    assert state.max_id == 2


def test_soft_delete_of_a_version_and_of_a_subject() -> None:
    state = replay(
        schema("a", 1, 1),
        schema("a", 2, 2, R2),
        schema("a", 1, 1, deleted=True),
    )
    assert [v.version for v in state.live_versions("a")] == [2]
    assert state.get("a", 1) is None
    assert state.get("a", 1, include_deleted=True) is not None
    state.apply(encode_key(DeleteSubjectKey("a")), b'{"subject":"a","version":2}')
    assert not state.has_subject("a")
    assert state.has_subject("a", include_deleted=True)
    assert state.subject_names(include_deleted=True) == ["a"]
    assert state.subject_names(deleted_only=True) == ["a"]
    assert state.by_id(2) is not None  # old data stays decodable


def test_delete_subject_covers_only_versions_up_to_its_watermark() -> None:
    state = replay(schema("a", 1, 1), schema("a", 2, 2, R2))
    state.apply(encode_key(DeleteSubjectKey("a")), b'{"subject":"a","version":1}')
    assert [v.version for v in state.live_versions("a")] == [2]


def test_tombstones_remove_versions_and_unused_ids() -> None:
    state = replay(schema("a", 1, 1), schema("b", 1, 1), schema("a", 2, 2, R2))
    state.apply(encode_key(SchemaKey("a", 1)), None)
    assert state.by_id(1) is not None  # still used by b
    state.apply(encode_key(SchemaKey("b", 1)), None)
    assert state.by_id(1) is None
    assert state.subject_names() == ["a"]
    assert state.max_id == 2  # ids are never handed out twice


def test_configs_and_modes() -> None:
    state = replay(
        (encode_key(ConfigKey(None)), b'{"compatibilityLevel":"FULL"}'),
        (encode_key(ConfigKey("s")), b'{"compatibilityLevel":"NONE","subject":"s"}'),
        (encode_key(ModeKey("s")), b'{"subject":"s","mode":"READONLY"}'),
    )
    assert state.configs == {
        None: {"compatibilityLevel": "FULL"},
        "s": {"compatibilityLevel": "NONE"},
    }
    assert state.modes == {"s": "READONLY"}
    state.apply(encode_key(ConfigKey("s")), None)
    state.apply(encode_key(ModeKey("s")), None)
    assert state.configs == {None: {"compatibilityLevel": "FULL"}}
    assert state.modes == {}


def test_clear_subject_forgets_deleted_versions() -> None:
    state = replay(schema("a", 1, 1, deleted=True), schema("a", 2, 2, R2), schema("b", 1, 3,
                   deleted=True))  # fmt: skip
    state.apply(encode_key(ClearSubjectKey(None)), b"{}")
    assert [v.version for v in state.versions("a")] == [2]
    assert state.versions("b") == []


def test_references_index_referrers() -> None:
    from ksqlmv.registry.avro_schema import SchemaReference

    reference = (SchemaReference("R", "a", 1),)
    state = replay(schema("a", 1, 1), schema("c", 1, 5, R2, references=reference))
    assert state.referencing("a", 1) == [5]
    state.apply(encode_key(SchemaKey("c", 1)), None)
    assert state.referencing("a", 1) == []


def test_unreadable_values_are_skipped_and_replay_goes_on() -> None:
    state = replay(
        (encode_key(SchemaKey("a", 1)), b"{not json"),
        (encode_key(SchemaKey("a", 2)), b'{"subject":"a"}'),
        schema("a", 3, 1),
    )
    assert [v.version for v in state.versions("a")] == [3]
    assert state.records_applied == 1


def test_replaying_the_same_records_gives_the_same_state() -> None:
    records = [
        schema("a", 1, 1),
        schema("a", 2, 2, R2),
        (encode_key(DeleteSubjectKey("a")), b'{"subject":"a","version":1}'),
        (encode_key(ConfigKey(None)), b'{"compatibilityLevel":"FULL"}'),
    ]
    first, second = replay(*records), replay(*records)
    assert list(first) == list(second)
    assert first.configs == second.configs
    assert first.identities == second.identities
