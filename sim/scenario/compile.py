"""Scenario -> World: the validated scenario (days, pydantic) compiled once into the model's runtime specs
(hours, frozen dataclasses), resolved against the catalogues and the airspace data.

Every day of the scenario becomes an hour here and nowhere else, as ``day * HOURS_PER_DAY``: the model
schedules exactly these hours, so the trace checker and the reports see the same numbers the model did.
"""

from __future__ import annotations

import math

from sim.data import catalog
from sim.data.catalog import Airfield, Provenance
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy
from sim.model import events as runtime_events
from sim.model.events import Conditions
from sim.model.packing import Piece
from sim.model.specs import (
    HOURS_PER_DAY,
    Distribution,
    FleetSpec,
    OperationsSpec,
    OutageSpec,
    RequirementSpec,
    RunSpec,
    StochasticSpec,
)
from sim.model.world import World
from sim.scenario.references import crew_count
from sim.scenario.schema import Event, ItemSpec, Requirement, Scenario


def build_world(scenario: Scenario) -> World:
    """Resolve the scenario against the catalogues and the airspace data."""
    types = catalog.aircraft_catalog()
    aircraft = {}
    for name in dict.fromkeys(f.type for f in scenario.fleet):
        override = scenario.aircraft.get(name)
        aircraft[name] = types[name].with_overrides(override.values() if override else {})

    named = scenario.airfield_idents()
    airfields: dict[str, Airfield] = {}
    for ident in named:
        settings = scenario.airfields.get(ident)
        if settings is not None and settings.lat is not None:
            airfields[ident] = _custom_airfield(ident, settings.overrides())
        else:
            base = catalog.airfield(ident)
            airfields[ident] = base.with_overrides(settings.overrides() if settings else {})
    if scenario.catalogue_fuel_stops:
        for ident in catalog.curated_idents():
            if ident not in airfields and catalog.airfield(ident).fuel:
                airfields[ident] = catalog.airfield(ident)
    stops = tuple(k for k, a in airfields.items() if a.fuel)

    overrides, notes = {}, {}
    for leg in scenario.legs:
        note = f"{leg.distance_km:g} km routed" + (f" via {leg.via}" if leg.via else "")
        note += f" ({leg.source})" if leg.source else ""
        for pair in ((leg.from_, leg.to), (leg.to, leg.from_)):
            overrides[pair] = leg.distance_km
            notes[pair] = note

    events = tuple(_event(e) for e in scenario.events)
    policy = starting_policy(scenario)
    phases = [(0.0, policy)]
    conditions = Conditions(policy, {})
    for event in events:
        after = event.update(conditions)
        if after.policy is not conditions.policy:
            phases.append((event.at_h, after.policy))
        conditions = after

    run = RunSpec(scenario.name, scenario.description, scenario.start_date, scenario.days * HOURS_PER_DAY,
                  scenario.seed, scenario.scenario_hash())
    names = [r.name for r in scenario.requirements]
    fleet = tuple(
        FleetSpec(f.type, f.count, f.base,
                  crews=crew_count(f.count, f.crews_per_aircraft or aircraft[f.type].crews_per_aircraft),
                  crews_at=tuple(f.crews_at.items()),
                  serves=None if f.serves is None else frozenset(i for i, n in enumerate(names) if n in f.serves))
        for f in scenario.fleet)
    requirements = tuple(_requirement(r, scenario.days) for r in scenario.requirements)
    ops = scenario.operations
    operations = OperationsSpec(ops.crews, ops.parking_holds, scenario.dispatch.rule, scenario.dispatch.return_to,
                                ops.crew_prior_flight_h_per_30d, scenario.dispatch.min_load_frac, ops.crew_positioning)
    return World(run, fleet, requirements, events, _stochastic(scenario), aircraft, airfields, tuple(named), stops,
                 policy, tuple(phases), overrides, notes, operations)


def starting_policy(scenario: Scenario) -> AirspacePolicy:
    """The scenario's airspace at day 0 (open skies without an ``airspace:`` block)."""
    spec = scenario.airspace
    if spec is None:
        return airspace.OPEN_SKIES
    return airspace.make_policy(
        closed=spec.closed,
        rules=[r.model_dump() for r in spec.rules],
        situation=spec.situation,
        opened=spec.open,
        territorial_nm=spec.territorial_nm,
    )


def day_of_hour(hour_h: float) -> float:
    """The day a report shows for an hour compiled from a scenario day: the shortest-written day d with
    ``d * HOURS_PER_DAY == hour_h`` (day 2.3 is 55.199999999999996 h, which divided back is
    2.2999999999999998; the scenario said 2.3)."""
    day = hour_h / HOURS_PER_DAY
    candidates = [day]
    for direction in (-math.inf, math.inf):
        x = day
        for _ in range(2):
            x = math.nextafter(x, direction)
            candidates.append(x)
    exact = [d for d in candidates if d * HOURS_PER_DAY == hour_h]
    return min(exact, key=lambda d: len(repr(d))) if exact else day


def _requirement(req: Requirement, days: int) -> RequirementSpec:
    if req.has_manifest:
        return _manifest_requirement(req)
    if req.tons is not None:
        releases: tuple[float, ...] = (req.tons,)
    else:
        # Counted in days, as the scenario states the flow, so each release is the scenario's tons to the bit.
        last = min(req.until_day if req.until_day is not None else days, days)
        out, day = [], req.day
        while day < last - 1e-9:
            out.append(req.tons_per_day * min(1.0, last - day))  # type: ignore[operator]
            day += 1
        releases = tuple(out)
    return RequirementSpec(req.name, req.from_, req.to, req.day * HOURS_PER_DAY, releases, req.tons,
                           req.tons_per_day, req.priority, None if req.aircraft is None else tuple(req.aircraft),
                           cargo_class=req.cargo_class)


def piece_of(item: ItemSpec) -> Piece:
    """The piece an item names: from the equipment catalogue, or as the scenario describes it."""
    if item.item is not None:
        e = catalog.equipment_catalog()[item.item]
        return Piece(e.key, e.mass_t, e.length_m, e.width_m, e.height_m, e.cargo_class)
    return Piece(item.key, float(item.mass_t or 0), float(item.length_m or 0), float(item.width_m or 0),
                 float(item.height_m or 0), item.cargo_class)


def _manifest_requirement(req: Requirement) -> RequirementSpec:
    """Equipment and people, all ready at ``day``: one release of their whole mass."""
    counts: dict[str, int] = {}
    kinds: dict[str, Piece] = {}
    for item in req.items or []:
        piece = piece_of(item)
        kinds[piece.name] = piece
        counts[piece.name] = counts.get(piece.name, 0) + item.count
    pieces = tuple((kinds[k], n) for k, n in counts.items())
    pax_mass = float(catalog.passenger_mass().value)
    passengers = req.passengers or 0
    bulk = req.tons or 0.0
    total = sum(p.mass_t * n for p, n in pieces) + passengers * pax_mass + bulk
    return RequirementSpec(req.name, req.from_, req.to, req.day * HOURS_PER_DAY, (total,), total, None,
                           req.priority, None if req.aircraft is None else tuple(req.aircraft),
                           pieces=pieces, passengers=passengers, passenger_mass_t=pax_mass, bulk_t=bulk,
                           has_manifest=True)


def _event(event: Event) -> runtime_events.Event:
    # The schema allows exactly one action per event; its key names the runtime kind.
    ((action, value),) = [(k, v) for k, v in event if k != "day" and v is not None]
    return runtime_events.from_scenario(event.day * HOURS_PER_DAY, action, value)


def _stochastic(scenario: Scenario) -> StochasticSpec | None:
    spec = scenario.stochastic
    if spec is None:
        return None
    outages = None
    if spec.outages is not None:
        ends = [x for r in scenario.requirements for x in (r.from_, r.to)]
        affected = spec.outages.airfields or list(dict.fromkeys(ends))
        outages = OutageSpec(spec.outages.probability_per_day, spec.outages.duration_h, tuple(affected))
    maintenance = spec.maintenance_at or [f.base for f in scenario.fleet]
    return StochasticSpec(spec.mission_capable, spec.break_per_sortie, Distribution(spec.repair_h.mean, spec.repair_h.cv),
                          frozenset(maintenance), spec.repair_away_factor, spec.ground_time_cv, outages)


def _custom_airfield(ident: str, values: dict) -> Airfield:
    prov = catalog.scenario_provenance(values)
    defaults = {"mog": 2, "fuel": True, "runway_m": None}
    for key, value in defaults.items():
        if key not in values:
            prov[key] = Provenance(value, "assumed", "default for airfields outside the catalogue")
    mog = values.get("mog", 2)
    if "parking_mog" not in values:
        prov["parking_mog"] = Provenance(2 * mog, "assumed", "twice the working MOG (planning assumption)")
    return Airfield(
        ident=ident,
        name=values.get("name", ident),
        country=values["country"],
        lat=values["lat"],
        lon=values["lon"],
        runway_m=values.get("runway_m"),
        mog=mog,
        fuel=values.get("fuel", True),
        parking_mog=values.get("parking_mog", 2 * mog),
        provenance=prov,
    )
