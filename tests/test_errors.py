"""The exception tree: one root, exit codes per family, one-line messages in the CLI."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from ksqlmv import errors
from ksqlmv.cli import cli

FAMILY_EXIT_CODES = {
    errors.KsqlmvError: 1,
    errors.ConfigError: 2,
    errors.ValidationError: 3,
    errors.SqlError: 4,
    errors.StatementError: 4,
    errors.ServiceUnavailableError: 5,
    errors.AuthenticationError: 6,
}


def test_every_public_error_descends_from_the_root() -> None:
    for name in errors.__all__:
        error_class = getattr(errors, name)
        assert issubclass(error_class, errors.KsqlmvError), name


def test_the_docstring_draws_every_error() -> None:
    assert errors.__doc__ is not None
    for name in errors.__all__:
        assert name in errors.__doc__, f"{name} missing from the tree in errors.py"


@pytest.mark.parametrize(("error_class", "code"), FAMILY_EXIT_CODES.items())
def test_family_exit_codes(error_class: type[errors.KsqlmvError], code: int) -> None:
    assert error_class.exit_code == code


def test_parse_error_names_line_and_column() -> None:
    error = errors.ParseError("mismatched input 'FORM' expecting 'FROM'", line=3, column=14)
    assert str(error) == "line 3:14: mismatched input 'FORM' expecting 'FROM'"
    assert (error.line, error.column) == (3, 14)
    assert error.exit_code == 4


@pytest.mark.parametrize(("error_class", "code"), FAMILY_EXIT_CODES.items())
def test_cli_turns_errors_into_one_line_and_exit_code(
    error_class: type[errors.KsqlmvError], code: int
) -> None:
    @click.command("explode")
    def explode() -> None:
        raise error_class("the thing failed")

    cli.add_command(explode)
    try:
        result = CliRunner().invoke(cli, ["explode"])
    finally:
        cli.commands.pop("explode")
    assert result.exit_code == code
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == ["Error: the thing failed"]
