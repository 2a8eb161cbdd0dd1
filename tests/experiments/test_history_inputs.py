"""History matching declares its inputs as an uncertainty study does (one declaration per fact): the
study's Input and sampling, the catalogue's ranges by default, a scenario's uncertainty: block when it has
one, and the study's shorthands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import ROOT, scenario

from sim import load_scenario
from sim.data import catalog
from sim.errors import OverrideError
from sim.experiments import history
from sim.experiments.uncertainty import sampled_values, unit_samples
from sim.scenario.uncertain import Input


def test_the_default_inputs_are_the_catalogue_ranges_the_choices_and_the_demand():
    s = load_scenario(ROOT / "scenarios" / "dec2024_airbridge.yaml")
    inputs = {i.path: i for i in history.default_inputs(s)}
    assert all(isinstance(i, Input) for i in inputs.values())
    offload = catalog.aircraft_catalog()["Il-76MD"].provenance["offload_h"]
    assert (inputs["aircraft.Il-76MD.offload_h"].low, inputs["aircraft.Il-76MD.offload_h"].high) == (offload.low, offload.high)
    parking = catalog.airfield("HLLB").provenance["parking_mog"]
    assert inputs["airfields.HLLB.parking_mog"].kind == "whole"
    assert (inputs["airfields.HLLB.parking_mog"].low, inputs["airfields.HLLB.parking_mog"].high) == (parking.low, parking.high)
    assert "aircraft.An-124-100.offload_h" not in inputs  # the scenario sets it: not the catalogue's number
    assert inputs["airfields.HL59.fuel"].choices == (False, True) and inputs["airfields.HL59.fuel"].base is False
    assert (inputs["requirements[1].tons_per_day"].low, inputs["requirements[1].tons_per_day"].high) == (20.0, 80.0)
    crews = catalog.aircraft_catalog()["Il-76MD"].provenance["crew_flight_h_per_30d"]
    assert s.operations.crews  # crews are modelled here, so their catalogue ranges are inputs
    assert (inputs["aircraft.Il-76MD.crew_flight_h_per_30d"].low, inputs["aircraft.Il-76MD.crew_flight_h_per_30d"].high) == (
        crews.low, crews.high)
    without = history.default_inputs(s.with_({"operations.crews": False}))
    assert not [i.path for i in without if "crew" in i.path]  # crews off: their numbers change nothing


def test_a_declared_uncertainty_block_is_the_default():
    s = scenario(uncertainty={"operations.crews_per_aircraft": [1.5, 3.0], "aircraft.Il-76MD.offload_h": [2.0, 4.0]})
    assert [(i.path, i.low, i.high) for i in history.default_inputs(s)] == [
        ("operations.crews_per_aircraft", 1.5, 3.0), ("aircraft.Il-76MD.offload_h", 2.0, 4.0)]


def test_points_are_the_studys_latin_hypercube_over_the_same_inputs():
    s = scenario()
    inputs = history.default_inputs(s)
    points = history.sample_points(inputs, 12, seed=3)
    assert points == sampled_values(inputs, unit_samples("lhs", len(inputs), 12, 3))
    demand = [p["requirements[0].tons"] for p in points]
    assert len(set(demand)) == 12  # a Latin hypercube: one point in each twelfth of the range
    low, high = 0.5 * s.requirements[0].tons, 2.0 * s.requirements[0].tons
    assert sorted(int(12 * (d - low) / (high - low)) for d in demand) == list(range(12))


def test_a_value_the_scenario_cannot_take_is_named_before_anything_runs():
    s = scenario(days=3)
    seen = [history.Observation(s.start_date + timedelta(days=d), "Il-76MD", "ORIG", "DEST") for d in (0, 2)]
    with pytest.raises(OverrideError, match="parking_mog"):
        history.history_match(s, seen, samples=2, inputs={"airfields.DEST.parking_mog": [-5, -3]}, workers=1)
