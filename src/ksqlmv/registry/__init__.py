"""The embedded Schema Registry: Confluent's REST API over a `_schemas` topic on a Kafka broker."""

from __future__ import annotations

__all__: list[str] = []
