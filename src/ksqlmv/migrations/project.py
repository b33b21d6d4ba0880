"""Project scaffolding: `new-project PATH SERVER_URL` and `create [-v N] DESCRIPTION`.

`new-project` writes `PATH/ksql-migrations.properties` (the server URL set, every other key
ksql-migrations knows listed commented out, grouped as ksql-migrations groups them) and
`PATH/migrations/`. An existing folder is reused; an existing configuration file is never
overwritten. `create` adds an empty `V<next>__<description>.sql` (with `--down`, also the matching
`U<version>__<description>.sql`).
"""

from __future__ import annotations

from pathlib import Path

from ksqlmv.errors import ConfigError, ValidationError
from ksqlmv.migrations import config as keys
from ksqlmv.migrations.config import CONFIG_FILE_NAME, MIGRATIONS_DIR_NAME, MigrationConfig
from ksqlmv.migrations.files import MAX_VERSION, Direction, discover, file_name_for

__all__ = ["create_migration", "initial_config", "new_project"]

_GROUPS = (
    (
        "Migrations metadata configs",
        (keys.STREAM_NAME, "MIGRATION_EVENTS"),
        (keys.TABLE_NAME, "MIGRATION_SCHEMA_VERSIONS"),
        (keys.STREAM_TOPIC, ""),
        (keys.TABLE_TOPIC, ""),
        (keys.REPLICAS, "1"),
    ),
    (
        "TLS configs",
        (keys.TRUSTSTORE, ""),
        (keys.TRUSTSTORE_PASSWORD, ""),
        (keys.KEYSTORE, ""),
        (keys.KEYSTORE_PASSWORD, ""),
        (keys.KEY_PASSWORD, ""),
        (keys.KEY_ALIAS, ""),
        (keys.ALPN, "false"),
        (keys.VERIFY_HOST, "true"),
    ),
    ("ksqlDB server authentication configs", (keys.USERNAME, ""), (keys.PASSWORD, "")),
    ("Migrations directory configs", (keys.DIR_OVERRIDE, "")),
)


def initial_config(server_url: str) -> str:
    """The text of a new project's configuration file."""
    lines = [f"{keys.SERVER_URL}={server_url}"]
    for title, *entries in _GROUPS:
        lines += ["", f"# {title}:"]
        lines += [f"# {key}={default}" for key, default in entries]
    return "\n".join(lines) + "\n"


def new_project(path: Path, server_url: str) -> Path:
    """Create the project folder, its migrations folder and its configuration file."""
    if not server_url.startswith(("http://", "https://")):
        raise ConfigError(f"invalid ksqlDB server URL {server_url!r}: use http(s)://host:port")
    for folder in (path, path / MIGRATIONS_DIR_NAME):
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"{folder} already exists as a file; cannot create a folder there")
        folder.mkdir(parents=True, exist_ok=True)
    config = path / CONFIG_FILE_NAME
    try:
        with config.open("x", encoding="utf-8") as out:
            out.write(initial_config(server_url))
    except FileExistsError:
        raise ConfigError(f"{config} already exists; it was left as it is") from None
    return config


def create_migration(
    config: MigrationConfig, description: str, version: int | None = None, *, down: bool = False
) -> list[Path]:
    """Create an empty migration file (and its down file); returns the paths created."""
    if not description.strip():
        raise ValidationError("Description cannot be empty.")
    files = discover(config.migrations_dir)
    if version is None:
        version = files.latest_version + 1
    elif files.by_version(version) is not None:
        existing = files.by_version(version)
        assert existing is not None
        raise ValidationError(
            f"Found existing migrations file for version {version}: {existing.path}"
        )
    if not 1 <= version <= MAX_VERSION:
        raise ValidationError(
            f"Invalid version file version: {version}. Version must be between 1 and {MAX_VERSION}."
        )
    directions = (Direction.UP, Direction.DOWN) if down else (Direction.UP,)
    created: list[Path] = []
    for direction in directions:
        path = config.migrations_dir / file_name_for(version, description, direction)
        try:
            path.touch(exist_ok=False)
        except OSError as error:
            raise ValidationError(f"Failed to create file {path}: {error.strerror}") from error
        created.append(path)
    return created
