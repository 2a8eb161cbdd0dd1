"""airlift-sim: a geospatial discrete-event simulator of strategic airlift.

The public API::

    import sim

    scenario = sim.load_scenario("scenarios/lose_hmeimim.yaml")
    result = sim.run(scenario)                        # .summary, and DataFrames .daily .sorties .ground
    bigger = scenario.with_({"fleet[0].count": 8})    # the same paths as `airlift sweep --set`
    reps = sim.replicate(sim.load_scenario("scenarios/tobruk_hub.yaml"), 20)   # 95 % CIs in reps.summary
    knee = sim.sweep(scenario, {"fleet[0].count": range(4, 21, 4)}, replications=5)   # knee.points
    result.save("results/mine")                       # exactly what `airlift run` writes
    versus = sim.compare(scenario, bigger)            # .table: each figure for A, B and B - A
    again = sim.load_results("results/mine")
    plan = sim.load_plan(sim.load_scenario("scenarios/syria_evacuation.yaml"))   # sorties per type, no simulation
    study = sim.uncertainty(scenario, samples=64)     # which assumption matters: .summary .samples .sensitivity

Names are imported on first use, so ``import sim`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sim import _core
from sim._version import __version__
from sim.errors import AirliftError, InputError, OverrideError, ResultsExistError

_core.prefer_sources()  # a compiled core runs only while it matches its sources (sim/_core.py)

if TYPE_CHECKING:
    from sim.experiments.compare import Comparison, compare
    from sim.experiments.loads import load_plan
    from sim.experiments.replications import Replications, replicate
    from sim.experiments.runs import RunResult, run
    from sim.experiments.sweeps import SweepResult, sweep
    from sim.experiments.uncertainty import UncertaintyResult, uncertainty
    from sim.results.reading import Results, load_results
    from sim.scenario.loading import load_scenario, parse_scenario
    from sim.scenario.schema import Scenario

_LAZY = {
    "load_scenario": "sim.scenario.loading", "parse_scenario": "sim.scenario.loading", "Scenario": "sim.scenario.schema",
    "run": "sim.experiments.runs", "RunResult": "sim.experiments.runs",
    "replicate": "sim.experiments.replications", "Replications": "sim.experiments.replications",
    "sweep": "sim.experiments.sweeps", "SweepResult": "sim.experiments.sweeps",
    "compare": "sim.experiments.compare", "Comparison": "sim.experiments.compare",
    "uncertainty": "sim.experiments.uncertainty", "UncertaintyResult": "sim.experiments.uncertainty",
    "load_plan": "sim.experiments.loads",
    "load_results": "sim.results.reading", "Results": "sim.results.reading",
}

__all__ = ["AirliftError", "Comparison", "InputError", "OverrideError", "Replications", "Results", "ResultsExistError",
           "RunResult", "Scenario", "SweepResult", "UncertaintyResult", "__version__", "compare", "load_plan",
           "load_results", "load_scenario", "parse_scenario", "replicate", "run", "sweep", "uncertainty"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
