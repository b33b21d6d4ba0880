"""Regular expressions with Java's syntax and semantics, and the REGEXP_* functions.

ksqlDB compiles patterns with `java.util.regex.Pattern`; `java_pattern` translates one to Python's
`re`: ASCII-only `\\d \\w \\s \\b` and case folding (Java's defaults), `\\z` and `\\Z`, `\\Q...\\E`
quoting, `(?<name>...)` groups, POSIX classes `\\p{Alpha}` and the Unicode categories `\\p{L}`.
Replacement strings use Java's `$1` / `${name}` references and `\\` escapes.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.categories import REGULAR_EXPRESSION
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import FunctionError

__all__ = ["FUNCTIONS", "java_pattern", "java_replace"]

_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
    "javaLowerCase": "Ll",
    "javaUpperCase": "Lu",
    "javaWhitespace": " \\t\\n\\x0b\\f\\r\\x1c-\\x1f",
}
_CATEGORY_ALIASES = {
    "Alphabetic": "L",
    "Letter": "L",
    "Digit": "Nd",
    "Uppercase": "Lu",
    "Lowercase": "Ll",
    "Punctuation": "P",
    "White_Space": "Zs",
    "Whitespace": "Zs",
}


@functools.cache
def _category_ranges(prefix: str) -> str:
    """A character-class body matching every code point whose category starts with `prefix`."""
    ranges: list[str] = []
    start = -1
    for code in range(sys.maxunicode + 1):
        inside = unicodedata.category(chr(code)).startswith(prefix)
        if inside and start < 0:
            start = code
        elif not inside and start >= 0:
            ranges.append(_class_range(start, code - 1))
            start = -1
    if start >= 0:
        ranges.append(_class_range(start, sys.maxunicode))
    return "".join(ranges)


def _class_range(first: int, last: int) -> str:
    def esc(code: int) -> str:
        return f"\\U{code:08x}"

    return esc(first) if first == last else f"{esc(first)}-{esc(last)}"


def _property(name: str) -> str:
    """The class body for `\\p{name}`."""
    if name in _POSIX:
        body = _POSIX[name]
        return _category_ranges(body) if body in ("Ll", "Lu") else body
    key = name
    for prefix in ("Is", "general_category=", "gc="):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    key = _CATEGORY_ALIASES.get(key, key)
    if len(key) in (1, 2) and key[0] in "LMNPSZC":
        return _category_ranges(key)
    raise FunctionError(f"Unknown character property name {{{name}}} near index 0")


def _translate(pattern: str) -> str:
    out: list[str] = []
    pos = 0
    depth = 0  # inside a character class
    size = len(pattern)
    while pos < size:
        ch = pattern[pos]
        if ch == "\\" and pos + 1 < size:
            nxt = pattern[pos + 1]
            if nxt == "Q":
                end = pattern.find("\\E", pos + 2)
                literal = pattern[pos + 2 : end if end >= 0 else size]
                out.append(re.escape(literal))
                pos = size if end < 0 else end + 2
                continue
            if nxt in "pP" and pos + 2 < size:
                if pattern[pos + 2] == "{":
                    end = pattern.find("}", pos + 3)
                    if end < 0:
                        raise FunctionError(f"Unclosed character family near index {pos}")
                    name = pattern[pos + 3 : end]
                else:
                    end = pos + 2
                    name = pattern[pos + 2]
                body = _property(name)
                if depth:
                    if nxt == "P":
                        raise FunctionError(f"Unsupported negated property inside a class: {name}")
                    out.append(body)
                else:
                    out.append(("[^" if nxt == "P" else "[") + body + "]")
                pos = end + 1
                continue
            if nxt == "z":
                out.append("\\Z")
            elif nxt == "Z":
                out.append("(?=\\n?\\Z)")
            elif nxt == "h":
                out.append("[ \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]")
            elif nxt == "R":
                out.append("(?:\\r\\n|[\\n\\x0b\\f\\r\\x85\\u2028\\u2029])")
            elif nxt == "e":
                out.append("\\x1b")
            elif nxt == "c" and pos + 2 < size:
                out.append(f"\\x{ord(pattern[pos + 2]) ^ 64:02x}")
                pos += 3
                continue
            else:
                out.append(ch + nxt)
            pos += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif (
            ch == "("
            and not depth
            and pattern.startswith("(?<", pos)
            and pos + 3 < size
            and (pattern[pos + 3] not in "=!")
        ):
            out.append("(?P<")
            pos += 3
            continue
        out.append(ch)
        pos += 1
    return "".join(out)


@functools.lru_cache(maxsize=1000)
def java_pattern(pattern: str) -> re.Pattern[str]:
    """`Pattern.compile(pattern)` as a Python pattern; FunctionError when invalid."""
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except re.error as error:
        raise FunctionError(f"Invalid regular expression pattern: {pattern} ({error})") from None


def _replacement(pattern: re.Pattern[str], text: str) -> Callable[[re.Match[str]], str]:
    """A re.sub callable applying Java's replacement syntax ($1, ${name}, \\$)."""
    parts: list[str | int] = []
    pos = 0
    literal: list[str] = []
    while pos < len(text):
        ch = text[pos]
        if ch == "\\":
            pos += 1
            if pos >= len(text):
                raise FunctionError("character to be escaped is missing")
            literal.append(text[pos])
            pos += 1
            continue
        if ch != "$":
            literal.append(ch)
            pos += 1
            continue
        pos += 1
        if pos >= len(text):
            raise FunctionError("Illegal group reference: group index is missing")
        if literal:
            parts.append("".join(literal))
            literal = []
        if text[pos] == "{":
            end = text.find("}", pos)
            if end < 0:
                raise FunctionError("named capturing group is missing trailing '}'")
            name = text[pos + 1 : end]
            if name not in pattern.groupindex:
                raise FunctionError(f"No group with name {{{name}}}")
            parts.append(pattern.groupindex[name])
            pos = end + 1
            continue
        if not text[pos].isdigit():
            raise FunctionError("Illegal group reference")
        number = int(text[pos])
        pos += 1
        # take more digits while they still name an existing group
        while pos < len(text) and text[pos].isdigit():
            candidate = number * 10 + int(text[pos])
            if candidate > pattern.groups:
                break
            number = candidate
            pos += 1
        if number > pattern.groups:
            raise FunctionError(f"No group {number}")
        parts.append(number)
    if literal:
        parts.append("".join(literal))

    def expand(match: re.Match[str]) -> str:
        return "".join(
            part if isinstance(part, str) else (match.group(part) or "") for part in parts
        )

    return expand


def java_replace(text: str, pattern: str, replacement: str) -> str:
    """`String.replaceAll(pattern, replacement)`."""
    compiled = java_pattern(pattern)
    return compiled.sub(_replacement(compiled, replacement), text)


def _extract(pattern: str | None, text: str | None, group: int | None = 0) -> str | None:
    if pattern is None or text is None or group is None:
        return None
    compiled = java_pattern(pattern)
    if group > compiled.groups:
        return None
    match = compiled.search(text)
    return None if match is None else match.group(group)


def _extract_all(pattern: str | None, text: str | None, group: int | None = 0) -> list[str] | None:
    if pattern is None or text is None or group is None:
        return None
    compiled = java_pattern(pattern)
    if group > compiled.groups:
        return None
    return [match.group(group) for match in compiled.finditer(text)]


def _replace(text: str | None, pattern: str | None, replacement: str | None) -> str | None:
    if text is None or pattern is None or replacement is None:
        return None
    return java_replace(text, pattern, replacement)


def _java_split(compiled: re.Pattern[str], text: str) -> list[str]:
    # Pattern.split(text): no leading empty string for a zero-width match at the start, and
    # trailing empty strings removed
    if not text:
        return [text]
    pieces: list[str] = []
    start = 0
    for match in compiled.finditer(text):
        if match.end() == 0:
            continue
        if match.start() == match.end() == len(text):
            continue
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    while len(pieces) > 1 and pieces[-1] == "":
        pieces.pop()
    if len(pieces) == 1 and pieces[0] == "" and text:
        return []
    return pieces


def _split(text: str | None, pattern: str | None) -> list[str] | None:
    if text is None or pattern is None:
        return None
    compiled = java_pattern(pattern)
    if not pattern or compiled.fullmatch(""):
        return _java_split(compiled, text)
    # Guava's Splitter keeps every piece, empty ones included
    return _splitter(compiled, text)


def _splitter(compiled: re.Pattern[str], text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in compiled.finditer(text):
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


_PATTERN = "The regex pattern"
_INPUT = "The input string to apply regex on"
_GROUP = "The capturing group number"

FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "regexp_extract",
        REGULAR_EXPRESSION,
        "extract the first subtring matched by a regex pattern",
        overload(
            [param("pattern", p.STRING, _PATTERN), param("input", p.STRING, _INPUT)],
            p.STRING,
            _extract,
            "Returns first substring of the input that matches the given regex pattern",
        ),
        overload(
            [
                param("pattern", p.STRING, _PATTERN),
                param("input", p.STRING, _INPUT),
                param("group", p.INT, _GROUP),
            ],
            p.STRING,
            _extract,
            "Returns the first substring of the input that matches the regex pattern and the "
            "capturing group number specified",
        ),
    ),
    scalar(
        "regexp_extract_all",
        REGULAR_EXPRESSION,
        "Extracts the all subtrings matched by a regex pattern",
        overload(
            [param("pattern", p.STRING, _PATTERN), param("input", p.STRING, _INPUT)],
            p.array(p.STRING),
            _extract_all,
            "Returns all substrings of the input that matches the given regex pattern",
        ),
        overload(
            [
                param("pattern", p.STRING, _PATTERN),
                param("input", p.STRING, _INPUT),
                param("group", p.INT, _GROUP),
            ],
            p.array(p.STRING),
            _extract_all,
            "Returns all substrings of the input that matches the regex pattern and the "
            "capturing group number specified",
        ),
    ),
    scalar(
        "regexp_replace",
        REGULAR_EXPRESSION,
        "Replaces all matches of a regexp in a string with a new substring.",
        overload(
            [
                param("str", p.STRING, "The source string. If null, then function returns null."),
                param(
                    "regexp", p.STRING, "The regexp to match. If null, then function returns null."
                ),
                param(
                    "newStr",
                    p.STRING,
                    "The string to replace the matches with. If null, then function returns null.",
                ),
            ],
            p.STRING,
            _replace,
            "Returns a new string with all matches of regexp in str replaced with newStr",
        ),
    ),
    scalar(
        "regexp_split_to_array",
        REGULAR_EXPRESSION,
        "Splits a string into an array of substrings based on a regexp. If the regexp is found "
        "at the beginning of the string, end of the string, or there are contiguous matches in "
        "the string, then empty strings are added to the array. If the regexp is not found, then "
        "the original string is returned as the only element in the array. If the regexp is "
        "empty, then all characters in the string are split.",
        overload(
            [
                param(
                    "string",
                    p.STRING,
                    "The string to be split. If NULL, then function returns NULL.",
                ),
                param(
                    "regexp",
                    p.STRING,
                    "The regular expression to split the string by. If NULL, "
                    "then function returns NULL.",
                ),
            ],
            p.array(p.STRING),
            _split,
            "Splits a string into an array of substrings based on a regexp.",
        ),
    ),
)
