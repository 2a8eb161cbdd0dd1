"""Load plans: how many sorties of each type a requirement's equipment and people take, without a simulation.

For each requirement with ``items`` or ``passengers`` and each type of the fleet allowed to carry it, the
type's loaded trip from the requirement's origin to its destination sets the payload (the trip's limit,
at most the type's maximum payload), and the packing rule of ``sim.model.packing`` fills one aircraft
after another until nothing left fits. Two counts answer a planner's two questions:

* ``sorties_alone``: if this type flew everything it can carry of the requirement;
* ``sorties_only_it``: for the pieces no other type of the fleet can carry (the outsize share an An-124
  must fly whatever the Il-76s do), packed on their own.

The simulation may need more sorties (a trip short of fuel, shared aircraft) or fewer of one type (others
take part of the load); ``airlift run`` gives those per item and type in ``summary.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.model.packing import Hold, Load, Piece, carry_problem, hold_of, pack
from sim.model.specs import RequirementSpec, may_serve

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenario.schema import Scenario

LOAD_PLAN_COLUMNS = ["requirement", "from", "to", "type", "payload_t", "sorties_alone", "sorties_only_it",
                     "first_load", "cannot_carry"]


def loads(hold: Hold, mass_cap_t: float, pieces: Mapping[str, int], catalogue: Mapping[str, Piece],
          passengers: int = 0, passenger_mass_t: float = 0.1, bulk_t: float = 0.0) -> list[Load]:
    """The loads, one per sortie, that carry all of ``pieces``, ``passengers`` and ``bulk_t`` this ``hold``
    can take at ``mass_cap_t`` each (what it cannot take is left out)."""
    left = {k: n for k, n in pieces.items() if n > 0}
    out: list[Load] = []
    while True:
        load = pack(hold, mass_cap_t, left, catalogue, passengers, passenger_mass_t, bulk_t)
        if load.empty:
            return out
        out.append(load)
        for kind, count in load.pieces:
            left[kind] -= count
        passengers -= load.passengers
        bulk_t = max(0.0, bulk_t - load.bulk_t) if bulk_t - load.bulk_t > 1e-9 else 0.0


def load_plan(scenario: Scenario) -> pd.DataFrame:
    """One row per requirement with equipment or people and per fleet type allowed to carry it: the
    payload of its loaded trip, sorties if it flew everything it can carry, sorties for what only it can
    carry, its first load and the pieces it cannot carry (``LOAD_PLAN_COLUMNS``)."""
    from sim.model.trips import TripPlanner
    from sim.results.frames import frame
    from sim.scenario.compile import build_world

    world = build_world(scenario)
    planner = TripPlanner(world, lambda ident: world.airfields[ident].mog > 0, world.policy)
    types = [world.aircraft[name] for name in dict.fromkeys(entry.type for entry in world.fleet if entry.count)]
    rows: list[dict[str, Any]] = []
    for req in world.requirements:
        if req.has_manifest:
            rows += _requirement_rows(req, [k for k in types if may_serve(k.name, req)], planner)
    return frame(rows, LOAD_PLAN_COLUMNS)


def _requirement_rows(req: RequirementSpec, types: list[Any], planner: Any) -> list[dict[str, Any]]:
    catalogue = {piece.name: piece for piece, _ in req.pieces}
    counts = {piece.name: count for piece, count in req.pieces}
    holds = {kind.name: hold_of(kind) for kind in types}
    rows = []
    for kind in types:
        hold = holds[kind.name]
        trip = planner.plan(kind, req.from_, req.to, kind.max_payload_t, None)
        payload = 0.0 if trip is None else min(kind.max_payload_t, trip.payload_cap_t)
        alone = loads(hold, payload, counts, catalogue, req.passengers, req.passenger_mass_t, req.bulk_t)
        only_it = {name: n for name, n in counts.items()
                   if carry_problem(catalogue[name], hold) is None
                   and not any(carry_problem(catalogue[name], holds[o.name]) is None for o in types if o is not kind)}
        cannot = [f"{name}: {why}" for name, _ in counts.items() if (why := carry_problem(catalogue[name], hold))]
        rows.append({
            "requirement": req.name, "from": req.from_, "to": req.to, "type": kind.name, "payload_t": payload,
            "sorties_alone": len(alone),
            "sorties_only_it": len(loads(hold, payload, only_it, catalogue)) if only_it else 0,
            "first_load": _describe(alone[0]) if alone else "",
            "cannot_carry": "; ".join(cannot) if trip is not None else "no trip: out of range or no legal route",
        })
    return rows


def _describe(load: Load) -> str:
    parts = [load.describe()] if load.pieces else []
    if load.passengers:
        parts.append(f"{load.passengers} people")
    if load.bulk_t > 1e-9:
        parts.append(f"{load.bulk_t:.1f} t bulk")
    return "; ".join(parts) + f" ({load.mass_t:.1f} t)"
