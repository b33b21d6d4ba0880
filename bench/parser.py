"""The KSQL front end's speed: lexing, parsing and formatting real statements.

The workload is every statement of ksqlDB's query-validation tests (KSQLDB_TESTS, default
../shared/ksqldb-tests next to the checkout), or, without the corpus, the front end's own fixture
file. Each figure is the median of several runs. The reference is the lexer alone over the same
text: the ratio says how much parsing costs on top of reading the tokens. Results go to
bench/results/parser.json.

    .venv/bin/python bench/parser.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from ksqlmv.engine.testing.cases import load_qtt_file
from ksqlmv.errors import ParseError
from ksqlmv.sql import format_sql, parse
from ksqlmv.sql.lexer import tokenize

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "sql" / "fixtures" / "roundtrip.sql"
RESULTS = ROOT / "bench" / "results" / "parser.json"  # in the common shape ksqlmv bench reads
CORPUS = Path(os.environ.get("KSQLDB_TESTS", ROOT.parent / "shared" / "ksqldb-tests"))


def workload() -> tuple[str, list[str], int]:
    """The statements to time, where they come from, and how many ksqlDB rejects."""
    folder = CORPUS / "query-validation-tests"
    if not folder.is_dir():
        return str(FIXTURE), [FIXTURE.read_text()], 0
    texts: list[str] = []
    rejected = 0
    for path in sorted(folder.glob("*.json")):
        for case in load_qtt_file(path):
            if case.expected_error is not None:
                rejected += len(case.statements)
                continue
            texts.extend(case.statements)
    return str(folder), texts, rejected


def median_seconds(task: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        task()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    source, texts, rejected = workload()
    statements = []
    failed = 0
    for text in texts:
        try:
            statements.extend(parse(text))
        except ParseError:
            failed += 1
    tokens = sum(len(tokenize(text)) for text in texts)

    lex = median_seconds(lambda: [tokenize(text) for text in texts], args.runs)
    full = median_seconds(lambda: [parse(text) for text in texts if text], args.runs)
    fmt = median_seconds(lambda: [format_sql(node) for node in statements], args.runs)

    count = len(statements)
    print(f"workload: {source}: {len(texts)} texts, {count} statements, {tokens} tokens")
    print(f"  (cases expecting an error, not timed: {rejected} statements)")
    print(f"parsed without error: {len(texts) - failed} of {len(texts)} texts")
    print(f"lex:    {tokens / lex:12,.0f} tokens/s      {lex / count * 1e6:8.1f} us/statement")
    print(f"parse:  {count / full:12,.0f} statements/s  {full / count * 1e6:8.1f} us/statement")
    print(f"format: {count / fmt:12,.0f} statements/s  {fmt / count * 1e6:8.1f} us/statement")
    print(f"parse / lex time ratio: {full / lex:.2f} (lexing alone is the reference)")
    figures = [
        {"name": "lex", "value": round(tokens / lex), "unit": "tokens/s"},
        {"name": "parse", "value": round(count / full), "unit": "statements/s"},
        {"name": "format", "value": round(count / fmt), "unit": "statements/s"},
        {"name": "parse / lex time", "value": round(full / lex, 3), "unit": "x", "better": "lower"},
        {"name": "texts parsed", "value": len(texts) - failed, "unit": f"of {len(texts)}"},
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"workload": source, "figures": figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
