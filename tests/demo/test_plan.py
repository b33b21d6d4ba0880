"""What the demo runs and says: its views, its command lines, its environment and its guide."""

from __future__ import annotations

import ast
import io
import re
import time
from pathlib import Path

import click
import pytest

from ksqlmv.cli import cli
from ksqlmv.demo import Addresses, Demo, DemoPlan, project_views
from ksqlmv.demo.guide import PAGES, guide

AT = Addresses("127.0.0.1:19092", "http://127.0.0.1:18081", "http://127.0.0.1:18088", "")


def test_the_views_are_those_the_readme_describes(repo_root: Path) -> None:
    views = project_views(repo_root / "ksql" / "migrations")
    readme = (repo_root / "README.md").read_text()
    section = readme[readme.index("## The demo domain") :]
    table = section[: section.index("\n\n", section.index("| view |"))]
    first_cells = re.findall(r"^\| ([^|]+) \|", table, flags=re.MULTILINE)
    described = {name for cell in first_cells for name in re.findall(r"`([A-Z0-9_]+)`", cell)}
    assert {view.name for view in views} == described
    by_name = {view.name: view for view in views}
    assert by_name["REVENUE_PER_MINUTE"].windowed and by_name["REVENUE_PER_MINUTE"].is_table
    assert not by_name["ORDERS_ENRICHED"].is_table
    assert by_name["ORDER_STATUS"].headline == "The current status of every order"


def test_views_come_from_create_as_select_only(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "V000001__source.sql").write_text(
        "CREATE STREAM s (id STRING KEY, n INT) WITH (kafka_topic='s', value_format='json');\n"
    )
    (folder / "V000002__counts.sql").write_text(
        "-- Counts per id: an aggregation. More words.\n-- And more.\n"
        "CREATE TABLE counts AS SELECT id, COUNT(*) AS n FROM s GROUP BY id EMIT CHANGES;\n"
    )
    (view,) = project_views(folder)
    assert (view.name, view.kind, view.windowed) == ("COUNTS", "TABLE", False)
    assert view.description == "Counts per id: an aggregation."
    assert view.headline == "Counts per id"
    assert view.file == "V000002__counts.sql"


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        ({}, ["--kafka-port", "9092", "--registry-port", "8081", "--ksql-port", "8088"]),
        (
            {"broker": 0, "registry": 0, "ksql": 7000},
            ["--kafka-port", "0", "--registry-port", "0", "--ksql-port", "7000"],
        ),
    ],
)
def test_the_stack_runs_on_the_ports_asked(
    tmp_path: Path, ports: dict[str, int], expected: list[str]
) -> None:
    plan = DemoPlan(data_dir=tmp_path / "d", ports=ports or DemoPlan().ports)
    command = plan.stack_command()
    assert command[:3] == ["local", "--data-dir", str((tmp_path / "d").resolve() / "stack")]
    assert command[-6:] == expected


def test_every_step_is_a_ksqlmv_command_line_the_cli_accepts(repo_root: Path) -> None:
    plan = DemoPlan(project_dir=repo_root)
    commands = [
        plan.stack_command(),
        plan.simulate_command("shop", AT),
        plan.migrate_command(AT, "apply", "--all"),
        plan.dashboard_command(8501, AT),
    ]
    with click.Context(cli) as root:
        for name, *arguments in commands:
            command = cli.get_command(root, name)
            assert command is not None, name
            parsed = command.make_context(name, list(arguments), parent=root)  # flags checked
            assert parsed.params
    assert plan.simulate_command("trading", AT)[:4] == ["simulate", "trading", "--rate", "20"]
    assert plan.migrate_command(AT, "info")[-3:] == ["--server", AT.ksqldb_url, "info"]
    dashboard = plan.dashboard_command(8501, AT)
    assert dashboard[dashboard.index("--ksqldb-url") + 1] == AT.ksqldb_url


def test_children_never_inherit_a_cluster_or_its_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KSQLMV_BOOTSTRAP_SERVERS", "pkc-somewhere:9092")
    monkeypatch.setenv("KSQLMV_KSQLDB_PASSWORD", "s3cret")
    monkeypatch.setenv("KSQLMV_KAFKA_API_SECRET", "s3cret")
    env = DemoPlan().environment(AT)
    assert env["KSQLMV_BOOTSTRAP_SERVERS"] == AT.bootstrap_servers
    assert env["KSQLMV_KSQLDB_URL"] == AT.ksqldb_url
    assert "s3cret" not in env.values()
    assert not any(name.startswith("KSQLMV_") for name in DemoPlan().environment())


def test_the_guide_points_at_every_view_and_page(repo_root: Path) -> None:
    views = project_views(repo_root / "ksql" / "migrations")
    at = Addresses(AT.bootstrap_servers, AT.schema_registry_url, AT.ksqldb_url, "http://h:1")
    text = guide(at, 12.34, views, Path(".ksqlmv/demo/logs"))
    assert "(12.3 s)" in text
    assert "http://h:1/live?view=REVENUE_PER_MINUTE" in text
    for view in views:
        assert re.search(rf"^  {view.name} +{re.escape(view.headline)}", text, re.MULTILINE)
    for _, path, _ in PAGES:
        assert f"http://h:1/{path}" in text
    for address in (AT.bootstrap_servers, AT.schema_registry_url, AT.ksqldb_url):
        assert address in text
    assert "Ctrl-C" in text
    headless = guide(AT, 1.0, views, Path("logs"))
    assert "without the dashboard" in headless
    assert "/live?view=" not in headless


def test_a_second_stop_request_kills_unless_it_is_the_same_one_twice() -> None:
    demo = Demo(DemoPlan(), io.StringIO(), lambda line: None)
    assert demo.request_stop() == "stopping"
    assert demo.request_stop() == "", "a duplicate of the first (timeout signals twice)"
    time.sleep(0.6)
    assert demo.request_stop() == "killing"
    assert demo.request_stop() == ""


def test_the_guide_names_the_dashboards_own_pages(repo_root: Path) -> None:
    tree = ast.parse((repo_root / "dashboard" / "app.py").read_text())
    (pages,) = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets)
    ]
    assert [(title, path) for _, title, _, path in pages] == [
        (title, path) for title, path, _ in PAGES
    ]
