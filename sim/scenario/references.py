"""Catalogue checks of scenario data: unknown aircraft types, airfields, countries and situations, and
days outside the run, each with the nearest valid name. Locations are field paths such as ``fleet[0].type``."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel

from sim.data import catalog
from sim.scenario.fields import Ref, references


def check_references(scenario: BaseModel) -> list[tuple[tuple[Any, ...], str]]:
    """Catalogue checks of a validated scenario: unknown types, airfields and countries, with the nearest
    valid names."""
    return reference_problems(scenario.model_dump(mode="python", by_alias=True, exclude_none=True), type(scenario))


def _items(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, list) else []


def _entries(value: Any) -> list[tuple[Any, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def reference_problems(data: dict[str, Any], model: type[BaseModel]) -> list[tuple[tuple[Any, ...], str]]:
    """Catalogue checks on scenario data as read from YAML (valid or not) against ``model`` (``Scenario``):
    every field the schema types as a reference (``sim.scenario.fields``) names a known aircraft type,
    airfield or country; then the checks across fields (crews, served requirements, cargo, days,
    situations). Parts of the wrong shape are skipped (the schema check reports them), so every reference
    mistake is found in the same pass as the others."""
    custom = {k for k, v in _entries(data.get("airfields")) if isinstance(v, dict) and v.get("lat") is not None}
    problems = [(loc, message) for loc, ref, value in references(model, data)
                if (message := _unknown(ref, value, custom)) is not None]
    problems += _fleet_problems(data)
    problems += _requirement_problems(data)
    problems += _event_and_airspace_problems(data, custom)
    return problems


def _unknown(ref: Ref, value: Any, custom: set[str]) -> str | None:
    """What is wrong with one reference (None: it names something known, or is not text)."""
    if not isinstance(value, str):
        return None
    if ref.kind == "aircraft":
        types_known = list(catalog.aircraft_catalog())
        return None if value in types_known else f"unknown aircraft type {value!r}{suggest(value, types_known)}"
    if ref.kind == "airfield":
        if not value or value in custom or catalog.is_known_ident(value):
            return None
        return f"{airfield_problem(value)}; give lat and lon under airfields: to define it"
    from sim.data import countries

    if ref.groups:
        known = countries.resolve(value) is not None
        return None if known else f"unknown country code or group {value!r}{countries.suggest_country(value)}"
    if countries.resolve(value) or re.fullmatch(r"[A-Z]{3}", value):  # a new airfield may bring a new code
        return None
    return f"unknown country {value!r}{countries.suggest_country(value)}"


def _fleet_problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Crews staged beyond a group's spares, and dedicated groups serving requirements that do not exist."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    requirement_names = [str(_get(r, "label") or f"{_get(r, 'from')}->{_get(r, 'to')}")
                         for _, r in _items(data.get("requirements"))]
    for i, f in _items(data.get("fleet")):
        staged = sum(n for _, n in _entries(_get(f, "crews_at")) if _number(n) is not None)
        spare = _spare_crews(data, f)
        if staged and spare is not None and staged > spare:
            problems.append((("fleet", i, "crews_at"),
                             f"{staged:g} crews staged but the group has {spare} besides one per aircraft; "
                             "raise crews_per_aircraft"))
        for j, name in _items(_get(f, "serves")):
            if isinstance(name, str) and name not in requirement_names:
                problems.append((("fleet", i, "serves", j),
                                 f"no requirement {name!r}{suggest(name, requirement_names)}; "
                                 "name one by its label or FROM->TO"))
    return problems


def _requirement_problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Types a requirement allows that the fleet lacks, cargo no type of the fleet carries, days outside the run."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    types_known = list(catalog.aircraft_catalog())
    fleet = [f for _, f in _items(data.get("fleet")) if isinstance(f, dict) and isinstance(f.get("type"), str)]
    fleet_types = {f.get("type") for f in fleet}
    flying_types = {f.get("type") for f in fleet if f.get("count") != 0}
    days = _number(data.get("days"))
    for i, r in _items(data.get("requirements")):
        for j, name in _items(_get(r, "aircraft")):
            if name not in fleet_types and name in types_known:
                problems.append((("requirements", i, "aircraft", j), f"no {name} in the fleet"))
        problems.extend(_cargo_problems(i, r, data, flying_types))
        day = _number(_get(r, "day"))
        if day is not None and days is not None and day >= days:
            problems.append((("requirements", i, "day"), f"day {day:g} is not inside the run (days: {days:g})"))
    return problems


def _event_and_airspace_problems(data: dict[str, Any], custom: set[str]) -> list[tuple[tuple[Any, ...], str]]:
    """Events after the end of the run, a new airfield without its country, an unknown airspace situation."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    days = _number(data.get("days"))
    for i, e in _items(data.get("events")):
        day = _number(_get(e, "day"))
        if day is not None and days is not None and day > days:
            problems.append((("events", i, "day"), f"day {day:g} is after the end of the run (days: {days:g})"))
    for ident, settings in _entries(data.get("airfields")):
        if ident in custom and _get(settings, "country") is None:
            problems.append((("airfields", ident), "a new airfield needs country (ISO-3), besides lat and lon"))
    situation = _get(data.get("airspace"), "situation")
    if isinstance(situation, str):
        from sim.data import countries

        situations = sorted(countries.situations())
        if situation not in situations:
            problems.append((("airspace", "situation"), f"unknown situation {situation!r}; known: {', '.join(situations)}"))
    return problems


def airfield_problem(text: str) -> str:
    """Why ``text`` names no airfield, with the nearest by code or name: "unknown airfield 'Hmeimm' (did you
    mean OSLK (Hmeimim)?)", or the airfields an ambiguous name stands for."""
    from sim.data.names import UnknownAirfieldError, resolve_airfield

    try:
        resolve_airfield(text)
    except UnknownAirfieldError as exc:
        return str(exc)
    return f"unknown airfield {text!r}"


# Where a scenario names airfields: (path, what) with "*" = every item or every key of a mapping; "key" = the
# mapping's keys are idents, "value" = the item itself is one.
AIRFIELD_SPOTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("fleet", "*", "base"), "value"),
    (("fleet", "*", "crews_at"), "key"),
    (("airfields",), "key"),
    (("requirements", "*", "from"), "value"),
    (("requirements", "*", "to"), "value"),
    (("events", "*", "close"), "value"),
    (("events", "*", "reopen"), "value"),
    (("events", "*", "mog"), "key"),
    (("fuel_stops", "*"), "value"),
    (("legs", "*", "from"), "value"),
    (("legs", "*", "to"), "value"),
    (("stochastic", "maintenance_at", "*"), "value"),
    (("stochastic", "outages", "airfields", "*"), "value"),
)


def airfield_mentions(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str, bool]]:
    """Every (field path, text, is a mapping key) where scenario data as read from YAML names an airfield,
    in AIRFIELD_SPOTS order; parts of the wrong shape are skipped."""
    found: list[tuple[tuple[Any, ...], str, bool]] = []

    def walk(node: Any, pattern: tuple[str, ...], loc: tuple[Any, ...], kind: str) -> None:
        if not pattern:
            if kind == "key":
                found.extend(((*loc, k), k, True) for k, _ in _entries(node) if isinstance(k, str))
            elif isinstance(node, str):
                found.append((loc, node, False))
            return
        head, rest = pattern[0], pattern[1:]
        if head == "*":
            for i, item in _items(node):
                walk(item, rest, (*loc, i), kind)
        elif isinstance(node, dict) and head in node:
            walk(node[head], rest, (*loc, head), kind)

    for pattern, kind in AIRFIELD_SPOTS:
        walk(data, pattern, (), kind)
    return found


def resolve_airfield_names(data: dict[str, Any]) -> dict[str, Any]:
    """Scenario data with every airfield written by name ("Hmeimim", "al-Khadim") replaced by its ident,
    through the one resolver (sim.data.names.resolve_airfield); idents, airfields the scenario defines
    (lat and lon under airfields:) and text that names no airfield are left as written for the checks."""
    from sim.data.names import UnknownAirfieldError, resolve_airfield

    custom = {k for k, v in _entries(data.get("airfields")) if isinstance(v, dict) and v.get("lat") is not None}
    keys: dict[tuple[Any, ...], str] = {}
    values: dict[tuple[Any, ...], str] = {}
    for loc, text, is_key in airfield_mentions(data):
        if text in custom or catalog.is_known_ident(text):
            continue
        try:
            (keys if is_key else values)[loc] = resolve_airfield(text)
        except UnknownAirfieldError:
            continue
    return _renamed(data, keys, values) if keys or values else data


def _renamed(node: Any, keys: dict[tuple[Any, ...], str], values: dict[tuple[Any, ...], str],
             loc: tuple[Any, ...] = ()) -> Any:
    """A copy of ``node`` with the mapping keys at the paths of ``keys`` and the strings at the paths of
    ``values`` replaced."""
    if isinstance(node, dict):
        return {keys.get((*loc, k), k): _renamed(v, keys, values, (*loc, k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v, keys, values, (*loc, i)) for i, v in enumerate(node)]
    return values.get(loc, node)


def used_airfields(scenario: Any) -> list[str]:
    """Airfields a validated scenario flies from, to or through: fleet bases and crew stations, requirement
    origins and destinations, legs, listed fuel stops, maintenance and outage airfields."""
    used = [f.base for f in scenario.fleet] + [i for f in scenario.fleet for i in (f.crews_at or {})]
    used += [i for r in scenario.requirements for i in (r.from_, r.to)]
    used += [i for leg in scenario.legs for i in (leg.from_, leg.to)] + list(scenario.fuel_stops)
    if scenario.stochastic is not None:
        used += list(scenario.stochastic.maintenance_at or [])
        used += list(scenario.stochastic.outages.airfields if scenario.stochastic.outages else [])
    return list(dict.fromkeys(used))


def unused_airfield_warnings(scenario: Any) -> list[str]:
    """One line per airfield that the events or the airfields block name but that nothing in the scenario
    uses (no fleet base, requirement end, leg or listed fuel stop), naming the used airfield with the
    nearest code or name: a one-letter slip (OSKL for OSLK) otherwise runs silently."""
    from sim.data.names import label, nearest_airfields

    used = used_airfields(scenario)
    named: list[tuple[str, str]] = [(f"airfields.{ident}", ident) for ident in scenario.airfields]
    for e in scenario.events:
        for action, idents in (("close", [e.close]), ("reopen", [e.reopen]), ("mog", list(e.mog or {}))):
            named += [(f"events (day {e.day:g}, {action})", i) for i in idents if i]
    custom = {k for k, v in scenario.airfields.items() if getattr(v, "lat", None) is not None}
    lines = []
    for where, ident in named:
        if ident in used:
            continue
        try:
            names = [ident, catalog.airfield(ident).name] if ident not in custom else [ident]
        except KeyError:
            names = [ident]
        own_fuel = getattr(scenario.airfields.get(ident), "fuel", None)  # the scenario's word first
        fuel_stop = (scenario.catalogue_fuel_stops and ident in catalog.curated_idents()
                     and (own_fuel if own_fuel is not None else catalog.airfield(ident).fuel))
        # A catalogue fuel stop named alone is often closed on purpose (to deny it as a stop): warned only
        # when the code or name is near one the scenario uses (a likely slip).
        near = nearest_airfields(names, used, n=1, cutoff=0.7 if fuel_stop else 0.5)
        if fuel_stop and not near:
            continue
        hint = (f"; did you mean {label(near[0])}?" if near
                else f"; the scenario uses {', '.join(label(i) for i in used[:6])}{' ...' if len(used) > 6 else ''}")
        role = (" (it matters only as a possible en-route fuel stop; if it is named to deny it as one, ignore this)"
                if fuel_stop else "")
        lines.append(f"{where}: {label(ident)} is used by nothing in the scenario: no fleet base, requirement, "
                     f"leg or listed fuel stop{role}{hint}")
    return lines


def _fleet_holds(data: dict[str, Any], fleet_types: set[Any]) -> list[Any]:
    """The holds of the fleet's types (catalogue types only), in catalogue order."""
    from sim.model.packing import hold_of

    return [hold_of(kind) for name, kind in catalog.aircraft_catalog().items() if name in fleet_types]


def _cargo_problems(i: int, r: Any, data: dict[str, Any], fleet_types: set[Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Items unknown to the equipment catalogue (with the nearest key), and items, passengers or a cargo
    class that no type of the fleet (of those the requirement allows) can carry, with the reason."""
    from sim.model.packing import Piece, carry_problem, seats_people

    if not isinstance(r, dict):
        return []
    problems: list[tuple[tuple[Any, ...], str]] = []
    allowed = r.get("aircraft")
    types = fleet_types if not isinstance(allowed, list) else {t for t in fleet_types if t in allowed}
    holds = _fleet_holds(data, types)
    if not holds:
        return problems  # no known type in the fleet: reported elsewhere
    equipment = catalog.equipment_catalog()
    names = ", ".join(h.type for h in holds)
    missing_an124 = not any(h.type.startswith("An-124") for h in holds)
    tail = "; the fleet has no An-124" if missing_an124 else ""

    def why_not(piece: Piece) -> str | None:
        reasons = [carry_problem(piece, h) for h in holds]
        return None if any(reason is None for reason in reasons) else "; ".join(dict.fromkeys(map(str, reasons)))

    for j, item in _items(r.get("items")):
        if not isinstance(item, dict):
            continue
        key = item.get("item")
        loc = ("requirements", i, "items", j)
        if isinstance(key, str):
            if key not in equipment:
                problems.append(((*loc, "item"), f"unknown item {key!r}{suggest(key, list(equipment))}; "
                                                 "see sim/data/equipment.yaml, or describe it with name, mass_t, "
                                                 "length_m, width_m, height_m"))
                continue
            e = equipment[key]
            piece = Piece(e.key, e.mass_t, e.length_m, e.width_m, e.height_m, e.cargo_class)
            label = f"{e.key} ({e.name})"
        else:
            dims = [_number(item.get(k)) for k in ("mass_t", "length_m", "width_m", "height_m")]
            if any(d is None for d in dims) or not isinstance(item.get("name"), str):
                continue
            piece = Piece(item["name"], *[float(d) for d in dims if d is not None],  # type: ignore[arg-type,call-arg]
                          str(item.get("class", "oversize")))
            label = piece.name
        reason = why_not(piece)
        if reason is not None:
            problems.append((loc, f"{label}: {reason}{tail}"))
    if r.get("passengers") is not None and not any(seats_people(h) for h in holds):
        problems.append((("requirements", i, "passengers"), f"no seats for passengers in {names}"))
    cls = r.get("cargo_class")
    if isinstance(cls, str) and r.get("items") is None and r.get("passengers") is None \
            and not any(cls in h.classes for h in holds):
        problems.append((("requirements", i, "cargo_class"), f"{cls} cargo is carried by none of {names}{tail}"))
    return problems


def _spare_crews(data: dict[str, Any], entry: Any) -> int | None:
    """Crews of a fleet group beyond one per aircraft, or None when the entry is not well formed."""
    if not isinstance(entry, dict):
        return None
    kind = entry.get("type")
    count = _number(entry.get("count"))
    if not isinstance(kind, str) or kind not in catalog.aircraft_catalog() or count is None:
        return None
    aircraft = data.get("aircraft")
    override = aircraft.get(kind) if isinstance(aircraft, dict) else None
    ratio = (_number(entry.get("crews_per_aircraft"))
             or _number(override.get("crews_per_aircraft") if isinstance(override, dict) else None)
             or catalog.aircraft_catalog()[kind].crews_per_aircraft)
    return crew_count(int(count), ratio) - int(count)


def crew_count(aircraft: int, crews_per_aircraft: float) -> int:
    """Crews of a group: the crew ratio times its aircraft, rounded, and at least one per aircraft."""
    return max(aircraft, round(aircraft * crews_per_aircraft))


def suggest(word: str, choices: list[str]) -> str:
    """A hint naming the closest choice, e.g. " (did you mean 'OSLK'?)", or an empty string."""
    by_case = {c.casefold(): c for c in choices}  # "btr-82a" finds 'BTR-82A'
    close = difflib.get_close_matches(word.casefold(), list(by_case), n=1, cutoff=0.6)
    return f" (did you mean {by_case[close[0]]!r}?)" if close else ""


def format_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A pydantic error location without its validator markers."""
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith(("function-", "tuple["))))
