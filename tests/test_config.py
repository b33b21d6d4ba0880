"""Settings from the environment: defaults for the embedded stack, credentials kept secret."""

from __future__ import annotations

import pytest

from ksqlmv.config import Secret, Settings
from ksqlmv.errors import ConfigError


def test_defaults_point_at_the_embedded_stack() -> None:
    settings = Settings.from_env({})
    assert settings.bootstrap_servers == "localhost:9092"
    assert settings.schema_registry_url == "http://localhost:8081"
    assert settings.ksqldb_url == "http://localhost:8088"
    assert settings.kafka_config() == {"bootstrap.servers": "localhost:9092"}
    assert settings.schema_registry_config() == {"url": "http://localhost:8081"}


def test_managed_cluster_credentials_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "KSQLMV_BOOTSTRAP_SERVERS": "pkc-1.cloud:9092",
            "KSQLMV_KAFKA_API_KEY": "KEY1",
            "KSQLMV_KAFKA_API_SECRET": "s3cr3t-kafka",
            "KSQLMV_SCHEMA_REGISTRY_URL": "https://psrc-1.cloud",
            "KSQLMV_SCHEMA_REGISTRY_USER": "SRKEY",
            "KSQLMV_SCHEMA_REGISTRY_PASSWORD": "s3cr3t-sr",
            "KSQLMV_KSQLDB_URL": "https://pksqlc-1.cloud",
            "KSQLMV_KSQLDB_USER": "KSQLKEY",
            "KSQLMV_KSQLDB_PASSWORD": "s3cr3t-ksql",
        }
    )
    kafka = settings.kafka_config()
    assert kafka["security.protocol"] == "SASL_SSL"
    assert kafka["sasl.mechanisms"] == "PLAIN"
    assert (kafka["sasl.username"], kafka["sasl.password"]) == ("KEY1", "s3cr3t-kafka")
    assert settings.schema_registry_config()["basic.auth.user.info"] == "SRKEY:s3cr3t-sr"
    assert settings.ksqldb_auth is not None
    assert settings.ksqldb_auth.as_tuple() == ("KSQLKEY", "s3cr3t-ksql")


def test_secrets_never_show_in_repr_or_str() -> None:
    settings = Settings.from_env(
        {
            "KSQLMV_KAFKA_API_KEY": "KEY1",
            "KSQLMV_KAFKA_API_SECRET": "s3cr3t-kafka",
            "KSQLMV_KSQLDB_USER": "me",
            "KSQLMV_KSQLDB_PASSWORD": "s3cr3t-ksql",
        }
    )
    for shown in (repr(settings), str(settings)):
        assert "s3cr3t" not in shown
    assert repr(Secret("abc")) == str(Secret("abc")) == "Secret('**********')"


@pytest.mark.parametrize(
    "env",
    [
        {"KSQLMV_KAFKA_API_KEY": "KEY1"},
        {"KSQLMV_KAFKA_API_SECRET": "x"},
        {"KSQLMV_KSQLDB_USER": "me"},
        {"KSQLMV_SCHEMA_REGISTRY_PASSWORD": "x"},
    ],
)
def test_half_a_credential_is_a_config_error(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="set both"):
        Settings.from_env(env)
