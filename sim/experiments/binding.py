"""What bound the simulation: the aircraft-hours a run lost to each cause, from its own records.

The closed form (:mod:`sim.experiments.analytic`) names the smallest of its limits; the run may deliver
less than that limit because of things the closed form averages away or leaves out: aircraft holding for
a parking spot at the destination, waiting for a crew allowed to fly, queueing for a working spot (MOG),
standing at fuel stops, in repair, parked with nothing to carry, or flying another requirement's cargo
(the closed form gives each requirement the whole fleet). Each is measured here in
aircraft-hours from ground.csv's rows (a wait for a working spot: from asking for it to getting it; the
others: the activity's length), clipped to a window of the run, and charged to a requirement: the
requirement of the row, or for an empty aircraft's row (crew rest and parking holds carry no cargo
index) the requirement of that aircraft's next cargo leg (its previous one at the end of the run). Pure.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from typing import Any

from sim.model.records import SPOT_ACTIVITIES

# Cause names, in the order they are printed.
CAUSES = ("parking holds", "crew waits", "MOG waits", "fuel stops", "repairs", "idle (no cargo to carry)",
          "flying other requirements")
MEETS = 0.98  # a run delivering at least this share of the closed-form limit is not short of it
_EPS = 1e-9


def _cause(activity: str) -> str | None:
    return {"parking hold": "parking holds", "crew rest": "crew waits", "fuel stop": "fuel stops",
            "repair": "repairs", "parked": "idle (no cargo to carry)"}.get(activity)


def _overlap(start: float, end: float, from_h: float, to_h: float) -> float:
    return max(0.0, min(end, to_h) - max(start, from_h))


def _next_cargo(legs: dict[str, Any]) -> dict[str, tuple[list[float], list[int]]]:
    """Per aircraft, the departure hours of its cargo legs and their requirement, in time order."""
    out: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for aircraft, depart, req in zip(legs["aircraft"], legs["depart_h"], legs["requirement"], strict=True):
        if req >= 0:
            out[aircraft].append((depart, req))
    return {a: ([d for d, _ in sorted(v)], [r for _, r in sorted(v)]) for a, v in out.items()}


def _charged(aircraft: str, end_h: float, requirement: int, cargo: dict[str, tuple[list[float], list[int]]]) -> int:
    """The requirement a ground row is charged to (-1: the aircraft never carried cargo)."""
    if requirement >= 0:
        return requirement
    times, reqs = cargo.get(aircraft, ([], []))
    if not times:
        return -1
    k = bisect_left(times, end_h - 1e-6)
    return reqs[min(k, len(reqs) - 1)]


def hours_lost(ground: dict[str, Any], legs: dict[str, Any], from_h: float, to_h: float,
               requirements: int) -> list[dict[str, float]]:
    """Aircraft-hours lost to each cause in [from_h, to_h), one dict per requirement (by index); an
    aircraft that never carried cargo charges none."""
    cargo = _next_cargo(legs)
    out = [dict.fromkeys(CAUSES, 0.0) for _ in range(requirements)]
    rows = zip(ground["aircraft"], ground["airfield"], ground["arrive_h"], ground["start_h"], ground["end_h"],
               ground["activity"], ground["requirement"], strict=True)
    for aircraft, _field, arrive, start, end, activity, req in rows:
        i = _charged(aircraft, end, req, cargo)
        if i < 0:
            continue
        if activity in SPOT_ACTIVITIES and start > arrive + _EPS:
            out[i]["MOG waits"] += _overlap(arrive, start, from_h, to_h)
        cause = _cause(activity)
        if cause is not None:
            out[i][cause] += _overlap(start, end, from_h, to_h)
    # The fleet is shared: hours flown with another requirement's cargo are hours this one did not get.
    flown = [0.0] * requirements
    for depart, arrive, req in zip(legs["depart_h"], legs["arrive_h"], legs["requirement"], strict=True):
        if req >= 0:
            flown[req] += _overlap(depart, arrive, from_h, to_h)
    for i in range(requirements):
        out[i]["flying other requirements"] = sum(flown) - flown[i]
    return out


def mog_waits_by_airfield(ground: dict[str, Any], from_h: float, to_h: float) -> dict[str, float]:
    """Aircraft-hours queued for a working spot at each airfield in the window, largest first."""
    waits: dict[str, float] = defaultdict(float)
    for field, arrive, start, activity in zip(ground["airfield"], ground["arrive_h"], ground["start_h"],
                                              ground["activity"], strict=True):
        if activity in SPOT_ACTIVITIES and start > arrive + _EPS:
            waits[field] += _overlap(arrive, start, from_h, to_h)
    return dict(sorted(((k, v) for k, v in waits.items() if v > 0), key=lambda kv: -kv[1]))


def simulated_binding(closed_form: str, closed_form_t_per_day: float, simulated_t_per_day: float,
                      lost: dict[str, float]) -> str:
    """The limit the run hit: the closed form's when the run delivers at least 98 % of it; else the cause
    that cost the most aircraft-hours (idle aircraft: the cargo did not come, not a limit of the fleet)."""
    if simulated_t_per_day >= MEETS * closed_form_t_per_day - _EPS:
        return closed_form
    worst = max(CAUSES, key=lambda c: lost.get(c, 0.0))
    if lost.get(worst, 0.0) <= _EPS:
        return "none measured (short of the closed form without waits: the closed form's averages)"
    return worst
