"""docker-compose.yml: the real stack and the platform's services, parsed (no Docker here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
STACK = {
    "kafka": ("confluentinc/cp-kafka", "9092"),
    "schema-registry": ("confluentinc/cp-schema-registry", "8081"),
    "ksqldb-server": ("confluentinc/cp-ksqldb-server", "8088"),
}
PLATFORM = {"simulator-shop", "simulator-trading", "migrations", "dashboard"}


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    found: dict[str, Any] = compose["services"]
    return found


def test_stack_and_platform_services_are_there(services: dict[str, Any]) -> None:
    assert set(services) == set(STACK) | PLATFORM


def test_stack_images_share_one_pinned_version(services: dict[str, Any]) -> None:
    versions = set()
    for name, (image, _) in STACK.items():
        repository, _, tag = services[name]["image"].partition(":")
        assert repository == image
        assert tag and tag != "latest", f"{name} is not pinned"
        versions.add(tag)
    assert len(versions) == 1, versions


@pytest.mark.parametrize(
    ("name", "port"), [(n, p) for n, (_, p) in STACK.items()] + [("dashboard", "8501")]
)
def test_host_ports_match_the_embedded_stack_on_loopback(
    services: dict[str, Any], name: str, port: str
) -> None:
    assert services[name]["ports"] == [f"127.0.0.1:{port}:{port}"]


@pytest.mark.parametrize("name", [*STACK, "dashboard"])
def test_long_running_services_have_health_checks(services: dict[str, Any], name: str) -> None:
    check = services[name]["healthcheck"]
    assert check["test"][0] == "CMD"
    assert check["retries"] >= 10


def test_kafka_runs_in_kraft_mode(services: dict[str, Any]) -> None:
    environment = services["kafka"]["environment"]
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "ZOOKEEPER" not in " ".join(environment)


def test_ksqldb_has_a_processing_log(services: dict[str, Any]) -> None:
    environment = services["ksqldb-server"]["environment"]
    assert environment["KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE"] == "true"
    assert environment["KSQL_KSQL_SCHEMA_REGISTRY_URL"] == "http://schema-registry:8081"


EXPECTED_DEPENDENCIES = {
    "schema-registry": {"kafka": "service_healthy"},
    "ksqldb-server": {"kafka": "service_healthy", "schema-registry": "service_healthy"},
    "simulator-shop": {"kafka": "service_healthy", "schema-registry": "service_healthy"},
    "simulator-trading": {"kafka": "service_healthy", "schema-registry": "service_healthy"},
    "dashboard": {
        "ksqldb-server": "service_healthy",
        "migrations": "service_completed_successfully",
    },
}


@pytest.mark.parametrize(("name", "needs"), EXPECTED_DEPENDENCIES.items())
def test_each_service_waits_on_what_it_needs(
    services: dict[str, Any], name: str, needs: dict[str, str]
) -> None:
    depends = {
        dependency: spec["condition"] for dependency, spec in services[name]["depends_on"].items()
    }
    assert needs.items() <= depends.items()


def test_migrations_is_a_one_shot_job_after_ksqldb(services: dict[str, Any]) -> None:
    migrations = services["migrations"]
    assert migrations["restart"] == "no"
    assert migrations["depends_on"]["ksqldb-server"]["condition"] == "service_healthy"
    command = " ".join(migrations["command"])
    assert "ksqlmv migrate" in command and "apply --all" in command


@pytest.mark.parametrize("name", sorted(PLATFORM))
def test_platform_services_are_built_here_and_pointed_at_the_stack(
    services: dict[str, Any], name: str
) -> None:
    service = services[name]
    assert service["build"] == "."
    environment = service["environment"]
    assert environment["KSQLMV_BOOTSTRAP_SERVERS"] == "kafka:29092"
    assert environment["KSQLMV_SCHEMA_REGISTRY_URL"] == "http://schema-registry:8081"
    assert environment["KSQLMV_KSQLDB_URL"] == "http://ksqldb-server:8088"
    assert service["command"][0] in {"ksqlmv", "sh"}


def test_dockerfile_installs_the_package_and_its_project_folders() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11" in dockerfile
    for folder in ("src", "schemas", "ksql", "producers", "dashboard"):
        assert f"COPY {folder} ./{folder}" in dockerfile
    assert "USER ksqlmv" in dockerfile
