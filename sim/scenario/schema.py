"""The scenario format: validated, frozen pydantic models (days, tons, idents as a planner writes them).

Loading from YAML with positions is in ``sim.scenario.loading``; catalogue checks in
``sim.scenario.references``; changes by path in ``sim.scenario.overrides``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from sim.errors import InputError, OverrideError
from sim.model.dispatch import RULES
from sim.model.packing import CARGO_CLASSES
from sim.scenario.fields import Ref, references
from sim.scenario.overrides import set_path
from sim.scenario.validation import validated

# References to the catalogues: the one place that says which fields name an airfield, a country or an
# aircraft type (sim.scenario.fields walks them for the catalogue checks, the airfield list and the editor).
AirfieldRef = Annotated[str, Ref("airfield"), Field(pattern=r"^[A-Z0-9]{3,6}$",
                                                    description="ICAO code or catalogue ident, e.g. OSLK")]
AircraftRef = Annotated[str, Ref("aircraft")]
Ident = AirfieldRef  # the former name
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]

# Sane limits: far above any real airlift, low enough that a typo cannot ask for more than a machine holds
# (``count: 1000000000`` passed once and took 7.6 GB). Every number must also be finite (no .inf, no 1e309).
MAX_AIRCRAFT = 5_000  # in the whole fleet (the largest air forces have a few hundred heavy transports)
MAX_TONS = 10_000_000.0  # one requirement's lump
MAX_TONS_PER_DAY = 1_000_000.0
MAX_DAY = 3650.0  # days: the longest horizon
MAX_PIECES = 100_000  # pieces of equipment in one requirement (each is packed)
MAX_PASSENGERS = 10_000_000
MAX_SPOTS = 10_000  # MOG or parking spots at one airfield
MAX_REQUIREMENTS = 5_000
MAX_FLEET_ENTRIES = 1_000
MAX_EVENTS = 100_000
Day = Annotated[float, Field(ge=0, le=MAX_DAY)]


def _country(value: Any) -> Any:
    """A country name or common spelling ("Turkey", "Türkiye") or a lower-case code -> its code."""
    if isinstance(value, str):
        from sim.data import countries

        return countries.resolve(value) or value
    return value


CountryRef = Annotated[str, Ref("country"), BeforeValidator(_country), Field(
    description="ISO-3 country code, group (EU, NATO) or country name (Turkey, Türkiye, Russia)")]
CountryCode = CountryRef  # the former name
# One country (no group), and a new airfield may bring a code the polygons do not have.
OneCountryRef = Annotated[str, Ref("country", groups=False), BeforeValidator(_country), Field(pattern=r"^[A-Z]{3}$")]

if TYPE_CHECKING:
    DispatchRuleName = str
    CargoClass = str
else:  # derived from the registries they name: a new rule or class is one entry there
    DispatchRuleName = Literal[tuple(RULES)]
    CargoClass = Literal[tuple(c for c in CARGO_CLASSES if c != "passengers")]  # people are a head count


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class AircraftOverride(_Strict):
    """Per-type overrides of the aircraft catalogue (any subset of fields)."""

    max_payload_t: PositiveFloat | None = None
    payload_range: list[tuple[NonNegFloat, PositiveFloat]] | None = Field(
        None, min_length=2, description="published (payload_t, range_km) points"
    )
    cruise_speed_kmh: PositiveFloat | None = None
    block_allowance_h: NonNegFloat | None = None
    mtow_t: PositiveFloat | None = Field(None, description="maximum take-off mass")
    oew_t: PositiveFloat | None = Field(None, description="operating empty mass")
    max_landing_mass_t: PositiveFloat | None = None
    fuel_capacity_t: PositiveFloat | None = None
    fuel_burn_t_per_h: PositiveFloat | None = None
    runway_full_load_m: PositiveFloat | None = Field(None, description="runway needed to take off at MTOW")
    runway_min_m: NonNegFloat | None = None
    landing_distance_m: PositiveFloat | None = Field(None, description="runway needed to land at maximum landing mass")
    planning_load_t: PositiveFloat | None = None
    onload_h: NonNegFloat | None = Field(None, description="onload ground time, refuelling included")
    offload_h: NonNegFloat | None = Field(None, description="offload ground time, refuelling included")
    refuel_h: NonNegFloat | None = Field(None, description="added to turns at fuel airfields when refuel_sequential")
    refuel_sequential: bool | None = None
    enroute_stop_h: NonNegFloat | None = Field(None, description="ground time of an en-route fuel stop")
    range_factor_km: PositiveFloat | None = Field(None, description="mass model K (default: fitted to payload_range)")
    reserve_fuel_t: NonNegFloat | None = Field(None, description="fuel aboard on landing (default: fitted)")
    range_reserve_frac: Annotated[float, Field(ge=0, le=1)] | None = None
    ute_h_per_day: Annotated[float, Field(gt=0, le=24)] | None = Field(
        None, description="flying hours per aircraft per day (UTE); absent = no cap")
    crews_per_aircraft: Annotated[float, Field(ge=1)] | None = Field(None, description="crew ratio: crews per aircraft")
    crew_duty_h: PositiveFloat | None = Field(None, description="longest crew duty period, show to debrief")
    crew_rest_h: NonNegFloat | None = Field(None, description="least rest between duty periods")
    crew_show_h: NonNegFloat | None = Field(None, description="duty before the first take-off of a duty period")
    crew_debrief_h: NonNegFloat | None = Field(None, description="duty after the last landing of a duty period")
    crew_flight_h_per_30d: PositiveFloat | None = Field(None, description="most flight hours of a crew in any 30 days")

    def values(self) -> dict[str, Any]:
        """The fields the scenario actually set."""
        return {k: v for k, v in self.model_dump(exclude_none=True).items()}


class FleetEntry(_Strict):
    """A group of identical aircraft starting at one base."""

    type: AircraftRef = Field(description="aircraft type name from the catalogue, e.g. Il-76MD")
    count: Annotated[int, Field(ge=0, le=MAX_AIRCRAFT, description="number of aircraft; 0 leaves the type out")]
    base: AirfieldRef
    crews_per_aircraft: Annotated[float, Field(ge=1)] | None = Field(
        None, description="crew ratio of this group (default: the type's)")
    crews_at: dict[AirfieldRef, Annotated[int, Field(ge=1, le=MAX_AIRCRAFT * 10)]] = Field(
        default_factory=dict, description="crews of this group staged at these airfields instead of the base")
    serves: list[str] | None = Field(
        None, min_length=1, description="dedicated: only these requirements (by label or FROM->TO)")


class Dispatch(_Strict):
    """How idle aircraft are given work."""

    rule: DispatchRuleName = Field("first_come", description=(
        "first_come: oldest waiting cargo first, the aircraft that can start loading soonest; "
        "soonest_delivery: the aircraft that would finish delivering soonest; "
        "most_ton_km: the assignment moving the most ton-km per hour of the job"))
    return_to: Literal["hub", "base", "stay"] = Field("hub", description=(
        "after a delivery with no job waiting: hub = fly back to the origin of the cargo just delivered, "
        "base = to the aircraft's base, stay = park where it is"))
    min_load_frac: Annotated[float, Field(ge=0, le=1)] = Field(0.5, description=(
        "a cargo sortie leaves only with at least this share of its planned load (the type's planning load, "
        "or what the trip can lift if less) waiting, unless the requirement has no more to come; "
        "0 = leave with any cargo"))


class Operations(_Strict):
    """Limits real operations impose; both on unless switched off."""

    crews: bool = Field(True, description="crew duty, rest and monthly flight-hour limits, crews per aircraft")
    parking_holds: bool = Field(True, description=(
        "an aircraft takes off only with a parking spot held for it at its destination; otherwise it holds"))
    crew_prior_flight_h_per_30d: Annotated[float, Field(ge=0)] | None = Field(None, description=(
        "flight hours each crew flew in the 30 days before the start, spread evenly over them (default: half "
        "its type's crew_flight_h_per_30d), so the 30-day limit acts as a rate from the start"))
    crew_positioning: bool = Field(True, description=(
        "spare rested crews ride the airlift's own sorties as passengers to airfields short of the crews "
        "staged there by crews_at"))


class AirfieldSettings(_Strict):
    """Per-airfield settings; with lat and lon it defines an airfield no catalogue has."""

    mog: Annotated[int, Field(ge=1, le=MAX_SPOTS)] | None = Field(None, description="working spots (load, offload, refuel)")
    parking_mog: Annotated[int, Field(ge=1, le=MAX_SPOTS)] | None = Field(
        None, description="every spot a heavy transport can stand on, working spots included")
    fuel: bool | None = None
    runway_m: PositiveFloat | None = None
    name: str | None = None
    country: OneCountryRef | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _lat_lon_together(self) -> AirfieldSettings:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self

    def overrides(self) -> dict[str, Any]:
        """The catalogue fields this entry changes."""
        fields = {"mog", "parking_mog", "fuel", "runway_m", "name", "country", "lat", "lon"}
        return self.model_dump(exclude_none=True, include=fields)


class ItemSpec(_Strict):
    """Pieces of equipment: an item of the equipment catalogue (``item``) or one described here."""

    item: str | None = Field(None, description="key in sim/data/equipment.yaml, e.g. 5P85SM2, BTR-82A, pallet")
    count: Annotated[int, Field(ge=1, le=MAX_PIECES, description="pieces of this item (default 1)")] = 1
    name: str | None = Field(None, description="a piece not in the catalogue: its name, with mass and dimensions")
    mass_t: PositiveFloat | None = None
    length_m: PositiveFloat | None = None
    width_m: PositiveFloat | None = None
    height_m: PositiveFloat | None = None
    cargo_class: CargoClass = Field("oversize", alias="class", description="class of a piece described here")

    @model_validator(mode="after")
    def _check(self) -> ItemSpec:
        dims = (self.mass_t, self.length_m, self.width_m, self.height_m)
        if (self.item is None) == (self.name is None):
            raise ValueError("give item (a catalogue key) or name (with mass_t, length_m, width_m, height_m)")
        if self.name is not None and any(d is None for d in dims):
            missing = [k for k, d in zip(("mass_t", "length_m", "width_m", "height_m"), dims, strict=True) if d is None]
            raise ValueError(f"a piece described here needs mass_t, length_m, width_m and height_m; "
                             f"missing: {', '.join(missing)}")
        if self.item is not None and any(d is not None for d in dims):
            raise ValueError("a catalogue item takes its mass and dimensions from the catalogue")
        return self

    @property
    def key(self) -> str:
        return self.item if self.item is not None else str(self.name)


class Requirement(_Strict):
    """Cargo to move from one airfield to another: a lump (``tons`` at ``day``), a daily flow, or equipment
    (``items``) and people (``passengers``), with or without bulk ``tons``, all available at ``day``."""

    from_: AirfieldRef = Field(alias="from")
    to: AirfieldRef
    tons: Annotated[float, Field(gt=0, le=MAX_TONS)] | None = Field(None, description="total tons, all available at `day`")
    tons_per_day: Annotated[float, Field(gt=0, le=MAX_TONS_PER_DAY)] | None = Field(
        None, description="daily flow, generated at the start of each day")
    day: Day = Field(0, description="day the cargo becomes available (the first day for a flow)")
    until_day: Day | None = Field(None, description="a flow stops before this day (default: end of run)")
    label: str | None = None
    priority: int = Field(0, description="higher is served first; equal priorities: oldest waiting ton first")
    aircraft: list[AircraftRef] | None = Field(None, min_length=1, description="only these types serve it (default: any)")
    cargo_class: CargoClass = Field("bulk", description="class of the tons: bulk, oversize (Il-76 or An-124) "
                                    "or outsize (An-124 only)")
    items: list[ItemSpec] | None = Field(None, min_length=1, description="pieces of equipment, packed per sortie")
    passengers: Annotated[int, Field(ge=1, le=MAX_PASSENGERS)] | None = Field(None, description="people to move (a head count)")

    @property
    def has_manifest(self) -> bool:
        """Items or passengers: moved as pieces and heads, not tons."""
        return self.items is not None or self.passengers is not None

    @model_validator(mode="after")
    def _check(self) -> Requirement:
        if self.has_manifest:
            if self.tons_per_day is not None:
                raise ValueError("items and passengers are moved once, at day: give tons (bulk) rather than tons_per_day")
            if self.tons is not None and self.cargo_class != "bulk":
                raise ValueError("tons beside items or passengers are bulk; give other classes as items")
            if sum(item.count for item in self.items or []) > MAX_PIECES:
                raise ValueError(f"more than {MAX_PIECES:,} pieces in one requirement")
        elif (self.tons is None) == (self.tons_per_day is None):
            raise ValueError("give exactly one of tons or tons_per_day (or items, or passengers)")
        if self.from_ == self.to:
            raise ValueError(f"from and to are the same airfield ({self.to})")
        if self.until_day is not None and self.tons is not None:
            raise ValueError("until_day applies only to tons_per_day")
        if self.until_day is not None and self.until_day <= self.day:
            raise ValueError("until_day must be after day")
        return self

    @property
    def name(self) -> str:
        """Label for tables: the user's label or FROM->TO."""
        return self.label or f"{self.from_}->{self.to}"


class AirspaceRuleSpec(_Strict):
    """Countries closed only to flights bound for, or coming from, some countries."""

    closed: Annotated[list[CountryRef], Field(min_length=1)]
    flights_to: list[CountryRef] = Field(default_factory=list, description="destination countries the rule applies to")
    flights_from: list[CountryRef] = Field(default_factory=list, description="origin countries the rule applies to")
    source: str | None = None

    @model_validator(mode="after")
    def _has_scope(self) -> AirspaceRuleSpec:
        if not self.flights_to and not self.flights_from:
            raise ValueError("a rule needs flights_to or flights_from; put countries closed to all flights under closed")
        return self


class AirspaceSpec(_Strict):
    """Closed airspace at the start of the run."""

    situation: str | None = Field(None, description="named situation from sim/data/airspace.yaml, e.g. dec2024")
    closed: list[CountryRef] = Field(default_factory=list, description="countries or groups closed to every flight")
    open: list[CountryRef] = Field(default_factory=list, description="countries opened after the situation applies")
    rules: list[AirspaceRuleSpec] = Field(default_factory=list)
    territorial_nm: Annotated[float, Field(ge=0, le=200)] | None = None


class Distribution(_Strict):
    """A positive random duration: gamma with this mean and coefficient of variation (cv 0 = fixed)."""

    mean: PositiveFloat
    cv: Annotated[float, Field(ge=0, le=5)] = 0.5


class Outages(_Strict):
    """Random days when airfields cannot be used (weather, strikes on the runway)."""

    probability_per_day: Annotated[float, Field(ge=0, le=1)]
    duration_h: Annotated[float, Field(gt=0, le=24)] = 24.0
    airfields: list[AirfieldRef] = Field(default_factory=list, description="airfields affected (default: every requirement's)")


class StochasticSpec(_Strict):
    """Randomness of a replication. Absent from a scenario = deterministic."""

    replications: Annotated[int, Field(ge=1, le=100_000)] = 30
    mission_capable: Annotated[float, Field(gt=0, le=1)] = 1.0
    break_per_sortie: Annotated[float, Field(ge=0, lt=1)] = 0.0
    repair_h: Distribution = Field(default_factory=lambda: Distribution(mean=24.0, cv=0.5))
    maintenance_at: list[AirfieldRef] | None = Field(None, description="airfields with maintenance (default: fleet bases)")
    repair_away_factor: Annotated[float, Field(ge=1)] = 2.0
    ground_time_cv: Annotated[float, Field(ge=0, le=5)] = 0.0
    outages: Outages | None = None


class SweepSpec(_Strict):
    """Values to sweep: scenario paths and their values ("4:20:2" or "5,10,20" or a list)."""

    set: dict[str, str | list[Any]] = Field(min_length=1)
    replications: Annotated[int, Field(ge=1)] | None = None


class Event(_Strict):
    """Something that happens at a day: exactly one action."""

    day: Day
    close: AirfieldRef | None = None
    reopen: AirfieldRef | None = None
    mog: dict[AirfieldRef, Annotated[int, Field(ge=0, le=MAX_SPOTS)]] | None = Field(None, description="new MOG per airfield")
    close_airspace: list[CountryRef] | None = Field(None, min_length=1, description="countries closed to every flight")
    open_airspace: list[CountryRef] | None = Field(None, min_length=1, description="countries opened to every flight")

    @model_validator(mode="after")
    def _one_action(self) -> Event:
        # Every field but the day is an action (one per event kind in sim/model/events.py).
        actions = [name for name in type(self).model_fields if name != "day"]
        if sum(getattr(self, name) is not None for name in actions) != 1:
            raise ValueError(f"give exactly one of {', '.join(actions[:-1])} or {actions[-1]}")
        return self


class LegOverride(_Strict):
    """A planner-supplied routed distance between two airfields (both directions)."""

    from_: AirfieldRef = Field(alias="from")
    to: AirfieldRef
    distance_km: PositiveFloat
    via: str | None = Field(None, description="the routing, in words")
    source: str | None = None

    @model_validator(mode="after")
    def _check(self) -> LegOverride:
        if self.from_ == self.to:
            raise ValueError(f"from and to are the same airfield ({self.to})")
        return self


class Scenario(_Strict):
    """A complete airlift scenario. Times are in days here; the model works in hours."""

    schema_version: Literal[1] = 1
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=80)]
    description: str = ""
    start_date: date
    days: Annotated[int, Field(ge=1, le=3650)]
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    aircraft: dict[AircraftRef, AircraftOverride] = Field(default_factory=dict)
    fleet: Annotated[list[FleetEntry], Field(min_length=1, max_length=MAX_FLEET_ENTRIES)]
    airfields: dict[AirfieldRef, AirfieldSettings] = Field(default_factory=dict)
    requirements: Annotated[list[Requirement], Field(min_length=1, max_length=MAX_REQUIREMENTS)]
    events: list[Event] = Field(default_factory=list, max_length=MAX_EVENTS)
    airspace: AirspaceSpec | None = Field(None, description="closed airspace; absent means open skies")
    legs: list[LegOverride] = Field(default_factory=list)
    fuel_stops: list[AirfieldRef] = Field(
        default_factory=list, description="extra airfields that may serve as en-route fuel stops"
    )
    catalogue_fuel_stops: bool = Field(
        True, description="let the model also stop at catalogue airfields with fuel near the route"
    )
    stochastic: StochasticSpec | None = Field(None, description="randomness; absent means deterministic")
    operations: Operations = Field(default_factory=Operations)  # type: ignore[arg-type]
    dispatch: Dispatch = Field(default_factory=Dispatch)  # type: ignore[arg-type]
    sweep: SweepSpec | None = Field(None, description="default sweep for `airlift sweep`")
    uncertainty: dict[str, Any] | None = Field(None, description=(
        "inputs `airlift uncertainty` varies, by --set path: [LOW, HIGH] for a number, or a list of choices "
        "(e.g. airspace.open: [[], [GEO]]); these override or add to the catalogue ranges"))
    # scenario_hash() when load_scenario validated it (schema and catalogue): sim.run trusts an unchanged one
    _checked_hash: str | None = PrivateAttr(default=None)

    @field_validator("fleet")
    @classmethod
    def _fleet_a_machine_holds(cls, fleet: list[FleetEntry]) -> list[FleetEntry]:
        total = sum(entry.count for entry in fleet)
        if total > MAX_AIRCRAFT:
            raise ValueError(f"{total:,} aircraft in all; a scenario may have at most {MAX_AIRCRAFT:,}")
        return fleet

    @field_validator("events")
    @classmethod
    def _events_in_order(cls, events: list[Event]) -> list[Event]:
        # Keep the user's order among same-day events; sort by day.
        return sorted(events, key=lambda e: e.day)

    def with_(self, changes: dict[str, Any]) -> Scenario:
        """A new validated scenario with each path in ``changes`` set to its value, as ``--set`` does:
        ``scenario.with_({"fleet[0].count": 8, "events[0].day": 12})``.

        Raises OverrideError naming the path and value when a path does not exist or the changed
        scenario is not valid (schema and catalogue checks both).
        """
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        for path, value in changes.items():
            set_path(data, path, value)
        try:
            return validated(Scenario, data, None, "<dict>")  # a file's checks and wording: schema, catalogue
        except InputError as exc:
            shown = ", ".join(f"{p}={v}" for p, v in changes.items())
            raise OverrideError("; ".join(f"{shown}: {p.path}: {p.message}" for p in exc.problems)) from None

    def scenario_hash(self) -> str:
        """sha256 of the validated content: immune to comments, key order and formatting."""
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def warnings(self) -> list[str]:
        """Things valid but likely unmeant, one line each: an airfield that the events or the airfields block
        name but nothing in the scenario uses, with the likely intended code (OSKL for OSLK). ``airlift
        validate`` and ``run`` print them on stderr."""
        from sim.scenario.references import unused_airfield_warnings  # at call time: references reads scenarios

        return unused_airfield_warnings(self)

    def airfield_idents(self) -> list[str]:
        """Every airfield the scenario names (every ``AirfieldRef``), in first-mention order."""
        data = self.model_dump(mode="python", by_alias=True, exclude_none=True)
        return list(dict.fromkeys(value for _, ref, value in references(Scenario, data) if ref.kind == "airfield"))


def json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario format, for editors."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "airlift-sim scenario"
    return schema
