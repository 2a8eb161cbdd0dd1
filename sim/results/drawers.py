"""Charts drawn by a process started ahead of a run.

Importing matplotlib and drawing the first figure of a process take about half a second, which a
run's charts used to wait for after the simulation. ``drawing_ahead`` forks one process before the
simulation starts; while it runs, that process imports the charting code and draws a figure nobody
sees (font cache, renderer) on the core the simulation leaves free. ``draw`` then hands it the chart
jobs in groups: it forks once per group, each fork already warm, and this process runs its own job
(the tables) meanwhile.

Only the ``airlift`` command asks for this (``AIRLIFT_DRAW_BESIDE=1``), on Linux, with no other thread
running (forking is unsafe in a process with threads, such as a notebook kernel): elsewhere ``draw``
runs the jobs as ``sim.results.writing.run_beside`` does. A job is a picklable call (a
``functools.partial`` of a module-level function) that writes its own files; one that fails in the
drawer runs again here, so that its error is raised in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import struct
import sys
import threading
from collections.abc import Callable, Iterator, Sequence

from sim.results.writing import run_beside

Job = Callable[[], None]
_DRAWERS: list[_Drawer] = []  # the processes started by the innermost drawing_ahead, if any


class _Drawer:
    """A forked process that draws the groups of chart jobs it is sent, each group in a fork of its own."""

    def __init__(self) -> None:
        jobs_read, self._jobs = os.pipe()
        self._answers, answers_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(self._jobs)
            os.close(self._answers)
            _serve(jobs_read, answers_write)
        os.close(jobs_read)
        os.close(answers_write)
        self.busy = False

    def send(self, groups: Sequence[Sequence[Job]]) -> None:
        _write(self._jobs, pickle.dumps([list(group) for group in groups], protocol=pickle.HIGHEST_PROTOCOL))
        self.busy = True

    def failed(self, groups: Sequence[Sequence[Job]]) -> list[Job]:
        """Wait for the groups sent; the jobs that did not run (all of them if the drawer died)."""
        self.busy = False
        try:
            done = pickle.loads(_read(self._answers))
        except (EOFError, OSError, pickle.UnpicklingError):
            done = [None] * len(groups)
        return [job for group, ran in zip(groups, done, strict=True)
                for i, job in enumerate(group) if ran is None or not ran[i]]

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            _write(self._jobs, pickle.dumps(None))
        os.close(self._jobs)
        os.close(self._answers)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _serve(jobs_read: int, answers_write: int) -> None:
    """The drawer's life: warm up, then draw each lot of groups sent and answer which jobs ran; leave at
    once (no atexit handlers, no flushing of buffers inherited from the parent)."""
    status = 0
    try:
        _warm_up()
        _while_idle(jobs_read)
        while True:
            groups = pickle.loads(_read(jobs_read))
            if groups is None:
                break
            _write(answers_write, pickle.dumps(_draw_forked(groups)))
    except BaseException:  # the parent gone, Ctrl-C: the parent draws what is left
        status = 1
    finally:
        os._exit(status)


def _draw_forked(groups: list[list[Job]]) -> list[list[bool] | None]:
    """Each group's jobs in a fork of this (warm) process, all at once; which jobs ran, per group (None:
    the fork died)."""
    forks = []
    for group in groups:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            status = 1
            try:
                ran = []
                for job in group:
                    try:
                        job()
                        ran.append(True)
                    except Exception:  # raised again when the parent runs the job itself
                        ran.append(False)
                _write(write, pickle.dumps(ran))
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        forks.append((pid, read))
    answers: list[list[bool] | None] = []
    for pid, read in forks:
        try:
            answers.append(pickle.loads(_read(read)))
        except (EOFError, OSError, pickle.UnpicklingError):
            answers.append(None)
        os.close(read)
        os.waitpid(pid, 0)
    return answers


def _warm_up() -> None:
    """What every chart needs first: the charting modules and one figure drawn (0.4 s; the country polygons,
    0.15 s more, are left to a map that is not in the cache folder)."""
    from matplotlib.figure import Figure

    from sim.results import checks, gis, maps, plots, style  # noqa: F401

    figure = Figure(figsize=(2, 1))
    figure.add_subplot().set_title("warm-up 0.0 km")
    figure.canvas.draw()


def _while_idle(jobs_read: int) -> None:
    """Until the first jobs come: the country polygons a map needs when the cache folder lacks its land
    (a first run leaves the drawer idle for a second or more; a run answered from the cache does not)."""
    from sim.data import countries

    def idle() -> bool:
        return not select.select([jobs_read], [], [], 0)[0]

    if idle():
        for country in countries.countries().values():
            if not idle():
                break
            country.parts  # noqa: B018  (built and kept)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(struct.pack("<Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read(fd: int) -> bytes:
    def exactly(n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = os.read(fd, left)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    return exactly(struct.unpack("<Q", exactly(8))[0])


def _may_fork() -> bool:
    return (os.environ.get("AIRLIFT_DRAW_BESIDE") == "1" and sys.platform.startswith("linux")
            and hasattr(os, "fork") and threading.active_count() == 1)


@contextlib.contextmanager
def drawing_ahead() -> Iterator[None]:
    """Start a drawer for the ``draw`` calls inside (where forking is allowed, see above)."""
    if not _may_fork() or _DRAWERS:
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    drawer = _Drawer()
    _DRAWERS.append(drawer)
    try:
        yield
    finally:
        _DRAWERS.clear()
        drawer.stop()


def draw(here: Job, groups: Sequence[Sequence[Job]]) -> None:
    """Run ``here`` (any callable) in this process and the chart jobs of ``groups``, each group beside the
    others: on the drawer started ahead when there is one, else the first group beside (``run_beside``)
    and the others here after ``here`` (so the first group should take about as long as the rest). Every
    job writes its own files; the files are the same either way."""
    groups = [list(group) for group in groups if group]
    drawer = next((d for d in _DRAWERS if not d.busy), None)
    if drawer is None:
        run_beside(lambda: _run(here, *(job for group in groups[1:] for job in group)),
                   lambda: _run(*groups[0]) if groups else None)
        return
    drawer.send(groups)
    try:
        here()
    finally:
        left = drawer.failed(groups)
    _run(*left)


def _run(*jobs: Job) -> None:
    for job in jobs:
        job()
