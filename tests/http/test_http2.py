"""HTTP/2 cleartext over real sockets: prior knowledge (httpx), Upgrade: h2c (curl), flow
control, resets, streamed request bodies and bad input, with the same handlers as HTTP/1.1."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import h2.config
import h2.connection
import h2.events
import httpx
import pytest

from ksqlmv.http import Http2Factory, Request, Response, Router, StreamingResponse, json_response
from ksqlmv.http.http1 import H2_PREFACE

Serve = Callable[..., Any]


def _app(closed: threading.Event | None = None) -> Router:
    router = Router()

    @router.route("GET", "/")
    async def root(request: Request) -> Response:
        return json_response({"version": request.http_version, "host": request.headers.get("host")})

    @router.route("POST", "/echo")
    async def echo(request: Request) -> Response:
        return json_response({"got": request.json(), "query": request.query})

    @router.route("GET", "/big/{n}")
    async def big(request: Request) -> Response:
        return Response(200, b"x" * int(request.path_params["n"]), "text/plain")

    @router.route("GET", "/stream/{n}")
    async def stream(request: Request) -> StreamingResponse:
        count = int(request.path_params["n"])

        async def chunks() -> AsyncIterator[bytes]:
            try:
                for i in range(count):
                    yield f"row {i}\n".encode()
                    await asyncio.sleep(0.01)
            finally:
                if closed is not None:
                    closed.set()

        return StreamingResponse(chunks(), content_type="text/plain")

    @router.route("POST", "/lines")
    async def lines(request: Request) -> StreamingResponse:
        # Acknowledges each line as it arrives when the body streams; else all at the end.
        async def acks() -> AsyncIterator[bytes]:
            if request.body_stream is None:
                for number, _ in enumerate(request.body.splitlines()):
                    yield b'{"seq":%d}\n' % number
                return
            buffer = b""
            number = 0
            async for chunk in request.body_stream:
                buffer += chunk
                while b"\n" in buffer:
                    _, buffer = buffer.split(b"\n", 1)
                    yield b'{"seq":%d}\n' % number
                    number += 1

        return StreamingResponse(acks(), content_type="application/json")

    return router


def _h2c(**options: Any) -> Http2Factory:
    return Http2Factory(streaming_paths=("/lines",), **options)


def test_prior_knowledge_with_httpx(serve: Serve) -> None:
    server = serve(_app(), h2c=_h2c())
    with httpx.Client(http1=False, http2=True, base_url=server.url) as client:
        response = client.get("/")
        assert response.http_version == "HTTP/2"
        assert response.json() == {"version": "2", "host": f"127.0.0.1:{server.port}"}
        echoed = client.post("/echo?a=1&a=2", json={"x": [1, "é"]})
        assert echoed.json() == {"got": {"x": [1, "é"]}, "query": {"a": ["1", "2"]}}
        assert client.get("/missing").status_code == 404


def test_http11_still_served_next_to_http2(serve: Serve) -> None:
    server = serve(_app(), h2c=_h2c())
    response = httpx.get(server.url + "/")
    assert (response.http_version, response.json()["version"]) == ("HTTP/1.1", "1.1")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize(
    ("flag", "path", "expected"),
    [
        ("--http2", "/", '"version":"2"'),
        ("--http2-prior-knowledge", "/", '"version":"2"'),
        ("--http2", "/stream/3", "row 0\nrow 1\nrow 2\n"),
    ],
)
def test_curl_upgrade_and_prior_knowledge(
    serve: Serve, flag: str, path: str, expected: str
) -> None:
    server = serve(_app(), h2c=_h2c())
    done = subprocess.run(
        ["curl", "-sS", "-i", flag, server.url + path],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    if "not support" in done.stderr or "Unsupported" in done.stderr:
        pytest.skip(f"this curl has no HTTP/2: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    if flag == "--http2":
        assert done.stdout.startswith("HTTP/1.1 101")
    assert "HTTP/2 200" in done.stdout
    assert expected in done.stdout


def test_flow_control_carries_bodies_larger_than_the_window(serve: Serve) -> None:
    server = serve(_app(), h2c=_h2c())
    size = 3 * 1024 * 1024  # far beyond the default 64 KiB windows
    with httpx.Client(http1=False, http2=True, base_url=server.url, timeout=30) as client:
        response = client.get(f"/big/{size}")
        assert len(response.content) == size
        streamed = client.get("/stream/20")
        assert streamed.text.splitlines() == [f"row {i}" for i in range(20)]


def test_concurrent_streams_on_one_connection(serve: Serve) -> None:
    server = serve(_app(), h2c=_h2c())

    async def main() -> list[Any]:
        async with httpx.AsyncClient(http1=False, http2=True, base_url=server.url) as client:
            calls = [client.post("/echo", json={"n": n}) for n in range(50)]
            return [r.json()["got"]["n"] for r in await asyncio.gather(*calls)]

    assert asyncio.run(main()) == list(range(50))
    assert len(server.server.connections) == 0  # every one was handed over to HTTP/2


class H2Client:
    """A bare HTTP/2 client on a socket, for what httpx will not do (interleaving, resets)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        self.sock.sendall(self.conn.data_to_send())
        self.events: list[Any] = []

    def request(self, method: str, path: str, body: bytes | None = None, end: bool = True) -> int:
        stream_id: int = self.conn.get_next_available_stream_id()
        headers = [(":method", method), (":path", path), (":scheme", "http"), (":authority", "t")]
        self.conn.send_headers(stream_id, headers, end_stream=end and body is None)
        if body is not None:
            self.conn.send_data(stream_id, body, end_stream=end)
        self.sock.sendall(self.conn.data_to_send())
        return stream_id

    def send(self, stream_id: int, body: bytes, end: bool = False) -> None:
        self.conn.send_data(stream_id, body, end_stream=end)
        self.sock.sendall(self.conn.data_to_send())

    def reset(self, stream_id: int) -> None:
        self.conn.reset_stream(stream_id)
        self.sock.sendall(self.conn.data_to_send())

    def read_until(self, predicate: Callable[[list[Any]], bool], timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"events so far: {self.events}")
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("server closed the connection")
            for event in self.conn.receive_data(data):
                self.events.append(event)
                if isinstance(event, h2.events.DataReceived):
                    self.conn.acknowledge_received_data(
                        event.flow_controlled_length, event.stream_id
                    )
            self.sock.sendall(self.conn.data_to_send())

    def body(self, stream_id: int) -> bytes:
        return b"".join(
            e.data
            for e in self.events
            if isinstance(e, h2.events.DataReceived) and e.stream_id == stream_id
        )

    def close(self) -> None:
        self.sock.close()


def _data_of(stream_id: int, text: bytes) -> Callable[[list[Any]], bool]:
    def seen(events: list[Any]) -> bool:
        got = b"".join(
            e.data
            for e in events
            if isinstance(e, h2.events.DataReceived) and e.stream_id == stream_id
        )
        return text in got

    return seen


def _ended(stream_id: int) -> Callable[[list[Any]], bool]:
    return lambda events: any(
        isinstance(e, h2.events.StreamEnded) and e.stream_id == stream_id for e in events
    )


def test_streamed_request_body_is_answered_while_it_arrives(serve: Serve) -> None:
    server = serve(_app(), h2c=_h2c())
    client = H2Client(server.port)
    try:
        stream_id = client.request("POST", "/lines", b'{"row":0}\n', end=False)
        client.read_until(_data_of(stream_id, b'{"seq":0}'))
        client.send(stream_id, b'{"row":1}\n{"ro')
        client.read_until(_data_of(stream_id, b'{"seq":1}'))
        assert b'"seq":2' not in client.body(stream_id)
        client.send(stream_id, b'w":2}\n', end=True)
        client.read_until(_ended(stream_id))
        assert client.body(stream_id) == b'{"seq":0}\n{"seq":1}\n{"seq":2}\n'
    finally:
        client.close()


def test_buffered_body_on_other_paths_and_over_http11(serve: Serve) -> None:
    server = serve(_app(), h2c=Http2Factory())  # no streaming paths: the body comes whole
    with httpx.Client(http1=False, http2=True, base_url=server.url) as client:
        response = client.post("/lines", content=b"a\nb\n")
        assert response.text == '{"seq":0}\n{"seq":1}\n'
    assert httpx.post(server.url + "/lines", content=b"a\n").text == '{"seq":0}\n'


def test_reset_stream_cancels_its_handler_only(serve: Serve) -> None:
    closed = threading.Event()
    server = serve(_app(closed), h2c=_h2c())
    client = H2Client(server.port)
    try:
        endless = client.request("GET", "/stream/100000")
        client.read_until(_data_of(endless, b"row 2\n"))
        client.reset(endless)
        assert closed.wait(5), "the reset stream's generator was not closed"
        other = client.request("GET", "/")
        client.read_until(_ended(other))
        assert json.loads(client.body(other))["version"] == "2"
    finally:
        client.close()


def test_dropped_connection_closes_streaming_handlers(serve: Serve) -> None:
    closed = threading.Event()
    server = serve(_app(closed), h2c=_h2c())
    client = H2Client(server.port)
    endless = client.request("GET", "/stream/100000")
    client.read_until(_data_of(endless, b"row 1\n"))
    client.close()
    assert closed.wait(5)


def test_body_over_the_limit_is_refused(serve: Serve) -> None:
    server = serve(_app(), h2c=_h2c(max_body_bytes=1000))
    with httpx.Client(http1=False, http2=True, base_url=server.url) as client:
        response = client.post("/echo", content=b"[" + b"1," * 2000 + b"1]")
        assert response.status_code == 413
        assert client.get("/").status_code == 200


def test_garbage_after_the_preface_closes_only_that_connection(serve: Serve) -> None:
    server = serve(_app(), h2c=_h2c())
    raw = server.raw()
    # a DATA frame on stream 0, which no stream can carry
    raw.send(H2_PREFACE + b"\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00")
    deadline = time.monotonic() + 5
    while not raw.closed_by_peer():  # reads the server's SETTINGS and GOAWAY, then the end
        assert time.monotonic() < deadline
    with httpx.Client(http1=False, http2=True, base_url=server.url) as client:
        assert client.get("/").status_code == 200


def test_closing_the_factory_says_goaway(serve: Serve) -> None:
    h2c = _h2c()
    server = serve(_app(), h2c=h2c)
    client = H2Client(server.port)
    try:
        ping = client.request("GET", "/")
        client.read_until(_ended(ping))
        asyncio.run_coroutine_threadsafe(h2c.close(grace=1), server.loop).result(5)
        client.read_until(
            lambda events: any(isinstance(e, h2.events.ConnectionTerminated) for e in events)
        )
    finally:
        client.close()
