"""SELECT: the select list, FROM with joins, WINDOW, WHERE, GROUP BY, PARTITION BY, HAVING, EMIT
and LIMIT, in the fixed order ksqlDB's grammar gives them.
"""

from __future__ import annotations

from collections.abc import Callable

from ksqlmv.errors import ParseError
from ksqlmv.sql import ast
from ksqlmv.sql.parser._expressions import ExpressionParser
from ksqlmv.sql.parser._primary import WINDOW_UNITS
from ksqlmv.sql.tokens import Token, TokenType

__all__ = ["QueryParser"]

_JOIN_TYPES = {
    "JOIN": ast.JoinType.INNER,
    "INNER": ast.JoinType.INNER,
    "LEFT": ast.JoinType.LEFT,
    "RIGHT": ast.JoinType.RIGHT,
    "FULL": ast.JoinType.OUTER,
}
_UNIT_NAMES = tuple(f"'{unit}'" for unit in sorted(WINDOW_UNITS))
# Words that could be a bare alias but here start the next clause: `FROM s EMIT CHANGES`.
_CLAUSE_PAIRS = {"EMIT": ("CHANGES", "FINAL"), "PARTITION": ("BY",), "GRACE": ("PERIOD",)}


class QueryParser(ExpressionParser):
    """Parses queries."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        super().__init__(tokens, text)
        self._sources: set[str] = set()

    def _parse_query(self, *, persistent: bool) -> ast.Query:
        start = self._expect_keyword("SELECT")
        items = [self._parse_select_item()]
        while self._match(TokenType.COMMA):
            items.append(self._parse_select_item())
        self._expect_keyword("FROM", "','")
        relation = self._parse_relation()
        window = self._parse_window() if self._match_keyword("WINDOW") else None
        where = self._parse_expression() if self._match_keyword("WHERE") else None
        group_by = partition_by = having = emit = limit = None
        if self._match_keyword("GROUP"):
            self._expect_keyword("BY")
            group_by = self._parse_grouping()
        if self._match_keyword("PARTITION"):
            self._expect_keyword("BY")
            partition_by = self._parse_grouping()
        if self._match_keyword("HAVING"):
            having = self._parse_expression()
        if self._match_keyword("EMIT"):
            if not self._at_keyword("CHANGES", "FINAL"):
                self._fail("'CHANGES'", "'FINAL'")
            emit = ast.OutputRefinement(self._advance().keyword)
        if self._at_keyword("LIMIT"):
            limit = self._parse_limit()
        return ast.Query(
            tuple(items),
            relation,
            window,
            where,
            group_by,
            partition_by,
            having,
            emit,
            limit,
            pull=emit is None and not persistent,
            line=start.line,
            column=start.column,
        )

    def _parse_limit(self) -> int:
        token = self._advance()
        return self._parse_integer(token.keyword or "LIMIT")

    def _parse_integer(self, purpose: str) -> int:
        token = self._token
        literal = self._parse_number()
        if not isinstance(literal, ast.IntegerLiteral | ast.LongLiteral):
            raise self._error(
                token, f"Failed to prepare statement: Value must be integer for command: {purpose}"
            )
        return literal.value

    # ----------------------------------------------------------------------------- select list

    def _parse_select_item(self) -> ast.SelectItem:
        token = self._token
        if self._match(TokenType.ASTERISK):
            return ast.AllColumns(line=token.line, column=token.column)
        following = self._peek()
        if (
            following.type is TokenType.DOT
            and self._peek(2).type is TokenType.ASTERISK
            and self._is_identifier(token)
        ):
            source = self._identifier()
            self._qualifiers.append((source, token))
            self._advance()
            self._advance()
            return ast.AllColumns(source, line=token.line, column=token.column)
        struct_all = self._try_struct_all()
        if struct_all is not None:
            return struct_all
        expression = self._parse_expression()
        alias = self._parse_alias()
        return ast.SingleColumn(expression, alias, line=token.line, column=token.column)

    def _try_struct_all(self) -> ast.SelectItem | None:
        """`primary->*`, if that is what comes next."""
        start = self._pos
        token = self._token
        try:
            base = self._parse_primary()
        except ParseError:
            base = None
        if base is not None and self._at(TokenType.ARROW):
            self._advance()
            self._advance()
            return ast.StructAll(base, line=token.line, column=token.column)
        self._reset(start)
        return None

    def _parse_alias(self) -> str | None:
        if self._match_keyword("AS"):
            return self._identifier()
        if self._bare_alias_follows():
            return self._identifier()
        return None

    def _bare_alias_follows(self) -> bool:
        token = self._token
        if not self._is_identifier(token):
            return False
        clause = _CLAUSE_PAIRS.get(token.keyword or "")
        return clause is None or self._peek().keyword not in clause

    # --------------------------------------------------------------------------------- sources

    def _parse_relation(self) -> ast.Relation:
        left = self._parse_aliased_relation()
        rights: list[ast.JoinedSource] = []
        while self._token.keyword in _JOIN_TYPES:
            rights.append(self._parse_joined_source())
        if not rights:
            return left
        return ast.Join(left, tuple(rights), line=left.line, column=left.column)

    def _parse_aliased_relation(self) -> ast.AliasedRelation:
        token = self._token
        name = self._source_name()
        self._sources.add(name)
        alias = name
        if self._match_keyword("AS") or self._bare_alias_follows():
            alias = self._source_name()
            self._sources.add(alias)
        return ast.AliasedRelation(name, alias, line=token.line, column=token.column)

    def _parse_joined_source(self) -> ast.JoinedSource:
        start = self._advance()
        join_type = _JOIN_TYPES[start.keyword or ""]
        if start.keyword != "JOIN":
            if start.keyword != "INNER":
                self._match_keyword("OUTER")
            self._expect_keyword("JOIN")
        relation = self._parse_aliased_relation()
        within = self._parse_within() if self._match_keyword("WITHIN") else None
        self._expect_keyword("ON", "'WITHIN'")
        criteria = self._parse_expression()
        return ast.JoinedSource(
            relation, join_type, criteria, within, line=start.line, column=start.column
        )

    def _parse_within(self) -> ast.WithinExpression:
        start = self._token
        if self._match(TokenType.LPAREN):
            before = self._parse_time_clause()
            self._expect(TokenType.COMMA)
            after = self._parse_time_clause()
            self._expect_closing(TokenType.RPAREN)
        else:
            before = after = self._parse_time_clause()
        grace = self._parse_grace() if self._at_keyword("GRACE") else None
        return ast.WithinExpression(before, after, grace, line=start.line, column=start.column)

    # --------------------------------------------------------------------------------- windows

    def _parse_window(self) -> ast.WindowExpression:
        token = self._token
        if token.type is TokenType.WORD and token.keyword is None:
            # An optional window name, which ksqlDB reads and ignores.
            self._advance()
        parse = _WINDOWS.get(self._token.keyword or "")
        if parse is None:
            self._fail("'TUMBLING'", "'HOPPING'", "'SESSION'")
        return parse(self)

    def _parse_tumbling(self) -> ast.WindowExpression:
        start = self._advance()
        self._expect(TokenType.LPAREN)
        self._expect_keyword("SIZE")
        size = self._parse_time_clause()
        retention, grace = self._parse_window_options()
        return ast.TumblingWindow(size, retention, grace, line=start.line, column=start.column)

    def _parse_hopping(self) -> ast.WindowExpression:
        start = self._advance()
        self._expect(TokenType.LPAREN)
        self._expect_keyword("SIZE")
        size = self._parse_time_clause()
        self._expect(TokenType.COMMA)
        self._expect_keyword("ADVANCE")
        self._expect_keyword("BY")
        advance = self._parse_time_clause()
        retention, grace = self._parse_window_options()
        return ast.HoppingWindow(
            size, advance, retention, grace, line=start.line, column=start.column
        )

    def _parse_session(self) -> ast.WindowExpression:
        start = self._advance()
        self._expect(TokenType.LPAREN)
        gap = self._parse_time_clause()
        retention, grace = self._parse_window_options()
        return ast.SessionWindow(gap, retention, grace, line=start.line, column=start.column)

    def _parse_window_options(self) -> tuple[ast.TimeClause | None, ast.TimeClause | None]:
        retention = grace = None
        if self._match(TokenType.COMMA):
            if self._match_keyword("RETENTION"):
                retention = self._parse_time_clause()
                if self._match(TokenType.COMMA):
                    grace = self._parse_grace()
            else:
                grace = self._parse_grace()
        self._expect_closing(TokenType.RPAREN)
        return retention, grace

    def _parse_grace(self) -> ast.TimeClause:
        self._expect_keyword("GRACE")
        self._expect_keyword("PERIOD")
        return self._parse_time_clause()

    def _parse_time_clause(self) -> ast.TimeClause:
        start = self._token
        value = self._parse_integer("time unit")
        unit = self._token
        if unit.keyword not in WINDOW_UNITS:
            self._fail(*_UNIT_NAMES)
        self._advance()
        return ast.TimeClause(
            value, ast.TimeUnit.from_keyword(unit.text), line=start.line, column=start.column
        )

    # ------------------------------------------------------------------------ GROUP/PARTITION BY

    def _parse_grouping(self) -> tuple[ast.Expression, ...]:
        """`a, b` or `(a, b)` or `()`: a parenthesised list is tried after a plain one."""
        if not self._at(TokenType.LPAREN):
            return self._parse_value_list()
        start = self._pos
        try:
            return self._parse_value_list()
        except ParseError as plain:
            self._reset(start)
            try:
                return self._parse_parenthesized_list()
            except ParseError as wrapped:
                raise max(plain, wrapped, key=lambda error: (error.line, error.column)) from None

    def _parse_value_list(self) -> tuple[ast.Expression, ...]:
        values = [self._parse_value()]
        while self._match(TokenType.COMMA):
            values.append(self._parse_value())
        return tuple(values)

    def _parse_parenthesized_list(self) -> tuple[ast.Expression, ...]:
        self._expect(TokenType.LPAREN)
        if self._match(TokenType.RPAREN):
            return ()
        values = self._parse_value_list()
        self._expect_closing(TokenType.RPAREN)
        return values

    # ------------------------------------------------------------------------------ validation

    def _check_qualifiers(self) -> None:
        """Every `x.column` and `x.*` must name a source or alias of the statement."""
        for name, token in self._qualifiers:
            if name not in self._sources:
                raise self._error(
                    token,
                    f"Failed to prepare statement: '{name}' is not a valid stream/table name "
                    "or alias.",
                )


_WINDOWS: dict[str, Callable[[QueryParser], ast.WindowExpression]] = {
    "TUMBLING": QueryParser._parse_tumbling,
    "HOPPING": QueryParser._parse_hopping,
    "SESSION": QueryParser._parse_session,
}
