"""Closed-form planning factors for a scenario (AFPAM 10-1403 style), from the same World as the model.

For each requirement, as if the whole fleet (of the types it allows) served it alone:

* cycle limit      N·P·24 / RTT                      (per type, summed)
* UTE limit        N·P·U / RTFT                      (per type, when the type has ute_h_per_day)
* crew limit       N·P·C / RTFT                      (per type, with crews: C = crews per aircraft x flight
                                                      hours a crew may fly in 30 days / 30)
* parking limit    PK·P·24 / (trip + offload)        at the destination, with parking holds: a spot is held
                                                      from the take-off at the origin to the take-off from it
* airfield limit   MOG·P·(OH / GT)·QE                at the origin (GT = onload) and destination (GT = offload)
* demand           tons_per_day of a daily flow
* ton-km per day, million ton-miles per day (MTM/D), and for a lump the closure estimate Req / T + lead

P is the planning load capped by the trip's payload limit, RTFT the flying time out and back (legal
routes, fuel stops included), RTT = RTFT + ground times. QE = 0.85 applies to random arrivals; the
deterministic model schedules arrivals, so its airfield limit is the one without QE. Pure.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sim.geo.airspace import AirspacePolicy
from sim.model.events import Conditions
from sim.model.specs import may_serve
from sim.model.trips import TripPlanner, fuel_after_hop_t, fuel_state
from sim.model.world import World
from sim.results.summary_types import Summary
from sim.scenario.compile import day_of_hour

QE = 0.85
OPERATING_H = 24.0
T_PER_ST = 0.9072
KM_PER_NM = 1.852


@dataclass(frozen=True)
class TypeCycle:
    """One fleet type's round trip on a requirement."""

    type: str
    count: int
    payload_t: float
    rtft_h: float
    rtt_h: float
    ground_on_h: float
    ground_off_h: float
    stops: tuple[str, ...]
    loaded_km: float
    ute_h_per_day: float | None
    crew_h_per_day: float | None = None  # flight hours the crews of one aircraft may fly a day, sustained
    held_h: float = 0.0  # a destination parking spot held: loaded trip (stops included) + offload

    @property
    def sorties_per_day(self) -> float:
        """Per aircraft: min(24 / RTT, U / RTFT, C / RTFT)."""
        rate = 24.0 / self.rtt_h
        for hours in (self.ute_h_per_day, self.crew_h_per_day):
            if hours is not None:
                rate = min(rate, hours / self.rtft_h)
        return rate

    @property
    def bound(self) -> str:
        """What sets ``sorties_per_day``: "cycle", "UTE" or "crews"."""
        rates = {"cycle": 24.0 / self.rtt_h}
        if self.ute_h_per_day is not None:
            rates["UTE"] = self.ute_h_per_day / self.rtft_h
        if self.crew_h_per_day is not None:
            rates["crews"] = self.crew_h_per_day / self.rtft_h
        return min(rates, key=lambda k: rates[k])


@dataclass(frozen=True)
class Limit:
    """One bound on deliveries (t/day)."""

    name: str
    formula: str
    t_per_day: float


@dataclass(frozen=True)
class RequirementFactors:
    """The planning factors of one requirement."""

    requirement: str
    origin: str
    destination: str
    cycles: tuple[TypeCycle, ...]
    limits: tuple[Limit, ...]  # fleet (cycle or UTE), airfields without QE, demand
    planning_limits: tuple[Limit, ...]  # the airfield limits with QE = 0.85 (random arrivals)
    requested_t: float | None  # a lump's tons
    infeasible_types: tuple[str, ...]

    @property
    def binding(self) -> Limit:
        """The smallest limit (scheduled arrivals, as in the deterministic model)."""
        return min(self.limits, key=lambda limit: limit.t_per_day)

    @property
    def ton_km_per_day(self) -> float:
        return self.binding.t_per_day * self._mean_loaded_km

    @property
    def mtm_per_day(self) -> float:
        """Million ton-miles per day (short tons x nautical miles)."""
        return self.ton_km_per_day / T_PER_ST / KM_PER_NM / 1e6

    @property
    def closure_estimate_day(self) -> float | None:
        """A lump's closure: Req / T + lead (onload and first loaded flight), in days."""
        if self.requested_t is None or not self.cycles or self.binding.t_per_day <= 0:
            return None
        first = self.cycles[0]
        lead_h = first.ground_on_h + (first.rtft_h / 2)
        return self.requested_t / self.binding.t_per_day + lead_h / 24.0

    @property
    def _mean_loaded_km(self) -> float:
        weights = [c.count * c.sorties_per_day for c in self.cycles]
        return sum(w * c.loaded_km for w, c in zip(weights, self.cycles, strict=True)) / sum(weights) if self.cycles else 0.0


def airfield_limit(mog: float, payload: float, ground_h: float, operating_h: float = OPERATING_H, qe: float = QE) -> float:
    """AFPAM formula 9.0: MOG · P · (OH / GT) · QE (tons or short tons per day, as P)."""
    return mog * payload * (operating_h / ground_h) * qe


@dataclass(frozen=True)
class Phase:
    """A stretch of the run with fixed MOGs, open airfields and airspace, and its planning factors."""

    from_day: float
    to_day: float
    changes: tuple[str, ...]  # the events that start it (none for the first phase unless on day 0)
    airspace: str  # the airspace policy's label
    mog: dict[str, int]  # MOG of every requirement airfield
    closed_airfields: tuple[str, ...]
    requirements: tuple[RequirementFactors, ...]


def phases(world: World) -> list[Phase]:
    """Planning factors per phase: every change of MOG, airfield closure or reopening, or airspace event
    starts a new phase (events on the same day start one phase together)."""
    conditions = Conditions(world.policy, {ident: a.mog for ident, a in world.airfields.items()})
    horizon_h = world.run.horizon_h
    ends = list(dict.fromkeys(x for r in world.requirements for x in (r.from_, r.to)))
    hours = sorted({e.at_h for e in world.events if e.at_h < horizon_h})
    out: list[Phase] = []
    starts = [0.0, *[h for h in hours if h > 0]]
    for k, start in enumerate(starts):
        todays = [e for e in world.events if e.at_h == start]
        for event in todays:
            conditions = event.update(conditions)
        end = starts[k + 1] if k + 1 < len(starts) else horizon_h
        mogs, closed = dict(conditions.mogs), conditions.closed
        found = factors(world, policy=conditions.policy, mogs=mogs, closed=closed)
        out.append(Phase(day_of_hour(start), day_of_hour(end), tuple(e.describe() for e in todays), conditions.policy.label,
                         {ident: mogs[ident] for ident in ends}, tuple(sorted(closed)), tuple(found)))
    return out


def factors(world: World, policy: AirspacePolicy | None = None, mogs: dict[str, int] | None = None,
            closed: frozenset[str] = frozenset()) -> list[RequirementFactors]:
    """Planning factors of every requirement of the World, at the start of the run or, given them, under
    another airspace ``policy``, other ``mogs`` and with some airfields ``closed``."""
    if mogs is not None:
        changed = {k: world.airfields[k].with_overrides({"mog": m}) for k, m in mogs.items() if world.airfields[k].mog != m}
        world = dataclasses.replace(world, airfields={**world.airfields, **changed})
    if policy is not None:
        world = dataclasses.replace(world, policy=policy)
    planner = TripPlanner(world, lambda ident: ident not in closed and world.airfields[ident].mog > 0, world.policy)
    counts: dict[str, int] = {}
    for entry in world.fleet:
        counts[entry.type] = counts.get(entry.type, 0) + entry.count
    out = []
    for req in world.requirements:
        cycles, infeasible = [], []
        for name, count in counts.items():
            if count == 0 or not may_serve(name, req):
                continue
            cycle = _cycle(world, planner, name, count, req.from_, req.to)
            (cycles.append(cycle) if cycle is not None else infeasible.append(name))
        factors_ = _limits(world, req, tuple(cycles), tuple(infeasible))
        shut = [f"{label} closed ({ident})" for label, ident in (("origin", req.from_), ("destination", req.to))
                if ident in closed]
        if shut:
            factors_ = dataclasses.replace(factors_, limits=(Limit("; ".join(shut), "-", 0.0), *factors_.limits))
        out.append(factors_)
    return out


def _cycle(world: World, planner: TripPlanner, name: str, count: int, origin: str, dest: str) -> TypeCycle | None:
    kind = world.aircraft[name]
    loaded = planner.plan(kind, origin, dest, kind.planning_load_t, None)
    if loaded is None:
        return None
    payload = min(kind.planning_load_t, loaded.payload_cap_t)
    left = fuel_after_hop_t(kind, loaded.hops[-1], payload)
    back = planner.plan(kind, dest, origin, 0.0, fuel_state(world, dest, round(left, 6)))
    if back is None:
        return None
    refuel = kind.refuel_h if kind.refuel_sequential else 0.0  # planning ground times include refuelling
    ground_on = kind.onload_h + (refuel if world.airfields[origin].fuel else 0.0)
    ground_off = kind.offload_h + (refuel if world.airfields[dest].fuel else 0.0)
    rtft = loaded.flight_h + back.flight_h
    rtt = rtft + ground_on + ground_off + loaded.stop_h + back.stop_h
    stops = tuple(s for s in (loaded.stop, back.stop) if s)
    crew_h = None
    if world.operations.crews and count:
        crews = sum(e.crews for e in world.fleet if e.type == name)  # the compiled crew count of every group
        ratio = crews / count if crews else kind.crews_per_aircraft
        crew_h = ratio * kind.crew_flight_h_per_30d / 30.0
    return TypeCycle(name, count, min(kind.planning_load_t, loaded.payload_cap_t), rtft, rtt, ground_on, ground_off,
                     stops, sum(h.distance_km for h in loaded.hops), kind.ute_h_per_day, crew_h,
                     loaded.flight_h + loaded.stop_h + ground_off)


def _limits(world: World, req, cycles: tuple[TypeCycle, ...], infeasible: tuple[str, ...]) -> RequirementFactors:
    limits, planning = [], []
    if cycles:
        bounds = {c.bound for c in cycles}
        bound = "crews" if "crews" in bounds else "UTE" if "UTE" in bounds else "cycle"
        formula = {"cycle": "sum N·P·24/RTT", "UTE": "sum N·P·min(24/RTT, U/RTFT)",
                   "crews": "sum N·P·min(24/RTT, U/RTFT, C/RTFT)"}[bound]
        fleet = sum(c.count * c.payload_t * c.sorties_per_day for c in cycles)
        limits.append(Limit(f"fleet ({bound})", formula, fleet))
        weights = [c.count * c.sorties_per_day for c in cycles]
        total = sum(weights)
        payload = sum(w * c.payload_t for w, c in zip(weights, cycles, strict=True)) / total
        ground_on = sum(w * c.ground_on_h for w, c in zip(weights, cycles, strict=True)) / total
        ground_off = sum(w * c.ground_off_h for w, c in zip(weights, cycles, strict=True)) / total
        for label, ident, ground in (("origin", req.from_, ground_on), ("destination", req.to, ground_off)):
            mog = world.airfields[ident].mog
            scheduled = airfield_limit(mog, payload, ground, qe=1.0)
            limits.append(Limit(f"{label} MOG ({ident}, {mog} spots)", "MOG·P·24/GT", scheduled))
            planning.append(Limit(f"{label} MOG ({ident}) x QE", "MOG·P·24/GT·0.85", airfield_limit(mog, payload, ground)))
        bases = {e.base for e in world.fleet}
        if world.operations.parking_holds and req.to not in bases:
            spots = max(world.airfields[req.to].parking_mog, world.airfields[req.to].mog)
            held = sum(w * c.held_h for w, c in zip(weights, cycles, strict=True)) / total
            limits.append(Limit(f"destination parking ({req.to}, {spots} spots)", "PK·P·24/(trip + offload)",
                                spots * payload * 24.0 / held))
    if req.tons_per_day is not None:
        limits.append(Limit("demand", "tons_per_day", req.tons_per_day))
    if not cycles:
        reason = "no type can fly it" if infeasible else "no aircraft"
        limits.insert(0, Limit(f"fleet ({reason})", "-", 0.0))
    return RequirementFactors(req.name, req.from_, req.to, cycles, tuple(limits), tuple(planning), req.tons,
                              infeasible)


def requirement_record(f: RequirementFactors) -> dict:
    """One requirement's factors as plain data (for JSON and tables)."""
    return {
        "requirement": f.requirement, "from": f.origin, "to": f.destination,
        "cycles": [{**vars(c), "sorties_per_day": c.sorties_per_day} for c in f.cycles],
        "limits": [{**vars(limit), "binding": limit is f.binding} for limit in f.limits],
        "planning_limits_qe": [vars(limit) for limit in f.planning_limits],
        "binding": f.binding.name, "binding_t_per_day": f.binding.t_per_day,
        "fleet_t_per_day": next((x.t_per_day for x in f.limits if x.name.startswith("fleet")), 0.0),
        "ton_km_per_day": f.ton_km_per_day, "mtm_per_day": f.mtm_per_day,
        "closure_estimate_day": f.closure_estimate_day, "infeasible_types": list(f.infeasible_types),
        "requested_t": f.requested_t,
    }


def planning_record(world: World, summary: Summary, daily_rows: list[dict], records: Any = None) -> dict:
    """The closed-form factors of a scenario next to what a run (or the mean of replications) delivered:
    ``requirements`` at the start (with the whole run's simulated t/day and closure) and ``phases``, each
    with its own limits and the simulated t/day of its days. Given the run's ``records`` (one run's
    ``RunOutput.records``), each row also names the limit the simulation hit (``binding_simulated``) next to
    the closed form's (``binding_closed_form``), with the aircraft-hours lost per cause (``hours_lost``)."""
    by_name = {r["requirement"]: r for r in summary["by_requirement"]}
    names = [r["requirement"] for r in summary["by_requirement"]]
    daily: dict[tuple[int, str], float] = {(row["day"], row["requirement"]): row["delivered_t"] for row in daily_rows}
    out_phases = []
    for phase in phases(world):
        days = [d for d in range(summary["days"]) if phase.from_day <= d < phase.to_day] or [int(phase.from_day)]
        requirements = []
        for f in phase.requirements:
            row = requirement_record(f)
            row["simulated_t_per_day"] = sum(daily.get((d, f.requirement), 0.0) for d in days) / len(days)
            row["simulated_closure_day"] = by_name[f.requirement]["closure_day"]
            requirements.append(row)
        _add_simulated_binding(requirements, names, records, phase.from_day, phase.to_day)
        out_phases.append({"from_day": phase.from_day, "to_day": phase.to_day, "changes": list(phase.changes),
                           "airspace": phase.airspace, "mog": phase.mog, "closed_airfields": list(phase.closed_airfields),
                           "requirements": requirements})
    first = []
    for row in out_phases[0]["requirements"]:  # type: ignore[attr-defined]
        sim_row = by_name[row["requirement"]]
        first.append({**row, "simulated_t_per_day": sim_row["delivered_t"] / summary["days"],
                      "simulated_closure_day": sim_row["closure_day"]})
    _add_simulated_binding(first, names, records, 0.0, float(summary["days"]))
    return {"scenario": summary["scenario"], "days": summary["days"], "requirements": first, "phases": out_phases}


def _add_simulated_binding(rows: list[dict], names: list[str], records: Any, from_day: float, to_day: float) -> None:
    """Each row's ``binding_closed_form`` and, with the run's records, ``binding_simulated``, ``hours_lost``
    (aircraft-hours per cause over the days), ``mog_waits_h`` (per airfield) and ``shortfall_pct`` (how far
    the run fell below the closed-form limit)."""
    from sim.experiments import binding

    lost = mog = None
    if records is not None:
        from_h, to_h = from_day * OPERATING_H, to_day * OPERATING_H
        lost = binding.hours_lost(records.ground, records.legs, from_h, to_h, len(names))
        mog = binding.mog_waits_by_airfield(records.ground, from_h, to_h)
    for row in rows:
        row["binding_closed_form"] = row["binding"]
        limit, simulated = row["binding_t_per_day"], row["simulated_t_per_day"]
        row["shortfall_pct"] = 100.0 * (limit - simulated) / limit if limit > 0 else 0.0
        if lost is None:
            row["binding_simulated"], row["hours_lost"] = None, None
            continue
        mine = lost[names.index(row["requirement"])]
        row["hours_lost"] = mine
        row["mog_waits_h"] = mog
        row["binding_simulated"] = binding.simulated_binding(row["binding"], limit, simulated, mine)
        closed = row["simulated_closure_day"]
        if row["requested_t"] is not None and closed is not None and closed < to_day:  # a lump all delivered
            row["binding_simulated"] = f"none: all delivered by day {closed}"


def capacity_margin(row: dict) -> float | None:
    """A flow's room to grow (t/day): its smallest limit other than the demand, less the demand."""
    demand = next((x["t_per_day"] for x in row["limits"] if x["name"] == "demand"), None)
    if demand is None:
        return None
    return min(x["t_per_day"] for x in row["limits"] if x["name"] != "demand") - demand
