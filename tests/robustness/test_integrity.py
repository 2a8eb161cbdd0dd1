"""Damaged results are found and named: run.json seals every file (sha256 and rows), `airlift check`
and load_results verify it first, a row cut in half is an error, and an empty trace is not "every
rule holds"."""

from __future__ import annotations

import json

import pytest
from helpers import scenario
from typer.testing import CliRunner

from sim import run
from sim.cli import app
from sim.results.checks import DamagedResultsError, check_folder
from sim.results.integrity import verify
from sim.results.reading import load_results


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sealed") / "run"
    run(scenario(days=2)).save(folder)
    return folder


def _copy(saved, tmp_path):
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(saved, target)
    return target


def test_run_json_records_every_file_with_its_sha256_and_rows(saved):
    files = json.loads((saved / "run.json").read_text())["files"]
    assert {"summary.json", "sorties.csv", "ground.csv", "daily.csv", "routes.png"} <= set(files)
    lines = (saved / "sorties.csv").read_text().splitlines()
    assert files["sorties.csv"]["rows"] == len(lines) - 1 > 0
    assert verify(saved) == [] and check_folder(saved).ok


def test_a_deleted_row_is_found_and_the_file_named(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    lines = (folder / "sorties.csv").read_text().splitlines(keepends=True)
    (folder / "sorties.csv").write_text("".join(lines[:-1]))
    report = check_folder(folder)
    assert report.damaged and report.problems == (
        f"{folder / 'sorties.csv'}: damaged: {len(lines) - 2} rows where the run wrote {len(lines) - 1}",)
    with pytest.raises(DamagedResultsError, match="sorties.csv"):
        load_results(folder)
    done = CliRunner().invoke(app, ["check", str(folder)])
    assert done.exit_code == 1 and "sorties.csv: damaged" in done.output and "every rule holds" not in done.output


def test_an_edited_number_is_found(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    text = (folder / "summary.json").read_text()
    (folder / "summary.json").write_text(text.replace('"delivered_t": ', '"delivered_t": 1', 1))
    assert any("summary.json: damaged" in p for p in verify(folder))


def test_a_row_cut_in_half_is_an_error_even_without_the_seal(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    record = json.loads((folder / "run.json").read_text())
    record.pop("files")
    (folder / "run.json").write_text(json.dumps(record))
    lines = (folder / "sorties.csv").read_text().splitlines(keepends=True)
    lines[1] = lines[1][: len(lines[1]) // 3] + "\n"
    (folder / "sorties.csv").write_text("".join(lines))
    with pytest.raises(DamagedResultsError, match="line 2"):
        check_folder(folder)
    with pytest.raises(DamagedResultsError, match="line 2"):
        load_results(folder)


def test_header_only_traces_are_reported_not_passed(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    record = json.loads((folder / "run.json").read_text())
    record.pop("files")
    (folder / "run.json").write_text(json.dumps(record))
    for name in ("sorties.csv", "ground.csv"):
        header = (folder / name).read_text().splitlines()[0]
        (folder / name).write_text(header + "\n")
    done = CliRunner().invoke(app, ["check", str(folder)])
    assert done.exit_code == 1 and "holds no legs" in done.output and "every rule holds" not in done.output


def test_a_run_that_flew_nothing_says_no_rule_was_tested(tmp_path):
    folder = tmp_path / "idle"
    run(scenario(days=1, requirements=[{"from": "ORIG", "to": "DEST", "tons": 10, "day": 0.99}])).save(folder)
    done = CliRunner().invoke(app, ["check", str(folder)])
    if json.loads((folder / "summary.json").read_text())["sorties"] == 0:
        assert done.exit_code == 1 and "no rule was tested" in done.output
    else:
        assert done.exit_code == 0
