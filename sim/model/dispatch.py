"""Dispatch rules: which idle aircraft takes which waiting cargo.

The engine asks its rule for one assignment at a time, reserves the cargo and hands the job to the
aircraft, and asks again until the rule has none (every assignment changes what is waiting and who is
idle). Whether an aircraft *can* take some cargo (type allowed, airfields usable, a trip it can fly) is
the engine's ``cargo_job``; a rule only chooses among the jobs it offers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

from sim.model.aircraft import Aircraft, Job
from sim.model.cargo import CargoLedger
from sim.model.packing import Hold, carry_problem, hold_of, seats_people
from sim.model.specs import RequirementSpec, carries_class, may_serve


class DispatchState(Protocol):
    """The running model, as a dispatch rule sees it."""

    ledgers: list[CargoLedger]  # one per requirement, in scenario order
    requirements: Sequence[RequirementSpec]
    capable_types: Sequence[int]  # per requirement, the fleet's types that can carry some of it
    idle: list[Aircraft]

    def cargo_job(self, aircraft: Aircraft, index: int, place: str) -> Job | None:
        """The job carrying requirement ``index``'s cargo waiting at ``place``, or None if it cannot."""
        ...

    def crew_wait_h(self, aircraft: Aircraft, flight_h: float = 0.0) -> float:
        """Hours until a crew may fly a hop of ``flight_h`` from where the aircraft stands."""
        ...


def first_hop_h(job: Job) -> float:
    """Flight hours of the job's first hop (the repositioning trip's, if it has one)."""
    return (job.reposition or job.trip).hops[0].flight_h


def crew_delay_h(state: DispatchState, aircraft: Aircraft, job: Job) -> float:
    """Hours the job's first take-off waits for a crew allowed to fly it."""
    return state.crew_wait_h(aircraft, first_hop_h(job))


class Assignment(NamedTuple):
    aircraft: Aircraft
    job: Job


class DispatchRule(Protocol):
    """Chooses the next assignment of an idle aircraft to waiting cargo."""

    def choose(self, state: DispatchState) -> Assignment | None:
        """The next assignment, or None when no idle aircraft can take any waiting cargo."""
        ...


def requirement_priority(index: int, ledger: CargoLedger, priority: int = 0,
                         capable_types: int = 0) -> tuple[int, int, float, float, int]:
    """First-come sort key of a requirement: smaller is served first."""
    oldest = ledger.oldest_ready_h
    return (-priority, capable_types, oldest if oldest is not None else float("inf"), -ledger.unassigned_t, index)


def first_come_order(state: DispatchState) -> list[int]:
    """Indices of the requirements with unassigned cargo, first served first."""
    ledgers = state.ledgers
    waiting = [i for i, ledger in enumerate(ledgers) if ledger.unassigned_t > 1e-9]
    if len(waiting) < 2:
        return waiting
    return sorted(waiting, key=lambda i: requirement_priority(i, ledgers[i], state.requirements[i].priority,
                                                              state.capable_types[i]))


def capable_type_counts(requirements: Sequence[RequirementSpec], types: Sequence[Any]) -> list[int]:
    """For each requirement, how many of these aircraft types can carry its scarcest part: the types it
    allows that take its class; for equipment and people, the fewest types that can carry any one of its
    piece kinds, its passengers or its bulk (a battalion whose launchers only the An-124 takes counts 1)."""

    holds = [(kind.name, hold_of(kind)) for kind in types]

    def parts(req: RequirementSpec) -> list[Callable[[Hold], bool]]:
        if not req.has_manifest:
            return [lambda hold: carries_class(hold.classes, req)]
        out: list[Callable[[Hold], bool]] = [
            lambda hold, piece=piece: carry_problem(piece, hold) is None for piece, _ in req.pieces]
        if req.passengers > 0:
            out.append(seats_people)
        if req.bulk_t > 0:
            out.append(lambda hold: "bulk" in hold.classes)
        return out

    return [min((sum(may_serve(name, req) and part(hold) for name, hold in holds) for part in parts(req)),
                default=len(holds)) for req in requirements]


def interchangeable(state: DispatchState, preference: Callable[[Aircraft], Any]) -> list[Aircraft]:
    """One idle aircraft per group of interchangeable ones (same type, place, fuel and requirements it
    may serve), the one ``preference`` ranks first: planning for one of each keeps dispatch cheap with
    hundreds of idle aircraft."""
    chosen: dict[tuple, Aircraft] = {}
    for aircraft in state.idle:
        key = (aircraft.type.name, aircraft.location, aircraft.fuel_state, aircraft.serves)
        if key not in chosen or preference(aircraft) < preference(chosen[key]):
            chosen[key] = aircraft
    return list(chosen.values())


class FirstCome:
    """Requirements are served by priority (higher first), then scarce capability first (cargo fewer of the
    fleet's types can carry, such as outsize pieces only the An-124 takes, before cargo any type can carry:
    otherwise an An-124 flies bulk an Il-76 could have taken while the outsize waits), then in order of
    their oldest waiting ton (first come, first served); ties go to the biggest unassigned backlog, then
    to scenario order. Each requirement
    in turn gets the idle aircraft, of the types it allows, that can start loading soonest (shortest
    repositioning trip, plus the wait for a crew allowed to fly it: an aircraft whose crew can fly now is
    preferred to one whose crew is resting; ties to cargo at the requirement's origin, then to the lowest
    aircraft number).
    """

    def choose(self, state: DispatchState) -> Assignment | None:
        ledgers = state.ledgers
        order = first_come_order(state)
        candidates = interchangeable(state, lambda a: (round(state.crew_wait_h(a), 9), a.number))
        for index in order:
            # Wherever the requirement's cargo waits, the aircraft that can start loading soonest takes it.
            best: tuple[float, int, int, Aircraft, Job] | None = None
            for rank, place in enumerate(ledgers[index].places()):
                for aircraft in candidates:
                    job = state.cargo_job(aircraft, index, place)
                    if job is None:
                        continue
                    delay = (job.reposition.duration_h if job.reposition else 0.0) + crew_delay_h(state, aircraft, job)
                    if best is None or (delay, rank, aircraft.number) < best[:3]:
                        best = (delay, rank, aircraft.number, aircraft, job)
            if best is not None:
                return Assignment(best[3], best[4])
        return None


def trip_h(trip) -> float:  # noqa: ANN001 - a Trip
    """Hours from take-off to the end of the trip, fuel stops included."""
    return trip.flight_h + trip.stop_h


def delivery_h(aircraft: Aircraft, job: Job) -> float:
    """Hours from now until the job's cargo is offloaded, if nothing waits: repositioning, onload, the
    loaded trip and the offload."""
    kind = aircraft.type
    reposition = trip_h(job.reposition) if job.reposition else 0.0
    return reposition + kind.onload_h + trip_h(job.trip) + kind.offload_h


class _Scored:
    """A rule that scores every (aircraft, requirement, place) a requirement at a time, requirements in
    first-come order (so priorities, scarce capability and the oldest waiting ton still come first); the
    best score wins.
    Ties go to the aircraft that has flown least so far (the work is spread over the fleet), then to the
    lowest aircraft number."""

    def score(self, aircraft: Aircraft, job: Job, crew_wait_h: float = 0.0) -> float:
        """Smaller is better; ``crew_wait_h``: hours the first take-off waits for a crew."""
        raise NotImplementedError

    def choose(self, state: DispatchState) -> Assignment | None:
        ledgers = state.ledgers
        order = first_come_order(state)
        candidates = interchangeable(state, lambda a: (round(state.crew_wait_h(a), 9), a.flight_h, a.number))
        for index in order:
            best: tuple[float, float, int, Aircraft, Job] | None = None
            for place in ledgers[index].places():
                for aircraft in candidates:
                    job = state.cargo_job(aircraft, index, place)
                    if job is None:
                        continue
                    key = (round(self.score(aircraft, job, crew_delay_h(state, aircraft, job)), 9), aircraft.flight_h,
                           aircraft.number)
                    if best is None or key < best[:3]:
                        best = (*key, aircraft, job)
            if best is not None:
                return Assignment(best[3], best[4])
        return None


class SoonestDelivery(_Scored):
    """Each requirement in first-come order gets the aircraft that would finish delivering its load
    soonest (repositioning, onload, flight with its stops, offload): a slower type with shorter ground
    times, or one already nearer, wins when it delivers first."""

    def score(self, aircraft: Aircraft, job: Job, crew_wait_h: float = 0.0) -> float:
        return delivery_h(aircraft, job) + crew_wait_h


class MostTonKm(_Scored):
    """Each requirement in first-come order gets the aircraft that moves the most ton-km per hour of the
    job (load x routed km of the loaded trip / hours from now to the end of the offload)."""

    def score(self, aircraft: Aircraft, job: Job, crew_wait_h: float = 0.0) -> float:
        km = sum(h.distance_km for h in job.trip.hops)
        return -job.tons * km / max(delivery_h(aircraft, job) + crew_wait_h, 1e-9)


RULES: dict[str, type] = {"first_come": FirstCome, "soonest_delivery": SoonestDelivery, "most_ton_km": MostTonKm}


def rule_named(name: str) -> DispatchRule:
    """The dispatch rule a scenario names (``dispatch: {rule: ...}``)."""
    return RULES[name]()
