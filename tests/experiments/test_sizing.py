"""airlift size: the smallest fleet that closes by a day, against a hand count and against a sweep."""

from __future__ import annotations

import json
import math

import pytest
from helpers import scenario
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments import replications as experiments
from sim.experiments import sizing
from sim.experiments.execution import SerialExecutor, run_tasks
from sim.experiments.sweeps import sweep_points

runner = CliRunner()

# conftest: onload 3 h, flight 1.5 h, offload 1 h, flight back 1.5 h, 30 t a load, MOG 10 at both ends.
FIRST_DELIVERY_H, CYCLE_H, LOAD_T = 3 + 1.5 + 1, 7.0, 30.0


@pytest.mark.parametrize("start_count", [1, 12])
def test_deterministic_sizing_matches_a_hand_count(start_count):
    # 600 t by the end of day 0: each aircraft delivers at 5.5 h, 12.5 h, 19.5 h (the next would land at
    # 26.5 h), so 3 loads a day; 20 loads need ceil(20 / 3) = 7 aircraft (6 deliver 18 loads = 540 t).
    tons = 600.0
    loads_per_aircraft = math.floor((24 - FIRST_DELIVERY_H) / CYCLE_H) + 1
    expected = math.ceil(tons / LOAD_T / loads_per_aircraft)
    s = scenario(days=2, fleet=[{"type": "Il-76MD", "count": start_count, "base": "ORIG"}],
                 requirements=[{"from": "ORIG", "to": "DEST", "tons": tons}])
    result = sizing.size(s, "fleet[0].count", close_by_day=0)
    assert result.value == expected
    assert result.answer.p_close == 1.0 and result.below.p_close == 0.0
    assert result.below.closure_day_median == 1  # 6 aircraft close a day later
    assert len(result.evaluated) < max(start_count, expected) + 1  # fewer than a sweep from 0 would run
    assert sizing.size(s, "fleet[0].count", close_by_day=1).value < expected  # a day later needs fewer


def test_stochastic_sizing_agrees_with_a_sweep_over_the_same_values():
    s = scenario(days=3, requirements=[{"from": "ORIG", "to": "DEST", "tons": 600}],
                 stochastic={"break_per_sortie": 0.15, "repair_h": {"mean": 12, "cv": 0.5}, "ground_time_cv": 0.3,
                             "maintenance_at": ["ORIG"], "replications": 8})
    result = sizing.size(s, "fleet[0].count", close_by_day=1, confidence=0.75)
    assert result.value is not None
    values = sorted(p.value for p in result.evaluated)
    points = sweep_points(s, {"fleet[0].count": values})
    tasks = [experiments.Task(p.scenario, r, p.index) for p in points for r in range(8)]
    records = run_tasks(SerialExecutor(), experiments.run_task, tasks)
    swept = {}
    for point in points:
        closure = [r["closure_day"] for r in records if r["point"] == point.index]
        swept[point.values["fleet[0].count"]] = sum(d is not None and d <= 1 for d in closure) / len(closure)
    assert {p.value: p.p_close for p in result.evaluated} == swept
    assert swept[result.value] >= 0.75
    assert result.value - 1 not in swept or swept[result.value - 1] < 0.75
    low, high = result.answer.p_close_ci95
    assert low <= result.answer.p_close <= high and high - low > 0


def test_size_command_json_and_what_binds_when_no_fleet_is_enough(tmp_path):
    from ruamel.yaml import YAML

    s = scenario(days=2, requirements=[{"from": "ORIG", "to": "DEST", "tons": 600}])
    path = tmp_path / "s.yaml"
    YAML().dump(s.model_dump(mode="json", by_alias=True, exclude_none=True), path)
    result = runner.invoke(app, ["size", str(path), "--vary", "fleet[0].count", "--close-by", "0", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert {"path", "value", "p_close", "p_close_ci95", "evaluated"} <= set(answer)
    assert answer["value"] == 7 and {"value", "p_close"} <= set(answer["evaluated"][0])
    # One spot at ORIG with a 3 h onload: at most 8 loads (240 t) a day, whatever the fleet.
    tight = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    tight["airfields"]["ORIG"]["mog"] = 1
    YAML().dump(tight, path)
    result = runner.invoke(app, ["size", str(path), "--vary", "fleet[0].count", "--close-by", "0", "--max", "6"])
    assert result.exit_code == 0, result.output
    assert "no value up to 6" in result.output and "origin MOG (ORIG, 1 spots)" in result.output
    bad = runner.invoke(app, ["size", str(path), "--vary", "airfields.ORIG.fuel", "--close-by", "0"])
    assert bad.exit_code == 2 and "not a whole number" in bad.output
    late = runner.invoke(app, ["size", str(path), "--vary", "fleet[0].count", "--close-by", "2"])
    assert late.exit_code == 2 and "days 0 to 1" in late.output


def point(value: int, closed: int, n: int = 100) -> sizing.SizingPoint:
    return sizing.SizingPoint(value, closed / n, sizing.wilson_interval(closed, n), n, closed, None, 0.0, 0.0, 0.0, 0.0)


def test_a_value_that_closes_less_than_one_below_is_named_a_decline():
    # Wilson intervals with 100 replications: 31 -> 0.23-0.41, 22 -> 0.15-0.31, 12 -> 0.07-0.20, 4 -> 0.02-0.10.
    # 22 overlaps 31: no decline. 12 overlaps its neighbour 22 but lies below 31's: a slow fall is a decline
    # too. 4 lies below 31 as well. 6 and 7 below 11 overlap each other, and P rising is never one.
    evaluated = [point(8, 6), point(9, 7), point(11, 31), point(12, 22), point(13, 12), point(15, 4)]
    result = sizing.SizingResult("fleet[1].count", "Il-76MD", 44, 0.65, True, 0, 32, None, evaluated)
    assert [(low.value, high.value) for low, high in result.declines] == [(11, 13), (11, 15)]
    assert result.to_dict()["declines"][0] == {"from_value": 11, "to_value": 13, "p_close_from": 0.31,
                                               "p_close_to": 0.12}
    # Deterministic: the search runs every failing value below every closing one, so none can show.
    deterministic = sizing.SizingResult("x", "x", 10, 1.0, False, 0, 5, 2, [point(1, 0, 1), point(2, 1, 1)])
    assert deterministic.declines == []
