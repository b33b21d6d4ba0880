"""Comparing REST responses with what an RQTT case expects, as ksqlDB's RestTestExecutor does.

Expected objects name only the fields to check; a field may carry a matcher after `|`
(`"queryId|starts_with": "transient_"`). Rows of a query response are compared as a multiset of
their `columns` (order is only checked when the case asks for it); everything else must be
equal. `{STATEMENT}` in an expected text stands for the statement the response belongs to.
Numbers compare by value (the server writes DECIMAL and DOUBLE as JSON numbers).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

__all__ = ["ResponseMismatch", "check_responses"]


class ResponseMismatch(AssertionError):
    """A response that is not what the case expects."""


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return ("list", tuple(_frozen(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return ("number", Decimal(str(value)).normalize())
    return value


def _equal(actual: Any, expected: Any) -> bool:
    return bool(_frozen(actual) == _frozen(expected))


def _match(
    actual: Any,
    expected: Any,
    path: str,
    statement: str,
    rows: tuple[Counter[Any], Counter[Any]],
    verify_order: bool,
) -> None:
    if not isinstance(expected, dict):
        if not _equal(actual, expected):
            raise ResponseMismatch(
                f"Response mismatch at {path}: expected {expected!r}, got {actual!r}"
            )
        return
    if not isinstance(actual, dict):
        raise ResponseMismatch(f"Response mismatch at {path}: expected an object, got {actual!r}")
    for raw_key, want in expected.items():
        key, _, operator = raw_key.partition("|")
        if key not in actual:
            raise ResponseMismatch(f"Response mismatch at {path}: no field {key!r} in {actual!r}")
        got = actual[key]
        if isinstance(want, str):
            want = want.replace("{STATEMENT}", statement)
        where = f"{path}->{key}"
        if isinstance(want, dict):
            _match(got, want, where, statement, rows, verify_order)
        elif operator.lower() == "starts_with":
            if not (isinstance(got, str) and isinstance(want, str) and got.startswith(want)):
                raise ResponseMismatch(
                    f"Response mismatch at {where}: {got!r} does not start with {want!r}"
                )
        elif not verify_order and "query" in where and "row" in where and key == "columns":
            rows[0][_frozen(got)] += 1
            rows[1][_frozen(want)] += 1
        elif not _equal(got, want):
            raise ResponseMismatch(f"Response mismatch at {where}: expected {want!r}, got {got!r}")


def check_responses(
    actual: list[tuple[str, Any]],
    expected: tuple[dict[str, Any], ...],
    statements: tuple[str, ...],
    verify_order: bool = False,
) -> None:
    """Raise `ResponseMismatch` unless each actual `(kind, payload)` fits its expectation."""
    if len(actual) < len(expected):
        raise ResponseMismatch(f"Not enough responses: expected {len(expected)}, got {len(actual)}")
    for index, wanted in enumerate(expected):
        if len(wanted) != 1:
            raise ResponseMismatch(f"responses[{index}] must have exactly one entry")
        kind, payload = next(iter(wanted.items()))
        got_kind, got = actual[index]
        statement = statements[index] if index < len(statements) else ""
        if kind != got_kind:
            raise ResponseMismatch(f"Expected {kind} response at {index}, got {got_kind}")
        rows: tuple[Counter[Any], Counter[Any]] = (Counter(), Counter())
        path = f"responses[{index}]->{kind}"
        if kind == "query":
            if len(got) != len(payload):
                raise ResponseMismatch(
                    f"row count mismatch at {path}.\nExpected: {payload}\nGot: {got}"
                )
            for position, (item, want) in enumerate(zip(got, payload, strict=True)):
                _match(item, want, f"{path}[{position}]", statement, rows, verify_order)
        else:
            _match(got, payload, path, statement, rows, verify_order)
        if rows[0] != rows[1]:
            raise ResponseMismatch(
                f"Rows differ at {path}: expected {dict(rows[1])}, got {dict(rows[0])}"
            )
