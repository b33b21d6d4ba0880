"""Scenario files are YAML; this reads one and remembers the line of every key.

Errors then point at `shop.yaml:42` as well as at `events.order.fields.quantity`, and a key
written twice in one mapping (which YAML loaders silently resolve to the last) is an error.
"""

from __future__ import annotations

from typing import Any

import yaml

from ksqlmv.simulate.traffic import SpecError

__all__ = ["line_of", "load_yaml"]


def load_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """The document in `text`, and the 1-based line of each dotted key path in it."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(f"not valid YAML{where}: {problem}") from None
    lines: dict[str, int] = {}
    if node is not None:
        _walk(node, "", lines)
    return document, lines


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            if key in seen:
                raise SpecError(f"{key!r} is given twice (line {key_node.start_mark.line + 1})")
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines)


def line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of `path`, or of the nearest enclosing key the file has."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None
