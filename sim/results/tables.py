"""Run output -> tidy tables and the summary record. Pure: no files."""

from __future__ import annotations

import math
import operator
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from itertools import compress
from typing import Any, cast

from sim._version import __version__
from sim.data import catalog, countries
from sim.flight import performance
from sim.model.engine import RunOutput
from sim.model.records import SPOT_ACTIVITIES, DictRows
from sim.model.specs import HOURS_PER_DAY
from sim.model.trips import infeasible_legs
from sim.model.world import World
from sim.results.summary_types import (
    AirborneRow,
    AircraftTypeFigures,
    AirfieldClosureRow,
    AirfieldFigures,
    AirspacePhase,
    AirspaceSummary,
    CargoSummary,
    ClosureFigures,
    Context,
    CrewFigures,
    DestinationFigures,
    Flying,
    GridlockRow,
    Headline,
    HeadlineSummary,
    InfeasibleLeg,
    InputRange,
    Inputs,
    RequirementRow,
    StrandedRow,
    Strandings,
    Summary,
    UnroutableLeg,
    Waits,
)
from sim.scenario.compile import day_of_hour

_EPS = 1e-6


def _day_of(hour: float) -> int:
    return int(math.floor(hour / HOURS_PER_DAY + 1e-12))


def run_days(world: World) -> int:
    """The run's length in whole days."""
    return round(world.run.horizon_h / HOURS_PER_DAY)


def _date(start: date, day: int | None) -> str | None:
    return None if day is None else (start + timedelta(days=day)).isoformat()


def closure_day(times_h: Sequence[float], tons: Sequence[float], requested_t: float) -> int | None:
    """First day (0-based) by whose end cumulative deliveries reach ``requested_t``. The times and tons are
    any sequences of floats: the deliveries' columns (``array('d')``) or lists of some of their rows."""
    if requested_t <= _EPS:
        return None
    total = 0.0
    for time_h, t in sorted(zip(times_h, tons, strict=True)):
        total += t
        if total >= requested_t - _EPS:
            return _day_of(time_h)
    return None


# Per-requirement figures in replications.csv and sweep.csv are columns "<requirement>: <figure>".
REQUIREMENT_SEPARATOR = ": "


def requirement_column(requirement: str, figure: str) -> str:
    """The column of one requirement's figure, e.g. "Tobruk flow: closure_day"."""
    return f"{requirement}{REQUIREMENT_SEPARATOR}{figure}"


def _named_rows(out: RunOutput, table: dict[str, Any]) -> list[dict[str, Any]]:
    """A column table as rows, with each requirement index replaced by the requirement's name."""
    return named_rows([r.name for r in out.world.requirements], table)


def named_rows(names: list[str], table: dict[str, Any]) -> list[dict[str, Any]]:
    """A column table as rows, each requirement index replaced by its name in ``names`` ("" for none)."""
    keys = list(table)
    rows = []
    for values in zip(*table.values(), strict=True):
        row = dict(zip(keys, values, strict=True))
        row["requirement"] = names[row["requirement"]] if row["requirement"] >= 0 else ""
        rows.append(row)
    return rows


def sorties_table(out: RunOutput) -> list[dict[str, Any]]:
    """One row per leg flown (sorties.csv)."""
    return _named_rows(out, out.records.legs)


def ground_table(out: RunOutput) -> list[dict[str, Any]]:
    """One row per ground activity (ground.csv), in the order they ended."""
    return _named_rows(out, out.records.ground)


def daily_index(world: World) -> list[dict[str, Any]]:
    """The day, date, requirement, origin and destination of each daily.csv row: every day, each
    requirement in turn."""
    run, days = world.run, run_days(world)
    dates = [_date(run.start_date, d) for d in range(days)]  # once a day, not once a row
    return [{"day": d, "date": dates[d], "requirement": req.name, "origin": req.from_,
             "destination": req.to} for d in range(days) for req in world.requirements]


def daily_table(out: RunOutput) -> list[dict[str, Any]]:
    """Delivered tons and sorties per day and requirement, every day listed (daily.csv)."""
    width, days = len(out.world.requirements), run_days(out.world)
    tons = [0.0] * (days * width)  # row d * width + i: day d, requirement i, as daily_index lists them
    sorties = [0] * (days * width)
    deliveries = out.records.deliveries
    for time_h, i, t in zip(deliveries["time_h"], deliveries["requirement"], deliveries["tons"], strict=True):
        k = min(_day_of(time_h), days - 1) * width + i
        tons[k] += t
        sorties[k] += 1
    return [{**row, "delivered_t": tons[k], "sorties": sorties[k]} for k, row in enumerate(daily_index(out.world))]


def summarise(out: RunOutput) -> Summary:
    """The headline record (summary.json): its parts in turn, keys in this order."""
    days = run_days(out.world)
    held_h = _held_hours(out.records.ground)
    # The per-type rows first: they put each fleet type (at zero) into ``held_h`` before its totals are summed.
    by_type = _by_aircraft_type(out, days, held_h)
    return {
        **_headline(out, days),
        **_flying(out),
        **_operations(out, held_h),
        **_strandings(out),
        **_closure(out, days),
        "by_requirement": _by_requirement(out),
        "cargo": cargo_summary(out.world, out.records.cargo_deliveries),
        "by_destination": _by_destination(out, days),
        "by_aircraft_type": by_type,
        "airfields": _airfields(out),
        **_context(out),
    }


def headline_summary(out: RunOutput) -> HeadlineSummary:
    """The parts of ``summarise`` a replication's record reads (the headline, flying, closure and by
    requirement, with their keys and values): what a worker of a sweep or study computes, without the rest."""
    days = run_days(out.world)
    return {**_headline(out, days), **_flying(out), **_closure(out, days), "by_requirement": _by_requirement(out)}


def _headline(out: RunOutput, days: int) -> Headline:
    """The run's identity and its tons requested, delivered, in transit and waiting at the end."""
    run, ledgers = out.world.run, out.ledgers
    return {
        "scenario": run.name,
        "description": run.description,
        "start_date": run.start_date.isoformat(),
        "days": days,
        "seed": run.seed,
        "scenario_hash": run.scenario_hash,
        "package_version": __version__,
        "requested_t": sum(x.generated_t for x in ledgers),
        "delivered_t": sum(x.delivered_t for x in ledgers),
        "in_transit_t": _tons(sum(x.in_transit_t for x in ledgers)),
        "backlog_t": _tons(sum(x.backlog_t for x in ledgers)),
    }


def _flying(out: RunOutput) -> Flying:
    """Sorties, legs, flight hours, fuel, repairs and diversions."""
    legs, ground = out.records.legs, out.records.ground
    taxi_climb_t = sum(map(_taxi_climb_by_type(out).__getitem__, legs["type"]))
    repairs = operator.countOf(ground["activity"], "repair")
    flight_fuel_t = sum(legs["fuel_t"])
    return {
        "sorties": len(out.records.deliveries["tons"]),
        "legs_flown": len(legs["aircraft"]),
        "flight_h": sum(map(operator.sub, legs["arrive_h"], legs["depart_h"])),
        # Fuel used: burned in flight (sorties.csv fuel_t) plus each take-off's taxi and climb allowance.
        "fuel_t": flight_fuel_t + taxi_climb_t,
        "flight_fuel_t": flight_fuel_t,
        "taxi_climb_fuel_t": taxi_climb_t,
        "repairs": repairs,
        "repair_h": _repair_h(ground, repairs),
        "diversions": operator.countOf(legs["purpose"], "diverted") + operator.countOf(legs["purpose"], "emergency landing"),
    }


def _repair_h(ground: dict[str, Any], repairs: int) -> float:
    """Hours of the ``repairs`` repairs of the ground rows, added in the rows' order from 0: each row found by
    ``index`` (a search in C), not by a Python loop over every row."""
    activity, start_h, end_h = ground["activity"], ground["start_h"], ground["end_h"]
    total: float = 0  # the int 0 with no repairs, as sum() gave
    k = -1
    for _ in range(repairs):
        k = activity.index("repair", k + 1)
        total += end_h[k] - start_h[k]
    return total


def _taxi_climb_by_type(out: RunOutput) -> dict[str, float]:
    """Each aircraft type's taxi and climb fuel a take-off (``performance.taxi_climb_fuel_t``), for the
    types of the legs flown: the same number for every leg of a type, looked up rather than computed."""
    aircraft = out.world.aircraft
    return {kind: performance.taxi_climb_fuel_t(aircraft[kind]) for kind in dict.fromkeys(out.records.legs["type"])}


def _held_hours(ground: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Hours held for crew rest and in parking holds, per aircraft type (in the order the types first held)."""
    held_h: dict[str, dict[str, float]] = {"crew rest": defaultdict(float), "parking hold": defaultdict(float)}
    for kind, what, start, end in zip(ground["type"], ground["activity"], ground["start_h"], ground["end_h"], strict=True):
        if what in held_h:
            held_h[what][kind] += end - start
    return held_h


def _operations(out: RunOutput, held_h: dict[str, dict[str, float]]) -> Waits:
    """The operating rules, and how often and how long aircraft waited for crews and parking."""
    ops, ground = out.world.operations, out.records.ground
    return {
        "operations": {"crews": ops.crews, "parking_holds": ops.parking_holds, "dispatch_rule": ops.dispatch_rule,
                       "return_to": ops.return_to},
        "crew_waits": operator.countOf(ground["activity"], "crew rest"),
        "crew_wait_h": sum(held_h["crew rest"].values()),
        "parking_holds": operator.countOf(ground["activity"], "parking hold"),
        "parking_hold_h": sum(held_h["parking hold"].values()),
    }


def _strandings(out: RunOutput) -> Strandings:
    """Aircraft stranded, airborne at the end, gridlock and airfield closures (copies of the rows the model
    logged, with the keys of StrandedRow, AirborneRow, GridlockRow and AirfieldClosureRow)."""
    records = out.records
    return {
        "stranded": cast(list[StrandedRow], [dict(row) for row in records.stranded]),
        "stranded_at_end": sum(1 for row in records.stranded if row["to_h"] is None),
        "airborne_at_end": cast(list[AirborneRow], [dict(row) for row in records.airborne_at_end]),
        "gridlock": cast(list[GridlockRow], [dict(row) for row in records.gridlock]),
        "closures": cast(list[AirfieldClosureRow], [dict(row) for row in records.closures]),
    }


def _closure(out: RunOutput, days: int) -> ClosureFigures:
    """The day all requested tons were delivered, the mean daily tons, and the fuel stops used."""
    run, ledgers = out.world.run, out.ledgers
    deliveries, legs = out.records.deliveries, out.records.legs
    closure = closure_day(deliveries["time_h"], deliveries["tons"], sum(x.generated_t for x in ledgers))
    return {
        "closure_day": closure,
        "closure_date": _date(run.start_date, closure),
        "mean_daily_t": sum(x.delivered_t for x in ledgers) / days,
        "fuel_stops_used": sorted(set(compress(legs["destination"], legs["fuel_stop"]))),
    }


def _by_requirement(out: RunOutput) -> list[RequirementRow]:
    """One row per requirement: its tons, sorties and closure day."""
    world, deliveries = out.world, out.records.deliveries
    rows: list[RequirementRow] = []
    for i, (req, ledger) in enumerate(zip(world.requirements, out.ledgers, strict=True)):
        mine = [k for k, r in enumerate(deliveries["requirement"]) if r == i]
        day = closure_day([deliveries["time_h"][k] for k in mine], [deliveries["tons"][k] for k in mine], ledger.generated_t)
        rows.append({
            "requirement": req.name, "from": req.from_, "to": req.to,
            "requested_t": ledger.generated_t, "delivered_t": ledger.delivered_t,
            "in_transit_t": _tons(ledger.in_transit_t), "backlog_t": _tons(ledger.backlog_t),
            "waiting_at_t": ledger.waiting_at(),
            "sorties": len(mine), "closure_day": day, "closure_date": _date(world.run.start_date, day),
        })
    return rows


def _by_destination(out: RunOutput, days: int) -> dict[str, DestinationFigures]:
    """Tons and sorties delivered to each destination, with the mean payload and mean daily tons."""
    deliveries = out.records.deliveries
    by_destination: dict[str, dict[str, Any]] = {}
    for dest, t in zip(deliveries["destination"], deliveries["tons"], strict=True):
        entry = by_destination.setdefault(dest, {"delivered_t": 0.0, "sorties": 0})
        entry["delivered_t"] += t
        entry["sorties"] += 1
    for entry in by_destination.values():
        entry["mean_payload_t"] = entry["delivered_t"] / entry["sorties"]
        entry["mean_daily_t"] = entry["delivered_t"] / days
    return cast(dict[str, DestinationFigures], by_destination)  # every key added above


def _by_aircraft_type(out: RunOutput, days: int, held_h: dict[str, dict[str, float]]) -> dict[str, AircraftTypeFigures]:
    """Per aircraft type: aircraft, sorties, tons, flight hours and fuel, then crew and holding figures."""
    world, deliveries, legs = out.world, out.records.deliveries, out.records.legs
    by_type: dict[str, dict[str, Any]] = {}
    for entry in world.fleet:
        slot = by_type.setdefault(entry.type, {"aircraft": 0, "sorties": 0, "delivered_t": 0.0, "flight_h": 0.0, "fuel_t": 0.0})
        slot["aircraft"] += entry.count
    for kind, t in zip(deliveries["type"], deliveries["tons"], strict=True):
        by_type[kind]["sorties"] += 1
        by_type[kind]["delivered_t"] += t
    taxi_climb_t = _taxi_climb_by_type(out)
    for kind, dep, arr, fuel in zip(legs["type"], legs["depart_h"], legs["arrive_h"], legs["fuel_t"], strict=True):
        slot = by_type[kind]
        slot["flight_h"] += arr - dep
        slot["fuel_t"] += fuel + taxi_climb_t[kind]
    for name, slot in by_type.items():
        slot["mean_payload_t"] = slot["delivered_t"] / slot["sorties"] if slot["sorties"] else 0.0
        slot["flight_h_per_aircraft_day"] = slot["flight_h"] / (slot["aircraft"] * days) if slot["aircraft"] else 0.0
        slot.update(_crew_figures(out, name, held_h))
    return cast(dict[str, AircraftTypeFigures], by_type)  # every key added above


def _crew_figures(out: RunOutput, kind: str, held_h: dict[str, dict[str, float]]) -> CrewFigures:
    """One aircraft type's crews, their share of time on duty, the most one crew flew, and the hours held.

    Reading ``held_h`` for ``kind`` puts the type into it (at zero) if it never held.
    """
    mine = [crew for crew in out.records.crews if crew["type"] == kind]
    return {
        "crews": len(mine),
        # Share of the crews' time on duty, and the most one crew flew: how hard the tempo drives them.
        "crew_duty_share": sum(c["duty_h"] for c in mine) / (len(mine) * out.horizon_h) if mine else None,
        "max_crew_flight_h": max((c["flight_h"] for c in mine), default=None),
        "crew_wait_h": held_h["crew rest"][kind],
        "parking_hold_h": held_h["parking hold"][kind],
    }


def _airfields(out: RunOutput) -> dict[str, AirfieldFigures]:
    """Each airfield used: its limits, turns and waits for a spot, peak aircraft on the ground, parking holds."""
    world, ground = out.world, out.records.ground
    peaks = peak_on_ground(out)
    waits_at: dict[str, list[float]] = defaultdict(list)  # per airfield, in the order of the ground rows
    holds_at: dict[str, list[float]] = defaultdict(list)
    for f, r, s, e, what in zip(ground["airfield"], ground["arrive_h"], ground["start_h"], ground["end_h"],
                                ground["activity"], strict=True):
        if what in SPOT_ACTIVITIES:
            waits_at[f].append(s - r)
        elif what == "parking hold":
            holds_at[f].append(e - s)
    airfields: dict[str, AirfieldFigures] = {}
    for ident in _airfields_used(out):
        a = world.airfields[ident]
        waits, holds = waits_at.get(ident, []), holds_at.get(ident, [])
        airfields[ident] = {
            "name": a.name, "country": a.country, "mog": a.mog, "parking_mog": max(a.parking_mog, a.mog),
            "fuel": a.fuel, "runway_m": a.runway_m,
            "turns": len(waits), "mean_wait_h": sum(waits) / len(waits) if waits else 0.0,
            "max_wait_h": max(waits, default=0.0),
            "peak_on_ground": peaks.get(ident, 0),
            "peak_parking_held": out.records.parking_peaks.get(ident, 0),
            "holds_here": len(holds), "max_hold_h": max(holds, default=0.0),
        }
    return airfields


def _context(out: RunOutput) -> Context:
    """What shaped the run: infeasible legs, scenario events, routed legs, airspace, and the inputs used."""
    world, start = out.world, out.world.run.start_date
    return {
        "infeasible_legs": [cast(InfeasibleLeg, _in_days(row)) for row in infeasible_legs(world)],
        "events": [{"day": (day := day_of_hour(e.at_h)), "date": _date(start, int(day)), "what": e.describe()}
                   for e in world.events],
        "routed_legs": [{"leg": f"{a}->{b}", "note": note} for (a, b), note in world.leg_notes.items() if a < b],
        "airspace": airspace_summary(out),
        "inputs": _inputs(out),
    }


def _tons(value: float) -> float:
    """A balance of tons, with rounding noise (-1e-14) read as the zero it is."""
    return 0.0 if abs(value) < 1e-9 else value


def cargo_summary(world: Any, deliveries: Iterable[dict[str, Any]]) -> CargoSummary:
    """Requested, delivered and undelivered (waiting, or aboard at the end) by cargo class and by item: tons
    for every class, heads for passengers, pieces for items, and per item the sorties by type that carried it."""
    by_class: dict[str, dict[str, float]] = {}
    by_item: dict[str, dict[str, Any]] = {}

    def slot(cls: str) -> dict[str, float]:
        out = by_class.setdefault(cls, {"requested_t": 0.0, "delivered_t": 0.0})
        if cls == "passengers":
            out.setdefault("requested", 0)
            out.setdefault("delivered", 0)
        return out

    for req in world.requirements:
        if not req.has_manifest:
            slot(req.cargo_class)["requested_t"] += sum(req.releases_t)
            continue
        for piece, count in req.pieces:
            slot(piece.cargo_class)["requested_t"] += piece.mass_t * count
            item = by_item.setdefault(piece.name, {"class": piece.cargo_class, "mass_t": piece.mass_t, "requested": 0,
                                                   "delivered": 0, "sorties_by_type": {}})
            item["requested"] += count
        if req.passengers:
            pax = slot("passengers")
            pax["requested_t"] += req.passengers * req.passenger_mass_t
            pax["requested"] += req.passengers
        if req.bulk_t:
            slot("bulk")["requested_t"] += req.bulk_t
    for kind, what, name, tons, count in _delivered(deliveries):
        cls = slot(what)
        cls["delivered_t"] += tons
        if what == "passengers":
            cls["delivered"] += count
        if name:
            item = by_item[name]
            item["delivered"] += count
            item["sorties_by_type"][kind] = item["sorties_by_type"].get(kind, 0) + 1
    for cls in by_class.values():
        cls["undelivered_t"] = max(0.0, cls["requested_t"] - cls["delivered_t"])  # no -0.0 from rounding
        if "requested" in cls:
            cls["undelivered"] = cls["requested"] - cls["delivered"]
    for item in by_item.values():
        item["undelivered"] = item["requested"] - item["delivered"]
    return cast(CargoSummary, {"by_class": by_class, "by_item": by_item})  # every key added above


def _delivered(deliveries: Iterable[dict[str, Any]]) -> Iterable[tuple[str, str, str, float, int]]:
    """(type, class, item, tons, count) of each cargo delivery: read from the columns of the run's DictRows
    (rows as dicts are made one by one when iterated), or from the rows given."""
    if isinstance(deliveries, DictRows):
        c = deliveries.columns
        return zip(c["type"], c["class"], c["item"], c["tons"], c["count"], strict=True)
    return ((row["type"], row["class"], row["item"], row["tons"], row["count"]) for row in deliveries)


def peak_on_ground(out: RunOutput) -> dict[str, int]:
    """Most aircraft on the ground at once at each airfield (from the legs flown)."""
    from sim.results.checks import stays_on_ground

    legs = out.records.legs
    stays = stays_on_ground(out.world, zip(legs["aircraft"], legs["depart_h"], legs["arrive_h"], legs["destination"],
                                           legs["purpose"], strict=True), out.horizon_h, out.records.airborne_at_end)
    peaks = {}
    for ident, spans in stays.items():
        # Sweep the arrivals and departures in time order, a departure before an arrival at the same hour: the
        # count peaks just after an arrival, at (arrivals so far) - (departures by that hour).
        starts = sorted([a for a, b, _, _ in spans if b > a])
        ends = sorted([b for a, b, _, _ in spans if b > a])
        peaks[ident] = max([i - bisect_right(ends, a) for i, a in enumerate(starts, start=1)], default=0)
    return peaks


def _in_days(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its ``from_h`` given as ``from_day``, in the same place."""
    return {("from_day" if k == "from_h" else k): (day_of_hour(v) if k == "from_h" else v) for k, v in row.items()}


def _airfields_used(out: RunOutput) -> list[str]:
    """The scenario's airfields, then any catalogue airfield an aircraft stopped at."""
    named = list(out.world.named_airfields)
    visited = [k for k in dict.fromkeys(out.records.legs["destination"]) if k not in named]
    return named + visited


def airspace_summary(out: RunOutput) -> AirspaceSummary:
    """Airspace phases and the legal route of every requirement leg and every hop flown, per phase.

    ``unroutable_legs`` lists requirement legs with no legal route in some phase.
    """
    world = out.world
    legs = out.records.legs
    pairs = {(r.from_, r.to): None for r in world.requirements}
    pairs.update({(a, b): None for a, b in zip(legs["origin"], legs["destination"], strict=True) if a != b})
    requirement_pairs = {(r.from_, r.to) for r in world.requirements}
    phases: list[AirspacePhase] = []
    unroutable: list[UnroutableLeg] = []
    for start_h, policy in world.phases:
        day = day_of_hour(start_h)
        routes = []
        for a, b in pairs:
            route = world.route(a, b, policy)
            routes.append({
                "from": a, "to": b, "great_circle_km": round(route.great_circle_km, 1),
                "route_km": None if route.length_km is None else round(route.length_km, 1),
                "overflies": list(route.countries), "notes": list(route.notes),
            })
            if not route.legal and (a, b) in requirement_pairs:
                unroutable.append({"from": a, "to": b, "from_day": day, "airspace": policy.label,
                                   "reason": "; ".join(route.notes)})
        phases.append(cast(AirspacePhase, {"from_day": day, **policy.describe(), "routes": routes}))
    return {"phases": phases, "unroutable_legs": unroutable}


def _territorial(width_nm: float) -> InputRange:
    default = countries.territorial_nm()
    if width_nm == default.value:
        return cast(InputRange, vars(default))  # value, grade, source, low, high
    return {"value": width_nm, "grade": "scenario", "source": "scenario file"}


def _inputs(out: RunOutput) -> Inputs:
    """Every catalogue number the run used, with its grade and source."""
    world = out.world
    uses_airspace = len(world.phases) > 1 or world.policy.closed or world.policy.rules
    return {
        "airportsdata_version": catalog.airportsdata_version(),
        "countries": countries.source() if uses_airspace else None,
        "territorial_nm": _territorial(world.policy.territorial_nm),
        "aircraft": {
            name: {k: {"value": p.value, "grade": p.grade, "source": p.source} for k, p in kind.provenance.items()}
            for name, kind in world.aircraft.items()
        },
        "airfields": {
            ident: {k: {"value": p.value, "grade": p.grade, "source": p.source}
                    for k, p in world.airfields[ident].provenance.items()}
            for ident in _airfields_used(out)
        },
    }
