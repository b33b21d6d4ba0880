"""`python -m ksqlmv.registry`: run the embedded Schema Registry in the foreground.

```
python -m ksqlmv.registry --host 127.0.0.1 --port 8081 --bootstrap-servers 127.0.0.1:9092 \
    [--auth user:password]
```

Once the `_schemas` topic is replayed and the port is open it prints one line containing
`listening on HOST:PORT` (port 0 picks a free port; the line shows the real one). SIGINT or SIGTERM
stops it cleanly. Kafka credentials for a managed cluster come from `KSQLMV_KAFKA_API_KEY` /
`KSQLMV_KAFKA_API_SECRET`; basic auth for the REST API from `--auth` or `KSQLMV_REGISTRY_AUTH`.
"""

from __future__ import annotations

import dataclasses

import click

from ksqlmv.config import Settings
from ksqlmv.http import parse_credentials
from ksqlmv.http.service import run_service
from ksqlmv.registry.server import RegistryServer

__all__ = ["main"]


@click.command("registry")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8081, show_default=True, help="0 picks a free port.")
@click.option(
    "--bootstrap-servers",
    envvar="KSQLMV_BOOTSTRAP_SERVERS",
    default="localhost:9092",
    show_default=True,
    help="Kafka broker holding the _schemas topic [env KSQLMV_BOOTSTRAP_SERVERS].",
)
@click.option(
    "--auth",
    envvar="KSQLMV_REGISTRY_AUTH",
    default=None,
    help="Require HTTP basic auth as user:password [env KSQLMV_REGISTRY_AUTH].",
)
@click.option("--topic", default="_schemas", show_default=True, help="Where schemas are kept.")
@click.option("--verbose", is_flag=True, help="Log requests to the broker and each write.")
def main(
    host: str, port: int, bootstrap_servers: str, auth: str | None, topic: str, verbose: bool
) -> None:
    """Serve Confluent's Schema Registry REST API, storing schemas in a Kafka topic."""

    def build() -> RegistryServer:
        settings = dataclasses.replace(Settings.from_env(), bootstrap_servers=bootstrap_servers)
        credentials = parse_credentials(auth, "--auth") if auth else None
        return RegistryServer(
            bootstrap_servers,
            host,
            port,
            auth=credentials,
            kafka_config=settings.kafka_config(),
            topic=topic,
        )

    run_service("ksqlmv registry", build, verbose)


if __name__ == "__main__":
    main()
