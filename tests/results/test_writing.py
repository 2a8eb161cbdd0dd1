"""run_beside: two jobs that write different files, the second in a forked child when that is safe; the
files are those that running the jobs in turn writes, and an error in the child is raised here."""

from __future__ import annotations

import os
import threading

import pytest

from sim.results.writing import run_beside


def test_both_jobs_write_their_files(tmp_path):
    run_beside(lambda: (tmp_path / "a.txt").write_text("a"), lambda: (tmp_path / "b.txt").write_text(str(os.getpid())))
    assert (tmp_path / "a.txt").read_text() == "a"
    assert (tmp_path / "b.txt").exists()


def test_the_child_runs_beside_when_no_thread_runs(tmp_path):
    # In a new process, where no thread runs (a pytest-xdist worker runs threads: run_beside never forks there).
    import subprocess
    import sys

    code = ("import os, sys; from pathlib import Path; from sim.results.writing import run_beside;"
            "os.environ['AIRLIFT_DRAW_BESIDE'] = '1';"
            "run_beside(lambda: None, lambda: Path(sys.argv[1]).write_text(str(os.getpid()))); print(os.getpid())")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "pid")], capture_output=True, text=True,
                          check=True)
    assert int((tmp_path / "pid").read_text()) != int(done.stdout)


def test_from_the_library_the_jobs_run_in_turn_in_this_process(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRLIFT_DRAW_BESIDE", raising=False)
    pids = []
    run_beside(lambda: pids.append(os.getpid()), lambda: pids.append(os.getpid()))
    assert pids == [os.getpid(), os.getpid()]


def test_an_error_beside_is_raised_here(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRLIFT_DRAW_BESIDE", "1")
    calls = []

    def failing() -> None:
        calls.append(os.getpid())
        raise ValueError("no chart")

    with pytest.raises(ValueError, match="no chart"):
        run_beside(lambda: (tmp_path / "a.txt").write_text("a"), failing)
    assert os.getpid() in calls  # run again here, so the error is this process's


def test_with_another_thread_running_the_jobs_run_in_turn(tmp_path):
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        order = []
        run_beside(lambda: order.append(("here", os.getpid())), lambda: order.append(("beside", os.getpid())))
        assert order == [("here", os.getpid()), ("beside", os.getpid())]
    finally:
        stop.set()
        worker.join()


def test_a_replicated_run_writes_the_same_files_with_its_charts_beside_or_in_turn(tmp_path, monkeypatch):
    from helpers import scenario

    from sim.experiments.replications import replicate

    breaks = {"break_per_sortie": 0.2, "repair_h": {"mean": 10, "cv": 0.5}, "maintenance_at": ["ORIG", "DEST"]}
    result = replicate(scenario(days=6, requirements=[{"from": "ORIG", "to": "DEST", "tons": 600}], stochastic=breaks,
                                fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}]), 3, workers=1)
    monkeypatch.delenv("AIRLIFT_DRAW_BESIDE", raising=False)
    result.save(tmp_path / "in_turn")
    monkeypatch.setenv("AIRLIFT_DRAW_BESIDE", "1")  # as the command sets it: beside, when no thread runs
    result.save(tmp_path / "beside")
    names = sorted(p.name for p in (tmp_path / "in_turn").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "beside").iterdir())
    assert {"throughput.png", "routes.png", "ground.png", "closure.png"} <= set(names)
    for name in names:
        if name != "run.json":  # which records when it was written
            assert (tmp_path / "in_turn" / name).read_bytes() == (tmp_path / "beside" / name).read_bytes(), name
