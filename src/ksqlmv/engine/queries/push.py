"""Push queries: `SELECT ... EMIT CHANGES`, a transient pipeline whose rows go to subscribers.

A push query plans like any SELECT (filters, projections, aggregations, joins, windows) and runs
its operators on the engine's thread, fed from its source topics:

* from `latest` (the default), every topic is read by one shared **tap**: a single consumer that
  hands each batch to every pipeline reading that topic, however many push queries there are;
* a stateless query (no aggregation, join or suppression) is also **shared whole**: a second
  subscriber to the same statement with the same properties joins the running pipeline instead
  of building another (its rows are the same, from the moment it joins);
* from `earliest`, a query gets a feed of its own that starts at the beginning of its topics.

Rows reach a `Subscriber` as `(values, tombstone)`. A table's deleted key comes as a tombstone
row built like ksqlDB's TombstoneFactory: the projected key columns (and window bounds) carry the
key, every other column is NULL. A stream's NULL values are not rows.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ksqlmv.engine.drivers.feeds import Dispatch, Record, Start, TopicFeed, offset_reset
from ksqlmv.engine.planning.nodes import AggregateNode, JoinNode, SuppressNode, walk_plan
from ksqlmv.engine.queries.pull import plan_transient
from ksqlmv.engine.queries.results import ResultSchema, describe, tombstone_maker
from ksqlmv.engine.queries.timestamps import rewrite_timestamps
from ksqlmv.engine.runtime.base import QueryContext, Row
from ksqlmv.engine.runtime.builder import QueryBuilder
from ksqlmv.engine.runtime.query import RunningQuery
from ksqlmv.sql.ast import query as q

if TYPE_CHECKING:
    from ksqlmv.engine.engine import KsqlEngine

__all__ = ["PushPipeline", "PushQueries", "Subscriber", "Subscription"]

log = logging.getLogger(__name__)


class Subscriber(Protocol):
    """Receives a push query's rows on the engine's thread."""

    def row(self, values: Row, tombstone: bool) -> None:
        """One result row (a table tombstone when `tombstone`)."""

    def end(self, error: str | None) -> None:
        """The query stopped on its own (`error` says why when it failed)."""


@dataclass(eq=False)
class Subscription:
    """One client's push query: its id, result schema and the pipeline it reads."""

    query_id: str
    schema: ResultSchema
    pipeline: PushPipeline
    subscriber: Subscriber
    sql: str = ""


@dataclass(eq=False)
class PushPipeline:
    """A running transient query and the subscriptions its rows go to."""

    key: tuple[Any, ...] | None
    running: RunningQuery
    schema: ResultSchema
    topics: tuple[str, ...]
    is_table: bool
    subscriptions: list[Subscription] = field(default_factory=list)
    feed: TopicFeed | None = None
    tombstone: Callable[[Any, Any], Row] | None = None

    def emit(self, key: Any, row: Row | None, ts: int, window: Any, headers: Any, old: Any) -> None:
        """The pipeline's output: fan each row out to every subscription."""
        if row is None:
            if not self.is_table or self.tombstone is None:
                return
            values = self.tombstone(key, window)
            tombstone = True
        else:
            values = row
            tombstone = False
        for subscription in list(self.subscriptions):
            subscription.subscriber.row(values, tombstone)

    def process(self, batch: list[Record]) -> None:
        """Run a batch of the pipeline's source records through it."""
        process = self.running.process
        for record in batch:
            process(*record)


class _Tap:
    """One consumer from `latest` on one topic, shared by every pipeline reading it."""

    def __init__(self, topic: str, kafka_config: dict[str, Any], dispatch: Dispatch) -> None:
        self.topic = topic
        self.pipelines: list[PushPipeline] = []
        self.feed = TopicFeed(
            kafka_config,
            [topic],
            self._deliver,
            dispatch=dispatch,
            start=Start.LATEST,
            name=f"push-tap-{topic}",
        )

    def _deliver(self, batch: list[Record]) -> None:
        for pipeline in list(self.pipelines):
            try:
                pipeline.process(batch)
            except Exception as error:
                log.exception("push query pipeline failed on %s", self.topic)
                for subscription in list(pipeline.subscriptions):
                    subscription.subscriber.end(f"Query failed: {error}")


class PushQueries:
    """Every running push query of one engine, with shared taps and pipelines.

    `kafka_config` reaches the broker; `dispatch` runs a callable on the engine's thread, where
    pipelines process records and subscribers receive rows.
    """

    def __init__(
        self, engine: KsqlEngine, kafka_config: dict[str, Any], dispatch: Dispatch
    ) -> None:
        self.engine = engine
        self.kafka_config = kafka_config
        self.dispatch = dispatch
        self.pipelines: dict[tuple[Any, ...], PushPipeline] = {}
        self.taps: dict[str, _Tap] = {}
        self.subscriptions: dict[str, Subscription] = {}

    def __len__(self) -> int:
        return len(self.subscriptions)

    def start(
        self,
        query: q.Query,
        config: dict[str, Any],
        query_id: str,
        subscriber: Subscriber,
        sql: str = "",
    ) -> Subscription:
        """Plan and start (or join) the pipeline of `query`; rows go to `subscriber`."""
        earliest = offset_reset(config) == "earliest"
        share_key = (sql.strip(), tuple(sorted((k, str(v)) for k, v in config.items())))
        pipeline = None if earliest else self.pipelines.get(share_key)
        if pipeline is None:
            pipeline = self._build(query, config, query_id, share_key, earliest)
        subscription = Subscription(query_id, pipeline.schema, pipeline, subscriber, sql)
        pipeline.subscriptions.append(subscription)
        self.subscriptions[query_id] = subscription
        return subscription

    def _build(
        self,
        query: q.Query,
        config: dict[str, Any],
        query_id: str,
        share_key: tuple[Any, ...],
        earliest: bool,
    ) -> PushPipeline:
        if query.where is not None:
            query = dataclasses.replace(query, where=rewrite_timestamps(query.where))
        planned = plan_transient(self.engine, query, config, query_id)
        schema, sources = describe(planned, pull=False)
        ctx = QueryContext(
            query_id=query_id,
            produce=self.engine.driver.produce,
            log=self.engine.processing_log,
            registry=self.engine.registry,
            properties=config,
        )
        holder: list[PushPipeline] = []
        running = QueryBuilder(ctx).build(
            planned.root, lambda *args: holder[0].emit(*args) if holder else None
        )
        stateful = any(
            isinstance(node, AggregateNode | JoinNode | SuppressNode)
            for node in walk_plan(planned.root)
        )
        shareable = not stateful and not earliest
        pipeline = PushPipeline(
            share_key if shareable else None,
            running,
            schema,
            tuple(running.source_topics),
            planned.kind.value == "TABLE",
            tombstone=tombstone_maker(sources),
        )
        holder.append(pipeline)
        if earliest:
            pipeline.feed = TopicFeed(
                self.kafka_config,
                pipeline.topics,
                pipeline.process,
                dispatch=self.dispatch,
                start=Start.EARLIEST,
                order_by_time=len(pipeline.topics) > 1,
                name=f"push-{query_id}",
            ).start()
        else:
            for topic in pipeline.topics:
                tap = self.taps.get(topic)
                if tap is None:
                    tap = self.taps[topic] = _Tap(topic, self.kafka_config, self.dispatch)
                    tap.pipelines.append(pipeline)
                    tap.feed.start()
                else:
                    tap.pipelines.append(pipeline)
        if pipeline.key is not None:
            self.pipelines[share_key] = pipeline
        return pipeline

    def stop(self, query_id: str) -> Subscription | None:
        """Stop one subscription; its pipeline (and taps) stop once nobody reads them."""
        subscription = self.subscriptions.pop(query_id, None)
        if subscription is None:
            return None
        pipeline = subscription.pipeline
        if subscription in pipeline.subscriptions:
            pipeline.subscriptions.remove(subscription)
        if pipeline.subscriptions:
            return subscription
        if pipeline.key is not None and self.pipelines.get(pipeline.key) is pipeline:
            del self.pipelines[pipeline.key]
        if pipeline.feed is not None:
            pipeline.feed.stop()
        for topic in pipeline.topics:
            tap = self.taps.get(topic)
            if tap is None:
                continue
            if pipeline in tap.pipelines:
                tap.pipelines.remove(pipeline)
            if not tap.pipelines:
                del self.taps[topic]
                tap.feed.stop()
        pipeline.running.close()
        return subscription

    def close(self) -> None:
        """Stop everything."""
        for query_id in list(self.subscriptions):
            self.stop(query_id)
