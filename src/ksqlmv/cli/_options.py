"""Options shared by subcommands: where the stack is."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ksqlmv.config import Settings

__all__ = ["ksqldb_url_option", "settings_from", "stack_options"]

F = TypeVar("F", bound=Callable[..., Any])


def stack_options(function: F) -> F:
    """Add --bootstrap-servers, --schema-registry-url and --ksqldb-url (environment defaults)."""
    options = (
        click.option(
            "--bootstrap-servers",
            envvar="KSQLMV_BOOTSTRAP_SERVERS",
            help="Kafka bootstrap servers [env KSQLMV_BOOTSTRAP_SERVERS; default localhost:9092]",
        ),
        click.option(
            "--schema-registry-url",
            envvar="KSQLMV_SCHEMA_REGISTRY_URL",
            help="Schema Registry URL [env KSQLMV_SCHEMA_REGISTRY_URL; default http://localhost:8081]",
        ),
        ksqldb_url_option,
    )
    for option in reversed(options):
        function = option(function)
    return function


ksqldb_url_option = click.option(
    "--ksqldb-url",
    envvar="KSQLMV_KSQLDB_URL",
    help="ksqlDB server URL [env KSQLMV_KSQLDB_URL; default http://localhost:8088]",
)


def settings_from(
    bootstrap_servers: str | None = None,
    schema_registry_url: str | None = None,
    ksqldb_url: str | None = None,
) -> Settings:
    """Settings from the environment, with every flag that was given taking precedence."""
    settings = Settings.from_env()
    return dataclasses.replace(
        settings,
        bootstrap_servers=bootstrap_servers or settings.bootstrap_servers,
        schema_registry_url=schema_registry_url or settings.schema_registry_url,
        ksqldb_url=ksqldb_url or settings.ksqldb_url,
    )
