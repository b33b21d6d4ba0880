"""The event contracts in schemas/: they parse, they are documented, and they evolve safely."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fastavro
import pytest
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from avro.schema import parse as parse_avro

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
SUBJECT_FILES = sorted(SCHEMAS.glob("*.avsc"))
ALL_FILES = sorted(SCHEMAS.rglob("*.avsc"))
EXPECTED_SUBJECTS = {
    "customers-value",
    "products-value",
    "orders-value",
    "payments-value",
    "shipments-value",
    "app_events-value",
    "trades-value",
}


def load(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def compatibility(reader: Path, writer: Path) -> SchemaCompatibilityType:
    result = ReaderWriterCompatibilityChecker().get_compatibility(
        parse_avro(reader.read_text()), parse_avro(writer.read_text())
    )
    compatibility_type: SchemaCompatibilityType = result.compatibility
    return compatibility_type


def test_one_file_per_subject_named_after_it() -> None:
    assert {path.stem for path in SUBJECT_FILES} == EXPECTED_SUBJECTS


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_schema_parses_with_fastavro(path: Path) -> None:
    parsed = fastavro.parse_schema(load(path))
    assert parsed["type"] == "record"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_every_record_and_field_is_documented(path: Path) -> None:
    schema = load(path)
    assert schema.get("doc"), f"{path.name}: record has no doc"
    for field in schema["fields"]:
        assert field.get("doc"), f"{path.name}: field {field['name']} has no doc"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_times_are_timestamp_millis_and_money_is_decimal(path: Path) -> None:
    for field in load(path)["fields"]:
        name, field_type = field["name"], field["type"]
        if name.endswith("_at"):
            assert field_type == {"type": "long", "logicalType": "timestamp-millis"}, name
        if name in {"price", "unit_price", "amount"}:
            assert field_type["logicalType"] == "decimal", name
        if name.endswith("_cents"):
            assert field_type == "long" and "minor units" in field["doc"], name


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_records_round_trip_through_avro(path: Path) -> None:
    import io
    from datetime import UTC, datetime
    from decimal import Decimal

    parsed = fastavro.parse_schema(load(path))
    samples = {
        "string": "x",
        "int": 3,
        "long": 7,
        "boolean": True,
    }
    record: dict[str, Any] = {}
    for field in load(path)["fields"]:
        field_type = field["type"]
        if isinstance(field_type, dict) and field_type.get("logicalType") == "timestamp-millis":
            record[field["name"]] = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
        elif isinstance(field_type, dict) and field_type.get("logicalType") == "decimal":
            record[field["name"]] = Decimal("12.5").quantize(Decimal(10) ** -field_type["scale"])
        elif isinstance(field_type, dict) and field_type["type"] == "enum":
            record[field["name"]] = field_type["symbols"][-1]
        elif isinstance(field_type, list):
            record[field["name"]] = None
        else:
            record[field["name"]] = samples[field_type]
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed, record)
    buffer.seek(0)
    assert fastavro.schemaless_reader(buffer, parsed) == record


def test_orders_v2_is_backward_compatible_with_v1() -> None:
    v1, v2 = SCHEMAS / "orders-value.avsc", SCHEMAS / "v2" / "orders-value.avsc"
    # BACKWARD: consumers on v2 read events written with v1.
    assert compatibility(reader=v2, writer=v1) is SchemaCompatibilityType.compatible
    assert {f["name"] for f in load(v2)["fields"]} > {f["name"] for f in load(v1)["fields"]}


def test_the_checker_refuses_a_field_added_without_default(tmp_path: Path) -> None:
    broken = load(SCHEMAS / "orders-value.avsc")
    broken["fields"].append({"name": "warehouse", "type": "string", "doc": "no default"})
    broken_path = tmp_path / "orders-value.avsc"
    broken_path.write_text(json.dumps(broken))
    assert (
        compatibility(reader=broken_path, writer=SCHEMAS / "orders-value.avsc")
        is SchemaCompatibilityType.incompatible
    )
