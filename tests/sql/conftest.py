"""Fixtures for the front-end tests: ksqlDB's test corpus, read statement by statement.

The corpus lives outside the repository (KSQLDB_TESTS, default ../shared/ksqldb-tests next to the
checkout) and is read at run time; tests that need it skip when it is absent.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from ksqlmv.engine.testing.jsonc import strip_comments

_DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "ksqldb-tests"
CORPUS = Path(os.environ.get("KSQLDB_TESTS", _DEFAULT_CORPUS))
JSON_FOLDERS = ("query-validation-tests", "rest-query-validation-tests")
_PARSE_ERROR_TYPES = ("ParseFailedException",)
_SYNTAX_WORDS = ("Syntax Error", "Syntax error")


@dataclass(frozen=True)
class CorpusCase:
    """One test case of the corpus: its statements, and whether ksqlDB fails to parse them."""

    source: str
    name: str
    statements: tuple[str, ...]
    test_statements: bool = False
    parse_error: bool = False
    message: str = ""


def _expects_parse_error(expected: dict[str, object] | None) -> tuple[bool, str]:
    if not expected:
        return False, ""
    kind = str(expected.get("type", ""))
    message = str(expected.get("message") or "")
    is_parse = kind.endswith(_PARSE_ERROR_TYPES) or any(word in message for word in _SYNTAX_WORDS)
    return is_parse, message


def _json_cases(path: Path) -> list[CorpusCase]:
    data = json.loads(strip_comments(path.read_text()))
    cases = []
    for test in data.get("tests", []):
        formats = test.get("format") or ["JSON"]
        statements = tuple(s.replace("{FORMAT}", formats[0]) for s in test["statements"])
        parse_error, message = _expects_parse_error(
            test.get("expectedException") or test.get("expectedError")
        )
        cases.append(
            CorpusCase(
                f"{path.parent.name}/{path.name}",
                test["name"],
                statements,
                False,
                parse_error,
                message,
            )
        )
    return cases


_TEST_MARK = re.compile(r"^--@test:\s*(.*)$", re.MULTILINE)


def _sql_test_cases(path: Path) -> list[CorpusCase]:
    text = path.read_text()
    marks = list(_TEST_MARK.finditer(text))
    cases = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        body = text[mark.end() : end]
        error = re.search(r"^--@expected\.error:\s*(\S+)", body, re.MULTILINE)
        message = re.search(r"^--@expected\.message:\s*(.*)$", body, re.MULTILINE)
        parse_error, text_message = _expects_parse_error(
            {"type": error.group(1), "message": message.group(1) if message else ""}
            if error
            else None
        )
        cases.append(
            CorpusCase(
                f"sql-tests/{path.name}", mark.group(1), (body,), True, parse_error, text_message
            )
        )
    return cases


def load_corpus(root: Path = CORPUS) -> list[CorpusCase]:
    """Every case of the corpus under `root` that carries KSQL statements."""
    cases: list[CorpusCase] = []
    for folder in JSON_FOLDERS:
        for path in sorted((root / folder).glob("*.json")):
            cases.extend(_json_cases(path))
    for path in sorted((root / "sql-tests").rglob("*.sql")):
        cases.extend(_sql_test_cases(path))
    for path in sorted((root / "test-runner").rglob("statements.sql")):
        rel = path.relative_to(root).parent
        cases.append(CorpusCase(str(rel), rel.name, (path.read_text(),)))
    return cases


@pytest.fixture(scope="session")
def corpus() -> list[CorpusCase]:
    """The corpus cases, or a skip when the corpus folder is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"ksqlDB test corpus not found at {CORPUS}")
    return load_corpus()
