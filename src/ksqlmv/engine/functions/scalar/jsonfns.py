"""JSON functions: EXTRACTJSONFIELD, IS_JSON_STRING, JSON_ARRAY_CONTAINS, JSON_ARRAY_LENGTH,
JSON_CONCAT, JSON_ITEMS, JSON_KEYS, JSON_RECORDS and TO_JSON_STRING."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions._java import java_string
from ksqlmv.engine.functions._json import MISSING, array_tokens, read_json, write_json
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.categories import JSON
from ksqlmv.engine.functions.conversions import date_text, time_text, timestamp_text
from ksqlmv.engine.functions.define import overload, scalar
from ksqlmv.engine.functions.signature import FunctionEntry, param, varargs
from ksqlmv.errors import FunctionError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import BaseType, SqlType

__all__ = ["FUNCTIONS", "json_path"]


@functools.lru_cache(maxsize=256)
def json_path(path: str) -> tuple[str, ...]:
    """The steps of a JSONPath such as `$.a.b[0]["c d"]` (ksqlDB's JsonPathTokenizer)."""
    invalid = FunctionError(f"Invalid JSON path: '{path}'")
    if not path or path[0] != "$":
        raise invalid
    steps: list[str] = []
    pos = 1
    while pos < len(path):
        if path[pos] == ".":
            start = pos = pos + 1
            while pos < len(path) and (path[pos] in ":@_" or path[pos].isalnum()):
                pos += 1
            if pos == start:
                raise invalid
            steps.append(path[start:pos])
        elif path[pos] == "[":
            pos += 1
            if pos < len(path) and path[pos] == '"':
                pos += 1
                token: list[str] = []
                while pos < len(path) and path[pos] != '"':
                    if path[pos] == "\\":
                        pos += 1
                        if pos >= len(path) or path[pos] not in '"\\':
                            raise invalid
                    token.append(path[pos])
                    pos += 1
                if pos >= len(path):
                    raise invalid
                pos += 1
                steps.append("".join(token))
            else:
                start = pos
                while pos < len(path) and (path[pos] == "_" or path[pos].isalnum()):
                    pos += 1
                if pos == start:
                    raise invalid
                steps.append(path[start:pos])
            if pos >= len(path) or path[pos] != "]":
                raise invalid
            pos += 1
        else:
            raise invalid
    return tuple(steps)


def _node_text(node: Any) -> str:
    """Jackson's JsonNode.toString()."""
    return write_json(node)


def _extract(text: str | None, path: str | None) -> str | None:
    if text is None or path is None:
        return None
    steps = json_path(path)
    node = read_json(text)
    for step in steps:
        if isinstance(node, list):
            try:
                index = int(step)
            except ValueError:
                return None
            if not 0 <= index < len(node):
                return None
            node = node[index]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return None
    if isinstance(node, str):
        return node
    return _node_text(node)


def _is_json(text: str | None) -> bool:
    if text is None:
        return False
    try:
        return read_json(text) is not MISSING
    except FunctionError:
        return False


def _array_length(text: str | None) -> int | None:
    if text is None:
        return None
    node = read_json(text)
    return len(node) if isinstance(node, list) else None


def _concat(*texts: str | None) -> str | None:
    nodes = []
    for text in texts:
        if text is None:
            return None
        node = read_json(text)
        if node is MISSING:
            return None
        nodes.append(node)
    if all(isinstance(node, dict) for node in nodes):
        merged: dict[str, Any] = {}
        for node in nodes:
            merged.update(node)
        return write_json(merged, plain_decimals=True)
    items: list[Any] = []
    for node in nodes:
        if isinstance(node, list):
            items.extend(node)
        else:
            items.append(node)
    return write_json(items, plain_decimals=True)


def _items(text: str | None) -> list[str] | None:
    if text is None:
        return None
    node = read_json(text)
    if not isinstance(node, list):
        raise FunctionError(f"Invalid JSON format:{text}")
    return [_node_text(item) for item in node]


def _keys(text: str | None) -> list[str] | None:
    if text is None:
        return None
    node = read_json(text)
    return list(node) if isinstance(node, dict) else None


def _records(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    node = read_json(text)
    if not isinstance(node, dict):
        return None
    return {
        key: value if isinstance(value, str) else _node_text(value) for key, value in node.items()
    }


# ------------------------------------------------------------------------------ typed functions

_TOKENS = {
    BaseType.INTEGER: "int",
    BaseType.BIGINT: "int",
    BaseType.DOUBLE: "float",
    BaseType.STRING: "string",
}


def _contains_factory(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any, Any], bool]:
    """JSON_ARRAY_CONTAINS for the type of its value argument (ksqlDB's token rules)."""
    value_type = args[1]
    token = _TOKENS.get(value_type.base) if isinstance(value_type, SqlType) else None
    limit = (
        2**31 if isinstance(value_type, SqlType) and value_type.base is BaseType.INTEGER else 2**63
    )
    boolean = isinstance(value_type, SqlType) and value_type.base is BaseType.BOOLEAN

    def contains(text: str | None, value: Any) -> bool:
        if text is None:
            raise FunctionError("JSON_ARRAY_CONTAINS: the JSON array must not be NULL")
        try:
            for kind, item in array_tokens(text):
                if value is None:
                    if kind == "null":
                        return True
                elif boolean:
                    if kind == ("true" if value else "false"):
                        return True
                elif kind == token:
                    if kind == "int" and not -limit <= item < limit:
                        return False
                    if (float(item) if kind == "float" else item) == value:
                        return True
        except ValueError:
            return False
        return False

    return contains


def _json_value(sql_type: SqlType | None) -> Callable[[Any], Any]:
    """Turns a value of `sql_type` into what TO_JSON_STRING serializes."""
    if sql_type is None:
        return lambda value: value
    base = sql_type.base
    if base is BaseType.TIMESTAMP:
        return lambda v: None if v is None else timestamp_text(v)
    if base is BaseType.DATE:
        return lambda v: None if v is None else date_text(v)
    if base is BaseType.TIME:
        return lambda v: None if v is None else time_text(v)
    if base is BaseType.BYTES:
        return lambda v: None if v is None else base64.b64encode(v).decode("ascii")
    if isinstance(sql_type, t.ArrayType):
        element = _json_value(sql_type.element)
        return lambda v: None if v is None else [element(item) for item in v]
    if isinstance(sql_type, t.MapType):
        inner = _json_value(sql_type.value)
        return lambda v: (
            None
            if v is None
            else {
                key: inner(item) for key, item in sorted((java_string(k), i) for k, i in v.items())
            }
        )
    if isinstance(sql_type, t.StructType):
        fields = sorted((f.name, _json_value(f.type)) for f in sql_type.fields)
        return lambda v: (
            None if v is None else {name: convert(v.get(name)) for name, convert in fields}
        )
    return lambda value: value


def _to_json_factory(args: tuple[ArgType, ...], _: SqlType) -> Callable[[Any], str]:
    arg = args[0]
    convert = _json_value(arg if isinstance(arg, SqlType) else None)

    def to_json(value: Any) -> str:
        return write_json(convert(value), plain_decimals=True)

    return to_json


_ARRAY_NULL = (
    "Returns NULL if the string can't be interpreted as a JSON array, for example, when the string "
    "is `NULL` or it does not contain valid JSON, or the JSON value is not an array."
)

FUNCTIONS: tuple[FunctionEntry, ...] = (
    scalar(
        "extractjsonfield",
        JSON,
        "Given a STRING that contains JSON data, extract the value at the specified  JSONPath or "
        "NULL if the specified path does not exist.",
        overload(
            [
                param("input", p.STRING, "The input JSON string"),
                param("path", p.STRING, "The JSONPath to extract"),
            ],
            p.STRING,
            _extract,
        ),
        author="",
    ),
    scalar(
        "IS_JSON_STRING",
        JSON,
        "Given a string, returns true if it can be parsed as a valid JSON value, false otherwise.",
        overload([param("input", p.STRING, "The input JSON string")], p.BOOLEAN, _is_json),
    ),
    scalar(
        "JSON_ARRAY_CONTAINS",
        JSON,
        "Parses a JSON array and determines whether or not the supplied value is contained "
        "within the array.",
        overload(
            [param("jsonArray", p.STRING), param("val", p.generic("T"))],
            p.BOOLEAN,
            _contains_factory,
            specialize=True,
        ),
    ),
    scalar(
        "JSON_ARRAY_LENGTH",
        JSON,
        "Given a string, parses it as a JSON value and returns the length of the top-level array. "
        + _ARRAY_NULL,
        overload([param("jsonArray", p.STRING)], p.INT, _array_length),
    ),
    scalar(
        "JSON_CONCAT",
        JSON,
        "Given N strings, parse them as JSON values and return a string representing their "
        "concatenation. Concatenation rules are identical to PostgreSQL's || operator:\n* If all "
        "strings deserialize into JSON objects, return an object with a union of the input keys. "
        "If there are duplicate objects, take values from the last object.\n* If all strings "
        "deserialize into JSON arrays, return the result of array concatenation.\n* If at least "
        "one of the deserialized values is not an object, convert non-array inputs to a "
        "single-element array and return the result of array concatenation.\n* If at least one "
        "of the input strings is `NULL` or can't be deserialized as JSON, return NULL.\nSimilar "
        "to the PostgreSQL's || operator, this function merges only top-level object keys or "
        "arrays.",
        overload([varargs("jsonStrings", p.STRING)], p.STRING, _concat),
    ),
    scalar(
        "JSON_ITEMS",
        JSON,
        "Given a string with JSON array, converts it to a ksqlDB array of JSON strings. Returns "
        "`NULL` if the string can not be interpreted as a JSON array, for example, when the "
        "string is `NULL` or it does not contain valid JSON, or the JSON value is not an array.",
        overload([param("jsonItems", p.STRING)], p.array(p.STRING), _items),
    ),
    scalar(
        "JSON_KEYS",
        JSON,
        "Given a string, parses it as a JSON object and returns a ksqlDB array of strings "
        "representing the top-level keys. Returns NULL if the string can't be interpreted as a "
        "JSON object, for example, when the string is NULL or it does not contain valid JSON, or "
        "the JSON value is not an object.",
        overload([param("jsonObj", p.STRING)], p.array(p.STRING), _keys),
    ),
    scalar(
        "JSON_RECORDS",
        JSON,
        "Given a string, parses it as a JSON object and returns a map representing the top-level "
        "keys and values. Returns `NULL` if the string can't be interpreted as a JSON object, "
        "i.e. it is `NULL` or it does not contain valid JSON, or the JSON value is not an object.",
        overload([param("jsonObj", p.STRING)], p.map_of(p.STRING, p.STRING), _records),
    ),
    scalar(
        "TO_JSON_STRING",
        JSON,
        "Given any ksqlDB type returns the equivalent JSON string.",
        overload([param("input", p.generic("T"))], p.STRING, _to_json_factory, specialize=True),
    ),
)
