"""Contexts of the briefing page (``sim.reports.briefing``) for each kind of result: a run or a replicated
run (from its results folder and its World), a sweep, a sizing, a comparison and the reach report.

The figures come from the files the result wrote (summary.json, replications.csv, run.json...), so the
page says what the folder says. Spreads of replicated figures are the 10th and 90th percentiles of the
replications (80 % of runs fall between them), beside the 95 % confidence interval of the mean: two
different things, both labelled in words.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import numpy as np

from sim.reports.briefing import data_uri
from sim.results.summary_types import HeadlineFigure, Summary, replications_in

RUN_CHARTS = [("throughput.png", "Deliveries per day and in total"),
              ("closure.png", "Probability that all cargo is delivered, by day"),
              ("cargo.png", "Cargo by class"), ("ground.png", "Airfields: working spots, waits and parking"),
              ("routes.png", "Legs flown (static map)")]
GRADES_THAT_MATTER = ("assumed", "derived")


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def spread(values: list[float]) -> tuple[float, float] | None:
    """(p10, p90) of the values: 80 % of the runs lie between them (None without values)."""
    if not values:
        return None
    low, high = np.percentile(np.asarray(values, dtype=float), [10, 90])
    return float(low), float(high)


def _float(text: str | None) -> float | None:
    return None if text in (None, "") else float(text)


def run_context(folder: Path, world: Any, legs: Any, replications: int = 1, study: Path | None = None) -> dict[str, Any]:
    """The page of a run or a replicated run written to ``folder``; ``world`` its World and ``legs`` the
    legs flown (sorties.csv rows, or a replicated run's ``FlownTally``) for the route map; ``study`` an
    uncertainty study's folder that ranks the assumptions (default: ``folder`` itself or the sibling
    ``<scenario>-uncertainty/`` that ``airlift uncertainty`` writes, when either holds a study of this scenario)."""
    folder = Path(folder)
    summary = cast(Summary, read_json(folder / "summary.json"))
    scenario = read_json(folder / "scenario.json")
    prov = read_json(folder / "run.json")
    rows = read_csv(folder / "replications.csv") if (folder / "replications.csv").exists() else []
    daily = [{"day": int(r["day"]), "requirement": r["requirement"], "delivered_t": float(r["delivered_t"])}
             for r in read_csv(folder / "daily.csv")]
    replicated = bool(summary.get("replications"))
    return {
        "title": f"{summary['scenario']}: {'replicated run' if replicated else 'run'} briefing",
        "subtitle": summary.get("description", ""),
        "question": question(scenario, summary, world),
        "answer": run_answer(summary, rows),
        "tables": [requirements_table(summary, rows)],
        "binds": binds(world, summary, daily),
        "timeline": timeline(summary),
        "charts": charts(folder, RUN_CHARTS),
        "map": route_map(world, legs, replications),
        **ranked_assumptions(assumptions(summary.get("inputs", {})), find_study(folder, summary["scenario"], study),
                             _scenario_argument(prov)),
        "provenance": provenance(prov, summary),
    }


def _name(world: Any, ident: str) -> str:
    a = world.airfields.get(ident) if world is not None else None
    return f"{ident} ({a.name})" if a is not None and a.name and a.name != ident else ident


def question(scenario: dict[str, Any], summary: Summary, world: Any) -> dict[str, Any]:
    """The scenario in words: horizon, fleet, requirements, airfields, events, airspace, randomness."""
    start = dt.date.fromisoformat(str(scenario["start_date"]))
    end = start + dt.timedelta(days=int(scenario["days"]) - 1)
    facts = [["Horizon", f"{scenario['days']} days, {start:%d %b %Y} (day 0) to {end:%d %b %Y} (day {scenario['days'] - 1})"]]
    fleet = [f"{f['count']} {f['type']} at {_name(world, f['base'])}" for f in scenario["fleet"]]
    facts.append(["Fleet", "; ".join(fleet)])
    for r in scenario["requirements"]:
        facts.append([f"Requirement: {r.get('label') or r['from'] + '-' + r['to']}", _requirement_text(r, world)])
    fields = summary.get("airfields", {})
    facts.append(["Airfields", "; ".join(
        f"{i} {a.get('name', '')} ({a.get('country', '')}): MOG {a.get('mog')}, parking {a.get('parking_mog')}"
        + ("" if a.get("fuel") else ", no fuel") for i, a in fields.items())])
    events = [f"day {e['day']:g} ({e['date']}): {e['what']}" for e in summary.get("events", [])]
    facts.append(["Events (closures, MOG, airspace)", "; ".join(events) or "none"])
    phases = summary.get("airspace", {}).get("phases", [])
    if phases:
        first = phases[0]
        rules = "; ".join(first.get("rules", []))
        facts.append(["Airspace", f"{first['label']}: {len(first['closed'])} countries closed to every flight"
                      + (f"; {rules}" if rules else "")])
    if scenario.get("stochastic"):
        s = scenario["stochastic"]
        facts.append(["Randomness", f"{summary['replications']['replications']} replications; "
                      f"mission capable {s.get('mission_capable', 1):.0%} at the start, "
                      f"{s.get('break_per_sortie', 0):.0%} of legs end broken, repairs "
                      f"{(s.get('repair_h') or {}).get('mean', 0):g} h on average"])
    return {"text": scenario.get("description", ""), "facts": facts}


def _requirement_text(r: dict[str, Any], world: Any) -> str:
    what = []
    if r.get("tons_per_day"):
        until = f" until day {r['until_day']:g}" if r.get("until_day") is not None else ""
        what.append(f"{r['tons_per_day']:,.0f} t/day from day {r.get('day', 0):g}{until}")
    elif r.get("tons"):
        what.append(f"{r['tons']:,.0f} t ready on day {r.get('day', 0):g}")
    if r.get("items"):
        what.append(", ".join(f"{i.get('count', 1)} x {i.get('item') or i.get('name')}" for i in r["items"]))
    if r.get("passengers"):
        what.append(f"{r['passengers']:,} passengers")
    return f"{_name(world, r['from'])} to {_name(world, r['to'])}: " + ", ".join(what)


def figure(key: str, label: str, value: float | None, unit: str = "", decimals: int = 0, spread_text: str = "") -> dict:
    text = "-" if value is None else f"{value:,.{decimals}f}"
    return {"key": key, "label": label, "value": value, "text": text, "unit": unit, "spread": spread_text}


def run_answer(summary: Summary, rows: list[dict[str, str]]) -> dict[str, Any]:
    """The headline: tons delivered of requested, closure, rate; of replications each with its spread
    (p10-p90 of the replications) and the 95 % interval of its mean."""
    reps = summary.get("replications")
    n = replications_in(summary)

    def spread_of(key: HeadlineFigure, decimals: int = 0) -> str:
        if not reps:
            return ""
        stats: Mapping[str, Any] = reps.get(key) or {}
        p = (stats["p10"], stats["p90"]) if "p10" in stats and "p90" in stats else spread(
            [v for v in (_float(r.get(key)) for r in rows) if v is not None])
        ci = f"95 % CI of the mean {stats['ci95_low']:,.{decimals}f}-{stats['ci95_high']:,.{decimals}f}" if stats else ""
        runs = f"80 % of runs between {p[0]:,.{decimals}f} and {p[1]:,.{decimals}f}" if p else ""
        return "; ".join(x for x in (runs, ci) if x)

    figures = [figure("delivered_t", "delivered", summary["delivered_t"], "t", 0, spread_of("delivered_t")),
               figure("requested_t", "requested", summary["requested_t"], "t"),
               figure("backlog_t", "still waiting at the end (backlog)", summary["backlog_t"], "t", 0, spread_of("backlog_t")),
               figure("in_transit_t", "in the air or aboard at the end", summary["in_transit_t"], "t"),
               figure("mean_daily_t", "mean deliveries", summary["mean_daily_t"], "t/day", 1, spread_of("mean_daily_t", 1)),
               figure("sorties", "sorties", summary["sorties"], "", 0, spread_of("sorties"))]
    share = summary["delivered_t"] / summary["requested_t"] if summary["requested_t"] else 0.0
    mean = f"the mean of {n:,} replications: " if reps else ""
    headline = (f"{mean}{summary['delivered_t']:,.0f} t of {summary['requested_t']:,.0f} t requested delivered "
                f"({share:.0%}) in {summary['days']} days; {closure_words(summary)}.")
    notes = ["Spread: the 10th to 90th percentile of the replications (80 % of runs fall in it); the 95 % CI is "
             "the uncertainty of the mean, much narrower, and says nothing of a single run."] if reps else []
    return {"headline": headline, "figures": figures, "notes": notes}


def closure_words(s: Summary) -> str:
    """Closure in words: a day for one run; for replications a distribution, never one day alone."""
    reps = s.get("replications")
    if not reps:
        return (f"all cargo delivered by day {s['closure_day']} ({s['closure_date']})" if s["closure_day"] is not None
                else "not all cargo is delivered within the run")
    c = reps["closure"]
    if c["p_closed"] == 0:
        return "no replication delivers all the cargo within the run"
    if c.get("median_day") is None:
        return f"fewer than half the replications deliver all the cargo (P = {c['p_closed']:.2f} by the end)"
    day = (lambda d: "not closed" if d is None else f"day {d}")  # noqa: E731
    return (f"all cargo delivered by day {c['median_day']} in half the replications (10-90 %: {day(c.get('day_p10'))} "
            f"to {day(c.get('day_p90'))}; P = {c['p_closed']:.2f} by the end)")


def requirements_table(summary: Summary, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Per requirement: requested, delivered (with the spread of replications), backlog, closure."""
    reps = bool(summary.get("replications"))
    columns = ["requirement", "from", "to", "requested t", "delivered t", "backlog t", "closure"]
    if reps:
        columns.insert(5, "delivered t, 80 % of runs")
    out = []
    for r in summary["by_requirement"]:
        closure = "not closed" if r["closure_day"] is None else f"day {r['closure_day']}"
        if reps:
            closure += f" (P {r.get('p_closed', 0):.2f} by the end)"
        row = [r["requirement"], r["from"], r["to"], f"{r['requested_t']:,.0f}", f"{r['delivered_t']:,.0f}",
               f"{r['backlog_t']:,.0f}", closure]
        if reps:
            p = spread([v for v in (_float(x.get(f"{r['requirement']}: delivered_t")) for x in rows) if v is not None])
            row.insert(5, "-" if p is None else f"{p[0]:,.0f}-{p[1]:,.0f}")
        out.append(row)
    return {"title": "By requirement", "columns": columns, "rows": out,
            "note": "mean of the replications" if reps else ""}


def binds(world: Any, summary: Summary, daily: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The closed-form limits per phase (``airlift analytic``): what binds each requirement."""
    from sim.experiments.analytic import planning_record

    try:
        record = planning_record(world, summary, daily)
    except Exception:  # noqa: BLE001 - the page goes out without this section rather than not at all
        return None
    rows = []
    for phase in record["phases"]:
        days = f"{phase['from_day']:g}-{phase['to_day']:g}"
        for r in phase["requirements"]:
            rows.append([days, "; ".join(phase["changes"]) or "-", r["requirement"], r["binding"],
                         f"{r['binding_t_per_day']:,.0f}", f"{r['fleet_t_per_day']:,.0f}", f"{r['simulated_t_per_day']:,.0f}"])
    first = record["phases"][0]["requirements"] if record["phases"] else []
    text = "; ".join(f"{r['requirement']}: {r['binding']} ({r['binding_t_per_day']:,.0f} t/day)" for r in first)
    below = sorted({r["requirement"] for p in record["phases"] for r in p["requirements"]
                    if r["binding_t_per_day"] > 0 and r["simulated_t_per_day"] < 0.9 * r["binding_t_per_day"]})
    if below:  # the closed form sees no queue, no breakdown, no shared airfield: the simulation does
        text += (f". Simulated deliveries fall more than 10 % below the smallest closed-form limit for {', '.join(below)}: "
                 "what binds there is what the closed form leaves out (waits for working spots and parking shared by "
                 "several flows, crews, breakdowns); see ground.png")
    return {"text": f"At the start, what limits each requirement: {text}." if text else "",
            "table": {"title": "What binds, per phase (closed form)",
                      "columns": ["days", "starts with", "requirement", "binding limit", "limit t/day", "fleet t/day",
                                  "simulated t/day"], "rows": rows,
                      "note": "closed-form planning factors (airlift analytic); the smallest limit binds"}}


def timeline(summary: Summary) -> list[dict[str, Any]]:
    """Day 0, every scenario event, each requirement's closure and the end, in day order."""
    start = dt.date.fromisoformat(str(summary["start_date"]))

    def item(when: float, day: str, what: str) -> dict[str, Any]:
        return {"when": when, "day": day, "date": (start + dt.timedelta(days=int(when))).isoformat(), "what": what}

    items = [item(0.0, "0", "start")]
    items += [item(float(e["day"]), f"{e['day']:g}", e["what"]) for e in summary.get("events", [])]
    median = " (median of the replications)" if summary.get("replications") else ""
    for r in summary["by_requirement"]:
        if r["closure_day"] is not None:  # by the end of that day: after its events
            items.append(item(r["closure_day"] + 0.99, str(r["closure_day"]),
                              f"{r['requirement']}: all delivered by the end of day {r['closure_day']}{median}"))
    last = summary["days"] - 1
    items.append(item(last + 0.999, str(last), f"end of the run (end of day {last}): {summary['backlog_t']:,.0f} t still "
                      f"waiting, {summary['in_transit_t']:,.0f} t in transit"))
    return sorted(items, key=lambda e: e["when"])


def charts(folder: Path, names: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The charts of the folder that exist, embedded."""
    return [{"title": title, "src": data_uri(folder / name), "file": name} for name, title in names
            if (folder / name).exists()]


def route_map(world: Any, legs: Any, replications: int = 1) -> dict[str, Any] | None:
    """The interactive route map (inline SVG) of the legs flown."""
    from sim.reports.routemap import map_phases, route_map_svg
    from sim.results.gis import counted, routes_collection

    if world is None or legs is None:
        return None
    collection = routes_collection(world, legs, replications)
    each = "legs per replication (mean of {:,})".format(replications) if replications > 1 else "legs flown"
    return {"svg": route_map_svg(collection), "phases": map_phases(collection),
            "layers": [["land", "land"], ["airspace", "closed airspace"], ["routes", "routes flown"],
                       ["airfields", "airfields"], ["labels", "names"]],
            "caption": f"Numbers on routes: {each}, both ways. Line width grows with the legs flown; grey: empty "
                       f"legs only. Red: airspace closed to every flight; orange dashed: closed only to some flights. "
                       f"Black dots: airfields; gold squares: en-route fuel stops; red dots: diversions or emergency landings. "
                       f"Hover a route or an airfield for its figures ({counted(replications)}); wheel or buttons "
                       f"to zoom, drag to pan."}


def assumptions(inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The catalogue numbers the run used that are assumed or derived, with their source (and range)."""
    out = []

    def add(what: str, entry: Any, path: str) -> None:
        if isinstance(entry, dict) and entry.get("grade") in GRADES_THAT_MATTER:
            low, high = entry.get("low"), entry.get("high")
            rng = f"{low:g}-{high:g}" if isinstance(low, int | float) and isinstance(high, int | float) else ""
            out.append({"what": what, "value": entry.get("value"), "grade": entry["grade"], "path": path,
                        "source": entry.get("source", ""), "range": rng, "reason": entry.get("reason", "")})

    add("territorial airspace (NM)", inputs.get("territorial_nm"), "territorial_nm")
    for kind in ("aircraft", "airfields"):
        for name, fields in (inputs.get(kind) or {}).items():
            for key, entry in fields.items():
                add(f"{name} {key}", entry, f"{kind}.{name}.{key}")  # the path a study (and --set) names it by
    out.sort(key=lambda a: (GRADES_THAT_MATTER.index(a["grade"]), a["what"]))
    return out


def find_study(folder: Path, scenario: str, study: Path | None = None) -> Path | None:
    """The folder of an uncertainty study of the scenario named ``scenario`` (uncertainty.json and
    sensitivity.csv): ``study`` if given, else ``folder`` or its sibling ``<scenario>-uncertainty/``."""
    places = [Path(study)] if study is not None else [folder, folder.parent / f"{scenario}-uncertainty"]
    for place in places:
        if (place / "uncertainty.json").exists() and (place / "sensitivity.csv").exists():
            if read_json(place / "uncertainty.json").get("scenario") == scenario:
                return place
    return None


def _scenario_argument(prov: dict[str, Any]) -> str:
    """The scenario file the run's command names (run.json), or SCENARIO."""
    words = str(prov.get("command", "")).split()
    return next((w for w in words if w.endswith((".yaml", ".yml", ".json"))), "SCENARIO")


UNIT_WORDS = {"t": "t", "t_per_day": "t/day", "days": "days"}  # a study's outcome units (sim.experiments.uncertainty)


def amount(value: float, unit: str, with_unit: bool = True) -> str:
    """An amount of a study's outcome (a swing, mu*): "1,395 t", "12.3 t/day", "2.5 days"."""
    text = f"{value:,.{0 if unit == 't' else 1}f}"
    return f"{text} {UNIT_WORDS.get(unit, unit)}" if with_unit else text


def ranked_assumptions(items: list[dict[str, Any]], study: Path | None, scenario: str) -> dict[str, Any]:
    """``assumptions`` (ranked by the study's swing rank when there is a study, its inputs the run's list
    lacks added) and ``assumptions_note``: which study ranked them, or the command that would."""
    if study is None:
        return {"assumptions": items, "assumptions_note": (
            f"No uncertainty study ranks these yet: `airlift uncertainty {scenario}` would (it writes "
            f"results/<name>-uncertainty/, which this page then reads when written again).")}
    s = read_json(study / "uncertainty.json")
    sources = {r["path"]: r.get("source", "") for r in read_csv(study / "sensitivity.csv")}
    by_path = {a.get("path"): a for a in items}
    ranked = []
    for i in s["inputs"]:
        a = by_path.pop(i["path"], None) or {
            "what": i["path"], "value": i["base"], "grade": i["grade"], "source": sources.get(i["path"], ""),
            "range": "", "reason": ""}
        ranked.append({**a, "range": a["range"] or f"{i['low']} to {i['high']}", "rank": i["rank"],
                       "swing": amount(i["swing"], s["unit"])})
    note = (f"Ranked by the uncertainty study in {study} ({s['method']}, {s['samples']:,} samples, outcome "
            f"{s['outcome']}): rank 1 moves the outcome most; the swing is the outcome's change from the input's low "
            f"to its high end, the others at their values. Numbers the study did not vary follow, unranked.")
    return {"assumptions": ranked + list(by_path.values()), "assumptions_note": note}


def provenance(prov: dict[str, Any], summary: Summary | None = None) -> list[list[str]]:
    """What made the numbers: version, source tree, seed, replications, scenario hash, date, command."""
    summary_hash = summary.get("scenario_hash") if summary else None
    out = [["airlift-sim version", str(prov.get("package_version", "-"))],
           ["source (git describe)", str(prov.get("git_describe") or "not a git checkout")],
           ["seed", str(prov.get("seed", "-"))], ["replications", str(prov.get("replications", 1))],
           ["scenario hash (SHA-256)", str(prov.get("scenario_hash") or summary_hash or "-")],
           ["created (UTC)", str(prov.get("created_utc", "-"))], ["command", str(prov.get("command", "-"))],
           ["Python", str(prov.get("python", "-"))]]
    return out
