"""One call from a validated scenario to tables and a summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.engine import RunOutput, simulate
from sim.scenario import Scenario
from sim.summary import daily_table, sorties_table, summarise
from sim.world import build_world


@dataclass
class RunResult:
    """Everything a run produced, as plain records."""

    summary: dict[str, Any]
    daily: list[dict[str, Any]]
    sorties: list[dict[str, Any]]
    output: RunOutput


def run(scenario: Scenario, seed: int | None = None, progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Simulate ``scenario`` (with ``seed`` overriding the scenario's) and summarise it."""
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    rng = np.random.default_rng(np.random.SeedSequence(scenario.seed))
    output = simulate(build_world(scenario), rng, progress)
    return RunResult(summarise(output), daily_table(output), sorties_table(output), output)
