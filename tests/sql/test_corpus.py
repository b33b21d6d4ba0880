"""ksqlDB's own test corpus as the yardstick for the front end.

* Every statement of a case that ksqlDB accepts (or rejects only after parsing) parses.
* Every case ksqlDB rejects while parsing is rejected here too, with ksqlDB's message.
* Every statement that parses formats back to text that parses to an equal tree.
"""

from __future__ import annotations

from collections import Counter

import pytest

from ksqlmv.errors import ParseError
from ksqlmv.sql import ast
from ksqlmv.sql.formatter import format_sql
from ksqlmv.sql.parser import parse, parse_statement

pytestmark = pytest.mark.conformance

# Cases ksqlDB rejects while building its tree for reasons that are not grammar: the WITH
# properties are validated by the engine, which owns their meaning.
KNOWN_GAPS = {
    ("query-validation-tests/session-windows.json", "import table with invalid window size"),
}


def _parse_all(case: object) -> list[ast.Statement]:
    statements: list[ast.Statement] = []
    for text in case.statements:  # type: ignore[attr-defined]
        statements.extend(parse(text, test_statements=case.test_statements))  # type: ignore[attr-defined]
    return statements


def _expected_text(message: str) -> str:
    # The corpus appends the failing statement to some messages; that part is the runner's.
    return message.split("\nStatement:")[0]


def test_every_accepted_statement_parses(corpus: list) -> None:
    failures: Counter[str] = Counter()
    examples: dict[str, str] = {}
    parsed = 0
    for case in corpus:
        if case.parse_error:
            continue
        for text in case.statements:
            try:
                parsed += len(parse(text, test_statements=case.test_statements))
            except ParseError as error:
                # ksqlDB also rejects some statements while building its tree, with errors the
                # corpus files under other exception types: those must carry its message.
                if case.message and _expected_text(case.message) in str(error):
                    continue
                reason = error.reason.splitlines()[-1]
                failures[reason] += 1
                examples.setdefault(reason, f"{case.source} / {case.name}: {text[:200]}")
    assert parsed > 4000
    assert not failures, "\n".join(f"{n} x {r}\n    {examples[r]}" for r, n in failures.items())


def test_parse_errors_match_ksqldb(corpus: list) -> None:
    checked = 0
    mismatches = set()
    for case in corpus:
        if not case.parse_error:
            continue
        # ksqlDB's runner parses a case's statements as one text, one statement per line.
        text = "\n".join(case.statements)
        try:
            parse(text, test_statements=case.test_statements)
        except ParseError as error:
            if _expected_text(case.message) in str(error):
                checked += 1
                continue
        mismatches.add((case.source, case.name))
    assert checked >= 20
    assert mismatches == KNOWN_GAPS


@pytest.mark.parametrize("pretty", [False, True])
def test_corpus_round_trips(corpus: list, pretty: bool) -> None:
    count = 0
    for case in corpus:
        try:
            statements = _parse_all(case)
        except ParseError:
            continue
        for statement in statements:
            text = format_sql(statement, pretty=pretty)
            assert parse_statement(text, test_statements=case.test_statements) == statement, (
                f"{case.source} / {case.name}\n{statement.text}\n{text}"
            )
            count += 1
    assert count > 4000
