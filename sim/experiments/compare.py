"""Two scenarios side by side: each headline figure for A and B and the difference (with 95 % CIs for
replicated runs), and the closed-form planning figures per phase the two share."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiments.analytic import capacity_margin, planning_record
from sim.experiments.replications import HEADLINE, Replications, replicate
from sim.experiments.runs import RunResult, run
from sim.results.summary_types import FigureStats, HeadlineFigure, Summary
from sim.scenario.compile import build_world
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

COMPARISON_COLUMNS = ["figure", "a", "b", "difference", "a_ci95", "b_ci95", "a_p10_p90", "b_p10_p90"]


@dataclass(repr=False)
class Comparison:
    """A against B. ``rows`` (and the DataFrame ``table``): figure, a, b, difference, a_ci95, b_ci95 (95 % CI
    of the mean where replicated) and a_p10_p90, b_p10_p90 (80 % of the runs between)."""

    a: RunResult | Replications
    b: RunResult | Replications
    plans: tuple[dict[str, Any], dict[str, Any]] = field(repr=False)
    rows: list[dict[str, Any]] = field(repr=False)

    def __repr__(self) -> str:
        return f"Comparison({self.a.scenario.name!r} vs {self.b.scenario.name!r}: {len(self.rows)} figures)"

    @cached_property
    def table(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame.from_records(self.rows, columns=COMPARISON_COLUMNS)

    def save(self, folder: str | Path, force: bool = False) -> Path:
        """Write what ``airlift compare`` writes: comparison.csv, comparison.png and both summaries."""
        from sim.results.saving import save_comparison

        return save_comparison(Path(folder), self.rows, COMPARISON_COLUMNS,
                               [(r.summary, r.daily_rows) for r in (self.a, self.b)], self.plans, force=force,
                               scenarios=(self.a.scenario, self.b.scenario))


def compare(a: Scenario, b: Scenario, replications: int | None = None, *, workers: int | None = None,
            dask: str | None = None) -> Comparison:
    """Run A and B (replicated if stochastic: ``replications`` each, default their own) and compare them."""

    def result(s: Scenario) -> RunResult | Replications:
        if s.stochastic is None:
            return run(s)
        return replicate(s, replications, workers=workers, dask=dask)

    return compare_results(result(a), result(b))


def compare_results(a: RunResult | Replications, b: RunResult | Replications) -> Comparison:
    """Compare two results already run."""
    plans = (planning_record(build_world(a.scenario), a.summary, a.daily_rows),
             planning_record(build_world(b.scenario), b.summary, b.daily_rows))
    rows = headline_differences(a.summary, b.summary) + phase_differences(plans[0], plans[1])
    return Comparison(a, b, plans, rows)


def phase_differences(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows comparing the closed-form figures of two planning records (``sim.experiments.analytic.planning_record``)
    over the days where both have fixed phases: route km and cycle time per type, fleet limit, capacity
    margin and the binding limit, per requirement the two share."""
    bounds = sorted({p["from_day"] for p in (*a["phases"], *b["phases"])} | {float(a["days"])})
    rows = []

    def phase_at(record: dict[str, Any], day: float) -> dict[str, Any]:
        return next(p for p in reversed(record["phases"]) if p["from_day"] <= day)

    def row(figure: str, va: Any, vb: Any) -> dict[str, Any]:
        numeric = isinstance(va, int | float) and isinstance(vb, int | float)
        return {"figure": figure, "a": va, "b": vb, "difference": vb - va if numeric else None,
                "a_ci95": None, "b_ci95": None, "a_p10_p90": None, "b_p10_p90": None}

    for start, end in zip(bounds, bounds[1:], strict=False):
        if end > a["days"] or end > b["days"]:
            break
        pa, pb = phase_at(a, start), phase_at(b, start)
        mine = {r["requirement"]: r for r in pb["requirements"]}
        for ra in pa["requirements"]:
            rb = mine.get(ra["requirement"])
            if rb is None:
                continue
            where = f"days {start:g}-{end:g}: {ra['requirement']}: "
            cycles_b = {c["type"]: c for c in rb["cycles"]}
            for ca in ra["cycles"]:
                cb = cycles_b.get(ca["type"])
                if cb is not None:
                    rows.append(row(f"{where}route_km ({ca['type']})", ca["loaded_km"], cb["loaded_km"]))
                    rows.append(row(f"{where}cycle_h ({ca['type']})", ca["rtt_h"], cb["rtt_h"]))
            rows.append(row(f"{where}fleet_limit_t_per_day", ra["fleet_t_per_day"], rb["fleet_t_per_day"]))
            margin_a, margin_b = capacity_margin(ra), capacity_margin(rb)
            if margin_a is not None and margin_b is not None:
                rows.append(row(f"{where}capacity_margin_t_per_day", margin_a, margin_b))
            rows.append(row(f"{where}binding_t_per_day", ra["binding_t_per_day"], rb["binding_t_per_day"]))
            rows.append(row(f"{where}binding", ra["binding"], rb["binding"]))
    return rows


def headline_differences(a: Summary, b: Summary) -> list[dict[str, Any]]:
    """Rows comparing the headline figures and the closure day of two summaries: A, B, B - A, and where
    replicated the 95 % CI of the mean and the spread (p10 to p90) of each."""
    rows = [_difference(key, (a[key], b[key]), (_figure_stats(a, key), _figure_stats(b, key)), a, b) for key in HEADLINE]
    rows.append(_difference("closure_day", (a["closure_day"], b["closure_day"]), (None, None), a, b))
    return rows


def _difference(key: str, values: tuple[float | None, float | None], ci: tuple[FigureStats | None, FigureStats | None],
                a: Summary, b: Summary) -> dict[str, Any]:
    """One row of ``headline_differences``."""
    va, vb = values
    return {
        "figure": key, "a": va, "b": vb, "difference": None if va is None or vb is None else vb - va,
        "a_ci95": None if not ci[0] else f"{ci[0]['ci95_low']:.1f} to {ci[0]['ci95_high']:.1f}",
        "b_ci95": None if not ci[1] else f"{ci[1]['ci95_low']:.1f} to {ci[1]['ci95_high']:.1f}",
        "a_p10_p90": _spread(ci[0], a, key), "b_p10_p90": _spread(ci[1], b, key),
    }


def _figure_stats(summary: Summary, key: HeadlineFigure) -> FigureStats | None:
    """The statistics of a headline figure in a replicated summary (None: one run)."""
    reps = summary.get("replications")
    return reps.get(key) if reps else None


def _spread(stats: FigureStats | None, summary: Summary, key: str) -> str | None:
    """The spread of a replicated figure in a comparison cell: "p10 to p90" (closure days as days)."""
    if key == "closure_day" and summary.get("replications"):
        low, high = summary["replications"]["closure"]["day_p10"], summary["replications"]["closure"]["day_p90"]
        if low is None and high is None:
            return "not closed"
        return f"{'not closed' if low is None else low} to {'not closed' if high is None else high}"
    if not stats or "p10" not in stats:
        return None
    return f"{stats['p10']:,.1f} to {stats['p90']:,.1f}"
