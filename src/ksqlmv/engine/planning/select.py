"""The SELECT list: star expansion, generated column names and AST normalisation.

ksqlDB names an unaliased select item after the column it references (prefixed with its source
alias when that column name exists in more than one source of a join), after the field of a
struct dereference, or `KSQL_COL_n` otherwise, skipping numbers the source schemas already use.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ksqlmv.sql.ast import expressions as e
from ksqlmv.sql.ast.base import Expression, Node

__all__ = ["AliasGenerator", "SelectSource", "qualify", "rewrite"]

_NUMBERED = re.compile(r"(?P<name>.*?)?(?:_(?P<number>\d+))?")


@dataclass(frozen=True, slots=True)
class SelectSource:
    """A source as the SELECT list sees it: its alias and its column names in `*` order."""

    alias: str
    star_columns: tuple[str, ...]
    all_columns: frozenset[str]


class AliasGenerator:
    """Generated names that do not clash with the columns of the query's sources."""

    def __init__(self, column_names: Iterable[str]) -> None:
        self._used: dict[str, set[int]] = {}
        for name in column_names:
            match = _NUMBERED.fullmatch(name)
            assert match is not None
            base = match.group("name") or ""
            number = int(match.group("number")) if match.group("number") else 0
            self._used.setdefault(base, set()).add(number)
        self._next: dict[str, int] = {}

    def _next_name(self, prefix: str, drop_zero: bool) -> str:
        used = self._used.get(prefix, set())
        index = self._next.get(prefix, 0)
        while index in used:
            index += 1
        self._next[prefix] = index + 1
        return prefix if (index == 0 and drop_zero) else f"{prefix}_{index}"

    def ksql_col(self) -> str:
        """The next `KSQL_COL_n`."""
        return self._next_name("KSQL_COL", False)

    def field_alias(self, field_name: str) -> str:
        """A name for a struct field: the field's name, numbered if it was used already."""
        match = _NUMBERED.fullmatch(field_name)
        assert match is not None
        base = match.group("name") or ""
        return self._next_name(base, True)

    def alias_for(self, expression: Expression) -> str:
        """The generated name of an unaliased non-column select expression."""
        if isinstance(expression, e.Dereference):
            return self.field_alias(expression.field)
        return self.ksql_col()


def rewrite(node: Node, fn: Callable[[Node], Node | None]) -> Node:
    """`node` with every sub-node `fn` maps to a new node replaced (bottom-up otherwise)."""
    replaced = fn(node)
    if replaced is not None:
        return replaced
    changes: dict[str, object] = {}
    for item in dataclasses.fields(node):
        if not item.compare:
            continue
        value = getattr(node, item.name)
        if isinstance(value, Node):
            new = rewrite(value, fn)
            if new is not value:
                changes[item.name] = new
        elif isinstance(value, tuple) and any(isinstance(v, Node | tuple) for v in value):
            new_tuple = tuple(_rewrite_any(v, fn) for v in value)
            if any(a is not b for a, b in zip(new_tuple, value, strict=True)):
                changes[item.name] = new_tuple
    if not changes:
        return node
    return dataclasses.replace(node, **changes)  # type: ignore[arg-type]


def _rewrite_any(value: object, fn: Callable[[Node], Node | None]) -> object:
    if isinstance(value, Node):
        return rewrite(value, fn)
    if isinstance(value, tuple):
        return tuple(_rewrite_any(v, fn) for v in value)
    return value


def qualify(expression: Expression, owner: Callable[[str], str | None]) -> Expression:
    """`expression` with unqualified column references qualified by `owner(name)`.

    Lambda variables are left alone; references `owner` cannot place stay unqualified.
    """

    def visit(node: Node) -> Node | None:
        if isinstance(node, e.ColumnRef) and node.source is None:
            alias = owner(node.name)
            if alias is not None:
                return dataclasses.replace(node, source=alias)
        return None

    result = rewrite(expression, visit)
    assert isinstance(result, Expression)
    return result
