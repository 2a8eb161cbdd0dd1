"""Charts drawn by a process started ahead of the run: each group of jobs in a fork of its own, the files those
of drawing in turn, an error raised in the parent. Fork-based, so checked in a new process of its own (a
pytest-xdist worker runs threads, where nothing forks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

from conftest import BASE

from sim.results.drawers import draw, drawing_ahead

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import functools, json, os, sys
from pathlib import Path
from sim.results.drawers import draw, drawing_ahead

out = Path(sys.argv[1])

def mark(name):
    (out / name).write_text(str(os.getpid()))

def fail():
    raise ValueError("a chart failed")

with drawing_ahead():
    draw(functools.partial(mark, "here"), [[functools.partial(mark, "a")],
                                           [functools.partial(mark, "b"), functools.partial(mark, "c")]])
    try:
        draw(lambda: None, [[fail]])
    except ValueError as error:
        (out / "raised").write_text(f"{os.getpid()} {error}")
    draw(functools.partial(mark, "again"), [[functools.partial(mark, "d")]])
(out / "parent").write_text(str(os.getpid()))
"""


def _python(*args: str, draw_beside: str = "1") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIRLIFT_DRAW_BESIDE": draw_beside, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_each_group_is_drawn_in_a_fork_and_an_error_is_raised_in_the_parent(tmp_path):
    done = _python("-c", SCRIPT, str(tmp_path))
    assert done.returncode == 0, done.stderr
    pid = {name: (tmp_path / name).read_text() for name in ("parent", "here", "a", "b", "c", "d", "again")}
    assert pid["here"] == pid["again"] == pid["parent"]
    assert len({pid["a"], pid["b"], pid["d"], pid["parent"]}) == 4  # a fork per group, every time
    assert pid["b"] == pid["c"]  # a group's jobs in one fork, in turn
    assert (tmp_path / "raised").read_text() == f"{pid['parent']} a chart failed"


def test_from_the_library_every_job_runs_in_this_process(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRLIFT_DRAW_BESIDE", raising=False)
    pids: list[int] = []
    with drawing_ahead():
        draw(lambda: pids.append(os.getpid()), [[partial(pids.append, os.getpid())], [lambda: pids.append(os.getpid())]])
    assert pids == [os.getpid()] * 3


def test_a_run_draws_the_same_charts_with_a_drawer_ahead_as_without(tmp_path):
    data = {**BASE, "days": 3, "airfields": {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": 1}}}
    path = tmp_path / "micro.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    files = {}
    for beside in ("1", "0"):
        out = tmp_path / f"out{beside}"
        done = _python("-m", "sim", "run", str(path), "--out", str(out), draw_beside=beside)
        assert done.returncode == 0, done.stderr
        files[beside] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert sorted(files["1"]) == sorted(files["0"])
    assert {n for n in files["1"] if n.endswith(".png")} == {"throughput.png", "ground.png", "routes.png"}
    for name, content in files["1"].items():
        if name != "run.json":  # its provenance has the time of writing
            assert content == files["0"][name], name
