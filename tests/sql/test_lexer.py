"""The lexer: token kinds by ANTLR's longest-match rules, values, keywords and positions."""

from __future__ import annotations

import pytest

from ksqlmv.sql.lexer import tokenize
from ksqlmv.sql.tokens import TokenType as T

KINDS = [
    (
        "1 12 1.5 .5 1. 1e5 1E5x 1.e3 -2.5E-3",
        [
            T.INTEGER,
            T.INTEGER,
            T.DECIMAL,
            T.DECIMAL,
            T.DECIMAL,
            T.FLOAT,
            T.DIGIT_IDENTIFIER,
            T.FLOAT,
            T.MINUS,
            T.FLOAT,
        ],
    ),
    (
        "12abc 1_000 1e+5x a.5",
        [T.DIGIT_IDENTIFIER, T.DIGIT_IDENTIFIER, T.FLOAT, T.WORD, T.WORD, T.DECIMAL],
    ),
    (
        "a->b => <= >= <> != || := = < > + - * / % ( ) [ ] , . ;",
        [
            T.WORD,
            T.ARROW,
            T.WORD,
            T.LAMBDA,
            T.LTE,
            T.GTE,
            T.NEQ,
            T.NEQ,
            T.CONCAT,
            T.ASSIGN,
            T.EQ,
            T.LT,
            T.GT,
            T.PLUS,
            T.MINUS,
            T.ASTERISK,
            T.SLASH,
            T.PERCENT,
            T.LPAREN,
            T.RPAREN,
            T.LBRACKET,
            T.RBRACKET,
            T.COMMA,
            T.DOT,
            T.SEMICOLON,
        ],
    ),
    (
        "'s' \"q\" `b` ${v} @ # $ { }",
        [
            T.STRING,
            T.QUOTED_IDENTIFIER,
            T.BACKQUOTED_IDENTIFIER,
            T.VARIABLE,
            T.UNRECOGNIZED,
            T.UNRECOGNIZED,
            T.UNRECOGNIZED,
            T.UNRECOGNIZED,
            T.UNRECOGNIZED,
        ],
    ),
    ("a--b\n-c /* x */ d /* open", [T.WORD, T.MINUS, T.WORD, T.WORD, T.UNRECOGNIZED, T.WORD]),
    ("MAP<STRING,ARRAY<INT>>", [T.WORD, T.LT, T.WORD, T.COMMA, T.WORD, T.LT, T.WORD, T.GT, T.GT]),
    ("'open", [T.UNRECOGNIZED, T.WORD]),
]


@pytest.mark.parametrize(("text", "kinds"), KINDS, ids=[case[0][:30] for case in KINDS])
def test_kinds(text: str, kinds: list[T]) -> None:
    tokens = tokenize(text)
    assert [token.type for token in tokens] == [*kinds, T.EOF]


VALUES = [
    ("'it''s'", "it's"),
    ('"Q""x"', 'Q"x'),
    ("`b``c`", "b`c"),
    ("${myVar}", "myVar"),
    ("select", "SELECT"),
    ("camelCase", "CAMELCASE"),
    ("1abc", "1ABC"),
]


@pytest.mark.parametrize(("text", "value"), VALUES)
def test_values(text: str, value: str) -> None:
    assert tokenize(text)[0].value == value


def test_keywords_are_marked_whatever_their_case() -> None:
    tokens = tokenize("Select foo From `select`")
    assert [token.keyword for token in tokens[:-1]] == ["SELECT", None, "FROM", None]


def test_positions_across_lines_strings_and_comments() -> None:
    text = "a /* one\ntwo */ b\n  'x\ny' c -- end\n\td"
    tokens = tokenize(text)
    assert [(t.text, t.line, t.column) for t in tokens] == [
        ("a", 1, 1),
        ("b", 2, 8),
        ("'x\ny'", 3, 3),
        ("c", 4, 4),
        ("d", 5, 2),
        ("", 5, 3),
    ]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_display_names_tokens_as_antlr_does() -> None:
    first, eof = tokenize("x")
    assert first.display() == "'x'"
    assert eof.display() == "'<EOF>'"
