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
from bisect import bisect_right

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

# One match per token: white space and comments before it are skipped by the leading group, and
# the named group that matched decides the kind. Numbers are finished apart (see _number) because
# ANTLR picks the longest of several candidates there.
_MASTER = re.compile(
    r"""
    (?:[ \t\r\n]+|--[^\r\n]*|/\*.*?\*/)*
    (?:
      (?P<word>[A-Za-z_][A-Za-z0-9_@]*)
    | (?P<operator><>|!=|<=|>=|\|\||:=|->|=>|[=<>+\-*%()\[\],;]|/(?!\*)|\.(?![0-9]))
    | (?P<number>[0-9]|\.[0-9])
    | (?P<string>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")*")
    | (?P<backquoted>`(?:[^`]|``)*`)
    | (?P<variable>\$\{[A-Za-z_][A-Za-z0-9_@]*\})
    | (?P<unclosed>/\*)
    | (?P<end>\Z)
    | (?P<other>.)
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_NEWLINE = re.compile("\n")
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
_QUOTES = {
    "string": (TokenType.STRING, "'"),
    "quoted": (TokenType.QUOTED_IDENTIFIER, '"'),
    "backquoted": (TokenType.BACKQUOTED_IDENTIFIER, "`"),
}


def tokenize(text: str) -> list[Token]:
    """Every token of `text`, ending with an EOF token."""
    tokens: list[Token] = []
    append = tokens.append
    # Offsets where lines start; a token's line is found by bisection, its column by subtraction.
    starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
    last_line = len(starts)
    line, line_start, next_start = 1, 0, starts[1] if last_line > 1 else len(text) + 1
    match_at = _MASTER.match
    keywords = KEYWORDS
    position = 0
    while True:
        match = match_at(text, position)
        assert match is not None  # the `end` and `other` groups match anywhere
        kind = match.lastgroup or "end"
        start, end = match.span(kind)
        if start >= next_start:
            line = bisect_right(starts, start)
            line_start = starts[line - 1]
            next_start = starts[line] if line < last_line else len(text) + 1
        column = start - line_start + 1
        if kind == "word":
            lexeme = text[start:end]
            upper = lexeme.upper()
            keyword = upper if upper in keywords else None
            append(Token(TokenType.WORD, lexeme, upper, line, column, start, end, keyword))
        elif kind == "operator":
            lexeme = text[start:end]
            append(Token(_OPERATORS[lexeme], lexeme, lexeme, line, column, start, end))
        elif kind == "number":
            token = _number(text, start, line, column)
            append(token)
            end = token.end
        elif kind == "end":
            append(Token(TokenType.EOF, "", "<EOF>", line, column, start, start))
            return tokens
        elif kind in _QUOTES:
            lexeme = text[start:end]
            token_type, quote = _QUOTES[kind]
            value = lexeme[1:-1].replace(quote + quote, quote)
            append(Token(token_type, lexeme, value, line, column, start, end))
        elif kind == "variable":
            lexeme = text[start:end]
            append(Token(TokenType.VARIABLE, lexeme, lexeme[2:-1], line, column, start, end))
        else:  # an unclosed block comment, or a character no token starts with
            lexeme = text[start:end]
            append(Token(TokenType.UNRECOGNIZED, lexeme, lexeme, line, column, start, end))
        position = end


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
