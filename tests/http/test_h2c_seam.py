"""Where HTTP/2 cleartext plugs in: the connection hands itself over, handlers stay the same."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ksqlmv.http import App, Request, Response, Router, json_response
from ksqlmv.http.http1 import H2_PREFACE

Serve = Callable[..., Any]


class Recorder:
    """An h2c factory standing in for an HTTP/2 implementation: it records what it was handed
    and answers every byte it receives with `h2:` + the bytes, so the test can see the switch."""

    def __init__(self) -> None:
        self.handovers: list[tuple[bytes, Request | None]] = []

    def __call__(
        self, app: App, transport: asyncio.Transport, initial: bytes, upgrade: Request | None
    ) -> asyncio.Protocol:
        self.handovers.append((initial, upgrade))
        protocol = _Echo(transport)
        transport.set_protocol(protocol)
        protocol.data_received(initial)
        return protocol


class _Echo(asyncio.Protocol):
    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if data:
            self.transport.write(b"h2:" + data)


def _app() -> Router:
    router = Router()

    @router.route("GET", "/")
    async def root(request: Request) -> Response:
        return json_response({"protocol": "http/1.1"})

    return router


def test_prior_knowledge_preface_is_handed_over(serve: Serve) -> None:
    recorder = Recorder()
    server = serve(_app(), h2c=recorder)
    raw = server.raw()
    raw.send(H2_PREFACE + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
    received = b""
    while not received.endswith(b"\x00" * 5):
        received += raw.sock.recv(1024)
    assert received.startswith(b"h2:" + H2_PREFACE)
    assert recorder.handovers[0][1] is None
    assert server.server.connections == set()  # no longer an HTTP/1.1 connection


def test_upgrade_request_is_handed_over_with_the_request(serve: Serve) -> None:
    recorder = Recorder()
    server = serve(_app(), h2c=recorder)
    raw = server.raw()
    raw.send(
        b"GET /?x=1 HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n" + H2_PREFACE
    )
    received = b""
    while len(received) < 3 + len(H2_PREFACE):
        received += raw.sock.recv(1024)
    assert received == b"h2:" + H2_PREFACE
    ((initial, upgrade),) = recorder.handovers
    assert initial == H2_PREFACE
    assert upgrade is not None
    assert (upgrade.method, upgrade.raw_path, upgrade.query) == ("GET", "/", {"x": ["1"]})
    assert upgrade.headers["http2-settings"] == "AAMAAABkAARAAAAAAAIAAAAA"


def test_without_h2c_an_upgrade_request_is_plain_http11(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(
        b"GET / HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        b"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"
    )
    for _ in range(2):
        status, _, body = raw.response()
        assert (status, body) == (200, b'{"protocol":"http/1.1"}')


def test_without_h2c_a_preface_is_refused(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(H2_PREFACE)
    assert raw.response()[0] == 400
    assert raw.closed_by_peer()
