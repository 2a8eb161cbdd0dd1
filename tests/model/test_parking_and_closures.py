"""Parking slots, closing airfields and the records at the end of a run (issue 24).

The micro world of conftest: ORIG -> DEST 780 km, 1.5 h a leg; the Il-76MD loads 30 t, onloads in 3 h and
offloads in 1 h.
"""

from __future__ import annotations

from helpers import BASE, scenario

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


# --- parking slots ------------------------------------------------------------------------------------


def test_a_trip_books_its_destination_for_the_arrival_window_not_from_take_off():
    # ORIG -> DEST flown in 4.8 h; DEST has 2 parking spots and 2 working spots, a 3 h offload: the working
    # MOG allows 2 x 24 / 3 = 16 loads a day. A slot runs from the arrival to the end of the offload plus the
    # 0.25 h buffer, and the next begins a minute later, 3.27 h: 2 x 24 / 3.27 = 14.7 loads a day (441 t/day).
    # Holding the spot from the take-off (4.8 + 3 = 7.8 h a load) allowed 2 x 24 / 7.8 = 6.2 loads a day.
    km = 780 * (4.8 - 0.5)
    kind = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "onload_h": 1, "offload_h": 3}}
    airfields = {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": 2, "parking_mog": 2}}
    result = run(scenario(days=10, aircraft=kind, airfields=airfields, operations=HOLDS,
                          legs=[{"from": "ORIG", "to": "DEST", "distance_km": km}],
                          fleet=[{"type": "Il-76MD", "count": 12, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    rows = result.daily_rows[2:]
    per_day = sum(r["delivered_t"] for r in rows) / len(rows)
    assert abs(per_day - 30 * 2 * 24 / (3.25 + 1 / 60)) < 0.02 * 441
    assert result.summary["airfields"]["DEST"]["peak_on_ground"] == 2
    assert check_result(result) == []


def test_two_full_airfields_exchange_their_spots_instead_of_gridlocking():
    # One parking spot at each of ORIG and DEST, one aircraft based at each, cargo both ways. Each loads at
    # its base (0-3 h), then needs the spot the other stands on: they exchange slots and both leave at 3 h
    # (the old line waited for ever: 0 t). Each offloads (4.5-5.5 h), loads there (5.5-8.5 h) and they
    # exchange again at 8.5 h. From then on the dispatcher sends each, after its offload, for the cargo at
    # the other field (an empty hop): a loaded take-off every 7 h, 3 h + 5.5 h + 7 k h up to 64.5 h: ten
    # each, 600 t in all, with no wait for parking.
    spot = {"mog": 1, "parking_mog": 1}
    airfields = {k: {**v, **spot} for k, v in BASE["airfields"].items()}
    result = run(scenario(days=3, airfields=airfields, operations=HOLDS,
                          legs=[{"from": "ORIG", "to": "DEST", "distance_km": 780},
                                {"from": "DEST", "to": "ORIG", "distance_km": 780}],
                          fleet=[{"type": "Il-76MD", "count": 1, "base": "ORIG"},
                                 {"type": "Il-76MD", "count": 1, "base": "DEST"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE},
                                        {"from": "DEST", "to": "ORIG", "tons": HUGE}]))
    legs = result.sorties
    assert sorted(legs["depart_h"])[:4] == [3.0, 3.0, 8.5, 8.5]
    s = result.summary
    assert s["gridlock"] == [] and s["parking_hold_h"] == 0.0 and s["delivered_t"] == 600.0
    assert check_result(result) == []


def test_a_crew_rest_at_a_fuel_stop_does_not_hold_the_booking_ahead():
    # ORIG -> MIDL -> DEST, 3,900 km a hop (5.5 h), a 2.25 h fuel stop; DEST has one parking spot. Two
    # aircraft load at ORIG (0-3 h); one crew each, 14.5 h duty, 12 h rest. Neither crew may fly on from
    # MIDL (show 1.5 h + 5.5 + 2.25 + 5.5 + debrief 0.5 > 14.5 h): each rests there; the slot it booked at
    # DEST at its take-off (A 16.25-17.5 h, B the next) is given back during the rest and booked again after.
    # A takes off at 3 h; its crew is off duty at 9 h, rested at 21 h, shows: take-off 22.5 h, DEST at 28 h
    # (slot to the offload's end and the buffer, 29.25 h; its crew has the duty left to fly back). B takes
    # off for the next slot (1 minute after A's ends) and lands at 29.27 h. Held from A's take-off to its take-off from DEST
    # (29 h), the spot would have kept B at ORIG until 29 h.
    equator = {k: {"lat": 0.0, "lon": km / 111.319, "country": "XXA", "mog": 4, "fuel": True}
               for k, km in (("ORIG", 0), ("MIDL", 3900), ("DEST", 7800))}
    equator["DEST"]["parking_mog"] = 1
    equator["DEST"]["mog"] = 1
    crew = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "crew_show_h": 1.5, "crew_debrief_h": 0.5,
                        "crew_duty_h": 14.5, "crew_rest_h": 12, "crew_flight_h_per_30d": 10_000,
                        "crews_per_aircraft": 1}}
    result = run(scenario(days=2, aircraft=crew, airfields=equator, legs=[], operations={"crews": True,
                                                                                         "parking_holds": True},
                          fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 60}]))
    legs = result.sorties
    into_dest = legs[legs["destination"] == "DEST"].sort_values("arrive_h")
    assert [round(h, 2) for h in into_dest["arrive_h"]] == [28.0, 29.27]
    assert result.summary["delivered_t"] == 60.0
    assert check_result(result) == []


# --- records at the end and the route check -------------------------------------------------------------


def test_a_turn_under_way_at_the_end_is_in_ground_csv_cut_at_the_horizon_and_flagged():
    # A 30 h offload begins at DEST at 4.5 h: at the 24 h horizon it is under way, recorded from 4.5 h to
    # 24 h and flagged in_progress; the finished onload (0-3 h) is not flagged.
    slow = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "offload_h": 30}}
    result = run(scenario(days=1, aircraft=slow, requirements=[{"from": "ORIG", "to": "DEST", "tons": 30}]))
    rows = [(r["activity"], r["start_h"], r["end_h"], r["in_progress"]) for r in result.ground_rows]
    assert rows == [("onload", 0.0, 3.0, False), ("offload", 4.5, 24.0, True)]
    assert check_result(result) == []


def test_the_checker_fails_a_leg_shorter_than_the_legal_route_in_force(tmp_path):
    import csv

    from typer.testing import CliRunner

    from sim.cli import app

    (tmp_path / "s.json").write_text(scenario(days=1).model_dump_json(by_alias=True, exclude_none=True))
    out = tmp_path / "res"
    runner = CliRunner()
    assert runner.invoke(app, ["run", str(tmp_path / "s.json"), "--out", str(out)]).exit_code == 0
    assert runner.invoke(app, ["check", str(out)]).exit_code == 0
    # The first leg (ORIG -> DEST, 780 km) tampered to 15 % shorter: its fuel, masses and times still agree.
    with (out / "sorties.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["distance_km"] = str(float(rows[0]["distance_km"]) * 0.85)
    with (out / "sorties.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    checked = runner.invoke(app, ["check", str(out)])
    assert checked.exit_code == 1
    assert "663 km flown, the legal route in force is 780 km" in checked.output


def test_a_run_that_gridlocks_says_so_in_its_summary():
    # Three airfields of one spot each, one aircraft based at each, each dedicated to carrying its cargo to the
    # next (AAA -> BBB -> CCC -> AAA). Each loads at home (0-3 h) and needs the spot the next one stands on:
    # no two can exchange, nothing takes off, and the summary says so instead of reporting 0 t silently.
    airfields = {k: {"lat": 0.0, "lon": km / 111.319, "country": "XXA", "mog": 1, "parking_mog": 1, "fuel": True}
                 for k, km in (("AAA", 0), ("BBB", 780), ("CCC", 1560))}
    fleet = [{"type": "Il-76MD", "count": 1, "base": base, "serves": [name]}
             for base, name in (("AAA", "AAA->BBB"), ("BBB", "BBB->CCC"), ("CCC", "CCC->AAA"))]
    requirements = [{"from": x, "to": y, "tons": 1000, "label": f"{x}->{y}"}
                    for x, y in (("AAA", "BBB"), ("BBB", "CCC"), ("CCC", "AAA"))]
    result = run(scenario(days=3, airfields=airfields, legs=[], operations=HOLDS, fleet=fleet,
                          requirements=requirements))
    s = result.summary
    assert s["delivered_t"] == 0.0 and len(result.sorties) == 0
    assert s["gridlock"] == [{"since_h": 0.0, "aircraft_waiting": 3, "airfields": "AAA,BBB,CCC",
                              "cargo_waiting_t": 2910.0}]  # 3 x 1,000 t, less 30 t aboard each
    assert check_result(result) == []
