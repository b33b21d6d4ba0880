"""Migration files: naming, discovery, checksums, down files, `create` and `new-project`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ksqlmv.errors import ConfigError, ValidationError
from ksqlmv.migrations.config import MigrationConfig
from ksqlmv.migrations.files import Direction, checksum, discover, file_name_for
from ksqlmv.migrations.project import create_migration, new_project

NAMES = [
    # (file name, version, metadata name, direction) or None when skipped
    ("V000001__Initial_setup.sql", (1, "Initial setup", Direction.UP)),
    ("V000010__add_users.sql", (10, "add users", Direction.UP)),
    ("V999999__last.sql", (999999, "last", Direction.UP)),
    ("V000002__a__b.sql", (2, "a  b", Direction.UP)),
    ("U000001__Initial_setup.sql", (1, "Initial setup", Direction.DOWN)),
    ("V000003__with.dots.sql", (3, "with.dots", Direction.UP)),
    ("V00001__five_digits.sql", None),
    ("V0000001__seven_digits.sql", None),
    ("v000001__lower_case.sql", None),
    ("V000001_single_underscore.sql", None),
    ("V000001__.sql", None),
    ("V000001__backup.sql~", None),
    ("V000001__x.sql.orig", None),
    ("README.md", None),
    ("V000001__x.SQL", None),
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_file_naming(
    tmp_path: Path, name: str, expected: tuple[int, str, Direction] | None
) -> None:
    (tmp_path / name).write_text("")
    if expected is not None and expected[2] is Direction.DOWN:
        (tmp_path / name.replace("U", "V", 1)).write_text("")
    found = discover(tmp_path)
    files = found.up if expected is None or expected[2] is Direction.UP else found.down
    if expected is None:
        assert found.up == ()
        assert found.skipped == (name,)
    else:
        (migration,) = files
        assert (migration.version, migration.name, migration.direction) == expected
        assert migration.path == tmp_path / name


def test_discovery_sorts_by_version_and_ignores_folders(tmp_path: Path) -> None:
    for name in ("V000010__c.sql", "V000002__b.sql", "V000001__a.sql"):
        (tmp_path / name).write_text("")
    (tmp_path / "V000005__folder.sql").mkdir()
    found = discover(tmp_path)
    assert [m.version for m in found.up] == [1, 2, 10]
    assert found.latest_version == 10
    assert found.by_version(2) is not None and found.by_version(3) is None


def test_two_files_for_one_version_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "V000001__a.sql").write_text("")
    (tmp_path / "V000001__b.sql").write_text("")
    with pytest.raises(ValidationError, match="multiple migration files with the same version"):
        discover(tmp_path)


def test_version_zero_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "V000000__zero.sql").write_text("")
    with pytest.raises(ValidationError, match="start at 1"):
        discover(tmp_path)


def test_down_file_without_up_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "U000004__orphan.sql").write_text("")
    with pytest.raises(ValidationError, match="down files without an up file"):
        discover(tmp_path)


def test_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        discover(tmp_path / "absent")


CHECKSUMS = [
    b"",
    b"CREATE STREAM s (id INT KEY) WITH (kafka_topic='s', value_format='json');\n",
    b"CREATE STREAM s (id INT KEY) WITH (kafka_topic='s', value_format='json');\r\n",
    "-- caf\u00e9\n".encode(),
]


@pytest.mark.parametrize("content", CHECKSUMS)
def test_checksum_is_md5_of_raw_bytes_lowercase_hex(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "V000001__x.sql"
    path.write_bytes(content)
    expected = hashlib.md5(content, usedforsecurity=False).hexdigest()
    assert checksum(path) == expected
    assert expected == expected.lower() and len(expected) == 32


def test_checksum_matches_md5sum(tmp_path: Path) -> None:
    # Known answer from coreutils: printf 'SELECT 1;\n' | md5sum
    path = tmp_path / "V000001__x.sql"
    path.write_bytes(b"SELECT 1;\n")
    assert checksum(path) == "2bdf1665f56c0ce5b966d9c60a7f7eac"


def test_any_byte_change_changes_the_checksum(tmp_path: Path) -> None:
    path = tmp_path / "V000001__x.sql"
    path.write_bytes(b"CREATE STREAM s;\n")
    before = checksum(path)
    path.write_bytes(b"CREATE STREAM s; \n")
    assert checksum(path) != before


FILE_NAMES = [
    (1, "create orders", "V000001__create_orders.sql"),
    (12, 'a/b\\c:d*e?f"g<h>i|j', "V000012__a_b_c_d_e_f_g_h_i_j.sql"),
    (3, "tabs\tand\nnewlines", "V000003__tabs_and_newlines.sql"),
    (999999, "x", "V999999__x.sql"),
]


@pytest.mark.parametrize(("version", "description", "expected"), FILE_NAMES)
def test_file_name_for(version: int, description: str, expected: str) -> None:
    assert file_name_for(version, description) == expected
    down = file_name_for(version, description, Direction.DOWN)
    assert down == "U" + expected[1:]


@pytest.mark.parametrize("version", [0, -1, 1_000_000])
def test_file_name_for_rejects_versions_out_of_range(version: int) -> None:
    with pytest.raises(ValidationError):
        file_name_for(version, "x")


def test_new_project_and_create(tmp_path: Path) -> None:
    project = tmp_path / "project"
    config_path = new_project(project, "http://localhost:8088")
    assert config_path == project / "ksql-migrations.properties"
    assert (project / "migrations").is_dir()
    config = MigrationConfig.load(config_path)
    first = create_migration(config, "create orders")
    assert [p.name for p in first] == ["V000001__create_orders.sql"]
    second = create_migration(config, "add index", down=True)
    assert [p.name for p in second] == ["V000002__add_index.sql", "U000002__add_index.sql"]
    explicit = create_migration(config, "later", 10)
    assert [p.name for p in explicit] == ["V000010__later.sql"]
    assert [p.name for p in create_migration(config, "next")] == ["V000011__next.sql"]
    assert all(p.read_bytes() == b"" for p in first + second + explicit)


def test_create_refuses_an_existing_version_and_empty_descriptions(tmp_path: Path) -> None:
    config = MigrationConfig.load(new_project(tmp_path, "http://localhost:8088"))
    create_migration(config, "one")
    with pytest.raises(ValidationError, match="Found existing migrations file for version 1"):
        create_migration(config, "again", 1)
    with pytest.raises(ValidationError, match="Description cannot be empty"):
        create_migration(config, "  ")


def test_new_project_never_overwrites_a_config(tmp_path: Path) -> None:
    new_project(tmp_path, "http://localhost:8088")
    (tmp_path / "ksql-migrations.properties").write_text("ksql.server.url=http://mine:1\n")
    with pytest.raises(ConfigError, match="already exists"):
        new_project(tmp_path, "http://other:2")
    assert "mine" in (tmp_path / "ksql-migrations.properties").read_text()


def test_new_project_refuses_a_file_in_the_way_and_bad_urls(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    with pytest.raises(ConfigError, match="already exists as a file"):
        new_project(tmp_path / "taken", "http://localhost:8088")
    with pytest.raises(ConfigError, match="invalid ksqlDB server URL"):
        new_project(tmp_path / "fresh", "localhost:8088")


def test_the_platform_project_files(repo_root: Path) -> None:
    found = discover(repo_root / "ksql" / "migrations")
    assert [m.version for m in found.up] == list(range(1, 17))
    assert found.skipped == ()
    assert found.up[0].name == "create customers table"
