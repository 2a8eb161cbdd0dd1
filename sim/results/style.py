"""The look of every chart and map: one place for colours, fonts, number and date formats, event markers.

Charts are drawn inside :func:`briefing` (a ``matplotlib.rc_context``), so the library never changes the
caller's matplotlib settings. Conventions, for a chart a planner can put on a slide:

* axis labels in words with their unit in brackets: "delivered per day (t)";
* numbers with thousands separators (``17,500``); dates with the year on the first tick and at each new
  year (``15 Dec 2024``, ``01 Jan 2025``);
* demand drawn as a dotted dark line; 95 % intervals as a light band of the line's colour;
* events marked by a thin vertical line, numbered above the plot area and explained in a note under the
  chart, never written over the data;
* y from 0 for quantities (tons, sorties, spots), since a truncated axis exaggerates differences.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import FuncFormatter

DPI = 110
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
DEMAND = {"color": "0.2", "linestyle": ":", "linewidth": 1.4}
EVENT = {"color": "0.45", "linestyle": "--", "linewidth": 0.9}
BAND_ALPHA = 0.2
CLOSED_COLOR = "#d62728"
SOME_FLIGHTS_COLOR = "#ff7f0e"
LAND_COLOR = "0.93"
COAST_COLOR = "0.6"
WATER_COLOR = "#eef4fa"

RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),  # type: ignore[attr-defined]
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.fontsize": 8,
    "legend.framealpha": 0.9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    "savefig.dpi": DPI,
}


@contextlib.contextmanager
def briefing() -> Iterator[None]:
    """The house style for the figures drawn inside the block; the settings it changes (the keys of RC,
    only those) are restored after. Not ``matplotlib.rc_context``, which restores every setting: when the
    first figure of a notebook is made inside it, the notebook's switch to interactive mode made at that
    moment would be undone, and no later figure would be displayed."""
    saved = {key: mpl.rcParams[key] for key in RC}  # type: ignore[index]
    mpl.rcParams.update(RC)  # type: ignore[arg-type]
    try:
        yield
    finally:
        mpl.rcParams.update(saved)  # type: ignore[arg-type]


def thousands(ax_axis: Any, decimals: int = 0) -> None:
    """Format an axis' tick labels with thousands separators (``ax.yaxis``)."""
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.{decimals}f}"))


def date_axis(ax: plt.Axes) -> None:
    """Dates as "15 Dec", with the year on the first tick and wherever the year changes; ticks evenly
    spaced from the first day (not restarted each month, which crowds "31 Dec" and "01 Jan")."""
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(interval_multiples=False))
    ax.xaxis.set_major_formatter(_YearFormatter())


class _YearFormatter(mdates.DateFormatter):
    def __init__(self) -> None:
        super().__init__("%d %b")

    def format_ticks(self, values: Iterable[float]) -> list[str]:
        labels, last_year = [], None
        for value in values:
            when = mdates.num2date(value)
            labels.append(when.strftime("%d %b %Y" if when.year != last_year else "%d %b"))
            last_year = when.year
        return labels


def mark_events(axes: list[plt.Axes], events: list[tuple[Any, str]], note_fig: plt.Figure | None = None) -> str:
    """Mark events (x position, what) on every Axes with a thin vertical line; the top Axes numbers them
    just above its plot area, out of the data. Returns the note explaining the numbers ("1: close OSLK
    (day 10)"), which is written under ``note_fig`` when given."""
    if not events:
        return ""
    if len(events) > MAX_EVENT_MARKS:
        return _mark_many_events(axes, events, note_fig)
    top = axes[0]
    for k, (x, _what) in enumerate(events, start=1):
        for ax in axes:
            ax.axvline(x, zorder=1, **EVENT)  # type: ignore[arg-type]
        top.annotate(str(k), (mdates.date2num(x) if isinstance(x, date) else x, 1.0), xycoords=("data", "axes fraction"),
                     xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=7, color="0.25",
                     bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "0.45", "lw": 0.7}, annotation_clip=False)
    note = "Events: " + "; ".join(f"{k}: {what}" for k, (_x, what) in enumerate(events, start=1))
    if note_fig is not None:
        note_fig.text(0.01, 0.003, note, fontsize=7, color="0.3", ha="left", va="bottom", wrap=True)
    return note


MAX_EVENT_MARKS = 30  # more events than this: ticks at the top, no numbers (they would overlap)


def _mark_many_events(axes: list[plt.Axes], events: list[tuple[Any, str]], note_fig: plt.Figure | None) -> str:
    """Many events (a scenario may have 100,000): one short tick per distinct time along the top of the
    top Axes, in one collection, and a note that summary.json lists them. Drawn one numbered line per
    event, 20,000 events did not finish."""
    xs = sorted({mdates.date2num(x) if isinstance(x, date) else float(x) for x, _what in events})
    axes[0].vlines(xs, 0.97, 1.0, transform=axes[0].get_xaxis_transform(), zorder=1, colors=EVENT["color"],  # type: ignore[arg-type]
                   linewidths=0.5)
    note = f"Events: {len(events):,}, ticked along the top (summary.json lists every one)"
    if note_fig is not None:
        note_fig.text(0.01, 0.003, note, fontsize=7, color="0.3", ha="left", va="bottom", wrap=True)
    return note


def band(ax: plt.Axes, x: Any, low: Iterable[float], high: Iterable[float], color: Any, step: str | None = None) -> None:
    """A 95 % interval as a light band, never below zero (the quantities charted are not negative)."""
    low = [max(0.0, v) for v in low]
    ax.fill_between(x, low, list(high), alpha=BAND_ALPHA, color=color, step=step, linewidth=0, label="_band")  # type: ignore[arg-type]


def from_zero(ax: plt.Axes, top: float = 1.0) -> None:
    """y from 0 (quantities), at least to ``top``."""
    ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], top))


def save(fig: plt.Figure, path: Path | str, dpi: int = DPI, fmt: str | None = None) -> None:
    """Write a figure and close it; ``fmt`` (png, svg, pdf, ...) defaults to the file name's suffix."""
    try:
        if (fmt or Path(path).suffix.lstrip(".") or "png").lower() == "png":
            # One draw: savefig draws a figure that has a layout engine twice (to lay it out, then to
            # render it); the canvas lays it out and renders it in one draw, to the same pixels.
            fig.set_dpi(dpi)
            canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
            canvas.print_png(path)
        else:
            fig.savefig(path, dpi=dpi, format=fmt)
    finally:
        plt.close(fig)
