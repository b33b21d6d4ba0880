"""`ksqlmv simulate` on the command line: dry runs, determinism across processes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ksqlmv.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def simulate(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh process, with its own hash seed."""
    environment = {**os.environ, "PYTHONHASHSEED": str(abs(hash(args)) % 1000)}
    return subprocess.run(
        [sys.executable, "-m", "ksqlmv", "simulate", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )


def test_dry_run_with_a_seed_is_identical_run_after_run() -> None:
    first = simulate("shop", "--dry-run", "400", "--seed", "42")
    second = simulate("shop", "--dry-run", "400", "--seed", "42", "--producers-dir", "producers")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert len(lines) == 400
    assert len({json.loads(line)["topic"] for line in lines}) >= 5


def test_dry_run_lines_are_json_events() -> None:
    result = CliRunner().invoke(
        cli, ["simulate", "trading", "--dry-run", "5", "--seed", "1", "--producers-dir",
              str(ROOT / "producers"), "--start", "2025-06-02T13:30:00Z"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.output.splitlines()]
    assert len(events) == 5
    first = events[0]
    assert set(first) >= {"topic", "event", "key", "timestamp", "value"}
    assert first["topic"] == "trades" and first["key"] == "T0000000001"
    assert first["timestamp"] == 1748871000000
    assert list(first["value"]) == ["symbol", "price", "quantity", "side", "venue", "executed_at"]


def test_other_seeds_give_other_events() -> None:
    runner = CliRunner()
    base = ["simulate", "shop", "--dry-run", "200", "--producers-dir", str(ROOT / "producers")]
    one = runner.invoke(cli, [*base, "--seed", "1"]).output
    two = runner.invoke(cli, [*base, "--seed", "2"]).output
    assert one != two


def test_rate_changes_the_spacing_of_events() -> None:
    runner = CliRunner()
    base = ["simulate", "trading", "--dry-run", "2000", "--seed", "3", "--producers-dir",
            str(ROOT / "producers")]  # fmt: skip
    slow = [
        json.loads(line) for line in runner.invoke(cli, [*base, "--rate", "10"]).output.splitlines()
    ]
    fast = [
        json.loads(line)
        for line in runner.invoke(cli, [*base, "--rate", "1000"]).output.splitlines()
    ]
    span = lambda events: events[-1]["timestamp"] - events[0]["timestamp"]  # noqa: E731
    assert span(slow) > 50 * span(fast)


def test_unknown_scenario_exits_3_naming_the_known_ones() -> None:
    result = simulate("shopp", "--dry-run", "1")
    assert result.returncode == 3
    assert "unknown scenario 'shopp'" in result.stderr and "shop, trading" in result.stderr


def test_invalid_scenario_exits_3_naming_file_line_and_field(tmp_path: Path) -> None:
    text = (
        (ROOT / "producers" / "trading.yaml")
        .read_text()
        .replace("side: {options: [BUY, SELL]}", "side: {options: [BUY, SELL, HOLD]}")
        .replace("schemas: ../schemas", f"schemas: {ROOT / 'schemas'}")
    )
    (tmp_path / "broken.yaml").write_text(text)
    result = CliRunner().invoke(cli, ["simulate", str(tmp_path / "broken.yaml"), "--dry-run", "1"])
    assert result.exit_code == 3
    line = next(n for n, text in enumerate(text.splitlines(), 1) if "side:" in text)
    assert (
        f"{tmp_path / 'broken.yaml'}:{line}: events.trade.fields.side.options[2]: "
        "'HOLD' is not a symbol of TradeSide (BUY, SELL)"
    ) in result.output


BAD_FLAGS = [
    ("--rate", "0"),
    ("--count", "-1"),
    ("--duration", "-5"),
    ("--dry-run", "-1"),
    ("--start", "yesterday"),
    ("--timeout", "0"),
]


@pytest.mark.parametrize(("flag", "value"), BAD_FLAGS)
def test_bad_flags_are_usage_errors(flag: str, value: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "simulate",
            "shop",
            "--producers-dir",
            str(ROOT / "producers"),
            "--dry-run",
            "1",
            flag,
            value,
        ],
    )
    assert result.exit_code == 2, result.output
    assert flag in result.output
