"""airlift-sim: a geospatial discrete-event simulator of strategic airlift.

The public API::

    from sim import load_scenario, run
    result = run(load_scenario("scenarios/lose_hmeimim.yaml"))
    result.summary["delivered_t"]
"""

from __future__ import annotations

__version__ = "0.1.0"

from sim.api import RunResult, run  # noqa: E402
from sim.scenario import Scenario, load_scenario, parse_scenario  # noqa: E402

__all__ = ["RunResult", "Scenario", "__version__", "load_scenario", "parse_scenario", "run"]
