"""The aircraft process: wait for a job, fly it, turn on the ground, repeat.

Every take-off obeys the fuel-and-mass rules of sim.flight.performance, checked against the state at that
moment (the airfield, the fuel aboard, the cargo aboard, the airspace in force). Cargo aboard stays
aboard until it is offloaded where the aircraft is: at the destination it is delivered, anywhere else it
waits there for another job.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import simpy

from sim.data.catalog import AircraftType
from sim.flight import performance
from sim.geo.airspace import AirspacePolicy
from sim.model.cargo import CargoLedger
from sim.model.crews import Crew, CrewRoster
from sim.model.packing import Load, Manifest, hold_of, shed
from sim.model.ramp import Parking, ParkingLine, Ramp
from sim.model.randomness import Randomness
from sim.model.records import Activity, Purpose
from sim.model.specs import RequirementSpec
from sim.model.trips import Trip, TripPlanner, fuel_state
from sim.model.world import World


@dataclass
class Job:
    """Work given to one aircraft: carry cargo for a requirement from where it waits, or ferry empty."""

    kind: str  # "cargo" | "ferry" | "return" (home after a delivery)
    destination: str
    trip: Trip
    reposition: Trip | None = None
    requirement: int = -1
    tons: float = 0.0
    ready_h: float = 0.0
    pickup: str = ""  # where the cargo waits
    load: Load | None = None  # for a manifest requirement: the pieces, passengers and bulk packed


@dataclass
class Aboard:
    """Cargo on an aircraft."""

    requirement: int
    tons: float
    ready_h: float
    load: Load | None = None  # what the tons are, for a manifest requirement


class Flight(NamedTuple):
    """A hop in the air: what a diversion needs to know."""

    origin: str
    destination: str
    depart_h: float
    distance_km: float
    flight_h: float
    fuel_takeoff_t: float
    takeoff_mass_t: float
    policy: AirspacePolicy  # the clearance it took off with


class RunningModel(Protocol):
    """What an aircraft uses of the model it flies in (sim.model.engine.AirliftModel)."""

    env: simpy.Environment
    world: World
    randomness: Randomness
    open: dict[str, bool]  # airfields open for landings (not closed by an event)
    ledgers: list[CargoLedger]  # one per requirement
    manifests: list[Manifest | None]  # per requirement: its pieces and people, if it has any
    planner: TripPlanner  # plans under the airspace in force
    policy: AirspacePolicy  # the airspace in force: a take-off's clearance
    ramps: dict[str, Ramp]  # working spots per airfield
    parking: dict[str, Parking]  # parking spots per airfield
    parking_line: ParkingLine  # aircraft waiting for the parking spots of their trips
    crews: CrewRoster  # crews staged on the ground

    @property
    def requirements(self) -> Sequence[RequirementSpec]: ...

    @property
    def maintenance(self) -> Collection[str]: ...  # airfields where a repair takes its base time

    open: dict[str, bool]  # per airfield: not closed by a scenario event

    def usable(self, ident: str) -> bool: ...

    def closing(self, ident: str) -> simpy.Event: ...

    def become_idle(self, aircraft: Aircraft) -> None: ...

    def deliver(self, aircraft: Aircraft, requirement: int, tons: float, load: Load | None = None) -> None: ...

    def diversion(self, aircraft: Aircraft, flight: Flight, flown_km: float, fuel_t: float,
                  mass_t: float) -> tuple[str, float, bool]: ...

    def record_leg(self, aircraft: Aircraft, flight: Flight, arrive: float, destination: str, payload_t: float,
                   distance_km: float, burn_t: float, fuel_stop: bool, purpose: Purpose) -> None: ...

    def record_ground(self, aircraft: Aircraft, airfield: str, arrive: float, start: float, end: float,
                      activity: Activity, payload_t: float = 0.0, requirement: int = -1) -> None: ...


class Aircraft:
    """One airframe as a simpy process."""

    def __init__(self, model: RunningModel, number: int, name: str, kind: AircraftType, base: str,
                 stream_key: tuple[int, int] = (0, 0), serves: frozenset[int] | None = None):
        self.model = model
        self.env = model.env
        self.number = number
        self.stream_key = stream_key  # (fleet entry, index in entry): names its random streams
        self.name = name
        self.type = kind
        self.base = base
        self.location = base
        self.fuel_t = kind.fuel_capacity_t  # assumed: full tanks at the start
        self.aboard: Aboard | None = None
        self.flight: Flight | None = None
        self.diverting = False  # committed to a diversion: a closure ahead no longer turns it
        self.job_event: simpy.Event | None = None
        self.idle_since: float | None = None
        self.stranded_since: float | None = None
        self.broken = not model.randomness.starts_capable(stream_key)
        # Flying-hour budget (UTE): accrues ute_h_per_day / 24 per hour, holds at most a day's worth.
        self.hours_budget = kind.ute_h_per_day or 0.0
        self.hours_budget_at = 0.0
        self.crew: Crew | None = None  # the crew aboard; None when crews are not modelled
        self.passengers: list[Crew] = []  # spare crews riding to where crews are staged (CrewRoster.board)
        self.landed_passengers: list[str] = []  # the names of those who rode the hop just landed
        self.flight_h = 0.0  # flown so far
        self.delivered_for: int | None = None  # the requirement whose cargo it just delivered
        self.serves = serves  # dedicated to these requirement indices; None: any
        self.booked: list[str] = []  # airfields ahead on its trip where it holds a parking spot
        self.waiting: tuple[Activity, float] | None = None  # a crew or parking wait under way, since (h)
        self.gave_up_at: float | None = None
        self.go_home = False  # gave up an empty leg for want of parking: fly to the base next
        self.process = self.env.process(self.run())

    @property
    def airborne_to(self) -> str | None:
        """Destination of the hop being flown, if airborne and not already diverting from it."""
        return self.flight.destination if self.flight and not self.diverting else None

    @property
    def fuel_state(self) -> float | None:
        """None at an airfield with fuel (it loads what the next hop needs), else the fuel (t) aboard."""
        return fuel_state(self.model.world, self.location, self.fuel_t)

    def run(self) -> Generator[simpy.Event, Any, None]:
        """Main loop."""
        while True:
            if self.broken:
                yield from self._repair()
            self.job_event = self.env.event()
            self.model.become_idle(self)
            job: Job = yield self.job_event
            self.job_event = None
            if job.kind == "cargo":
                yield from self._carry(job)
            else:
                yield from self._fly(job.trip, job.kind)  # type: ignore[arg-type]
            if self.go_home:
                self.go_home = False
                home = self._home_trip()
                if home is not None and self.location != self.base:
                    yield from self._fly(home, "ferry")

    # --- cargo --------------------------------------------------------------------------------------

    def _carry(self, job: Job) -> Generator[simpy.Event, Any, None]:
        model = self.model
        ledger = model.ledgers[job.requirement]
        req = model.requirements[job.requirement]
        manifest = model.manifests[job.requirement]

        def give_back(tons: float) -> None:
            ledger.unreserve(tons, job.ready_h, job.pickup)
            if manifest is not None and job.load is not None:
                manifest.put(job.pickup, job.load)

        if job.reposition is not None:
            arrived = yield from self._fly(job.reposition, "reposition")
            if not arrived:
                give_back(job.tons)
                return
        trip = self._loaded_trip(req.to)
        if trip is None:
            give_back(job.tons)
            return
        tons = job.tons
        room = min(self.type.planning_load_t, trip.payload_cap_t) - tons
        if job.load is None and room > 1e-9 and ledger.unassigned_at(job.pickup) > 1e-9:
            extra = min(room, ledger.unassigned_at(job.pickup))  # top up with cargo that arrived meanwhile
            ledger.reserve(extra, job.pickup)
            tons += extra
        cargo = Aboard(job.requirement, tons, job.ready_h, job.load)

        def load() -> None:
            ledger.load(tons, job.pickup)
            self.aboard = cargo

        loaded = yield from self._turn(job.pickup, self.type.onload_h, "onload", tons, job.requirement, on_start=load)
        if not loaded:  # the airfield closed while it waited for a spot: the cargo waits there for another
            give_back(tons)
            return
        # The destination, the stop or the airspace may have changed during the onload: plan again.
        trip = self._loaded_trip(req.to)
        if trip is None:
            yield from self._put_down()
            return
        if cargo.tons > trip.payload_cap_t + 1e-9:
            if cargo.load is not None and manifest is not None:  # whole pieces and heads stay behind
                _, off = shed(cargo.load, trip.payload_cap_t, manifest.kinds, manifest.passenger_mass_t,
                              hold_of(self.type))
                yield from self._offload(off.mass_t, off)
            else:
                yield from self._offload(cargo.tons - trip.payload_cap_t)
        yield from self._fly(trip, "cargo")
        yield from self._put_down()  # at the destination, or wherever the trip stopped short
        if self.location == req.to:
            self.delivered_for = job.requirement

    def _loaded_trip(self, destination: str) -> Trip | None:
        """The loaded trip from here to ``destination``, or None if it cannot be flown now."""
        if not self.model.usable(destination):
            return None
        return self.model.planner.plan(self.type, self.location, destination, self.type.planning_load_t, self.fuel_state)

    def _put_down(self) -> Generator[simpy.Event, Any, None]:
        """Offload all the cargo aboard: here while the airfield is open; from a closed one it is flown on
        first, to its destination if usable, else to the nearest usable airfield, where it waits."""
        for _ in range(4):  # each attempt flies or offloads; an airfield closing every time ends the tries
            cargo = self.aboard
            if cargo is None:
                return
            if self.model.open[self.location]:
                done = yield from self._offload(cargo.tons)
                if done:
                    return
            trip = self._onward_trip(cargo)
            if trip is None:
                break
            yield from self._fly(trip, "cargo")
        if self.aboard is not None:  # nowhere it can take the cargo: offloaded where it stands
            yield from self._offload(self.aboard.tons, force=True)

    def _onward_trip(self, cargo: Aboard) -> Trip | None:
        """A trip carrying ``cargo`` away from here: to its destination if usable, else to the nearest usable
        airfield."""
        model = self.model
        here = self.location
        targets = [model.requirements[cargo.requirement].to, model.nearest_usable(here)]
        for target in dict.fromkeys(t for t in targets if t != here and model.usable(t)):
            trip = model.planner.plan(self.type, here, target, cargo.tons, self.fuel_state)
            if trip is not None and trip.payload_cap_t >= cargo.tons - 1e-9:
                return trip
        return None

    def _offload(self, tons: float, part: Load | None = None, force: bool = False) -> Generator[simpy.Event, Any, bool]:
        """Offload ``tons`` of the cargo aboard here (``part`` of a manifest load; all of it by default):
        delivered at its destination, waiting here otherwise. False if the airfield closed before a working
        spot came free (no offload starts at a closed airfield unless ``force``d): the cargo stays aboard."""
        cargo = self.aboard
        if cargo is None or tons <= 1e-9:
            return True
        model = self.model
        here = self.location
        at_destination = here == model.requirements[cargo.requirement].to
        manifest = model.manifests[cargo.requirement]
        unloaded = part if part is not None else cargo.load

        def done() -> None:
            if at_destination:
                model.deliver(self, cargo.requirement, tons, unloaded)
            else:
                model.ledgers[cargo.requirement].unload(tons, cargo.ready_h, here)
                if manifest is not None and unloaded is not None:
                    manifest.put(here, unloaded)
            if part is not None and cargo.load is not None and manifest is not None:
                cargo.load, _ = shed(cargo.load, cargo.load.mass_t - part.mass_t, manifest.kinds,
                                     manifest.passenger_mass_t, hold_of(self.type))
            cargo.tons -= tons
            if cargo.tons <= 1e-9:
                self.aboard = None

        done_here = yield from self._turn(here, self.type.offload_h, "offload", tons, cargo.requirement, on_end=done,
                                          closed_ok=force)
        return done_here

    # --- flying -------------------------------------------------------------------------------------

    def _fly(self, trip: Trip, purpose: Purpose) -> Generator[simpy.Event, Any, bool]:
        """Fly the trip's hops; False if it stopped short (a destination became unusable or a hop cannot
        be flown now), leaving the aircraft, and what it carries, where it landed."""
        model = self.model
        kind = self.type
        for i, planned in enumerate(trip.hops):
            if self.broken:  # broke at the fuel stop: repaired there, cargo stays aboard
                yield from self._repair()
            destination = planned.destination
            if not model.usable(destination):
                self._drop_booking()
                return False
            if kind.ute_h_per_day is not None:
                yield from self._wait_for_hours(planned.flight_h)
                if not model.usable(destination):
                    self._drop_booking()
                    return False
            book = trip.landings if i == 0 else ()
            # An airfield that closes with loaded aircraft on the ground sees them leave with what is aboard
            # (after a crew rest, if the crew must rest first): no cargo work starts at a closed airfield.
            ready = yield from self._cleared(destination, planned.flight_h, book, may_give_up=purpose != "ferry")
            if not ready:
                self._drop_booking()
                return False
            payload = self.aboard.tons if self.aboard else 0.0
            hop = model.planner.hop(kind, self.location, destination, self.fuel_state,
                                    (trip.hops[0].origin, trip.hops[-1].destination))
            if hop is None or payload > hop.payload_cap_t + 1e-9:
                self._drop_booking()
                return False
            if self.fuel_state is None:  # refuel for exactly what this hop needs
                self.fuel_t = performance.required_fuel_t(kind, hop.distance_km, payload, hop.onward_fuel_t)
            takeoff_mass = kind.oew_t + payload + self.fuel_t
            self.flight = Flight(self.location, destination, self.env.now, hop.distance_km, hop.flight_h,
                                 self.fuel_t, takeoff_mass, model.policy)
            model.parking[self.location].release(self.number)
            self._crew_takes_off(destination, hop.flight_h)
            try:
                yield self.env.timeout(hop.flight_h)
            except simpy.Interrupt:
                yield from self._divert()
                return False
            flight, self.flight = self.flight, None
            onward = i < len(trip.hops) - 1
            self._arrive(flight, hop.distance_km, takeoff_mass, destination, payload, onward, purpose)
            if onward:
                yield from self._turn(destination, kind.enroute_stop_h, "fuel stop", payload,
                                      self.aboard.requirement if self.aboard else -1)
        return True

    def _arrive(self, flight: Flight, distance_km: float, takeoff_mass_t: float, destination: str, payload_t: float,
                onward: bool, purpose: Purpose) -> None:
        """Landed at ``destination``: fuel burned, the leg recorded, the spot taken; a break is found on
        landing (the aircraft finishes its turn, then is repaired)."""
        model = self.model
        self._landed(flight, destination)
        burn = performance.burn_t(self.type, distance_km, takeoff_mass_t)
        self.fuel_t -= burn
        model.record_leg(self, flight, self.env.now, destination, payload_t, distance_km, burn, onward, purpose)
        self.location = destination
        if destination in self.booked:  # held since the trip's start
            self.booked.remove(destination)
        model.parking[destination].occupy(self.number)
        self.broken = model.randomness.breaks(self.stream_key)

    def _divert(self) -> Generator[simpy.Event, Any, None]:
        """The destination closed while airborne: land at the nearest usable airfield the fuel aboard
        reaches (the departure airfield included), never beyond."""
        model = self.model
        flight = self.flight
        assert flight is not None
        fraction = min(1.0, (self.env.now - flight.depart_h) / flight.flight_h)
        flown_km = flight.distance_km * fraction
        burned = performance.burn_t(self.type, flown_km, flight.takeoff_mass_t)
        fuel_now, mass_now = flight.fuel_takeoff_t - burned, flight.takeoff_mass_t - burned
        target, onward_km, emergency = model.diversion(self, flight, flown_km, fuel_now, mass_now)
        # Over its landing limit (an early return at take-off mass), it holds and burns fuel down to it;
        # flying a hold is costed as cruise. Without the fuel to burn down, the landing is an emergency.
        runway_m = model.world.airfields[target].runway_m
        landing_limit = min(self.type.max_landing_mass_t, performance.landing_limit_t(self.type, runway_m))
        needed_km = performance.distance_to_burn_km(self.type, mass_now, landing_limit)
        if needed_km > onward_km:
            if performance.burn_t(self.type, needed_km, mass_now) <= fuel_now:
                onward_km = needed_km
            else:
                emergency = True
        self.diverting = True
        yield self.env.timeout(onward_km / self.type.cruise_speed_kmh + self.type.block_allowance_h / 2)
        self.diverting = False
        # Committed to its diversion, it lands even if that airfield closed meanwhile: an emergency landing.
        emergency = emergency or not model.usable(target)
        burn = burned + performance.burn_t(self.type, onward_km, mass_now)
        self.flight = None
        self._drop_booking()
        model.parking[target].occupy(self.number)
        self._landed(flight, target)
        self.fuel_t = flight.fuel_takeoff_t - burn
        payload = self.aboard.tons if self.aboard else 0.0
        model.record_leg(self, flight, self.env.now, target, payload, flown_km + onward_km, burn, False,
                         "emergency landing" if emergency else "diverted")
        self.location = target

    def _crew_takes_off(self, destination: str, flight_h: float) -> None:
        """The crew aboard takes off now; a spare crew may ride along to where crews are staged."""
        if self.crew is None:
            return
        self.crew.take_off(self.type, self.env.now)
        if self.model.world.operations.crew_positioning:
            self.passengers = self.model.crews.board(self.type, self.location, destination, self.env.now, flight_h)

    def _landed(self, flight: Flight, airfield: str) -> None:
        """Book the hop just landed at ``airfield`` to the aircraft and its crew; passenger crews get off."""
        self.flight_h += self.env.now - flight.depart_h
        if self.crew is not None:
            self.crew.land(self.type, flight.depart_h, self.env.now)
        self.landed_passengers = [crew.name for crew in self.passengers]
        if self.passengers:
            self.model.crews.alight(self.passengers, self.type, flight.destination, airfield, self.env.now)
            self.passengers = []

    def _home_trip(self) -> Trip | None:
        return self.model.planner.plan(self.type, self.location, self.base, 0.0, self.fuel_state)

    def _cleared(self, destination: str, flight_h: float, book: tuple[str, ...], may_give_up: bool,
                 ) -> Generator[simpy.Event, Any, bool]:
        """Wait until a legal crew is aboard for the hop to ``destination`` and, at a trip's start, until
        a parking spot is held at every airfield of the trip (``book``), all at once so that an aircraft
        on its way never waits for a spot. False if an airfield became unusable, if an empty aircraft
        away from its base found no spot (it flies home instead of holding a spot others may need)."""
        model = self.model
        usable = model.usable
        here = self.location
        lots = tuple((model.parking[k], k == self.base) for k in book)  # its own base always has room for it
        # Handed a spot at every airfield of ``book`` by the line: held as its booking (a trip's start books;
        # at a fuel stop ``book`` is empty and the spot ahead, booked at the start, stays held).
        handed = False
        while True:
            if not usable(destination) or not all(map(usable, book)):
                return False
            if self.crew is not None:
                self.crew, takeoff = model.crews.choose(self.crew, self.type, here, self.env.now, flight_h)
                if takeoff > self.env.now + 1e-9:
                    if handed:  # no spot is held through a crew rest: the line takes it
                        self._drop_booking()
                        handed = False
                    yield from self._wait("crew rest", self.env.timeout(takeoff - self.env.now))
                    continue
            if not book:
                return True
            full = not all(lot.has_room(self.number, exempt) for lot, exempt in lots)
            if full and model.world.operations.parking_holds:
                if (may_give_up and self.aboard is None and here != self.base and self.gave_up_at != self.env.now
                        and model.usable(self.base) and self._home_trip() is not None):
                    self.go_home, self.gave_up_at = True, self.env.now  # once an instant: no loop without time
                    return False
                handed = yield from self._wait("parking hold", model.parking_line.wait(
                    self.number, lots, (destination, *book)))
                if handed:
                    self.booked = list(book)
                continue
            for lot, _ in lots:
                lot.occupy(self.number)
            self.booked = list(book)
            return True

    def _drop_booking(self) -> None:
        """Give back the parking spots held ahead on the trip."""
        for ident in self.booked:
            self.model.parking[ident].release(self.number)
        self.booked = []

    def _wait(self, activity: Activity, event: simpy.Event) -> Generator[simpy.Event, Any, Any]:
        """Wait on the ground for ``event``, logged as ``activity`` (a wait still open at the end of the
        run is logged by the model's ``finish``); the event's value."""
        start = self.env.now
        self.waiting = (activity, start)
        value = yield event
        self.waiting = None
        self.model.record_ground(self, self.location, start, start, self.env.now, activity)
        return value

    def _wait_for_hours(self, hours: float) -> Generator[simpy.Event, Any, None]:
        """Stay on the ground until the flying-hour budget covers the next hop, then spend it."""
        ute_h = self.type.ute_h_per_day
        assert ute_h is not None  # called only for a type with a flying-hour budget
        rate = ute_h / 24.0
        cap = max(ute_h, hours)
        budget = min(cap, self.hours_budget + (self.env.now - self.hours_budget_at) * rate)
        if budget < hours - 1e-9:
            yield self.env.timeout((hours - budget) / rate)
            budget = hours
        self.hours_budget, self.hours_budget_at = budget - hours, self.env.now

    # --- on the ground ------------------------------------------------------------------------------

    def _repair(self) -> Generator[simpy.Event, Any, None]:
        """Down for repair where it stands (parked, no working spot); longer away from maintenance."""
        model = self.model
        start = self.env.now
        yield self.env.timeout(model.randomness.repair_h(self.stream_key, self.location not in model.maintenance))
        self.broken = False
        model.record_ground(self, self.location, start, start, self.env.now, "repair")

    def _turn(self, airfield: str, handling_h: float, activity: str, payload_t: float = 0.0, requirement: int = -1,
              on_start: Callable[[], None] | None = None, on_end: Callable[[], None] | None = None,
              closed_ok: bool = False) -> Generator[simpy.Event, Any, bool]:
        """Hold a working spot for the handling time; False if an onload found the airfield unusable, or an
        offload found it closed, when its spot came free (no cargo work starts at a closed airfield). Planning
        ground times include refuelling where the airfield has fuel; a type with ``refuel_sequential`` adds ``refuel_h`` to onloads and offloads there."""
        model = self.model
        arrive = self.env.now
        ramp = model.ramps[airfield]
        request = ramp.request()
        if activity == "offload" and not closed_ok and model.open[airfield] and not request.triggered:
            closing = model.closing(airfield)
            yield request | closing
            if not request.triggered:  # the airfield closed while it waited: it leaves with its cargo
                ramp.cancel(request)
                return False
        else:
            yield request
        if ((activity == "onload" and not model.usable(airfield))
                or (activity == "offload" and not closed_ok and not model.open[airfield])):
            model.ramps[airfield].release()
            return False
        start = self.env.now
        if on_start:
            on_start()
        sequential = self.type.refuel_sequential and activity != "fuel stop" and model.world.airfields[airfield].fuel
        factor = model.randomness.ground_factor(self.stream_key)
        yield self.env.timeout((handling_h + (self.type.refuel_h if sequential else 0.0)) * factor)
        model.ramps[airfield].release()
        if on_end:
            on_end()
        model.record_ground(self, airfield, arrive, start, self.env.now, activity, payload_t, requirement)  # type: ignore[arg-type]
        return True
