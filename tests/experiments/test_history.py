"""History matching predicted out of sample: a synthetic case whose truth is known, the implausibility,
the counting of reported flights, and the command."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from helpers import ROOT, scenario
from typer.testing import CliRunner

from sim import load_scenario, run
from sim.cli import app
from sim.experiments import history

runner = CliRunner()
TRUE_T_PER_DAY = 60.0  # the truth: 60 t/day in 30 t loads, two flights a day
DEMAND_PATH = "requirements[0].tons_per_day"
DEMAND = {DEMAND_PATH: [15.0, 150.0]}  # as an uncertainty: block declares it


def flow(days=20, tons_per_day=TRUE_T_PER_DAY):
    return scenario(days=days, fleet=[{"type": "Il-76MD", "count": 4, "base": "ORIG"}],
                    requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": tons_per_day}])


def observed(s, times=1):
    """The truth's own flights as observations (each flight ``times`` times from day 10 on)."""
    start = s.start_date
    out = []
    for depart_h, origin, destination in history.trips(run(s).output.records.legs):
        day = start + timedelta(days=int(depart_h // 24))
        out += [history.Observation(day, "Il-76MD", origin, destination)] * (times if day >= start + timedelta(days=10) else 1)
    return out


def test_the_implausibility_of_a_minimum_counts_only_a_shortfall():
    assert history.implausibility(5, [8, 9], "minimum") == 0.0
    assert history.implausibility(5, [2, 2], "minimum") > 0
    assert history.implausibility(5, [8, 8], "exact") == pytest.approx(3 / (5 + 0.25 + 1) ** 0.5)


def test_a_trip_with_a_fuel_stop_is_one_flight_dated_by_its_departure():
    legs = {"aircraft": ["A", "A", "A", "B"], "origin": ["X", "S", "Y", "X"], "destination": ["S", "Y", "X", "Y"],
            "depart_h": [1.0, 30.0, 40.0, 5.0], "fuel_stop": [True, False, False, False],
            "purpose": ["cargo", "cargo", "return", "cargo"]}
    assert history.trips(legs) == [(1.0, "X", "Y"), (5.0, "X", "Y")]


def test_the_match_keeps_the_truth_and_the_prediction_holds():
    truth = flow()
    result = history.history_match(flow(tons_per_day=100.0), observed(truth), samples=24, inputs=DEMAND,
                                   counts="exact", workers=1)
    kept = [p["inputs"][DEMAND_PATH] for p in result.samples if p["kept"]]
    ruled_out = [p["inputs"][DEMAND_PATH] for p in result.samples if not p["kept"]]
    assert min(kept) <= TRUE_T_PER_DAY <= max(kept)
    assert ruled_out and all(abs(v - TRUE_T_PER_DAY) > 25 for v in ruled_out)  # far from the truth
    assert result.split == truth.start_date + timedelta(days=10)  # halves the observations
    total = result.predictions[-1]
    assert total["route"] == "all routes" and total["verdict"] == "hit"
    assert total["p10"] <= total["observed"] <= total["p90"]


def test_a_change_the_model_does_not_know_is_a_miss():
    # After day 10 the real tempo quadruples; the model, matched on the first ten days, cannot know it.
    s = flow()
    result = history.history_match(s, observed(s, times=4), split=s.start_date + timedelta(days=10), samples=16,
                                   inputs=DEMAND, counts="exact", workers=1)
    total = result.predictions[-1]
    assert total["verdict"] == "miss" and total["reason"] == "fewer flights than were seen"
    assert total["p90"] < total["observed"]


def test_the_chart_marks_the_observation_against_the_prediction():
    import matplotlib.pyplot as plt

    from sim.results.plots import history_figure

    s = flow()
    result = history.history_match(s, observed(s, times=4), split=s.start_date + timedelta(days=10), samples=6,
                                   inputs=DEMAND, counts="exact", workers=1)
    fig = history_figure(result.to_dict())
    lines = {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}
    total = result.predictions[-1]
    assert list(lines["observed:all routes"].get_xdata()) == [total["observed"]]
    assert list(lines["predicted:all routes"].get_xdata()) == [total["p10"], total["p90"]]
    plt.close(fig)


def test_observations_outside_the_run_or_its_routes_are_left_out_and_said_so():
    s = flow()
    extra = [history.Observation(date(2024, 12, 1), "Il-76MD", "ORIG", "DEST"),
             history.Observation(s.start_date, "Il-76MD", "DEST", "ORIG")]
    result = history.history_match(s, observed(s) + extra, samples=4, inputs=DEMAND, workers=1)
    reasons = sorted(i["reason"] for i in result.ignored)
    assert reasons == ["no requirement flies this route", "outside the run's days"]


def test_the_command_reports_the_prediction_against_the_observation(tmp_path):
    s = flow()
    path = tmp_path / "s.json"
    path.write_text(json.dumps(s.model_dump(mode="json", by_alias=True, exclude_none=True)))
    csv = tmp_path / "flights.csv"
    csv.write_text("date,type,origin,destination\n" + "".join(
        f"{o.day.isoformat()},Il-76MD,{o.origin},{o.destination}\n" for o in observed(s, times=4)))
    split = ["--split", (s.start_date + timedelta(days=10)).isoformat()]
    done = runner.invoke(app, ["history", str(path), str(csv), "--samples", "8", "--workers", "1", "--counts", "exact",
                               "--range", "requirements[0].tons_per_day=15,150", *split, "--json"])
    assert done.exit_code == 0, done.output
    record = json.loads(done.output)
    assert record["predictions"][-1]["verdict"] == "miss" and record["samples"] == 8
    shown = runner.invoke(app, ["history", str(path), str(csv), "--samples", "8", "--workers", "1", "--counts", "exact",
                                "--range", "requirements[0].tons_per_day=15,150", *split])
    assert "The prediction misses" in shown.output
    saved = runner.invoke(app, ["history", str(path), str(csv), "--samples", "8", "--workers", "1", "--counts", "exact",
                                "--range", "requirements[0].tons_per_day=15,150", *split, "--out", str(tmp_path / "h")])
    assert saved.exit_code == 0, saved.output
    rows = (tmp_path / "h" / "history.csv").read_text().splitlines()
    assert len(rows) == 1 + 8 and "predict: XXA -> DEST" in rows[0]
    assert (tmp_path / "h" / "history.png").stat().st_size > 0
    bad = runner.invoke(app, ["history", str(path), str(csv), "--split", "2030-01-01"])
    assert bad.exit_code == 2 and "--split 2030-01-01" in bad.output


@pytest.mark.slow
def test_december_2024_out_of_sample():
    """Matched on the December 2024 reports before 14 Dec (as minimums), the tempo scenario predicts at least
    as many flights from 14 Dec on as were reported, on every route: none of the predictions misses. (The
    check can fail: a model that flew fewer flights than the reports saw would miss.)"""
    s = load_scenario(ROOT / "scenarios" / "validation" / "dec2024_tempo.yaml")
    from sim.experiments.estimate import read_flights

    flights = read_flights(ROOT / "scenarios" / "observations" / "dec2024_flights.csv")
    obs = [history.Observation(date.fromisoformat(f.date), f.type, f.origin, f.destination) for f in flights]
    result = history.history_match(s, obs, samples=16, workers=1)
    assert result.split == date(2024, 12, 14)
    assert [p["verdict"] for p in result.predictions] == ["hit"] * len(result.predictions)
