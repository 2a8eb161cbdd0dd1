"""A run's fuel counts each sortie's taxi and climb allowance on top of the mass model's distance burn, so
it can be set against the catalogue's block-burn figures."""

from __future__ import annotations

import pytest
from helpers import scenario

from sim import run
from sim.data import catalog
from sim.flight import performance


def test_the_allowance_is_the_block_allowance_at_the_block_burn():
    il76 = catalog.aircraft_catalog()["Il-76MD"]
    assert performance.taxi_climb_fuel_t(il76) == pytest.approx(8.5 * 0.5)  # 4.25 t a sortie


def test_a_runs_fuel_is_the_flight_burn_plus_one_allowance_per_take_off():
    result = run(scenario(days=2))
    s = result.summary
    legs = result.sortie_rows
    assert s["flight_fuel_t"] == pytest.approx(sum(r["fuel_t"] for r in legs))
    assert s["taxi_climb_fuel_t"] == pytest.approx(4.25 * len(legs))
    assert s["fuel_t"] == pytest.approx(s["flight_fuel_t"] + s["taxi_climb_fuel_t"])
    assert s["by_aircraft_type"]["Il-76MD"]["fuel_t"] == pytest.approx(s["fuel_t"])
    # Against the block burn (8.5 t/h x block hours) the run's fuel is closer than the flight burn alone.
    block = 8.5 * s["flight_h"]
    assert abs(s["fuel_t"] / block - 1) < abs(s["flight_fuel_t"] / block - 1)
