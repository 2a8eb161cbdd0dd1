"""The inputs an uncertainty study varies: the catalogue ranges of the assumed and derived numbers a
scenario uses, and the scenario's own ``uncertainty:`` block, by ``--set`` path.

A path is the one ``airlift sweep --set`` and ``Scenario.with_`` take: ``aircraft.Il-76MD.offload_h``,
``airfields.HL59.parking_mog``, ``fleet[0].crews_per_aircraft``, ``airspace.open``; the shorthand
``operations.crews_per_aircraft`` sets the crew ratio of every fleet entry. A catalogue number the
scenario does not set is reached through the scenario's override blocks (``aircraft:``, ``airfields:``), so
setting the path changes that one number. A payload-range point is ``aircraft.T.payload_range[i][1]`` (its
range in km, points in catalogue order, heaviest first).

``[LOW, HIGH]`` (two numbers) is a range: a whole-number field draws whole numbers from LOW to HIGH, any
other draws uniformly between them. Any other list is a set of choices drawn with equal weight:
``airspace.open: [[], [GEO]]``, ``airfields.HL59.fuel: [false, true]``. Pure: no I/O.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from sim.data import catalog
from sim.errors import OverrideError
from sim.scenario.overrides import PATH_TOKEN, set_path

Kind = Literal["range", "whole", "choice"]
WHOLE_FIELDS = ("mog", "parking_mog", "count", "seats")
AIRCRAFT_NUMBERS = tuple(catalog.AIRCRAFT_FIELDS)
AIRFIELD_NUMBERS = ("mog", "parking_mog", "runway_m", "fuel")
CARGO_ONLY = ("hold_floor_length_m", "hold_width_m", "hold_height_m", "ramp_length_m", "ramp_load_t", "seats")
NOT_SIMULATED = ("fuel_burn_t_per_h",)  # closed-form estimates only: sorties burn fuel by the mass model
# Shorthands of a study for a number every fleet entry carries.
ALIASES = {"operations.crews_per_aircraft": "crews_per_aircraft"}
CREW_ONLY = ("crews_per_aircraft", "crew_duty_h", "crew_rest_h", "crew_show_h", "crew_debrief_h", "crew_flight_h_per_30d")


@dataclass(frozen=True)
class Input:
    """One input of a study: a path, its range or choices, its value now, and where the range comes from."""

    path: str
    kind: Kind
    low: Any  # the low end, or the first choice
    high: Any  # the high end, or the last choice
    base: Any  # the value a run without the study uses
    grade: str  # the catalogue grade, or "scenario" for a range the uncertainty: block declares
    source: str = ""
    choices: tuple[Any, ...] = ()

    def value_at(self, u: float) -> Any:
        """The input's value at ``u`` in [0, 1] (a quantile: Latin hypercube, Sobol and Morris points)."""
        u = min(max(float(u), 0.0), 1.0)
        if self.kind == "choice":
            return copy.deepcopy(self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)])
        if self.kind == "whole":
            return int(min(self.low + math.floor(u * (self.high - self.low + 1)), self.high))
        return round(float(self.low + u * (self.high - self.low)), 9)

    def levels(self) -> list[Any]:
        """The values a one-at-a-time swing tries: low and high, or every choice."""
        return [copy.deepcopy(c) for c in self.choices] if self.kind == "choice" else [self.low, self.high]


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def declared_problems(data: dict[str, Any], fields: Collection[str]) -> list[tuple[tuple[Any, ...], str]]:
    """Problems with a scenario's ``uncertainty:`` block as read from YAML (valid or not): shape, order of
    the ends, and paths that do not name a field; ``fields`` are the scenario's top-level keys (the schema
    passes them in, so this module does not import it)."""
    block = data.get("uncertainty")
    if block is None:
        return []
    if not isinstance(block, dict):
        return [(("uncertainty",), "expected a mapping of PATH: [LOW, HIGH] or PATH: [CHOICE, CHOICE, ...]")]
    problems: list[tuple[tuple[Any, ...], str]] = []
    for path, spec in block.items():
        loc = ("uncertainty", path)
        if not isinstance(spec, list) or len(spec) < 2:
            problems.append((loc, f"expected [LOW, HIGH] or a list of two or more choices (got {spec!r})"))
            continue
        if len(spec) == 2 and all(_is_number(x) for x in spec) and spec[0] > spec[1]:
            problems.append((loc, f"expected LOW <= HIGH (got [{spec[0]}, {spec[1]}])"))
        message = path_problem(data, str(path), spec, fields)
        if message:
            problems.append((loc, message))
    return problems


def path_problem(data: dict[str, Any], path: str, spec: list[Any], fields: Collection[str]) -> str | None:
    """Why ``path`` cannot carry ``spec`` in this scenario data, or None."""
    if path in ALIASES:
        numeric = len(spec) == 2 and all(_is_number(x) for x in spec)
        return None if numeric and spec[0] >= 1 else f"{path} takes numbers [LOW, HIGH], 1 or more (got {spec!r})"
    tokens = [name if name else int(index) for name, index in PATH_TOKEN.findall(path)]
    if not tokens or "".join(f"[{t}]" if isinstance(t, int) else f".{t}" for t in tokens).lstrip(".") != path:
        return f"cannot read the path {path!r}; expected e.g. aircraft.Il-76MD.offload_h or fleet[0].count"
    top = tokens[0]
    if top not in fields or top in ("uncertainty", "sweep", "name"):
        return f"{top!r} is not a scenario field a study can vary"
    if top == "aircraft" and len(tokens) >= 3:
        if tokens[1] not in catalog.aircraft_catalog():
            return f"unknown aircraft type {tokens[1]!r}"
        if tokens[2] not in (*AIRCRAFT_NUMBERS, *catalog.BOOLEAN_AIRCRAFT_FIELDS, "payload_range"):
            return f"aircraft types have no field {tokens[2]!r}"
    if top == "airfields" and len(tokens) == 3 and tokens[2] not in ("mog", "parking_mog", "fuel", "runway_m"):
        return f"airfields have no field {tokens[2]!r}; expected mog, parking_mog, fuel or runway_m"
    field = tokens[-1]
    numeric = len(spec) == 2 and all(_is_number(x) for x in spec)
    if field == "fuel" and not all(isinstance(x, bool) for x in spec):
        return "fuel takes choices true and false, e.g. [false, true]"
    if isinstance(field, str) and field in WHOLE_FIELDS and not (numeric and all(isinstance(x, int) for x in spec)):
        return f"{field} takes whole numbers [LOW, HIGH] (got {spec!r})"
    try:
        trial = copy.deepcopy(data)
        materialise(trial, path)
        set_path(trial, path, spec[0])
    except (OverrideError, TypeError, KeyError, IndexError) as exc:
        return str(exc).replace("--set ", "")
    return None


def materialise(data: dict[str, Any], path: str) -> None:
    """Put the catalogue's payload-range points under ``aircraft.T`` when ``path`` changes one of them and
    the scenario does not set them, so that one point changes and the rest stay."""
    tokens = [name if name else int(index) for name, index in PATH_TOKEN.findall(path)]
    if len(tokens) >= 3 and tokens[0] == "aircraft" and tokens[2] == "payload_range":
        entry = data.setdefault("aircraft", {}).setdefault(tokens[1], {}) or {}
        data["aircraft"][tokens[1]] = entry
        if not entry.get("payload_range"):
            kind = catalog.aircraft_catalog()[str(tokens[1])]
            entry["payload_range"] = [[p, r] for p, r in kind.payload_range]


def expand(data: dict[str, Any], path: str) -> list[str]:
    """The scenario paths a study path sets: itself, or for a whole-scenario shorthand (ALIASES) the path
    in every fleet entry: ``operations.crews_per_aircraft`` -> ``fleet[0].crews_per_aircraft``, ..."""
    if path in ALIASES:
        fleet = given if isinstance(given := data.get("fleet"), list) else []
        return [f"fleet[{i}].{ALIASES[path]}" for i in range(len(fleet))]
    return [path]


def apply(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of scenario data with each path set to its value (not validated: ``Scenario.with_`` does)."""
    out = copy.deepcopy(data)
    for path, value in values.items():
        for each in expand(out, path):
            materialise(out, each)
            set_path(out, each, value)
    return out


def declared_inputs(scenario: Any) -> list[Input]:
    """The inputs of the scenario's ``uncertainty:`` block, in the block's order."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    return [declared_input(scenario, data, path, spec) for path, spec in (scenario.uncertainty or {}).items()]


def declared_input(scenario: Any, data: dict[str, Any], path: str, spec: list[Any],
                   origin: str = "uncertainty: block") -> Input:
    """The input ``PATH: spec`` declares (``[LOW, HIGH]``, whole numbers when the field is; else choices) in the
    scenario whose data is ``data``; ``origin`` says who declared it (the block, a command's option)."""
    base = current_value(scenario, data, path)
    grade, source = catalogue_grade(scenario, path)
    if len(spec) == 2 and all(_is_number(x) for x in spec):
        whole = all(isinstance(x, int) for x in spec) and (isinstance(base, int) and not isinstance(base, bool)
                                                           or path.rsplit(".", 1)[-1] in WHOLE_FIELDS)
        return Input(path, "whole" if whole else "range", spec[0], spec[1], base, grade,
                     f"{origin} (catalogue: {grade}{'; ' + source if source else ''})")
    return Input(path, "choice", spec[0], spec[-1], base, grade, origin, tuple(spec))


def current_value(scenario: Any, data: dict[str, Any], path: str) -> Any:
    """The value at ``path`` a run uses: the scenario's if it sets it, else the catalogue's (for a
    shorthand, the first fleet entry's)."""
    if path in ALIASES:
        fleet = scenario.fleet[0]
        own = getattr(fleet, ALIASES[path], None)
        return own if own is not None else current_value(scenario, data, f"aircraft.{fleet.type}.{ALIASES[path]}")
    tokens = [name if name else int(index) for name, index in PATH_TOKEN.findall(path)]
    node: Any = data
    for token in tokens:
        if isinstance(token, int) and isinstance(node, list) and 0 <= token < len(node):
            node = node[token]
        elif isinstance(token, str) and isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return _catalogue_value(tokens)
    return node


def _catalogue_value(tokens: list[Any]) -> Any:
    if len(tokens) >= 3 and tokens[0] == "aircraft" and tokens[1] in catalog.aircraft_catalog():
        kind = catalog.aircraft_catalog()[tokens[1]]
        if tokens[2] == "payload_range" and len(tokens) == 5:
            return kind.payload_range[tokens[3]][tokens[4]]
        return getattr(kind, str(tokens[2]), None)
    if len(tokens) == 3 and tokens[0] == "airfields" and catalog.is_known_ident(str(tokens[1])):
        return getattr(catalog.airfield(str(tokens[1])), str(tokens[2]), None)
    return None


def catalogue_grade(scenario: Any, path: str) -> tuple[str, str]:
    """(grade, source) of the catalogue number at ``path``, or ("scenario", "") for any other path."""
    if path in ALIASES:
        path = f"aircraft.{scenario.fleet[0].type}.{ALIASES[path]}"
    tokens = [name if name else int(index) for name, index in PATH_TOKEN.findall(path)]
    try:
        if len(tokens) == 3 and tokens[0] == "aircraft":
            p = catalog.aircraft_catalog()[str(tokens[1])].provenance[str(tokens[2])]
            return p.grade, p.source
        if len(tokens) == 3 and tokens[0] == "airfields":
            p = catalog.airfield(str(tokens[1])).provenance[str(tokens[2])]
            return p.grade, p.source
    except KeyError:
        pass
    return "scenario", ""


def _catalogue_input(path: str, key: str, p: Any, base: Any) -> Input:
    """A catalogue number's input: whole numbers, a range, or yes/no (fuel: the choices false and true)."""
    if isinstance(p.value, bool):
        return Input(path, "choice", False, True, base, p.grade, p.source, (False, True))
    return Input(path, "whole" if key in WHOLE_FIELDS else "range", p.low, p.high, base, p.grade, p.source)


def catalogue_inputs(scenario: Any) -> list[Input]:
    """The catalogue ranges of every assumed or derived number the scenario uses: the fields of the types it
    flies and of the airfields it names (not those it sets to another value, nor custom airfields)."""
    out: list[Input] = []
    flying = list(dict.fromkeys(f.type for f in scenario.fleet if f.count > 0))
    cargo = any(r.items or r.passengers for r in scenario.requirements)
    for name in flying:
        kind = catalog.aircraft_catalog()[name]
        own = scenario.aircraft[name].model_dump(exclude_none=True) if name in scenario.aircraft else {}
        for key in AIRCRAFT_NUMBERS:
            p = kind.provenance[key]
            if (not p.ranged or p.grade not in ("assumed", "derived") or (key in own and own[key] != p.value)
                    or not _used(scenario, name, key, kind, cargo)):
                continue
            out.append(Input(f"aircraft.{name}.{key}", "whole" if key in WHOLE_FIELDS else "range", p.low, p.high,
                             own.get(key, p.value), p.grade, p.source))
        if "payload_range" not in own:
            for i, point in enumerate(kind.provenance["payload_range_points"].value):
                if point.get("low") is not None and point["high"] > point["low"] and point["grade"] in ("assumed", "derived"):
                    out.append(Input(f"aircraft.{name}.payload_range[{i}][1]", "range", point["low"], point["high"],
                                     point["range_km"], point["grade"],
                                     f"{point['payload_t']} t -> km: {point['source']}"))
    for ident in scenario.airfield_idents():
        own_field = scenario.airfields.get(ident)
        if (own_field is not None and own_field.lat is not None) or not catalog.is_known_ident(ident):
            continue
        own = own_field.model_dump(exclude_none=True) if own_field is not None else {}
        for key in AIRFIELD_NUMBERS:
            p = catalog.airfield(ident).provenance[key]
            if p.ranged and p.grade in ("assumed", "derived") and not (key in own and own[key] != p.value):
                out.append(_catalogue_input(f"airfields.{ident}.{key}", key, p, own.get(key, p.value)))
    return out


def _used(scenario: Any, name: str, key: str, kind: Any, cargo: bool) -> bool:
    """False for a number that cannot change this scenario's runs."""
    if key in NOT_SIMULATED:
        return False
    if key in CARGO_ONLY:
        return cargo
    if key in CREW_ONLY:
        return scenario.operations.crews and not (key == "crews_per_aircraft" and any(
            f.type == name and f.crews_per_aircraft is not None for f in scenario.fleet))
    if key == "refuel_h":
        own = scenario.aircraft.get(name)
        return bool(own.refuel_sequential if own is not None and own.refuel_sequential is not None else kind.refuel_sequential)
    return True


def study_inputs(scenario: Any, catalogue: bool | None = None) -> list[Input]:
    """The inputs of a study: the ``uncertainty:`` block's, and, when the block is absent (or ``catalogue``
    is True), the catalogue ranges of the numbers the scenario uses that the block does not name."""
    declared = declared_inputs(scenario)
    if catalogue is None:
        catalogue = not declared
    named = {i.path for i in declared}
    extra = [i for i in catalogue_inputs(scenario) if i.path not in named] if catalogue else []
    return [*declared, *extra]
