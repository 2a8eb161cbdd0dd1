"""A worker process leaves what it loaded before its first task out of the cyclic garbage collections."""

from __future__ import annotations

import gc
import weakref

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
