"""Charts. Each function draws on matplotlib Axes or writes a PNG; nothing is downloaded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt


def _date_axis(ax: plt.Axes) -> None:
    """Dates as "15 Dec", ticks evenly spaced from the first day (not restarted at each month, which puts
    "31 Dec" and "01 Jan" on top of each other)."""
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(interval_multiples=False))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))


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
        line = ax_day.step(days, tons, where="post", label=label)[0]
        if "cumulative_t" in rows[0]:  # replicated run: means with 95 % confidence bands
            cumulative = [r["cumulative_t"] for r in rows]
            ax_day.fill_between(days, [r["delivered_t_ci95_low"] for r in rows], [r["delivered_t_ci95_high"] for r in rows],
                                step="post", alpha=0.2, color=line.get_color())
            ax_cum.fill_between(days, [r["cumulative_t_ci95_low"] for r in rows], [r["cumulative_t_ci95_high"] for r in rows],
                                alpha=0.2, color=line.get_color())
        ax_cum.plot(days, cumulative, label=label, color=line.get_color())
    for event in summary["events"]:
        when = start + timedelta(days=event["day"])
        for ax in (ax_day, ax_cum):
            ax.axvline(when, color="0.4", linestyle="--", linewidth=1)
        ax_day.annotate(event["what"], (mdates.date2num(when), 1.0), xycoords=("data", "axes fraction"),
                        rotation=90, va="top", ha="right", fontsize=8, color="0.3")
    ax_day.set_ylabel("delivered per day (t)")
    ax_cum.set_ylabel("cumulative delivered (t)")
    reps = summary.get("replications")
    what = f"mean of {reps['replications']} replications, 95 % CI shaded: " if reps else ""
    ax_day.set_title(f"{summary['scenario']}: {what}{summary['delivered_t']:,.0f} t of {summary['requested_t']:,.0f} t "
                     f"delivered in {summary['days']} days ({summary['mean_daily_t']:,.0f} t/day)")
    ax_day.legend(loc="upper right", fontsize=8)
    _date_axis(ax_cum)
    for ax in (ax_day, ax_cum):
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    return fig


def save_throughput(path: Path, summary: dict[str, Any], daily: list[dict[str, Any]]) -> None:
    """Write throughput.png."""
    fig = throughput_figure(summary, daily)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def closure_figure(summary: dict[str, Any], ax: plt.Axes | None = None) -> plt.Axes:
    """P(all requested cargo delivered by the end of day d), from a replicated run's summary."""
    start = date.fromisoformat(summary["start_date"])
    probability = summary["replications"]["closure"]["p_closure_by_day"]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4), constrained_layout=True)
    ax.step([start + timedelta(days=d + 1) for d in range(len(probability))], probability, where="post",
            label=summary["scenario"])
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("P(closure by day)")
    _date_axis(ax)
    ax.grid(alpha=0.3)
    ax.set_title(f"{summary['scenario']}: probability that all requested cargo is delivered "
                 f"({summary['replications']['replications']} replications)")
    return ax


def save_closure(path: Path, summary: dict[str, Any]) -> None:
    """Write closure.png."""
    ax = closure_figure(summary)
    ax.figure.savefig(path, dpi=110)
    plt.close(ax.figure)


FIGURE_WORDS = {
    "mean_daily_t": "delivered (t/day)",
    "delivered_t": "delivered by the end (t)",
    "backlog_t": "backlog at the end (t)",
    "in_transit_t": "in transit at the end (t)",
    "sorties": "sorties",
    "flight_h": "flight hours",
    "repairs": "repairs",
}


def sweep_figure(point_rows: list[dict[str, Any]], paths: list[str], name: str, replications: int,
                 figure: str = "mean_daily_t", ax: plt.Axes | None = None, x_label: str | None = None) -> plt.Axes:
    """Mean of a figure against the first swept value, one line per combination of the others, 95 % CI
    shaded; y from 0, whole-number ticks for whole-number values (counts)."""
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    x_path, others = paths[0], paths[1:]
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in point_rows:
        groups.setdefault(tuple(row[p] for p in others), []).append(row)
    numeric = all(isinstance(r[x_path], int | float) and not isinstance(r[x_path], bool) for r in point_rows)
    for key, rows in groups.items():
        rows = sorted(rows, key=lambda r: r[x_path]) if numeric else rows
        xs = [r[x_path] if numeric else str(r[x_path]) for r in rows]  # lists (e.g. closures) as categories
        label = ", ".join(f"{p}={v}" for p, v in zip(others, key, strict=True)) or name
        line = ax.plot(xs, [r[f"{figure}_mean"] for r in rows], marker="o", label=label)[0]
        ax.fill_between(xs, [r[f"{figure}_ci95_low"] for r in rows], [r[f"{figure}_ci95_high"] for r in rows],
                        alpha=0.2, color=line.get_color())
    if numeric and all(float(r[x_path]).is_integer() for r in point_rows):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(x_label or x_path)
    ax.set_ylabel(FIGURE_WORDS.get(figure, figure))
    ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], 1.0))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{name}: {FIGURE_WORDS.get(figure, figure)} (mean of {replications} replications, 95 % CI)")
    return ax


def sweep_panels(point_rows: list[dict[str, Any]], paths: list[str], name: str, replications: int,
                 x_label: str | None = None) -> plt.Figure:
    """sweep.png: delivered t/day; tons left at the end (backlog and in transit); P(all cargo delivered
    by the end), each against the first swept value."""
    from matplotlib.ticker import MaxNLocator

    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(9, 10), sharex=True, constrained_layout=True)
    sweep_figure(point_rows, paths, name, replications, "mean_daily_t", top, x_label)
    x_path = paths[0]
    numeric = all(isinstance(r[x_path], int | float) and not isinstance(r[x_path], bool) for r in point_rows)
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in point_rows:
        groups.setdefault(tuple(row[p] for p in paths[1:]), []).append(row)
    for key, rows in groups.items():
        rows = sorted(rows, key=lambda r: r[x_path]) if numeric else rows
        xs = [r[x_path] if numeric else str(r[x_path]) for r in rows]
        suffix = ", ".join(f"{p}={v}" for p, v in zip(paths[1:], key, strict=True))
        suffix = f" ({suffix})" if suffix else ""
        line = middle.plot(xs, [r["backlog_t_mean"] for r in rows], marker="o", label=f"backlog{suffix}")[0]
        middle.plot(xs, [r["in_transit_t_mean"] for r in rows], marker="s", linestyle="--", color=line.get_color(),
                    label=f"in transit{suffix}")
        bottom.plot(xs, [r["p_closed"] for r in rows], marker="o", label=name + suffix)
    middle.set_ylabel("left at the end (t)")
    middle.set_ylim(bottom=0, top=max(middle.get_ylim()[1], 1.0))
    middle.set_title("cargo not delivered at the end of the run: waiting (backlog) and in the air or on the ground (in transit)")
    middle.legend(fontsize=8)
    bottom.set_ylabel("P(all cargo delivered by the end)")
    bottom.set_ylim(-0.02, 1.02)
    bottom.set_xlabel(x_label or x_path)
    bottom.legend(fontsize=8)
    for ax in (middle, bottom):
        ax.grid(alpha=0.3)
    top.set_xlabel("")
    if numeric and all(float(r[x_path]).is_integer() for r in point_rows):
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def save_sweep(path: Path, point_rows: list[dict[str, Any]], paths: list[str], name: str, replications: int,
               x_label: str | None = None) -> None:
    """Write sweep.png."""
    fig = sweep_panels(point_rows, paths, name, replications, x_label)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def comparison_figure(runs: list[tuple[dict[str, Any], list[dict[str, Any]]]], ax: plt.Axes | None = None) -> plt.Axes:
    """Cumulative delivered tons of several runs (summary, daily rows) on one chart, 95 % CI where replicated."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5), constrained_layout=True)
    for summary, daily in runs:
        start = date.fromisoformat(summary["start_date"])
        totals: dict[int, list[float]] = {}
        for row in daily:
            slot = totals.setdefault(row["day"], [0.0, 0.0, 0.0])
            if "cumulative_t" in row:
                slot[0] += row["cumulative_t"]
                slot[1] += row["cumulative_t_ci95_low"]
                slot[2] += row["cumulative_t_ci95_high"]
            else:
                slot[0] += row["delivered_t"]
        days = sorted(totals)
        when = [start + timedelta(days=d + 1) for d in days]
        if "cumulative_t" in daily[0]:
            mean = [totals[d][0] for d in days]
            line = ax.plot(when, mean, label=summary["scenario"])[0]
            ax.fill_between(when, [totals[d][1] for d in days], [totals[d][2] for d in days], alpha=0.2,
                            color=line.get_color())
        else:
            running, mean = 0.0, []
            for d in days:
                running += totals[d][0]
                mean.append(running)
            ax.plot(when, mean, label=summary["scenario"])
    ax.set_ylabel("cumulative delivered, all requirements (t)")
    _date_axis(ax)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Cumulative deliveries" + (" (shaded: 95 % CI over replications)" if any(
        "cumulative_t" in d[0] for _, d in runs) else ""))
    return ax


def limits_figure(plans: list[dict[str, Any]], ax: plt.Axes | None = None) -> plt.Axes:
    """The closed-form fleet limit (solid) and binding limit (dashed) of each scenario, summed over its
    requirements, phase by phase (planning records of ``sim.experiments.analytic.planning_record``)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4), constrained_layout=True)
    for plan in plans:
        xs, fleet, binding = [], [], []
        for phase in plan["phases"]:
            for day in (phase["from_day"], phase["to_day"]):
                xs.append(day)
                fleet.append(sum(r["fleet_t_per_day"] for r in phase["requirements"]))
                binding.append(sum(r["binding_t_per_day"] for r in phase["requirements"]))
        line = ax.plot(xs, fleet, label=f"{plan['scenario']}: fleet limit")[0]
        ax.plot(xs, binding, linestyle="--", color=line.get_color(), label=f"{plan['scenario']}: binding limit")
        for phase in plan["phases"][1:]:
            ax.axvline(phase["from_day"], color=line.get_color(), linestyle=":", linewidth=1)
    ax.set_xlabel("day")
    ax.set_ylabel("closed-form limit (t/day)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Limits per phase (closed form; a phase starts at each MOG, closure or airspace change)")
    return ax


def save_comparison(path: Path, runs: list[tuple[dict[str, Any], list[dict[str, Any]]]],
                    plans: list[dict[str, Any]] | None = None) -> None:
    """Write comparison.png: cumulative deliveries, and with planning records the limits per phase."""
    if plans is None:
        ax = comparison_figure(runs)
        fig = ax.figure
    else:
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 8), constrained_layout=True,
                                          gridspec_kw={"height_ratios": [3, 2]})
        comparison_figure(runs, ax=top)
        limits_figure(plans, ax=bottom)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def payload_range_figure(aircraft: Any, ax: plt.Axes | None = None) -> plt.Figure:
    """The payload-range envelope of one type: published points marked by grade, the fitted fuel-and-mass
    model, and the planning envelope (the mass model after the range reserve). Drawn on ``ax`` (e.g. one
    panel of several types side by side) or a new figure; returns the figure."""
    from sim.flight import performance

    points = sorted(aircraft.payload_range, key=lambda p: p[1])
    ferry = points[-1][1]
    ranges = [x for x in range(0, int(ferry) + 1, 25)]
    payload = [performance.envelope_payload_t(aircraft, r) for r in ranges]
    planned = [performance.planned_payload_t(aircraft, r) for r in ranges]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5), constrained_layout=True)
    ax.plot(ranges, payload, color="tab:blue", label="envelope (published points, linear between)")
    loads = [aircraft.max_payload_t * k / 200 for k in range(201)]
    ax.plot([performance.mass_model_range_km(aircraft, p) for p in loads], loads, color="0.35", linestyle=":",
            label="fitted fuel-and-mass model (no reserve)")
    keep = [k for k, p in enumerate(planned) if p >= 0]
    ax.plot([ranges[k] for k in keep], [planned[k] for k in keep], color="tab:blue", linestyle="--",
            label=f"planning: mass model less {aircraft.range_reserve_frac:.0%} range reserve")
    grades = _point_grades(aircraft)
    markers = {"sourced": ("o", "tab:green"), "derived": ("s", "tab:orange"), "assumed": ("^", "tab:red"),
               "scenario": ("D", "tab:purple")}
    for (p, r), grade in zip(sorted(aircraft.payload_range), grades, strict=True):
        marker, color = markers.get(grade, ("o", "black"))
        ax.plot(r, p, marker=marker, color=color, markersize=8, linestyle="none", label=f"published point ({grade})")
        ax.annotate(f"{p:g} t / {r:,.0f} km", (r, p), xytext=(5, 5), textcoords="offset points", fontsize=8)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=8, loc="lower left")  # clear of the point labels
    ax.set_xlabel("range (km)")
    ax.set_ylabel("payload (t)")
    ax.set_xlim(0, ferry * 1.05)
    ax.set_ylim(0, aircraft.max_payload_t * 1.15)
    ax.grid(alpha=0.3)
    ax.set_title(f"{aircraft.name}: payload-range")
    return ax.figure


def _point_grades(aircraft: Any) -> list[str]:
    """Grade of each published point, payload ascending."""
    prov = aircraft.provenance
    if "payload_range" in prov and prov["payload_range"].grade == "scenario":
        return ["scenario"] * len(aircraft.payload_range)
    grades = {float(p["payload_t"]): p["grade"] for p in prov["payload_range_points"].value}
    return [grades.get(p, "derived") for p, _ in sorted(aircraft.payload_range)]


def ground_figure(ground: list[dict[str, Any]], mog: dict[str, int], busiest: int = 4) -> plt.Figure:
    """Working spots in use and aircraft queueing for one, over time, at the busiest airfields
    (from ground.csv rows), with each airfield's working MOG at the start."""
    from sim.model.records import SPOT_ACTIVITIES

    turns = [g for g in ground if g["activity"] in SPOT_ACTIVITIES]
    counts: dict[str, int] = {}
    for g in turns:
        counts[g["airfield"]] = counts.get(g["airfield"], 0) + 1
    fields = sorted(counts, key=lambda k: -counts[k])[:busiest] or ["(none)"]
    fig, axes = plt.subplots(len(fields), 1, figsize=(10, 2.2 * len(fields) + 0.6), sharex=True,
                             constrained_layout=True, squeeze=False)
    for ax, ident in zip(axes[:, 0], fields, strict=True):
        mine = [g for g in turns if g["airfield"] == ident]
        lines = (("spots in use", "start_h", "end_h", "-"), ("queue for a spot", "arrive_h", "start_h", ":"))
        for label, up, down, style in lines:
            changes = sorted([(g[up], 1) for g in mine] + [(g[down], -1) for g in mine], key=lambda c: (c[0], c[1]))
            hours, level, levels = [0.0], 0, [0]
            for hour, step in changes:
                level += step
                hours.append(hour / 24.0)
                levels.append(level)
            ax.step(hours, levels, where="post", linestyle=style, label=label)
        if ident in mog:
            ax.axhline(mog[ident], color="grey", linewidth=0.8, linestyle="--", label=f"working MOG at start ({mog[ident]})")
        ax.set_ylabel(f"{ident}\naircraft")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=8)
    axes[-1, 0].set_xlabel("day of the run")
    fig.suptitle("Ground: working spots in use and queue, busiest airfields")
    return fig


def save_ground(path: Path, ground: list[dict[str, Any]], world: Any) -> None:
    """Write ground.png."""
    fig = ground_figure(ground, {k: a.mog for k, a in world.airfields.items()})
    fig.savefig(path, dpi=100)
    plt.close(fig)


# --- charts of results objects (sim.run, sim.replicate, sim.sweep, sim.load_results) -------------------


def _records(frame: Any) -> list[dict[str, Any]]:
    return frame.to_dict("records")


def plot_throughput(results: Any, ax: Any = None) -> Any:
    """Cumulative delivered tons (all requirements), with the 95 % band of a replicated run. ``results``:
    anything with ``.summary`` and ``.daily`` (``sim.run``, ``sim.replicate``, ``sim.load_results``)."""
    return comparison_figure([(results.summary, _records(results.daily))], ax=ax)


def plot_comparison(runs: list[Any], ax: Any = None) -> Any:
    """Several runs' cumulative deliveries on one chart (e.g. baseline vs lose Hmeimim)."""
    return comparison_figure([(r.summary, _records(r.daily)) for r in runs], ax=ax)


def plot_knee(results: Any, figure: str = "mean_daily_t", ax: Any = None, demand_t_per_day: float | None = None) -> Any:
    """A sweep's figure (default delivered t/day, with its 95 % CI) against its first swept value: where
    more aircraft stop helping. ``results``: ``sim.sweep`` or ``sim.load_results`` of a sweep folder.
    ``demand_t_per_day`` draws the demand as a dotted line, inside the y axis."""
    points = results.points if hasattr(results, "points") else results.sweep_points
    paths = [c for c in points.columns if c not in ("point", "replications", "p_closed") and not c.endswith(
        ("_mean", "_ci95_low", "_ci95_high"))]
    replications = int(points["replications"].min())
    x_label = None
    if hasattr(results, "plan"):  # a sweep run in this process knows its scenario: label the axis in words
        from sim.experiments.sweeps import axis_label

        x_label = axis_label(results.plan.scenario, paths[0])
    ax = sweep_figure(_records(points), paths, results.name, replications, figure=figure, ax=ax, x_label=x_label)
    if demand_t_per_day is not None:
        ax.axhline(demand_t_per_day, color="0.3", linestyle=":", label=f"demand {demand_t_per_day:,.0f} t/day")
        ax.set_ylim(0, max(ax.get_ylim()[1], 1.1 * demand_t_per_day))
        ax.legend(fontsize=8)
    return ax


def plot_closure(results: Any, ax: Any = None) -> Any:
    """P(all requested cargo delivered by day d) of a replicated run."""
    return closure_figure(results.summary, ax=ax)
