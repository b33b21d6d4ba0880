"""Flow: the lineage of topics, streams, queries and tables, each tied to its migration.

Boxes link to the migration file that created them (on the Migrations page); a source on the
server that no migration made says so, and one the migrations declare but the server lacks is
drawn dashed. The migrations project is `KSQLMV_MIGRATIONS_CONFIG`, else the usual places.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashlib import connection
from dashlib.catalog import read_catalog
from dashlib.lineage import Lineage, Origins, build_lineage, read_origins
from dashlib.links import LiveLink, migration_link
from ksqlmv.client import KsqlClient
from ksqlmv.errors import KsqlmvError
from ksqlmv.migrations import MigrationConfig

__all__: list[str] = []


@st.cache_data(ttl=5, show_spinner=False)
def project(config_path: str | None) -> tuple[Origins, tuple[str, ...], str]:
    """The migrations' origins, the metadata objects' names, and a problem reading them."""
    if config_path is None:
        return Origins(), (), "no ksql-migrations.properties found"
    try:
        config = MigrationConfig.load(Path(config_path))
        hidden = (config.stream_name, config.table_name)
        return read_origins(config.migrations_dir), hidden, ""
    except KsqlmvError as error:
        return Origins(), (), str(error)


def objects_frame(lineage: Lineage) -> pd.DataFrame:
    """Every source and query with its migration, a link to the file and one to its live view."""
    rows = []
    for node in lineage.nodes:
        if node.kind == "TOPIC":
            continue
        origin = node.origin
        rows.append(
            {
                "name": node.name,
                "kind": node.kind.lower(),
                "on server": not node.missing,
                "migration": f"{origin.file}:{origin.line}" if origin else "none",
                "migration link": migration_link(origin.version) if origin else None,
                "live view": LiveLink(node.name).url() if node.kind != "QUERY" else None,
            }
        )
    return pd.DataFrame(rows)


def page(ksql: KsqlClient) -> None:
    """The graph, the objects with their migrations, and what does not match."""
    config_path = connection.migrations_config_path()
    origins, hidden, problem = project(str(config_path) if config_path else None)
    show_all = st.toggle("Show the migrations metadata stream and table", value=False)
    catalog = read_catalog(ksql, extended=False)
    lineage = build_lineage(
        catalog.sources, catalog.query_infos(), origins, hidden=() if show_all else hidden
    )
    if problem:
        st.warning(f"Migrations not read: {problem}")
    for issue in origins.problems:
        st.warning(issue)
    st.graphviz_chart(lineage.to_dot(lambda origin: migration_link(origin.version)))
    st.caption(
        f"Migrations from {config_path or 'nowhere'}. Click a box to open the migration that "
        "created it; dashed boxes are declared by migrations but missing on the server."
    )
    frame = objects_frame(lineage)
    if not frame.empty:
        st.dataframe(
            frame,
            hide_index=True,
            column_config={
                "migration link": st.column_config.LinkColumn(display_text="file"),
                "live view": st.column_config.LinkColumn(display_text="open"),
            },
        )
        unmanaged = frame[(frame["migration"] == "none") & (frame["kind"] != "query")]
        if not unmanaged.empty:
            names = ", ".join(unmanaged["name"])
            st.info(f"On the server but not created by any migration: {names}")


st.title("Flow")
with connection.guard():
    page(connection.client())
