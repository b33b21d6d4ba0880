"""The transaction coordinator: transactional ids, epochs, and the two-phase end of a transaction.

What a transactional producer (librdkafka's `init_transactions`, `begin_transaction`,
`send_offsets_to_transaction`, `commit_transaction`, `abort_transaction`) needs, as Kafka's
coordinator does it:

- `InitProducerId` with a transactional id gives it a producer id and a new epoch: an older
  instance with the same id is fenced (its writes and requests get INVALID_PRODUCER_EPOCH), and a
  transaction it left open is aborted first.
- `AddPartitionsToTxn` and `AddOffsetsToTxn` say which partitions and consumer groups the current
  transaction touches; only added partitions accept its batches (`check_produce`).
- `TxnOffsetCommit` holds consumed offsets back until the transaction commits.
- `EndTxn` decides (PrepareCommit or PrepareAbort, made durable first), writes a COMMIT or ABORT
  marker into every partition of the transaction, commits the held offsets (commit only), waits
  until all of that is durable, and completes.
- A transaction left open longer than its timeout is aborted, with the epoch bumped so that its
  producer is fenced.

Every state change goes through `TransactionLog` (`txn_log.py`) and is durable before it is
answered. After a restart, open transactions hold their partitions' LSO again from the offset
each partition had when it joined, and a transaction that was decided but not completed (the
crash fell between the decision and the markers) is completed, as Kafka's coordinator does when it
loads `__transaction_state`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from ksqlmv.broker.catalog import Catalog
from ksqlmv.broker.flusher import Flusher, Syncable
from ksqlmv.broker.log import PartitionLog
from ksqlmv.broker.offsets import Committed, OffsetStore
from ksqlmv.broker.records import control_batch, validate_batches
from ksqlmv.broker.txn_log import AbortedJournal, TransactionLog, TxnMetadata, TxnState
from ksqlmv.broker.txn_partition import AbortedRange
from ksqlmv.errors import KafkaError

__all__ = [
    "CONCURRENT_TRANSACTIONS",
    "INVALID_PRODUCER_EPOCH",
    "INVALID_PRODUCER_ID_MAPPING",
    "INVALID_TRANSACTION_TIMEOUT",
    "INVALID_TXN_STATE",
    "TransactionCoordinator",
]

_log = logging.getLogger("ksqlmv.broker")

NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
INVALID_PRODUCER_EPOCH = 47
INVALID_TXN_STATE = 48
INVALID_PRODUCER_ID_MAPPING = 49
INVALID_TRANSACTION_TIMEOUT = 50
CONCURRENT_TRANSACTIONS = 51
OPERATION_NOT_ATTEMPTED = 55
_MAX_EPOCH = 32766  # a producer id whose epoch would pass this gets replaced (Kafka's rule)
_MARKER_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class _Stores:
    """What the coordinator writes to besides its own journal."""

    catalog: Catalog
    offsets: OffsetStore
    flusher: Flusher


def _now_ms() -> int:
    return int(time.time() * 1000)


class TransactionCoordinator:
    """Transactional ids and their transactions, for one broker."""

    def __init__(
        self,
        stores: _Stores,
        journal: TransactionLog,
        aborted: AbortedJournal,
        state: dict[str, TxnMetadata],
        max_timeout_ms: int,
    ) -> None:
        self._stores = stores
        self._journal = journal
        self.aborted = aborted
        self.transactions = state
        self._by_producer = {meta.producer_id: meta for meta in state.values()}
        self._locks: dict[str, asyncio.Lock] = {}
        self._max_timeout_ms = max_timeout_ms
        self._recovered: asyncio.Event | None = None

    @classmethod
    def open(
        cls,
        catalog: Catalog,
        offsets: OffsetStore,
        flusher: Flusher,
        max_timeout_ms: int,
    ) -> TransactionCoordinator:
        """Load the state and the aborted ranges; open transactions hold their LSOs again."""
        journal, state = TransactionLog.open(catalog.data_dir)
        aborted = AbortedJournal.open(catalog.data_dir, catalog)
        coordinator = cls(
            _Stores(catalog, offsets, flusher), journal, aborted, state, max_timeout_ms
        )
        for meta in state.values():
            if meta.state is TxnState.ONGOING or meta.state.preparing:
                for log, joined_at in coordinator._logs(meta):
                    log.txns.reopen(meta.producer_id, min(joined_at, log.log_end_offset))
        return coordinator

    async def recover(self) -> None:
        """Complete the transactions a crash left decided but not written (on the loop)."""
        self._recovered = asyncio.Event()
        try:
            for meta in list(self.transactions.values()):
                if meta.state.preparing:
                    async with self._lock(meta.transactional_id):
                        commit = meta.state is TxnState.PREPARE_COMMIT
                        _log.info(
                            "completing transaction %s after a restart (%s)",
                            meta.transactional_id,
                            "commit" if commit else "abort",
                        )
                        await self._complete(meta, commit=commit)
        finally:
            self._recovered.set()

    async def _ready(self) -> None:
        if self._recovered is not None:
            await self._recovered.wait()

    def _lock(self, transactional_id: str) -> asyncio.Lock:
        lock = self._locks.get(transactional_id)
        if lock is None:
            lock = self._locks[transactional_id] = asyncio.Lock()
        return lock

    # -- the requests ------------------------------------------------------------------------

    async def init_producer_id(self, transactional_id: str, timeout_ms: int) -> tuple[int, int]:
        """(producer id, epoch) for a producer starting as `transactional_id`.

        Raises `KafkaError` INVALID_TRANSACTION_TIMEOUT for a timeout outside (0, max].
        """
        if not 0 < timeout_ms <= self._max_timeout_ms:
            raise KafkaError(
                INVALID_TRANSACTION_TIMEOUT,
                f"transaction timeout {timeout_ms} ms is outside (0, {self._max_timeout_ms}]",
            )
        await self._ready()
        async with self._lock(transactional_id):
            meta = self.transactions.get(transactional_id)
            if meta is None:
                meta = TxnMetadata(transactional_id, self._stores.catalog.next_producer_id(), 0, 0)
                self.transactions[transactional_id] = meta
            else:
                if meta.state.preparing:
                    await self._complete(meta, commit=meta.state is TxnState.PREPARE_COMMIT)
                elif meta.state is TxnState.ONGOING:
                    _log.info("%s: a new producer aborts the open transaction", transactional_id)
                    await self._abort_fencing(meta)
                self._bump(meta)
            meta.timeout_ms = timeout_ms
            meta.state = TxnState.EMPTY
            self._by_producer[meta.producer_id] = meta
            await self._save(meta)
            return meta.producer_id, meta.epoch

    async def add_partitions(
        self, transactional_id: str, producer_id: int, epoch: int, wanted: list[tuple[str, int]]
    ) -> dict[tuple[str, int], int]:
        """Add partitions to the current transaction; an error code per partition."""
        await self._ready()
        async with self._lock(transactional_id):
            meta = self.transactions.get(transactional_id)
            error = self._check(meta, producer_id, epoch)
            if not error and meta is not None and meta.state.preparing:
                error = CONCURRENT_TRANSACTIONS
            if error:
                return dict.fromkeys(wanted, error)
            assert meta is not None
            unknown = {key for key in wanted if self._find(*key) is None}
            if unknown:
                return {
                    key: UNKNOWN_TOPIC_OR_PARTITION if key in unknown else OPERATION_NOT_ATTEMPTED
                    for key in wanted
                }
            self._begin(meta)
            added = False
            for key in wanted:
                if key not in meta.partitions:
                    log = self._find(*key)
                    assert log is not None
                    meta.partitions[key] = log.log_end_offset
                    added = True
            if added:
                await self._save(meta)
            return dict.fromkeys(wanted, NONE)

    async def add_offsets(
        self, transactional_id: str, producer_id: int, epoch: int, group: str
    ) -> int:
        """Add a consumer group's offsets to the current transaction; the error code."""
        await self._ready()
        async with self._lock(transactional_id):
            meta = self.transactions.get(transactional_id)
            error = self._check(meta, producer_id, epoch)
            if not error and meta is not None and meta.state.preparing:
                error = CONCURRENT_TRANSACTIONS
            if error:
                return error
            assert meta is not None
            self._begin(meta)
            if group not in meta.groups:
                meta.groups.add(group)
                # durable with the first TxnOffsetCommit that follows (one journal, one fsync)
                self._journal.write(meta)
                self._stores.flusher.mark(self._journal)
            return NONE

    async def txn_offset_commit(
        self,
        transactional_id: str,
        group: str,
        producer_id: int,
        epoch: int,
        entries: list[tuple[str, int, Committed]],
    ) -> dict[tuple[str, int], int]:
        """Hold offsets until the transaction commits; an error code per partition."""
        await self._ready()
        async with self._lock(transactional_id):
            meta = self.transactions.get(transactional_id)
            error = self._check(meta, producer_id, epoch)
            if not error and meta is not None and meta.state is not TxnState.ONGOING:
                error = CONCURRENT_TRANSACTIONS if meta.state.preparing else INVALID_TXN_STATE
            if error:
                return {(topic, partition): error for topic, partition, _ in entries}
            assert meta is not None
            results: dict[tuple[str, int], int] = {}
            held = meta.offsets.setdefault(group, {})
            for topic, partition, committed in entries:
                if self._find(topic, partition) is None:
                    results[(topic, partition)] = UNKNOWN_TOPIC_OR_PARTITION
                    continue
                held[(topic, partition)] = committed
                results[(topic, partition)] = NONE
            meta.groups.add(group)
            await self._save(meta)
            return results

    async def end_txn(
        self, transactional_id: str, producer_id: int, epoch: int, *, commit: bool
    ) -> int:
        """Commit or abort the current transaction; the error code."""
        await self._ready()
        async with self._lock(transactional_id):
            meta = self.transactions.get(transactional_id)
            error = self._check(meta, producer_id, epoch)
            if error:
                return error
            assert meta is not None
            done = TxnState.COMPLETE_COMMIT if commit else TxnState.COMPLETE_ABORT
            if meta.state is done:
                return NONE  # a retry of the request that completed it
            if meta.state.preparing:
                return CONCURRENT_TRANSACTIONS
            if meta.state is not TxnState.ONGOING:
                return INVALID_TXN_STATE
            meta.state = TxnState.PREPARE_COMMIT if commit else TxnState.PREPARE_ABORT
            await self._save(meta)
            await self._complete(meta, commit=commit)
            return NONE

    def check_produce(self, producer_id: int, epoch: int, topic: str, partition: int) -> None:
        """Refuse a transactional batch its producer may not write (fenced, or not added)."""
        meta = self._by_producer.get(producer_id)
        if meta is None:
            raise KafkaError(
                INVALID_PRODUCER_ID_MAPPING, f"producer id {producer_id} has no transactional id"
            )
        if epoch != meta.epoch:
            raise KafkaError(
                INVALID_PRODUCER_EPOCH,
                f"producer {producer_id} epoch {epoch} is fenced by epoch {meta.epoch}",
            )
        if meta.state is not TxnState.ONGOING or (topic, partition) not in meta.partitions:
            raise KafkaError(
                INVALID_TXN_STATE,
                f"{topic}-{partition} is not in an ongoing transaction of producer {producer_id}",
            )

    async def expire(self) -> None:
        """Abort transactions open longer than their timeout, fencing their producers."""
        now = _now_ms()
        for meta in list(self.transactions.values()):
            if meta.state is not TxnState.ONGOING or now - meta.started_ms < meta.timeout_ms:
                continue
            async with self._lock(meta.transactional_id):
                if meta.state is TxnState.ONGOING and now - meta.started_ms >= meta.timeout_ms:
                    _log.info(
                        "transaction %s timed out after %d ms: aborted",
                        meta.transactional_id,
                        meta.timeout_ms,
                    )
                    await self._abort_fencing(meta)

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _check(meta: TxnMetadata | None, producer_id: int, epoch: int) -> int:
        if meta is None or meta.producer_id != producer_id:
            return INVALID_PRODUCER_ID_MAPPING
        if epoch != meta.epoch:
            return INVALID_PRODUCER_EPOCH
        return NONE

    @staticmethod
    def _begin(meta: TxnMetadata) -> None:
        if meta.state.idle:
            meta.state = TxnState.ONGOING
            meta.started_ms = _now_ms()
            meta.partitions.clear()
            meta.groups.clear()
            meta.offsets.clear()

    def _bump(self, meta: TxnMetadata) -> None:
        if meta.epoch >= _MAX_EPOCH:
            self._by_producer.pop(meta.producer_id, None)
            meta.producer_id = self._stores.catalog.next_producer_id()
            meta.epoch = 0
        else:
            meta.epoch += 1
        self._by_producer[meta.producer_id] = meta

    async def _abort_fencing(self, meta: TxnMetadata) -> None:
        """Abort the open transaction under a new epoch, so its producer is fenced."""
        self._bump(meta)
        meta.state = TxnState.PREPARE_ABORT
        await self._save(meta)
        await self._complete(meta, commit=False)

    def _find(self, topic: str, partition: int) -> PartitionLog | None:
        found = self._stores.catalog.topics.get(topic)
        if found is None or not 0 <= partition < len(found.partitions):
            return None
        return found.partitions[partition]

    def _logs(self, meta: TxnMetadata) -> Iterable[tuple[PartitionLog, int]]:
        for (topic, partition), joined_at in meta.partitions.items():
            log = self._find(topic, partition)
            if log is not None:  # a deleted topic has nothing left to mark
                yield log, joined_at

    async def _complete(self, meta: TxnMetadata, *, commit: bool) -> None:
        """Write the markers (and commit the held offsets), wait until durable, complete."""
        stores = self._stores
        now = _now_ms()
        marker = control_batch(meta.producer_id, meta.epoch, commit=commit, now_ms=now)
        headers = validate_batches(marker, _MARKER_BYTES)
        touched: list[Syncable] = []
        aborted: list[tuple[str, int, AbortedRange]] = []
        for log, _ in self._logs(meta):
            base, _ = log.append(marker, headers)
            found = log.txns.close(meta.producer_id, base, commit=commit)
            if found is not None:
                aborted.append((log.topic, log.partition, found))
            touched.append(log)
        if aborted:
            self.aborted.append(aborted)
            touched.append(self.aborted)
        if commit and meta.offsets:
            for group, held in meta.offsets.items():
                stores.offsets.commit(
                    group, [(topic, partition, c) for (topic, partition), c in held.items()]
                )
            touched.append(stores.offsets)
        if touched:
            await asyncio.gather(*(stores.flusher.request(target) for target in touched))
        meta.state = TxnState.COMPLETE_COMMIT if commit else TxnState.COMPLETE_ABORT
        meta.partitions.clear()
        meta.groups.clear()
        meta.offsets.clear()
        # Completion need not wait for its fsync: if it is lost, the restart completes the
        # transaction again (markers twice are harmless, the offsets are the same).
        self._journal.write(meta)
        stores.flusher.mark(self._journal)

    async def _save(self, meta: TxnMetadata) -> None:
        self._journal.write(meta)
        await self._stores.flusher.request(self._journal)

    def close(self) -> None:
        """Close the journals (after the flusher drained)."""
        self._journal.close()
        self.aborted.close()
