"""Sweeps: every combination of swept values, each point replicated, with means, their 95 % CIs and the
spread of outcomes (p10, p90) per point."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiments.execution import executor, run_tasks
from sim.experiments.outcomes import RunTables, mean_and_spread, median_closure, share_closed
from sim.experiments.replications import Task, replication_count, run_task, tidy, tidy_columns
from sim.results.tables import REQUIREMENT_SEPARATOR, requirement_column
from sim.scenario.overrides import axis_label
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

JOURNAL_FORMAT = 2  # in the sweep id: a journal of rows without the closure-day columns is not resumed
CLOSURE = requirement_column("", "closure_day")  # how a requirement's closure-day column in sweep.csv ends
POINT_FIGURES = ("delivered_t", "in_transit_t", "backlog_t", "mean_daily_t", "sorties", "flight_h", "repairs")


@dataclass(frozen=True)
class SweepPoint:
    """One combination of swept values and its scenario."""

    index: int
    values: dict[str, Any]
    scenario: dict[str, Any]


def sweep_points(scenario: Scenario, sets: Mapping[str, Iterable[Any]]) -> list[SweepPoint]:
    """Every combination of the swept values (the first path varies slowest), each validated.

    Raises OverrideError naming the path and value when a combination is not a valid scenario.
    """
    base = scenario.model_copy(update={"sweep": None})
    paths = list(sets)
    points = []
    for index, combo in enumerate(itertools.product(*[list(values) for values in sets.values()])):
        changes = dict(zip(paths, combo, strict=True))
        validated = base.with_(changes)
        points.append(SweepPoint(index, changes, validated.model_dump(mode="json", by_alias=True, exclude_none=True)))
    return points


@dataclass(frozen=True)
class SweepPlan:
    """A sweep before it runs: its points, the replications per point and an id that changes with either."""

    scenario: Scenario
    points: list[SweepPoint]
    replications: int

    @property
    def paths(self) -> list[str]:
        return list(self.points[0].values)

    @property
    def sweep_id(self) -> str:
        """Identifies the sweep (scenario, swept values, replications), e.g. to resume an interrupted one."""
        sets = [[path, [p.values[path] for p in self.points]] for path in self.paths]
        text = json.dumps([self.scenario.scenario_hash(), sets, self.replications, JOURNAL_FORMAT], default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def tasks(self) -> list[Task]:
        """One task per point and replication, point by point."""
        return [Task(point.scenario, r, point.index) for point in self.points for r in range(self.replications)]


def plan_sweep(scenario: Scenario, sets: Mapping[str, Iterable[Any]] | None = None,
               replications: int | None = None) -> SweepPlan:
    """The points of a sweep: ``sets`` maps scenario paths to values (default: the scenario's ``sweep:``
    block); replications per point default to the sweep block's, else the stochastic block's, else 1."""
    from sim.errors import OverrideError
    from sim.scenario.overrides import parse_values

    if sets is None:
        if scenario.sweep is None:
            raise OverrideError("nothing to sweep: give the paths and values, or a sweep: block in the scenario")
        sets = {path: parse_values(values) for path, values in scenario.sweep.set.items()}
    if not sets:
        raise OverrideError("nothing to sweep: no paths given")
    count = replication_count(scenario, replications or (scenario.sweep.replications if scenario.sweep else None))
    return SweepPlan(scenario, sweep_points(scenario, sets), count)


@dataclass(repr=False)
class SweepResult(RunTables):
    """A finished sweep. DataFrames: ``runs`` (one row per point and replication, the swept values as
    columns), ``by_requirement`` (the same per requirement), ``points`` (mean and 95 % CI per point in long
    form: point, the swept paths, requirement ("all" for the whole run), figure, value) and
    ``points_wide`` (one row per point, as sweep_points.csv). ``demand_t_per_day``: the demand line of
    the knee chart, the same in sweep.png and ``plots.plot_knee``."""

    plan: SweepPlan = field(repr=False)
    run_rows: list[dict[str, Any]]
    point_rows: list[dict[str, Any]]

    def __repr__(self) -> str:
        return (f"SweepResult({self.name!r}: {', '.join(self.paths)} over {len(self.point_rows)} points x "
                f"{self.plan.replications} replications)")

    @property
    def paths(self) -> list[str]:
        return self.plan.paths

    @property
    def name(self) -> str:
        return self.plan.scenario.name

    @property
    def run_columns(self) -> list[str]:
        return ["point", *self.paths, *[c for c in tidy_columns(self.run_rows) if c not in self.paths]]

    def _run_table(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        return self.run_rows, self.run_columns, ["point", *self.paths, "replication"]

    @cached_property
    def points(self) -> pd.DataFrame:
        from sim.results.frames import long_points

        return long_points(self.points_wide, ["point", *self.paths])

    @cached_property
    def points_wide(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame.from_records(self.point_rows)

    @property
    def demand_t_per_day(self) -> float:
        """All tons the scenario requests over the run, per day (``sim.results.plots.demand_t_per_day``)."""
        from sim.results.plots import demand_t_per_day
        from sim.results.saving import scenario_as_data

        data = scenario_as_data(self.plan.scenario)
        return demand_t_per_day(data, int(data["days"]))

    def save(self, folder: str | Path, force: bool = False) -> Path:
        """Write what ``airlift sweep`` writes (sweep.csv, sweep_points.csv, sweep.png). Returns the folder."""
        from sim.results.saving import save_sweep

        return save_sweep(Path(folder), self.run_rows, self.run_columns, self.point_rows, self.paths,
                          self.plan.scenario.name, self.plan.replications, axis_label(self.plan.scenario, self.paths[0]),
                          force=force, scenario=self.plan.scenario)


def run_rows(plan: Any, *, workers: int | None = None, dask: str | None = None,
             done: Mapping[tuple[int, int], dict[str, Any]] | None = None,
             on_row: Callable[[dict[str, Any]], None] | None = None) -> dict[tuple[int, int], dict[str, Any]]:
    """The rows of a plan's runs (a sweep's or a study's: anything with ``tasks()``), keyed by (point,
    replication): those in ``done`` and the others run now on the executor; ``on_row(row)`` is called as
    each run finishes."""
    rows = dict(done or {})
    tasks = [t for t in plan.tasks() if (t.point, t.replication) not in rows]

    def keep(_index: int, record: dict[str, Any]) -> None:
        row = tidy(record)
        rows[(row["point"], row["replication"])] = row
        if on_row is not None:
            on_row(row)

    if tasks:
        with executor(1 if len(tasks) == 1 else workers, dask) as pool:
            run_tasks(pool, run_task, tasks, on_result=keep)
    return rows


def run_sweep(plan: SweepPlan, *, workers: int | None = None, dask: str | None = None,
              done: Mapping[tuple[int, int], dict[str, Any]] | None = None,
              on_row: Callable[[dict[str, Any]], None] | None = None) -> SweepResult:
    """Run the plan's tasks not already in ``done`` (rows of an interrupted sweep keyed by (point,
    replication)); ``on_row(row)`` is called as each run finishes."""
    rows = run_rows(plan, workers=workers, dask=dask, done=done, on_row=on_row)
    ordered = [rows[k] | {"point": k[0]} for k in sorted(rows)]
    return SweepResult(plan, *_tables(plan.points, ordered))


def sweep(scenario: Scenario, sets: Mapping[str, Iterable[Any]] | None = None, replications: int | None = None, *,
          workers: int | None = None, dask: str | None = None,
          on_row: Callable[[dict[str, Any]], None] | None = None) -> SweepResult:
    """Run every combination of the swept values, each point replicated:
    ``sweep(scenario, {"fleet[0].count": range(4, 21, 4)}, replications=10)``.

    Paths are those of ``Scenario.with_`` and ``airlift sweep --set``; without ``sets`` the scenario's
    ``sweep:`` block is used. Point p, replication r draws the same random numbers whatever the workers.
    """
    return run_sweep(plan_sweep(scenario, sets, replications), workers=workers, dask=dask, on_row=on_row)


def _tables(points: list[SweepPoint], rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(sweep.csv rows, sweep_points.csv rows)."""
    by_point: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_point.setdefault(row["point"], []).append(row)
    columns = tidy_columns(rows)
    run_rows = [{"point": r["point"], **points[r["point"]].values, **{k: r.get(k) for k in columns}} for r in rows]
    point_rows = []
    for point in points:
        mine = by_point[point.index]
        entry: dict[str, Any] = {"point": point.index, **point.values, "replications": len(mine)}
        for key in (*POINT_FIGURES, *[c for c in columns if REQUIREMENT_SEPARATOR in c and not c.endswith(CLOSURE)]):
            entry |= {f"{key}_{part}": value for part, value in mean_and_spread([r[key] for r in mine]).items()}
        entry["p_closed"] = share_closed([r["closure_day"] for r in mine])
        for key in (c for c in columns if c.endswith(CLOSURE)):
            requirement = key.removesuffix(CLOSURE)
            median, closed = median_closure([r.get(key) for r in mine])
            entry[requirement_column(requirement, "closure_day_median")] = median
            entry[requirement_column(requirement, "p_closed")] = closed
        point_rows.append(entry)
    return run_rows, point_rows


