"""The airlift command: results folders, overwriting, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from sim.cli import app

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
runner = CliRunner()

GOOD = """\
name: tiny
start_date: 2024-12-08
days: 3
fleet:
  - {type: Il-76MD, count: 2, base: HLLB}
requirements:
  - {from: HLLB, to: HL69, tons: 200}
"""


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.slow
def test_run_writes_its_outputs_and_check_verifies_them(tmp_path):
    (tmp_path / "s.yaml").write_text(GOOD)
    out = tmp_path / "res"
    result = invoke("run", tmp_path / "s.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["daily.csv", "ground.csv", "ground.png", "routes.geojson",
                                                     "routes.png", "routes_airfields.geojson", "routes_areas.geojson",
                                                     "run.json", "scenario.json", "sorties.csv", "summary.json",
                                                     "throughput.png"]
    checked = invoke("check", out)
    assert checked.exit_code == 0, checked.output
    assert "every rule holds" in checked.output
    # A tampered trace fails: one leg made to carry 100 t more than the aircraft took aboard.
    lines = (out / "sorties.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    k = header.index("payload_t")
    cells[k] = str(float(cells[k]) + 100)
    (out / "sorties.csv").write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    tampered = invoke("check", out)
    assert tampered.exit_code == 1 and "problem" in tampered.output
    assert invoke("check", tmp_path).exit_code == 2  # not a results folder
    summary = json.loads((out / "summary.json").read_text())
    assert summary["delivered_t"] + summary["in_transit_t"] + summary["backlog_t"] == pytest.approx(summary["requested_t"])
    header = (out / "sorties.csv").read_text().splitlines()[0].split(",")
    assert header[:9] == ["aircraft", "type", "origin", "destination", "depart_h", "arrive_h", "payload_t",
                          "distance_km", "fuel_stop"]
    assert (out / "daily.csv").read_text().startswith("day,date,requirement,origin,destination,delivered_t,sorties")


@pytest.mark.slow
def test_existing_results_are_not_overwritten_without_force(tmp_path):
    (tmp_path / "s.yaml").write_text(GOOD)
    out = tmp_path / "res"
    assert invoke("run", tmp_path / "s.yaml", "--out", out).exit_code == 0
    (out / "marker").write_text("keep")
    result = invoke("run", tmp_path / "s.yaml", "--out", out)
    assert result.exit_code == 2
    assert "--force" in result.output
    assert (out / "marker").read_text() == "keep"
    assert invoke("run", tmp_path / "s.yaml", "--out", out, "--force").exit_code == 0
    assert (out / "marker").read_text() == "keep"  # only the run's own files are replaced
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow
def test_default_folder_is_results_name(tmp_path, monkeypatch):
    (tmp_path / "s.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    assert invoke("run", "s.yaml").exit_code == 0
    assert (tmp_path / "results" / "tiny" / "summary.json").exists()


@pytest.mark.slow
def test_seed_option_is_recorded(tmp_path):
    (tmp_path / "s.yaml").write_text(GOOD)
    assert invoke("run", tmp_path / "s.yaml", "--out", tmp_path / "r", "--seed", "42").exit_code == 0
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["seed"] == 42


BAD_CASES = {
    "yaml syntax": ("name: x\nfleet: [\n", "s.yaml:3:1", "YAML syntax error"),
    "unknown key": (GOOD.replace("days: 3", "days: 3\nhorizon: 5"), "s.yaml:4:1: horizon", "unknown key"),
    "typo in nested key": (GOOD.replace("count: 2", "cont: 2"), "fleet[0].cont", "did you mean 'count'"),
    "unknown aircraft type": (GOOD.replace("Il-76MD", "Il-76MF"), "fleet[0].type", "did you mean 'Il-76MD'"),
    "unknown airfield": (GOOD.replace("to: HL69", "to: HL99"), "requirements[0].to", "unknown airfield 'HL99'"),
    "wrong type": (GOOD.replace("days: 3", "days: three"), "s.yaml:3:1: days", "valid integer"),
    "negative count": (GOOD.replace("count: 2", "count: -1"), "fleet[0].count", "greater than or equal to 0"),
    "negative tons": (GOOD.replace("tons: 200", "tons: -5"), "requirements[0].tons", "greater than 0"),
    "bad name": (GOOD.replace("name: tiny", "name: ../etc"), "s.yaml:1:1: name", "plain folder name"),
    "same airfield": (GOOD.replace("to: HL69", "to: HLLB"), "s.yaml:7:5: requirements[0]", "same airfield"),
    "not a mapping": ("- a\n- b\n", "s.yaml:1:1", "expected a mapping"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_exits_2_with_location_and_writes_nothing(tmp_path, case):
    text, where, what = BAD_CASES[case]
    path = tmp_path / "s.yaml"
    path.write_text(text)
    for command in ("run", "validate"):
        result = invoke(command, path, *(["--out", tmp_path / "res"] if command == "run" else []))
        assert result.exit_code == 2, result.output
        assert where in result.output and what in result.output, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "res").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"]


def test_missing_file_is_a_clean_error(tmp_path):
    result = invoke("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 2 and "cannot read" in result.output


def test_schema_is_json_schema():
    result = invoke("schema")
    schema = json.loads(result.output)
    assert "fleet" in schema["properties"] and "requirements" in schema["required"]


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenarios_run(path, tmp_path):
    few = ["--replications", "2", "--workers", "1"] if "stochastic:" in path.read_text() else []
    result = invoke("run", path, "--out", tmp_path / "r", *few)
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["delivered_t"] > 0
    assert summary["requested_t"] == pytest.approx(summary["delivered_t"] + summary["in_transit_t"] + summary["backlog_t"])


@pytest.mark.slow
def test_console_script_exit_code_and_no_traceback(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("count: 2", "count: -1"))
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert "fleet[0].count" in proc.stderr and "Traceback" not in proc.stderr


def test_the_documented_scenario_example_is_valid(tmp_path):
    text = (ROOT / "docs" / "reference" / "scenario.md").read_text()
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "example.yaml").write_text(example)
    result = invoke("validate", tmp_path / "example.yaml")
    assert result.exit_code == 0, result.output
