"""The query editor's logic: what each statement is, how it runs, what came back.

A script is split at `;` (`ksqlmv.sql.split_statements`, quotes and comments respected) and run
one statement at a time, so an error is shown next to the statement that caused it, in ksqlDB's
words and with its error code. SET/UNSET and DEFINE/UNDEFINE stay in the editor, as in ksqlDB's
CLI: they change the properties and variables sent with the statements after them. A push query
runs in a background thread (`QueryRun`) that keeps its newest rows in a bounded buffer for the
page to show while it streams.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ksqlmv.client import KsqlClient, Row
from ksqlmv.errors import KsqlmvError, StatementError
from ksqlmv.sql.lexer import tokenize
from ksqlmv.sql.tokens import Token, TokenType

__all__ = [
    "PULL_ROWS",
    "Kind",
    "Outcome",
    "QueryRun",
    "Session",
    "classify",
    "parse_properties",
    "run_statement",
]


PULL_ROWS = 10_000
"""Rows of a pull query the editor keeps; the query is stopped beyond them."""


class Kind(Enum):
    """What the editor does with a statement."""

    PUSH = "push query"
    PULL = "pull query"
    STATEMENT = "statement"
    SET = "set"
    UNSET = "unset"
    DEFINE = "define"
    UNDEFINE = "undefine"
    PRINT = "print"


def _words(tokens: list[Token]) -> list[str]:
    return [token.value if token.type is TokenType.WORD else "" for token in tokens]


def classify(statement: str) -> Kind:
    """The kind of one statement, from its tokens (comments and strings cannot fool it)."""
    tokens = [token for token in tokenize(statement) if token.type is not TokenType.EOF]
    words = _words(tokens)
    first = words[0] if words else ""
    if first == "SELECT":
        pairs = itertools.pairwise(words)
        emits = any(a == "EMIT" and b in ("CHANGES", "FINAL") for a, b in pairs)
        return Kind.PUSH if emits else Kind.PULL
    return {
        "SET": Kind.SET,
        "UNSET": Kind.UNSET,
        "DEFINE": Kind.DEFINE,
        "UNDEFINE": Kind.UNDEFINE,
        "PRINT": Kind.PRINT,
    }.get(first, Kind.STATEMENT)


def _literal(token: Token) -> str:
    if token.type is not TokenType.STRING:
        raise ValueError(f"expected a quoted string, found {token.display()}")
    return token.value


def _name(token: Token) -> str:
    """A SET property name (a string) or a DEFINE variable name (a word, as written)."""
    return token.text if token.type is TokenType.WORD else _literal(token)


def _assignment(statement: str, *, removing: bool) -> tuple[str, str | None]:
    """(name, value) of `SET 'name' = 'value'` or `DEFINE name = 'value'`; (name, None) of the
    UNSET/UNDEFINE forms."""
    tokens = [t for t in tokenize(statement) if t.type not in (TokenType.EOF, TokenType.SEMICOLON)]
    if removing and len(tokens) == 2:
        return _name(tokens[1]), None
    if not removing and len(tokens) == 4 and tokens[2].type is TokenType.EQ:
        return _name(tokens[1]), _literal(tokens[3])
    raise ValueError("expected SET 'name' = 'value', DEFINE name = 'value', or their UN- forms")


def parse_properties(text: str) -> dict[str, str]:
    """Query properties, one `name=value` (or `name: value`) per line; `#` starts a comment."""
    properties: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        separators = [i for i in (line.find("="), line.find(":")) if i > 0]
        if not separators:
            raise ValueError(f"line {number}: expected name=value, found {raw.strip()!r}")
        at = min(separators)
        properties[line[:at].strip()] = line[at + 1 :].strip()
    return properties


@dataclass(slots=True)
class Outcome:
    """One statement of a run and what came of it."""

    text: str
    line: int
    kind: Kind
    ok: bool = True
    message: str = ""
    error_code: int | None = None
    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    entity: dict[str, Any] | None = None
    run: QueryRun | None = None


class QueryRun:
    """A push query streaming into a bounded buffer, in a thread of its own, until stopped."""

    def __init__(
        self,
        client: KsqlClient,
        sql: str,
        *,
        properties: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        max_rows: int = 1_000,
    ) -> None:
        self.sql = sql
        self.columns: tuple[str, ...] = ()
        self.received = 0
        self.status = "starting"
        self.error: str | None = None
        self.error_code: int | None = None
        self.started = time.time()
        self._client = client
        self._properties = dict(properties or {})
        self._variables = dict(variables or {})
        self._rows: deque[tuple[Any, ...]] = deque(maxlen=max_rows)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._query: Any = None
        self._header = threading.Event()
        self._thread = threading.Thread(target=self._run, name="editor-push", daemon=True)

    def start(self, wait: float = 10.0) -> QueryRun:
        """Start the query; wait up to `wait` seconds for its header (or its error)."""
        self._thread.start()
        self._header.wait(wait)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the query on the server and end the thread."""
        self._stop.set()
        query = self._query
        if query is not None:
            query.close()
        self._thread.join(timeout)
        if self.status in ("starting", "running"):
            self.status = "stopped"

    @property
    def running(self) -> bool:
        """Whether rows may still come."""
        return self._thread.is_alive()

    def rows(self) -> list[tuple[Any, ...]]:
        """The rows kept, newest first."""
        with self._lock:
            return list(reversed(self._rows))

    def _run(self) -> None:
        try:
            with self._client.stream(
                self.sql, properties=self._properties, variables=self._variables
            ) as query:
                self._query = query
                self.columns = query.header.column_names
                self.status = "running"
                self._header.set()
                for row in query:
                    self._keep(row)
                    if self._stop.is_set():
                        break
            self.status = "stopped" if self._stop.is_set() else "completed"
        except KsqlmvError as error:
            if not self._stop.is_set():
                self.status, self.error = "error", str(error)
                self.error_code = getattr(error, "error_code", None)
        finally:
            self._header.set()
            self._client.close()

    def _keep(self, row: Row) -> None:
        with self._lock:
            self._rows.append(row.values)
            self.received += 1


@dataclass(slots=True)
class Session:
    """Properties and variables as SET and DEFINE leave them during one run of the editor."""

    properties: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)

    def apply(self, kind: Kind, statement: str) -> str:
        """Apply a SET/UNSET/DEFINE/UNDEFINE; returns what changed, for the results."""
        name, value = _assignment(statement, removing=kind in (Kind.UNSET, Kind.UNDEFINE))
        target = self.properties if kind in (Kind.SET, Kind.UNSET) else self.variables
        if value is None:
            target.pop(name, None)
            return f"{name} unset"
        target[name] = value
        return f"{name} = {value}"


def run_statement(
    client: KsqlClient,
    text: str,
    line: int,
    session: Session,
    push: Callable[[str, Session], QueryRun],
) -> Outcome:
    """Run one statement; a refusal becomes an `Outcome` with ksqlDB's message and code."""
    kind = classify(text)
    outcome = Outcome(text, line, kind)
    try:
        _RUNNERS[kind](client, outcome, session, push)
    except StatementError as error:
        outcome.ok, outcome.message, outcome.error_code = False, str(error), error.error_code
    except ValueError as error:
        outcome.ok, outcome.message = False, str(error)
    return outcome


def _pull(client: KsqlClient, outcome: Outcome, session: Session, _: Any) -> None:
    # A pull query over a stream scans all of it: keep the first PULL_ROWS and stop the rest.
    with client.stream(
        outcome.text, properties=session.properties, variables=session.variables
    ) as query:
        outcome.columns = query.header.column_names
        outcome.rows = [row.values for row in itertools.islice(query, PULL_ROWS + 1)]
    if len(outcome.rows) > PULL_ROWS:
        del outcome.rows[PULL_ROWS:]
        outcome.message = f"the first {PULL_ROWS:,} rows (the query stopped there)"
    else:
        outcome.message = f"{len(outcome.rows)} rows"


def _push(client: KsqlClient, outcome: Outcome, session: Session, push: Any) -> None:
    run = push(outcome.text, session)
    if run.status == "error":
        raise StatementError(run.error or "the query failed", run.error_code or 40001)
    outcome.run = run
    outcome.message = "streaming"


def _execute(client: KsqlClient, outcome: Outcome, session: Session, _: Any) -> None:
    entities = client.execute(
        outcome.text, properties=session.properties, variables=session.variables
    )
    outcome.entity = entities[0] if entities else None
    status = (outcome.entity or {}).get("commandStatus") or {}
    outcome.message = str(status.get("message", "")) if isinstance(status, dict) else ""


def _local(client: KsqlClient, outcome: Outcome, session: Session, _: Any) -> None:
    outcome.message = session.apply(outcome.kind, outcome.text)


def _print(client: KsqlClient, outcome: Outcome, session: Session, _: Any) -> None:
    raise ValueError("PRINT shows raw topic records; run a push query over a stream instead")


_RUNNERS: dict[Kind, Callable[[KsqlClient, Outcome, Session, Any], None]] = {
    Kind.PULL: _pull,
    Kind.PUSH: _push,
    Kind.STATEMENT: _execute,
    Kind.SET: _local,
    Kind.UNSET: _local,
    Kind.DEFINE: _local,
    Kind.UNDEFINE: _local,
    Kind.PRINT: _print,
}
