"""The embedded Schema Registry's speed: registering, then looking up by id and by subject.

Starts an embedded broker (or uses `--bootstrap-servers`) and `python -m ksqlmv.registry` in its
own process, then drives it from 8 keep-alive connections. Each run registers 1,000 distinct
schemas (100 subjects x 10 BACKWARD-compatible versions, each write acknowledged by the broker),
looks each one up by id (`GET /schemas/ids/{id}`, what a deserializer does) and by subject
(`POST /subjects/{subject}`, what a serializer without auto-registration does). The reference is
`GET /` on the same server: the HTTP layer alone, so the ratio is what the registry's own work
costs. Figures are medians over the runs; results go to bench/results/registry.json.

    .venv/bin/python bench/registry.py [--runs 5] [--bootstrap-servers HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "registry.json"
CLIENTS = 8
SUBJECTS = 100
VERSIONS = 10


class Connection:
    """One keep-alive HTTP/1.1 connection with a minimal client: no library overhead measured."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\n"
        if body is not None:
            head += "Content-Type: application/vnd.schemaregistry.v1+json\r\n"
        head += f"Content-Length: {len(payload)}\r\n\r\n"
        self.writer.write(head.encode() + payload)
        response_head = await self.reader.readuntil(b"\r\n\r\n")
        start = response_head.lower().index(b"content-length:") + 15
        length = int(response_head[start : response_head.index(b"\r\n", start)])
        return int(response_head[9:12]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def drive(port: int, requests: list[tuple[str, str, Any]]) -> tuple[float, list[float]]:
    """Send `requests` over CLIENTS connections; returns wall seconds and each latency."""
    connections = [await Connection.open(port) for _ in range(CLIENTS)]
    latencies: list[float] = []
    queue = iter(requests)

    async def worker(connection: Connection) -> None:
        for method, path, body in queue:
            started = time.perf_counter()
            status, answer = await connection.request(method, path, body)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{method} {path}: {status} {answer[:200]!r}")

    started = time.perf_counter()
    await asyncio.gather(*(worker(connection) for connection in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return elapsed, latencies


def schema(run: int, subject: int, version: int) -> str:
    fields = [{"name": "id", "type": "string"}]
    fields += [{"name": f"f{n}", "type": "long", "default": 0} for n in range(version)]
    return json.dumps({"type": "record", "name": f"Bench{run}x{subject}", "fields": fields})


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def one_run(port: int, run: int) -> dict[str, tuple[float, float]]:
    """Requests per second and p99 latency (ms) of each phase of one run."""
    registrations = [
        ("POST", f"/subjects/bench-{run}-{s}-value/versions", {"schema": schema(run, s, v)})
        for v in range(VERSIONS)
        for s in range(SUBJECTS)
    ]
    figures: dict[str, tuple[float, float]] = {}
    elapsed, latencies = await drive(port, registrations)
    figures["register"] = (len(registrations) / elapsed, p99(latencies) * 1000)
    connection = await Connection.open(port)
    ids = []
    for s in range(SUBJECTS):
        _, body = await connection.request("GET", f"/subjects/bench-{run}-{s}-value/versions")
        assert len(json.loads(body)) == VERSIONS
        for v in range(VERSIONS):
            _, body = await connection.request(
                "POST", f"/subjects/bench-{run}-{s}-value", {"schema": schema(run, s, v)}
            )
            ids.append(json.loads(body)["id"])
    connection.close()
    assert len(set(ids)) == SUBJECTS * VERSIONS, "every schema must have its own id"
    by_id = [("GET", f"/schemas/ids/{schema_id}", None) for schema_id in ids]
    elapsed, latencies = await drive(port, by_id)
    figures["lookup by id"] = (len(by_id) / elapsed, p99(latencies) * 1000)
    by_subject = [
        (method, path.removesuffix("/versions"), body) for method, path, body in registrations
    ]
    elapsed, latencies = await drive(port, by_subject)
    figures["lookup by subject"] = (len(by_subject) / elapsed, p99(latencies) * 1000)
    root = [("GET", "/", None)] * (SUBJECTS * VERSIONS * 3)
    elapsed, latencies = await drive(port, root)
    figures["GET / (reference)"] = (len(root) / elapsed, p99(latencies) * 1000)
    return figures


def _readiness(process: subprocess.Popen[str], what: str) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on " not in line:
        raise SystemExit(f"{what} did not start: {line!r}")
    return line.split("listening on ")[1].strip()


@contextmanager
def services(bootstrap_servers: str | None) -> Iterator[int]:
    """An embedded broker (unless one is given) and a registry process; yields the REST port."""
    started: list[subprocess.Popen[str]] = []
    python = sys.executable
    with tempfile.TemporaryDirectory() as data_dir:
        try:
            if bootstrap_servers is None:
                broker = subprocess.Popen(
                    [python, "-m", "ksqlmv.broker", "--host", "127.0.0.1", "--port", "0",
                     "--data-dir", data_dir],
                    stdout=subprocess.PIPE, text=True,
                )  # fmt: skip
                started.append(broker)
                bootstrap_servers = _readiness(broker, "the embedded broker")
            topic = f"_schemas_bench_{os.getpid()}"
            registry = subprocess.Popen(
                [python, "-m", "ksqlmv.registry", "--port", "0",
                 "--bootstrap-servers", bootstrap_servers, "--topic", topic],
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            started.append(registry)
            yield int(_readiness(registry, "the registry").rsplit(":", 1)[1])
        finally:
            for process in reversed(started):
                process.terminate()
                process.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bootstrap-servers", help="use this broker instead of an embedded one")
    args = parser.parse_args()

    runs: list[dict[str, tuple[float, float]]] = []
    with services(args.bootstrap_servers) as port:
        for run in range(args.runs):
            runs.append(asyncio.run(one_run(port, run)))
    count = SUBJECTS * VERSIONS
    print(f"{count} distinct schemas per run ({SUBJECTS} subjects x {VERSIONS} versions), "
          f"{CLIENTS} keep-alive clients, medians of {args.runs} runs")  # fmt: skip
    results: dict[str, Any] = {"schemas_per_run": count, "clients": CLIENTS, "runs": args.runs}
    reference = statistics.median(run["GET / (reference)"][0] for run in runs)
    for phase in runs[0]:
        rate = statistics.median(run[phase][0] for run in runs)
        tail = statistics.median(run[phase][1] for run in runs)
        ratio = rate / reference
        print(f"{phase:20s} {rate:10,.0f} requests/s   p99 {tail:7.2f} ms   x{ratio:.2f} of GET /")
        results[phase] = {"requests_per_s": round(rate), "p99_ms": round(tail, 3),
                          "ratio_to_reference": round(ratio, 3)}  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
