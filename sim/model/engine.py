"""The airlift model: airfields, cargo, aircraft and the dispatcher in one simpy environment.

Pure: takes a World and the replication's Randomness, returns records. No files, no printing.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from sim.flight import performance
from sim.geo.airspace import POINT_ROUNDING_KM, AirspacePolicy
from sim.model import kernel
from sim.model.aircraft import Aboard, Aircraft, Flight, Job
from sim.model.cargo import CargoLedger
from sim.model.crews import CrewRoster
from sim.model.dispatch import DispatchRule, IdleAircraft, capable_type_counts, rule_named
from sim.model.events import Event
from sim.model.logbook import RowBuffer
from sim.model.packing import Hold, Load, Manifest, hold_of
from sim.model.ramp import Parking, ParkingLine, Ramp
from sim.model.randomness import Randomness
from sim.model.records import Activity, Purpose, Records
from sim.model.specs import HOURS_PER_DAY, FleetSpec, RequirementSpec, carries_class, may_serve
from sim.model.trips import TripPlanner, fuel_after_hop_t
from sim.model.world import World


@dataclass
class RunOutput:
    """What one simulation produced."""

    world: World
    records: Records
    ledgers: list[CargoLedger]
    horizon_h: float


class AirliftModel:
    """State and rules of one run."""

    def __init__(self, world: World, randomness: Randomness, rule: DispatchRule | None = None):
        self.world = world
        self.randomness = randomness
        self.rule: DispatchRule = rule_named(world.operations.dispatch_rule) if rule is None else rule
        self.env = kernel.Environment()
        self.records = Records()
        self._legs = RowBuffer(self.records.legs)
        self._ground = RowBuffer(self.records.ground)
        self._deliveries, self._cargo_parts = RowBuffer(self.records.deliveries), RowBuffer(self.records.cargo_deliveries.columns)
        self.open = {ident: True for ident in world.airfields}
        self.ramps = {ident: Ramp(self.env, a.mog) for ident, a in world.airfields.items()}
        self.parking_line = ParkingLine(self.env)
        self.parking = {ident: Parking(self.env, max(a.parking_mog, a.mog), self.parking_line, ident)
                        for ident, a in world.airfields.items()}
        for lot in self.parking.values():
            lot.on_lost = self._slot_lost
        self._hop_ends: dict[tuple[str, str, AirspacePolicy, float], tuple[float, float, dict[str, float]]] = {}
        self.last_takeoff_h = 0.0
        self.crews = CrewRoster()
        self.policy = world.policy
        self.planner = TripPlanner(world, self.usable, self.policy)
        self.requirements = world.requirements
        self.ledgers = [CargoLedger(r.from_) for r in self.requirements]
        self.released_all = [False] * len(self.requirements)  # no more cargo to come for the requirement
        self.manifests: list[Manifest | None] = [
            Manifest(r.from_, r.pieces, r.passengers, r.passenger_mass_t, r.bulk_t) if r.has_manifest else None
            for r in self.requirements]
        self._holds: dict[str, Hold] = {}
        self._closing: dict[str, kernel.Event] = {}  # per airfield: fires when an event closes it
        self._closed_since: dict[tuple[str, str], int] = {}  # (airfield, cause) -> its open row in records.closures
        self.idle = IdleAircraft()  # grouped for dispatch as aircraft come and go
        self._dispatching = False
        self._dispatch_pending = False
        self.aircraft: list[Aircraft] = []
        spec = world.stochastic
        # Repairs happen only in a stochastic run; the compile step resolved where maintenance is.
        self.maintenance = spec.maintenance_at if spec is not None else frozenset()
        self.out_of_use: set[str] = set()  # airfields shut by a random outage
        number = 0
        per_group: dict[tuple[str, str], int] = {}  # names stay unique when two entries share type and base
        for e, entry in enumerate(world.fleet):
            for k in range(entry.count):
                number += 1
                group = (entry.type, entry.base)
                per_group[group] = per_group.get(group, 0) + 1
                name = f"{entry.type}#{per_group[group]}@{entry.base}"
                aircraft = Aircraft(self, number, name, world.aircraft[entry.type], entry.base, (e, k), entry.serves)
                self.parking[entry.base].arrive(number)
                self.aircraft.append(aircraft)
            if world.operations.crews:
                self._staff(e, entry)
        fleet_types = list({a.type.name: a.type for a in self.aircraft}.values())
        self.capable_types = capable_type_counts(self.requirements, fleet_types)
        for i, req in enumerate(world.requirements):
            self.env.process(self._generate(i, req))
        for event in world.events:
            self.env.process(self._apply_event(event))
        if spec is not None and spec.outages is not None:
            for ident in spec.outages.airfields:
                self.env.process(self._outages(ident, spec.outages.duration_h))

    def _staff(self, index: int, entry: FleetSpec) -> None:
        """Crews of fleet group ``index``: one aboard each aircraft, the rest staged at ``crews_at`` and
        then at the base."""
        aboard = [a for a in self.aircraft if a.stream_key[0] == index]
        staged = [ident for ident, n in entry.crews_at for _ in range(n)]
        staged += [entry.base] * (entry.crews - len(aboard) - len(staged))
        kind = self.world.aircraft[entry.type]
        prior_h = self.world.operations.crew_prior_h(kind.crew_flight_h_per_30d)
        for ident, n in entry.crews_at:
            self.crews.target(entry.type, ident, n)
        places: list[str | None] = [None] * len(aboard)
        places += staged
        for i, place in enumerate(places):
            # The crews of a unit are at different points of their 30 days: the prior hours range from 0 to
            # twice the mean, spread over the group in van der Corput order (1/2, 1/4, 3/4, ...).
            share = min(kind.crew_flight_h_per_30d, 2.0 * prior_h * van_der_corput(i + 1))
            crew = self.crews.new(f"{entry.type} crew {len(self.crews.all) + 1}", entry.type, place, share)
            if i < len(aboard):
                aboard[i].crew = crew

    # --- airfield state -----------------------------------------------------------------------------

    def usable(self, ident: str) -> bool:
        """Open for landings, not shut by an outage, and with at least one working spot."""
        return self.open[ident] and ident not in self.out_of_use and self.ramps[ident].capacity > 0

    def nearest_usable(self, ident: str) -> str:
        """The nearest usable airfield to ``ident`` (itself if usable)."""
        if self.usable(ident):
            return ident
        candidates = [k for k in self.world.airfields if self.usable(k)]
        nearest, _ = self.world.nearest(ident, candidates, self.policy)
        return ident if nearest is None else nearest

    def _apply_event(self, event: Event) -> Generator[kernel.Event, Any, None]:
        yield self.env.timeout(event.at_h)
        event.apply(self)  # what this kind of event changes (sim.model.events)
        self._airfields_changed()
        self.dispatch()

    def divert_from(self, ident: str) -> None:
        """Aircraft flying to ``ident`` turn away."""
        for aircraft in self.aircraft:
            if aircraft.airborne_to == ident:
                aircraft.process.interrupt("destination closed")

    def note_closure(self, ident: str, cause: str) -> None:
        """Record that ``ident`` closed now (cause: "closed" by an event, or "outage"); a closure for a cause
        already in force goes on, and its reopening ends it."""
        if (ident, cause) in self._closed_since:
            return
        self.records.closures.append({"airfield": ident, "from_h": self.env.now, "to_h": None, "cause": cause})
        self._closed_since[(ident, cause)] = len(self.records.closures) - 1

    def note_reopening(self, ident: str, cause: str) -> None:
        """Record that ``ident`` reopened now, ending its closure for the same cause."""
        index = self._closed_since.pop((ident, cause), None)
        if index is not None:
            self.records.closures[index]["to_h"] = self.env.now

    def took_off(self, aircraft: Aircraft) -> None:
        """The aircraft takes off from where it stands: its parking spot there frees."""
        self.parking[aircraft.location].leave(aircraft.number)
        self.last_takeoff_h = self.env.now

    def _slot_lost(self, number: int, lot: Parking) -> None:
        """A booked parking slot at ``lot`` no longer fits: its aircraft is called back."""
        self.aircraft[number - 1].slot_lost(lot.ident)

    def diversion(self, aircraft: Aircraft, flight: Flight, flown_km: float, fuel_t: float,
                  mass_t: float, avoid: str | None = None) -> tuple[str, float, bool]:
        """(airfield, km still to fly, emergency) for an aircraft whose destination closed (or whose parking
        slot there was lost: ``avoid`` it) ``flown_km`` into its hop: the nearest usable airfield its fuel
        reaches, the departure airfield included (retracing the route flown). With none in reach, the
        nearest airfield it reaches at all (an emergency landing)."""
        kind = aircraft.type
        lon, lat, gc_km = self._diverting_from(flight, flown_km)
        origin_country = self.world.airfields[flight.origin].country

        def km_to(ident: str) -> float:
            if ident == flight.origin:
                return flown_km
            return self.world.distance_from_point(lon, lat, origin_country, ident, flight.policy)

        def reaches(km: float) -> bool:
            return performance.burn_t(kind, km, mass_t) <= fuel_t + 1e-9

        # Turned away for want of parking (``avoid``), it looks first for a usable airfield with fuel, where it
        # can go on from; a closure's diversion takes the nearest usable one.
        tiers = ((True, True), (True, False), (False, False)) if avoid is not None else ((True, False), (False, False))
        for usable_only, fuel_only in tiers:
            candidates = [k for k in self.world.airfields if (self.usable(k) or not usable_only) and k != avoid
                          and (self.world.airfields[k].fuel or not fuel_only)]
            by_gc = sorted(candidates, key=lambda k: (k != flight.origin, gc_km[k]))
            best: tuple[float, str] | None = None
            for ident in by_gc:
                if best is not None and gc_km[ident] >= best[0]:
                    break
                if ident != flight.origin and not reaches(gc_km[ident] - POINT_ROUNDING_KM):
                    continue  # no route is shorter than the great circle: out of reach, and no search made
                km = km_to(ident)
                if reaches(km) and (best is None or km < best[0]):
                    best = (km, ident)
            if best is not None:
                return best[1], best[0], not usable_only
        if avoid is not None:
            return self.diversion(aircraft, flight, flown_km, fuel_t, mass_t)
        return flight.origin, flown_km, True  # nothing in reach: back along the route as far as it goes

    def _diverting_from(self, flight: Flight, flown_km: float) -> tuple[float, float, dict[str, float]]:
        """(lon, lat) of an aircraft ``flown_km`` into the hop ``flight`` and the great circle (km) from there to
        every airfield; kept for the end of a whole hop (origin, destination, clearance, km: ``_hop_ends``), where
        the aircraft turned away on landing divert from, one after another."""
        key = (flight.origin, flight.destination, flight.policy, flown_km)
        point = self._hop_ends.get(key)
        if point is None:
            lon, lat = self.world.point_along(flight.origin, flight.destination, flight.policy, flown_km)
            point = lon, lat, {k: self.world.great_circle_from(lat, lon, k) for k in self.world.airfields}
            if flown_km >= flight.distance_km:
                self._hop_ends[key] = point
        return point

    def _outages(self, ident: str, duration_h: float) -> Generator[kernel.Event, Any, None]:
        """Each day, the airfield may be out of use for ``duration_h`` from 00:00."""
        index = list(self.world.airfields).index(ident)
        while True:
            if self.randomness.outage(index):
                self.out_of_use.add(ident)
                self.note_closure(ident, "outage")
                self.divert_from(ident)
                self._airfields_changed()
                yield self.env.timeout(duration_h)
                self.out_of_use.discard(ident)
                self.note_reopening(ident, "outage")
                self.planner.invalidate()
                self.dispatch()
                yield self.env.timeout(HOURS_PER_DAY - duration_h)
            else:
                yield self.env.timeout(HOURS_PER_DAY)

    def closing(self, ident: str) -> kernel.Event:
        """An event that fires when ``ident`` is closed by a scenario event (aircraft waiting there to offload
        leave with their cargo then)."""
        event = self._closing.get(ident)
        if event is None:
            event = self._closing[ident] = self.env.event()
        return event

    def _airfields_changed(self) -> None:
        """An airfield may have become unusable: plan afresh, signal the closures to aircraft waiting to offload
        there, call back the aircraft in line for parking on a trip through one, and send idle aircraft away."""
        for ident in [k for k in self._closing if not self.open[k]]:
            self._closing.pop(ident).succeed()
        self.planner.invalidate()
        self.parking_line.recall(self.usable)
        self._send_idle_away()

    def _send_idle_away(self) -> None:
        """Idle aircraft parked at a closed airfield leave for their base (or the nearest usable field)."""
        for aircraft in list(self.idle):
            if self.usable(aircraft.location):
                continue
            target = aircraft.base if self.usable(aircraft.base) else self.nearest_usable(aircraft.location)
            trip = self.planner.plan(aircraft.type, aircraft.location, target, 0.0, aircraft.fuel_state)
            if target != aircraft.location and trip is not None:
                self._assign(aircraft, Job("ferry", target, trip))

    # --- cargo --------------------------------------------------------------------------------------

    def _generate(self, index: int, req: RequirementSpec) -> Generator[kernel.Event, Any, None]:
        yield self.env.timeout(req.start_h)
        if req.tons is not None:  # a lump: all of it at once
            self.released_all[index] = True
            self.ledgers[index].add(self.env.now, req.tons)
            manifest = self.manifests[index]
            if manifest is not None:
                manifest.release()
            self._dispatch_soon()
            return
        releases = list(req.releases_t)
        for k, tons in enumerate(releases):  # a flow: at the start of each day, the clock advancing 24 h at a time
            self.released_all[index] = k == len(releases) - 1
            self.ledgers[index].add(self.env.now, tons)
            self._dispatch_soon()
            yield self.env.timeout(HOURS_PER_DAY)
        self.released_all[index] = True

    def deliver(self, aircraft: Aircraft, requirement: int, tons: float, load: Load | None = None) -> None:
        """End of offload at the destination: the cargo is delivered."""
        self.ledgers[requirement].deliver(tons)
        req = self.requirements[requirement]
        manifest = self.manifests[requirement]
        now, kind_name, parts = self.env.now, aircraft.type.name, self._cargo_parts
        # Rows of records.cargo_deliveries, in the order of its columns (CARGO_DELIVERY_KINDS): time_h,
        # requirement, type, class, item, tons, count.
        if manifest is not None and load is not None:
            manifest.deliver(load)
            for kind, count in load.pieces:
                piece = manifest.kinds[kind]
                parts.add((now, requirement, kind_name, piece.cargo_class, kind, piece.mass_t * count, count))
            if load.passengers:
                parts.add((now, requirement, kind_name, "passengers", "",
                           load.passengers * manifest.passenger_mass_t, load.passengers))
            if load.bulk_t > 1e-9:
                parts.add((now, requirement, kind_name, "bulk", "", load.bulk_t, 0))
        else:
            parts.add((now, requirement, kind_name, req.cargo_class, "", tons, 0))
        self._deliveries.add((now, requirement, req.from_, req.to, kind_name, aircraft.name, tons))  # a DeliveryRow

    # --- dispatching --------------------------------------------------------------------------------

    def become_idle(self, aircraft: Aircraft) -> None:
        """An aircraft has nothing to do; find it work now or when something changes. One that has just
        delivered and finds no work flies back to its hub (see ``_send_home``)."""
        self.idle.append(aircraft)
        aircraft.idle_since = self.env.now
        if aircraft.stranded_since is None and not self.can_leave(aircraft):
            aircraft.stranded_since = self.env.now
        if not self.usable(aircraft.location):
            self._send_idle_away()
        self.dispatch()
        delivered_for, aircraft.delivered_for = aircraft.delivered_for, None
        if aircraft in self.idle and delivered_for is not None:
            self._send_home(aircraft, delivered_for)

    def _send_home(self, aircraft: Aircraft, requirement: int) -> None:
        """The return leg after a delivery with no job waiting: to the origin of the cargo just delivered
        (``return_to: hub``) while it is usable, else to the base (``base``); ``stay`` parks it where it is."""
        rule = self.world.operations.return_to
        if rule == "stay":
            return
        hub = self.requirements[requirement].from_
        target = hub if rule == "hub" and self.usable(hub) else aircraft.base
        if target == aircraft.location or not self.usable(target):
            return
        trip = self.planner.plan(aircraft.type, aircraft.location, target, 0.0, aircraft.fuel_state)
        if trip is not None:
            self._assign(aircraft, Job("return", target, trip))

    def can_leave(self, aircraft: Aircraft) -> bool:
        """Can the aircraft reach an airfield with fuel from where it stands (always, where there is fuel)?"""
        if aircraft.fuel_state is None:
            return True
        # The fuel aboard reaches a bounded distance: try the fuel airfields nearest first (few routes).
        reach_km = performance.planned_range_km(aircraft.type, 0.0)
        here = aircraft.location
        for ident, km in self.world.stops_by_distance(here):
            if km > reach_km:
                break
            if self.usable(ident) and self.planner.hop(aircraft.type, here, ident, aircraft.fuel_state) is not None:
                return True
        return False

    def _assign(self, aircraft: Aircraft, job: Job) -> None:
        self.idle.remove(aircraft)
        self._end_idle(aircraft)
        aircraft.take(job)

    def _end_idle(self, aircraft: Aircraft, at_end: bool = False) -> None:
        """Record the time the aircraft stood idle (parked, or stranded without fuel; still stranded
        ``at_end`` of the run gets no end hour)."""
        if aircraft.idle_since is None:
            return
        since, aircraft.idle_since = aircraft.idle_since, None
        if aircraft.stranded_since is not None:
            self.records.stranded.append({"aircraft": aircraft.name, "type": aircraft.type.name,
                                          "airfield": aircraft.location, "from_h": aircraft.stranded_since,
                                          "to_h": None if at_end else self.env.now, "fuel_t": aircraft.fuel_t})
            self.record_ground(aircraft, aircraft.location, aircraft.stranded_since, aircraft.stranded_since,
                               self.env.now, "stranded")
            aircraft.stranded_since = None
        elif self.env.now > since:
            self.record_ground(aircraft, aircraft.location, since, since, self.env.now, "parked")

    def finish(self) -> None:
        """End of the run: close the idle spans and the crew and parking waits still open, and put every
        row logged into the records' columns."""
        for aircraft in self.idle:
            self._end_idle(aircraft, at_end=True)
        for aircraft in self.aircraft:
            if aircraft.waiting is not None:
                activity, since = aircraft.waiting
                self.record_ground(aircraft, aircraft.location, since, since, self.env.now, activity, in_progress=True)
            if aircraft.busy is not None:  # a turn or a repair under way: cut at the horizon
                airfield, arrive, start, activity, payload_t, requirement = aircraft.busy
                self.record_ground(aircraft, airfield, arrive, start, self.env.now, activity, payload_t, requirement,
                                   in_progress=True)
        self.flush_records()
        now = self.env.now
        self.records.airborne_at_end = [
            {"aircraft": a.name, "origin": a.flight.origin, "destination": a.flight.destination,
             "depart_h": a.flight.depart_h} for a in self.aircraft if a.flight is not None]
        self.records.crews = [{"crew": c.name, "type": c.type, "duty_periods": c.duty_periods,
                               "duty_h": c.total_duty_h(now), "flight_h": c.flown_total_h}
                              for c in self.crews.all]
        self.records.parking_peaks = {ident: lot.peak for ident, lot in self.parking.items() if lot.peak}
        self.records.gridlock = self._gridlock()

    def _gridlock(self) -> list[dict[str, Any]]:
        """A gridlock at the end of the run: nothing took off in its last day while aircraft wait for parking
        that no slot fits and cargo waits. One row (since the last take-off), or none."""
        blocked = self.parking_line.blocked()
        waiting_t = sum(ledger.backlog_t for ledger in self.ledgers)
        if not blocked or waiting_t <= 1e-9 or self.env.now - self.last_takeoff_h < HOURS_PER_DAY:
            return []
        needed = sorted({ident for _, _, needs in blocked for ident in needs})
        return [{"since_h": self.last_takeoff_h, "aircraft_waiting": len(blocked), "airfields": ",".join(needed),
                 "cargo_waiting_t": waiting_t}]

    def flush_records(self) -> None:
        """Put the rows logged so far into the records' columns (rows reach them in batches)."""
        for rows in (self._legs, self._ground, self._deliveries, self._cargo_parts):
            rows.flush()

    def _dispatch_soon(self) -> None:
        """Dispatch once every cargo arriving at this same instant is in the ledgers, so priorities
        compare all of it (one pending dispatch at a time)."""
        if self._dispatch_pending:
            return
        self._dispatch_pending = True

        def later() -> Generator[kernel.Event, Any, None]:
            yield self.env.timeout(0)
            self._dispatch_pending = False
            self.dispatch()

        self.env.process(later())

    def dispatch(self) -> None:
        """Give idle aircraft to waiting requirements, as the dispatch rule chooses (sim.model.dispatch)."""
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self.idle and self._dispatch_one():
                pass
        finally:
            self._dispatching = False

    def _dispatch_one(self) -> bool:
        choice = self.rule.choose(self)
        if choice is None:
            return False
        aircraft, job = choice
        job.ready_h = self.ledgers[job.requirement].reserve(job.tons, job.pickup)
        manifest = self.manifests[job.requirement]
        if manifest is not None and job.load is not None:
            manifest.take(job.pickup, job.load)
        self._assign(aircraft, job)
        return True

    def _fuel_on_arrival(self, aircraft: Aircraft, trip) -> float | None:  # noqa: ANN001 - a Trip
        """Fuel state after flying ``trip`` empty: None at an airfield with fuel, else the fuel (t) left."""
        last = trip.hops[-1]
        if self.world.airfields[last.destination].fuel:
            return None
        aboard = aircraft.fuel_t if len(trip.hops) == 1 and aircraft.fuel_state is not None else None
        return round(fuel_after_hop_t(aircraft.type, last, 0.0, aboard), 6)

    def cargo_job(self, aircraft: Aircraft, index: int, place: str) -> Job | None:
        """A job carrying requirement ``index``'s cargo waiting at ``place``, or None."""
        req = self.requirements[index]
        if not (self.usable(place) and self.usable(req.to)):
            return None
        if not may_serve(aircraft.type.name, req) or (aircraft.serves is not None and index not in aircraft.serves):
            return None
        if not carries_class(aircraft.type.cargo_classes, req):  # e.g. outsize tons: An-124 only
            return None
        kind = aircraft.type
        reposition = None
        fuel = aircraft.fuel_state
        if aircraft.location != place:
            reposition = self.planner.plan(kind, aircraft.location, place, 0.0, fuel)
            if reposition is None:
                return None
            fuel = self._fuel_on_arrival(aircraft, reposition)
        trip = self.planner.plan(kind, place, req.to, kind.planning_load_t, fuel)
        if trip is None:
            return None
        manifest = self.manifests[index]
        if manifest is not None:
            # Pieces and people are packed up to what the trip can lift (not the planning load, an average for bulk).
            load = manifest.pack(self.hold(kind), min(kind.max_payload_t, trip.payload_cap_t), place)
            if load.empty:
                return None  # nothing waiting there fits this type
            return Job("cargo", req.to, trip, reposition, index, load.mass_t, pickup=place, load=load)
        full_t = min(kind.planning_load_t, trip.payload_cap_t)
        tons = min(full_t, self.ledgers[index].unassigned_at(place))
        if tons <= 1e-9:
            return None
        if tons < self.world.operations.min_load_frac * full_t - 1e-9 and not self.released_all[index]:
            return None  # a part load waits for more of the requirement's cargo (dispatch: min_load_frac)
        return Job("cargo", req.to, trip, reposition, index, tons, pickup=place)

    def crew_wait_h(self, aircraft: Aircraft, flight_h: float = 0.0) -> float:
        """Hours until a crew may fly a hop of ``flight_h`` from where the aircraft stands: its own or one
        waiting there (0 when crews are not modelled)."""
        if aircraft.crew is None:
            return 0.0
        now = self.env.now
        return max(0.0, self.crews.earliest(aircraft.crew, aircraft.type, aircraft.location, now, flight_h) - now)

    def hold(self, kind) -> Hold:  # noqa: ANN001 - an AircraftType
        """The hold of a type, as the packing sees it (kept per type name)."""
        hold = self._holds.get(kind.name)
        if hold is None:
            hold = self._holds[kind.name] = hold_of(kind)
        return hold

    # --- records ------------------------------------------------------------------------------------

    def record_leg(self, aircraft: Aircraft, flight: Flight, arrive: float, destination: str, payload_t: float,
                   distance_km: float, burn_t: float, fuel_stop: bool, purpose: Purpose) -> None:
        """One row of sorties.csv (a LegRow)."""
        cargo = aircraft.aboard
        classes, items, passengers = self._aboard_columns(cargo)  # unpacked here: a row built at once, no list
        self._legs.add((
            aircraft.name, aircraft.type.name, flight.origin, destination, flight.depart_h, arrive, payload_t,
            distance_km, fuel_stop, purpose, cargo.requirement if cargo else -1, burn_t, flight.fuel_takeoff_t,
            flight.fuel_takeoff_t - burn_t, flight.takeoff_mass_t, flight.takeoff_mass_t - burn_t,
            aircraft.crew.name if aircraft.crew is not None else "", classes, items, passengers,
            ";".join(aircraft.landed_passengers)))

    def _aboard_columns(self, cargo: Aboard | None) -> tuple[str, str, int]:
        """What a leg carried, for sorties.csv: the classes, the pieces and the passengers aboard."""
        if cargo is None or cargo.tons <= 1e-9:
            return "", "", 0
        if cargo.load is None:
            return self.requirements[cargo.requirement].cargo_class, "", 0
        return "+".join(cargo.load.classes), cargo.load.describe(), cargo.load.passengers

    def record_ground(self, aircraft: Aircraft, airfield: str, arrive: float, start: float, end: float,
                      activity: Activity, payload_t: float = 0.0, requirement: int = -1, in_progress: bool = False,
                      ) -> None:
        """One row of ground.csv (a GroundRow): asked for a spot, got it, left it (or still holds it at the end:
        ``in_progress``)."""
        self._ground.add((aircraft.name, aircraft.type.name, airfield, arrive, start, end, activity, payload_t,
                          requirement, in_progress))


def van_der_corput(n: int) -> float:
    """The n-th term (n >= 1) of the base-2 van der Corput sequence: 1/2, 1/4, 3/4, 1/8, 5/8, ...; any first
    terms spread evenly over (0, 1)."""
    value, denominator = 0.0, 1.0
    while n:
        denominator *= 2
        n, bit = divmod(n, 2)
        value += bit / denominator
    return value


def simulate(world: World, randomness: Randomness, progress: Callable[[int, int], None] | None = None,
             rule: DispatchRule | None = None) -> RunOutput:
    """Run the scenario to its horizon with the dispatch ``rule`` (default: first come, first served).
    ``progress(day, days)`` is called after each simulated day."""
    model = AirliftModel(world, randomness, rule)
    days = round(world.run.horizon_h / HOURS_PER_DAY)  # whole days: the progress is reported per day
    for day in range(1, days + 1):
        model.env.run(until=day * HOURS_PER_DAY)
        if progress is not None:
            progress(day, days)
    model.finish()
    return RunOutput(world, model.records, model.ledgers, world.run.horizon_h)
