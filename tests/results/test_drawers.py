"""The drawer `airlift run` forks first thing: each group of chart jobs in a fork of its own, the files those of
drawing in turn, an error raised in the parent, the drawer ended with the command. Fork-based, so checked in
new processes (a pytest-xdist worker runs threads)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial

from helpers import BASE, ROOT, scenario

from sim.results import drawers

SCRIPT = """
import functools, os, sys
from pathlib import Path
from sim.results import drawers

out = Path(sys.argv[1])

def mark(name):
    (out / name).write_text(str(os.getpid()))

def fail():
    raise ValueError("a chart failed")

def environment():
    (out / "environment").write_text(os.environ.get("AIRLIFT_CACHE", "unset"))

def slow():
    import time
    time.sleep(0.3)
    (out / "slow").write_text("drawn")

def tables():
    raise OSError("disk full")

drawers.start()
os.environ["AIRLIFT_CACHE"] = "off"  # as --no-cache sets it, after the fork
drawers.draw(functools.partial(mark, "here"), [[functools.partial(mark, "a")],
                                                [functools.partial(mark, "b"), functools.partial(mark, "c")]])
try:
    drawers.draw(lambda: None, [[fail]])
except ValueError as error:
    (out / "raised").write_text(f"{os.getpid()} {error}")
drawers.draw(functools.partial(mark, "again"), [[functools.partial(mark, "d")], [environment]])

try:
    drawers.draw(tables, [[slow]])
except OSError:
    (out / "tables_failed").write_text(str((out / "slow").exists()))
(out / "drawer").write_text(str(drawers._DRAWERS[0].pid))
drawers.stop()
(out / "parent").write_text(str(os.getpid()))
"""


def _python(*args: str, draw_beside: str = "always") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIRLIFT_DRAW_BESIDE": draw_beside, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_each_group_is_drawn_in_a_fork_of_the_drawer_and_an_error_is_raised_in_the_parent(tmp_path):
    done = _python("-c", SCRIPT, str(tmp_path))
    assert done.returncode == 0, done.stderr
    pid = {name: (tmp_path / name).read_text() for name in ("parent", "drawer", "here", "a", "b", "c", "d", "again")}
    assert pid["here"] == pid["again"] == pid["parent"]
    assert len({pid["a"], pid["b"], pid["d"], pid["parent"], pid["drawer"]}) == 5  # a fork per group, every time
    assert pid["b"] == pid["c"]  # a group's jobs in one fork, in turn
    assert (tmp_path / "raised").read_text() == f"{pid['parent']} a chart failed"
    assert (tmp_path / "environment").read_text() == "off"  # the command's environment, as it was when it drew
    assert (tmp_path / "tables_failed").read_text() == "True"  # this process's job failed after the charts ended


def test_from_the_library_no_drawer_starts_and_every_job_runs_in_this_process(monkeypatch):
    monkeypatch.delenv("AIRLIFT_DRAW_BESIDE", raising=False)
    pids: list[int] = []
    drawers.start()
    assert not drawers.active()
    drawers.draw(lambda: pids.append(os.getpid()), [[partial(pids.append, os.getpid())],
                                                    [lambda: pids.append(os.getpid())]])
    assert pids == [os.getpid()] * 3


def test_no_drawer_starts_when_other_processes_keep_every_core_busy(monkeypatch):
    monkeypatch.setenv("AIRLIFT_DRAW_BESIDE", "1")
    monkeypatch.setattr(os, "getloadavg", lambda: (float(os.cpu_count() or 1), 0.0, 0.0))
    assert drawers.cores_taken()
    drawers.start()
    assert not drawers.active()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.5, 0.0, 0.0))
    assert not drawers.cores_taken()


def test_a_frozen_dataclass_of_the_compiled_core_goes_to_the_drawer_whole():
    import pickle

    from sim.model.specs import RunSpec
    from sim.scenario.compile import build_world

    world = build_world(scenario())
    again = pickle.loads(pickle.dumps(world))  # as the drawer is sent it
    assert isinstance(again.run, RunSpec) and again.run == world.run and again.fleet == world.fleet


def test_a_run_writes_the_same_files_with_the_drawer_as_without(tmp_path):
    data = {**BASE, "days": 3, "airfields": {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": 1}}}
    path = tmp_path / "micro.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    files = {}
    for beside in ("always", "0"):
        out = tmp_path / f"out{beside}"
        done = _python("-m", "sim", "run", str(path), "--out", str(out), draw_beside=beside)
        assert done.returncode == 0, done.stderr
        assert f"Results in {out}/" in done.stdout  # the whole output, flushed before the command left at once
        files[beside] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert sorted(files["always"]) == sorted(files["0"])
    assert {n for n in files["always"] if n.endswith(".png")} == {"throughput.png", "ground.png", "routes.png"}
    for name, content in files["always"].items():
        if name != "run.json":  # its provenance has the time of writing
            assert content == files["0"][name], name


def test_a_command_that_fails_early_ends_its_drawer_and_keeps_its_exit_code(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndays: -1\n")
    done = _python("-m", "sim", "run", str(bad), "--out", str(tmp_path / "out"))
    assert done.returncode == 2  # returned at all: no drawer left holding the output pipes open
    assert not (tmp_path / "out").exists()
