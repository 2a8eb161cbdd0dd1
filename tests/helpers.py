"""Helpers: tiny scenarios with hand-computable answers.

Two made-up airfields, ORIG and DEST, with a routed distance of 780 km: an aircraft cruising at
780 km/h with a 0.5 h block allowance flies each leg in exactly 1.5 h.
"""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.references import check_references
from sim.scenario.schema import Scenario

BASE: dict[str, Any] = {
    "name": "micro",
    "start_date": "2025-01-01",
    "days": 1,
    "seed": 0,
    "aircraft": {
        "Il-76MD": {
            "cruise_speed_kmh": 780, "block_allowance_h": 0.5, "planning_load_t": 30,
            "onload_h": 3, "offload_h": 1, "refuel_h": 0,
        }
    },
    "fleet": [{"type": "Il-76MD", "count": 1, "base": "ORIG"}],
    "airfields": {
        "ORIG": {"lat": 10.0, "lon": 10.0, "country": "XXA", "mog": 10, "fuel": True},
        "DEST": {"lat": 10.0, "lon": 17.0, "country": "XXB", "mog": 10, "fuel": True},
    },
    "requirements": [{"from": "ORIG", "to": "DEST", "tons": 1000}],
    "legs": [{"from": "ORIG", "to": "DEST", "distance_km": 780}],
    "catalogue_fuel_stops": False,
    # Each micro test specifies one mechanism; crews and parking holds have their own tests (test_operations.py).
    "operations": {"crews": False, "parking_holds": False},
}


def scenario(**changes: Any) -> Scenario:
    """BASE with top-level keys replaced, validated like a file would be."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    result = Scenario.model_validate(data)
    problems = check_references(result)
    assert not problems, problems
    return result
