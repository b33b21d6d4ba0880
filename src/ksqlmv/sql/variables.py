"""Variable substitution: `${name}` references replaced by the values DEFINE gave them.

The rules are ksqlDB's (0.14+):

* Names ignore case. An undefined variable is left as written (the parser then reports it).
* Inside a string literal, `${name}` becomes the value with its single quotes doubled, so
  `'${topic}'` is a string holding the value.
* Elsewhere `${name}` stands for a literal or a name. A value that is a quoted string, a number
  or a boolean is a literal (a quoted value keeps its quotes: `DEFINE s = '''x''';` makes
  `${s}` the string `'x'`); any other value must be a valid identifier, optionally quoted, and
  is inserted as written.
* `$${name}` is an escape for the text `${name}`.
* Comments and quoted identifiers are left alone.

The caller keeps the variables: it applies `DEFINE`/`UNDEFINE` statements as it meets them (the
server per request or session, the migrations tool per file), calling `substitute_variables` on
each statement's text before parsing it. `parse_with_variables` does exactly that for a script.

>>> substitute_variables("CREATE STREAM ${name} WITH (kafka_topic='${name}_t', partitions=${n});",
...                      {"NAME": "orders", "n": "3"})
"CREATE STREAM orders WITH (kafka_topic='orders_t', partitions=3);"
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ksqlmv.errors import ParseError
from ksqlmv.sql import ast
from ksqlmv.sql.lexer import tokenize
from ksqlmv.sql.parser import parse
from ksqlmv.sql.splitter import split_statements
from ksqlmv.sql.tokens import Token, TokenType

__all__ = ["parse_with_variables", "substitute_variables"]

_IN_STRING = re.compile(r"(\$?)\$\{([^}]*)\}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_@]*")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def substitute_variables(text: str, variables: Mapping[str, str]) -> str:
    """`text` with every defined `${name}` replaced; raises ParseError for unusable values."""
    if "${" not in text:
        return text
    values = {name.upper(): value for name, value in variables.items()}
    out: list[str] = []
    position = 0
    tokens = tokenize(text)
    for index, token in enumerate(tokens):
        if token.type is TokenType.STRING:
            replaced = _IN_STRING.sub(lambda match: _in_string(match, values), token.text)
        elif token.type is TokenType.VARIABLE:
            previous = tokens[index - 1] if index else None
            if previous is not None and previous.text == "$" and previous.end == token.start:
                out.append(text[position : previous.start])  # `$${x}`: keep `${x}` as text
                position = token.start
                continue
            replaced = _outside_string(token, values)
        else:
            continue
        out.append(text[position : token.start])
        out.append(replaced)
        position = token.end
    out.append(text[position:])
    return "".join(out)


def parse_with_variables(
    text: str, variables: Mapping[str, str], *, test_statements: bool = False
) -> tuple[list[ast.Statement], dict[str, str]]:
    """Parse a script statement by statement, each with the variables in force where it stands.

    A DEFINE or UNDEFINE changes the variables for the statements after it, as in a ksqlDB
    request or CLI session. Returns the statements (with `text` as substituted) and the variables
    in force at the end; `variables` itself is not changed. Errors point into `text`.
    """
    current = dict(variables)
    statements: list[ast.Statement] = []
    for piece in split_statements(text):
        # Padding keeps the positions the parser reports relative to the whole script.
        padding = "\n" * (piece.line - 1) + " " * (piece.column - 1)
        substituted = substitute_variables(padding + piece.text, current)
        for statement in parse(substituted, test_statements=test_statements):
            if isinstance(statement, ast.DefineVariable):
                _forget(current, statement.name)
                current[statement.name] = statement.value
            elif isinstance(statement, ast.UndefineVariable):
                _forget(current, statement.name)
            statements.append(statement)
    return statements, current


def _forget(variables: dict[str, str], name: str) -> None:
    for existing in [key for key in variables if key.upper() == name.upper()]:
        del variables[existing]


def _in_string(match: re.Match[str], values: Mapping[str, str]) -> str:
    escaped, name = match.groups()
    if escaped:
        return match.group()[1:]
    value = values.get(name.upper())
    return match.group() if value is None else _sanitize(value)


def _outside_string(token: Token, values: Mapping[str, str]) -> str:
    value = values.get(token.value.upper())
    if value is None:
        return token.text
    if _is_literal(value):
        return _sanitize(value) if value.startswith("'") else value
    unquoted = value[1:-1] if len(value) > 1 and value[0] == value[-1] in '`"' else value
    if not _IDENTIFIER.fullmatch(unquoted):
        raise ParseError(
            f"Illegal argument at Line: {token.line}, Col: {token.column}. Identifier names "
            "cannot start with '@' and may only contain alphanumeric values and '_'.",
            token.line,
            token.column,
        )
    return value


def _is_literal(value: str) -> bool:
    if len(value) > 1 and value[0] == value[-1] == "'":
        return True
    return value.lower() in ("true", "false") or _NUMBER.fullmatch(value) is not None


def _sanitize(value: str) -> str:
    """The value with its single quotes escaped; a quoted value keeps its outer quotes."""
    if len(value) > 1 and value[0] == value[-1] == "'":
        return "'" + value[1:-1].replace("''", "'").replace("'", "''") + "'"
    return value.replace("'", "''")
