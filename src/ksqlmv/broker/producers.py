"""Idempotent producers: sequence numbers per producer and partition, as Kafka checks them.

An idempotent producer (librdkafka `enable.idempotence=true`) numbers its batches per partition.
The broker remembers the last five batches of each producer, so a retried batch that was already
written is answered with its original offset instead of being written twice, and a gap is
refused with OUT_OF_ORDER_SEQUENCE_NUMBER. After a crash the state is rebuilt from the batch
headers of the recovered segments, so a retry across a broker restart is still caught.

Producer ids themselves are handed out by `InitProducerId` (see `catalog.py`).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from ksqlmv.broker.records import CONTROL, BatchHeader
from ksqlmv.errors import KafkaError

__all__ = ["INVALID_PRODUCER_EPOCH", "OUT_OF_ORDER_SEQUENCE_NUMBER", "ProducerState"]

OUT_OF_ORDER_SEQUENCE_NUMBER = 45
INVALID_PRODUCER_EPOCH = 47
_REMEMBERED_BATCHES = 5  # what Kafka keeps, and librdkafka's max.in.flight with idempotence
_MAX_PRODUCERS = 4096
_SEQUENCE_WRAP = 1 << 31


@dataclass(slots=True)
class _Producer:
    epoch: int
    # (first sequence, last sequence, base offset) of the most recent batches
    batches: deque[tuple[int, int, int]] = field(
        default_factory=lambda: deque(maxlen=_REMEMBERED_BATCHES)
    )


def _last_sequence(header: BatchHeader) -> int:
    return (header.base_sequence + header.last_offset_delta) % _SEQUENCE_WRAP


class ProducerState:
    """Sequence bookkeeping of one partition."""

    def __init__(self) -> None:
        self._producers: OrderedDict[int, _Producer] = OrderedDict()

    def check(self, header: BatchHeader) -> int | None:
        """Base offset of the earlier copy if `header` is a retried batch, else None.

        Raises `KafkaError` for a fenced epoch or a sequence gap.
        """
        if header.producer_id < 0:
            return None
        producer = self._producers.get(header.producer_id)
        if producer is None:
            return None
        if header.producer_epoch < producer.epoch:
            raise KafkaError(
                INVALID_PRODUCER_EPOCH,
                f"producer {header.producer_id} epoch {header.producer_epoch} is fenced "
                f"by epoch {producer.epoch}",
            )
        if header.producer_epoch > producer.epoch:
            if header.base_sequence != 0:
                raise KafkaError(
                    OUT_OF_ORDER_SEQUENCE_NUMBER,
                    f"a new epoch must start at sequence 0, not {header.base_sequence}",
                )
            return None
        last = _last_sequence(header)
        for first_sequence, last_sequence, base_offset in producer.batches:
            if (first_sequence, last_sequence) == (header.base_sequence, last):
                return base_offset
        if producer.batches:
            expected = (producer.batches[-1][1] + 1) % _SEQUENCE_WRAP
            if header.base_sequence != expected:
                raise KafkaError(
                    OUT_OF_ORDER_SEQUENCE_NUMBER,
                    f"producer {header.producer_id} sent sequence {header.base_sequence}, "
                    f"expected {expected}",
                )
        return None

    def record(self, header: BatchHeader, base_offset: int) -> None:
        """Remember a batch that was just appended at `base_offset`."""
        if header.producer_id < 0:
            return
        producer = self._producers.get(header.producer_id)
        if producer is None or producer.epoch != header.producer_epoch:
            producer = _Producer(header.producer_epoch)
            self._producers[header.producer_id] = producer
        self._producers.move_to_end(header.producer_id)
        producer.batches.append((header.base_sequence, _last_sequence(header), base_offset))
        if len(self._producers) > _MAX_PRODUCERS:
            self._producers.popitem(last=False)

    def observe(self, header: BatchHeader) -> None:
        """Rebuild state from a stored batch (recovery), whose header carries its offset.

        Transaction markers carry no sequence number and are skipped.
        """
        if not header.attributes & CONTROL:
            self.record(header, header.base_offset)
