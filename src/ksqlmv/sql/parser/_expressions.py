"""Expressions, with ksqlDB's operator precedence (loosest first):

    OR < AND < NOT < predicate (= <> < <= > >= BETWEEN IN LIKE IS) < || < + - < * / %
       < unary + - < postfix [i] and -> < primary

A predicate does not chain (`a = b = c` is an error, as in ksqlDB), binary operators associate to
the left, and a minus directly before a number is part of the number literal.
"""

from __future__ import annotations

from collections.abc import Callable

from ksqlmv.sql import ast
from ksqlmv.sql.parser._primary import NUMBER_TOKENS, PrimaryParser
from ksqlmv.sql.tokens import Token, TokenType

__all__ = ["ExpressionParser"]

_COMPARISONS = {
    TokenType.EQ: ast.ComparisonOperator.EQUAL,
    TokenType.NEQ: ast.ComparisonOperator.NOT_EQUAL,
    TokenType.LT: ast.ComparisonOperator.LESS_THAN,
    TokenType.LTE: ast.ComparisonOperator.LESS_THAN_OR_EQUAL,
    TokenType.GT: ast.ComparisonOperator.GREATER_THAN,
    TokenType.GTE: ast.ComparisonOperator.GREATER_THAN_OR_EQUAL,
}
_ADDITIVE = {
    TokenType.PLUS: ast.ArithmeticOperator.ADD,
    TokenType.MINUS: ast.ArithmeticOperator.SUBTRACT,
}
_MULTIPLICATIVE = {
    TokenType.ASTERISK: ast.ArithmeticOperator.MULTIPLY,
    TokenType.SLASH: ast.ArithmeticOperator.DIVIDE,
    TokenType.PERCENT: ast.ArithmeticOperator.MODULUS,
}
_SIGNS = {TokenType.PLUS: ast.UnarySign.PLUS, TokenType.MINUS: ast.UnarySign.MINUS}


class ExpressionParser(PrimaryParser):
    """Parses value and boolean expressions."""

    # ------------------------------------------------------------------------------ boolean level

    def _parse_expression(self) -> ast.Expression:
        return self._parse_or()

    def _parse_or(self) -> ast.Expression:
        left = self._parse_and()
        while self._token.keyword == "OR":
            token = self._advance()
            right = self._parse_and()
            left = ast.LogicalBinary(
                ast.LogicalOperator.OR, left, right, line=token.line, column=token.column
            )
        return left

    def _parse_and(self) -> ast.Expression:
        left = self._parse_not()
        while self._token.keyword == "AND":
            token = self._advance()
            right = self._parse_not()
            left = ast.LogicalBinary(
                ast.LogicalOperator.AND, left, right, line=token.line, column=token.column
            )
        return left

    def _parse_not(self) -> ast.Expression:
        if self._token.keyword == "NOT":
            token = self._advance()
            return ast.Not(self._parse_not(), line=token.line, column=token.column)
        return self._parse_predicated()

    # ---------------------------------------------------------------------------------- predicates

    def _parse_predicated(self) -> ast.Expression:
        start = self._token
        value = self._parse_value()
        token = self._token
        comparison = _COMPARISONS.get(token.type)
        if comparison is not None:
            self._advance()
            right = self._parse_value()
            return ast.Comparison(comparison, value, right, line=token.line, column=token.column)
        keyword = token.keyword
        if keyword is None:
            return value
        negated = keyword == "NOT" and self._peek().keyword in ("BETWEEN", "IN", "LIKE")
        if negated:
            self._advance()
            keyword = self._token.keyword
        parse = self._PREDICATES.get(keyword) if keyword else None
        if parse is None:
            return value
        result = parse(self, value, start)
        return ast.Not(result, line=start.line, column=start.column) if negated else result

    def _parse_between(self, value: ast.Expression, start: Token) -> ast.Expression:
        self._advance()
        lower = self._parse_value()
        self._expect_keyword("AND")
        upper = self._parse_value()
        return ast.Between(value, lower, upper, line=start.line, column=start.column)

    def _parse_in(self, value: ast.Expression, start: Token) -> ast.Expression:
        self._advance()
        self._expect(TokenType.LPAREN)
        items = [self._parse_expression()]
        while self._match(TokenType.COMMA):
            items.append(self._parse_expression())
        self._expect_closing(TokenType.RPAREN)
        return ast.InList(value, tuple(items), line=start.line, column=start.column)

    def _parse_like(self, value: ast.Expression, start: Token) -> ast.Expression:
        self._advance()
        pattern = self._parse_value()
        escape = None
        if self._match_keyword("ESCAPE"):
            token = self._expect(TokenType.STRING)
            escape = token.value
            if len(escape) != 1:
                raise self._error(
                    token,
                    f"Failed to prepare statement: Line: {token.line}, Col: {token.column}: "
                    f"Expected single character escape but got: {escape}",
                )
        return ast.Like(value, pattern, escape, line=start.line, column=start.column)

    def _parse_is(self, value: ast.Expression, start: Token) -> ast.Expression:
        self._advance()
        negated = self._match_keyword("NOT") is not None
        if self._match_keyword("NULL"):
            kind = ast.IsNotNull if negated else ast.IsNull
            return kind(value, line=start.line, column=start.column)
        if not self._at_keyword("DISTINCT"):
            self._fail(*(() if negated else ("'NOT'",)), "'NULL'", "'DISTINCT'")
        self._advance()
        self._expect_keyword("FROM")
        right = self._parse_value()
        result: ast.Expression = ast.Comparison(
            ast.ComparisonOperator.IS_DISTINCT_FROM,
            value,
            right,
            line=start.line,
            column=start.column,
        )
        if negated:
            result = ast.Not(result, line=start.line, column=start.column)
        return result

    _PREDICATES: dict[str, Callable[[ExpressionParser, ast.Expression, Token], ast.Expression]] = {
        "BETWEEN": _parse_between,
        "IN": _parse_in,
        "LIKE": _parse_like,
        "IS": _parse_is,
    }

    # ---------------------------------------------------------------------------------- arithmetic

    def _parse_value(self) -> ast.Expression:
        left = self._parse_additive()
        while self._token.type is TokenType.CONCAT:
            token = self._advance()
            right = self._parse_additive()
            left = ast.FunctionCall("CONCAT", (left, right), line=token.line, column=token.column)
        return left

    def _parse_additive(self) -> ast.Expression:
        left = self._parse_multiplicative()
        while (operator := _ADDITIVE.get(self._token.type)) is not None:
            token = self._advance()
            right = self._parse_multiplicative()
            left = ast.ArithmeticBinary(operator, left, right, line=token.line, column=token.column)
        return left

    def _parse_multiplicative(self) -> ast.Expression:
        left = self._parse_unary()
        while (operator := _MULTIPLICATIVE.get(self._token.type)) is not None:
            token = self._advance()
            right = self._parse_unary()
            left = ast.ArithmeticBinary(operator, left, right, line=token.line, column=token.column)
        return left

    def _parse_unary(self) -> ast.Expression:
        token = self._token
        sign = _SIGNS.get(token.type)
        if sign is None or (sign is ast.UnarySign.MINUS and self._peek().type in NUMBER_TOKENS):
            return self._parse_primary()
        self._advance()
        operand = self._parse_unary()
        return ast.ArithmeticUnary(sign, operand, line=token.line, column=token.column)
