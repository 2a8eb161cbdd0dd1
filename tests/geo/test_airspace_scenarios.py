"""Airspace in scenarios: routed legs, airspace events, legs with no legal route, bad codes."""

from __future__ import annotations

import pytest

from sim import run
from sim.data import catalog
from sim.errors import InputError
from sim.geo import airspace
from sim.scenario.loading import parse_scenario
from sim.scenario.schema import Scenario


def scenario(**changes) -> Scenario:
    data = {
        "name": "air", "start_date": "2024-12-08", "days": 8,
        "aircraft": {"Il-76MD": {"planning_load_t": 40}},
        "fleet": [{"type": "Il-76MD", "count": 1, "base": "UUMU"}],
        "airfields": {"HLLB": {"fuel": True}},
        "requirements": [{"from": "UUMU", "to": "HLLB", "tons": 400}],
        "airspace": {"situation": "dec2024"},
        "catalogue_fuel_stops": False,
    }
    data.update(changes)
    return Scenario.model_validate(data)


def loaded_legs(result, origin="UUMU", destination="HLLB"):
    return [r for r in result.sortie_rows if r["origin"] == origin and r["destination"] == destination and r["payload_t"] > 0]


@pytest.mark.slow
def test_sorties_fly_the_legal_route():
    result = run(scenario())
    expected = airspace.legal_route(catalog.airfield("UUMU"), catalog.airfield("HLLB"), airspace.make_policy(situation="dec2024"))
    legs = loaded_legs(result)
    assert legs
    for leg in legs:
        assert leg["distance_km"] == pytest.approx(expected.length_km)
        # Block time = route / cruise + allowance (catalogue: 780 km/h, 0.5 h).
        assert leg["arrive_h"] - leg["depart_h"] == pytest.approx(expected.length_km / 780 + 0.5)
    phase = result.summary["airspace"]["phases"][0]
    route = next(r for r in phase["routes"] if r["from"] == "UUMU" and r["to"] == "HLLB")
    assert route["overflies"] == ["RUS", "TUR", "LBY"]


def test_open_skies_without_an_airspace_block():
    result = run(scenario(airspace=None))
    x, y = catalog.airfield("UUMU"), catalog.airfield("HLLB")
    from sim.geo.geodesy import geodesic_km

    for leg in loaded_legs(result):
        assert leg["distance_km"] == pytest.approx(geodesic_km(x.lat, x.lon, y.lat, y.lon))
    assert result.summary["airspace"]["phases"][0]["closed"] == []


@pytest.mark.slow
def test_closing_turkey_mid_run_lengthens_the_route():
    result = run(scenario(events=[{"day": 3, "close_airspace": ["TUR"]}], days=10, requirements=[
        {"from": "UUMU", "to": "HLLB", "tons_per_day": 40}]))
    phases = result.summary["airspace"]["phases"]
    assert [p["from_day"] for p in phases] == [0, 3]
    before = [leg["distance_km"] for leg in loaded_legs(result) if leg["depart_h"] < 72]
    after = [leg["distance_km"] for leg in loaded_legs(result) if leg["depart_h"] > 72]
    assert before and after
    assert min(after) > max(before) + 500
    s = result.summary
    assert s["delivered_t"] + s["in_transit_t"] + s["backlog_t"] == pytest.approx(s["requested_t"])


def test_a_leg_with_no_legal_route_is_reported_not_a_crash():
    result = run(scenario(events=[{"day": 2, "close_airspace": ["LBY"]}], days=6))
    s = result.summary
    unroutable = s["airspace"]["unroutable_legs"]
    assert unroutable and unroutable[0]["from_day"] == 2 and "LBY" in unroutable[0]["reason"]
    assert any(leg["from_day"] == 2 for leg in s["infeasible_legs"])
    assert not [leg for leg in loaded_legs(result) if leg["depart_h"] >= 48]
    assert s["delivered_t"] + s["in_transit_t"] + s["backlog_t"] == pytest.approx(s["requested_t"])


@pytest.mark.slow
def test_catalogue_fuel_stops_are_used_when_a_leg_is_too_long():
    # Chkalovsky -> Bamako is beyond a loaded Il-76MD; with catalogue stops it stops in Libya.
    result = run(scenario(requirements=[{"from": "UUMU", "to": "GABS", "tons": 80}], catalogue_fuel_stops=True, days=6))
    assert result.summary["delivered_t"] == pytest.approx(80)
    stops = set(result.summary["fuel_stops_used"])
    assert stops and all(catalog.airfield(k).country in {"LBY", "RUS", "SYR", "DZA"} for k in stops)


@pytest.mark.parametrize(("yaml_tail", "where", "message"), [
    ("airspace: {closed: [EU, XXQ]}\n", "airspace.closed[1]", "unknown country code"),
    ("airspace: {situation: dec2025}\n", "airspace.situation", "known: dec2024"),
    ("events:\n  - {day: 2, close_airspace: [TUQ]}\n", "events[0].close_airspace[0]", "did you mean"),
    ("airspace: {rules: [{closed: [TUR]}]}\n", "airspace.rules[0]", "flights_to or flights_from"),
])
def test_bad_airspace_input_names_file_line_and_field(yaml_tail, where, message):
    text = ("name: bad\nstart_date: 2024-12-08\ndays: 3\nfleet:\n  - {type: Il-76MD, count: 1, base: UUMU}\n"
            "requirements:\n  - {from: UUMU, to: HLLB, tons: 10}\n" + yaml_tail)
    with pytest.raises(InputError) as err:
        parse_scenario(text, "bad.yaml")
    text_out = str(err.value)
    assert f": {where}: " in text_out and message in text_out
    assert "bad.yaml:8:" in text_out or "bad.yaml:9:" in text_out


# Turkey's rule judges the trip, not the hop: a trip bound for Syria may not cross Turkey, and a fuel stop
# (here Antalya, in Turkey itself) must not turn it into two hops the rule does not see.
SYRIA_BOUND = {
    "requirements": [{"from": "UUMU", "to": "OSLK", "tons": 80}],
    "fuel_stops": ["LTAI"],
    # The Caspian corridor closed too: the only legal way to Hmeimim is round Central Asia and Arabia.
    "airspace": {"situation": "dec2024", "closed": ["CASPIAN_CORRIDOR"]},
}


def test_the_turkish_rule_applies_to_the_trips_ends_not_only_the_hops():
    policy = airspace.make_policy(situation="dec2024")
    assert "TUR" not in policy.closed_for("RUS", "TUR")  # Moscow -> Antalya, a trip of its own
    assert "TUR" in policy.closed_for("RUS", "TUR", trip=("RUS", "SYR"))  # ... as the first hop to Hmeimim
    assert "TUR" in policy.closed_for("TUR", "LBY", trip=("SYR", "LBY"))  # second hop of a trip from Syria
    assert "TUR" not in policy.closed_for("RUS", "EGY", trip=("RUS", "LBY"))  # Libya-bound: Turkey open


def test_a_fuel_stop_does_not_make_a_trip_to_syria_through_turkey_legal():
    from sim.model.trips import TripPlanner
    from sim.scenario.compile import build_world

    world = build_world(scenario(**SYRIA_BOUND))
    policy = world.policy
    # Each hop alone is legal (Moscow -> Antalya is a flight to Turkey; Antalya -> Hmeimim leaves Turkey
    # by the shortest way), but as a hop of the trip to Syria the first one has no legal route.
    assert world.route("UUMU", "LTAI", policy).legal
    assert not world.route("UUMU", "LTAI", policy, trip=("UUMU", "OSLK")).legal
    kind = world.aircraft["Il-76MD"]
    trip = TripPlanner(world, lambda _ident: True).plan(kind, "UUMU", "OSLK", 40.0, None)
    # What is left is the direct route round Central Asia and Arabia, 7,079 km, with under 10 t aboard.
    assert trip is not None and trip.stop is None
    assert trip.hops[0].distance_km == pytest.approx(world.distance("UUMU", "OSLK", policy))
    assert trip.payload_cap_t < 10
    # The same stop is fine for a trip Turkey is open to.
    assert TripPlanner(world, lambda _ident: True).plan(kind, "UUMU", "LTAI", 40.0, None) is not None


@pytest.mark.slow
def test_a_run_never_stops_in_turkey_on_a_trip_to_syria():
    result = run(scenario(**SYRIA_BOUND))
    legs = result.sortie_rows
    assert legs and not any("LTAI" in (r["origin"], r["destination"]) for r in legs)
    assert not result.summary["fuel_stops_used"]
