"""Charts. Each function draws on matplotlib Axes or writes a PNG; nothing is downloaded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


def throughput_figure(summary: dict[str, Any], daily: list[dict[str, Any]]) -> plt.Figure:
    """Daily and cumulative delivered tons per requirement, with the scenario's events marked."""
    start = date.fromisoformat(summary["start_date"])
    requirements = list(dict.fromkeys(row["requirement"] for row in daily))
    fig, (ax_day, ax_cum) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, constrained_layout=True)
    for name in requirements:
        rows = [r for r in daily if r["requirement"] == name]
        days = [start + timedelta(days=r["day"]) for r in rows]
        tons = [r["delivered_t"] for r in rows]
        cumulative = [sum(tons[: k + 1]) for k in range(len(tons))]
        label = f"{name} ({rows[0]['origin']} -> {rows[0]['destination']})"
        ax_day.step(days, tons, where="post", label=label)
        ax_cum.plot(days, cumulative, label=label)
    for event in summary["events"]:
        when = start + timedelta(days=event["day"])
        for ax in (ax_day, ax_cum):
            ax.axvline(when, color="0.4", linestyle="--", linewidth=1)
        ax_day.annotate(event["what"], (mdates.date2num(when), 1.0), xycoords=("data", "axes fraction"),
                        rotation=90, va="top", ha="right", fontsize=8, color="0.3")
    ax_day.set_ylabel("delivered per day (t)")
    ax_cum.set_ylabel("cumulative delivered (t)")
    ax_day.set_title(f"{summary['scenario']}: {summary['delivered_t']:,.0f} t of {summary['requested_t']:,.0f} t delivered "
                     f"in {summary['days']} days ({summary['mean_daily_t']:,.0f} t/day)")
    ax_day.legend(loc="upper right", fontsize=8)
    ax_cum.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    for ax in (ax_day, ax_cum):
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    return fig


def save_throughput(path: Path, summary: dict[str, Any], daily: list[dict[str, Any]]) -> None:
    """Write throughput.png."""
    fig = throughput_figure(summary, daily)
    fig.savefig(path, dpi=110)
    plt.close(fig)
