"""The trace checker: a run's records verified from the rules, not from the implementation.

``check_trace`` takes the sorties and ground rows of one run (as written to sorties.csv and ground.csv),
the World they were flown in, and the closures and strandings the run reported, and returns every
violation it finds, one line each. The rules:

* legs chain in space and time: each aircraft starts at its base, leaves from where it last landed, and
  never departs before it arrived;
* fuel and mass at every take-off: fuel within the tanks, payload within the maximum, take-off mass =
  empty + payload + fuel and within MTOW and what the runway allows, fuel enough for the hop with its
  reserve (diversions excepted: they need only land with fuel >= 0); landing mass within the maximum
  and what the runway allows (a diverting aircraft holds to burn down to it; an emergency landing is
  exempt); no fuel added at an airfield without fuel;
* working MOG: no spot granted while the airfield's spots (MOG in force at that moment) are all held;
* no landing and no onload at a closed airfield (an emergency landing is allowed, and reported), and no
  offload starting at an airfield an event closed (aircraft there leave with what is aboard);
* cargo conserved per place and per aircraft: what is onloaded at a place was waiting there, a leg's
  payload is what is aboard, and what is offloaded short of the destination waits where it came off;
* no stranded aircraft unless reported: an aircraft whose last landing leaves it at an airfield without
  fuel, unable to reach one, must be listed as stranded;
* crews (when modelled): a crew flies one aircraft at a time and boards where it last landed; each duty
  period, show to debrief, is within the type's limit and follows the minimum rest (a duty with a
  diversion excepted); no crew flies more than its flight hours in any 30 days (on a leg it took off for
  within them and that diverted, excepted);
* routes: each leg (a diversion from the air excepted) is as long as the legal route between its ends under
  the airspace in force at its take-off, judged with its trip's ends;
* parking (when holds are on): at an airfield that is no fleet group's base, the aircraft on the ground
  that landed there as planned never outnumber its parking spots;
* equipment and people: every piece a leg carries is of a class its type takes and fits its hold's
  height, width and floor length; pieces, passengers and bulk together fit the floor and the ramp (what is
  too heavy for the ramp on the floor proper); passengers fit the seats; and the pieces and passengers
  weigh no more than the leg's payload.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import AirliftError
from sim.flight import performance
from sim.model.events import SetMog
from sim.model.records import FLOAT_COLUMNS, SPOT_ACTIVITIES
from sim.model.world import World

EPS = 1e-3  # t, h and km: the CSV files keep 4 decimals


def check_trace(world: World, sorties: list[dict[str, Any]], ground: list[dict[str, Any]],
                closures: list[dict[str, Any]], stranded: list[dict[str, Any]], horizon_h: float,
                airborne: list[dict[str, Any]] | None = None) -> list[str]:
    """Every rule violation in one run's records (empty: the run is flyable as recorded)."""
    problems: list[str] = []
    problems += _chains(world, sorties)
    problems += _fuel_and_mass(world, sorties)
    problems += _working_mog(world, ground)
    problems += _closures(world, sorties, ground, closures)
    problems += _cargo(world, sorties, ground, horizon_h)
    problems += _stranded(world, sorties, stranded, horizon_h)
    problems += _manifests(world, sorties)
    problems += _routes(world, sorties)
    if world.operations.crews:
        problems += _crews(world, sorties)
    if world.operations.parking_holds:
        problems += _parking(world, sorties, horizon_h, airborne or [])
    return problems


def _manifests(world: World, sorties: list[dict[str, Any]]) -> list[str]:
    from sim.model.packing import fit_problem, floor_used_m, hold_of, lanes

    pieces = {piece.name: piece for req in world.requirements for piece, _ in req.pieces}
    passenger_mass = {req.name: req.passenger_mass_t for req in world.requirements}
    problems = []
    for row in sorties:
        items, people = str(row.get("items") or ""), int(float(row.get("passengers") or 0))
        if not items and not people:
            continue
        hold = hold_of(world.aircraft[row["type"]])
        where = f"{row['aircraft']} {row['origin']}->{row['destination']} at {row['depart_h']:.2f} h"
        floor = heavy_floor = mass = 0.0
        light_t_per_m: list[float] = []  # what may ride the ramp, tons per metre of floor it takes
        for part in filter(None, (p.strip() for p in items.split(";"))):
            name, _, count = part.rpartition(" x")
            piece = pieces.get(name)
            if piece is None:
                problems.append(f"{where}: carries {name!r}, which no requirement lists")
                continue
            why = fit_problem(piece, hold)
            if why:
                problems.append(f"{where}: {name}: {why}")
            floor += floor_used_m(piece, hold, int(count))
            if piece.mass_t > hold.ramp_load_t:  # too heavy for the ramp: on the floor proper
                heavy_floor += floor_used_m(piece, hold, int(count))
            elif piece.length_m > 0:
                light_t_per_m.append(piece.mass_t * lanes(piece, hold) / piece.length_m)
            mass += piece.mass_t * int(count)
        if people > hold.seats:
            problems.append(f"{where}: {people} passengers, {hold.seats} seats")
        mass += people * passenger_mass.get(row.get("requirement"), 0.1)  # type: ignore[arg-type]
        bulk_t = max(0.0, row["payload_t"] - mass) if "bulk" in str(row.get("cargo_class") or "") else 0.0
        floor += people * hold.seat_floor_m + bulk_t * hold.bulk_floor_m_per_t
        if heavy_floor + people * hold.seat_floor_m > hold.floor_length_m + EPS:
            problems.append(f"{where}: pieces too heavy for the ramp and passengers use "
                            f"{heavy_floor + people * hold.seat_floor_m:.2f} m of the {hold.floor_length_m:g} m floor")
        if bulk_t > EPS and hold.bulk_floor_m_per_t > 0:
            light_t_per_m.append(1.0 / hold.bulk_floor_m_per_t)
        on_ramp_m = floor - hold.floor_length_m
        if on_ramp_m > EPS and light_t_per_m and on_ramp_m * min(light_t_per_m) > hold.ramp_load_t + EPS:
            problems.append(f"{where}: {on_ramp_m:.2f} m of the load ride the ramp, at least "
                            f"{on_ramp_m * min(light_t_per_m):.1f} t against its {hold.ramp_load_t:g} t limit")
        if floor > hold.floor_length_m + hold.ramp_length_m + EPS:
            problems.append(f"{where}: the load uses {floor:.2f} m of the {hold.floor_length_m:g} m floor "
                            f"and {hold.ramp_length_m:g} m ramp")
        if mass > row["payload_t"] + EPS:
            problems.append(f"{where}: pieces and passengers weigh {mass:.2f} t, payload {row['payload_t']:.2f} t")
    return problems


def _crews(world: World, sorties: list[dict[str, Any]]) -> list[str]:
    problems = []
    window_h = 30 * 24.0
    by_crew: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rides: dict[str, list[dict[str, Any]]] = defaultdict(list)  # hops a crew rode as passengers
    for row in sorties:
        by_crew[row["crew"]].append(row)
        for name in str(row.get("passenger_crews") or "").split(";"):
            if name and name != "nan":
                rides[name].append(row)
    for crew, legs in by_crew.items():
        legs.sort(key=lambda r: r["depart_h"])
        kind = world.aircraft[legs[0]["type"]]
        duty: list[dict[str, Any]] = []
        moves = sorted([*legs, *rides.get(crew, ())], key=lambda r: r["depart_h"])  # flown and ridden, in order
        for i, leg in enumerate(moves):
            if i and leg["origin"] != moves[i - 1]["destination"]:
                problems.append(f"{crew}: boards at {leg['origin']} at {leg['depart_h']:.2f} h but landed last at "
                                f"{moves[i - 1]['destination']}")
            if i and leg["depart_h"] < moves[i - 1]["arrive_h"] - EPS:
                problems.append(f"{crew}: takes off at {leg['depart_h']:.2f} h before its last landing")
        for i, leg in enumerate(legs):
            rested = not duty or (leg["depart_h"] - kind.crew_show_h) - (duty[-1]["arrive_h"] + kind.crew_debrief_h) \
                >= kind.crew_rest_h - EPS
            if rested:
                duty = []
            duty.append(leg)
            length = duty[-1]["arrive_h"] + kind.crew_debrief_h - (duty[0]["depart_h"] - kind.crew_show_h)
            excused = any(r["purpose"] in ("diverted", "emergency landing") for r in duty)
            if length > kind.crew_duty_h + EPS and not excused:
                problems.append(f"{crew}: duty of {length:.2f} h by {leg['arrive_h']:.2f} h exceeds {kind.crew_duty_h:g} h")
            since = leg["arrive_h"] - window_h
            flown = sum(r["arrive_h"] - max(r["depart_h"], since) for r in legs[:i + 1] if r["arrive_h"] > since)
            diverted = leg["purpose"] in ("diverted", "emergency landing")  # allowed at take-off, flown on further
            if (flown > kind.crew_flight_h_per_30d + EPS and leg["arrive_h"] - leg["depart_h"] <= kind.crew_flight_h_per_30d
                    and not diverted):
                problems.append(f"{crew}: {flown:.1f} flight h in the 30 days to {leg['arrive_h']:.2f} h, "
                                f"over {kind.crew_flight_h_per_30d:g}")
    return problems


def on_ground(world: World, sorties: list[dict[str, Any]], horizon_h: float,
              airborne: list[dict[str, Any]] | None = None) -> dict[str, list[tuple[float, float, str, bool]]]:
    """(from_h, to_h, aircraft, planned) of every stay on the ground, by airfield: from the landing (or
    the start, at the base) to the next take-off (or the end of the run, or the take-off of a hop still
    in the ``airborne`` at the end). ``planned`` is False for a stay that began with a diversion or an
    emergency landing."""
    return stays_on_ground(world, ((r["aircraft"], r["depart_h"], r["arrive_h"], r["destination"], r["purpose"])
                                   for r in sorties), horizon_h, airborne)


def stays_on_ground(world: World, legs: Iterable[tuple[str, float, float, str, str]], horizon_h: float,
                    airborne: list[dict[str, Any]] | None = None) -> dict[str, list[tuple[float, float, str, bool]]]:
    """``on_ground`` of the legs given as (aircraft, depart_h, arrive_h, destination, purpose) tuples, in any
    order (the run's leg columns zipped, without making rows)."""
    last_takeoff = {row["aircraft"]: row["depart_h"] for row in airborne or []}
    flown: dict[str, list[tuple[str, float, float, str, str]]] = defaultdict(list)
    for leg in legs:
        flown[leg[0]].append(leg)
    stays: dict[str, list[tuple[float, float, str, bool]]] = defaultdict(list)
    for name in fleet_names(world):
        place, since, planned = name.rsplit("@", 1)[-1], 0.0, True  # the model names aircraft TYPE#N@BASE
        for _, depart_h, arrive_h, destination, purpose in sorted(flown.get(name, ()), key=lambda leg: leg[1]):
            stays[place].append((since, depart_h, name, planned))
            place, since = destination, arrive_h
            planned = purpose not in ("diverted", "emergency landing")
        stays[place].append((since, last_takeoff.get(name, horizon_h), name, planned))
    return stays


def fleet_names(world: World) -> list[str]:
    """Every aircraft's name, as the model gives them: TYPE#N@BASE, numbered per type and base."""
    names: list[str] = []
    per_group: defaultdict[tuple[str, str], int] = defaultdict(int)
    for entry in world.fleet:
        for _ in range(entry.count):
            per_group[(entry.type, entry.base)] += 1
            names.append(f"{entry.type}#{per_group[(entry.type, entry.base)]}@{entry.base}")
    return names


def _parking(world: World, sorties: list[dict[str, Any]], horizon_h: float, airborne: list[dict[str, Any]]) -> list[str]:
    problems = []
    bases = {entry.base for entry in world.fleet}
    for ident, stays in on_ground(world, sorties, horizon_h, airborne).items():
        if ident in bases:
            continue
        airfield = world.airfields[ident]
        capacity = max(airfield.parking_mog, airfield.mog)
        planned = [(a, b) for a, b, _, ok in stays if ok and b > a]
        for start, _ in planned:
            count = sum(1 for a, b in planned if a <= start + 1e-9 and b > start + 1e-9)
            if count > capacity:
                problems.append(f"{ident}: {count} aircraft on the ground at {start:.2f} h, "
                                f"{capacity} parking spots")
                break
    return problems


def _by_aircraft(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row["aircraft"]].append(row)
    for legs in out.values():
        legs.sort(key=lambda r: r[key])
    return out


def _chains(world: World, sorties: list[dict[str, Any]]) -> list[str]:
    problems = []
    for name, legs in _by_aircraft(sorties, "depart_h").items():
        base = name.rsplit("@", 1)[-1]
        if legs[0]["origin"] != base:
            problems.append(f"{name}: first leg leaves {legs[0]['origin']}, not its base {base}")
        for a, b in zip(legs, legs[1:], strict=False):
            if b["origin"] != a["destination"]:
                problems.append(f"{name}: landed at {a['destination']} at {a['arrive_h']:.2f} h, "
                                f"next leg leaves {b['origin']}")
            if b["depart_h"] < a["arrive_h"] - EPS:
                problems.append(f"{name}: departs {b['origin']} at {b['depart_h']:.2f} h before landing there "
                                f"at {a['arrive_h']:.2f} h")
    return problems


def _fuel_and_mass(world: World, sorties: list[dict[str, Any]]) -> list[str]:
    problems = []
    for name, legs in _by_aircraft(sorties, "depart_h").items():
        for k, leg in enumerate(legs):
            kind = world.aircraft[leg["type"]]
            x, y = world.airfields[leg["origin"]], world.airfields[leg["destination"]]
            where = f"{name} {leg['origin']}->{leg['destination']} at {leg['depart_h']:.2f} h"
            fuel, payload, tom, lm = leg["fuel_takeoff_t"], leg["payload_t"], leg["takeoff_mass_t"], leg["landing_mass_t"]
            if fuel > kind.fuel_capacity_t + EPS:
                problems.append(f"{where}: {fuel:.1f} t of fuel in {kind.fuel_capacity_t:g} t of tanks")
            if payload > kind.max_payload_t + EPS:
                problems.append(f"{where}: payload {payload:.1f} t over the maximum {kind.max_payload_t:g} t")
            if abs(tom - (kind.oew_t + payload + fuel)) > EPS:
                problems.append(f"{where}: take-off mass {tom:.1f} t is not empty + payload + fuel")
            tom_max = min(kind.mtow_t, performance.takeoff_limit_t(kind, x.runway_m))
            if tom > tom_max + EPS:
                problems.append(f"{where}: take-off mass {tom:.1f} t over the {tom_max:.1f} t allowed "
                                f"(MTOW {kind.mtow_t:g} t, runway {x.runway_m} m)")
            lm_max = min(kind.max_landing_mass_t, performance.landing_limit_t(kind, y.runway_m))
            if lm > lm_max + EPS and leg["purpose"] != "emergency landing":
                problems.append(f"{where}: landing mass {lm:.1f} t over the {lm_max:.1f} t allowed")
            if leg["fuel_landing_t"] < -EPS:
                problems.append(f"{where}: lands with {leg['fuel_landing_t']:.1f} t of fuel")
            diverted = leg["purpose"] in ("diverted", "emergency landing")
            if not diverted:
                need = performance.required_fuel_t(kind, leg["distance_km"], payload)
                if fuel < need - EPS:
                    problems.append(f"{where}: {fuel:.1f} t of fuel for a hop that needs {need:.1f} t with its reserve")
            if k > 0 and not x.fuel and fuel > legs[k - 1]["fuel_landing_t"] + EPS:
                problems.append(f"{where}: {fuel:.1f} t of fuel at take-off after landing with "
                                f"{legs[k - 1]['fuel_landing_t']:.1f} t where there is no fuel")
    return problems


def _policies_at(world: World, hour: float) -> list[Any]:
    """The airspace policies in force at ``hour`` (both, at the instant of an airspace event)."""
    policies = [policy for start, policy in world.phases if start <= hour + EPS]
    at_event = [policy for start, policy in world.phases if abs(start - hour) <= EPS]
    return list(dict.fromkeys([*policies[-1:], *policies[-2:-1], *at_event] if at_event else policies[-1:]))


def _routes(world: World, sorties: list[dict[str, Any]]) -> list[str]:
    """Each leg is as long as the legal route in force at its take-off (within 0.5 %): the route between its
    ends under the airspace then, judged with its trip's origin and final destination (a diversion from the
    air excepted: it turned where it was)."""
    problems = []
    for name, legs in _by_aircraft(sorties, "depart_h").items():
        for k, leg in enumerate(legs):
            if leg["purpose"] in ("diverted", "emergency landing"):
                continue
            before = legs[k - 1] if k > 0 else None
            after = legs[k + 1] if k + 1 < len(legs) else None
            first = before["origin"] if before is not None and before["fuel_stop"] and before["destination"] == leg["origin"] \
                else leg["origin"]
            last = after["destination"] if leg["fuel_stop"] and after is not None else leg["destination"]
            legal = [world.distance(leg["origin"], leg["destination"], policy, (first, last))
                     for policy in _policies_at(world, leg["depart_h"])]
            km = leg["distance_km"]
            if not any(abs(km - d) <= max(1.0, 0.005 * d) for d in legal):
                shown = ", ".join("no legal route" if math.isinf(d) else f"{d:,.0f} km" for d in legal)
                problems.append(f"{name} {leg['origin']}->{leg['destination']} at {leg['depart_h']:.2f} h: "
                                f"{km:,.0f} km flown, the legal route in force is {shown}")
    return problems


def _mog_timeline(world: World, ident: str) -> list[tuple[float, int]]:
    timeline = [(0.0, world.airfields[ident].mog)]
    for event in world.events:
        if isinstance(event, SetMog):
            timeline += [(event.at_h, mog) for airfield, mog in event.mog if airfield == ident]
    return sorted(timeline)


def _mog_at(timeline: list[tuple[float, int]], hour: float) -> int:
    value = timeline[0][1]
    for at, mog in timeline:
        if at <= hour + 1e-9:
            value = mog
    return value


def _working_mog(world: World, ground: list[dict[str, Any]]) -> list[str]:
    problems = []
    spots: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for row in ground:
        if row["activity"] in SPOT_ACTIVITIES:
            spots[row["airfield"]].append((row["start_h"], row["end_h"], row["aircraft"]))
    for ident, intervals in spots.items():
        timeline = _mog_timeline(world, ident)
        intervals.sort()
        for start, _end, name in intervals:
            # Spots held by others at the instant this one was granted (a spot freed at that instant is free).
            held = sum(1 for s, e, other in intervals if other != name and s <= start + 1e-9 and e > start + 1e-9)
            if held >= _mog_at(timeline, start):
                problems.append(f"{ident}: spot granted to {name} at {start:.2f} h while {held} of "
                                f"{_mog_at(timeline, start)} were held")
    return problems


def _closures(world: World, sorties: list[dict[str, Any]], ground: list[dict[str, Any]],
              closures: list[dict[str, Any]]) -> list[str]:
    problems = []
    spans: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for c in closures:
        spans[c["airfield"]].append((c["from_h"], math.inf if c["to_h"] is None else c["to_h"], c.get("cause", "closed")))

    def closed(ident: str, hour: float, causes: tuple[str, ...] = ("closed", "outage")) -> bool:
        return any(a < hour - EPS and hour < b - EPS for a, b, cause in spans.get(ident, ()) if cause in causes)

    for leg in sorties:
        if leg["purpose"] != "emergency landing" and closed(leg["destination"], leg["arrive_h"]):
            problems.append(f"{leg['aircraft']}: lands at {leg['destination']} at {leg['arrive_h']:.2f} h while it is closed")
    for row in ground:
        if row["activity"] == "onload" and closed(row["airfield"], row["start_h"]):
            problems.append(f"{row['aircraft']}: onloads at {row['airfield']} at {row['start_h']:.2f} h while it is closed")
        # Aircraft on the ground at a closing airfield leave with what is aboard: no offload starts there.
        if row["activity"] == "offload" and closed(row["airfield"], row["start_h"], ("closed",)):
            problems.append(f"{row['aircraft']}: offloads at {row['airfield']} at {row['start_h']:.2f} h while it is closed")
    return problems


def _generated(world: World, horizon_h: float) -> list[tuple[float, str, str, float]]:
    """(hour, requirement, place, tons) of every cargo generation, from the requirements alone."""
    return [(hour, req.name, req.from_, tons) for req in world.requirements for hour, tons in req.releases()
            if hour < horizon_h]


def _cargo(world: World, sorties: list[dict[str, Any]], ground: list[dict[str, Any]], horizon_h: float) -> list[str]:
    problems = []
    destinations = {r.name: r.to for r in world.requirements}
    # Per place: generation (first at an instant), then onloads take from the waiting cargo, offloads add.
    changes = [(h, 0, req, place, t) for h, req, place, t in _generated(world, horizon_h)]
    for row in ground:
        if row["activity"] == "onload":
            changes.append((row["start_h"], 2, row["requirement"], row["airfield"], -row["payload_t"]))
        elif row["activity"] == "offload" and row["airfield"] != destinations.get(row["requirement"]):
            changes.append((row["end_h"], 1, row["requirement"], row["airfield"], row["payload_t"]))
    waiting: dict[tuple[str, str], float] = defaultdict(float)
    for hour, _order, req, place, tons in sorted(changes, key=lambda c: (c[0], c[1])):
        waiting[(req, place)] += tons
        if waiting[(req, place)] < -EPS:
            problems.append(f"{req}: {-tons:.1f} t onloaded at {place} at {hour:.2f} h where only "
                            f"{waiting[(req, place)] - tons:.1f} t were waiting")
            waiting[(req, place)] = 0.0
    # Per aircraft: a leg carries what is aboard.
    events: dict[str, list[tuple[float, int, str, float]]] = defaultdict(list)
    for row in ground:
        if row["activity"] == "onload":
            events[row["aircraft"]].append((row["start_h"], 0, "onload", row["payload_t"]))
        elif row["activity"] == "offload":
            events[row["aircraft"]].append((row["end_h"], 0, "offload", -row["payload_t"]))
    for leg in sorties:
        events[leg["aircraft"]].append((leg["depart_h"], 1, "leg", leg["payload_t"]))
    for name, items in events.items():
        aboard = 0.0
        for hour, _order, what, tons in sorted(items, key=lambda e: (e[0], e[1])):
            if what == "leg":
                if abs(tons - aboard) > EPS:
                    problems.append(f"{name}: leg at {hour:.2f} h carries {tons:.1f} t with {aboard:.1f} t aboard")
            else:
                aboard += tons
                if aboard < -EPS:
                    problems.append(f"{name}: offloads more than it carries at {hour:.2f} h")
                    aboard = 0.0
    return problems


def _stranded(world: World, sorties: list[dict[str, Any]], stranded: list[dict[str, Any]],
              horizon_h: float) -> list[str]:
    problems = []
    reported = {row["aircraft"] for row in stranded if row.get("to_h") is None}
    # The airspace in force at the end: an event at the horizon itself never happens in the run.
    policy = [policy for start_h, policy in world.phases if start_h < horizon_h][-1]
    for name, legs in _by_aircraft(sorties, "arrive_h").items():
        last = legs[-1]
        here = world.airfields[last["destination"]]
        if here.fuel or name in reported:
            continue
        kind = world.aircraft[last["type"]]
        ferry_km = performance.planned_range_km(kind, 0.0)
        near = [f for f in world.stop_candidates if world.great_circle_km(here.ident, f) <= ferry_km]
        reachable = any(
            performance.hop_payload_t(kind, km, 0.0, here.runway_m, world.airfields[f].runway_m,
                                      last["fuel_landing_t"]) >= 0
            for f in near if not math.isinf(km := world.distance(here.ident, f, policy))
        )
        if not reachable:
            problems.append(f"{name}: left at {here.ident} with {last['fuel_landing_t']:.1f} t of fuel, unable to "
                            "reach fuel, and not reported as stranded")
    return problems


def check_result(result: Any) -> list[str]:
    """Every rule violation in a :class:`sim.RunResult` (one replication)."""
    out = result.output
    return check_trace(out.world, result.sortie_rows, result.ground_rows, result.summary["closures"],
                       result.summary["stranded"], out.horizon_h, result.summary["airborne_at_end"])


@dataclass(frozen=True)
class CheckReport:
    """What ``check_folder`` found."""

    problems: tuple[str, ...]
    legs: int
    ground_rows: int
    replications: int  # replications whose trace was checked
    of: int = 1  # replications the run had (a replicated run keeps the trace of the first ones only)
    damaged: bool = False  # files changed since the run wrote them (named first among the problems)

    @property
    def ok(self) -> bool:
        return not self.problems


class DamagedResultsError(AirliftError):
    """A results file is missing, cut short or changed since the run wrote it; the message names it."""


def _read_rows(path: Path) -> list[dict[str, Any]]:
    """A trace file's rows; DamagedResultsError (naming the file and line) for a row with too few or too
    many fields (a line cut in half) or a number that is not one."""
    numbers = FLOAT_COLUMNS | {"replication"}
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            if None in row or None in row.values():
                raise DamagedResultsError(f"{path}: damaged: line {reader.line_num} has "
                                          f"{len(row) - (None in row) + len(row.get(None) or [])} fields where the "
                                          f"header has {len(reader.fieldnames or [])} (a row cut short?)")
            try:
                rows.append(_typed_row(row, numbers))
            except ValueError as exc:
                raise DamagedResultsError(f"{path}: damaged: line {reader.line_num}: {exc}") from None
    return rows


def _typed_row(row: dict[str, Any], numbers: AbstractSet[str]) -> dict[str, Any]:
    """A CSV row with its numbers as floats and fuel_stop and in_progress as bools."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in numbers:
            out[key] = float(value)
        elif key in ("fuel_stop", "in_progress"):
            out[key] = value == "True"
        else:
            out[key] = value
    return out


def check_folder(folder: str | Path) -> CheckReport:
    """Check a results folder written by ``airlift run`` (of a replicated run, every replication whose
    trace sorties.csv and ground.csv hold: the first ``traces`` of run.json)."""
    from sim.results.integrity import verify

    folder = Path(folder)
    for name in ("scenario.json", "summary.json", "sorties.csv", "ground.csv"):
        if not (folder / name).exists():
            raise FileNotFoundError(f"no {name}")
    # A damaged file is named first; the rules are still checked on what the files hold (a tampered route
    # is then also named for what is wrong with it), unless a file cannot even be read as rows.
    damaged = verify(folder)
    try:
        report = _check_rules(folder)
    except DamagedResultsError as exc:
        if not damaged:  # no seal to compare with: the unreadable row is the error
            raise
        return CheckReport((*damaged, str(exc)), 0, 0, 0, 0, damaged=True)
    if damaged:
        return dataclasses.replace(report, problems=(*damaged, *report.problems), damaged=True)
    return report


def _check_rules(folder: Path) -> CheckReport:
    """The trace rules over a results folder's records (``check_folder`` without the integrity check)."""
    from sim.scenario.compile import build_world
    from sim.scenario.schema import Scenario

    scenario = Scenario.model_validate(json.loads((folder / "scenario.json").read_text(encoding="utf-8")))
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    world = build_world(scenario)
    sorties, ground = _read_rows(folder / "sorties.csv"), _read_rows(folder / "ground.csv")
    horizon = world.run.horizon_h
    stats = summary.get("replications") or {}
    traces = stats.get("traces")
    if traces is None and (folder / "run.json").exists():  # older folders: run.json, or what the rows hold
        traces = json.loads((folder / "run.json").read_text(encoding="utf-8")).get("traces")
    reps = list(range(traces)) if traces is not None else sorted(
        {int(r.get("replication", 0)) for r in [*sorties, *ground]}) or [0]
    problems: list[str] = []
    flown = summary.get("sorties") or 0
    if not sorties and flown and (not stats or traces):
        problems.append(f"{folder / 'sorties.csv'}: holds no legs where summary.json counts {flown:,} sorties")
    for rep in reps:
        def mine(rows: list[dict[str, Any]], rep: int = rep) -> list[dict[str, Any]]:
            return [r for r in rows if int(r.get("replication", 0)) == rep]

        found = check_trace(world, mine(sorties), mine(ground), mine(summary["closures"]), mine(summary["stranded"]),
                            horizon, mine(summary.get("airborne_at_end", [])))
        problems += [f"replication {rep}: {p}" if len(reps) > 1 else p for p in found]
    return CheckReport(tuple(problems), len(sorties), len(ground), len(reps), stats.get("replications", 1))
