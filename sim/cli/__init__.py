"""The ``airlift`` command. Thin: parse, call the library, print. Bad input exits with code 2.

The subcommands live in sim.cli (runs, geography, experiments, sizing, trust, history, cargo, cache,
uncertainty); importing them registers them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sim.cli import (  # noqa: F401  (registers the subcommands)
    cache,
    cargo,
    experiments,
    geography,
    history,
    runs,
    sizing,
    trust,
    uncertainty,
)
from sim.cli.common import app

__all__ = ["app", "lean", "main"]


def lean(full: Any, args: list[str], environ: Mapping[str, str]) -> Any:
    """The app ``full`` with only the command that ``args`` name (``run``, ``sweep``...): Typer builds the
    Click command of every command and group at each call, reading their signatures (some 20 ms, on the way
    to every command). The whole app when no single command is named (a group such as ``cache``, a
    misspelling, ``--help`` anywhere, shell completion): its usage and error messages are unchanged."""
    name = next((a for a in args if not a.startswith("-")), None)
    found = [c for c in full.registered_commands
             if (c.name or c.callback.__name__.replace("_", "-")) == name]
    if len(found) != 1 or "--help" in args or any(key.endswith("_COMPLETE") for key in environ):
        return full
    only = copy.copy(full)
    only.registered_commands = found
    only.registered_groups = []
    return only


def main() -> None:
    """Console-script entry point. The command writes PNG files and never opens a window, so it draws
    with the non-interactive Agg backend unless the user chose one (MPLBACKEND); the library itself
    never changes the backend."""
    import gc
    import os
    import signal
    import sys

    from sim.cli.common import INTERRUPTED

    def stop(signum: int, _frame: object) -> None:  # unwinds like Ctrl-C: workers ended, temporary files removed
        INTERRUPTED.set()
        raise SystemExit(128 + signum)

    def interrupt(_signum: int, _frame: object) -> None:
        INTERRUPTED.set()
        raise KeyboardInterrupt

    import threading

    thread_hook = threading.excepthook

    def quiet_once_interrupted(args: threading.ExceptHookArgs) -> None:
        # After Ctrl-C or SIGTERM the pool's helper threads may fail as the workers are ended: expected,
        # and a planner sees "interrupted", not their tracebacks.
        if not INTERRUPTED.is_set():
            thread_hook(args)

    threading.excepthook = quiet_once_interrupted
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, interrupt)
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("AIRLIFT_DRAW_BESIDE", "1")  # the command may draw its charts in a forked child
    # What the imports made lives as long as the process: frozen, no collection walks it again; and a young
    # collection every 50,000 new objects, not 700 (a command makes millions and keeps most of them until it
    # ends). The passes cost 0.1-0.2 s of a warm `airlift run` and 0.3-0.4 s of a first one; no value changes.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        lean(app, sys.argv[1:], os.environ)()
    except SystemExit as exc:
        if INTERRUPTED.is_set():
            # Interrupted: the workers are ended and the temporary files removed by now; leave without the
            # interpreter's exit handlers, which join the process pool's threads and may wait for ever.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exc.code if isinstance(exc.code, int) else 130)
        raise
    finally:
        # The collector's passes at interpreter exit walk every object the command made (0.3 s after
        # `airlift run`); frozen, they are freed by the operating system. Every file is closed by then.
        gc.freeze()
