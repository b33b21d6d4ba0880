"""How fast `ksqlmv simulate shop` sends into the embedded stack, against a bare producer.

The figure is the highest sustained rate: the shop scenario unpaced for SECONDS (default 30),
records acknowledged per second, with generation, Avro encoding through `AvroSerializer` and
delivery reports included (target: 25,000 events/s). The reference, in the same run and against
the same broker, is a bare `Producer.produce` loop over records generated and encoded
beforehand, with the simulator's producer settings: the ratio says what generating and encoding
cost on top of handing bytes to librdkafka. Also shown, without Kafka and in CPU time:
generation alone, and generation with Avro encoding. Figures are medians over the runs; results
go to bench/results/simulate.json with the load average, since the machine's other work lowers
events/s.

    .venv/bin/python bench/simulate.py [--seconds 30] [--runs 1]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from ksqlmv.config import Settings
from ksqlmv.local.stack import EmbeddedStack
from ksqlmv.simulate import RunOptions, Simulation, load_scenario, run
from ksqlmv.simulate.producer import producer_config

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "simulate.json"
TARGET = 25_000
START = 1_735_689_600_000
PREPARED = 200_000


def encoded(
    scenario: Any, registry: SchemaRegistryClient, count: int
) -> list[tuple[str, bytes, bytes | None, int]]:
    """`count` shop events as (topic, key, value, timestamp), Avro-encoded with the registry."""
    serializers: dict[tuple[str, int], AvroSerializer] = {}
    contexts = {name: SerializationContext(name, MessageField.VALUE) for name in scenario.topics}
    records = []
    for event in itertools.islice(Simulation(scenario, seed=99, start_ms=START), count):
        key = (event.topic, event.schema)
        if key not in serializers:
            text = scenario.topics[event.topic].versions[event.schema].text
            serializers[key] = AvroSerializer(
                registry, text, conf={"subject.name.strategy.type": "TOPIC"}
            )
        value = (
            None if event.value is None else serializers[key](event.value, contexts[event.topic])
        )
        records.append((event.topic, event.key.encode(), value, event.timestamp))
    return records


def reference_rate(
    settings: Settings, records: list[tuple[str, bytes, bytes | None, int]], seconds: float
) -> float:
    """Acknowledged records per second of a bare produce loop over prepared records."""
    acknowledged = [0]

    def delivered(error: Any, message: Any) -> None:
        if error is None:
            acknowledged[0] += 1

    producer = Producer(
        {**producer_config(settings, "bench-reference", 10.0), "on_delivery": delivered}
    )
    produce, poll = producer.produce, producer.poll
    began = time.monotonic()
    deadline = began + seconds
    for sent, (topic, key, value, timestamp) in enumerate(itertools.cycle(records), 1):
        while True:
            try:
                produce(topic, value, key, timestamp=timestamp)
                break
            except BufferError:
                poll(0.05)
        if not sent & 255:
            poll(0)
            if time.monotonic() >= deadline:
                break
    producer.flush(30)
    return acknowledged[0] / (time.monotonic() - began)


def offline_rates(scenario: Any, registry: SchemaRegistryClient, count: int) -> tuple[float, float]:
    """Events per CPU second generated, and generated and encoded, without Kafka (CPU time, so
    that other work on the machine does not blur what the code costs)."""
    began = time.process_time()
    for _ in itertools.islice(Simulation(scenario, seed=5, start_ms=START), count):
        pass
    generated = count / (time.process_time() - began)
    began = time.process_time()
    encoded(scenario, registry, count)
    return generated, count / (time.process_time() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    scenario = load_scenario("shop", ROOT / "producers")

    simulated: list[float] = []
    reference: list[float] = []
    cpu_per_event: list[float] = []
    with EmbeddedStack(("broker", "registry")) as stack:
        settings = Settings(
            bootstrap_servers=stack.bootstrap_servers, schema_registry_url=stack.schema_registry_url
        )
        # One short run creates the topics and registers both schema versions.
        run(scenario, settings, RunOptions(seed=1, start_ms=START, count=12_000, pacing=False))
        with SchemaRegistryClient({"url": stack.schema_registry_url}) as registry:
            generated, encoded_rate = offline_rates(scenario, registry, 100_000)
            records = encoded(scenario, registry, PREPARED)
        load_before = os.getloadavg()[0]
        for number in range(args.runs):
            options = RunOptions(seed=number, start_ms=START, duration=args.seconds, pacing=False)
            cpu = time.process_time()
            summary = run(scenario, settings, options)
            cpu_per_event.append((time.process_time() - cpu) / summary.acknowledged * 1e6)
            simulated.append(summary.acknowledged / summary.elapsed)
            reference.append(reference_rate(settings, records, args.seconds))

    rate, bare = statistics.median(simulated), statistics.median(reference)
    results = {
        "scenario": "shop",
        "seconds": args.seconds,
        "runs": args.runs,
        "events_per_s": round(rate),
        "target_events_per_s": TARGET,
        "reference_events_per_s": round(bare),
        "ratio_to_reference": round(rate / bare, 3),
        "generation_events_per_cpu_s": round(generated),
        "generation_and_encoding_events_per_cpu_s": round(encoded_rate),
        # CPU of this process (librdkafka's threads included) per event sent by the simulator
        "simulator_cpu_us_per_event": round(statistics.median(cpu_per_event), 1),
        # the machine's other work while it ran (two cores here): a busy machine lowers events/s
        "load_average_before": round(load_before, 2),
    }
    print(f"shop into the embedded stack, unpaced, {args.seconds:g} s x {args.runs}:")
    print(f"  simulate:            {rate:10,.0f} events/s  (target {TARGET:,})")
    print(f"  bare produce loop:   {bare:10,.0f} events/s  (reference)")
    print(f"  ratio:               {rate / bare:10.3f}")
    print(f"  generation only:     {generated:10,.0f} events/CPU s  (no Kafka)")
    print(f"  + Avro encoding:     {encoded_rate:10,.0f} events/CPU s  (no Kafka)")
    print(f"  simulator CPU:       {results['simulator_cpu_us_per_event']:10.1f} us/event")
    print(f"  load average before: {load_before:10.2f}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
