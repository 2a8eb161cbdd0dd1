"""airlift-sim: a geospatial discrete-event simulator of strategic airlift.

The public API::

    from sim import load_scenario, run
    result = run(load_scenario("scenarios/lose_hmeimim.yaml"))
    result.summary["delivered_t"]

    from sim import load_results            # a results folder as pandas DataFrames (extra: analysis)
    results = load_results("results/lose_hmeimim")
"""

from __future__ import annotations

__version__ = "0.1.0"

from sim.experiments.runs import RunResult, run  # noqa: E402
from sim.scenario.schema import Scenario, load_scenario, parse_scenario  # noqa: E402

__all__ = ["RunResult", "Scenario", "__version__", "load_results", "load_scenario", "parse_scenario", "run"]


def load_results(path):  # noqa: ANN001, ANN201 - documented in sim.results.reading
    """A results folder as pandas DataFrames: see :func:`sim.results.reading.load_results`."""
    from sim.results.reading import load_results as load

    return load(path)
