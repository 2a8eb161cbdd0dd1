"""One run: a validated scenario in, a summary and tidy tables out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sim.errors import Problem
from sim.model.engine import RunOutput, simulate
from sim.model.randomness import Randomness
from sim.model.world import World
from sim.results.summary_types import Summary
from sim.results.tables import daily_table, ground_table, headline_summary, sorties_table, summarise
from sim.scenario.compile import build_world
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass(repr=False)
class RunResult:
    """Everything one run produced.

    ``summary`` is the record written to summary.json; ``daily``, ``sorties`` and ``ground`` are pandas
    DataFrames (one row per day and requirement, per leg flown, per ground activity), with the same
    columns as the CSV files; the ``*_rows`` lists hold the same rows as plain dicts (the sorties and ground
    rows are made when first asked for: a replication run in a worker never needs them).
    """

    scenario: Scenario
    summary: Summary
    daily_rows: list[dict[str, Any]]
    output: RunOutput = field(repr=False)

    def __repr__(self) -> str:
        s = self.summary
        return (f"RunResult({s['scenario']!r}: delivered {s['delivered_t']:,.1f} t of {s['requested_t']:,.1f} t, "
                f"{s['sorties']} sorties, {len(self.sortie_rows)} legs)")

    @cached_property
    def sortie_rows(self) -> list[dict[str, Any]]:
        """One dict per leg flown, as sorties.csv has it."""
        return sorties_table(self.output)

    @cached_property
    def ground_rows(self) -> list[dict[str, Any]]:
        """One dict per ground activity, as ground.csv has it."""
        return ground_table(self.output)

    @property
    def world(self) -> World:
        """The airfields, aircraft types and routes the run used."""
        return self.output.world

    @cached_property
    def daily(self) -> pd.DataFrame:
        """Tons delivered and sorties flown per day and requirement (``date`` parsed)."""
        from sim.results.frames import frame
        from sim.results.saving import DAILY_COLUMNS

        return frame(self.daily_rows, DAILY_COLUMNS)

    @cached_property
    def sorties(self) -> pd.DataFrame:
        """Every leg flown: times in hours from the start, payload, distance, fuel and masses."""
        from sim.results.frames import frame
        from sim.results.saving import SORTIE_COLUMNS

        return frame(self.sortie_rows, SORTIE_COLUMNS)

    @cached_property
    def ground(self) -> pd.DataFrame:
        """Every ground activity: onloads, offloads, fuel stops, repairs, parked and stranded time."""
        from sim.results.frames import frame
        from sim.results.saving import GROUND_TABLE_COLUMNS

        return frame(self.ground_rows, GROUND_TABLE_COLUMNS)

    def save(self, folder: str | Path, force: bool = False) -> Path:
        """Write what ``airlift run`` writes for this run into ``folder`` (atomically; an existing file is
        replaced only with ``force``). Returns the folder."""
        from sim.results.saving import save_run

        return save_run(Path(folder), scenario_data(self.scenario), self.world, self.summary, self.daily_rows,
                        self.sortie_rows, self.ground_rows, force=force)


def run(scenario: Scenario, seed: int | None = None, *, replication: int = 0,
        progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Simulate one replication of ``scenario`` and summarise it.

    ``seed`` overrides the scenario's. Without a ``stochastic:`` block the run is deterministic and
    ``replication`` changes nothing; with one, replication r draws its own random streams (see
    :func:`sim.replicate`). ``progress(day, days)`` is called as simulated days pass.
    """
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    return run_checked(checked(scenario), replication=replication, progress=progress)


def run_checked(scenario: Scenario, *, replication: int = 0,
                progress: Callable[[int, int], None] | None = None, brief: bool = False,
                world: World | None = None) -> RunResult:
    """``run`` of a scenario known to be valid as it stands (just validated from its data). ``brief``: the
    summary holds only ``headline_summary``'s parts (a replication's record needs no more). ``world``: the
    World ``build_world(scenario)`` built for an earlier run of this scenario, run again (the model never
    changes a World; it keeps the routes and distances it looked up)."""
    if not isinstance(replication, int) or isinstance(replication, bool) or replication < 0:
        raise ValueError(f"replication: expected a whole number, 0 or more (got {replication!r})")
    world = build_world(scenario) if world is None else world
    output = simulate(world, Randomness(world.stochastic, world.run.seed, replication), progress)
    # A brief summary holds HeadlineSummary's keys only: such a result goes to ``task_record``, which reads no more.
    summary = cast(Summary, headline_summary(output)) if brief else summarise(output)
    return RunResult(scenario, summary, daily_table(output), output)


def checked(scenario: Scenario) -> Scenario:
    """The scenario validated again as it stands, schema and catalogue: a Scenario is frozen, but its
    lists and dicts can still be changed in place, and ``model_copy(update=...)`` or ``object.__setattr__``
    skip validation (``mog = -1`` ran 0 sorties, ``days = 0`` divided by zero). InputError (file
    ``<scenario>``) names every problem."""
    from sim.errors import InputError
    from sim.scenario.loading import load_scenario

    if not isinstance(scenario, Scenario):
        raise TypeError(f"expected a Scenario (sim.load_scenario), got {type(scenario).__name__}")
    try:
        if scenario._checked_hash is not None and scenario._checked_hash == scenario.scenario_hash():
            return scenario  # validated by load_scenario and unchanged since
        return load_scenario(scenario_data(scenario))
    except InputError as exc:
        raise InputError([replace(p, file="<scenario changed after loading>") for p in exc.problems]) from None
    except (ValueError, TypeError) as exc:  # a value no scenario can hold, put in after loading
        raise InputError([Problem("<scenario changed after loading>", 0, 0, "", str(exc))]) from None


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The validated scenario as plain data: scenario.json, what ``airlift check`` rebuilds a run from."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
