"""``python -m sim`` and the ``airlift`` command's entry point."""

import os
import sys


def main() -> None:
    """The ``airlift`` command. ``airlift run`` first forks the process that will draw its charts
    (``sim.results.drawers``): it loads matplotlib and the charting code while this process imports the
    command and simulates, on the other core."""
    run = _command(sys.argv[1:]) == "run" and "--help" not in sys.argv
    if run:
        os.environ.setdefault("MPLBACKEND", "Agg")  # as sim.cli.main sets it, before the drawer imports matplotlib
        os.environ.setdefault("AIRLIFT_DRAW_BESIDE", "1")
        from sim.results import drawers, gis  # noqa: F401  (gis: numpy, shapely, pyproj, the geography: what both
        # processes need, loaded once before the fork)

        drawers.start()
    from sim.cli import main as command

    try:
        command()
    except SystemExit as done:
        if run:
            _stop_drawer()
            _leave_at_once(done.code)
        raise
    finally:
        _stop_drawer()


def _command(args: list[str]) -> str | None:
    """The subcommand: the first argument not an option (the global options take no value)."""
    return next((a for a in args if not a.startswith("-")), None)


def _stop_drawer() -> None:
    if "sim.results.drawers" in sys.modules:
        sys.modules["sim.results.drawers"].stop()


def _leave_at_once(code: object) -> None:
    """End a finished ``airlift run`` without tearing the interpreter down (some 20 ms of freeing what the
    command made, which the operating system frees at once): every file it wrote is closed, its output is
    flushed here. Only when nothing else could need the interpreter's exit: no other thread (a process
    pool's, a Dask client's) and no child process left."""
    import logging
    import threading

    if not (code is None or isinstance(code, int)) or threading.active_count() != 1:
        return
    if "multiprocessing" in sys.modules and sys.modules["multiprocessing"].active_children():
        return
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the interpreter's own exit reports it
        return
    os._exit(code or 0)


if __name__ == "__main__":  # not when a worker process imports the main module
    main()
