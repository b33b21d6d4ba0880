"""Catalog and administration statements: SHOW/LIST, DESCRIBE, PRINT, TERMINATE/PAUSE/RESUME,
SET/UNSET, ALTER SYSTEM, DEFINE/UNDEFINE, and ASSERT (with the test-only forms).
"""

from __future__ import annotations

from collections.abc import Callable

from ksqlmv.sql import ast
from ksqlmv.sql.parser._ddl import DdlParser
from ksqlmv.sql.tokens import Token, TokenType

__all__ = ["AdminParser"]


class AdminParser(DdlParser):
    """Parses statements that inspect or steer the server."""

    def __init__(self, tokens: list[Token], text: str, *, test_statements: bool = False) -> None:
        super().__init__(tokens, text)
        self._test_statements = test_statements

    # ---------------------------------------------------------------------------------- SHOW

    def _parse_list(self) -> ast.Statement:
        start = self._advance()
        where = self._at_position(start)
        keyword = self._token.keyword or ""
        simple = _SIMPLE_LISTS.get(keyword)
        if simple is not None:
            self._advance()
            return simple(**where)
        if keyword in ("STREAMS", "TABLES", "QUERIES"):
            self._advance()
            extended = self._match_keyword("EXTENDED") is not None
            return _EXTENDED_LISTS[keyword](extended, **where)
        if keyword in ("ALL", "TOPICS"):
            all_topics = self._match_keyword("ALL") is not None
            self._expect_keyword("TOPICS")
            extended = self._match_keyword("EXTENDED") is not None
            return ast.ListTopics(all_topics, extended, **where)
        if keyword in ("SOURCE", "SINK", "CONNECTORS"):
            scope = ast.ConnectorScope.ALL
            if keyword != "CONNECTORS":
                scope = ast.ConnectorScope(self._advance().keyword)
            self._expect_keyword("CONNECTORS")
            return ast.ListConnectors(scope, **where)
        if keyword == "CONNECTOR":
            self._advance()
            self._expect_keyword("PLUGINS")
            return ast.ListConnectorPlugins(**where)
        raise self._no_viable()

    # ------------------------------------------------------------------------------ DESCRIBE

    def _parse_describe(self) -> ast.Statement:
        start = self._advance()
        where = self._at_position(start)
        token = self._token
        if token.keyword == "STREAMS":
            self._advance()
            return ast.DescribeStreams(self._match_keyword("EXTENDED") is not None, **where)
        if token.keyword == "FUNCTION" and self._is_identifier(self._peek()):
            self._advance()
            return ast.DescribeFunction(self._identifier(), **where)
        if token.keyword == "CONNECTOR":
            self._advance()
            return ast.DescribeConnector(self._identifier(), **where)
        name = self._source_name()
        extended = self._match_keyword("EXTENDED") is not None
        # `DESCRIBE TABLES` lists tables, yet a table may still be named `TABLES` if quoted.
        if token.type is TokenType.WORD and name == "TABLES":
            return ast.DescribeTables(extended, **where)
        return ast.DescribeSource(name, extended, **where)

    # ------------------------------------------------------------------------- PRINT, queries

    def _parse_print(self) -> ast.Statement:
        start = self._advance()
        topic = self._parse_resource_name()
        from_beginning = False
        if self._match_keyword("FROM"):
            self._expect_keyword("BEGINNING")
            from_beginning = True
        interval = limit = None
        if self._at_keyword("INTERVAL", "SAMPLE"):
            keyword = self._advance().keyword or ""
            interval = self._parse_integer("INTERVAL" if keyword == "INTERVAL" else keyword)
        if self._at_keyword("LIMIT"):
            limit = self._parse_limit()
        return ast.PrintTopic(topic, from_beginning, interval, limit, **self._at_position(start))

    def _parse_resource_name(self) -> str:
        """A topic or subject: a string, or an identifier kept in the case it was written."""
        if self._at(TokenType.STRING):
            return self._advance().value
        return self._raw_identifier()

    def _parse_query_control(self) -> ast.Statement:
        start = self._advance()
        query_id = None if self._match_keyword("ALL") else self._identifier()
        return _QUERY_CONTROL[start.keyword or ""](query_id, **self._at_position(start))

    # ---------------------------------------------------------------- properties and variables

    def _parse_set(self) -> ast.Statement:
        start = self._advance()
        name, value = self._parse_string_assignment()
        return ast.SetProperty(name, value, **self._at_position(start))

    def _parse_string_assignment(self) -> tuple[str, str]:
        name = self._expect(TokenType.STRING).value
        self._expect(TokenType.EQ)
        return name, self._expect(TokenType.STRING).value

    def _parse_unset(self) -> ast.Statement:
        start = self._advance()
        return ast.UnsetProperty(self._expect(TokenType.STRING).value, **self._at_position(start))

    def _parse_alter(self) -> ast.Statement:
        start = self._advance()
        if self._match_keyword("SYSTEM"):
            name, value = self._parse_string_assignment()
            return ast.AlterSystemProperty(name, value, **self._at_position(start))
        if not self._at_keyword("STREAM", "TABLE"):
            self._fail("'STREAM'", "'TABLE'", "'SYSTEM'")
        return self._parse_alter_source(start)

    def _parse_define(self) -> ast.Statement:
        start = self._advance()
        name = self._parse_variable_name()
        self._expect(TokenType.EQ)
        value = self._expect(TokenType.STRING).value
        return ast.DefineVariable(name, value, **self._at_position(start))

    def _parse_undefine(self) -> ast.Statement:
        start = self._advance()
        return ast.UndefineVariable(self._parse_variable_name(), **self._at_position(start))

    def _parse_variable_name(self) -> str:
        # Any word names a variable, keywords included (ksqlDB lets reserved words through).
        return self._expect(TokenType.WORD).text

    # -------------------------------------------------------------------------------- ASSERT

    def _parse_assert(self) -> ast.Statement:
        start = self._advance()
        where = self._at_position(start)
        exists = True
        if self._at_keyword("NOT") and self._peek().keyword == "EXISTS":
            self._advance()
            self._advance()
            exists = False
        if self._match_keyword("TOPIC"):
            topic = self._parse_resource_name()
            properties = self._parse_with()
            timeout = self._parse_timeout()
            return ast.AssertTopic(topic, properties, timeout, exists, **where)
        if self._match_keyword("SCHEMA"):
            return self._parse_assert_schema(start, exists)
        if exists and self._test_statements:
            return self._parse_test_assert(start)
        raise self._no_viable()

    def _parse_assert_schema(self, start: Token, exists: bool) -> ast.Statement:
        subject = self._parse_resource_name() if self._match_keyword("SUBJECT") else None
        schema_id = None
        if self._match_keyword("ID"):
            token = self._token
            literal = self._parse_literal()
            if not isinstance(literal, ast.IntegerLiteral):
                raise self._error(token, "Failed to prepare statement: ID must be an integer")
            schema_id = literal.value
        timeout = self._parse_timeout()
        if subject is None and schema_id is None:
            raise self._error(
                start,
                "Failed to prepare statement: ASSERT SCHEMA statements much include a subject "
                "name or an id",
            )
        return ast.AssertSchema(subject, schema_id, timeout, exists, **self._at_position(start))

    def _parse_timeout(self) -> ast.TimeClause | None:
        return self._parse_time_clause() if self._match_keyword("TIMEOUT") else None

    def _parse_test_assert(self, start: Token) -> ast.Statement:
        where = self._at_position(start)
        keyword = self._token.keyword
        if keyword in ("VALUES", "NULL"):
            if self._advance().keyword == "NULL":
                self._expect_keyword("VALUES")
            target = self._source_name()
            if keyword == "VALUES":
                columns, values = self._parse_columns_and_values("VALUES")
                return ast.AssertValues(target, columns, values, **where)
            columns, values = self._parse_columns_and_values("KEY")
            return ast.AssertTombstone(target, columns, values, **where)
        if keyword in ("STREAM", "TABLE"):
            self._advance()
            name = self._source_name()
            elements = self._parse_table_elements() if self._at(TokenType.LPAREN) else ()
            properties = self._parse_with()
            if keyword == "STREAM":
                self._check_key_kinds(
                    elements, ast.ColumnConstraint.PRIMARY_KEY, "'KEY'", "streams"
                )
                return ast.AssertStream(
                    ast.CreateStream(name, elements, properties, **where), **where
                )
            self._check_key_kinds(elements, ast.ColumnConstraint.KEY, "'PRIMARY KEY'", "tables")
            return ast.AssertTable(ast.CreateTable(name, elements, properties, **where), **where)
        raise self._no_viable()

    def _parse_run_script(self) -> ast.Statement:
        start = self._advance()
        self._expect_keyword("SCRIPT")
        path = self._expect(TokenType.STRING).value
        return ast.RunScript(path, **self._at_position(start))


_SIMPLE_LISTS: dict[str, Callable[..., ast.Statement]] = {
    "PROPERTIES": ast.ListProperties,
    "FUNCTIONS": ast.ListFunctions,
    "TYPES": ast.ListTypes,
    "VARIABLES": ast.ListVariables,
}
_EXTENDED_LISTS: dict[str, Callable[..., ast.Statement]] = {
    "STREAMS": ast.ListStreams,
    "TABLES": ast.ListTables,
    "QUERIES": ast.ListQueries,
}
_QUERY_CONTROL: dict[str, Callable[..., ast.Statement]] = {
    "TERMINATE": ast.TerminateQuery,
    "PAUSE": ast.PauseQuery,
    "RESUME": ast.ResumeQuery,
}
