"""Sending a simulation to Kafka: Avro values, delivery reports, pacing, progress and stopping.

The same code runs against the real stack and the embedded one: confluent-kafka's `Producer`,
`AvroSerializer` and `SchemaRegistryClient`, configured from `ksqlmv.config.Settings`. Before the
first record, `run` gets the stack ready (see `prepare`): the broker and the registry answer, the
topics exist and the schemas are registered or known to be accepted.

Keys are UTF-8 strings (KAFKA format); values are Confluent wire-format Avro; the Kafka record
timestamp is the event time, which the streams read too (TIMESTAMP=...). Records are paced to
their arrival times unless pacing is off. Ctrl-C stops the run, flushes and returns the summary.

A run rides out restarts of the services: the producer is idempotent, so a batch sent again
after a broker restart is written once, and the first record of each schema version (whose
serializer asks the registry for the schema's id) waits for a restarting registry, as records
wait for a restarting broker, for at most the run's timeout.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaError, Producer
from confluent_kafka.admin import AdminClient
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from ksqlmv.config import Settings
from ksqlmv.errors import SerdeError, ServiceUnavailableError
from ksqlmv.simulate.engine import Event, Simulation
from ksqlmv.simulate.prepare import (
    AUTH_CODES,
    check_kafka,
    connect_registry,
    create_topics,
    register,
    register_schemas,
    registry_call,
)
from ksqlmv.simulate.progress import Display, Stats, Summary
from ksqlmv.simulate.scenario import Scenario
from ksqlmv.simulate.traffic import SpecError

__all__ = ["KAFKA_LOGGER", "RunOptions", "Stop", "producer_config", "run"]

KAFKA_LOGGER = "ksqlmv.simulate.librdkafka"
#: Seconds between health checks while producing.
_TICK = 0.5


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How long and how fast a run goes. `timeout` bounds each connection check and how long a
    record may wait for its acknowledgement (librdkafka's message.timeout.ms)."""

    seed: int
    start_ms: int
    rate: float | None = None
    count: int | None = None
    duration: float | None = None
    pacing: bool = True
    timeout: float = 10.0


class Stop:
    """Asks a run to stop after the record in hand: set it from a signal handler, a thread or a
    test. Unlike a KeyboardInterrupt, it never cuts a delivery report in half."""

    def __init__(self) -> None:
        self.requested = False

    def request(self) -> None:
        """Stop the run: it flushes and returns its summary."""
        self.requested = True


def run(
    scenario: Scenario,
    settings: Settings,
    options: RunOptions,
    display: Display | None = None,
    stop: Stop | None = None,
) -> Summary:
    """Produce `scenario` until its count or duration is reached, `stop` is requested or Ctrl-C
    is pressed; returns the summary."""
    display = display or Display()
    simulation = Simulation(
        scenario, seed=options.seed, start_ms=options.start_ms, rate=options.rate
    )
    logger = _kafka_logger(display)
    check = min(options.timeout, 5.0)
    admin_config: dict[str, Any] = {**settings.kafka_config(), "logger": logger}
    admin = AdminClient(admin_config)
    check_kafka(admin, settings, check)
    for warning in create_topics(admin, scenario, check):
        display.message(warning)
    with connect_registry(settings, check) as registry:
        ids = register_schemas(registry, scenario, settings.schema_registry_url)
        session = _Session(scenario, settings, options, display, registry, ids, logger)
        return session.produce(simulation, stop or Stop())


def _kafka_logger(display: Display) -> logging.Logger:
    """The logger librdkafka writes to: warnings and errors go through the display, throttled,
    unless the application has configured the logger itself."""
    logger = logging.getLogger(KAFKA_LOGGER)
    ours = [handler for handler in logger.handlers if isinstance(handler, _Throttled)]
    if ours:
        ours[0].display = display
    elif not logger.handlers:
        logger.addHandler(_Throttled(display))
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    return logger


class _Throttled(logging.Handler):
    """librdkafka repeats itself (a failed connection every second): one line per kind of
    message (its first word, such as FAIL) per minute is enough."""

    def __init__(self, display: Display) -> None:
        super().__init__()
        self.display = display
        self.shown: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        text, now = record.getMessage(), time.monotonic()
        kind = text.split(" ", 1)[0]
        if now - self.shown.get(kind, -60.0) >= 60.0:
            self.shown[kind] = now
            self.display.message(f"kafka: {text}")


def producer_config(settings: Settings, client_id: str, timeout: float) -> dict[str, Any]:
    """librdkafka settings of the simulator's producer: batches for throughput, each record
    written once even when an acknowledgement is lost and the batch is sent again (idempotence),
    and a record that cannot be delivered within `timeout` seconds fails instead of waiting five
    minutes."""
    return {
        **settings.kafka_config(),
        "client.id": client_id,
        "enable.idempotence": True,
        "linger.ms": 20,
        "batch.num.messages": 10_000,
        "queue.buffering.max.messages": 200_000,
        "message.timeout.ms": int(timeout * 1000),
        # The Java client's partitioner, so keys land where ksqlDB's own producers put them.
        "partitioner": "murmur2_random",
    }


class _Session:
    """One producing run: the producer, the serializers and the counters."""

    def __init__(
        self,
        scenario: Scenario,
        settings: Settings,
        options: RunOptions,
        display: Display,
        registry: SchemaRegistryClient,
        ids: dict[tuple[str, int], int],
        logger: logging.Logger,
    ) -> None:
        self.scenario, self.options, self.display = scenario, options, display
        self.settings, self.registry, self.ids = settings, registry, ids
        self.stats = Stats(scenario.topics)
        self.down_since: float | None = None
        self.fatal: str | None = None
        self.next_tick = time.monotonic() + _TICK
        self.next_refresh = time.monotonic() + display.every
        self.serializers: dict[tuple[str, int], Callable[[Any, Any], bytes | None]] = {}
        config = {
            **producer_config(settings, f"ksqlmv-simulate-{scenario.name}", options.timeout),
            "logger": logger,
            "error_cb": self._on_error,
            "on_delivery": self._delivery_callback(),
        }
        self.producer = Producer(config)

    def _delivery_callback(self) -> Callable[[Any, Any], None]:
        """librdkafka's report for every record: a closure, as it runs once per record."""
        topics = self.stats.topics

        def delivered(error: Any, message: Any) -> None:
            stats = topics[message.topic()]
            if error is None:
                stats.acked += 1
                self.down_since = None
            else:
                stats.failed += 1
                stats.last_error = error.str()

        return delivered

    def _on_error(self, error: KafkaError) -> None:
        if error.fatal():
            self.fatal = error.str()
        elif error.code() == KafkaError._ALL_BROKERS_DOWN and self.down_since is None:
            self.down_since = time.monotonic()
            self.display.message(f"kafka: {error.str()}")
        elif error.code() in AUTH_CODES:
            self.fatal = error.str()

    def _serializer(self, topic: str, index: int) -> Callable[[Any, Any], bytes | None]:
        spec = self.scenario.topics[topic]
        if (topic, index) not in self.ids:
            url = self.settings.schema_registry_url
            self.ids[(topic, index)] = register(self.registry, url, spec, index)
            self.display.message(
                f"{topic}: switched to {spec.versions[index].name} "
                f"(schema id {self.ids[(topic, index)]})"
            )
        serializer: Callable[[Any, Any], bytes | None] = AvroSerializer(
            self.registry,
            spec.versions[index].text,
            conf={"auto.register.schemas": True, "subject.name.strategy.type": "TOPIC"},
        )
        return serializer

    def _first_value(self, event: Event, context: SerializationContext) -> bytes | None:
        """The value of the first record of a schema version. Its serializer asks the registry
        for the schema's id (once per run), so the registry must answer: while it does not (it
        is restarting), wait and retry, as for the broker, for at most `timeout` seconds."""
        if event.value is None:
            return None  # a tombstone needs no schema: the next value brings the serializer
        topic, index = event.topic, event.schema
        url = self.settings.schema_registry_url
        deadline = time.monotonic() + self.options.timeout
        while True:
            try:
                serializer = self._serializer(topic, index)
                value: bytes | None = registry_call(
                    self.registry,
                    url,
                    f"the schema of {topic}",
                    functools.partial(_encode, serializer, event, context),
                )
            except ServiceUnavailableError:
                if time.monotonic() >= deadline:
                    raise
                self.producer.poll(0.25)  # deliveries go on meanwhile
                self._tick(time.monotonic())
                continue
            self.serializers[(topic, index)] = serializer
            return value

    def _health(self) -> None:
        if self.fatal is not None:
            raise ServiceUnavailableError(
                f"Kafka at {self.settings.bootstrap_servers}: {self.fatal}"
            )
        if (
            self.down_since is not None
            and time.monotonic() - self.down_since > self.options.timeout
        ):
            raise ServiceUnavailableError(
                f"lost Kafka at {self.settings.bootstrap_servers}: every broker has been down for "
                f"{self.options.timeout:g} s; {self._unacknowledged()} records are unacknowledged"
            )

    def _unacknowledged(self) -> int:
        return self.stats.total("sent") - self.stats.total("acked") - self.stats.total("failed")

    def produce(self, simulation: Simulation, stop: Stop) -> Summary:
        """The produce loop; always flushes, even on Ctrl-C, a stop request or an error."""
        options, stats = self.options, self.stats
        produce, poll = self.producer.produce, self.producer.poll
        contexts = {
            name: SerializationContext(name, MessageField.VALUE) for name in self.scenario.topics
        }
        counters, serializers = stats.topics, self.serializers
        limit = options.count if options.count is not None else -1
        began = time.monotonic()
        deadline = began + options.duration if options.duration is not None else float("inf")
        start_ms, pacing = options.start_ms, options.pacing
        sent, interrupted, failed = 0, False, True
        try:
            for event in simulation:
                if sent == limit:
                    break
                if stop.requested:
                    interrupted = True
                    break
                if pacing:
                    due = began + (event.arrival - start_ms) / 1000.0
                    now = time.monotonic()
                    while due > now and now < deadline and not stop.requested:
                        poll(min(due - now, 0.1))
                        now = time.monotonic()
                        self._tick(now)
                    if now >= deadline or stop.requested:
                        interrupted = stop.requested
                        break
                topic = event.topic
                serialize = serializers.get((topic, event.schema))
                if serialize is None:
                    value = self._first_value(event, contexts[topic])
                else:
                    value = _encode(serialize, event, contexts[topic])
                key = event.key.encode()
                while True:
                    try:
                        produce(topic, value, key, timestamp=event.timestamp)
                        break
                    except BufferError:  # the local queue is full: let deliveries drain it
                        poll(0.05)
                        self._tick(time.monotonic())
                counters[topic].sent += 1
                sent += 1
                if not sent & 255:
                    poll(0)
                    now = time.monotonic()
                    self._tick(now)
                    if now >= deadline:
                        break
            failed = False
        except KeyboardInterrupt:
            interrupted, failed = True, False
        except SpecError as error:  # a scenario function failed mid-run
            raise self.scenario.error([error]) from None
        finally:
            # After a failure, the error matters more than the records still in flight.
            self._flush(1.0 if failed else options.timeout + 1.0)
            self.display.close()
        return stats.summary(self.scenario.name, options.seed, interrupted)

    def _tick(self, now: float) -> None:
        """Between records: check the broker's health, refresh the display when it is due."""
        if now < self.next_tick:
            return
        self.next_tick = now + _TICK
        self._health()
        if now >= self.next_refresh:
            self.display.update(self.stats)
            self.next_refresh = now + self.display.every

    def _flush(self, timeout: float) -> None:
        try:
            left = self.producer.flush(timeout)
        except KeyboardInterrupt:
            left = len(self.producer)
        if left:
            self.display.message(f"{left} records were still waiting for an acknowledgement")


def _encode(
    serialize: Callable[[Any, Any], bytes | None], event: Event, context: SerializationContext
) -> bytes | None:
    """An event's value in the Avro wire format; SerdeError if it does not fit its schema."""
    try:
        return None if event.value is None else serialize(event.value, context)
    except (ValueError, TypeError) as error:
        raise SerdeError(f"{event.topic}: event {event.event!r} does not encode: {error}") from None
