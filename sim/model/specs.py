"""What the model is asked to simulate, as typed runtime values in hours.

The scenario file speaks in days and is validated by pydantic (sim.scenario.schema); sim.scenario.compile
turns it, once, into these frozen values. The model reads only these, so it needs neither pydantic nor
days. Times are hours from the start of the run (00:00 of ``start_date``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sim.data.frozen import by_fields
from sim.model.packing import Piece

HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class RunSpec:
    """The run as a whole: its name, calendar, horizon and seed."""

    name: str
    description: str
    start_date: date  # hour 0 is 00:00 of this date
    horizon_h: float  # the run stops here
    seed: int
    scenario_hash: str  # of the scenario it was compiled from, for the summary

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


@dataclass(frozen=True)
class FleetSpec:
    """A group of identical aircraft starting at one base."""

    type: str
    count: int
    base: str
    crews: int = 0  # crews of this group, one aboard each aircraft, the rest at the base or ``crews_at``
    crews_at: tuple[tuple[str, int], ...] = ()  # (airfield, crews) staged away from the base
    serves: frozenset[int] | None = None  # dedicated to these requirement indices; None: any

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


@dataclass(frozen=True)
class OperationsSpec:
    """Which operating limits are on, and how idle aircraft are given work."""

    crews: bool = True  # crew duty, rest and 30-day flight-hour limits
    parking_holds: bool = True  # take off only with a parking spot held at the destination
    dispatch_rule: str = "first_come"
    return_to: str = "hub"  # after a delivery with no job: "hub" | "base" | "stay"
    # Flight hours each crew flew in the 30 days before the start, spread evenly; None: half its type's
    # 30-day limit (assumed, range 0 to the limit; see docs/explanation/crews-fuel-airspace.md).
    crew_prior_flight_h_per_30d: float | None = None
    min_load_frac: float = 0.5  # a cargo sortie leaves with at least this share of its planned load (assumed)
    crew_positioning: bool = True  # spare rested crews ride the airlift's sorties to refill staged crews

    def crew_prior_h(self, limit_h: float) -> float:
        """Hours a crew of a type with this 30-day limit flew in the 30 days before the start."""
        prior = 0.5 * limit_h if self.crew_prior_flight_h_per_30d is None else self.crew_prior_flight_h_per_30d
        return min(prior, limit_h)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


@dataclass(frozen=True)
class RequirementSpec:
    """Cargo to move from one airfield to another: a lump (``tons``) or a daily flow (``tons_per_day``).

    ``releases_t`` is what becomes available at ``start_h`` and then every 24 h: one release for a lump;
    for a flow, one a day until its end or the end of the run, the last one a fraction of a day's tons
    when the flow stops part-way through a day.
    """

    name: str  # the scenario's label, or FROM->TO
    from_: str
    to: str
    start_h: float
    releases_t: tuple[float, ...] = field(repr=False)
    tons: float | None = None  # a lump's total
    tons_per_day: float | None = None  # a flow's rate
    priority: int = 0  # higher is served first
    aircraft: tuple[str, ...] | None = None  # the only types allowed to serve it; None: any
    cargo_class: str = "bulk"  # class of the tons: bulk | oversize | outsize
    # A manifest (equipment and people, moved once): pieces by kind, passengers, and bulk tons beside them.
    # ``tons`` is then the whole mass: pieces + passengers x passenger_mass_t + bulk_t.
    pieces: tuple[tuple[Piece, int], ...] = ()
    passengers: int = 0
    passenger_mass_t: float = 0.1
    bulk_t: float = 0.0
    has_manifest: bool = False

    def releases(self) -> Iterator[tuple[float, float]]:
        """(hour, tons) of every release, the hour accumulated 24 h at a time as the simulation clock is."""
        hour = self.start_h
        for tons in self.releases_t:
            yield hour, tons
            hour += HOURS_PER_DAY

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


def may_serve(type_name: str, requirement: RequirementSpec) -> bool:
    """May aircraft of this type carry this requirement's cargo?"""
    return requirement.aircraft is None or type_name in requirement.aircraft


def carries_class(classes: tuple[str, ...], requirement: RequirementSpec) -> bool:
    """Does a type carrying ``classes`` take this requirement's tons? (A manifest is judged piece by piece
    when it is packed.)"""
    return requirement.has_manifest or requirement.cargo_class in classes


@dataclass(frozen=True)
class Distribution:
    """A positive random duration (h): gamma with this mean and coefficient of variation (cv 0 = fixed)."""

    mean: float
    cv: float

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


@dataclass(frozen=True)
class OutageSpec:
    """Random days when airfields cannot be used, from 00:00 for ``duration_h``."""

    probability_per_day: float
    duration_h: float
    airfields: tuple[str, ...]  # the airfields affected, in the order their processes start

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


@dataclass(frozen=True)
class StochasticSpec:
    """Randomness of a replication."""

    mission_capable: float  # share of aircraft able to fly at the start
    break_per_sortie: float
    repair_h: Distribution
    maintenance_at: frozenset[str]  # where repairs take the base time; elsewhere repair_away_factor times it
    repair_away_factor: float
    ground_time_cv: float
    outages: OutageSpec | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # pickles though frozen and compiled


