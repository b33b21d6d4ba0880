"""`python -m ksqlmv.broker`: the broker as a process, following `ksqlmv.local.contract`."""

from __future__ import annotations

import sys

# kio imports hypothesis when it is installed (for its test strategies), which pulls in trio:
# most of a second of start-up and some 20 MB this process never uses.
sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import errno  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
from pathlib import Path  # noqa: E402

from ksqlmv.broker.broker import Broker  # noqa: E402
from ksqlmv.broker.config import BrokerConfig  # noqa: E402
from ksqlmv.local.contract import PORT_IN_USE_EXIT, announce  # noqa: E402

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ksqlmv.broker", description="The embedded Kafka broker."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=9092, help="port to bind; 0 picks one")
    parser.add_argument("--data-dir", type=Path, required=True, help="where the log lives")
    parser.add_argument("--advertised-host", default=None, help="host told to clients")
    parser.add_argument("--num-partitions", type=int, default=1, help="for auto-created topics")
    parser.add_argument(
        "--no-auto-create-topics",
        dest="auto_create_topics",
        action="store_false",
        help="refuse Metadata and Produce for unknown topics instead of creating them",
    )
    parser.add_argument(
        "--cleaner-interval-ms", type=int, default=15_000, help="retention/compaction period"
    )
    parser.add_argument(
        "--group-initial-rebalance-delay-ms", type=int, default=0, help="first-join grace"
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ERROR")
    return parser


async def _serve(config: BrokerConfig) -> int:
    broker = Broker(config)
    try:
        host, port = await broker.start()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"ksqlmv broker: port {config.port} is already in use", file=sys.stderr)
            return PORT_IN_USE_EXIT
        print(f"ksqlmv broker: cannot start: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # a metadata file that is not JSON
        print(f"ksqlmv broker: cannot read {config.data_dir}: {error}", file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    announce("ksqlmv broker", host, port)
    await stop.wait()
    logging.getLogger("ksqlmv.broker").info("stopping")
    await broker.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the broker until SIGINT or SIGTERM; returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = BrokerConfig(
        data_dir=args.data_dir,
        host=args.host,
        port=args.port,
        advertised_host=args.advertised_host,
        auto_create_topics=args.auto_create_topics,
        num_partitions=args.num_partitions,
        cleaner_interval_ms=args.cleaner_interval_ms,
        group_initial_rebalance_delay_ms=args.group_initial_rebalance_delay_ms,
    )
    return asyncio.run(_serve(config))


if __name__ == "__main__":
    sys.exit(main())
