"""The statement parser: a table keyed by each statement's leading keyword, and the loop that
reads `statement ;` after `statement ;` as ksqlDB's grammar does.
"""

from __future__ import annotations

from collections.abc import Callable

from ksqlmv.sql import ast
from ksqlmv.sql.parser import _errors
from ksqlmv.sql.parser._admin import AdminParser
from ksqlmv.sql.tokens import TokenType

__all__ = ["Parser"]


class Parser(AdminParser):
    """Recursive-descent parser for KSQL; one instance per text.

    `STATEMENT_PARSERS` maps a leading keyword to the method that parses the statement; a
    dialect that adds statements adds entries. `TEST_STATEMENT_PARSERS` adds the statements only
    ksqlDB's SQL test files may use.
    """

    STATEMENT_PARSERS: dict[str, Callable[[Parser], ast.Statement]] = {}
    TEST_STATEMENT_PARSERS: dict[str, Callable[[Parser], ast.Statement]] = {}

    def parse_statements(self) -> list[ast.Statement]:
        """Every `statement ;` of the text, each followed by its `;`."""
        statements: list[ast.Statement] = []
        while not self._at(TokenType.EOF):
            statements.append(self.parse_one(terminated=True))
        return statements

    def parse_one(self, *, terminated: bool) -> ast.Statement:
        """One statement; its `;` is required when `terminated`, else optional."""
        self._sources = set()
        self._qualifiers = []
        start = self._token.start
        statement = self._parse_statement()
        self._check_qualifiers()
        end = self._tokens[self._pos - 1].end
        if self._at(TokenType.SEMICOLON):
            end = self._advance().end
        elif self._at(TokenType.EOF):
            if terminated:
                self._fail("';'")
        else:
            self._raise_no_viable()
        self._attach_text(statement, start, end)
        return statement

    def parse_expression(self) -> ast.Expression:
        """One expression."""
        return self._parse_expression()

    def expect_end(self) -> None:
        """Nothing may follow."""
        if not self._at(TokenType.EOF):
            self._raise_no_viable()

    def _parse_statement(self) -> ast.Statement:
        token = self._token
        parse = self.STATEMENT_PARSERS.get(token.keyword or "")
        if parse is None and self._test_statements:
            parse = self.TEST_STATEMENT_PARSERS.get(token.keyword or "")
        if parse is None:
            raise _errors.unknown_statement(token)
        return parse(self)

    def _attach_text(self, statement: ast.Statement, start: int, end: int) -> None:
        # The text is part of the node's construction; nodes are frozen only to their users.
        object.__setattr__(statement, "text", self._text[start:end])

    def _raise_no_viable(self) -> None:
        raise self._no_viable()

    # ------------------------------------------------------------------------------ statements

    def _parse_select(self) -> ast.Statement:
        return self._parse_query(persistent=False)

    def _parse_explain(self) -> ast.Statement:
        start = self._advance()
        where = self._at_position(start)
        token = self._token
        follows = self._peek().type
        if token.keyword in self.STATEMENT_PARSERS and follows not in (
            TokenType.SEMICOLON,
            TokenType.EOF,
        ):
            statement = self._parse_statement()
            self._attach_text(statement, token.start, self._tokens[self._pos - 1].end)
            return ast.Explain(statement=statement, **where)
        return ast.Explain(query_id=self._identifier(), **where)


Parser.STATEMENT_PARSERS.update(
    {
        "SELECT": Parser._parse_select,
        "CREATE": Parser._parse_create,
        "INSERT": Parser._parse_insert,
        "DROP": Parser._parse_drop,
        "ALTER": Parser._parse_alter,
        "SHOW": Parser._parse_list,
        "LIST": Parser._parse_list,
        "DESCRIBE": Parser._parse_describe,
        "EXPLAIN": Parser._parse_explain,
        "PRINT": Parser._parse_print,
        "TERMINATE": Parser._parse_query_control,
        "PAUSE": Parser._parse_query_control,
        "RESUME": Parser._parse_query_control,
        "SET": Parser._parse_set,
        "UNSET": Parser._parse_unset,
        "DEFINE": Parser._parse_define,
        "UNDEFINE": Parser._parse_undefine,
        "ASSERT": Parser._parse_assert,
    }
)
Parser.TEST_STATEMENT_PARSERS.update({"RUN": Parser._parse_run_script})
