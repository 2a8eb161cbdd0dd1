"""Crews: the 30-day flight-hour limit acts as a rate from the start (each crew has flown before the run),
dispatch prefers an aircraft whose crew may fly now, and spare crews ride the airlift's sorties to where
crews are staged."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from helpers import equator, scenario

from sim import run
from sim.data import catalog
from sim.model.cargo import CargoLedger
from sim.model.crews import Crew, CrewRoster
from sim.model.dispatch import FirstCome
from sim.model.engine import van_der_corput
from sim.model.specs import OperationsSpec

IL76 = catalog.aircraft_catalog()["Il-76MD"]


def test_prior_hours_leave_the_window_evenly():
    crew = Crew("c", "Il-76MD", prior_h=60.0)
    assert crew.flown_h(-720.0) == pytest.approx(60.0)
    assert crew.flown_h(-360.0) == pytest.approx(30.0)  # half the 30 days before the start still count
    assert crew.flown_h(0.0) == 0.0


def test_a_crew_at_the_limit_before_the_start_flies_as_the_prior_hours_leave_the_window():
    # 90 h in the 30 days before the start: a 5 h hop lands when 5 h of them have left the 30 days before
    # its landing, 5/90 of 720 h = 40 h, so it takes off at 35 h.
    crew = Crew("c", "Il-76MD", prior_h=90.0)
    assert crew.earliest_takeoff(IL76, 0.0, 5.0) == pytest.approx(35.0, abs=1e-6)
    fresh = Crew("f", "Il-76MD")
    assert fresh.earliest_takeoff(IL76, 0.0, 5.0) == 0.0


def test_the_default_prior_is_half_the_limit_and_a_scenario_states_its_own():
    assert OperationsSpec().crew_prior_h(90.0) == 45.0
    assert OperationsSpec(crew_prior_flight_h_per_30d=20.0).crew_prior_h(90.0) == 20.0
    assert OperationsSpec(crew_prior_flight_h_per_30d=200.0).crew_prior_h(90.0) == 90.0
    assert [van_der_corput(n) for n in range(1, 6)] == [0.5, 0.25, 0.75, 0.125, 0.625]


def _daily(result) -> list[float]:
    out = [0.0] * 60
    for r in result.sortie_rows:
        if r["purpose"] == "cargo":
            out[int(r["arrive_h"] // 24)] += r["payload_t"]
    return out


def test_the_limit_is_a_rate_not_a_cliff():
    # One Il-76MD, three crews, shuttling 2,000 km for 60 days: with every crew fresh at the start the crews
    # burn their 90 h together and six days go by with nothing delivered (days 25-30 and 55-60); with a
    # prior tempo spread over the crews, no gap longer than three days.
    airfields = equator(ORIG=(0, True), DEST=(2000, True))
    common = dict(days=60, airfields=airfields, legs=[], requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 200}])
    fresh = run(scenario(**common, operations={"crews": True, "parking_holds": False, "crew_prior_flight_h_per_30d": 0}))
    spread = run(scenario(**common, operations={"crews": True, "parking_holds": False}))

    def longest_gap(days: list[float]) -> int:
        gap = best = 0
        for t in days[:58]:
            gap = gap + 1 if t == 0 else 0
            best = max(best, gap)
        return best

    assert longest_gap(_daily(fresh)) >= 6
    assert longest_gap(_daily(spread)) <= 3


@pytest.mark.pure_core  # its aircraft are stand-ins, which compiled code refuses
def test_dispatch_prefers_the_aircraft_whose_crew_may_fly_now():
    kind = SimpleNamespace(name="Il-76MD")
    first = SimpleNamespace(type=kind, location="ORIG", fuel_state=None, serves=None, number=1, flight_h=0.0)
    second = SimpleNamespace(type=kind, location="ORIG", fuel_state=None, serves=None, number=2, flight_h=0.0)
    ledger = CargoLedger("ORIG")
    ledger.add(0.0, 30.0)
    trip = SimpleNamespace(hops=[SimpleNamespace(flight_h=3.0)], duration_h=3.0)
    state = SimpleNamespace(
        ledgers=[ledger], requirements=[SimpleNamespace(priority=0)], capable_types=[1], idle=[first, second],
        cargo_job=lambda a, i, p: SimpleNamespace(reposition=None, trip=trip),
        crew_wait_h=lambda a, flight_h=0.0: 10.0 if a is first else 0.0)
    assert FirstCome().choose(state).aircraft is second  # aircraft 1's crew rests 10 h more


def test_a_spare_rested_crew_rides_to_a_stage_short_of_rested_crews():
    roster = CrewRoster()
    roster.target("Il-76MD", "STAGE", 1)
    tired = roster.new("tired", "Il-76MD", "STAGE")
    tired.duty_start_h, tired.off_duty_h = 0.0, 10.0  # rests until 22 h
    spares = [roster.new(f"spare {k}", "Il-76MD", "BASE") for k in range(2)]
    riders = roster.board(IL76, "BASE", "STAGE", 11.0, 4.0)  # lands at 15 h, before the stage's crew is rested
    assert riders == [spares[0]]
    assert roster.board(IL76, "BASE", "STAGE", 11.0, 4.0) == []  # one on its way is enough; one spare kept
    roster.alight(riders, IL76, "STAGE", "STAGE", 15.0)
    assert spares[0] in roster.waiting[("Il-76MD", "STAGE")] and spares[0].off_duty_h == 15.5
    assert roster.inbound[("Il-76MD", "STAGE")] == 0


def test_staged_crews_at_the_fuel_stop_raise_the_libya_bridge_with_the_same_crews():
    base = run(scenario(**_libya(crews_at={})))
    staged = run(scenario(**_libya(crews_at={"STOP": 2})))
    assert staged.summary["delivered_t"] > base.summary["delivered_t"]
    assert staged.summary["crew_wait_h"] < base.summary["crew_wait_h"]


def _libya(crews_at: dict[str, int]) -> dict:
    # ORIG -> STOP -> DEST: 4,400 km twice, too far for one 16 h duty period with the fuel stop (1.5 + 6.1 +
    # 2.25 + 6.1 + 0.5 = 16.5 h), so the crew that lands at STOP must rest there unless a staged crew takes over.
    airfields = equator(ORIG=(0, True), STOP=(4400, True), DEST=(8800, True))
    return dict(days=10, airfields=airfields, legs=[], catalogue_fuel_stops=False, fuel_stops=["STOP"],
                fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG", "crews_per_aircraft": 2, "crews_at": crews_at}],
                requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 100}],
                operations={"crews": True, "parking_holds": False})
