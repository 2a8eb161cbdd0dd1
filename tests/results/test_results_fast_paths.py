"""Shorter ways to the same numbers: each equals the plain computation it replaces."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from helpers import scenario

from sim import run
from sim.experiments.replications import _t_quantile
from sim.results.checks import on_ground, stays_on_ground
from sim.results.statistics import bootstrap_mean_ci
from sim.results.tables import _day_of, peak_on_ground


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
        assert peaks == {ident: plain_peak(stays) for ident, stays in from_rows.items()}


def plain_peak(stays: list[tuple[float, float, str, bool]]) -> int:
    """Most aircraft on the ground at once: every arrival +1 and departure -1 in time order (a departure
    first at the same hour), the running count's largest value."""
    events = sorted([(a, 1) for a, b, _, _ in stays if b > a] + [(b, -1) for a, b, _, _ in stays if b > a])
    count = best = 0
    for _, step in events:
        count += step
        best = max(best, count)
    return best


def test_the_peak_on_the_ground_counts_a_departure_before_an_arrival_at_the_same_hour(monkeypatch):
    stays = [(0.0, 5.0, "a", True), (5.0, 9.0, "b", True), (2.0, 5.0, "c", True), (5.0, 5.0, "d", True),
             (1.0, 7.0, "e", True), (7.0, 8.0, "f", True)]
    assert plain_peak(stays) == 3  # a, c and e from 2 h to 5 h; at 5 h a and c leave before b arrives
    import sim.results.checks as checks

    monkeypatch.setattr(checks, "stays_on_ground", lambda *_args: {"X": stays, "Y": []})
    output = SimpleNamespace(world=None, records=SimpleNamespace(legs=dict.fromkeys(
        ("aircraft", "depart_h", "arrive_h", "destination", "purpose"), []), airborne_at_end=[]), horizon_h=10.0)
    assert peak_on_ground(output) == {"X": 3, "Y": 0}  # type: ignore[arg-type]


def test_the_flying_figures_are_the_legs_summed_one_by_one():
    s = scenario(days=8, stochastic={"break_per_sortie": 0.3, "repair_h": {"mean": 10, "cv": 0.5}})
    result = run(s, replication=1)
    legs, ground, world = result.output.records.legs, result.output.records.ground, result.world
    from sim.flight import performance

    taxi = sum(performance.taxi_climb_fuel_t(world.aircraft[kind]) for kind in legs["type"])
    f = result.summary
    assert f["taxi_climb_fuel_t"] == taxi and f["fuel_t"] == sum(legs["fuel_t"]) + taxi
    assert f["flight_h"] == sum(a - d for d, a in zip(legs["depart_h"], legs["arrive_h"], strict=True))
    assert f["repairs"] == sum(1 for what in ground["activity"] if what == "repair") > 0
    assert f["diversions"] == sum(1 for p in legs["purpose"] if p in ("diverted", "emergency landing"))
    assert f["crew_waits"] == sum(1 for what in ground["activity"] if what == "crew rest")
    assert f["repair_h"] == sum(e - b for b, e, what in zip(ground["start_h"], ground["end_h"], ground["activity"],
                                                            strict=True) if what == "repair")
    assert f["fuel_stops_used"] == sorted({d for d, s in zip(legs["destination"], legs["fuel_stop"], strict=True) if s})


def test_the_daily_table_is_the_deliveries_added_day_by_day():
    s = scenario(days=8, requirements=[{"label": "r0", "from": "ORIG", "to": "DEST", "tons_per_day": 150},
                                       {"label": "r1", "from": "ORIG", "to": "DEST", "tons": 400, "day": 2}])
    result = run(s)
    deliveries, days = result.output.records.deliveries, 8
    tons = {(d, i): 0.0 for d in range(days) for i in range(2)}
    sorties = dict.fromkeys(tons, 0)
    for time_h, i, t in zip(deliveries["time_h"], deliveries["requirement"], deliveries["tons"], strict=True):
        key = (min(_day_of(time_h), days - 1), i)
        tons[key] += t
        sorties[key] += 1
    rows = result.daily_rows
    assert [(r["day"], r["requirement"]) for r in rows] == [(d, n) for d in range(days) for n in ("r0", "r1")]
    assert [(r["delivered_t"], r["sorties"]) for r in rows] == [(tons[key], sorties[key]) for key in tons]
    assert sum(sorties.values()) == len(deliveries["tons"]) > 0 and len({r["date"] for r in rows}) == days


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
