"""Write ``report.html`` beside a result's files: one function per kind of result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.reports import contexts
from sim.reports.briefing import render_report, write_report
from sim.results.summary_types import replications_in

REPORT = "report.html"


def write_run_report(folder: Path, result: Any, force: bool = True, study: Path | None = None) -> Path:
    """report.html of a run or a replicated run (``RunResult`` or ``Replications``) already saved to
    ``folder``; returns its path. ``study``: an uncertainty study's folder that ranks the assumptions
    (default: the folder, or its sibling ``<scenario>-uncertainty/``, when it holds one of this scenario)."""
    replicated = bool(result.summary.get("replications"))
    legs = getattr(result, "flown", None) if replicated else result.sortie_rows
    count = replications_in(result.summary)
    context = contexts.run_context(Path(folder), result.world, legs, count, study)
    return write_report(Path(folder) / REPORT, render_report("replicated run" if replicated else "run", context), force)


SWEEP_REPORT = "sweep_report.html"  # a sweep shares results/<name>/ with the scenario's run: its own name


def write_sweep_report(folder: Path, force: bool = True) -> Path:
    """sweep_report.html of a sweep saved to ``folder`` (beside a run's report.html, which it leaves alone)."""
    from sim.reports.studies import sweep_context

    return write_report(Path(folder) / SWEEP_REPORT, render_report("sweep", sweep_context(Path(folder))), force)


def write_sizing_report(path: Path, answer: Any, scenario: Any, force: bool = True) -> Path:
    """The briefing of a sizing (``sim.experiments.sizing.SizingResult``) of ``scenario``, to the file ``path``
    (a sizing writes no folder)."""
    from sim.reports.studies import sizing_context

    return write_report(Path(path), render_report("size", sizing_context(answer, scenario)), force)


def write_comparison_report(folder: Path, force: bool = True) -> Path:
    """report.html of a comparison saved to ``folder``."""
    from sim.reports.studies import comparison_context

    return write_report(Path(folder) / REPORT, render_report("compare", comparison_context(Path(folder))), force)


def write_reach_report(folder: Path, force: bool = True) -> Path:
    """report.html of the reach report saved to ``folder``."""
    from sim.reports.studies import reach_context

    return write_report(Path(folder) / REPORT, render_report("reach report", reach_context(Path(folder))), force)


def write_uncertainty_report(folder: Path, scenario: Any = None, force: bool = True) -> Path:
    """report.html of an uncertainty study saved to ``folder`` (``UncertaintyResult.save``); ``scenario``, the
    study's Scenario, adds the question's facts and the scenario's hash; returns its path."""
    from sim.reports.studies import uncertainty_context

    context = uncertainty_context(Path(folder), scenario)
    return write_report(Path(folder) / REPORT, render_report("uncertainty", context), force)
