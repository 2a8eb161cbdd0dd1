"""Helpers: tiny scenarios with hand-computable answers.

Two made-up airfields, ORIG and DEST, with a routed distance of 780 km: an aircraft cruising at
780 km/h with a 0.5 h block allowance flies each leg in exactly 1.5 h.
"""

from __future__ import annotations

import copy
import os
import tempfile
from typing import Any

import pytest
from hypothesis import settings

from sim.scenario.references import check_references
from sim.scenario.schema import Scenario

# The suite draws the same hypothesis examples on every run, so a test run (and CI) is reproducible;
# HYPOTHESIS_PROFILE=explore draws new ones each time, to search for bugs (a failure prints its example).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The on-disk route cache (sim.geo.cache) goes to a folder of this test run, never the user's own: the
# suite neither depends on what an earlier run left nor leaves anything behind. Subprocesses inherit it.
_CACHE_DIR = tempfile.TemporaryDirectory(prefix="airlift-test-cache-")
os.environ["AIRLIFT_CACHE_DIR"] = _CACHE_DIR.name
os.environ.pop("AIRLIFT_CACHE", None)

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


@pytest.fixture
def micro() -> Any:
    return scenario
