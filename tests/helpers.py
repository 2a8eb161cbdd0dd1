"""Helpers: tiny scenarios with hand-computable answers.

Two made-up airfields, ORIG and DEST, with a routed distance of 780 km: an aircraft cruising at
780 km/h with a 0.5 h block allowance flies each leg in exactly 1.5 h.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest import mock

from sim.scenario.references import check_references
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]  # the repository
BASELINE = ROOT / "tests" / "baseline"  # reference images the chart tests compare with

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


KM_PER_DEG = 111.319  # WGS84 geodesic along the equator, km per degree of longitude


def equator(**fields: dict) -> dict:
    """Airfields on the equator at the given km east of 0 E, so geodesics equal the hand distances."""
    return {k: {"lat": 0.0, "lon": km / KM_PER_DEG, "country": "XXA", "mog": 4, "fuel": fuel}
            for k, (km, fuel) in fields.items()}


# Twelve aircraft into DEST, where one working spot offloads one aircraft an hour and six offload six:
# DEST's working MOG decides the tons (parking is at least the working MOG, booked as arrival slots);
# refuel_h is not used (refuelling is inside the ground times).
PARKING = {"airfields.DEST.mog": [1, 6], "aircraft.Il-76MD.refuel_h": [0, 2],
           "aircraft.Il-76MD.offload_h": [1.0, 1.1]}


def parking_scenario(**changes):
    airfields = {"ORIG": {"lat": 10.0, "lon": 10.0, "country": "XXA", "mog": 10, "fuel": True},
                 "DEST": {"lat": 10.0, "lon": 17.0, "country": "XXB", "mog": 1, "fuel": True}}
    changes.setdefault("requirements", [{"from": "ORIG", "to": "DEST", "tons": 6000}])  # more than 2 days carry
    return scenario(days=2, fleet=[{"type": "Il-76MD", "count": 12, "base": "ORIG"}], airfields=airfields,
                    operations={"crews": False, "parking_holds": True}, **changes)


class Page(HTMLParser):
    """The parts of a page the tests read: every tag with its attributes, and the figures' shown text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.figures: dict[str, tuple[str, str]] = {}  # key -> (data-value, text shown)
        self._figure: tuple[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "value" in a.get("class", "").split() and "data-key" in a:
            self._figure = (a["data-key"], a["data-value"])

    def handle_data(self, data: str) -> None:
        if self._figure is not None:
            key, value = self._figure
            self.figures[key] = (value, data.strip())
            self._figure = None


def remote_references(html: str) -> list[str]:
    """Every src, href, url() or import that would fetch something over the network."""
    found = re.findall(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", html, re.I)
    found += re.findall(r"""url\(\s*["']?\s*((?:https?:)?//[^"')]+)""", html, re.I)
    found += re.findall(r"""@import\s+["']?((?:https?:)?//[^"';]+)""", html, re.I)
    return found


def screenshot(browser, path: Path) -> Path:
    """The whole page, as tall as it is (at most 12,000 px)."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(int(height) + 40, 12_000))
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 50_000
    return path


def records_and_steps(name: str, replication: int):
    """A scenario's records (legs, ground activities, deliveries) and the events the kernel processed."""
    from sim.model import kernel
    from sim.model.engine import simulate
    from sim.model.randomness import Randomness
    from sim.scenario.compile import build_world
    from sim.scenario.loading import load_scenario

    world = build_world(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    steps = [0]
    step = kernel.Environment.step

    def counted(env: kernel.Environment) -> None:
        steps[0] += 1
        step(env)

    with mock.patch.object(kernel.Environment, "step", counted):
        records = simulate(world, Randomness(world.stochastic, world.run.seed, replication)).records
    return (records.legs, records.ground, records.deliveries), steps[0]
