"""The query editor's logic: statement kinds, SET/DEFINE, properties, and what a run returns."""

from __future__ import annotations

import pytest

from dashlib.queries import Kind, QueryRun, Session, classify, parse_properties, run_statement
from ksqlmv.client import KsqlClient


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("SELECT * FROM orders EMIT CHANGES;", Kind.PUSH),
        ("select id from t emit final;", Kind.PUSH),
        ("SELECT * FROM t\n  -- EMIT CHANGES\n;", Kind.PULL),
        ("SELECT 'EMIT CHANGES' AS x FROM t;", Kind.PULL),
        ("SELECT * FROM `EMIT` WHERE x = 1;", Kind.PULL),
        ("/* a comment */ SELECT * FROM t;", Kind.PULL),
        ("SHOW STREAMS;", Kind.STATEMENT),
        ("CREATE TABLE t AS SELECT * FROM s EMIT CHANGES;", Kind.STATEMENT),
        ("INSERT INTO s SELECT * FROM t EMIT CHANGES;", Kind.STATEMENT),
        ("SET 'auto.offset.reset' = 'earliest';", Kind.SET),
        ("unset 'auto.offset.reset';", Kind.UNSET),
        ("DEFINE wanted = 'PLACED';", Kind.DEFINE),
        ("UNDEFINE wanted;", Kind.UNDEFINE),
        ("PRINT 'orders' FROM BEGINNING;", Kind.PRINT),
        ("", Kind.STATEMENT),
    ],
)
def test_statements_are_classified_by_their_tokens(statement: str, kind: Kind) -> None:
    assert classify(statement) is kind


def test_set_and_define_change_what_later_statements_get() -> None:
    session = Session(properties={"auto.offset.reset": "latest"})
    assert session.apply(Kind.SET, "SET 'auto.offset.reset' = 'earliest';") == (
        "auto.offset.reset = earliest"
    )
    assert session.apply(Kind.DEFINE, "DEFINE status = 'it''s';") == "status = it's"
    assert session.properties == {"auto.offset.reset": "earliest"}
    assert session.variables == {"status": "it's"}
    session.apply(Kind.UNSET, "UNSET 'auto.offset.reset';")
    session.apply(Kind.UNDEFINE, "UNDEFINE status;")
    assert session.properties == {} and session.variables == {}


@pytest.mark.parametrize(
    "statement",
    ["SET auto.offset.reset = 'earliest';", "SET 'a' = 1;", "DEFINE x;", "SET 'a' 'b';"],
)
def test_malformed_set_and_define_are_refused(statement: str) -> None:
    kind = classify(statement)
    with pytest.raises(ValueError, match="expected"):
        Session().apply(kind, statement)


def test_properties_one_per_line_with_comments() -> None:
    text = (
        "# offsets\nauto.offset.reset=earliest\n\nksql.query.pull.table.scan.enabled: true # yes\n"
    )
    assert parse_properties(text) == {
        "auto.offset.reset": "earliest",
        "ksql.query.pull.table.scan.enabled": "true",
    }
    with pytest.raises(ValueError, match="line 2: expected name=value"):
        parse_properties("a=1\njust words\n")


def test_a_server_that_is_down_is_an_outcome_not_a_crash(unused_url: str) -> None:
    with KsqlClient(unused_url) as client:
        local = run_statement(client, "DEFINE x = '1';", 1, Session(), _no_push)
        assert local.ok and local.message == "x = 1"
        printed = run_statement(client, "PRINT 'orders';", 2, Session(), _no_push)
        assert not printed.ok and "PRINT" in printed.message


def test_a_push_query_on_a_dead_server_ends_with_its_error(unused_url: str) -> None:
    run = QueryRun(KsqlClient(unused_url), "SELECT * FROM t EMIT CHANGES;").start(wait=5)
    run.stop()
    assert run.status == "error" and "cannot reach the ksqlDB server" in (run.error or "")
    assert not run.running and run.rows() == []


def _no_push(sql: str, session: Session) -> QueryRun:
    raise AssertionError("no push query expected")
