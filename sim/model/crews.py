"""Crews: who may fly the next hop, and when.

A crew of a type flies with one aircraft at a time. Its duty period starts ``crew_show_h`` before its
first take-off and ends ``crew_debrief_h`` after its last landing; it covers the ground time between
hops flown in the same period. A hop is flown only if it ends (debrief included) within
``crew_duty_h`` of the show, and if the crew's flight hours in the 30 days before its landing stay
within ``crew_flight_h_per_30d``. Otherwise the crew rests ``crew_rest_h`` from the end of its last duty
period, where it landed, and the aircraft takes a rested crew staged at that airfield, or waits.

Rest is counted from the last debrief, not from the moment the aircraft needs the crew again: the
crew went to rest while the aircraft was offloaded and serviced by the ground crew.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from sim.data.catalog import AircraftType

WINDOW_H: Final = 720.0  # the flight-hour limit counts the last 30 days (Final: compiled in as a constant)


@dataclass
class Crew:
    """One crew: where it is, its current duty period and its recent flying."""

    name: str  # e.g. "Il-76MD crew 7"
    type: str
    duty_start_h: float | None = None  # show time of the current (or last) duty period
    off_duty_h: float = -1e9  # end of the last duty period (last landing + debrief)
    # The flights still in the 30-day window, from index ``first`` of these three columns (take-off,
    # landing, and landing - take-off: hours flown); the landings rise, which lets a search find a window's start.
    # Lists of floats: the compiled search and sums read them natively (the flights that left the window are
    # dropped 64 at a time, which keeps them short).
    takeoffs: list[float] = field(default_factory=list)
    landings: list[float] = field(default_factory=list)
    lengths: list[float] = field(default_factory=list)
    sums: list[float] = field(default_factory=list)  # sums[j]: lengths[0] + ... + lengths[j], added in turn
    first: int = 0
    duty_h: float = 0.0  # hours on duty in past duty periods (for the summary)
    flown_total_h: float = 0.0
    kept_h: float = 0.0  # hours of the flights kept in ``flights`` (an upper bound on any window's)
    # The same hours summed as ``flown_h`` sums, oldest first from ``first``: no window's sum exceeds it
    # (``flown_at_most``), so a hop that fits with it needs no window summed.
    window_h: float = 0.0
    duty_periods: int = 0
    # Flight hours in the 30 days before the run's start (hour 0), spread evenly over them: they leave the
    # window at prior_h / 720 an hour, so the 30-day limit is a rate from the start, not a cliff on day 30.
    prior_h: float = 0.0

    @property
    def flights(self) -> list[tuple[float, float]]:
        """(take-off, landing) of the flights in the window, oldest first."""
        return list(zip(self.takeoffs[self.first:], self.landings[self.first:], strict=True))

    def prior_in_window_h(self, since_h: float) -> float:
        """The hours flown before the run's start (``prior_h``) that still count after ``since_h``."""
        return self.prior_h * min(1.0, -since_h / WINDOW_H) if since_h < 0 else 0.0

    def flown_h(self, since_h: float) -> float:
        """Flight hours after ``since_h``: the flights landed after it, the first cut at ``since_h``, summed
        oldest first."""
        prior = self.prior_in_window_h(since_h)
        k = self._landed_after(since_h)
        if k == len(self.landings):
            return prior
        start = self.takeoffs[k]
        # Every later flight took off after this one landed, so after since_h: it counts whole.
        return prior + sum(self.lengths[k + 1:], self.landings[k] - (start if start > since_h else since_h))

    def _landed_after(self, since_h: float) -> int:
        """The first flight from ``first`` on that landed after ``since_h``: ``bisect.bisect_right(self.landings,
        since_h, self.first)``, its steps written out (compiled, no call and no float object a step)."""
        landings = self.landings
        low, high = self.first, len(landings)
        while low < high:
            mid = (low + high) // 2
            if since_h < landings[mid]:
                high = mid
            else:
                low = mid + 1
        return low

    def flown_at_most(self, since_h: float) -> float:
        """A bound on ``flown_h(since_h)`` as computed, without a search or a sum: the prior hours still
        counting plus ``window_h``. ``flown_h`` sums the flights from the one cut at ``since_h`` on, that
        one cut short, starting from nothing; ``window_h`` sums the same flights in the same order after
        those before them, each whole: each rounded partial sum is at least the other's (rounding never
        reverses an order), so ``flown_h(s) <= flown_at_most(s)``, and a limit this bound meets
        ``flown_h`` meets too. (A billionth more covers a ``sum`` that compensates rounding, as Python
        3.12's does.)"""
        return self.prior_in_window_h(since_h) + self.window_h * (1.0 + 1e-9)

    def flown_bounds(self, since_h: float) -> tuple[float, float]:
        """Bounds (low, high) on ``flown_h(since_h)`` as computed, found with the search but without the sum:
        the prior hours still counting plus the first flight's hours after ``since_h`` (as ``flown_h`` has
        them) and the later flights' as a difference of ``sums``. A sum of n flights is within n / 2**53 of
        their exact total, which the billionth of the total taken off and added covers (n < 10**6: 30 days
        of flights); with no flight landed after ``since_h``, both are ``flown_h``'s answer."""
        prior = self.prior_in_window_h(since_h)
        k = self._landed_after(since_h)
        n = len(self.sums)
        if k == n:
            return prior, prior
        total = self.sums[n - 1]
        start = self.takeoffs[k]
        counted = self.landings[k] - (start if start > since_h else since_h) + (total - self.sums[k])
        slack = total * 1e-9
        return prior + (counted * (1.0 - 1e-9) - slack), prior + (counted * (1.0 + 1e-9) + slack)

    def earliest_takeoff(self, kind: AircraftType, now: float, flight_h: float) -> float:
        """Earliest take-off (h) at which this crew may fly a hop of ``flight_h``, from ``now``."""
        start = self.duty_start_h  # None before the first duty period
        if (start is not None and now < self.off_duty_h + kind.crew_rest_h  # the duty period continues
                and now + flight_h + kind.crew_debrief_h - start <= kind.crew_duty_h + 1e-9):
            takeoff = now
        else:  # a new duty period: after its rest, and after the show
            takeoff = max(now, self.off_duty_h + kind.crew_rest_h + kind.crew_show_h)
        return self._within_hours(kind, takeoff, flight_h)

    def _within_hours(self, kind: AircraftType, takeoff: float, flight_h: float) -> float:
        """The first take-off at or after ``takeoff`` that keeps the 30-day flight hours within the limit.

        The hours flown before ``landing - 30 days`` no longer count; as the take-off moves later, old
        flights leave the window, so the first legal take-off is found by bisection on the landing.
        """
        limit = kind.crew_flight_h_per_30d
        if flight_h > limit or self.kept_h + self.prior_h + flight_h <= limit + 1e-9:  # a hop beyond any allowance is never
            return takeoff  # refused; and if all kept flights leave room, so does every window
        if self._fits(takeoff, flight_h, limit):
            return takeoff
        low, high = takeoff, takeoff + WINDOW_H
        for _ in range(40):
            mid = (low + high) / 2
            if self._fits(mid, flight_h, limit):
                high = mid
            else:
                low = mid
        return high

    def _fits(self, takeoff: float, flight_h: float, limit: float) -> bool:
        """Do the 30-day flight hours at the landing of a hop of ``flight_h`` taking off at ``takeoff`` stay
        within ``limit``? The answer of the sum (``flown_h``), which is summed only when its bounds
        (``flown_at_most``, then ``flown_bounds``) leave it open: rounding never reverses an order, so room
        with an upper bound is room with the sum, and none with a lower bound none with the sum."""
        since = takeoff + flight_h - WINDOW_H
        room = limit + 1e-9
        if self.flown_at_most(since) + flight_h <= room:
            return True
        low, high = self.flown_bounds(since)
        if high + flight_h <= room:
            return True
        if low + flight_h > room:
            return False
        return self.flown_h(since) + flight_h <= room

    def take_off(self, kind: AircraftType, now: float) -> None:
        """The crew takes off now (at the time ``earliest_takeoff`` allowed)."""
        if self.duty_start_h is None or now >= self.off_duty_h + kind.crew_rest_h:
            if self.duty_start_h is not None:
                self.duty_h += self.off_duty_h - self.duty_start_h
            self.duty_start_h = now - kind.crew_show_h
            self.duty_periods += 1
        first = self.first
        while self.first < len(self.landings) and self.landings[self.first] <= now - WINDOW_H:
            self.kept_h -= self.lengths[self.first]
            self.first += 1
        if self.first != first:  # summed again, oldest first, as flown_h sums
            self.window_h = sum(self.lengths[self.first:], 0.0)
        if self.first > 64 and 2 * self.first > len(self.landings):  # drop what left the window
            for column in (self.takeoffs, self.landings, self.lengths):
                del column[:self.first]
            self.first = 0
            self.sums.clear()
            total = 0.0
            for length in self.lengths:
                total += length
                self.sums.append(total)

    def land(self, kind: AircraftType, takeoff: float, now: float) -> None:
        """The crew landed now after a hop flown from ``takeoff``."""
        self.takeoffs.append(takeoff)
        self.landings.append(now)
        self.lengths.append(now - takeoff)
        self.sums.append((self.sums[-1] if self.sums else 0.0) + (now - takeoff))
        self.flown_total_h += now - takeoff
        self.kept_h += now - takeoff
        self.window_h += now - takeoff
        self.off_duty_h = now + kind.crew_debrief_h

    def total_duty_h(self, end_h: float) -> float:
        """Hours on duty up to ``end_h``, the current period included."""
        if self.duty_start_h is None:
            return self.duty_h
        return self.duty_h + max(0.0, min(end_h, self.off_duty_h) - self.duty_start_h)


def longest_hop_h(kind: AircraftType) -> float:
    """The longest hop (h, take-off to landing) a crew of this type may fly: one that fits a duty period with
    the show before it and the debrief after it, and the 30-day flight hours."""
    return min(kind.crew_duty_h - kind.crew_show_h - kind.crew_debrief_h, kind.crew_flight_h_per_30d)


class CrewRoster:
    """The crews not aboard an aircraft, by (type, airfield); and the crews the scenario stages at some
    airfields (``crews_at``), which spare crews ride the airlift's own sorties to keep up."""

    def __init__(self) -> None:
        self.waiting: dict[tuple[str, str], list[Crew]] = {}
        self.all: list[Crew] = []
        self.targets: dict[tuple[str, str], int] = {}  # (type, airfield) -> crews staged there at the start
        self.inbound: dict[tuple[str, str], int] = {}  # crews riding as passengers towards an airfield
        self.positioned = 0  # crews moved as passengers so far

    def target(self, kind: str, airfield: str, crews: int) -> None:
        """The scenario stages ``crews`` of this type at ``airfield``: spare crews are sent to keep it so."""
        self.targets[(kind, airfield)] = self.targets.get((kind, airfield), 0) + crews

    def board(self, kind: AircraftType, origin: str, destination: str, now: float, flight_h: float) -> list[Crew]:
        """A spare crew that rides, as passengers, the sortie taking off now from ``origin`` to
        ``destination`` (landing after ``flight_h``), if ``destination`` will have fewer rested crews than it
        stages (counting those already on their way) and ``origin`` has a rested crew to spare beyond its own
        staged crews and one kept back: the crew rested longest goes. Riding counts as duty, not flight
        time: it rests when it arrives."""
        name = kind.name

        def rested(crew: Crew, at_h: float) -> bool:
            return crew.duty_start_h is None or crew.off_duty_h + kind.crew_rest_h <= at_h

        target = self.targets.get((name, destination), 0)
        if target == 0:
            return []
        ready = sum(rested(c, now + flight_h) for c in self.waiting.get((name, destination), ()))
        if ready + self.inbound.get((name, destination), 0) >= target:
            return []
        pool = self.waiting.get((name, origin), [])
        spare = [c for c in pool if rested(c, now)]
        if len(spare) <= self.targets.get((name, origin), 0) + 1:
            return []
        crew = min(spare, key=lambda c: (c.off_duty_h, c.name))
        pool.remove(crew)
        crew.take_off(kind, now)  # on duty from now (or still in the duty period it was in)
        self.inbound[(name, destination)] = self.inbound.get((name, destination), 0) + 1
        self.positioned += 1
        return [crew]

    def alight(self, crews: list[Crew], kind: AircraftType, bound_for: str, airfield: str, now: float) -> None:
        """The passenger crews landed now at ``airfield`` (bound for ``bound_for``): off duty after the
        debrief, they wait there."""
        for crew in crews:
            self.inbound[(kind.name, bound_for)] -= 1
            crew.off_duty_h = now + kind.crew_debrief_h
            self.add(crew, airfield)

    def earliest(self, own: Crew, kind: AircraftType, airfield: str, now: float, flight_h: float) -> float:
        """The earliest take-off (h) of a hop of ``flight_h`` from ``airfield`` by the aircraft's own crew or
        a crew waiting there (as ``choose`` would pick, without choosing)."""
        best = own.earliest_takeoff(kind, now, flight_h)
        if best > now:
            for crew in self.waiting.get((kind.name, airfield), []):
                best = min(best, crew.earliest_takeoff(kind, now, flight_h))
                if best - 1e-9 <= now:
                    break
        return best

    def add(self, crew: Crew, airfield: str) -> None:
        self.waiting.setdefault((crew.type, airfield), []).append(crew)

    def new(self, name: str, kind: str, airfield: str | None, prior_h: float = 0.0) -> Crew:
        """A new rested crew, staged at ``airfield`` (None: aboard an aircraft), with ``prior_h`` flight
        hours in the 30 days before the start."""
        crew = Crew(name, kind, prior_h=prior_h)
        self.all.append(crew)
        if airfield is not None:
            self.add(crew, airfield)
        return crew

    def choose(self, own: Crew, kind: AircraftType, airfield: str, now: float, flight_h: float) -> tuple[Crew, float]:
        """The crew to fly the next hop from ``airfield`` and its take-off time: the aircraft's own crew or
        a crew staged there, whichever may take off first (the own crew on a tie). The chosen crew boards;
        an own crew left behind rests there."""
        best, best_t = own, own.earliest_takeoff(kind, now, flight_h)
        pool = self.waiting.get((kind.name, airfield), [])
        if best_t > now:
            for crew in pool:
                t = crew.earliest_takeoff(kind, now, flight_h)
                if t < best_t - 1e-9:
                    best, best_t = crew, t
                    if best_t - 1e-9 <= now:  # no crew takes off before now: none later in the pool can win
                        break
        if best is not own:
            pool.remove(best)
            self.add(own, airfield)
        return best, best_t
