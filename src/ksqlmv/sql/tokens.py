"""The tokens of KSQL, and which words are keywords (and which of those are reserved).

Keywords are matched without regard to case. A reserved keyword cannot be an identifier unless
quoted; a non-reserved keyword (`KEY`, `TIMESTAMP`, `ID`, ...) can, as in ksqlDB's grammar.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

__all__ = ["KEYWORDS", "NON_RESERVED", "Token", "TokenType"]


class TokenType(enum.Enum):
    """Kinds of token, valued by the name ANTLR's ksqlDB grammar gives them in error messages.

    Words (keywords or not) are `WORD`; `Token.keyword` tells them apart.
    """

    WORD = "IDENTIFIER"
    QUOTED_IDENTIFIER = "QUOTED_IDENTIFIER"
    BACKQUOTED_IDENTIFIER = "BACKQUOTED_IDENTIFIER"
    DIGIT_IDENTIFIER = "DIGIT_IDENTIFIER"
    VARIABLE = "VARIABLE"
    STRING = "STRING"
    INTEGER = "INTEGER_VALUE"
    DECIMAL = "DECIMAL_VALUE"
    FLOAT = "FLOATING_POINT_VALUE"
    EQ = "'='"
    NEQ = "'<>'"
    LT = "'<'"
    LTE = "'<='"
    GT = "'>'"
    GTE = "'>='"
    PLUS = "'+'"
    MINUS = "'-'"
    ASTERISK = "'*'"
    SLASH = "'/'"
    PERCENT = "'%'"
    CONCAT = "'||'"
    ASSIGN = "':='"
    ARROW = "'->'"
    LAMBDA = "'=>'"
    LPAREN = "'('"
    RPAREN = "')'"
    LBRACKET = "'['"
    RBRACKET = "']'"
    COMMA = "','"
    DOT = "'.'"
    SEMICOLON = "';'"
    UNRECOGNIZED = "UNRECOGNIZED"
    EOF = "<EOF>"

    # Members are singletons compared by identity, so identity hashing is exact, and it is much
    # cheaper than Enum's name-based hash in the parser's dispatch tables.
    __hash__ = object.__hash__


class Token(NamedTuple):
    """One token: its kind, its text as written, and where it starts (1-based line and column).

    An immutable named tuple rather than a frozen dataclass: a statement has dozens of tokens and a
    named tuple is built four times faster.

    `value` is the text with quoting resolved: a `WORD` upper-cased, a quoted identifier or string
    without its quotes and with doubled quotes halved, a variable's name without `${}`. `keyword`
    is the upper-cased word when a `WORD` is a keyword, else None. `start`/`end` are offsets into
    the lexed text.
    """

    type: TokenType
    text: str
    value: str
    line: int
    column: int
    start: int
    end: int
    keyword: str | None = None

    def display(self) -> str:
        """The token as ANTLR shows it in error messages: `'text'`, or `'<EOF>'`."""
        if self.type is TokenType.EOF:
            return "'<EOF>'"
        return "'" + self.text.replace("\n", "\\n").replace("\t", "\\t") + "'"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


KEYWORDS = _words(
    """
    EMIT CHANGES FINAL SELECT FROM AS ALL DISTINCT WHERE WITHIN WINDOW GROUP BY HAVING LIMIT AT
    OR AND IN NOT EXISTS BETWEEN LIKE ESCAPE IS NULL TRUE FALSE INTEGER DATE TIME TIMESTAMP
    INTERVAL YEAR MONTH DAY HOUR MINUTE SECOND MILLISECOND YEARS MONTHS DAYS HOURS MINUTES
    SECONDS MILLISECONDS ZONE TUMBLING HOPPING SIZE ADVANCE RETENTION GRACE PERIOD CASE WHEN
    THEN ELSE END JOIN FULL OUTER INNER LEFT RIGHT ON PARTITION STRUCT WITH VALUES CREATE TABLE
    TOPIC STREAM STREAMS INSERT DELETE INTO DESCRIBE EXTENDED PRINT EXPLAIN ANALYZE TYPE TYPES
    CAST SHOW LIST TABLES TOPICS QUERY QUERIES TERMINATE PAUSE RESUME LOAD COLUMNS COLUMN
    PARTITIONS FUNCTIONS FUNCTION DROP TO RENAME ARRAY MAP SET DEFINE UNDEFINE RESET SESSION
    SAMPLE EXPORT CATALOG PROPERTIES BEGINNING UNSET RUN SCRIPT DECIMAL KEY CONNECTOR CONNECTORS
    SINK SOURCE NAMESPACE MATERIALIZED VIEW PRIMARY REPLACE ASSERT ADD ALTER VARIABLES PLUGINS
    HEADERS HEADER SYSTEM TIMEOUT SCHEMA SUBJECT ID IF STRING
    """
)
"""Every keyword of the grammar. `STRING` is one too: the type name, not a string literal."""

NON_RESERVED = _words(
    """
    SHOW TABLES COLUMNS COLUMN PARTITIONS FUNCTIONS FUNCTION SESSION STRUCT MAP ARRAY PARTITION
    INTEGER DATE TIME TIMESTAMP INTERVAL ZONE STRING YEAR MONTH DAY HOUR MINUTE SECOND EXPLAIN
    ANALYZE TYPE TYPES SET RESET IF SOURCE SINK PRIMARY KEY EMIT CHANGES FINAL ESCAPE REPLACE
    ASSERT ALTER ADD HEADER HEADERS GRACE PERIOD DEFINE UNDEFINE VARIABLES PLUGINS SYSTEM
    TIMEOUT SCHEMA SUBJECT ID
    """
)
"""Keywords that may still be used as unquoted identifiers."""
