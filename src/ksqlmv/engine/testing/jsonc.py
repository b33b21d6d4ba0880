"""JSON with `//` and `/* */` comments, as ksqlDB's test files are written (Jackson ALLOW_COMMENTS).

Numbers with a fraction or exponent load as `decimal.Decimal`, so `1.50` keeps its scale the way
Jackson's exact BigDecimal nodes do; integers load as `int`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["load_jsonc", "loads_jsonc", "strip_comments"]


def strip_comments(text: str) -> str:
    """`text` without comments; string literals (and comment markers inside them) are kept."""
    out: list[str] = []
    i = 0
    n = len(text)
    start = 0
    while i < n:
        char = text[i]
        if char == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if char == "/" and i + 1 < n and text[i + 1] in "/*":
            out.append(text[start:i])
            if text[i + 1] == "/":
                end = text.find("\n", i)
                i = n if end < 0 else end
            else:
                end = text.find("*/", i + 2)
                i = n if end < 0 else end + 2
            start = i
            continue
        i += 1
    out.append(text[start:])
    return "".join(out)


def loads_jsonc(text: str) -> Any:
    """Parse JSON-with-comments text."""
    return json.loads(strip_comments(text), parse_float=Decimal)


def load_jsonc(path: Path) -> Any:
    """Parse a JSON-with-comments file."""
    return loads_jsonc(path.read_text(encoding="utf-8"))
