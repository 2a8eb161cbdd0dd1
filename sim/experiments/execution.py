"""Running many independent tasks: serially, on a local process pool, or on Dask, through one interface.

Every backend is a ``concurrent.futures.Executor``; results are put back in task order, so they never
depend on the backend, the number of workers or the order in which tasks finish.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
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
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
            yield pool


def run_tasks(
    pool: Executor,
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    on_result: Callable[[int, Any], None] | None = None,
) -> list[Any]:
    """Results of ``fn(task)`` for every task, in task order.

    ``on_result(index, result)`` is called as each finishes (for progress bars and partial saves). On
    Ctrl-C the tasks not yet started are cancelled and KeyboardInterrupt propagates; finished results
    have already been handed to ``on_result``.
    """
    results: list[Any] = [None] * len(tasks)
    pending: dict[Future, int] = {}

    def finish(future: Future, i: int) -> None:
        results[i] = future.result()
        if on_result is not None:
            on_result(i, results[i])

    try:
        for i, task in enumerate(tasks):
            future = pool.submit(fn, task)
            if isinstance(pool, SerialExecutor):  # already done: hand it over before the next one runs
                finish(future, i)
            else:
                pending[future] = i
        for future in as_completed(pending):
            finish(future, pending[future])
    except KeyboardInterrupt:
        for future in pending:
            future.cancel()
        raise
    return results
