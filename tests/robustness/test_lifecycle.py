"""Interrupted runs leave nothing behind: Ctrl-C exits 130 with no worker alive, a killed command's
workers end with it, a results folder is replaced as a whole or not at all, and what a killed write
left is removed by the next one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers import BASE

from sim.experiments.execution import start_context
from sim.results.writing import remove_leftovers, write_files

posix_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups and /proc")


def test_the_start_method_is_chosen_not_the_platform_default():
    assert start_context().get_start_method() == ("forkserver" if sys.platform.startswith("linux") else "spawn")


def _descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in children] + [d for c in children for d in _descendants(int(c))]


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _long_replicated_run(tmp_path: Path) -> subprocess.Popen:
    # Long enough that a signal sent once its workers run lands mid-run: 5,000 replications of 30 days took 13 s
    # with the compiled core, and a loaded test run once saw the run end before its Ctrl-C; 60 days, twice that.
    data = {**BASE, "name": "long", "days": 60, "stochastic": {"replications": 5000, "break_per_sortie": 0.1}}
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data))
    return subprocess.Popen([sys.executable, "-m", "sim", "run", str(path), "--workers", "2", "--out",
                             str(tmp_path / "out")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _workers_of(process: subprocess.Popen) -> list[int]:
    for _ in range(600):  # the pool starts after the scenario is loaded and the world built
        found = _descendants(process.pid)
        if len(found) >= 3:  # the fork server and two workers
            time.sleep(0.5)
            return _descendants(process.pid)
        time.sleep(0.1)
    raise AssertionError("no workers started")


def _all_gone(pids: list[int]) -> bool:
    for _ in range(300):
        if not any(_running(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


@posix_only
def test_ctrl_c_exits_130_and_leaves_no_worker(tmp_path):
    process = _long_replicated_run(tmp_path)
    workers = _workers_of(process)
    os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole foreground group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "Traceback" not in err
    assert _all_gone(workers)
    assert not list(tmp_path.glob(".out.tmp-*")) and not (tmp_path / "out").exists()


@posix_only
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_the_workers_end_with_their_parent(tmp_path, sig):
    process = _long_replicated_run(tmp_path)
    workers = _workers_of(process)
    process.send_signal(sig)
    assert _all_gone(workers)  # before the test reaps the command: its workers do not wait for that
    process.communicate(timeout=60)


def test_a_folder_is_replaced_whole_keeping_only_files_another_command_wrote(tmp_path):
    folder = tmp_path / "res"
    folder.mkdir()
    for name in ("summary.json", "replications.csv", "sweep.csv"):
        (folder / name).write_text("old")

    def fill(tmp: Path) -> None:
        (tmp / "summary.json").write_text("new")

    write_files(folder, ["summary.json"], fill, force=True, drop=["replications.csv"])
    assert sorted(p.name for p in folder.iterdir()) == ["summary.json", "sweep.csv"]
    assert (folder / "summary.json").read_text() == "new" and (folder / "sweep.csv").read_text() == "old"


def test_a_write_that_fails_leaves_the_old_folder_as_it_was_and_nothing_beside_it(tmp_path):
    folder = tmp_path / "res"
    folder.mkdir()
    (folder / "summary.json").write_text("old")

    def fill(tmp: Path) -> None:
        (tmp / "summary.json").write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_files(folder, ["summary.json"], fill, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["res"] and (folder / "summary.json").read_text() == "old"


def test_leftovers_of_a_killed_write_are_removed_by_the_next_one(tmp_path):
    folder = tmp_path / "res"
    dead = 2**22 + 12345  # above the default pid_max: no such process
    left = tmp_path / f".res.tmp-{dead}-abc"
    left.mkdir()
    (left / "sorties.csv").write_text("x" * 1000)
    old_style = folder / ".tmp-xyz"
    old_style.mkdir(parents=True)
    mine = tmp_path / f".res.tmp-{os.getpid()}-live"  # a write under way in a live process: kept
    mine.mkdir()
    removed = remove_leftovers(folder)
    assert sorted(removed) == sorted([left, old_style]) and mine.exists()


def test_json_out_is_strict(tmp_path):
    from sim.results.writing import write_json

    write_json(tmp_path / "s.json", {"a": float("inf"), "b": float("nan"), "c": [1.5, float("-inf")]})
    assert json.loads((tmp_path / "s.json").read_text(), parse_constant=lambda c: pytest.fail(c)) == {
        "a": None, "b": None, "c": [1.5, None]}
