"""Migrations: what `ksqlmv migrate info` and `validate` say, and each file's text.

Read with the migrations package itself (`ksqlmv.migrations`: `info`, `validate`, `format_info`),
against the dashboard's server, from the project `KSQLMV_MIGRATIONS_CONFIG` names (else the usual
places). `migrations?version=8` opens version 8's file, as the Flow page links to it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashlib import connection
from ksqlmv import migrations as m
from ksqlmv.errors import ConfigError, ValidationError
from ksqlmv.migrations.records import format_time
from ksqlmv.migrations.report import InfoReport

__all__: list[str] = []


def info_frame(report: InfoReport) -> pd.DataFrame:
    """`info`'s table, one row per file, with its checksum and whether it has a down file."""
    rows = [
        {
            "version": record.version,
            "name": record.name,
            "state": record.state.value,
            "previous": record.previous,
            "started on": format_time(record.started_on),
            "completed on": format_time(record.completed_on),
            "error reason": record.error_reason,
            "down file": record.version in report.has_down_file,
            "file": migration.file_name,
            "md5": migration.checksum(),
        }
        for migration, record in report.rows
    ]
    return pd.DataFrame(rows)


def show_file(files: m.MigrationSet, wanted: str | None) -> None:
    """The text of the version the deep link names (or the one picked here)."""
    versions = [migration.version for migration in files.up]
    if not versions:
        return
    chosen = int(wanted) if wanted and wanted.isdigit() and int(wanted) in versions else None
    index = versions.index(chosen) if chosen is not None else len(versions) - 1
    names = {migration.version: migration.file_name for migration in files.up}
    version = st.selectbox("File", versions, index=index, format_func=lambda v: names[v])
    migration = files.by_version(version) if version is not None else None
    if migration is None:
        return
    st.query_params["version"] = str(migration.version)
    st.caption(f"{migration.path} · md5 {migration.checksum()}")
    st.code(migration.read_text(), language="sql", line_numbers=True)


def page(config_path: Path) -> None:
    """Tiles, the info table, validation, the CLI's own text, and one file."""
    config = m.MigrationConfig.load(config_path)
    files = m.discover(config.migrations_dir)
    with m.connect(config, server=connection.client_options().url) as ksql:
        migrator = m.Migrator(ksql, config)
        try:
            report = m.info(migrator)
            validation = m.validate(migrator)
        except ValidationError as error:
            st.warning(str(error))
            report, validation = None, None
    if report is not None and validation is not None:
        migrated = len(report.rows) - report.pending
        tiles = st.columns(4)
        tiles[0].metric("Current version", report.current_version, border=True)
        tiles[1].metric("Migrated", migrated, border=True)
        tiles[2].metric("Pending", report.pending, border=True)
        tiles[3].metric("Valid", "yes" if not validation.problems else "no", border=True)
        if validation.problems:
            st.error(
                "`validate` found problems:\n\n" + "\n".join(f"- {p}" for p in validation.problems)
            )
        else:
            st.success(
                f"`validate`: every applied file is unchanged (up to {validation.latest_migrated})."
            )
        st.dataframe(info_frame(report), hide_index=True)
        with st.expander("As `ksqlmv migrate info` prints it"):
            st.code(m.format_info([record for _, record in report.rows]), language=None)
    for skipped in files.skipped:
        st.warning(f"Not a migration file name, skipped: {skipped}")
    show_file(files, st.query_params.get("version"))


st.title("Migrations")
path = connection.migrations_config_path()
if path is None:
    st.warning(
        "No migrations project found: set KSQLMV_MIGRATIONS_CONFIG to its "
        "ksql-migrations.properties (or run from the project's folder)."
    )
else:
    with connection.guard():
        try:
            page(path)
        except ConfigError as error:
            st.error(str(error))
