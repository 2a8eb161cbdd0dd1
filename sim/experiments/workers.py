"""Worker processes that never outlive the command that started them.

Every pool worker ignores Ctrl-C (the parent alone decides: it cancels the work and ends the pool), asks
Linux to send it SIGTERM when its parent process dies (``prctl(PR_SET_PDEATHSIG)``), and watches from a
thread that the process which started the pool is alive (every platform, and the case where a worker's
parent is a fork server), so a ``kill -9`` of the command leaves no worker running.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCH_EVERY_S = 0.5


def init_worker(owner_pid: int) -> None:
    """Pool initializer: ignore Ctrl-C, die with the parent, and watch the owner (the pool's process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the watchdog alone
            pass
    if not _alive(owner_pid) or os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(owner_pid, parent), name="airlift-owner-watch", daemon=True).start()
    freeze_heap()


def freeze_heap() -> None:
    """Leave what the worker has loaded so far (the modules, the catalogues) out of Python's cyclic garbage
    collections from now on (``gc.freeze``): each replication leaves its model behind as cycles that only a
    full collection frees, and a full collection that also walks the loaded heap cost some 7 ms a replication
    of lose_hmeimim_sweep (2 ms once frozen). Nothing is ever freed from the frozen heap: it lives as long
    as the worker anyway."""
    gc.collect()
    gc.freeze()


def _watch(owner_pid: int, parent: int) -> None:
    while True:
        time.sleep(WATCH_EVERY_S)
        if os.getppid() != parent or not _alive(owner_pid):
            os._exit(1)


def _alive(pid: int) -> bool:
    """Is the process running? A zombie (dead, not yet reaped by its parent) is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's (a reused pid): cannot tell, so assume alive
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):  # no /proc (not Linux): kill(pid, 0) said it exists
        return True
