"""Results in notebooks: load a results folder as pandas DataFrames, and plot it.

Needs the ``analysis`` extra (pandas). Every plotting helper returns the matplotlib Axes it drew on, so
charts can be combined and restyled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.results import plots


@dataclass
class Results:
    """One results folder. Tables are None when the folder does not hold them."""

    path: Path
    summary: dict[str, Any] | None
    daily: Any  # pandas.DataFrame
    sorties: Any
    replications: Any
    sweep: Any
    sweep_points: Any

    @property
    def name(self) -> str:
        return self.summary["scenario"] if self.summary else self.path.name


def load_results(path: str | Path) -> Results:
    """Read ``results/<name>/`` (run, replicated run and/or sweep outputs) into DataFrames."""
    import pandas as pd

    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a results folder")

    def table(name: str) -> Any:
        file = folder / name
        return pd.read_csv(file) if file.exists() else None

    summary_file = folder / "summary.json"
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else None
    return Results(folder, summary, table("daily.csv"), table("sorties.csv"), table("replications.csv"),
                   table("sweep.csv"), table("sweep_points.csv"))


def _records(frame: Any) -> list[dict[str, Any]]:
    return frame.to_dict("records")


def plot_throughput(results: Results, ax: Any = None) -> Any:
    """Cumulative delivered tons (all requirements), with the 95 % band of a replicated run."""
    return plots.comparison_figure([(results.summary, _records(results.daily))], ax=ax)


def plot_comparison(runs: list[Results], ax: Any = None) -> Any:
    """Several runs' cumulative deliveries on one chart (e.g. baseline vs lose Hmeimim)."""
    return plots.comparison_figure([(r.summary, _records(r.daily)) for r in runs], ax=ax)


def plot_knee(results: Results, figure: str = "mean_daily_t", ax: Any = None) -> Any:
    """A sweep's figure (default delivered t/day) against its first swept value: where more aircraft stop helping."""
    points = results.sweep_points
    paths = [c for c in points.columns if c not in ("point", "replications", "p_closed") and not c.endswith(
        ("_mean", "_ci95_low", "_ci95_high"))]
    replications = int(points["replications"].min())
    return plots.sweep_figure(_records(points), paths, results.path.name, replications, figure=figure, ax=ax)


def plot_closure(results: Results, ax: Any = None) -> Any:
    """P(all requested cargo delivered by day d) of a replicated run."""
    return plots.closure_figure(results.summary, ax=ax)
