"""The discrete-event model against hand-computed answers."""

from __future__ import annotations

import math

import pytest
from helpers import BASE, scenario

from sim import run
from sim.flight import performance
from sim.model.records import SPOT_ACTIVITIES
from sim.results.checks import check_result


def _legs(result, purpose=None):
    rows = result.sortie_rows
    return [r for r in rows if purpose is None or r["purpose"] == purpose]


def test_one_aircraft_one_leg_exact():
    # Cycle: onload 3 h, fly 1.5 h, offload 1 h, fly back 1.5 h = 7 h. Onloads start at 0, 7, 14, 21 h;
    # deliveries end at 5.5, 12.5, 19.5 h. At 24 h the fourth load (started at 21 h) is still on the ground.
    result = run(scenario())
    s = result.summary
    assert s["sorties"] == 3
    assert s["delivered_t"] == 90
    assert s["in_transit_t"] == 30
    assert s["backlog_t"] == 880
    assert [r["arrive_h"] for r in _legs(result, "cargo")] == [4.5, 11.5, 18.5]


def test_tons_are_min_of_planning_load_and_waiting():
    result = run(scenario(days=2, requirements=[{"from": "ORIG", "to": "DEST", "tons": 70}]))
    assert [r["payload_t"] for r in _legs(result, "cargo")] == [30, 30, 10]
    assert result.summary["closure_day"] == 0  # third delivery ends at 19.5 h
    assert result.summary["by_requirement"][0]["closure_date"] == "2025-01-01"


def test_daily_flow_generated_at_start_of_each_day():
    result = run(scenario(days=3, requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 30}]))
    assert result.summary["requested_t"] == 90
    assert [row["delivered_t"] for row in result.daily_rows] == [30, 30, 30]


def test_cycle_limit_many_aircraft_unlimited_mog():
    # N * P * 24 / RTT = 4 * 30 * 24 / 7 t/day, within 1 % over 70 days (end effects only).
    s = run(scenario(days=70, fleet=[{"type": "Il-76MD", "count": 4, "base": "ORIG"}],
                     requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}])).summary
    expected = 4 * 30 * 24 / 7
    assert s["mean_daily_t"] == pytest.approx(expected, rel=0.01)


def test_mog_bound_destination():
    # Destination MOG 1, offload 1 h, no fuel there -> ground time 1 h -> 24 turns/day -> 720 t/day.
    airfields = {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": 1, "fuel": False}}
    result = run(scenario(days=6, airfields=airfields, fleet=[{"type": "Il-76MD", "count": 20, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}]))
    steady = [row["delivered_t"] for row in result.daily_rows][1:]
    assert steady == [1 * 30 * 24 / 1] * 5


def test_mog_change_event_changes_the_bound():
    airfields = {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": 1, "fuel": False}}
    result = run(scenario(days=6, airfields=airfields, fleet=[{"type": "Il-76MD", "count": 30, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}],
                          events=[{"day": 3, "mog": {"DEST": 2}}]))
    daily = [row["delivered_t"] for row in result.daily_rows]
    assert daily[1:3] == [720, 720]
    assert daily[4:] == [1440, 1440]


def test_closure_with_aircraft_on_the_ground():
    # Deliveries end at 5.5 h, 12.5 h...; the aircraft offloads at DEST from 11.5 h to 12.5 h.
    # DEST closes at 12 h (day 0.5): the aircraft on its ground finishes and leaves, nobody lands after.
    result = run(scenario(days=2, events=[{"day": 0.5, "close": "DEST"}]))
    s = result.summary
    assert s["sorties"] == 2 and s["delivered_t"] == 60
    arrivals = [r for r in result.sortie_rows if r["destination"] == "DEST" and r["purpose"] != "turned back"]
    assert all(r["arrive_h"] <= 12 for r in arrivals)
    departures = [r for r in result.sortie_rows if r["origin"] == "DEST"]
    assert departures[-1]["depart_h"] == 12.5 and departures[-1]["destination"] == "ORIG"
    assert s["requested_t"] == s["delivered_t"] + s["in_transit_t"] + s["backlog_t"]


def test_airborne_aircraft_diverts_when_destination_closes():
    # Third cargo leg departs at 17 h for DEST (1.5 h block); DEST closes at 18 h, 2/3 of the way: 520 km
    # flown. The nearest usable airfield its fuel reaches is ORIG, 520 km back along the route:
    # 520 / 780 h + 0.25 h (half the block allowance, for the approach) -> lands at 18 h 55 min, 1,040 km
    # flown in all. It offloads there (1 h); its 30 t wait at ORIG again.
    result = run(scenario(days=1, events=[{"day": 0.75, "close": "DEST"}]))
    diverted = [r for r in result.sortie_rows if r["purpose"] == "diverted"]
    assert len(diverted) == 1
    leg = diverted[0]
    assert leg["depart_h"] == 17 and leg["arrive_h"] == pytest.approx(17 + 1 + 520 / 780 + 0.25)
    assert leg["destination"] == "ORIG" and leg["distance_km"] == pytest.approx(1040)
    assert 0 < leg["fuel_landing_t"] < leg["fuel_takeoff_t"]
    s = result.summary
    assert s["delivered_t"] == 60 and s["in_transit_t"] == 0 and s["backlog_t"] == 940
    assert s["by_requirement"][0]["waiting_at_t"] == {"ORIG": pytest.approx(940)}
    assert s["diversions"] == 1 and s["stranded"] == []


def test_a_diverting_aircraft_is_committed_to_its_diversion_when_its_first_destination_closes_again():
    # As above, but DEST reopens at 18 h 12 min and closes again at 18 h 24 min, while the aircraft flies
    # back to ORIG (it lands at 18 h 55 min): the second closure does not turn it a second time.
    events = [{"day": 0.75, "close": "DEST"}, {"day": 0.7583, "reopen": "DEST"}, {"day": 0.7667, "close": "DEST"}]
    result = run(scenario(days=1, events=events))
    diverted = [r for r in result.sortie_rows if r["purpose"] == "diverted"]
    assert len(diverted) == 1 and diverted[0]["arrive_h"] == pytest.approx(17 + 1 + 520 / 780 + 0.25)


def test_reopen_resumes_deliveries():
    result = run(scenario(days=3, events=[{"day": 0.5, "close": "DEST"}, {"day": 2, "reopen": "DEST"}]))
    daily = [row["delivered_t"] for row in result.daily_rows]
    assert daily[0] == 60 and daily[1] == 0 and daily[2] > 0


def test_closing_a_closed_airfield_keeps_one_closure_that_the_reopening_ends():
    result = run(scenario(days=3, events=[{"day": 0.5, "close": "DEST"}, {"day": 1, "close": "DEST"},
                                          {"day": 2, "reopen": "DEST"}]))
    closures = [(c["airfield"], c["from_h"], c["to_h"]) for c in result.summary["closures"]]
    assert closures == [("DEST", 12.0, 48.0)]
    assert check_result(result) == []


def test_no_fuel_at_destination_carries_return_fuel_and_the_landing_mass_limits_the_payload():
    # 2,000 km to a field without fuel: the aircraft carries the fuel for the empty way back (2,200 km
    # planned, landing with the reserve) and lands at its maximum landing mass, which caps the payload:
    # 151.5 t = OEW 92 + payload + return fuel (its reserve included, once), all times exp(200 km / K).
    airfields = {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "fuel": False}}
    aircraft = {"Il-76MD": {"planning_load_t": 47}}
    result = run(scenario(days=2, aircraft=aircraft, airfields=airfields,
                          legs=[{"from": "ORIG", "to": "DEST", "distance_km": 2000}]))
    kind = result.output.world.aircraft["Il-76MD"]
    back = performance.required_fuel_t(kind, 2000, 0)  # the return's fuel, its landing reserve included
    expected = 151.5 / math.exp(200 / kind.range_factor_km) - 92 - back  # the reserve counted once
    cargo = _legs(result, "cargo")
    assert cargo and [r["payload_t"] for r in cargo] == pytest.approx([expected] * len(cargo))
    assert all(r["landing_mass_t"] == pytest.approx(151.5) for r in cargo)
    # ... and flies home on what it brought: the fuel on landing covers the empty hop back.
    home = [r for r in result.sortie_rows if r["origin"] == "DEST"]
    assert home and all(r["fuel_takeoff_t"] == pytest.approx(c["fuel_landing_t"]) for r, c in zip(home, cargo, strict=False))


def test_leg_beyond_range_takes_the_fuel_stop():
    # 7,800 km direct is beyond the Il-76MD's planned ferry range (8,200 / 1.1 = 7,455 km);
    # MIDL halfway makes two 3,900 km hops carrying the full 30 t planning load.
    airfields = {**BASE["airfields"], "MIDL": {"lat": 10.0, "lon": 13.5, "country": "XXC", "mog": 4, "fuel": True}}
    legs = [{"from": "ORIG", "to": "DEST", "distance_km": 7800}, {"from": "ORIG", "to": "MIDL", "distance_km": 3900},
            {"from": "MIDL", "to": "DEST", "distance_km": 3900}]
    result = run(scenario(days=3, airfields=airfields, legs=legs))
    cargo = _legs(result, "cargo")
    assert cargo[0]["destination"] == "MIDL" and cargo[0]["fuel_stop"] is True
    assert cargo[1]["origin"] == "MIDL" and cargo[1]["destination"] == "DEST"
    assert {r["payload_t"] for r in cargo} == {30}
    assert result.summary["fuel_stops_used"] == ["MIDL"]
    assert result.summary["infeasible_legs"] == []


def test_leg_beyond_range_without_stop_is_reported_infeasible():
    result = run(scenario(legs=[{"from": "ORIG", "to": "DEST", "distance_km": 7800}]))
    s = result.summary
    assert s["delivered_t"] == 0 and s["backlog_t"] == 1000
    assert len(s["infeasible_legs"]) == 1
    assert s["infeasible_legs"][0]["type"] == "Il-76MD"


def test_oldest_cargo_is_served_first():
    airfields = {**BASE["airfields"], "DST2": {"lat": 11.0, "lon": 17.0, "country": "XXB", "fuel": True}}
    reqs = [{"from": "ORIG", "to": "DEST", "tons": 60, "day": 0.1}, {"from": "ORIG", "to": "DST2", "tons": 60}]
    legs = [*BASE["legs"], {"from": "ORIG", "to": "DST2", "distance_km": 780}]
    result = run(scenario(days=2, airfields=airfields, requirements=reqs, legs=legs))
    destinations = [r["destination"] for r in _legs(result, "cargo")]
    assert destinations[:2] == ["DST2", "DST2"]


def test_same_seed_same_numbers():
    a = run(scenario(days=5, fleet=[{"type": "Il-76MD", "count": 3, "base": "ORIG"}]))
    b = run(scenario(days=5, fleet=[{"type": "Il-76MD", "count": 3, "base": "ORIG"}]))
    assert a.sortie_rows == b.sortie_rows and a.summary == b.summary


def test_little_law_for_aircraft_on_the_ground():
    # Mean aircraft on the ground (time integral of turns) = arrival rate x mean time on the ground.
    result = run(scenario(days=10, fleet=[{"type": "Il-76MD", "count": 5, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}]))
    ground = result.output.records.ground
    horizon = 10 * 24
    spans = [(a, e) for a, e, what in zip(ground["arrive_h"], ground["end_h"], ground["activity"], strict=True)
             if e <= horizon and what in SPOT_ACTIVITIES]
    area = sum(e - a for a, e in spans)
    rate = len(spans) / horizon
    mean_time = area / len(spans)
    assert math.isclose(area / horizon, rate * mean_time)


def test_kathmandu_reference_value():
    # planning-factors 2.1 (AFPAM 10-1403 formula 9.0 worked example): 1 spot, P = 45 ST, GT = 3.25 h,
    # OH = 24 h. Scheduled arrivals, no queueing efficiency: 1 * 45 * 24 / 3.25 = 332.3 ST/day.
    payload_t = 45 * 0.90718474
    airfields = {**BASE["airfields"], "DEST": {**BASE["airfields"]["DEST"], "mog": 1}}
    aircraft = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "planning_load_t": payload_t, "offload_h": 3.25}}
    result = run(scenario(days=60, airfields=airfields, aircraft=aircraft,
                          fleet=[{"type": "Il-76MD", "count": 10, "base": "ORIG"}],
                          requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}]))
    steady_t_per_day = sum(row["delivered_t"] for row in result.daily_rows[1:]) / 59
    assert steady_t_per_day / 0.90718474 == pytest.approx(332.3, rel=0.01)


def test_higher_priority_is_served_first(micro):
    s = micro(requirements=[{"from": "ORIG", "to": "DEST", "tons": 60, "label": "routine"},
                            {"from": "ORIG", "to": "DEST", "tons": 60, "label": "urgent", "priority": 1}], days=2)
    deliveries = run(s).output.records.deliveries
    names = [s.requirements[i].name for i in deliveries["requirement"]]
    assert names[:2] == ["urgent", "urgent"] and names[2:] == ["routine", "routine"]


def test_a_requirement_can_be_reserved_to_some_types(micro):
    s = micro(fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}, {"type": "Il-76TD", "count": 1, "base": "ORIG"}],
              requirements=[{"from": "ORIG", "to": "DEST", "tons": 300, "aircraft": ["Il-76TD"]}], days=3)
    types = set(run(s).output.records.deliveries["type"])
    assert types == {"Il-76TD"}
    with pytest.raises(AssertionError, match="no An-124-100 in the fleet"):
        micro(requirements=[{"from": "ORIG", "to": "DEST", "tons": 10, "aircraft": ["An-124-100"]}])
