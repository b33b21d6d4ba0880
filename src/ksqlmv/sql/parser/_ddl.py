"""DDL and DML statements: CREATE (STREAM, TABLE, AS SELECT, TYPE, CONNECTOR), INSERT, DROP and
ALTER, with the checks ksqlDB makes while it builds their trees (key kinds, header column types,
duplicate columns, LIMIT in persistent queries).
"""

from __future__ import annotations

from collections import Counter

from ksqlmv.sql import ast
from ksqlmv.sql import types as t
from ksqlmv.sql.parser._query import QueryParser
from ksqlmv.sql.tokens import Token, TokenType

__all__ = ["HEADERS_TYPE", "DdlParser"]

HEADERS_TYPE = t.ArrayType(
    t.StructType((t.StructField("KEY", t.STRING), t.StructField("VALUE", t.BYTES)))
)
"""The one type a HEADERS column may have."""

_KEY_HINT = (
    "\nTables have PRIMARY KEYs, which are unique and NON NULL."
    "\nStreams have KEYs, which have no uniqueness or NON NULL constraints."
)


class DdlParser(QueryParser):
    """Parses statements that change the catalog or write data."""

    # ---------------------------------------------------------------------------------- CREATE

    def _parse_create(self) -> ast.Statement:
        start = self._advance()
        or_replace = False
        if self._match_keyword("OR"):
            self._expect_keyword("REPLACE")
            or_replace = True
        if self._at_keyword("SOURCE", "SINK") and self._peek().keyword == "CONNECTOR":
            return self._parse_create_connector(start)
        if self._at_keyword("TYPE") and not or_replace:
            return self._parse_create_type(start)
        source = self._match_keyword("SOURCE") is not None
        if not self._at_keyword("STREAM", "TABLE"):
            kinds = (
                ("'STREAM'", "'TABLE'")
                if source or or_replace
                else ("'STREAM'", "'TABLE'", "'TYPE'")
            )
            self._fail(*kinds)
        kind = self._advance().keyword
        if_not_exists = self._parse_if_not_exists()
        name = self._source_name()
        elements = self._parse_table_elements() if self._at(TokenType.LPAREN) else None
        properties = self._parse_with()
        where = self._at_position(start)
        if elements is None and not source and self._match_keyword("AS"):
            query = self._parse_query(persistent=True)
            if query.limit is not None:
                raise self._error(
                    start,
                    f"Failed to prepare statement: CREATE {kind} AS SELECT statements don't "
                    "support LIMIT clause.",
                )
            create_as = ast.CreateStreamAsSelect if kind == "STREAM" else ast.CreateTableAsSelect
            return create_as(name, query, properties, or_replace, if_not_exists, **where)
        elements = elements or ()
        if kind == "STREAM":
            self._check_key_kinds(elements, ast.ColumnConstraint.PRIMARY_KEY, "'KEY'", "streams")
            return ast.CreateStream(
                name, elements, properties, or_replace, if_not_exists, source, **where
            )
        self._check_key_kinds(elements, ast.ColumnConstraint.KEY, "'PRIMARY KEY'", "tables")
        return ast.CreateTable(
            name, elements, properties, or_replace, if_not_exists, source, **where
        )

    def _parse_if_not_exists(self) -> bool:
        if self._match_keyword("IF"):
            self._expect_keyword("NOT")
            self._expect_keyword("EXISTS")
            return True
        return False

    def _parse_if_exists(self) -> bool:
        if self._match_keyword("IF"):
            self._expect_keyword("EXISTS")
            return True
        return False

    def _parse_create_type(self, start: Token) -> ast.Statement:
        self._advance()
        if_not_exists = self._parse_if_not_exists()
        name = self._identifier()
        self._expect_keyword("AS")
        sql_type = self._parse_type()
        return ast.CreateType(name, sql_type, if_not_exists, line=start.line, column=start.column)

    def _parse_create_connector(self, start: Token) -> ast.Statement:
        kind = ast.ConnectorKind(self._advance().keyword)
        self._advance()
        if_not_exists = self._parse_if_not_exists()
        name = self._identifier()
        self._expect_keyword("WITH")
        properties = self._parse_properties()
        return ast.CreateConnector(
            name, kind, properties, if_not_exists, line=start.line, column=start.column
        )

    # ----------------------------------------------------------------------- columns, properties

    def _parse_table_elements(self) -> tuple[ast.TableElement, ...]:
        self._expect(TokenType.LPAREN)
        elements = [self._parse_table_element()]
        while self._match(TokenType.COMMA):
            elements.append(self._parse_table_element())
        self._expect_closing_of_list()
        counts = Counter(element.name for element in elements)
        duplicates = [name for name, count in counts.items() if count > 1]
        if duplicates:
            names = ", ".join(f"`{name}`" for name in duplicates)
            raise self._error(
                self._tokens[self._pos - 1],
                f"Failed to prepare statement: Duplicate column names: {names}",
            )
        return tuple(elements)

    def _expect_closing_of_list(self) -> None:
        if not self._match(TokenType.RPAREN):
            self._fail("','", "')'")

    def _parse_table_element(self) -> ast.TableElement:
        token = self._token
        name = self._identifier()
        sql_type = self._parse_type()
        constraint, header = ast.ColumnConstraint.VALUE, None
        if self._match_keyword("PRIMARY"):
            self._expect_keyword("KEY")
            constraint = ast.ColumnConstraint.PRIMARY_KEY
        elif self._match_keyword("KEY"):
            constraint = ast.ColumnConstraint.KEY
        elif self._match_keyword("HEADERS"):
            constraint = ast.ColumnConstraint.HEADERS
        elif self._match_keyword("HEADER"):
            self._expect(TokenType.LPAREN)
            header = self._expect(TokenType.STRING).value.strip() or None
            self._expect(TokenType.RPAREN)
            constraint = ast.ColumnConstraint.HEADER if header else ast.ColumnConstraint.HEADERS
        self._check_header_type(token, sql_type, constraint, header)
        return ast.TableElement(
            name, sql_type, constraint, header, line=token.line, column=token.column
        )

    def _check_header_type(
        self,
        token: Token,
        sql_type: t.SqlType,
        constraint: ast.ColumnConstraint,
        header: str | None,
    ) -> None:
        if constraint is ast.ColumnConstraint.HEADER and sql_type != t.BYTES:
            raise self._error(
                token,
                f"Failed to prepare statement: Invalid type for HEADER('{header}') column: "
                f"expected BYTES, got {sql_type}",
            )
        if constraint is ast.ColumnConstraint.HEADERS and sql_type != HEADERS_TYPE:
            raise self._error(
                token,
                "Failed to prepare statement: Invalid type for HEADERS column: "
                f"expected {HEADERS_TYPE}, got {sql_type}",
            )

    def _check_key_kinds(
        self,
        elements: tuple[ast.TableElement, ...],
        wrong: ast.ColumnConstraint,
        right: str,
        kinds: str,
    ) -> None:
        for element in elements:
            if element.constraint is wrong:
                raise self._error_at_node(
                    element,
                    f"Line: {element.line}, Col: {element.column}: Column `{element.name}` is a "
                    f"'{wrong.value}' column: please use {right} for {kinds}.{_KEY_HINT}",
                )

    def _parse_with(self) -> tuple[ast.Property, ...]:
        return self._parse_properties() if self._match_keyword("WITH") else ()

    def _parse_properties(self) -> tuple[ast.Property, ...]:
        self._expect(TokenType.LPAREN)
        properties = [self._parse_property()]
        while self._match(TokenType.COMMA):
            properties.append(self._parse_property())
        self._expect_closing_of_list()
        return tuple(properties)

    def _parse_property(self) -> ast.Property:
        token = self._token
        name = self._advance().value if self._at(TokenType.STRING) else self._identifier()
        self._expect(TokenType.EQ)
        value = self._parse_literal()
        return ast.Property(name, value, line=token.line, column=token.column)

    # ---------------------------------------------------------------------------------- INSERT

    def _parse_insert(self) -> ast.Statement:
        start = self._advance()
        self._expect_keyword("INTO")
        target = self._source_name()
        if self._at_keyword("WITH", "SELECT"):
            properties = self._parse_with()
            query = self._parse_query(persistent=True)
            return ast.InsertInto(target, query, properties, line=start.line, column=start.column)
        columns, values = self._parse_columns_and_values("VALUES")
        return ast.InsertValues(target, columns, values, line=start.line, column=start.column)

    def _parse_columns_and_values(
        self, keyword: str
    ) -> tuple[tuple[str, ...], tuple[ast.Expression, ...]]:
        """`[(col, ...)] <keyword> (value, ...)`, as INSERT VALUES and ASSERT VALUES take them."""
        columns: list[str] = []
        if self._match(TokenType.LPAREN):
            columns.append(self._identifier())
            while self._match(TokenType.COMMA):
                columns.append(self._identifier())
            self._expect_closing_of_list()
        self._expect_keyword(keyword)
        self._expect(TokenType.LPAREN)
        values: list[ast.Expression] = []
        if not self._at(TokenType.RPAREN):
            values.append(self._parse_value())
            while self._match(TokenType.COMMA):
                values.append(self._parse_value())
        self._expect_closing_of_list()
        return tuple(columns), tuple(values)

    # ------------------------------------------------------------------------------ DROP, ALTER

    def _parse_drop(self) -> ast.Statement:
        start = self._advance()
        where = self._at_position(start)
        keyword = self._token.keyword
        if keyword in ("STREAM", "TABLE"):
            self._advance()
            if_exists = self._parse_if_exists()
            name = self._source_name()
            delete_topic = False
            if self._match_keyword("DELETE"):
                self._expect_keyword("TOPIC")
                delete_topic = True
            drop = ast.DropStream if keyword == "STREAM" else ast.DropTable
            return drop(name, if_exists, delete_topic, **where)
        if keyword in ("CONNECTOR", "TYPE"):
            self._advance()
            if_exists = self._parse_if_exists()
            name = self._identifier()
            if keyword == "TYPE":
                return ast.DropType(name, if_exists, **where)
            return ast.DropConnector(name, if_exists, **where)
        self._fail("'STREAM'", "'TABLE'", "'CONNECTOR'", "'TYPE'")

    def _parse_alter_source(self, start: Token) -> ast.Statement:
        kind = ast.SourceKind(self._advance().keyword)
        name = self._source_name()
        columns = [self._parse_alter_column()]
        while self._match(TokenType.COMMA):
            columns.append(self._parse_alter_column())
        return ast.AlterSource(name, kind, tuple(columns), line=start.line, column=start.column)

    def _parse_alter_column(self) -> ast.AlterColumn:
        token = self._expect_keyword("ADD")
        self._match_keyword("COLUMN")
        name = self._identifier()
        sql_type = self._parse_type()
        return ast.AlterColumn(name, sql_type, line=token.line, column=token.column)
