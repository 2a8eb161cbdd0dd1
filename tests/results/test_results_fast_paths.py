"""Shorter ways to the same numbers: each equals the plain computation it replaces."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scenario

from sim import run
from sim.experiments.replications import _t_quantile
from sim.results.checks import on_ground, stays_on_ground
from sim.results.statistics import bootstrap_mean_ci
from sim.results.tables import peak_on_ground


@pytest.mark.parametrize("dof", [1, 2, 5, 29, 99, 999, 4999])
def test_the_t_quantile_is_scipy_stats_one(dof):
    from scipy import stats

    for p in (0.975, 0.95, 0.995):
        assert _t_quantile(p, dof) == float(stats.t.ppf(p, dof))


def test_the_bootstrap_interval_draws_its_resamples_as_before():
    rng = np.random.default_rng(3)
    for count in (2, 7, 100):
        for _ in range(3):
            x = rng.gamma(2.0, 50.0, count)
            indices = np.random.default_rng(20241208).integers(0, count, size=(2000, count))
            means = x[indices].mean(axis=1)
            low, high = np.quantile(means, [(1 - 0.95) / 2, (1 + 0.95) / 2])
            assert bootstrap_mean_ci(x) == (float(x.mean()), float(min(low, x.mean())), float(max(high, x.mean())))


@pytest.mark.parametrize("aircraft", [1, 3, 8])
def test_the_stays_on_the_ground_from_the_leg_columns_are_those_of_the_rows(aircraft):
    # peak_on_ground walks the stays of the run's leg columns; the checker, of sorties.csv's rows.
    s = scenario(days=5, fleet=[{"type": "Il-76MD", "count": aircraft, "base": "ORIG"}],
                 airfields={"ORIG": {"lat": 10.0, "lon": 10.0, "country": "XXA", "mog": 2, "fuel": True},
                            "DEST": {"lat": 10.0, "lon": 17.0, "country": "XXB", "mog": 1, "fuel": True}},
                 requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}],
                 stochastic={"break_per_sortie": 0.3, "repair_h": {"mean": 10, "cv": 0.5}, "replications": 2})
    for replication in range(2):
        result = run(s, replication=replication)
        legs, horizon = result.output.records.legs, result.output.horizon_h
        airborne = result.summary["airborne_at_end"]
        from_columns = stays_on_ground(result.world, zip(legs["aircraft"], legs["depart_h"], legs["arrive_h"],
                                                         legs["destination"], legs["purpose"], strict=True),
                                       horizon, airborne)
        from_rows = on_ground(result.world, result.sortie_rows, horizon, airborne)
        assert from_columns == from_rows and any(len(stays) > 1 for stays in from_rows.values())
        peaks = peak_on_ground(result.output)
        assert set(peaks) == set(from_rows) and peaks["ORIG"] >= 1


def test_a_workers_brief_summary_is_the_full_summarys_headline_flying_closure_and_requirements():
    from sim.experiments.replications import Task, run_task
    from sim.experiments.runs import run_checked

    s = scenario(days=6, stochastic={"break_per_sortie": 0.2, "repair_h": {"mean": 12, "cv": 0.5}})
    full = run_checked(s, replication=3)
    brief = run_checked(s, replication=3, brief=True)
    assert brief.summary == {k: full.summary[k] for k in brief.summary}
    assert {"delivered_t", "closure_day", "by_requirement", "days", "repair_h", "mean_daily_t"} <= set(brief.summary)
    data = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    record = run_task(Task(data, 3))
    assert record == {k: v for k, v in run_task(Task(data, 3, full=True)).items() if k not in ("summary", "flown")}
