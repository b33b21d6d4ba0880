"""Migration files on disk: naming, discovery, checksums and down files.

An up file is named `V<six digits>__<description>.sql` (ksql-migrations' own pattern); its
version is the number, its name the description with underscores turned into spaces. ksqlmv adds
optional down files, `U<six digits>__<description>.sql`, that undo the up file of the same
version for `rollback`. The checksum is the MD5 of the file's raw bytes in lowercase hex, exactly as
ksql-migrations records it, so any byte change (white space, comments) is a change.

ksql-migrations matches its pattern anywhere in a file name; ksqlmv insists on the whole name, so
an editor's `V000001__x.sql~` or `V000001__x.sql.orig` is listed as skipped rather than read as a
second version 1.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ksqlmv.errors import ConfigError, ValidationError

__all__ = [
    "MAX_VERSION",
    "Direction",
    "MigrationFile",
    "MigrationSet",
    "checksum",
    "discover",
    "file_name_for",
    "version_prefix",
]

MAX_VERSION = 999_999
_PATTERN = re.compile(r"([VU])([0-9]{6})__(.+)\.sql")
_INVALID_NAME_CHARS = re.compile(r'[\s/\\:*?"<>|]')


class Direction(Enum):
    """Whether a file applies a version (up, `V`) or undoes it (down, `U`)."""

    UP = "V"
    DOWN = "U"


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """One migration file: its version, its name as shown in metadata, and where it is."""

    version: int
    name: str
    path: Path
    direction: Direction = Direction.UP

    @property
    def file_name(self) -> str:
        """The file's name without its folder."""
        return self.path.name

    def checksum(self) -> str:
        """MD5 of the file's bytes, lowercase hex, as ksql-migrations records it."""
        return checksum(self.path)

    def read_text(self) -> str:
        """The file's text (UTF-8, as ksql-migrations reads it)."""
        try:
            return self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"{self.path}: not UTF-8 text (byte {error.start}: {error.reason})"
            ) from None
        except OSError as error:
            raise ValidationError(f"cannot read {self.path}: {error.strerror}") from error


@dataclass(frozen=True, slots=True)
class MigrationSet:
    """Every migration file of a project, up and down, sorted by version."""

    directory: Path
    up: tuple[MigrationFile, ...]
    down: tuple[MigrationFile, ...] = ()
    skipped: tuple[str, ...] = ()
    """Files in the folder that are not named like migrations (shown as warnings)."""

    def by_version(self, version: int) -> MigrationFile | None:
        """The up file for `version`, if there is one."""
        return next((m for m in self.up if m.version == version), None)

    def down_for(self, version: int) -> MigrationFile | None:
        """The down file for `version`, if there is one."""
        return next((m for m in self.down if m.version == version), None)

    @property
    def latest_version(self) -> int:
        """The highest up version, or 0 when there is none."""
        return self.up[-1].version if self.up else 0


def checksum(path: Path) -> str:
    """MD5 of a file's raw bytes in lowercase hex."""
    try:
        return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
    except OSError as error:
        raise ValidationError(f"cannot read {path}: {error.strerror}") from error


def version_prefix(version: int, direction: Direction = Direction.UP) -> str:
    """`V000003` for version 3 (or `U000003` for its down file)."""
    if not 1 <= version <= MAX_VERSION:
        raise ValidationError(f"version {version} must be between 1 and {MAX_VERSION}")
    return f"{direction.value}{version:06d}"


def file_name_for(version: int, description: str, direction: Direction = Direction.UP) -> str:
    """The file name `create` gives a new migration: unsafe characters become `_`."""
    if not description:
        raise ValidationError("the description of a migration cannot be empty")
    return f"{version_prefix(version, direction)}__{_INVALID_NAME_CHARS.sub('_', description)}.sql"


def discover(directory: Path) -> MigrationSet:
    """Read the migrations folder; two files for one version is a `ValidationError`."""
    if not directory.is_dir():
        raise ConfigError(f"migrations folder {directory} does not exist or is not a folder")
    up: dict[int, MigrationFile] = {}
    down: dict[int, MigrationFile] = {}
    skipped: list[str] = []
    for path in sorted(directory.iterdir()):
        if path.is_dir():
            continue
        match = _PATTERN.fullmatch(path.name)
        if match is None:
            skipped.append(path.name)
            continue
        letter, digits, description = match.groups()
        version = int(digits)
        if version == 0:
            raise ValidationError(f"{path}: migration versions start at 1 (found 000000)")
        direction = Direction(letter)
        found = up if direction is Direction.UP else down
        if version in found:
            raise ValidationError(
                f"found multiple migration files with the same version. Version: {version}. "
                f"Files: '{found[version].path}', '{path}'"
            )
        found[version] = MigrationFile(version, description.replace("_", " "), path, direction)
    orphans = sorted(set(down) - set(up))
    if orphans:
        names = ", ".join(down[v].file_name for v in orphans)
        raise ValidationError(f"down files without an up file of the same version: {names}")
    return MigrationSet(
        directory,
        tuple(up[v] for v in sorted(up)),
        tuple(down[v] for v in sorted(down)),
        tuple(skipped),
    )
