"""The KSQL engine: catalog, analysis, planning, runtime operators, state stores and drivers.

Text flows through it in one direction: `ksqlmv.sql` parses statements, the analyzer resolves
names and types against the catalog, the planner builds an operator graph, and a driver runs that
graph (the test driver in memory, the Kafka driver against any broker). `ksqlmv.engine.api` is the
one public entry point that servers and the CLI use.
"""

from __future__ import annotations

__all__: list[str] = []
