"""airlift uncertainty: the inputs that decide the answer rank first, the spread is reported in words, and
the numbers do not depend on how the runs are spread over processes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import PARKING, ROOT, parking_scenario
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.experiments.uncertainty import plan_study, run_study, uncertainty
from sim.scenario.uncertain import Input, catalogue_inputs, study_inputs

runner = CliRunner()
SCENARIOS = ROOT / "scenarios"

@pytest.mark.parametrize("method", ["sobol", "morris", "lhs"])
def test_the_binding_working_mog_ranks_first_and_the_unused_input_last(method):
    result = uncertainty(parking_scenario(), PARKING, samples=8, method=method, workers=1)
    ranked = [i["path"] for i in result.summary["inputs"]]
    assert ranked == ["airfields.DEST.mog", "aircraft.Il-76MD.offload_h", "aircraft.Il-76MD.refuel_h"]
    parking = result.summary["inputs"][0]
    assert parking["rank"] == 1 and parking["swing"] > 100 and parking["outcome_at_high"] > parking["outcome_at_low"]
    unused = result.summary["inputs"][-1]
    assert unused["swing"] == 0


def test_common_random_numbers_leave_an_unused_input_exactly_zero_on_a_stochastic_scenario():
    s = parking_scenario(stochastic={"break_per_sortie": 0.2, "repair_h": {"mean": 6, "cv": 0.5},
                                     "ground_time_cv": 0.3, "maintenance_at": ["ORIG"], "replications": 3})
    result = uncertainty(s, PARKING, samples=8, method="sobol", workers=1)
    unused = next(i for i in result.summary["inputs"] if i["path"] == "aircraft.Il-76MD.refuel_h")
    assert unused["swing"] == 0 and unused["ST"] == 0 and unused["S1"] == 0
    assert result.summary["replications"] == 3
    assert {t.replication for t in result.plan.tasks() if t.point == 5} == {0, 1, 2}


def test_the_summary_says_the_spread_and_the_share_that_closes():
    result = uncertainty(parking_scenario(), PARKING, samples=8, method="lhs", workers=1)
    s = result.summary
    assert set(s) >= {"outcome", "samples", "quantiles", "inputs"}
    assert s["samples"] == 8 and s["outcome"] == "delivered_t"
    q = s["quantiles"]
    assert s["min"] <= q["p10"] <= q["p50"] <= q["p90"] <= s["max"]
    assert 0 <= s["share_closed"] <= 1 and s["close_by_day"] == 1
    delivered = sorted(result.samples["delivered_t"])
    assert q["p50"] == pytest.approx((delivered[3] + delivered[4]) / 2)
    keep = result.samples["airfields.DEST.mog"] >= 4  # e.g. the samples an observation allows
    assert result.quantiles(keep)["p10"] >= q["p10"]


def test_the_distribution_is_drawn_beside_the_analysis_and_its_files_are_the_same(tmp_path, monkeypatch):
    result = uncertainty(parking_scenario(), PARKING, samples=8, method="lhs", workers=1)
    # distribution.png reads the share that closes without the analysis: the same as the summary's
    assert "sensitivity_rows" not in vars(result) and "summary" not in vars(result)
    closed, deadline = result.share_closed, result.close_by_day
    assert (closed, deadline) == (result.summary["share_closed"], result.summary["close_by_day"])
    monkeypatch.delenv("AIRLIFT_DRAW_BESIDE", raising=False)
    result.save(tmp_path / "in_turn")
    monkeypatch.setenv("AIRLIFT_DRAW_BESIDE", "1")  # as the command sets it: beside, when no thread runs
    result.save(tmp_path / "beside")
    for name in ("uncertainty.csv", "sensitivity.csv", "uncertainty.json", "tornado.png", "distribution.png"):
        assert (tmp_path / "in_turn" / name).read_bytes() == (tmp_path / "beside" / name).read_bytes(), name


def test_serial_and_two_workers_give_the_same_numbers():
    serial = uncertainty(parking_scenario(), PARKING, samples=6, method="lhs", workers=1)
    pooled = uncertainty(parking_scenario(), PARKING, samples=6, method="lhs", workers=2)
    assert serial.summary == pooled.summary
    assert serial.sample_rows == pooled.sample_rows


def test_the_seed_fixes_the_sampled_points():
    s = parking_scenario()
    a, b = (plan_study(s.with_({}), [Input("airfields.DEST.mog", "whole", 1, 6, 1, "scenario")],
                       method="lhs", samples=5, seed=seed) for seed in (1, 1))
    c = plan_study(s, [Input("airfields.DEST.mog", "whole", 1, 6, 1, "scenario")], method="lhs", samples=5, seed=2)
    assert (a.unit == b.unit).all() and not (a.unit == c.unit).all()


def test_choices_and_whole_numbers_map_from_the_unit_interval():
    closed = Input("airspace.open", "choice", [], ["GEO"], [], "scenario", choices=([], ["GEO"]))
    assert [closed.value_at(u) for u in (0.0, 0.49, 0.5, 1.0)] == [[], [], ["GEO"], ["GEO"]]
    spots = Input("airfields.HL59.parking_mog", "whole", 4, 8, 4, "assumed")
    assert [spots.value_at(u) for u in (0.0, 0.19, 0.2, 0.99, 1.0)] == [4, 4, 5, 8, 8]
    hours = Input("aircraft.Il-76MD.offload_h", "range", 2.0, 4.25, 3.25, "assumed")
    assert hours.value_at(0.5) == pytest.approx(3.125)


def test_discrete_choices_of_airspace_and_fuel_reach_the_scenarios():
    s = sim.load_scenario(SCENARIOS / "russia_libya_dec2024.yaml")
    s = s.with_({"uncertainty": {"airspace.open": [[], ["GEO"]], "airfields.HL59.fuel": [False, True]}})
    plan = plan_study(s, method="lhs", samples=4)
    swings = [p for p in plan.points if p.kind == "swing"]
    assert [p.values for p in swings] == [{"airspace.open": []}, {"airspace.open": ["GEO"]},
                                          {"airfields.HL59.fuel": False}, {"airfields.HL59.fuel": True}]
    assert swings[1].scenario["airspace"]["open"] == ["GEO"] and swings[3].scenario["airfields"]["HL59"]["fuel"] is True
    assert all(p.scenario["airspace"]["open"] in ([], ["GEO"]) for p in plan.points if p.kind == "sample")
    assert "uncertainty" not in plan.points[0].scenario


def test_without_a_block_the_catalogue_ranges_of_the_numbers_used_are_varied():
    s = sim.load_scenario(SCENARIOS / "belarus_bridge.yaml")
    inputs = study_inputs(s)
    paths = [i.path for i in inputs]
    assert paths and all(p.startswith(("aircraft.Il-76MD.", "airfields.UMLI.", "airfields.HLLB.")) for p in paths)
    assert "aircraft.Il-76MD.offload_h" in paths and "airfields.HLLB.parking_mog" in paths
    assert "aircraft.Il-76MD.fuel_burn_t_per_h" not in paths  # closed-form only: runs do not use it
    assert "aircraft.Il-76MD.payload_range[2][1]" in paths  # the assumed 20 t -> 6,000-7,000 km point
    assert "aircraft.Il-76MD.payload_range[1][1]" not in paths  # sourced (its range: two sources disagree)
    assert all(i.grade in ("assumed", "derived") and i.low < i.high for i in inputs)
    offload = next(i for i in inputs if i.path == "aircraft.Il-76MD.offload_h")
    assert (offload.low, offload.base, offload.high) == (2, 3.25, 4.25)


def test_a_number_the_scenario_sets_to_its_own_value_is_not_varied():
    s = sim.load_scenario(SCENARIOS / "belarus_bridge.yaml").with_({"aircraft.Il-76MD.offload_h": 2.5})
    assert "aircraft.Il-76MD.offload_h" not in [i.path for i in catalogue_inputs(s)]


def test_a_block_overrides_the_catalogue_range_and_catalogue_adds_the_rest():
    s = sim.load_scenario(SCENARIOS / "belarus_bridge.yaml").with_(
        {"uncertainty": {"aircraft.Il-76MD.offload_h": [3.0, 3.5]}})
    only = study_inputs(s)
    assert [(i.path, i.low, i.high, i.grade) for i in only] == [("aircraft.Il-76MD.offload_h", 3.0, 3.5, "assumed")]
    both = [i.path for i in study_inputs(s, catalogue=True)]
    assert both[0] == "aircraft.Il-76MD.offload_h" and both.count("aircraft.Il-76MD.offload_h") == 1 and len(both) > 5


def _write(tmp_path: Path, block: str) -> Path:
    path = tmp_path / "study.yaml"
    text = (SCENARIOS / "belarus_bridge.yaml").read_text(encoding="utf-8")
    path.write_text(text + block, encoding="utf-8")
    return path


@pytest.mark.parametrize("block, line, expected", [
    ("uncertainty:\n  airfields.HLLB.parking_mog: [9, 3]\n", 2, "expected LOW <= HIGH"),
    ("uncertainty:\n  aircraft.Il-76MD.offlod_h: [2, 4]\n", 2, "no field 'offlod_h'"),
    ("uncertainty:\n  airfields.HLLB.fuel: [0, 1]\n", 2, "fuel takes choices true and false"),
    ("uncertainty:\n  airfields.HLLB.parking_mog: [3.5, 9]\n", 2, "whole numbers"),
    ("uncertainty:\n  aircraft.Il-76MD.offload_h: 3\n", 2, "expected [LOW, HIGH]"),
    ("uncertainty:\n  fleet[4].count: [1, 3]\n", 2, "fleet[4]"),
])
def test_a_bad_block_is_one_line_with_file_line_and_path_and_exit_2(tmp_path, block, line, expected):
    path = _write(tmp_path, block)
    lines = path.read_text(encoding="utf-8").count("\n") - block.count("\n")
    done = runner.invoke(app, ["uncertainty", str(path), "--samples", "2"])
    assert done.exit_code == 2
    assert f"{path}:{lines + line}:" in done.output and "uncertainty." in done.output and expected in done.output
    assert "Traceback" not in done.output


def test_the_command_writes_its_files_and_prints_json(tmp_path):
    path = tmp_path / "parking.yaml"
    data = parking_scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["uncertainty"] = PARKING
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "study"
    done = runner.invoke(app, ["uncertainty", str(path), "--samples", "4", "--method", "sobol", "--workers", "1",
                               "--out", str(out), "--json"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output)
    assert summary["inputs"][0]["path"] == "airfields.DEST.mog" and summary["inputs"][0]["rank"] == 1
    for name in ("uncertainty.csv", "sensitivity.csv", "uncertainty.json", "tornado.png", "distribution.png"):
        assert (out / name).stat().st_size > 0
    with (out / "sensitivity.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:7] == ["rank", "path", "low", "high", "base", "grade", "delivered_t_at_low"]
    assert {"swing_t", "S1", "S1_conf", "ST", "ST_conf"} <= set(rows[0])
    with (out / "uncertainty.csv").open(encoding="utf-8") as fh:
        samples = list(csv.DictReader(fh))
    assert len(samples) == 4 * (3 + 2) and {"delivered_t", "closure_day", *PARKING} <= set(samples[0])
    again = runner.invoke(app, ["uncertainty", str(path), "--samples", "4", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


def test_resume_completes_an_interrupted_study_with_the_same_numbers(tmp_path):
    path = tmp_path / "parking.yaml"
    data = parking_scenario().model_dump(mode="json", by_alias=True, exclude_none=True)
    data["uncertainty"] = PARKING
    path.write_text(json.dumps(data), encoding="utf-8")
    plan = plan_study(sim.load_scenario(path), method="lhs", samples=6)
    full = run_study(plan, workers=1)
    out = tmp_path / "study"
    out.mkdir()
    half = full.rows[: len(full.rows) // 2]
    journal = [json.dumps({"study_id": plan.study_id}), *(json.dumps(r) for r in half)]
    (out / ".uncertainty-partial.jsonl").write_text("\n".join(journal) + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["uncertainty", str(path), "--samples", "6", "--method", "lhs", "--out", str(out)])
    assert refused.exit_code == 2 and "--resume" in refused.output
    done = runner.invoke(app, ["uncertainty", str(path), "--samples", "6", "--method", "lhs", "--workers", "1",
                               "--out", str(out), "--resume", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["quantiles"] == full.summary["quantiles"]
    assert not (out / ".uncertainty-partial.jsonl").exists()


def test_an_unknown_outcome_or_method_is_refused():
    s = parking_scenario()
    with pytest.raises(sim.OverrideError, match="outcome"):
        plan_study(s, [Input("airfields.DEST.mog", "whole", 1, 6, 1, "scenario")], outcome="tons")
    with pytest.raises(sim.OverrideError, match="method"):
        plan_study(s, [Input("airfields.DEST.mog", "whole", 1, 6, 1, "scenario")], method="fast")


def test_operations_crews_per_aircraft_sets_the_crew_ratio_of_every_fleet_entry():
    s = sim.load_scenario(SCENARIOS / "lose_hmeimim.yaml").with_(
        {"uncertainty": {"operations.crews_per_aircraft": [1.5, 3.0]}})
    (crews,) = study_inputs(s)
    assert (crews.low, crews.high, crews.base, crews.grade) == (1.5, 3.0, 3.0, "assumed")
    plan = plan_study(s, method="lhs", samples=3)
    low = next(p for p in plan.points if p.kind == "swing")
    assert [f["crews_per_aircraft"] for f in low.scenario["fleet"]] == [1.5, 1.5]
    assert "operations.crews_per_aircraft" in plan.points[-1].values
