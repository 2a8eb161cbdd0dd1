"""The spread of outcomes (p10-p90) beside the 95 % CI of the mean, everywhere a run is replicated; a
probability's Wilson interval and the borderline verdict of sizing."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import scenario
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments import sizing, sweeps
from sim.experiments.outcomes import RunTables
from sim.experiments.replications import replicate
from sim.results import statistics

runner = CliRunner()
BREAKS = {"break_per_sortie": 0.2, "repair_h": {"mean": 10, "cv": 0.5}, "maintenance_at": ["ORIG", "DEST"],
          "ground_time_cv": 0.3}


def stochastic(days=6):
    return scenario(days=days, requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e7}], stochastic=BREAKS,
                    fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}])


def test_the_spread_holds_the_middle_80_percent_and_does_not_shrink_like_the_ci():
    assert statistics.spread(list(range(1, 11))) == pytest.approx((1.9, 9.1))
    draws = np.random.default_rng(1).normal(100.0, 10.0, 4000)
    p10, p90 = statistics.spread(draws)
    _, low, high = statistics.mean_ci(draws)
    assert p10 == pytest.approx(100 - 12.8, abs=1.0) and p90 == pytest.approx(100 + 12.8, abs=1.0)
    assert high - low < (p90 - p10) / 20  # the mean is pinned down; one run still varies by +-13


def test_words_keep_the_two_ranges_apart():
    assert statistics.spread_words(13795, 15046) == "80 % of runs between 13,795 and 15,046 t"
    assert statistics.ci_words(233.3, 242.8, "t/day", 1) == "mean within 233.3-242.8 t/day (95 % CI)"


def test_wilson_interval_and_verdict():
    low, high = statistics.wilson_interval(12, 20)
    assert (round(low, 3), round(high, 3)) == (0.387, 0.781)
    assert statistics.verdict((low, high), 0.6) == "borderline"
    assert statistics.verdict((0.91, 0.99), 0.9) == "met"
    assert statistics.verdict((0.2, 0.5), 0.9) == "not met"
    # 20 of 20 closing cannot show P >= 0.9: the interval's low end is 0.84
    assert statistics.verdict(statistics.wilson_interval(20, 20), 0.9) == "borderline"
    assert statistics.verdict(statistics.wilson_interval(35, 35), 0.9) == "met"


def test_a_replicated_summary_has_the_spread_next_to_the_ci():
    reps = replicate(stochastic(), 12, workers=1)
    s, runs = reps.summary, reps.runs
    delivered = runs["delivered_t"].to_numpy()
    assert (s["delivered_t_p10"], s["delivered_t_p90"]) == pytest.approx(statistics.spread(delivered))
    assert delivered.min() <= s["delivered_t_p10"] < s["delivered_t_p90"] <= delivered.max()
    assert s["delivered_t_ci95_low"] <= s["delivered_t"] <= s["delivered_t_ci95_high"]
    assert s["replications"]["mean_daily_t"]["p10"] == s["mean_daily_t_p10"]
    assert "closure_day_p10" in s and "closure_day_p90" in s
    (entry,) = s["by_requirement"]
    assert (entry["delivered_t_p10"], entry["delivered_t_p90"]) == pytest.approx(statistics.spread(delivered))
    assert {"backlog_t_p10", "backlog_t_p90", "closure_day_p10", "closure_day_p90", "delivered_t_ci95_low"} <= set(entry)
    last = reps.daily_rows[-1]  # by the end of the last day: the whole run's deliveries
    assert (last["cumulative_t_p10"], last["cumulative_t_p90"]) == pytest.approx(statistics.spread(delivered))


def test_the_console_says_which_range_is_which(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(stochastic().model_dump(mode="json", by_alias=True, exclude_none=True)))
    result = runner.invoke(app, ["run", str(path), "--replications", "8", "--workers", "1", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "delivered_t: 80 % of runs between" in result.output and "(95 % CI)" in result.output
    saved = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert saved["delivered_t_p10"] <= saved["delivered_t_p90"]
    assert "cumulative_t_p10" in (tmp_path / "o" / "daily.csv").read_text().splitlines()[0]


def test_sweep_points_carry_the_spread():
    result = sweeps.sweep(stochastic(days=4), {"fleet[0].count": [1, 2]}, replications=6, workers=1)
    for point in result.point_rows:
        assert point["mean_daily_t_p10"] <= point["mean_daily_t_mean"] <= point["mean_daily_t_p90"] or \
            point["mean_daily_t_p10"] == point["mean_daily_t_p90"]


def test_a_one_point_sweep_and_the_replicated_run_split_their_runs_alike():
    # Replications and SweepResult share their split (sim.experiments.outcomes): the same replications give
    # the same tidy rows, the same mean, CI and spread per figure, and the same closure per requirement.
    short = stochastic(days=4).with_({"requirements[0].tons": 600})  # 2 of the 6 replications close
    reps = replicate(short, 6, workers=1)
    point = sweeps.sweep(short, {"fleet[0].count": [2]}, replications=6, workers=1)
    assert isinstance(reps, RunTables) and isinstance(point, RunTables)
    pd.testing.assert_frame_equal(point.runs.drop(columns=["point", "fleet[0].count"]), reps.runs)
    pd.testing.assert_frame_equal(point.by_requirement.drop(columns=["point", "fleet[0].count"]), reps.by_requirement)
    (row,) = point.point_rows
    s = reps.summary
    for figure in ("delivered_t", "backlog_t", "sorties", "mean_daily_t"):
        stats = s["replications"][figure]
        assert [row[f"{figure}_{part}"] for part in ("mean", "ci95_low", "ci95_high", "p10", "p90")] == \
            [stats[part] for part in ("mean", "ci95_low", "ci95_high", "p10", "p90")]
    (entry,) = s["by_requirement"]
    name = entry["requirement"]
    assert 0 < entry["p_closed"] < 1
    assert row[f"{name}: p_closed"] == entry["p_closed"] and row[f"{name}: closure_day_median"] == entry["closure_day"]
    assert row[f"{name}: delivered_t_p10"] == entry["delivered_t_p10"]


def _result(closed: int, n: int, confidence: float, value: int | None = 5) -> sizing.SizingResult:
    point = sizing.SizingPoint(5, closed / n, statistics.wilson_interval(closed, n), n, closed, None, 0.0, 0.0, 0.0, 0.0)
    return sizing.SizingResult("fleet[0].count", "x", 9, confidence, True, 0, 5, value, [point])


def test_sizing_is_borderline_when_the_interval_of_p_straddles_the_target():
    assert _result(12, 20, 0.6).verdict == "borderline"
    assert _result(20, 20, 0.9).verdict == "borderline"  # 20 runs can never show 0.9
    assert _result(20, 20, 0.9).replications_to_tell == 35
    assert _result(35, 35, 0.9).verdict == "met"
    assert _result(3, 20, 0.9, value=None).verdict == "not met"
    assert _result(12, 20, 0.6).to_dict()["verdict"] == "borderline"


def test_a_comparison_of_replicated_runs_gives_each_side_its_spread():
    from sim.experiments.compare import compare_results

    a, b = replicate(stochastic(), 6, workers=1), replicate(stochastic(days=4), 6, workers=1)
    rows = {r["figure"]: r for r in compare_results(a, b).rows}
    p10, p90 = statistics.spread(a.runs["delivered_t"].to_numpy())
    assert rows["delivered_t"]["a_p10_p90"] == f"{p10:,.1f} to {p90:,.1f}"
    assert rows["delivered_t"]["b_p10_p90"] is not None
