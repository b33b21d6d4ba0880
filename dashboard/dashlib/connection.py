"""The dashboard's way to the ksqlDB server: one client, one reader registry, one viewer per
session, the server's status and the banner shown when it cannot be reached.

The server is the one `KSQLMV_KSQLDB_URL` names (credentials from `KSQLMV_KSQLDB_USER` /
`KSQLMV_KSQLDB_PASSWORD`, through `ksqlmv.config.Settings`). Everything goes through
`ksqlmv.client`; the dashboard never imports the engine or the servers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import streamlit as st

from dashlib.queries import QueryRun
from dashlib.readers import Reader, ReaderKey, ReaderRegistry, open_reader
from ksqlmv.client import ClientOptions, KsqlClient
from ksqlmv.config import Settings
from ksqlmv.errors import (
    AuthenticationError,
    ConfigError,
    KsqlmvError,
    ServiceUnavailableError,
    StatementError,
)
from ksqlmv.migrations import find_config_file

__all__ = [
    "MIGRATIONS_CONFIG_ENV",
    "ServerStatus",
    "Viewer",
    "client",
    "client_options",
    "guard",
    "migrations_config_path",
    "probe",
    "registry",
    "show_status_banner",
    "viewer",
]

MIGRATIONS_CONFIG_ENV = "KSQLMV_MIGRATIONS_CONFIG"
"""Where the migrations project's `ksql-migrations.properties` is (Flow and Migrations pages)."""

# Reaching the server must fail fast (a banner, not a hung page); statements may take a while.
_TIMEOUT = httpx.Timeout(connect=3.0, read=60.0, write=10.0, pool=5.0)
_DASHBOARD_DIR = Path(__file__).resolve().parent.parent


def client_options(url: str | None = None) -> ClientOptions:
    """Options for the server the environment names (or `url`), with the dashboard's timeouts."""
    options = ClientOptions.from_settings(Settings.from_env(), timeout=_TIMEOUT)
    return dataclasses.replace(options, url=url) if url else options


@st.cache_resource(show_spinner=False, on_release=KsqlClient.close)
def _shared_client(url: str, user: str | None) -> KsqlClient:
    return KsqlClient(options=client_options(url))


def client() -> KsqlClient:
    """The client every session shares for statements and pull queries (httpx pools it)."""
    options = client_options()
    return _shared_client(options.url, options.auth.username if options.auth else None)


@st.cache_resource(show_spinner=False, on_release=ReaderRegistry.close)
def registry() -> ReaderRegistry:
    """The live readers, shared by every session of this dashboard process."""
    return ReaderRegistry(lambda key: open_reader(key, client_options(key.url)))


@dataclass(slots=True)
class Viewer:
    """One browser session: its id for reader leases, its page, the push queries it started."""

    readers: ReaderRegistry
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    page: str = ""
    runs: list[QueryRun] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, page: str) -> None:
        """Called on every full run: leaving a page lets go of its readers and push queries."""
        if page != self.page:
            self.readers.release_viewer(self.id)
            self.stop_runs()
            self.page = page

    def stop_runs(self) -> None:
        """Stop the editor's push queries of this session."""
        with self.lock:
            runs, self.runs = self.runs, []
        for run in runs:
            run.stop()

    def watch(self, key: ReaderKey, *, only: bool = False) -> Reader:
        """The shared reader for `key`, this session's lease renewed; `only` lets go of the
        session's other readers (a live view replacing the one shown before)."""
        if only:
            self.readers.release_viewer(self.id, keep=key)
        return self.readers.watch(key, self.id)

    def leave(self) -> None:
        """Let go of every live view and push query (the session ended)."""
        self.stop_runs()
        self.readers.release_viewer(self.id)


@dataclass(slots=True)
class _Departures:
    """The viewers of one session, let go when Streamlit releases the session's resources."""

    viewers: list[Viewer] = field(default_factory=list)

    def leave(self) -> None:
        for gone in self.viewers:
            gone.leave()


@st.cache_resource(scope="session", on_release=_Departures.leave, show_spinner=False)
def _departures() -> _Departures:
    return _Departures()


def viewer() -> Viewer:
    """This session's viewer (kept in its Session State); let go when the session ends."""
    found: Viewer | None = st.session_state.get("_viewer")
    if found is None:
        found = st.session_state["_viewer"] = Viewer(registry())
        _departures().viewers.append(found)
    return found


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """What the server said about itself, or why it could not be asked."""

    url: str
    reachable: bool
    info: dict[str, Any] = field(default_factory=dict)
    health: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def healthy(self) -> bool:
        """Reachable and reporting itself healthy."""
        return self.reachable and bool(self.health.get("isHealthy", True))


def probe(ksql: KsqlClient) -> ServerStatus:
    """Ask the server for `/info` and `/healthcheck`; never raises."""
    url = ksql.options.url
    try:
        return ServerStatus(url, True, ksql.info(), ksql.health())
    except AuthenticationError as error:
        return ServerStatus(url, True, error=f"the server refused the credentials: {error}")
    except KsqlmvError as error:
        return ServerStatus(url, False, error=str(error))


def show_status_banner(status: ServerStatus) -> None:
    """A clear banner for a server that is down, refusing us or unhealthy; nothing when fine."""
    if not status.reachable:
        st.error(
            f"**The ksqlDB server is down or unreachable:** {status.error}.  \n"
            "The dashboard keeps trying and comes back by itself when the server does.",
            icon=":material/power_off:",
        )
    elif status.error:
        st.error(f"**{status.url}:** {status.error}", icon=":material/lock:")
    elif not status.healthy:
        st.warning(
            f"The ksqlDB server at {status.url} reports itself unhealthy: "
            f"{status.health.get('details', {})}",
            icon=":material/warning:",
        )


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Turn a server that went away mid-page into the banner, and a request it refused (a view
    dropped since the page listed it) into ksqlDB's message, instead of a traceback."""
    try:
        yield
    except (ServiceUnavailableError, AuthenticationError) as error:
        reachable = isinstance(error, AuthenticationError)
        show_status_banner(ServerStatus(client_options().url, reachable, error=str(error)))
    except StatementError as error:
        st.error(f"The server refused a request: {error}  \nerror code {error.error_code}")


def migrations_config_path() -> Path | None:
    """The migrations project: `KSQLMV_MIGRATIONS_CONFIG`, else `./ksql-migrations.properties`
    or `./ksql/...`, else the `ksql/` folder next to the dashboard; None when there is none."""
    named = os.environ.get(MIGRATIONS_CONFIG_ENV)
    if named:
        return Path(named)
    with contextlib.suppress(ConfigError):
        return find_config_file(None)
    beside = _DASHBOARD_DIR.parent / "ksql" / "ksql-migrations.properties"
    return beside if beside.is_file() else None
