"""Producer simulators: declarative scenarios in producers/, pushed as Avro through Schema Registry.

```python
from ksqlmv.simulate import Simulation, load_scenario

scenario = load_scenario("shop")              # producers/shop.yaml, checked in full
for event in Simulation(scenario, seed=42):   # deterministic for a seed and a start
    ...
```

`run(scenario, settings, RunOptions(...))` sends a simulation to Kafka; `json_lines` renders
events as `ksqlmv simulate --dry-run` prints them.
"""

from __future__ import annotations

from ksqlmv.simulate.engine import Event as Event
from ksqlmv.simulate.engine import Simulation as Simulation
from ksqlmv.simulate.output import json_lines as json_lines
from ksqlmv.simulate.producer import RunOptions as RunOptions
from ksqlmv.simulate.producer import Stop as Stop
from ksqlmv.simulate.producer import run as run
from ksqlmv.simulate.progress import Summary as Summary
from ksqlmv.simulate.scenario import Scenario as Scenario
from ksqlmv.simulate.scenario import available_scenarios as available_scenarios
from ksqlmv.simulate.scenario import load_scenario as load_scenario
from ksqlmv.simulate.scenario import parse_instant as parse_instant

__all__ = [
    "Event",
    "RunOptions",
    "Scenario",
    "Simulation",
    "Stop",
    "Summary",
    "available_scenarios",
    "json_lines",
    "load_scenario",
    "parse_instant",
    "run",
]
