"""Events in every output: compare's differences per phase, routes.png per airspace phase, sweep and
closure outputs."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()

BASE = """\
name: {name}
start_date: 2024-12-15
days: 3
fleet:
  - {{type: Il-76MD, count: 2, base: UUMU}}
  - {{type: An-124-100, count: 0, base: URMF}}
requirements:
  - {{from: UUMU, to: HLGN, tons_per_day: 40, label: flow}}
airspace:
  situation: dec2024
operations: {{crews: false}}   # longer routes mean more flight hours (crews could make them fewer legs)
"""


def write(tmp_path, name, extra=""):
    path = tmp_path / f"{name}.yaml"
    path.write_text(BASE.format(name=name) + extra)
    return path


@pytest.mark.slow
def test_compare_reports_route_cycle_and_limits_per_phase(tmp_path):
    a = write(tmp_path, "open_turkey")
    b = write(tmp_path, "turkey_closes", "events:\n  - {day: 1, close_airspace: [Turkey]}\n")
    result = runner.invoke(app, ["compare", str(a), str(b), "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    rows = {r["figure"]: r for r in csv.DictReader((tmp_path / "cmp" / "comparison.csv").open())}
    before, after = "days 0-1: flow: ", "days 1-3: flow: "
    assert float(rows[before + "route_km (Il-76MD)"]["difference"]) == 0
    assert float(rows[after + "route_km (Il-76MD)"]["difference"]) > 500  # around Turkey
    assert float(rows[after + "cycle_h (Il-76MD)"]["difference"]) > 1
    assert float(rows[after + "fleet_limit_t_per_day"]["difference"]) < 0
    assert rows[after + "binding"]["b"]
    assert float(rows["flight_h"]["b"]) >= float(rows["flight_h"]["a"])


@pytest.mark.slow
def test_routes_map_has_a_panel_per_airspace_phase(tmp_path):
    from sim import load_scenario
    from sim.results.maps import routes_map
    from sim.scenario.compile import build_world

    path = write(tmp_path, "two_phases", "events:\n  - {day: 1, close_airspace: [Turkey]}\n  - {day: 2, mog: {HLGN: 3}}\n")
    fig = routes_map(build_world(load_scenario(path)))
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 2  # a MOG change does not change routes
    assert "days 0-1" in titles[0] and "days 1-3" in titles[1] and "closed TUR" in titles[1]


@pytest.mark.slow
def test_replicated_run_reports_closure_as_a_distribution(tmp_path):
    path = write(tmp_path, "noisy", "stochastic: {replications: 4, break_per_sortie: 0.2, ground_time_cv: 0.3}\n")
    path.write_text(path.read_text().replace("tons_per_day: 40", "tons: 70"))  # two loads: closes early
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "r"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("requested"))
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    closure = summary["replications"]["closure"]
    median = int(closure["median_day"])
    assert f"median day {median} (P(closed by day {median}) " in line and "P(closed by the end) 1.00" in line
    assert "closure: day" not in line  # never a single day for replications


def test_sweep_table_and_chart_read_right(tmp_path):
    from sim.results.plots import sweep_panels

    path = write(tmp_path, "counts")
    result = runner.invoke(app, ["sweep", str(path), "--set", "fleet[1].count=0:2", "--workers", "1",
                                 "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    points = list(csv.DictReader((tmp_path / "s" / "sweep_points.csv").open()))
    assert {"delivered_t_mean", "in_transit_t_mean", "backlog_t_mean", "p_closed"} <= set(points[0])
    assert [int(p["fleet[1].count"]) for p in points] == [0, 1, 2]  # zero aircraft is a sweep point
    for p in points:
        total = float(p["delivered_t_mean"]) + float(p["in_transit_t_mean"]) + float(p["backlog_t_mean"])
        assert abs(total - 120) < 1e-6
    rows = [{k: (float(v) if k != "point" else int(v)) for k, v in p.items()} for p in points]
    for row in rows:
        row["fleet[1].count"] = int(row["fleet[1].count"])
    fig = sweep_panels(rows, ["fleet[1].count"], "counts", 1, x_label="number of An-124-100 aircraft at URMF")
    top, _, bottom = fig.axes
    assert top.get_ylim()[0] == 0 and top.get_ylabel() == "delivered (t/day)"
    assert all(float(t).is_integer() for t in bottom.get_xticks())
    assert bottom.get_xlabel() == "number of An-124-100 aircraft at URMF"
