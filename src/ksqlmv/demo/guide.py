"""What the demo prints once it is ready: where everything answers and what to look at."""

from __future__ import annotations

from pathlib import Path

from ksqlmv.demo.plan import Addresses
from ksqlmv.demo.views import View

__all__ = ["PAGES", "guide"]

_PULL_BODY = '{"sql": "SELECT * FROM ORDERS_BY_STATUS;"}'

# The dashboard's pages (dashboard/app.py): title, URL path, what each one is for.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("Overview", "overview", "server health, streams and tables, persistent queries, throughput"),
    ("Live views", "live", "any view as a live table, with KPI tiles and charts over time"),
    ("Query editor", "editor", "run KSQL: pull queries, push queries, statements"),
    ("Flow", "flow", "topics -> streams -> queries -> tables, each linked to its migration"),
    ("Migrations", "migrations", "the versions of ksql/migrations, applied and pending"),
)
FIRST_VIEW = "REVENUE_PER_MINUTE"  # the view the guide suggests opening first


def guide(at: Addresses, seconds: float, views: tuple[View, ...], log_dir: Path) -> str:
    """The text shown under the ready line."""
    width = max((len(view.name) for view in views), default=0)
    if at.dashboard_url:
        names = [view.name for view in views]
        first = FIRST_VIEW if FIRST_VIEW in names else next(iter(names), "")
        lines = [
            f"The platform is up ({seconds:.1f} s). Open the dashboard:",
            "",
            f"    {at.dashboard_url}/live?view={first}",
            "",
            "Pages:",
            *(f"  {at.dashboard_url}/{path:<11} {what}" for _, path, what in PAGES),
            "",
            f"Views kept up to date by ksql/migrations, each at {at.dashboard_url}/live?view=NAME:",
        ]
    else:
        lines = [
            f"The platform is up ({seconds:.1f} s), without the dashboard.",
            "",
            "Views kept up to date by ksql/migrations:",
        ]
    lines += [
        *(f"  {view.name:<{width}}  {view.headline}{_shape(view)}" for view in views),
        "",
        "Services:",
        f"  ksqlDB           {at.ksqldb_url}",
        f"  Schema Registry  {at.schema_registry_url}",
        f"  Kafka            {at.bootstrap_servers}",
        "",
        "Try, in another terminal:",
        f"  ksqlmv migrate --server {at.ksqldb_url} info",
        f"  curl -s -X POST {at.ksqldb_url}/query-stream -d '{_PULL_BODY}'",
        "",
        f"Logs of every process: {log_dir}/. Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


def _shape(view: View) -> str:
    if view.windowed:
        return " (chart over time)"
    return "" if view.is_table else " (a stream: newest events)"
