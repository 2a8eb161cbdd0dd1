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
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML

from sim.data import catalog
from sim.data.names import UnknownAirfieldError, resolve_airfield
from sim.errors import InputError, Problem
from sim.flight.reach import max_nonstop_payload_t, return_route, round_trip_payload_t
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
    count: int = 1
    at_least: bool = False


MINIMUM = re.compile(
    r"^\s*(?:(?P<ge>>=|at least)\s*(?P<n1>\d+)|(?P<gt>>|more than)\s*(?P<n2>\d+)|(?P<n3>\d+)\s*\+|(?P<n4>\d+))\s*$",
    re.IGNORECASE)


def parse_count(text: str) -> tuple[int, bool] | None:
    """``"3"`` -> (3, False); ``"3+"``, ``">=3"``, ``"at least 3"`` -> (3, True); ``">3"``, ``"more than 3"``
    -> (4, True); "" -> (1, False); None if unreadable. A row may stand for several flights; a total that
    includes a minimum is itself a minimum ("at least")."""
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


MAX_FLIGHTS_BYTES = 512 * 1024 * 1024
MAX_PROBLEMS = 20  # reported one per line; then how many more
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def read_flights(path: Path) -> list[Flight]:
    """Read and check a CSV of observed flights (header: date,type,origin,destination[,source]): every
    date a real day written YYYY-MM-DD, every type and airfield known, no quote left open (a row cut
    in the middle of a quoted field is an error, never dropped)."""
    from sim.scenario.loading import read_text_file

    name = str(path)
    try:
        text = read_text_file(Path(path), MAX_FLIGHTS_BYTES)
    except InputError as exc:
        raise FlightsError(exc.problems) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [c.strip() for c in next(reader, [])]
    except csv.Error as exc:
        raise FlightsError([Problem(name, 1, 1, "", f"CSV error: {exc}")]) from None
    if header[:4] != list(COLUMNS):
        raise FlightsError([Problem(name, 1, 1, "", f"expected the header {','.join(COLUMNS)}[,source]")])
    kinds = catalog.aircraft_catalog()
    flights: list[Flight] = []
    problems: list[Problem] = []
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, start, 0, "", f"CSV error: {exc} (a quote left open?)"))
            break
        line = start
        if not any(cell.strip() for cell in row):
            continue
        if reader.line_num != start:
            problems.append(Problem(name, start, 0, "", f"a quoted field runs over {reader.line_num - start + 1} "
                                    "lines (a quote left open?)"))
            continue
        flight = _flight(dict(zip(header, (c.strip() for c in row), strict=False)), name, line, kinds, problems)
        if flight is not None:
            flights.append(flight)
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS]
        if extra > 0:
            shown.append(Problem(name, 0, 0, "", f"and {extra:,} more problems"))
        raise FlightsError(shown)
    if not flights:
        raise FlightsError([Problem(name, 2, 1, "", "no flights")])
    return flights


def _flight(record: dict[str, str], name: str, line: int, kinds: Any, problems: list[Problem]) -> Flight | None:
    """One row as a Flight, or None with its problems added."""
    before = len(problems)
    day = record.get("date", "")
    try:
        if not _DATE.match(day):
            raise ValueError
        date.fromisoformat(day)
    except ValueError:
        problems.append(Problem(name, line, 0, "date", f"expected a date written YYYY-MM-DD, e.g. 2024-12-07 (got {day!r})"))
    if record.get("type") not in kinds:
        message = f"unknown aircraft type {record.get('type')!r}; known: {', '.join(kinds)}"
        problems.append(Problem(name, line, 0, "type", message))
    for key in ("origin", "destination"):  # a code or a name (Hmeimim), as everywhere
        try:
            record[key] = resolve_airfield(record.get(key) or "")
        except UnknownAirfieldError as exc:
            problems.append(Problem(name, line, 0, key, str(exc)))
    count = parse_count(record.get("count", ""))
    if count is None or count[0] < 1:
        problems.append(Problem(name, line, 0, "count", f"expected a count such as 3, 3+, >=3, at least 3, "
                                                        f"more than 3; got {record.get('count')!r}"))
    if len(problems) > before or count is None:
        return None
    return Flight(day, record["type"], record["origin"], record["destination"], record.get("source", ""), *count)


@lru_cache(maxsize=1)
def spread() -> dict[str, Any]:
    """The planning-load spread (fractions of the planning load) with their sources."""
    text = resources.files("sim").joinpath("data", "estimate.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


EXACT_BUDGET = 50_000_000  # flights x draws sampled one by one; beyond it, the total's interval is normal


def estimate(flights: list[Flight], policy: AirspacePolicy, draws: int = 20_000, seed: int = 0,
             progress: Callable[[int], None] | None = None, dry: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Per-flight caps and means, and the total's mean and 5-95 % interval (t).

    Memory does not grow with flights x draws: each flight's draws are added to the total and dropped.
    Up to ``EXACT_BUDGET`` flights x draws every flight's load is drawn (Monte Carlo); beyond it (10,000
    flights at 20,000 draws) each flight's mean and 5-95 % come from its capped triangular distribution
    and the total, a sum of that many independent loads, is normal with their summed mean and variance
    (the central limit theorem; ``method`` says which). ``progress(flights done)`` is called as it goes."""
    if draws < 1:
        raise ValueError(f"draws must be at least 1 (got {draws})")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    s = spread()
    fractions = (float(s["low_frac"]["value"]), float(s["mode_frac"]["value"]), float(s["high_frac"]["value"]))
    exact = len(flights) * draws <= EXACT_BUDGET
    total = np.zeros(draws) if exact else None
    caps: dict[tuple[str, str, str], tuple[float | None, float, str]] = {}
    moments: dict[tuple[str, float], tuple[float, float, float, float]] = {}
    legs: list[dict[str, Any]] = []
    mean_sum = var_sum = 0.0
    for j, f in enumerate(flights):
        key = (f.type, f.origin, f.destination)
        if key not in caps:
            caps[key] = _cap(f, policy, dry)
        route_km, cap, note = caps[key]
        kind = catalog.aircraft_catalog()[f.type]
        low, mode, high = _triangle(kind.planning_load_t, fractions)
        limit = min(cap, kind.max_payload_t)
        if total is not None:
            column = np.minimum(rng.triangular(low, mode, high, size=draws), limit) * f.count
            total += column
            mean, p05, p95 = float(column.mean()), float(np.percentile(column, 5)), float(np.percentile(column, 95))
        else:
            if (f.type, limit) not in moments:
                moments[(f.type, limit)] = capped_triangle_moments(low, mode, high, limit)
            mean, variance, p05, p95 = (x * m for x, m in zip(moments[(f.type, limit)], (f.count, f.count ** 2,
                                                                                          f.count, f.count), strict=True))
            mean_sum += mean
            var_sum += variance
        legs.append({"date": f.date, "type": f.type, "origin": f.origin, "destination": f.destination,
                     "count": f.count, "at_least": f.at_least, "route_km": route_km, "cap_t": cap,
                     "mean_t": mean, "p05_t": p05, "p95_t": p95,
                     "note": note, "source": f.source})
        if progress is not None and (j + 1) % 1000 == 0:
            progress(j + 1)
    summary, method = _total(total, mean_sum, var_sum, draws, len(flights))
    if progress is not None:
        progress(len(flights))
    return {
        "flights": legs,
        "total": {**summary, "ceiling_t": float(sum(leg["cap_t"] * leg["count"] for leg in legs)),
                  "flights": sum(f.count for f in flights), "at_least": any(f.at_least for f in flights)},
        "assumptions": {k: dict(v) for k, v in s.items()},
        "airspace": policy.describe(),
        "draws": draws,
        "seed": seed,
        "method": method,
    }


def _total(total: np.ndarray | None, mean_sum: float, var_sum: float, draws: int, flights_n: int
           ) -> tuple[dict[str, float], str]:
    """The total's mean and 5-95 % (t) and how they were found: from the summed draws (``total``, Monte
    Carlo), else normal with the flights' summed mean and variance."""
    summary: dict[str, float]
    if total is not None:
        summary = {"mean_t": float(total.mean()), "p05_t": float(np.percentile(total, 5)),
                   "p95_t": float(np.percentile(total, 95))}
        method = f"Monte Carlo: {draws:,} draws of every flight's load"
    else:
        spread_t = 1.6448536269514722 * var_sum ** 0.5  # the normal's 95th percentile, in standard deviations
        summary = {"mean_t": mean_sum, "p05_t": mean_sum - spread_t, "p95_t": mean_sum + spread_t}
        method = (f"normal approximation: {flights_n:,} independent loads, each from its capped triangular "
                  "distribution (more than the Monte Carlo budget of flights x draws)")
    return summary, method


def _cap(f: Flight, policy: AirspacePolicy, dry: frozenset[str] = frozenset()) -> tuple[float | None, float, str]:
    """(route km, payload cap t, note) of one observed flight's type and airfields (those in ``dry`` taken
    as without fuel), under the model's own trip rules."""
    kind = catalog.aircraft_catalog()[f.type]
    origin, dest = (catalog.airfield(x) for x in (f.origin, f.destination))
    origin, dest = (dataclasses.replace(a, fuel=False) if a.ident in dry else a for a in (origin, dest))
    route = airspace.legal_route(origin, dest, policy)
    if route.legal:
        cap, note = trip_cap_t(kind, origin, dest, route, policy)
    else:
        cap = min(kind.planning_load_t, kind.max_payload_t)
        note = "no legal route under this airspace: planning load assumed"
    return route.length_km, max(cap, 0.0), note


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


def _triangle(load_t: float, fractions: tuple[float, float, float]) -> tuple[float, float, float]:
    low, mode, high = fractions
    return low * load_t, mode * load_t, max(high * load_t, mode * load_t + 1e-9)


def capped_triangle_moments(low: float, mode: float, high: float, cap: float) -> tuple[float, float, float, float]:
    """(mean, variance, 5th and 95th percentile) of min(X, cap), X triangular(low, mode, high)."""
    def quantile(p: float) -> float:
        if p < (mode - low) / (high - low):
            x = low + ((high - low) * (mode - low) * p) ** 0.5
        else:
            x = high - ((high - low) * (high - mode) * (1 - p)) ** 0.5
        return min(x, cap)

    p = (np.arange(200_000) + 0.5) / 200_000  # midpoints: the mean of a quantile function, to 1e-6 of the load
    xs = np.minimum(np.where(p < (mode - low) / (high - low), low + np.sqrt((high - low) * (mode - low) * p),
                             high - np.sqrt((high - low) * (high - mode) * (1 - p))), cap)
    return float(xs.mean()), float(xs.var()), quantile(0.05), quantile(0.95)
