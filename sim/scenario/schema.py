"""The scenario format: validated, frozen pydantic models, loaded from YAML with line numbers.

``load_scenario(path)`` returns a :class:`Scenario` or raises :class:`~sim.errors.InputError` listing
every problem as ``file:line:col: field.path: message``. YAML is read with ruamel.yaml (YAML 1.2, so
``no`` stays a string and ``1e3`` is a number) in round-trip mode, whose nodes remember their position.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import types
import typing
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from sim.data import catalog
from sim.errors import InputError, OverrideError, Problem
from sim.scenario.overrides import set_path

Ident = Annotated[str, Field(pattern=r"^[A-Z0-9]{3,6}$", description="ICAO code or catalogue ident, e.g. OSLK")]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]


def _country(value: Any) -> Any:
    """A country name or common spelling ("Turkey", "Türkiye") or a lower-case code -> its code."""
    if isinstance(value, str):
        from sim.data import countries

        return countries.resolve(value) or value
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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

    def values(self) -> dict[str, Any]:
        """The fields the scenario actually set."""
        return {k: v for k, v in self.model_dump(exclude_none=True).items()}


class FleetEntry(_Strict):
    """A group of identical aircraft starting at one base."""

    type: str = Field(description="aircraft type name from the catalogue, e.g. Il-76MD")
    count: Annotated[int, Field(ge=0, description="number of aircraft; 0 leaves the type out")]
    base: Ident


class AirfieldSettings(_Strict):
    """Per-airfield settings; with lat and lon it defines an airfield no catalogue has."""

    mog: Annotated[int, Field(ge=1)] | None = None
    fuel: bool | None = None
    runway_m: PositiveFloat | None = None
    name: str | None = None
    country: Annotated[str, BeforeValidator(_country), Field(pattern=r"^[A-Z]{3}$")] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _lat_lon_together(self) -> AirfieldSettings:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self

    def overrides(self) -> dict[str, Any]:
        """The catalogue fields this entry changes."""
        return self.model_dump(exclude_none=True, include={"mog", "fuel", "runway_m", "name", "country", "lat", "lon"})


class Requirement(_Strict):
    """Cargo to move from one airfield to another: a lump (``tons`` at ``day``) or a daily flow."""

    from_: Ident = Field(alias="from")
    to: Ident
    tons: PositiveFloat | None = Field(None, description="total tons, all available at `day`")
    tons_per_day: PositiveFloat | None = Field(None, description="daily flow, generated at the start of each day")
    day: NonNegFloat = Field(0, description="day the cargo becomes available (the first day for a flow)")
    until_day: NonNegFloat | None = Field(None, description="a flow stops before this day (default: end of run)")
    label: str | None = None
    priority: int = Field(0, description="higher is served first; equal priorities: oldest waiting ton first")
    aircraft: list[str] | None = Field(None, min_length=1, description="only these types serve it (default: any)")

    @model_validator(mode="after")
    def _check(self) -> Requirement:
        if (self.tons is None) == (self.tons_per_day is None):
            raise ValueError("give exactly one of tons or tons_per_day")
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


CountryCode = Annotated[str, BeforeValidator(_country), Field(
    description="ISO-3 country code, group (EU, NATO) or country name (Turkey, Türkiye, Russia)")]


class AirspaceRuleSpec(_Strict):
    """Countries closed only to flights bound for, or coming from, some countries."""

    closed: Annotated[list[CountryCode], Field(min_length=1)]
    flights_to: list[CountryCode] = Field(default_factory=list, description="destination countries the rule applies to")
    flights_from: list[CountryCode] = Field(default_factory=list, description="origin countries the rule applies to")
    source: str | None = None

    @model_validator(mode="after")
    def _has_scope(self) -> AirspaceRuleSpec:
        if not self.flights_to and not self.flights_from:
            raise ValueError("a rule needs flights_to or flights_from; put countries closed to all flights under closed")
        return self


class AirspaceSpec(_Strict):
    """Closed airspace at the start of the run."""

    situation: str | None = Field(None, description="named situation from sim/data/airspace.yaml, e.g. dec2024")
    closed: list[CountryCode] = Field(default_factory=list, description="countries or groups closed to every flight")
    open: list[CountryCode] = Field(default_factory=list, description="countries opened after the situation applies")
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
    airfields: list[Ident] = Field(default_factory=list, description="airfields affected (default: every requirement's)")


class StochasticSpec(_Strict):
    """Randomness of a replication. Absent from a scenario = deterministic."""

    replications: Annotated[int, Field(ge=1, le=100_000)] = 30
    mission_capable: Annotated[float, Field(gt=0, le=1)] = 1.0
    break_per_sortie: Annotated[float, Field(ge=0, lt=1)] = 0.0
    repair_h: Distribution = Field(default_factory=lambda: Distribution(mean=24.0, cv=0.5))
    maintenance_at: list[Ident] | None = Field(None, description="airfields with maintenance (default: fleet bases)")
    repair_away_factor: Annotated[float, Field(ge=1)] = 2.0
    ground_time_cv: Annotated[float, Field(ge=0, le=5)] = 0.0
    outages: Outages | None = None


class SweepSpec(_Strict):
    """Values to sweep: scenario paths and their values ("4:20:2" or "5,10,20" or a list)."""

    set: dict[str, str | list[Any]] = Field(min_length=1)
    replications: Annotated[int, Field(ge=1)] | None = None


class Event(_Strict):
    """Something that happens at a day: exactly one action."""

    day: NonNegFloat
    close: Ident | None = None
    reopen: Ident | None = None
    mog: dict[Ident, Annotated[int, Field(ge=0)]] | None = Field(None, description="new MOG per airfield")
    close_airspace: list[CountryCode] | None = Field(None, min_length=1, description="countries closed to every flight")
    open_airspace: list[CountryCode] | None = Field(None, min_length=1, description="countries opened to every flight")

    @model_validator(mode="after")
    def _one_action(self) -> Event:
        actions = (self.close, self.reopen, self.mog, self.close_airspace, self.open_airspace)
        if sum(x is not None for x in actions) != 1:
            raise ValueError("give exactly one of close, reopen, mog, close_airspace or open_airspace")
        return self

    @property
    def changes_airspace(self) -> bool:
        return self.close_airspace is not None or self.open_airspace is not None

    def describe(self) -> str:
        """Short label for charts and tables."""
        if self.close:
            return f"close {self.close}"
        if self.reopen:
            return f"reopen {self.reopen}"
        if self.close_airspace:
            return "close airspace " + ",".join(self.close_airspace)
        if self.open_airspace:
            return "open airspace " + ",".join(self.open_airspace)
        return "MOG " + ", ".join(f"{k}={v}" for k, v in (self.mog or {}).items())


class LegOverride(_Strict):
    """A planner-supplied routed distance between two airfields (both directions)."""

    from_: Ident = Field(alias="from")
    to: Ident
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
    seed: Annotated[int, Field(ge=0)] = 0
    aircraft: dict[str, AircraftOverride] = Field(default_factory=dict)
    fleet: Annotated[list[FleetEntry], Field(min_length=1)]
    airfields: dict[Ident, AirfieldSettings] = Field(default_factory=dict)
    requirements: Annotated[list[Requirement], Field(min_length=1)]
    events: list[Event] = Field(default_factory=list)
    airspace: AirspaceSpec | None = Field(None, description="closed airspace; absent means open skies")
    legs: list[LegOverride] = Field(default_factory=list)
    fuel_stops: list[Ident] = Field(
        default_factory=list, description="extra airfields that may serve as en-route fuel stops"
    )
    catalogue_fuel_stops: bool = Field(
        True, description="let the model also stop at catalogue airfields with fuel near the route"
    )
    stochastic: StochasticSpec | None = Field(None, description="randomness; absent means deterministic")
    sweep: SweepSpec | None = Field(None, description="default sweep for `airlift sweep`")

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
        shown = ", ".join(f"{p}={v}" for p, v in changes.items())
        try:
            changed = Scenario.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise OverrideError(f"{shown}: {_format_path(_clean_loc(first['loc']))}: {first['msg']}") from None
        problems = check_references(changed)
        if problems:
            loc, message = problems[0]
            raise OverrideError(f"{shown}: {_format_path(loc)}: {message}")
        return changed

    def scenario_hash(self) -> str:
        """sha256 of the validated content: immune to comments, key order and formatting."""
        canonical = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def airfield_idents(self) -> list[str]:
        """Every airfield the scenario names, in first-mention order."""
        seen: dict[str, None] = {}
        for f in self.fleet:
            seen[f.base] = None
        for r in self.requirements:
            seen[r.from_] = None
            seen[r.to] = None
        for ident in self.airfields:
            seen[ident] = None
        for e in self.events:
            for ident in (e.close, e.reopen, *(e.mog or {})):
                if ident:
                    seen[ident] = None
        for leg in self.legs:
            seen[leg.from_] = None
            seen[leg.to] = None
        for ident in self.fuel_stops:
            seen[ident] = None
        if self.stochastic is not None:
            for ident in (self.stochastic.maintenance_at or []):
                seen[ident] = None
            for ident in (self.stochastic.outages.airfields if self.stochastic.outages else []):
                seen[ident] = None
        return list(seen)


# --- loading ----------------------------------------------------------------------------------------


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """A validated scenario from a YAML file, or from the same content as a dict; InputError lists every
    problem (with file, line and field path)."""
    if isinstance(source, dict):
        return _validated(source, source, "<dict>")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(str(path), 0, 0, "", f"cannot read the file: {exc.strerror}")]) from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, filename: str = "<scenario>") -> Scenario:
    """Parse and validate scenario text; InputError lists every problem."""
    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InputError([Problem(filename, line, col, "", f"YAML syntax error: {message}")]) from None
    except ReaderError as exc:  # a character YAML does not allow, e.g. a control character
        position = int(getattr(exc, "position", 0) or 0)
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        message = f"YAML error: character #x{exc.character:04x} is not allowed"
        raise InputError([Problem(filename, line, column, "", message)]) from None
    except YAMLError as exc:
        raise InputError([Problem(filename, 0, 0, "", f"YAML error: {exc}")]) from None
    if not isinstance(tree, dict):
        raise InputError([Problem(filename, 1, 1, "", "expected a mapping of scenario keys (name, days, fleet, ...)")])
    return _validated(_plain(tree), tree, filename)


def _validated(data: dict[str, Any], tree: Any, filename: str) -> Scenario:
    """Schema and catalogue checks of scenario data; ``tree`` (the YAML nodes) places each problem."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        scenario = None
        errors = exc.errors()
        # A misspelt key also makes its intended key "missing": report it once, as the misspelling.
        meant = {(_clean_loc(e["loc"])[:-1], m) for e in errors if e["type"] == "extra_forbidden"
                 for m in difflib.get_close_matches(str(e["loc"][-1]), _allowed_keys(_clean_loc(e["loc"])[:-1]), 1, 0.6)}
        problems = [_problem_from_error(err, tree, filename) for err in errors
                    if not (err["type"] == "missing" and (_clean_loc(err["loc"])[:-1], err["loc"][-1]) in meant)]
    else:
        problems = []
    # Reference checks read the plain data, so they run (and report) even when the schema check failed.
    reported = {p.path for p in problems}
    problems += [problem for loc, msg in reference_problems(data)
                 if (problem := _locate(tree, filename, loc, msg)).path not in reported]
    if problems:
        raise InputError(sorted(_dedupe(problems), key=lambda p: (p.line, p.column)))
    assert scenario is not None
    return scenario


def check_references(scenario: Scenario) -> list[tuple[tuple[Any, ...], str]]:
    """Catalogue checks of a validated scenario: unknown types, airfields and countries, with the nearest
    valid names."""
    return reference_problems(scenario.model_dump(mode="python", by_alias=True, exclude_none=True))


def _items(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, list) else []


def _entries(value: Any) -> list[tuple[Any, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def reference_problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Catalogue checks on scenario data as read from YAML (valid or not): unknown types, airfields,
    countries and situations, and days outside the run. Parts of the wrong shape are skipped (the
    schema check reports them), so every reference mistake is found in the same pass as the others."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    types_known = list(catalog.aircraft_catalog())
    airfield_entries = _entries(data.get("airfields"))
    custom = {k for k, v in airfield_entries if isinstance(v, dict) and v.get("lat") is not None}
    known = catalog.known_idents() | custom
    fleet_types = {f.get("type") for _, f in _items(data.get("fleet")) if isinstance(f, dict) and isinstance(f.get("type"), str)}
    days = _number(data.get("days"))

    def check_type(loc: tuple[Any, ...], name: Any) -> None:
        if isinstance(name, str) and name not in types_known:
            problems.append((loc, f"unknown aircraft type {name!r}{suggest(name, types_known)}"))

    def check_field(loc: tuple[Any, ...], ident: Any) -> None:
        if isinstance(ident, str) and ident and ident not in known:
            hint = suggest(ident, catalog.curated_idents())
            problems.append((loc, f"unknown airfield {ident!r}{hint}; give lat and lon under airfields: to define it"))

    def get(node: Any, key: str) -> Any:
        return node.get(key) if isinstance(node, dict) else None

    for name, _ in _entries(data.get("aircraft")):
        check_type(("aircraft", name), name)
    for i, f in _items(data.get("fleet")):
        check_type(("fleet", i, "type"), get(f, "type"))
        check_field(("fleet", i, "base"), get(f, "base"))
    for ident, settings in airfield_entries:
        if ident not in custom:
            check_field(("airfields", ident), ident)
        elif get(settings, "country") is None:
            problems.append((("airfields", ident), "a new airfield needs country (ISO-3), besides lat and lon"))
    for i, r in _items(data.get("requirements")):
        for j, name in _items(get(r, "aircraft")):
            check_type(("requirements", i, "aircraft", j), name)
            if name not in fleet_types and name in types_known:
                problems.append((("requirements", i, "aircraft", j), f"no {name} in the fleet"))
        check_field(("requirements", i, "from"), get(r, "from"))
        check_field(("requirements", i, "to"), get(r, "to"))
        day = _number(get(r, "day"))
        if day is not None and days is not None and day >= days:
            problems.append((("requirements", i, "day"), f"day {day:g} is not inside the run (days: {days:g})"))
    for i, e in _items(data.get("events")):
        day = _number(get(e, "day"))
        if day is not None and days is not None and day > days:
            problems.append((("events", i, "day"), f"day {day:g} is after the end of the run (days: {days:g})"))
        check_field(("events", i, "close"), get(e, "close"))
        check_field(("events", i, "reopen"), get(e, "reopen"))
        for ident, _ in _entries(get(e, "mog")):
            check_field(("events", i, "mog", ident), ident)
    for i, ident in _items(data.get("fuel_stops")):
        check_field(("fuel_stops", i), ident)
    for i, leg in _items(data.get("legs")):
        check_field(("legs", i, "from"), get(leg, "from"))
        check_field(("legs", i, "to"), get(leg, "to"))
    stochastic = data.get("stochastic")
    for i, ident in _items(get(stochastic, "maintenance_at")):
        check_field(("stochastic", "maintenance_at", i), ident)
    for i, ident in _items(get(get(stochastic, "outages"), "airfields")):
        check_field(("stochastic", "outages", "airfields", i), ident)
    problems.extend(_airspace_problems(data))
    return problems


def _airspace_problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    from sim.data import countries

    problems: list[tuple[tuple[Any, ...], str]] = []

    def check_codes(loc: tuple[Any, ...], codes: Any) -> None:
        for j, code in _items(codes):
            if isinstance(code, str) and countries.resolve(code) is None:
                problems.append(((*loc, j), f"unknown country code or group {code!r}{countries.suggest_country(code)}"))

    spec = data.get("airspace")
    if isinstance(spec, dict):
        situations = sorted(countries.situations())
        situation = spec.get("situation")
        if isinstance(situation, str) and situation not in situations:
            problems.append((("airspace", "situation"), f"unknown situation {situation!r}; known: {', '.join(situations)}"))
        check_codes(("airspace", "closed"), spec.get("closed"))
        check_codes(("airspace", "open"), spec.get("open"))
        for i, rule in _items(spec.get("rules")):
            for key in ("closed", "flights_to", "flights_from"):
                check_codes(("airspace", "rules", i, key), rule.get(key) if isinstance(rule, dict) else None)
    for i, e in _items(data.get("events")):
        for key in ("close_airspace", "open_airspace"):
            check_codes(("events", i, key), e.get(key) if isinstance(e, dict) else None)
    for ident, settings in _entries(data.get("airfields")):
        country = settings.get("country") if isinstance(settings, dict) else None
        if isinstance(country, str) and not (countries.resolve(country) or re.fullmatch(r"[A-Z]{3}", country)):
            problems.append((("airfields", ident, "country"),
                             f"unknown country {country!r}{countries.suggest_country(country)}"))
    return problems


def suggest(word: str, choices: list[str]) -> str:
    """A hint naming the closest choice, e.g. " (did you mean 'OSLK'?)", or an empty string."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _plain(node: Any) -> Any:
    """ruamel round-trip containers to plain dicts and lists (pydantic wants plain types)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _format_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _locate(tree: Any, filename: str, loc: tuple[Any, ...], message: str) -> Problem:
    """Problem at the deepest node of ``loc`` that the YAML tree has (line 0 when the input was not YAML)."""
    line, col = (1, 1) if isinstance(tree, CommentedMap) else (0, 0)
    node = tree
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line, col = (node.lc.key(part)[0] + 1, node.lc.key(part)[1] + 1)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line, col = (node.lc.item(part)[0] + 1, node.lc.item(part)[1] + 1)
            node = node[part]
        else:
            break
    return Problem(filename, line, col, _format_path(loc), message)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A pydantic error location without its validator markers."""
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith(("function-", "tuple["))))


def _problem_from_error(err: Any, tree: Any, filename: str) -> Problem:
    loc = _clean_loc(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown key {loc[-1]!r}{suggest(str(loc[-1]), allowed)}"
        if allowed:
            message += f"; expected one of: {', '.join(allowed)}"
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "string_pattern_mismatch":
        expected = _PATTERN_WORDS.get(err["ctx"]["pattern"], f"text matching {err['ctx']['pattern']}")
        message = f"expected {expected} (got {err['input']!r})"
        if err["ctx"]["pattern"] == r"^[A-Z]{3}$":
            from sim.data import countries

            message += countries.suggest_country(str(err["input"]))
    elif err["type"].startswith(("date_", "datetime_")):
        message = f"expected a date written YYYY-MM-DD, e.g. 2024-12-15 (got {err['input']!r})"
    elif "input" in err and not isinstance(err["input"], (dict, list)):
        message += f" (got {err['input']!r})"
    return _locate(tree, filename, loc, message)


_PATTERN_WORDS = {
    r"^[A-Za-z0-9_-]+$": "a plain folder name: letters, digits, - and _ only",
    r"^[A-Z0-9]{3,6}$": "an airfield ICAO code or catalogue ident in capitals, e.g. OSLK",
    r"^[A-Z]{3}$": "an ISO 3166-1 alpha-3 country code, e.g. LBY",
}


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[str, Problem] = {}
    for p in problems:
        seen.setdefault(str(p), p)
    return list(seen.values())


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names (as written in YAML) of the model found at ``loc``."""
    annotation: Any = Scenario
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {(f.alias or n): f for n, f in annotation.model_fields.items()}
            if part not in fields:
                return []
            annotation = fields[part].annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(f.alias or n) for n, f in annotation.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional and Annotated wrappers."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario format, for editors."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "airlift-sim scenario"
    return schema
