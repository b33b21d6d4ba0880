"""`ksql-migrations.properties`: the keys ksql-migrations reads, with its defaults.

| key                                  | default                                  |
|--------------------------------------|------------------------------------------|
| `ksql.server.url`                    | (required by ksql-migrations)            |
| `ksql.migrations.stream.name`        | `MIGRATION_EVENTS`                       |
| `ksql.migrations.table.name`         | `MIGRATION_SCHEMA_VERSIONS`              |
| `ksql.migrations.stream.topic.name`  | `<service id>ksql_<stream name>`         |
| `ksql.migrations.table.topic.name`   | `<service id>ksql_<table name>`          |
| `ksql.migrations.topic.replicas`     | `1`                                      |
| `ksql.migrations.dir.override`       | `migrations/` next to the file           |
| `ksql.auth.basic.username/password`  | none                                     |
| `ssl.truststore.*`, `ssl.keystore.*`, `ssl.key.password`, `ssl.key.alias`, `ssl.alpn`,
  `ssl.verify.host`                    | TLS, used only for `https://` URLs       |

The server URL comes from `--server`, else `KSQLMV_KSQLDB_URL`, else the file, so one project can
be applied to the embedded stack and to production. Credentials follow the same order: the
environment's `KSQLMV_KSQLDB_USER` / `KSQLMV_KSQLDB_PASSWORD` win over the file. Passwords are held
as `Secret` and never printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ksqlmv.config import BasicAuth, Secret, Settings
from ksqlmv.errors import ConfigError
from ksqlmv.migrations.properties import load_properties

__all__ = [
    "CONFIG_FILE_NAME",
    "KNOWN_KEYS",
    "MIGRATIONS_DIR_NAME",
    "MigrationConfig",
    "TlsConfig",
    "find_config_file",
]

CONFIG_FILE_NAME = "ksql-migrations.properties"
MIGRATIONS_DIR_NAME = "migrations"

SERVER_URL = "ksql.server.url"
STREAM_NAME = "ksql.migrations.stream.name"
TABLE_NAME = "ksql.migrations.table.name"
STREAM_TOPIC = "ksql.migrations.stream.topic.name"
TABLE_TOPIC = "ksql.migrations.table.topic.name"
REPLICAS = "ksql.migrations.topic.replicas"
DIR_OVERRIDE = "ksql.migrations.dir.override"
USERNAME = "ksql.auth.basic.username"
PASSWORD = "ksql.auth.basic.password"  # noqa: S105 - the key's name, not a password
TRUSTSTORE = "ssl.truststore.location"
TRUSTSTORE_PASSWORD = "ssl.truststore.password"  # noqa: S105
KEYSTORE = "ssl.keystore.location"
KEYSTORE_PASSWORD = "ssl.keystore.password"  # noqa: S105
KEY_PASSWORD = "ssl.key.password"  # noqa: S105
KEY_ALIAS = "ssl.key.alias"
ALPN = "ssl.alpn"
VERIFY_HOST = "ssl.verify.host"

KNOWN_KEYS = (
    SERVER_URL,
    STREAM_NAME,
    TABLE_NAME,
    STREAM_TOPIC,
    TABLE_TOPIC,
    REPLICAS,
    DIR_OVERRIDE,
    USERNAME,
    PASSWORD,
    TRUSTSTORE,
    TRUSTSTORE_PASSWORD,
    KEYSTORE,
    KEYSTORE_PASSWORD,
    KEY_PASSWORD,
    KEY_ALIAS,
    ALPN,
    VERIFY_HOST,
)
"""Every key ksql-migrations defines, in the order `new-project` writes them."""

_BEARER_PREFIX = "bearer.auth."


@dataclass(frozen=True, slots=True)
class TlsConfig:
    """The `ssl.*` keys: where the trust store and key store are, and how to check the host."""

    truststore: Path | None = None
    truststore_password: Secret | None = None
    keystore: Path | None = None
    keystore_password: Secret | None = None
    key_password: Secret | None = None
    key_alias: str | None = None
    alpn: bool = False
    verify_host: bool = True


@dataclass(frozen=True, slots=True)
class MigrationConfig:
    """A migrations project's configuration file, read and checked."""

    path: Path
    server_url: str = ""
    stream_name: str = "MIGRATION_EVENTS"
    table_name: str = "MIGRATION_SCHEMA_VERSIONS"
    stream_topic: str | None = None
    table_topic: str | None = None
    topic_replicas: int = 1
    migrations_dir: Path = field(default_factory=Path)
    auth: BasicAuth | None = None
    tls: TlsConfig = field(default_factory=TlsConfig)
    unknown_keys: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path) -> MigrationConfig:
        """Read `path`; every bad value is a `ConfigError` naming the key."""
        return cls.from_properties(path, load_properties(path))

    @classmethod
    def from_properties(cls, path: Path, values: Mapping[str, str]) -> MigrationConfig:
        """Build from already-read properties, `path` locating the project."""
        bearer = sorted(key for key in values if key.startswith(_BEARER_PREFIX) and values[key])
        if bearer:
            raise ConfigError(
                f"{path}: {', '.join(bearer)}: OAuth bearer authentication is not supported by "
                "ksqlmv migrate; use ksql.auth.basic.username/password or KSQLMV_KSQLDB_USER"
            )
        stream = _identifier(values, STREAM_NAME, "MIGRATION_EVENTS", path)
        table = _identifier(values, TABLE_NAME, "MIGRATION_SCHEMA_VERSIONS", path)
        override = values.get(DIR_OVERRIDE, "").strip()
        directory = Path(override) if override else path.parent / MIGRATIONS_DIR_NAME
        unknown = tuple(
            sorted(k for k in values if k not in KNOWN_KEYS and not k.startswith(_BEARER_PREFIX))
        )
        return cls(
            path=path,
            server_url=values.get(SERVER_URL, "").strip(),
            stream_name=stream,
            table_name=table,
            stream_topic=values.get(STREAM_TOPIC, "").strip() or None,
            table_topic=values.get(TABLE_TOPIC, "").strip() or None,
            topic_replicas=_positive_int(values, REPLICAS, 1, path),
            migrations_dir=directory,
            auth=_basic_auth(values, path),
            tls=TlsConfig(
                truststore=_path(values, TRUSTSTORE),
                truststore_password=_secret(values, TRUSTSTORE_PASSWORD),
                keystore=_path(values, KEYSTORE),
                keystore_password=_secret(values, KEYSTORE_PASSWORD),
                key_password=_secret(values, KEY_PASSWORD),
                key_alias=values.get(KEY_ALIAS, "").strip() or None,
                alpn=_boolean(values, ALPN, False, path),
                verify_host=_boolean(values, VERIFY_HOST, True, path),
            ),
            unknown_keys=unknown,
        )

    def resolve_server_url(
        self, flag: str | None = None, environ: Mapping[str, str] | None = None
    ) -> str:
        """`--server`, else `KSQLMV_KSQLDB_URL`, else the file's `ksql.server.url`."""
        env = os.environ if environ is None else environ
        url = flag or env.get("KSQLMV_KSQLDB_URL") or self.server_url
        if not url:
            raise ConfigError(
                f"no ksqlDB server: set {SERVER_URL} in {self.path}, KSQLMV_KSQLDB_URL, "
                "or pass --server"
            )
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"invalid ksqlDB server URL {url!r}: it must start with http(s)://")
        return url

    def resolve_auth(self, environ: Mapping[str, str] | None = None) -> BasicAuth | None:
        """Basic auth from `KSQLMV_KSQLDB_USER`/`_PASSWORD` if set, else from the file."""
        settings = Settings.from_env(os.environ if environ is None else environ)
        return settings.ksqldb_auth or self.auth

    def stream_topic_for(self, service_id: str) -> str:
        """The stream's topic: configured, or `<service id>ksql_<stream name>`."""
        return self.stream_topic or f"{service_id}ksql_{self.stream_name}"

    def table_topic_for(self, service_id: str) -> str:
        """The table's topic: configured, or `<service id>ksql_<table name>`."""
        return self.table_topic or f"{service_id}ksql_{self.table_name}"


def find_config_file(explicit: Path | None, cwd: Path | None = None) -> Path:
    """The configuration file to use: `-c FILE`, else the first of `./ksql-migrations.properties`
    and `./ksql/ksql-migrations.properties` that exists."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"migrations config file {explicit} does not exist")
        return explicit
    base = cwd or Path.cwd()
    for candidate in (base / CONFIG_FILE_NAME, base / "ksql" / CONFIG_FILE_NAME):
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no {CONFIG_FILE_NAME} here or in ksql/: pass it with -c/--config-file, "
        "or create a project with `ksqlmv migrate new-project PATH SERVER_URL`"
    )


def _identifier(values: Mapping[str, str], key: str, default: str, path: Path) -> str:
    value = values.get(key, "").strip() or default
    if not value.replace("_", "").isalnum():
        raise ConfigError(f"{path}: {key}={value!r} is not a plain KSQL identifier")
    return value


def _positive_int(values: Mapping[str, str], key: str, default: int, path: Path) -> int:
    text = values.get(key, "").strip()
    if not text:
        return default
    try:
        number = int(text)
    except ValueError:
        raise ConfigError(f"{path}: {key}={text!r} is not an integer") from None
    if number < 1:
        raise ConfigError(f"{path}: {key}={number} must be at least 1")
    return number


def _boolean(values: Mapping[str, str], key: str, default: bool, path: Path) -> bool:
    text = values.get(key, "").strip().lower()
    if not text:
        return default
    if text not in ("true", "false"):
        raise ConfigError(f"{path}: {key}={text!r} must be true or false")
    return text == "true"


def _path(values: Mapping[str, str], key: str) -> Path | None:
    text = values.get(key, "").strip()
    return Path(text).expanduser() if text else None


def _secret(values: Mapping[str, str], key: str) -> Secret | None:
    text = values.get(key, "")
    return Secret(text) if text else None


def _basic_auth(values: Mapping[str, str], path: Path) -> BasicAuth | None:
    user = values.get(USERNAME, "").strip()
    password = values.get(PASSWORD, "")
    if not user and not password:
        return None
    if not user:
        raise ConfigError(f"{path}: {PASSWORD} is set but {USERNAME} is not")
    return BasicAuth(user, Secret(password))
