"""How a source's key and value are laid out on its topic: format, features and windowing.

These are plain descriptions, as ksqlDB's `KeyFormat`/`ValueFormat` are; the serializers for them
come from `ksqlmv.engine.serde`, whose `SerdeFeature` they use. Format names are ksqlDB's,
upper-cased.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ksqlmv.engine.serde.base import SerdeFeature

__all__ = [
    "FORMATS",
    "FormatInfo",
    "KeyFormat",
    "SerdeFeature",
    "ValueFormat",
    "WindowInfo",
    "WindowType",
]

# Every format name ksqlDB knows, and whether it reads schemas from Schema Registry.
FORMATS: dict[str, bool] = {
    "KAFKA": False,
    "JSON": False,
    "DELIMITED": False,
    "NONE": False,
    "AVRO": True,
    "JSON_SR": True,
    "PROTOBUF": True,
    "PROTOBUF_NOSR": False,
}


class WindowType(enum.Enum):
    """The kind of window a windowed key belongs to."""

    TUMBLING = "TUMBLING"
    HOPPING = "HOPPING"
    SESSION = "SESSION"


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """A format name plus its properties (`delimiter`, `fullSchemaName`, `schemaId`, ...)."""

    name: str
    properties: tuple[tuple[str, str], ...] = ()

    @property
    def supports_schema_inference(self) -> bool:
        """True for the formats whose schemas live in Schema Registry."""
        return FORMATS.get(self.name, False)

    def property(self, name: str) -> str | None:
        """The value of property `name`, or None."""
        for key, value in self.properties:
            if key == name:
                return value
        return None

    def as_dict(self) -> dict[str, str]:
        """The properties as a dict."""
        return dict(self.properties)


@dataclass(frozen=True, slots=True)
class WindowInfo:
    """The window of a windowed key: its type and, for time windows, its size in ms."""

    type: WindowType
    size_ms: int | None = None


@dataclass(frozen=True, slots=True)
class KeyFormat:
    """The key's format, serde features and (for windowed sources) window."""

    format: FormatInfo
    features: frozenset[SerdeFeature] = field(default_factory=frozenset)
    window: WindowInfo | None = None

    @property
    def windowed(self) -> bool:
        """True when keys carry a window."""
        return self.window is not None


@dataclass(frozen=True, slots=True)
class ValueFormat:
    """The value's format and serde features."""

    format: FormatInfo
    features: frozenset[SerdeFeature] = field(default_factory=frozenset)
