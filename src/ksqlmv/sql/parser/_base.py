"""The parser's cursor over tokens: looking ahead, consuming, names, and raising errors.

Every `_parse_<rule>` method of the parser classes builds on these few operations. They are kept
small and branch-free so the recursive descent stays fast (a few microseconds per token).
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from ksqlmv.errors import ParseError
from ksqlmv.sql.ast import Node
from ksqlmv.sql.parser import _errors
from ksqlmv.sql.tokens import NON_RESERVED, Token, TokenType

__all__ = ["IDENTIFIER_TYPES", "ParserBase"]

IDENTIFIER_TYPES = frozenset(
    {
        TokenType.WORD,
        TokenType.QUOTED_IDENTIFIER,
        TokenType.BACKQUOTED_IDENTIFIER,
        TokenType.DIGIT_IDENTIFIER,
    }
)
_QUOTED = frozenset({TokenType.QUOTED_IDENTIFIER, TokenType.BACKQUOTED_IDENTIFIER})
# Kafka topic naming rules apply to source names; ksqlDB checks them when it builds the tree.
_VALID_SOURCE_NAME = re.compile(r"[a-zA-Z0-9_-]*")


class ParserBase:
    """Token cursor shared by the parser's rule classes."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        self._tokens = tokens
        self._pos = 0
        self._text = text
        self._token = tokens[0]

    # ------------------------------------------------------------------------------ looking ahead

    def _peek(self, offset: int = 1) -> Token:
        index = self._pos + offset
        return self._tokens[index] if index < len(self._tokens) else self._tokens[-1]

    def _at(self, kind: TokenType) -> bool:
        return self._token.type is kind

    def _at_keyword(self, *words: str) -> bool:
        return self._token.keyword in words

    def _is_identifier(self, token: Token) -> bool:
        if token.type not in IDENTIFIER_TYPES:
            return token.type is TokenType.VARIABLE
        return token.keyword is None or token.keyword in NON_RESERVED

    # ---------------------------------------------------------------------------------- consuming

    def _advance(self) -> Token:
        token = self._token
        if token.type is not TokenType.EOF:
            self._pos += 1
            self._token = self._tokens[self._pos]
        return token

    def _reset(self, position: int) -> None:
        self._pos = position
        self._token = self._tokens[position]

    def _match(self, kind: TokenType) -> Token | None:
        if self._token.type is kind:
            return self._advance()
        return None

    def _match_keyword(self, word: str) -> Token | None:
        if self._token.keyword == word:
            return self._advance()
        return None

    def _expect(self, kind: TokenType, *others: str) -> Token:
        if self._token.type is kind:
            return self._advance()
        self._fail(*others, kind.value)

    def _expect_keyword(self, word: str, *others: str) -> Token:
        if self._token.keyword == word:
            return self._advance()
        self._fail(*others, f"'{word}'")

    def _expect_closing(self, kind: TokenType) -> Token:
        """A closing `)` or `]`; a `,` in its place reads as ANTLR's "missing ')' at ','"."""
        if self._token.type is kind:
            return self._advance()
        if self._token.type in (TokenType.COMMA, TokenType.SEMICOLON):
            raise _errors.missing(self._token, kind.value)
        self._fail(kind.value)

    # -------------------------------------------------------------------------------------- names

    def _identifier(self) -> str:
        """An identifier, normalised: upper-cased unless quoted."""
        token = self._token
        if token.type in _QUOTED:
            self._advance()
            return token.value
        if self._is_identifier(token):
            if token.type is TokenType.VARIABLE:
                raise self._undefined_variable(token)
            self._advance()
            return token.value
        self._fail("IDENTIFIER")

    def _raw_identifier(self) -> str:
        """An identifier as written, quotes removed but case kept (for case-blind lookups)."""
        token = self._token
        self._identifier()
        return token.value if token.type in _QUOTED else token.text

    def _source_name(self) -> str:
        """A stream, table or alias name; these must be valid Kafka topic names."""
        token = self._token
        name = self._identifier()
        if not _VALID_SOURCE_NAME.fullmatch(name):
            raise _errors.error_at(
                token,
                f"Illegal argument at Line: {token.line}, Col: {token.column}. Source names may "
                "only contain alphanumeric values, '_' or '-'.",
            )
        return name

    # ------------------------------------------------------------------------------------- errors

    def _fail(self, *expected: str) -> NoReturn:
        raise _errors.expecting(self._token, expected)

    def _no_viable(self) -> ParseError:
        return _errors.no_viable_alternative(self._token)

    def _error(self, token: Token, message: str) -> ParseError:
        return _errors.error_at(token, message)

    @staticmethod
    def _error_at_node(node: Node, message: str) -> ParseError:
        return ParseError(message, node.line, node.column)

    def _undefined_variable(self, token: Token) -> ParseError:
        return _errors.error_at(
            token, f"Syntax Error\nVariable {token.text} is not defined; use DEFINE first"
        )

    @staticmethod
    def _at_position(token: Token) -> dict[str, Any]:
        """Keyword arguments that place a node at `token`."""
        return {"line": token.line, "column": token.column}
