"""`python -m ksqlmv.engine`: run KSQL statements on a Kafka cluster until stopped.

A headless engine: it executes the statements of a file (CREATE STREAM/TABLE, CSAS, CTAS, INSERT
INTO, ...) with the Kafka driver, prints `ready` once every persistent query has restored its
state and is reading, and keeps the queries running until SIGINT or SIGTERM (then it checkpoints
and exits 0). Started again with the same file and service id, it resumes where it stopped,
however it stopped.

```
python -m ksqlmv.engine statements.sql --bootstrap-servers 127.0.0.1:9092 \\
    --schema-registry http://127.0.0.1:8081 --property ksql.service.id=app_
```
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from ksqlmv.engine.drivers.kafka import KafkaDriver
from ksqlmv.engine.engine import KsqlEngine
from ksqlmv.engine.serde.registry import ConfluentSchemaRegistry, InMemorySchemaRegistry
from ksqlmv.errors import KsqlmvError

__all__ = ["main"]


def _properties(pairs: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {"auto.offset.reset": "earliest"}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--property needs NAME=VALUE, got {pair!r}")
        found[name.strip()] = value.strip()
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the engine; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m ksqlmv.engine", description=__doc__)
    parser.add_argument("file", type=Path, help="KSQL statements to run")
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--schema-registry", help="Schema Registry URL (else in memory)")
    parser.add_argument("--property", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--commit-interval-ms", type=int, default=200)
    args = parser.parse_args(argv)

    registry: Any = (
        ConfluentSchemaRegistry({"url": args.schema_registry})
        if args.schema_registry
        else InMemorySchemaRegistry()
    )
    driver = KafkaDriver(
        {"bootstrap.servers": args.bootstrap_servers},
        registry,
        commit_interval=args.commit_interval_ms / 1000,
    )
    engine = KsqlEngine(driver, properties=_properties(args.property))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        engine.execute(args.file.read_text(encoding="utf-8"))
        for query_id in engine.queries:
            if not driver.wait_ready(query_id, 120):
                print(f"query {query_id} did not start within 120 s", file=sys.stderr)
                return 1
        print(f"ready: {len(engine.queries)} queries running", flush=True)
        stop.wait()
    except KsqlmvError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        driver.close()
        close = getattr(registry, "close", None)
        if close is not None:
            close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
