"""Replicated runs split into their pieces, the same way for one scenario (``Replications``) and for each
point of a sweep (``SweepResult``): the tidy rows of the runs as two DataFrames (``runs``,
``by_requirement``), and over the replications of one point each figure's mean, 95 % CI and spread and
the share of them that closed. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sim.results.statistics import bootstrap_mean_ci, closure_quantile, spread
from sim.results.summary_types import MeanAndSpread

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def mean_and_spread(values: Sequence[float] | np.ndarray) -> MeanAndSpread:
    """The mean and its 95 % CI (percentile bootstrap: never below zero), and the spread of the outcomes
    themselves (p10, p90: 80 % of the replications between)."""
    mean, low, high = bootstrap_mean_ci(values)
    p10, p90 = spread(values)
    return {"mean": mean, "ci95_low": low, "ci95_high": high, "p10": p10, "p90": p90}


def share_closed(closure_days: Sequence[int | None]) -> float:
    """The share of the replications that closed (have a closure day) within the run."""
    return sum(day is not None for day in closure_days) / len(closure_days)


def median_closure(closure_days: list[int | None]) -> tuple[int | None, float]:
    """(the day by which half the replications had closed, None if fewer did; the share that closed)."""
    return closure_quantile(closure_days, 0.5), share_closed(closure_days)


class RunTables:
    """A result with one tidy row per run (replications.csv, sweep.csv): ``runs`` and ``by_requirement``
    are the same rows split into the whole-run figures and the per-requirement ones."""

    def _run_table(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        """(the tidy rows, their columns, the columns that name a run: its point and replication)."""
        raise NotImplementedError

    @cached_property
    def _runs_split(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from sim.results.frames import frame, split_requirements

        rows, columns, keys = self._run_table()
        return split_requirements(frame(rows, columns), keys)

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run: its headline figures and closure day."""
        return self._runs_split[0]

    @property
    def by_requirement(self) -> pd.DataFrame:
        """One row per run and requirement: delivered and backlog tons and closure day."""
        return self._runs_split[1]
