"""Running a `/ksql` request: statements in order, ksqlDB's entities out, the command topic fed.

The request is parsed whole first (with its session variables and the DEFINEs it contains), and
refused without running anything if it holds a SELECT or PRINT (40002). Then each statement runs
on the engine in turn, within one session: SET/UNSET and DEFINE/UNDEFINE change that session only
and, like INSERT VALUES, answer with no entity. Statements that change the catalog are appended to
the command topic once they succeed; their `commandSequenceNumber` is the record's offset. When a
statement fails, the ones before it stay applied and come back as the error's `entities`.

A few statements need the server rather than the engine: SHOW QUERIES lists push queries too,
TERMINATE stops a push query by its id, DESCRIBE FUNCTION describes the function library.

`replay` runs the commands of the command topic into a fresh engine at start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ksqlmv.errors import (
    KsqlmvError,
    ParseError,
    PartialRequestError,
    StatementError,
)
from ksqlmv.server.commands import Command, CommandTopic
from ksqlmv.server.errors import BAD_STATEMENT, QUERY_ENDPOINT, SERVER_ERROR
from ksqlmv.server.properties import normalize
from ksqlmv.sql import ast, parse, parse_with_variables

if TYPE_CHECKING:
    from ksqlmv.engine.engine import KsqlEngine, Session

__all__ = [
    "DISTRIBUTED",
    "QUERY_ENDPOINT_MESSAGE",
    "WAITING_STATEMENTS",
    "PushRegistry",
    "StatementRunner",
    "only_waits",
]

log = logging.getLogger(__name__)

QUERY_ENDPOINT_MESSAGE = (
    "The following statement types should be issued to the websocket endpoint '/query':\n"
    "\t* PRINT\n\t* SELECT"
)

DISTRIBUTED: tuple[type, ...] = (
    ast.CreateStream,
    ast.CreateTable,
    ast.CreateStreamAsSelect,
    ast.CreateTableAsSelect,
    ast.InsertInto,
    ast.DropStream,
    ast.DropTable,
    ast.CreateType,
    ast.DropType,
    ast.AlterSource,
    ast.PauseQuery,
    ast.ResumeQuery,
    ast.TerminateQuery,
)
"""The statements that go to the command topic (ksqlDB distributes what it has no custom
executor for)."""

Entity = dict[str, Any]

WAITING_STATEMENTS = (ast.AssertTopic, ast.AssertSchema)
"""Statements that only read Kafka and the registry and may wait up to their TIMEOUT: ksqlDB runs
them on the request's own thread, beside other requests, never through the command topic."""


def only_waits(statements: list[ast.Statement]) -> bool:
    """Whether a request holds nothing but ASSERT TOPIC/SCHEMA statements."""
    return bool(statements) and all(isinstance(s, WAITING_STATEMENTS) for s in statements)


class PushRegistry:
    """What the statement runner needs to know about running push queries."""

    def __init__(
        self,
        listing: Callable[[], list[Entity]] | None = None,
        stop: Callable[[str], bool] | None = None,
    ) -> None:
        self.listing = listing or list
        self.stop = stop or (lambda query_id: False)


@dataclass
class _Request:
    session: Session
    overrides: dict[str, Any]
    entities: list[Entity] = field(default_factory=list)


class StatementRunner:
    """Runs `/ksql` requests (and the command topic's replay) on one engine."""

    def __init__(
        self,
        engine: KsqlEngine,
        commands: CommandTopic | None = None,
        push: PushRegistry | None = None,
    ) -> None:
        self.engine = engine
        self.commands = commands
        self.push = push or PushRegistry()
        self.statuses: dict[str, dict[str, str]] = {}
        self._special: dict[type, Callable[[Any, _Request], Entity | None]] = {
            ast.SetProperty: self._set,
            ast.UnsetProperty: self._unset,
            ast.DefineVariable: self._variable,
            ast.UndefineVariable: self._variable,
            ast.InsertValues: self._insert_values,
            ast.ListQueries: self._list_queries,
            ast.TerminateQuery: self._terminate,
            ast.DescribeFunction: self._describe_function,
            ast.ListProperties: self._list_properties,
        }

    # -- requests -----------------------------------------------------------------------------

    def run(self, sql: str, properties: dict[str, Any], variables: dict[str, str]) -> list[Entity]:
        """Run every statement of `sql`; raises `StatementError` (with ksqlDB's code) on failure.

        Blocks: call it off the event loop, one request at a time.
        """
        return self.run_parsed(self.parse(sql, variables), properties, variables)

    def parse(self, sql: str, variables: dict[str, str]) -> list[ast.Statement]:
        """The statements of a `/ksql` request; `StatementError` for what ksqlDB refuses before
        running anything (syntax, queries that belong on /query-stream)."""
        try:
            statements, _ = parse_with_variables(sql, variables)
        except ParseError as error:
            raise StatementError(str(error), BAD_STATEMENT, sql) from None
        except KsqlmvError as error:
            raise StatementError(str(error), BAD_STATEMENT, sql) from None
        for statement in statements:
            if isinstance(statement, ast.Query | ast.PrintTopic):
                raise StatementError(QUERY_ENDPOINT_MESSAGE, QUERY_ENDPOINT, statement.text)
        return list(statements)

    def run_parsed(
        self, statements: list[ast.Statement], properties: dict[str, Any], variables: dict[str, str]
    ) -> list[Entity]:
        """Run statements from `parse` in order (see `run`)."""
        request = _Request(self.engine.session(properties, variables), dict(properties))
        for statement in statements:
            try:
                entity = self._execute(statement, request)
            except StatementError as error:
                if error.error_code // 100 == 417:
                    raise StatementError(str(error), error.error_code) from None
                raise PartialRequestError(
                    str(error), error.error_code, statement.text, request.entities
                ) from None
            except KsqlmvError as error:
                raise PartialRequestError(
                    str(error), BAD_STATEMENT, statement.text, request.entities
                ) from None
            except Exception as error:
                log.exception("statement failed: %s", statement.text)
                raise PartialRequestError(
                    f"{type(error).__name__}: {error}",
                    SERVER_ERROR,
                    statement.text,
                    request.entities,
                ) from None
            if entity is not None:
                request.entities.append(entity)
        return request.entities

    def _execute(self, statement: ast.Statement, request: _Request) -> Entity | None:
        special = self._special.get(type(statement))
        if special is not None:
            entity = special(statement, request)
            if entity is None or not isinstance(statement, DISTRIBUTED):
                return entity
            return self._distribute(statement, request, entity, None)
        number = self.engine.catalog.next_query_number
        result = self.engine.execute_statement(statement, request.session)
        entity = dict(result.entity)
        if isinstance(statement, DISTRIBUTED):
            entity = self._distribute(statement, request, entity, number)
        return entity

    def _distribute(
        self,
        statement: ast.Statement,
        request: _Request,
        entity: Entity,
        query_number: int | None,
    ) -> Entity:
        command_id = str(entity.get("commandId") or _command_id(statement))
        status = entity.get("commandStatus")
        if isinstance(status, dict):
            self.statuses[command_id] = {
                "status": str(status.get("status", "SUCCESS")),
                "message": str(status.get("message", "")),
            }
        if entity.get("@type") == "warning_entity" or self.commands is None:
            return entity
        offset = self.commands.append(
            Command(command_id, statement.text, _storable(request.overrides), query_number)
        )
        if "commandSequenceNumber" in entity:
            entity["commandSequenceNumber"] = offset
        return entity

    # -- statements the server answers itself -------------------------------------------------

    def _set(self, statement: ast.SetProperty, request: _Request) -> None:
        value = normalize({statement.name: statement.value})
        request.session.config.update(value)
        request.overrides.update(value)

    def _unset(self, statement: ast.UnsetProperty, request: _Request) -> None:
        normalize({statement.name: None})
        config = request.session.config
        for name in (statement.name, statement.name.removeprefix("ksql.streams.")):
            config.pop(name, None)
            request.overrides.pop(name, None)
            if name in self.engine.properties:
                config[name] = self.engine.properties[name]

    def _variable(self, statement: ast.Statement, request: _Request) -> None:
        self.engine.execute_statement(statement, request.session)

    def _insert_values(self, statement: ast.InsertValues, request: _Request) -> None:
        self.engine.execute_statement(statement, request.session)

    def _list_queries(self, statement: ast.ListQueries, request: _Request) -> Entity:
        entity = dict(self.engine.execute_statement(statement, request.session).entity)
        entity["queries"] = list(entity.get("queries", [])) + self.push.listing()
        return entity

    def _terminate(self, statement: ast.TerminateQuery, request: _Request) -> Entity | None:
        query_id = statement.query_id
        if query_id is not None and self.push.stop(query_id):
            return {
                "@type": "terminate_query",
                "statementText": statement.text,
                "queryId": query_id,
                "wasTerminated": True,
                "warnings": [],
            }
        number = self.engine.catalog.next_query_number
        entity = dict(self.engine.execute_statement(statement, request.session).entity)
        return self._distribute(statement, request, entity, number)

    def _describe_function(self, statement: ast.DescribeFunction, request: _Request) -> Entity:
        registry = getattr(self.engine.functions, "registry", None)
        if registry is None:
            raise StatementError(f"Can't find any functions with the name '{statement.name}'")
        described = registry.describe(statement.name)
        return {
            "@type": "describe_function",
            "statementText": statement.text,
            "name": described.name,
            "description": described.description,
            "author": described.author,
            "version": described.version,
            "path": described.path,
            "functions": [
                {
                    "arguments": [
                        {
                            "name": a.name,
                            "type": a.type,
                            "description": a.description,
                            "isVariadic": a.is_variadic,
                        }
                        for a in variant.arguments
                    ],
                    "returnType": variant.return_type,
                    "description": variant.description,
                }
                for variant in described.variants
            ],
            "type": described.type.value,
            "warnings": [],
        }

    def _list_properties(self, statement: ast.ListProperties, request: _Request) -> Entity:
        entity = dict(self.engine.execute_statement(statement, request.session).entity)
        overridden = set(request.overrides)
        properties = list(entity.get("properties", []))
        entity["overwrittenProperties"] = [p for p in properties if p.get("name") in overridden]
        entity["defaultProperties"] = [
            p["name"]
            for p in properties
            if p.get("name") not in overridden and p.get("name") not in self.engine.properties
        ]
        return entity

    # -- replay -------------------------------------------------------------------------------

    def replay(self, commands: list[Command]) -> int:
        """Run the command topic's statements, in order; returns how many succeeded."""
        applied = 0
        for command in commands:
            try:
                statements = parse(command.statement)
                session = self.engine.session(normalize(command.properties))
                for statement in statements:
                    if command.query_number is not None:
                        self.engine.catalog.next_query_number = max(
                            self.engine.catalog.next_query_number, command.query_number
                        )
                    result = self.engine.execute_statement(statement, session)
                    status = result.entity.get("commandStatus")
                    if isinstance(status, dict):
                        self.statuses[command.command_id] = {
                            "status": str(status.get("status", "SUCCESS")),
                            "message": str(status.get("message", "")),
                        }
                applied += 1
            except Exception as error:
                log.warning(
                    "command %d (%s) did not replay: %s", command.offset, command.command_id, error
                )
        return applied


def _command_id(statement: ast.Statement) -> str:
    name = getattr(statement, "name", None) or getattr(statement, "query_id", None) or ""
    kind = type(statement).__name__.lower()
    return f"{kind}/{name}/execute"


def _storable(overrides: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for k, v in overrides.items()
    }
