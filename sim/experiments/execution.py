"""Running many independent tasks: serially, on a local process pool, or on Dask, through one interface.

Every backend is a ``concurrent.futures.Executor``; results are put back in task order, so they never
depend on the backend, the number of workers or the order in which tasks finish.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.context
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from sim.errors import MissingExtraError


class SerialExecutor(Executor):
    """Runs each task when it is submitted, in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # KeyboardInterrupt too: the caller decides
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


@contextmanager
def executor(workers: int | None = None, dask_address: str | None = None) -> Iterator[Executor]:
    """An executor: Dask at ``dask_address`` ("local" starts a LocalCluster), one worker = serial,
    otherwise a process pool with ``workers`` processes (default: all cores)."""
    if dask_address:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # the optional extra
            raise MissingExtraError("Dask is not installed: pip install 'airlift-sim[dask]'") from exc
        cluster = None
        if dask_address == "local":
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1)
        client = Client(cluster if cluster is not None else dask_address)
        try:
            yield client.get_executor()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif workers == 1:
        yield SerialExecutor()
    else:
        from sim.experiments.workers import init_worker

        pool = ProcessPoolExecutor(max_workers=workers or os.cpu_count(), mp_context=start_context(),
                                   initializer=init_worker, initargs=(os.getpid(),))
        try:
            yield pool
        except BaseException:  # Ctrl-C, SIGTERM (SystemExit), an error: end the workers now, wait for nothing
            terminate(pool)
            raise
        pool.shutdown(wait=True)


def start_context() -> multiprocessing.context.BaseContext:
    """The multiprocessing start method, chosen rather than the platform's default: ``forkserver`` on
    Linux (fork is unsafe in a process with threads, and Python 3.14 no longer defaults to it), with the
    model preloaded in the server so each worker starts warm; ``spawn`` elsewhere.
    ``AIRLIFT_START_METHOD`` overrides it."""
    method = os.environ.get("AIRLIFT_START_METHOD") or (
        "forkserver" if sys.platform.startswith("linux") else "spawn")
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["sim.experiments.workers_preload"])
    return context


def start_early(workers: int | None = None, dask_address: str | None = None) -> None:
    """Start now the fork server of the process pool that ``executor(workers, dask_address)`` will open:
    it loads the model (``workers_preload``, some 0.7 s) on the core this process leaves free while it
    still prepares the tasks (a study's plan: scipy and the swing points, some 1 s), so the workers fork
    warm as soon as the pool opens. Nothing for Dask, one worker or another start method; the server ends
    with this process, as when the pool starts it."""
    if dask_address or workers == 1:
        return
    context = start_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end every worker process (SIGTERM, then SIGKILL after 5 s)."""
    processes = []
    for _ in range(10):  # the pool's thread may be adding a process meanwhile
        try:
            processes = list((getattr(pool, "_processes", None) or {}).values())
            break
        except RuntimeError:
            continue
    for process in processes:  # first: shutdown takes locks an interrupt may have left held
        if process.is_alive():
            process.terminate()
    closing = threading.Thread(target=pool.shutdown, kwargs={"wait": False, "cancel_futures": True}, daemon=True)
    closing.start()
    closing.join(timeout=2.0)
    deadline = time.monotonic() + 5.0
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(timeout=1.0)


TASKS_PER_WORKER = 4  # tasks in flight per worker: one running, the next ones queued so no worker waits


def run_tasks(
    pool: Executor,
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    on_result: Callable[[int, Any], None] | None = None,
    window: int | None = None,
) -> list[Any]:
    """Results of ``fn(task)`` for every task, in task order.

    At most ``window`` tasks are in flight at once (default: TASKS_PER_WORKER per worker of the pool): the
    next task is submitted as each one finishes, so the pool never holds thousands of futures and a Ctrl-C
    has little to cancel. ``on_result(index, result)`` is called as each finishes (for progress bars and
    partial saves). On Ctrl-C the tasks not yet started are cancelled and KeyboardInterrupt propagates;
    finished results have already been handed to ``on_result``.
    """
    results: list[Any] = [None] * len(tasks)
    pending: dict[Future, int] = {}

    def finish(future: Future, i: int) -> None:
        results[i] = future.result()
        if on_result is not None:
            on_result(i, results[i])

    if isinstance(pool, SerialExecutor):  # each task done when submitted: hand it over before the next one runs
        for i, task in enumerate(tasks):
            finish(pool.submit(fn, task), i)
        return results
    limit = max(1, window if window is not None else TASKS_PER_WORKER * worker_count(pool))
    queued = iter(enumerate(tasks))
    try:
        while True:
            for i, task in itertools.islice(queued, limit - len(pending)):
                pending[pool.submit(fn, task)] = i
            if not pending:
                return results
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=pending.__getitem__):
                finish(future, pending.pop(future))
    except KeyboardInterrupt:
        # Cancelled from a thread that this one does not wait for: the interrupt may have struck inside
        # wait while it held some futures' locks (it takes them one by one and cannot give back those it
        # took before the interrupt), and cancel() takes them again: the hang of 1 Ctrl-C in 10.
        threading.Thread(target=_cancel, args=(list(pending),), daemon=True).start()
        raise


def worker_count(pool: Executor) -> int:
    """How many tasks ``pool`` runs at once: a process pool's workers, a Dask cluster's threads, or this
    machine's cores for any other executor (or a cluster without workers yet)."""
    if isinstance(pool, ProcessPoolExecutor):
        return int(getattr(pool, "_max_workers", 0)) or os.cpu_count() or 1
    client = getattr(pool, "_client", None)  # dask.distributed's ClientExecutor
    if client is not None:
        try:
            threads = sum(client.nthreads().values())
        except Exception:  # a cluster that cannot say: as many as this machine's cores
            threads = 0
        if threads:  # none yet (an adaptive cluster): as many as this machine's cores
            return int(threads)
    return os.cpu_count() or 1


def _cancel(futures: list[Future]) -> None:
    for future in futures:
        future.cancel()
