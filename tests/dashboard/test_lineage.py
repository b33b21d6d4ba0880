"""The lineage graph and its ties to the migration files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashlib.catalog import ServerCatalog
from dashlib.lineage import Origins, QueryInfo, build_lineage, read_origins
from ksqlmv.migrations import checksum

MIGRATIONS = Path(__file__).resolve().parents[2] / "ksql" / "migrations"


@pytest.fixture(scope="module")
def origins() -> Origins:
    return read_origins(MIGRATIONS)


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("CUSTOMERS", 1),
        ("ORDERS", 3),
        ("TRADES", 7),
        ("REVENUE_PER_MINUTE", 8),
        ("ORDERS_ENRICHED", 11),
        ("TRADES_OHLC_1M", 15),
        ("SHIPMENT_STATUS_BY_ORDER", 16),
    ],
)
def test_each_object_is_tied_to_the_file_that_creates_it(
    origins: Origins, name: str, version: int
) -> None:
    origin = origins.objects[name]
    assert origin.version == version
    path = next(MIGRATIONS.glob(f"V{version:06d}__*.sql"))
    assert origin.file == path.name and origin.checksum == checksum(path)
    lines = path.read_text().splitlines()
    assert "CREATE" in lines[origin.line - 1].upper()


def test_queries_are_matched_by_their_id_pattern(origins: Origins) -> None:
    assert origins.of_query("CTAS_REVENUE_PER_MINUTE_3").version == 8  # type: ignore[union-attr]
    assert origins.of_query("CSAS_PAYMENTS_MATCHED_12").version == 12  # type: ignore[union-attr]
    assert origins.of_query("CTAS_SOMETHING_ELSE_1") is None
    assert origins.problems == ()
    assert origins.kinds["ORDERS"] == "STREAM" and origins.kinds["ORDER_STATUS"] == "TABLE"


def test_dropped_objects_and_broken_files(tmp_path: Path) -> None:
    for path in sorted(MIGRATIONS.glob("*.sql"))[:3]:
        shutil.copy(path, tmp_path)
    (tmp_path / "V000004__drop_products.sql").write_text("DROP TABLE products;\n")
    (tmp_path / "V000005__broken.sql").write_text("CREATE STREAM oops (;\n")
    found = read_origins(tmp_path)
    assert set(found.objects) == {"CUSTOMERS", "ORDERS"}
    (problem,) = found.problems
    assert "V000005__broken.sql" in problem


SOURCES = [
    {"name": "ORDERS", "type": "STREAM", "topic": "orders"},
    {"name": "ORDER_STATUS", "type": "TABLE", "topic": "order_status"},
    {"name": "HAND_MADE", "type": "STREAM", "topic": "hand_made"},
    {"name": "MIGRATION_EVENTS", "type": "STREAM", "topic": "default_ksql_MIGRATION_EVENTS"},
    {"name": "CUSTOMERS", "type": "TABLE", "topic": "customers"},
]
QUERIES = [
    QueryInfo("CTAS_ORDER_STATUS_4", ("ORDERS",), ("ORDER_STATUS",), "RUNNING"),
    QueryInfo("CST_CUSTOMERS_1", (), (), "RUNNING", materializes="CUSTOMERS"),
    QueryInfo("CTAS_MIGRATION_SCHEMA_VERSIONS_0", ("MIGRATION_EVENTS",), ("MIGRATION_X",)),
]


def test_the_graph_runs_from_topics_through_queries_to_tables(origins: Origins) -> None:
    lineage = build_lineage(SOURCES, QUERIES, origins, hidden=("MIGRATION_EVENTS", "MIGRATION_X"))
    edges = set(lineage.edges)
    assert ("topic:orders", "source:ORDERS") in edges
    assert ("source:ORDERS", "query:CTAS_ORDER_STATUS_4") in edges
    assert ("query:CTAS_ORDER_STATUS_4", "source:ORDER_STATUS") in edges
    assert ("source:ORDER_STATUS", "topic:order_status") in edges
    ids = {node.id for node in lineage.nodes}
    assert not any("MIGRATION" in node_id for node_id in ids)
    assert lineage.node("query:CTAS_ORDER_STATUS_4").origin.version == 9  # type: ignore[union-attr]
    assert lineage.node("source:HAND_MADE").origin is None
    # A source table's materializing query sits between its topic and the table.
    assert ("topic:customers", "query:CST_CUSTOMERS_1") in edges
    assert ("query:CST_CUSTOMERS_1", "source:CUSTOMERS") in edges
    assert ("topic:customers", "source:CUSTOMERS") not in edges
    assert lineage.node("query:CST_CUSTOMERS_1").origin.version == 1  # type: ignore[union-attr]


def test_objects_the_migrations_declare_but_the_server_lacks_are_drawn_missing(
    origins: Origins,
) -> None:
    lineage = build_lineage(SOURCES, QUERIES, origins, hidden=("MIGRATION_EVENTS",))
    missing = {node.name for node in lineage.nodes if node.missing}
    assert {"TRADES_OHLC_1M", "REVENUE_PER_MINUTE", "PRODUCTS"} <= missing
    assert "ORDERS" not in missing and "HAND_MADE" not in missing


def test_dot_links_nodes_to_their_migration_and_escapes_names(origins: Origins) -> None:
    sources = [*SOURCES, {"name": 'ODD"NAME\\', "type": "TABLE", "topic": "odd"}]
    lineage = build_lineage(sources, QUERIES, origins, hidden=("MIGRATION_EVENTS",))
    dot = lineage.to_dot(lambda origin: f"migrations?version={origin.version}")
    assert dot.startswith("digraph lineage {") and dot.rstrip().endswith("}")
    orders = next(line for line in dot.splitlines() if line.startswith('  "source:ORDERS" ['))
    assert 'URL="migrations?version=3"' in orders and 'target="_self"' in orders
    assert "V000003__create_orders_stream.sql:" in orders
    assert '"source:ODD\\"NAME\\\\"' in dot
    hand_made = next(line for line in dot.splitlines() if '"source:HAND_MADE" [' in line)
    assert "no migration" in hand_made and "URL=" not in hand_made
    revenue = next(line for line in dot.splitlines() if '"source:REVENUE_PER_MINUTE" [' in line)
    assert 'style="dashed,rounded"' in revenue and "not on the server" in revenue


def test_a_catalog_counts_reads_writes_and_base_streams() -> None:
    catalog = ServerCatalog(
        sources=tuple(SOURCES),
        topics=({"name": "orders", "replicaInfo": [1, 1, 1]},),
        queries=(
            {
                "id": "CST_CUSTOMERS_1",
                "sinks": [],
                "state": "RUNNING",
                "queryString": "CREATE SOURCE TABLE customers (id STRING PRIMARY KEY) "
                "WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='AVRO');",
            },
            {
                "id": "CTAS_ORDER_STATUS_4",
                "sinks": ["ORDER_STATUS"],
                "state": "RUNNING",
                "queryType": "PERSISTENT",
                "statusCount": {"RUNNING": 1},
            },
        ),
        reads={"CTAS_ORDER_STATUS_4": ("ORDERS",)},
        descriptions={"ORDERS": {"statistics": "consumer-messages-per-sec: 3.5"}},
    )
    frame = catalog.sources_frame().set_index("name")
    assert frame.loc["ORDERS", "read by"] == 1 and frame.loc["ORDER_STATUS", "written by"] == 1
    assert frame.loc["ORDERS", "msgs/s in"] == 3.5
    assert catalog.base_streams() == ["ORDERS", "HAND_MADE", "MIGRATION_EVENTS"]
    assert catalog.throughput().consumed_per_sec == 3.5
    topics = catalog.topics_frame()
    assert (topics.loc[0, "partitions"], topics.loc[0, "replicas"]) == (3, 1)
    queries = catalog.queries_frame().set_index("id")
    assert queries.loc["CTAS_ORDER_STATUS_4", "reads"] == "ORDERS"
    assert queries.loc["CTAS_ORDER_STATUS_4", "status count"] == "RUNNING: 1"
    infos = {info.id: info for info in catalog.query_infos()}
    assert infos["CST_CUSTOMERS_1"].materializes == "CUSTOMERS"
    assert infos["CTAS_ORDER_STATUS_4"].materializes is None
    measured = catalog.sources_frame({"ORDERS": 12.0})
    assert measured.set_index("name").loc["ORDERS", "events/s (measured)"] == 12.0
    assert "msgs/s in" not in measured.columns and "events/s (measured)" not in frame.columns
