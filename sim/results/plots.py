"""Charts. Each function draws on matplotlib Axes or writes a PNG; nothing is downloaded.

The look (labels in words with units, thousands separators, dates with the year, demand lines, event
markers above the data, 95 % bands) comes from :mod:`sim.results.style`; figures are drawn inside its
``briefing()`` context, so the caller's matplotlib settings are never changed.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from sim.results import style
from sim.results.summary_types import Summary, replications_in


def manifest_tons(req: dict[str, Any]) -> float:
    """Mass of a requirement's items, passengers and bulk tons (as plain scenario data)."""
    from sim.data import catalog

    equipment = catalog.equipment_catalog()
    total = float(req.get("tons") or 0.0) + float(req.get("passengers") or 0) * float(catalog.passenger_mass().value)
    for item in req.get("items") or []:
        mass = equipment[item["item"]].mass_t if item.get("item") else float(item["mass_t"])
        total += mass * int(item.get("count", 1))
    return total


def requested_by_day(scenario_data: dict[str, Any], days: int) -> dict[str, list[float]]:
    """Tons requested per day (made available that day), per requirement name, from a scenario (as plain
    data, e.g. scenario.json): a lump counts on its ``day``, a flow on each day from ``day`` to before
    ``until_day`` (default: the end of the run)."""
    out: dict[str, list[float]] = {}
    for req in scenario_data.get("requirements", []):
        name = req.get("label") or f"{req['from']}->{req['to']}"
        tons = out.setdefault(name, [0.0] * days)
        first = float(req.get("day", 0))
        if req.get("items") is not None or req.get("passengers") is not None:
            tons[min(days - 1, int(math.floor(first)))] += manifest_tons(req)
            continue
        if req.get("tons") is not None:
            tons[min(days - 1, int(math.floor(first)))] += float(req["tons"])
            continue
        until = float(req.get("until_day") or days)
        for d in range(int(math.ceil(first - 1e-9)), min(days, int(math.ceil(until - 1e-9)))):
            tons[d] += float(req["tons_per_day"])
    return out


def demand_t_per_day(scenario_data: dict[str, Any], days: int) -> float:
    """All tons requested over the run, per day of the run: the demand line of a sweep's t/day chart."""
    return sum(sum(v) for v in requested_by_day(scenario_data, days).values()) / days


def _events(summary: Summary, start: date) -> list[tuple[date, str]]:
    return [(start + timedelta(days=float(e["day"])), f"{e['what']} (day {float(e['day']):g})") for e in summary["events"]]


def throughput_figure(summary: Summary, daily: list[dict[str, Any]],
                      scenario_data: dict[str, Any] | None = None) -> plt.Figure:
    """Daily and cumulative delivered tons per requirement (when replicated: the 95 % CI of the mean shaded
    and the spread of outcomes, 80 % of the runs between p10 and p90, dashed), the demand of
    each requirement dotted in its colour (from ``scenario_data``), events numbered above the data.

    Each delivered line's ``gid`` is ``"delivered:<requirement>"`` or ``"cumulative:<requirement>"``, and
    each demand line's ``"demand:..."`` / ``"requested:..."``: its y values are daily.csv's column.
    """
    start = date.fromisoformat(summary["start_date"])
    requirements = list(dict.fromkeys(row["requirement"] for row in daily))
    days_n = summary["days"]
    requested = requested_by_day(scenario_data, days_n) if scenario_data else {}
    with style.briefing():
        fig, (ax_day, ax_cum) = plt.subplots(2, 1, figsize=(10, 7.4), sharex=True, layout="constrained")
        for k, name in enumerate(requirements):
            color = style.PALETTE[k % len(style.PALETTE)]
            rows = [r for r in daily if r["requirement"] == name]
            days, ends = _draw_delivered(ax_day, ax_cum, name, rows, start, color)
            _draw_demand(ax_day, ax_cum, name, days, ends, requested.get(name), color)
        note = style.mark_events([ax_day, ax_cum], _events(summary, start))
        ax_day.set_ylabel("delivered per day (t)")
        ax_cum.set_ylabel("cumulative delivered (t)")
        ax_cum.set_xlabel(f"date; {note}" if note else "date", fontsize=8, loc="left")
        reps = summary.get("replications")
        what = f"mean of {reps['replications']} replications, 95 % CI shaded; " if reps else ""
        if reps and daily and "cumulative_t_p10" in daily[0]:
            ax_cum.set_title("solid: mean; shaded: 95 % CI of the mean; dashed: 80 % of runs between (p10-p90)",
                             fontsize=9, loc="left")
        ax_day.set_title(f"{summary['scenario']}: {summary['delivered_t']:,.0f} t of {summary['requested_t']:,.0f} t "
                         f"delivered in {summary['days']} days ({summary['mean_daily_t']:,.0f} t/day; {what}dotted: demand)",
                         pad=14 if note else 6)
        _throughput_legend(fig, ax_day, ax_cum, requirements, daily)
        style.date_axis(ax_cum)
        for ax in (ax_day, ax_cum):
            style.thousands(ax.yaxis)
            style.from_zero(ax)
            ax.set_xlim(start, start + timedelta(days=days_n))
    return fig


def _draw_delivered(ax_day: plt.Axes, ax_cum: plt.Axes, name: str, rows: list[dict[str, Any]], start: date,
                    color: str) -> tuple[list[Any], list[Any]]:
    """One requirement's delivered tons: per day (a step over each day) and cumulative by the end of each day;
    replicated, the 95 % CI of the mean shaded and the p10-p90 spread dashed. Returns the days and their ends."""
    days: list[Any] = [start + timedelta(days=r["day"]) for r in rows]  # dates: matplotlib's stubs take no date
    ends: list[Any] = [start + timedelta(days=r["day"] + 1) for r in rows]  # cumulative: by the end of the day
    tons = [r["delivered_t"] for r in rows]
    cumulative = list(np.cumsum(tons))
    label = f"{name} ({rows[0]['origin']} -> {rows[0]['destination']})"
    # A day's tons drawn over the whole day: a step from its start to its end.
    ax_day.step([*days, ends[-1]], [*tons, tons[-1]], where="post", label=label, color=color,
                gid=f"delivered:{name}", zorder=3)
    if "cumulative_t" in rows[0]:  # replicated run: means with 95 % confidence bands
        cumulative = [r["cumulative_t"] for r in rows]
        low = [r["delivered_t_ci95_low"] for r in rows]
        high = [r["delivered_t_ci95_high"] for r in rows]
        style.band(ax_day, [*days, ends[-1]], [*low, low[-1]], [*high, high[-1]], color, step="post")
        style.band(ax_cum, ends, [r["cumulative_t_ci95_low"] for r in rows],
                   [r["cumulative_t_ci95_high"] for r in rows], color)
        if "cumulative_t_p10" in rows[0]:  # the spread of outcomes: 80 % of the runs between the dashes
            for q in ("p10", "p90"):
                ax_cum.plot(ends, [r[f"cumulative_t_{q}"] for r in rows], color=color, linestyle="--",
                            linewidth=0.9, alpha=0.8, gid=f"cumulative_{q}:{name}",
                            label="_spread")
    ax_cum.plot(ends, cumulative, label=label, color=color, gid=f"cumulative:{name}", zorder=3)
    return days, ends


def _draw_demand(ax_day: plt.Axes, ax_cum: plt.Axes, name: str, days: list[Any], ends: list[Any],
                 asked: list[float] | None, color: str) -> None:
    """One requirement's demand, dotted in its colour: a flow's daily demand and, for a flow or a lump, its
    cumulative requested tons (the legend names a flow's daily rate, a lump's total)."""
    if asked and any(asked):
        flow = [t for t in asked if t > 0]
        if len(flow) > 1:  # a flow: its daily demand
            ax_day.step([*days, ends[-1]], [*asked, asked[-1]], where="post", color=color, linestyle=":",
                        linewidth=1.4, gid=f"demand:{name}", label=f"demand, {name} ({max(flow):,.0f} t/day)")
        # A flow's cumulative line is its daily demand summed (the demand entry stands for both);
        # a lump (a stockpile) has only this line: its target in the legend.
        ax_cum.plot(ends, list(np.cumsum(asked)), color=color, linestyle=":", linewidth=1.4,
                    gid=f"requested:{name}", label=f"_requested, {name}" if len(flow) > 1
                    else f"requested, {name} ({sum(asked):,.0f} t)")


LEGEND_REQUIREMENTS = 8  # more requirements than this: the legend names the largest and counts the rest


def _throughput_legend(fig: plt.Figure, ax_day: plt.Axes, ax_cum: plt.Axes, requirements: list[str],
                       daily: list[dict[str, Any]]) -> None:
    """One legend below the charts (never over the data): each requirement's delivered line, its demand
    (a flow) or its target (a lump, e.g. a stockpile); beyond LEGEND_REQUIREMENTS requirements only the
    largest by tons delivered, and a line counting the others."""
    from matplotlib.lines import Line2D

    handles, labels = ax_day.get_legend_handles_labels()
    more_handles, more_labels = ax_cum.get_legend_handles_labels()
    shown = list(zip(handles, labels, strict=True)) + [
        (h, lab) for h, lab in zip(more_handles, more_labels, strict=True) if lab.startswith("requested, ")]
    if len(requirements) > LEGEND_REQUIREMENTS:
        tons: dict[str, float] = {}
        for r in daily:
            tons[r["requirement"]] = tons.get(r["requirement"], 0.0) + float(r["delivered_t"])
        keep = set(sorted(requirements, key=lambda n: -tons.get(n, 0.0))[:LEGEND_REQUIREMENTS])
        shown = [(h, lab) for h, lab in shown if any(lab.startswith(n + " (") for n in keep)]
        shown += [(Line2D([], [], color="0.4", linestyle=":"), "dotted: each one's demand or target"),
                  (Line2D([], [], color="none"), f"and {len(requirements) - len(keep)} more (daily.csv)")]
    fig.legend([h for h, _ in shown], [lab for _, lab in shown], loc="outside lower center",
               ncols=min(4 if len(shown) <= 8 else 3, len(shown)), fontsize=8 if len(shown) > 8 else None)


def save_throughput(path: Path, summary: Summary, daily: list[dict[str, Any]],
                    scenario_data: dict[str, Any] | None = None) -> None:
    """Write throughput.png."""
    style.save(throughput_figure(summary, daily, scenario_data), path)


def closure_figure(summary: Summary, ax: plt.Axes | None = None, label: str | None = None,
                   markers: bool = True) -> plt.Axes:
    """P(all requested cargo delivered by the end of day d), from a replicated run's summary; the gid of
    the line is ``"p_closure"`` and its y values are ``replications.closure.p_closure_by_day``. The line
    is labelled ``label`` (default: the scenario's name); ``markers`` marks the days by which 10 %, half
    and 90 % of the replications had closed (leave them out when several runs share the axes)."""
    start = date.fromisoformat(summary["start_date"])
    reps = summary["replications"]
    probability = reps["closure"]["p_closure_by_day"]
    with style.briefing():
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4), constrained_layout=True)
        ax.step([start + timedelta(days=d + 1) for d in range(len(probability))], probability, where="post",  # type: ignore[arg-type]
                label=label or summary["scenario"], gid="p_closure")
        closure = reps["closure"]
        for day, words in ((closure.get("day_p10"), "10 %"), (closure.get("median_day"), "half"),
                           (closure.get("day_p90"), "90 %")):
            if markers and day is not None:
                ax.axvline(start + timedelta(days=day + 1), **style.EVENT)  # type: ignore[arg-type]
                ax.annotate(f"{words} closed by day {day}", (start + timedelta(days=day + 1), 0.02), rotation=90,
                            fontsize=7, color="0.3", ha="right", va="bottom")
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("P(closure by day)")
        ax.set_xlabel("by the end of the day")
        style.date_axis(ax)
        ax.set_title(f"{summary['scenario']}: probability that all requested cargo is delivered by each day "
                     f"({reps['replications']} replications)")
    return ax


def cargo_figure(summary: Summary, ax: plt.Axes | None = None) -> plt.Axes:
    """Tons requested and delivered by cargo class (people as heads beside their tons), from a run's
    summary; the bars' gids are ``"delivered_t"`` and ``"undelivered_t"``, in the order of
    ``cargo.by_class``."""
    classes = summary["cargo"]["by_class"]
    names = list(classes)
    delivered = [classes[k]["delivered_t"] for k in names]
    undelivered = [max(0.0, classes[k]["requested_t"] - classes[k]["delivered_t"]) for k in names]
    with style.briefing():
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 0.6 * len(names) + 1.6), constrained_layout=True)
        ax.barh(names, delivered, color=style.PALETTE[0], label="delivered", gid="delivered_t")
        ax.barh(names, undelivered, left=delivered, color="white", edgecolor=style.PALETTE[0], hatch="//",
                label="not delivered by the end", gid="undelivered_t")
        for y, name in enumerate(names):
            entry = classes[name]
            text = f"{entry['delivered_t']:,.0f} of {entry['requested_t']:,.0f} t"
            if "requested" in entry:
                text += f" ({entry['delivered']:,.0f} of {entry['requested']:,.0f} people)"
            ax.annotate(text, (entry["requested_t"], y), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, max(c["requested_t"] for c in classes.values()) * 1.45 or 1)
        ax.set_xlabel("tons")
        style.thousands(ax.xaxis)
        ax.legend(loc="lower right", fontsize=8)
        count = replications_in(summary)
        mean = f", mean of {count} replications" if count > 1 else ""
        ax.set_title(f"{summary['scenario']}: cargo by class, delivered by the end of day {summary['days']}{mean}")
    return ax


def save_cargo(path: Path, summary: Summary) -> None:
    """Write cargo.png."""
    ax = cargo_figure(summary)
    style.save(ax.figure, path)  # type: ignore[arg-type]


def save_closure(path: Path, summary: Summary) -> None:
    """Write closure.png."""
    ax = closure_figure(summary)
    style.save(ax.figure, path)  # type: ignore[arg-type]


FIGURE_WORDS = {
    "mean_daily_t": "delivered (t/day)",
    "delivered_t": "delivered by the end (t)",
    "backlog_t": "backlog at the end (t)",
    "in_transit_t": "in transit at the end (t)",
    "sorties": "sorties",
    "flight_h": "flight hours",
    "repairs": "repairs",
}


def _groups(point_rows: list[dict[str, Any]], paths: list[str]) -> tuple[bool, dict[tuple, list[dict[str, Any]]]]:
    x_path = paths[0]
    numeric = all(isinstance(r[x_path], int | float) and not isinstance(r[x_path], bool) for r in point_rows)
    # Keyed by the other swept values as JSON text: a value may be a mapping or a list (unhashable).
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in point_rows:
        groups.setdefault(tuple(json.dumps(row[p], sort_keys=True, default=str) for p in paths[1:]), []).append(row)
    if numeric:
        groups = {k: sorted(v, key=lambda r: r[x_path]) for k, v in groups.items()}
    return numeric, groups


def sweep_figure(point_rows: list[dict[str, Any]], paths: list[str], name: str, replications: int,
                 figure: str = "mean_daily_t", ax: plt.Axes | None = None, x_label: str | None = None,
                 demand_t_per_day: float | None = None, demand_given: bool = False) -> plt.Axes:
    """Mean of a figure against the first swept value, one line per combination of the others, 95 % CI
    shaded; y from 0, whole-number ticks for whole-number values (counts); the demand dotted. Each mean
    line's gid is ``"<figure>:<other values>"``."""
    from matplotlib.ticker import MaxNLocator

    with style.briefing():
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
        x_path, others = paths[0], paths[1:]
        numeric, groups = _groups(point_rows, paths)
        for rows in groups.values():
            xs = [r[x_path] if numeric else str(r[x_path]) for r in rows]  # lists (e.g. closures) as categories
            label = ", ".join(f"{p}={rows[0][p]}" for p in others) or name
            line = ax.plot(xs, [r[f"{figure}_mean"] for r in rows], marker="o", label=label,
                           gid=f"{figure}:{label}", zorder=3)[0]
            style.band(ax, xs, [r[f"{figure}_ci95_low"] for r in rows], [r[f"{figure}_ci95_high"] for r in rows],
                       line.get_color())
            if replications > 1 and f"{figure}_p10" in rows[0]:  # the spread of outcomes, dashed
                for q in ("p10", "p90"):
                    ax.plot(xs, [r[f"{figure}_{q}"] for r in rows], color=line.get_color(), linestyle="--",
                            linewidth=0.9, alpha=0.8, gid=f"{figure}_{q}:{label}", label="_spread")
        if demand_t_per_day is not None and figure == "mean_daily_t":
            how = "as given" if demand_given else "all requested tons / days"
            ax.axhline(demand_t_per_day, label=f"demand {demand_t_per_day:,.0f} t/day ({how})",
                       gid="demand", **style.DEMAND)  # type: ignore[arg-type]
            ax.set_ylim(0, max(ax.get_ylim()[1], 1.1 * demand_t_per_day))
        if numeric and all(float(r[x_path]).is_integer() for r in point_rows):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(x_label or x_path)
        ax.set_ylabel(FIGURE_WORDS.get(figure, figure))
        style.from_zero(ax)
        style.thousands(ax.yaxis)
        ax.legend()
        what = f"mean of {replications} replications, 95 % CI shaded" if replications > 1 else "one run each"
        if replications > 1 and point_rows and f"{figure}_p10" in point_rows[0]:
            what += "; dashed: p10-p90 (80 % of runs)"
        ax.set_title(f"{name}: {FIGURE_WORDS.get(figure, figure)}, {what}")
    return ax


def sweep_panels(point_rows: list[dict[str, Any]], paths: list[str], name: str, replications: int,
                 x_label: str | None = None, demand_t_per_day: float | None = None) -> plt.Figure:
    """sweep.png: delivered t/day (with the demand); tons left at the end (backlog and in transit); P(all
    cargo delivered by the end), each against the first swept value."""
    from matplotlib.ticker import MaxNLocator

    with style.briefing():
        fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(9, 10), sharex=True, constrained_layout=True)
        sweep_figure(point_rows, paths, name, replications, "mean_daily_t", top, x_label, demand_t_per_day)
        x_path = paths[0]
        numeric, groups = _groups(point_rows, paths)
        for rows in groups.values():
            xs = [r[x_path] if numeric else str(r[x_path]) for r in rows]
            suffix = ", ".join(f"{p}={rows[0][p]}" for p in paths[1:])
            suffix = f" ({suffix})" if suffix else ""
            line = middle.plot(xs, [r["backlog_t_mean"] for r in rows], marker="o", label=f"backlog{suffix}",
                               gid=f"backlog_t:{suffix}")[0]
            style.band(middle, xs, [r["backlog_t_ci95_low"] for r in rows], [r["backlog_t_ci95_high"] for r in rows],
                       line.get_color())
            middle.plot(xs, [r["in_transit_t_mean"] for r in rows], marker="s", linestyle="--", color=line.get_color(),
                        label=f"in transit{suffix}", gid=f"in_transit_t:{suffix}")
            bottom.plot(xs, [r["p_closed"] for r in rows], marker="o", label=name + suffix, gid=f"p_closed:{suffix}")
        middle.set_ylabel("left at the end (t)")
        style.from_zero(middle)
        style.thousands(middle.yaxis)
        middle.set_title("cargo not delivered at the end of the run: waiting (backlog, 95 % CI shaded) and "
                         "in the air or on the ground (in transit)")
        middle.legend()
        bottom.set_ylabel("P(all cargo delivered by the end)")
        bottom.set_ylim(0, 1.02)
        bottom.set_xlabel(x_label or x_path)
        bottom.legend()
        top.set_xlabel("")
        if numeric and all(float(r[x_path]).is_integer() for r in point_rows):
            bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


def save_sweep(path: Path, point_rows: list[dict[str, Any]], paths: list[str], name: str, replications: int,
               x_label: str | None = None, demand_t_per_day: float | None = None) -> None:
    """Write sweep.png."""
    style.save(sweep_panels(point_rows, paths, name, replications, x_label, demand_t_per_day), path)


def comparison_figure(runs: list[tuple[Summary, list[dict[str, Any]]]], ax: plt.Axes | None = None) -> plt.Axes:
    """Cumulative delivered tons of several runs (summary, daily rows) on one chart, 95 % CI where
    replicated, each run's requested tons dotted in its colour."""
    with style.briefing():
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
                line = ax.plot(when, mean, label=summary["scenario"], gid=f"cumulative:{summary['scenario']}")[0]  # type: ignore[arg-type]
                style.band(ax, when, [totals[d][1] for d in days], [totals[d][2] for d in days], line.get_color())
            else:
                mean = list(np.cumsum([totals[d][0] for d in days]))
                line = ax.plot(when, mean, label=summary["scenario"], gid=f"cumulative:{summary['scenario']}")[0]  # type: ignore[arg-type]
            ax.axhline(summary["requested_t"], color=line.get_color(), linestyle=":", linewidth=1.2,
                       label=f"{summary['scenario']}: requested by the end ({summary['requested_t']:,.0f} t)")
        ax.set_ylabel("cumulative delivered, all requirements (t)")
        style.date_axis(ax)
        style.thousands(ax.yaxis)
        style.from_zero(ax)
        ax.legend()
        ax.set_title("Cumulative deliveries" + (" (shaded: 95 % CI over replications)" if any(
            "cumulative_t" in d[0] for _, d in runs) else ""))
    return ax


def limits_figure(plans: list[dict[str, Any]], ax: plt.Axes | None = None) -> plt.Axes:
    """The closed-form fleet limit (solid) and binding limit (dashed) of each scenario, summed over its
    requirements, phase by phase (planning records of ``sim.experiments.analytic.planning_record``)."""
    with style.briefing():
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
        ax.set_xlabel("day of the run")
        ax.set_ylabel("closed-form limit (t/day)")
        style.from_zero(ax)
        style.thousands(ax.yaxis)
        ax.legend()
        ax.set_title("Limits per phase (closed form; a phase starts at each MOG, closure or airspace change)")
    return ax


def save_comparison(path: Path, runs: list[tuple[Summary, list[dict[str, Any]]]],
                    plans: list[dict[str, Any]] | None = None) -> None:
    """Write comparison.png: cumulative deliveries, and with planning records the limits per phase."""
    with style.briefing():
        if plans is None:
            fig = comparison_figure(runs).figure
        else:
            fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 8), constrained_layout=True,
                                              gridspec_kw={"height_ratios": [3, 2]})
            comparison_figure(runs, ax=top)
            limits_figure(plans, ax=bottom)
    style.save(fig, path)  # type: ignore[arg-type]


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
    style.thousands(ax.xaxis)
    ax.set_ylabel("payload (t)")
    ax.set_xlim(0, ferry * 1.05)
    ax.set_ylim(0, aircraft.max_payload_t * 1.15)
    ax.grid(alpha=0.3)
    ax.set_title(f"{aircraft.name}: payload-range")
    return ax.figure  # type: ignore[return-value]


def _point_grades(aircraft: Any) -> list[str]:
    """Grade of each published point, payload ascending."""
    prov = aircraft.provenance
    if "payload_range" in prov and prov["payload_range"].grade == "scenario":
        return ["scenario"] * len(aircraft.payload_range)
    grades = {float(p["payload_t"]): p["grade"] for p in prov["payload_range_points"].value}
    return [grades.get(p, "derived") for p, _ in sorted(aircraft.payload_range)]


def binned_levels(spans: list[tuple[float, float]], horizon_h: float, bin_h: float) -> tuple[np.ndarray, np.ndarray]:
    """How many (from_h, to_h) spans are open, time-weighted at a resolution of 0.1 h: the mean and the
    most in each bin of ``bin_h`` hours."""
    resolution = 10  # cells per hour
    cells = int(math.ceil(horizon_h * resolution))
    per_bin = max(1, int(round(bin_h * resolution)))
    cells = int(math.ceil(cells / per_bin)) * per_bin
    diff = np.zeros(cells + 1)
    starts = np.clip(np.round(np.array([a for a, _ in spans]) * resolution).astype(int), 0, cells)
    ends = np.clip(np.round(np.array([b for _, b in spans]) * resolution).astype(int), 0, cells)
    np.add.at(diff, starts, 1)
    np.add.at(diff, ends, -1)
    level = np.cumsum(diff)[:cells].reshape(-1, per_bin)
    return level.mean(axis=1), level.max(axis=1)


def ground_levels(ground: list[dict[str, Any]], ident: str, horizon_h: float, bin_h: float) -> dict[str, np.ndarray]:
    """Mean working spots in use and mean aircraft queueing for one at ``ident``, per bin of ``bin_h``
    hours (time-weighted, at a resolution of 0.1 h), and the most in use in each bin."""
    from sim.model.records import SPOT_ACTIVITIES

    out = {}
    mine = [g for g in ground if g["airfield"] == ident and g["activity"] in SPOT_ACTIVITIES]
    for key, up, down in (("in_use", "start_h", "end_h"), ("queue", "arrive_h", "start_h")):
        out[key], out[f"{key}_max"] = binned_levels([(g[up], g[down]) for g in mine], horizon_h, bin_h)
    return out


def ground_figure(ground: list[dict[str, Any]], mog: dict[str, int], busiest: int = 4,
                  horizon_h: float | None = None, start_date: date | None = None,
                  stays: dict[str, list[tuple[float, float]]] | None = None,
                  parking: dict[str, int] | None = None, names: dict[str, str] | None = None) -> plt.Figure:
    """Working spots in use and aircraft queueing for one at the busiest airfields (from ground.csv
    rows): means per bin (6 h over a long run, 1 h over a short one; the most in use as a thin line),
    with each airfield's working MOG at the start; given the ``stays`` on the ground (from the legs
    flown), also the aircraft on the ground against the ``parking`` spots. Each panel is titled with the
    airfield's code and name (``names``); one legend serves them all, the MOG and parking spots written
    on their lines."""
    from sim.model.records import SPOT_ACTIVITIES

    turns = [g for g in ground if g["activity"] in SPOT_ACTIVITIES]
    counts: dict[str, int] = {}
    for g in turns:
        counts[g["airfield"]] = counts.get(g["airfield"], 0) + 1
    fields = sorted(counts, key=lambda k: -counts[k])[:busiest]
    horizon_h = horizon_h or max([g["end_h"] for g in turns], default=24.0)
    bin_h = 1.0 if horizon_h <= 24 * 5 else 6.0 if horizon_h <= 24 * 20 else 24.0
    with style.briefing():
        fig, axes = plt.subplots(max(1, len(fields)), 1, figsize=(12, 2.0 * max(1, len(fields)) + 1.2), sharex=True,
                                 constrained_layout=True, squeeze=False)
        for ax, ident in zip(axes[:, 0], fields, strict=False):
            levels = ground_levels(ground, ident, horizon_h, bin_h)
            edges = np.arange(len(levels["in_use"]) + 1) * bin_h / 24.0
            x = edges if start_date is None else [start_date + timedelta(days=float(e)) for e in edges]
            # Steps as lines and one filled area (cheaper to draw than step patches): a bin's value from its start to its end.
            ys = {k: np.append(v, v[-1]) for k, v in levels.items()}
            ax.fill_between(x, ys["in_use"], step="post", alpha=0.55, color=style.PALETTE[0], linewidth=0,
                            label=f"spots in use (mean per {bin_h:g} h)")
            ax.step(x, ys["queue"], where="post", color=style.PALETTE[3], linewidth=1.2,
                    label=f"aircraft waiting for a spot (mean per {bin_h:g} h)")
            if ident in mog:
                ax.axhline(mog[ident], color="0.3", linewidth=0.9, linestyle="--", label="working MOG at start")
                _line_note(ax, mog[ident], f"working MOG {mog[ident]}", "0.3")
            top = max(mog.get(ident, 1), 1)
            if stays is not None and ident in stays:
                on_ground, _ = binned_levels(stays[ident], horizon_h, bin_h)
                ax.step(x, np.append(on_ground, on_ground[-1]), where="post", color=style.PALETTE[2], linewidth=1.2,
                        label=f"aircraft on the ground (mean per {bin_h:g} h)")
                top = max(top, float(on_ground.max()))  # type: ignore[assignment]
            if parking is not None and ident in parking:
                ax.axhline(parking[ident], color=style.PALETTE[2], linewidth=0.9, linestyle=":", label="parking spots")
                _line_note(ax, parking[ident], f"parking spots {parking[ident]}", style.PALETTE[2])
                top = max(top, parking[ident])
            ax.set_title(f"{ident} {(names or {}).get(ident, '')}".strip(), loc="left", fontsize=9, pad=2)
            ax.set_ylabel("aircraft")
            style.from_zero(ax, top=top * 1.22)
        if not fields:
            axes[0, 0].text(0.5, 0.5, "no onloads, offloads or fuel stops", transform=axes[0, 0].transAxes, ha="center")
        if start_date is None:
            axes[-1, 0].set_xlabel("day of the run")
        else:
            style.date_axis(axes[-1, 0])
        if fields:  # one legend for every panel, below them: never over a line
            handles, labels = axes[0, 0].get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside lower center", ncols=min(5, len(labels)), fontsize=8)
        fig.suptitle("Ground: working spots in use, aircraft waiting for one and aircraft on the ground, "
                     "busiest airfields")
    return fig


def _line_note(ax: plt.Axes, y: float, text: str, color: Any) -> None:
    """``text`` just above the right end of a horizontal line at ``y``."""
    ax.annotate(text, xy=(1.0, y), xycoords=("axes fraction", "data"), xytext=(-3, 2), textcoords="offset points",
                ha="right", va="bottom", fontsize=7, color=color)


def save_ground(path: Path, ground: list[dict[str, Any]], world: Any, sorties: list[dict[str, Any]] | None = None) -> None:
    """Write ground.png (with the aircraft on the ground when the ``sorties`` are given)."""
    stays = None
    if sorties is not None:
        from sim.results.checks import on_ground

        stays = {k: [(a, b) for a, b, _, _ in v] for k, v in on_ground(world, sorties, world.run.horizon_h).items()}
    fig = ground_figure(ground, {k: a.mog for k, a in world.airfields.items()}, horizon_h=world.run.horizon_h,
                        start_date=world.run.start_date, stays=stays,
                        parking={k: max(a.parking_mog, a.mog) for k, a in world.airfields.items()},
                        names={k: a.name for k, a in world.airfields.items()})
    style.save(fig, path, dpi=100)


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


def plot_knee(results: Any, figure: str = "mean_daily_t", ax: Any = None,
              demand_t_per_day: float | str | None = "scenario") -> Any:
    """A sweep's figure (default delivered t/day, with its 95 % CI) against its first swept value: where
    more aircraft stop helping. ``results``: ``sim.sweep`` or ``sim.load_results`` of a sweep folder.
    ``demand_t_per_day``: the dotted demand line of the t/day chart; by default the scenario's, all tons
    requested over the run per day (``results.demand_t_per_day``), the line sweep.png draws; a number
    draws that demand instead, labelled "as given"; None draws none."""
    from sim.results.tables import REQUIREMENT_SEPARATOR

    points = results.points_wide if hasattr(results, "points_wide") else results.sweep_points_wide
    paths = [c for c in points.columns if c not in ("point", "replications", "p_closed") and not c.endswith(
        ("_mean", "_ci95_low", "_ci95_high", "_p10", "_p90")) and REQUIREMENT_SEPARATOR not in c]  # a requirement's figure
    replications = int(points["replications"].min())
    x_label = None
    swept = results.plan.scenario if hasattr(results, "plan") else getattr(results, "sweep_scenario", lambda: None)()
    if swept is not None:  # the sweep's scenario is known: label the axis in words, as sweep.png does
        from sim.scenario.loading import load_scenario
        from sim.scenario.overrides import axis_label

        x_label = axis_label(swept if hasattr(swept, "fleet") else load_scenario(swept), paths[0])
    given = demand_t_per_day != "scenario"
    demand = getattr(results, "demand_t_per_day", None) if not given else demand_t_per_day
    return sweep_figure(_records(points), paths, results.name, replications, figure=figure, ax=ax, x_label=x_label,
                        demand_t_per_day=None if demand is None else float(demand), demand_given=given)


def plot_closure(results: Any, ax: Any = None, label: str | None = None, markers: bool = True) -> Any:
    """P(all requested cargo delivered by day d) of a replicated run (see ``closure_figure``)."""
    return closure_figure(results.summary, ax=ax, label=label, markers=markers)


def history_figure(record: dict[str, Any]) -> plt.Figure:
    """history.png: per route (and all routes), the flights predicted for the second window by the kept
    points (10-90 % of the runs as a bar, the median as a tick) against the count observed (a dot, red
    when the prediction misses). ``record``: ``HistoryMatch.to_dict()``."""
    predictions = record["predictions"]
    with style.briefing():
        fig, ax = plt.subplots(figsize=(9, 1.8 + 0.6 * len(predictions)), layout="constrained")
        for k, p in enumerate(predictions):
            y = len(predictions) - 1 - k
            ax.plot([p["p10"], p["p90"]], [y, y], linewidth=8, alpha=0.35, color=style.PALETTE[0], solid_capstyle="butt",
                    gid=f"predicted:{p['route']}", label="predicted, 80 % of the kept runs" if k == 0 else "_")
            ax.plot([p["p50"]], [y], marker="|", markersize=14, color=style.PALETTE[0], linestyle="none",
                    label="predicted median" if k == 0 else "_")
            miss = p["verdict"] == "miss"
            ax.plot([p["observed"]], [y], marker="o", linestyle="none", color="tab:red" if miss else "black",
                    gid=f"observed:{p['route']}", label=("observed" + (" (at least)" if record["counts"] == "minimum" else ""))
                    if k == 0 else "_")
            ax.annotate("MISS" if miss else "hit", (max(p["p90"], p["observed"]), y), xytext=(8, 0),
                        textcoords="offset points", va="center", color="tab:red" if miss else "black", fontsize=9)
        ax.set_yticks(range(len(predictions)), [p["route"] for p in reversed(predictions)])
        ax.set_xlabel("cargo flights in the predicted window")
        ax.set_xlim(left=0, right=ax.get_xlim()[1] * 1.08)
        first, last = record["windows"]["predict"]
        ax.set_title(f"{record['scenario']}: cargo flights {first} to {last}, predicted from the {record['kept']} of "
                     f"{record['samples']} sampled points\nconsistent with the flights observed {record['windows']['match'][0]} "
                     f"to {record['windows']['match'][1]}", fontsize=10)
        ax.set_ylim(-0.6, len(predictions) - 0.4)
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
    return fig
