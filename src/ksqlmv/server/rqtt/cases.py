"""rest-query-validation-test (RQTT) files: cases with the REST responses they expect.

An RQTT file has the shape of a query-validation-test file (`statements`, `inputs`, `outputs`,
`topics`, `properties`, `format`) plus, per case, `responses` (one per statement: `{"admin":
{...}}` for what `/ksql` answers, `{"query": [...]}` for a `/query` answer in the StreamedRow
format) or `expectedError` (`{"type", "message", "status"}`), and optionally `inputConditions`
and `outputConditions`. The common part loads through the query-validation loader; the REST part
is read here. A file is an RQTT file when one of its cases has `responses` or `expectedError`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ksqlmv.engine.testing.cases import TestCase, load_qtt_file
from ksqlmv.engine.testing.executor import skip_reason
from ksqlmv.engine.testing.jsonc import load_jsonc
from ksqlmv.errors import ValidationError

__all__ = ["ExpectedRestError", "RestCase", "is_rest_file", "load_rest_file"]

_SCALABLE = re.compile(r"scalable-push", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ExpectedRestError:
    """What the last statement's error response must be."""

    type: str
    message: str
    status: int | None


@dataclass(frozen=True, slots=True)
class RestCase:
    """One RQTT case: the query-validation part and the REST expectations."""

    case: TestCase
    responses: tuple[dict[str, Any], ...]
    expected_error: ExpectedRestError | None
    wait_for_push_query: bool = False
    verify_order: bool = False
    proto_pull: bool = False

    @property
    def file(self) -> str:
        """The file the case comes from."""
        return self.case.file

    @property
    def name(self) -> str:
        """The case's name (with its format, when expanded)."""
        return self.case.name

    def skip_reason(self) -> str | None:
        """Why the case is not run, or None."""
        if _SCALABLE.search(self.file):
            return "scalable push queries depend on ksqlDB internals"
        if self.proto_pull:
            return "needs the PROTOBUF format"
        return skip_reason(self.case)


def is_rest_file(path: Path) -> bool:
    """Whether `path` holds RQTT cases (a case with `responses` or `expectedError`)."""
    if not path.is_file() or path.suffix != ".json":
        return False
    if "rest-query-validation" in str(path):
        return True
    try:
        document = load_jsonc(path)
    except (ValueError, OSError):
        return False
    tests = document.get("tests") if isinstance(document, dict) else None
    return isinstance(tests, list) and any(
        isinstance(t, dict) and ("responses" in t or "expectedError" in t) for t in tests
    )


def _expansions(node: dict[str, Any]) -> int:
    return len(node.get("format") or [None]) * len(node.get("config") or [None])


def load_rest_file(path: Path) -> list[RestCase]:
    """Every case of an RQTT file, expanded like query-validation cases."""
    document = load_jsonc(path)
    if not isinstance(document, dict) or not isinstance(document.get("tests"), list):
        raise ValidationError(f"{path}: expected an object with a 'tests' list")
    cases = iter(load_qtt_file(path))
    loaded: list[RestCase] = []
    for node in document["tests"]:
        expected = node.get("expectedError")
        error = (
            ExpectedRestError(
                str(expected.get("type", "")),
                str(expected.get("message", "")),
                int(expected["status"]) if expected.get("status") is not None else None,
            )
            if isinstance(expected, dict)
            else None
        )
        conditions = node.get("inputConditions") or {}
        outputs = node.get("outputConditions") or {}
        formats = list(node.get("format") or [None])
        for index in range(_expansions(node)):
            case = next(cases)
            responses = tuple(node.get("responses") or ())
            fmt = formats[index % len(formats)]
            if fmt is not None:
                responses = tuple(_substitute(r, "{FORMAT}", fmt) for r in responses)
            loaded.append(
                RestCase(
                    dataclasses.replace(case, file=str(path.name)),
                    responses,
                    error,
                    bool(conditions.get("waitForActivePushQuery")),
                    bool(outputs.get("verifyOrder")),
                    bool(node.get("testPullWithProtoFormat")),
                )
            )
    return loaded


def _substitute(value: Any, placeholder: str, replacement: str) -> Any:
    if isinstance(value, str):
        return value.replace(placeholder, replacement)
    if isinstance(value, list):
        return [_substitute(v, placeholder, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, placeholder, replacement) for k, v in value.items()}
    return value
