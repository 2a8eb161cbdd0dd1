"""Chart processes started ahead of a run, from the standard library: a ``ProcessPoolExecutor`` whose
workers fork from a forkserver that has imported the charting code. ``airlift run`` opens one before
it simulates; the forkserver and a worker load matplotlib and draw a warm-up figure (about half a
second) on the core the simulation leaves free, and ``sim.results.saving.draw`` then sends the chart
jobs there while this process writes the tables. Only the command asks for it (``AIRLIFT_DRAW_BESIDE=1``,
on Linux); elsewhere ``draw`` uses ``run_beside``. Jobs are picklable calls that write their own files;
an error in one is raised here by its future.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor

_POOLS: list[Executor] = []  # the pool of the innermost charts_ahead, if any
PRELOAD = ["sim.results.plots", "sim.results.maps", "sim.results.style"]


def warm_up() -> None:
    """What every chart needs first: one figure drawn (fonts, renderer)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.add_subplot().set_title("warm-up 0.0 km")
    figure.canvas.draw()


@contextlib.contextmanager
def charts_ahead(workers: int = 2) -> Iterator[Executor | None]:
    """A warm chart pool for the ``draw`` calls inside (None where the command does not allow it)."""
    if os.environ.get("AIRLIFT_DRAW_BESIDE") != "1" or not sys.platform.startswith("linux") or _POOLS:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for _ in range(workers):
            pool.submit(warm_up)  # start the forkserver and the workers now, while the caller simulates
        _POOLS.append(pool)
        try:
            yield pool
        finally:
            _POOLS.clear()


def current() -> Executor | None:
    """The pool of the innermost ``charts_ahead``, if any."""
    return _POOLS[-1] if _POOLS else None
