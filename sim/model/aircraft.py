"""The aircraft process: wait for a job, fly it, turn on the ground, repeat."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import simpy

from sim.catalog import AircraftType
from sim.trips import Trip, fuel_after_landing

if TYPE_CHECKING:
    from sim.model.engine import AirliftModel


@dataclass
class Job:
    """Work given to one aircraft: carry cargo for a requirement, or ferry empty to an airfield."""

    kind: str  # "cargo" | "ferry"
    destination: str
    trip: Trip
    reposition: Trip | None = None
    requirement: int = -1
    tons: float = 0.0
    ready_h: float = 0.0


@dataclass
class Aboard:
    """Cargo on an aircraft."""

    requirement: int
    tons: float
    ready_h: float


class Aircraft:
    """One airframe as a simpy process."""

    def __init__(self, model: AirliftModel, number: int, name: str, kind: AircraftType, base: str,
                 stream_key: tuple[int, int] = (0, 0)):
        self.model = model
        self.env = model.env
        self.number = number
        self.stream_key = stream_key  # (fleet entry, index in entry): names its random streams
        self.name = name
        self.type = kind
        self.base = base
        self.location = base
        # Fuel brought for after landing, as distance (km); None = at an airfield with fuel.
        self.fuel_km: float | None = fuel_after_landing(model.world, base, 0.0)
        self.airborne_to: str | None = None
        self.job_event: simpy.Event | None = None
        self.broken = not model.randomness.starts_capable(stream_key)
        # Flying-hour budget (UTE): accrues ute_h_per_day / 24 per hour, holds at most a day's worth.
        self.hours_budget = kind.ute_h_per_day or 0.0
        self.hours_budget_at = 0.0
        self.process = self.env.process(self.run())

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
                yield from self._fly(job.trip, "ferry", None)

    # --- cargo --------------------------------------------------------------------------------------

    def _carry(self, job: Job) -> Generator[simpy.Event, Any, None]:
        model = self.model
        ledger = model.ledgers[job.requirement]
        req = model.world.scenario.requirements[job.requirement]
        if job.reposition is not None:
            arrived = yield from self._fly(job.reposition, "reposition", None)
            if not arrived:
                ledger.unreserve(job.tons, job.ready_h)
                return
        trip = self._loaded_trip(req)
        if trip is None:
            ledger.unreserve(job.tons, job.ready_h)
            return
        tons = job.tons
        room = min(self.type.planning_load_t, trip.payload_cap_t) - tons
        if room > 1e-9 and ledger.unassigned_t > 1e-9:  # top up with cargo that arrived meanwhile
            extra = min(room, ledger.unassigned_t)
            ledger.reserve(extra)
            tons += extra
        cargo = Aboard(job.requirement, tons, job.ready_h)
        yield from self._turn(req.from_, self.type.onload_h, "onload", on_start=lambda: ledger.load(tons))
        # The destination or the stop may have changed state during the onload: plan again.
        trip = self._loaded_trip(req)
        if trip is None:
            ledger.unload_back(cargo.tons, cargo.ready_h)
            return
        if cargo.tons > trip.payload_cap_t + 1e-9:
            ledger.unload_back(cargo.tons - trip.payload_cap_t, cargo.ready_h)
            cargo.tons = trip.payload_cap_t
        arrived = yield from self._fly(trip, "cargo", cargo)
        if not arrived:
            return
        yield from self._turn(req.to, self.type.offload_h, "offload", on_end=lambda: model.deliver(self, cargo))

    def _loaded_trip(self, req: Any) -> Trip | None:
        """The requirement's loaded trip from here, or None if it cannot be flown now."""
        if not self.model.usable(req.to):
            return None
        return self.model.planner.plan(self.type, req.from_, req.to, self.type.planning_load_t, self.fuel_km)

    # --- flying and turning -------------------------------------------------------------------------

    def _fly(self, trip: Trip, purpose: str, cargo: Aboard | None) -> Generator[simpy.Event, Any, bool]:
        """Fly the trip's hops; False if a destination closed and the aircraft turned back."""
        model = self.model
        for i, hop in enumerate(trip.hops):
            if self.broken:  # broke at the fuel stop: repaired there, cargo stays aboard
                yield from self._repair()
            if not model.usable(hop.destination):
                self._abandon(cargo)
                return False
            if self.type.ute_h_per_day is not None:
                yield from self._wait_for_hours(hop.flight_h)
                if not model.usable(hop.destination):
                    self._abandon(cargo)
                    return False
            depart = self.env.now
            self.airborne_to = hop.destination
            try:
                yield self.env.timeout(hop.flight_h)
            except simpy.Interrupt:
                self.airborne_to = None
                yield from self._turn_back(hop.origin, depart, purpose, cargo)
                return False
            self.airborne_to = None
            is_stop = i < len(trip.hops) - 1
            model.record_leg(self, hop.origin, hop.destination, depart, self.env.now,
                             cargo.tons if cargo else 0.0, hop.distance_km, is_stop, purpose,
                             cargo.requirement if cargo else -1)
            self.location = hop.destination
            self.fuel_km = fuel_after_landing(model.world, hop.destination, hop.onward_fuel_km)
            # A break is found on landing; the aircraft finishes its turn, then is repaired.
            self.broken = model.randomness.breaks(self.stream_key)
            if is_stop:
                yield from self._turn(hop.destination, 0.0, "fuel stop")
        return True

    def _turn_back(self, origin: str, depart: float, purpose: str, cargo: Aboard | None) -> Generator[simpy.Event, Any, None]:
        """Destination closed while airborne: fly back as long as already flown, to the departure
        airfield or, if that closed too, on to the nearest open one."""
        model = self.model
        elapsed = self.env.now - depart
        target = origin if model.usable(origin) else model.nearest_usable(origin)
        extra_h = model.world.flight_h(self.type, origin, target, model.policy) if target != origin else 0.0
        yield self.env.timeout(elapsed + extra_h)
        model.record_leg(self, origin, target, depart, self.env.now, cargo.tons if cargo else 0.0,
                         model.world.distance(origin, target, model.policy), False, "turned back",
                         cargo.requirement if cargo else -1)
        self.location = target
        self.fuel_km = fuel_after_landing(model.world, target, 0.0)
        self._abandon(cargo)

    def _abandon(self, cargo: Aboard | None) -> None:
        if cargo is not None:
            self.model.ledgers[cargo.requirement].unload_back(cargo.tons, cargo.ready_h)

    def _wait_for_hours(self, hours: float) -> Generator[simpy.Event, Any, None]:
        """Stay on the ground until the flying-hour budget covers the next hop, then spend it."""
        rate = self.type.ute_h_per_day / 24.0
        cap = max(self.type.ute_h_per_day, hours)
        budget = min(cap, self.hours_budget + (self.env.now - self.hours_budget_at) * rate)
        if budget < hours - 1e-9:
            yield self.env.timeout((hours - budget) / rate)
            budget = hours
        self.hours_budget, self.hours_budget_at = budget - hours, self.env.now

    def _repair(self) -> Generator[simpy.Event, Any, None]:
        """Down for repair where it stands (parked, no working spot); longer away from maintenance."""
        model = self.model
        start = self.env.now
        yield self.env.timeout(model.randomness.repair_h(self.stream_key, self.location not in model.maintenance))
        self.broken = False
        model.record_turn(self, self.location, start, start, self.env.now, "repair")

    def _turn(
        self, airfield: str, handling_h: float, activity: str, on_start: Any = None, on_end: Any = None
    ) -> Generator[simpy.Event, Any, None]:
        """Hold a MOG spot for handling plus refuelling (where the airfield has fuel)."""
        model = self.model
        arrive = self.env.now
        yield model.ramps[airfield].request()
        start = self.env.now
        if on_start:
            on_start()
        has_fuel = model.world.airfields[airfield].fuel
        factor = model.randomness.ground_factor(self.stream_key)
        yield self.env.timeout((handling_h + (self.type.refuel_h if has_fuel else 0.0)) * factor)
        model.ramps[airfield].release()
        if on_end:
            on_end()
        model.record_turn(self, airfield, arrive, start, self.env.now, activity)
