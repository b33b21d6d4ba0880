"""`python -m ksqlmv.server`: the ksqlDB-compatible server in the foreground.

```
python -m ksqlmv.server --host 127.0.0.1 --port 8088 --bootstrap-servers 127.0.0.1:9092 \
    --schema-registry-url http://127.0.0.1:8081 --data-dir .ksqlmv/ksql [--auth user:password]
```

Once the command topic is replayed and the port is open it prints one line containing
`listening on HOST:PORT` (port 0 picks a free port). A broker that does not answer is reported in
one line within seconds, with exit code 5. SIGINT or SIGTERM stops it cleanly. Kafka credentials
come from `KSQLMV_KAFKA_API_KEY`/`_SECRET`, the registry's from `KSQLMV_SCHEMA_REGISTRY_USER`/
`_PASSWORD`, and basic auth for this API from `--auth` or `KSQLMV_KSQLDB_AUTH`.

Server properties come from `--property NAME=VALUE` (or `KSQLMV_KSQL_PROPERTIES`, space-separated),
e.g. `ksqlmv.state.store.memory.max.entries=10000`: how many entries each table store keeps in
memory; the rest are in sqlite files under `DATA_DIR/state` (`ksql.streams.state.dir`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from ksqlmv.config import Settings
from ksqlmv.engine.drivers.checkpoint import STATE_DIR_PROPERTY
from ksqlmv.http import parse_credentials
from ksqlmv.http.service import run_service
from ksqlmv.server.app import KsqlServer
from ksqlmv.server.context import ServerConfig

__all__ = ["main"]


@click.command("ksql")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8088, show_default=True, help="0 picks a free port.")
@click.option(
    "--bootstrap-servers",
    envvar="KSQLMV_BOOTSTRAP_SERVERS",
    default="localhost:9092",
    show_default=True,
    help="Kafka brokers [env KSQLMV_BOOTSTRAP_SERVERS].",
)
@click.option(
    "--schema-registry-url",
    envvar="KSQLMV_SCHEMA_REGISTRY_URL",
    default="http://localhost:8081",
    show_default=True,
    help="Schema Registry, for AVRO [env KSQLMV_SCHEMA_REGISTRY_URL].",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the server keeps local files (state lives in Kafka topics).",
)
@click.option(
    "--auth",
    envvar="KSQLMV_KSQLDB_AUTH",
    default=None,
    help="Require HTTP basic auth as user:password [env KSQLMV_KSQLDB_AUTH].",
)
@click.option("--service-id", default="default_", show_default=True, help="ksql.service.id")
@click.option(
    "--property",
    "properties",
    multiple=True,
    envvar="KSQLMV_KSQL_PROPERTIES",
    metavar="NAME=VALUE",
    help="A server property, as in ksql-server.properties (repeatable) "
    "[env KSQLMV_KSQL_PROPERTIES, space-separated].",
)
@click.option("--max-push-queries", type=int, default=100, show_default=True)
@click.option("--verbose", is_flag=True, help="Log at INFO level.")
def main(
    host: str,
    port: int,
    bootstrap_servers: str,
    schema_registry_url: str,
    data_dir: Path | None,
    auth: str | None,
    service_id: str,
    properties: tuple[str, ...],
    max_push_queries: int,
    verbose: bool,
) -> None:
    """Serve ksqlDB's REST API over ksqlmv's engine."""
    server_properties: dict[str, Any] = {}
    if data_dir is not None:
        # What table stores do not keep in memory (Kafka Streams' state.dir).
        server_properties[STATE_DIR_PROPERTY] = str(data_dir.resolve() / "state")
    for pair in properties:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--property")
        server_properties[name.strip()] = value.strip()

    def build() -> KsqlServer:
        settings = dataclasses.replace(
            Settings.from_env(),
            bootstrap_servers=bootstrap_servers,
            schema_registry_url=schema_registry_url,
        )
        credentials = parse_credentials(auth, "--auth") if auth else None
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
        kafka = settings.kafka_config()
        kafka.pop("bootstrap.servers", None)
        registry = settings.schema_registry_config()
        registry.pop("url", None)
        config = ServerConfig(
            bootstrap_servers=bootstrap_servers,
            schema_registry_url=schema_registry_url or None,
            kafka_config=kafka,
            schema_registry_config=registry,
            service_id=service_id,
            max_push_queries=max_push_queries,
            properties=server_properties,
        )
        return KsqlServer(config, host, port, credentials)

    run_service("ksqlmv ksql", build, verbose)


if __name__ == "__main__":
    main()
