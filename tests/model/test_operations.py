"""Operations as planners run them: crews, parking holds, dispatch rules, return legs.

The micro world of conftest: ORIG -> DEST 780 km, 1.5 h a leg; the Il-76MD loads 30 t, onloads in 3 h and
offloads in 1 h, so a round trip takes 7 h.
"""

from __future__ import annotations

import pytest
from helpers import BASE, scenario

from sim import run
from sim.results.checks import check_result
from sim.scenario.loading import load_scenario

CREWS = {"crews": True, "parking_holds": False}
HOLDS = {"crews": False, "parking_holds": True}
HUGE = 1e6


def crew_rules(**values):
    """The micro Il-76MD with crew limits: show 1.5 h, debrief 0.5 h, duty 16 h, rest 12 h."""
    return {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "crew_show_h": 1.5, "crew_debrief_h": 0.5,
                        "crew_duty_h": 16, "crew_rest_h": 12, "crew_flight_h_per_30d": 10_000, **values}}


def steady_t_per_day(result, first_day=1):
    rows = result.daily_rows[first_day:]
    return sum(r["delivered_t"] for r in rows) / len(rows)


def test_one_crew_shuttle_matches_its_duty_and_rest_limit():
    # A duty period fits k round trips when show + k (1.5 + 1 + 1.5) + (k - 1) 3 (onloads) + debrief <= 16 h:
    # k = 2 (13 h; k = 3 needs 20 h). From one duty's first take-off to the next: 4 legs and the ground
    # between them (11 h), debrief 0.5, rest 12, show 1.5 = 25 h. Two loads per 25 h = 2 * 30 * 24 / 25 t/day.
    result = run(scenario(days=75, aircraft=crew_rules(crews_per_aircraft=1), operations=CREWS,
                          fleet=[{"type": "Il-76MD", "count": 1, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    assert steady_t_per_day(result) == pytest.approx(2 * 30 * 24 / 25, rel=0.01)
    assert result.summary["crew_waits"] > 0 and check_result(result) == []
    assert set(result.sorties["crew"]) == {"Il-76MD crew 1"}


def test_a_second_crew_at_the_base_lifts_the_limit_to_the_cycle():
    # The tired crew rests at ORIG while the other flies: the aircraft turns every 7 h (30 * 24 / 7 t/day).
    result = run(scenario(days=40, aircraft=crew_rules(crews_per_aircraft=2), operations=CREWS,
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    assert steady_t_per_day(result) == pytest.approx(30 * 24 / 7, rel=0.01)
    assert result.summary["crew_waits"] == 0 and check_result(result) == []
    assert set(result.sorties["crew"]) == {"Il-76MD crew 1", "Il-76MD crew 2"}


def test_staged_crews_wait_where_they_are_staged():
    # A 5.5 h duty covers show, ORIG -> DEST and debrief (3.5 h) but not the flight back (6 h): the crew
    # staged at DEST takes the aircraft home, and the first crew rests at DEST.
    fleet = [{"type": "Il-76MD", "count": 1, "base": "ORIG", "crews_at": {"DEST": 1}}]
    result = run(scenario(days=10, aircraft=crew_rules(crews_per_aircraft=2, crew_duty_h=5.5), operations=CREWS,
                          fleet=fleet,
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    legs = result.sorties
    assert list(legs["crew"][:2]) == ["Il-76MD crew 1", "Il-76MD crew 2"]
    assert list(legs["origin"][:2]) == ["ORIG", "DEST"]
    assert check_result(result) == []


def test_the_30_day_flight_hours_cap_the_sustained_tempo():
    # 30 h of flying per crew in any 30 days, one crew, 3 flight hours a round trip: at most 10 loads in
    # the first 30 days and 20 in 60 days, whatever the duty periods allow.
    result = run(scenario(days=60, aircraft=crew_rules(crews_per_aircraft=1, crew_flight_h_per_30d=30),
                          operations=CREWS, requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    delivered = [r["delivered_t"] for r in result.daily_rows]
    assert sum(delivered[:30]) == 10 * 30
    assert sum(delivered) == 20 * 30
    assert result.summary["by_aircraft_type"]["Il-76MD"]["max_crew_flight_h"] == pytest.approx(60)
    assert check_result(result) == []


def test_a_hop_longer_than_any_crew_may_fly_is_not_flown():
    # ORIG -> DEST is a 1.5 h hop: with show 1.5 h and debrief 0.5 h it needs a 3.5 h duty. A 3 h duty
    # cannot cover it, so nothing flies (the run used to fly it, 0.5 h over the duty, and the checker said so).
    result = run(scenario(days=2, aircraft=crew_rules(crew_duty_h=3), operations=CREWS,
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 30}]))
    assert result.summary["delivered_t"] == 0 and result.summary["sorties"] == 0
    assert check_result(result) == []
    covered = run(scenario(days=2, aircraft=crew_rules(crew_duty_h=3.5), operations=CREWS,
                           requirements=[{"from": "ORIG", "to": "DEST", "tons": 30}]))
    assert covered.summary["delivered_t"] == 30 and check_result(covered) == []


def test_a_hop_too_long_for_a_crew_is_flown_in_two_with_a_rest_at_the_fuel_stop():
    # ORIG -> FAR is 1,560 km (2.5 h with the block allowance): show + hop + debrief = 4.5 h, over a 4 h duty.
    # Via MID (780 km each way, 1.5 h a hop: 3.5 h of duty) each hop fits a duty of its own, the crew resting
    # at MID between.
    airfields = {"ORIG": BASE["airfields"]["ORIG"], "MID": {"lat": 10.0, "lon": 17.0, "country": "XXB", "mog": 10,
                                                            "fuel": True},
                 "FAR": {"lat": 10.0, "lon": 24.0, "country": "XXC", "mog": 10, "fuel": True}}
    legs = [{"from": "ORIG", "to": "MID", "distance_km": 780}, {"from": "MID", "to": "FAR", "distance_km": 780},
            {"from": "ORIG", "to": "FAR", "distance_km": 1560}]
    result = run(scenario(days=2, airfields=airfields, legs=legs, aircraft=crew_rules(crew_duty_h=4),
                          operations=CREWS, catalogue_fuel_stops=True,
                          requirements=[{"from": "ORIG", "to": "FAR", "tons": 30}]))
    sorties = result.sorties
    assert list(zip(sorties["origin"], sorties["destination"], strict=True))[:2] == [("ORIG", "MID"), ("MID", "FAR")]
    assert result.summary["delivered_t"] == 30 and check_result(result) == []
    # The second hop waits for the crew's rest at MID: debrief 0.5 + rest 12 + show 1.5 after landing.
    assert sorties["depart_h"].iloc[1] - sorties["arrive_h"].iloc[0] >= 14.0 - 1e-9


def test_crews_are_on_by_default_with_the_catalogue_limits():
    s = scenario(operations={})
    assert s.operations.crews and s.operations.parking_holds
    result = run(scenario(days=3, operations={}, fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}]))
    assert result.summary["by_aircraft_type"]["Il-76MD"]["crews"] == 6  # 3 per aircraft in sim/data/aircraft.yaml
    assert check_result(result) == []


def parking(spots: int, mog: int = 10):
    return {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": mog, "parking_mog": spots}}


def holds_of(result):
    ground = result.ground
    return ground[ground["activity"] == "parking hold"].sort_values(["aircraft", "start_h"])


def test_a_wait_for_parking_is_one_row_and_the_spot_goes_to_the_first_in_line():
    # Four aircraft, one spot at DEST: each wait in line is one row, however many spots free meanwhile, and
    # take-offs follow the order in which the waits began.
    result = run(scenario(days=3, airfields=parking(1, mog=1), operations=HOLDS,
                          fleet=[{"type": "Il-76MD", "count": 4, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    holds = holds_of(result)
    assert len(holds) >= 3  # the 2nd, 3rd and 4th wait for their slots at the start (slots then keep them apart)
    for _, rows in holds.groupby("aircraft"):  # no wait logged in pieces: one ends before the next begins
        assert (rows["start_h"].to_numpy()[1:] > rows["end_h"].to_numpy()[:-1]).all()
    ends = holds[holds["end_h"] < 48].sort_values(["end_h", "start_h"])  # the last day left out: open waits, legs in the air
    departures = result.sorties[result.sorties["origin"] == "ORIG"][["aircraft", "depart_h"]]
    served = ends.merge(departures, left_on=["aircraft", "end_h"], right_on=["aircraft", "depart_h"])
    assert len(served) == len(ends)  # every wait ends with its take-off
    assert served["start_h"].is_monotonic_increasing  # first in line, first away
    assert check_result(result) == []


def closed_at_6_h_while_one_waits(airfield: str):
    """A 10 h offload keeps DEST's one spot held from 3 h to 14.5 h. The second aircraft, loaded at 3 h,
    waits in line at ORIG; ``airfield`` closes at 6 h."""
    slow = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "offload_h": 10}}
    return run(scenario(days=1, aircraft=slow, airfields=parking(1, mog=1), operations=HOLDS,
                        fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}],
                        events=[{"day": 0.25, "close": airfield}],
                        requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))


def test_a_closure_calls_back_at_once_the_aircraft_waiting_for_parking_there():
    # DEST closes: the wait ends then, not when the spot frees.
    result = closed_at_6_h_while_one_waits("DEST")
    holds = holds_of(result)
    assert list(zip(holds["start_h"], holds["end_h"], strict=True)) == [(3.0, 6.0)]
    assert check_result(result) == []


def test_a_wait_for_parking_never_ends_in_another_at_the_same_instant():
    # lose_hmeimim's trips to al-Khadim stop at Tobruk, and both airfields' parking fills: an aircraft
    # waits for both spots in one piece. (It used to take the first spot, find the other airfield full,
    # give the spot back and queue again there: 1,084 of its 1,584 waits began as another ended.)
    result = run(load_scenario("scenarios/lose_hmeimim.yaml"))
    holds = holds_of(result)
    for _, rows in holds.groupby("aircraft"):
        assert (rows["start_h"].to_numpy()[1:] > rows["end_h"].to_numpy()[:-1] + 1e-9).all()
    assert check_result(result) == []


def test_a_closure_of_its_origin_does_not_unload_a_loaded_aircraft_waiting_for_parking():
    # ORIG closes at 6 h: the second aircraft, loaded there and waiting for DEST's spot, keeps its cargo aboard
    # to leave with it when DEST has room; nothing is offloaded at the closed ORIG (issue 24).
    result = closed_at_6_h_while_one_waits("ORIG")
    ground = result.ground
    assert ground[(ground["activity"] == "offload") & (ground["airfield"] == "ORIG")].empty
    # DEST's one spot stays held by the first aircraft (it cannot return to the closed ORIG): the 30 t wait aboard.
    assert result.summary["in_transit_t"] == 30.0 and result.summary["delivered_t"] == 30.0
    assert check_result(result) == []


def test_without_holds_aircraft_queue_on_the_ground_beyond_the_parking():
    result = run(scenario(days=5, airfields=parking(1, mog=1), operations={"crews": False, "parking_holds": False},
                          fleet=[{"type": "Il-76MD", "count": 6, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    assert result.summary["airfields"]["DEST"]["peak_on_ground"] > 1
    assert result.summary["parking_holds"] == 0


def test_an_empty_aircraft_away_from_its_base_flies_home_rather_than_hold():
    # Two aircraft based at DEST fly ORIG cargo; the one-spot ORIG is held by the first. The second, empty
    # at DEST (its base), holds there; no aircraft ever holds a spot it cannot use.
    airfields = {**BASE["airfields"], "ORIG": {**BASE["airfields"]["ORIG"], "parking_mog": 1}}
    result = run(scenario(days=4, airfields=airfields, operations=HOLDS,
                          fleet=[{"type": "Il-76MD", "count": 2, "base": "DEST"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}]))
    assert result.summary["delivered_t"] > 0
    assert check_result(result) == []


# --- dispatch rules: An-124 (60 t, onload 5 h, offload 2 h, 1.5 h legs) and Il-76MD (30 t, 3 h, 1 h) ---

AN124 = {"cruise_speed_kmh": 780, "block_allowance_h": 0.5, "planning_load_t": 60, "onload_h": 5,
         "offload_h": 2, "refuel_h": 0}


def two_types(rule: str, order: tuple[str, str], tons: float = 60):
    fleet = [{"type": t, "count": 1, "base": "ORIG"} for t in order]
    result = run(scenario(days=1, aircraft={**BASE["aircraft"], "An-124-100": AN124}, fleet=fleet,
                          dispatch={"rule": rule}, requirements=[{"from": "ORIG", "to": "DEST", "tons": tons}]))
    cargo = result.sorties[result.sorties["purpose"] == "cargo"]
    return dict(zip(cargo["type"], cargo["payload_t"], strict=True))


def test_first_come_gives_the_load_to_the_lowest_numbered_idle_aircraft():
    # Both can start loading at once: the tie goes to aircraft 1, which takes all it can.
    assert two_types("first_come", ("An-124-100", "Il-76MD")) == {"An-124-100": 60}
    assert two_types("first_come", ("Il-76MD", "An-124-100")) == {"Il-76MD": 30, "An-124-100": 30}


def test_soonest_delivery_gives_the_first_load_to_the_aircraft_that_delivers_first():
    # Il-76MD: 3 + 1.5 + 1 = 5.5 h; An-124: 5 + 1.5 + 2 = 8.5 h. The Il-76MD takes 30 t, the An-124 the rest,
    # whatever the fleet order.
    for order in (("An-124-100", "Il-76MD"), ("Il-76MD", "An-124-100")):
        assert two_types("soonest_delivery", order) == {"Il-76MD": 30, "An-124-100": 30}


def test_most_ton_km_gives_the_load_to_the_most_productive_aircraft():
    # An-124: 60 t x 780 km / 8.5 h = 5,506 t.km/h; Il-76MD: 30 x 780 / 5.5 = 4,255: the An-124 takes it all.
    for order in (("An-124-100", "Il-76MD"), ("Il-76MD", "An-124-100")):
        assert two_types("most_ton_km", order) == {"An-124-100": 60}


def test_a_dedicated_fleet_serves_only_its_requirements():
    fleet = [{"type": "Il-76MD", "count": 1, "base": "ORIG", "serves": ["bulk"]},
             {"type": "An-124-100", "count": 1, "base": "ORIG", "serves": ["outsize"]}]
    result = run(scenario(days=1, aircraft={**BASE["aircraft"], "An-124-100": AN124}, fleet=fleet,
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 30, "label": "bulk"},
                                        {"from": "ORIG", "to": "DEST", "tons": 60, "label": "outsize"}]))
    cargo = result.sorties[result.sorties["purpose"] == "cargo"]
    assert dict(zip(cargo["type"], cargo["requirement"], strict=True)) == {"Il-76MD": "bulk", "An-124-100": "outsize"}


def test_after_a_delivery_with_no_work_the_aircraft_returns_to_the_cargo_hub():
    # Based at DEST, it delivers ORIG -> DEST cargo and flies back to ORIG (the hub), empty, as a return leg;
    # with return_to: stay it parks at DEST; with base it flies to its base.
    def last_place(return_to):
        result = run(scenario(days=1, dispatch={"return_to": return_to},
                              fleet=[{"type": "Il-76MD", "count": 1, "base": "UUMU"}],
                              requirements=[{"from": "ORIG", "to": "DEST", "tons": 30}]))
        legs = result.sorties
        return legs["purpose"].iloc[-1], legs["destination"].iloc[-1]

    assert last_place("hub") == ("return", "ORIG")
    assert last_place("stay") == ("cargo", "DEST")
    assert last_place("base")[1] == "UUMU"


def test_serves_must_name_a_requirement(micro):
    from sim import load_scenario
    from sim.errors import InputError

    data = {**BASE, "fleet": [{"type": "Il-76MD", "count": 1, "base": "ORIG", "serves": ["bulck"]}],
            "requirements": [{"from": "ORIG", "to": "DEST", "tons": 30, "label": "bulk"}]}
    with pytest.raises(InputError, match="did you mean 'bulk'"):
        load_scenario(data)


@pytest.mark.slow
def test_random_arrivals_at_85_percent_of_a_spot_deliver_the_formula_9_value():
    # Planning factor oracle O4 (AFPAM formula 9.0): a spot fed by random arrivals at 0.85 of its capacity
    # delivers MOG * P * 24 / GT * 0.85 with finite waits. DEST: 1 spot, offload 1 h, so 720 t/day
    # scheduled and 612 t/day at QE 0.85. 64 aircraft with exponential ground times (cv 1) spend on average
    # 66 h loading and 3 h flying, about 5.7 h queueing and 1 h offloading (M/M/1 at 0.85: wait 0.85/0.15 h):
    # 64 / 75.7 h = 0.85 arrivals an hour, close to Poisson (many sources, each rarely arriving).
    aircraft = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "onload_h": 66, "offload_h": 1}}
    airfields = {**BASE["airfields"], "ORIG": {**BASE["airfields"]["ORIG"], "mog": 64, "parking_mog": 64},
                 "DEST": {**BASE["airfields"]["DEST"], "mog": 1, "parking_mog": 64}}
    from sim import replicate

    result = replicate(scenario(days=120, aircraft=aircraft, airfields=airfields,
                                fleet=[{"type": "Il-76MD", "count": 64, "base": "ORIG"}],
                                requirements=[{"from": "ORIG", "to": "DEST", "tons": HUGE}],
                                stochastic={"ground_time_cv": 1.0, "replications": 8}), workers=1)
    daily = result.daily
    steady = daily[daily["day"] >= 10].groupby("day")["delivered_t"].sum().mean()
    assert steady == pytest.approx(1 * 30 * 24 / 1 * 0.85, rel=0.05)
    turns = result.ground[(result.ground["airfield"] == "DEST") & (result.ground["activity"] == "offload")]
    wait_h = (turns["start_h"] - turns["arrive_h"]).mean()
    assert 1.0 < wait_h < 24.0  # a queue forms, and stays finite


def test_a_hop_in_the_air_at_the_end_is_reported_and_not_counted_on_the_ground():
    # Onload 2.2 h: cycles start at 0, 6.2, 12.4, 18.6 h; the fourth offload ends at 23.3 h and the aircraft
    # is flying home at the horizon (24 h), so it is no longer on the ground at DEST.
    aircraft = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "onload_h": 2.2}}
    result = run(scenario(days=1, aircraft=aircraft, operations=HOLDS))
    (airborne,) = result.summary["airborne_at_end"]
    assert (airborne["origin"], airborne["destination"]) == ("DEST", "ORIG")
    assert airborne["depart_h"] == pytest.approx(23.3)
    from sim.results.checks import on_ground

    stays = on_ground(result.world, result.sortie_rows, 24.0, result.summary["airborne_at_end"])
    assert max(b for _, b, _, _ in stays["DEST"]) == pytest.approx(23.3)
    assert check_result(result) == []


def test_dedicated_aircraft_of_one_type_at_one_place_are_not_interchangeable():
    # Two Il-76MDs side by side, each dedicated to one requirement: both fly at once.
    fleet = [{"type": "Il-76MD", "count": 1, "base": "ORIG", "serves": ["a"]},
             {"type": "Il-76MD", "count": 1, "base": "ORIG", "serves": ["b"]}]
    result = run(scenario(days=1, fleet=fleet, requirements=[{"from": "ORIG", "to": "DEST", "tons": 30, "label": "a"},
                                                             {"from": "ORIG", "to": "DEST", "tons": 30, "label": "b"}]))
    cargo = result.sorties[result.sorties["purpose"] == "cargo"]
    assert sorted(cargo["requirement"]) == ["a", "b"] and set(cargo["depart_h"]) == {3.0}


def test_a_crew_that_took_off_before_its_rest_and_show_ended_is_still_on_its_last_duty():
    # Rest counts from the debrief and ends with the next show: landing at 10 h, the earliest new duty's
    # take-off is 10 + 0.5 + 12 + 1.5 = 24 h. A take-off at 22.5 h continues the duty that began at -1.5 h,
    # and landing at 30 h makes it 32 h long: the checker must say so.
    from sim.results.checks import check_trace

    result = run(scenario(days=2, aircraft=crew_rules(crews_per_aircraft=1), operations=CREWS))
    legs = [dict(r) for r in result.sortie_rows[:2]]
    legs[0].update(depart_h=0.0, arrive_h=10.0)
    legs[1].update(depart_h=22.5, arrive_h=30.0)
    problems = check_trace(result.world, legs, [], [], [], 48.0)
    assert any("duty of 32.00 h" in p for p in problems), problems
