"""``python -m sim`` and the ``airlift`` command's entry point."""

import os
import sys


def main() -> None:
    """The ``airlift`` command. ``airlift run`` first forks the process that will draw its charts
    (``sim.results.drawers``): it loads matplotlib and the charting code while this process imports the
    command and simulates, on the other core."""
    if _command(sys.argv[1:]) == "run":
        os.environ.setdefault("MPLBACKEND", "Agg")  # as sim.cli.main sets it, before the drawer imports matplotlib
        os.environ.setdefault("AIRLIFT_DRAW_BESIDE", "1")
        from sim.results import drawers, gis  # noqa: F401  (gis: numpy, shapely, pyproj, the geography: what both
        # processes need, loaded once before the fork)

        drawers.start()
    from sim.cli import main as command

    try:
        command()
    finally:
        if "sim.results.drawers" in sys.modules:
            sys.modules["sim.results.drawers"].stop()


def _command(args: list[str]) -> str | None:
    """The subcommand: the first argument not an option (the global options take no value)."""
    return next((a for a in args if not a.startswith("-")), None)


if __name__ == "__main__":  # not when a worker process imports the main module
    main()
