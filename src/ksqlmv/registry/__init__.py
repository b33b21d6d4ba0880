"""The embedded Schema Registry: Confluent's REST API over a `_schemas` topic on a Kafka broker.

`RegistryServer` runs one (`python -m ksqlmv.registry` is its command line); `SchemaRegistry` is the
service behind the REST API; `check` and `CompatibilityLevel` decide compatibility.
"""

from __future__ import annotations

from ksqlmv.registry.compatibility import CompatibilityLevel as CompatibilityLevel
from ksqlmv.registry.compatibility import check as check
from ksqlmv.registry.server import RegistryServer as RegistryServer
from ksqlmv.registry.service import SchemaRegistry as SchemaRegistry

__all__ = ["CompatibilityLevel", "RegistryServer", "SchemaRegistry", "check"]
