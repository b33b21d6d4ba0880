"""Query editor: statements, pull queries and push queries, with their properties.

The script runs one statement at a time; each result (or ksqlDB's error, with its code) is shown
under its statement, and the run stops at the first error as ksqlDB's own requests do. A push
query streams into a table in the background until stopped, replaced by another run, or the
viewer leaves the page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashlib import connection
from dashlib.queries import Kind, Outcome, QueryRun, Session, parse_properties, run_statement
from dashlib.shaping import to_frame
from ksqlmv.client import KsqlClient
from ksqlmv.errors import ParseError
from ksqlmv.sql import split_statements

__all__: list[str] = []

EXAMPLE = "SELECT * FROM ORDERS_BY_STATUS;"
PUSH_REFRESH = 0.5
PUSH_ROWS = 1_000


def start_push(sql: str, session: Session) -> QueryRun:
    """A push query on a client of its own, owned by this session's viewer."""
    run = QueryRun(
        KsqlClient(options=connection.client_options()),
        sql,
        properties=dict(session.properties),
        variables=dict(session.variables),
        max_rows=PUSH_ROWS,
    ).start()
    me = connection.viewer()
    with me.lock:
        me.runs.append(run)
    return run


def run_script(ksql: KsqlClient, text: str, properties: dict[str, str]) -> list[Outcome]:
    """Every statement in order, stopping at the first that fails."""
    session = Session(properties=dict(properties))
    outcomes: list[Outcome] = []
    for statement in split_statements(text):
        sql = statement.text if statement.terminated else statement.text + ";"
        outcome = run_statement(ksql, sql, statement.line, session, start_push)
        outcomes.append(outcome)
        if not outcome.ok:
            break
    return outcomes


def _listing(entity: dict[str, Any]) -> pd.DataFrame | None:
    """The first list of objects in an entity (streams, tables, queries, topics, ...)."""
    for value in entity.values():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            return pd.json_normalize(value)
    return None


def show_entity(entity: dict[str, Any] | None, message: str) -> None:
    """A `/ksql` result: its status message, a listing as a table, anything else as JSON."""
    if message:
        st.success(message)
    if entity is None:
        return
    description = entity.get("sourceDescription")
    if isinstance(description, dict):
        fields = [
            {"name": f["name"], "type": f["schema"]["type"], "kind": f.get("type", "")}
            for f in description.get("fields", [])
        ]
        st.dataframe(pd.DataFrame(fields), hide_index=True)
        return
    listing = _listing(entity)
    if listing is not None:
        st.dataframe(listing, hide_index=True)
    elif not message:
        st.json(entity, expanded=False)


def show_push(run: QueryRun) -> None:
    """A push query's newest rows; reruns on its own timer while the query runs."""
    if run.running and st.button("Stop", key=f"stop_{id(run)}"):
        run.stop()
    rows = run.rows()
    st.caption(f"{run.status} · {run.received} rows received, newest first (last {PUSH_ROWS})")
    if run.error:
        st.error(f"{run.error}  \nerror code {run.error_code}")
    st.dataframe(to_frame(run.columns, rows), hide_index=True)


def show_outcome(outcome: Outcome) -> None:
    """One statement with its result or its error underneath."""
    st.code(outcome.text.strip(), language="sql")
    if not outcome.ok:
        code = f"  \nerror code {outcome.error_code}" if outcome.error_code else ""
        st.error(f"{outcome.message}{code}", icon=":material/block:")
    elif outcome.kind is Kind.PULL:
        st.caption(outcome.message)
        st.dataframe(to_frame(outcome.columns, outcome.rows), hide_index=True)
    elif outcome.kind is Kind.PUSH and outcome.run is not None:
        st.fragment(show_push, run_every=PUSH_REFRESH)(outcome.run)
    elif outcome.kind is Kind.STATEMENT:
        show_entity(outcome.entity, outcome.message)
    else:
        st.caption(outcome.message)


@st.cache_data(ttl=10, show_spinner=False)
def source_names(url: str) -> dict[str, list[str]]:
    """The streams and tables to query, for the list beside the editor."""
    ksql = connection.client()
    return {
        "Tables": sorted(t["name"] for t in ksql.list_tables()),
        "Streams": sorted(s["name"] for s in ksql.list_streams()),
    }


def page(ksql: KsqlClient) -> None:
    """The editor form, then the results of its last run."""
    with st.expander("Streams and tables"):
        for kind, names in source_names(ksql.options.url).items():
            st.caption(f"**{kind}:** " + ", ".join(f"`{name}`" for name in names))
    with st.form("editor"):
        text = st.text_area("KSQL", EXAMPLE, height=180, key="sql")
        left, right = st.columns([1, 3])
        offset = left.selectbox("auto.offset.reset", ["latest", "earliest"], key="offset")
        extra = right.text_area(
            "More properties (name=value per line)", height=68, key="properties"
        )
        submitted = st.form_submit_button("Run", type="primary")
    if submitted:
        connection.viewer().stop_runs()
        try:
            properties = {"auto.offset.reset": offset, **parse_properties(extra)}
            st.session_state["outcomes"] = run_script(ksql, text, properties)
        except (ValueError, ParseError) as error:
            st.session_state["outcomes"] = []
            st.error(str(error), icon=":material/block:")
    for outcome in st.session_state.get("outcomes", []):
        show_outcome(outcome)


st.title("Query editor")
with connection.guard():
    page(connection.client())
