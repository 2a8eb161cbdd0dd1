"""Replications and sweeps: tasks, their statistics, and scenario paths.

A task is one replication of one scenario (one sweep point). ``run_task`` is what executors call; it
returns a small tidy record (headline numbers and daily deliveries), never wall-clock times. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

import numpy as np

from sim.experiments.execution import executor, run_tasks
from sim.experiments.outcomes import RunTables, mean_and_spread, median_closure
from sim.experiments.runs import RunResult, checked, run_checked, scenario_data
from sim.model.world import World
from sim.results.gis import FlownTally
from sim.results.statistics import (  # noqa: F401  (mean_ci, closure_probability: importable from here)
    CONFIDENCE,
    bootstrap_mean_ci,
    closure_probability,
    closure_quantile,
    mean_ci,
    spread,
)
from sim.results.statistics import t_quantile as _t_quantile  # noqa: F401
from sim.results.summary_types import (
    AirspacePhase,
    AirspaceSummary,
    CargoSummary,
    HeadlineFigure,
    ReplicationStats,
    RequirementRow,
    Spreads,
    Summary,
)
from sim.results.tables import daily_index, requirement_column
from sim.scenario.compile import build_world
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_TRACES = 100  # replications whose sorties and ground activities a replicated run keeps, unless told
HEADLINE: tuple[HeadlineFigure, ...] = get_args(HeadlineFigure)  # requested_t, delivered_t, ... repair_h


@dataclass(frozen=True)
class Task:
    """One replication of one scenario; ``point`` numbers the sweep point (0 for a plain run)."""

    scenario: dict[str, Any]  # scenario as plain data (pickles cheaply to any worker)
    replication: int
    point: int = 0
    full: bool = False  # also return the whole summary and the legs flown tallied by route (``FlownTally``)
    trace: bool = False  # also return the trace (sorties and ground activities, with their CSV lines)


def run_task(task: Task) -> dict[str, Any]:
    """Run one task; a tidy record of its results."""
    scenario, world = prepared(task.scenario)
    result = run_checked(scenario, replication=task.replication, brief=not (task.full or task.trace), world=world)
    record = task_record(result, task.point, task.replication)
    if task.full:
        legs = result.output.records.legs
        record["summary"] = result.summary
        record["flown"] = FlownTally.of(list(result.world.phases), zip(
            legs["origin"], legs["destination"], legs["depart_h"], legs["purpose"], legs["payload_t"],
            legs["fuel_stop"], strict=True))
    if task.trace:
        record["trace"] = Trace.of(result, task.replication)
    return record


_PREPARED: dict[str, tuple[Scenario, World]] = {}  # this process's last scenario: its JSON text -> (Scenario, World)


def prepared(data: dict[str, Any]) -> tuple[Scenario, World]:
    """A task's scenario validated and its World built, kept for the next task of the same scenario.

    A worker runs the replications of a run (or of a sweep or study point) one after another, and each task
    brings its scenario as data: validating it again (0.2 ms), building its World (1-2 ms) and filling that
    World's route and distance look-ups again (some 1.5 ms of the simulation) would be repeated for every
    replication. The key is the data's JSON text, so two tasks share the entry only when their scenarios
    are the same to the character; the process keeps one entry, the last scenario's (data that is not
    plain JSON is validated and built afresh)."""
    try:
        key = json.dumps(data)
    except (TypeError, ValueError):
        scenario = Scenario.model_validate(data)
        return scenario, build_world(scenario)
    kept = _PREPARED.get(key)
    if kept is None:
        scenario = Scenario.model_validate(data)
        kept = (scenario, build_world(scenario))
        _PREPARED.clear()
        _PREPARED[key] = kept
    return kept


@dataclass(frozen=True)
class Trace:
    """One replication's sorties and ground activities, column by column as the run logged them (floats in
    ``array('d')`` columns: they travel from a worker cheaply), and the lines sorties.csv and ground.csv hold
    for them, formatted where the replication ran rather than in the process that writes the files."""

    replication: int
    requirements: list[str]  # requirement names, by index
    legs: dict[str, Any]
    ground: dict[str, Any]
    sorties_csv: bytes  # sorties.csv lines (no header), the replication first
    ground_csv: bytes

    @classmethod
    def of(cls, result: RunResult, replication: int) -> Trace:
        from sim.results.writing import csv_lines

        records = result.output.records
        names = [r.name for r in result.world.requirements]
        legs, ground = dict(records.legs), dict(records.ground)

        def lines(table: dict[str, Any]) -> bytes:
            count = len(table["aircraft"])
            named = [names[i] if i >= 0 else "" for i in table["requirement"]]
            return csv_lines([[replication] * count, *(named if c == "requirement" else table[c] for c in table)])

        return cls(replication, names, legs, ground, lines(legs), lines(ground))

    def _rows(self, table: dict[str, Any]) -> list[dict[str, Any]]:
        from sim.results.tables import named_rows

        return [{"replication": self.replication, **row} for row in named_rows(self.requirements, table)]

    def sortie_rows(self) -> list[dict[str, Any]]:
        """sorties.csv rows (unrounded), with the ``replication`` column first."""
        return self._rows(self.legs)

    def ground_rows(self) -> list[dict[str, Any]]:
        """ground.csv rows (unrounded), with the ``replication`` column first."""
        return self._rows(self.ground)


def task_record(result: RunResult, point: int, replication: int) -> dict[str, Any]:
    """Headline numbers, closure day and daily deliveries per requirement of one run."""
    s = result.summary
    days = s["days"]
    names = [r["requirement"] for r in s["by_requirement"]]
    daily = np.zeros((days, len(names)))
    for row in result.daily_rows:
        daily[row["day"], names.index(row["requirement"])] = row["delivered_t"]
    per_requirement = {}
    for r in s["by_requirement"]:
        for figure in ("delivered_t", "backlog_t", "closure_day"):
            per_requirement[requirement_column(r["requirement"], figure)] = r[figure]
    return {
        "point": point,
        "replication": replication,
        **{key: s[key] for key in HEADLINE},
        "closure_day": s["closure_day"],
        "by_requirement": per_requirement,
        "closure_by_requirement": [r["closure_day"] for r in s["by_requirement"]],
        "daily_t": daily.tolist(),
    }


TIDY_COLUMNS = ["replication", *HEADLINE, "closure_day"]


def tidy(record: dict[str, Any]) -> dict[str, Any]:
    """The flat part of a task record (one row of replications.csv or sweep.csv), with each requirement's
    delivered and backlog tons and closure day as ``"<requirement>: delivered_t"`` columns."""
    return {**{k: record[k] for k in ("point", *TIDY_COLUMNS)}, **record["by_requirement"]}


def tidy_columns(rows: list[dict[str, Any]]) -> list[str]:
    """TIDY_COLUMNS then the per-requirement columns of these rows."""
    extra = [k for k in rows[0] if k not in TIDY_COLUMNS and k != "point"] if rows else []
    return [*TIDY_COLUMNS, *extra]


# --- statistics --------------------------------------------------------------------------------------


def statistics(records: list[dict[str, Any]], days: int) -> ReplicationStats:
    """Mean, 95 % CI and spread of each headline figure over replications, and closure probabilities."""
    out: dict[str, Any] = {"replications": len(records), "confidence": CONFIDENCE}
    for key in HEADLINE:
        values = [r[key] for r in records]
        out[key] = {**mean_and_spread(values), "min": min(values), "max": max(values)}
    closure = [r["closure_day"] for r in records]
    probability = closure_probability(closure, days)
    out["closure"] = {
        "p_closed": probability[-1] if probability else 0.0,
        # The first day by which at least half the replications had closed, so P(closed by it) >= 0.5.
        "median_day": closure_quantile(closure, 0.5),
        "day_p10": closure_quantile(closure, 0.1),
        "day_p90": closure_quantile(closure, 0.9),
        "p_closure_by_day": probability,
    }
    return cast(ReplicationStats, out)  # the keys of ReplicationStats: one per HEADLINE figure


def replicated_summary(records: list[dict[str, Any]], scenario: Scenario) -> Summary:
    """summary.json of a replicated run: the replications' summaries averaged field by field (so the
    balance requested = delivered + in transit + backlog still holds), closure as the median day when at
    least half the replications close, and under ``replications`` the 95 % CI of each headline figure
    and P(closure <= d) for every day."""
    days = scenario.days
    summary: Summary = mean_tree([r["summary"] for r in records])
    stats = statistics(records, days)
    median = stats["closure"]["median_day"]
    summary["closure_day"] = median
    start = scenario.start_date
    summary["closure_date"] = None if median is None else (start + timedelta(days=median)).isoformat()
    for i, entry in enumerate(summary["by_requirement"]):
        entry["closure_day"], entry["p_closed"] = median_closure([r["closure_by_requirement"][i] for r in records])
        day = entry["closure_day"]
        entry["closure_date"] = None if day is None else (start + timedelta(days=day)).isoformat()
    summaries: list[Summary] = [r["summary"] for r in records]
    # Lists and tables whose rows differ between replications are merged by key, never averaged by position.
    summary["airspace"] = merged_airspace([s["airspace"] for s in summaries])
    summary["fuel_stops_used"] = sorted({x for s in summaries for x in s["fuel_stops_used"]})
    for key in ("stranded", "closures", "airborne_at_end", "gridlock"):
        rows: list[Any] = [{"replication": r["replication"], **row} for r in records for row in r["summary"][key]]
        summary[key] = rows  # the rows the key declares, each with its replication
    summary["cargo"] = merged_cargo([s["cargo"] for s in summaries])
    for i, entry in enumerate(summary["by_requirement"]):
        places = dict.fromkeys(p for s in summaries for p in s["by_requirement"][i]["waiting_at_t"])
        entry["waiting_at_t"] = {p: float(np.mean([s["by_requirement"][i]["waiting_at_t"].get(p, 0.0) for s in summaries]))
                                 for p in places}
    add_spreads(summary, records, stats)
    summary["replications"] = stats
    summary["stochastic"] = scenario.stochastic.model_dump(mode="json") if scenario.stochastic else None
    return summary


SPREAD_FIGURES: tuple[HeadlineFigure, ...] = ("delivered_t", "in_transit_t", "backlog_t", "mean_daily_t", "sorties")
REQUIREMENT_SPREAD_FIGURES = ("delivered_t", "backlog_t")
SPREAD_PARTS: tuple[Literal["p10", "p90", "ci95_low", "ci95_high"], ...] = ("p10", "p90", "ci95_low", "ci95_high")


def add_spreads(summary: Summary, records: list[dict[str, Any]], stats: ReplicationStats) -> None:
    """Put the spread of outcomes (``<figure>_p10``, ``<figure>_p90``: 80 % of the replications between)
    next to the 95 % CI of the mean (``<figure>_ci95_low``, ``_ci95_high``) in the summary, for the headline
    figures, the closure day and each requirement's delivered and backlog tons and closure day. A closure
    day's percentile is None when fewer than that share of the replications closed."""
    spreads: dict[str, Any] = {f"{key}_{part}": stats[key][part] for key in SPREAD_FIGURES for part in SPREAD_PARTS}
    spreads |= {"closure_day_p10": stats["closure"]["day_p10"], "closure_day_p90": stats["closure"]["day_p90"]}
    summary.update(cast(Spreads, spreads))  # the spread keys Spreads declares
    for i, entry in enumerate(summary["by_requirement"]):
        name = entry["requirement"]
        mine: dict[str, Any] = {}
        for figure in REQUIREMENT_SPREAD_FIGURES:
            outcome = mean_and_spread([r["by_requirement"][requirement_column(name, figure)] for r in records])
            mine |= {f"{figure}_{part}": outcome[part] for part in SPREAD_PARTS}
        days = [r["closure_by_requirement"][i] for r in records]
        mine |= {"closure_day_p10": closure_quantile(days, 0.1), "closure_day_p90": closure_quantile(days, 0.9)}
        entry.update(cast(RequirementRow, mine))  # the replicated keys RequirementRow declares


def merged_airspace(tables: list[AirspaceSummary]) -> AirspaceSummary:
    """The airspace summaries of several replications as one: each phase's routes are the union of the
    airfield pairs every replication listed, each with its own distance (a pair's route under a phase is
    the same in every replication)."""
    phases: list[AirspacePhase] = []
    for k, phase in enumerate(tables[0]["phases"]):
        routes = {(r["from"], r["to"]): r for t in tables for r in t["phases"][k]["routes"]}
        phases.append({**phase, "routes": list(routes.values())})
    unroutable = {(u["from"], u["to"], u["from_day"]): u for t in tables for u in t["unroutable_legs"]}
    return {"phases": phases, "unroutable_legs": list(unroutable.values())}


def merged_cargo(tables: list[CargoSummary]) -> CargoSummary:
    """The cargo summaries of several replications as one: every class, item and type that any replication
    has, each figure the mean over all replications (a replication without it counts 0), so an item's
    ``sorties_by_type`` is the mean sorties per replication of each type."""

    def mean_of(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in dict.fromkeys(k for row in rows for k in row):
            values = [row.get(key) for row in rows]
            present = [v for v in values if v is not None]
            if len(present) == len(values) and all(v == present[0] for v in present):
                out[key] = present[0]  # the same in every replication (requested counts stay whole)
            elif all(isinstance(v, dict) for v in present):
                out[key] = mean_of([v if isinstance(v, dict) else {} for v in values])
            elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
                out[key] = float(np.mean([v or 0 for v in values]))
            else:
                out[key] = present[0]
        return out

    merged = {part: {name: mean_of([t[part].get(name, {}) for t in tables])
                     for name in dict.fromkeys(n for t in tables for n in t[part])}
              for part in ("by_class", "by_item")}
    return cast(CargoSummary, merged)  # the keys of the tables merged


def mean_tree(values: list[Any]) -> Any:
    """Average of several records of the same shape: numbers are averaged, dicts and lists of the same
    shape recursively, anything else is taken from the first."""
    first = values[0]
    if all(v == first for v in values):
        return first
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return float(np.mean(values))
    if all(isinstance(v, dict) for v in values) and all(v.keys() == first.keys() for v in values):
        return {k: mean_tree([v[k] for v in values]) for k in first}
    if all(isinstance(v, list) for v in values) and all(len(v) == len(first) for v in values):
        return [mean_tree([v[i] for v in values]) for i in range(len(first))]
    return first


def daily_statistics(records: list[dict[str, Any]], requirement_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """daily.csv rows for many replications: mean and 95 % CI of the daily and cumulative tons, and the
    spread of the cumulative tons (p10, p90: 80 % of the replications had delivered between by that day)."""
    cube = np.array([r["daily_t"] for r in records])  # replication x day x requirement
    cumulative = np.cumsum(cube, axis=1)
    names = list(dict.fromkeys(row["requirement"] for row in requirement_rows))
    rows = []
    for row in requirement_rows:
        d, j = row["day"], names.index(row["requirement"])
        mean, low, high = mean_ci(cube[:, d, j])
        cmean, clow, chigh = mean_ci(cumulative[:, d, j])
        p10, p90 = spread(cumulative[:, d, j])
        rows.append({**{k: row[k] for k in ("day", "date", "requirement", "origin", "destination")},
                     "delivered_t": mean, "delivered_t_ci95_low": low, "delivered_t_ci95_high": high,
                     "cumulative_t": cmean, "cumulative_t_ci95_low": clow, "cumulative_t_ci95_high": chigh,
                     "cumulative_t_p10": p10, "cumulative_t_p90": p90})
    return rows


# --- replicating a scenario --------------------------------------------------------------------------


@dataclass(repr=False)
class Replications(RunTables):
    """Many replications of one scenario.

    ``summary`` is the record written to summary.json (the replications averaged, with 95 % CIs under
    ``summary["replications"]``). DataFrames: ``runs`` (one row per replication: headline figures and
    closure day), ``by_requirement`` (per replication and requirement), ``daily`` (mean and 95 % CI per
    day and requirement), ``sorties`` and ``ground`` (the rows of the first ``traced`` replications, with
    a ``replication`` column). Every figure and chart counts all the replications; only their traces (the
    sorties and ground activities) are kept for the first ``traced`` ones.
    """

    scenario: Scenario
    world: World = field(repr=False)
    summary: Summary
    daily_rows: list[dict[str, Any]]
    records: list[dict[str, Any]] = field(repr=False)
    flown: FlownTally = field(repr=False)  # every replication's legs flown, tallied by route
    traced: int  # replications 0 .. traced - 1 keep their trace

    @property
    def traces(self) -> list[Trace]:
        """The traces kept: of replications 0 .. ``traced`` - 1."""
        return [r["trace"] for r in self.records[:self.traced]]

    def __repr__(self) -> str:
        ci = self.summary["replications"]["delivered_t"]
        return (f"Replications({self.scenario.name!r}: {len(self.records)} replications, delivered "
                f"{ci['mean']:,.1f} t; 80 % of runs between {ci['p10']:,.1f} and {ci['p90']:,.1f} t; mean within "
                f"{ci['ci95_low']:,.1f}-{ci['ci95_high']:,.1f} t (95 % CI))")

    @property
    def sortie_rows(self) -> list[dict[str, Any]]:
        """sorties.csv rows of the replications that keep their trace."""
        return [row for trace in self.traces for row in trace.sortie_rows()]

    @property
    def ground_rows(self) -> list[dict[str, Any]]:
        """ground.csv rows of the replications that keep their trace."""
        return [row for trace in self.traces for row in trace.ground_rows()]

    @property
    def replication_rows(self) -> list[dict[str, Any]]:
        """replications.csv rows: per-requirement figures as ``"<requirement>: <figure>"`` columns."""
        return [tidy(r) for r in self.records]

    def _run_table(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        rows = self.replication_rows
        return rows, tidy_columns(rows), ["replication"]

    @cached_property
    def daily(self) -> pd.DataFrame:
        from sim.results.frames import frame
        from sim.results.saving import DAILY_CI_COLUMNS

        return frame(self.daily_rows, DAILY_CI_COLUMNS)

    @cached_property
    def sorties(self) -> pd.DataFrame:
        from sim.results.frames import frame
        from sim.results.saving import SORTIE_COLUMNS

        return frame(self.sortie_rows, ["replication", *SORTIE_COLUMNS])

    @cached_property
    def ground(self) -> pd.DataFrame:
        from sim.results.frames import frame
        from sim.results.saving import GROUND_TABLE_COLUMNS

        return frame(self.ground_rows, ["replication", *GROUND_TABLE_COLUMNS])

    def save(self, folder: str | Path, force: bool = False) -> Path:
        """Write what ``airlift run`` writes for a stochastic scenario into ``folder``. Returns the folder."""
        from sim.results.saving import save_replicated

        rows = self.replication_rows
        traces = self.traces
        first = self.records[0]["trace"]  # ground.png draws replication 0, whose trace is always made
        return save_replicated(Path(folder), scenario_data(self.scenario), self.world, self.summary, self.daily_rows,
                               [t.sorties_csv for t in traces], [t.ground_csv for t in traces],
                               first.sortie_rows(), first.ground_rows(), self.flown, rows, tidy_columns(rows),
                               force=force)


MAX_REPLICATIONS = 1_000_000


def replication_count(scenario: Scenario, replications: int | None = None) -> int:
    """``replications`` if given, else the scenario's ``stochastic.replications``, else 1 (deterministic).
    ValueError for anything but a whole number from 1 to MAX_REPLICATIONS (0 used to mean the default)."""
    if replications is None:
        return scenario.stochastic.replications if scenario.stochastic else 1
    if not isinstance(replications, int) or isinstance(replications, bool) or not 1 <= replications <= MAX_REPLICATIONS:
        raise ValueError(f"replications: expected a whole number from 1 to {MAX_REPLICATIONS:,} (got {replications!r})")
    return replications


def replicate(scenario: Scenario, replications: int | None = None, *, seed: int | None = None,
              workers: int | None = None, dask: str | None = None,
              on_result: Callable[[int, dict[str, Any]], None] | None = None,
              traces: int | None = DEFAULT_TRACES) -> Replications:
    """Run ``replications`` independent replications (default: the scenario's ``stochastic.replications``,
    or 1 without a ``stochastic:`` block) and summarise them with 95 % confidence intervals.

    ``workers`` processes run them (1: in this process; None: all cores), or the Dask scheduler at
    ``dask`` ("local" starts one). Replication r always draws the same random numbers, so the numbers do
    not depend on the workers or the backend. ``on_result(index, record)`` is called as each finishes.
    ``traces``: how many replications (the first ones) keep their trace, the sorties and ground activities
    of ``sortie_rows``, ``ground_rows`` and the saved sorties.csv and ground.csv (None: every one). The
    summary, the tables and the charts count every replication whatever it is.
    """
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    scenario = checked(scenario)  # as it stands: changed after loading, it is validated again
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers: expected a whole number, 1 or more, or None for every core (got {workers!r})")
    if traces is not None and traces < 0:
        raise ValueError(f"traces: expected a whole number of replications, 0 or more, or None for all (got {traces})")
    count = replication_count(scenario, replications)
    traced = count if traces is None else min(traces, count)
    data = scenario_data(scenario)
    # Replication 0 always brings its trace back: ground.png draws it.
    tasks = [Task(data, r, full=True, trace=r < max(traced, 1)) for r in range(count)]
    world = build_world(scenario)  # before the workers start: they inherit the catalogues it loaded
    with executor(1 if count == 1 else workers, dask) as pool:
        records = run_tasks(pool, run_task, tasks, on_result=on_result)
    summary = replicated_summary(records, scenario)
    summary["replications"]["traces"] = traced
    daily = daily_statistics(records, daily_index(world))
    flown = FlownTally()
    for record in records:
        flown.add(record.pop("flown"))
    return Replications(scenario, world, summary, daily, records, flown, traced)
