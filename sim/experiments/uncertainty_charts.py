"""The files of an uncertainty study: the sample and sensitivity tables, the tornado and the distribution."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from sim.results.writing import run_beside, write_csv, write_files, write_json

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

# matplotlib (through sim.results.style) loads when a chart is drawn, not when a study module is imported:
# light commands (validate, schema, catalog) import sim.experiments.uncertainty without it.

# An UncertaintyResult (sim.experiments.uncertainty), which imports this module: not imported back, so the
# two stay acyclic.
UncertaintyResult = Any

OUTCOMES = {"delivered_t": ("t", "delivered by the end of the run (t)"),
            "mean_daily_t": ("t_per_day", "mean delivered per day (t/day)"),
            "closure_day": ("days", "day every requested ton is delivered (day)")}
UNCERTAINTY_FILES = ["uncertainty.csv", "sensitivity.csv", "uncertainty.json", "tornado.png", "distribution.png"]

TORNADO_BARS = 12


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    import json

    return json.dumps(value)  # a choice as the scenario file writes it: false, [], ["GEO"]


def _in_unit(value: float, unit: str) -> str:
    return {"t": f"{value:,.0f} t", "t_per_day": f"{value:,.1f} t/day", "days": f"day {value:,.1f}"}[unit]


def spread_words(result: UncertaintyResult) -> str:
    """"80 % of samples between 5,100 t and 7,300 t; half below 6,200 t"."""
    return spread_text(result.quantiles(), result.unit)


def spread_text(q: dict[str, float], unit: str) -> str:
    """The spread in words from the quantiles ``{"p10", "p50", "p90"}`` in the outcome's ``unit``."""
    return (f"80 % of samples between {_in_unit(q['p10'], unit)} and {_in_unit(q['p90'], unit)}; "
            f"half below {_in_unit(q['p50'], unit)}")


def tornado_figure(result: UncertaintyResult, ax: plt.Axes | None = None, bars: int = TORNADO_BARS) -> plt.Axes:
    """The one-at-a-time swing of the most influential inputs (by rank), as bars from the base outcome to
    the outcome at each end; the bars' gids are ``"low:<path>"`` and ``"high:<path>"``."""
    import matplotlib.pyplot as plt

    from sim.results import style

    rows = result.sensitivity_rows[:bars]
    outcome = result.plan.outcome
    base = result.base_outcome
    with style.briefing():
        if ax is None:
            _, ax = plt.subplots(figsize=(10, 1.2 + 0.45 * len(rows)), constrained_layout=True)
        for y, row in enumerate(reversed(rows)):
            for end, color in (("low", style.PALETTE[0]), ("high", style.PALETTE[1])):
                value = row[f"{outcome}_at_{end}"]
                ax.barh(y, value - base, left=base, color=color, height=0.6, gid=f"{end}:{row['path']}",
                        label=f"input at its {end} end" if y == 0 else None)
        ax.axvline(base, **style.DEMAND)  # type: ignore[arg-type]
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([f"{r['rank']}. {r['path']}  ({_short(r['low'])} to {_short(r['high'])})"
                            for r in reversed(rows)], fontsize=8)
        style.thousands(ax.xaxis)
        ax.set_xlabel(f"{OUTCOMES[outcome][1]}; dotted: every input at its value, {_in_unit(base, result.unit)}")
        ax.set_title(f"{result.plan.scenario.name}: which assumption matters (one at a time, rank by "
                     f"{ {'sobol': 'total Sobol index', 'morris': 'Morris mu*', 'lhs': 'swing'}[result.plan.method]})",
                     fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    return ax


def distribution_figure(result: UncertaintyResult, ax: plt.Axes | None = None) -> plt.Axes:
    """The outcome over the samples: a histogram, its cumulative share (gid ``"ecdf"``), and p10, p50, p90
    marked and said in words."""
    import matplotlib.pyplot as plt

    from sim.results import style

    y = np.sort(result.outcome_values())
    q = result.quantiles()
    with style.briefing():
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4.2), constrained_layout=True)
        ax.hist(y, bins=min(30, max(5, len(y) // 4)), color=style.PALETTE[0], alpha=0.5, gid="histogram")
        ax.set_ylabel("samples")
        share = ax.twinx()
        share.step(y, np.arange(1, len(y) + 1) / len(y), where="post", color=style.PALETTE[0], gid="ecdf")
        share.set_ylim(0, 1.02)
        share.set_ylabel("share of samples at or below")
        for (key, words), dash in zip((("p10", "p10: 10 % of samples below"), ("p50", "p50: half below"),
                                       ("p90", "p90: 90 % below")), ("--", "-", "-."), strict=True):
            share.axvline(q[key], color="0.35", linestyle=dash, linewidth=0.9, gid=key,
                          label=f"{words} {_in_unit(q[key], result.unit)}")
        share.axvline(result.base_outcome, **style.DEMAND,  # type: ignore[arg-type]
                      label=f"every input at its value: {_in_unit(result.base_outcome, result.unit)}")
        share.legend(loc="upper left", fontsize=8)
        style.thousands(ax.xaxis)
        ax.set_xlabel(f"{OUTCOMES[result.plan.outcome][1]}; dotted: every input at its value")
        words = spread_words(result)
        closed = result.share_closed  # not the summary: drawn beside the analysis, which the summary holds
        if closed is not None:
            words += f"; {closed:.0%} of runs close by day {result.close_by_day}"
        ax.set_title(f"{result.plan.scenario.name}: {len(y)} samples of {len(result.plan.inputs)} uncertain inputs\n{words}",
                     fontsize=10)
    return ax


def _cell(value: Any) -> Any:
    """A number as it is; a choice (a list, true/false) as JSON text."""
    import json

    return value if isinstance(value, int | float) and not isinstance(value, bool) else json.dumps(value)


def save_study(folder: Path, result: UncertaintyResult, force: bool = False) -> Path:
    """Write uncertainty.csv, sensitivity.csv, uncertainty.json, tornado.png and distribution.png."""
    from sim.results import style

    def fill(tmp: Path) -> None:
        def analysed() -> None:  # the tables and the tornado, after the analysis (sensitivity_rows: SALib)
            samples = result.sample_rows
            write_csv(tmp / "uncertainty.csv", samples, list(samples[0]))
            sensitivity = [{k: (_cell(v) if k in ("low", "high", "base") else v) for k, v in row.items()}
                           for row in result.sensitivity_rows]
            write_csv(tmp / "sensitivity.csv", sensitivity, ["rank", *[c for c in sensitivity[0] if c != "rank"]])
            write_json(tmp / "uncertainty.json", result.summary)
            style.save(cast("plt.Figure", tornado_figure(result).figure), tmp / "tornado.png")

        # distribution.png needs only the outcomes: drawn beside the analysis (in a forked child where allowed)
        run_beside(analysed, lambda: style.save(cast("plt.Figure", distribution_figure(result).figure),
                                                tmp / "distribution.png"))

    return write_files(folder, UNCERTAINTY_FILES, fill, force=force)
