"""Expressions: literals typed as ksqlDB types them, operator precedence, and every form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ksqlmv.sql import ast
from ksqlmv.sql import types as t
from ksqlmv.sql.parser import parse_expression

A, B, C = ast.ColumnRef("A"), ast.ColumnRef("B"), ast.ColumnRef("C")
ONE, TWO, THREE = ast.IntegerLiteral(1), ast.IntegerLiteral(2), ast.IntegerLiteral(3)
Op = ast.ArithmeticOperator
Cmp = ast.ComparisonOperator


def arith(
    op: ast.ArithmeticOperator, left: ast.Expression, right: ast.Expression
) -> ast.Expression:
    return ast.ArithmeticBinary(op, left, right)


def logic(op: str, left: ast.Expression, right: ast.Expression) -> ast.Expression:
    return ast.LogicalBinary(ast.LogicalOperator(op), left, right)


def cmp(op: ast.ComparisonOperator, left: ast.Expression, right: ast.Expression) -> ast.Expression:
    return ast.Comparison(op, left, right)


LITERALS = [
    ("1", ast.IntegerLiteral(1)),
    ("2147483647", ast.IntegerLiteral(2147483647)),
    ("-2147483648", ast.IntegerLiteral(-2147483648)),
    ("2147483648", ast.LongLiteral(2147483648)),
    ("-9223372036854775808", ast.LongLiteral(-(2**63))),
    ("1.5", ast.DecimalLiteral(Decimal("1.5"))),
    ("1.50", ast.DecimalLiteral(Decimal("1.50"))),
    (".5", ast.DecimalLiteral(Decimal("0.5"))),
    ("1.5E2", ast.DoubleLiteral(150.0)),
    ("1e-3", ast.DoubleLiteral(0.001)),
    ("-2.5e1", ast.DoubleLiteral(-25.0)),
    ("'it''s'", ast.StringLiteral("it's")),
    ("''", ast.StringLiteral("")),
    ("true", ast.BooleanLiteral(True)),
    ("FALSE", ast.BooleanLiteral(False)),
    ("null", ast.NullLiteral()),
    ("`DECIMAL` '10.25'", ast.DecimalLiteral(Decimal("10.25"))),
]


@pytest.mark.parametrize(("text", "expected"), LITERALS)
def test_literals(text: str, expected: ast.Expression) -> None:
    parsed = parse_expression(text)
    assert parsed == expected
    assert type(parsed) is type(expected)


def test_decimal_literals_keep_their_scale() -> None:
    parsed = parse_expression("1.50")
    assert isinstance(parsed, ast.DecimalLiteral)
    assert parsed.value.as_tuple().exponent == -2


PRECEDENCE = [
    ("a + b * c", arith(Op.ADD, A, arith(Op.MULTIPLY, B, C))),
    ("a * b + c", arith(Op.ADD, arith(Op.MULTIPLY, A, B), C)),
    ("a - b - c", arith(Op.SUBTRACT, arith(Op.SUBTRACT, A, B), C)),
    ("a / b % c", arith(Op.MODULUS, arith(Op.DIVIDE, A, B), C)),
    ("(a + b) * c", arith(Op.MULTIPLY, arith(Op.ADD, A, B), C)),
    ("-a * b", arith(Op.MULTIPLY, ast.ArithmeticUnary(ast.UnarySign.MINUS, A), B)),
    ("a - -1", arith(Op.SUBTRACT, A, ast.IntegerLiteral(-1))),
    ("a -1", arith(Op.SUBTRACT, A, ONE)),
    ("+a", ast.ArithmeticUnary(ast.UnarySign.PLUS, A)),
    ("a || b + c", ast.FunctionCall("CONCAT", (A, arith(Op.ADD, B, C)))),
    ("a || b || c", ast.FunctionCall("CONCAT", (ast.FunctionCall("CONCAT", (A, B)), C))),
    (
        "a = 1 OR b = 2 AND c",
        logic("OR", cmp(Cmp.EQUAL, A, ONE), logic("AND", cmp(Cmp.EQUAL, B, TWO), C)),
    ),
    ("NOT a AND b", logic("AND", ast.Not(A), B)),
    ("NOT a = b", ast.Not(cmp(Cmp.EQUAL, A, B))),
    ("a + 1 > b * 2", cmp(Cmp.GREATER_THAN, arith(Op.ADD, A, ONE), arith(Op.MULTIPLY, B, TWO))),
    ("a <> b", cmp(Cmp.NOT_EQUAL, A, B)),
    ("a != b", cmp(Cmp.NOT_EQUAL, A, B)),
    ("a <= b", cmp(Cmp.LESS_THAN_OR_EQUAL, A, B)),
    ("a >= b", cmp(Cmp.GREATER_THAN_OR_EQUAL, A, B)),
    ("a < b", cmp(Cmp.LESS_THAN, A, B)),
    ("a BETWEEN 1 AND 2 AND b", logic("AND", ast.Between(A, ONE, TWO), B)),
    ("a NOT BETWEEN 1 AND 2", ast.Not(ast.Between(A, ONE, TWO))),
    ("a IN (1, 2, 3)", ast.InList(A, (ONE, TWO, THREE))),
    ("a NOT IN (1)", ast.Not(ast.InList(A, (ONE,)))),
    ("a LIKE 'x%'", ast.Like(A, ast.StringLiteral("x%"))),
    ("a NOT LIKE 'x!%' ESCAPE '!'", ast.Not(ast.Like(A, ast.StringLiteral("x!%"), "!"))),
    ("a IS NULL", ast.IsNull(A)),
    ("a IS NOT NULL", ast.IsNotNull(A)),
    ("a IS DISTINCT FROM b", cmp(Cmp.IS_DISTINCT_FROM, A, B)),
    ("a IS NOT DISTINCT FROM b", ast.Not(cmp(Cmp.IS_DISTINCT_FROM, A, B))),
    ("a->b->c", ast.Dereference(ast.Dereference(A, "B"), "C")),
    ("a[1]->b", ast.Dereference(ast.Subscript(A, ONE), "B")),
    ("a->`b`[-1]", ast.Subscript(ast.Dereference(A, "b"), ast.IntegerLiteral(-1))),
    ("s.a->b", ast.Dereference(ast.ColumnRef("A", "S"), "B")),
    ("-a->b", ast.ArithmeticUnary(ast.UnarySign.MINUS, ast.Dereference(A, "B"))),
]


@pytest.mark.parametrize(("text", "expected"), PRECEDENCE)
def test_precedence(text: str, expected: ast.Expression) -> None:
    assert parse_expression(text) == expected


FORMS = [
    (
        "CASE WHEN a THEN 1 WHEN b THEN 2 END",
        ast.SearchedCase((ast.WhenClause(A, ONE), ast.WhenClause(B, TWO))),
    ),
    ("CASE a WHEN 1 THEN b ELSE c END", ast.SimpleCase(A, (ast.WhenClause(ONE, B),), C)),
    ("CAST(a AS DECIMAL(4, 2))", ast.Cast(A, t.DecimalType(4, 2))),
    (
        "CAST(a AS ARRAY<MAP<STRING, BIGINT>>)",
        ast.Cast(A, t.ArrayType(t.MapType(t.STRING, t.BIGINT))),
    ),
    ("CAST(a AS my_type)", ast.Cast(A, ast.TypeRef("MY_TYPE"))),
    ("ARRAY[1, 2]", ast.CreateArray((ONE, TWO))),
    ("ARRAY[]", ast.CreateArray(())),
    (
        "MAP('k' := 1, 'j' := 2)",
        ast.CreateMap(((ast.StringLiteral("k"), ONE), (ast.StringLiteral("j"), TWO))),
    ),
    ("MAP()", ast.CreateMap(())),
    ("MAP(a)", ast.FunctionCall("MAP", (A,))),
    (
        "STRUCT(f := 1, `g` := a)",
        ast.CreateStruct((ast.StructFieldValue("F", ONE), ast.StructFieldValue("g", A))),
    ),
    ("STRUCT()", ast.CreateStruct(())),
    ("COUNT(*)", ast.FunctionCall("COUNT", ())),
    ("count()", ast.FunctionCall("COUNT", ())),
    ("COUNT(DISTINCT a)", ast.FunctionCall("COUNT", (A,), distinct=True)),
    ("`myFn`(a, 1)", ast.FunctionCall("myFn", (A, ONE))),
    (
        "TIMESTAMPADD(MILLISECONDS, 5, a)",
        ast.FunctionCall(
            "TIMESTAMPADD", (ast.IntervalUnit(ast.TimeUnit.MILLISECONDS), ast.IntegerLiteral(5), A)
        ),
    ),
    (
        "DATESUB(DAYS, 1, a)",
        ast.FunctionCall("DATESUB", (ast.IntervalUnit(ast.TimeUnit.DAYS), ONE, A)),
    ),
    (
        "TRANSFORM(a, x => x + 1)",
        ast.FunctionCall(
            "TRANSFORM", (A, ast.Lambda(("X",), arith(Op.ADD, ast.LambdaVariable("X"), ONE)))
        ),
    ),
    (
        "REDUCE(a, 0, (s, x) => s + x)",
        ast.FunctionCall(
            "REDUCE",
            (
                A,
                ast.IntegerLiteral(0),
                ast.Lambda(
                    ("S", "X"), arith(Op.ADD, ast.LambdaVariable("S"), ast.LambdaVariable("X"))
                ),
            ),
        ),
    ),
    (
        "TRANSFORM(m, (k, v) => k, (k, v) => v + a)",
        ast.FunctionCall(
            "TRANSFORM",
            (
                ast.ColumnRef("M"),
                ast.Lambda(("K", "V"), ast.LambdaVariable("K")),
                ast.Lambda(("K", "V"), arith(Op.ADD, ast.LambdaVariable("V"), A)),
            ),
        ),
    ),
    ('"Quoted" + `back``tick`', arith(Op.ADD, ast.ColumnRef("Quoted"), ast.ColumnRef("back`tick"))),
    ("key + timestamp", arith(Op.ADD, ast.ColumnRef("KEY"), ast.ColumnRef("TIMESTAMP"))),
    ("1abc", ast.ColumnRef("1ABC")),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_forms(text: str, expected: ast.Expression) -> None:
    assert parse_expression(text) == expected


def test_positions_point_at_each_node() -> None:
    parsed = parse_expression("a +\n  foo(b, 'x')")
    assert isinstance(parsed, ast.ArithmeticBinary)
    assert (parsed.line, parsed.column) == (1, 3)
    assert (parsed.left.line, parsed.left.column) == (1, 1)
    call = parsed.right
    assert (call.line, call.column) == (2, 3)
    assert isinstance(call, ast.FunctionCall)
    assert [(arg.line, arg.column) for arg in call.args] == [(2, 7), (2, 10)]
