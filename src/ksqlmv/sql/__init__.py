"""The KSQL front end: pure functions of text (splitting, lexing, parsing, formatting)."""

from __future__ import annotations

from ksqlmv.sql.splitter import SplitStatement as SplitStatement
from ksqlmv.sql.splitter import split_statements as split_statements

__all__ = ["SplitStatement", "split_statements"]
