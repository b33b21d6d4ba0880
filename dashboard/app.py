"""ksqlmv's live dashboard: `ksqlmv dashboard` (or `streamlit run dashboard/app.py`).

The entry script: page setup, navigation (one script per page in `app_pages/`), the sidebar and
the server banner, which re-checks the server every few seconds in a fragment and reruns the app
when the server goes away or comes back.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashlib import connection

__all__: list[str] = []

HERE = Path(__file__).resolve().parent
# (script, title, icon, url path): st.navigation over a folder that is not `pages/`, so
# Streamlit's older automatic page discovery stays out of the way.
PAGES = (
    ("overview.py", "Overview", ":material/monitoring:", "overview"),
    ("live.py", "Live views", ":material/table_view:", "live"),
    ("editor.py", "Query editor", ":material/terminal:", "editor"),
    ("flow.py", "Flow", ":material/account_tree:", "flow"),
    ("migrations.py", "Migrations", ":material/history:", "migrations"),
)
CHECK_EVERY = 3.0  # seconds between checks of the server's status
_STATES = {
    (True, True): ":green[●] up",
    (True, False): ":orange[●] unhealthy",
    (False, False): ":red[●] down",
}


@st.fragment(run_every=CHECK_EVERY)
def server_banner() -> None:
    """Probe the server; show the banner when it is down; rerun the app when that changes."""
    status = connection.probe(connection.client())
    before = st.session_state.get("server_status")
    st.session_state["server_status"] = status
    connection.show_status_banner(status)
    if before is not None and before.reachable != status.reachable:
        st.rerun()


def sidebar(status: connection.ServerStatus) -> None:
    """The server, its version, and the live readers this dashboard process keeps open."""
    with st.sidebar:
        state = _STATES[(status.reachable, status.healthy)]
        st.caption(f"ksqlDB {status.info.get('version', '')} · {state}")
        st.code(status.url, language=None)
        readers = connection.registry().readers()
        if readers:
            viewers = sum(reader.viewers for reader in readers)
            st.caption(f"{len(readers)} live readers shared by {viewers} viewers")


st.set_page_config(page_title="ksqlmv", page_icon=":material/bolt:", layout="wide")
page = st.navigation(
    [
        st.Page(HERE / "app_pages" / script, title=title, icon=icon, url_path=path)
        for script, title, icon, path in PAGES
    ]
)
server_banner()
status: connection.ServerStatus = st.session_state["server_status"]
sidebar(status)
connection.viewer().enter(page.url_path)
if status.reachable and not status.error:
    page.run()
