"""Documents built from results: the reach report and the claims it tests, and the one-page HTML briefing
(``report.html``) of a run, a replicated run, a sweep, a sizing, a comparison, an uncertainty study or the reach report. The layer
sits above experiments: a briefing reads their results (the closed-form limits, sweeps, sizings).

``render_report(kind, context)`` renders a page from plain data (``sim.reports.briefing``);
``sim.reports.contexts`` builds the contexts; ``write_run_report`` and friends write ``report.html``.
"""

from sim.reports.briefing import KINDS, data_uri, render_report, write_report
from sim.reports.pages import (
    write_comparison_report,
    write_reach_report,
    write_run_report,
    write_sizing_report,
    write_sweep_report,
    write_uncertainty_report,
)

__all__ = ["KINDS", "data_uri", "render_report", "write_report", "write_run_report", "write_sweep_report",
           "write_sizing_report", "write_comparison_report", "write_reach_report",
           "write_uncertainty_report"]
