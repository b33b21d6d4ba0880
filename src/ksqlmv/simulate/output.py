"""Events as JSON lines: what `ksqlmv simulate --dry-run N` prints, one event per line.

```json
{"topic": "orders", "event": "order", "key": "O00000001", "timestamp": 1735689600000,
 "value": {"customer_id": "C000008", ..., "amount": 212.85, ...}}
```

Values keep their schema's field order; decimals are JSON numbers (212.8 for 212.80), bytes are
hex; `late`, `duplicate` and `schema` (the version number, from 2 on) appear only when
they say something.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from ksqlmv.simulate.engine import Event
from ksqlmv.simulate.topics import TopicSpec

__all__ = ["event_json", "json_lines"]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        # Shortest repr of a float reads back as the same digits up to 15 significant ones,
        # more than any decimal of the contracts has.
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def event_json(event: Event, order: Iterable[str] | None = None) -> str:
    """One event as a JSON object on one line; `order` lists the value's fields in order."""
    value = event.value
    if value is not None and order is not None:
        value = {name: value[name] for name in order if name in value}
    document: dict[str, Any] = {
        "topic": event.topic,
        "event": event.event,
        "key": event.key,
        "timestamp": event.timestamp,
        "value": _plain(value),
    }
    if event.schema:
        document["schema"] = event.schema + 1
    if event.late:
        document["late"] = True
    if event.duplicate:
        document["duplicate"] = True
    return json.dumps(document, ensure_ascii=False, allow_nan=False)


def json_lines(events: Iterable[Event], topics: Mapping[str, TopicSpec]) -> Iterator[str]:
    """JSON lines for `events`, each value in its schema version's field order."""
    orders = {
        (name, index): tuple(field["name"] for field in version.schema["fields"])
        for name, topic in topics.items()
        for index, version in enumerate(topic.versions)
    }
    for event in events:
        yield event_json(event, orders[(event.topic, event.schema)])
