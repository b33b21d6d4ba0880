"""The lineage graph: topics, streams, tables and the queries between them, each tied to the
migration that created it.

The server side comes from SHOW STREAMS / SHOW TABLES (each source's topic) and the persistent
queries with the sources they read and write (`ksqlmv.migrations.plan.Catalog`). The repository
side replays the project's migration files with `ksqlmv.migrations` (`plan_changes` over an empty
catalog): the last file that creates or replaces a name is its origin, and the objects the files
leave behind are what the server should hold. The difference is drift: objects on the server that
no migration made, and objects of applied-looking files that the server lacks.

`Lineage.to_dot` renders Graphviz DOT for `st.graphviz_chart`; each node links to its migration.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ksqlmv.errors import KsqlmvError
from ksqlmv.migrations import MigrationFile, discover, prepare_file
from ksqlmv.migrations.plan import Catalog, ChangeKind, plan_changes
from ksqlmv.migrations.statements import PreparedStatement

__all__ = ["Lineage", "Node", "Origin", "Origins", "QueryInfo", "build_lineage", "read_origins"]


@dataclass(frozen=True, slots=True)
class Origin:
    """The migration file (and line) that created an object."""

    version: int
    file: str
    line: int
    checksum: str

    @property
    def label(self) -> str:
        """`V000008`, as the file name starts."""
        return f"V{self.version:06d}"


@dataclass(frozen=True, slots=True)
class Origins:
    """What the project's migration files create, replayed in order."""

    objects: Mapping[str, Origin] = field(default_factory=dict)
    """Stream or table name to the file that last created or replaced it."""
    kinds: Mapping[str, str] = field(default_factory=dict)
    """Every stream or table the files leave behind, to STREAM or TABLE."""
    queries: tuple[tuple[str, Origin], ...] = ()
    """Query id patterns (`CTAS_REVENUE_PER_MINUTE_*`) to the file that started them."""
    problems: tuple[str, ...] = ()

    def of_query(self, query_id: str) -> Origin | None:
        """The migration that started a running query, matched by its id's pattern."""
        for pattern, origin in reversed(self.queries):
            if fnmatch.fnmatchcase(query_id, pattern):
                return origin
        return None


def read_origins(directory: Path) -> Origins:
    """Replay every up file of a migrations folder; files that do not parse become problems."""
    files = discover(directory)
    prepared: list[tuple[MigrationFile, Sequence[PreparedStatement]]] = []
    problems: list[str] = []
    for migration in files.up:
        try:
            prepared.append((migration, prepare_file(migration.path, migration.read_text(), {})))
        except KsqlmvError as error:
            problems.append(str(error))
    objects: dict[str, Origin] = {}
    kinds: dict[str, str] = {}
    queries: list[tuple[str, Origin]] = []
    for plan in plan_changes(Catalog(), prepared):
        problems.extend(plan.problems)
        migration = plan.migration
        checksum = migration.checksum()
        for change in plan.changes:
            origin = Origin(migration.version, migration.file_name, change.line, checksum)
            if change.object in ("STREAM", "TABLE"):
                if change.kind in (ChangeKind.CREATE, ChangeKind.REPLACE):
                    objects[change.name], kinds[change.name] = origin, change.object
                elif change.kind is ChangeKind.DROP:
                    objects.pop(change.name, None)
                    kinds.pop(change.name, None)
            elif change.object == "QUERY" and change.kind is ChangeKind.START:
                queries.append((change.name, origin))
    return Origins(objects, kinds, tuple(queries), tuple(problems))


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """A persistent query on the server: what it reads and writes, and its state."""

    id: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    state: str = ""
    materializes: str | None = None
    """The source table a CREATE SOURCE TABLE query keeps from its topic (ksqlDB's CST_ queries)."""


@dataclass(frozen=True, slots=True)
class Node:
    """One box of the graph."""

    id: str
    name: str
    kind: str
    """TOPIC, STREAM, TABLE or QUERY."""
    origin: Origin | None = None
    detail: str = ""
    missing: bool = False
    """Declared by the migrations, absent from the server."""


@dataclass(frozen=True, slots=True)
class Lineage:
    """Nodes and directed edges (from the producing node to the consuming one)."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]

    def node(self, node_id: str) -> Node:
        """The node with this id."""
        return next(node for node in self.nodes if node.id == node_id)

    def to_dot(self, link: Callable[[Origin], str] | None = None) -> str:
        """Graphviz DOT, left to right; nodes with an origin link to it through `link`."""
        lines = [
            "digraph lineage {",
            '  rankdir=LR; bgcolor="transparent";',
            '  node [fontname="Helvetica", fontsize=11, style="filled,rounded", shape=box];',
            '  edge [color="#8a8f98"];',
        ]
        for node in self.nodes:
            lines.append(f"  {_quote(node.id)} [{_attributes(node, link)}];")
        for source, target in self.edges:
            lines.append(f"  {_quote(source)} -> {_quote(target)};")
        lines.append("}")
        return "\n".join(lines) + "\n"


_STYLE: dict[str, dict[str, str]] = {
    "TOPIC": {"shape": "cylinder", "fillcolor": "#eef1f5", "style": "filled"},
    "STREAM": {"fillcolor": "#dbeafe"},
    "TABLE": {"fillcolor": "#dcfce7"},
    "QUERY": {"shape": "hexagon", "fillcolor": "#fef3c7", "style": "filled"},
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(*lines: str) -> str:
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines if line]
    return '"' + "\\n".join(escaped) + '"'


def _attributes(node: Node, link: Callable[[Origin], str] | None) -> str:
    style = dict(_STYLE[node.kind])
    origin = node.origin
    second = " · ".join(part for part in (node.kind.lower(), node.detail) if part)
    third = origin.label if origin else ("" if node.kind == "TOPIC" else "no migration")
    attributes = {key: _quote(value) for key, value in style.items()}
    attributes["label"] = _label(node.name, second if node.kind != "TOPIC" else "", third)
    if node.missing:
        attributes["style"] = _quote("dashed,rounded")
        attributes["label"] = _label(node.name, node.kind.lower(), "not on the server")
    if origin is not None:
        attributes["tooltip"] = _quote(f"{origin.file}:{origin.line} (md5 {origin.checksum})")
        if link is not None:
            attributes["URL"] = _quote(link(origin))
            attributes["target"] = _quote("_self")
    elif node.kind != "TOPIC":
        attributes["tooltip"] = _quote("not created by any migration file")
    return ", ".join(f"{key}={value}" for key, value in attributes.items())


def build_lineage(
    sources: Iterable[Mapping[str, object]],
    queries: Iterable[QueryInfo],
    origins: Origins,
    *,
    hidden: Iterable[str] = (),
) -> Lineage:
    """The graph of the server's sources and queries, tied to `origins`.

    `sources` are SHOW STREAMS / SHOW TABLES items (`name`, `type`, `topic`); `hidden` names
    sources left out (the migrations metadata), with the queries that only write them.
    """
    skip = set(hidden)
    nodes: dict[str, Node] = {}
    edges: list[tuple[str, str]] = []
    topics: dict[str, str] = {}
    for source in sources:
        name = str(source["name"])
        if name in skip:
            continue
        kind = str(source.get("type", "STREAM")).upper()
        nodes[f"source:{name}"] = Node(f"source:{name}", name, kind, origins.objects.get(name))
        topic = source.get("topic")
        if topic:
            topics[name] = str(topic)
            nodes.setdefault(f"topic:{topic}", Node(f"topic:{topic}", str(topic), "TOPIC"))
    written: set[str] = set()
    materialized: dict[str, str] = {}
    for query in queries:
        sinks = [sink for sink in query.writes if sink not in skip]
        if (query.writes and not sinks) or query.materializes in skip:
            continue
        query_id = f"query:{query.id}"
        origin = origins.of_query(query.id) or origins.objects.get(query.materializes or "")
        nodes[query_id] = Node(query_id, query.id, "QUERY", origin, query.state.lower())
        edges.extend((f"source:{read}", query_id) for read in query.reads if read not in skip)
        for sink in sinks:
            written.add(sink)
            edges.append((query_id, f"source:{sink}"))
        if query.materializes:
            materialized[query.materializes] = query_id
    for name, topic in topics.items():
        if name in written:
            edges.append((f"source:{name}", f"topic:{topic}"))
        elif name in materialized:
            edges.append((f"topic:{topic}", materialized[name]))
            edges.append((materialized[name], f"source:{name}"))
        else:
            edges.append((f"topic:{topic}", f"source:{name}"))
    for name, kind in origins.kinds.items():
        if f"source:{name}" not in nodes and name not in skip:
            nodes[f"source:{name}"] = Node(
                f"source:{name}", name, kind, origins.objects.get(name), missing=True
            )
    known = set(nodes)
    kept = tuple(dict.fromkeys(edge for edge in edges if edge[0] in known and edge[1] in known))
    return Lineage(tuple(nodes.values()), kept)
