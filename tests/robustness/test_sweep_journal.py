"""The sweep journal survives what interruptions do to it: an empty or torn file, a torn last line, a
second interrupt; and the message counts the runs kept."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.cli import experiments as cli_experiments
from sim.cli.experiments import _resume, _start_journal

SWEEP = "scenarios/lose_hmeimim_sweep.yaml"


@pytest.mark.parametrize("content", ["", '{"sweep_i', "\n"])
def test_an_empty_or_torn_journal_starts_afresh(tmp_path, content):
    journal = tmp_path / ".sweep-partial.jsonl"
    journal.write_text(content)
    assert _resume(journal, "id", resume=True, force=False) == {}


def test_torn_lines_and_repeated_headers_are_skipped_and_the_journal_rewritten_whole(tmp_path):
    journal = tmp_path / ".sweep-partial.jsonl"
    row = {"point": 0, "replication": 1, "delivered_t": 5.0}
    journal.write_text(json.dumps({"sweep_id": "id"}) + "\n" + json.dumps({"sweep_id": "id"}) + "\n"
                       + json.dumps(row) + "\n" + '{"point": 0, "repl')
    done = _resume(journal, "id", resume=True, force=False)
    assert done == {(0, 1): row}
    _start_journal(journal, "id", done)
    assert journal.read_text().splitlines() == [json.dumps({"sweep_id": "id"}), json.dumps(row)]


def test_an_interrupt_counts_the_runs_kept_and_a_second_one_resumes(tmp_path, monkeypatch):
    calls = []

    def interrupted(plan, *, workers=None, dask=None, done=None, on_row=None):
        calls.append(dict(done or {}))
        for replication in range(2):
            if (0, replication + len(done or {})) not in (done or {}):
                on_row({"point": 0, "replication": replication + len(done or {}), "delivered_t": 1.0})
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_experiments, "run_sweep", interrupted)
    command = ["sweep", SWEEP, "--set", "fleet[0].count=4,6", "--replications", "5", "--workers", "1",
               "--out", str(tmp_path / "sw")]
    first = CliRunner().invoke(app, command)
    assert first.exit_code == 130 and "interrupted: 2 of 10 runs kept" in first.output
    second = CliRunner().invoke(app, [*command, "--resume"])
    assert second.exit_code == 130 and "interrupted: 4 of 10 runs kept" in second.output
    assert len(calls[1]) == 2
    third = CliRunner().invoke(app, [*command, "--resume"])
    assert third.exit_code == 130 and len(calls[2]) == 4
