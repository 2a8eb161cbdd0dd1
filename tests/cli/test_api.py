"""The Python API a notebook uses: load, change, run, replicate, sweep, save and read back, with the same
numbers as the ``airlift`` command."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import BASE, scenario
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.results.saving import REPLICATED_FILES, RUN_FILES, SWEEP_FILES

runner = CliRunner()
TEXT_FILES = ("summary.json", "scenario.json", "daily.csv", "sorties.csv", "ground.csv", "replications.csv",
              "sweep.csv", "sweep_points.csv", "comparison.csv", "summary_a.json", "summary_b.json", "routes.geojson")


def stochastic_yaml(tmp_path: Path, replications: int = 3) -> Path:
    data = {**BASE, "days": 6, "requirements": [{"from": "ORIG", "to": "DEST", "tons": 400}],
            "stochastic": {"replications": replications, "break_per_sortie": 0.2, "repair_h": {"mean": 8, "cv": 0.5},
                           "ground_time_cv": 0.3}}
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    return path


def same_text_files(a: Path, b: Path, names: list[str]) -> None:
    from sim.results.provenance import without_variable_fields

    for name in names:
        if name in TEXT_FILES:
            assert (a / name).read_text() == (b / name).read_text(), name
        elif name.endswith("run.json"):  # the same but for when and by which command it was written
            ra, rb = (json.loads((f / name).read_text()) for f in (a, b))
            assert without_variable_fields(ra) == without_variable_fields(rb), name


def test_load_scenario_takes_a_path_or_a_dict_and_reports_problems_either_way(tmp_path):
    path = stochastic_yaml(tmp_path)
    assert sim.load_scenario(path) == sim.load_scenario(json.loads(path.read_text()))
    bad = {**BASE, "fleet": [{"type": "Il-76M", "count": 1, "base": "ORIG"}]}
    with pytest.raises(sim.InputError, match=r"fleet\[0\]\.type: unknown aircraft type 'Il-76M' \(did you mean"):
        sim.load_scenario(bad)


def test_with_returns_a_new_validated_scenario_and_names_what_is_wrong():
    s = scenario(days=3)
    bigger = s.with_({"fleet[0].count": 4, "days": 5})
    assert (bigger.fleet[0].count, bigger.days) == (4, 5) and (s.fleet[0].count, s.days) == (1, 3)
    with pytest.raises(sim.OverrideError, match=r"fleet\[3\]"):
        s.with_({"fleet[3].count": 2})
    with pytest.raises(sim.OverrideError, match=r"fleet\[0\]\.count=-1"):
        s.with_({"fleet[0].count": -1})
    with pytest.raises(sim.OverrideError, match="did you mean 'Il-76MD'"):
        s.with_({"fleet[0].type": "Il-76M"})


def test_run_gives_tidy_dataframes_with_dates_and_units():
    s = scenario(days=3, requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 30},
                                       {"from": "DEST", "to": "ORIG", "tons_per_day": 10}])
    result = sim.run(s)
    daily = result.daily
    assert len(daily) == 3 * 2  # one row per day and requirement
    assert pd.api.types.is_datetime64_any_dtype(daily["date"])
    assert daily["date"].iloc[0] == pd.Timestamp("2025-01-01")
    assert daily["delivered_t"].sum() == pytest.approx(result.summary["delivered_t"])
    assert {"payload_t", "distance_km", "depart_h", "fuel_takeoff_t"} <= set(result.sorties.columns)
    assert len(result.sorties) == len(result.sortie_rows) and len(result.ground) == len(result.ground_rows)
    assert set(result.ground["activity"]) >= {"onload", "offload"}


@pytest.mark.slow
def test_save_writes_what_the_command_writes_and_load_results_reads_it_back(tmp_path):
    path = tmp_path / "det.yaml"
    path.write_text(json.dumps({**BASE, "days": 2}))
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    assert runner.invoke(app, ["run", str(path), "--out", str(cli_out)]).exit_code == 0
    result = sim.run(sim.load_scenario(path))
    result.save(api_out)
    assert sorted(p.name for p in api_out.iterdir()) == sorted(RUN_FILES)
    same_text_files(cli_out, api_out, RUN_FILES)
    assert "run.json" in RUN_FILES and "routes.geojson" in RUN_FILES
    with pytest.raises(sim.ResultsExistError):
        result.save(api_out)
    result.save(api_out, force=True)
    loaded = sim.load_results(api_out)
    pd.testing.assert_frame_equal(loaded.daily, result.daily, check_dtype=False, atol=1e-4)
    pd.testing.assert_frame_equal(loaded.sorties, result.sorties, check_dtype=False, atol=1e-4)
    assert loaded.summary["delivered_t"] == pytest.approx(result.summary["delivered_t"], abs=1e-4)
    assert loaded.scenario["name"] == "micro"


@pytest.mark.slow
def test_replicate_matches_the_command_and_does_not_depend_on_workers(tmp_path):
    path = stochastic_yaml(tmp_path)
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    assert runner.invoke(app, ["run", str(path), "--workers", "2", "--out", str(cli_out)]).exit_code == 0
    reps = sim.replicate(sim.load_scenario(path), workers=1)
    reps.save(api_out)
    same_text_files(cli_out, api_out, [n for n in REPLICATED_FILES if (api_out / n).exists()])
    assert list(reps.runs["replication"]) == [0, 1, 2]
    assert "requirement" in reps.by_requirement.columns and len(reps.by_requirement) == 3
    assert not any(": " in c for c in reps.runs.columns)  # tidy: no "<requirement>: <figure>" columns
    ci = reps.summary["replications"]["delivered_t"]
    assert ci["ci95_low"] <= reps.runs["delivered_t"].mean() <= ci["ci95_high"]
    loaded = sim.load_results(api_out)
    pd.testing.assert_frame_equal(loaded.replications, reps.runs, check_dtype=False, atol=1e-4)
    pd.testing.assert_frame_equal(loaded.replications_by_requirement, reps.by_requirement, check_dtype=False, atol=1e-4)


@pytest.mark.slow
def test_sweep_matches_the_command(tmp_path):
    path = stochastic_yaml(tmp_path, replications=2)
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    args = ["sweep", str(path), "--set", "fleet[0].count=1:2", "--workers", "1", "--out", str(cli_out)]
    assert runner.invoke(app, args).exit_code == 0
    result = sim.sweep(sim.load_scenario(path), {"fleet[0].count": range(1, 3)}, workers=2)
    result.save(api_out)
    same_text_files(cli_out, api_out, SWEEP_FILES)
    assert list(result.points_wide["fleet[0].count"]) == [1, 2] and len(result.runs) == 4
    assert set(result.by_requirement["requirement"]) == {"ORIG->DEST"}
    loaded = sim.load_results(api_out)
    pd.testing.assert_frame_equal(loaded.sweep, result.runs, check_dtype=False, atol=1e-4)


@pytest.mark.slow
def test_compare_matches_the_command(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(json.dumps({**BASE, "days": 2}))
    b.write_text(json.dumps({**BASE, "name": "bigger", "days": 2, "fleet": [{"type": "Il-76MD", "count": 2, "base": "ORIG"}]}))
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    assert runner.invoke(app, ["compare", str(a), str(b), "--out", str(cli_out)]).exit_code == 0
    comparison = sim.compare(sim.load_scenario(a), sim.load_scenario(b))
    comparison.save(api_out)
    same_text_files(cli_out, api_out, ["comparison.csv", "summary_a.json", "summary_b.json", "run.json"])
    delivered = comparison.table.set_index("figure").loc["delivered_t"]
    assert delivered["b"] - delivered["a"] == pytest.approx(delivered["difference"]) and delivered["difference"] > 0


def test_the_plotting_helpers_take_and_return_axes():
    import matplotlib.pyplot as plt

    from sim.results import plots

    result = sim.run(scenario(days=2))
    fig, ax = plt.subplots()
    assert plots.plot_throughput(result, ax=ax) is ax
    plt.close(fig)


def _module_imports(root: Path) -> dict[str, set[str]]:
    """Top-level imports (not inside functions, not under TYPE_CHECKING) of each module in sim/."""
    graph = {}
    for file in root.rglob("*.py"):
        parts = file.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found = set()
        for node in ast.parse(file.read_text()).body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("sim")}
        graph[name] = found
    return {m: {i for i in deps if i in graph and i != m} for m, deps in graph.items()}


def test_no_import_cycles():
    graph = _module_imports(Path(sim.__file__).parent)
    # A package imports its parents' __init__ first; that edge is not a cycle of ours.
    for module, deps in graph.items():
        deps -= {p for p in deps if module.startswith(p + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [module, dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_importing_sim_stays_light():
    import subprocess
    import sys

    code = "import sim, sys; print(sorted(m for m in ('pandas', 'matplotlib', 'scipy', 'simpy') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
