"""Administration, variable and ASSERT statements back to KSQL."""

from __future__ import annotations

from ksqlmv.sql import ast
from ksqlmv.sql.formatter._expressions import quote_identifier, quote_string
from ksqlmv.sql.formatter._statements import Formatter

__all__ = ["AdminFormatter"]

_LIST_WORDS: dict[type, str] = {
    ast.ListProperties: "SHOW PROPERTIES",
    ast.ListFunctions: "SHOW FUNCTIONS",
    ast.ListTypes: "SHOW TYPES",
    ast.ListVariables: "SHOW VARIABLES",
    ast.ListConnectorPlugins: "SHOW CONNECTOR PLUGINS",
}


def _extended(text: str, extended: bool) -> str:
    return f"{text} EXTENDED" if extended else text


def _query_id(query_id: str | None) -> str:
    return "ALL" if query_id is None else quote_identifier(query_id)


class AdminFormatter(Formatter):
    """Adds the statements that inspect or steer the server."""

    def _plain(self, node: ast.Statement) -> str:
        return _LIST_WORDS[type(node)]

    list_properties_sql = list_functions_sql = list_types_sql = _plain
    list_variables_sql = list_connector_plugins_sql = _plain

    def list_streams_sql(self, node: ast.ListStreams) -> str:
        return _extended("SHOW STREAMS", node.extended)

    def list_tables_sql(self, node: ast.ListTables) -> str:
        return _extended("SHOW TABLES", node.extended)

    def list_queries_sql(self, node: ast.ListQueries) -> str:
        return _extended("SHOW QUERIES", node.extended)

    def list_topics_sql(self, node: ast.ListTopics) -> str:
        return _extended("SHOW ALL TOPICS" if node.all_topics else "SHOW TOPICS", node.extended)

    def list_connectors_sql(self, node: ast.ListConnectors) -> str:
        scope = "" if node.scope is ast.ConnectorScope.ALL else node.scope.value + " "
        return f"SHOW {scope}CONNECTORS"

    def describe_source_sql(self, node: ast.DescribeSource) -> str:
        name = quote_identifier(node.name)
        # Unquoted, `TABLES` would list the tables instead of describing a source so named.
        if name == "TABLES":
            name = "`TABLES`"
        return _extended(f"DESCRIBE {name}", node.extended)

    def describe_streams_sql(self, node: ast.DescribeStreams) -> str:
        return _extended("DESCRIBE STREAMS", node.extended)

    def describe_tables_sql(self, node: ast.DescribeTables) -> str:
        return _extended("DESCRIBE TABLES", node.extended)

    def describe_function_sql(self, node: ast.DescribeFunction) -> str:
        return f"DESCRIBE FUNCTION {quote_identifier(node.name)}"

    def describe_connector_sql(self, node: ast.DescribeConnector) -> str:
        return f"DESCRIBE CONNECTOR {quote_identifier(node.name)}"

    def explain_sql(self, node: ast.Explain) -> str:
        if node.statement is not None:
            return f"EXPLAIN {self.sql(node.statement)}"
        return f"EXPLAIN {_query_id(node.query_id)}"

    def print_topic_sql(self, node: ast.PrintTopic) -> str:
        parts = [f"PRINT {quote_string(node.topic)}"]
        if node.from_beginning:
            parts.append("FROM BEGINNING")
        if node.interval is not None:
            parts.append(f"INTERVAL {node.interval}")
        if node.limit is not None:
            parts.append(f"LIMIT {node.limit}")
        return " ".join(parts)

    def terminate_query_sql(self, node: ast.TerminateQuery) -> str:
        return f"TERMINATE {_query_id(node.query_id)}"

    def pause_query_sql(self, node: ast.PauseQuery) -> str:
        return f"PAUSE {_query_id(node.query_id)}"

    def resume_query_sql(self, node: ast.ResumeQuery) -> str:
        return f"RESUME {_query_id(node.query_id)}"

    def set_property_sql(self, node: ast.SetProperty) -> str:
        return f"SET {quote_string(node.name)}={quote_string(node.value)}"

    def unset_property_sql(self, node: ast.UnsetProperty) -> str:
        return f"UNSET {quote_string(node.name)}"

    def alter_system_property_sql(self, node: ast.AlterSystemProperty) -> str:
        return f"ALTER SYSTEM {quote_string(node.name)}={quote_string(node.value)}"

    def define_variable_sql(self, node: ast.DefineVariable) -> str:
        return f"DEFINE {node.name}={quote_string(node.value)}"

    def undefine_variable_sql(self, node: ast.UndefineVariable) -> str:
        return f"UNDEFINE {node.name}"

    # -------------------------------------------------------------------------------- ASSERT

    def assert_topic_sql(self, node: ast.AssertTopic) -> str:
        parts = ["ASSERT", "" if node.exists else "NOT EXISTS", "TOPIC", quote_string(node.topic)]
        parts += [self._properties(node.properties), self._timeout(node.timeout)]
        return " ".join(part for part in parts if part)

    def assert_schema_sql(self, node: ast.AssertSchema) -> str:
        parts = ["ASSERT", "" if node.exists else "NOT EXISTS", "SCHEMA"]
        if node.subject is not None:
            parts.append(f"SUBJECT {quote_string(node.subject)}")
        if node.schema_id is not None:
            parts.append(f"ID {node.schema_id}")
        parts.append(self._timeout(node.timeout))
        return " ".join(part for part in parts if part)

    def _timeout(self, timeout: ast.TimeClause | None) -> str:
        return "" if timeout is None else f"TIMEOUT {self.sql(timeout)}"

    def assert_values_sql(self, node: ast.AssertValues) -> str:
        rest = self._columns_and_values(node.columns, "VALUES", node.values)
        return f"ASSERT VALUES {quote_identifier(node.target)}{rest}"

    def assert_tombstone_sql(self, node: ast.AssertTombstone) -> str:
        rest = self._columns_and_values(node.columns, "KEY", node.values)
        return f"ASSERT NULL VALUES {quote_identifier(node.target)}{rest}"

    def assert_stream_sql(self, node: ast.AssertStream) -> str:
        return "ASSERT " + self.sql(node.create).removeprefix("CREATE ")

    def assert_table_sql(self, node: ast.AssertTable) -> str:
        return "ASSERT " + self.sql(node.create).removeprefix("CREATE ")

    def run_script_sql(self, node: ast.RunScript) -> str:
        return f"RUN SCRIPT {quote_string(node.path)}"
