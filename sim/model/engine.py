"""The airlift model: airfields, cargo, aircraft and the dispatcher in one simpy environment.

Pure: takes a World and the replication's Randomness, returns records. No files, no printing.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import simpy

from sim.model.aircraft import Aboard, Aircraft, Job
from sim.model.cargo import CargoLedger
from sim.model.dispatch import requirement_priority
from sim.model.randomness import Randomness
from sim.model.ramp import Ramp
from sim.model.records import Records
from sim.trips import TripPlanner, fuel_after_landing
from sim.world import World

HOURS_PER_DAY = 24.0


@dataclass
class RunOutput:
    """What one simulation produced."""

    world: World
    records: Records
    ledgers: list[CargoLedger]
    horizon_h: float


class AirliftModel:
    """State and rules of one run."""

    def __init__(self, world: World, randomness: Randomness):
        self.world = world
        self.randomness = randomness
        self.env = simpy.Environment()
        self.records = Records()
        self.open = {ident: True for ident in world.airfields}
        self.ramps = {ident: Ramp(self.env, a.mog) for ident, a in world.airfields.items()}
        self.policy = world.policy
        self.planner = TripPlanner(world, self.usable, self.policy)
        self.ledgers = [CargoLedger() for _ in world.scenario.requirements]
        self.idle: list[Aircraft] = []
        self._dispatching = False
        self._dispatch_pending = False
        self.aircraft: list[Aircraft] = []
        spec = world.scenario.stochastic
        self.maintenance = set(spec.maintenance_at) if spec and spec.maintenance_at else {f.base for f in world.scenario.fleet}
        self.out_of_use: set[str] = set()  # airfields shut by a random outage
        number = 0
        for e, entry in enumerate(world.scenario.fleet):
            for k in range(entry.count):
                number += 1
                name = f"{entry.type}#{k + 1}@{entry.base}"
                self.aircraft.append(Aircraft(self, number, name, world.aircraft[entry.type], entry.base, (e, k)))
        for i, req in enumerate(world.scenario.requirements):
            self.env.process(self._generate(i, req))
        for event in world.scenario.events:
            self.env.process(self._apply_event(event))
        if spec is not None and spec.outages is not None:
            ends = [x for r in world.scenario.requirements for x in (r.from_, r.to)]
            affected = spec.outages.airfields or list(dict.fromkeys(ends))
            for ident in affected:
                self.env.process(self._outages(ident, spec.outages.duration_h))

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

    def _apply_event(self, event: Any) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(event.day * HOURS_PER_DAY)
        if event.close:
            self.open[event.close] = False
            self._turn_back_to(event.close)
        elif event.reopen:
            self.open[event.reopen] = True
        elif event.changes_airspace:
            # Aircraft already airborne keep the clearance they took off with.
            if event.close_airspace:
                self.policy = self.policy.closing(event.close_airspace)
            else:
                self.policy = self.policy.opening(event.open_airspace)
            self.planner.set_policy(self.policy)
        else:
            for ident, mog in event.mog.items():
                self.ramps[ident].set_capacity(mog)
        self.planner.invalidate()
        self._send_idle_away()
        self.dispatch()

    def _turn_back_to(self, ident: str) -> None:
        for aircraft in self.aircraft:
            if aircraft.airborne_to == ident:
                aircraft.process.interrupt("destination closed")

    def _outages(self, ident: str, duration_h: float) -> Generator[simpy.Event, Any, None]:
        """Each day, the airfield may be out of use for ``duration_h`` from 00:00."""
        index = list(self.world.airfields).index(ident)
        while True:
            if self.randomness.outage(index):
                self.out_of_use.add(ident)
                self._turn_back_to(ident)
                self.planner.invalidate()
                self._send_idle_away()
                yield self.env.timeout(duration_h)
                self.out_of_use.discard(ident)
                self.planner.invalidate()
                self.dispatch()
                yield self.env.timeout(HOURS_PER_DAY - duration_h)
            else:
                yield self.env.timeout(HOURS_PER_DAY)

    def _send_idle_away(self) -> None:
        """Idle aircraft parked at a closed airfield leave for their base (or the nearest usable field)."""
        for aircraft in list(self.idle):
            if self.usable(aircraft.location):
                continue
            target = aircraft.base if self.usable(aircraft.base) else self.nearest_usable(aircraft.location)
            trip = self.planner.plan(aircraft.type, aircraft.location, target, 0.0, aircraft.fuel_km)
            if target != aircraft.location and trip is not None:
                self._assign(aircraft, Job("ferry", target, trip))

    # --- cargo --------------------------------------------------------------------------------------

    def _generate(self, index: int, req: Any) -> Generator[simpy.Event, Any, None]:
        horizon_day = self.world.scenario.days
        yield self.env.timeout(req.day * HOURS_PER_DAY)
        if req.tons is not None:
            self.ledgers[index].add(self.env.now, req.tons)
            self._dispatch_soon()
            return
        last = min(req.until_day if req.until_day is not None else horizon_day, horizon_day)
        day = req.day
        while day < last - 1e-9:
            self.ledgers[index].add(self.env.now, req.tons_per_day * min(1.0, last - day))
            self._dispatch_soon()
            yield self.env.timeout(HOURS_PER_DAY)
            day += 1

    def deliver(self, aircraft: Aircraft, cargo: Aboard) -> None:
        """End of offload: the cargo is delivered."""
        self.ledgers[cargo.requirement].deliver(cargo.tons)
        req = self.world.scenario.requirements[cargo.requirement]
        Records.append(self.records.deliveries, self.env.now, cargo.requirement, req.from_, req.to,
                       aircraft.type.name, aircraft.name, cargo.tons)

    # --- dispatching --------------------------------------------------------------------------------

    def become_idle(self, aircraft: Aircraft) -> None:
        """An aircraft has nothing to do; find it work now or when something changes."""
        self.idle.append(aircraft)
        if not self.usable(aircraft.location):
            self._send_idle_away()
        self.dispatch()

    def _assign(self, aircraft: Aircraft, job: Job) -> None:
        self.idle.remove(aircraft)
        assert aircraft.job_event is not None
        aircraft.job_event.succeed(job)

    def _dispatch_soon(self) -> None:
        """Dispatch once every cargo arriving at this same instant is in the ledgers, so priorities
        compare all of it (one pending dispatch at a time)."""
        if self._dispatch_pending:
            return
        self._dispatch_pending = True

        def later() -> Generator[simpy.Event, Any, None]:
            yield self.env.timeout(0)
            self._dispatch_pending = False
            self.dispatch()

        self.env.process(later())

    def dispatch(self) -> None:
        """Give idle aircraft to waiting requirements (rule in sim.model.dispatch)."""
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self.idle and self._dispatch_one():
                pass
        finally:
            self._dispatching = False

    def _dispatch_one(self) -> bool:
        order = sorted(
            (i for i, ledger in enumerate(self.ledgers) if ledger.unassigned_t > 1e-9),
            key=lambda i: requirement_priority(i, self.ledgers[i], self.world.scenario.requirements[i].priority),
        )
        # Idle aircraft of one type at one place with the same fuel are interchangeable: plan for the
        # lowest-numbered of each group only (keeps dispatch cheap with hundreds of idle aircraft).
        candidates: dict[tuple, Aircraft] = {}
        for aircraft in self.idle:
            key = (aircraft.type.name, aircraft.location, aircraft.fuel_km)
            if key not in candidates or aircraft.number < candidates[key].number:
                candidates[key] = aircraft
        for index in order:
            best: tuple[float, int, Aircraft, Job] | None = None
            for aircraft in candidates.values():
                job = self._cargo_job(aircraft, index)
                if job is None:
                    continue
                delay = job.reposition.duration_h if job.reposition else 0.0
                if best is None or (delay, aircraft.number) < best[:2]:
                    best = (delay, aircraft.number, aircraft, job)
            if best is not None:
                aircraft, job = best[2], best[3]
                job.ready_h = self.ledgers[index].reserve(job.tons)
                self._assign(aircraft, job)
                return True
        return False

    def _cargo_job(self, aircraft: Aircraft, index: int) -> Job | None:
        req = self.world.scenario.requirements[index]
        if req.aircraft is not None and aircraft.type.name not in req.aircraft:
            return None
        if not (self.usable(req.from_) and self.usable(req.to)):
            return None
        kind = aircraft.type
        reposition = None
        fuel_km = aircraft.fuel_km
        if aircraft.location != req.from_:
            reposition = self.planner.plan(kind, aircraft.location, req.from_, 0.0, aircraft.fuel_km)
            if reposition is None:
                return None
            fuel_km = fuel_after_landing(self.world, req.from_, reposition.hops[-1].onward_fuel_km)
        trip = self.planner.plan(kind, req.from_, req.to, kind.planning_load_t, fuel_km)
        if trip is None:
            return None
        tons = min(kind.planning_load_t, trip.payload_cap_t, self.ledgers[index].unassigned_t)
        if tons <= 1e-9:
            return None
        return Job("cargo", req.to, trip, reposition, index, tons)

    # --- records ------------------------------------------------------------------------------------

    def record_leg(self, aircraft: Aircraft, origin: str, destination: str, depart: float, arrive: float,
                   payload_t: float, distance_km: float, fuel_stop: bool, purpose: str, requirement: int) -> None:
        """One row of sorties.csv."""
        fuel_t = (arrive - depart) * aircraft.type.fuel_burn_t_per_h
        Records.append(self.records.legs, aircraft.name, aircraft.type.name, origin, destination, depart, arrive,
                       payload_t, distance_km, fuel_stop, purpose, requirement, fuel_t)

    def record_turn(self, aircraft: Aircraft, airfield: str, arrive: float, start: float, end: float, activity: str) -> None:
        """One ground turn: arrival, spot granted, spot released."""
        Records.append(self.records.turns, airfield, aircraft.name, aircraft.type.name, arrive, start, end, activity)


def simulate(world: World, randomness: Randomness, progress: Callable[[int, int], None] | None = None) -> RunOutput:
    """Run the scenario to its horizon. ``progress(day, days)`` is called after each simulated day."""
    model = AirliftModel(world, randomness)
    days = world.scenario.days
    for day in range(1, days + 1):
        model.env.run(until=day * HOURS_PER_DAY)
        if progress is not None:
            progress(day, days)
    return RunOutput(world, model.records, model.ledgers, days * HOURS_PER_DAY)
