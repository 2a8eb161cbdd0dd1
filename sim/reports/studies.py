"""Contexts of the briefing page for results that are not one run: a sweep (from its folder), a sizing
(from its ``SizingResult``), a comparison (from its folder) and the reach report (from its folder)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from sim.reports.contexts import UNIT_WORDS, amount, assumptions, charts, figure, provenance, read_csv, read_json, spread

FIGURES = [("delivered_t", "delivered t", 0), ("backlog_t", "backlog t", 0), ("mean_daily_t", "t/day", 1),
           ("sorties", "sorties", 0)]


def _scenario_facts(scenario: dict[str, Any] | None) -> list[list[str]]:
    if not scenario:
        return []
    facts = [["Scenario", f"{scenario['name']}: {scenario.get('description', '')}"],
             ["Horizon", f"{scenario['days']} days from {scenario['start_date']}"],
             ["Fleet", "; ".join(f"{f['count']} {f['type']} at {f['base']}" for f in scenario["fleet"])]]
    for r in scenario["requirements"]:
        amount = f"{r['tons_per_day']:,.0f} t/day" if r.get("tons_per_day") else f"{r.get('tons') or 0:,.0f} t"
        facts.append([f"Requirement: {r.get('label') or r['from'] + '-' + r['to']}", f"{r['from']} to {r['to']}: {amount}"])
    return facts


def sweep_context(folder: Path) -> dict[str, Any]:
    """A sweep: per point the mean of each figure and the spread of its replications (from sweep.csv)."""
    prov = read_json(folder / "sweep_run.json")
    rows = read_csv(folder / "sweep.csv")
    swept = list(prov.get("swept", {}))
    by_point: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_point[r["point"]].append(r)
    columns = [*swept, "replications"] + [f"{label} (mean; 80 % of runs)" for _, label, _ in FIGURES] + ["P(all delivered)"]
    table = []
    best = None
    for _, reps in sorted(by_point.items(), key=lambda kv: int(kv[0])):
        cells: list[Any] = [reps[0][p] for p in swept] + [len(reps)]
        for key, _, decimals in FIGURES:
            values = [float(r[key]) for r in reps if r.get(key) not in (None, "")]
            mean = sum(values) / len(values) if values else None
            p = spread(values)
            cells.append("-" if mean is None or p is None
                         else f"{mean:,.{decimals}f} ({p[0]:,.{decimals}f}-{p[1]:,.{decimals}f})")
        closed = sum(1 for r in reps if r.get("closure_day") not in (None, "")) / len(reps)
        cells.append(f"{closed:.2f}")
        table.append(cells)
        delivered = sum(float(r["delivered_t"]) for r in reps) / len(reps)
        if best is None or delivered > best[1]:
            best = ({p: reps[0][p] for p in swept}, delivered, closed)
    scenario = prov.get("scenario")
    setting = ", ".join(f"{k} = {v}" for k, v in best[0].items()) if best else "-"
    headline = (f"{len(by_point)} points x {prov.get('replications')} replications; most delivered at {setting}: "
                f"{best[1]:,.0f} t on average, all cargo delivered in {best[2]:.0%} of its runs." if best else "no points")
    swept_values = "; ".join(f"{k}: {', '.join(v)}" for k, v in prov.get("swept", {}).items())
    facts = [*_scenario_facts(scenario), ["Swept", swept_values]]
    name, description = (scenario or {}).get("name", "sweep"), (scenario or {}).get("description", "")
    return {"title": f"{name}: sweep briefing", "subtitle": description,
            "question": {"text": "How do the results change with " + ", ".join(swept) + "?", "facts": facts},
            "answer": {"headline": headline, "figures": [
                figure("points", "points", len(by_point)), figure("replications", "replications per point",
                                                                  prov.get("replications"))],
                "notes": ["Per point: the mean of its replications, and in brackets the 10th to 90th percentile (80 % of "
                          "runs fall in it)."]},
            "tables": [{"title": "Every point", "columns": columns, "rows": table, "note": "from sweep.csv"}],
            "charts": charts(folder, [("sweep.png", "Deliveries, tons left and P(closure) against the swept value")]),
            "provenance": provenance(prov)}


def sizing_context(answer: Any, scenario: Any) -> dict[str, Any]:
    """A sizing: the answer, P(closed by the day) with its Wilson interval, every value evaluated."""
    from sim.results.provenance import provenance as make_provenance
    from sim.results.saving import scenario_as_data

    data = scenario_as_data(scenario)
    d = answer.to_dict()
    what = ("number of " if d["path"].endswith(".count") else "value of ") + (d.get("label") or d["path"])
    conf = f" with P >= {d['confidence']:.2f}" if d.get("stochastic") else ""
    if d["value"] is None:
        headline = (f"No value of {what} up to {d['highest']} delivers every requested ton by the end of day "
                    f"{d['close_by_day']}{conf}.")
    else:
        ci = d.get("p_close_ci95") or [0, 0]
        headline = (f"{d['value']} is the smallest {what} that delivers every requested ton by the end of day "
                    f"{d['close_by_day']}{conf}: P = {d['p_close']:.2f} (95 % CI {ci[0]:.2f}-{ci[1]:.2f}).")
    notes = [f"More is worse between {x['from_value']} and {x['to_value']}: P falls from {x['p_close_from']:.2f} to "
             f"{x['p_close_to']:.2f}; sweep the values between to see the whole curve." for x in d.get("declines", [])]
    reps = d["evaluated"][0]["replications"] if d["evaluated"] else None
    prov = make_provenance("sizing", {"scenario": data}, seed=data.get("seed"), replications=reps)
    return {"title": f"{data['name']}: sizing briefing", "subtitle": data.get("description", ""),
            "question": {"text": f"What is the smallest {what} that delivers every requested ton by the end of day "
                                 f"{d['close_by_day']}{conf}?", "facts": _scenario_facts(data)},
            "answer": {"headline": headline, "figures": [figure("value", "answer", d["value"]),
                                                         figure("p_close", "P(closed by the day)", d["p_close"], "", 2)],
                       "notes": notes},
            "tables": [_sizing_table(d)], "binds": _sizing_binds(d), "provenance": provenance(prov)}


def _sizing_table(d: dict[str, Any]) -> dict[str, Any]:
    rows = [[p["value"], f"{p['p_close']:.2f}", f"{p['p_close_ci95'][0]:.2f}-{p['p_close_ci95'][1]:.2f}", p["replications"],
             f"{p['delivered_t']:,.0f}", f"{p['in_transit_t']:,.0f}", f"{p['backlog_t']:,.0f}",
             "not closed" if p.get("closure_day_median") is None else f"day {p['closure_day_median']}"] for p in d["evaluated"]]
    return {"title": "Every value evaluated", "rows": rows, "note": "means of the replications; the same replications "
            "for every value", "columns": ["value", "P(close by day)", "95 % CI", "replications", "delivered t",
                                           "in transit t", "backlog t", "median closure"]}


def _sizing_binds(d: dict[str, Any]) -> dict[str, Any] | None:
    rows = [[f"{r['from_day']:g}-{r['to_day']:g}", r["requirement"], r["binding"], f"{r['binding_t_per_day']:,.0f}"]
            for r in d.get("limits_at_highest") or []]
    if not rows:
        return None
    return {"text": f"What binds at {d['highest']} (closed form, per phase)",
            "table": {"title": "", "columns": ["days", "requirement", "binding limit", "t/day"], "rows": rows, "note": ""}}


def comparison_context(folder: Path) -> dict[str, Any]:
    """A comparison: the headline figures of A and B and their difference, the limits per phase, the chart."""
    prov = read_json(folder / "run.json")
    a, b = read_json(folder / "summary_a.json"), read_json(folder / "summary_b.json")
    rows = read_csv(folder / "comparison.csv")

    def cell(x: str) -> str:
        try:
            return f"{float(x):,.1f}"
        except ValueError:
            return x or "-"

    table = [[r["figure"], cell(r["a"]), cell(r["b"]), cell(r["difference"])] for r in rows]
    diff = b["delivered_t"] - a["delivered_t"]
    headline = (f"B ({b['scenario']}) delivers {abs(diff):,.0f} t {'more' if diff >= 0 else 'less'} than A ({a['scenario']}): "
                f"{b['delivered_t']:,.0f} t against {a['delivered_t']:,.0f} t of {a['requested_t']:,.0f} t requested.")
    facts = [["A", f"{a['scenario']}: {a.get('description', '')}"], ["B", f"{b['scenario']}: {b.get('description', '')}"]]
    return {"title": f"{a['scenario']} against {b['scenario']}: comparison briefing",
            "question": {"text": "What changes between the two scenarios?", "facts": facts},
            "answer": {"headline": headline, "figures": [figure("delivered_t_a", "A delivered", a["delivered_t"], "t"),
                                                         figure("delivered_t_b", "B delivered", b["delivered_t"], "t"),
                                                         figure("difference_t", "B - A", diff, "t")], "notes": []},
            "tables": [{"title": "A and B", "columns": ["figure", "A", "B", "B - A"], "rows": table,
                        "note": "from comparison.csv"}],
            "charts": charts(folder, [("comparison.png", "Cumulative deliveries and limits")]),
            "assumptions": assumptions(a.get("inputs", {})), "provenance": provenance(prov)}


def reach_context(folder: Path) -> dict[str, Any]:
    """The reach report: the verdict of each claim per type and airspace case, and every map."""
    prov = read_json(folder / "run.json")
    rows = read_csv(folder / "claim_verdicts.csv") if (folder / "claim_verdicts.csv").exists() else []
    cases = list(dict.fromkeys(r["case"] for r in rows))
    cells: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for r in rows:
        cells[(r["claim"], r["type"])][r["case"]] = r["verdict"]
    table = [[claim, kind, *(by_case.get(c, "-") for c in cases)] for (claim, kind), by_case in cells.items()]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        word = r["verdict"].split(" ")[0]
        counts[r["claim"]][word if word in ("holds", "fails") else "depends"] += 1
    headline = "; ".join(f"claim {claim}: holds in {c['holds']}, fails in {c['fails']}, depends on an assumption in "
                         f"{c['depends']} of {sum(c.values())} types and airspace cases" for claim, c in counts.items())
    maps = sorted(p.name for p in folder.glob("map_*.png"))
    text = (folder / "reach.md").read_text(encoding="utf-8") if (folder / "reach.md").exists() else ""
    intro = next((line for line in text.splitlines() if line and not line.startswith("#")), "")
    facts = [["Origins", ", ".join(prov.get("origins", []))], ["Destinations", ", ".join(prov.get("destinations", []))]]
    facts += [[f"Airspace case {k}", str(v.get("label", "")) + (f"; {'; '.join(v.get('rules', []))}" if v.get("rules") else "")]
              for k, v in (prov.get("cases") or {}).items()]
    return {"title": "Reach report briefing", "subtitle": intro,
            "question": {"text": "Which bases does each type reach non-stop, with which load, under each airspace case; "
                                 "do the December 2024 claims hold?", "facts": facts},
            "answer": {"headline": (headline or "no claim verdicts") + ".",
                       "figures": [figure("verdicts", "verdicts", len(rows))],
                       "notes": ["The evidence of each verdict (payloads, reserves, what flips it) is in claim_verdicts.csv "
                                 "and reach.md."]},
            "tables": [{"title": "Verdict per claim and type, by airspace case", "columns": ["claim", "type", *cases],
                        "rows": table, "note": "from claim_verdicts.csv"}] if rows else [],
            "charts": charts(folder, [(m, m.removesuffix(".png").replace("_", " ")) for m in maps]),
            "provenance": provenance(prov)}


METHOD_WORDS = {"sobol": ("Sobol indices (Saltelli sampling, SALib): S1 is the share of the outcome's variance an "
                          "input explains alone, ST with its interactions; inputs ranked by ST"),
                "morris": ("Morris screening (SALib): mu* is an input's mean absolute effect over random one-step "
                           "changes, sigma how much that effect depends on the others; inputs ranked by mu*"),
                "lhs": ("a Latin hypercube (scipy.stats.qmc) with the RBD-FAST first-order index S1 where there are "
                        "enough points; inputs ranked by their one-at-a-time swing")}
RANKED_BY = {"sobol": "by the total Sobol index", "morris": "by Morris mu*", "lhs": "by its swing"}
INDEX_COLUMNS = {"sobol": ("S1", "ST"), "morris": ("mu_star", "sigma"), "lhs": ("S1",)}


def uncertainty_context(folder: Path, scenario: Any = None) -> dict[str, Any]:
    """An uncertainty study (``airlift uncertainty``): the outcome's distribution in words, the inputs by
    rank with their swing, indices, grade and source (uncertainty.json, sensitivity.csv), the tornado and
    the distribution; ``scenario`` (the study's Scenario) for the question and the provenance."""
    from sim.experiments.uncertainty_charts import OUTCOMES, spread_text

    s = read_json(folder / "uncertainty.json")
    rows = read_csv(folder / "sensitivity.csv")
    unit, q = s["unit"], s["quantiles"]
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True) if scenario is not None else None
    words = spread_text(q, unit)
    if s.get("share_closed") is not None:
        words += f"; {s['share_closed']:.0%} of the runs deliver every requested ton by day {s['close_by_day']}"
    first = s["inputs"][0] if s["inputs"] else None
    if first is not None:
        words += (f". The input that matters most ({RANKED_BY[s['method']]}): {first['path']} (from {first['low']} "
                  f"to {first['high']} it moves the outcome by {amount(first['swing'], unit)} on its own)")
    figures = [figure(f"quantiles.{k}", label, q[k], _unit_label(unit), 1 if unit != "t" else 0)
               for k, label in (("p10", "p10: 10 % of samples below"), ("p50", "p50: half below"),
                                ("p90", "p90: 90 % of samples below"))]
    figures.append(figure("base", "every input at its value", s["base"], _unit_label(unit), 1 if unit != "t" else 0))
    if s.get("share_closed") is not None:
        figures.append(figure("share_closed", f"share of runs closed by day {s['close_by_day']}", 100 * s["share_closed"], "%"))
    figures += [figure("samples", "samples", s["samples"]), figure("runs", "runs", s["runs"])]
    return {"title": f"{s['scenario']}: uncertainty briefing", "subtitle": (data or {}).get("description", ""),
            "question": {"text": "How sure is the answer when the uncertain inputs vary over their ranges together, "
                                 "and which of them decides it?",
                         "facts": [*_scenario_facts(data), ["Outcome", f"{s['outcome']}: {OUTCOMES[s['outcome']][1]}"],
                                   ["Inputs varied", f"{len(s['inputs'])}: " + ", ".join(i["path"] for i in s["inputs"])]]},
            "answer": {"headline": words + ".", "figures": figures, "notes": _method_notes(s)},
            "inputs": _ranked_inputs(s, rows),
            "charts": charts(folder, [("tornado.png", "Which assumption matters: each input alone at its low and high end"),
                                      ("distribution.png", "The outcome over the samples: histogram and share at or below")]),
            "provenance": _study_provenance(s, data)}


def _unit_label(unit: str) -> str:
    return "(day)" if unit == "days" else UNIT_WORDS.get(unit, unit)


def _method_notes(s: dict[str, Any]) -> list[str]:
    """What was done, in words: the method, the points, the replications, the runs."""
    return [f"Method: {METHOD_WORDS[s['method']]}.",
            f"{s['samples']:,} sampled points ({s['base_samples']:,} base samples), plus every input alone at each end "
            f"(the tornado) and every input at its value; {s['replications']} replication(s) per point with the same "
            f"random numbers at every point; {s['runs']:,} runs in all, seed {s['seed']}.",
            "The spread is that of the sampled inputs' outcomes (each the mean of its replications): 80 % of "
            "samples lie between p10 and p90. It is not a confidence interval of a mean."]


def _ranked_inputs(s: dict[str, Any], rows: list[dict[str, str]]) -> dict[str, Any]:
    """The inputs by rank: path, range, grade, swing, the method's indices, source (from the catalogue)."""
    source = {r["path"]: r.get("source", "") for r in rows}
    names = INDEX_COLUMNS[s["method"]]
    unit = _unit_label(s["unit"])
    out = []
    for i in s["inputs"]:
        out.append({"rank": i["rank"], "path": i["path"], "low": i["low"], "high": i["high"], "grade": i["grade"],
                    "swing": i["swing"], "swing_text": amount(i["swing"], s["unit"], with_unit=False),
                    "indices": [_index_text(i.get(n), n, s["unit"]) for n in names],
                    "source": source.get(i["path"], "")})
    return {"columns": [n.replace("mu_star", "mu*") for n in names], "swing_unit": unit, "rows": out,
            "method": s["method"]}


def _index_text(value: float | None, name: str, unit: str) -> str:
    """A Sobol index as a share (0.412); Morris mu* and sigma in the outcome's unit (2,941 t)."""
    if value is None:
        return "-"
    return amount(value, unit, with_unit=False) if name in ("mu_star", "sigma") else f"{value:.3f}"


def _study_provenance(s: dict[str, Any], data: dict[str, Any] | None) -> list[list[str]]:
    from sim.results.provenance import provenance as make_provenance

    prov = make_provenance("uncertainty", {"scenario": data} if data else None, seed=s["seed"],
                           replications=s["replications"])
    return provenance(prov) + [["method", s["method"]], ["samples", f"{s['samples']:,}"], ["runs", f"{s['runs']:,}"]]
