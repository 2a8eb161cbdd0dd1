"""A results folder read back as pandas DataFrames, and the charts drawn from it.

``load_results`` reads what ``result.save`` and the ``airlift`` command write; the charts in
``sim.results.plots`` take these as they take fresh results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Results:
    """One results folder. A table is None when the folder does not hold it.

    ``daily``, ``sorties`` and ``ground`` as in ``sim.run`` (dates parsed); ``replications`` (one row per
    replication) and ``replications_by_requirement`` (per replication and requirement) for a stochastic
    run; ``sweep``, ``sweep_by_requirement`` and ``sweep_points`` for a sweep.
    """

    path: Path
    summary: dict[str, Any] | None = field(repr=False)
    scenario: dict[str, Any] | None = field(repr=False)
    daily: Any = field(repr=False)  # pandas.DataFrame
    sorties: Any = field(repr=False)
    ground: Any = field(repr=False)
    replications: Any = field(repr=False)
    replications_by_requirement: Any = field(repr=False)
    sweep: Any = field(repr=False)
    sweep_by_requirement: Any = field(repr=False)
    sweep_points: Any = field(repr=False)

    @property
    def name(self) -> str:
        return self.summary["scenario"] if self.summary else self.path.name


def load_results(path: str | Path) -> Results:
    """Read ``results/<name>/`` (run, replicated run and/or sweep outputs) into DataFrames."""
    import pandas as pd

    from sim.results.frames import parse_dates, split_requirements

    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a results folder")

    def table(name: str) -> Any:
        file = folder / name
        return parse_dates(pd.read_csv(file)) if file.exists() else None

    def document(name: str) -> Any:
        file = folder / name
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else None

    replications = replications_long = sweep = sweep_long = None
    if (raw := table("replications.csv")) is not None:
        replications, replications_long = split_requirements(raw, ["replication"])
    if (raw := table("sweep.csv")) is not None:
        keys = list(raw.columns[: list(raw.columns).index("replication") + 1])  # point, the swept paths, replication
        sweep, sweep_long = split_requirements(raw, keys)
    return Results(folder, document("summary.json"), document("scenario.json"), table("daily.csv"), table("sorties.csv"),
                   table("ground.csv"), replications, replications_long, sweep, sweep_long, table("sweep_points.csv"))
