"""Scenario -> World: everything that stays fixed while aircraft fly, computed once before the clock starts.

The World holds the aircraft types and the airfields the scenario names (catalogue plus scenario
overrides; only these serve as en-route fuel stops, so a stop never appears unasked), the distance
between every pair of airfields (geodesic unless the scenario supplies a routed distance) and the static
feasibility of each requirement for each fleet type. The model looks distances up; it never calls pyproj.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim import catalog, geo, performance
from sim.catalog import AircraftType, Airfield, Provenance
from sim.scenario import Scenario


@dataclass(frozen=True)
class World:
    """Static inputs of one run."""

    scenario: Scenario
    aircraft: dict[str, AircraftType]
    airfields: dict[str, Airfield]  # every airfield the scenario names; the only fuel-stop candidates
    index: dict[str, int]
    distance_km: np.ndarray
    leg_notes: dict[tuple[str, str], str] = field(default_factory=dict)

    def distance(self, a: str, b: str) -> float:
        """Leg distance (km) between two airfields."""
        return float(self.distance_km[self.index[a], self.index[b]])

    def flight_h(self, aircraft: AircraftType, a: str, b: str) -> float:
        """Block time (h) of the leg a -> b for this type."""
        return performance.flight_h(aircraft, self.distance(a, b))


def build_world(scenario: Scenario) -> World:
    """Resolve the scenario against the catalogues and compute the distance table."""
    types = catalog.aircraft_catalog()
    aircraft = {}
    for name in dict.fromkeys(f.type for f in scenario.fleet):
        override = scenario.aircraft.get(name)
        aircraft[name] = types[name].with_overrides(override.values() if override else {})

    airfields: dict[str, Airfield] = {}
    for ident in scenario.airfield_idents():
        settings = scenario.airfields.get(ident)
        if settings is not None and settings.lat is not None:
            airfields[ident] = _custom_airfield(ident, settings.overrides())
        else:
            base = catalog.airfield(ident)
            airfields[ident] = base.with_overrides(settings.overrides() if settings else {})

    idents = list(airfields)
    index = {ident: i for i, ident in enumerate(idents)}
    lats = np.array([airfields[k].lat for k in idents])
    lons = np.array([airfields[k].lon for k in idents])
    distance = geo.distance_matrix_km(lats, lons)
    notes = {}
    for leg in scenario.legs:
        i, j = index[leg.from_], index[leg.to]
        distance[i, j] = distance[j, i] = leg.distance_km
        note = f"{leg.distance_km:g} km routed" + (f" via {leg.via}" if leg.via else "")
        notes[(leg.from_, leg.to)] = notes[(leg.to, leg.from_)] = note + (f" ({leg.source})" if leg.source else "")
    return World(scenario, aircraft, airfields, index, distance, notes)


def _custom_airfield(ident: str, values: dict) -> Airfield:
    prov = catalog.scenario_provenance(values)
    defaults = {"mog": 2, "fuel": True, "runway_m": None}
    for key, value in defaults.items():
        if key not in values:
            prov[key] = Provenance(value, "assumed", "default for airfields outside the catalogue")
    return Airfield(
        ident=ident,
        name=values.get("name", ident),
        country=values["country"],
        lat=values["lat"],
        lon=values["lon"],
        runway_m=values.get("runway_m"),
        mog=values.get("mog", 2),
        fuel=values.get("fuel", True),
        provenance=prov,
    )
