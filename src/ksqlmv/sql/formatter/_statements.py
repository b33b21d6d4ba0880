"""Statements back to KSQL. A query puts each clause on its own line when `pretty` is set."""

from __future__ import annotations

from ksqlmv.sql import ast
from ksqlmv.sql.formatter._expressions import (
    VALUE,
    ExpressionFormatter,
    quote_identifier,
    quote_string,
)

__all__ = ["Formatter"]

_JOIN_WORDS = {
    ast.JoinType.INNER: "INNER JOIN",
    ast.JoinType.LEFT: "LEFT OUTER JOIN",
    ast.JoinType.RIGHT: "RIGHT OUTER JOIN",
    ast.JoinType.OUTER: "FULL OUTER JOIN",
}
_CONSTRAINT_WORDS = {
    ast.ColumnConstraint.VALUE: "",
    ast.ColumnConstraint.KEY: " KEY",
    ast.ColumnConstraint.PRIMARY_KEY: " PRIMARY KEY",
    ast.ColumnConstraint.HEADERS: " HEADERS",
}


class Formatter(ExpressionFormatter):
    """Formats every node: statements, queries and expressions."""

    def _clauses(self, parts: list[str]) -> str:
        return ("\n" if self.pretty else " ").join(part for part in parts if part)

    # ---------------------------------------------------------------------------------- query

    def query_sql(self, node: ast.Query) -> str:
        items = [self.sql(item) for item in node.select]
        if self.pretty and len(items) > 1:
            select = "SELECT\n  " + ",\n  ".join(items)
        else:
            select = "SELECT " + ", ".join(items)
        parts = [select, "FROM " + self.sql(node.from_)]
        if node.window is not None:
            parts.append("WINDOW " + self.sql(node.window))
        if node.where is not None:
            parts.append("WHERE " + self.sql(node.where))
        if node.group_by is not None:
            parts.append("GROUP BY " + self._grouping(node.group_by))
        if node.partition_by is not None:
            parts.append("PARTITION BY " + self._grouping(node.partition_by))
        if node.having is not None:
            parts.append("HAVING " + self.sql(node.having))
        if node.emit is not None:
            parts.append("EMIT " + node.emit.value)
        if node.limit is not None:
            parts.append(f"LIMIT {node.limit}")
        return self._clauses(parts)

    def _grouping(self, expressions: tuple[ast.Expression, ...]) -> str:
        if not expressions:
            return "()"
        return ", ".join(self.wrap(expression, VALUE) for expression in expressions)

    def single_column_sql(self, node: ast.SingleColumn) -> str:
        text = self.sql(node.expression)
        return text if node.alias is None else f"{text} AS {quote_identifier(node.alias)}"

    def all_columns_sql(self, node: ast.AllColumns) -> str:
        return "*" if node.source is None else f"{quote_identifier(node.source)}.*"

    def struct_all_sql(self, node: ast.StructAll) -> str:
        return f"{self.wrap(node.base, 9)}->*"

    def aliased_relation_sql(self, node: ast.AliasedRelation) -> str:
        name = quote_identifier(node.name)
        return name if node.alias == node.name else f"{name} {quote_identifier(node.alias)}"

    def join_sql(self, node: ast.Join) -> str:
        return self._clauses([self.sql(node.left), *(self.sql(right) for right in node.rights)])

    def joined_source_sql(self, node: ast.JoinedSource) -> str:
        text = f"{_JOIN_WORDS[node.join_type]} {self.sql(node.relation)}"
        if node.within is not None:
            text += " " + self.sql(node.within)
        return f"{text} ON {self.sql(node.criteria)}"

    def within_expression_sql(self, node: ast.WithinExpression) -> str:
        if node.before == node.after:
            text = f"WITHIN {self.sql(node.before)}"
        else:
            text = f"WITHIN ({self.sql(node.before)}, {self.sql(node.after)})"
        return text if node.grace is None else f"{text} GRACE PERIOD {self.sql(node.grace)}"

    def tumbling_window_sql(self, node: ast.TumblingWindow) -> str:
        return self._window("TUMBLING", [f"SIZE {self.sql(node.size)}"], node.retention, node.grace)

    def hopping_window_sql(self, node: ast.HoppingWindow) -> str:
        sizes = [f"SIZE {self.sql(node.size)}", f"ADVANCE BY {self.sql(node.advance)}"]
        return self._window("HOPPING", sizes, node.retention, node.grace)

    def session_window_sql(self, node: ast.SessionWindow) -> str:
        return self._window("SESSION", [self.sql(node.gap)], node.retention, node.grace)

    def _window(
        self,
        kind: str,
        parts: list[str],
        retention: ast.TimeClause | None,
        grace: ast.TimeClause | None,
    ) -> str:
        if retention is not None:
            parts.append(f"RETENTION {self.sql(retention)}")
        if grace is not None:
            parts.append(f"GRACE PERIOD {self.sql(grace)}")
        return f"{kind} ({', '.join(parts)})"

    # -------------------------------------------------------------------------- CREATE, DROP

    def _properties(self, properties: tuple[ast.Property, ...]) -> str:
        if not properties:
            return ""
        return "WITH (" + ", ".join(self.sql(prop) for prop in properties) + ")"

    def property_sql(self, node: ast.Property) -> str:
        name = quote_identifier(node.name)
        # A name that must be quoted is written as a string, which keeps its case the same way.
        if name.startswith("`"):
            name = quote_string(node.name)
        return f"{name}={self.sql(node.value)}"

    def table_element_sql(self, node: ast.TableElement) -> str:
        text = f"{quote_identifier(node.name)} {self.type_sql(node.type)}"
        if node.constraint is ast.ColumnConstraint.HEADER:
            return f"{text} HEADER({quote_string(node.header or '')})"
        return text + _CONSTRAINT_WORDS[node.constraint]

    def _create_source(self, node: ast.CreateSource, kind: str) -> str:
        head = ["CREATE"]
        if node.or_replace:
            head.append("OR REPLACE")
        if node.source:
            head.append("SOURCE")
        head.append(kind)
        if node.if_not_exists:
            head.append("IF NOT EXISTS")
        head.append(quote_identifier(node.name))
        text = " ".join(head)
        if node.elements:
            text += " (" + ", ".join(self.sql(element) for element in node.elements) + ")"
        properties = self._properties(node.properties)
        return f"{text} {properties}" if properties else text

    def create_stream_sql(self, node: ast.CreateStream) -> str:
        return self._create_source(node, "STREAM")

    def create_table_sql(self, node: ast.CreateTable) -> str:
        return self._create_source(node, "TABLE")

    def _create_as_select(self, node: ast.CreateAsSelect, kind: str) -> str:
        head = ["CREATE", "OR REPLACE" if node.or_replace else "", kind]
        head += ["IF NOT EXISTS" if node.if_not_exists else "", quote_identifier(node.name)]
        head += [self._properties(node.properties), "AS"]
        return self._clauses([" ".join(part for part in head if part), self.sql(node.query)])

    def create_stream_as_select_sql(self, node: ast.CreateStreamAsSelect) -> str:
        return self._create_as_select(node, "STREAM")

    def create_table_as_select_sql(self, node: ast.CreateTableAsSelect) -> str:
        return self._create_as_select(node, "TABLE")

    def insert_into_sql(self, node: ast.InsertInto) -> str:
        head = f"INSERT INTO {quote_identifier(node.target)}"
        properties = self._properties(node.properties)
        if properties:
            head += " " + properties
        return self._clauses([head, self.sql(node.query)])

    def _columns_and_values(
        self, columns: tuple[str, ...], keyword: str, values: tuple[ast.Expression, ...]
    ) -> str:
        names = f" ({', '.join(quote_identifier(c) for c in columns)})" if columns else ""
        listed = ", ".join(self.wrap(value, VALUE) for value in values)
        return f"{names} {keyword} ({listed})"

    def insert_values_sql(self, node: ast.InsertValues) -> str:
        rest = self._columns_and_values(node.columns, "VALUES", node.values)
        return f"INSERT INTO {quote_identifier(node.target)}{rest}"

    def _drop(self, node: ast.DropSource, kind: str) -> str:
        text = f"DROP {kind} {'IF EXISTS ' if node.if_exists else ''}{quote_identifier(node.name)}"
        return text + (" DELETE TOPIC" if node.delete_topic else "")

    def drop_stream_sql(self, node: ast.DropStream) -> str:
        return self._drop(node, "STREAM")

    def drop_table_sql(self, node: ast.DropTable) -> str:
        return self._drop(node, "TABLE")

    def alter_column_sql(self, node: ast.AlterColumn) -> str:
        return f"ADD COLUMN {quote_identifier(node.name)} {self.type_sql(node.type)}"

    def alter_source_sql(self, node: ast.AlterSource) -> str:
        columns = ", ".join(self.sql(column) for column in node.columns)
        return f"ALTER {node.kind.value} {quote_identifier(node.name)} {columns}"

    def create_type_sql(self, node: ast.CreateType) -> str:
        exists = "IF NOT EXISTS " if node.if_not_exists else ""
        return f"CREATE TYPE {exists}{quote_identifier(node.name)} AS {self.type_sql(node.type)}"

    def drop_type_sql(self, node: ast.DropType) -> str:
        return f"DROP TYPE {'IF EXISTS ' if node.if_exists else ''}{quote_identifier(node.name)}"

    def create_connector_sql(self, node: ast.CreateConnector) -> str:
        exists = "IF NOT EXISTS " if node.if_not_exists else ""
        name = quote_identifier(node.name)
        properties = self._properties(node.properties)
        return f"CREATE {node.connector_kind.value} CONNECTOR {exists}{name} {properties}"

    def drop_connector_sql(self, node: ast.DropConnector) -> str:
        exists = "IF EXISTS " if node.if_exists else ""
        return f"DROP CONNECTOR {exists}{quote_identifier(node.name)}"
