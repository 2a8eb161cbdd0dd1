"""The ``airlift`` command. Thin: parse, call the library, print. Bad input exits with code 2.

The subcommands live in sim.cli (runs, geography, experiments, sizing, trust, history, cargo, cache,
uncertainty); importing them registers them.
"""

from __future__ import annotations

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

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point. The command writes PNG files and never opens a window, so it draws
    with the non-interactive Agg backend unless the user chose one (MPLBACKEND); the library itself
    never changes the backend."""
    import gc
    import os
    import signal

    def stop(signum: int, _frame: object) -> None:  # unwinds like Ctrl-C: workers ended, temporary files removed
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("AIRLIFT_DRAW_BESIDE", "1")  # the command may draw its charts in a forked child
    try:
        app()
    finally:
        # The collector's passes at interpreter exit walk every object the command made (0.3 s after
        # `airlift run`); frozen, they are freed by the operating system. Every file is closed by then.
        gc.freeze()
