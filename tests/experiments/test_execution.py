"""run_tasks keeps a bounded window of tasks in flight and hands results back in task order."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from sim.experiments.execution import TASKS_PER_WORKER, SerialExecutor, run_tasks, worker_count


class NewestFirst(Executor):
    """Runs one task at a time on its own thread, always the newest submitted, and only once the caller has
    submitted all it will before waiting (``full`` tasks held, or the last of ``total``): the oldest tasks
    wait until the very end, so results come back in an order far from the tasks' own."""

    def __init__(self, full: int, total: int) -> None:
        self.full, self.total = full, total
        self.held: list[tuple[Future, Callable[..., Any], tuple[Any, ...]]] = []
        self.submitted = 0
        self.most_held = 0
        self.order: list[Any] = []  # the tasks in the order they ran
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        with self.changed:
            self.held.append((future, fn, args))
            self.submitted += 1
            self.most_held = max(self.most_held, len(self.held))
            self.changed.notify()
        return future

    def _run(self) -> None:
        while True:
            with self.changed:
                while len(self.held) < min(self.full, self.total) and self.submitted < self.total or not self.held:
                    self.changed.wait()
                future, fn, args = self.held.pop()
            self.order.append(args[0])
            future.set_result(fn(*args))


def square(x: int) -> int:
    return x * x


def test_results_come_back_in_task_order_whatever_order_the_tasks_finish_in():
    pool = NewestFirst(full=4, total=10)
    seen: list[int] = []
    results = run_tasks(pool, square, list(range(10)), on_result=lambda i, r: seen.append(i), window=4)
    assert results == [x * x for x in range(10)]
    assert pool.order == [3, 4, 5, 6, 7, 8, 9, 2, 1, 0]  # the oldest tasks finished last
    assert sorted(seen) == list(range(10))  # each handed over once, as it finished: the progress bar is right


def test_a_large_run_keeps_at_most_the_window_in_flight():
    tasks = list(range(5_000))
    pool = NewestFirst(full=8, total=len(tasks))
    in_flight: list[int] = []
    done = 0

    def finished(_index: int, _result: int) -> None:
        nonlocal done
        done += 1
        in_flight.append(pool.submitted - done)

    results = run_tasks(pool, square, tasks, on_result=finished, window=8)
    assert results == [x * x for x in tasks]
    assert pool.most_held == 8  # the window filled, and never more: not 5,000 futures at once
    assert max(in_flight) <= 8 and done == len(tasks)


def test_the_window_defaults_to_a_few_tasks_per_worker():
    process_pool = ProcessPoolExecutor(max_workers=3)  # no process starts before the first task
    try:
        assert worker_count(process_pool) == 3
    finally:
        process_pool.shutdown()
    cores = os.cpu_count() or 1
    tasks = list(range(TASKS_PER_WORKER * cores * 3))
    pool = NewestFirst(full=TASKS_PER_WORKER * cores, total=len(tasks))
    assert run_tasks(pool, square, tasks) == [x * x for x in tasks]
    assert pool.most_held == TASKS_PER_WORKER * cores  # an executor of unknown size: a few per core


def test_serial_tasks_are_handed_over_one_by_one_before_the_next_runs():
    ran: list[int] = []
    seen: list[tuple[int, list[int]]] = []

    def note(x: int) -> int:
        ran.append(x)
        return -x

    results = run_tasks(SerialExecutor(), note, [5, 6, 7], on_result=lambda i, r: seen.append((i, list(ran))))
    assert results == [-5, -6, -7]
    assert seen == [(0, [5]), (1, [5, 6]), (2, [5, 6, 7])]
