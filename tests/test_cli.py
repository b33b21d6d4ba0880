"""The `ksqlmv` command: its subcommands, their help, and how errors reach the user."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from ksqlmv.cli import cli

SUBCOMMANDS = ["local", "migrate", "simulate", "dashboard", "demo", "test", "bench"]


def test_help_lists_every_subcommand() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = {
        line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()
    }
    assert listed == set(SUBCOMMANDS)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert name in result.output.splitlines()[0]


def test_console_entry_point_and_module_agree() -> None:
    via_module = subprocess.run(
        [sys.executable, "-m", "ksqlmv", "--help"], capture_output=True, text=True, check=True
    )
    assert "migrate" in via_module.stdout
    version = subprocess.run(
        [sys.executable, "-m", "ksqlmv", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("ksqlmv, version ")


def test_unknown_subcommand_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output
