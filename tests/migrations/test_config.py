"""ksql-migrations.properties: keys, defaults, server URL and credential precedence, headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ksqlmv.client import ClientOptions
from ksqlmv.config import Secret
from ksqlmv.errors import ConfigError
from ksqlmv.migrations.config import KNOWN_KEYS, MigrationConfig, find_config_file
from ksqlmv.migrations.connect import connect, load_headers
from ksqlmv.migrations.project import initial_config


def config_from(tmp_path: Path, text: str) -> MigrationConfig:
    path = tmp_path / "ksql-migrations.properties"
    path.write_text(text)
    return MigrationConfig.load(path)


def test_defaults_are_ksql_migrations_defaults(tmp_path: Path) -> None:
    config = config_from(tmp_path, "ksql.server.url=http://localhost:8088\n")
    assert config.server_url == "http://localhost:8088"
    assert config.stream_name == "MIGRATION_EVENTS"
    assert config.table_name == "MIGRATION_SCHEMA_VERSIONS"
    assert config.topic_replicas == 1
    assert config.migrations_dir == tmp_path / "migrations"
    assert config.stream_topic_for("default_") == "default_ksql_MIGRATION_EVENTS"
    assert config.table_topic_for("default_") == "default_ksql_MIGRATION_SCHEMA_VERSIONS"
    assert config.auth is None
    assert config.tls.verify_host is True
    assert config.tls.alpn is False


def test_every_key_is_read(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        "\n".join(
            [
                "ksql.server.url=https://ksql.example.com:443",
                "ksql.migrations.stream.name=MY_EVENTS",
                "ksql.migrations.table.name=MY_VERSIONS",
                "ksql.migrations.stream.topic.name=events-topic",
                "ksql.migrations.table.topic.name=versions-topic",
                "ksql.migrations.topic.replicas=3",
                "ksql.migrations.dir.override=/srv/migrations",
                "ksql.auth.basic.username=alice",
                "ksql.auth.basic.password=s3cret",
                "ssl.truststore.location=/etc/trust.pem",
                "ssl.truststore.password=tpw",
                "ssl.keystore.location=/etc/key.p12",
                "ssl.keystore.password=kpw",
                "ssl.key.password=keypw",
                "ssl.key.alias=mine",
                "ssl.alpn=true",
                "ssl.verify.host=false",
                "some.other.key=1",
            ]
        ),
    )
    assert (config.stream_name, config.table_name) == ("MY_EVENTS", "MY_VERSIONS")
    assert config.stream_topic_for("x") == "events-topic"
    assert config.table_topic_for("x") == "versions-topic"
    assert config.topic_replicas == 3
    assert config.migrations_dir == Path("/srv/migrations")
    assert config.auth is not None
    assert config.auth.as_tuple() == ("alice", "s3cret")
    assert config.tls.truststore == Path("/etc/trust.pem")
    assert config.tls.truststore_password == Secret("tpw")
    assert config.tls.keystore == Path("/etc/key.p12")
    assert config.tls.keystore_password == Secret("kpw")
    assert config.tls.key_password == Secret("keypw")
    assert config.tls.key_alias == "mine"
    assert (config.tls.alpn, config.tls.verify_host) == (True, False)
    assert config.unknown_keys == ("some.other.key",)


def test_secrets_never_show_in_repr(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        "ksql.server.url=http://x:1\nksql.auth.basic.username=u\nksql.auth.basic.password=hunter2\n"
        "ssl.keystore.password=hunter3\n",
    )
    assert "hunter2" not in repr(config)
    assert "hunter3" not in repr(config)


BAD_VALUES = [
    ("ksql.migrations.topic.replicas=three", "is not an integer"),
    ("ksql.migrations.topic.replicas=0", "must be at least 1"),
    ("ssl.verify.host=yes", "must be true or false"),
    ("ssl.alpn=1", "must be true or false"),
    ("ksql.migrations.stream.name=my-events", "is not a plain KSQL identifier"),
    ("ksql.auth.basic.password=pw", "ksql.auth.basic.username is not"),
    ("bearer.auth.client.id=abc", "OAuth bearer authentication is not supported"),
]


@pytest.mark.parametrize(("line", "message"), BAD_VALUES)
def test_bad_values_name_the_key(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from(tmp_path, f"ksql.server.url=http://x:1\n{line}\n")


URLS = [
    # (flag, environment, file, expected)
    ("http://flag:1", "http://env:2", "http://file:3", "http://flag:1"),
    (None, "http://env:2", "http://file:3", "http://env:2"),
    (None, None, "http://file:3", "http://file:3"),
    (None, "", "http://file:3", "http://file:3"),
]


@pytest.mark.parametrize(("flag", "env", "file", "expected"), URLS)
def test_server_url_precedence(
    tmp_path: Path, flag: str | None, env: str | None, file: str, expected: str
) -> None:
    config = config_from(tmp_path, f"ksql.server.url={file}\n")
    environ = {} if env is None else {"KSQLMV_KSQLDB_URL": env}
    assert config.resolve_server_url(flag, environ) == expected


def test_a_missing_server_url_is_a_config_error(tmp_path: Path) -> None:
    config = config_from(tmp_path, "# nothing\n")
    with pytest.raises(ConfigError, match="no ksqlDB server"):
        config.resolve_server_url(None, {})
    with pytest.raises(ConfigError, match="must start with http"):
        config.resolve_server_url("localhost:8088", {})


def test_environment_credentials_win_over_the_file(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        "ksql.server.url=http://x:1\nksql.auth.basic.username=file\nksql.auth.basic.password=f\n",
    )
    from_env = config.resolve_auth({"KSQLMV_KSQLDB_USER": "env", "KSQLMV_KSQLDB_PASSWORD": "e"})
    assert from_env is not None and from_env.as_tuple() == ("env", "e")
    from_file = config.resolve_auth({})
    assert from_file is not None and from_file.as_tuple() == ("file", "f")


def test_connect_builds_client_options(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        "ksql.server.url=http://file:3\nksql.auth.basic.username=u\nksql.auth.basic.password=p\n",
    )
    headers = tmp_path / "headers.properties"
    headers.write_text("X-Request-Source: ci\nX-Team=payments\n")
    with connect(config, server="http://flag:1", headers_file=headers, environ={}) as client:
        options = client.options
        assert isinstance(options, ClientOptions)
        assert options.url == "http://flag:1"
        assert options.auth is not None and options.auth.as_tuple() == ("u", "p")
        arguments = options.httpx_arguments()
        assert arguments["headers"]["X-Request-Source"] == "ci"
        assert arguments["headers"]["X-Team"] == "payments"
        assert arguments["headers"]["Accept"] == "application/json"
        assert options.verify is True  # TLS settings only for https:// URLs, as ksql-migrations


def test_headers_file_rejects_bad_names(tmp_path: Path) -> None:
    headers = tmp_path / "headers"
    headers.write_text("Bad\\ Name: x\n")
    with pytest.raises(ConfigError, match="not a valid HTTP header name"):
        load_headers(headers)


def test_find_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no ksql-migrations\.properties"):
        find_config_file(None, tmp_path)
    (tmp_path / "ksql").mkdir()
    nested = tmp_path / "ksql" / "ksql-migrations.properties"
    nested.write_text("ksql.server.url=http://x:1\n")
    assert find_config_file(None, tmp_path) == nested
    top = tmp_path / "ksql-migrations.properties"
    top.write_text("ksql.server.url=http://x:1\n")
    assert find_config_file(None, tmp_path) == top
    with pytest.raises(ConfigError, match="does not exist"):
        find_config_file(tmp_path / "nope.properties", tmp_path)


def test_new_project_file_lists_every_key_and_reads_back(tmp_path: Path) -> None:
    text = initial_config("http://localhost:8088")
    for key in KNOWN_KEYS:
        assert key in text
    config = config_from(tmp_path, text)
    assert config.server_url == "http://localhost:8088"
    assert config.unknown_keys == ()


def test_the_platform_project_reads(repo_root: Path) -> None:
    config = MigrationConfig.load(repo_root / "ksql" / "ksql-migrations.properties")
    assert config.server_url == "http://localhost:8088"
    assert config.migrations_dir == repo_root / "ksql" / "migrations"


def test_headers_and_credentials_reach_the_server(tmp_path: Path) -> None:
    """A loopback HTTP server records what the client sends with each request."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[dict[str, str]] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            body = json.dumps({"KsqlServerInfo": {"version": "0.29.0"}}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = config_from(
            tmp_path,
            "ksql.server.url=http://unused:1\n"
            "ksql.auth.basic.username=alice\nksql.auth.basic.password=s3cret\n",
        )
        headers = tmp_path / "headers"
        headers.write_text("X-Run: ci-42\n")
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with connect(config, server=url, headers_file=headers, environ={}) as client:
            assert client.info()["version"] == "0.29.0"
    finally:
        server.shutdown()
        server.server_close()
    (request,) = seen
    assert request["X-Run"] == "ci-42"
    assert request["Authorization"] == "Basic YWxpY2U6czNjcmV0"  # base64 of alice:s3cret
