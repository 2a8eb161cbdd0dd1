"""Aircraft and airfield catalogues: frozen types with the provenance of every number.

The catalogue files live in ``sim/data/``. Every number there is ``{value, grade, source}``; this module
turns them into plain frozen dataclasses for the model and keeps the provenance beside them, so a
result can say where each input came from.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import airportsdata
import pycountry
import ruamel.yaml
from ruamel.yaml import YAML

from sim.data import derived
from sim.data.entries import (  # noqa: F401  (the catalogue's names for them)
    DEFAULT_CARGO_CLASSES,
    DERIVED_AIRCRAFT_FIELDS,
    MASS_MODEL_INPUTS,
    AircraftType,
    Airfield,
    _sorted_points,
    _with_mass_fit,
)
from sim.data.provenance import Grade, Provenance, scenario_provenance  # noqa: F401

AIRCRAFT_FIELDS = (
    "max_payload_t",
    "cruise_speed_kmh",
    "block_allowance_h",
    "mtow_t",
    "oew_t",
    "max_landing_mass_t",
    "fuel_capacity_t",
    "fuel_burn_t_per_h",
    "runway_full_load_m",
    "runway_min_m",
    "landing_distance_m",
    "planning_load_t",
    "onload_h",
    "offload_h",
    "refuel_h",
    "enroute_stop_h",
    "range_reserve_frac",
    "ute_h_per_day",
    "crews_per_aircraft",
    "crew_duty_h",
    "crew_rest_h",
    "crew_show_h",
    "crew_debrief_h",
    "crew_flight_h_per_30d",
)
BOOLEAN_AIRCRAFT_FIELDS = ("refuel_sequential",)
# The hold and what it takes (sim.model.packing); ramp_length_m and ramp_load_t may be null (no ramp floor).
CARGO_AIRCRAFT_FIELDS = ("hold_floor_length_m", "hold_width_m", "hold_height_m", "ramp_length_m", "ramp_load_t",
                         "seats", "seats_on_floor")


def _read_data(filename: str) -> dict[str, Any]:
    """A data file of sim/data as YAML 1.2 reads it; parsed once per content and kept in the cache folder
    (ruamel.yaml, pure Python, takes 0.1 s for aircraft.yaml)."""
    text = resources.files("sim").joinpath("data", filename).read_text(encoding="utf-8")
    data = derived.remembered("yaml", (filename, derived.digest(text), ruamel.yaml.__version__),
                              lambda: YAML(typ="safe").load(text))
    assert isinstance(data, dict)
    return data


class CatalogError(ValueError):
    """A data file of sim/data breaks its own rules (a range that does not hold its value)."""


def _provenance(entry: dict[str, Any], where: str = "") -> Provenance:
    low, high = checked_range(entry.get("value"), entry.get("low"), entry.get("high"), where)
    return Provenance(entry["value"], entry["grade"], entry["source"], low, high)


def checked_range(value: Any, low: Any, high: Any, where: str = "") -> tuple[Any, Any]:
    """``(low, high)`` once checked: both or neither given, numbers with ``low <= value <= high``, or for a
    yes/no number (fuel) the two choices false and true."""
    if low is None and high is None:
        return None, None
    if low is None or high is None:
        raise CatalogError(f"{where}: give both low and high (got low={low!r}, high={high!r})")
    if isinstance(value, bool):
        if (low, high) != (False, True):
            raise CatalogError(f"{where}: a yes/no value takes low: false, high: true (got {low!r}, {high!r})")
        return low, high
    numbers = [x for x in (value, low, high) if isinstance(x, int | float) and not isinstance(x, bool)]
    if len(numbers) != 3:
        raise CatalogError(f"{where}: value, low and high must be numbers (got {value!r}, {low!r}, {high!r})")
    if not low <= value <= high:
        raise CatalogError(f"{where}: expected low <= value <= high (got {low!r} <= {value!r} <= {high!r})")
    return low, high


@lru_cache(maxsize=1)
def aircraft_catalog() -> dict[str, AircraftType]:
    """All aircraft types of ``sim/data/aircraft.yaml``, by name."""
    catalog = {}
    for name, entry in _read_data("aircraft.yaml").items():
        prov = {key: _provenance(entry[key], f"aircraft.yaml: {name}.{key}") for key in AIRCRAFT_FIELDS}
        points = entry["payload_range"]
        for i, p in enumerate(points):
            checked_range(p["range_km"], p.get("low"), p.get("high"), f"aircraft.yaml: {name}.payload_range[{i}].range_km")
        prov["payload_range"] = Provenance(
            [[p["payload_t"], p["range_km"]] for p in points],
            "sourced" if all(p["grade"] == "sourced" for p in points) else "derived",
            "; ".join(f"{p['payload_t']} t -> {p['range_km']} km: {p['grade']}, {p['source']}" for p in points),
        )
        prov["payload_range_points"] = Provenance(
            [dict(p) for p in points], prov["payload_range"].grade, "one grade and source per published point"
        )
        for key in BOOLEAN_AIRCRAFT_FIELDS:
            prov[key] = _provenance(entry[key], f"aircraft.yaml: {name}.{key}")
        cargo: dict[str, Any] = {}
        for key in (*CARGO_AIRCRAFT_FIELDS, "cargo_classes"):
            if key in entry:
                prov[key] = _provenance(entry[key], f"aircraft.yaml: {name}.{key}")
                value = prov[key].value
                cargo[key] = (tuple(value) if key == "cargo_classes" else int(value) if key == "seats"
                              else bool(value) if key == "seats_on_floor"
                              else None if value is None else float(value))
        numbers: dict[str, Any] = {key: None if prov[key].value is None else float(prov[key].value)
                                   for key in AIRCRAFT_FIELDS}
        flags: dict[str, Any] = {key: bool(prov[key].value) for key in BOOLEAN_AIRCRAFT_FIELDS}
        catalog[name] = _with_mass_fit(AircraftType(
            name=name,
            payload_range=_sorted_points([(p["payload_t"], p["range_km"]) for p in points]),
            provenance=prov,
            **numbers,
            **flags,
            **cargo,
        ))
    return catalog


@lru_cache(maxsize=1)
def _airportsdata() -> dict[str, Any]:
    return airportsdata.load("ICAO")


def _airportsdata_file() -> Any:
    return resources.files("airportsdata").joinpath("airports.csv")


@lru_cache(maxsize=1)
def _airportsdata_text() -> str:
    return _airportsdata_file().read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _airportsdata_entry(ident: str) -> dict[str, Any] | None:
    """``airportsdata.load("ICAO").get(ident)``: the curated airfields' rows are kept in the cache folder,
    any other ident's row is found in the file (loading all 28,000 rows takes 0.3 s, finding one 2 ms)."""
    curated = _curated_airportsdata_rows()
    return curated[ident] if ident in curated else _airportsdata_row(ident)


@lru_cache(maxsize=1)
def _curated_airportsdata_rows() -> dict[str, dict[str, Any] | None]:
    stat = os.stat(str(_airportsdata_file()))
    idents = tuple(curated_idents())
    key = (airportsdata_version(), stat.st_size, stat.st_mtime_ns, idents)
    return derived.remembered("airportsdata-rows", key, lambda: {i: _airportsdata_row(i) for i in idents})


def _airportsdata_row(ident: str) -> dict[str, Any] | None:
    """airportsdata's row of ``ident``, read from that one line; the last row of an ident wins, as in
    ``airportsdata.load``."""
    if not ident or any(c in ident for c in '"\r\n'):
        return None
    text = _airportsdata_text()
    start = text.rfind(f'\n"{ident}",')
    if start < 0:
        return None
    header = _airportsdata_header()
    row = next(csv.reader([text[start + 1:text.find("\n", start + 1)]], quoting=csv.QUOTE_NONNUMERIC))
    if len(row) != len(header):  # a quoted line break inside the row: read on to the end of the record
        rows = io.StringIO(text)
        rows.seek(start + 1)
        row = next(csv.reader(rows, quoting=csv.QUOTE_NONNUMERIC))
    return dict(zip(header, row, strict=True))


@lru_cache(maxsize=1)
def _airportsdata_header() -> list[str]:
    text = _airportsdata_text()
    return next(csv.reader([text[:text.index("\n")]], quoting=csv.QUOTE_NONNUMERIC))


def airportsdata_version() -> str:
    """Version of the airportsdata package the positions come from."""
    return str(getattr(airportsdata, "__version__", "unknown"))


def _iso3(alpha2: str) -> str:
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else alpha2


@lru_cache(maxsize=1)
def _curated_airfields() -> dict[str, dict[str, Any]]:
    return _read_data("airfields.yaml")


def curated_idents() -> list[str]:
    """Idents of the hand-curated catalogue (sim/data/airfields.yaml)."""
    return [k for k in _curated_airfields() if not k.startswith("_")]


def known_idents() -> set[str]:
    """Every ident a scenario may name: the curated catalogue plus airportsdata."""
    return set(curated_idents()) | set(_airportsdata())


def is_known_ident(ident: str) -> bool:
    """True when a scenario may name ``ident``: ``ident in known_idents()``, without loading airportsdata."""
    return (ident in _curated_airfields() and not ident.startswith("_")) or _airportsdata_entry(ident) is not None


@lru_cache(maxsize=None)
def airfield(ident: str) -> Airfield:
    """The airfield with this ident; KeyError if neither catalogue knows it."""
    curated = _curated_airfields()
    apd = _airportsdata_entry(ident)
    entry = curated.get(ident) if not ident.startswith("_") else None
    if entry is None and apd is None:
        raise KeyError(ident)
    apd_source = f"airportsdata {airportsdata_version()} (MIT)"
    prov: dict[str, Provenance] = {}
    if entry is None:
        assert apd is not None
        entry = {"name": apd["name"], "country": _iso3(apd["country"]), **curated["_defaults"]}
    if "lat" in entry:
        prov["lat"] = _provenance(entry["lat"], f"airfields.yaml: {ident}.lat")
        prov["lon"] = _provenance(entry["lon"], f"airfields.yaml: {ident}.lon")
    else:
        assert apd is not None, f"{ident}: position: airportsdata but airportsdata lacks it"
        prov["lat"] = Provenance(apd["lat"], "sourced", apd_source)
        prov["lon"] = Provenance(apd["lon"], "sourced", apd_source)
    for key in ("runway_m", "mog", "fuel", "parking_mog"):
        prov[key] = _provenance(entry[key], f"airfields.yaml: {ident}.{key}")
    if prov["parking_mog"].value is None:
        mog = int(prov["mog"].value)
        prov["parking_mog"] = Provenance(2 * mog, "derived", "twice the working MOG: " + prov["parking_mog"].source
                                         + "; range: the working spots alone up to three times them", mog, 3 * mog)
    runway = prov["runway_m"].value
    return Airfield(
        ident=ident,
        name=entry["name"],
        country=entry["country"],
        lat=float(prov["lat"].value),
        lon=float(prov["lon"].value),
        runway_m=None if runway is None else float(runway),
        mog=int(prov["mog"].value),
        fuel=bool(prov["fuel"].value),
        parking_mog=int(prov["parking_mog"].value),
        provenance=prov,
    )


@dataclass(frozen=True)
class EquipmentItem:
    """One kind of equipment of ``sim/data/equipment.yaml``: mass (t) and dimensions (m) as loaded."""

    key: str
    name: str
    cargo_class: str
    mass_t: float
    length_m: float
    width_m: float
    height_m: float
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, repr=False)


EQUIPMENT_FIELDS = ("mass_t", "length_m", "width_m", "height_m")


@lru_cache(maxsize=1)
def equipment_catalog() -> dict[str, EquipmentItem]:
    """Every item of ``sim/data/equipment.yaml``, by key."""
    out = {}
    for key, entry in _read_data("equipment.yaml")["items"].items():
        prov = {k: _provenance(entry[k], f"equipment.yaml: items.{key}.{k}") for k in EQUIPMENT_FIELDS}
        out[str(key)] = EquipmentItem(str(key), entry["name"], entry["class"],
                                      **{k: float(prov[k].value) for k in EQUIPMENT_FIELDS}, provenance=prov)
    return out


@lru_cache(maxsize=1)
def lane_gap() -> Provenance:
    """Clearance between pieces loaded side by side (m), with its provenance."""
    return _provenance(_read_data("equipment.yaml")["lane_gap_m"], "equipment.yaml: lane_gap_m")


@lru_cache(maxsize=1)
def passenger_mass() -> Provenance:
    """Mass of one passenger with kit (t), with its provenance."""
    return _provenance(_read_data("equipment.yaml")["passenger_mass_t"], "equipment.yaml: passenger_mass_t")
