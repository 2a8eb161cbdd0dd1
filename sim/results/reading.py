"""A results folder read back as pandas DataFrames, and the charts drawn from it.

``load_results`` reads what ``result.save`` and the ``airlift`` command write; the charts in
``sim.results.plots`` take these as they take fresh results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.results.summary_types import Summary


@dataclass
class Results:
    """One results folder. A table is None when the folder does not hold it.

    ``daily``, ``sorties`` and ``ground`` as in ``sim.run`` (dates parsed); ``replications`` (one row per
    replication) and ``replications_by_requirement`` (per replication and requirement) for a stochastic
    run; ``sweep``, ``sweep_by_requirement``, ``sweep_points`` (long form: point, the swept paths,
    requirement, figure, value, as ``sim.sweep(...).points``) and ``sweep_points_wide`` (sweep_points.csv)
    for a sweep.
    """

    path: Path
    summary: Summary | None = field(repr=False)
    scenario: dict[str, Any] | None = field(repr=False)
    daily: Any = field(repr=False)  # pandas.DataFrame
    sorties: Any = field(repr=False)
    ground: Any = field(repr=False)
    replications: Any = field(repr=False)
    replications_by_requirement: Any = field(repr=False)
    sweep: Any = field(repr=False)
    sweep_by_requirement: Any = field(repr=False)
    sweep_points: Any = field(repr=False)
    sweep_points_wide: Any = field(default=None, repr=False)

    @property
    def name(self) -> str:
        if self.summary:
            return str(self.summary["scenario"])
        swept = self.sweep_scenario()
        return str(swept["name"]) if swept else self.path.name

    def sweep_scenario(self) -> dict[str, Any] | None:
        """The swept scenario as plain data (from sweep_run.json), or None for a folder of no sweep."""
        file = self.path / "sweep_run.json"
        return json.loads(file.read_text(encoding="utf-8")).get("scenario") if file.exists() else None

    @property
    def demand_t_per_day(self) -> float | None:
        """A sweep's demand line (all tons requested over the run, per day) from sweep_run.json's scenario,
        as sweep.png draws it; None when the folder does not say."""
        from sim.results.plots import demand_t_per_day

        data = self.sweep_scenario() or self.scenario
        return None if data is None else demand_t_per_day(data, int(data["days"]))


def load_results(path: str | Path) -> Results:
    """Read ``results/<name>/`` (run, replicated run and/or sweep outputs) into DataFrames."""
    import pandas as pd

    from sim.results.checks import DamagedResultsError
    from sim.results.frames import parse_dates, split_requirements
    from sim.results.integrity import verify

    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a results folder")
    if damaged := verify(folder):  # run.json's sha256 and rows of each file
        raise DamagedResultsError("; ".join(damaged))

    def table(name: str) -> Any:
        file = folder / name
        if not file.exists():
            return None
        frame = pd.read_csv(file, on_bad_lines="error")
        if frame.shape[1] > 1 and frame.iloc[:, -1].isna().any():  # a row cut short has its last fields empty
            _whole_rows(file)
        return parse_dates(frame)

    def document(name: str) -> Any:
        file = folder / name
        return json.loads(file.read_text(encoding="utf-8")) if file.exists() else None

    replications = replications_long = sweep = sweep_long = None
    if (raw := table("replications.csv")) is not None:
        replications, replications_long = split_requirements(raw, ["replication"])
    if (raw := table("sweep.csv")) is not None:
        keys = list(raw.columns[: list(raw.columns).index("replication") + 1])  # point, the swept paths, replication
        sweep, sweep_long = split_requirements(raw, keys)
    points_wide = table("sweep_points.csv")
    points = None
    if points_wide is not None and sweep is not None:
        from sim.results.frames import long_points

        paths = [c for c in sweep.columns[: list(sweep.columns).index("replication")] if c != "point"]
        points = long_points(points_wide, ["point", *paths])
    return Results(folder, document("summary.json"), document("scenario.json"), table("daily.csv"), table("sorties.csv"),
                   table("ground.csv"), replications, replications_long, sweep, sweep_long, points, points_wide)


def _whole_rows(path: Path) -> None:
    """DamagedResultsError when a record of ``path`` has fewer fields than its header (a row cut short)."""
    import csv

    from sim.results.checks import DamagedResultsError

    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        width = len(next(reader, []))
        for row in reader:
            if row and len(row) != width:
                raise DamagedResultsError(f"{path}: damaged: line {reader.line_num} has {len(row)} fields where "
                                          f"the header has {width} (a row cut short?)")
