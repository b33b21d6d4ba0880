"""The rows of ksql-migrations' metadata, exactly as ksql-migrations writes and reads them.

Every state change writes two rows to the `MIGRATION_EVENTS` stream, one keyed by the version
(`'3'`) and one keyed `'CURRENT'`, with the same nine columns; the `MIGRATION_SCHEMA_VERSIONS`
table keeps the latest row per key. All values are strings: versions unpadded (`'3'`), times as
epoch milliseconds (`'1700000000000'`, empty while RUNNING), `previous` is `<none>` for the first
migration, `error_reason` is `N/A` unless the state is ERROR.

>>> record = MigrationRecord(1, "orders", MigrationState.RUNNING, "ab12", "1000", "", "<none>")
>>> record.row("CURRENT")["VERSION_KEY"], record.row("1")["COMPLETED_ON"]
('CURRENT', '')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ksqlmv.errors import ProtocolError

__all__ = [
    "COLUMNS",
    "CURRENT_KEY",
    "NONE_VERSION",
    "NO_ERROR",
    "NO_TIME",
    "MigrationRecord",
    "MigrationState",
    "format_time",
    "now_millis",
]

CURRENT_KEY = "CURRENT"
NONE_VERSION = "<none>"
NO_ERROR = "N/A"
NO_TIME = "N/A"
"""What `info` shows in the time columns of a migration that has not run."""

COLUMNS = (
    "VERSION_KEY",
    "VERSION",
    "NAME",
    "STATE",
    "CHECKSUM",
    "STARTED_ON",
    "COMPLETED_ON",
    "PREVIOUS",
    "ERROR_REASON",
)
"""The columns of the stream and table, in ksql-migrations' order."""


class MigrationState(Enum):
    """A version's state. PENDING is never written by `apply`; `info` shows it for new files."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    MIGRATED = "MIGRATED"
    ERROR = "ERROR"


@dataclass(frozen=True, slots=True)
class MigrationRecord:
    """One version's metadata row (without its key, which is the version or `CURRENT`)."""

    version: int
    name: str
    state: MigrationState
    checksum: str
    started_on: str
    completed_on: str
    previous: str
    error_reason: str = NO_ERROR

    @classmethod
    def pending(cls, version: int, name: str) -> MigrationRecord:
        """The row `info` shows for a file that has never run."""
        return cls(version, name, MigrationState.PENDING, "N/A", NO_TIME, NO_TIME, "N/A")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> MigrationRecord:
        """Read a pull-query row (column names in any case)."""
        values = {str(k).upper(): v for k, v in row.items()}
        try:
            return cls(
                version=int(values["VERSION"]),
                name=_text(values["NAME"]),
                state=MigrationState(_text(values["STATE"])),
                checksum=_text(values["CHECKSUM"]),
                started_on=_text(values["STARTED_ON"]),
                completed_on=_text(values["COMPLETED_ON"]),
                previous=_text(values["PREVIOUS"]),
                error_reason=_text(values["ERROR_REASON"]),
            )
        except (KeyError, ValueError, TypeError) as error:
            raise ProtocolError(f"unreadable migrations metadata row {dict(row)!r}") from error

    def row(self, key: str) -> dict[str, str]:
        """The row to insert into the metadata stream under `key` (a version or CURRENT)."""
        return dict(
            zip(
                COLUMNS,
                (
                    key,
                    str(self.version),
                    self.name,
                    self.state.value,
                    self.checksum,
                    self.started_on,
                    self.completed_on,
                    self.previous,
                    self.error_reason,
                ),
                strict=True,
            )
        )

    def moved_to(
        self, state: MigrationState, completed_on: str, error_reason: str = NO_ERROR
    ) -> MigrationRecord:
        """The same migration in a later state."""
        return dataclasses.replace(
            self, state=state, completed_on=completed_on, error_reason=error_reason
        )

    @property
    def previous_version(self) -> int | None:
        """The version applied before this one, or None for the first."""
        return None if self.previous == NONE_VERSION else int(self.previous)


def now_millis() -> str:
    """The current time as ksql-migrations writes it: epoch milliseconds, as a string."""
    return str(int(dt.datetime.now(dt.UTC).timestamp() * 1000))


def format_time(epoch_millis: str, zone: dt.tzinfo | None = None) -> str:
    """`yyyy-MM-dd HH:mm:ss.SSS z` in the local zone, as ksql-migrations' `info` prints times.

    Empty and `N/A` values are shown as they are.
    """
    if epoch_millis in ("", NO_TIME):
        return epoch_millis
    try:
        millis = int(epoch_millis)
    except ValueError:
        return epoch_millis
    moment = dt.datetime.fromtimestamp(millis / 1000, dt.UTC).astimezone(zone)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{millis % 1000:03d} {moment.tzname()}"


def _text(value: Any) -> str:
    if value is None:
        raise TypeError("NULL in a metadata column")
    return str(value)
