"""The disk tier of a table's state store: a sqlite3 file of the entries not kept in memory.

ksqlDB keeps table state in RocksDB on local disk behind a bounded cache, so its memory levels
off while its state grows. The engine does the same with sqlite3 from the standard library: a
`TieredData` (ksqlmv.engine.runtime.tiered) keeps its recent entries in memory and writes the
rest here, in one transaction per checkpoint.

The file is a cache, not a source of truth: the store's changelog topic is. It is rebuilt at
every start (an existing file is deleted first), so it is written without a journal or fsync, and
it is deleted when the store goes away. Rows are `(text, key, value)`: `text` is the canonical
form of the key that lookups use (`key_text`), `key` and `value` the changelog's encodings.

>>> import tempfile, pathlib
>>> disk = DiskTier(pathlib.Path(tempfile.mkdtemp()) / "store.sqlite")
>>> disk.write([("('k',)", b"key", b"value")], [])
>>> disk.get("('k',)"), disk.count()
(b'value', 1)
>>> disk.close()
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["DiskTier", "key_text"]

Row = tuple[str, bytes, bytes]
"""One entry on disk: the key's canonical text, the encoded key, the encoded value."""

_PAGE_CACHE_KB = 512  # sqlite's page cache per file; the OS page cache does the rest


def key_text(key: Any) -> str:
    """The canonical text of a store key, the same for every equal key.

    Keys are frozen tuples of plain values; their `repr` is deterministic where pickle's bytes
    are not (pickle writes a string twice or refers back to it, depending on object identity).
    """
    return repr(key)


class DiskTier:
    """One store's entries on disk, shared by its query's thread and pull queries' threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)  # rebuilt from the changelog at every start
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_PAGE_CACHE_KB}"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(
            "CREATE TABLE entries (text TEXT PRIMARY KEY, key BLOB NOT NULL, value BLOB NOT NULL)"
            " WITHOUT ROWID"
        )
        # Closed and deleted with the store (a terminated query's), or when the process exits.
        self._finalizer = weakref.finalize(self, _remove, self._db, path)

    def get(self, text: str) -> bytes | None:
        """The encoded value of the key whose text is `text`, or None."""
        with self._lock:
            found = self._db.execute("SELECT value FROM entries WHERE text = ?", (text,)).fetchone()
        return None if found is None else bytes(found[0])

    def has(self, text: str) -> bool:
        """Whether the key whose text is `text` is on disk."""
        with self._lock:
            found = self._db.execute("SELECT 1 FROM entries WHERE text = ?", (text,)).fetchone()
        return found is not None

    def write(self, rows: Iterable[Row], deleted: Iterable[str]) -> None:
        """Insert or replace `rows` and delete the keys of `deleted`, in one transaction."""
        # In key order, each insert lands next to the one before: about a third less time per
        # row than in the order keys changed in (fewer pages read back into sqlite's cache).
        rows = sorted(rows)
        with self._lock:
            db = self._db
            db.execute("BEGIN")
            try:
                db.executemany("DELETE FROM entries WHERE text = ?", ((t,) for t in deleted))
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def rows(self) -> list[Row]:
        """Every entry (a snapshot, read under the lock)."""
        with self._lock:
            found = self._db.execute("SELECT text, key, value FROM entries").fetchall()
        return [(text, bytes(key), bytes(value)) for text, key, value in found]

    def texts(self) -> set[str]:
        """The texts of every key on disk."""
        with self._lock:
            return {text for (text,) in self._db.execute("SELECT text FROM entries")}

    def count(self) -> int:
        """How many entries are on disk."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        """Close the file and delete it."""
        with self._lock:
            self._finalizer()


def _remove(db: sqlite3.Connection, path: Path) -> None:
    db.close()
    path.unlink(missing_ok=True)
