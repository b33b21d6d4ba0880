"""A migration file's statements: split, checked, variables substituted, each given its action.

This is ksql-migrations' "parse pass", run on a whole file before any of it is sent:

- the file is cut at `;` (quotes and comments respected); text after the last `;` is an error;
- statements starting with SELECT, DESCRIBE, EXPLAIN, PRINT, SHOW, LIST or RUN SCRIPT are
  refused, as are the test-only ASSERT VALUES / ASSERT STREAM|TABLE forms;
- `--define name=value` variables, then each file's DEFINE/UNDEFINE, are substituted into
  later statements (`${name}`); SET/UNSET change the properties sent with later statements;
  all four stay local to the file and are not sent to the server themselves;
- INSERT INTO ... VALUES with literal values becomes a row for `/inserts-stream` (ksql-migrations
  sends it through its client's insertInto); other INSERT VALUES statements run on `/ksql`.

Errors name the file, line and column: file line = statement start line + line within the
statement - 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from ksqlmv.client import quote_identifier
from ksqlmv.errors import MigrationStatementError, ParseError
from ksqlmv.sql import ast, parse_with_variables, split_statements

__all__ = ["Action", "PreparedStatement", "prepare_file", "prepare_text"]

REFUSED_FIRST_WORDS = ("SELECT", "DESCRIBE", "EXPLAIN", "PRINT", "SHOW", "LIST")
_PLAIN_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_SYSTEM_COLUMNS = frozenset({"ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"})
_TEST_ONLY = (ast.AssertValues, ast.AssertTombstone, ast.AssertStream, ast.AssertTable)


class Action(Enum):
    """What the runner does with a statement."""

    EXECUTE = "execute"
    """Send it to `/ksql` with the file's current properties."""
    INSERT = "insert"
    """Send its row to `/inserts-stream`."""
    SET = "set"
    UNSET = "unset"
    DEFINE = "define"
    UNDEFINE = "undefine"


@dataclass(frozen=True, slots=True)
class PreparedStatement:
    """One statement of a file, ready to run."""

    index: int
    """1-based position in the file."""
    line: int
    column: int
    text: str
    """The statement after variable substitution, as it is sent."""
    action: Action
    statement: ast.Statement = field(repr=False)
    properties: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The SET properties in force for this statement."""
    target: str | None = None
    """For INSERT: the target, as `/inserts-stream` takes it."""
    row: Mapping[str, Any] | None = None
    """For INSERT: column name (as `/inserts-stream` takes it) to JSON value."""

    @property
    def summary(self) -> str:
        """The statement's first line, shortened, for progress output."""
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first if len(first) <= 80 else first[:77] + "..."

    @property
    def sent(self) -> bool:
        """True when the statement goes to the server (not a SET/DEFINE kept by the tool)."""
        return self.action in (Action.EXECUTE, Action.INSERT)


def prepare_file(path: Path, text: str, defines: Mapping[str, str]) -> list[PreparedStatement]:
    """Split, check and prepare every statement of a migration file.

    Raises `MigrationStatementError` (file, line, column) for the first statement that cannot run.
    """
    return prepare_text(text, defines, path=path)


def prepare_text(
    text: str, defines: Mapping[str, str], *, path: Path | None = None
) -> list[PreparedStatement]:
    """`prepare_file` for text that may not come from a file (`path` only names it in errors)."""
    where = path or Path("<text>")
    try:
        split_statements(text, allow_unterminated=False)
        statements, _ = parse_with_variables(text, defines, test_statements=True)
    except ParseError as error:
        raise MigrationStatementError(
            _reason(error.reason), path=where, line=error.line, column=error.column
        ) from None
    properties: dict[str, str] = {}
    prepared: list[PreparedStatement] = []
    for index, statement in enumerate(statements, start=1):
        _refuse_unsupported(statement, where)
        action = _ACTIONS.get(type(statement), Action.EXECUTE)
        target, row = None, None
        if isinstance(statement, ast.InsertValues):
            target, row = _insert_row(statement)
            if row is None:
                action = Action.EXECUTE
        prepared.append(
            PreparedStatement(
                index,
                statement.line,
                statement.column,
                statement.text,
                action,
                statement,
                dict(properties),
                target,
                row,
            )
        )
        if isinstance(statement, ast.SetProperty):
            properties[statement.name] = statement.value
        elif isinstance(statement, ast.UnsetProperty):
            properties.pop(statement.name, None)
    return prepared


def _refuse_unsupported(statement: ast.Statement, path: Path) -> None:
    """ksql-migrations' rule: refuse by the first word, then the test-only statements."""
    words = statement.text.upper().split(maxsplit=2)
    if words and words[0] in REFUSED_FIRST_WORDS:
        raise _error(f"'{words[0]}' statements are not supported.", statement, path)
    if words[:2] == ["RUN", "SCRIPT"] or isinstance(statement, ast.RunScript):
        raise _error("'RUN SCRIPT' statements are not supported.", statement, path)
    if isinstance(statement, (*_TEST_ONLY, ast.Query)):
        raise _error(
            f"'{type(statement).__name__}' statements are only for test files, not migrations.",
            statement,
            path,
        )


_ACTIONS: dict[type[ast.Statement], Action] = {
    ast.SetProperty: Action.SET,
    ast.UnsetProperty: Action.UNSET,
    ast.DefineVariable: Action.DEFINE,
    ast.UndefineVariable: Action.UNDEFINE,
    ast.InsertValues: Action.INSERT,
}


# ----------------------------------------------------------------------------- INSERT VALUES rows


class _NotLiteral(Exception):
    """The value needs the server to evaluate it."""


def _insert_row(statement: ast.InsertValues) -> tuple[str, dict[str, Any] | None]:
    """The quoted target and the row, or no row when the statement must run on `/ksql`.

    Without a column list the server knows the column order; system columns such as ROWTIME are
    ignored by `/inserts-stream`; non-literal values need evaluating: these run as statements.
    """
    target = _api_name(statement.target)
    columns = statement.columns
    if not columns or len(columns) != len(statement.values):
        return target, None
    if any(column.upper() in _SYSTEM_COLUMNS for column in columns):
        return target, None
    try:
        row = {
            _api_name(column): _json_value(value)
            for column, value in zip(columns, statement.values, strict=True)
        }
    except _NotLiteral:
        return target, None
    return target, row


def _api_name(name: str) -> str:
    """A name as `/inserts-stream` reads it: upper-case names as they are (the server upper-cases
    unquoted names), any other back-quoted so its case survives."""
    return name if _PLAIN_NAME.fullmatch(name) else quote_identifier(name)


def _json_value(node: ast.Expression) -> Any:
    convert = _LITERALS.get(type(node))
    if convert is None:
        raise _NotLiteral
    return convert(node)


def _negated(node: Any) -> Any:
    value = _json_value(node.operand)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _NotLiteral
    return -value if node.sign is ast.UnarySign.MINUS else value


def _map_value(node: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in node.entries:
        converted = _json_value(key)
        if not isinstance(converted, str):
            raise _NotLiteral  # JSON object keys are strings
        result[converted] = _json_value(value)
    return result


_LITERALS: dict[type[ast.Expression], Callable[[Any], Any]] = {
    ast.NullLiteral: lambda _: None,
    ast.BooleanLiteral: lambda node: node.value,
    ast.IntegerLiteral: lambda node: node.value,
    ast.LongLiteral: lambda node: node.value,
    ast.DecimalLiteral: lambda node: node.value,
    ast.DoubleLiteral: lambda node: node.value,
    ast.StringLiteral: lambda node: node.value,
    ast.ArithmeticUnary: _negated,
    ast.CreateArray: lambda node: [_json_value(item) for item in node.items],
    ast.CreateMap: _map_value,
    ast.CreateStruct: lambda node: {f.name: _json_value(f.value) for f in node.fields},
}


# ------------------------------------------------------------------------------------------ errors


def _error(message: str, statement: ast.Statement, path: Path) -> MigrationStatementError:
    """An error at the statement's start, located in the file."""
    return MigrationStatementError(
        message, path=path, line=statement.line, column=statement.column, statement=statement.text
    )


def _reason(reason: str) -> str:
    if "does not end with" in reason:
        return "Unmatched command at end of file; missing semicolon"
    if reason.startswith("unclosed"):
        return f"Invalid sql - {reason}"
    return reason
