"""The press claims under uncertainty: each verdict judged over the ranges of the inputs it rests on.

For each claim, type, airspace case and reading, the inputs are sampled jointly (a Latin hypercube,
scipy.stats.qmc): the type's range reserve, fuel capacity and payload-range points over their catalogue
ranges (``low``/``high`` in sim/data/aircraft.yaml, e.g. the Il-76MD's 40 t point at 4,200-4,400 km),
the claim's own threshold (the Telegraph's "worth flying" load 20-35 t; Rybar's "empty", 5-20 % of the
maximum payload), and the overflights no source confirms: none closed, or one of them closed (e.g.
Georgia). A verdict is ``holds`` when it holds at every sample, ``fails`` when at none, otherwise
``indeterminate within the input ranges`` with the share of samples where it holds and the inputs that
decide it (those whose high and low halves, or whose choices, give the most different shares). Pure: no
simulation, no I/O; the routes are those of the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.data import catalog, countries, presence
from sim.data.catalog import AircraftType, Airfield
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy
from sim.geo.routing import Route
from sim.reports.claims import CLAIMS, READINGS, RUSSIA, Best, Claim, _best, _lazy_reaches, _Routes

SAMPLES = 64
THRESHOLDS = {"telegraph": (20.0, 35.0, "t", "the load worth flying: 20 t, up to the catalogue's 35 t planning load"),
              "rybar": (0.05, 0.20, "share", "'empty': under 5-20 % of the type's maximum payload")}
DECIDES = 0.10  # an input decides the verdict when its halves' shares of samples that hold differ by this much
UNCERTAINTY_COLUMNS = ["claim", "type", "case", "reading", "samples", "p_holds", "verdict", "decided_by", "inputs"]


@dataclass(frozen=True)
class ClaimInput:
    """One sampled input: ``key`` names what it changes; a range or a list of choices."""

    key: str
    words: str
    low: Any
    high: Any
    choices: tuple[Any, ...] = ()

    def value_at(self, u: float) -> Any:
        if self.choices:
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        return self.low + float(u) * (self.high - self.low)

    def describe(self) -> str:
        if self.choices:
            return f"{self.words}: " + " / ".join(c or "none" for c in self.choices)
        return f"{self.words}: {self.low:g}-{self.high:g}"


def claim_inputs(kind: AircraftType, claim: Claim, unconfirmed: Sequence[str]) -> list[ClaimInput]:
    """The inputs of one claim for one type: its catalogue ranges, the claim's threshold, the overflights."""
    out = []
    for key, words in (("range_reserve_frac", "range reserve"), ("fuel_capacity_t", "fuel capacity (t)")):
        p = kind.provenance[key]
        if p.ranged:
            out.append(ClaimInput(key, words, p.low, p.high))
    for i, point in enumerate(kind.provenance["payload_range_points"].value):
        if point.get("low") is not None and point["high"] > point["low"]:
            out.append(ClaimInput(f"payload_range[{i}]", f"range at {point['payload_t']:g} t (km)", point["low"], point["high"]))
    low, high, _, words = THRESHOLDS[claim.key]
    out.append(ClaimInput("threshold", f"the claim's threshold, {words}", low, high))
    if unconfirmed:
        out.append(ClaimInput("closed", "an unconfirmed overflight closed", "", "", ("", *unconfirmed)))
    return out


def _kind_at(kind: AircraftType, values: dict[str, Any]) -> AircraftType:
    changes: dict[str, Any] = {k: v for k, v in values.items() if k in ("range_reserve_frac", "fuel_capacity_t")}
    points = [list(p) for p in kind.payload_range]
    moved = False
    for key, value in values.items():
        if key.startswith("payload_range["):
            points[int(key[len("payload_range["):-1])][1] = value
            moved = True
    if moved:
        changes["payload_range"] = points
    return kind.with_overrides(changes) if changes else kind


def _threshold(claim: Claim, kind: AircraftType, value: float) -> float:
    return value if THRESHOLDS[claim.key][2] == "t" else value * kind.max_payload_t


def judge(claim: Claim, routes: _Routes, sampled: AircraftType, reading: str, values: dict[str, Any],
          counted: Sequence[str]) -> bool:
    """Whether the claim holds with these input values (``sampled``: the type with them applied)."""
    closed = values.get("closed", "")
    tons = _threshold(claim, sampled, values["threshold"])
    if closed:
        reaches = _lazy_reaches(routes, sampled, reading, closed)
    else:
        best: Best = _best(routes, sampled, reading)

        def reaches(wanted: Sequence[str], t: float) -> bool:
            return any((b := best.get(c)) is not None and b[0] >= t for c in wanted)
    return claim.holds_at(reaches, sampled, counted, tons)


def deciding(inputs: list[ClaimInput], unit: np.ndarray, holds: np.ndarray) -> list[tuple[float, str]]:
    """(difference, words) for each input whose halves (or choices) hold in shares differing by DECIDES or
    more, the largest difference first."""
    found = []
    for j, item in enumerate(inputs):
        if item.choices:
            index = np.minimum((unit[:, j] * len(item.choices)).astype(int), len(item.choices) - 1)
            shares = {c or "none closed": holds[index == k].mean()
                      for k, c in enumerate(item.choices) if (index == k).any()}
            spread = max(shares.values()) - min(shares.values())
            detail = ", ".join(f"{c} {s:.0%}" for c, s in shares.items()
                               if abs(s - holds.mean()) >= DECIDES or c == "none closed")
        else:
            lower, upper = holds[unit[:, j] < 0.5], holds[unit[:, j] >= 0.5]
            if not len(lower) or not len(upper):
                continue
            middle = item.low + 0.5 * (item.high - item.low)
            spread = abs(upper.mean() - lower.mean())
            detail = (f"holds in {lower.mean():.0%} of samples at {item.low:g}-{middle:g}, "
                      f"{upper.mean():.0%} at {middle:g}-{item.high:g}")
        if spread >= DECIDES:
            found.append((float(spread), f"{item.words} ({detail})"))
    return sorted(found, key=lambda f: -f[0])


def claim_uncertainty(
    cases: Sequence[Any], origins: Iterable[str], types: Sequence[str] | None = None, samples: int = SAMPLES,
    seed: int = 0, unconfirmed: Sequence[str] | None = None, claims: Sequence[Claim] = CLAIMS,
    route: Callable[[Airfield, Airfield, AirspacePolicy], Route] = airspace.legal_route,
    progress: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """One row per claim, type, case and reading (claim_uncertainty.csv): the share of sampled inputs where
    the claim holds, the verdict, and the inputs that decide it. The same sampled points for every row."""
    from scipy.stats import qmc

    kinds = catalog.aircraft_catalog()
    names = list(kinds) if types is None else list(types)
    toggles = countries.unconfirmed_overflight() if unconfirmed is None else list(unconfirmed)
    listed = presence.russian_presence()
    counted = [c for c, p in listed.items() if p.confirmed]
    russian = [catalog.airfield(o) for o in origins if catalog.airfield(o).country == RUSSIA]
    pairs = {c: [(o, catalog.airfield(d)) for o in russian for d in p.airfields] for c, p in listed.items()}
    rows = []
    sampled: dict[tuple[Any, ...], AircraftType] = {}  # the type at each sampled point, fitted once

    def kind_at(name: str, values: dict[str, Any]) -> AircraftType:
        key = (name, *sorted((k, v) for k, v in values.items() if k not in ("threshold", "closed")))
        if key not in sampled:
            sampled[key] = _kind_at(kinds[name], values)
        return sampled[key]

    for case in cases:
        routes = _Routes(case, pairs, route)
        for name in names:
            for claim in claims:
                inputs = claim_inputs(kinds[name], claim, toggles)
                unit = qmc.LatinHypercube(d=len(inputs), seed=seed).random(samples)
                points = [{i.key: i.value_at(u) for i, u in zip(inputs, row, strict=True)} for row in unit]
                for reading in READINGS:
                    holds = np.array([judge(claim, routes, kind_at(name, v), reading, v, counted) for v in points],
                                     dtype=float)
                    rows.append(_row(claim, name, case.key, reading, inputs, unit, holds))
            if progress:
                progress()
    return rows


def _row(claim: Claim, name: str, case: str, reading: str, inputs: list[ClaimInput], unit: np.ndarray,
         holds: np.ndarray) -> dict[str, Any]:
    p = float(holds.mean())
    verdict = "holds" if p == 1.0 else "fails" if p == 0.0 else "indeterminate within the input ranges"
    decided = deciding(inputs, unit, holds) if 0.0 < p < 1.0 else []
    return {"claim": claim.key, "type": name, "case": case, "reading": reading, "samples": len(holds),
            "p_holds": round(p, 4), "verdict": verdict, "decided_by": "; ".join(words for _, words in decided),
            "inputs": "; ".join(i.describe() for i in inputs)}
