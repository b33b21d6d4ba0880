"""The HTTP/1.1 server over real sockets: keep-alive, pipelining, streaming, limits, bad input."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from ksqlmv.config import BasicAuth, Secret
from ksqlmv.errors import ConfigError
from ksqlmv.http import (
    BasicAuthGuard,
    Limits,
    Request,
    Response,
    Router,
    StreamingResponse,
    json_response,
    parse_credentials,
)

Serve = Callable[..., "object"]


def _app(stream_closed: threading.Event | None = None) -> Router:
    router = Router()

    @router.route("GET", "/")
    async def root(request: Request) -> Response:
        return json_response({})

    @router.route("POST", "/echo")
    async def echo(request: Request) -> Response:
        return json_response({"got": request.json(), "query": request.query})

    @router.route("GET", "/items/{name}")
    async def item(request: Request) -> Response:
        return json_response({"name": request.path_params["name"]})

    @router.route("GET", "/slow/{ms}")
    async def slow(request: Request) -> Response:
        await asyncio.sleep(int(request.path_params["ms"]) / 1000)
        return json_response({"slept": int(request.path_params["ms"])})

    @router.route("GET", "/stream/{n}")
    async def stream(request: Request) -> StreamingResponse:
        count = int(request.path_params["n"])

        async def chunks() -> AsyncIterator[bytes]:
            try:
                for i in range(count):
                    yield f"row {i}\n".encode()
                    await asyncio.sleep(0.01)
            finally:
                if stream_closed is not None:
                    stream_closed.set()

        return StreamingResponse(chunks(), content_type="text/plain")

    @router.route("GET", "/endless")
    async def endless(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            try:
                while True:
                    yield b"tick\n"
                    await asyncio.sleep(0.01)
            finally:
                if stream_closed is not None:
                    stream_closed.set()

        return StreamingResponse(chunks())

    @router.route("GET", "/boom")
    async def boom(request: Request) -> Response:
        raise RuntimeError("a bug in a handler")

    return router


def test_keep_alive_serves_many_requests_on_one_connection(serve: Serve) -> None:
    server = serve(_app())
    with httpx.Client(base_url=server.url) as client:
        for i in range(50):
            response = client.get(f"/items/n{i}")
            assert response.json() == {"name": f"n{i}"}
        assert len(server.server.connections) == 1
    assert response.headers["content-type"] == "application/json"


def test_pipelined_requests_are_answered_in_order(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    # The first request is the slowest: answers must still come back in request order.
    raw.send(
        b"GET /slow/60 HTTP/1.1\r\nHost: t\r\n\r\n"
        b"GET /slow/1 HTTP/1.1\r\nHost: t\r\n\r\n"
        b"GET /items/third HTTP/1.1\r\nHost: t\r\n\r\n"
    )
    bodies = [raw.response()[2] for _ in range(3)]
    assert bodies == [b'{"slept":60}', b'{"slept":1}', b'{"name":"third"}']
    raw.close()


def test_streaming_response_is_chunked(serve: Serve) -> None:
    server = serve(_app())
    with (
        httpx.Client(base_url=server.url) as client,
        client.stream("GET", "/stream/5") as response,
    ):
        assert response.headers["transfer-encoding"] == "chunked"
        assert "content-length" not in response.headers
        text = "".join(response.iter_text())
    assert text == "".join(f"row {i}\n" for i in range(5))


def test_connection_is_reused_after_a_stream(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(b"GET /stream/3 HTTP/1.1\r\nHost: t\r\n\r\n")
    raw.send(b"GET /items/after HTTP/1.1\r\nHost: t\r\n\r\n")
    status, _, body = raw.response()
    assert (status, body) == (200, b"row 0\nrow 1\nrow 2\n")
    assert raw.response()[2] == b'{"name":"after"}'
    raw.close()


def test_client_leaving_mid_stream_closes_the_stream(serve: Serve) -> None:
    closed = threading.Event()
    server = serve(_app(closed))
    raw = server.raw()
    raw.send(b"GET /endless HTTP/1.1\r\nHost: t\r\n\r\n")
    raw.sock.recv(100)
    raw.close()
    assert closed.wait(5), "the stream's generator was never closed"
    # And the server goes on serving.
    assert httpx.get(f"{server.url}/items/x").json() == {"name": "x"}


@pytest.mark.parametrize(
    "garbage",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"\x00\x01\x02\x03\r\n\r\n",
    ],
)
def test_malformed_request_gets_400_and_the_server_keeps_running(
    serve: Serve, garbage: bytes
) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(garbage)
    status, headers, _ = raw.response()
    assert status == 400
    assert headers["connection"] == "close"
    assert raw.closed_by_peer()
    assert httpx.get(f"{server.url}/").status_code == 200


def test_requests_before_a_malformed_one_are_still_answered(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(b"GET /slow/30 HTTP/1.1\r\nHost: t\r\n\r\nNONSENSE\r\n\r\n")
    assert raw.response()[2] == b'{"slept":30}'
    assert raw.response()[0] == 400
    assert raw.closed_by_peer()


def test_body_over_the_limit_is_413(serve: Serve) -> None:
    server = serve(_app(), Limits(max_body_bytes=1000))
    response = httpx.post(f"{server.url}/echo", content=b"x" * 5000)
    assert response.status_code == 413
    # Just under the limit still goes through.
    assert httpx.post(f"{server.url}/echo", json="y" * 900).status_code == 200


def test_chunked_body_over_the_limit_is_413(serve: Serve) -> None:
    server = serve(_app(), Limits(max_body_bytes=1000))
    raw = server.raw()
    chunk = b"x" * 800
    raw.send(
        b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n%s\r\n" % (len(chunk), chunk) * 2
        + b"0\r\n\r\n"
    )
    assert raw.response()[0] == 413


def test_headers_over_the_limit_are_431(serve: Serve) -> None:
    server = serve(_app(), Limits(max_header_bytes=2000))
    response = httpx.get(f"{server.url}/", headers={"X-Big": "v" * 5000})
    assert response.status_code == 431


def test_malformed_json_body_is_a_clear_400(serve: Serve) -> None:
    server = serve(_app())
    response = httpx.post(f"{server.url}/echo", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["error_code"] == 400
    assert "JSON" in response.json()["message"]


def test_unhandled_handler_error_is_500_and_connection_survives(serve: Serve) -> None:
    server = serve(_app())
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/boom").status_code == 500
        assert client.get("/").status_code == 200


def test_not_found_and_method_not_allowed(serve: Serve) -> None:
    server = serve(_app())
    with httpx.Client(base_url=server.url) as client:
        missing = client.get("/nowhere")
        assert (missing.status_code, missing.json()["error_code"]) == (404, 404)
        wrong = client.delete("/")
        assert wrong.status_code == 405
        assert wrong.headers["allow"] == "GET"


def test_query_and_percent_encoded_segments_reach_the_handler(serve: Serve) -> None:
    server = serve(_app())
    with httpx.Client(base_url=server.url) as client:
        assert client.get("/items/a%2Fb").json() == {"name": "a/b"}
        echoed = client.post("/echo?normalize=False&x=1&x=2", json={"k": "é"}).json()
    assert echoed == {"got": {"k": "é"}, "query": {"normalize": ["False"], "x": ["1", "2"]}}


def test_head_gets_headers_without_body(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(b"HEAD /items/x HTTP/1.1\r\nHost: t\r\n\r\n")
    raw.send(b"GET /items/next HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = raw.response(expect_body=False)
    assert (status, headers["content-length"], body) == (200, "12", b"")
    assert raw.response()[2] == b'{"name":"next"}'
    raw.close()


def test_http10_closes_after_the_response(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(b"GET /items/old HTTP/1.0\r\n\r\n")
    status, headers, body = raw.response()
    assert (status, body, headers["connection"]) == (200, b'{"name":"old"}', "close")
    assert raw.closed_by_peer()


def test_expect_100_continue(serve: Serve) -> None:
    server = serve(_app())
    raw = server.raw()
    raw.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
    assert raw.response()[0] == 100
    raw.send(b"{}")
    assert raw.response()[2] == b'{"got":{},"query":{}}'
    raw.close()


def test_idle_keep_alive_connections_are_closed(serve: Serve) -> None:
    server = serve(_app(), Limits(keepalive_timeout=0.2))
    raw = server.raw()
    raw.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert raw.response()[0] == 200
    raw.sock.settimeout(3)
    started = time.monotonic()
    assert raw.closed_by_peer()
    assert time.monotonic() - started < 2.5


def test_many_concurrent_clients(serve: Serve) -> None:
    server = serve(_app())

    async def one_client(n: int) -> list[int]:
        async with httpx.AsyncClient(base_url=server.url) as client:
            return [(await client.get(f"/items/{n}-{i}")).status_code for i in range(20)]

    async def all_clients() -> list[list[int]]:
        return await asyncio.gather(*(one_client(n) for n in range(8)))

    results = asyncio.run(all_clients())
    assert results == [[200] * 20] * 8


# -- basic authentication ----------------------------------------------------------------------

CREDENTIALS = BasicAuth("alice", Secret("s3cr:et"))


@pytest.mark.parametrize(
    ("auth", "status"),
    [
        (None, 401),
        (("alice", "wrong"), 401),
        (("bob", "s3cr:et"), 401),
        (("alice", "s3cr:et"), 200),
    ],
)
def test_basic_auth(serve: Serve, auth: tuple[str, str] | None, status: int) -> None:
    server = serve(BasicAuthGuard(_app(), CREDENTIALS, realm="registry"))
    response = httpx.get(f"{server.url}/", auth=auth)
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"] == 'Basic realm="registry"'
        assert response.json() == {"error_code": 401, "message": "Unauthorized"}


@pytest.mark.parametrize(
    "header", ["Bearer abc", "Basic !!!notbase64", "Basic", "basic YWxpY2U6d3Jvbmc="]
)
def test_basic_auth_rejects_malformed_headers(serve: Serve, header: str) -> None:
    server = serve(BasicAuthGuard(_app(), CREDENTIALS))
    assert httpx.get(f"{server.url}/", headers={"Authorization": header}).status_code == 401


@pytest.mark.parametrize(
    ("text", "expected"),
    [("u:pw1", ("u", "pw1")), ("u:p:q9", ("u", "p:q9")), ("", None), ("u", None), (":p", None)],
)
def test_parse_credentials(text: str, expected: tuple[str, str] | None) -> None:
    if expected is None:
        with pytest.raises(ConfigError, match="user:password"):
            parse_credentials(text)
    else:
        credentials = parse_credentials(text)
        assert credentials.as_tuple() == expected
        assert expected[1] not in repr(credentials)
