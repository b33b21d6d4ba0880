"""The embedded Kafka broker: the wire protocol librdkafka and other clients speak, durably.

A single-node broker written on asyncio, with kio as the protocol codec. Record batches are kept
exactly as producers send them (offsets assigned, CRC checked, compression untouched) in segment
files with a sparse offset index per partition; an acknowledged append survives `kill -9` of the
broker (and, on topics with `flush.messages=1`, a machine crash: `acks=all` then waits for fsync);
topics, configs and committed offsets survive restarts; classic consumer groups rebalance;
transactions commit or abort atomically across partitions and consumed offsets, and
`read_committed` consumers read below the last stable offset; compacted topics are compacted and
delete-policy topics expire in the background.

Run it as a process (what `ksqlmv local` does)::

    python -m ksqlmv.broker --host 127.0.0.1 --port 9092 --data-dir .ksqlmv/broker

or in-process with `Broker(BrokerConfig(...))`. Modules:

```
_protocol     framing, kio glue, supported API versions
records       RecordBatch v2 header, CRC, offset stamping;  compression  codecs (read side)
segment       one segment file + sparse index;  log  a partition's segments, HWM, reads
flusher       group-commit fsync thread;  producers  idempotent sequence state
catalog       topics and meta.json;  topic_config  Kafka's topic configs;  offsets  commits
groups        classic group coordinator;  cleaner  retention and compaction
transactions  transaction coordinator;  txn_log  its durable state;  txn_partition  LSO, aborts
core          state + background tasks;  server  connections, ordering, dispatch
api_*         request handlers by family;  broker  the Broker facade;  __main__  the process
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ksqlmv.broker.broker import Broker as Broker
    from ksqlmv.broker.config import BrokerConfig as BrokerConfig

__all__ = ["Broker", "BrokerConfig"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `python -m ksqlmv.broker` can set up the process (see
    # __main__) before kio loads.
    if name == "Broker":
        from ksqlmv.broker.broker import Broker

        return Broker
    if name == "BrokerConfig":
        from ksqlmv.broker.config import BrokerConfig

        return BrokerConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
