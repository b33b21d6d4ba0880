"""Primary expressions: literals, names, calls and lambdas, CASE, CAST, constructors, and the
postfix `[index]` and `->field` that may follow any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from ksqlmv.sql import ast
from ksqlmv.sql.parser._types import TypeParser
from ksqlmv.sql.tokens import Token, TokenType

__all__ = ["NUMBER_TOKENS", "WINDOW_UNITS", "PrimaryParser"]

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1

NUMBER_TOKENS = frozenset({TokenType.INTEGER, TokenType.DECIMAL, TokenType.FLOAT})
WINDOW_UNITS = frozenset(
    [
        "DAY",
        "HOUR",
        "MINUTE",
        "SECOND",
        "MILLISECOND",
        "DAYS",
        "HOURS",
        "MINUTES",
        "SECONDS",
        "MILLISECONDS",
    ]
)
# Tokens after which a reserved word was most likely meant as a name: `SELECT size, ...`.
_AFTER_NAME = frozenset(
    {
        TokenType.COMMA,
        TokenType.RPAREN,
        TokenType.DOT,
        TokenType.SEMICOLON,
        TokenType.EQ,
        TokenType.ARROW,
        TokenType.LBRACKET,
    }
)


class PrimaryParser(TypeParser):
    """Parses the operands of operators."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        super().__init__(tokens, text)
        self._lambda_scopes: list[frozenset[str]] = []
        # Qualifiers seen in `source.column` references, checked once the statement's sources
        # are known (the select list comes before FROM).
        self._qualifiers: list[tuple[str, Token]] = []

    def _parse_expression(self) -> ast.Expression:
        raise NotImplementedError

    def _parse_value(self) -> ast.Expression:
        raise NotImplementedError

    # --------------------------------------------------------------------------------- dispatch

    def _parse_primary(self) -> ast.Expression:
        token = self._token
        parse = _BY_TYPE.get(token.type)
        if parse is None:
            parse = _BY_KEYWORD.get(token.keyword or "")
            opener = _CONSTRUCTORS.get(token.keyword or "")
            if parse is None or (opener is not None and self._peek().type is not opener):
                parse = PrimaryParser._parse_name_or_call
        return self._parse_postfix(parse(self))

    def _parse_postfix(self, expression: ast.Expression) -> ast.Expression:
        while True:
            token = self._token
            if token.type is TokenType.LBRACKET:
                self._advance()
                index = self._parse_value()
                self._expect_closing(TokenType.RBRACKET)
                expression = ast.Subscript(
                    expression, index, line=expression.line, column=expression.column
                )
            elif token.type is TokenType.ARROW and self._peek().type is not TokenType.ASTERISK:
                self._advance()
                field = self._identifier()
                expression = ast.Dereference(
                    expression, field, line=expression.line, column=expression.column
                )
            else:
                return expression

    def _parse_parenthesized(self) -> ast.Expression:
        self._advance()
        inner = self._parse_expression()
        self._expect_closing(TokenType.RPAREN)
        return inner

    # ---------------------------------------------------------------------------------- literals

    def _parse_number(self) -> ast.Literal:
        start = self._token
        negative = self._match(TokenType.MINUS) is not None
        token = self._token
        if token.type not in NUMBER_TOKENS:
            self._fail("INTEGER_VALUE", "DECIMAL_VALUE", "FLOATING_POINT_VALUE")
        self._advance()
        text = ("-" if negative else "") + token.text
        if token.type is TokenType.INTEGER:
            value = int(text)
            if _INT_MIN <= value <= _INT_MAX:
                return ast.IntegerLiteral(value, line=start.line, column=start.column)
            if _LONG_MIN <= value <= _LONG_MAX:
                return ast.LongLiteral(value, line=start.line, column=start.column)
            raise self._error(start, f"Invalid numeric literal: {text}")
        if token.type is TokenType.DECIMAL:
            return ast.DecimalLiteral(Decimal(text), line=start.line, column=start.column)
        number = float(text)
        if number in (float("inf"), float("-inf")):
            raise self._error(start, f"Number overflows DOUBLE: {text}")
        return ast.DoubleLiteral(number, line=start.line, column=start.column)

    def _parse_string(self) -> ast.Literal:
        token = self._advance()
        return ast.StringLiteral(token.value, line=token.line, column=token.column)

    def _parse_null(self) -> ast.Literal:
        token = self._advance()
        return ast.NullLiteral(line=token.line, column=token.column)

    def _parse_boolean(self) -> ast.Literal:
        token = self._advance()
        return ast.BooleanLiteral(token.keyword == "TRUE", line=token.line, column=token.column)

    def _parse_variable(self) -> ast.Literal:
        raise self._undefined_variable(self._token)

    def _parse_literal(self) -> ast.Literal:
        """A literal as WITH properties take them: NULL, a number, a boolean or a string."""
        token = self._token
        parse = _LITERALS_BY_TYPE.get(token.type) or _LITERALS_BY_KEYWORD.get(token.keyword or "")
        if parse is None:
            raise self._no_viable()
        return parse(self)

    # ------------------------------------------------------------------------------ names, calls

    def _parse_name_or_call(self) -> ast.Expression:
        token = self._token
        if not self._is_identifier(token):
            after = self._peek()
            if token.keyword is not None and (
                after.type in _AFTER_NAME or after.keyword in ("FROM", "AS")
            ):
                self._fail("IDENTIFIER")
            raise self._no_viable()
        name = self._identifier()
        following = self._token.type
        if following is TokenType.LPAREN:
            return self._parse_call(name, token)
        if following is TokenType.DOT and self._is_identifier(self._peek()):
            self._advance()
            column = self._identifier()
            self._qualifiers.append((name, token))
            return ast.ColumnRef(column, name, line=token.line, column=token.column)
        if following is TokenType.STRING:
            return self._parse_type_constructor(name, token)
        if any(name in scope for scope in self._lambda_scopes):
            return ast.LambdaVariable(name, line=token.line, column=token.column)
        return ast.ColumnRef(name, line=token.line, column=token.column)

    def _parse_type_constructor(self, name: str, start: Token) -> ast.Expression:
        value = self._advance()
        if name == "DECIMAL":
            try:
                return ast.DecimalLiteral(
                    Decimal(value.value), line=start.line, column=start.column
                )
            except InvalidOperation:
                raise self._error(value, f"Invalid numeric literal: {value.value}") from None
        raise self._error(
            start,
            f"Failed to prepare statement: Unknown type: {name}, "
            f"location:Line: {start.line}, Col: {start.column}",
        )

    def _parse_call(self, name: str, start: Token) -> ast.Expression:
        self._advance()
        if self._at(TokenType.ASTERISK) and self._peek().type is TokenType.RPAREN:
            self._advance()
            self._advance()
            return ast.FunctionCall(name, (), line=start.line, column=start.column)
        if self._match(TokenType.RPAREN):
            return ast.FunctionCall(name, (), line=start.line, column=start.column)
        distinct = self._match_keyword("DISTINCT") is not None
        args = [self._parse_function_argument()]
        while self._match(TokenType.COMMA):
            if self._lambda_ahead():
                args.append(self._parse_lambda())
                while self._match(TokenType.COMMA):
                    args.append(self._parse_lambda())
                break
            args.append(self._parse_function_argument())
        self._expect_closing(TokenType.RPAREN)
        return ast.FunctionCall(name, tuple(args), distinct, line=start.line, column=start.column)

    def _parse_function_argument(self) -> ast.Expression:
        token = self._token
        if token.keyword in WINDOW_UNITS and not self._is_identifier(token):
            self._advance()
            unit = ast.TimeUnit.from_keyword(token.keyword or "")
            return ast.IntervalUnit(unit, line=token.line, column=token.column)
        return self._parse_expression()

    def _lambda_ahead(self) -> bool:
        """Whether a lambda starts here: `x =>` or `(x, y) =>`."""
        if self._is_identifier(self._token):
            return self._peek().type is TokenType.LAMBDA
        if not self._at(TokenType.LPAREN):
            return False
        offset = 1
        while self._is_identifier(self._peek(offset)):
            following = self._peek(offset + 1).type
            if following is TokenType.RPAREN:
                return self._peek(offset + 2).type is TokenType.LAMBDA
            if following is not TokenType.COMMA:
                return False
            offset += 2
        return False

    def _parse_lambda(self) -> ast.Expression:
        start = self._token
        if not self._lambda_ahead():
            self._fail("'=>'")
        params: list[str] = []
        if self._match(TokenType.LPAREN):
            params.append(self._identifier())
            while self._match(TokenType.COMMA):
                params.append(self._identifier())
            self._expect(TokenType.RPAREN)
        else:
            params.append(self._identifier())
        self._expect(TokenType.LAMBDA)
        self._lambda_scopes.append(frozenset(params))
        try:
            body = self._parse_expression()
        finally:
            self._lambda_scopes.pop()
        return ast.Lambda(tuple(params), body, line=start.line, column=start.column)

    # ------------------------------------------------------------------------------ CASE and CAST

    def _parse_case(self) -> ast.Expression:
        start = self._advance()
        operand = None if self._at_keyword("WHEN") else self._parse_value()
        whens: list[ast.WhenClause] = []
        while self._at_keyword("WHEN"):
            token = self._advance()
            condition = self._parse_expression()
            self._expect_keyword("THEN")
            result = self._parse_expression()
            whens.append(ast.WhenClause(condition, result, line=token.line, column=token.column))
        if not whens:
            self._fail("'WHEN'")
        default = self._parse_expression() if self._match_keyword("ELSE") else None
        self._expect_keyword("END", "'WHEN'", "'ELSE'")
        if operand is None:
            return ast.SearchedCase(tuple(whens), default, line=start.line, column=start.column)
        return ast.SimpleCase(operand, tuple(whens), default, line=start.line, column=start.column)

    def _parse_cast(self) -> ast.Expression:
        start = self._advance()
        self._expect(TokenType.LPAREN)
        expression = self._parse_expression()
        self._expect_keyword("AS")
        target = self._parse_type()
        self._expect_closing(TokenType.RPAREN)
        return ast.Cast(expression, target, line=start.line, column=start.column)

    # ------------------------------------------------------------------------------ constructors

    def _parse_array(self) -> ast.Expression:
        start = self._advance()
        self._advance()
        items: list[ast.Expression] = []
        if not self._at(TokenType.RBRACKET):
            items.append(self._parse_expression())
            while self._match(TokenType.COMMA):
                items.append(self._parse_expression())
        self._expect_closing(TokenType.RBRACKET)
        return ast.CreateArray(tuple(items), line=start.line, column=start.column)

    def _parse_map(self) -> ast.Expression:
        start_position = self._pos
        start = self._advance()
        self._advance()
        entries: list[tuple[ast.Expression, ast.Expression]] = []
        if not self._at(TokenType.RPAREN):
            key = self._parse_expression()
            if not self._at(TokenType.ASSIGN):
                # `MAP(x)` is no constructor: it is a call of a function named MAP.
                self._reset(start_position)
                return self._parse_name_or_call()
            while True:
                self._expect(TokenType.ASSIGN)
                entries.append((key, self._parse_expression()))
                if not self._match(TokenType.COMMA):
                    break
                key = self._parse_expression()
        self._expect_closing(TokenType.RPAREN)
        return ast.CreateMap(tuple(entries), line=start.line, column=start.column)

    def _parse_struct(self) -> ast.Expression:
        start = self._token
        following = self._peek(2)
        if self._peek(3).type is not TokenType.ASSIGN and following.type is not TokenType.RPAREN:
            return self._parse_name_or_call()
        self._advance()
        self._advance()
        fields: list[ast.StructFieldValue] = []
        if not self._at(TokenType.RPAREN):
            while True:
                token = self._token
                name = self._identifier()
                self._expect(TokenType.ASSIGN)
                value = self._parse_expression()
                fields.append(
                    ast.StructFieldValue(name, value, line=token.line, column=token.column)
                )
                if not self._match(TokenType.COMMA):
                    break
        self._expect_closing(TokenType.RPAREN)
        return ast.CreateStruct(tuple(fields), line=start.line, column=start.column)


_Rule = Callable[[PrimaryParser], ast.Expression]
_LiteralRule = Callable[[PrimaryParser], ast.Literal]

_BY_TYPE: dict[TokenType, _Rule] = {
    TokenType.STRING: PrimaryParser._parse_string,
    TokenType.INTEGER: PrimaryParser._parse_number,
    TokenType.DECIMAL: PrimaryParser._parse_number,
    TokenType.FLOAT: PrimaryParser._parse_number,
    TokenType.MINUS: PrimaryParser._parse_number,
    TokenType.LPAREN: PrimaryParser._parse_parenthesized,
    TokenType.VARIABLE: PrimaryParser._parse_variable,
}
_BY_KEYWORD: dict[str, _Rule] = {
    "NULL": PrimaryParser._parse_null,
    "TRUE": PrimaryParser._parse_boolean,
    "FALSE": PrimaryParser._parse_boolean,
    "CASE": PrimaryParser._parse_case,
    "CAST": PrimaryParser._parse_cast,
    "ARRAY": PrimaryParser._parse_array,
    "MAP": PrimaryParser._parse_map,
    "STRUCT": PrimaryParser._parse_struct,
}
# ARRAY, MAP and STRUCT are also ordinary names unless the right bracket follows.
_CONSTRUCTORS = {"ARRAY": TokenType.LBRACKET, "MAP": TokenType.LPAREN, "STRUCT": TokenType.LPAREN}
_LITERALS_BY_TYPE: dict[TokenType, _LiteralRule] = {
    TokenType.STRING: PrimaryParser._parse_string,
    TokenType.INTEGER: PrimaryParser._parse_number,
    TokenType.DECIMAL: PrimaryParser._parse_number,
    TokenType.FLOAT: PrimaryParser._parse_number,
    TokenType.MINUS: PrimaryParser._parse_number,
    TokenType.VARIABLE: PrimaryParser._parse_variable,
}
_LITERALS_BY_KEYWORD: dict[str, _LiteralRule] = {
    "NULL": PrimaryParser._parse_null,
    "TRUE": PrimaryParser._parse_boolean,
    "FALSE": PrimaryParser._parse_boolean,
}
