"""Type syntax: `INT`, `DECIMAL(4, 2)`, `ARRAY<T>`, `T ARRAY`, `MAP<K, V>`, `STRUCT<name T, ...>`.

Names other than the primitive ones (`INT`, `VARCHAR`, `STRING`, ...) are custom types from
`CREATE TYPE`; they become `TypeRef`s for the engine to resolve. A primitive name may carry
parameters, which ksqlDB accepts and ignores (`VARCHAR(255)`).
"""

from __future__ import annotations

from ksqlmv.sql import types as t
from ksqlmv.sql.ast import TypeRef
from ksqlmv.sql.parser._base import ParserBase
from ksqlmv.sql.tokens import TokenType

__all__ = ["TypeParser"]


class TypeParser(ParserBase):
    """Parses SQL types into `ksqlmv.sql.types` values."""

    def _parse_type(self) -> t.SqlType:
        sql_type = self._parse_non_array_suffixed_type()
        while self._at_keyword("ARRAY") and self._peek().type is not TokenType.LT:
            self._advance()  # `INT ARRAY` is an old spelling of ARRAY<INT>
            sql_type = t.ArrayType(sql_type)
        return sql_type

    def _parse_non_array_suffixed_type(self) -> t.SqlType:
        token = self._token
        opens = self._peek().type is TokenType.LT
        if token.keyword == "ARRAY" and opens:
            self._advance()
            self._advance()
            element = self._parse_type()
            self._expect_type_close()
            return t.ArrayType(element)
        if token.keyword == "MAP" and opens:
            self._advance()
            self._advance()
            key = self._parse_type()
            self._expect(TokenType.COMMA)
            value = self._parse_type()
            self._expect_type_close()
            return t.MapType(key, value)
        if token.keyword == "STRUCT" and opens:
            return self._parse_struct_type()
        if token.keyword == "DECIMAL":
            return self._parse_decimal_type()
        if not self._is_identifier(token):
            raise self._no_viable()
        name = self._identifier()
        if self._match(TokenType.LPAREN):
            self._parse_type_parameters()
        primitive = t.PRIMITIVE_TYPES.get(name.upper())
        return primitive if primitive is not None else TypeRef(name)

    def _parse_struct_type(self) -> t.StructType:
        self._advance()
        self._advance()
        fields: list[t.StructField] = []
        seen: set[str] = set()
        if not self._at(TokenType.GT):
            while True:
                name = self._identifier()
                field = t.StructField(name, self._parse_type())
                if name in seen:
                    raise self._error(
                        self._token,
                        "Failed to prepare statement: Duplicate field names found in STRUCT: "
                        f"'{name}' and '{field}'",
                    )
                seen.add(name)
                fields.append(field)
                if not self._match(TokenType.COMMA):
                    break
        self._expect_type_close()
        return t.StructType(tuple(fields))

    def _parse_decimal_type(self) -> t.DecimalType:
        self._advance()
        self._expect(TokenType.LPAREN)
        precision = self._parse_type_integer("DECIMAL(PRECISION)")
        self._expect(TokenType.COMMA)
        scale = self._parse_type_integer("DECIMAL(SCALE)")
        closing = self._expect(TokenType.RPAREN)
        problem = None
        if precision < 1:
            problem = "DECIMAL precision must be >= 1"
        elif scale < 0:
            problem = "DECIMAL scale must be >= 0"
        elif precision < scale:
            problem = "DECIMAL precision must be >= scale"
        if problem is not None:
            raise self._error(
                closing, f"Failed to prepare statement: {problem}: DECIMAL({precision},{scale})"
            )
        return t.DecimalType(precision, scale)

    def _parse_type_integer(self, purpose: str) -> int:
        token = self._token
        negative = self._match(TokenType.MINUS) is not None
        number = self._token
        if number.type is TokenType.INTEGER:
            self._advance()
            return -int(number.text) if negative else int(number.text)
        if number.type in (TokenType.DECIMAL, TokenType.FLOAT):
            raise self._error(
                token, f"Failed to prepare statement: Value must be integer for command: {purpose}"
            )
        self._fail("INTEGER_VALUE")

    def _parse_type_parameters(self) -> None:
        while True:
            if not (self._match(TokenType.INTEGER) or self._match_keyword("STRING")):
                self._fail("'STRING'", "INTEGER_VALUE")
            if not self._match(TokenType.COMMA):
                break
        self._expect(TokenType.RPAREN, "','")

    def _expect_type_close(self) -> None:
        self._expect(TokenType.GT)
