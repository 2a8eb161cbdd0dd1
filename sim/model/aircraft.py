"""The aircraft process: wait for a job, fly it, turn on the ground, repeat.

Every take-off obeys the fuel-and-mass rules of sim.flight.performance, checked against the state at that
moment (the airfield, the fuel aboard, the cargo aboard, the airspace in force). Cargo aboard stays
aboard until it is offloaded where the aircraft is: at the destination it is delivered, anywhere else it
waits there for another job.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sim.data.catalog import AircraftType
from sim.flight import performance
from sim.geo.airspace import AirspacePolicy
from sim.model import kernel
from sim.model.cargo import CargoLedger
from sim.model.crews import Crew, CrewRoster
from sim.model.instant import due_first, fire, reserve
from sim.model.packing import Load, Manifest, hold_of, shed
from sim.model.ramp import SLOT_BUFFER_H, Parking, ParkingLine, Ramp, earliest
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

    # Written out (the dataclass keeps it): mypyc compiles it, where the one dataclass writes runs interpreted.
    def __init__(self, kind: str, destination: str, trip: Trip, reposition: Trip | None = None, requirement: int = -1,
                 tons: float = 0.0, ready_h: float = 0.0, pickup: str = "", load: Load | None = None) -> None:
        self.kind = kind
        self.destination = destination
        self.trip = trip
        self.reposition = reposition
        self.requirement = requirement
        self.tons = tons
        self.ready_h = ready_h
        self.pickup = pickup
        self.load = load


@dataclass
class Aboard:
    """Cargo on an aircraft."""

    requirement: int
    tons: float
    ready_h: float
    load: Load | None = None  # what the tons are, for a manifest requirement

    def __init__(self, requirement: int, tons: float, ready_h: float, load: Load | None = None) -> None:
        self.requirement = requirement  # written out, compiled: see Job
        self.tons = tons
        self.ready_h = ready_h
        self.load = load


# Bookings tried at one instant before an aircraft waits a little (two aircraft can cancel each other's slots
# as each extends its stay; waiting ``SLOT_BUFFER_H`` lets time pass).
RETRIES_AN_INSTANT = 4


@dataclass
class Flight:
    """A hop in the air: what a diversion needs to know."""

    origin: str
    destination: str
    depart_h: float
    distance_km: float
    flight_h: float
    fuel_takeoff_t: float
    takeoff_mass_t: float
    policy: AirspacePolicy  # the clearance it took off with

    def __init__(self, origin: str, destination: str, depart_h: float, distance_km: float, flight_h: float,
                 fuel_takeoff_t: float, takeoff_mass_t: float, policy: AirspacePolicy) -> None:
        self.origin = origin  # written out, compiled: see Job
        self.destination = destination
        self.depart_h = depart_h
        self.distance_km = distance_km
        self.flight_h = flight_h
        self.fuel_takeoff_t = fuel_takeoff_t
        self.takeoff_mass_t = takeoff_mass_t
        self.policy = policy


class RunningModel(Protocol):
    """What an aircraft uses of the model it flies in (sim.model.engine.AirliftModel)."""

    env: kernel.Environment
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

    def usable(self, ident: str) -> bool: ...

    def nearest_usable(self, ident: str) -> str: ...

    def closing(self, ident: str) -> kernel.Event: ...

    def become_idle(self, aircraft: Aircraft) -> None: ...

    def deliver(self, aircraft: Aircraft, requirement: int, tons: float, load: Load | None = None) -> None: ...

    def diversion(self, aircraft: Aircraft, flight: Flight, flown_km: float, fuel_t: float,
                  mass_t: float, avoid: str | None = None) -> tuple[str, float, bool]: ...

    def took_off(self, aircraft: Aircraft) -> None: ...

    def record_leg(self, aircraft: Aircraft, flight: Flight, arrive: float, destination: str, payload_t: float,
                   distance_km: float, burn_t: float, fuel_stop: bool, purpose: Purpose) -> None: ...

    def record_ground(self, aircraft: Aircraft, airfield: str, arrive: float, start: float, end: float,
                      activity: Activity, payload_t: float = 0.0, requirement: int = -1,
                      in_progress: bool = False) -> None: ...


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
        self.job_event: kernel.Event | None = None  # its wait for a job, while it has none
        self.offered: tuple[Job, int] | None = None  # a job given while it asked for one, and its event's id
        self.idle_since: float | None = None
        self.stranded_since: float | None = None
        self.broken = not model.randomness.starts_capable(stream_key)
        self.breaks = model.randomness.breakage(stream_key)  # does the leg just flown leave it broken?
        self.ground_factor = model.randomness.ground_factors(stream_key)  # a turn's time multiplier
        # Flying-hour budget (UTE): accrues ute_h_per_day / 24 per hour, holds at most a day's worth.
        self.hours_budget = kind.ute_h_per_day or 0.0
        self.hours_budget_at = 0.0
        self.crew: Crew | None = None  # the crew aboard; None when crews are not modelled
        self.passengers: list[Crew] = []  # spare crews riding to where crews are staged (CrewRoster.board)
        self.landed_passengers: list[str] = []  # the names of those who rode the hop just landed
        self.flight_h = 0.0  # flown so far
        self.delivered_for: int | None = None  # the requirement whose cargo it just delivered
        self.serves = serves  # dedicated to these requirement indices; None: any
        self.booked: list[tuple[str, float, float]] = []  # parking slots (airfield, from h, to h) ahead on its trip
        self.blocked_since: float | None = None  # waiting for parking that no slot fits yet, since (h)
        self.waiting: tuple[Activity, float] | None = None  # a crew or parking wait under way, since (h)
        # A turn or repair under way (airfield, arrive h, start h, activity, payload t, requirement), for the
        # records at the end of the run
        self.busy: tuple[str, float, float, Activity, float, int] | None = None
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

    def run(self) -> Generator[kernel.Event, Any, None]:
        """Main loop."""
        while True:
            if self.broken:
                yield from self._repair()
            self.model.become_idle(self)  # a job given meanwhile is ``offered`` (see ``take``)
            offered, self.offered = self.offered, None
            job: Job
            if offered is not None:
                job, eid = offered
                if not due_first(self.env, eid):  # an event of this instant comes first: it waits its turn
                    job = yield fire(self.env, job, eid)
            else:  # no work now: it holds its spot with no departure in view, and waits for a job
                self.model.parking[self.location].staying(self.number)
                self.job_event = self.env.event()
                job = yield self.job_event
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

    def take(self, job: Job) -> None:
        """The dispatcher gives it ``job``: while it asks for work (in ``become_idle``) the job is ``offered``
        with the place its event would take (see sim.model.instant); later, its wait for a job ends."""
        if self.job_event is None:
            self.offered = (job, reserve(self.env))
        else:
            self.job_event.succeed(job)

    # --- cargo --------------------------------------------------------------------------------------

    def _carry(self, job: Job) -> Generator[kernel.Event, Any, None]:
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

    def _put_down(self) -> Generator[kernel.Event, Any, None]:
        """Offload all the cargo aboard: here while the airfield is open; from a closed one it is flown on
        first, to its destination if usable, else to the nearest usable airfield, where it waits (with none
        usable, it waits aboard until one is)."""
        waiting_since: float | None = None
        while self.aboard is not None:
            if self.model.open[self.location]:
                done = yield from self._offload(self.aboard.tons)
                if done:
                    break
            trip = self._onward_trip(self.aboard)
            if trip is None:  # nowhere to take it now (closures, outages): it waits aboard, looking each hour
                waiting_since = self.env.now if waiting_since is None else waiting_since
                self.waiting = ("parked", waiting_since)
                yield self.env.timeout(1.0)
                continue
            if waiting_since is not None:
                self.waiting = None
                self.model.record_ground(self, self.location, waiting_since, waiting_since, self.env.now, "parked")
                waiting_since = None
            yield from self._fly(trip, "cargo")
        if waiting_since is not None:
            self.waiting = None
            self.model.record_ground(self, self.location, waiting_since, waiting_since, self.env.now, "parked")

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

    def _offload(self, tons: float, part: Load | None = None) -> Generator[kernel.Event, Any, bool]:
        """Offload ``tons`` of the cargo aboard here (``part`` of a manifest load; all of it by default):
        delivered at its destination, waiting here otherwise. False if the airfield closed before a working
        spot came free (no offload starts at a closed airfield): the cargo stays aboard."""
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

        done_here = yield from self._turn(here, self.type.offload_h, "offload", tons, cargo.requirement, on_end=done)
        return done_here

    # --- flying -------------------------------------------------------------------------------------

    def _fly(self, trip: Trip, purpose: Purpose) -> Generator[kernel.Event, Any, bool]:
        """Fly the trip's hops; False if it stopped short (a destination became unusable or a hop cannot
        be flown now), leaving the aircraft, and what it carries, where it landed."""
        model = self.model
        kind = self.type
        for i, planned in enumerate(trip.hops):
            if self.broken:  # broke at the fuel stop: repaired there, cargo stays aboard; no slot held meanwhile
                self._drop_booking()
                model.parking[self.location].staying(self.number)
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
            # An airfield that closes with loaded aircraft on the ground sees them leave with what is aboard
            # (after a crew rest, if the crew must rest first): no cargo work starts at a closed airfield.
            ready = yield from self._cleared(trip, i, purpose)
            if not ready:
                self._drop_booking()
                return False
            payload = self.aboard.tons if self.aboard else 0.0
            fuel = self.fuel_state
            hop = model.planner.hop(kind, self.location, destination, fuel, (trip.hops[0].origin, trip.hops[-1].destination))
            if hop is None or payload > hop.payload_cap_t + 1e-9:
                self._drop_booking()
                return False
            if fuel is None:  # refuel for exactly what this hop needs
                self.fuel_t = performance.required_fuel_t(kind, hop.distance_km, payload, hop.onward_fuel_t)
            takeoff_mass = kind.oew_t + payload + self.fuel_t
            self.flight = Flight(self.location, destination, self.env.now, hop.distance_km, hop.flight_h,
                                 self.fuel_t, takeoff_mass, model.policy)
            model.took_off(self)
            for ident, _, _ in self.booked:
                model.parking[ident].commit(self.number)
            self._crew_takes_off(destination, hop.flight_h)
            try:
                yield self.env.timeout(hop.flight_h)
                # An aircraft on the ground there stayed beyond the slot this one relied on: it turns away.
                full = (model.world.operations.parking_holds and destination != self.base
                        and model.parking[destination].full_for(self.number))
            except kernel.Interrupt:
                full = True
            if full:
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
        self.booked = [slot for slot in self.booked if slot[0] != destination]
        model.parking[destination].arrive(self.number)
        # A break is found on landing; the aircraft finishes its turn, then is repaired (its spot held
        # with no departure in view from now).
        self.broken = self.breaks()
        if self.broken:
            model.parking[destination].staying(self.number)

    def _divert(self) -> Generator[kernel.Event, Any, None]:
        """The destination closed (or has every parking spot taken) while airborne: land at the nearest
        usable airfield the fuel aboard reaches (the departure airfield included), never beyond."""
        model = self.model
        flight = self.flight
        assert flight is not None
        fraction = min(1.0, (self.env.now - flight.depart_h) / flight.flight_h)
        flown_km = flight.distance_km * fraction
        burned = performance.burn_t(self.type, flown_km, flight.takeoff_mass_t)
        fuel_now, mass_now = flight.fuel_takeoff_t - burned, flight.takeoff_mass_t - burned
        # Turned away for want of a parking slot, it does not land where it has none.
        avoid = flight.destination if model.usable(flight.destination) else None
        target, onward_km, emergency = model.diversion(self, flight, flown_km, fuel_now, mass_now, avoid)
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
        model.parking[target].arrive(self.number, counted=False)  # beyond the capacity if it must
        self._landed(flight, target)
        self.fuel_t = flight.fuel_takeoff_t - burn
        payload = self.aboard.tons if self.aboard else 0.0
        model.record_leg(self, flight, self.env.now, target, payload, flown_km + onward_km, burn, False,
                         "emergency landing" if emergency else "diverted")
        self.location = target

    def _crew_takes_off(self, destination: str, flight_h: float) -> None:
        """The crew aboard takes off now; a spare crew may ride along to where crews are staged."""
        crew = self.crew
        if crew is None:
            return
        now = self.env.now
        crew.take_off(self.type, now)
        if self.model.world.operations.crew_positioning:
            self.passengers = self.model.crews.board(self.type, self.location, destination, now, flight_h)

    def _landed(self, flight: Flight, airfield: str) -> None:
        """Book the hop just landed at ``airfield`` to the aircraft and its crew; passenger crews get off."""
        now = self.env.now
        self.flight_h += now - flight.depart_h
        if self.crew is not None:
            self.crew.land(self.type, flight.depart_h, now)
        if self.passengers:
            self.landed_passengers = [crew.name for crew in self.passengers]
            self.model.crews.alight(self.passengers, self.type, flight.destination, airfield, now)
            self.passengers = []
        elif self.landed_passengers:
            self.landed_passengers = []

    def _may_go_home(self) -> bool:
        """Can it fly home now, with slots at once at every airfield the trip home lands at?"""
        home = self._home_trip()
        return home is not None and self._earliest(self._windows(home, 0, "ferry")) <= self.env.now + 1e-9

    def _home_trip(self) -> Trip | None:
        return self.model.planner.plan(self.type, self.location, self.base, 0.0, self.fuel_state)

    def _cleared(self, trip: Trip, i: int, purpose: Purpose) -> Generator[kernel.Event, Any, bool]:
        """Wait until a legal crew is aboard for hop ``i`` of ``trip`` and, with parking holds, until it holds a
        parking slot at every airfield the rest of the trip lands at, for the arrival window of a take-off now
        (see ``Parking``). No slot is held through a crew rest. False if an airfield became unusable, or if an
        empty aircraft away from its base finds no slot at any time (it flies home instead of holding a spot
        others may need)."""
        model = self.model
        here = model.parking[self.location]
        needs = tuple(h.destination for h in trip.hops[i:])
        hold: list[float] = []  # when a wait for parking began: one row however often it books again
        cleared = yield from self._clear(trip, i, purpose, here, needs, hold)
        if hold:
            model.record_ground(self, self.location, hold[0], hold[0], self.env.now, "parking hold")
        return cleared

    def _clear(self, trip: Trip, i: int, purpose: Purpose, here: Parking, needs: tuple[str, ...],
               hold: list[float]) -> Generator[kernel.Event, Any, bool]:
        """``_cleared``'s loop; a wait for parking starts ``hold`` (its start), a crew rest ends it."""
        model = self.model
        instant, tries = self.env.now, 0
        while True:
            if not all(map(model.usable, needs)):
                return False
            tries = tries + 1 if self.env.now == instant else 1
            instant = self.env.now
            if tries > RETRIES_AN_INSTANT:  # slots lost and booked again at one instant: let time pass first
                here.staying(self.number)
                hold[:] = hold or [self.env.now]
                yield from self._wait("parking hold", self.env.timeout(SLOT_BUFFER_H), hold[0], record=False)
                continue
            if self.crew is not None and (yield from self._crew_rest(self.crew, trip.hops[i].flight_h, here, hold)):
                continue
            if not model.world.operations.parking_holds:
                return True
            windows = self._windows(trip, i, purpose)
            if self._holds(windows):
                here.leaving_at(self.number, self.env.now)
                return True
            self._drop_booking()
            depart = self._earliest(windows)
            if depart <= self.env.now + 1e-9:
                self._book(windows)
                here.leaving_at(self.number, self.env.now)
                return True
            lots = tuple(model.parking[k] for k, _, _ in windows)
            if depart < math.inf:  # a slot later: book it and wait for its time
                self._book(windows, depart - self.env.now)
                here.leaving_at(self.number, depart)
                hold[:] = hold or [self.env.now]
                yield from self._wait("parking hold", model.parking_line.wait(self.number, here, lots, needs, depart),
                                      hold[0], record=False)
                continue
            def try_book() -> bool:
                return self._try_book(self._windows(trip, i, purpose))
            if model.parking_line.exchange(self.number, here, lots, try_book, self._drop_booking):
                here.leaving_at(self.number, self.env.now)
                return True
            if (purpose != "ferry" and self.aboard is None and self.location != self.base
                    and self.gave_up_at != self.env.now and model.usable(self.base) and self._may_go_home()):
                self.go_home, self.gave_up_at = True, self.env.now  # once an instant: no loop without time
                return False
            here.staying(self.number)
            self.blocked_since = self.env.now
            hold[:] = hold or [self.env.now]
            yield from self._wait("parking hold", model.parking_line.wait(self.number, here, lots, needs,
                                                                          try_book=try_book), hold[0], record=False)
            self.blocked_since = None

    def _crew_rest(self, crew: Crew, flight_h: float, here: Parking, hold: list[float]
                   ) -> Generator[kernel.Event, Any, bool]:
        """Board the crew to fly the next hop (``flight_h``) from here; when it may take off only later, drop any
        booked slot, end a parking hold (``hold``) and wait the crew rest out. True if it rested: clearance
        starts over."""
        model = self.model
        self.crew, takeoff = model.crews.choose(crew, self.type, self.location, self.env.now, flight_h)
        if takeoff > self.env.now + 1e-9:
            self._drop_booking()  # no slot is held through a crew rest: booked again after it
            here.staying(self.number)
            if hold:
                model.record_ground(self, self.location, hold[0], hold[0], self.env.now, "parking hold")
                hold.clear()
            yield from self._wait("crew rest", self.env.timeout(takeoff - self.env.now))
            return True
        return False

    def _ground_h(self, airfield: str, purpose: Purpose) -> float:
        """Planned ground time (h) at the end of a trip flown for ``purpose``: the offload of a cargo trip, the
        onload a repositioning (or a return to the hub) is flown for."""
        handling = self.type.offload_h if purpose == "cargo" else self.type.onload_h
        if self.type.refuel_sequential and self.model.world.airfields[airfield].fuel:
            handling += self.type.refuel_h
        return handling

    def _windows(self, trip: Trip, i: int, purpose: Purpose) -> list[tuple[str, float, float]]:
        """(airfield, from h, to h) of the parking slot at each landing of ``trip`` from hop ``i`` on, taking
        off now: from the estimated arrival to the end of the planned ground time plus the buffer. A crew rest
        is not foreseen: an aircraft whose crew must rest stays beyond its slot (see ``Parking``)."""
        hops = trip.hops[i:]
        at = self.env.now
        windows = []
        for k, hop in enumerate(hops):
            at += hop.flight_h
            free = at + (self._ground_h(hop.destination, purpose) if k == len(hops) - 1 else trip.stop_h)
            windows.append((hop.destination, at, free + SLOT_BUFFER_H))
            at = free
        return windows

    def _holds(self, windows: list[tuple[str, float, float]]) -> bool:
        """Does it hold slots at the airfields of ``windows`` starting within the buffer of theirs?"""
        booked, parking = self.booked, self.model.parking
        if len(booked) != len(windows):
            return False
        for i in range(len(booked)):
            k, a, _ = booked[i]
            if k != windows[i][0] or self.number not in parking[k].spans or not abs(a - windows[i][1]) <= SLOT_BUFFER_H + 1e-9:
                return False
        return True

    def _earliest(self, windows: list[tuple[str, float, float]]) -> float:
        """The earliest take-off (h, from now) whose slots all fit; infinite if none does while the spots are
        held by aircraft with no departure booked (``ramp.earliest``)."""
        now = self.env.now
        parking, base = self.model.parking, self.base
        return earliest(self.number, now, [(parking[k], a - now, b - now, k == base) for k, a, b in windows])

    def _book(self, windows: list[tuple[str, float, float]], delay_h: float = 0.0) -> None:
        """Book the slots of ``windows`` shifted ``delay_h`` later."""
        self.booked = [(k, a + delay_h, b + delay_h) for k, a, b in windows]
        for k, a, b in self.booked:
            self.model.parking[k].book(self.number, a, b, k == self.base)

    def _try_book(self, windows: list[tuple[str, float, float]]) -> bool:
        """Book the slots of a take-off now if they all fit."""
        self._drop_booking()
        if self._earliest(windows) > self.env.now + 1e-9:
            return False
        self._book(windows)
        return True

    def slot_lost(self, ident: str) -> None:
        """Its slot at ``ident`` was cancelled (an aircraft there stays longer than planned): in the air
        towards it, it diverts; on the ground, it books again."""
        bound = self.airborne_to
        if bound == ident:
            self.process.interrupt("no parking slot")
            return
        if bound is not None:  # the slot it lands in keeps; those beyond are booked again from there
            for other, _, _ in self.booked:
                if other != bound:
                    self.model.parking[other].cancel(self.number)
            self.booked = [slot for slot in self.booked if slot[0] == bound]
            return
        self._drop_booking()
        self.model.parking_line.wake(self.number)

    def _drop_booking(self) -> None:
        """Give back the parking slots booked ahead on the trip."""
        for ident, _, _ in self.booked:
            self.model.parking[ident].cancel(self.number)
        self.booked = []

    def _wait(self, activity: Activity, event: kernel.Event, since: float | None = None,
              record: bool = True) -> Generator[kernel.Event, Any, Any]:
        """Wait on the ground for ``event``, logged as ``activity`` from ``since`` (now by default; not logged
        if not ``record``: the caller logs a wait that goes on) (a wait still open at the end of the run is
        logged by the model's ``finish``); the event's value."""
        start = self.env.now if since is None else since
        self.waiting = (activity, start)
        value = yield event
        self.waiting = None
        if record:
            self.model.record_ground(self, self.location, start, start, self.env.now, activity)
        return value

    def _wait_for_hours(self, hours: float) -> Generator[kernel.Event, Any, None]:
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

    def _repair(self) -> Generator[kernel.Event, Any, None]:
        """Down for repair where it stands (parked, no working spot); longer away from maintenance."""
        model = self.model
        start = self.env.now
        self.busy = (self.location, start, start, "repair", 0.0, -1)
        yield self.env.timeout(model.randomness.repair_h(self.stream_key, self.location not in model.maintenance))
        self.busy = None
        self.broken = False
        model.record_ground(self, self.location, start, start, self.env.now, "repair")

    def _turn(self, airfield: str, handling_h: float, activity: str, payload_t: float = 0.0, requirement: int = -1,
              on_start: Callable[[], None] | None = None, on_end: Callable[[], None] | None = None,
              ) -> Generator[kernel.Event, Any, bool]:
        """Hold a working spot for the handling time; False if an onload found the airfield unusable, or an
        offload found it closed, when its spot came free (no cargo work starts at a closed airfield). Planning
        ground times include refuelling where the airfield has fuel; a type with ``refuel_sequential`` adds
        ``refuel_h`` to onloads and offloads there. The parking slot held here covers the turn as it runs."""
        model = self.model
        env = self.env
        arrive = env.now
        ramp = model.ramps[airfield]
        lot = model.parking[airfield]
        if ramp.take():  # a spot free at once: it goes on now unless an event of this instant comes first
            eid = reserve(env)
            if not due_first(env, eid):
                yield fire(env, None, eid)
        else:  # no spot free now: it waits in line, and holds its parking spot until the turn is done
            request = ramp.request()
            lot.staying(self.number)
            if activity == "offload" and model.open[airfield]:
                yield request | model.closing(airfield)
                if not request.triggered:  # the airfield closed while it waited: it leaves with its cargo
                    ramp.cancel(request)
                    return False
            else:
                yield request
        if ((activity == "onload" and not model.usable(airfield))
                or (activity == "offload" and not model.open[airfield])):
            ramp.release()
            return False
        start = env.now
        if on_start:
            on_start()
        kind = self.type
        sequential = kind.refuel_sequential and activity != "fuel stop" and model.world.airfields[airfield].fuel
        handling = (handling_h + (kind.refuel_h if sequential else 0.0)) * self.ground_factor()
        lot.expect(self.number, start + handling + SLOT_BUFFER_H)  # the slot covers the turn as it runs
        self.busy = (airfield, arrive, start, activity, payload_t, requirement)  # type: ignore[assignment]
        yield env.timeout(handling)
        self.busy = None
        ramp.release()
        if on_end:
            on_end()
        model.record_ground(self, airfield, arrive, start, env.now, activity, payload_t, requirement)  # type: ignore[arg-type]
        return True
