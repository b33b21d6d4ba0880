"""POST /ksql over real HTTP: every entity type, sessions, variables, errors and their bodies."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ksqlmv.client import KsqlClient
from ksqlmv.client._protocol import StatementFailed
from ksqlmv.errors import StatementError

pytestmark = pytest.mark.integration

Names = Callable[[str], str]


def _stream(ksql: Any, names: Names) -> tuple[str, str]:
    stream, topic = names("s"), names("t").lower()
    ksql.ok(
        f"CREATE STREAM {stream} (ID STRING KEY, V INT) WITH (kafka_topic='{topic}', "
        "partitions=1, value_format='JSON');"
    )
    return stream, topic


# statement template -> (@type, fields the entity must have)
ENTITIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("SHOW STREAMS;", "streams", ("streams",)),
    ("LIST TABLES;", "tables", ("tables",)),
    ("SHOW QUERIES;", "queries", ("queries",)),
    ("SHOW PROPERTIES;", "properties", ("properties", "overwrittenProperties")),
    ("DESCRIBE {stream};", "sourceDescription", ("sourceDescription",)),
    ("SHOW TOPICS;", "kafka_topics", ("topics",)),
    ("SHOW FUNCTIONS;", "function_names", ("functions",)),
    ("DESCRIBE FUNCTION SUBSTRING;", "describe_function", ("name", "functions", "type")),
    ("SHOW TYPES;", "type_list", ("types",)),
    ("SHOW VARIABLES;", "variables", ("variables",)),
    (
        "CREATE STREAM IF NOT EXISTS {stream} AS SELECT * FROM {stream};",
        "warning_entity",
        ("message",),
    ),
    ("ASSERT TOPIC {topic};", "assert_topic", ("topicName", "exists")),
    ("ASSERT NOT EXISTS SCHEMA SUBJECT 'no-such-subject';", "assert_schema", ("exists",)),
]


@pytest.mark.parametrize(("template", "kind", "fields"), ENTITIES)
def test_entity_types(ksql: Any, names: Names, template: str, kind: str, fields: tuple[str, ...]):
    stream, topic = _stream(ksql, names)
    (entity,) = ksql.ok(template.format(stream=stream, topic=topic))
    assert entity["@type"] == kind
    assert entity["statementText"] == template.format(stream=stream, topic=topic)
    assert isinstance(entity["warnings"], list)
    for field in fields:
        assert field in entity, entity


def test_create_answers_current_status_with_sequence_numbers(ksql: Any, names: Names) -> None:
    stream, topic = names("s"), names("t").lower()
    table = names("agg")
    first, second = ksql.ok(
        f"CREATE STREAM {stream} (ID STRING KEY, V INT) WITH (kafka_topic='{topic}', "
        "partitions=1, value_format='JSON');\n"
        f"CREATE TABLE {table} AS SELECT ID, COUNT(*) AS N FROM {stream} GROUP BY ID;"
    )
    assert first["@type"] == second["@type"] == "currentStatus"
    assert first["commandId"] == f"stream/{stream}/create"
    assert first["commandStatus"] == {"status": "SUCCESS", "message": "Stream created"}
    assert second["commandStatus"]["queryId"].startswith(f"CTAS_{table}_")
    assert second["commandSequenceNumber"] == first["commandSequenceNumber"] + 1
    status = ksql.http.get(f"/status/stream/{stream}/create")
    assert status.json() == {"status": "SUCCESS", "message": "Stream created"}
    assert ksql.http.get("/status").json()["commandStatuses"][f"table/{table}/create"] == "SUCCESS"
    assert ksql.http.get("/status/stream/NOPE/create").json() == {
        "@type": "generic_error",
        "error_code": 40400,
        "message": "Command not found",
    }


def test_queries_explain_and_terminate(ksql: Any, names: Names) -> None:
    stream, _ = _stream(ksql, names)
    derived = names("d")
    (created,) = ksql.ok(f"CREATE STREAM {derived} AS SELECT * FROM {stream} WHERE V > 1;")
    query_id = created["commandStatus"]["queryId"]
    (queries,) = ksql.ok("SHOW QUERIES;")
    listed = {q["id"]: q for q in queries["queries"]}
    assert listed[query_id]["queryType"] == "PERSISTENT"
    assert listed[query_id]["sinks"] == [derived]
    (explained,) = ksql.ok(f"EXPLAIN {query_id};")
    assert explained["@type"] == "queryDescription"
    assert explained["queryDescription"]["id"] == query_id
    (terminated,) = ksql.ok(f"TERMINATE {query_id};")
    assert terminated == {
        "@type": "terminate_query",
        "statementText": f"TERMINATE {query_id};",
        "queryId": query_id,
        "wasTerminated": True,
        "warnings": [],
    }


def test_failure_carries_the_entities_of_statements_that_ran(ksql: Any, names: Names) -> None:
    stream, topic = names("s"), names("t").lower()
    response = ksql.post(
        f"CREATE STREAM {stream} (ID STRING KEY, V INT) WITH (kafka_topic='{topic}', "
        "partitions=1, value_format='JSON');\n"
        "SHOW STREAMS;\n"
        "CREATE STREAM BROKEN AS SELECT NOPE FROM NOWHERE;"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["@type"] == "statement_error"
    assert body["error_code"] == 40001
    assert body["statementText"] == "CREATE STREAM BROKEN AS SELECT NOPE FROM NOWHERE;"
    assert [e["@type"] for e in body["entities"]] == ["currentStatus", "streams"]
    # not atomic: what ran stays
    (shown,) = ksql.ok(f"DESCRIBE {stream};")
    assert shown["sourceDescription"]["name"] == stream


@pytest.mark.parametrize("statement", ["SELECT * FROM X;", "PRINT 'x';"])
def test_select_and_print_are_refused(ksql: Any, statement: str) -> None:
    response = ksql.post(statement)
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == 40002
    assert body["message"].startswith(
        "The following statement types should be issued to the websocket endpoint '/query'"
    )
    assert body["entities"] == []


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (b"{not json", 400, 40000, "Invalid JSON in request"),
        (b"[1, 2]", 400, 40000, "Invalid JSON in request"),
        (b'{"streamsProperties": {}}', 400, 40000, "Missing required creator property 'ksql'"),
        (
            b'{"ksql": "SHOW STREAMS;", "streamsProperties": {"no.such.thing": 1}}',
            400,
            40000,
            "Not recognizable as ksql, streams, consumer, or producer property: 'no.such.thing'",
        ),
        (
            b'{"ksql": "SHOW STREAMS;", "streamsProperties": {"auto.offset.reset": "sideways"}}',
            400,
            40000,
            "Invalid value sideways for configuration auto.offset.reset",
        ),
        (b'{"ksql": "CREATE STREAM;"}', 400, 40001, "line 1:14"),
        (b'{"ksql": "ASSERT TOPIC never_made_topic;"}', 417, 41700, "never_made_topic"),
    ],
)
def test_error_bodies(ksql: Any, body: bytes, status: int, code: int, message: str) -> None:
    response = ksql.http.post("/ksql", content=body)
    assert response.status_code == status, response.text
    found = response.json()
    assert found["error_code"] == code
    assert message in found["message"]
    assert found["@type"] in ("generic_error", "statement_error")


def test_an_assert_waiting_for_its_timeout_holds_no_other_request_up(ksql: Any) -> None:
    answers: list[httpx.Response] = []
    sql = "ASSERT TOPIC never_made_topic_waiting TIMEOUT 3 SECONDS;"
    waiting = threading.Thread(target=lambda: answers.append(ksql.post(sql)))
    waiting.start()
    time.sleep(0.3)  # the ASSERT is waiting now
    started = time.monotonic()
    (shown,) = ksql.ok("SHOW STREAMS;")
    took = time.monotonic() - started
    waiting.join(30)
    assert shown["@type"] == "streams"
    assert took < 1.5, f"SHOW STREAMS took {took:.1f} s beside a waiting ASSERT"
    (answer,) = answers
    assert answer.status_code == 417 and "never_made_topic_waiting" in answer.json()["message"]


def test_set_is_scoped_to_its_request(ksql: Any) -> None:
    (shown,) = ksql.ok("SHOW PROPERTIES;")
    before = {p["name"]: p["value"] for p in shown["properties"]}
    assert ksql.ok("SET 'auto.offset.reset'='earliest';") == []  # SET answers no entity
    entities = ksql.ok("SET 'auto.offset.reset'='earliest'; SHOW PROPERTIES;")
    inside = {p["name"]: p["value"] for p in entities[0]["properties"]}
    assert inside["auto.offset.reset"] == "earliest"
    assert "auto.offset.reset" in {p["name"] for p in entities[0]["overwrittenProperties"]}
    (after,) = ksql.ok("SHOW PROPERTIES;")
    assert {p["name"]: p["value"] for p in after["properties"]} == before


def test_session_variables_and_define(ksql: Any, names: Names) -> None:
    stream, topic = names("s"), names("t").lower()
    response = ksql.http.post(
        "/ksql",
        json={
            "ksql": "DEFINE fmt = 'JSON';\n"
            "CREATE STREAM ${name} (ID STRING KEY) WITH (kafka_topic='${topic}', partitions=1, "
            "value_format='${fmt}');\nSHOW VARIABLES;",
            "sessionVariables": {"name": stream, "topic": topic},
        },
    )
    assert response.status_code == 200, response.text
    created, variables = response.json()
    assert created["commandId"] == f"stream/{stream}/create"
    shown = {v["name"]: v["value"] for v in variables["variables"]}
    assert shown["FMT"] == "JSON"


def test_command_sequence_number_waits_then_times_out(ksql: Any) -> None:
    started = time.monotonic()
    response = ksql.http.post(
        "/ksql", json={"ksql": "SHOW STREAMS;", "commandSequenceNumber": 10**9}
    )
    assert response.status_code == 503
    assert response.json()["error_code"] == 50301
    assert time.monotonic() - started >= 4
    ok = ksql.http.post("/ksql", json={"ksql": "SHOW STREAMS;", "commandSequenceNumber": 0})
    assert ok.status_code == 200


def test_info_healthcheck_and_routes(ksql: Any) -> None:
    info = ksql.http.get("/info").json()["KsqlServerInfo"]
    assert info["ksqlServiceId"] == "default_"
    assert info["serverStatus"] == "RUNNING"
    assert info["kafkaClusterId"]
    health = ksql.http.get("/healthcheck")
    assert health.status_code == 200
    assert health.json()["isHealthy"] is True
    assert health.json()["details"]["kafka"] == {"isHealthy": True}
    root = ksql.http.get("/", follow_redirects=False)
    assert (root.status_code, root.headers["location"]) == (307, "/info")
    missing = ksql.http.get("/no/such/route")
    assert (missing.status_code, missing.text) == (404, "Not Found")
    assert ksql.http.get("/is_valid_property/ksql.service.id").json() is True
    assert ksql.http.get("/is_valid_property/nope").json()["error_code"] == 40000


def test_the_client_against_this_server(ksql_stack: Any, names: Names) -> None:
    stream = names("s")
    with KsqlClient(ksql_stack.ksqldb_url) as client:
        entities = client.execute(
            f"CREATE STREAM {stream} (ID STRING KEY, V INT) WITH (kafka_topic='{stream.lower()}',"
            " partitions=1, value_format='JSON');"
        )
        assert entities[0]["commandStatus"]["message"] == "Stream created"
        assert client.info()["ksqlServiceId"] == "default_"
        with pytest.raises(StatementFailed) as failed:
            client.execute("CREATE STREAM X AS SELECT * FROM NOT_A_SOURCE;")
        assert failed.value.error_code == 40001
        with pytest.raises(StatementError) as refused:
            client.execute("SELECT * FROM X;")
        assert refused.value.error_code == 40002


def test_http2_serves_ksql_too(ksql_stack: Any) -> None:
    with httpx.Client(http1=False, http2=True, base_url=ksql_stack.ksqldb_url) as client:
        response = client.post("/ksql", json={"ksql": "SHOW STREAMS;"})
        assert response.http_version == "HTTP/2"
        assert response.json()[0]["@type"] == "streams"
