"""Tonnage from observed flights: each leg's payload is capped by the envelope on its legal route and
drawn from the type's planning-load spread (sim/data/estimate.yaml); Monte Carlo gives the interval.

``read_flights`` is the file edge; ``estimate`` is pure (the RNG comes from ``seed``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML

from sim.data import catalog
from sim.errors import Problem
from sim.flight.reach import max_nonstop_payload_t
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy

COLUMNS = ("date", "type", "origin", "destination")


@dataclass(frozen=True)
class Flight:
    """One observed flight."""

    date: str
    type: str
    origin: str
    destination: str
    source: str = ""


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
        if not bad:
            flights.append(Flight(record["date"], record["type"], record["origin"], record["destination"],
                                  record.get("source", "")))
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


def estimate(flights: list[Flight], policy: AirspacePolicy, draws: int = 20_000, seed: int = 0) -> dict[str, Any]:
    """Per-flight caps and means, and the total's mean and 5-95 % interval (t)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    s = spread()
    low, mode, high = (float(s[k]["value"]) for k in ("low_frac", "mode_frac", "high_frac"))
    kinds = catalog.aircraft_catalog()
    samples = np.zeros((draws, len(flights)))
    legs = []
    for j, f in enumerate(flights):
        kind = kinds[f.type]
        origin, dest = catalog.airfield(f.origin), catalog.airfield(f.destination)
        route = airspace.legal_route(origin, dest, policy)
        note = ""
        if route.length_km is not None:  # a legal route
            cap = max_nonstop_payload_t(kind, origin, dest, route.length_km)
            if cap < 0:  # flown, so it must have stopped: the longer half of the route bounds the load
                cap = max_nonstop_payload_t(kind, origin, dest, route.length_km / 2)
                note = "beyond non-stop range: one fuel stop assumed"
        else:
            cap = min(kind.planning_load_t, kind.max_payload_t)
            note = "no legal route under this airspace: planning load assumed"
        cap = max(cap, 0.0)
        load = kind.planning_load_t
        draw = rng.triangular(low * load, mode * load, max(high * load, mode * load + 1e-9), size=draws)
        samples[:, j] = np.minimum(draw, min(cap, kind.max_payload_t))
        legs.append({"date": f.date, "type": f.type, "origin": f.origin, "destination": f.destination,
                     "route_km": route.length_km, "cap_t": cap, "mean_t": float(samples[:, j].mean()),
                     "p05_t": float(np.percentile(samples[:, j], 5)), "p95_t": float(np.percentile(samples[:, j], 95)),
                     "note": note, "source": f.source})
    total = samples.sum(axis=1)
    return {
        "flights": legs,
        "total": {"mean_t": float(total.mean()), "p05_t": float(np.percentile(total, 5)),
                  "p95_t": float(np.percentile(total, 95)), "ceiling_t": float(sum(leg["cap_t"] for leg in legs)),  # type: ignore[misc]
                  "flights": len(flights)},
        "assumptions": {k: dict(v) for k, v in s.items()},
        "airspace": policy.describe(),
        "draws": draws,
        "seed": seed,
    }
