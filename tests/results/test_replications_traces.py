"""A replicated run keeps the trace (sorties.csv, ground.csv, the API's rows) of its first replications only;
every figure, table and chart still counts all of them."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from helpers import scenario
from typer.testing import CliRunner

from sim import replicate
from sim.cli import app
from sim.results.gis import FlownTally, flown_legs

STOCHASTIC = {"break_per_sortie": 0.2, "repair_h": {"mean": 10, "cv": 0.5}, "replications": 5}


def _scenario():
    return scenario(days=6, requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}], stochastic=STOCHASTIC)


def _rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _summary_without_traces(path):
    summary = json.loads(path.read_text(encoding="utf-8"))
    traces = summary["replications"].pop("traces")
    return summary, traces


def test_traces_of_the_first_replications_only_and_every_figure_from_all(tmp_path):
    s = _scenario()
    full, kept = replicate(s, workers=2, traces=None), replicate(s, workers=2, traces=2)
    assert full.traced == 5 and kept.traced == 2
    assert kept.sortie_rows == [row for row in full.sortie_rows if row["replication"] < 2]
    assert kept.ground_rows == [row for row in full.ground_rows if row["replication"] < 2]
    assert {row["replication"] for row in full.sortie_rows} == set(range(5))
    a, b = full.save(tmp_path / "full"), kept.save(tmp_path / "kept")
    for name in ("sorties.csv", "ground.csv"):
        everything, first = _rows(a / name), _rows(b / name)
        assert first[0] == everything[0] and first[0][0] == "replication"
        assert {row[0] for row in first[1:]} == {"0", "1"}
        assert first[1:] == [row for row in everything[1:] if row[0] in ("0", "1")]
    for name in ("replications.csv", "daily.csv", "routes.geojson", "scenario.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    (summary_a, traces_a), (summary_b, traces_b) = (_summary_without_traces(f / "summary.json") for f in (a, b))
    assert summary_a == summary_b and (traces_a, traces_b) == (5, 2)
    assert json.loads((b / "run.json").read_text())["traces"] == 2
    none = replicate(s, workers=1, traces=0)
    assert none.sortie_rows == [] and none.summary["replications"]["traces"] == 0
    saved = none.save(tmp_path / "none")
    assert _rows(saved / "sorties.csv") == [_rows(a / "sorties.csv")[0]]
    assert (saved / "ground.png").exists() and (saved / "routes.geojson").read_bytes() == (a / "routes.geojson").read_bytes()


def test_tallies_added_in_order_count_as_the_rows_do():
    full = replicate(_scenario(), workers=1, traces=None)
    world = full.world
    from_rows = flown_legs(world, full.sortie_rows)
    assert from_rows == flown_legs(world, full.flown)
    merged = FlownTally()
    for trace in full.traces:
        merged.add(FlownTally.of_rows(list(world.phases), trace.sortie_rows()))
    assert merged.flown_legs(world) == from_rows


def test_the_command_keeps_the_traces_asked_for_and_check_says_how_many(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(_scenario().model_dump(mode="json", by_alias=True, exclude_none=True)))
    runner = CliRunner()
    done = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "r"), "--workers", "1", "--traces", "2"])
    assert done.exit_code == 0, done.output
    assert "first 2 of 5 replications" in done.output
    assert {row[0] for row in _rows(tmp_path / "r" / "sorties.csv")[1:]} == {"0", "1"}
    checked = runner.invoke(app, ["check", str(tmp_path / "r")])
    assert checked.exit_code == 0, checked.output
    assert "the traces of 2 of 5 replications" in checked.output and "every rule holds" in checked.output
    done = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "all"), "--workers", "1", "--traces", "all"])
    assert done.exit_code == 0, done.output
    assert {row[0] for row in _rows(tmp_path / "all" / "sorties.csv")[1:]} == {str(r) for r in range(5)}
    assert "5 replication(s)" in runner.invoke(app, ["check", str(tmp_path / "all")]).output
    bad = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "bad"), "--traces", "some"])
    assert bad.exit_code != 0 and "--traces" in bad.output
    # No trace kept: the run says so, and check vouches for nothing.
    done = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "none"), "--workers", "1", "--traces", "0"])
    assert done.exit_code == 0 and "hold no replication" in done.output, done.output
    checked = runner.invoke(app, ["check", str(tmp_path / "none")])
    assert checked.exit_code == 1 and "nothing to check" in checked.output and "every rule holds" not in checked.output
    with pytest.raises(ValueError, match="traces"):
        replicate(_scenario(), workers=1, traces=-3)
