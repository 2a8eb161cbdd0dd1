"""Tonnage from observed flights: each leg's payload is capped by the model's own trip rules on its legal
route (the fuel-and-mass model with the range reserve; into an airfield without fuel, the fuel for the way
back is tankered, as the trip planner does) and drawn from the type's planning-load spread
(sim/data/estimate.yaml); Monte Carlo gives the interval.

A row may stand for several flights: an optional ``count`` column holds a whole number (exact) or a
minimum written ``N+``, ``>=N``, ``at least N`` or ``>N`` / ``more than N`` (at least N + 1). A total
that includes a minimum is itself a minimum ("at least").

``read_flights`` is the file edge; ``estimate`` is pure (the RNG comes from ``seed``).
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML

from sim.data import catalog
from sim.errors import Problem
from sim.flight.reach import max_nonstop_payload_t, return_route, round_trip_payload_t
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy

COLUMNS = ("date", "type", "origin", "destination")


@dataclass(frozen=True)
class Flight:
    """One observed flight (or ``count`` alike; ``at_least``: the count is a minimum)."""

    date: str
    type: str
    origin: str
    destination: str
    source: str = ""
    count: int = 1
    at_least: bool = False


MINIMUM = re.compile(
    r"^\s*(?:(?P<ge>>=|at least)\s*(?P<n1>\d+)|(?P<gt>>|more than)\s*(?P<n2>\d+)|(?P<n3>\d+)\s*\+|(?P<n4>\d+))\s*$",
    re.IGNORECASE)


def parse_count(text: str) -> tuple[int, bool] | None:
    """``"3"`` -> (3, False); ``"3+"``, ``">=3"``, ``"at least 3"`` -> (3, True); ``">3"``, ``"more than 3"``
    -> (4, True); "" -> (1, False); None if unreadable."""
    if not text.strip():
        return 1, False
    m = MINIMUM.match(text)
    if m is None:
        return None
    if m["n4"] is not None:
        return int(m["n4"]), False
    if m["n2"] is not None:
        return int(m["n2"]) + 1, True
    return int(m["n1"] or m["n3"]), True


class FlightsError(Exception):
    """Problems in a flights file, one per bad cell."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def read_flights(path: Path) -> list[Flight]:
    """Read and check a CSV of observed flights (header: date,type,origin,destination[,source])."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FlightsError([Problem(name, 0, 0, "", f"cannot read the file: {exc.strerror}")]) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip() for c in rows[0][:4]] != list(COLUMNS):
        raise FlightsError([Problem(name, 1, 1, "", f"expected the header {','.join(COLUMNS)}[,source]")])
    header = [c.strip() for c in rows[0]]
    kinds, known = catalog.aircraft_catalog(), catalog.known_idents()
    flights, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, (c.strip() for c in row), strict=False))
        bad = False
        if record.get("type") not in kinds:
            message = f"unknown aircraft type {record.get('type')!r}; known: {', '.join(kinds)}"
            problems.append(Problem(name, line, 0, "type", message))
            bad = True
        for key in ("origin", "destination"):
            if record.get(key) not in known:
                problems.append(Problem(name, line, 0, key, f"unknown airfield {record.get(key)!r}"))
                bad = True
        count = parse_count(record.get("count", ""))
        if count is None or count[0] < 1:
            problems.append(Problem(name, line, 0, "count", f"expected a count such as 3, 3+, >=3, at least 3, "
                                                            f"more than 3; got {record.get('count')!r}"))
            bad = True
        if not bad and count is not None:
            flights.append(Flight(record["date"], record["type"], record["origin"], record["destination"],
                                  record.get("source", ""), *count))
    if problems:
        raise FlightsError(problems)
    if not flights:
        raise FlightsError([Problem(name, 2, 1, "", "no flights")])
    return flights


@lru_cache(maxsize=1)
def spread() -> dict[str, Any]:
    """The planning-load spread (fractions of the planning load) with their sources."""
    text = resources.files("sim").joinpath("data", "estimate.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def estimate(flights: list[Flight], policy: AirspacePolicy, draws: int = 20_000, seed: int = 0,
             dry: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Per-flight caps and means, and the total's mean and 5-95 % interval (t); the airfields in ``dry`` are
    taken as without fuel."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    s = spread()
    low, mode, high = (float(s[k]["value"]) for k in ("low_frac", "mode_frac", "high_frac"))
    kinds = catalog.aircraft_catalog()
    samples = np.zeros((draws, len(flights)))
    legs = []
    caps: list[float] = []
    for j, f in enumerate(flights):
        kind = kinds[f.type]
        origin, dest = (catalog.airfield(x) for x in (f.origin, f.destination))
        origin, dest = (dataclasses.replace(a, fuel=False) if a.ident in dry else a for a in (origin, dest))
        route = airspace.legal_route(origin, dest, policy)
        note = ""
        if route.legal:
            cap, note = trip_cap_t(kind, origin, dest, route, policy)
        else:
            cap = min(kind.planning_load_t, kind.max_payload_t)
            note = "no legal route under this airspace: planning load assumed"
        cap = max(cap, 0.0)
        caps.append(cap)
        load = kind.planning_load_t
        draw = rng.triangular(low * load, mode * load, max(high * load, mode * load + 1e-9), size=draws)
        samples[:, j] = np.minimum(draw, min(cap, kind.max_payload_t)) * f.count
        legs.append({"date": f.date, "type": f.type, "origin": f.origin, "destination": f.destination,
                     "count": f.count, "at_least": f.at_least,
                     "route_km": route.length_km, "cap_t": cap, "mean_t": float(samples[:, j].mean()),
                     "p05_t": float(np.percentile(samples[:, j], 5)), "p95_t": float(np.percentile(samples[:, j], 95)),
                     "note": note, "source": f.source})
    total = samples.sum(axis=1)
    return {
        "flights": legs,
        "total": {"mean_t": float(total.mean()), "p05_t": float(np.percentile(total, 5)),
                  "p95_t": float(np.percentile(total, 95)),
                  "ceiling_t": sum(cap * f.count for cap, f in zip(caps, flights, strict=True)),
                  "flights": sum(f.count for f in flights), "at_least": any(f.at_least for f in flights)},
        "assumptions": {k: dict(v) for k, v in s.items()},
        "airspace": policy.describe(),
        "draws": draws,
        "seed": seed,
    }


def trip_cap_t(kind: catalog.AircraftType, origin: catalog.Airfield, dest: catalog.Airfield, route: Any,
               policy: AirspacePolicy) -> tuple[float, str]:
    """Most a flight carries on its legal route under the model's own trip rules, and a note: non-stop with
    the range reserve; into an airfield without fuel, with the fuel back to the origin aboard (the trip
    planner's rule when the origin has fuel); beyond non-stop range, one fuel stop assumed (the longer half
    of the route bounds the load)."""
    if not dest.fuel and origin.fuel:
        back = return_route(origin, dest, policy, route)
        cap = round_trip_payload_t(kind, origin, dest, route.length_km, back.length_km if back.legal else None)
        if cap >= 0:
            return cap, "no fuel at the destination: the fuel back is carried (the model's rule)"
    cap = max_nonstop_payload_t(kind, origin, dest, route.length_km)
    if cap < 0 or math.isnan(cap):  # flown, so it must have stopped
        return max_nonstop_payload_t(kind, origin, dest, route.length_km / 2), "beyond non-stop range: one fuel stop assumed"
    return cap, ""
