"""Text to tokens, following the lexical rules of ksqlDB's grammar.

* Words and keywords ignore case; only ASCII letters, digits, `_` and `@` make up a word.
* `'...'` is a string (`''` inside is a quote); `"..."` and `` `...` `` are quoted identifiers
  (doubled quotes escape themselves); `${name}` is a variable reference.
* `1` is an INTEGER_VALUE, `1.5` and `.5` DECIMAL_VALUEs, `1E3` and `1.5e-2` FLOATING_POINT_VALUEs,
  and a digit followed by word characters (`1abc`) a DIGIT_IDENTIFIER; as in ANTLR, the longest
  match wins and a tie goes to the number.
* White space, `--` comments and `/* */` comments separate tokens and are dropped.
* Anything else becomes an UNRECOGNIZED token, which the parser reports where it stands; so does
  the opening quote of an unclosed string or identifier and the `/*` of an unclosed comment.

>>> [t.text for t in tokenize("SELECT a->b FROM s;")][:-1]
['SELECT', 'a', '->', 'b', 'FROM', 's', ';']
"""

from __future__ import annotations

import re

from ksqlmv.sql.tokens import KEYWORDS, Token, TokenType

__all__ = ["UNCLOSED", "tokenize"]

UNCLOSED = {
    "'": "unclosed string",
    '"': "unclosed quoted identifier",
    "`": "unclosed quoted identifier",
    "/*": "unclosed block comment",
}
"""What an UNRECOGNIZED token means when it opens a run that never closes."""

_OPERATORS: dict[str, TokenType] = {
    "<>": TokenType.NEQ,
    "!=": TokenType.NEQ,
    "<=": TokenType.LTE,
    ">=": TokenType.GTE,
    "||": TokenType.CONCAT,
    ":=": TokenType.ASSIGN,
    "->": TokenType.ARROW,
    "=>": TokenType.LAMBDA,
    "=": TokenType.EQ,
    "<": TokenType.LT,
    ">": TokenType.GT,
    "+": TokenType.PLUS,
    "-": TokenType.MINUS,
    "*": TokenType.ASTERISK,
    "/": TokenType.SLASH,
    "%": TokenType.PERCENT,
    "(": TokenType.LPAREN,
    ")": TokenType.RPAREN,
    "[": TokenType.LBRACKET,
    "]": TokenType.RBRACKET,
    ",": TokenType.COMMA,
    ".": TokenType.DOT,
    ";": TokenType.SEMICOLON,
}

# One pass over the text: the first alternative that matches decides the token kind. Numbers are
# handled apart (see _number) because ANTLR picks the longest of several candidates.
_MASTER = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<comment>--[^\r\n]*|/\*.*?\*/)
  | (?P<unclosed>/\*)
  | (?P<number>[0-9]|\.[0-9])
  | (?P<word>[A-Za-z_][A-Za-z0-9_@]*)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<backquoted>`(?:[^`]|``)*`)
  | (?P<variable>\$\{[A-Za-z_][A-Za-z0-9_@]*\})
  | (?P<operator><>|!=|<=|>=|\|\||:=|->|=>|[=<>+\-*/%()\[\],.;])
    """,
    re.VERBOSE | re.DOTALL,
)
_FLOAT = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")
_DECIMAL = re.compile(r"[0-9]+\.[0-9]*|\.[0-9]+")
_INTEGER = re.compile(r"[0-9]+")
_DIGIT_IDENTIFIER = re.compile(r"[0-9][A-Za-z0-9_@]+")
_NUMBER_CANDIDATES = (  # in ANTLR's rule order, which breaks ties
    (TokenType.INTEGER, _INTEGER),
    (TokenType.DECIMAL, _DECIMAL),
    (TokenType.FLOAT, _FLOAT),
    (TokenType.DIGIT_IDENTIFIER, _DIGIT_IDENTIFIER),
)


def tokenize(text: str) -> list[Token]:
    """Every token of `text`, ending with an EOF token."""
    tokens: list[Token] = []
    append = tokens.append
    line, line_start = 1, 0
    position, length = 0, len(text)
    while position < length:
        match = _MASTER.match(text, position)
        column = position - line_start + 1
        if match is None:
            append(_token(TokenType.UNRECOGNIZED, text[position], line, column, position))
            position += 1
            continue
        kind = match.lastgroup
        end = match.end()
        if kind == "unclosed":  # a block comment that never ends: reported where it starts
            append(_token(TokenType.UNRECOGNIZED, "/*", line, column, position))
            position = end
            continue
        if kind == "number":
            token = _number(text, position, line, column)
            append(token)
            position = token.end
            continue
        lexeme = match.group()
        if kind == "word":
            upper = lexeme.upper()
            keyword = upper if upper in KEYWORDS else None
            append(Token(TokenType.WORD, lexeme, upper, line, column, position, end, keyword))
        elif kind == "operator":
            append(_token(_OPERATORS[lexeme], lexeme, line, column, position))
        elif kind == "string":
            append(_quoted(TokenType.STRING, lexeme, "'", line, column, position))
        elif kind == "quoted":
            append(_quoted(TokenType.QUOTED_IDENTIFIER, lexeme, '"', line, column, position))
        elif kind == "backquoted":
            append(_quoted(TokenType.BACKQUOTED_IDENTIFIER, lexeme, "`", line, column, position))
        elif kind == "variable":
            append(Token(TokenType.VARIABLE, lexeme, lexeme[2:-1], line, column, position, end))
        newlines = lexeme.count("\n") if kind != "word" and kind != "operator" else 0
        if newlines:
            line += newlines
            line_start = position + lexeme.rfind("\n") + 1
        position = end
    append(Token(TokenType.EOF, "", "<EOF>", line, position - line_start + 1, length, length))
    return tokens


def _token(kind: TokenType, text: str, line: int, column: int, start: int) -> Token:
    return Token(kind, text, text, line, column, start, start + len(text))


def _quoted(kind: TokenType, lexeme: str, quote: str, line: int, column: int, start: int) -> Token:
    value = lexeme[1:-1].replace(quote + quote, quote)
    return Token(kind, lexeme, value, line, column, start, start + len(lexeme))


def _number(text: str, start: int, line: int, column: int) -> Token:
    """The number or digit identifier at `start`: the longest candidate, numbers winning ties."""
    best_kind, best_end = TokenType.UNRECOGNIZED, start + 1
    for kind, pattern in _NUMBER_CANDIDATES:
        match = pattern.match(text, start)
        if match is not None and (match.end() > best_end or best_kind is TokenType.UNRECOGNIZED):
            best_kind, best_end = kind, match.end()
    lexeme = text[start:best_end]
    value = lexeme.upper() if best_kind is TokenType.DIGIT_IDENTIFIER else lexeme
    return Token(best_kind, lexeme, value, line, column, start, best_end)
