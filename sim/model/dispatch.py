"""Dispatch rules: which idle aircraft takes which waiting cargo.

The engine asks its rule for one assignment at a time, reserves the cargo and hands the job to the
aircraft, and asks again until the rule has none (every assignment changes what is waiting and who is
idle). Whether an aircraft *can* take some cargo (type allowed, airfields usable, a trip it can fly) is
the engine's ``cargo_job``; a rule only chooses among the jobs it offers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, NamedTuple, Protocol

from sim.model.aircraft import Aircraft, Job
from sim.model.cargo import CargoLedger
from sim.model.packing import Hold, Piece, carry_problem, hold_of, seats_people
from sim.model.specs import RequirementSpec, carries_class, may_serve


class DispatchState(Protocol):
    """The running model, as a dispatch rule sees it."""

    ledgers: list[CargoLedger]  # one per requirement, in scenario order
    @property
    def idle(self) -> IdleAircraft | list[Aircraft]: ...

    @property
    def requirements(self) -> Sequence[RequirementSpec]: ...

    @property
    def capable_types(self) -> Sequence[int]: ...  # per requirement, the fleet's types that can carry some of it

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


def carries_piece(piece: Piece, hold: Hold) -> bool:
    """Can a type with this hold ever carry ``piece``?"""
    return carry_problem(piece, hold) is None


def capable_type_counts(requirements: Sequence[RequirementSpec], types: Sequence[Any]) -> list[int]:
    """For each requirement, how many of these aircraft types can carry its scarcest part: the types it
    allows that take its class; for equipment and people, the fewest types that can carry any one of its
    piece kinds, its passengers or its bulk (a battalion whose launchers only the An-124 takes counts 1)."""

    holds = [(kind.name, hold_of(kind)) for kind in types]

    def parts(req: RequirementSpec) -> list[Callable[[Hold], bool]]:
        if not req.has_manifest:
            return [lambda hold: carries_class(hold.classes, req)]
        out: list[Callable[[Hold], bool]] = [partial(carries_piece, piece) for piece, _ in req.pieces]
        if req.passengers > 0:
            out.append(seats_people)
        if req.bulk_t > 0:
            out.append(lambda hold: "bulk" in hold.classes)
        return out

    return [min((sum(may_serve(name, req) and part(hold) for name, hold in holds) for part in parts(req)),
                default=len(holds)) for req in requirements]


def interchangeable_key(aircraft: Aircraft) -> tuple:
    """What makes two idle aircraft interchangeable: type, place, fuel and the requirements it may serve.
    None of these changes while an aircraft stands idle (it moves, burns and flies only on a job)."""
    return (aircraft.type.name, aircraft.location, aircraft.fuel_state, aircraft.serves)


def by_number(aircraft: Aircraft) -> int:
    """Preference among interchangeable aircraft: the lowest number."""
    return aircraft.number


def by_flight_h(aircraft: Aircraft) -> tuple[float, int]:
    """Preference among interchangeable aircraft: the one that has flown least, then the lowest number."""
    return (aircraft.flight_h, aircraft.number)


def preferred(state: DispatchState, static: Callable[[Aircraft], Any],
              with_crews: Callable[[Aircraft], Any]) -> list[Aircraft]:
    """``interchangeable`` by ``static`` when crews are not modelled, else by ``with_crews``: an aircraft
    whose crew may fly now first (the wait for a crew changes with the clock, so it is not kept)."""
    # Crews are modelled for every aircraft or none; anything else is asked the wait (always right, slower).
    crews_off = not state.idle or getattr(state.idle[0], "crew", True) is None
    return interchangeable(state, static) if crews_off else interchangeable(state, with_crews, dynamic=True)


def interchangeable(state: DispatchState, preference: Callable[[Aircraft], Any],
                    dynamic: bool = False) -> list[Aircraft]:
    """One idle aircraft per group of interchangeable ones (same type, place, fuel and requirements it
    may serve), the one ``preference`` ranks first, groups in the order of their first idle aircraft
    (``dynamic``: a preference that changes while they stand idle, worked out at each call):
    planning for one of each keeps dispatch cheap with hundreds of idle aircraft. An ``IdleAircraft``
    list keeps the groups as aircraft come and go, so this costs the number of groups, not of idle
    aircraft (2,000 aircraft: 72 of 132 s went here); ``interchangeable_plain`` is the computation it keeps."""
    if isinstance(state.idle, IdleAircraft):
        return state.idle.chosen(preference, dynamic)
    return interchangeable_plain(state.idle, preference)


def interchangeable_plain(idle: Sequence[Aircraft], preference: Callable[[Aircraft], Any]) -> list[Aircraft]:
    """``interchangeable`` computed from the whole list of idle aircraft."""
    chosen: dict[tuple, Aircraft] = {}
    for aircraft in idle:
        key = interchangeable_key(aircraft)
        if key not in chosen or preference(aircraft) < preference(chosen[key]):
            chosen[key] = aircraft
    return list(chosen.values())


class IdleAircraft:
    """The idle aircraft in the order they became idle (append and remove only), grouped as
    ``interchangeable`` groups them, with each group's preferred aircraft kept per preference."""

    def __init__(self) -> None:
        self._list: list[Aircraft] = []
        self._seq = 0
        self._key: dict[int, tuple] = {}  # id(aircraft) -> its group key, fixed while it is idle
        self._order: dict[int, int] = {}  # id(aircraft) -> when it became idle (list order)
        self._groups: dict[tuple, dict[int, Aircraft]] = {}  # members in list order
        self._best: dict[Callable[[Aircraft], Any], dict[tuple, Aircraft]] = {}

    def __len__(self) -> int:
        return len(self._list)

    def __iter__(self) -> Iterator[Aircraft]:
        return iter(self._list)

    def __getitem__(self, index: int) -> Aircraft:
        return self._list[index]

    def append(self, aircraft: Aircraft) -> None:
        self._list.append(aircraft)
        key = self._key[id(aircraft)] = interchangeable_key(aircraft)
        self._seq += 1
        self._order[id(aircraft)] = self._seq
        self._groups.setdefault(key, {})[id(aircraft)] = aircraft
        for preference, best in self._best.items():
            if key in best and preference(aircraft) < preference(best[key]):
                best[key] = aircraft

    def remove(self, aircraft: Aircraft) -> None:
        self._list.remove(aircraft)
        key = self._key.pop(id(aircraft))
        del self._order[id(aircraft)]
        members = self._groups[key]
        del members[id(aircraft)]
        if not members:
            del self._groups[key]
        for best in self._best.values():
            if best.get(key) is aircraft:
                del best[key]  # found again when next asked

    def chosen(self, preference: Callable[[Aircraft], Any], dynamic: bool = False) -> list[Aircraft]:
        """``interchangeable_plain(self, preference)``, from the groups; a ``dynamic`` preference (one that
        changes while aircraft stand idle) is worked out afresh, not kept."""
        best: dict[tuple, Aircraft] = {} if dynamic else self._best.setdefault(preference, {})
        out = []
        for key, members in self._groups.items():
            if key not in best:  # ties: the first in list order, as plain; one member is its group's best unasked
                best[key] = min(members.values(), key=preference) if len(members) > 1 else next(iter(members.values()))
            out.append(best[key])
        if len(out) > 1:
            out.sort(key=lambda a: self._order[id(self._first(a))])
        return out

    def _first(self, aircraft: Aircraft) -> Aircraft:
        """The group member of ``aircraft`` that became idle first."""
        return next(iter(self._groups[self._key[id(aircraft)]].values()))

    def __contains__(self, aircraft: object) -> bool:
        return id(aircraft) in self._key



def offers(state: DispatchState, index: int, places: list[str], candidates: list[Aircraft]
           ) -> list[tuple[int, Aircraft, Job]]:
    """(rank of the place, aircraft, job) of every job carrying requirement ``index``'s cargo from one of
    ``places`` that one of ``candidates`` can take, places first, in the order given."""
    out = []
    for rank, place in enumerate(places):
        for aircraft in candidates:
            job = state.cargo_job(aircraft, index, place)
            if job is not None:
                out.append((rank, aircraft, job))
    return out


def best_offer(jobs: list[tuple[int, Aircraft, Job]], key: Callable[[tuple[int, Aircraft, Job]], Any]
               ) -> tuple[int, Aircraft, Job]:
    """The offer with the least ``key`` (ties: the first); a single offer is the best without its key being
    worked out (a crew's delay, a score)."""
    return jobs[0] if len(jobs) == 1 else min(jobs, key=key)


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
        candidates = preferred(state, by_number, lambda a: (round(state.crew_wait_h(a), 9), a.number))
        for index in order:
            # Wherever the requirement's cargo waits, the aircraft that can start loading soonest takes it.
            jobs = offers(state, index, ledgers[index].places(), candidates)
            if jobs:
                _, aircraft, job = best_offer(jobs, lambda offer: (
                    (offer[2].reposition.duration_h if offer[2].reposition else 0.0)
                    + crew_delay_h(state, offer[1], offer[2]), offer[0], offer[1].number))
                return Assignment(aircraft, job)
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
        candidates = preferred(state, by_flight_h,
                               lambda a: (round(state.crew_wait_h(a), 9), a.flight_h, a.number))
        for index in order:
            jobs = offers(state, index, ledgers[index].places(), candidates)
            if jobs:
                _, aircraft, job = best_offer(jobs, lambda offer: (
                    round(self.score(offer[1], offer[2], crew_delay_h(state, offer[1], offer[2])), 9),
                    offer[1].flight_h, offer[1].number))
                return Assignment(aircraft, job)
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
