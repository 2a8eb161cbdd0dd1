"""Parking slots, closing airfields and the records at the end of a run (issue 24).

The micro world of conftest: ORIG -> DEST 780 km, 1.5 h a leg; the Il-76MD loads 30 t, onloads in 3 h and
offloads in 1 h.
"""

from __future__ import annotations

from conftest import BASE, scenario

from sim import run
from sim.results.checks import check_result

HUGE = 1e6
HOLDS = {"crews": False, "parking_holds": True}


def offloads_at(result, airfield: str):
    ground = result.ground
    return ground[(ground["activity"] == "offload") & (ground["airfield"] == airfield)]


# --- closures -----------------------------------------------------------------------------------------


def test_an_aircraft_loading_at_a_closing_airfield_leaves_with_its_cargo():
    # ORIG closes at 1 h, during the 0-3 h onload: the onload under way finishes, the aircraft takes off at
    # 3 h with 30 t and delivers them at DEST (landing 4.5 h, offload to 5.5 h).
    result = run(scenario(days=1, events=[{"day": 1 / 24, "close": "ORIG"}]))
    legs = result.sorties
    assert list(zip(legs["origin"], legs["destination"], legs["depart_h"], legs["payload_t"], strict=True)) == [
        ("ORIG", "DEST", 3.0, 30.0)]
    assert result.summary["delivered_t"] == 30.0
    assert offloads_at(result, "ORIG").empty and check_result(result) == []


def test_an_aircraft_waiting_to_offload_at_a_closing_airfield_leaves_with_its_cargo_at_once():
    # DEST has one working spot and a 10 h offload: A offloads from 4.5 h to 14.5 h, B waits for the spot.
    # DEST closes at 6 h: A's offload under way goes on (30 t delivered); B leaves at 6 h with its 30 t for
    # the nearest usable airfield, ORIG (landing 7.5 h), and offloads there: no offload starts at DEST.
    slow = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "offload_h": 10}}
    airfields = {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": 1}}
    result = run(scenario(days=1, aircraft=slow, airfields=airfields, events=[{"day": 0.25, "close": "DEST"}],
                          fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 60}]))
    dest = offloads_at(result, "DEST")
    assert list(dest["start_h"]) == [4.5] and result.summary["delivered_t"] == 30.0
    legs = result.sorties
    back = legs[(legs["origin"] == "DEST") & (legs["payload_t"] > 0)]
    assert list(zip(back["depart_h"], back["destination"], back["payload_t"], strict=True)) == [(6.0, "ORIG", 30.0)]
    assert list(offloads_at(result, "ORIG")["start_h"]) == [7.5]
    assert check_result(result) == []


def test_a_loaded_aircraft_whose_crew_rests_at_a_closing_airfield_leaves_when_the_crew_may_fly():
    # Based at DEST, the aircraft repositions to ORIG (0-1.5 h) and onloads (1.5-4.5 h); its one crew (5.5 h
    # duty: show 1.5 + 1.5 flown + debrief 0.5 = 3.5 h) must rest before the next hop: off duty at 2 h, 12 h
    # of rest, show 1.5 h: take-off at 15.5 h. ORIG closes at 6 h, during the rest: the cargo stays aboard
    # and goes at 15.5 h (it used to be offloaded at the closed ORIG).
    crew = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "crew_show_h": 1.5, "crew_debrief_h": 0.5,
                        "crew_duty_h": 5.5, "crew_rest_h": 12, "crew_flight_h_per_30d": 10_000,
                        "crews_per_aircraft": 1}}
    result = run(scenario(days=1, aircraft=crew, operations={"crews": True, "parking_holds": False},
                          fleet=[{"type": "Il-76MD", "count": 1, "base": "DEST"}],
                          events=[{"day": 0.25, "close": "ORIG"}]))
    legs = result.sorties
    loaded = legs[legs["payload_t"] > 0]
    assert list(zip(loaded["origin"], loaded["depart_h"], loaded["payload_t"], strict=True)) == [("ORIG", 15.5, 30.0)]
    assert offloads_at(result, "ORIG").empty and result.summary["delivered_t"] == 30.0
    assert check_result(result) == []
