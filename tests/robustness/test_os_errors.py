"""Every OS error is one line and exit 2, found before simulating where it can be: --out a file or
under one, a full disk, a file in another encoding than UTF-8."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sim.cli import app

SCENARIO = "scenarios/belarus_bridge.yaml"


def _one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_out_a_file_is_refused_before_simulating(tmp_path, monkeypatch):
    from sim.cli import runs

    target = tmp_path / "taken"
    target.write_text("a file")
    monkeypatch.setattr(runs, "run_with_progress", lambda *_: pytest.fail("simulated before checking --out"))
    line = _one_line_exit_2(CliRunner().invoke(app, ["run", SCENARIO, "--out", str(target), "--force"]))
    assert "is a file, not a folder" in line


def test_out_under_a_file_is_refused_before_simulating(tmp_path, monkeypatch):
    from sim.cli import runs

    (tmp_path / "file").write_text("x")
    monkeypatch.setattr(runs, "run_with_progress", lambda *_: pytest.fail("simulated before checking --out"))
    line = _one_line_exit_2(CliRunner().invoke(app, ["run", SCENARIO, "--out", str(tmp_path / "file" / "sub")]))
    assert line.endswith("file is a file, not a folder: cannot write " + str(tmp_path / "file" / "sub") + " under it")


def test_a_full_disk_is_one_line(tmp_path, monkeypatch):
    from sim.results import saving

    def full(path, *_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(saving, "write_json", full)
    line = _one_line_exit_2(CliRunner().invoke(app, ["run", SCENARIO, "--out", str(tmp_path / "r")]))
    assert line.endswith("No space left on device") and not (tmp_path / "r").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_latin_1_flights_file_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "flights.csv"
    path.write_bytes("date,type,origin,destination,source\n2024-12-07,Il-76MD,OSLK,UUMU,Hmeimim à Moscou\n"
                     .encode("latin-1"))
    done = subprocess.run([sys.executable, "-m", "sim", "estimate", str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"{path}:2:38: not UTF-8 text: byte 0xe0 cannot be decoded; "
                                                "save the file as UTF-8"]


@pytest.mark.parametrize("row, expected", [
    ("2024-13-45,Il-76MD,OSLK,UUMU", "date: expected a date written YYYY-MM-DD"),
    ("yesterday,Il-76MD,OSLK,UUMU", "date: expected a date written YYYY-MM-DD"),
    (",Il-76MD,OSLK,UUMU", "date: expected a date written YYYY-MM-DD"),
    ('2024-12-07,Il-76MD,OSLK,UUMU,"an open quote\n2024-12-08,Il-76MD,OSLK,UUMU', "quote left open"),
])
def test_bad_dates_and_open_quotes_in_flights_are_errors_not_lost_rows(tmp_path, row, expected):
    from sim.experiments.estimate import FlightsError, read_flights

    path = tmp_path / "flights.csv"
    path.write_text("date,type,origin,destination,source\n" + row + "\n")
    with pytest.raises(FlightsError) as caught:
        read_flights(path)
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems
