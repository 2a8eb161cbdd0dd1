"""What bound the run, from its own records, next to the closed-form limit (airlift analytic)."""

from __future__ import annotations

import pytest
from helpers import BASE, scenario

from sim import run
from sim.experiments import binding
from sim.experiments.analytic import planning_record

HUGE = 1e6


def _ground(*rows):
    keys = ("aircraft", "airfield", "arrive_h", "start_h", "end_h", "activity", "requirement")
    return {k: [r[i] for r in rows] for i, k in enumerate(keys)}


def _legs(*rows):
    keys = ("aircraft", "depart_h", "arrive_h", "requirement")
    return {k: [r[i] for r in rows] for i, k in enumerate(keys)}


def test_hours_lost_are_charged_to_the_cargo_the_aircraft_was_about_to_carry():
    ground = _ground(("A", "X", 0.0, 2.0, 5.0, "onload", 1),      # 2 h queued for a spot at X
                     ("A", "X", 5.0, 5.0, 9.0, "parking hold", -1),  # empty row: charged to the next cargo leg's
                     ("B", "Y", 0.0, 0.0, 30.0, "crew rest", -1))    # after its last cargo leg: charged to it
    legs = _legs(("A", 9.0, 12.0, 1), ("B", 1.0, 3.0, 0))
    lost = binding.hours_lost(ground, legs, 0.0, 24.0, 2)
    assert lost[1]["MOG waits"] == 2.0 and lost[1]["parking holds"] == 4.0
    assert lost[0]["crew waits"] == 24.0  # clipped to the window
    assert lost[0]["flying other requirements"] == 3.0 and lost[1]["flying other requirements"] == 2.0


def test_the_closed_form_is_kept_when_the_run_meets_it():
    lost = dict.fromkeys(binding.CAUSES, 0.0) | {"crew waits": 50.0}
    assert binding.simulated_binding("demand", 100.0, 99.0, lost) == "demand"
    assert binding.simulated_binding("demand", 100.0, 80.0, lost) == "crew waits"


def test_one_crew_per_aircraft_binds_the_run_where_the_closed_form_names_the_cycle():
    # One crew flies two round trips per 25 h (duty 16 h, rest 12 h): 57.6 t/day, where the cycle allows
    # 30 t x 24 / 7 h = 102.9 t/day and the monthly hours (10,000 h) do not bind the closed form.
    aircraft = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "crew_show_h": 1.5, "crew_debrief_h": 0.5,
                            "crew_duty_h": 16, "crew_rest_h": 12, "crew_flight_h_per_30d": 10_000,
                            "crews_per_aircraft": 1}}
    result = run(scenario(days=10, aircraft=aircraft, operations={"crews": True, "parking_holds": False},
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    record = planning_record(result.output.world, result.summary, result.daily_rows, result.output.records)
    (row,) = record["requirements"]
    assert row["binding_closed_form"] == "fleet (cycle)"
    assert row["binding_t_per_day"] == pytest.approx(30 * 24 / 7)
    assert row["binding_simulated"] == "crew waits"
    assert row["shortfall_pct"] > 30 and row["hours_lost"]["crew waits"] > 0.3 * 240  # of 240 aircraft-hours


def test_without_records_the_simulated_binding_is_not_guessed():
    result = run(scenario(days=2))
    record = planning_record(result.output.world, result.summary, result.daily_rows)
    assert record["requirements"][0]["binding_simulated"] is None
