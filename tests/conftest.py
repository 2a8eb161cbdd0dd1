"""Test-run settings (hypothesis profiles, a route cache folder of the run's own, every test under tests/e2e/
marked slow) and the fixtures tests share (micro, browser). The helpers tests import (ROOT, BASE, scenario, ...)
are in tests/helpers.py."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from helpers import BASE, scenario  # noqa: F401  (BASE: still importable from here)
from hypothesis import settings

# The suite draws the same hypothesis examples on every run, so a test run (and CI) is reproducible;
# HYPOTHESIS_PROFILE=explore draws new ones each time, to search for bugs (a failure prints its example).
# No deadline: an example's wall time says how busy the machine is, not whether the code is right (a
# 200 ms deadline failed an engine test under a loaded 2-core run).
settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The on-disk route cache (sim.geo.cache) goes to a folder of this test run, never the user's own: the
# suite neither depends on what an earlier run left nor leaves anything behind. Subprocesses inherit it.
_CACHE_DIR = tempfile.TemporaryDirectory(prefix="airlift-test-cache-")
os.environ["AIRLIFT_CACHE_DIR"] = _CACHE_DIR.name
os.environ.pop("AIRLIFT_CACHE", None)

_E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/ (shipped scenarios, notebooks, the docs build, the browser) is slow. A
    ``pure_core`` test (it patches the core) is skipped while the compiled core runs: ``make test`` runs
    those again on the sources (``AIRLIFT_PURE=1``)."""
    from sim import _core

    compiled = _core.status() == "compiled"
    for item in items:
        if _E2E in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.slow)
        if compiled and item.get_closest_marker("pure_core"):
            item.add_marker(pytest.mark.skip(reason="patches the core: runs in make test's AIRLIFT_PURE=1 pass"))


@pytest.fixture
def micro() -> Any:
    return scenario


CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
CHROMEDRIVER = "/usr/bin/chromedriver"


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if CHROMIUM is None:
        return "no Chromium at /usr/bin/chromium (apt-get install chromium)"
    if not Path(CHROMEDRIVER).exists():
        return f"no {CHROMEDRIVER} (apt-get install chromium-driver)"
    return None


@pytest.fixture
def browser() -> Any:
    """Headless Chromium through Debian's chromedriver; the test is skipped when either is missing."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-background-networking", "--no-first-run"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A route cache of this test's own (the process's cached folder, signing key and routes forgotten
    before and after)."""
    from sim.data import storage
    from sim.geo import airspace

    def forget() -> None:
        airspace._legal_route.cache_clear()
        storage._directory.cache_clear()
        storage._root_secret.cache_clear()

    folder = tmp_path / "cache"
    monkeypatch.setenv("AIRLIFT_CACHE_DIR", str(folder))
    monkeypatch.delenv("AIRLIFT_CACHE", raising=False)
    forget()
    yield folder
    forget()
