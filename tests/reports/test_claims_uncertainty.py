"""The press claims over the input ranges: holds, fails, or indeterminate with the share of samples where
it holds and the inputs that decide it (the threshold among them)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.data import catalog
from sim.reports import claims
from sim.reports import reach_report as report
from sim.reports.claims_uncertainty import ClaimInput, _kind_at, claim_inputs, claim_uncertainty, deciding

IL76 = catalog.aircraft_catalog()["Il-76MD"]
TELEGRAPH, RYBAR = claims.CLAIMS


def reaches_from(best):
    return lambda wanted, tons: any(best.get(c, float("-inf")) >= tons for c in wanted)


def test_the_threshold_moves_the_telegraph_verdict():
    reaches = reaches_from({"LBY": 30.0, "MLI": 22.0})
    assert not TELEGRAPH.holds_at(reaches, IL76, ["LBY", "MLI"], 20.0)  # Mali also gets 20 t
    assert TELEGRAPH.holds_at(reaches, IL76, ["LBY", "MLI"], 25.0)  # only Libya gets 25 t
    assert TELEGRAPH.holds(reaches, IL76, ["LBY", "MLI"]) == TELEGRAPH.holds_at(reaches, IL76, ["LBY", "MLI"], 20.0)


def test_the_inputs_are_the_catalogue_ranges_the_threshold_and_the_overflights():
    inputs = {i.key: i for i in claim_inputs(IL76, TELEGRAPH, ["GEO"])}
    assert (inputs["range_reserve_frac"].low, inputs["range_reserve_frac"].high) == (0.05, 0.10)
    assert (inputs["fuel_capacity_t"].low, inputs["fuel_capacity_t"].high) == (84.8, 90)
    assert (inputs["payload_range[1]"].low, inputs["payload_range[1]"].high) == (4200, 4400)  # the 40 t point
    assert (inputs["threshold"].low, inputs["threshold"].high) == (20.0, 35.0)
    assert inputs["closed"].choices == ("", "GEO")


def test_a_shorter_40_t_point_shortens_the_planning_range():
    from sim.flight.performance import max_range_km

    short = _kind_at(IL76, {"payload_range[1]": 4200.0})
    assert short.payload_range[1] == (40.0, 4200.0)
    assert max_range_km(short, 40.0) < max_range_km(IL76, 40.0)


def test_deciding_names_the_input_that_splits_the_samples_first():
    rng = np.random.default_rng(0)
    unit = rng.random((200, 2))
    holds = (unit[:, 1] >= 0.5).astype(float)  # only the second input matters
    found = deciding([ClaimInput("a", "harmless", 0.0, 1.0), ClaimInput("threshold", "the threshold", 20.0, 35.0)],
                     unit, holds)
    assert len(found) == 1 and found[0][1].startswith("the threshold (holds in 0% of samples at 20-27.5, 100% at 27.5-35")


@pytest.mark.slow
def test_the_telegraph_verdict_for_the_il76md_is_indeterminate_and_rybar_fails():
    cases = report.default_cases()[:1]
    rows = claim_uncertainty(cases, report.ORIGINS, types=["Il-76MD"], samples=32, unconfirmed=["GEO"])
    by = {(r["claim"], r["reading"]): r for r in rows}
    one_way = by[("telegraph", "one_way")]
    assert 0 < one_way["p_holds"] < 1 and one_way["verdict"] == "indeterminate within the input ranges"
    assert "the claim's threshold" in one_way["decided_by"]
    assert by[("rybar", "one_way")]["verdict"] == "fails" and by[("rybar", "one_way")]["p_holds"] == 0
    assert rows == claim_uncertainty(cases, report.ORIGINS, types=["Il-76MD"], samples=32, unconfirmed=["GEO"])
