"""Workbooks for every result kind (sim.results.spreadsheets.save_xlsx), `airlift sweep --xlsx`, the sweep's
points in long form, and one demand line for the knee chart in the API and the command."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest
from helpers import BASE
from openpyxl import load_workbook
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.results import plots
from sim.results.spreadsheets import save_xlsx

matplotlib.use("Agg")
runner = CliRunner()

# A lump of 400 t and a flow of 100 t/day for 3 days: 700 t over 3 days, 233.3 t/day. A chart that took
# the flow's 100 t/day for "the demand" would draw a line the sweep can never be compared with.
STOCHASTIC = {**BASE, "days": 3,
              "requirements": [{"from": "ORIG", "to": "DEST", "tons": 400, "label": "stockpile"},
                               {"from": "ORIG", "to": "DEST", "tons_per_day": 100, "label": "flow"}],
              "stochastic": {"replications": 2, "break_per_sortie": 0.2, "repair_h": {"mean": 8, "cv": 0.5}}}


@pytest.fixture(scope="module")
def knee():
    return sim.sweep(sim.load_scenario(STOCHASTIC), {"fleet[0].count": [1, 2]}, workers=1)


def _sheets(path: Path) -> dict[str, list[dict]]:
    book = load_workbook(path)
    out = {}
    for sheet in book.worksheets:
        rows = list(sheet.values)
        out[sheet.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    return out


def test_a_sweep_saves_a_workbook_with_points_long_and_wide_and_runs(tmp_path, knee):
    path = save_xlsx(tmp_path / "sweep.xlsx", knee)
    sheets = _sheets(path)
    assert list(sheets) == ["points", "points_wide", "runs", "about"]
    assert len(sheets["runs"]) == 4 and len(sheets["points_wide"]) == 2
    long = sheets["points"]
    assert {"point", "fleet[0].count", "requirement", "figure", "value"} <= set(long[0])
    flow = [r for r in long if r["requirement"] == "flow" and r["figure"] == "delivered_t_mean" and r["point"] == 1]
    assert len(flow) == 1 and flow[0]["value"] == pytest.approx(knee.point_rows[1]["flow: delivered_t_mean"])
    about = {r["figure"]: r["value"] for r in sheets["about"]}
    assert about["demand_t_per_day"] == pytest.approx(700 / 3, abs=1e-3)


def test_the_points_table_is_long_with_requirement_figure_and_value(knee):
    points = knee.points
    assert list(points.columns) == ["point", "fleet[0].count", "requirement", "figure", "value"]
    assert set(points["requirement"]) == {"all", "stockpile", "flow"}
    whole = points.query("requirement == 'all' and figure == 'mean_daily_t_mean'")
    assert list(whole["fleet[0].count"]) == [1, 2]
    assert list(whole["value"]) == pytest.approx(list(knee.points_wide["mean_daily_t_mean"]))
    stockpile = points.query("requirement == 'stockpile' and figure == 'delivered_t_mean'")["value"]
    assert list(stockpile) == pytest.approx(list(knee.points_wide["stockpile: delivered_t_mean"]))


def test_every_result_kind_saves_a_workbook(tmp_path):
    from sim.experiments.sizing import size

    one = sim.load_scenario({**BASE, "days": 2})
    result = sim.run(one)
    reps = sim.replicate(sim.load_scenario(STOCHASTIC), 2, workers=1)
    versus = sim.compare(one, one.with_({"fleet[0].count": 2}))
    sizing = size(one, "fleet[0].count", 1, lowest=1, highest=3)
    expected = {"run": (result, ["summary", "daily", "sorties"]),
                "replications": (reps, ["summary", "daily", "sorties", "replications"]),
                "comparison": (versus, ["comparison", "summary A", "summary B"]),
                "sizing": (sizing, ["sizing", "about"])}
    for name, (value, sheets) in expected.items():
        path = save_xlsx(tmp_path / f"{name}.xlsx", value)
        assert load_workbook(path).sheetnames == sheets, name
    result.save(tmp_path / "saved")
    loaded = sim.load_results(tmp_path / "saved")
    assert load_workbook(save_xlsx(tmp_path / "loaded.xlsx", loaded)).sheetnames[:2] == ["summary", "daily"]
    with pytest.raises(TypeError, match="expected a run"):
        save_xlsx(tmp_path / "nothing.xlsx", object())


def test_a_workbook_is_not_replaced_without_force(tmp_path, knee):
    path = save_xlsx(tmp_path / "sweep.xlsx", knee)
    with pytest.raises(sim.ResultsExistError):
        save_xlsx(path, knee)
    save_xlsx(path, knee, force=True)


def test_the_sweep_command_writes_the_workbook_and_says_where(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(json.dumps(STOCHASTIC))
    out = tmp_path / "out"
    args = ["sweep", str(scenario), "--set", "fleet[0].count=1,2", "--workers", "1", "--out", str(out), "--xlsx"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "sweep.xlsx" in result.output and str(out) in result.output
    assert _sheets(out / "sweep.xlsx")["points_wide"][1]["fleet[0].count"] == 2
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output


def _demand_line(ax) -> tuple[float, str]:
    (line,) = [line for line in ax.get_lines() if line.get_gid() == "demand"]
    return float(line.get_ydata()[0]), line.get_label()


def test_the_knee_chart_draws_the_demand_the_command_draws(tmp_path, knee):
    """sweep.png and plots.plot_knee draw the same demand: all tons requested over the run, per day."""
    knee.save(tmp_path / "saved")
    assert knee.demand_t_per_day == pytest.approx(700 / 3)
    api, label = _demand_line(plots.plot_knee(knee))
    assert api == pytest.approx(700 / 3) and "all requested tons / days" in label
    from_folder = plots.plot_knee(sim.load_results(tmp_path / "saved"))
    loaded, _ = _demand_line(from_folder)
    assert loaded == pytest.approx(api)
    assert from_folder.get_xlabel() == plots.plot_knee(knee).get_xlabel() == "number of Il-76MD aircraft at ORIG (fleet[0].count)"
    given, label = _demand_line(plots.plot_knee(knee, demand_t_per_day=100))
    assert given == 100 and "as given" in label  # a number of one's own is drawn, and said to be one's own
    assert not [line for line in plots.plot_knee(knee, demand_t_per_day=None).get_lines() if line.get_gid() == "demand"]
    matplotlib.pyplot.close("all")


def test_load_results_reads_the_points_back_in_long_form(tmp_path, knee):
    knee.save(tmp_path / "saved")
    loaded = sim.load_results(tmp_path / "saved")
    assert list(loaded.sweep_points.columns) == list(knee.points.columns)
    assert list(loaded.sweep_points["value"]) == pytest.approx(list(knee.points["value"]), abs=1e-3, nan_ok=True)
    assert list(loaded.sweep_points_wide["fleet[0].count"]) == [1, 2]
    assert loaded.name == knee.name


def test_the_compare_command_writes_a_workbook_too(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(json.dumps({**BASE, "days": 2}))
    b.write_text(json.dumps({**BASE, "name": "bigger", "days": 2,
                             "fleet": [{"type": "Il-76MD", "count": 2, "base": "ORIG"}]}))
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", str(a), str(b), "--out", str(out), "--xlsx"])
    assert result.exit_code == 0, result.output
    assert "comparison.xlsx" in result.output
    sheets = _sheets(out / "comparison.xlsx")
    assert list(sheets) == ["comparison", "summary A", "summary B"]
    delivered = next(r for r in sheets["comparison"] if r["figure"] == "delivered_t")
    assert delivered["b"] > delivered["a"]  # two aircraft deliver more than one in two days
