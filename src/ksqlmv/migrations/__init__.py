"""Versioned KSQL migrations, compatible with ksqlDB's ksql-migrations tool, with more.

The same project layout (`ksql-migrations.properties`, `migrations/V000001__name.sql`), the same
metadata stream and table with the same rows, states and checksums, so a team can switch between
the two tools on one server. Beyond ksql-migrations: `plan` (and `plan --check` on a throw-away
embedded stack), `repair`, `baseline`, a server-side lock against concurrent applies, down files
with `rollback`, and exit code 0 when there is nothing to apply.

Everything here talks to ksqlDB through `ksqlmv.client` only; the command line is
`ksqlmv.cli.migrate`.

>>> config = MigrationConfig.load(Path("ksql/ksql-migrations.properties"))   # doctest: +SKIP
>>> with connect(config) as client:                                           # doctest: +SKIP
...     Migrator(client, config).apply(ApplyMode.ALL)
"""

from __future__ import annotations

from ksqlmv.migrations.config import MigrationConfig as MigrationConfig
from ksqlmv.migrations.config import find_config_file as find_config_file
from ksqlmv.migrations.connect import connect as connect
from ksqlmv.migrations.events import Event as Event
from ksqlmv.migrations.events import EventKind as EventKind
from ksqlmv.migrations.files import MigrationFile as MigrationFile
from ksqlmv.migrations.files import MigrationSet as MigrationSet
from ksqlmv.migrations.files import checksum as checksum
from ksqlmv.migrations.files import discover as discover
from ksqlmv.migrations.history import ApplyMode as ApplyMode
from ksqlmv.migrations.history import History as History
from ksqlmv.migrations.lock import ServerLock as ServerLock
from ksqlmv.migrations.plan import MigrationPlan as MigrationPlan
from ksqlmv.migrations.preview import check_on_embedded_stack as check_on_embedded_stack
from ksqlmv.migrations.preview import plan_pending as plan_pending
from ksqlmv.migrations.project import create_migration as create_migration
from ksqlmv.migrations.project import new_project as new_project
from ksqlmv.migrations.records import MigrationRecord as MigrationRecord
from ksqlmv.migrations.records import MigrationState as MigrationState
from ksqlmv.migrations.repair import baseline as baseline
from ksqlmv.migrations.repair import repair as repair
from ksqlmv.migrations.report import format_info as format_info
from ksqlmv.migrations.report import info as info
from ksqlmv.migrations.report import validate as validate
from ksqlmv.migrations.runner import ApplyResult as ApplyResult
from ksqlmv.migrations.runner import Migrator as Migrator
from ksqlmv.migrations.runner import RollbackResult as RollbackResult
from ksqlmv.migrations.statements import prepare_file as prepare_file
from ksqlmv.migrations.store import MetadataStore as MetadataStore

__all__ = [
    "ApplyMode",
    "ApplyResult",
    "Event",
    "EventKind",
    "History",
    "MetadataStore",
    "MigrationConfig",
    "MigrationFile",
    "MigrationPlan",
    "MigrationRecord",
    "MigrationSet",
    "MigrationState",
    "Migrator",
    "RollbackResult",
    "ServerLock",
    "baseline",
    "check_on_embedded_stack",
    "checksum",
    "connect",
    "create_migration",
    "discover",
    "find_config_file",
    "format_info",
    "info",
    "new_project",
    "plan_pending",
    "prepare_file",
    "repair",
    "validate",
]
