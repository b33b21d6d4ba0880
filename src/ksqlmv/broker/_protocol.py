"""Kafka wire framing and the glue to kio, the codec: decode requests, encode responses.

A frame is an `int32` size followed by that many bytes. A request frame starts with
`api_key i16, api_version i16, correlation_id i32`; the rest is the request header (v1, or v2 with
tagged fields for flexible versions) and the body, both read with kio's generated schemas.
Responses carry response header v0 or v1 as kio's schema for that version says (ApiVersions is
always v0, KIP-511).

The versions the broker answers are the "simple profile" (sr-kafka.md B.3): every API is
non-flexible except ApiVersions v3, and Metadata stops at v8 so librdkafka never needs topic ids,
leader-epoch validation or OffsetForLeaderEpoch.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import sys
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from kio.index import load_request_schema, load_response_schema
from kio.schema.errors import ErrorCode
from kio.serial import entity_reader, entity_writer

from ksqlmv.errors import ProtocolError

__all__ = [
    "API_NAMES",
    "SUPPORTED_VERSIONS",
    "ZERO_THROTTLE",
    "Request",
    "decode_request",
    "encode_error_answer",
    "encode_response",
    "error_code",
    "frame_body",
    "make",
    "nested",
    "peek_prefix",
    "response_type",
]

# api key -> (min, max) version this broker answers.
SUPPORTED_VERSIONS: dict[int, tuple[int, int]] = {
    0: (3, 8),  # Produce (>=7 keeps zstd available)
    1: (4, 11),  # Fetch (>=10 for zstd; <=11 so topic ids are never needed)
    2: (1, 5),  # ListOffsets
    3: (1, 8),  # Metadata
    8: (2, 7),  # OffsetCommit
    9: (1, 5),  # OffsetFetch
    10: (0, 2),  # FindCoordinator
    11: (0, 5),  # JoinGroup
    12: (0, 3),  # Heartbeat
    13: (0, 1),  # LeaveGroup
    14: (0, 3),  # SyncGroup
    15: (0, 4),  # DescribeGroups
    16: (0, 2),  # ListGroups
    18: (0, 3),  # ApiVersions
    19: (2, 4),  # CreateTopics (v4 accepts num_partitions = -1, NewTopic's default)
    20: (1, 3),  # DeleteTopics
    22: (0, 1),  # InitProducerId (idempotent and transactional producers)
    24: (0, 1),  # AddPartitionsToTxn
    25: (0, 1),  # AddOffsetsToTxn
    26: (0, 1),  # EndTxn
    28: (0, 2),  # TxnOffsetCommit (v3 adds group fencing, and is flexible)
    32: (1, 1),  # DescribeConfigs
    37: (0, 1),  # CreatePartitions
    42: (0, 1),  # DeleteGroups
}

API_NAMES: dict[int, str] = {
    0: "Produce",
    1: "Fetch",
    2: "ListOffsets",
    3: "Metadata",
    8: "OffsetCommit",
    9: "OffsetFetch",
    10: "FindCoordinator",
    11: "JoinGroup",
    12: "Heartbeat",
    13: "LeaveGroup",
    14: "SyncGroup",
    15: "DescribeGroups",
    16: "ListGroups",
    18: "ApiVersions",
    19: "CreateTopics",
    20: "DeleteTopics",
    22: "InitProducerId",
    24: "AddPartitionsToTxn",
    25: "AddOffsetsToTxn",
    26: "EndTxn",
    28: "TxnOffsetCommit",
    32: "DescribeConfigs",
    37: "CreatePartitions",
    42: "DeleteGroups",
}

ZERO_THROTTLE = dt.timedelta(0)
_PREFIX = struct.Struct(">hhi")
_SIZE = struct.Struct(">i")
_UNSUPPORTED_VERSION = 35


@dataclass(frozen=True, slots=True)
class Request:
    """One decoded request: which API, which version, who asked, and the kio body."""

    api_key: int
    version: int
    correlation_id: int
    client_id: str | None
    body: Any


def peek_prefix(frame: bytes) -> tuple[int, int, int]:
    """The api key, version and correlation id every request starts with."""
    if len(frame) < _PREFIX.size:
        raise ProtocolError(f"a request of {len(frame)} bytes is too short for a header")
    api_key, version, correlation_id = _PREFIX.unpack_from(frame, 0)
    return api_key, version, correlation_id


def decode_request(frame: bytes) -> Request:
    """Decode a request frame (without its size prefix) whose key and version we support.

    Raises `ProtocolError` when the bytes do not follow the schema: the caller closes the
    connection, as Kafka does with a request it cannot parse.
    """
    api_key, version, _ = peek_prefix(frame)
    schema: Any = _request_schema(api_key, version)
    try:
        header, header_size = _reader(schema.__header_schema__)(frame, 0)
        body, body_size = _reader(schema)(frame, header_size)
    except Exception as error:  # kio raises several types for truncated or invalid input
        raise ProtocolError(
            f"malformed {API_NAMES.get(api_key, api_key)} v{version} request: {error}"
        ) from error
    if header_size + body_size != len(frame):
        raise ProtocolError(
            f"{API_NAMES.get(api_key, api_key)} v{version} request has "
            f"{len(frame) - header_size - body_size} bytes left over"
        )
    return Request(api_key, version, header.correlation_id, header.client_id, body)


def encode_response(correlation_id: int, response: Any) -> bytes:
    """Frame a kio response entity with the response header its version calls for."""
    response_cls: Any = type(response)
    header_cls = response_cls.__header_schema__
    buffer = io.BytesIO()
    buffer.write(b"\0\0\0\0")
    _writer(header_cls)(buffer, header_cls(correlation_id=correlation_id))
    _writer(response_cls)(buffer, response)
    view = buffer.getbuffer()
    _SIZE.pack_into(view, 0, len(view) - 4)
    del view
    return buffer.getvalue()


def frame_body(correlation_id: int, body: bytes) -> bytes:
    """Frame a response body packed by hand, behind response header v0."""
    return _SIZE.pack(len(body) + 4) + _SIZE.pack(correlation_id) + body


def encode_error_answer(correlation_id: int) -> bytes:
    """The answer to a key or version this broker does not speak: UNSUPPORTED_VERSION.

    There is no schema to answer an unknown API in, so the body is only the error code, where
    every Kafka response that has a top-level error code puts it first after the header.
    """
    return struct.pack(">iih", 6, correlation_id, _UNSUPPORTED_VERSION)


_ERROR_CODES = {int(code.value): code for code in ErrorCode}


def error_code(code: int) -> ErrorCode:
    """kio's enum member for a Kafka error number (what its writer expects)."""
    return _ERROR_CODES.get(code, ErrorCode.unknown_server_error)


def response_type(api_key: int, version: int) -> type[Any]:
    """kio's response class for this key and version."""
    return _response_schema(api_key, version)


def nested(response_cls: type[Any], name: str) -> type[Any]:
    """A nested entity class (`PartitionData`, ...) from the module of `response_cls`."""
    return _nested(response_cls.__module__, name)


def make(cls: Any, **values: Any) -> Any:
    """Build a kio entity, dropping the fields this version of the schema does not have.

    Handlers build one shape for every version they serve; each version keeps what it knows.
    """
    names = _field_names(cls)
    return cls(**{name: value for name, value in values.items() if name in names})


@cache
def _request_schema(api_key: int, version: int) -> type[Any]:
    return load_request_schema(api_key, version)


@cache
def _response_schema(api_key: int, version: int) -> type[Any]:
    return load_response_schema(api_key, version)


@cache
def _nested(module: str, name: str) -> type[Any]:
    entity: type[Any] = getattr(sys.modules[module], name)
    return entity


@cache
def _field_names(cls: Any) -> frozenset[str]:
    return frozenset(field.name for field in fields(cls))


@cache
def _reader(cls: Any) -> Any:
    return entity_reader(cls)


@cache
def _writer(cls: Any) -> Any:
    return entity_writer(cls)
