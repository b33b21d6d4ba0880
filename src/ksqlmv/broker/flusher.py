"""Group commit: one thread fsyncs whatever was written since its last round.

Appends go to the page cache on the event loop; anything that must become durable asks the
flusher. While a round runs in the thread, new requests gather for the next one, so under load
one fsync covers many produce requests and the event loop never waits for the disk. A round
finishes by calling each target's `finish_sync` on the loop (for a partition: advance the high
watermark) and then resolving the futures of the requests it covered.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from ksqlmv.errors import KafkaError

__all__ = ["KAFKA_STORAGE_ERROR", "Flusher", "Syncable"]

KAFKA_STORAGE_ERROR = 56
_log = logging.getLogger("ksqlmv.broker")


class Syncable(Protocol):
    """Something with files to fsync: a partition log, the committed-offsets file."""

    closed: bool

    def begin_sync(self) -> Any:
        """Capture, on the loop, what this round covers."""

    def sync_files(self, token: Any) -> None:
        """fsync, in the flusher's thread."""

    def finish_sync(self, token: Any) -> None:
        """Publish, on the loop, that the round is durable."""


class Flusher:
    """Runs fsync rounds in one background thread, back to back while there is work."""

    def __init__(self) -> None:
        self._pending: dict[Syncable, list[asyncio.Future[None]]] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="ksqlmv-fsync")
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the round loop on the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="flusher")

    def request(self, target: Syncable) -> asyncio.Future[None]:
        """A future resolved once everything `target` holds now is on disk."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(target, []).append(future)
        self._wake.set()
        self._idle.clear()
        return future

    def mark(self, target: Syncable) -> None:
        """Sync `target` in the next round, without anyone waiting for it."""
        self._pending.setdefault(target, [])
        self._wake.set()
        self._idle.clear()

    async def drain(self) -> None:
        """Wait until every requested sync is done."""
        await self._idle.wait()

    async def stop(self) -> None:
        """Finish outstanding rounds, then stop the thread."""
        await self.drain()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._executor.shutdown(wait=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._pending:
                self._idle.set()
                continue
            batch, self._pending = self._pending, {}
            tokens = [(target, target.begin_sync()) for target in batch]
            failures = await loop.run_in_executor(self._executor, _sync_all, tokens)
            for target, token in tokens:
                if target not in failures:
                    target.finish_sync(token)
            for target, futures in batch.items():
                failure = failures.get(target)
                for future in futures:
                    if future.done():
                        continue
                    if failure is None:
                        future.set_result(None)
                    else:
                        future.set_exception(KafkaError(KAFKA_STORAGE_ERROR, failure))
            if not self._pending:
                self._idle.set()
            else:
                self._wake.set()


def _sync_all(tokens: list[tuple[Syncable, Any]]) -> dict[Syncable, str]:
    failures: dict[Syncable, str] = {}
    for target, token in tokens:
        try:
            target.sync_files(token)
        except OSError as error:
            if not target.closed:  # a deleted topic's files may vanish mid-round
                _log.error("fsync failed for %s: %s", target, error)
                failures[target] = f"fsync failed: {error}"
    return failures
