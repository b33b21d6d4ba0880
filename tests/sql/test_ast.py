"""The syntax tree: equality ignores positions, traversal reaches every node, units convert."""

from __future__ import annotations

import dataclasses

import pytest

from ksqlmv.sql import ast
from ksqlmv.sql.types import INTEGER, ArrayType


def _query(line: int) -> ast.Query:
    return ast.Query(
        select=(ast.SingleColumn(ast.ColumnRef("ID", line=line, column=8), alias="K"),),
        from_=ast.AliasedRelation("S", "S", line=line, column=15),
        where=ast.Comparison(
            ast.ComparisonOperator.EQUAL, ast.ColumnRef("ID"), ast.IntegerLiteral(1)
        ),
        line=line,
        column=1,
    )


def test_positions_do_not_take_part_in_equality_or_hashing() -> None:
    first, second = _query(1), _query(7)
    assert first == second
    assert hash(first) == hash(second)
    assert first.line == 1 and second.line == 7
    assert second.location == "line 7:1"


def test_nodes_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _query(1).limit = 3  # type: ignore[misc]


def test_walk_visits_every_node_parents_first() -> None:
    kinds = [type(node).__name__ for node in ast.walk(_query(1))]
    assert kinds == [
        "Query",
        "SingleColumn",
        "ColumnRef",
        "AliasedRelation",
        "Comparison",
        "ColumnRef",
        "IntegerLiteral",
    ]


def test_walk_looks_into_map_entries() -> None:
    entry = (ast.StringLiteral("a"), ast.IntegerLiteral(1))
    found = list(ast.walk(ast.CreateMap((entry,))))
    assert found[1:] == list(entry)


@pytest.mark.parametrize(
    ("word", "unit", "millis"),
    [
        ("millisecond", ast.TimeUnit.MILLISECONDS, 1),
        ("SECONDS", ast.TimeUnit.SECONDS, 1_000),
        ("Minute", ast.TimeUnit.MINUTES, 60_000),
        ("HOUR", ast.TimeUnit.HOURS, 3_600_000),
        ("days", ast.TimeUnit.DAYS, 86_400_000),
    ],
)
def test_time_units(word: str, unit: ast.TimeUnit, millis: int) -> None:
    assert ast.TimeUnit.from_keyword(word) is unit
    assert ast.TimeClause(3, unit).millis == 3 * millis


def test_custom_type_references_nest_inside_sql_types() -> None:
    nested = ArrayType(ast.TypeRef("ADDRESS"))
    assert str(nested) == "ARRAY<ADDRESS>"
    assert nested != ArrayType(INTEGER)
    with pytest.raises(TypeError, match="ADDRESS"):
        _ = ast.TypeRef("ADDRESS").base


def test_property_map_upper_cases_names() -> None:
    props = (
        ast.Property("kafka_topic", ast.StringLiteral("t")),
        ast.Property("PARTITIONS", ast.IntegerLiteral(2)),
    )
    assert ast.property_map(props) == {
        "KAFKA_TOPIC": ast.StringLiteral("t"),
        "PARTITIONS": ast.IntegerLiteral(2),
    }


def test_source_kinds() -> None:
    assert ast.CreateStream("S").kind is ast.SourceKind.STREAM
    assert ast.CreateTableAsSelect("T", _query(1)).kind is ast.SourceKind.TABLE
    assert ast.DropTable("T").kind is ast.SourceKind.TABLE
