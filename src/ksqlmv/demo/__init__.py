"""`ksqlmv demo`: the whole platform on the embedded stack, started and stopped as one.

```
plan       DemoPlan: ports, rates, folders, and the `ksqlmv` command line of every step
processes  Child: one step in its own process group, logging to a file; SIGTERM, then SIGKILL
runner     Demo: starts the steps in order, prints the ready line and the guide, stops them all
views      project_views: the views ksql/migrations defines, with the comment each file opens with
guide      the text shown once the demo is ready
```

```python
plan = DemoPlan(ports={"broker": 0, "registry": 0, "ksql": 0, "dashboard": 0})  # all free
demo = Demo(plan, sys.stdout, print)
demo.run()            # blocks; another thread (or a signal handler) calls demo.request_stop()
```
"""

from __future__ import annotations

from ksqlmv.demo.plan import Addresses as Addresses
from ksqlmv.demo.plan import DemoPlan as DemoPlan
from ksqlmv.demo.runner import READY_PREFIX_DEMO as READY_PREFIX_DEMO
from ksqlmv.demo.runner import STATE_FILE as STATE_FILE
from ksqlmv.demo.runner import Demo as Demo
from ksqlmv.demo.views import View as View
from ksqlmv.demo.views import project_views as project_views

__all__ = [
    "READY_PREFIX_DEMO",
    "STATE_FILE",
    "Addresses",
    "Demo",
    "DemoPlan",
    "View",
    "project_views",
]
