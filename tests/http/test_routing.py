"""The route table: raw-path matching, percent-decoded placeholders, 404 and 405."""

from __future__ import annotations

import asyncio

import pytest

from ksqlmv.errors import HttpError
from ksqlmv.http import Request, Response, Router, json_response


async def _named(request: Request) -> Response:
    return json_response({"params": request.path_params})


def _router() -> Router:
    router = Router()
    for method, pattern in [
        ("GET", "/"),
        ("GET", "/subjects"),
        ("GET", "/subjects/{subject}/versions"),
        ("POST", "/subjects/{subject}/versions"),
        ("GET", "/subjects/{subject}/versions/{version}"),
        ("GET", "/subjects/{subject}/versions/{version}/schema"),
        ("GET", "/schemas/types"),
        ("GET", "/schemas/ids/{id}"),
    ]:
        router.add(method, pattern, _named)
    return router


ROUTES = [
    # (method, raw path, expected pattern params or an error status)
    ("GET", "/", {}),
    ("GET", "/subjects", {}),
    ("GET", "/subjects/", {}),
    ("GET", "/subjects/orders-value/versions", {"subject": "orders-value"}),
    ("POST", "/subjects/orders-value/versions", {"subject": "orders-value"}),
    ("GET", "/subjects/a%2Fb/versions", {"subject": "a/b"}),
    ("GET", "/subjects/a%2Fb/versions/latest", {"subject": "a/b", "version": "latest"}),
    ("GET", "/subjects/caf%C3%A9/versions/1/schema", {"subject": "café", "version": "1"}),
    ("GET", "/subjects/with%20space/versions", {"subject": "with space"}),
    ("GET", "/schemas/types", {}),
    ("GET", "/schemas/ids/7", {"id": "7"}),
    ("GET", "/subjects/a/b/versions", 404),
    ("GET", "/nothing", 404),
    ("GET", "/schemas/ids", 404),
    ("DELETE", "/subjects/x/versions", 405),
    ("PUT", "/", 405),
]


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES)
def test_resolve(method: str, path: str, expected: dict[str, str] | int) -> None:
    router = _router()
    if isinstance(expected, int):
        with pytest.raises(HttpError) as caught:
            router.resolve(method, path)
        assert caught.value.status == expected
    else:
        handler, params = router.resolve(method, path)
        assert handler is _named
        assert params == expected


def test_method_not_allowed_lists_the_allowed_methods() -> None:
    with pytest.raises(HttpError) as caught:
        _router().resolve("DELETE", "/subjects/s/versions")
    assert dict(caught.value.headers) == {"Allow": "GET, POST"}


def test_router_renders_errors_through_its_error_handler() -> None:
    def render(request: Request, error: Exception) -> Response:
        assert isinstance(error, HttpError)
        return json_response({"code": error.status * 100}, error.status)

    router = Router(render)
    response = asyncio.run(router(Request("GET", "/missing")))
    assert isinstance(response, Response)
    assert (response.status, response.body) == (404, b'{"code":40400}')


def test_unexpected_handler_error_is_a_500_and_not_raised() -> None:
    router = Router()

    async def broken(request: Request) -> Response:
        raise RuntimeError("bug")

    router.add("GET", "/boom", broken)
    response = asyncio.run(router(Request("GET", "/boom")))
    assert isinstance(response, Response)
    assert response.status == 500
    assert b'"error_code":500' in response.body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("normalize=True", True),
        ("normalize=true", True),
        ("normalize=TRUE", True),
        ("normalize=False", False),
        ("normalize=false", False),
        ("normalize=", False),
        ("normalize=yes", False),
        ("other=True", False),
    ],
)
def test_query_booleans_are_case_insensitive(query: str, expected: bool) -> None:
    assert Request("GET", "/", query).query_bool("normalize") is expected


def test_pattern_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="must start with"):
        Router().add("GET", "relative", _named)
