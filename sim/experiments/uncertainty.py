"""Uncertainty studies: which assumption decides the answer, and how sure the answer is.

A study is a sweep whose points are sampled. The inputs (``sim.scenario.uncertain``: the catalogue
ranges of the assumed and derived numbers a scenario uses, or its ``uncertainty:`` block) are sampled
jointly on the unit hypercube (scrambled Sobol points in the Saltelli scheme, Morris trajectories, or a
Latin hypercube) and mapped to their ranges; each input is also set alone to its low and high end with
the rest at their values (the one-at-a-time swing of a tornado chart). Every point runs the same
replications with the same seeds (common random numbers: replication r draws the same breakdowns and
ground times at every point), on the sweep executors (serial, processes, Dask), so the numbers do not
depend on the workers.

Reported: the outcome's distribution over the samples (p10, p50, p90; the share of runs that close by
the deadline), and per input its swing in the outcome's unit, Sobol first-order and total indices with
their 95 % intervals (SALib), Morris mu* and sigma, or for a Latin hypercube the RBD-FAST first-order
index, and a rank (1 = the input that matters most: by the total Sobol index, by Morris mu*, or for a
Latin hypercube by the swing).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from sim.errors import OverrideError
from sim.experiments.replications import Task, replication_count
from sim.experiments.sweeps import run_rows
from sim.experiments.uncertainty_charts import OUTCOMES, save_study
from sim.experiments.uncertainty_charts import UNCERTAINTY_FILES as UNCERTAINTY_FILES  # re-exported
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import Input, apply, study_inputs

if TYPE_CHECKING:
    import pandas as pd

Method = Literal["sobol", "morris", "lhs"]
METHODS = ("sobol", "morris", "lhs")
STUDY_FORMAT = 1  # in the study id: a journal of another format is not resumed
MORRIS_LEVELS = 4
SOBOL_UP_TO = 12  # "auto" uses Sobol indices up to this many inputs, Morris screening beyond


@dataclass(frozen=True)
class StudyPoint:
    """One point of a study: ``kind`` is "base", "swing" (one input at one level) or "sample"."""

    index: int
    kind: str
    values: dict[str, Any]
    scenario: dict[str, Any]
    input_index: int | None = None  # the swung input
    sample: int | None = None  # the row of the sampled matrix


@dataclass(frozen=True)
class StudyPlan:
    """A study before it runs: its inputs, sampled points and replications, and an id that changes with any."""

    scenario: Scenario
    inputs: list[Input]
    method: Method
    samples: int  # base samples: Sobol N, Morris trajectories, Latin hypercube points
    replications: int
    seed: int
    unit: np.ndarray = field(repr=False)  # sampled points on [0, 1]^k, one row per sample
    points: list[StudyPoint] = field(repr=False)
    outcome: str = "delivered_t"
    close_by_day: int | None = None

    @property
    def study_id(self) -> str:
        """Identifies the study (scenario, inputs, method, samples, replications, seed)."""
        text = json.dumps([self.scenario.scenario_hash(), [vars(i) for i in self.inputs], self.method, self.samples,
                           self.replications, self.seed, STUDY_FORMAT], default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def runs(self) -> int:
        return len(self.points) * self.replications

    def tasks(self) -> list[Task]:
        """One task per point and replication; replication r has the same seed at every point."""
        return [Task(p.scenario, r, p.index) for p in self.points for r in range(self.replications)]


def unit_samples(method: Method, k: int, samples: int, seed: int) -> np.ndarray:
    """Points on [0, 1]^k: Saltelli's Sobol scheme (N (k + 2) rows), Morris trajectories (N (k + 1) rows) or
    a Latin hypercube (N rows)."""
    problem = {"num_vars": k, "names": [f"x{i}" for i in range(k)], "bounds": [[0.0, 1.0]] * k}
    if method == "sobol":
        from SALib.sample import sobol

        return np.asarray(sobol.sample(problem, samples, calc_second_order=False, seed=seed))
    if method == "morris":
        from SALib.sample import morris

        return np.asarray(morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed))
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=k, seed=seed).random(samples)


def plan_study(scenario: Scenario, inputs: list[Input] | None = None, *, method: str = "auto", samples: int = 64,
               replications: int | None = None, seed: int | None = None, catalogue: bool | None = None,
               outcome: str = "delivered_t", close_by_day: int | None = None) -> StudyPlan:
    """The points of a study. ``inputs`` default to the scenario's (``study_inputs``); ``method`` "auto" is
    Sobol up to SOBOL_UP_TO inputs and Morris beyond. Raises OverrideError for an input that cannot be set."""
    if outcome not in OUTCOMES:
        raise OverrideError(f"--outcome {outcome!r}: expected one of {', '.join(OUTCOMES)}")
    inputs = study_inputs(scenario, catalogue) if inputs is None else inputs
    if not inputs:
        raise OverrideError("nothing to vary: the scenario sets every number it uses and has no uncertainty: block")
    chosen = ("sobol" if len(inputs) <= SOBOL_UP_TO else "morris") if method == "auto" else method
    if chosen not in METHODS:
        raise OverrideError(f"--method {method!r}: expected sobol, morris, lhs or auto")
    if samples < 2:
        raise OverrideError(f"--samples {samples}: expected 2 or more")
    if close_by_day is not None and not 0 <= close_by_day < scenario.days:
        raise OverrideError(f"--close-by {close_by_day}: the run has days 0 to {scenario.days - 1}")
    seed = scenario.seed if seed is None else seed
    data = study_data(scenario)
    points = [StudyPoint(0, "base", {}, data)]
    for i, item in enumerate(inputs):  # each level validated: a bad value is named before anything runs
        for level in item.levels():
            points.append(StudyPoint(len(points), "swing", {item.path: level}, checked(data, {item.path: level}),
                                     input_index=i))
    unit = unit_samples(chosen, len(inputs), samples, seed)  # type: ignore[arg-type]
    for row, values in enumerate(sampled_values(inputs, unit)):
        points.append(StudyPoint(len(points), "sample", values, apply(data, values), sample=row))
    return StudyPlan(scenario, inputs, chosen, samples, replication_count(scenario, replications), seed,  # type: ignore[arg-type]
                     unit, points, outcome, close_by_day)


def study_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, less its ``uncertainty:`` and ``sweep:`` blocks: what a study's points change."""
    base = scenario.model_copy(update={"uncertainty": None, "sweep": None})
    return base.model_dump(mode="json", by_alias=True, exclude_none=True)


def sampled_values(inputs: list[Input], unit: np.ndarray) -> list[dict[str, Any]]:
    """Each row of points on [0, 1]^k (``unit_samples``) as the inputs' values: ``{path: value}``."""
    return [{item.path: item.value_at(x) for item, x in zip(inputs, u, strict=True)} for u in unit]


def checked(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Scenario data with ``values`` set, validated as a scenario file is; OverrideError names the value."""
    from sim.errors import InputError
    from sim.scenario.loading import load_scenario

    try:
        return load_scenario(apply(data, values)).model_dump(mode="json", by_alias=True, exclude_none=True)
    except InputError as exc:
        shown = ", ".join(f"{p}={json.dumps(v)}" for p, v in values.items())
        raise OverrideError("; ".join(f"{shown}: {p.path}: {p.message}" for p in exc.problems)) from None


def run_study(plan: StudyPlan, *, workers: int | None = None, dask: str | None = None,
              done: Mapping[tuple[int, int], dict[str, Any]] | None = None,
              on_row: Callable[[dict[str, Any]], None] | None = None) -> UncertaintyResult:
    """Run the plan's tasks not already in ``done`` (rows keyed by (point, replication)); ``on_row(row)`` is
    called as each run finishes."""
    rows = run_rows(plan, workers=workers, dask=dask, done=done, on_row=on_row)
    return UncertaintyResult(plan, [rows[k] for k in sorted(rows)])


def uncertainty(scenario: Scenario, inputs: Mapping[str, list[Any]] | list[Input] | None = None, *,
                samples: int = 64, replications: int | None = None, method: str = "auto",
                outcome: str = "delivered_t", seed: int | None = None, catalogue: bool | None = None,
                close_by_day: int | None = None, workers: int | None = None, dask: str | None = None,
                on_row: Callable[[dict[str, Any]], None] | None = None) -> UncertaintyResult:
    """Which assumption matters: ``sim.uncertainty(scenario, samples=64)``.

    ``inputs``: ``{PATH: [LOW, HIGH] or [CHOICE, ...]}`` as the scenario's ``uncertainty:`` block takes
    them (default: that block, or without one the catalogue ranges of every assumed or derived number the
    scenario uses); ``catalogue=True`` adds the catalogue ranges to declared inputs. ``result.summary`` is
    what ``airlift uncertainty --json`` prints; ``result.samples`` and ``result.sensitivity`` are DataFrames.
    """
    if isinstance(inputs, Mapping):
        if inputs:
            scenario = _with_block(scenario, dict(inputs))
        inputs = None
    plan = plan_study(scenario, inputs, method=method, samples=samples, replications=replications, seed=seed,
                      catalogue=catalogue, outcome=outcome, close_by_day=close_by_day)
    return run_study(plan, workers=workers, dask=dask, on_row=on_row)


def _with_block(scenario: Scenario, block: dict[str, list[Any]]) -> Scenario:
    from sim.errors import InputError
    from sim.scenario.loading import load_scenario

    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["uncertainty"] = block
    try:
        return load_scenario(data)
    except InputError as exc:
        raise OverrideError("; ".join(f"{p.path}: {p.message}" for p in exc.problems)) from None


# --- analysis -------------------------------------------------------------------------------------------


def point_outcomes(plan: StudyPlan, rows: list[dict[str, Any]]) -> dict[int, dict[str, float]]:
    """Per point: the mean over its replications of each outcome (closure day: a run that does not close
    counts as the day after the last), and the share of its runs that close by the deadline."""
    days = plan.scenario.days
    deadline = days - 1 if plan.close_by_day is None else plan.close_by_day
    by_point: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_point.setdefault(row["point"], []).append(row)
    out = {}
    for point, mine in by_point.items():
        closure = [days if r["closure_day"] is None else r["closure_day"] for r in mine]
        out[point] = {"delivered_t": float(np.mean([r["delivered_t"] for r in mine])),
                      "mean_daily_t": float(np.mean([r["mean_daily_t"] for r in mine])),
                      "closure_day": float(np.mean(closure)),
                      "p_closed": float(np.mean([r["closure_day"] is not None and r["closure_day"] <= deadline
                                                 for r in mine])),
                      "replications": len(mine)}
    return out


ANALYSES = {"sobol": "SALib.analyze.sobol", "morris": "SALib.analyze.morris", "lhs": "SALib.analyze.rbd_fast"}


def import_for_analysis(method: str) -> None:
    """Import what the study's analysis (``indices``: SALib, pandas, scipy.signal) and its charts (matplotlib)
    use, some 0.6 s: the command calls it while the workers run, so it is not waited for after the last run."""
    import importlib

    importlib.import_module(ANALYSES[method])
    from sim.results import style  # noqa: F401  (matplotlib)


def indices(plan: StudyPlan, y: np.ndarray) -> dict[str, np.ndarray]:
    """The method's sensitivity indices per input (NaN where the outcome does not vary)."""
    k = len(plan.inputs)
    nan = np.full(k, np.nan)
    if len(y) < 2 or np.ptp(y) == 0:
        zero = np.zeros(k)
        return {"S1": zero, "S1_conf": zero, "ST": zero if plan.method == "sobol" else nan,
                "ST_conf": zero if plan.method == "sobol" else nan,
                "mu_star": zero if plan.method == "morris" else nan, "sigma": zero if plan.method == "morris" else nan}
    problem = {"num_vars": k, "names": [i.path for i in plan.inputs], "bounds": [[0.0, 1.0]] * k}
    if plan.method == "sobol":
        from SALib.analyze import sobol

        si = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=plan.seed)
        return {"S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"],
                "mu_star": nan, "sigma": nan}
    if plan.method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(problem, plan.unit, y, conf_level=0.95, num_levels=MORRIS_LEVELS, seed=plan.seed)
        return {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan,
                "mu_star": np.asarray(si["mu_star"]), "sigma": np.asarray(si["sigma"])}
    from SALib.analyze import rbd_fast

    try:  # RBD-FAST needs a few dozen points: with fewer its index is left out (the rank is by swing)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            si = rbd_fast.analyze(problem, plan.unit, y, M=min(10, max(1, len(y) // 8)), seed=plan.seed)
        s1, s1_conf = np.asarray(si["S1"]), np.asarray(si["S1_conf"])
    except (ZeroDivisionError, ValueError, IndexError):
        s1, s1_conf = nan, nan
    return {"S1": s1, "S1_conf": s1_conf, "ST": nan, "ST_conf": nan, "mu_star": nan, "sigma": nan}


def _number(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), 4)


def _shown(x: Any) -> Any:
    return x if isinstance(x, int | float) and not isinstance(x, bool) else json.dumps(x)


@dataclass(repr=False)
class UncertaintyResult:
    """A finished study. ``summary``: what ``--json`` prints; DataFrames ``samples`` (one row per sampled
    point: inputs and outcomes), ``sensitivity`` (one row per input, by rank) and ``runs`` (every run)."""

    plan: StudyPlan
    rows: list[dict[str, Any]]

    def __post_init__(self) -> None:
        self.outcomes = point_outcomes(self.plan, self.rows)

    def __repr__(self) -> str:
        q = self.summary["quantiles"]
        return (f"UncertaintyResult({self.plan.scenario.name!r}: {self.plan.outcome} p10 {q['p10']:,.0f}, "
                f"p50 {q['p50']:,.0f}, p90 {q['p90']:,.0f} over {len(self.sample_points)} samples; "
                f"first: {self.sensitivity_rows[0]['path']})")

    @property
    def unit(self) -> str:
        return OUTCOMES[self.plan.outcome][0]

    @property
    def sample_points(self) -> list[StudyPoint]:
        return [p for p in self.plan.points if p.kind == "sample"]

    @property
    def sample_rows(self) -> list[dict[str, Any]]:
        """uncertainty.csv rows: the sample, each input's value, and the outcomes (means over replications)."""
        out = []
        for p in self.sample_points:
            o = self.outcomes[p.index]
            out.append({"sample": p.sample, **{k: _shown(v) for k, v in p.values.items()},
                        "replications": o["replications"], "delivered_t": o["delivered_t"],
                        "mean_daily_t": o["mean_daily_t"], "closure_day": o["closure_day"], "p_closed": o["p_closed"]})
        return out

    def outcome_values(self, mask: Any = None) -> np.ndarray:
        """The outcome of every sample (or of those ``mask`` keeps: e.g. the samples consistent with an observation)."""
        y = np.array([self.outcomes[p.index][self.plan.outcome] for p in self.sample_points])
        return y if mask is None else y[np.asarray(mask, dtype=bool)]

    def quantiles(self, mask: Any = None) -> dict[str, float]:
        """p10, p50 and p90 of the outcome over the samples (or those ``mask`` keeps)."""
        y = self.outcome_values(mask)
        return {f"p{q}": float(np.quantile(y, q / 100)) for q in (10, 50, 90)}

    def _swing(self, i: int) -> tuple[list[tuple[Any, float]], float]:
        levels = [(p.values[self.plan.inputs[i].path], self.outcomes[p.index][self.plan.outcome])
                  for p in self.plan.points if p.kind == "swing" and p.input_index == i]
        values = [v for _, v in levels]
        return levels, max(values) - min(values)

    @cached_property
    def sensitivity_rows(self) -> list[dict[str, Any]]:
        """sensitivity.csv rows, rank 1 first: the swing, the indices and the rank of each input."""
        y = self.outcome_values()
        found = indices(self.plan, y)
        key = {"sobol": "ST", "morris": "mu_star", "lhs": f"swing_{self.unit}"}[self.plan.method]
        unit = self.unit
        rows = []
        for i, item in enumerate(self.plan.inputs):
            levels, swing = self._swing(i)
            rows.append({"path": item.path, "low": item.low, "high": item.high, "base": item.base,
                         "grade": item.grade, f"{self.plan.outcome}_at_low": levels[0][1],
                         f"{self.plan.outcome}_at_high": levels[-1][1], f"swing_{unit}": swing,
                         **{name: _number(found[name][i]) for name in ("S1", "S1_conf", "ST", "ST_conf", "mu_star", "sigma")},
                         "source": item.source})
        order = sorted(range(len(rows)), key=lambda j: (-(rows[j][key] if rows[j][key] is not None else -1.0),
                                                        -rows[j][f"swing_{unit}"], j))
        for rank, j in enumerate(order, start=1):
            rows[j]["rank"] = rank
        return [rows[j] for j in order]

    @property
    def base_outcome(self) -> float:
        return self.outcomes[0][self.plan.outcome]

    @property
    def closes(self) -> bool:
        """True when the scenario has something to close (a total, not only flows) or a deadline was given."""
        return self.plan.close_by_day is not None or any(r.tons is not None or r.items or r.passengers
                                                         for r in self.plan.scenario.requirements)

    @property
    def close_by_day(self) -> int | None:
        """The deadline day of ``share_closed`` (None when nothing closes)."""
        if not self.closes:
            return None
        return self.plan.scenario.days - 1 if self.plan.close_by_day is None else self.plan.close_by_day

    @property
    def share_closed(self) -> float | None:
        """The share of the samples' runs that close by ``close_by_day`` (None when nothing closes): known
        without the analysis, so distribution.png is drawn beside it."""
        if not self.closes:
            return None
        return float(np.mean([self.outcomes[p.index]["p_closed"] for p in self.sample_points]))

    @cached_property
    def summary(self) -> dict[str, Any]:
        """What ``airlift uncertainty --json`` prints and uncertainty.json holds."""
        y = self.outcome_values()
        unit = self.unit
        inputs = [{"path": r["path"], "low": r["low"], "high": r["high"], "base": r["base"], "grade": r["grade"],
                   "swing": r[f"swing_{unit}"], "swing_unit": unit, "rank": r["rank"],
                   "outcome_at_low": r[f"{self.plan.outcome}_at_low"], "outcome_at_high": r[f"{self.plan.outcome}_at_high"],
                   **{k: r[k] for k in ("S1", "S1_conf", "ST", "ST_conf", "mu_star", "sigma")}}
                  for r in self.sensitivity_rows]
        return {"scenario": self.plan.scenario.name, "outcome": self.plan.outcome, "unit": unit,
                "method": self.plan.method, "samples": len(y), "base_samples": self.plan.samples,
                "replications": self.plan.replications, "runs": self.plan.runs, "seed": self.plan.seed,
                "quantiles": self.quantiles(), "mean": float(y.mean()), "min": float(y.min()), "max": float(y.max()),
                "base": self.base_outcome,
                "close_by_day": self.close_by_day, "share_closed": self.share_closed, "inputs": inputs}

    @property
    def samples(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame.from_records(self.sample_rows)

    @property
    def sensitivity(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame.from_records(self.sensitivity_rows)

    @property
    def runs(self) -> pd.DataFrame:
        import pandas as pd

        kinds = {p.index: p.kind for p in self.plan.points}
        return pd.DataFrame.from_records([{"point": r["point"], "kind": kinds[r["point"]], **r} for r in self.rows])

    def save(self, folder: str | Path, force: bool = False) -> Path:
        """Write UNCERTAINTY_FILES into ``folder``. Returns the folder."""
        return save_study(Path(folder), self, force=force)
