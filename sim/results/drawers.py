"""A run's charts drawn by a process the ``airlift run`` command starts first thing.

Importing matplotlib and the charting code and drawing a first figure cost about 0.3 s, which a warm
`airlift run` used to spend after the simulation, on its critical path. ``start`` forks a *drawer*
before the command imports ``sim.cli`` (``sim.__main__``); while the command imports and simulates, the
drawer loads the charting code and draws a figure nobody sees, on the other core. ``draw`` then hands it
the chart jobs: it forks once per group, each fork already warm, and this process writes the tables
meanwhile.

Only ``airlift run`` starts a drawer (unless ``AIRLIFT_DRAW_BESIDE`` is not ``1``), on Linux, and not
when other processes already keep every core busy (``cores_taken``); without one (that, or the library
called from a user's program, a notebook), ``draw`` runs the jobs as ``sim.results.writing.run_beside``
does. A job is a picklable call (a ``functools.partial`` of a module-level function) that writes its own
files; the files are the same whoever draws them. A job that fails in the drawer runs again here, so that
its error is raised in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable, Sequence

from sim.results.writing import run_beside

Job = Callable[[], None]
_DRAWERS: list[_Drawer] = []  # the drawer ``start`` forked, if any


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

    def draw(self, groups: Sequence[Sequence[Job]], here: Job) -> list[Job]:
        """Send the groups, run ``here`` meanwhile, wait: the jobs that did not run (all if the drawer died)."""
        try:
            _write(self._jobs, pickle.dumps((dict(os.environ), [list(group) for group in groups])))
        except OSError:  # the drawer is gone
            here()
            return [job for group in groups for job in group]
        try:
            here()
        finally:  # should ``here`` fail, the forks finish first: nothing writes into a folder being removed
            try:
                done = pickle.loads(_read(self._answers))
            except (EOFError, OSError, pickle.UnpicklingError):
                done = [None] * len(groups)
        return [job for group, ran in zip(groups, done, strict=True)
                for i, job in enumerate(group) if ran is None or not ran[i]]

    def stop(self) -> None:
        """End the drawer (at once: it may still be loading matplotlib when a command fails early)."""
        for fd in (self._jobs, self._answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _serve(jobs_read: int, answers_write: int) -> None:
    """The drawer's life: warm up, then draw each lot of groups sent and answer which jobs ran; leave at
    once (no atexit handlers, no flushing of buffers inherited from the parent)."""
    status = 0
    try:
        _warm_up()
        while True:
            environment, groups = pickle.loads(_read(jobs_read))
            os.environ.clear()  # the command's, as it is now: --no-cache, for one, was read after the fork
            os.environ.update(environment)
            answers, forks = _draw_forked(groups)
            _write(answers_write, pickle.dumps(answers))
            for pid in forks:  # after the answer: the command goes on while the system frees the forks' memory
                os.waitpid(pid, 0)
    except EOFError:  # the command is done with it
        pass
    except BaseException:  # the parent gone, Ctrl-C: the parent draws what is left
        status = 1
    finally:
        os._exit(status)


def _draw_forked(groups: list[list[Job]]) -> tuple[list[list[bool] | None], list[int]]:
    """Each group's jobs in a fork of this (warm) process, all at once: which jobs ran, per group (None:
    the fork died), once every fork has answered, and the forks, to be reaped after the answer is sent."""
    forks = [_fork(group) for group in groups]
    answers: list[list[bool] | None] = []
    for _pid, read in forks:
        try:
            answers.append(pickle.loads(_read(read)))
        except (EOFError, OSError, pickle.UnpicklingError):
            answers.append(None)
        os.close(read)
    return answers, [pid for pid, _read in forks]


def _fork(group: list[Job]) -> tuple[int, int]:
    """A fork that runs the jobs of ``group`` in turn and answers which ran (its pid and the answer's pipe).
    It leaves without collecting its garbage (a chart's cycles): the system frees its memory at once."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        import gc

        gc.disable()
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
    return pid, read


def _warm_up() -> None:
    """What every chart needs first: the charting modules and one figure drawn (fonts, renderer); what
    they made is frozen for the collector, as the command does with its own imports."""
    import gc

    from matplotlib.figure import Figure

    from sim.results import gis, maps, plots, style  # noqa: F401

    figure = Figure(figsize=(2, 1), layout="constrained")
    figure.add_subplot().set_title("warm-up 0.0 km")
    figure.canvas.draw()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


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


def start() -> None:
    """Fork the drawer (once; only where ``AIRLIFT_DRAW_BESIDE`` is ``1``, on Linux, and unless the cores
    are already taken; ``always``: whatever the load, for tests). Call it before any thread starts: the
    command calls it first thing."""
    wanted = os.environ.get("AIRLIFT_DRAW_BESIDE")
    if _DRAWERS or wanted not in ("1", "always") or not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        return
    if wanted == "1" and cores_taken():
        return
    sys.stdout.flush()
    sys.stderr.flush()
    _DRAWERS.append(_Drawer())


def cores_taken() -> bool:
    """Is the machine's 1-minute load average at least its number of cores? Then the other processes keep
    every core busy, and drawing ahead costs more than it saves: the drawer's own work (a figure drawn to
    warm up, a fork per chart, the jobs sent: some 0.06-0.1 s of CPU) and its waits, each a wake-up among
    the other processes (the peer shuttle's warm run under a load of 5 on 2 cores: 3.12 units with the
    drawer, 2.70 without; on a quiet machine 0.80 of the time without)."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:  # no load average on this system
        return False


def active() -> bool:
    """Is there a drawer (``start`` forked one)?"""
    return bool(_DRAWERS)


def stop() -> None:
    """End the drawer ``start`` forked, if any."""
    while _DRAWERS:
        _DRAWERS.pop().stop()


def draw(here: Job, groups: Sequence[Sequence[Job]]) -> None:
    """Run ``here`` (any callable) in this process and the chart jobs of ``groups``, each group beside the
    others: on the drawer when there is one, else the first group beside (``run_beside``) and the others
    here after ``here`` (so the first group should take about as long as the rest). Every job writes its
    own files; the files are the same either way."""
    groups = [list(group) for group in groups if group]
    if not _DRAWERS or not groups:
        run_beside(lambda: _run(here, *(job for group in groups[1:] for job in group)),
                   lambda: _run(*groups[0]) if groups else None)
        return
    _run(*_DRAWERS[0].draw(groups, here))


def _run(*jobs: Job) -> None:
    for job in jobs:
        job()
