"""Charts drawn in a pool started ahead of the run (standard library: a forkserver that has loaded the
charting code): each group of jobs runs in a worker, the tables here meanwhile; a chart's error is raised
here. Checked in a new process of its own, as the command runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

JOBS = """
import os
from pathlib import Path

def mark(out, name):
    (Path(out) / name).write_text(str(os.getpid()))

def fail():
    raise ValueError("a chart failed")
"""

SCRIPT = """
import functools, os, sys
from pathlib import Path
from sim.results.chart_pool import charts_ahead
from sim.results.saving import draw
from chartjobs import fail
import chartjobs

out = Path(sys.argv[1])
mark = functools.partial(chartjobs.mark, str(out))

with charts_ahead() as pool:
    (out / "pool").write_text(str(pool is not None))
    draw(functools.partial(mark, "here"), [[functools.partial(mark, "a")],
                                           [functools.partial(mark, "b"), functools.partial(mark, "c")]])
    try:
        draw(functools.partial(mark, "here2"), [[fail]])
    except ValueError as error:
        (out / "raised").write_text(f"{os.getpid()} {error}")
(out / "parent").write_text(str(os.getpid()))
"""


def _python(*args: str, draw_beside: str) -> subprocess.CompletedProcess:
    """Run the script with the jobs in a module of their own (a worker imports them by name)."""
    jobs = Path(args[-1]) / "jobs"
    jobs.mkdir(exist_ok=True)
    (jobs / "chartjobs.py").write_text(JOBS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(jobs)]), "AIRLIFT_DRAW_BESIDE": draw_beside,
           "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_chart_jobs_run_in_the_pool_and_an_error_is_raised_in_the_parent(tmp_path):
    done = _python("-c", SCRIPT, str(tmp_path), draw_beside="1")
    assert done.returncode == 0, done.stderr
    pid = {name: (tmp_path / name).read_text() for name in ("parent", "here", "here2", "a", "b", "c")}
    assert (tmp_path / "pool").read_text() == "True"
    assert pid["here"] == pid["here2"] == pid["parent"]
    assert pid["a"] != pid["parent"] and pid["b"] != pid["parent"]
    assert pid["b"] == pid["c"]  # a group's jobs in one worker, in turn
    assert (tmp_path / "raised").read_text() == f"{pid['parent']} a chart failed"


def test_without_the_command_every_job_runs_in_this_process(tmp_path):
    done = _python("-c", SCRIPT, str(tmp_path), draw_beside="0")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pool").read_text() == "False"
    pids = {(tmp_path / name).read_text() for name in ("parent", "here", "a", "b", "c")}
    assert len(pids) == 1
