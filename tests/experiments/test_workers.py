"""A worker process leaves what it loaded before its first task out of the cyclic garbage collections."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref

import pytest

from sim.experiments.workers import freeze_heap


class Node:
    """An object in a reference cycle: only a cyclic collection frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_worker_freezes_the_heap_it_loaded_and_still_collects_what_its_tasks_leave():
    loaded = Node()
    before = weakref.ref(loaded)
    try:
        freeze_heap()
        after = Node()
        left = weakref.ref(after)
        del loaded, after
        gc.collect()
        assert before() is not None  # frozen: never walked, never freed
        assert left() is None  # a task's cycles are collected as before
    finally:
        gc.unfreeze()
        gc.collect()


START_EARLY = """
import os, sys
from multiprocessing import forkserver
from sim.experiments.execution import executor, start_early
start_early(1, None)
start_early(2, "tcp://nowhere:8786")
print(forkserver._forkserver._forkserver_pid)  # one worker or Dask: no fork server
start_early(2, None)
server = forkserver._forkserver._forkserver_pid
with executor(2) as pool:
    parents = {pool.submit(os.getppid).result() for _ in range(4)}
print(server is not None, parents == {server})  # the pool's workers fork from the server started early
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is the Linux start method")
def test_a_pool_started_early_forks_its_workers_from_the_server_already_loading():
    done = subprocess.run([sys.executable, "-c", START_EARLY], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "AIRLIFT_START_METHOD": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "True", "True"]
