"""One call from a validated scenario to tables and a summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.model.engine import RunOutput, simulate
from sim.model.randomness import Randomness
from sim.results.tables import daily_table, sorties_table, summarise
from sim.scenario.compile import build_world
from sim.scenario.schema import Scenario


@dataclass
class RunResult:
    """Everything a run produced, as plain records."""

    summary: dict[str, Any]
    daily: list[dict[str, Any]]
    sorties: list[dict[str, Any]]
    output: RunOutput


def run(
    scenario: Scenario, seed: int | None = None, progress: Callable[[int, int], None] | None = None, replication: int = 0
) -> RunResult:
    """Simulate one replication of ``scenario`` (``seed`` overrides the scenario's) and summarise it.

    Without a ``stochastic:`` block the run is deterministic and ``replication`` changes nothing.
    """
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    world = build_world(scenario)
    output = simulate(world, Randomness(world.stochastic, world.run.seed, replication), progress)
    return RunResult(summarise(output), daily_table(output), sorties_table(output), output)
