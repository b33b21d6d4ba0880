"""`plan`: what each pending migration will create, replace or drop, and which queries it stops.

The plan starts from the live server's catalog (SHOW STREAMS, SHOW TABLES, SHOW QUERIES; the
sources each running query reads come from parsing its query text) and replays the pending
migrations' statements over it in order, one effect function per statement type, so a later file
sees what earlier ones created or dropped. Statements that the server would refuse because of the
catalog are reported as problems, in ksqlDB's words where it has them: creating a source that
exists, dropping or inserting into one that does not, dropping a source other queries read from
or insert into, terminating an unknown query.

The replay knows names, not schemas: type errors and bad expressions are what `plan --check`
(every pending file applied to a throw-away embedded stack) is for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ksqlmv.client import KsqlClient
from ksqlmv.errors import ParseError
from ksqlmv.migrations.files import MigrationFile
from ksqlmv.migrations.statements import PreparedStatement
from ksqlmv.sql import ast, parse_statement

__all__ = ["Catalog", "Change", "ChangeKind", "MigrationPlan", "RunningQuery", "plan_changes"]


class ChangeKind(Enum):
    """What a statement does to the catalog."""

    CREATE = "create"
    REPLACE = "replace"
    DROP = "drop"
    ALTER = "alter"
    START = "start"
    """A new persistent query (CSAS, CTAS, INSERT INTO ... SELECT)."""
    TERMINATE = "terminate"
    PAUSE = "pause"
    RESUME = "resume"
    INSERT = "insert"
    CHECK = "check"
    """An ASSERT: changes nothing, but the file stops if it fails."""
    SKIP = "skip"
    """IF [NOT] EXISTS made the statement a no-op."""


@dataclass(frozen=True, slots=True)
class Change:
    """One effect of one statement."""

    kind: ChangeKind
    object: str
    """STREAM, TABLE, QUERY, TYPE, CONNECTOR, TOPIC or SCHEMA."""
    name: str
    line: int
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.kind.value} {self.object.lower()} {self.name}{detail}"


@dataclass(frozen=True, slots=True)
class RunningQuery:
    """A persistent query: its id, the sources it writes and those it reads."""

    id: str
    sinks: tuple[str, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalog:
    """The sources (name to STREAM or TABLE) and persistent queries of a server."""

    sources: Mapping[str, str] = field(default_factory=dict)
    queries: tuple[RunningQuery, ...] = ()

    @classmethod
    def from_server(cls, client: KsqlClient) -> Catalog:
        """Read the catalog with SHOW STREAMS, SHOW TABLES and SHOW QUERIES."""
        sources = {s["name"]: "STREAM" for s in client.list_streams()}
        sources.update({t["name"]: "TABLE" for t in client.list_tables()})
        queries = tuple(
            RunningQuery(q["id"], tuple(q.get("sinks") or ()), _sources_read(q))
            for q in client.list_queries()
            if q.get("queryType", "PERSISTENT") == "PERSISTENT"
        )
        return cls(sources, queries)


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    """The changes one migration file makes and the problems the server would report."""

    migration: MigrationFile
    changes: tuple[Change, ...]
    problems: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """For `--json`."""
        return {
            "version": self.migration.version,
            "name": self.migration.name,
            "file": self.migration.file_name,
            "changes": [
                {
                    "kind": c.kind.value,
                    "object": c.object,
                    "name": c.name,
                    "line": c.line,
                    "detail": c.detail,
                }
                for c in self.changes
            ],
            "problems": list(self.problems),
        }


class _Replay:
    """The catalog as the replay goes, and what the current file did to it."""

    def __init__(self, catalog: Catalog) -> None:
        self.sources = dict(catalog.sources)
        self.queries = {q.id: q for q in catalog.queries}
        self.changes: list[Change] = []
        self.problems: list[str] = []
        self.line = 0
        self.file = ""

    def change(self, kind: ChangeKind, obj: str, name: str, detail: str = "") -> None:
        self.changes.append(Change(kind, obj, name, self.line, detail))

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.file}:{self.line}: {message}")

    def writers(self, name: str) -> list[RunningQuery]:
        return [q for q in self.queries.values() if name in q.sinks]

    def readers(self, name: str) -> list[RunningQuery]:
        return [q for q in self.queries.values() if name in q.sources and name not in q.sinks]

    def require(self, name: str, what: str) -> bool:
        if name in self.sources:
            return True
        self.problem(f"{what}: {name} does not exist")
        return False


def plan_changes(
    catalog: Catalog, migrations: Iterable[tuple[MigrationFile, Sequence[PreparedStatement]]]
) -> list[MigrationPlan]:
    """Replay each migration's statements over the catalog, in order."""
    replay = _Replay(catalog)
    plans: list[MigrationPlan] = []
    for migration, statements in migrations:
        replay.changes, replay.problems, replay.file = [], [], migration.file_name
        for prepared in statements:
            replay.line = prepared.line
            effect = _EFFECTS.get(type(prepared.statement))
            if effect is not None:
                effect(replay, prepared.statement)
        plans.append(MigrationPlan(migration, tuple(replay.changes), tuple(replay.problems)))
    return plans


# --------------------------------------------------------------------------------- source effects


def _create(replay: _Replay, node: Any) -> bool:
    """CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS]; true when it creates or replaces."""
    kind = node.kind.value
    existing = replay.sources.get(node.name)
    if existing is None:
        replay.sources[node.name] = kind
        replay.change(
            ChangeKind.CREATE, kind, node.name, "source" if getattr(node, "source", 0) else ""
        )
        return True
    if node.if_not_exists:
        replay.change(ChangeKind.SKIP, kind, node.name, "already exists")
        return False
    if not node.or_replace:
        replay.problem(
            f"Cannot add {kind.lower()} '{node.name}': A {existing.lower()} with the same name "
            "already exists"
        )
        return False
    if existing != kind:
        replay.problem(f"Cannot replace {existing.lower()} {node.name} with a {kind.lower()}")
        return False
    replay.change(ChangeKind.REPLACE, kind, node.name)
    return True


def _create_source(replay: _Replay, node: ast.Statement) -> None:
    _create(replay, node)


def _create_as_select(replay: _Replay, node: ast.Statement) -> None:
    assert isinstance(node, ast.CreateAsSelect)
    reads = _relations(node.query)
    if not all(replay.require(name, f"{node.kind.value} {node.name} reads") for name in reads):
        return
    replaced = node.name in replay.sources
    if not _create(replay, node):
        return
    writers = replay.writers(node.name)
    if replaced and writers:
        for query in writers:
            replay.queries[query.id] = RunningQuery(query.id, query.sinks, reads)
            replay.change(ChangeKind.REPLACE, "QUERY", query.id, f"writes {node.name}")
        return
    prefix = "CSAS" if isinstance(node, ast.CreateStreamAsSelect) else "CTAS"
    query_id = f"{prefix}_{node.name}_*"
    replay.queries[query_id] = RunningQuery(query_id, (node.name,), reads)
    replay.change(ChangeKind.START, "QUERY", query_id, f"reads {', '.join(reads)}")


def _insert_into(replay: _Replay, node: ast.Statement) -> None:
    assert isinstance(node, ast.InsertInto)
    reads = _relations(node.query)
    if not replay.require(node.target, "INSERT INTO") or not all(
        replay.require(name, f"INSERT INTO {node.target} reads") for name in reads
    ):
        return
    query_id = f"INSERTQUERY_{node.target}_*"
    replay.queries[query_id] = RunningQuery(query_id, (node.target,), reads)
    replay.change(ChangeKind.START, "QUERY", query_id, f"inserts into {node.target}")


def _insert_values(replay: _Replay, node: ast.Statement) -> None:
    assert isinstance(node, ast.InsertValues)
    if replay.require(node.target, "INSERT VALUES"):
        replay.change(ChangeKind.INSERT, replay.sources[node.target], node.target, "one row")


def _drop(replay: _Replay, node: ast.Statement) -> None:
    assert isinstance(node, ast.DropSource)
    kind = node.kind.value
    if node.name not in replay.sources:
        if node.if_exists:
            replay.change(ChangeKind.SKIP, kind, node.name, "does not exist")
        else:
            replay.problem(f"Source {node.name} does not exist.")
        return
    creators = [q for q in replay.writers(node.name) if q.id.startswith(("CSAS_", "CTAS_"))]
    readers = sorted(q.id for q in replay.readers(node.name))
    inserters = sorted(q.id for q in replay.writers(node.name) if q not in creators)
    if readers or inserters:
        # ksqlDB's own message (EngineContext), on one line.
        replay.problem(
            f"Cannot drop {node.name}. "
            f"The following queries read from this source: [{', '.join(readers)}]. "
            f"The following queries write into this source: [{', '.join(inserters)}]. "
            f"You need to terminate them before dropping {node.name}."
        )
        return
    for query in creators:
        del replay.queries[query.id]
        replay.change(ChangeKind.TERMINATE, "QUERY", query.id, f"writes {node.name}")
    del replay.sources[node.name]
    replay.change(ChangeKind.DROP, kind, node.name, "and its topic" if node.delete_topic else "")


def _alter(replay: _Replay, node: ast.Statement) -> None:
    assert isinstance(node, ast.AlterSource)
    if replay.require(node.name, f"ALTER {node.kind.value}"):
        columns = ", ".join(column.name for column in node.columns)
        replay.change(ChangeKind.ALTER, node.kind.value, node.name, f"adds {columns}")


# ---------------------------------------------------------------------------------- query effects


def _query_control(kind: ChangeKind) -> Callable[[_Replay, ast.Statement], None]:
    def effect(replay: _Replay, node: ast.Statement) -> None:
        query_id = getattr(node, "query_id", None)
        chosen = list(replay.queries) if query_id is None else [query_id]
        for name in chosen:
            if name not in replay.queries:
                replay.problem(f"Unknown queryId: {name}")
                continue
            if kind is ChangeKind.TERMINATE:
                del replay.queries[name]
            replay.change(kind, "QUERY", name)

    return effect


def _named(kind: ChangeKind, obj: str) -> Callable[[_Replay, ast.Statement], None]:
    def effect(replay: _Replay, node: ast.Statement) -> None:
        replay.change(kind, obj, str(getattr(node, "name", "")))

    return effect


def _assert_topic(replay: _Replay, node: ast.Statement) -> None:
    assert isinstance(node, ast.AssertTopic)
    replay.change(ChangeKind.CHECK, "TOPIC", node.topic, "exists" if node.exists else "absent")


def _assert_schema(replay: _Replay, node: ast.Statement) -> None:
    assert isinstance(node, ast.AssertSchema)
    name = node.subject or f"id {node.schema_id}"
    replay.change(ChangeKind.CHECK, "SCHEMA", name, "exists" if node.exists else "absent")


_EFFECTS: dict[type[ast.Statement], Callable[[_Replay, ast.Statement], None]] = {
    ast.CreateStream: _create_source,
    ast.CreateTable: _create_source,
    ast.CreateStreamAsSelect: _create_as_select,
    ast.CreateTableAsSelect: _create_as_select,
    ast.InsertInto: _insert_into,
    ast.InsertValues: _insert_values,
    ast.DropStream: _drop,
    ast.DropTable: _drop,
    ast.AlterSource: _alter,
    ast.TerminateQuery: _query_control(ChangeKind.TERMINATE),
    ast.PauseQuery: _query_control(ChangeKind.PAUSE),
    ast.ResumeQuery: _query_control(ChangeKind.RESUME),
    ast.CreateType: _named(ChangeKind.CREATE, "TYPE"),
    ast.DropType: _named(ChangeKind.DROP, "TYPE"),
    ast.CreateConnector: _named(ChangeKind.CREATE, "CONNECTOR"),
    ast.DropConnector: _named(ChangeKind.DROP, "CONNECTOR"),
    ast.AssertTopic: _assert_topic,
    ast.AssertSchema: _assert_schema,
}


def _relations(query: ast.Query) -> tuple[str, ...]:
    """The sources a query reads, in the order written."""
    names = [node.name for node in ast.walk(query.from_) if isinstance(node, ast.AliasedRelation)]
    return tuple(dict.fromkeys(names))


def _sources_read(query: Mapping[str, Any]) -> tuple[str, ...]:
    """The sources a running query reads, from its query text (none if it does not parse)."""
    try:
        statement = parse_statement(str(query.get("queryString", "")))
    except ParseError:
        return ()
    select = getattr(statement, "query", None)
    return _relations(select) if isinstance(select, ast.Query) else ()
