"""Replications, sweeps and executors: reproducible streams, statistics, the planning formula with breaks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import scenario
from typer.testing import CliRunner

from sim import run
from sim.cli import app
from sim.errors import OverrideError
from sim.experiments import replications as experiments
from sim.experiments import sweeps
from sim.experiments.execution import executor, run_tasks
from sim.experiments.sweeps import sweep_points
from sim.model.randomness import Randomness
from sim.scenario.compile import build_world
from sim.scenario.overrides import parse_values

runner = CliRunner()

# One Il-76 between ORIG and DEST (conftest): onload 3 h + 1.5 h flight + offload 1 h + 1.5 h back = 7 h.
RTT_H, LOAD_T = 7.0, 30.0
BREAKS = {"break_per_sortie": 0.1, "repair_h": {"mean": 10, "cv": 0.5}, "maintenance_at": ["ORIG", "DEST"]}


def stochastic(days=20, **spec):
    return scenario(days=days, requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e7}], stochastic={**BREAKS, **spec})


def records(s, count, workers=1, dask=None):
    data = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    tasks = [experiments.Task(data, r) for r in range(count)]
    with executor(workers, dask) as pool:
        return run_tasks(pool, experiments.run_task, tasks)


def test_streams_depend_only_on_seed_replication_and_aircraft():
    spec = build_world(stochastic()).stochastic
    a, b = Randomness(spec, 5, 3), Randomness(spec, 5, 3)
    draws = [a.repair_h((0, k), False) for k in range(4)]
    assert draws == [b.repair_h((0, k), False) for k in range(4)]
    assert draws != [Randomness(spec, 5, 4).repair_h((0, k), False) for k in range(4)]
    # Common random numbers: aircraft (1, 0) draws the same whatever else was drawn first.
    c = Randomness(spec, 5, 3)
    [c.repair_h((0, k), False) for k in range(10)]
    assert c.repair_h((1, 0), False) == b.repair_h((1, 0), False)


def test_a_deterministic_scenario_ignores_the_replication():
    s = scenario(days=3)
    assert run(s, replication=0).sortie_rows == run(s, replication=7).sortie_rows


@pytest.mark.slow
def test_identical_results_serial_process_pool_and_dask():
    s = stochastic(days=10, ground_time_cv=0.2, mission_capable=0.5)
    serial = records(s, 6, workers=1)
    pool = records(s, 6, workers=2)
    dask = records(s, 6, workers=2, dask="local")
    assert serial == pool == dask
    assert len({r["delivered_t"] for r in serial}) > 1  # the replications do differ


def test_confidence_intervals_shrink_as_replications_grow():
    s = stochastic(days=15)
    values = [r["mean_daily_t"] for r in records(s, 40, workers=2)]
    _, lo5, hi5 = experiments.mean_ci(values[:5])
    _, lo40, hi40 = experiments.mean_ci(values)
    assert hi40 - lo40 < hi5 - lo5


@pytest.mark.slow
def test_breaks_cut_throughput_to_the_planning_formula():
    # With a break on each leg with probability q and mean repair R, a cycle (2 legs) takes
    # RTT + 2 q R on average, so one aircraft delivers P x 24 / (RTT + 2 q R) t/day (AFPAM cycle limit
    # with the expected repair time added): 30 x 24 / (7 + 2 x 0.1 x 10) = 80 t/day, against 102.9 without.
    days, first, reps = 200, 20, 30
    rows = records(stochastic(days=days), reps, workers=2)
    rates = [(np.sum(np.array(r["daily_t"])[first:]) / (days - first)) for r in rows]  # steady state
    mean, low, high = experiments.mean_ci(rates)
    expected = LOAD_T * 24 / (RTT_H + 2 * 0.1 * 10)
    deterministic = LOAD_T * 24 / RTT_H
    assert low <= expected <= high, (low, expected, high)
    assert high < deterministic


def test_closure_probability_by_day():
    assert experiments.closure_probability([2, None, 0, 2], 4) == [0.25, 0.25, 0.75, 0.75]


def test_the_median_closure_day_is_one_by_which_half_the_replications_closed():
    # 6 of 10 close, on days 10..15: by day 14 half have closed (the median of the closed ones alone,
    # 12.5, would be a day by which only 4 of 10 had).
    days = [10, 11, 12, 13, 14, 15, None, None, None, None]
    stats = experiments.statistics([{"closure_day": d, **dict.fromkeys(experiments.HEADLINE, 0.0)} for d in days], 20)
    assert stats["closure"]["median_day"] == 14 and stats["closure"]["p_closure_by_day"][14] == 0.5
    assert experiments.closure_quantile([3, 5, None, None], 0.5) == 5  # exactly half: the day the second closed
    assert experiments.closure_quantile([3, None, None, None], 0.5) is None


def test_replicated_summary_keeps_the_balance_and_reports_intervals():
    s = scenario(days=6, requirements=[{"from": "ORIG", "to": "DEST", "tons": 300}],
                 stochastic={**BREAKS, "replications": 8})
    data = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    with executor(1) as pool:
        recs = run_tasks(pool, experiments.run_task, [experiments.Task(data, r, full=True) for r in range(8)])
    summary = experiments.replicated_summary(recs, s)
    assert summary["delivered_t"] + summary["in_transit_t"] + summary["backlog_t"] == pytest.approx(summary["requested_t"])
    stats = summary["replications"]
    assert stats["replications"] == 8
    assert stats["delivered_t"]["ci95_low"] <= summary["delivered_t"] <= stats["delivered_t"]["ci95_high"]
    p = stats["closure"]["p_closure_by_day"]
    assert p == sorted(p) and len(p) == 6


@pytest.mark.parametrize(("spec", "values"), [("4:20:4", [4, 8, 12, 16, 20]), ("5,10,20", [5, 10, 20]),
                                              ("0.05:0.15:0.05", [0.05, 0.1, 0.15]), ("a,b", ["a", "b"]),
                                              ("[TUR],[SYR,IRQ]", [["TUR"], ["SYR", "IRQ"]])])
def test_sweep_values(spec, values):
    assert parse_values(spec) == values


def test_sweep_points_apply_paths_and_validate():
    s = scenario(events=[{"day": 1, "close": "DEST"}])
    points = sweep_points(s, {"fleet[0].count": [1, 3], "events[0].day": [0.5, 0.75]})
    assert [p.values for p in points] == [
        {"fleet[0].count": 1, "events[0].day": 0.5}, {"fleet[0].count": 1, "events[0].day": 0.75},
        {"fleet[0].count": 3, "events[0].day": 0.5}, {"fleet[0].count": 3, "events[0].day": 0.75}]
    assert points[2].scenario["fleet"][0]["count"] == 3
    with pytest.raises(OverrideError, match="fleet\\[5\\]"):
        sweep_points(s, {"fleet[5].count": [1]})
    with pytest.raises(OverrideError, match="fleet\\[0\\].count=-1"):
        sweep_points(s, {"fleet[0].count": [-1]})
    assert sweep_points(s, {"fleet[0].count": [0]})[0].scenario["fleet"][0]["count"] == 0  # "without them"


SWEEP_YAML = """\
name: sweepme
start_date: 2024-12-08
days: 8
fleet:
  - {type: Il-76MD, count: 1, base: HLLB}
requirements:
  - {from: HLLB, to: HL69, tons_per_day: 150}
stochastic:
  replications: 3
  break_per_sortie: 0.1
  repair_h: {mean: 12, cv: 0.5}
"""


@pytest.mark.slow
def test_sweep_command_writes_tidy_tables(tmp_path):
    (tmp_path / "s.yaml").write_text(SWEEP_YAML)
    out = tmp_path / "res"
    args = ["sweep", str(tmp_path / "s.yaml"), "--set", "fleet[0].count=1:3", "--workers", "1", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = (out / "sweep.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["point", "fleet[0].count", "replication"] and "delivered_t" in header
    assert not [c for c in header if "time" in c or c.endswith("_s")]  # no wall-clock columns
    assert len(lines) == 1 + 3 * 3
    points = (out / "sweep_points.csv").read_text().splitlines()
    assert len(points) == 4 and "mean_daily_t_ci95_low" in points[0]
    assert not (out / ".sweep-partial.jsonl").exists()
    assert runner.invoke(app, args).exit_code == 2  # no overwrite without --force


def test_an_interrupted_sweep_keeps_its_runs_and_resumes(tmp_path, monkeypatch):
    (tmp_path / "s.yaml").write_text(SWEEP_YAML)
    args = ["sweep", str(tmp_path / "s.yaml"), "--set", "fleet[0].count=1:3", "--workers", "1"]
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "clean")]).exit_code == 0

    real, calls = experiments.run_task, []

    def ctrl_c_on_the_fifth(task):
        calls.append(task)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(sweeps, "run_task", ctrl_c_on_the_fifth)
    out = tmp_path / "res"
    interrupted = runner.invoke(app, [*args, "--out", str(out)])
    assert interrupted.exit_code == 130
    partial = out / ".sweep-partial.jsonl"
    assert len(partial.read_text().splitlines()) == 1 + 4 and not (out / "sweep.csv").exists()
    monkeypatch.setattr(sweeps, "run_task", real)
    assert runner.invoke(app, [*args, "--out", str(out)]).exit_code == 2  # says: --resume or --force
    resumed = runner.invoke(app, [*args, "--out", str(out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert (out / "sweep.csv").read_text() == (tmp_path / "clean" / "sweep.csv").read_text()
    assert not partial.exists()


def test_stochastic_run_command_writes_intervals(tmp_path):
    (tmp_path / "s.yaml").write_text(SWEEP_YAML)
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(tmp_path / "s.yaml"), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"replications.csv", "summary.json", "daily.csv", "run.json", "routes.geojson"} <= names
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"]["replications"] == 3
    # P(closure by day) is drawn only when some replication closes: here none does.
    assert summary["replications"]["closure"]["p_closed"] == 0 and "closure.png" not in names
    assert "delivered_t_ci95_low" in (out / "daily.csv").read_text().splitlines()[0]
    plain = tmp_path / "plain.yaml"
    plain.write_text(SWEEP_YAML.split("stochastic:")[0])
    bad = runner.invoke(app, ["run", str(plain), "--replications", "5", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "stochastic" in bad.output


@pytest.mark.slow
def test_compare_and_load_results(tmp_path):
    pytest.importorskip("pandas")
    from sim import load_results
    from sim.results import plots as analysis

    (tmp_path / "a.yaml").write_text(SWEEP_YAML)
    (tmp_path / "b.yaml").write_text(SWEEP_YAML.replace("name: sweepme", "name: other").replace("count: 1", "count: 2"))
    out = tmp_path / "cmp"
    result = runner.invoke(app, ["compare", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--workers", "1",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "comparison.csv").read_text()
    assert text.startswith("figure,a,b,difference") and "delivered_t" in text
    run_out = tmp_path / "run"
    assert runner.invoke(app, ["run", str(tmp_path / "a.yaml"), "--workers", "1", "--out", str(run_out)]).exit_code == 0
    loaded = load_results(run_out)
    assert len(loaded.replications) == 3 and "cumulative_t" in loaded.daily.columns
    assert analysis.plot_throughput(loaded).get_ylabel().startswith("cumulative")
    assert analysis.plot_closure(loaded).get_ylabel() == "P(closure by day)"


def test_sweeping_lists_such_as_closed_airspace(tmp_path):
    (tmp_path / "s.yaml").write_text(SWEEP_YAML)
    out = tmp_path / "res"
    result = runner.invoke(app, ["sweep", str(tmp_path / "s.yaml"), "--set", "airspace.closed=[],[EGY,TUR]",
                                 "--replications", "2", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = (out / "sweep_points.csv").read_text().splitlines()
    assert len(lines) == 3 and "EGY" in lines[2]


def test_a_worker_validates_and_builds_a_scenario_once_for_its_replications_and_runs_each_as_if_fresh():
    data = stochastic(days=10, ground_time_cv=0.2).model_dump(mode="json", by_alias=True, exclude_none=True)
    first = experiments.prepared(data)
    assert experiments.prepared(json.loads(json.dumps(data))) is first  # the same scenario, as another task brings it
    changed = {**data, "seed": data["seed"] + 1}
    assert experiments.prepared(changed)[0].seed == data["seed"] + 1  # another scenario: its own
    assert experiments.prepared(data) is not first  # one kept at a time: the last one's
    # A World run again gives each replication what a World built for it alone gives.
    for r in (0, 1, 2):
        task = experiments.Task(data, r, full=True, trace=True)
        again = experiments.run_task(task)
        experiments._PREPARED.clear()
        fresh = experiments.run_task(task)
        assert again["trace"].sorties_csv == fresh["trace"].sorties_csv
        assert {k: v for k, v in again.items() if k not in ("trace", "flown")} == {
            k: v for k, v in fresh.items() if k not in ("trace", "flown")}
