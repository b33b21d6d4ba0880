"""Where each client finds the stack, and with which credentials.

Everything defaults to the embedded stack on loopback. Pointing ksqlmv at the real stack or a
managed cluster is a matter of environment variables (or the matching CLI flags):

| variable                                    | meaning                        | default          |
|---------------------------------------------|--------------------------------|------------------|
| `KSQLMV_BOOTSTRAP_SERVERS`                  | Kafka bootstrap servers        | `localhost:9092` |
| `KSQLMV_SCHEMA_REGISTRY_URL`                | Schema Registry URL            | `http://...:8081`|
| `KSQLMV_KSQLDB_URL`                         | ksqlDB server URL              | `http://...:8088`|
| `KSQLMV_KAFKA_API_KEY` / `_SECRET`          | SASL_SSL (PLAIN) for Kafka     | unset: PLAINTEXT |
| `KSQLMV_SCHEMA_REGISTRY_USER` / `_PASSWORD` | basic auth for Schema Registry | unset            |
| `KSQLMV_KSQLDB_USER` / `_PASSWORD`          | basic auth for ksqlDB          | unset            |

Secrets are held in `Secret`, whose `repr` and `str` never show the value, so a settings object can
be logged or printed safely.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ksqlmv.errors import ConfigError

__all__ = ["BasicAuth", "Secret", "Settings"]

DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092"
DEFAULT_SCHEMA_REGISTRY_URL = "http://localhost:8081"
DEFAULT_KSQLDB_URL = "http://localhost:8088"


class Secret:
    """A credential that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class BasicAuth:
    """A user name and its password for HTTP basic authentication."""

    username: str
    password: Secret

    def as_tuple(self) -> tuple[str, str]:
        """The (user, password) pair httpx takes as `auth=`."""
        return (self.username, self.password.reveal())


@dataclass(frozen=True, slots=True)
class Settings:
    """Addresses and credentials of the three services every client talks to."""

    bootstrap_servers: str = DEFAULT_BOOTSTRAP_SERVERS
    schema_registry_url: str = DEFAULT_SCHEMA_REGISTRY_URL
    ksqldb_url: str = DEFAULT_KSQLDB_URL
    kafka_api_key: str | None = None
    kafka_api_secret: Secret | None = field(default=None)
    schema_registry_auth: BasicAuth | None = None
    ksqldb_auth: BasicAuth | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `KSQLMV_*` environment variables, with embedded-stack defaults."""
        env = os.environ if environ is None else environ
        api_key = _non_empty(env, "KSQLMV_KAFKA_API_KEY")
        api_secret = _non_empty(env, "KSQLMV_KAFKA_API_SECRET")
        if (api_key is None) != (api_secret is None):
            raise ConfigError(
                "set both KSQLMV_KAFKA_API_KEY and KSQLMV_KAFKA_API_SECRET, or neither"
            )
        return cls(
            bootstrap_servers=env.get("KSQLMV_BOOTSTRAP_SERVERS") or DEFAULT_BOOTSTRAP_SERVERS,
            schema_registry_url=env.get("KSQLMV_SCHEMA_REGISTRY_URL")
            or DEFAULT_SCHEMA_REGISTRY_URL,
            ksqldb_url=env.get("KSQLMV_KSQLDB_URL") or DEFAULT_KSQLDB_URL,
            kafka_api_key=api_key,
            kafka_api_secret=Secret(api_secret) if api_secret is not None else None,
            schema_registry_auth=_basic_auth(env, "KSQLMV_SCHEMA_REGISTRY"),
            ksqldb_auth=_basic_auth(env, "KSQLMV_KSQLDB"),
        )

    def kafka_config(self) -> dict[str, Any]:
        """librdkafka configuration for reaching the broker, with SASL_SSL when a key is set."""
        config: dict[str, Any] = {"bootstrap.servers": self.bootstrap_servers}
        if self.kafka_api_key is not None and self.kafka_api_secret is not None:
            config.update(
                {
                    "security.protocol": "SASL_SSL",
                    "sasl.mechanisms": "PLAIN",
                    "sasl.username": self.kafka_api_key,
                    "sasl.password": self.kafka_api_secret.reveal(),
                }
            )
        return config

    def schema_registry_config(self) -> dict[str, Any]:
        """Configuration for confluent-kafka's `SchemaRegistryClient`."""
        config: dict[str, Any] = {"url": self.schema_registry_url}
        if self.schema_registry_auth is not None:
            user, password = self.schema_registry_auth.as_tuple()
            config["basic.auth.user.info"] = f"{user}:{password}"
        return config


def _non_empty(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value if value else None


def _basic_auth(env: Mapping[str, str], prefix: str) -> BasicAuth | None:
    user = _non_empty(env, f"{prefix}_USER")
    password = _non_empty(env, f"{prefix}_PASSWORD")
    if user is None and password is None:
        return None
    if user is None or password is None:
        raise ConfigError(f"set both {prefix}_USER and {prefix}_PASSWORD, or neither")
    return BasicAuth(user, Secret(password))
