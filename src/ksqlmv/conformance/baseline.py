"""The committed baseline: the ids of the corpus cases known to pass. It only grows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Baseline", "case_id"]

_HEADER = (
    "# ksqlDB corpus cases the engine passes: one `file :: case name` per line, sorted.\n"
    "# Written by `python -m ksqlmv.conformance --update-baseline`; CI fails when one of these\n"
    "# stops passing. Never remove a line to make CI pass: fix the engine.\n"
)


def case_id(file: str, name: str) -> str:
    """The baseline id of a case: its file name and its (expanded) name."""
    return f"{Path(file).name} :: {name}"


@dataclass
class Baseline:
    """A set of case ids, read from and written to a text file."""

    path: Path
    ids: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """The baseline at `path` (empty when the file does not exist)."""
        ids: set[str] = set()
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    ids.add(line)
        return cls(path, ids)

    def regressions(self, passed: set[str], ran: set[str]) -> list[str]:
        """Baseline cases that ran and did not pass, or did not run at all."""
        return sorted(i for i in self.ids if i not in passed)

    def grow(self, passed: set[str]) -> int:
        """Add newly passing cases; returns how many were added."""
        before = len(self.ids)
        self.ids |= passed
        return len(self.ids) - before

    def save(self) -> None:
        """Write the baseline, sorted."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"{i}\n" for i in sorted(self.ids))
        self.path.write_text(_HEADER + body, encoding="utf-8")
