"""The briefing page in a real browser: Debian's headless Chromium driven by Selenium through
/usr/bin/chromedriver (never Selenium Manager, which would download a browser). The page loads without a
console error, its map shows its layers (and the layer switches work), the numbers it shows are
summary.json's, every chart decodes, and a screenshot is kept for review: in the test's temporary folder
and copied to results/browser-test/briefing.png (its path printed; `pytest -s` shows it).

Without Chromium, chromedriver or selenium the test skips, saying which is missing (.ci/run installs
them with apt-get: chromium, chromium-driver)."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import ROOT, screenshot

SCENARIO = """\
name: browser_briefing
description: Chkalovsky -> Benina, 100 t/day under the December 2024 airspace, with breakdowns.
start_date: 2024-12-08
days: 6
seed: 5
fleet:
  - {type: Il-76MD, count: 4, base: UUMU}
requirements:
  - {from: UUMU, to: HLLB, tons_per_day: 100, label: Benina flow}
events:
  - {day: 3, mog: {HLLB: 1}}
airspace:
  situation: dec2024
stochastic:
  replications: 4
  mission_capable: 0.9
  break_per_sortie: 0.05
  repair_h: {mean: 12, cv: 0.5}
"""


@pytest.fixture
def page(tmp_path):
    from sim import load_scenario
    from sim.experiments.replications import replicate
    from sim.reports import write_run_report

    (tmp_path / "s.yaml").write_text(SCENARIO)
    result = replicate(load_scenario(tmp_path / "s.yaml"), workers=1)
    folder = tmp_path / "out"
    result.save(folder, force=True)
    return folder, write_run_report(folder, result)


@pytest.mark.slow
def test_the_briefing_renders_in_chromium_with_its_numbers_and_map(browser, page, tmp_path):
    from selenium.webdriver.common.by import By

    folder, path = page
    summary = json.loads((folder / "summary.json").read_text())
    browser.get(path.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title == "browser_briefing: replicated run briefing"
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []

    shown = {e.get_attribute("data-key"): e.text for e in browser.find_elements(By.CSS_SELECTOR, ".value[data-key]")}
    for key in ("delivered_t", "requested_t", "backlog_t", "in_transit_t", "sorties"):
        assert shown[key] == f"{summary[key]:,.0f}", key
    assert shown["mean_daily_t"] == f"{summary['mean_daily_t']:,.1f}"

    svg = browser.find_element(By.ID, "route-map")
    assert svg.size["width"] > 600 and svg.size["height"] > 300
    layers = [g.get_attribute("data-layer") for g in svg.find_elements(By.CSS_SELECTOR, "g[data-layer]")]
    assert layers == ["land", "airspace", "routes", "airfields", "labels"]
    legs = svg.find_elements(By.CSS_SELECTOR, "g.leg")
    assert legs and all(leg.is_displayed() for leg in legs)
    assert {a.get_attribute("data-ident") for a in svg.find_elements(By.CSS_SELECTOR, "g.airfield")} >= {"UUMU", "HLLB"}
    assert svg.find_elements(By.CSS_SELECTOR, 'g[data-layer="airspace"] path')  # the December 2024 closures
    for img in browser.find_elements(By.CSS_SELECTOR, "#charts img"):
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) > 100

    shot = screenshot(browser, tmp_path / "briefing.png")
    toggle = browser.find_element(By.CSS_SELECTOR, 'input[data-toggle-layer="routes"]')
    toggle.click()
    assert not any(leg.is_displayed() for leg in legs)
    toggle.click()
    assert all(leg.is_displayed() for leg in legs)
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
    kept = ROOT / "results" / "browser-test" / "briefing.png"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, kept)
    print(f"\nscreenshot of the briefing: {kept}")
