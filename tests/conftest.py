"""Test-run settings (hypothesis profiles, a route cache folder of the run's own) and fixtures. The helpers
tests import (BASE, scenario) are in tests/helpers.py."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pytest
from helpers import BASE, scenario  # noqa: F401  (BASE: still importable from here)
from hypothesis import settings

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

@pytest.fixture
def micro() -> Any:
    return scenario
