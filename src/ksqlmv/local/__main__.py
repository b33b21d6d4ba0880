"""`python -m ksqlmv.local`: the same command as `ksqlmv local`, without the rest of the CLI.

`EmbeddedStack` starts the stack this way: it needs only the supervisor's imports, so it starts
faster and does not depend on every other subcommand importing cleanly.
"""

from __future__ import annotations

import sys

import click

from ksqlmv.errors import KsqlmvError
from ksqlmv.local.command import command

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run `ksqlmv local` with `argv`; a `KsqlmvError` becomes one line and its exit code."""
    try:
        command.main(args=argv, prog_name="ksqlmv local", standalone_mode=False)
    except KsqlmvError as error:
        click.echo(f"Error: {error}", err=True)
        return error.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
