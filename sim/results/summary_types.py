"""The summary record (summary.json), declared once: each section as a ``TypedDict``.

``sim.results.tables.summarise`` writes a :class:`Summary` for one run; a replicated run
(``sim.experiments.replications.replicated_summary``) writes the same record averaged over its
replications, with the keys declared ``NotRequired`` below added: the spreads and 95 % intervals
(:class:`Spreads`), per requirement ``p_closed`` and its spreads, ``replication`` in the rows it lists
from every replication, ``replications`` (:class:`ReplicationStats`) and ``stochastic``. A summary stays a
plain dict, written to summary.json as it is. Counts are declared ``float`` where a replicated summary
holds their mean (whole numbers in one run). ``tests/results/test_summary_types.py`` checks that real
summaries have exactly these keys.
"""

# No ``from __future__ import annotations``: with it, Python 3.11 does not see ``NotRequired`` in a class
# body and counts those keys as required at runtime (``__required_keys__``, which the test reads).
from typing import Any, Literal, NotRequired, TypedDict

HeadlineFigure = Literal["requested_t", "delivered_t", "in_transit_t", "backlog_t", "mean_daily_t", "sorties",
                         "flight_h", "fuel_t", "repairs", "repair_h"]
"""The figures a replicated run gives a mean, 95 % CI and spread of (``ReplicationStats``)."""


# --- the rows and tables of one run -------------------------------------------------------------------


class OperationsRules(TypedDict):
    """The operating rules the run followed (``operations``)."""

    crews: bool
    parking_holds: bool
    dispatch_rule: str
    return_to: str


class StrandedRow(TypedDict):
    """An aircraft left without fuel where none can be had (``stranded``; ``to_h`` None: still at the end)."""

    replication: NotRequired[int]  # a replicated run: the replication the row is from
    aircraft: str
    type: str
    airfield: str
    from_h: float
    to_h: float | None
    fuel_t: float


class AirborneRow(TypedDict):
    """A hop still in the air at the end of the run (``airborne_at_end``)."""

    replication: NotRequired[int]  # a replicated run: the replication the row is from
    aircraft: str
    origin: str
    destination: str
    depart_h: float


class GridlockRow(TypedDict):
    """The run ended gridlocked (``gridlock``: one row, or none)."""

    replication: NotRequired[int]  # a replicated run: the replication the row is from
    since_h: float
    aircraft_waiting: int
    airfields: str  # comma-joined
    cargo_waiting_t: float


class AirfieldClosureRow(TypedDict):
    """An airfield closure or outage as it happened (``closures``; ``to_h`` None: closed at the end)."""

    replication: NotRequired[int]  # a replicated run: the replication the row is from
    airfield: str
    from_h: float
    to_h: float | None
    cause: str  # "closed" (an event) or "outage"


RequirementRow = TypedDict("RequirementRow", {
    "requirement": str,
    "from": str,
    "to": str,
    "requested_t": float,
    "delivered_t": float,
    "in_transit_t": float,
    "backlog_t": float,
    "waiting_at_t": dict[str, float],  # the backlog per airfield where it waits
    "sorties": float,
    "closure_day": int | None,  # replicated: the median day (None when fewer than half close)
    "closure_date": str | None,
    # replicated only: the share of replications that closed, and the spread and 95 % CI of the mean
    "p_closed": NotRequired[float],
    "delivered_t_p10": NotRequired[float],
    "delivered_t_p90": NotRequired[float],
    "delivered_t_ci95_low": NotRequired[float],
    "delivered_t_ci95_high": NotRequired[float],
    "backlog_t_p10": NotRequired[float],
    "backlog_t_p90": NotRequired[float],
    "backlog_t_ci95_low": NotRequired[float],
    "backlog_t_ci95_high": NotRequired[float],
    "closure_day_p10": NotRequired[int | None],
    "closure_day_p90": NotRequired[int | None],
})
RequirementRow.__doc__ = "One requirement's tons, sorties and closure (``by_requirement``)."


class CargoClassFigures(TypedDict):
    """Tons of one cargo class; for passengers also heads (``requested``, ``delivered``, ``undelivered``)."""

    requested_t: float
    delivered_t: float
    requested: NotRequired[float]  # passengers only: heads
    delivered: NotRequired[float]  # passengers only: heads
    undelivered_t: float  # waiting, or aboard at the end
    undelivered: NotRequired[float]  # passengers only: heads


CargoItemFigures = TypedDict("CargoItemFigures", {
    "class": str,
    "mass_t": float,
    "requested": float,  # pieces
    "delivered": float,
    "sorties_by_type": dict[str, float],  # deliveries by aircraft type that carried the item
    "undelivered": float,
})
CargoItemFigures.__doc__ = "Pieces of one item requested, delivered and not, and the sorties by type that carried it."


class CargoSummary(TypedDict):
    """Cargo by class and by named item (``cargo``)."""

    by_class: dict[str, CargoClassFigures]
    by_item: dict[str, CargoItemFigures]


class DestinationFigures(TypedDict):
    """Tons and sorties delivered to one destination (``by_destination``)."""

    delivered_t: float
    sorties: float
    mean_payload_t: float
    mean_daily_t: float


class CrewFigures(TypedDict):
    """One aircraft type's crews and the hours its aircraft held for crews and parking."""

    crews: int
    crew_duty_share: float | None  # share of the crews' time on duty (None: no crews)
    max_crew_flight_h: float | None  # the most one crew flew
    crew_wait_h: float
    parking_hold_h: float


class AircraftTypeFigures(CrewFigures):
    """One aircraft type's aircraft, sorties, tons, hours and fuel, then its crew figures (``by_aircraft_type``)."""

    aircraft: int
    sorties: float
    delivered_t: float
    flight_h: float
    fuel_t: float
    mean_payload_t: float
    flight_h_per_aircraft_day: float


class AirfieldFigures(TypedDict):
    """One airfield used: its limits, turns and waits for a spot, peaks on the ground, holds (``airfields``)."""

    name: str
    country: str
    mog: int
    parking_mog: int
    fuel: bool
    runway_m: float | None  # None: not known
    turns: float
    mean_wait_h: float
    max_wait_h: float
    peak_on_ground: float
    peak_parking_held: float
    holds_here: float
    max_hold_h: float


InfeasibleLeg = TypedDict("InfeasibleLeg", {
    "requirement": str,
    "from": str,
    "to": str,
    "type": str,
    "from_day": float,
    "airspace": str,
    "route_km": float | None,
    "reason": str,
})
InfeasibleLeg.__doc__ = "A requirement leg one fleet type cannot fly at all in one airspace phase (``infeasible_legs``)."


class EventRow(TypedDict):
    """A scenario event (``events``)."""

    day: float
    date: str | None
    what: str


class RoutedLeg(TypedDict):
    """A leg whose distance the scenario gave (``routed_legs``)."""

    leg: str  # "A->B"
    note: str


RouteRow = TypedDict("RouteRow", {
    "from": str,
    "to": str,
    "great_circle_km": float,
    "route_km": float | None,  # None: no legal route
    "overflies": list[str],
    "notes": list[str],
})
RouteRow.__doc__ = "The legal route of one airfield pair in one airspace phase."


class AirspacePhase(TypedDict):
    """One airspace phase (day 0 and each airspace event): the policy and its routes."""

    from_day: float
    label: str
    closed: list[str]
    rules: list[str]
    territorial_nm: float
    routes: list[RouteRow]


UnroutableLeg = TypedDict("UnroutableLeg", {"from": str, "to": str, "from_day": float, "airspace": str, "reason": str})
UnroutableLeg.__doc__ = "A requirement leg with no legal route in some phase."


class AirspaceSummary(TypedDict):
    """Airspace phases, and the requirement legs with no legal route (``airspace``)."""

    phases: list[AirspacePhase]
    unroutable_legs: list[UnroutableLeg]


class InputValue(TypedDict):
    """One catalogue number the run used, with its grade and source."""

    value: Any  # a number, flag, text or table, as the catalogue holds it
    grade: str
    source: str


class InputRange(InputValue, total=False):
    """A catalogue number with the range it may lie in (None: no range)."""

    low: Any
    high: Any


class Inputs(TypedDict):
    """Every catalogue number the run used (``inputs``)."""

    airportsdata_version: str
    countries: dict[str, Any] | None  # where the country polygons come from, when the run uses airspace
    territorial_nm: InputRange
    aircraft: dict[str, dict[str, InputValue]]  # per type, per field
    airfields: dict[str, dict[str, InputValue]]  # per airfield, per field


# --- the parts of the summary, in the order summary.json holds them ------------------------------------


class Headline(TypedDict):
    """The run's identity and its tons requested, delivered, in transit and waiting at the end."""

    scenario: str
    description: str
    start_date: str
    days: int
    seed: int
    scenario_hash: str
    package_version: str
    requested_t: float
    delivered_t: float
    in_transit_t: float
    backlog_t: float


class Flying(TypedDict):
    """Sorties, legs, flight hours, fuel, repairs and diversions."""

    sorties: float
    legs_flown: float
    flight_h: float
    fuel_t: float  # flight_fuel_t + taxi_climb_fuel_t
    flight_fuel_t: float
    taxi_climb_fuel_t: float
    repairs: float
    repair_h: float
    diversions: float


class Waits(TypedDict):
    """The operating rules, and how often and how long aircraft waited for crews and parking."""

    operations: OperationsRules
    crew_waits: float
    crew_wait_h: float
    parking_holds: float
    parking_hold_h: float


class Strandings(TypedDict):
    """Aircraft stranded, airborne at the end, gridlock and airfield closures."""

    stranded: list[StrandedRow]
    stranded_at_end: float
    airborne_at_end: list[AirborneRow]
    gridlock: list[GridlockRow]
    closures: list[AirfieldClosureRow]


class ClosureFigures(TypedDict):
    """The day all requested tons were delivered, the mean daily tons, and the fuel stops used."""

    closure_day: int | None  # replicated: the median day (None when fewer than half close)
    closure_date: str | None
    mean_daily_t: float
    fuel_stops_used: list[str]


class Breakdowns(TypedDict):
    """The run broken down by requirement, cargo, destination, aircraft type and airfield."""

    by_requirement: list[RequirementRow]
    cargo: CargoSummary
    by_destination: dict[str, DestinationFigures]
    by_aircraft_type: dict[str, AircraftTypeFigures]
    airfields: dict[str, AirfieldFigures]


class Context(TypedDict):
    """What shaped the run: infeasible legs, events, routed legs, airspace, and the inputs used."""

    infeasible_legs: list[InfeasibleLeg]
    events: list[EventRow]
    routed_legs: list[RoutedLeg]
    airspace: AirspaceSummary
    inputs: Inputs


class MeanAndSpread(TypedDict):
    """One figure over replications: the mean, the 95 % CI of the mean, and the spread of the outcomes
    (p10, p90: 80 % of the replications between)."""

    mean: float
    ci95_low: float
    ci95_high: float
    p10: float
    p90: float


class FigureStats(MeanAndSpread):
    """One headline figure over the replications: its ``MeanAndSpread``, then the least and the most."""

    min: float
    max: float


class ClosureStats(TypedDict):
    """Closure over the replications: P(closed by the end), the days by which 50/10/90 % had closed
    (None: fewer did), and P(closure <= d) for every day d."""

    p_closed: float
    median_day: int | None
    day_p10: int | None
    day_p90: int | None
    p_closure_by_day: list[float]


class ReplicationStats(TypedDict):
    """A replicated run's statistics (``replications``): per ``HeadlineFigure`` its ``FigureStats``."""

    replications: int
    confidence: float
    requested_t: FigureStats
    delivered_t: FigureStats
    in_transit_t: FigureStats
    backlog_t: FigureStats
    mean_daily_t: FigureStats
    sorties: FigureStats
    flight_h: FigureStats
    fuel_t: FigureStats
    repairs: FigureStats
    repair_h: FigureStats
    closure: ClosureStats
    traces: NotRequired[int]  # replications whose sorties and ground activities were kept


class Spreads(TypedDict, total=False):
    """A replicated run only: the spread of outcomes (p10, p90) and the 95 % CI of the mean of the main
    figures and the closure day's spread, then the statistics and the stochastic spec."""

    delivered_t_p10: float
    delivered_t_p90: float
    delivered_t_ci95_low: float
    delivered_t_ci95_high: float
    in_transit_t_p10: float
    in_transit_t_p90: float
    in_transit_t_ci95_low: float
    in_transit_t_ci95_high: float
    backlog_t_p10: float
    backlog_t_p90: float
    backlog_t_ci95_low: float
    backlog_t_ci95_high: float
    mean_daily_t_p10: float
    mean_daily_t_p90: float
    mean_daily_t_ci95_low: float
    mean_daily_t_ci95_high: float
    sorties_p10: float
    sorties_p90: float
    sorties_ci95_low: float
    sorties_ci95_high: float
    closure_day_p10: int | None
    closure_day_p90: int | None
    replications: ReplicationStats
    stochastic: dict[str, Any] | None  # the scenario's stochastic: block


class Summary(Headline, Flying, Waits, Strandings, ClosureFigures, Breakdowns, Context, Spreads):
    """The record written to summary.json: its parts in turn; a replicated run adds ``Spreads``."""


def replications_in(summary: Summary) -> int:
    """How many replications a summary averages (1: one run)."""
    reps = summary.get("replications")
    return reps["replications"] if reps else 1


class HeadlineSummary(Headline, Flying, ClosureFigures):
    """What a worker of replications, sweeps and studies summarises (``tables.headline_summary``): the parts of
    ``Summary`` a replication's record reads, with the same keys and values."""

    by_requirement: list[RequirementRow]
