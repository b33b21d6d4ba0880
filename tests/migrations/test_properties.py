"""Java `.properties` parsing, as `java.util.Properties.load` reads ksql-migrations.properties."""

from __future__ import annotations

from pathlib import Path

import pytest

from ksqlmv.errors import ConfigError
from ksqlmv.migrations.properties import load_properties, read_properties

CASES = [
    ("key=value", {"key": "value"}),
    ("key = value", {"key": "value"}),
    ("key: value", {"key": "value"}),
    ("key value", {"key": "value"}),
    ("key\tvalue", {"key": "value"}),
    ("   key=value   ", {"key": "value   "}),
    ("key=", {"key": ""}),
    ("key", {"key": ""}),
    ("# a comment\n! another\nkey=1", {"key": "1"}),
    ("   # indented comment\nkey=1", {"key": "1"}),
    ("key=a=b:c", {"key": "a=b:c"}),
    ("k\\=ey=v", {"k=ey": "v"}),
    ("k\\ ey=v", {"k ey": "v"}),
    ("key=line one \\\n    continued", {"key": "line one continued"}),
    ("key=ends in a backslash\\\\", {"key": "ends in a backslash\\"}),
    ("key=tab\\there", {"key": "tab\there"}),
    ("key=\\u00e9t\\u00E9", {"key": "été"}),
    ("key=C:\\\\path", {"key": "C:\\path"}),
    ("a=1\na=2", {"a": "2"}),
    ("\n\n\na=1\n\n", {"a": "1"}),
    ("url=http://localhost:8088", {"url": "http://localhost:8088"}),
    ("a=1\r\nb=2\r\n", {"a": "1", "b": "2"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_read_properties(text: str, expected: dict[str, str]) -> None:
    assert read_properties(text) == expected


def test_bad_unicode_escape_names_the_line() -> None:
    with pytest.raises(ValueError, match=r"line 2: malformed \\uXXXX escape"):
        read_properties("a=1\nb=\\u12")


def test_load_properties_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_properties(tmp_path / "absent.properties")


def test_load_properties_reads_latin1_files(tmp_path: Path) -> None:
    path = tmp_path / "old.properties"
    path.write_bytes("name=caf\xe9\n".encode("latin-1"))
    assert load_properties(path) == {"name": "café"}
