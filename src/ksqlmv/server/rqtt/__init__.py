"""ksqlDB's rest-query-validation tests (RQTT), run against a server over its REST API.

```
cases      loading RQTT files (query-validation cases plus expected responses and errors)
responses  matching responses as ksqlDB's RestTestExecutor matches them
runner     one case against a server, its broker and its registry; clearing between cases
```

`run_rest_paths` yields the same `CaseResult`s as the query-validation runner, so `ksqlmv test`
reports both in one summary. Without a server URL it starts a fresh embedded stack (broker,
registry and server) for the run and stops it afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ksqlmv.engine.testing.executor import CaseResult
from ksqlmv.errors import KsqlmvError
from ksqlmv.server.rqtt.cases import RestCase, is_rest_file, load_rest_file
from ksqlmv.server.rqtt.runner import RestRunner

__all__ = ["RestCase", "RestRunner", "is_rest_file", "load_rest_file", "run_rest_paths"]


def run_rest_paths(
    paths: Iterable[Path],
    *,
    server: str | None = None,
    bootstrap_servers: str | None = None,
    schema_registry_url: str | None = None,
    auth: tuple[str, str] | None = None,
) -> Iterator[CaseResult]:
    """Run every case of the RQTT files `paths` (against `server`, or a fresh embedded stack)."""
    files = list(paths)
    loaded: list[RestCase] = []
    for path in files:
        try:
            loaded.extend(load_rest_file(path))
        except (KsqlmvError, OSError, ValueError) as error:
            yield CaseResult(path.name, "(file)", "failed", f"cannot load: {error}")
    runnable = [case for case in loaded if case.skip_reason() is None]
    stack = None
    if server is None and runnable:
        from ksqlmv.local import EmbeddedStack

        stack = EmbeddedStack(("broker", "registry", "ksql")).start()
        server = stack.ksqldb_url
        bootstrap_servers = stack.bootstrap_servers
        schema_registry_url = stack.schema_registry_url
    runner = (
        RestRunner(server, bootstrap_servers or "localhost:9092", schema_registry_url, auth=auth)
        if server is not None
        else None
    )
    try:
        if runner is not None:
            runner.clean()
        for case in loaded:
            if runner is None:
                yield CaseResult(case.file, case.name, "skipped", case.skip_reason())
            else:
                yield runner.run(case)
    finally:
        if runner is not None:
            runner.close()
        if stack is not None:
            stack.close()
