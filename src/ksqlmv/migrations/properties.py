"""Java `.properties` text, as `java.util.Properties.load` reads it.

ksql-migrations reads `ksql-migrations.properties` and the `--headers` file this way, so ksqlmv
does too: `#` and `!` start comments, a key ends at the first unescaped `=`, `:` or white space,
a line ending in an odd number of backslashes continues on the next, and `\\t`, `\\n`, `\\uXXXX`
and `\\<char>` escapes are resolved in keys and values.

>>> read_properties("a = 1\\nb: two \\\\\\n   words\\n# c=3\\n")
{'a': '1', 'b': 'two words'}
"""

from __future__ import annotations

from pathlib import Path

from ksqlmv.errors import ConfigError

__all__ = ["load_properties", "read_properties"]

_SEPARATORS = "=:"
_WHITESPACE = " \t\f"
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def load_properties(path: Path) -> dict[str, str]:
    """Read a properties file; a missing or unreadable file is a `ConfigError` naming it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from error
    # Properties files are ISO-8859-1 in Java 8 and UTF-8 from Java 9 on; UTF-8 first, as ksqlDB's
    # own loader does today, and Latin-1 for old files that are not valid UTF-8.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    try:
        return read_properties(text)
    except ValueError as error:
        raise ConfigError(f"{path}: {error}") from error


def read_properties(text: str) -> dict[str, str]:
    """Parse properties text into a dictionary; later keys win, as in Java."""
    result: dict[str, str] = {}
    for number, line in _logical_lines(text):
        key, value = _split_entry(line)
        try:
            result[_unescape(key)] = _unescape(value)
        except ValueError as error:
            raise ValueError(f"line {number}: {error}") from None
    return result


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join continued lines; drop blank and comment lines. Yields (first line number, text)."""
    lines: list[tuple[int, str]] = []
    pending: str | None = None
    start = 0
    for number, physical in enumerate(text.splitlines(), start=1):
        stripped = physical.lstrip(_WHITESPACE)
        if pending is None:
            if not stripped or stripped[0] in "#!":
                continue
            pending, start = "", number
        pending += stripped
        if _continues(pending):
            pending = pending[:-1]
            continue
        lines.append((start, pending))
        pending = None
    if pending:
        lines.append((start, pending))
    return lines


def _continues(line: str) -> bool:
    """True when the line ends in an odd number of backslashes."""
    count = len(line) - len(line.rstrip("\\"))
    return count % 2 == 1


def _split_entry(line: str) -> tuple[str, str]:
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            continue
        if char in _SEPARATORS or char in _WHITESPACE:
            break
        index += 1
    key = line[:index]
    rest = line[index:].lstrip(_WHITESPACE)
    if rest and rest[0] in _SEPARATORS:
        rest = rest[1:].lstrip(_WHITESPACE)
    return key, rest


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        escaped = text[index + 1]
        if escaped == "u":
            digits = text[index + 2 : index + 6]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise ValueError(f"malformed \\uXXXX escape: \\u{digits}")
            out.append(chr(int(digits, 16)))
            index += 6
            continue
        out.append(_ESCAPES.get(escaped, escaped))
        index += 2
    return "".join(out)
